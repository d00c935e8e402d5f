"""strata.apply / observe / status (the Python API, SPEC-2 §6) on the test
control plane: the Kafka example from nothing to converged, a second apply
with nothing to do, and an image rollout whose gate execs can only pass
while strata.apply has released the GIL.

The Python package under test is the installed `strata` (tools/setup.sh's
`pip install .`); the tests skip while it lacks strata.apply.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from example_files import ExampleCopy
from harness import REPO

strata = pytest.importorskip("strata")
if not hasattr(strata, "apply"):
    pytest.skip("the installed strata package has no strata.apply yet", allow_module_level=True)

TIMEOUT = 900  # seconds: a bound for a broken run, not a speed requirement


def kafka_copy(namespace: str, tmp_path: Path) -> ExampleCopy:
    """The Kafka example in `namespace`, without minReadySeconds (waits of
    30 s per member would only make the test longer)."""
    ex = ExampleCopy(REPO / "examples" / "kafka", tmp_path / "files", namespace=namespace)
    for role in ("zookeeper", "broker"):
        ex.app_role(role).setdefault("rollout", {})["minReadySeconds"] = 0
    return ex


def all_ready(control_plane, namespace: str) -> bool:
    pods = control_plane.list("pods", namespace)
    return bool(pods) and all(
        any(c["type"] == "Ready" and c["status"] == "True"
            for c in p["status"].get("conditions", []))
        for p in pods)


def test_apply_converges_the_kafka_example_and_a_second_apply_does_nothing(
        control_plane, namespace, tmp_path):
    ex = kafka_copy(namespace, tmp_path)
    files = ex.write()
    events: list[dict] = []
    result = strata.apply(files, kubeconfig=control_plane.kubeconfig, timeout=TIMEOUT,
                          progress=events.append)
    assert result.converged and result.outcome == "converged", result.events[-5:]
    assert result.blocked is None and result.steps > 0
    assert events == result.events
    assert {"planned", "stepStarted", "stepSucceeded", "converged"} <= {e["event"] for e in events}
    assert all_ready(control_plane, namespace)
    sts = control_plane.list("apps/statefulsets", namespace)
    assert sorted(s["metadata"]["name"] for s in sts) == [ex.sts_name("broker"),
                                                           ex.sts_name("zookeeper")]
    # Applied by strata's field manager.
    managers = {m["manager"] for s in sts for m in s["metadata"]["managedFields"]}
    assert "strata" in managers

    # Nothing left: a second apply runs no step, and a plan against what
    # observe reads is empty.
    again = strata.apply(files, kubeconfig=control_plane.kubeconfig, timeout=TIMEOUT,
                         progress=False)
    assert again.converged and again.steps == 0
    assert not [e for e in again.events if e["event"] == "stepStarted"]
    observed = strata.observe(files, kubeconfig=str(control_plane.kubeconfig))
    assert len(observed.pods) == ex.members("zookeeper") + ex.members("broker")
    assert strata.plan(files, observed=observed).converged
    report = strata.status(files, kubeconfig=control_plane.kubeconfig)
    assert report.converged, str(report)
    roles = {r["name"]: r for r in report.cluster(ex.name).roles}
    assert roles["broker"]["ready"] == roles["broker"]["desired"] == ex.members("broker")


def test_rollout_gates_run_while_the_gil_is_released(control_plane, namespace, tmp_path):
    """The broker gate of this copy reads a FIFO that only a Python thread
    of this process writes, and the thread can only write once the gate's
    exec has opened the FIFO, i.e. while strata.apply is inside the C++
    Exec call. Had apply kept the GIL there, the thread could not run, the
    gate would never read "go" and the rollout would end blocked. The order
    of events alone decides; the gate's timeout only bounds a broken run."""
    ex = kafka_copy(namespace, tmp_path)
    files = ex.write()
    first = strata.apply(files, kubeconfig=control_plane.kubeconfig, timeout=TIMEOUT,
                         progress=False)
    assert first.converged, first.events[-5:]

    fifo = tmp_path / "gate.fifo"
    done = tmp_path / "gate.done"
    os.mkfifo(fifo)
    # A real /bin/sh runs this gate (exec_rule run=True): the first gate
    # waits for "go" on the FIFO; once the writer is done, gates pass at once.
    ex.app_role("broker")["rollout"]["gate"] = {
        "exec": {"command": ["sh", "-c", f'test -e {done} || test "$(cat {fifo})" = go']},
        "timeoutSeconds": 600,
    }
    ex.set_image("broker", "apache/kafka:3.8.0")
    files = ex.write()
    control_plane.exec_rule(namespace, pod="*", match=str(fifo), run=True)

    wrote = threading.Event()

    def writer() -> None:
        with open(fifo, "w") as f:  # blocks until the gate's cat opens it
            done.touch()
            f.write("go")
        wrote.set()

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    try:
        result = strata.apply(files, kubeconfig=control_plane.kubeconfig, timeout=TIMEOUT,
                              progress=False)
    finally:
        if not wrote.is_set():  # unblock the writer of a failed run
            os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        t.join(timeout=60)
    assert wrote.is_set()
    assert result.converged, [e["message"] for e in result.events[-8:]]
    gates = [e for e in result.events
             if e["event"] == "stepSucceeded" and e["step"].get("hook") == "gate"]
    assert gates, "the rollout ran no gate"
    images = {p["metadata"]["name"]: p["spec"]["containers"][0]["image"]
              for p in control_plane.list("pods", namespace,
                                          "app.kubernetes.io/component=broker")}
    assert images and set(images.values()) == {"apache/kafka:3.8.0"}, images
    records = [r for r in control_plane.exec_records(namespace) if str(fifo) in " ".join(r["argv"])]
    assert records, "the gate did not run through pods/exec"
