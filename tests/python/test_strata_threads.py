"""Compile, plan and simulate release the GIL: threads run them in parallel
with identical results, and Python threads keep running meanwhile."""

from __future__ import annotations

import faulthandler
import os
import pathlib
import threading
from concurrent.futures import ThreadPoolExecutor

import strata
from strata import _strata
from strata_testing import KAFKA, NOW

# The most a role may have (SPEC-2 §11's default members limit).
MEMBERS = 10000


def big_topology() -> _strata.Topology:
    """A topology whose compile takes a while: a role with many members and
    a config file that lists every member."""
    docs = strata.load(KAFKA)
    app = docs.app()
    zk = app.role("zookeeper")
    zk.cardinality = "1+"
    zk.quorum = strata.Quorum.NONE
    cluster = docs.cluster()
    cluster.role("zookeeper").members = MEMBERS
    return _strata.resolve(docs.raw)[0]


def test_parallel_compiles_give_identical_results():
    docs = strata.load(KAFKA)
    expected = strata.compile(docs).to_json()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: strata.compile(docs).to_json(), range(16)))
    assert results == [expected] * 16
    plans = [strata.plan(docs, now=NOW).to_json()]
    with ThreadPoolExecutor(max_workers=4) as pool:
        plans += list(pool.map(lambda _: strata.plan(docs, now=NOW).to_json(), range(8)))
        timelines = list(pool.map(lambda _: strata.simulate(docs).to_text(), range(4)))
    assert len(set(plans)) == 1 and len(set(timelines)) <= 1


def test_big_topology_compiles_in_threads_identically():
    topology = big_topology()
    first = _strata.compile(topology)
    assert first.find_role("zookeeper").members == MEMBERS
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: _strata.compile(topology), range(4)))
    assert all(r == first for r in results)


def test_cxx_calls_release_the_gil():
    """compile, plan_rollout and simulate run inside the binding's WithoutGil
    helper. The probe blocks in C++ inside that same helper on read(2) from a
    pipe that only this (Python) thread can fill: if the helper kept the GIL,
    the write below could never run and the test would deadlock (the
    faulthandler watchdog then fails it); with the GIL released it completes.
    No timing is involved: the order of events alone decides."""
    r, w = os.pipe()
    got: list[int] = []
    entered = threading.Event()

    def reader() -> None:
        entered.set()
        got.append(_strata._read_byte_without_gil_for_test(r))

    faulthandler.dump_traceback_later(600, exit=True)  # only a deadlock reaches this
    try:
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        entered.wait()
        os.write(w, b"x")  # needs the GIL while the reader is inside C++
        t.join()
    finally:
        faulthandler.cancel_dump_traceback_later()
        os.close(r)
        os.close(w)
    assert got == [ord("x")]


def test_long_calls_go_through_the_gil_releasing_helper():
    """Every binding that may run long uses WithoutGil (the helper the probe
    above proves), and nothing else holds a gil_scoped_release of its own."""
    source = (pathlib.Path(__file__).resolve().parents[2] / "bindings/python/strata_py.cc").read_text()
    for call in ("Compile(input, options)", "PlanRollout(d, o, options)", "Simulate(d, o, opts)"):
        assert f"WithoutGil([&] {{ return {call}; }})" in source, call
    assert source.count("gil_scoped_release") == 1  # the helper's own
