"""The harness itself, without strata: the control plane starts, serves, runs
the StatefulSet controller the plans rely on, schedules pods onto kwok's
nodes, makes them Ready (or keeps a chosen one unready), binds and grows
PVCs, answers pods/exec with recorded commands, and stops without leftovers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time

import pytest

import harness
from k8s_objects import ensure_storage_classes, pod_ready


def test_start_and_stop_leave_nothing_behind(k8s_bin_dir, monkeypatch):
    # The first port handed out is taken: etcd must fail to bind it and the
    # harness must retry with fresh ports.
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    taken = squatter.getsockname()[1]
    real_free_port = harness.free_port
    handed = []

    def free_port():
        handed.append(taken if not handed else real_free_port())
        return handed[-1]

    monkeypatch.setattr(harness, "free_port", free_port)
    cp = harness.ControlPlane(k8s_bin_dir)
    try:
        cp.start()
        assert cp.etcd_port != taken
        assert "address already in use" in cp.procs["etcd"].log_text()
        assert cp.kubectl("get", "--raw", "/readyz").stdout.strip() == "ok"
        version = cp.kubectl_json("version")["serverVersion"]["gitVersion"]
        assert version.startswith("v1."), version
        pgids = [p.popen.pid for p in cp.procs.values()]
        assert sorted(cp.procs) == sorted(["etcd", "kube-apiserver", "kube-controller-manager",
                                           "kube-scheduler", "kwok", "node-agent"])
        nodes = cp.kubectl_json("get", "nodes")["items"]
        assert sorted({n["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in nodes}) \
            == ["zone-a", "zone-b", "zone-c"]
        assert all(pod_ready(n) or any(c["type"] == "Ready" and c["status"] == "True"
                                       for c in n["status"]["conditions"]) for n in nodes)
        work = cp.work_dir
    finally:
        cp.stop()
        squatter.close()
    for pgid in pgids:
        with pytest.raises(ProcessLookupError):
            os.killpg(pgid, 0)  # no process of any group is left
    assert not work.exists()
    cp.stop()  # idempotent


def test_admin_token_and_cert_auth(control_plane, tmp_path):
    cp = control_plane
    # Client certificate (the kubeconfig) maps to strata-admin in system:masters.
    r = cp.kubectl("auth", "can-i", "*", "*", "--all-namespaces")
    assert r.stdout.strip() == "yes"
    # The bearer token authenticates the same user.
    r = cp.kubectl("auth", "whoami", "-o", "json")
    assert json.loads(r.stdout)["status"]["userInfo"]["username"] == "strata-admin"
    # The bearer token authenticates the same user, with no certificate at all.
    empty = tmp_path / "empty-kubeconfig"
    empty.write_text("")
    r = subprocess.run([cp.kubectl_bin, "--kubeconfig", str(empty), "--server", cp.server,
                        "--certificate-authority", str(cp.pki / "ca.crt"),
                        "--token", cp.admin_token, "auth", "whoami", "-o", "json"],
                       capture_output=True, text=True, check=True)
    user = json.loads(r.stdout)["status"]["userInfo"]
    assert user["username"] == "strata-admin" and "system:masters" in user["groups"]


def _sts(ns: str, replicas: int, image: str = "registry.example/app:1") -> dict:
    labels = {"app.kubernetes.io/instance": "demo", "app.kubernetes.io/component": "db"}
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "demo-db", "namespace": ns, "labels": labels},
        "spec": {
            "serviceName": "demo-db",
            "replicas": replicas,
            "podManagementPolicy": "Parallel",
            "updateStrategy": {"type": "OnDelete"},
            "persistentVolumeClaimRetentionPolicy": {"whenScaled": "Retain",
                                                     "whenDeleted": "Retain"},
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "automountServiceAccountToken": False,
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 1000,
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [{
                        "name": "db", "image": image,
                        "ports": [{"name": "client", "containerPort": 5432}],
                        "securityContext": {"allowPrivilegeEscalation": False,
                                            "capabilities": {"drop": ["ALL"]}},
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    }],
                },
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "data", "labels": labels},
                "spec": {"accessModes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": "1Gi"}}},
            }],
        },
    }


def _svc(ns: str) -> dict:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "demo-db", "namespace": ns},
        "spec": {"clusterIP": "None", "publishNotReadyAddresses": True,
                 "selector": {"app.kubernetes.io/instance": "demo",
                              "app.kubernetes.io/component": "db"},
                 "ports": [{"name": "client", "port": 5432}]},
    }


def _apply(cp, obj) -> None:
    cp.kubectl("apply", "--server-side", "--field-manager=strata-tests", "-f", "-",
               input=json.dumps(obj))


def _pods(cp, ns) -> dict:
    return {p["metadata"]["name"]: p for p in cp.kubectl_json("get", "pods", "-n", ns)["items"]}


def _until(what: str, fn, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.2)


def test_statefulset_controller_creates_recreates_and_orphans(control_plane, namespace):
    cp, ns = control_plane, namespace
    ensure_storage_classes(cp, [_sts(ns, 3)])
    _apply(cp, _svc(ns))
    _apply(cp, _sts(ns, 3))

    # Parallel pod management: all three ordinals at once, with their PVCs.
    pods = _until("3 pods", lambda: (p := _pods(cp, ns)) and len(p) == 3 and p)
    assert sorted(pods) == ["demo-db-0", "demo-db-1", "demo-db-2"]
    assert all(p["metadata"]["labels"]["apps.kubernetes.io/pod-index"] == n[-1]
               for n, p in pods.items())
    pvcs = {c["metadata"]["name"] for c in
            cp.kubectl_json("get", "persistentvolumeclaims", "-n", ns)["items"]}
    assert pvcs == {"data-demo-db-0", "data-demo-db-1", "data-demo-db-2"}

    # kube-scheduler places them on kwok's nodes, kwok makes them Ready.
    _until("3 pods Ready", lambda: all(pod_ready(p) for p in _pods(cp, ns).values()))
    assert all(p["spec"]["nodeName"].startswith("strata-node-") for p in _pods(cp, ns).values())
    _until("readyReplicas=3", lambda: cp.kubectl_json(
        "get", "statefulset", "demo-db", "-n", ns)["status"].get("readyReplicas") == 3)
    for c in cp.kubectl_json("get", "persistentvolumeclaims", "-n", ns)["items"]:
        assert c["status"]["phase"] == "Bound"

    # OnDelete: a new template restarts nobody until a pod is deleted...
    _apply(cp, _sts(ns, 3, image="registry.example/app:2"))
    # Wait until the controller has processed the new template (it records a
    # new update revision for this generation), then check it deleted nobody.
    def _saw_new_revision():
        sts = cp.kubectl_json("get", "statefulset", "demo-db", "-n", ns)
        st = sts.get("status", {})
        return (st.get("observedGeneration") == sts["metadata"]["generation"]
                and st.get("updateRevision") and st.get("updateRevision") != st.get("currentRevision"))
    _until("the controller to see the new template", _saw_new_revision)
    assert {n: p["metadata"]["uid"] for n, p in _pods(cp, ns).items()} == \
        {n: p["metadata"]["uid"] for n, p in pods.items()}
    # ...and a deleted pod comes back under its name at the new template.
    # (No --wait: the pod is recreated under its name before kubectl 1.32
    # would notice the old one is gone.)
    cp.kubectl("delete", "pod", "demo-db-1", "-n", ns, "--wait=false")
    new1 = _until("demo-db-1 recreated", lambda: (p := _pods(cp, ns).get("demo-db-1")) and
                  p["metadata"]["uid"] != pods["demo-db-1"]["metadata"]["uid"] and p)
    assert new1["spec"]["containers"][0]["image"] == "registry.example/app:2"
    assert _pods(cp, ns)["demo-db-0"]["spec"]["containers"][0]["image"] == \
        "registry.example/app:1"

    # Scale in: the highest ordinal goes, its PVC stays (whenScaled: Retain).
    _apply(cp, _sts(ns, 2, image="registry.example/app:2"))
    _until("demo-db-2 removed", lambda: "demo-db-2" not in _pods(cp, ns))
    pvcs = {c["metadata"]["name"] for c in
            cp.kubectl_json("get", "persistentvolumeclaims", "-n", ns)["items"]}
    assert "data-demo-db-2" in pvcs

    # Orphan delete (the plan's answer to an immutable field change): pods
    # survive without an owner, and a re-created StatefulSet adopts them.
    cp.kubectl("delete", "statefulset", "demo-db", "-n", ns, "--cascade=orphan",
               "--wait=true", "--timeout=60s")
    left = _pods(cp, ns)
    assert sorted(left) == ["demo-db-0", "demo-db-1"]
    assert all(not p["metadata"].get("ownerReferences") for p in left.values())
    _apply(cp, _sts(ns, 2, image="registry.example/app:2"))
    _until("pods adopted", lambda: all(p["metadata"].get("ownerReferences")
                                       for p in _pods(cp, ns).values()))
    assert {n: p["metadata"]["uid"] for n, p in _pods(cp, ns).items()} == \
        {n: p["metadata"]["uid"] for n, p in left.items()}


def test_pvc_resize_passes_admission_once_bound(control_plane, namespace):
    cp, ns = control_plane, namespace
    ensure_storage_classes(cp, [])
    pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {"name": "data-x-0", "namespace": ns},
           "spec": {"accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "1Gi"}}}}
    _apply(cp, pvc)
    # The node agent binds it to a volume of its own...
    got = _until("bound", lambda: (c := cp.get("persistentvolumeclaims", ns, "data-x-0"))
                 and (c.get("status") or {}).get("phase") == "Bound" and c)
    assert got["spec"]["volumeName"] == f"pvc-{got['metadata']['uid']}"
    cp.kubectl("patch", "pvc", "data-x-0", "-n", ns, "--type=merge",
               "-p", '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}')
    # ... and grows it.
    got = _until("2Gi", lambda: (c := cp.get("persistentvolumeclaims", ns, "data-x-0"))
                 and c["status"].get("capacity", {}).get("storage") == "2Gi" and c)
    assert got["spec"]["storageClassName"] == "strata-test-default"
    pv = cp.kubectl_json("get", "persistentvolume", got["spec"]["volumeName"])
    assert pv["spec"]["capacity"]["storage"] == "2Gi"


def _pod(ns: str, name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [{"name": "main", "image": "registry.example/app:1",
                                     "securityContext": {
                                         "allowPrivilegeEscalation": False,
                                         "runAsNonRoot": True, "runAsUser": 1000,
                                         "capabilities": {"drop": ["ALL"]},
                                         "seccompProfile": {"type": "RuntimeDefault"}}}]}}


def test_kept_unready_pod_runs_but_never_becomes_ready(control_plane, namespace):
    cp, ns = control_plane, namespace
    cp.keep_unready(ns, "stuck")
    _apply(cp, _pod(ns, "stuck"))
    _apply(cp, _pod(ns, "fine"))
    _until("fine Ready", lambda: pod_ready(cp.get("pods", ns, "fine")))
    stuck = _until("stuck Running", lambda: (p := cp.get("pods", ns, "stuck"))
                   and p["status"].get("phase") == "Running" and p)
    assert not pod_ready(stuck)
    assert stuck["metadata"]["annotations"]["strata.test/readiness"] == "never"
    # A Ready pod can be turned unready too.
    cp.keep_unready(ns, "fine")
    _until("fine unready", lambda: not pod_ready(cp.get("pods", ns, "fine")))


def test_exec_runs_through_kwok_and_leaves_a_record(control_plane, namespace):
    cp, ns = control_plane, namespace
    _apply(cp, _pod(ns, "p"))
    _until("p Ready", lambda: pod_ready(cp.get("pods", ns, "p")))
    cp.exec_rule(ns, pod="p", match="leader", exit=1, stderr="not the leader\n")
    # Commands by bare name reach the recording shim.
    r = cp.kubectl("exec", "-n", ns, "p", "--", "sh", "-c", "echo srvr | grep leader",
                   check=False)
    assert r.returncode == 1, r
    assert "not the leader" in r.stderr
    r = cp.kubectl("exec", "-n", ns, "p", "--", "sh", "-c", "kafka-gate --ok")
    assert r.returncode == 0 and r.stdout == ""
    recs = cp.exec_records(ns, "p")
    assert [(x["argv"], x["exit"], x["container"]) for x in recs] == [
        (["sh", "-c", "echo srvr | grep leader"], 1, "main"),
        (["sh", "-c", "kafka-gate --ok"], 0, "main")]
    # An absolute path runs for real. (kwok reports a non-zero exit as an
    # InternalError "...: exit status 4", so kubectl exits 1; strata's client
    # reads the code from that message, see tests/kube/client.)
    r = cp.kubectl("exec", "-n", ns, "p", "--", "/bin/sh", "-c", "echo real; exit 4",
                   check=False)
    assert r.returncode != 0 and r.stdout == "real\n" and "exit status 4" in r.stderr
    r = cp.kubectl("exec", "-n", ns, "p", "--", "/bin/sh", "-c", "echo real")
    assert r.stdout == "real\n"


def test_apiserver_restarts_on_its_port(control_plane, namespace):
    cp, ns = control_plane, namespace
    _apply(cp, _pod(ns, "survivor"))
    _until("survivor Ready", lambda: pod_ready(cp.get("pods", ns, "survivor")))
    port = cp.api_port
    cp.kill_apiserver()
    assert cp.kubectl("get", "pods", "-n", ns, check=False, timeout=30).returncode != 0
    cp.restart_apiserver()
    assert cp.api_port == port
    assert pod_ready(cp.get("pods", ns, "survivor"))
