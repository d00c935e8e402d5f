"""Helpers shared by tests/python/test_strata_*.py: repository paths, the
bundled examples and the strata CLI binary."""

from __future__ import annotations

import os
import pathlib
import subprocess
from typing import Optional, Sequence

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
KAFKA = EXAMPLES / "kafka"
NOW = "2026-01-01T00:00:00Z"

DEFAULT_CLI = ROOT / "build/tools/strata/strata"


def example_dirs() -> list[pathlib.Path]:
    """Every examples/<name>/ topology: the directories holding a cluster.yaml
    (examples/ also holds non-topology dirs such as notebooks/ and operator/)."""
    return sorted(d for d in EXAMPLES.iterdir() if (d / "cluster.yaml").is_file())


def example_files(directory: pathlib.Path) -> list[str]:
    """The example's YAML files as paths relative to ROOT (as a user types them)."""
    return [str(p.relative_to(ROOT)) for p in sorted(directory.glob("*.yaml"))]


def strata_bin() -> str:
    """The strata CLI: $STRATA_BIN when set, else build/tools/strata/strata
    (tools/test.sh builds it before running pytest). Fails the test, naming
    the path, when that is not an executable file: a missing CLI is a broken
    set-up, not a reason to skip."""
    exe = os.environ.get("STRATA_BIN") or str(DEFAULT_CLI)
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        hint = "the path $STRATA_BIN names" if os.environ.get("STRATA_BIN") else (
            "build it with `ninja -C build strata_cli`, or set STRATA_BIN")
        pytest.fail(f"strata CLI not found or not executable: {exe} ({hint})", pytrace=False)
    return exe


def run_cli(args: Sequence[str], stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    """Runs the CLI from ROOT (so relative paths match) and returns the result."""
    return subprocess.run(
        [strata_bin(), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def in_root():
    """A context manager that runs its body with ROOT as the working directory."""
    return _Chdir(ROOT)


class _Chdir:
    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self.old: Optional[str] = None

    def __enter__(self) -> None:
        self.old = os.getcwd()
        os.chdir(self.path)

    def __exit__(self, *exc: object) -> None:
        assert self.old is not None
        os.chdir(self.old)
