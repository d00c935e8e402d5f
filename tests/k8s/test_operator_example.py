"""examples/operator (the sample C++ program embedding strata) on the test
control plane: it connects with strata's Kubernetes client and brings the
Kafka example from nothing to converged through strata::ReconcileCompiled,
then has nothing left to do."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from example_files import ExampleCopy
from harness import REPO


def example_binary() -> Path:
    build = Path(os.environ.get("STRATA_BUILD_DIR", REPO / "build"))
    return build / "examples" / "operator" / "strata-operator-example"


def test_sample_operator_converges_the_kafka_example(control_plane, namespace, tmp_path):
    binary = example_binary()
    if not binary.exists():
        if os.environ.get("STRATA_K8S_REQUIRE") == "1":
            pytest.fail(f"{binary} is not built")
        pytest.skip(f"{binary} is not built")
    files = ExampleCopy(REPO / "examples" / "kafka", tmp_path, namespace=namespace).write()
    argv = [str(binary), "--kubeconfig", str(control_plane.kubeconfig),
            "--timeout-seconds", "600", *map(str, files)]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    assert "converged:" in r.stdout, r.stdout[-2000:]
    # Every member runs and is Ready.
    pods = control_plane.list("pods", namespace)
    assert pods, "no pods were created"
    for p in pods:
        ready = [c for c in p["status"].get("conditions", []) if c["type"] == "Ready"]
        assert ready and ready[0]["status"] == "True", p["metadata"]["name"]
    # A second run finds nothing to do.
    again = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "stepStarted:" not in again.stdout, again.stdout
    assert "converged:" in again.stdout, again.stdout
