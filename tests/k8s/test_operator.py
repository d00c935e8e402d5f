"""strata-operator (SPEC-2 §7) against the real kube-apiserver: the kafka
example applied as App and Cluster custom resources converges to phase Ready
with every member Ready, an honest status, Events and metrics, rolls a broker
image change in the planned order with its gates, scales in through a SIGKILL of the operator without repeating a
completed memberLeave, and is deleted keeping its retained claims; an invalid
Cluster gets phase Invalid with the CLI's field path; two replicas with
leader election have one actor; deploy/'s ServiceAccount is enough; 50
Clusters created at once converge.

Each test runs its own operator process (out of cluster, with the admin
kubeconfig) restricted to the test's namespace with --namespace, so tests
sharing the control plane never act on each other's Clusters. Every wait is
for a condition, with a generous bounded deadline; nothing depends on speed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Callable, Optional

import pytest

from harness import REPO
from test_operator_crds import apply, example_docs, install_crds


def operator_binary() -> Path:
    build = Path(os.environ.get("STRATA_BUILD_DIR", REPO / "build"))
    return build / "tools" / "strata-operator" / "strata-operator"


class Operator:
    """One strata-operator process; its JSON log lines in `log_path`."""

    def __init__(self, kubeconfig: Path, log_path: Path, *args: str, identity: str = "op-test"):
        binary = operator_binary()
        if not binary.exists():
            if os.environ.get("STRATA_K8S_REQUIRE") == "1":
                pytest.fail(f"{binary} is not built")
            pytest.skip(f"{binary} is not built")
        self.log_path = log_path
        self._log = open(log_path, "w")
        argv = [str(binary), "--kubeconfig", str(kubeconfig),
                "--metrics-addr", "127.0.0.1:0", "--health-addr", "127.0.0.1:0",
                "--identity", identity, "--recheck", "5s", *args]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=self._log,
                                     start_new_session=True)

    def lines(self) -> list[dict]:
        out = []
        for raw in self.log_path.read_text(errors="replace").splitlines():
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError:
                raise AssertionError(f"a log line that is not JSON: {raw!r}")
        return out

    def tail(self, n: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def address(self, which: str) -> str:
        def found():
            for line in self.lines():
                if "addresses" in line:
                    return line["addresses"].get(which)
            return None
        return wait_for(found, 60, f"the operator to say where it serves\n{self.tail()}")

    def get(self, which: str, path: str) -> tuple[int, str]:
        url = f"http://{self.address(which)}{path}"
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 120) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(f"the operator did not stop on {sig}\n{self.tail()}")
        self._log.close()
        return self.proc.returncode


def wait_for(fn: Callable, timeout: float, what: str):
    """Polls `fn` until it returns something truthy (returned) or `timeout`
    seconds pass (AssertionError naming `what`)."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.5)


def cluster_cr(cp, namespace: str, name: str) -> Optional[dict]:
    return cp.api("GET", f"/apis/strata.dev/v1/namespaces/{namespace}/clusters/{name}",
                  missing_ok=True)


@pytest.fixture
def operator(control_plane, namespace, tmp_path):
    install_crds(control_plane)
    op = Operator(control_plane.kubeconfig, tmp_path / "operator.log", "--namespace", namespace)
    yield op
    op.stop()


