"""`strata apply` against a real control plane (SPEC-2 §6, issue 12 item 6):
every example converges from nothing; on examples/kafka an image rollout
restarts members in the planned order within the budget with a gate before
each, scale out runs memberJoin, scale in runs memberLeave first and keeps the
PVCs; a member that never becomes Ready and a gate that always fails block
(exit 3, named); --timeout exits 4; a kube-apiserver restart mid-apply is
retried through; SIGINT exits 130 and a re-run finishes; unusable
credentials and RBAC exit 5 naming the call; and a ServiceAccount bound to
exactly `strata rbac`'s output can apply.

Everything goes through the CLI binary ($STRATA_BIN). Waits are on
conditions with generous deadlines; kwok makes pods Ready at once, so the
copies cap minReadySeconds (kafka 1 s, every example 2 s) and rollouts take
seconds, not minutes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Optional

import pytest
import yaml

from example_files import ExampleCopy, example_dirs, yaml_files
from harness import REPO
from k8s_objects import ensure_storage_classes, pod_ready
from pod_watch import PodWatch
from strata_cli import require_strata

KAFKA = REPO / "examples" / "kafka"
EXAMPLES = example_dirs()

# Generous bounds: the machine may be busy; nothing here depends on speed.
APPLY_TIMEOUT = "15m"
PROC_TIMEOUT = 1200


# ------------------------------------------------------------------ helpers

class Strata:
    """The CLI against the test control plane."""

    def __init__(self, binary: Path, cp, kubeconfig: Optional[Path] = None):
        self.bin = binary
        self.cp = cp
        self.kubeconfig = kubeconfig or cp.kubeconfig

    # The subcommands that talk to a cluster; the others take no --kubeconfig.
    CLUSTER_COMMANDS = ("apply", "plan", "status", "observe")

    def argv(self, cmd: str, files, *extra: str) -> list[str]:
        access = ["--kubeconfig", str(self.kubeconfig)] if cmd in self.CLUSTER_COMMANDS else []
        return [str(self.bin), cmd, *map(str, files), *access, *extra]

    def run(self, cmd: str, files, *extra: str, timeout: float = PROC_TIMEOUT):
        return subprocess.run(self.argv(cmd, files, *extra), capture_output=True, text=True,
                              timeout=timeout)

    def apply(self, files, *extra: str) -> "Applied":
        r = self.run("apply", files, "-o", "json", "--timeout", APPLY_TIMEOUT, *extra)
        return Applied(r)

    def plan_json(self, files) -> dict:
        r = self.run("plan", files, "--observed", "cluster", "-o", "json")
        assert r.returncode == 0, f"plan --observed cluster exited {r.returncode}:\n{r.stderr}"
        return json.loads(r.stdout)

    def status(self, files, *extra: str):
        return self.run("status", files, *extra)


class Applied:
    """A finished `strata apply -o json`: exit code, events, stderr."""

    def __init__(self, r: subprocess.CompletedProcess):
        self.code = r.returncode
        self.stderr = r.stderr
        self.stdout = r.stdout
        self.events = []
        for line in r.stdout.splitlines():
            if line.strip():
                self.events.append(json.loads(line))  # every line is one JSON event

    def of(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["event"] == kind]

    def steps(self, kind: str, action: Optional[str] = None) -> list[dict]:
        return [e for e in self.of(kind) if action is None or e["step"]["action"] == action]

    def describe(self) -> str:
        lines = [f"exit {self.code}"]
        for e in self.events[-60:]:
            step = e.get("step") or {}
            lines.append(f"  {e['event']:<13} {step.get('id', ''):>3} "
                         f"{step.get('action', '')} {step.get('target', {}).get('name', '')} "
                         f"{e.get('condition', '')} {e.get('message', '')}"[:220])
        lines.append("stderr:\n" + self.stderr[-3000:])
        return "\n".join(lines)


def _short_min_ready(ex: ExampleCopy, seconds: int) -> None:
    """Caps every role's minReadySeconds: kwok makes pods Ready at once, so the
    examples' 10-30 s would only be waited out in real time, over and over;
    the executor's handling of it is the same at 1 s."""
    for role in ex.app["spec"]["roles"]:
        rollout = role.get("rollout") or {}
        if rollout.get("minReadySeconds", 0) > seconds:
            rollout["minReadySeconds"] = seconds


