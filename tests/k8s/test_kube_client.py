"""The C++ Kubernetes client (strata/kube_client.h) against this control
plane: runs tests/kube/client/control_plane_test.cc (the
strata_kube_client_cp_test binary) with the control plane's coordinates in
its environment. That binary checks apply/dry-run/list/patch/delete with uid
preconditions, pods/exec through kwok (exit codes, stdout/stderr, v5 and v4,
timeouts, the recording shim), PVC binding and resize, orphan deletes,
watches (410 Gone, resuming from a list's resourceVersion) and errors that
name the call and status (RBAC 403, bad token 401, untrusted CA).

The binary is $STRATA_KUBE_CLIENT_CP_TEST, else
build/tests/kube/client/strata_kube_client_cp_test; the test skips while it
is not built.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from k8s_objects import ensure_storage_classes
from harness import REPO


def _binary() -> Path | None:
    p = os.environ.get("STRATA_KUBE_CLIENT_CP_TEST")
    path = Path(p) if p else REPO / "build/tests/kube/client/strata_kube_client_cp_test"
    return path if path.is_file() and os.access(path, os.X_OK) else None


def test_kube_client_against_the_control_plane(control_plane, namespace):
    binary = _binary()
    if binary is None:
        pytest.skip("strata_kube_client_cp_test is not built (ninja strata_kube_client_cp_test)")
    cp = control_plane
    ensure_storage_classes(cp, [])
    # A service account with no grants at all, for the 403 case.
    cp.api("POST", f"/api/v1/namespaces/{namespace}/serviceaccounts",
           {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "nobody"}},
           content_type="application/json")
    token = cp.api("POST", f"/api/v1/namespaces/{namespace}/serviceaccounts/nobody/token",
                   {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                    "spec": {"expirationSeconds": 3600}},
                   content_type="application/json")["status"]["token"]
    env = dict(os.environ)
    env.update({
        "STRATA_TEST_KUBECONFIG": str(cp.kubeconfig),
        "STRATA_TEST_NAMESPACE": namespace,
        "STRATA_TEST_SERVER": cp.server,
        "STRATA_TEST_CA": str(cp.pki / "ca.crt"),
        "STRATA_TEST_TOKEN": cp.admin_token,
        "STRATA_TEST_SA_TOKEN": token,
        "STRATA_TEST_EXEC_DIR": str(cp.exec_dir),
    })
    r = subprocess.run([str(binary), "--gtest_brief=0"], env=env, capture_output=True,
                       text=True, timeout=600)
    print(r.stdout[-20000:])
    assert r.returncode == 0, f"{binary} failed:\n{r.stdout[-20000:]}\n{r.stderr[-5000:]}"
    assert "[  PASSED  ]" in r.stdout and "SKIPPED" not in r.stdout.split("[  PASSED  ]")[-1]
