"""pytest fixtures for tests/k8s: one control plane per session, one namespace
per test, and the strata CLI.

Environment:
  STRATA_K8S_BIN_DIR   where build.sh put etcd/kube-apiserver/kube-controller-manager
  STRATA_K8S_REQUIRE=1 fail (instead of skip) when those binaries are missing;
                       run.sh sets it, so CI never skips the suite silently
  STRATA_BIN           the strata CLI (default build/tools/strata/strata, then
                       build/strata); tests that need it skip while it, or the
                       subcommand they use, does not exist yet
  STRATA_K8S_KEEP=1    keep the control plane's work dir (certs, logs, etcd data)
  KUBECTL              the kubectl to use (default: kubectl on PATH)
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
import strata_cli  # noqa: E402

_active: list[harness.ControlPlane] = []
_ns_counter: list[int] = []


@pytest.fixture(scope="session")
def k8s_bin_dir() -> Path:
    d = harness.find_bin_dir()
    missing = harness.missing_binaries(d)
    if missing:
        msg = (f"control plane binaries missing in {d} ({', '.join(missing)}): "
               "run tests/k8s/build.sh")
        if os.environ.get("STRATA_K8S_REQUIRE") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return d


@pytest.fixture(scope="session")
def control_plane(request, k8s_bin_dir):
    cp = harness.ControlPlane(k8s_bin_dir)
    _active.append(cp)
    # Registered before start() so a half-started plane is torn down too.
    request.addfinalizer(cp.stop)
    try:
        cp.start()
    except harness.ControlPlaneError as e:
        cp.keep = True
        pytest.fail(f"control plane did not start: {e}\n{cp.logs_tail()}", pytrace=False)
    return cp


@pytest.fixture
def namespace(request, control_plane) -> str:
    """A fresh namespace named after the test, enforcing the restricted Pod
    Security Standard (strata's output must pass it, SPEC §2.3)."""
    _ns_counter.append(1)
    base = re.sub(r"[^a-z0-9-]+", "-", request.node.name.lower()).strip("-")
    name = f"t{len(_ns_counter)}-{base}"[:50].rstrip("-")
    control_plane.create_namespace(name)
    return name


@pytest.fixture(scope="session")
def strata_bin() -> Path:
    p, tried = strata_cli.find_strata()
    if p is None:
        pytest.skip("strata CLI not built yet (looked at "
                    + ", ".join(str(t) for t in tried) + "; set STRATA_BIN)")
    return p


@pytest.fixture(scope="session")
def strata_commands(strata_bin) -> set[str]:
    """The subcommands `strata --help` lists."""
    return strata_cli.subcommands(strata_bin)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and _active:
        cp = _active[-1]
        cp.keep = True  # keep certs, logs and etcd data for a post-mortem
        rep.sections.append(("control plane logs", cp.logs_tail(60)))
