"""The App and Cluster CRDs (deploy/crds/, `strata crds`) on a real
kube-apiserver: they are accepted and become Established, `kubectl explain`
shows topology.proto's documentation, the examples apply as custom resources,
the server fills in the documented defaults, unknown fields are rejected, and
a Cluster's status subresource takes the status SPEC-2 §7 describes.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from harness import ControlPlaneError

REPO = Path(__file__).resolve().parent.parent.parent
CRDS = REPO / "deploy" / "crds"


def install_crds(cp) -> None:
    """Applies deploy/crds/ (idempotent) and waits until both are Established."""
    cp.kubectl("apply", "--server-side", "--field-manager=strata-tests", "-f", str(CRDS))
    cp.kubectl("wait", "--for=condition=Established", "--timeout=60s",
               "crd/apps.strata.dev", "crd/clusters.strata.dev")
    # Discovery can trail Established by a moment; explain and apply need it.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if cp.kubectl("get", "scl", "-A", check=False).returncode == 0:
            return
        time.sleep(0.2)
    raise ControlPlaneError("the clusters.strata.dev resource never appeared in discovery")


def explain(cp, field: str) -> str:
    """`kubectl explain field`, once the server publishes the CRD's OpenAPI v3
    document: the OpenAPI controller republishes after the CRD is Established
    and served, so on a busy machine explain can briefly not know the resource.
    Waits for that condition (bounded), not for a length of time."""
    deadline = time.monotonic() + 60
    while True:
        r = cp.kubectl("explain", field, check=False)
        if r.returncode == 0:
            return r.stdout
        if "couldn't find resource" not in r.stderr or time.monotonic() > deadline:
            raise ControlPlaneError(f"kubectl explain {field} exited {r.returncode}:\n{r.stderr}")
        time.sleep(0.2)


def example_docs(name: str, namespace: str, app_name: str) -> list[dict]:
    """examples/<name>/ as custom resources, the Cluster in `namespace` and the
    (cluster-scoped) App renamed `app_name` so tests do not share it."""
    docs = []
    for f in ("app.yaml", "cluster.yaml"):
        for d in yaml.safe_load_all((REPO / "examples" / name / f).read_text()):
            if d["kind"] == "App":
                d["metadata"]["name"] = app_name
            else:
                d["metadata"]["namespace"] = namespace
                d["spec"]["app"] = app_name
            docs.append(d)
    return docs


def apply(cp, docs: list[dict], check: bool = True):
    """Server-side applies `docs` (as a kind: List) as the tests' field manager."""
    return cp.kubectl("apply", "--server-side", "--field-manager=strata-tests", "-f", "-",
                      input=json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}),
                      check=check)


def test_committed_crds_are_what_strata_crds_prints(strata_bin):
    out = subprocess.run([str(strata_bin), "crds"], check=True, capture_output=True,
                         text=True).stdout
    printed = [d for d in yaml.safe_load_all(out) if d]
    committed = [yaml.safe_load(p.read_text()) for p in sorted(CRDS.glob("*.yaml"))]
    assert printed == committed


def test_crds_establish_and_explain_shows_the_proto_docs(control_plane):
    cp = control_plane
    install_crds(cp)
    roles = explain(cp, "clusters.spec.roles")
    # The field's own comment and its sub-fields' comments from topology.proto.
    assert "every role gets its minimum member count" in roles, roles
    assert "Must satisfy the cardinality" in roles, roles
    app_roles = explain(cp, "apps.spec.roles.rollout.strategy")
    assert "serial | bestEffortParallel | parallel" in app_roles, app_roles
    status = explain(cp, "clusters.status.phase")
    assert "Progressing" in status, status
    names = cp.kubectl("api-resources", "--api-group=strata.dev", "-o", "wide").stdout
    assert "sapp" in names and "scl" in names, names


def test_examples_apply_as_custom_resources_with_defaults(control_plane, namespace):
    cp = control_plane
    install_crds(cp)
    app = f"{namespace}-kafka"[:63]
    docs = example_docs("kafka", namespace, app)
    r = apply(cp, docs)
    assert "Warning" not in r.stderr, r.stderr
    stored = cp.kubectl_json("get", "app", app)
    zk = stored["spec"]["roles"][0]
    # Defaults the proto states, filled in by the server.
    assert zk["rollout"]["strategy"] == "serial"
    assert zk["rollout"]["maxUnavailable"] == 1
    assert zk["storage"][0]["onClusterDelete"] == "retain"
    assert zk["storage"][0]["accessModes"] == ["ReadWriteOnce"]
    assert zk["ports"][0]["protocol"] == "TCP"
    cluster = cp.kubectl_json("get", "scl", "events", "-n", namespace)
    assert cluster["spec"]["domain"] == "cluster.local"
    assert cluster["spec"]["roles"][0]["config"] == {"/conf/zoo.cfg": {"maxClientCnxns": "60"}}
    # `strata` is a category: both kinds list under it.
    listed = cp.kubectl("get", "strata", "-A", "-o", "name").stdout
    assert f"app.strata.dev/{app}" in listed and "cluster.strata.dev/events" in listed, listed
    cp.kubectl("delete", "app", app)