def test_kafka_as_custom_resources_ready_rolled_scaled_in_and_deleted(control_plane, namespace, operator):
    cp = control_plane
    app_name = f"kafka-{namespace}"[:63]
    docs = example_docs("kafka", namespace, app_name)
    # Brokers count as available 5 s after Ready (the example says 30 s):
    # the rolls below then take seconds, not minutes, of CI time.
    app = next(d for d in docs if d["kind"] == "App")
    next(r for r in app["spec"]["roles"] if r["name"] == "broker")["rollout"][
        "minReadySeconds"] = 5
    apply(cp, docs)

    def ready():
        c = cluster_cr(cp, namespace, "events")
        st = (c or {}).get("status") or {}
        if st.get("phase") == "Invalid":
            raise AssertionError(f"the example is Invalid: {st.get('message')}")
        return c if st.get("phase") == "Ready" else None

    c = wait_for(ready, 900, f"phase Ready\n{operator.tail()}")
    st = c["status"]
    assert st["observedGeneration"] == c["metadata"]["generation"]
    assert {r["name"]: (r["members"], r["ready"], r["updated"]) for r in st["roles"]} == {
        "zookeeper": (3, 3, 3), "broker": (5, 5, 5)}
    assert st["readyMembers"] == "8/8"
    assert st["plan"]["steps"] == 0 and st["plan"]["next"] == []
    conditions = {k["type"]: k for k in st["conditions"]}
    assert conditions["Ready"]["status"] == "True"
    assert conditions["Invalid"]["status"] == "False"
    assert conditions["Blocked"]["status"] == "False"
    assert "strata.dev/cleanup" in c["metadata"]["finalizers"]

    # Every member runs and is Ready, and is owned by the Cluster (through its StatefulSet).
    pods = cp.list("pods", namespace, "app.kubernetes.io/instance=events")
    assert len(pods) == 8
    for p in pods:
        ready_cond = [k for k in p["status"].get("conditions", []) if k["type"] == "Ready"]
        assert ready_cond and ready_cond[0]["status"] == "True", p["metadata"]["name"]
    for sts in cp.list("apps/statefulsets", namespace):
        owners = sts["metadata"].get("ownerReferences") or []
        assert [(o["kind"], o["name"], o["uid"]) for o in owners] == [
            ("Cluster", "events", c["metadata"]["uid"])], sts["metadata"]["name"]

    # An Event per executed step, on the Cluster.
    events = cp.list("events", namespace)
    steps = [e for e in events if e["involvedObject"].get("kind") == "Cluster"
             and e["reason"] == "StepSucceeded"]
    assert len(steps) >= 8, [e["message"] for e in events]

    # One JSON log line per step, and the metrics of SPEC-2 §7.
    logged = [ln for ln in operator.lines() if ln.get("event") == "stepSucceeded"]
    assert len(logged) == len(steps)
    code, text = operator.get("metrics-addr", "/metrics")
    assert code == 200
    assert 'strata_clusters{phase="Ready"} 1' in text, text
    assert 'strata_reconcile_total{result="converged"}' in text
    assert 'strata_steps_total{action="apply",result="succeeded"}' in text
    assert "strata_reconcile_duration_seconds_count" in text
    assert operator.get("health-addr", "/healthz")[0] == 200
    assert operator.get("health-addr", "/readyz")[0] == 200

    # A broker image change rolls in the planned order: one broker at a time,
    # highest ordinal first, each restart guarded by its gate (run just before
    # it, for that member) and started only once the previous broker is back.
    before = len(operator.lines())
    roles = c["spec"]["roles"]
    next(r for r in roles if r["name"] == "broker")["image"] = "apache/kafka:3.7.1"
    cp.patch("strata.dev/clusters", namespace, "events", {"spec": {"roles": roles}})
    generation = cluster_cr(cp, namespace, "events")["metadata"]["generation"]
    assert generation > c["metadata"]["generation"]

    def rolled():
        c2 = cluster_cr(cp, namespace, "events")
        st2 = c2.get("status") or {}
        return c2 if st2.get("phase") == "Ready" and st2.get("observedGeneration") == generation \
            else None

    c = wait_for(rolled, 600, f"the image change to roll\n{operator.tail()}")
    brokers = cp.list("pods", namespace, "app.kubernetes.io/instance=events,"
                      "app.kubernetes.io/component=broker")
    assert sorted(p["spec"]["containers"][0]["image"] for p in brokers) == \
        ["apache/kafka:3.7.1"] * 5
    lines = operator.lines()[before:]
    restarts = [i for i, ln in enumerate(lines) if ln.get("event") == "stepSucceeded"
                and ln["step"]["action"] == "restart"]
    assert [lines[i]["step"]["target"]["name"] for i in restarts] == [
        f"events-broker-{n}" for n in (4, 3, 2, 1, 0)], [lines[i]["step"] for i in restarts]
    for k, i in enumerate(restarts):
        # The last step before each restart is its gate, for that member.
        gate = next(ln["step"] for ln in reversed(lines[:i]) if ln.get("event") == "stepSucceeded")
        assert gate["action"] == "exec" and gate.get("hook") == "gate", gate
        assert gate["target"].get("ordinal") == lines[i]["step"]["target"]["ordinal"], gate
        if k > 0:
            # Before it, a reconcile found the plan waiting (the previous
            # broker back and available): one broker down at a time.
            assert any(ln.get("msg") == "reconciled" and "waiting for" in ln.get("message", "")
                       for ln in lines[restarts[k - 1]:i]), lines[restarts[k - 1]:i]
    assert {r["name"]: r["updated"] for r in c["status"]["roles"]}["broker"] == 5

    # Scale-in runs memberLeave in each leaving broker. SIGKILL the operator
    # right after the first one completed (ran and was recorded on the
    # member's claim, strata.dev/member-left): a fresh operator finishes the
    # job without running a completed memberLeave again. (Killed between the
    # hook and its record, the hook runs again: at least once, by design.)
    # broker-3's memberLeave fails until the kill, so the kill always falls
    # between the two members whatever the machine's speed.
    cp.exec_rule(namespace, match="STRATA_TARGET_POD=events-broker-3", exit=1)
    before = len(operator.lines())
    roles = c["spec"]["roles"]
    next(r for r in roles if r["name"] == "broker")["members"] = 3
    cp.patch("strata.dev/clusters", namespace, "events", {"spec": {"roles": roles}})
    generation = cluster_cr(cp, namespace, "events")["metadata"]["generation"]

    def recorded():
        return [ln for ln in operator.lines()[before:] if ln.get("event") == "stepSucceeded"
                and ln["step"]["action"] == "apply"
                and ln["step"]["target"]["kind"] == "PersistentVolumeClaim"
                and "member-left" in ln["step"]["reason"]]

    wait_for(recorded, 300, f"a memberLeave to be recorded\n{operator.tail()}")
    operator.stop(signal.SIGKILL)
    assert [ln["step"]["target"]["name"] for ln in recorded()] == ["data-events-broker-4"]
    cp.clear_exec_rules(namespace)
    operator = Operator(cp.kubeconfig, operator.log_path.with_name("operator-2.log"),
                        "--namespace", namespace, identity="op-2")
    try:
        c = wait_for(rolled, 600, f"the scale-in to finish\n{operator.tail()}")
        brokers = cp.list("pods", namespace, "app.kubernetes.io/instance=events,"
                          "app.kubernetes.io/component=broker")
        assert sorted(p["metadata"]["name"] for p in brokers) == [
            f"events-broker-{i}" for i in range(3)]
        leaves: dict[str, int] = {}
        for r in cp.exec_records(namespace):
            argv = " ".join(r["argv"])
            if "kafka-reassign-partitions.sh" in argv and r["exit"] == 0:
                target = next((a.split("=", 1)[1] for a in r["argv"]
                               if a.startswith("STRATA_TARGET_POD=")), r["pod"])
                leaves[target] = leaves.get(target, 0) + 1
        assert leaves == {"events-broker-4": 1, "events-broker-3": 1}, leaves

        # Deleting the Cluster under onClusterDelete retain: its objects go,
        # the claims stay, and the finalizer lets the Cluster go.
        claims = {p["metadata"]["name"] for p in cp.list("persistentvolumeclaims", namespace)}
        assert len(claims) == 8
        cp.kubectl("delete", "scl", "events", "-n", namespace, "--wait=false")
        wait_for(lambda: cluster_cr(cp, namespace, "events") is None, 300,
                 f"the Cluster to be deleted\n{operator.tail()}")
        wait_for(lambda: not cp.list("apps/statefulsets", namespace), 120, "StatefulSets to go")
        assert {p["metadata"]["name"]
                for p in cp.list("persistentvolumeclaims", namespace)} == claims
        assert any(e["reason"] == "CleanedUp" for e in cp.list("events", namespace))

        # SIGTERM: a clean stop.
        assert operator.stop() == 0, operator.tail()
    finally:
        operator.stop(signal.SIGKILL)


