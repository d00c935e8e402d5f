"""examples/notebooks/kafka.ipynb runs headless without errors, and its
results render as HTML (plan table, step graph, timeline)."""

from __future__ import annotations

import json
import sys

import ipykernel  # noqa: F401  (the kernel the notebook runs in)
import nbclient
import nbformat
import pytest
from strata_testing import ROOT

NOTEBOOK = ROOT / "examples" / "notebooks" / "kafka.ipynb"


@pytest.fixture
def kernel_name(tmp_path, monkeypatch) -> str:
    """A kernel spec for this very interpreter, so the notebook imports the
    strata that is under test whatever other kernels are installed."""
    spec = tmp_path / "kernels" / "strata-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "strata test",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    return "strata-test"


def test_kafka_notebook_runs(kernel_name):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    html = [
        o["data"]["text/html"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "execute_result" and "text/html" in o.get("data", {})
    ]
    assert any("strata-plan" in h and "&#9654; next" in h for h in html), "no plan table"
    assert any("strata-objects" in h for h in html), "no objects table"
    assert any("strata-timeline" in h and "blocked" in h for h in html), "no timeline"


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
