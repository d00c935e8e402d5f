"""The Python API gives byte-for-byte what the strata CLI prints: compiled
objects (JSON and YAML) for every example, plans in every format, simulation
timelines, and errors (the same lines)."""

from __future__ import annotations

import json
import pathlib

import pytest
import strata
from strata_testing import KAFKA, NOW, example_dirs, example_files, in_root, run_cli

EXAMPLES = example_dirs()
EMPTY_LIST = '{"apiVersion": "v1", "kind": "List", "items": []}\n'


@pytest.fixture(scope="module")
def empty_observed(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("observed") / "empty.json"
    path.write_text(EMPTY_LIST)
    return str(path)


def test_there_are_examples():
    assert KAFKA in EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda d: d.name)
def test_compile_json_and_yaml_match_the_cli(example):
    files = example_files(example)
    cli_json = run_cli(["compile", *files, "-o", "json"])
    assert cli_json.returncode == 0, cli_json.stderr
    cli_yaml = run_cli(["compile", *files])
    assert cli_yaml.returncode == 0, cli_yaml.stderr
    with in_root():
        objects = strata.compile(files)
    # The same objects, and the same text when serialized the same way.
    assert json.loads(cli_json.stdout)["items"] == list(objects)
    assert objects.to_json() == cli_json.stdout
    assert strata.to_json(list(objects)) == cli_json.stdout
    assert strata.to_yaml(list(objects)) == cli_yaml.stdout
    # A plain Python serialization of the dicts equals the CLI's JSON too.
    listed = {"apiVersion": "v1", "kind": "List", "items": list(objects)}
    assert json.dumps(listed, indent=2, ensure_ascii=False) + "\n" == cli_json.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda d: d.name)
def test_plan_matches_the_cli(example, empty_observed):
    files = example_files(example)
    with in_root():
        docs = strata.load(files)
    clusters = [c.name for c in docs.clusters]
    assert clusters, example.name
    for name in clusters:
        plan = strata.plan(docs, observed=empty_observed, now=NOW, cluster=name)
        args = ["plan", *files, "--cluster", name, "--now", NOW]
        for fmt, text in (("json", plan.to_json()), ("yaml", plan.to_yaml()), ("text", plan.to_text()), ("dot", plan.to_dot())):
            cli = run_cli([*args, "--observed", empty_observed, "-o", fmt])
            assert cli.returncode == 0, cli.stderr
            assert text == cli.stdout, (name, fmt)
        cli = run_cli([*args, "--observed", "-", "-o", "json"], stdin=EMPTY_LIST)
        assert cli.stdout == plan.to_json(), name


def test_plan_from_a_running_cluster_matches_the_cli(tmp_path):
    docs = strata.load(KAFKA)
    state = strata.simulate(docs).final_state
    observed = tmp_path / "observed.json"
    observed.write_text(json.dumps(strata._strata.observed_state_to_list(state), indent=2))
    app = tmp_path / "app.yaml"
    app.write_text((KAFKA / "app.yaml").read_text().replace("image: apache/kafka:3.7.0", "image: apache/kafka:3.8.0"))
    cluster = tmp_path / "cluster.yaml"
    cluster.write_text((KAFKA / "cluster.yaml").read_text().replace("members: 5", "members: 6"))
    files = [str(app), str(cluster)]
    plan = strata.plan(files, observed=str(observed), now=NOW)
    assert not plan.converged
    cli = run_cli(["plan", *files, "--observed", str(observed), "--now", NOW, "-o", "json"])
    assert cli.returncode == 0, cli.stderr
    assert plan.to_json() == cli.stdout
    # The same change made on the loaded model plans the same steps.
    docs.app().role("broker").image = "apache/kafka:3.8.0"
    docs.cluster().role("broker").members = 6
    assert strata.plan(docs, observed=state, now=NOW).to_dict()["steps"] == json.loads(cli.stdout)["steps"]


@pytest.mark.parametrize(
    "faults", [None, "never-ready=events-broker-2", "gate-fails=events-zookeeper-1x2"], ids=str
)
def test_simulate_matches_the_cli(faults):
    files = example_files(KAFKA)
    args = ["simulate", *files] + (["--faults", faults] if faults else [])
    with in_root():
        timeline = strata.simulate(files, faults=faults)
    cli = run_cli([*args, "-o", "json"])
    assert cli.returncode == (0 if timeline.ok else 1), cli.stderr
    assert timeline.to_json() == cli.stdout
    cli = run_cli(args)
    assert timeline.to_text() in cli.stdout
    assert cli.stdout.startswith(f"== simulate cluster events (namespace data) from an empty namespace")


# Mutations of the kafka example that make it invalid: (file, old, new).
BAD_INPUTS = {
    "members-below-cardinality": ("cluster.yaml", "members: 5", "members: 2"),
    "unknown-key": ("app.yaml", "  version:", "  verison:"),
    "unknown-role": ("cluster.yaml", "- name: broker", "- name: brokers"),
    "bad-quantity": ("cluster.yaml", "size: 500Gi", "size: 500Qi"),
    "missing-app": ("cluster.yaml", "app: kafka", "app: kafak"),
    "yaml-syntax": ("cluster.yaml", "nodeSelector: {disk: ssd}", "nodeSelector: {disk: ssd"),
    "small-storage": ("cluster.yaml", "size: 20Gi", "size: 512Mi"),
    "bad-cardinality": ("app.yaml", 'cardinality: "3+"', 'cardinality: "3-"'),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_errors_are_the_cli_lines(case, tmp_path):
    name, old, new = BAD_INPUTS[case]
    for p in sorted(KAFKA.glob("*.yaml")):
        text = p.read_text()
        if p.name == name:
            assert old in text, case
            text = text.replace(old, new, 1)
        (tmp_path / p.name).write_text(text)
    files = [str(tmp_path / "app.yaml"), str(tmp_path / "cluster.yaml")]
    for command in ("validate", "compile"):
        cli = run_cli([command, *files])
        assert cli.returncode == 1, (command, cli.stdout)
        with pytest.raises(strata.ValidationError) as info:
            getattr(strata, command)(files)
        assert str(info.value) + "\n" == cli.stderr, command
        assert [d.to_string() for d in info.value.errors] == cli.stderr.splitlines()
        for d in info.value.errors:
            assert pathlib.Path(d.file).name in ("app.yaml", "cluster.yaml") or not d.file
