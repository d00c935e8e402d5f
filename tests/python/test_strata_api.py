"""The strata Python API (SPEC §5): load, edit, validate, compile, plan,
simulate, errors and the result types."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil

import pytest
import strata
import yaml
from conftest import run_strata
from strata_testing import KAFKA, NOW, in_root

BAD_CLUSTER = """\
apiVersion: strata.dev/v1
kind: Cluster
metadata:
  name: events
spec:
  app: kafka
  roles:
  - name: broker
    members: 2
"""


def kafka_app_text() -> str:
    return (KAFKA / "app.yaml").read_text()


def statefulset(objects, name):
    return objects.find("StatefulSet", name)


def container(sts):
    return sts["spec"]["template"]["spec"]["containers"][0]


# ---------------------------------------------------------------- load / model


def test_load_directory_gives_live_apps_and_clusters():
    docs = strata.load(KAFKA)
    assert [a.name for a in docs.apps] == ["kafka"]
    assert [c.name for c in docs.clusters] == ["events"]
    assert docs.app().name == "kafka"
    assert docs.cluster("events").app == "kafka"
    assert len(docs) == 2
    assert [type(d).__name__ for d in docs] == ["App", "Cluster"]
    assert docs.raw.apps[0].file.endswith("app.yaml")
    with pytest.raises(KeyError):
        docs.cluster("nope")


def test_load_accepts_text_paths_and_lists_alike():
    from_dir = strata.load(KAFKA)
    from_paths = strata.load(sorted(KAFKA.glob("*.yaml")))
    texts = [p.read_text() for p in sorted(KAFKA.glob("*.yaml"))]
    from_text = strata.load("\n---\n".join(texts))
    from_bytes = strata.load(*[t.encode() for t in texts])
    for docs in (from_paths, from_text, from_bytes):
        assert docs.apps == from_dir.apps
        assert docs.clusters == from_dir.clusters
    assert from_text.raw.apps[0].file == "<text>"
    with pytest.raises(FileNotFoundError):
        strata.load("examples/no-such-file.yaml")
    # SPEC-2 §5b.5: text without documents is a mistake, not an empty topology.
    for empty in ("", "# a comment only\n---\n"):
        with pytest.raises(strata.ValidationError, match="<text>: no documents"):
            strata.load(empty)
    with pytest.raises(strata.Error, match="no documents"):
        strata.observed_state("")
    with pytest.raises(TypeError):
        strata.load(42)
    with pytest.raises(TypeError):
        strata.load()


def test_cluster_repr_shows_what_was_set():
    c = strata.Cluster(name="events", app="kafka", roles=[strata.RoleOverride(name="broker", members=5)])
    assert repr(c) == "Cluster(name='events', app='kafka', roles=[RoleOverride(name='broker', members=5)])"
    loaded = strata.load(KAFKA).cluster()
    text = repr(loaded)
    assert text.startswith("Cluster(name='events', namespace='data', labels={'team': 'analytics'}, app='kafka'")
    assert "RoleOverride(name='broker', members=5" in text
    assert "Quantity('500Gi')" in text
    assert repr(strata.load(KAFKA)).startswith("Documents(apps=[App(name='kafka', version='3.7.0'")
    assert repr(strata.Quantity("1Gi")) == "Quantity('1Gi')"
    assert repr(strata.Cardinality("3+")) == "Cardinality('3+')"
    assert "Quorum.MAJORITY" in repr(strata.load(KAFKA).app().role("zookeeper"))


def test_model_values_convert_compare_and_copy():
    q = strata.Quantity("1Gi")
    assert q == strata.Quantity("1024Mi") and q == "1024Mi"
    assert strata.Quantity("300m") < strata.Quantity("500m") <= "0.5"
    assert strata.Quantity("2") > 1 and strata.Quantity("1e3") >= strata.Quantity.parse("1k")
    assert str(q) == "1Gi" and q.to_string() == "1Gi" and str(strata.Quantity()) == "0"
    c = strata.Cardinality.parse("3-5")
    assert (c.min, c.max, c.allows(4), c.allows(6), str(c)) == (3, 5, True, False, "3-5")
    assert strata.Cardinality("2+").max is None
    with pytest.raises(strata.ValidationError):
        strata.Quantity("10Qi")
    with pytest.raises(strata.ValidationError):
        strata.Cardinality("3-")
    r = strata.Resources(requests={"cpu": "2"})
    r.limits["memory"] = "4Gi"
    assert dict(r.limits) == {"memory": strata.Quantity("4Gi")}
    c2 = copy.deepcopy(strata.load(KAFKA).cluster())
    c2.role("broker").members = 9
    assert strata.load(KAFKA).cluster().role("broker").members == 5
    with pytest.raises(AttributeError):
        strata.Port(nmae="x")
    policy = strata.RolloutPolicy(
        strategy=strata.RolloutStrategy.BEST_EFFORT_PARALLEL,
        max_unavailable=strata.IntOrPercent(value=25, percent=True),
    )
    assert policy.resolve_max_unavailable(10) == 2
    assert strata.RolloutPolicy().resolve_max_unavailable(10) == 1


def test_editing_roles_round_trips_through_compile():
    docs = strata.load(KAFKA)
    before = strata.compile(docs)
    broker = docs.cluster().role("broker")
    broker.members = 7
    broker.image = "apache/kafka:3.8.0"
    broker.resources.requests["cpu"] = "3"
    docs.app().role("zookeeper").image = "zookeeper:3.9.3"
    after = strata.compile(docs)
    sts = statefulset(after, "events-broker")
    assert sts["spec"]["replicas"] == 7
    assert container(sts)["image"] == "apache/kafka:3.8.0"
    assert container(sts)["resources"]["requests"]["cpu"] == "3"
    assert container(statefulset(after, "events-zookeeper"))["image"] == "zookeeper:3.9.3"
    assert statefulset(before, "events-broker")["spec"]["replicas"] == 5
    # A role the Cluster did not list is added on first use.
    cluster = strata.Cluster(name="c", app="kafka")
    cluster.role("zookeeper").members = 3
    assert [r.name for r in cluster.roles] == ["zookeeper"]
    # A role its App does not have is a KeyError, as cluster("nope") is
    # (issue 11: a typo used to add an override that compile then rejected).
    events = docs.cluster("events")
    overrides = [r.name for r in events.roles]
    with pytest.raises(KeyError, match="app 'kafka' has no role 'brokr'"):
        docs.cluster("events").role("brokr")
    assert [r.name for r in events.roles] == overrides
    events.role("zookeeper").image = "zookeeper:3.9.4"  # A role of the App.
    assert container(statefulset(strata.compile(docs), "events-zookeeper"))["image"] == "zookeeper:3.9.4"


def test_model_built_in_python_compiles():
    docs = strata.load(KAFKA)
    app = copy.deepcopy(docs.app())
    cluster = strata.Cluster(name="logs", namespace="ops", app="kafka")
    cluster.role("broker").members = 4
    objects = strata.compile(app, cluster)
    assert statefulset(objects, "logs-broker")["metadata"]["namespace"] == "ops"
    assert statefulset(objects, "logs-broker")["spec"]["replicas"] == 4
    topo = strata.Topology(app=app, cluster=cluster)
    assert strata.compile(topo) == objects
    d = strata.Documents()
    d.add(app)
    d.add(cluster).role("broker").members = 6
    with pytest.raises(KeyError, match="has no role 'brokers'"):
        d.cluster("logs").role("brokers")
    assert statefulset(strata.compile(d), "logs-broker")["spec"]["replicas"] == 6
    with pytest.raises(TypeError):
        d.add("nope")


# ---------------------------------------------------------------- errors


def test_validation_error_carries_the_cli_diagnostics():
    with pytest.raises(strata.ValidationError) as info:
        strata.validate(kafka_app_text(), BAD_CLUSTER)
    e = info.value
    assert isinstance(e, strata.Error)
    assert e.code == strata.StatusCode.INVALID_ARGUMENT
    assert str(e) == e.message == "\n".join(d.to_string() for d in e.errors)
    err = [d for d in e.errors if d.path == "spec.roles[0].members"]
    assert err, str(e)
    d = err[0]
    assert (d.file, d.line, d.column, d.severity) == ("<text 2>", 9, 14, strata.Diagnostic.Severity.ERROR)
    assert "cardinality" in d.message
    assert str(d) == d.to_string() == f"<text 2>:9:14: spec.roles[0].members: {d.message}"
    assert all(w.severity == strata.Diagnostic.Severity.WARNING for w in e.warnings)


def test_unknown_key_fails_at_load_with_its_location():
    text = kafka_app_text().replace("  version:", "  verison:", 1)
    with pytest.raises(strata.ValidationError) as info:
        strata.load(text)
    (d,) = [d for d in info.value.errors if "verison" in d.path or "verison" in d.message]
    assert d.file == "<text>" and d.line > 0 and d.column > 0


def test_validate_returns_warnings_for_valid_input():
    warnings = strata.validate(KAFKA)
    assert all(w.severity == strata.Diagnostic.Severity.WARNING for w in warnings)
    assert strata.compile(KAFKA).warnings == warnings


def test_edited_model_is_validated_again():
    docs = strata.load(KAFKA)
    docs.cluster().role("broker").members = 1
    with pytest.raises(strata.ValidationError) as info:
        strata.compile(docs)
    assert any(d.path.endswith("members") for d in info.value.errors)


# ---------------------------------------------------------------- compile


def test_compile_returns_plain_kubernetes_dicts():
    objects = strata.compile(KAFKA)
    assert isinstance(objects, list) and isinstance(objects, strata.CompiledObjects)
    assert all(type(o) is dict for o in objects)
    kinds = {o["kind"] for o in objects}
    assert {"StatefulSet", "Service", "ConfigMap", "PodDisruptionBudget"} <= kinds
    assert objects.of_kind("StatefulSet") == [statefulset(objects, "events-zookeeper"), statefulset(objects, "events-broker")]
    assert json.loads(objects.to_json())["items"] == list(objects)
    assert list(yaml.safe_load_all(objects.to_yaml())) == list(objects)
    assert objects.to_yaml() == strata.to_yaml(objects)
    assert objects.to_json() == strata.to_json(objects)
    assert [c.cluster for c in objects.compiled] == ["events"]
    assert objects.compiled[0].find_role("broker").members == 5
    assert objects.compiled[0].find_role("nope") is None
    html = objects._repr_html_()
    assert "<table" in html and "events-broker" in html
    with pytest.raises(KeyError):
        objects.find("StatefulSet", "nope")


def test_compile_is_deterministic_across_inputs():
    a = strata.compile(KAFKA)
    with in_root():
        b = strata.compile("examples/kafka/app.yaml", "examples/kafka/cluster.yaml")
    assert a == b and a.to_yaml() == b.to_yaml()


# ---------------------------------------------------------------- plan


def test_plan_against_an_empty_cluster():
    p = strata.plan(KAFKA, observed=None, now=NOW)
    assert not p.converged and len(p) > 0
    assert [s.id for s in p.steps] == list(range(1, len(p) + 1))
    assert set(p.next) <= {s.id for s in p.steps} and p.next
    assert [s.id for s in p.next_steps] == p.next
    first = p.step(p.next[0])
    assert first.action in {"apply", "delete", "restart", "exec", "wait", "resizePvc"}
    assert first.target.kind and first.target.name and first.reason
    assert isinstance(first.after, list)
    d = p.to_dict()
    assert d["cluster"] == "events" and d["namespace"] == "data"
    assert json.loads(p.to_json()) == d
    assert yaml.safe_load(p.to_yaml()) == d
    assert p.to_dot().lstrip().startswith("digraph")
    assert p.to_text() == str(p)
    assert "events" in repr(p)
    applies = [s for s in p.steps if s.action == "apply"]
    assert applies and all(isinstance(s.object, dict) and s.object["kind"] for s in applies)


def test_plan_observed_forms_and_now_forms_agree():
    empty_list = {"apiVersion": "v1", "kind": "List", "items": []}
    plans = [
        strata.plan(KAFKA, observed=None, now=NOW),
        strata.plan(KAFKA, observed=empty_list, now=NOW),
        strata.plan(KAFKA, observed=[], now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)),
        strata.plan(KAFKA, observed=json.dumps(empty_list), now=1767225600),
        strata.plan(KAFKA, observed="apiVersion: v1\nkind: List\nitems: []\n", now=dt.datetime(2026, 1, 1)),
        strata.plan(strata.compile(KAFKA), observed=strata.ObservedState(), now=NOW),
    ]
    for p in plans[1:]:
        assert p.to_json() == plans[0].to_json()
        assert p == plans[0]


def test_plan_html_has_a_table_and_the_graph():
    p = strata.plan(KAFKA, now=NOW)
    html = p._repr_html_()
    assert "<table" in html and "&#9654; next" in html
    for s in p.steps:
        assert f"<td style='text-align:left'>{s.id}</td>" in html
    # Graphviz is a tools/setup.sh package: without it this fails, not skips.
    assert shutil.which("dot"), "graphviz `dot` not on PATH"
    assert "<svg" in html and p.to_svg().startswith("<svg")


def test_plan_svg_is_none_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot`
    p = strata.plan(KAFKA, now=NOW)
    assert p.to_svg() is None
    assert "<table" in p._repr_html_() and "<svg" not in p._repr_html_()


def test_converged_plan_after_simulation_and_scale_out():
    docs = strata.load(KAFKA)
    t = strata.simulate(docs)
    assert t.converged and not t.blocked and t.violations == []
    state = t.final_state
    later = t.events[-1].time + dt.timedelta(hours=1)  # past every minReadySeconds
    assert not state.empty() and state.pods
    listed = strata._strata.observed_state_to_list(state)
    for observed in (state, listed, listed["items"], json.dumps(listed), strata._strata.to_yaml(listed)):
        p = strata.plan(docs, observed=observed, now=later)
        assert p.converged and p.steps == [] and p.next == [], p.to_text()
        assert "converged" in p._repr_html_()
    docs.cluster().role("broker").members = 6
    p = strata.plan(docs, observed=state, now=later)
    assert not p.converged
    assert any(s.target.name in ("events-broker", "events-broker-5") for s in p.steps)


def test_plan_diff_matches_the_cli_and_is_empty_when_converged(tmp_path):
    docs = strata.load(KAFKA)
    t = strata.simulate(docs)
    later = t.events[-1].time + dt.timedelta(hours=1)
    same = strata.plan(docs, observed=t.final_state, now=later).diff
    assert same.empty and not same and str(same) == ""
    docs.cluster().role("broker").members = 6
    p = strata.plan(docs, observed=t.final_state, now=later)
    d = p.diff
    assert (d.to_add, d.to_change, d.to_delete) == (0, 1, 0)
    [sts] = d.objects
    assert (sts.op, sts.kind, sts.object_kind, sts.name) == ("~", strata.ObjectChangeKind.CHANGE,
                                                            "StatefulSet", "events-broker")
    assert [(f.path, f.before, f.after) for f in sts.fields] == [("spec.replicas", 5, 6)]
    assert str(d).endswith("\n0 to add, 1 to change, 0 to delete; 0 member restarts\n")
    assert d.to_dict()["summary"] == {"add": 0, "change": 1, "delete": 0, "restarts": 0}
    # The CLI's -o diff prints the same text.
    observed = tmp_path / "observed.json"
    observed.write_text(json.dumps(strata._strata.observed_state_to_list(t.final_state)))
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text((KAFKA / "cluster.yaml").read_text().replace("members: 5", "members: 6"))
    r = run_strata("plan", KAFKA / "app.yaml", cluster, "--observed", observed,
                   "--now", later.strftime("%Y-%m-%dT%H:%M:%SZ"), "-o", "diff", "--exit-code")
    assert r.returncode == 3, r.stderr
    assert r.stdout == str(d)
    # A Plan made without its states has no diff.
    with pytest.raises(ValueError):
        strata.Plan(p.raw).diff


def test_plan_steps_are_typed():
    """Phase, hook and wait condition are enums and values, not text to parse
    (issue 11.2); the JSON keeps SPEC §4's `condition` text beside them."""
    docs = strata.load(KAFKA)
    t = strata.simulate(docs)
    later = t.events[-1].time + dt.timedelta(hours=1)
    docs.app().role("broker").image = "apache/kafka:3.8.0"
    docs.cluster().role("broker").members = 4
    p = strata.plan(docs, observed=t.final_state, now=later)
    assert not p.blocked and p.blocked_reason == ""
    hooks = [s.hook_kind for s in p.steps if s.action == "exec"]
    assert strata.Hook.MEMBER_LEAVE in hooks and strata.Hook.GATE in hooks
    by_id = {s["id"]: s for s in p.to_dict()["steps"]}
    for s in p.steps:
        assert isinstance(s.phase_kind, strata.Phase)
        assert s.phase == strata._strata.phase_name(s.phase_kind) == by_id[s.id]["phase"]
        assert s.hook == strata._strata.hook_name(s.hook_kind)
        if s.action != "wait":
            assert s.condition is None
            continue
        c = s.condition
        assert isinstance(c, strata.WaitCondition)
        assert str(c) == c.text == by_id[s.id]["condition"]
        assert by_id[s.id]["wait"]["kind"] in ("podReady", "roleReady", "pvcCapacity")
        if c.kind == strata.WaitCondition.Kind.ROLE_READY and c.target == "broker":
            assert c.stateful_set == "events-broker" and c.min_ready_seconds == 30
            assert c.text == f"roleReady broker {c.count}/{c.count} minReadySeconds=30"
    leave = next(s for s in p.steps if s.hook_kind == strata.Hook.MEMBER_LEAVE)
    assert leave.phase_kind == strata.Phase.MEMBERSHIP and leave.pod == "events-broker-4"


