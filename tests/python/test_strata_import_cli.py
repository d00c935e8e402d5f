"""`strata import kubedirector|manifests`: the CLI is thin over the library
(tests/import/ tests the mapping); here, what a user sees: documents on
stdout that `strata validate` accepts, warnings on stderr, exit codes."""

import json

from strata_testing import run_cli

KD = "tests/testdata/import/kubedirector"
MF = "tests/testdata/import/manifests"


def test_kubedirector_import_output_validates():
    r = run_cli(["import", "kubedirector", f"{KD}/cr-app-cdh632cm.json",
                 f"{KD}/cr-cluster-cdh632cm-stor.yaml"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# Imported from KubeDirectorApp cdh632")
    assert "warning: not carried over: config package" in r.stderr
    v = run_cli(["validate", "-"], stdin=r.stdout)
    assert v.returncode == 0, v.stderr
    assert v.stdout.startswith("ok: 2 documents (1 App, 1 Cluster)")


def test_manifests_import_as_json():
    r = run_cli(["import", "manifests", f"{MF}/druid-helm.yaml", "--app", "druid",
                 "--cluster", "druid", "--namespace", "analytics", "-o", "json"])
    assert r.returncode == 0, r.stderr
    docs = json.loads(r.stdout)
    assert [d["kind"] for d in docs] == ["App", "Cluster"]
    assert docs[1]["metadata"]["namespace"] == "analytics"
    assert [role["name"] for role in docs[0]["spec"]["roles"]] == ["broker", "historical"]


def test_exit_codes():
    # Usage: a missing required flag.
    assert run_cli(["import", "manifests", f"{MF}/cassandra.yaml", "--app", "c"]).returncode == 2
    assert run_cli(["import"]).returncode == 2
    # Invalid input: an error naming the file.
    r = run_cli(["import", "kubedirector", f"{MF}/cassandra.yaml"])
    assert r.returncode == 1
    assert "no KubeDirectorApp or KubeDirectorCluster document" in r.stderr
    r = run_cli(["import", "manifests", "no-such-file.yaml", "--app", "a", "--cluster", "c"])
    assert r.returncode == 1
    assert "no-such-file.yaml: cannot read" in r.stderr
