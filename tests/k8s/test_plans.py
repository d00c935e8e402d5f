"""strata plans carried out against a real control plane (SPEC §4), on the
kafka example: fresh deploy, scale out, scale in (PVCs survive) and an image
rollout (members restart in the planned order, within the budget).

The Cluster is copied to a temp dir with its namespace set to the test's own,
then edited there. STRATA_K8S_PLANNER overrides the planner binary (the
executor self-test points it at fake_strata.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from strata_cli import require_strata
from example_files import ExampleCopy
from executor import Executor, Result, VirtualClock, ensure_storage_classes, pod_ready
from harness import REPO

KAFKA = REPO / "examples" / "kafka"


class Scenario:
    def __init__(self, cp, planner: Path, ex: ExampleCopy, tmp: Path):
        self.cp = cp
        self.planner = planner
        self.ex = ex
        self.tmp = tmp
        self.clock = VirtualClock()  # shared, so lastTransitionTimes stay in the past
        self.runs = 0
        classes = [{"kind": "PersistentVolumeClaim", "spec": {"storageClassName": s.get(
            "storageClassName")}} for r in ex.cluster["spec"].get("roles") or []
            for s in r.get("storage") or []]
        ensure_storage_classes(cp, classes)
        # followersFirst roles get a leader that is neither the first nor the
        # last ordinal, so "leader last" differs from both ordinal orders.
        self.leaders = {}
        for role in ex.role_names():
            rollout = ex.app_role(role).get("rollout") or {}
            if rollout.get("order") == "followersFirst" and rollout.get("leaderLabel"):
                n = ex.members(role)
                self.leaders[role] = (rollout["leaderLabel"], 1 if n >= 3 else 0)

    @property
    def ns(self) -> str:
        return self.ex.namespace

    def converge(self) -> Result:
        self.runs += 1
        files = self.ex.write()  # the current edits, over the previous files
        ex = Executor(self.cp, self.planner, files, self.ns, self.ex.name, clock=self.clock,
                      leaders=self.leaders)
        res = ex.run()
        assert res.converged, f"plan did not converge:\n{res.describe()}"
        return res

    def pods(self) -> dict:
        return {p["metadata"]["name"]: p for p in self.cp.list("pods", self.ns)}

    def pvcs(self) -> dict:
        return {c["metadata"]["name"]: c for c in self.cp.list("persistentvolumeclaims", self.ns)}

    def role_pods(self, role: str) -> dict:
        return {n: p for n, p in self.pods().items()
                if p["metadata"].get("labels", {}).get("app.kubernetes.io/component") == role}

    def assert_settled(self) -> None:
        """Every role has exactly its members, all Ready, with storage."""
        pods = self.pods()
        pvcs = self.pvcs()
        for role in self.ex.role_names():
            n = self.ex.members(role)
            sts = self.cp.get("apps/statefulsets", self.ns, self.ex.sts_name(role))
            assert sts is not None, f"StatefulSet {self.ex.sts_name(role)} missing"
            assert sts["spec"]["replicas"] == n, f"{role}: replicas {sts['spec']['replicas']} != {n}"
            want = {f"{self.ex.sts_name(role)}-{i}" for i in range(n)}
            have = {k for k, p in pods.items() if p["metadata"].get("labels", {}).get(
                "app.kubernetes.io/component") == role}
            assert have == want, f"{role}: pods {sorted(have)} != {sorted(want)}"
            for name in want:
                assert pod_ready(pods[name]), f"{name} is not Ready"
                for claim in self.ex.claim_names(role):
                    assert f"{claim}-{name}" in pvcs, f"PVC {claim}-{name} missing"

    def uids(self) -> dict:
        return {n: p["metadata"]["uid"] for n, p in self.pods().items()}


@pytest.fixture
def kafka(control_plane, namespace, tmp_path, request) -> Scenario:
    planner = os.environ.get("STRATA_K8S_PLANNER")
    if planner:
        strata = Path(planner)
    else:
        strata = request.getfixturevalue("strata_bin")
        require_strata(request.getfixturevalue("strata_commands"), "plan")
    if not KAFKA.is_dir():
        pytest.skip(f"{KAFKA} does not exist yet")
    ex = ExampleCopy(KAFKA, tmp_path / "files", namespace=namespace)
    return Scenario(control_plane, strata, ex, tmp_path)


def _budget(ex: ExampleCopy, role: str) -> int:
    """How many members of `role` a rollout may have down at once (SPEC §4 rule 3)."""
    r = ex.app_role(role)
    n = ex.members(role)
    rollout = r.get("rollout") or {}
    if rollout.get("strategy", "serial") == "serial":
        allowed = 1
    else:
        mu = rollout.get("maxUnavailable", 1)
        if isinstance(mu, str) and mu.endswith("%"):
            allowed = max(1, n * int(mu[:-1]) // 100)
        else:
            allowed = int(mu)
    if r.get("quorum") == "majority":
        allowed = min(allowed, n - (n // 2 + 1))
    return max(allowed, 1)


def _mentions(ex: ExampleCopy, role: str, other: str) -> bool:
    """Whether `other`'s config or env may change when `role` scales."""
    r = ex.app_role(other)
    return other == role or f"roles.{role}." in json.dumps(
        [r.get("config"), r.get("env"), r.get("command"), r.get("args")])


