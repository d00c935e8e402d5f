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

def example_dirs() -> list[pathlib.Path]:
    """Every examples/<name>/ directory holding App/Cluster YAML files."""
    if not EXAMPLES.is_dir():
        return []
    return sorted(d for d in EXAMPLES.iterdir() if d.is_dir() and any(d.glob("*.yaml")))


def example_files(directory: pathlib.Path) -> list[str]:
    """The example's YAML files as paths relative to ROOT (as a user types them)."""
    return [str(p.relative_to(ROOT)) for p in sorted(directory.glob("*.yaml"))]


def strata_bin() -> Optional[str]:
    """The strata CLI: $STRATA_BIN, else build/tools/strata/strata, else None."""
    candidates = [os.environ.get("STRATA_BIN"), str(ROOT / "build/tools/strata/strata")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def require_cli() -> str:
    """The CLI path; skips the test when it has not been built."""
    exe = strata_bin()
    if exe is None:
        pytest.skip("strata CLI not built (set STRATA_BIN or build build/tools/strata/strata)")
    return exe


_SUBCOMMANDS: dict[str, bool] = {}


def has_subcommand(name: str) -> bool:
    """True when the built CLI has subcommand `name` (CLI11 answers an unknown
    one with "A subcommand is required")."""
    if name not in _SUBCOMMANDS:
        done = subprocess.run([require_cli(), name], capture_output=True, text=True, timeout=60, check=False)
        _SUBCOMMANDS[name] = "A subcommand is required" not in done.stderr
    return _SUBCOMMANDS[name]


def run_cli(args: Sequence[str], stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    """Runs the CLI from ROOT (so relative paths match) and returns the result;
    skips the test when the CLI has no such subcommand yet."""
    if args and not has_subcommand(args[0]):
        pytest.skip(f"the strata CLI has no '{args[0]}' subcommand")
    return subprocess.run(
        [require_cli(), *args],
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