def test_invalid_cluster_gets_the_invalid_condition_with_the_field_path(
        control_plane, namespace, operator):
    cp = control_plane
    app_name = f"kafka-{namespace}"[:63]
    docs = example_docs("kafka", namespace, app_name)
    cluster = next(d for d in docs if d["kind"] == "Cluster")
    cluster["spec"]["roles"][0]["members"] = 2  # zookeeper's cardinality is "3"
    apply(cp, docs)

    def invalid():
        c = cluster_cr(cp, namespace, "events")
        st = (c or {}).get("status") or {}
        return c if st.get("phase") == "Invalid" else None

    c = wait_for(invalid, 120, f"phase Invalid\n{operator.tail()}")
    st = c["status"]
    assert st["observedGeneration"] == c["metadata"]["generation"]
    cond = {k["type"]: k for k in st["conditions"]}["Invalid"]
    assert cond["status"] == "True"
    assert 'spec.roles[0].members: 2 does not satisfy cardinality "3"' in cond["message"]
    assert "spec.roles[0].members" in st["message"]
    # Nothing was created, and an Event says why.
    assert cp.list("apps/statefulsets", namespace) == []
    events = [e for e in cp.list("events", namespace) if e["reason"] == "Invalid"]
    assert len(events) == 1 and "spec.roles[0].members" in events[0]["message"]

    # Fixing the spec (a new generation) is picked up.
    cluster["spec"]["roles"][0]["members"] = 3
    apply(cp, docs)

    def progressing():
        c = cluster_cr(cp, namespace, "events")
        st = (c or {}).get("status") or {}
        return st.get("phase") in ("Progressing", "Ready") and \
            st.get("observedGeneration") == c["metadata"]["generation"]

    wait_for(progressing, 120, f"the fixed Cluster to progress\n{operator.tail()}")


