"""Shared pytest helpers: locating and running the built `strata` CLI.

The CLI is $STRATA_BIN when set, else build/tools/strata/strata, else
build/strata (where the top-level CMake target lands) under the repository.
"""

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def strata_bin() -> pathlib.Path:
    env = os.environ.get("STRATA_BIN")
    if env:
        return pathlib.Path(env)
    for candidate in (REPO / "build/tools/strata/strata", REPO / "build/strata"):
        if candidate.exists():
            return candidate
    return REPO / "build/tools/strata/strata"


def run_strata(*args, check=False, **kwargs) -> subprocess.CompletedProcess:
    """Runs the CLI with `args` from the repository root; returns the result."""
    binary = strata_bin()
    if not binary.exists():
        pytest.fail(f"strata CLI not built at {binary} (set STRATA_BIN)")
    return subprocess.run([str(binary), *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, check=check, **kwargs)


def example_names() -> list:
    return sorted(p.parent.name for p in (REPO / "examples").glob("*/app.yaml"))


def example_files(name: str) -> list:
    return sorted(str(p.relative_to(REPO)) for p in (REPO / "examples" / name).glob("*.yaml"))


@pytest.fixture
def strata():
    return run_strata
