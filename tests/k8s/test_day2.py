"""Day-2 operations through `strata apply` on the test control plane (issue 14
item 4, SPEC-2 §9), on examples/kafka (3 ZooKeeper members rolled
followersFirst with a leader label, 3 brokers):

* `restartToken` restarts every member of the role, one at a time, and a
  second apply restarts nobody;
* `rollout.approval: leader` stops before the leader's restart: apply exits 3
  naming the token, the leader keeps running; `--approve TOKEN` lets it pass;
* `replace` rebuilds one member on new PVCs, keeps every other PVC, and is
  done once per token;
* `stopped: true` takes every pod away and keeps every PVC (same uid);
  `stopped: false` brings the cluster back on them;
* `maintenance.windows`: outside every window a rollout waits and restarts
  nobody (apply runs into its --timeout, exit 4); inside one it runs.

Waits are on conditions (the CLI's own, bounded by --timeout); nothing here
depends on the machine's speed."""

from __future__ import annotations

import datetime
import re

from pod_watch import PodWatch
from test_apply import Applied, Kafka, kafka, strata  # noqa: F401 - fixtures


def _uids(objs: dict) -> dict:
    return {n: o["metadata"]["uid"] for n, o in objs.items()}


def _restarted_in_order(res: Applied) -> list[str]:
    """The pods of the restart steps apply started, in the order it started them."""
    return [e["step"]["target"]["name"] for e in res.steps("stepStarted", "restart")]


def test_restart_token_restarts_every_member_once_in_order(kafka):
    kafka.converge()
    before = _uids(kafka.pods())
    kafka.ex._cluster_role("broker", create=True)["restartToken"] = "2026-12-07"
    sts = kafka.ex.sts_name("broker")
    with PodWatch(kafka.cp, kafka.ns) as watch:
        res = kafka.apply()
    assert res.code == 0, res.describe()
    brokers = [f"{sts}-{i}" for i in range(3)]
    assert sorted(_restarted_in_order(res)) == sorted(brokers), res.describe()
    # In rollout order (highest ordinal first), never more than one out.
    assert watch.restart_order(sts) == [2, 1, 0], (watch.restart_order(sts), res.describe())
    assert watch.max_unavailable(sts, 3) <= 1
    after = _uids(kafka.pods())
    for name, uid in before.items():
        if name in brokers:
            assert after[name] != uid, f"{name} was not restarted"
        else:
            assert after[name] == uid, f"{name} was restarted, but only brokers have a token"
    for p in kafka.pods().values():
        if p["metadata"]["name"] in brokers:
            assert p["metadata"]["annotations"].get("strata.dev/restart-token") == "2026-12-07"
    kafka.assert_converged()
    # The same token again restarts nobody.
    again = kafka.apply()
    assert again.code == 0 and not again.steps("stepStarted", "restart"), again.describe()


def test_approval_blocks_before_the_leader_then_passes_with_the_token(kafka):
    kafka.converge()
    zk = kafka.ex.app_role("zookeeper")
    zk.setdefault("rollout", {})["approval"] = "leader"
    kafka.ex.set_image("zookeeper", kafka.ex.image("zookeeper").split(":")[0] + ":strata-next")
    before = _uids(kafka.pods())

    res = kafka.apply()
    assert res.code == 3, f"apply should block on the approval:\n{res.describe()}"
    blocked = res.of("blocked")
    assert blocked, res.describe()
    m = re.search(r"--approve (\S+)", blocked[-1]["message"])
    assert m, f"the blocked reason names no token:\n{res.describe()}"
    token = m.group(1)
    assert kafka.leader in blocked[-1]["message"], res.describe()
    # The followers went first; the leader still runs the old pod.
    after = _uids(kafka.pods())
    assert after[kafka.leader] == before[kafka.leader], "the leader restarted without approval"
    assert kafka.leader not in _restarted_in_order(res)

    # A token for something else passes nothing.
    wrong = kafka.apply("--approve", "zookeeper-0000000000")
    assert wrong.code == 3, wrong.describe()
    assert _uids(kafka.pods())[kafka.leader] == before[kafka.leader]

    ok = kafka.apply("--approve", token)
    assert ok.code == 0, ok.describe()
    assert kafka.leader in _restarted_in_order(ok), ok.describe()
    assert _uids(kafka.pods())[kafka.leader] != before[kafka.leader]
    kafka.assert_converged()


