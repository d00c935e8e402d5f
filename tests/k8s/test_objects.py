"""Every example compiles to objects a real kube-apiserver accepts (SPEC §2),
under the restricted Pod Security Standard (§2.3), and the StatefulSet
controller can create their pods."""

from __future__ import annotations

import subprocess
import time

import pytest
import yaml

from strata_cli import require_strata
from example_files import example_dirs, yaml_files
from k8s_objects import ensure_storage_classes

EXAMPLES = example_dirs()


def _strata(strata_bin, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(strata_bin), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("example", EXAMPLES or [None],
                         ids=[d.name for d in EXAMPLES] or ["no-examples"])
def test_compiled_objects_are_accepted(control_plane, strata_bin, strata_commands, example):
    if example is None:
        pytest.skip("no examples/*/ with App + Cluster documents yet")
    require_strata(strata_commands, "compile")
    cp = control_plane
    files = [str(f) for f in yaml_files(example)]

    r = _strata(strata_bin, "compile", *files, "-o", "yaml")
    assert r.returncode == 0, f"strata compile {example.name} exited {r.returncode}:\n{r.stderr}"
    objects = [d for d in yaml.safe_load_all(r.stdout) if d]
    if len(objects) == 1 and objects[0].get("kind") == "List":
        objects = objects[0]["items"]
    assert objects, f"strata compile {example.name} printed no objects"

    # Objects carry metadata.namespace: the namespaces must exist first.
    namespaces = sorted({o["metadata"].get("namespace") or "default" for o in objects})
    for ns in namespaces:
        cp.create_namespace(ns)
    ensure_storage_classes(cp, objects)

    apply = ("apply", "--server-side", "--field-manager=strata", "-f", "-")
    dry = cp.kubectl(*apply, "--dry-run=server", input=r.stdout, check=False)
    assert dry.returncode == 0, \
        f"kube-apiserver rejected {example.name} (server dry run):\n{dry.stderr}"
    # PodSecurity warns (for pod templates) in namespaces labelled warn=restricted.
    psa = sorted({l for l in dry.stderr.splitlines() if "PodSecurity" in l})
    if psa:
        said = _strata(strata_bin, "validate", *files).stderr.lower()
        warned = "capabilit" in said or "pod security" in said
        assert warned, (f"{example.name} violates the restricted Pod Security Standard and "
                        "`strata validate` does not warn about it:\n" + "\n".join(psa))
        # The App asked for it and strata said so (SPEC §2.3): let its pods in.
        for ns in namespaces:
            cp.kubectl("label", "namespace", ns, "--overwrite",
                       "pod-security.kubernetes.io/enforce=privileged")

    real = cp.kubectl(*apply, input=r.stdout, check=False)
    assert real.returncode == 0, f"kube-apiserver rejected {example.name}:\n{real.stderr}"

    # Every object is there as emitted.
    for o in objects:
        ns = o["metadata"].get("namespace") or "default"
        group = o["apiVersion"].split("/")[0] if "/" in o["apiVersion"] else ""
        resource = o["kind"].lower() + (f".{group}" if group else "")
        cp.kubectl("get", resource, o["metadata"]["name"], "-n", ns)

    # And the StatefulSet controller can create every member's pod: with
    # enforce=restricted, a pod template that breaks the standard gets no pods.
    stss = [o for o in objects if o["kind"] == "StatefulSet"]
    deadline = time.monotonic() + 60
    for s in stss:
        ns = s["metadata"].get("namespace") or "default"
        want = s["spec"].get("replicas", 1)
        sel = ",".join(f"{k}={v}" for k, v in s["spec"]["selector"]["matchLabels"].items())
        while True:
            pods = cp.kubectl_json("get", "pods", "-n", ns, "-l", sel)["items"]
            if len(pods) >= want:
                break
            if time.monotonic() > deadline:
                events = cp.kubectl("get", "events", "-n", ns, "--field-selector",
                                    f"involvedObject.name={s['metadata']['name']}",
                                    check=False).stdout
                pytest.fail(f"{s['metadata']['name']}: {len(pods)}/{want} pods created; "
                            f"events:\n{events}")
            time.sleep(0.3)
