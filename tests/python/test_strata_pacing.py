"""Maintenance windows and rollout.minIntervalSeconds from Python (SPEC-2 §9):
set on the live model or loaded from YAML, they plan alike, and the plan's
window / notBefore waits are typed."""

from __future__ import annotations

import datetime as dt

import strata
from strata import _strata
from strata_testing import KAFKA

# 2026-01-01 is a Thursday; the window opens on Saturday 02:00 UTC.
WEEKEND = strata.MaintenanceWindow(days=["Sat"], start="02:00", end="06:00")


def _rolled(docs: strata.Documents):
    """A converged kafka, then a new broker image: what a restart plan starts from."""
    t = strata.simulate(docs)
    assert t.converged, t
    docs.cluster().role("broker").image = "apache/kafka:next"
    return t.final_state, t.events[-1].time + dt.timedelta(hours=1)


def test_window_set_in_python_defers_restarts_to_the_next_opening():
    docs = strata.load(KAFKA)
    state, later = _rolled(docs)
    docs.cluster().maintenance = strata.Maintenance(windows=[WEEKEND])
    assert docs.cluster().maintenance.windows[0].days == ["Sat"]
    p = strata.plan(docs, observed=state, now=later)
    waits = [s for s in p.steps if s.condition is not None
             and s.condition.kind == _strata.WaitCondition.Kind.WINDOW]
    assert waits, p.to_text()
    assert waits[0].condition.text == "window 2026-01-03T02:00:00Z/2026-01-03T06:00:00Z", \
        p.to_text()
    assert "next maintenance window, Sat 02:00-06:00 UTC" in waits[0].reason
    restarts = [s for s in p.steps if s.action == "restart"]
    assert restarts and all(waits[0].id in _ancestors(p, s.id) for s in restarts), p.to_text()


def test_window_from_yaml_plans_like_the_python_model(tmp_path):
    for f in KAFKA.glob("*.yaml"):
        text = f.read_text()
        if "kind: Cluster" in text:
            text = text.replace("spec:\n", "spec:\n  maintenance:\n    windows:\n"
                                "    - {days: [Sat], start: \"02:00\", end: \"06:00\"}\n", 1)
        (tmp_path / f.name).write_text(text)
    from_yaml = strata.load(tmp_path)
    assert from_yaml.cluster().maintenance.windows == [WEEKEND]
    from_python = strata.load(KAFKA)
    from_python.cluster().maintenance = strata.Maintenance(windows=[WEEKEND])
    assert from_yaml.cluster() == from_python.cluster()


def test_min_interval_is_a_rollout_field():
    docs = strata.load(KAFKA)
    broker = docs.app().role("broker")
    broker.rollout.min_interval_seconds = 600
    assert docs.app().role("broker").rollout.min_interval_seconds == 600
    assert strata.validate(docs) is not None


def _ancestors(plan, step_id: int) -> set[int]:
    by_id = {s.id: s for s in plan.steps}
    out: set[int] = set()
    todo = list(by_id[step_id].after)
    while todo:
        a = todo.pop()
        if a not in out:
            out.add(a)
            todo.extend(by_id[a].after)
    return out
