"""Every function of the extension module strata._strata is called here at
least once with a real input and a checked result; the table must name every
module-level function, so a new binding without a test fails."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
import strata
from strata import _strata
from strata_testing import KAFKA, NOW


@pytest.fixture(scope="module")
def loaded():
    sources = [_strata.Source(name=str(p), text=p.read_text()) for p in sorted(KAFKA.glob("*.yaml"))]
    docs = _strata.load(sources)
    topology = _strata.resolve(docs)[0]
    compiled = _strata.compile(topology, _strata.CompileOptions())
    return docs, topology, compiled


def _plan(compiled):
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    return _strata.plan_rollout(compiled, _strata.ObservedState(), _strata.PlanOptions(now=now))


def _timeline(compiled):
    return _strata.simulate(compiled, _strata.ObservedState(), _strata.SimulateOptions())


CASES = {
    "load": lambda d, t, c: d.apps[0].app.name == "kafka" and d.clusters[0].cluster.name == "events",
    "locate": lambda d, t, c: _strata.locate(d.clusters[0].source, "spec.roles[1].members").line > 0,
    "check": lambda d, t, c: not _strata.has_errors(_strata.check(d)),
    "check_topology": lambda d, t, c: not _strata.has_errors(_strata.check_topology(t.app, t.cluster)),
    "validate": lambda d, t, c: _strata.validate(d) is None,
    "resolve": lambda d, t, c: [x.cluster.name for x in _strata.resolve(d)] == ["events"],
    "has_errors": lambda d, t, c: _strata.has_errors([_strata.Diagnostic(message="x")])
    and not _strata.has_errors([_strata.Diagnostic(severity=_strata.Diagnostic.Severity.WARNING)]),
    "sort_diagnostics": lambda d, t, c: [
        x.path for x in _strata.sort_diagnostics([_strata.Diagnostic(path="a[10]"), _strata.Diagnostic(path="a[9]")])
    ]
    == ["a[9]", "a[10]"],
    "compile": lambda d, t, c: _strata.compile(t) == c and c.objects and c.roles[0].spec_hash.startswith("v1-"),
    "to_yaml": lambda d, t, c: _strata.to_yaml(c.objects).startswith("---")
    and _strata.to_yaml({"a": 1}) == "a: 1\n",
    "to_json_list": lambda d, t, c: '"kind": "List"' in _strata.to_json_list(c.objects),
    "object_file_name": lambda d, t, c: _strata.object_file_name(
        _strata.Object(kind="StatefulSet", name="events-broker")
    )
    == "statefulset-events-broker.yaml",
    "parse_observed_state": lambda d, t, c: _strata.parse_observed_state("kind: List\nitems: []\n", "x").empty(),
    "observed_state_from_json": lambda d, t, c: len(
        _strata.observed_state_from_json(
            [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "data"}}], "x"
        ).pods
    )
    == 1,
    "observed_state_to_list": lambda d, t, c: _strata.observed_state_to_list(_strata.ObservedState())["kind"] == "List",
    "plan_rollout": lambda d, t, c: not _plan(c).converged,
    "plan_to_json": lambda d, t, c: _strata.plan_to_json(_plan(c))["cluster"] == "events",
    "plan_to_text": lambda d, t, c: "events-broker" in _strata.plan_to_text(_plan(c)),
    "plan_to_dot": lambda d, t, c: _strata.plan_to_dot(_plan(c)).lstrip().startswith("digraph"),
    "diff_plan": lambda d, t, c: _strata.diff_plan(c, _strata.ObservedState(), _plan(c)).to_add
    == len(c.objects),
    "plan_diff_to_text": lambda d, t, c: _strata.plan_diff_to_text(
        _strata.diff_plan(c, _strata.ObservedState(), _plan(c))
    ).startswith("+ ConfigMap events-zookeeper-config-"),
    "plan_diff_to_json": lambda d, t, c: _strata.plan_diff_to_json(
        _strata.diff_plan(c, _strata.ObservedState(), _plan(c))
    )["summary"]["add"]
    == len(c.objects),
    "action_name": lambda d, t, c: [_strata.action_name(a) for a in (_strata.Action.APPLY, _strata.Action.RESIZE_PVC)]
    == ["apply", "resizePvc"],
    "parse_faults": lambda d, t, c: [
        (f.kind, f.pods, f.at_step, f.times)
        for f in _strata.parse_faults("pod-dies=events-broker-1@3;gate-fails=events-broker-4x2")
    ]
    == [
        (_strata.Fault.Kind.POD_DIES, ["events-broker-1"], 3, 0),
        (_strata.Fault.Kind.GATE_FAILS, ["events-broker-4"], 0, 2),
    ],
    "phase_name": lambda d, t, c: [_strata.phase_name(p) for p in (_strata.Phase.OBJECTS, _strata.Phase.REMOVAL)]
    == ["objects", "removal"],
    "hook_name": lambda d, t, c: [_strata.hook_name(h) for h in (_strata.Hook.NONE, _strata.Hook.MEMBER_LEAVE)]
    == ["", "memberLeave"],
    "prepare": lambda d, t, c: [x.cluster.name for x in _strata.prepare(d).topologies] == ["events"]
    and _strata.prepare(d, _strata.PrepareOptions(cluster="events", need_one=True)).warnings == _strata.check(d),
    "compile_all": lambda d, t, c: _strata.compile_all(_strata.prepare(d)) == [c],
    "simulate": lambda d, t, c: _timeline(c).converged and _timeline(c).ok,
    "timeline_to_text": lambda d, t, c: "events-broker-0" in _strata.timeline_to_text(_timeline(c)),
    "timeline_to_json": lambda d, t, c: isinstance(_strata.timeline_to_json(_timeline(c)), dict),
}


def test_every_module_function_has_a_case():
    functions = {
        name for name, value in vars(_strata).items() if inspect.isbuiltin(value) and not name.startswith("_")
    }
    assert functions == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_binding(name, loaded):
    assert CASES[name](*loaded)


def test_model_methods(loaded):
    docs, topology, compiled = loaded
    app = docs.find_app("kafka").app
    assert docs.find_app("nope") is None
    broker = app.find_role("broker")
    assert broker.find_port("kafka").port == 9092 and broker.find_port("nope") is None
    assert topology.cluster.find_role("broker").members == 5
    broker.image = "changed"  # find_role returns the live role
    assert docs.find_app("kafka").app.find_role("broker").image == "changed"
    assert compiled.find_role("zookeeper").members == 3
    assert compiled.roles[0].role.quorum == _strata.Quorum.MAJORITY


def test_every_value_class_constructs_with_keywords_and_compares():
    for name, cls in vars(_strata).items():
        if not (isinstance(cls, type) and isinstance(getattr(cls, "_fields", None), tuple)):
            continue
        a, b = cls(), cls()
        if name not in ("CompileOptions", "PlanOptions", "SimulateOptions", "Source"):
            assert a == b, name
        assert repr(a).startswith(name + "("), name
        assert cls.__doc__, name
        for field in cls._fields:
            setattr(b, field, getattr(a, field))  # every field is writable


def test_lists_and_maps_edit_in_place():
    app = _strata.App(name="a")
    app.roles.append(_strata.Role(name="r", image="i"))
    app.roles[0].ports.append(_strata.Port(name="p", port=1))
    app.roles[0].resources.requests["cpu"] = "1"
    app.roles = [_strata.Role(name="s")] + list(app.roles)
    assert [r.name for r in app.roles] == ["s", "r"]
    assert app.roles[1].ports[0].port == 1
    assert app.roles[1].resources.requests["cpu"] == _strata.Quantity("1")
    c = _strata.Cluster(name="c", labels={"team": "x"})
    c.labels["env"] = "prod"
    assert dict(c.labels) == {"env": "prod", "team": "x"}
    assert repr(c.labels) == "{'env': 'prod', 'team': 'x'}"
    ro = _strata.RoleOverride(name="r", tolerations=[{"key": "k", "operator": "Exists"}])
    assert ro.tolerations == [{"key": "k", "operator": "Exists"}]


def test_time_and_json_conversions():
    opts = _strata.PlanOptions(now=dt.datetime(2026, 1, 1, 12, 30, 15, 250000))
    assert opts.now == dt.datetime(2026, 1, 1, 12, 30, 15, 250000, tzinfo=dt.timezone.utc)
    tz = dt.timezone(dt.timedelta(hours=2))
    assert _strata.PlanOptions(now=dt.datetime(2026, 1, 1, 2, tzinfo=tz)).now == dt.datetime(
        2026, 1, 1, tzinfo=dt.timezone.utc
    )
    body = {"b": [1, 2.5, True, None, "x", {"z": 1, "a": 2}], "a": 2**63 + 1, "n": -(2**62)}
    o = _strata.Object(body=body)
    assert o.body == body and list(o.body) == ["b", "a", "n"] and list(o.body["b"][5]) == ["z", "a"]
    with pytest.raises(TypeError):
        _strata.Object(body={"a": object()})
    with pytest.raises(TypeError):
        _strata.Object(body={1: "non-str key"})
    assert strata.plan(KAFKA, now=NOW) == strata.plan(KAFKA, now=dt.datetime(2026, 1, 1))


def test_duration_conversions():
    sim = _strata.SimulateOptions(ready_delay=dt.timedelta(seconds=2.5))
    assert sim.ready_delay == dt.timedelta(seconds=2.5)
    assert _strata.SimulateOptions(ready_delay=4).ready_delay == dt.timedelta(seconds=4)
    assert _strata.SimulateOptions(resize_delay=dt.timedelta(minutes=1)).resize_delay == dt.timedelta(seconds=60)