def _kafka_copy(tmp_path: Path, namespace: str) -> ExampleCopy:
    """examples/kafka in `namespace` with 3 brokers and minReadySeconds 1 (the
    example's 10 s and 30 s only make the test slower: kwok pods are Ready at
    once, so what is checked is the same)."""
    ex = ExampleCopy(KAFKA, tmp_path / "files", namespace=namespace)
    ex.set_members("broker", 3)
    _short_min_ready(ex, 1)
    return ex


class Kafka:
    def __init__(self, cp, strata: Strata, ex: ExampleCopy):
        self.cp, self.strata, self.ex = cp, strata, ex
        r = strata.run("compile", ex.write(), "-o", "json")
        assert r.returncode == 0, r.stderr
        doc = json.loads(r.stdout)
        ensure_storage_classes(cp, doc["items"] if isinstance(doc, dict) else doc)
        # zookeeper rolls followersFirst: exactly one member answers the
        # leaderProbe, and not the first or last ordinal.
        self.leader = f"{ex.sts_name('zookeeper')}-1"
        cp.exec_rule(self.ns, pod=self.leader, match="Mode: leader", exit=0)
        cp.exec_rule(self.ns, pod=f"{ex.sts_name('zookeeper')}-*", match="Mode: leader",
                     exit=1)

    @property
    def ns(self) -> str:
        return self.ex.namespace

    def files(self) -> list[Path]:
        return self.ex.write()

    def apply(self, *extra: str) -> Applied:
        return self.strata.apply(self.files(), *extra)

    def converge(self) -> Applied:
        r = self.apply()
        assert r.code == 0, f"apply did not converge:\n{r.describe()}"
        return r

    def pods(self) -> dict:
        return {p["metadata"]["name"]: p for p in self.cp.list("pods", self.ns)}

    def pvcs(self) -> dict:
        return {c["metadata"]["name"]: c for c in self.cp.list("persistentvolumeclaims", self.ns)}

    def assert_converged(self) -> None:
        plan = self.strata.plan_json(self.files())
        assert plan["converged"] and not plan["steps"], \
            f"plan --observed cluster after apply is not empty:\n{json.dumps(plan)[:3000]}"
        st = self.strata.status(self.files())
        assert st.returncode == 0 and "converged" in st.stdout, \
            f"status exited {st.returncode}:\n{st.stdout}\n{st.stderr}"
        pods = self.pods()
        for role in self.ex.role_names():
            for i in range(self.ex.members(role)):
                name = f"{self.ex.sts_name(role)}-{i}"
                assert name in pods and pod_ready(pods[name]), f"{name} is not Ready"


@pytest.fixture
def strata(control_plane, strata_bin, strata_commands) -> Strata:
    require_strata(strata_commands, "apply", "status", "observe")
    return Strata(strata_bin, control_plane)


@pytest.fixture
def kafka(control_plane, namespace, tmp_path, strata) -> Kafka:
    return Kafka(control_plane, strata, _kafka_copy(tmp_path, namespace))


def _member_records(cp, ns: str, match: str) -> list[dict]:
    return [r for r in cp.exec_records(ns) if match in " ".join(r["argv"])]


# ------------------------------------------------------------------ every example

@pytest.mark.parametrize("example", EXAMPLES or [None],
                         ids=[d.name for d in EXAMPLES] or ["no-examples"])
