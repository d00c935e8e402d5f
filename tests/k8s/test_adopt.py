"""Adopting a running StatefulSet (SPEC-2 §10, issue 16 item 4): the seed's
Cassandra ring (tests/testdata/import/manifests/cassandra.yaml: 5 replicas,
`nodetool drain` preStop, IPC_LOCK, `cassandra-data` claims) deployed by plain
`kubectl apply`, a data marker on every PVC, then `strata import manifests`
of that file and `strata apply` of the imported App and Cluster.

What is checked: every PVC keeps its uid and its marker and no other claim
appears (so no member ever starts on an empty volume: a StatefulSet pod
always mounts <claim>-<pod>); the members are restarted to strata's template
one at a time, highest ordinal first, each only after the one before it is
Ready again (from the pod watch) and in a pass of its own (from apply's
events); the cluster is
converged afterwards (`plan --observed cluster` empty, `status` exit 0, a
second apply runs nothing).

The running StatefulSet carries none of strata's labels: `plan` finds it
by name (strata observes a namespace's StatefulSets without an
`app.kubernetes.io/instance` label, with their pods and claims), labels the
pods and claims with strata's selector, orphan-deletes it and re-creates it.
The vendored file as it is (StatefulSet `cassandra`, which no
<cluster>-<role> can keep) must be refused by `plan`, naming the claim, and
by `apply`, which then changes nothing.

Waits are on conditions with generous bounded deadlines; kwok makes pods
Ready at once, so the whole module takes seconds of apply time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from harness import REPO
from k8s_objects import ensure_storage_classes, pod_ready
from pod_watch import PodWatch
from strata_cli import require_strata
from test_apply import Applied, Strata

SEED = REPO / "tests" / "testdata" / "import" / "manifests" / "cassandra.yaml"
APP, CLUSTER, ROLE, CLAIM = "cassandra", "k8demo", "cassandra", "cassandra-data"
MEMBERS = 5
MARKER = "strata.test/data"
# The labels strata selects a role's objects by (what §10's adoption puts on
# the running pods and claims, and the vendored manifests lack).
SELECTOR = {"app.kubernetes.io/instance": CLUSTER, "app.kubernetes.io/component": ROLE}

@pytest.fixture
def strata(control_plane, strata_bin, strata_commands) -> Strata:
    require_strata(strata_commands, "import", "apply", "status", "plan")
    return Strata(strata_bin, control_plane)


class Seed:
    """The vendored Cassandra manifests running in `ns` (the StatefulSet
    renamed to `sts`), Ready, with a data marker on every PVC."""

    def __init__(self, cp, strata: Strata, ns: str, tmp: Path, sts: str):
        self.cp, self.strata, self.ns, self.sts = cp, strata, ns, sts
        docs = list(yaml.safe_load_all(SEED.read_text()))
        for d in docs:
            d["metadata"]["namespace"] = ns
            if d["kind"] == "StatefulSet":
                d["metadata"]["name"] = sts
        assert sorted(d["kind"] for d in docs) == ["Service", "StatefulSet"]
        self.manifests = tmp / "cassandra.yaml"
        self.manifests.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        # IPC_LOCK and the image's own user are beyond `restricted` (strata's
        # validate warns about IPC_LOCK too): the namespace enforces privileged.
        cp.create_namespace(ns, pod_security="privileged")
        ensure_storage_classes(cp, docs)  # class `fast`
        cp.kubectl("apply", "-f", str(self.manifests))  # client-side, manager kubectl
        self.members = [f"{sts}-{i}" for i in range(MEMBERS)]
        self.wait_ready(self.members)
        for m in self.members:
            cp.kubectl("annotate", "-n", ns, "pvc", f"{CLAIM}-{m}", f"{MARKER}={m}")
        self.pvcs = {n: c["metadata"]["uid"] for n, c in self.claims().items()}
        assert sorted(self.pvcs) == sorted(f"{CLAIM}-{m}" for m in self.members)
        self.pods = {n: p["metadata"]["uid"] for n, p in self.pod_map().items()}
        self.tmp = tmp

    def pod_map(self) -> dict:
        return {p["metadata"]["name"]: p for p in self.cp.list("pods", self.ns)}

    def claims(self) -> dict:
        return {c["metadata"]["name"]: c
                for c in self.cp.list("persistentvolumeclaims", self.ns)}

    def wait_ready(self, names: list[str], timeout: float = 300) -> None:
        """Every pod of `names` exists and is Ready (polled; the bound only ends
        a broken run)."""
        deadline = time.monotonic() + timeout
        while True:
            pods = self.pod_map()
            if all(n in pods and pod_ready(pods[n]) for n in names):
                return
            assert time.monotonic() < deadline, \
                f"not Ready after {timeout}s: {sorted(pods)} want {names}"
            time.sleep(0.5)

    def imported(self) -> list[Path]:
        """`strata import manifests` of the running file, validated."""
        r = self.strata.run("import", ["manifests", self.manifests], "--app", APP,
                            "--cluster", CLUSTER, "--namespace", self.ns)
        assert r.returncode == 0, r.stderr
        out = self.tmp / "imported.yaml"
        out.write_text(r.stdout)
        self.import_warnings = r.stderr
        v = self.strata.run("validate", [out])
        assert v.returncode == 0, v.stderr
        return [out]

    def assert_claims_kept(self) -> None:
        """The same claims, same uids, markers intact, nothing else."""
        now = self.claims()
        assert {n: c["metadata"]["uid"] for n, c in now.items()} == self.pvcs
        for n, c in now.items():
            assert c["metadata"].get("annotations", {}).get(MARKER) == \
                n[len(CLAIM) + 1:], f"{n} lost its data marker"


@pytest.fixture
def tmp(tmp_path) -> Path:
    d = tmp_path / "files"
    d.mkdir()
    return d


def _restarts_one_per_pass(res: Applied, order: list[str]) -> None:
    """In apply's events, the restarts start in `order`, each after the one
    before it succeeded and in a later pass: the executor stopped at the wait
    after each restart and only moved on from a new observation (whether
    that pass still reports the wait, or finds the member Ready already,
    depends on timing, so that is not asserted here; the pod watch shows the
    member Ready again before the next one goes)."""
    started = [(i, e) for i, e in enumerate(res.events)
               if e["event"] == "stepStarted" and e["step"]["action"] == "restart"]
    assert [e["step"]["target"]["name"] for _, e in started] == order, res.describe()
    for (i, prev), (j, nxt) in zip(started, started[1:]):
        name = prev["step"]["target"]["name"]
        assert any(e["event"] == "stepSucceeded" and e["step"]["action"] == "restart"
                   and e["step"]["target"]["name"] == name for e in res.events[i:j]), \
            f"{nxt['step']['target']['name']} started before {name}'s restart ended"
        assert nxt["pass"] > prev["pass"], \
            f"{name} and the next member restarted in one pass:\n{res.describe()}"


def test_imported_cassandra_is_adopted_one_member_at_a_time_keeping_every_pvc(
        control_plane, strata, namespace, tmp):
    cp = control_plane
    # Named as `helm template k8demo` names it (<release>-<component>), so the
    # import keeps the StatefulSet's name and with it the claims'.
    sts = f"{CLUSTER}-{ROLE}"
    seed = Seed(cp, strata, namespace, tmp, sts)
    files = seed.imported()
    assert "not reused" not in seed.import_warnings, seed.import_warnings
    selector = ",".join(f"{k}={v}" for k, v in SELECTOR.items())
    assert not cp.list("pods", namespace, selector), "the seed already carries strata's labels"

    plan = strata.plan_json(files)
    steps = plan["steps"]
    # §10: label every running pod and claim first, then the orphan delete.
    labelled = [s for s in steps if s["action"] == "apply"
                and s["target"]["kind"] in ("Pod", "PersistentVolumeClaim")]
    assert sorted(s["target"]["name"] for s in labelled) == sorted(
        seed.members + [f"{CLAIM}-{m}" for m in seed.members]), steps
    delete = next(s for s in steps if s["action"] == "delete")
    assert {s["id"] for s in labelled} <= set(delete.get("after", [])), steps
    assert not [s for s in steps if s["action"] == "delete" and not s.get("orphan")], steps
    assert [s["target"]["name"] for s in steps if s["action"] == "delete"] == [sts], steps
    assert sorted(s["target"]["name"] for s in steps if s["action"] == "restart") == \
        sorted(seed.members), steps

    with PodWatch(cp, namespace) as watch:
        res = strata.apply(files)
    assert res.code == 0, res.describe()

    # Data: every claim kept (uid, marker), none added; every member came back
    # on its own claim.
    seed.assert_claims_kept()
    pods = seed.pod_map()
    assert sorted(pods) == sorted(seed.members)
    for name, p in pods.items():
        claims = [v["persistentVolumeClaim"]["claimName"] for v in p["spec"]["volumes"]
                  if "persistentVolumeClaim" in v]
        assert claims == [f"{CLAIM}-{name}"], (name, claims)
        assert p["metadata"]["uid"] != seed.pods[name], f"{name} was not rolled"
        assert p["metadata"]["annotations"].get("strata.dev/spec-hash"), name
    assert {e[2] for e in watch.events} <= set(seed.members), \
        "a pod other than the five members appeared"

    # One at a time: highest ordinal first, never two members out at once,
    # each restart only after the member before it is Ready at the new spec.
    assert watch.restart_order(sts) == [4, 3, 2, 1, 0], (watch.restart_order(sts),
                                                         res.describe())
    assert watch.max_unavailable(sts, MEMBERS) <= 1
    restarts = watch.restarts(sts)
    for (_, prev), (t, name) in zip(restarts, restarts[1:]):
        back = next((te for te, _, n, uid, ready, _ in watch.events
                     if n == prev and uid != seed.pods[prev] and ready), None)
        assert back is not None and back <= t, f"{name} went before {prev} was back"
    _restarts_one_per_pass(res, [f"{sts}-{i}" for i in (4, 3, 2, 1, 0)])

    # Converged, and staying so.
    after = strata.plan_json(files)
    assert after["converged"] and not after["steps"], json.dumps(after)[:3000]
    st = strata.status(files)
    assert st.returncode == 0 and "converged" in st.stdout, st.stdout + st.stderr
    again = strata.apply(files)
    assert again.code == 0 and not again.of("stepStarted"), again.describe()
    seed.assert_claims_kept()


def test_plan_refuses_the_seed_statefulset_whose_claims_cannot_follow(
        control_plane, strata, namespace, tmp):
    """The vendored file as it is: its StatefulSet `cassandra` becomes
    strata's `k8demo-cassandra`, with claims cassandra-data-k8demo-cassandra-N
    the running members' data is not on. The import warns; plan must refuse,
    naming the claim, and apply must change nothing."""
    cp = control_plane
    seed = Seed(cp, strata, namespace, tmp, "cassandra")
    files = seed.imported()
    assert "volumes are not reused" in seed.import_warnings, seed.import_warnings

    r = strata.run("plan", files, "--observed", "cluster", "-o", "json")
    assert r.returncode == 1, f"plan did not refuse:\n{r.stdout[:3000]}"
    for what in (f"{CLAIM}-cassandra-0", "StatefulSet cassandra", f"{CLUSTER}-{ROLE}",
                 "docs/migrating.md"):
        assert what in r.stderr, r.stderr
    res = strata.apply(files)
    assert res.code == 3, res.describe()
    assert f"{CLAIM}-cassandra-0" in res.stdout + res.stderr, res.describe()
    assert not res.of("stepStarted"), res.describe()
    seed.assert_claims_kept()
    assert sorted(seed.pod_map()) == sorted(seed.members)
