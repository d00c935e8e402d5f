"""`strata compile` output checked by real validators.

Every object of every example is validated with the PyPI package
kubernetes-validate in strict mode (unknown fields are errors) against the
Kubernetes 1.28 schema (strata's minimum target) and the 1.33 schema (a
recent release the package ships). The YAML output is read back with PyYAML,
a YAML 1.1 reader, and must equal the JSON output. `--out-dir` must write one
file per object, atomically.
"""

import json
import os
import pathlib

import kubernetes_validate  # tests/python/requirements-compile.txt
import pytest
import yaml

from conftest import REPO, example_files, example_names, run_strata

# The Kubernetes versions validated against: the minimum strata targets and a
# recent one. kubernetes-validate uses the newest schema not newer than these.
K8S_VERSIONS = ["1.28.0", "1.33.0"]
EXAMPLES = example_names()


def compile_json(name):
    result = run_strata("compile", *example_files(name), "-o", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["apiVersion"] == "v1" and doc["kind"] == "List"
    return doc["items"]


def test_examples_present():
    assert {"cassandra", "controller-worker", "druid", "hdfs", "hdfs-yarn", "kafka",
            "kafka-kraft", "ozone", "redis", "spark"} <= set(EXAMPLES)


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_object_passes_strict_schema_validation(name, version):
    items = compile_json(name)
    assert items, "no objects"
    kinds = {item["kind"] for item in items}
    assert {"StatefulSet", "Service"} <= kinds
    for item in items:
        try:
            kubernetes_validate.validate(item, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            pytest.fail(f"{item['kind']}/{item['metadata']['name']} (Kubernetes {version}): "
                        f"{e.message} at {'.'.join(map(str, e.path))}")


@pytest.mark.parametrize("name", EXAMPLES)
def test_yaml_output_reads_back_as_the_json_output(name):
    items = compile_json(name)
    result = run_strata("compile", *example_files(name))
    assert result.returncode == 0, result.stderr
    docs = [d for d in yaml.safe_load_all(result.stdout)]
    assert docs == items
    assert result.stdout.startswith("---\n")


@pytest.mark.parametrize("name", EXAMPLES)
def test_output_is_byte_identical_across_runs(name):
    files = example_files(name)
    for fmt in ("yaml", "json"):
        a = run_strata("compile", *files, "-o", fmt)
        b = run_strata("compile", *files, "-o", fmt)
        assert a.returncode == 0 and a.stdout == b.stdout


def test_out_dir_writes_one_file_per_object(tmp_path):
    out = tmp_path / "out"
    result = run_strata("compile", *example_files("kafka"), "--out-dir", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    items = compile_json("kafka")
    want = {f"{i['kind'].lower()}-{i['metadata']['name']}.yaml": i for i in items}
    assert sorted(p.name for p in out.iterdir()) == sorted(want)
    for file_name, item in want.items():
        text = (out / file_name).read_text()
        assert not text.startswith("---")
        assert yaml.safe_load(text) == item
    # No temporary directory is left beside it.
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    # Writing again into the existing directory replaces the files in place
    # and leaves other files alone.
    (out / "unrelated.txt").write_text("keep")
    result = run_strata("compile", *example_files("kafka"), "--out-dir", out)
    assert result.returncode == 0, result.stderr
    assert (out / "unrelated.txt").read_text() == "keep"
    assert len(list(out.iterdir())) == len(want) + 1
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_out_dir_json(tmp_path):
    out = tmp_path / "out"
    result = run_strata("compile", *example_files("redis"), "-o", "json", "--out-dir", out)
    assert result.returncode == 0, result.stderr
    items = compile_json("redis")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{i['kind'].lower()}-{i['metadata']['name']}.json" for i in items)


def test_out_dir_failure_leaves_no_partial_files(tmp_path):
    # The parent of DIR is a regular file: nothing can be created there (this
    # holds even for root, unlike a permission bit).
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_strata("compile", *example_files("kafka"), "--out-dir", blocker / "out")
    assert result.returncode == 1
    assert "cannot" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
    # DIR itself is a regular file.
    result = run_strata("compile", *example_files("kafka"), "--out-dir", blocker)
    assert result.returncode == 1
    assert "not a directory" in result.stderr
    assert blocker.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_out_dir_unwritable_directory(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions; covered by the test above")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = run_strata("compile", *example_files("kafka"), "--out-dir", out)
        assert result.returncode == 1
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o755)


def test_invalid_input_exits_1_with_diagnostics(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((REPO / "examples/kafka/app.yaml").read_text().replace(
        "cardinality: \"3+\"", "cardinality: \"3+\"\n    bogusKey: 1", 1))
    out = tmp_path / "out"
    result = run_strata("compile", bad, REPO / "examples/kafka/cluster.yaml", "--out-dir", out)
    assert result.returncode == 1
    assert "bogusKey" in result.stderr
    assert result.stdout == ""
    assert not out.exists()


def test_compile_error_is_located(tmp_path):
    app = REPO / "tests/testdata/compile/ini-key-error/app.yaml"
    result = run_strata("compile", app)
    assert result.returncode == 1
    errors = [l for l in result.stderr.splitlines() if ": warning: " not in l]
    assert errors and errors[0].startswith(f"{app}:12:7: spec.roles[0].config[0]: ini key")


def test_usage_errors_exit_2():
    assert run_strata("compile").returncode == 2
    assert run_strata("compile", *example_files("kafka"), "-o", "xml").returncode == 2


POD_SETTINGS_APP = """\
    serviceAccountName: kafka
    imagePullSecrets: [regcred]
    priorityClassName: data-high
    podLabels: {tier: gold}
    podAnnotations: {example.com/owner: streaming}
"""


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_pod_settings_pass_strict_schema_validation(tmp_path, version):
    # SPEC-2 §8's first-class pod fields on the kafka example's broker role
    # (App) and its Cluster override, and a Service annotation.
    app = (REPO / "examples/kafka/app.yaml").read_text()
    marker = "  - name: broker\n"
    assert marker in app
    app = app.replace(marker, marker + POD_SETTINGS_APP, 1)
    (tmp_path / "app.yaml").write_text(app)
    cluster = (REPO / "examples/kafka/cluster.yaml").read_text()
    (tmp_path / "cluster.yaml").write_text(cluster)
    result = run_strata("compile", tmp_path / "app.yaml", tmp_path / "cluster.yaml", "-o", "json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)["items"]
    [sts] = [i for i in items if i["kind"] == "StatefulSet" and i["metadata"]["name"].endswith("-broker")]
    pod = sts["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == "kafka"
    assert pod["imagePullSecrets"] == [{"name": "regcred"}]
    assert pod["priorityClassName"] == "data-high"
    assert sts["spec"]["template"]["metadata"]["labels"]["tier"] == "gold"
    assert sts["spec"]["template"]["metadata"]["annotations"]["example.com/owner"] == "streaming"
    for item in items:
        kubernetes_validate.validate(item, version, strict=True)