def test_a_stuck_member_blocks_the_plan():
    docs = strata.load(KAFKA)
    state = strata.simulate(docs).final_state
    listed = strata._strata.observed_state_to_list(state)
    for item in listed["items"]:
        if item["kind"] == "Pod" and item["metadata"]["name"] == "events-broker-1":
            for c in item["status"]["conditions"]:
                if c["type"] == "Ready":
                    c["status"] = "False"
            for cs in item["status"]["containerStatuses"]:
                cs["ready"] = False
                cs["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    p = strata.plan(docs, observed=listed, now=NOW)
    assert p.blocked and "events-broker-1" in p.blocked_reason
    assert "CrashLoopBackOff" in p.blocked_reason
    last = p.steps[-1]
    assert last.condition.kind == strata.WaitCondition.Kind.POD_READY
    assert last.condition.target == "events-broker-1"
    assert p.to_dict()["blocked"] is True and p.to_dict()["blockedReason"] == p.blocked_reason


def test_unsafe_change_raises_error_not_validation_error():
    docs = strata.load(KAFKA)
    state = strata.simulate(docs).final_state
    for s in docs.cluster().role("zookeeper").storage:
        s.size = "15Gi"  # smaller than the 20Gi the PVCs have
    with pytest.raises(strata.Error) as info:
        strata.plan(docs, observed=state, now=NOW)
    assert not isinstance(info.value, strata.ValidationError)
    assert info.value.code == strata.StatusCode.FAILED_PRECONDITION
    assert str(info.value) == info.value.message


def test_plan_needs_one_cluster():
    docs = strata.load(KAFKA)
    second = copy.deepcopy(docs.cluster())
    second.name = "logs"
    docs.add(second)
    with pytest.raises(ValueError):
        strata.plan(docs)
    assert strata.plan(docs, cluster="logs", now=NOW).cluster == "logs"
    assert len(strata.compile(docs).compiled) == 2
    with pytest.raises(KeyError):
        strata.compile(docs, cluster="nope")


# ---------------------------------------------------------------- simulate


def test_simulate_with_a_fault_blocks_at_the_stuck_member():
    docs = strata.load(KAFKA)
    state = strata.simulate(docs).final_state
    docs.app().role("broker").image = "apache/kafka:3.8.0"
    t = strata.simulate(docs, observed=state, faults="never-ready=events-broker-4")
    assert t.blocked and not t.converged
    assert "events-broker-4" in t.blocked_reason
    assert t.violations == []
    assert t.ok and t.raw.ok and t.to_dict()["ok"] is True
    assert t.events and all(isinstance(e.time, dt.datetime) for e in t.events)
    assert t.to_text() == str(t) and "events-broker-4" in t.to_text()
    assert json.loads(t.to_json()) == t.to_dict()
    html = t._repr_html_()
    assert "blocked" in html and "<table" in html
    faults = strata._strata.parse_faults("never-ready=events-broker-4")
    assert faults[0].kind == strata.Fault.Kind.NEVER_READY and faults[0].pods == ["events-broker-4"]
    again = strata.simulate(docs, observed=state, faults=faults)
    assert again.to_text() == t.to_text()
    with pytest.raises(strata.Error):
        strata.simulate(docs, faults="never-ready=no-such-pod")
    with pytest.raises(strata.ValidationError):
        strata.simulate(docs, faults="bogus")


def test_simulate_with_an_eviction_and_an_api_error_converges_safely():
    docs = strata.load(KAFKA)
    state = strata.simulate(docs).final_state
    docs.app().role("broker").image = "apache/kafka:3.8.0"
    spec = "evict=events-broker-0@3;api-conflict=StatefulSet/events-broker@0"
    faults = strata._strata.parse_faults(spec)
    assert faults[0].kind == strata.Fault.Kind.EVICT and faults[0].at_step == 3
    assert faults[1].kind == strata.Fault.Kind.API_ERROR
    assert (faults[1].object, faults[1].code) == ("StatefulSet/events-broker", 409)
    t = strata.simulate(docs, observed=state, faults=spec)
    assert t.ok and t.converged and t.violations == []
    assert "FAULT: pod events-broker-0 evicted" in t.to_text()
    assert "409 Conflict" in t.to_text()
    with pytest.raises(strata.Error):
        strata.simulate(docs, faults="api-error=StatefulSet/no-such@0")


def test_simulate_options():
    t = strata.simulate(KAFKA, start="2030-06-01T00:00:00Z", ready_delay=dt.timedelta(seconds=3), max_plans=5000)
    assert t.converged
    assert t.events[0].time >= dt.datetime(2030, 6, 1, tzinfo=dt.timezone.utc)
    assert "Timeline(" in repr(t)
