"""The executor and the scenario checks of test_plans.py, run against the real
control plane with fake_strata.py as the planner. This tests the test
machinery (kubectl steps, fake kubelet, `after` chains, virtual clock), not
strata: it runs whether or not the strata CLI is built."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from example_files import ExampleCopy
from test_plans import (  # noqa: F401  (collected here again, with the fixture below)
    Scenario,
    test_fresh_deploy,
    test_image_rollout_restarts_in_planned_order,
    test_scale_in_keeps_pvcs,
    test_scale_out,
)

HERE = Path(__file__).resolve().parent


@pytest.fixture
def kafka(control_plane, namespace, tmp_path) -> Scenario:
    ex = ExampleCopy(HERE / "testdata" / "kafka-mini", tmp_path / "files", namespace=namespace)
    return Scenario(control_plane, [sys.executable, str(HERE / "fake_strata.py")], ex, tmp_path)