def test_replace_rebuilds_one_member_on_new_pvcs_once_per_token(kafka):
    kafka.converge()
    sts = kafka.ex.sts_name("broker")
    target = f"{sts}-1"
    pvcs = _uids(kafka.pvcs())
    mine = [n for n in pvcs if n.endswith(f"-{target}")]
    assert mine, f"no PVC of {target} among {sorted(pvcs)}"
    kafka.ex._cluster_role("broker", create=True)["replace"] = [
        {"member": target, "token": "disk-1"}]

    res = kafka.apply()
    assert res.code == 0, res.describe()
    assert _restarted_in_order(res) == [target], res.describe()
    deleted = {e["step"]["target"]["name"] for e in res.steps("stepSucceeded", "delete")}
    assert deleted == set(mine), res.describe()
    after = _uids(kafka.pvcs())
    for name, uid in pvcs.items():
        if name in mine:
            assert after.get(name) not in (None, uid), f"{name} was not recreated"
        else:
            assert after[name] == uid, f"{name} changed, but only {target} was replaced"
    cm = kafka.cp.api("GET", f"/api/v1/namespaces/{kafka.ns}/configmaps/{sts}-replace")
    assert cm["data"].get(target) == "disk-1", cm["data"]
    kafka.assert_converged()
    # The token is carried out: applying again replaces nothing.
    again = kafka.apply()
    assert again.code == 0 and not again.of("stepStarted"), again.describe()


def test_stop_keeps_every_pvc_and_start_brings_the_cluster_back(kafka):
    kafka.converge()
    pvcs = _uids(kafka.pvcs())
    assert pvcs
    kafka.ex.cluster["spec"]["stopped"] = True
    res = kafka.apply()
    assert res.code == 0, res.describe()
    # Brokers (the dependents) stop before ZooKeeper.
    stops = [e["step"]["condition"] for e in res.of("waiting") + res.steps("stepSucceeded", "wait")
             if "roleStopped" in (e.get("step") or {}).get("condition", "")]
    assert stops and "broker" in stops[0], res.describe()
    live = [p for p in kafka.pods().values() if not p["metadata"].get("deletionTimestamp")]
    assert not live, f"pods left after stop: {[p['metadata']['name'] for p in live]}"
    assert _uids(kafka.pvcs()) == pvcs, "a PVC was lost or recreated while stopping"
    again = kafka.apply()
    assert again.code == 0 and not again.of("stepStarted"), again.describe()

    kafka.ex.cluster["spec"]["stopped"] = False
    res = kafka.apply()
    assert res.code == 0, res.describe()
    kafka.assert_converged()
    assert _uids(kafka.pvcs()) == pvcs, "the start did not come back on the kept PVCs"
    # The members never left: no memberJoin on the way back.
    assert not [e for e in res.steps("stepStarted", "exec")
                if e["step"].get("hook") == "memberJoin"], res.describe()


DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_maintenance_window_defers_restarts_until_one_is_open(kafka):
    """Outside every window a rollout only waits (condition window) and
    restarts nobody; with a window open now it runs. The clock is the real
    one, so the windows are chosen relative to today (UTC)."""
    kafka.converge()
    before = _uids(kafka.pods())
    today = datetime.datetime.now(datetime.timezone.utc).weekday()
    # The day after tomorrow, one minute: closed now, whatever the time.
    kafka.ex.cluster["spec"]["maintenance"] = {
        "windows": [{"days": [DAYS[(today + 2) % 7]], "start": "00:00", "end": "00:01"}]}
    kafka.ex.set_image("broker", kafka.ex.image("broker").split(":")[0] + ":strata-next")

    res = kafka.strata.run("apply", kafka.files(), "-o", "json", "--timeout", "5s")
    waited = Applied(res)
    assert waited.code == 4, waited.describe()  # The deadline, waiting for the window.
    assert not waited.steps("stepStarted", "restart"), waited.describe()
    assert [e for e in waited.of("waiting") if e.get("condition", "").startswith("window ")], \
        waited.describe()
    assert _uids(kafka.pods()) == before
    plan = kafka.strata.plan_json(kafka.files())
    windows = [s for s in plan["steps"] if (s.get("wait") or {}).get("kind") == "window"]
    assert windows and "next maintenance window" in windows[0]["reason"], plan

    # Today and tomorrow, all day: open now (and for at least a day).
    kafka.ex.cluster["spec"]["maintenance"] = {
        "windows": [{"days": [DAYS[today], DAYS[(today + 1) % 7]], "start": "00:00",
                     "end": "24:00"}]}
    res = kafka.apply()
    assert res.code == 0, res.describe()
    brokers = [f"{kafka.ex.sts_name('broker')}-{i}" for i in range(3)]
    assert sorted(_restarted_in_order(res)) == sorted(brokers), res.describe()
    kafka.assert_converged()
