"""deploy/ on a real kube-apiserver: every manifest is accepted with a
server-side dry run and then for real, the Deployment's pod template meets
the restricted Pod Security Standard its namespace enforces (the server warns
otherwise), and deploy/10-rbac.yaml is what `strata rbac --operator` prints.
Running the operator binary with exactly that ServiceAccount's token is
test_operator.py's business (test_the_deploy_service_account_is_enough).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from test_operator_crds import install_crds

REPO = Path(__file__).resolve().parent.parent.parent
DEPLOY = REPO / "deploy"


def deploy_args() -> list[str]:
    # kubectl apply -f DIR is not recursive: -R takes deploy/crds/ too.
    return ["-R", "-f", str(DEPLOY)]


def test_rbac_manifest_is_what_strata_rbac_operator_prints(strata_bin):
    out = subprocess.run([str(strata_bin), "rbac", "--operator"], check=True,
                         capture_output=True, text=True).stdout
    printed = [d for d in yaml.safe_load_all(out) if d]
    committed = [d for d in yaml.safe_load_all((DEPLOY / "10-rbac.yaml").read_text()) if d]
    assert printed == committed


def test_deploy_applies_dry_run_then_for_real(control_plane):
    cp = control_plane
    # Server-side dry run of everything first (the CRDs and the namespace do
    # not exist yet, so the namespaced objects are checked once they do).
    r = cp.kubectl("apply", "--server-side", "--dry-run=server", "--field-manager=strata-tests",
                   "-f", str(DEPLOY / "crds"), "-f", str(DEPLOY / "00-namespace.yaml"))
    assert "Warning" not in r.stderr, r.stderr
    install_crds(cp)
    cp.kubectl("apply", "--server-side", "--field-manager=strata-tests",
               "-f", str(DEPLOY / "00-namespace.yaml"))
    r = cp.kubectl("apply", "--server-side", "--dry-run=server",
                   "--field-manager=strata-tests", *deploy_args())
    # The namespace enforces and warns on `restricted`: any Pod Security
    # problem of the Deployment's template would be printed as a warning.
    assert "Warning" not in r.stderr, r.stderr
    assert cp.kubectl("get", "deployment", "-n", "strata-system", check=False).stdout == ""
    r = cp.kubectl("apply", "--server-side", "--field-manager=strata-tests", *deploy_args())
    assert "Warning" not in r.stderr, r.stderr
    dep = cp.kubectl_json("get", "deployment", "strata-operator", "-n", "strata-system")
    assert dep["spec"]["replicas"] == 2
    c = dep["spec"]["template"]["spec"]["containers"][0]
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    ns = cp.kubectl_json("get", "namespace", "strata-system")
    assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    # The ServiceAccount may do what the operator needs, and nothing more.
    sa = "system:serviceaccount:strata-system:strata-operator"

    def can(*args: str) -> bool:
        r = cp.kubectl("auth", "can-i", "--as", sa, *args, check=False)
        return r.stdout.strip() == "yes"

    assert can("patch", "clusters.strata.dev/status", "-n", "anywhere")
    assert can("watch", "apps.strata.dev")
    assert can("delete", "statefulsets.apps", "-n", "data")
    assert can("create", "pods", "--subresource=exec", "-n", "data")
    assert can("update", "leases.coordination.k8s.io/strata-operator", "-n", "strata-system")
    assert not can("update", "leases.coordination.k8s.io/other", "-n", "strata-system")
    assert not can("create", "leases.coordination.k8s.io", "-n", "data")
    assert not can("get", "secrets", "-n", "data")
    assert not can("delete", "apps.strata.dev")
    assert not can("create", "clusterroles.rbac.authorization.k8s.io")