def test_two_replicas_one_actor_killed_and_stopped_leaders_are_replaced(control_plane, namespace,
                                                                      tmp_path):
    """Two operators with leader election: only the Lease holder acts (every
    step logged and every Event reported is the holder's); SIGKILL of the
    holder mid-rollout and the standby takes the Lease and carries on; SIGTERM
    of that one mid-rollout releases the Lease and a fresh replica converges."""
    cp = control_plane
    install_crds(cp)
    lease = ["--leader-elect", "--lease-namespace", namespace, "--lease-name", "op",
             "--lease-duration", "6s", "--renew-deadline", "4s", "--retry-period", "1s",
             "--namespace", namespace]
    a = Operator(cp.kubeconfig, tmp_path / "a.log", *lease, identity="op-a")
    # a holds the Lease before b starts, so who leads is known.
    wait_for(lambda: any(ln.get("msg", "").startswith("leading") for ln in a.lines()), 60,
             f"op-a to lead\n{a.tail()}")
    b = Operator(cp.kubeconfig, tmp_path / "b.log", *lease, identity="op-b")
    try:
        wait_for(lambda: any(ln.get("msg", "").startswith("standing by") for ln in b.lines()),
                 60, f"op-b to stand by\n{b.tail()}")
        code, text = b.get("metrics-addr", "/metrics")
        assert code == 200 and "strata_leader 0" in text, text
        assert b.get("health-addr", "/readyz")[0] == 200

        app_name = f"kafka-{namespace}"[:63]
        apply(cp, example_docs("kafka", namespace, app_name))
        wait_for(lambda: any(ln.get("event") == "stepSucceeded" for ln in a.lines()), 120,
                 f"op-a to run a step\n{a.tail()}")
        a.stop(signal.SIGKILL)
        assert not any(ln.get("event") == "converged" for ln in a.lines()), "not mid-rollout"
        a_steps = sum(1 for ln in a.lines() if ln.get("event") == "stepSucceeded")

        # op-b takes over (after the unrenewed Lease's duration) and acts.
        wait_for(lambda: any(ln.get("event") == "stepSucceeded" for ln in b.lines()), 120,
                 f"op-b to take over and run a step\n{b.tail()}")
        lines = b.lines()
        took = next(i for i, ln in enumerate(lines) if ln.get("msg", "").startswith("leading"))
        assert not any(ln.get("event") for ln in lines[:took]), "op-b acted before leading"
        holder = cp.api("GET", f"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/op")
        assert holder["spec"]["holderIdentity"] == "op-b"

        # SIGTERM mid-rollout: op-b stops at a safe point, exits 0 and
        # releases the Lease, so a fresh replica leads at once and converges.
        assert not any(ln.get("event") == "converged" for ln in b.lines()), "not mid-rollout"
        assert b.stop() == 0, b.tail()
        assert any(ln.get("msg") == "released the Lease" for ln in b.lines()), b.tail()
        released = cp.api("GET",
                          f"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/op")
        assert not released["spec"].get("holderIdentity"), released
        c2 = Operator(cp.kubeconfig, tmp_path / "c.log", *lease, identity="op-c")
        try:
            def ready():
                c = cluster_cr(cp, namespace, "events")
                st = (c or {}).get("status") or {}
                return c if st.get("phase") == "Ready" else None

            c = wait_for(ready, 900, f"op-c to converge the Cluster\n{c2.tail()}")
            assert c["status"]["readyMembers"] == "8/8"
            # op-c led and saw the Cluster converge (what was left may have
            # been waits only: no step of its own needed).
            assert any(ln.get("msg", "").startswith("leading") for ln in c2.lines())
            assert any(ln.get("event") == "converged" for ln in c2.lines()), c2.tail()
            # Every Event came from a replica while it held the Lease.
            reporters = [e.get("reportingInstance") for e in cp.list("events", namespace)
                         if e["involvedObject"].get("kind") == "Cluster"]
            assert {"op-a", "op-b"} <= set(reporters) <= {"op-a", "op-b", "op-c"}, reporters
            assert reporters.count("op-a") <= a_steps
            assert c2.stop() == 0, c2.tail()
        finally:
            c2.stop(signal.SIGKILL)
    finally:
        a.stop(signal.SIGKILL)
        b.stop(signal.SIGKILL)