def post_cluster(cp, namespace: str, cluster: dict, validation: str = "Strict"):
    """Creates `cluster` through the REST API itself (no kubectl-side
    validation), with the given fieldValidation; returns the server's error
    text, or "" when it was created."""
    try:
        cp.api("POST", f"/apis/strata.dev/v1/namespaces/{namespace}/clusters"
                       f"?fieldValidation={validation}", cluster,
               content_type="application/json")
        return ""
    except ControlPlaneError as e:
        return str(e)


@pytest.mark.parametrize("path,where", [
    (("spec", "roles", 0, "bogus"), "spec.roles[0].bogus"),
    (("spec", "bogus"), "spec.bogus"),
    (("spec", "roles", 0, "storage", 0, "sise"), "spec.roles[0].storage[0].sise"),
])
def test_unknown_fields_are_rejected(control_plane, namespace, path, where):
    cp = control_plane
    install_crds(cp)
    docs = example_docs("kafka", namespace, f"{namespace}-x"[:63])
    cluster = docs[1]
    node = cluster
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "1"
    # kubectl (its default --validate=strict) refuses, naming the field ...
    r = apply(cp, [cluster], check=False)
    assert r.returncode != 0, r.stdout
    assert "unknown field" in r.stderr and path[-1] in r.stderr, r.stderr
    # ... and so does the API server itself, with the whole path.
    err = post_cluster(cp, namespace, cluster)
    assert "unknown field" in err and where in err, err
    assert cp.kubectl("get", "scl", "events", "-n", namespace, check=False).returncode != 0


def test_required_fields_and_types_are_checked_by_the_server(control_plane, namespace):
    cp = control_plane
    install_crds(cp)
    docs = example_docs("kafka", namespace, f"{namespace}-y"[:63])
    cluster = docs[1]
    del cluster["spec"]["app"]
    cluster["spec"]["roles"][0]["members"] = "three"
    err = post_cluster(cp, namespace, cluster)
    assert "spec.app: Required value" in err, err
    assert "spec.roles[0].members: Invalid value" in err, err
    # Any scalar a string field takes in YAML that is an integer is accepted.
    cluster = example_docs("kafka", namespace, f"{namespace}-y"[:63])[1]
    cluster["spec"]["roles"][1]["storage"][0]["size"] = 500
    assert post_cluster(cp, namespace, cluster) == ""


def test_status_subresource_takes_the_operator_status(control_plane, namespace):
    cp = control_plane
    install_crds(cp)
    app = f"{namespace}-s"[:63]
    docs = example_docs("kafka", namespace, app)
    apply(cp, docs)
    status = {
        "observedGeneration": 1,
        "phase": "Progressing",
        "readyMembers": "3/8",
        "updatedMembers": "3/8",
        "conditions": [{"type": "Ready", "status": "False", "observedGeneration": 1,
                        "lastTransitionTime": "2025-01-01T00:00:00Z",
                        "reason": "RollingUpdate", "message": "waiting for events-broker-0"}],
        "roles": [{"name": "zookeeper", "members": 3, "ready": 3, "updated": 3}],
        "plan": {"steps": 4, "next": [{"action": "wait", "target": "Pod/events-broker-0",
                                       "reason": "Ready"}]},
        "message": "waiting for events-broker-0 Ready",
    }
    cp.api("PATCH", f"/apis/strata.dev/v1/namespaces/{namespace}/clusters/events/status",
           {"status": status})
    got = cp.kubectl_json("get", "scl", "events", "-n", namespace)
    assert got["status"] == status
    # A status update through the main resource is ignored (subresource).
    cp.api("PATCH", f"/apis/strata.dev/v1/namespaces/{namespace}/clusters/events",
           {"status": {"phase": "Ready"}})
    assert cp.kubectl_json("get", "scl", "events", "-n", namespace)["status"]["phase"] == \
        "Progressing"
    # The printer columns show phase, ready members and the message.
    table = cp.kubectl("get", "scl", "-n", namespace).stdout
    assert "Progressing" in table and "3/8" in table and "waiting for events-broker-0" in table, table
    # An unknown phase is refused.
    with pytest.raises(ControlPlaneError, match="phase"):
        cp.api("PATCH", f"/apis/strata.dev/v1/namespaces/{namespace}/clusters/events/status",
               {"status": {"phase": "Sleeping"}})
    cp.kubectl("delete", "app", app)