def test_example_converges_on_fresh_apply(control_plane, strata, tmp_path, example):
    if example is None:
        pytest.skip("no examples/*/ with App + Cluster documents")
    cp = control_plane
    ns = f"apply-{example.name}"[:50]
    ex = ExampleCopy(example, tmp_path / "files", namespace=ns)
    _short_min_ready(ex, 2)
    files = ex.write()
    cp.create_namespace(ns)
    r = strata.run("compile", files, "-o", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    ensure_storage_classes(cp, doc["items"] if isinstance(doc, dict) else doc)
    said = strata.run("validate", files).stderr.lower()
    if "capabilit" in said or "pod security" in said:
        # The App asks for more than `restricted` and strata says so (SPEC §2.3).
        cp.kubectl("label", "namespace", ns, "--overwrite",
                   "pod-security.kubernetes.io/enforce=privileged")

    res = strata.apply(files)
    assert res.code == 0, f"{example.name}: apply exited {res.code}:\n{res.describe()}"
    assert res.of("converged"), res.describe()
    assert not res.steps("stepStarted", "restart"), \
        f"a fresh apply restarts nothing:\n{res.describe()}"
    plan = strata.plan_json(files)
    assert plan["converged"], f"{example.name}: plan after apply:\n{json.dumps(plan)[:3000]}"
    st = strata.status(files, "-o", "json")
    assert st.returncode == 0, f"status exited {st.returncode}:\n{st.stdout}{st.stderr}"
    body = json.loads(st.stdout)
    assert body["converged"] and all(c["converged"] for c in body["clusters"])
    for c in body["clusters"]:
        for role in c["roles"]:
            assert role["existing"] == role["ready"] == role["updated"] == role["desired"], role
    # A second apply has nothing to do.
    again = strata.apply(files)
    assert again.code == 0 and not again.of("stepStarted"), again.describe()


# ------------------------------------------------------------------ kafka scenarios

def test_fresh_apply_starts_roles_in_depends_on_order(kafka):
    with PodWatch(kafka.cp, kafka.ns) as watch:
        res = kafka.converge()
    kafka.assert_converged()
    zk = [f"{kafka.ex.sts_name('zookeeper')}-{i}" for i in range(3)]
    brokers = [f"{kafka.ex.sts_name('broker')}-{i}" for i in range(3)]
    zk_ready = max(watch.ready_at(p) for p in zk)
    first_broker = min(watch.first_seen(p) for p in brokers)
    assert zk_ready < first_broker, "brokers were created before ZooKeeper was Ready"
    assert not res.steps("stepStarted", "restart") and not res.steps("stepStarted", "delete")


def test_image_rollout_in_planned_order_within_budget(kafka):
    kafka.converge()
    cp, ex = kafka.cp, kafka.ex
    before = kafka.pods()
    images = {}
    for role in ex.role_names():
        images[role] = ex.image(role).split(":")[0] + ":strata-next"
        ex.set_image(role, images[role])
    started = time.time()
    with PodWatch(cp, kafka.ns) as watch:
        res = kafka.apply()
    assert res.code == 0, res.describe()
    kafka.assert_converged()
    after = kafka.pods()

    zk, broker = ex.sts_name("zookeeper"), ex.sts_name("broker")
    # Planned order: zookeeper followersFirst with the leader (ordinal 1) last,
    # brokers from the highest ordinal down; zookeeper before the brokers
    # (dependsOn).
    assert watch.restart_order(zk) == [2, 0, 1], (watch.restart_order(zk), res.describe())
    assert watch.restart_order(broker) == [2, 1, 0], (watch.restart_order(broker),
                                                      res.describe())
    assert watch.restarts(zk)[-1][0] < watch.restarts(broker)[0][0]
    # The leader label was set from the leaderProbe.
    assert before[kafka.leader]["metadata"]["labels"].get("strata.dev/leader") == "true"
    # Never more unavailable than the budget (serial: 1; quorum 3: 1).
    assert watch.max_unavailable(zk, 3) <= 1
    assert watch.max_unavailable(broker, 3) <= 1
    # Every member came back at the new image.
    for role in ex.role_names():
        for i in range(ex.members(role)):
            name = f"{ex.sts_name(role)}-{i}"
            assert after[name]["metadata"]["uid"] != before[name]["metadata"]["uid"]
            assert after[name]["spec"]["containers"][0]["image"] == images[role]
    # A gate exec (about that broker) ran before each broker's restart, after
    # the apply began, and exited 0.
    gates = [r for r in _member_records(cp, kafka.ns, "kafka-topics.sh")
             if r["time"] >= started]
    for t, name in watch.restarts(broker):
        before_it = [g for g in gates if g.get("target") == name and g["time"] < t]
        assert before_it, f"no gate before restarting {name}: {gates}\n{res.describe()}"
    # Each restart is announced and timed in the events.
    restarted = [e["step"]["target"]["name"] for e in res.steps("stepSucceeded", "restart")]
    assert sorted(restarted) == sorted(n for n in before if n.startswith((zk, broker)))


def test_scale_out_with_member_join_and_in_with_member_leave_keeps_pvcs(kafka):
    ex, cp = kafka.ex, kafka.cp
    broker = ex.app_role("broker")
    broker.setdefault("lifecycle", {})["memberJoin"] = {
        "exec": {"command": ["sh", "-c", "echo joining $STRATA_TARGET_POD"]}}
    kafka.converge()
    sts = ex.sts_name("broker")
    new = f"{sts}-3"

    ex.set_members("broker", 4)
    res = kafka.apply()
    assert res.code == 0, res.describe()
    kafka.assert_converged()
    joins = _member_records(cp, kafka.ns, "joining")
    assert [j.get("target") for j in joins] == [new], f"{joins}\n{res.describe()}"
    pvc = f"data-{new}"
    uid = kafka.pvcs()[pvc]["metadata"]["uid"]

    ex.set_members("broker", 3)
    leave_from = time.time()
    with PodWatch(cp, kafka.ns) as watch:
        res = kafka.apply()
    assert res.code == 0, res.describe()
    kafka.assert_converged()
    leaves = [r for r in _member_records(cp, kafka.ns, "kafka-reassign-partitions.sh")
              if r["time"] >= leave_from]
    assert leaves and all(r.get("target", r["pod"]) == new for r in leaves), leaves
    gone = [t for t, typ, name, _, _, terminating in watch.events
            if name == new and (typ == "DELETED" or terminating)]
    assert gone and leaves[0]["time"] < gone[0], "memberLeave must run before the pod goes"
    assert new not in kafka.pods()
    assert kafka.pvcs()[pvc]["metadata"]["uid"] == uid, "PVC of the removed broker was lost"


def test_storage_growth_resizes_every_pvc(kafka):
    kafka.converge()
    ex = kafka.ex
    role = ex._cluster_role("broker", create=True)
    for st in role.get("storage") or []:
        if st["name"] == "data":
            st["size"] = "600Gi"
    before = {n: p["metadata"]["uid"] for n, p in kafka.pods().items()}
    res = kafka.apply()
    assert res.code == 0, res.describe()
    kafka.assert_converged()
    resized = [e["step"]["target"]["name"] for e in res.steps("stepSucceeded", "resizePvc")]
    want = [f"data-{ex.sts_name('broker')}-{i}" for i in range(3)]
    assert sorted(resized) == want, res.describe()
    pvcs = kafka.pvcs()
    for name in want:
        assert pvcs[name]["spec"]["resources"]["requests"]["storage"] == "600Gi"
        assert pvcs[name]["status"]["capacity"]["storage"] == "600Gi"
    # The claims grew in place: no member was restarted for it.
    after = {n: p["metadata"]["uid"] for n, p in kafka.pods().items()}
    assert before == after, res.describe()


def test_member_that_never_becomes_ready_blocks_naming_it(control_plane, strata, namespace,
                                                         tmp_path):
    """A one-role App whose rollout.readyTimeoutSeconds is 20 (instead of the
    computed 300 s and more, ROLLOUT-RULES 11): exit 3 naming the member and
    its timeout, long before --timeout."""
    cp = control_plane
    app = {"apiVersion": "strata.dev/v1", "kind": "App", "metadata": {"name": "solo"},
           "spec": {"version": "1", "roles": [{
               "name": "db", "image": "busybox:1.36", "cardinality": "2",
               "command": ["sleep", "infinity"],
               "rollout": {"readyTimeoutSeconds": 20},
               "resources": {"requests": {"cpu": "10m", "memory": "16Mi"},
                             "limits": {"memory": "16Mi"}}}]}}
    cluster = {"apiVersion": "strata.dev/v1", "kind": "Cluster",
               "metadata": {"name": "solo", "namespace": namespace},
               "spec": {"app": "solo"}}
    f = tmp_path / "solo.yaml"
    f.write_text(yaml.safe_dump_all([app, cluster]))
    cp.keep_unready(namespace, "solo-db-0")
    t0 = time.monotonic()
    res = strata.apply([f])
    took = time.monotonic() - t0
    assert res.code == 3, res.describe()
    assert "solo-db-0" in res.stderr, res.describe()
    blocked = res.of("blocked")
    assert blocked and "solo-db-0" in blocked[-1]["message"], res.describe()
    assert "within 20" in blocked[-1]["message"], res.describe()
    # It gave up at its own timeout, not at --timeout (15 min).
    assert took < 900, took
    st = strata.status([f])
    assert st.returncode == 3 and "solo-db-0" in st.stdout, st.stdout


def test_gate_that_always_fails_blocks_naming_it(kafka):
    kafka.converge()
    ex = kafka.ex
    ex.app_role("broker")["rollout"]["gate"]["timeoutSeconds"] = 5
    kafka.cp.exec_rule(kafka.ns, pod="*", match="kafka-topics.sh", exit=1,
                       stderr="partition under min ISR\n")
    ex.set_image("broker", "apache/kafka:strata-next")
    res = kafka.apply()
    assert res.code == 3, res.describe()
    assert "gate" in res.stderr and ex.sts_name("broker") in res.stderr, res.describe()
    failed = res.steps("stepFailed", "exec")
    assert len(failed) >= 2, "the gate is retried until its timeout"
    assert failed[-1].get("stderr") == "partition under min ISR\n"
    # Nothing was restarted past the failing gate.
    assert not res.steps("stepStarted", "restart"), res.describe()


def test_timeout_exits_4(kafka):
    # A member that stays unready (within its ready timeout of 300 s and more)
    # keeps the rollout going past --timeout however fast the machine is: a
    # fresh kafka converges in under 2 s on an idle one.
    kafka.cp.keep_unready(kafka.ns, f"{kafka.ex.sts_name('zookeeper')}-0")
    res = kafka.strata.run("apply", kafka.files(), "--timeout", "2s", "-o", "json")
    assert res.returncode == 4, f"{res.returncode}\n{res.stdout[-3000:]}\n{res.stderr}"
    assert "--timeout" in res.stderr


def test_apiserver_restart_mid_apply_then_second_apply_converges(kafka):
    cp, ex = kafka.cp, kafka.ex
    ex.set_members("broker", 4)
    kafka.converge()
    ex.set_members("broker", 3)  # scale in (cardinality 3+): memberLeave in broker-3
    ex.set_image("zookeeper", "zookeeper:strata-next")
    proc = subprocess.Popen(kafka.strata.argv("apply", kafka.files(), "-o", "json",
                                              "--timeout", APPLY_TIMEOUT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        # Kill the apiserver once the first restart has succeeded.
        for line in proc.stdout:
            lines.append(line)
            e = json.loads(line)
            if e["event"] == "stepSucceeded" and e["step"]["action"] == "restart":
                break
        cp.kill_apiserver()
        time.sleep(3)  # down for a while: not a timing assertion, an outage length
        cp.restart_apiserver()
        out, err = proc.communicate(timeout=PROC_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines += out.splitlines(keepends=True)
    assert proc.returncode in (0, 5), f"{proc.returncode}\n{''.join(lines)[-4000:]}\n{err}"
    if proc.returncode == 5:
        assert " /api" in err or " /apis" in err, err  # names the call
    leave = f"{ex.sts_name('broker')}-3"
    leaves_before = [r for r in _member_records(cp, kafka.ns, "kafka-reassign-partitions.sh")
                     if r.get("target") == leave]
    res = kafka.apply()
    assert res.code == 0, res.describe()
    kafka.assert_converged()
    leaves_after = [r for r in _member_records(cp, kafka.ns, "kafka-reassign-partitions.sh")
                    if r.get("target") == leave]
    completed = [e for e in map(json.loads, lines) if e["event"] == "stepSucceeded" and
                 e["step"].get("hook") == "memberLeave"]
    if completed:
        assert len(leaves_after) == len(leaves_before), \
            "a completed memberLeave was run again by the second apply"


def test_sigint_exits_130_and_a_rerun_finishes(kafka):
    ex = kafka.ex
    kafka.converge()
    for role in ex.role_names():
        ex.set_image(role, ex.image(role).split(":")[0] + ":strata-next")
    proc = subprocess.Popen(kafka.strata.argv("apply", kafka.files(), "--timeout",
                                              APPLY_TIMEOUT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line)
            if "done  " in line and "restart" in line:
                proc.send_signal(signal.SIGINT)
                break
        out, err = proc.communicate(timeout=PROC_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = "".join(lines) + out
    assert proc.returncode == 130, f"{proc.returncode}\n{text[-3000:]}\n{err}"
    assert "interrupted" in text + err and "again to resume" in text, text[-2000:]
    # Nothing half-done: every pod that exists belongs to its StatefulSet and
    # the StatefulSets are as applied; a re-run finishes the rollout.
    res = kafka.apply()
    assert res.code == 0, res.describe()
    kafka.assert_converged()
    for role in ex.role_names():
        for i in range(ex.members(role)):
            pod = kafka.pods()[f"{ex.sts_name(role)}-{i}"]
            assert pod["spec"]["containers"][0]["image"].endswith(":strata-next")


def test_text_progress_lines_and_summary(kafka):
    r = kafka.strata.run("apply", kafka.files(), "--timeout", APPLY_TIMEOUT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
    lines = r.stdout.splitlines()
    assert any(l.startswith("[+") and "start " in l and "apply StatefulSet" in l for l in lines)
    assert any("done  " in l and "apply StatefulSet" in l and l.rstrip().endswith("s)")
               for l in lines)
    assert any("wait  roleReady" in l or "wait  podReady" in l for l in lines), r.stdout
    assert "\r" not in r.stdout and "\033[" not in r.stdout  # not a terminal: plain lines
    assert lines[-1].startswith(f"cluster {kafka.ex.name} in namespace {kafka.ns}: converged")


# ------------------------------------------------------------------ access errors

def _kubeconfig(path: Path, server: str, ca: Optional[Path], token: str = "",
                cert: Optional[Path] = None, key: Optional[Path] = None) -> Path:
    user = {"token": token} if token else {"client-certificate": str(cert),
                                             "client-key": str(key)}
    cluster = {"server": server}
    if ca:
        cluster["certificate-authority"] = str(ca)
    path.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "c", "cluster": cluster}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "x"}))
    return path


def test_unusable_access_exits_5_naming_the_call(control_plane, strata_bin, strata, kafka,
                                                 tmp_path):
    cp = control_plane
    files = kafka.files()
    ca = cp.pki / "ca.crt"
    cases = {
        # A kubeconfig that names no such file.
        "missing kubeconfig": (tmp_path / "nope.yaml", "nope.yaml"),
        # Expired (or revoked) credentials: the server answers 401.
        "expired token": (_kubeconfig(tmp_path / "expired.yaml", cp.server, ca,
                                      token="expired-token-0123456789"), "401"),
        # Nothing listens there.
        "unreachable": (_kubeconfig(tmp_path / "down.yaml", "https://127.0.0.1:1", ca,
                                    token="x"), "127.0.0.1:1"),
    }
    # Authenticated, but without any RBAC: 403.
    sa = "nobody"
    cp.kubectl("create", "serviceaccount", sa, "-n", kafka.ns)
    tok = cp.kubectl("create", "token", sa, "-n", kafka.ns).stdout.strip()
    cases["rbac forbidden"] = (_kubeconfig(tmp_path / "nobody.yaml", cp.server, ca, token=tok),
                               "403")
    for name, (kc, said) in cases.items():
        for cmd, extra in (("apply", ["--timeout", "5m"]), ("status", []), ("observe", [])):
            r = Strata(strata_bin, cp, kc).run(cmd, files, *extra, timeout=600)
            assert r.returncode == 5, f"{name}: {cmd} exited {r.returncode}:\n{r.stderr}"
            assert said in r.stderr, f"{name}: {cmd}: {r.stderr}"
            if name in ("expired token", "rbac forbidden"):
                assert "GET /api" in r.stderr, f"{name}: the failing call: {r.stderr}"


def test_service_account_with_exactly_strata_rbac_can_apply(control_plane, strata, kafka,
                                                            tmp_path):
    cp = control_plane
    files = kafka.files()
    sa = "strata-applier"
    cp.kubectl("create", "serviceaccount", sa, "-n", kafka.ns)
    rbac = strata.run("rbac", files, "--service-account", sa, "--service-account-namespace",
                      kafka.ns, "--name", f"strata-{kafka.ns}")
    assert rbac.returncode == 0, rbac.stderr
    cp.kubectl("apply", "--server-side", "--field-manager=strata-tests", "-f", "-",
               input=rbac.stdout)
    tok = cp.kubectl("create", "token", sa, "-n", kafka.ns, "--duration", "1h").stdout.strip()
    kc = _kubeconfig(tmp_path / "sa.yaml", cp.server, cp.pki / "ca.crt", token=tok)
    as_sa = Strata(strata.bin, cp, kc)
    res = Applied(as_sa.run("apply", files, "-o", "json", "--timeout", APPLY_TIMEOUT))
    assert res.code == 0, res.describe()
    # And through a rollout (restarts, gates, leader labels, waits).
    kafka.ex.set_image("broker", "apache/kafka:strata-next")
    res = Applied(as_sa.run("apply", kafka.files(), "-o", "json", "--timeout", APPLY_TIMEOUT))
    assert res.code == 0, res.describe()
    st = as_sa.status(kafka.files())
    assert st.returncode == 0, st.stdout + st.stderr


# ------------------------------------------------------------------ adoption

def _wait_all_ready(kafka: Kafka, timeout: float = 600) -> None:
    """Every member of every role exists and is Ready (a condition, polled;
    the bound only ends a broken run)."""
    want = [f"{kafka.ex.sts_name(r)}-{i}" for r in kafka.ex.role_names()
            for i in range(kafka.ex.members(r))]
    deadline = time.monotonic() + timeout
    while True:
        pods = kafka.pods()
        if all(n in pods and pod_ready(pods[n]) for n in want):
            return
        assert time.monotonic() < deadline, \
            f"pods not Ready after {timeout}s: {sorted(pods)} want {want}"
        time.sleep(0.5)


def test_apply_adopts_objects_kubectl_created_without_restarting(kafka):
    """Issue 16 item 4: a cluster first deployed by plain `kubectl apply` of
    `strata compile`'s output (another field manager, no strata run) is
    adopted by `strata apply`: nothing is restarted or deleted, every pod and
    PVC keeps its uid, and the cluster is converged afterwards. (The objects
    match what strata would apply, so it applies nothing; its field manager
    takes the fields over with its first change.)"""
    cp, strata = kafka.cp, kafka.strata
    r = strata.run("compile", kafka.files(), "-o", "yaml")
    assert r.returncode == 0, r.stderr
    cp.kubectl("apply", "-f", "-", input=r.stdout)  # client-side apply, manager kubectl
    _wait_all_ready(kafka)
    pods = {n: p["metadata"]["uid"] for n, p in kafka.pods().items()}
    pvcs = {n: c["metadata"]["uid"] for n, c in kafka.pvcs().items()}
    assert pvcs, "the StatefulSets' claims exist before strata runs"

    res = kafka.apply()
    assert res.code == 0, res.describe()
    assert not res.steps("stepStarted", "restart"), res.describe()
    assert not res.steps("stepStarted", "delete"), res.describe()
    kafka.assert_converged()
    assert {n: p["metadata"]["uid"] for n, p in kafka.pods().items()} == pods
    assert {n: c["metadata"]["uid"] for n, c in kafka.pvcs().items()} == pvcs