def small_app_and_cluster(namespace: str, app_name: str) -> list[dict]:
    """One role of two members with a volume: the smallest Cluster that still
    exercises StatefulSets, pods, claims and Services."""
    return [
        {"apiVersion": "strata.dev/v1", "kind": "App", "metadata": {"name": app_name},
         "spec": {"version": "16", "roles": [{
             "name": "db", "image": "postgres:16", "cardinality": "1+",
             "ports": [{"name": "sql", "port": 5432}],
             "storage": [{"name": "data", "mountPath": "/data", "size": "1Gi"}]}]}},
        {"apiVersion": "strata.dev/v1", "kind": "Cluster",
         "metadata": {"name": "main", "namespace": namespace},
         "spec": {"app": app_name, "roles": [{"name": "db", "members": 2}]}},
    ]


def test_the_deploy_service_account_is_enough(control_plane, namespace, tmp_path):
    """deploy/'s ServiceAccount and least-privilege ClusterRole are all the
    operator needs: run out of cluster with that account's token (leader
    election on the Lease the Role names), it converges a Cluster."""
    cp = control_plane
    install_crds(cp)
    for f in ("00-namespace.yaml", "10-rbac.yaml"):
        cp.kubectl("apply", "--server-side", "--field-manager=strata-tests",
                   "-f", str(REPO / "deploy" / f))
    token = cp.kubectl("create", "token", "strata-operator", "-n", "strata-system",
                       "--duration", "1h").stdout.strip()
    kubeconfig = tmp_path / "sa.kubeconfig"
    kubeconfig.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "t", "cluster": {"server": cp.server,
                                              "certificate-authority": str(cp.pki / "ca.crt")}}],
        "users": [{"name": "sa", "user": {"token": token}}],
        "contexts": [{"name": "t", "context": {"cluster": "t", "user": "sa"}}],
        "current-context": "t"}))
    op = Operator(kubeconfig, tmp_path / "sa-operator.log", "--leader-elect",
                  "--lease-duration", "6s", "--renew-deadline", "4s", "--retry-period", "1s",
                  "--namespace", namespace, identity="op-sa")
    try:
        apply(cp, small_app_and_cluster(namespace, f"pg-{namespace}"[:63]))

        def ready():
            c = cluster_cr(cp, namespace, "main")
            st = (c or {}).get("status") or {}
            return c if st.get("phase") == "Ready" else None

        c = wait_for(ready, 600, f"phase Ready as the ServiceAccount\n{op.tail()}")
        assert c["status"]["readyMembers"] == "2/2"
        denied = [ln for ln in op.lines() if "403" in json.dumps(ln)]
        assert denied == [], denied
        lease = cp.api("GET", "/apis/coordination.k8s.io/v1/namespaces/strata-system/"
                       "leases/strata-operator")
        assert lease["spec"]["holderIdentity"] == "op-sa"
        # Deleting under retain works with the same rights.
        cp.kubectl("delete", "scl", "main", "-n", namespace, "--wait=false")
        wait_for(lambda: cluster_cr(cp, namespace, "main") is None, 300,
                 f"the Cluster to be deleted\n{op.tail()}")
        assert len(cp.list("persistentvolumeclaims", namespace)) == 2
        assert op.stop() == 0, op.tail()
    finally:
        op.stop(signal.SIGKILL)