def _scalable_role(ex: ExampleCopy, up: bool) -> str:
    """A role that can grow (up) or shrink by one; non-quorum roles first."""
    roles = sorted(ex.role_names(), key=lambda r: ex.app_role(r).get("quorum") == "majority")
    for role in roles:
        lo, hi = ex.cardinality(role)
        n = ex.members(role)
        if up and (hi is None or n < hi):
            return role
        if not up and n - 1 >= max(lo, 1):
            return role
    pytest.skip(f"no role of {ex.src.name} can scale {'out' if up else 'in'} by one")


def test_fresh_deploy(kafka):
    res = kafka.converge()
    kafka.assert_settled()
    assert not res.of("restart") and not res.of("delete"), \
        f"a fresh deploy restarts or deletes nothing:\n{res.describe()}"
    # Roles start in dependsOn order: a role's StatefulSet is first applied once
    # every member of the roles it depends on is Ready.
    first_apply = {}
    for e in res.of("apply"):
        if e.step["object"]["kind"] == "StatefulSet" and e.target.get("role") not in first_apply:
            first_apply[e.target.get("role")] = e
    for role in kafka.ex.role_names():
        for dep in kafka.ex.app_role(role).get("dependsOn") or []:
            e = first_apply[role]
            assert e.ready_by_role.get(dep, 0) >= kafka.ex.members(dep), (
                f"{role} started before {dep} was Ready ({e.ready_by_role}):\n{res.describe()}")
    # Planning again from the converged state is a no-op (level-triggered).
    again = kafka.converge()
    assert again.iterations == 1 and not again.events


def test_scale_out(kafka):
    kafka.converge()
    role = _scalable_role(kafka.ex, up=True)
    n = kafka.ex.members(role)
    before = kafka.uids()
    kafka.ex.set_members(role, n + 1)
    res = kafka.converge()
    kafka.assert_settled()
    new = f"{kafka.ex.sts_name(role)}-{n}"
    assert new in kafka.pods()
    app_role = kafka.ex.app_role(role)
    # Scale-out ascending; by one for quorum roles and roles with memberJoin (rule 2).
    replicas = [e.step["object"]["spec"]["replicas"] for e in res.of("apply")
                if e.step["object"]["kind"] == "StatefulSet" and e.target.get("role") == role]
    assert replicas == sorted(replicas), f"replicas went down while scaling out: {replicas}"
    if app_role.get("quorum") == "majority" or (app_role.get("lifecycle") or {}).get("memberJoin"):
        assert all(b - a == 1 for a, b in zip([n] + replicas, replicas)), \
            f"{role} must grow one member at a time: {replicas}"
    if (app_role.get("lifecycle") or {}).get("memberJoin"):
        assert any(e.step.get("pod") == new or e.target.get("name") == new
                   for e in res.of("exec")), f"no memberJoin for {new}:\n{res.describe()}"
    # Members of roles whose configuration does not depend on this one keep running.
    after = kafka.uids()
    for name, uid in before.items():
        other = kafka.pods()[name]["metadata"]["labels"]["app.kubernetes.io/component"]
        if not _mentions(kafka.ex, role, other):
            assert after[name] == uid, f"{name} was restarted by scaling {role}:\n{res.describe()}"


