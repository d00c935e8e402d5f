"""Locating the strata CLI for the tests, and skipping while a subcommand
they need is still being written."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from harness import REPO


def find_strata() -> tuple[Path | None, list[Path]]:
    """$STRATA_BIN, else build/tools/strata/strata, else build/strata (where
    CMake puts the strata_cli target when no output directory is set)."""
    names = [os.environ["STRATA_BIN"]] if os.environ.get("STRATA_BIN") else []
    names += ["build/tools/strata/strata", "build/strata"]
    tried = []
    for n in names:
        p = Path(n) if Path(n).is_absolute() else REPO / n
        tried.append(p)
        if p.is_file() and os.access(p, os.X_OK):
            return p, tried
    return None, tried


def subcommands(strata_bin: Path) -> set[str]:
    """The subcommands `strata --help` lists."""
    r = subprocess.run([str(strata_bin), "--help"], capture_output=True, text=True, timeout=30)
    return set(re.findall(r"^[ ]{2}([a-z][a-z-]*)\s", r.stdout + r.stderr, re.M))


def require_strata(commands: set[str], *names: str) -> None:
    """Skips the test while the CLI lacks one of `names` (it is being written);
    once the subcommand exists, its failures are real failures."""
    missing = [n for n in names if n not in commands]
    if missing:
        pytest.skip(f"strata CLI has no {', '.join(missing)} subcommand yet")