def test_fifty_clusters_created_at_once_converge(control_plane, namespace, tmp_path):
    """50 Clusters applied in one request all reach Ready under one operator
    (--concurrency 4). The time it takes is printed for bench/README.md,
    never asserted."""
    cp = control_plane
    install_crds(cp)
    op = Operator(cp.kubeconfig, tmp_path / "operator.log", "--namespace", namespace,
                  "--concurrency", "4")
    try:
        app_name = f"pg50-{namespace}"[:63]
        app, cluster = small_app_and_cluster(namespace, app_name)
        docs = [app]
        for i in range(50):
            c = json.loads(json.dumps(cluster))
            c["metadata"]["name"] = f"c{i:02d}"
            c["spec"]["roles"][0]["members"] = 1
            docs.append(c)
        started = time.monotonic()
        apply(cp, docs)

        def all_ready():
            items = cp.api("GET", f"/apis/strata.dev/v1/namespaces/{namespace}/clusters")["items"]
            phases = [(i.get("status") or {}).get("phase") for i in items]
            bad = [i["metadata"]["name"] for i in items
                   if (i.get("status") or {}).get("phase") in ("Invalid", "Blocked")]
            assert not bad, bad
            return len(items) == 50 and all(p == "Ready" for p in phases)

        wait_for(all_ready, 900, f"50 Clusters to be Ready\n{op.tail()}")
        elapsed = time.monotonic() - started
        pods = cp.list("pods", namespace)
        assert len(pods) == 50
        code, text = op.get("metrics-addr", "/metrics")
        reconciles = sum(int(float(ln.rsplit(" ", 1)[1])) for ln in text.splitlines()
                         if ln.startswith("strata_reconcile_total{"))
        print(f"\n50 Clusters (1 member each) Ready {elapsed:.1f}s after one apply "
              f"({reconciles} reconciles)")
        assert 'strata_clusters{phase="Ready"} 50' in text, text
        assert op.stop() == 0, op.tail()
    finally:
        op.stop(signal.SIGKILL)