def test_scale_in_keeps_pvcs(kafka):
    role = _scalable_role(kafka.ex, up=True)
    lo, _ = kafka.ex.cardinality(role)
    n = max(kafka.ex.members(role), lo + 1, 2)
    kafka.ex.set_members(role, n)
    kafka.converge()
    victim = f"{kafka.ex.sts_name(role)}-{n - 1}"
    claims = {f"{c}-{victim}": kafka.pvcs()[f"{c}-{victim}"]["metadata"]["uid"]
              for c in kafka.ex.claim_names(role)}
    app_role = kafka.ex.app_role(role)

    kafka.ex.set_members(role, n - 1)
    res = kafka.converge()
    kafka.assert_settled()
    assert victim not in kafka.pods()
    storage = {s["name"]: s for s in app_role.get("storage") or []}
    pvcs = kafka.pvcs()
    for claim, uid in claims.items():
        policy = storage[claim.split("-" + victim)[0]].get("onScaleDown", "retain")
        if policy == "retain":
            assert claim in pvcs and pvcs[claim]["metadata"]["uid"] == uid, \
                f"PVC {claim} did not survive scale-in (onScaleDown: retain):\n{res.describe()}"
    # memberLeave runs in the victim before the StatefulSet lets it go.
    if (app_role.get("lifecycle") or {}).get("memberLeave"):
        leave = [i for i, e in enumerate(res.events) if e.action == "exec" and
                 victim in (e.step.get("pod"), e.target.get("name"))]
        shrink = [i for i, e in enumerate(res.events) if e.action == "apply" and
                  e.step["object"]["kind"] == "StatefulSet" and e.target.get("role") == role]
        assert leave and shrink and leave[0] < shrink[-1], \
            f"memberLeave must run in {victim} before it is removed:\n{res.describe()}"

    # Scaling back out reuses the retained claim (unless afterLeave: wipe).
    kafka.ex.set_members(role, n)
    res = kafka.converge()
    kafka.assert_settled()
    pvcs = kafka.pvcs()
    for claim, uid in claims.items():
        s = storage[claim.split("-" + victim)[0]]
        if s.get("onScaleDown", "retain") == "retain" and s.get("afterLeave", "keep") == "keep":
            assert pvcs[claim]["metadata"]["uid"] == uid, \
                f"PVC {claim} was not reused when {victim} came back:\n{res.describe()}"


def test_image_rollout_restarts_in_planned_order(kafka):
    kafka.converge()
    before = kafka.pods()
    roles = kafka.ex.role_names()
    new_image = {}
    for role in roles:
        img = kafka.ex.image(role)
        new_image[role] = img.split("@")[0] + ("-strata-next" if ":" in img.split("/")[-1]
                                                else ":strata-next")
        kafka.ex.set_image(role, new_image[role])
    res = kafka.converge()
    kafka.assert_settled()
    after = kafka.pods()

    for role in roles:
        members = [f"{kafka.ex.sts_name(role)}-{i}" for i in range(kafka.ex.members(role))]
        restarts = res.restarts(role)
        # Every member restarted exactly once, and came back at the new image.
        assert sorted(e.target["name"] for e in restarts) == sorted(members), \
            f"{role}: each member restarts once:\n{res.describe()}"
        for name in members:
            assert after[name]["metadata"]["uid"] != before[name]["metadata"]["uid"]
            assert after[name]["spec"]["containers"][0]["image"] == new_image[role]
        for e in restarts:
            assert e.new_uid, f"StatefulSet controller did not recreate {e.target['name']}"
        # Planned order: by ordinal as rollout.order says; followersFirst puts
        # the member carrying the leader label last.
        ordinals = [int(e.target["name"].rsplit("-", 1)[1]) for e in restarts]
        order = (kafka.ex.app_role(role).get("rollout") or {}).get("order", "ordinalDescending")
        expected = sorted(ordinals, reverse=order != "ordinalAscending")
        if order == "followersFirst" and role in kafka.leaders:
            leader = kafka.leaders[role][1]
            expected = [o for o in expected if o != leader] + [leader]
        assert ordinals == expected, \
            f"{role} restarted in order {ordinals}, want {expected}:\n{res.describe()}"
        # A gate runs before every restart of a Ready member (rule 3).
        if (kafka.ex.app_role(role).get("rollout") or {}).get("gate"):
            for e in restarts:
                i = res.events.index(e)
                gated = [g for g in res.events[:i] if g.action in ("exec", "wait") and
                         g.target.get("name") == e.target["name"] and
                         ("gate" in json.dumps(g.step).lower())]
                assert gated, f"no gate before restarting {e.target['name']}:\n{res.describe()}"
        # The controller recreated them in that order too.
        created = [after[e.target["name"]]["metadata"]["creationTimestamp"] for e in restarts]
        assert created == sorted(created), f"{role}: pods recreated out of order: {created}"
        # Never more members down than the budget allows.
        budget = _budget(kafka.ex, role)
        for e in restarts:
            assert e.unavailable_before + 1 <= budget, (
                f"{e.target['name']} restarted while {e.unavailable_before} {role} members "
                f"were down (budget {budget}):\n{res.describe()}")

    # Roles update in dependsOn order: a role's first restart comes after the
    # last restart of every role it depends on.
    index = {id(e): i for i, e in enumerate(res.events)}
    for role in roles:
        for dep in kafka.ex.app_role(role).get("dependsOn") or []:
            if res.restarts(dep) and res.restarts(role):
                assert index[id(res.restarts(dep)[-1])] < index[id(res.restarts(role)[0])], \
                    f"{role} rolled before {dep} finished:\n{res.describe()}"
