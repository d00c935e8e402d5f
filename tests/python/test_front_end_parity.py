"""Every front end prints the same text for the same error (issue 11.1): the
strata CLI (stderr), the Python package (the exception's message) and the
gRPC service (the status message) all word an invalid input, a missing
Cluster, an unknown or ambiguous Cluster and a Compile error located in the
App's file exactly alike, because all three run the core's one pipeline
(strata/pipeline.h)."""

from __future__ import annotations

import pathlib

import grpc
import pytest
import strata
from strata_grpc_testing import ServerProcess, generate_stubs
from strata_testing import KAFKA, ROOT, run_cli

INI_KEY_ERROR = ROOT / "tests/testdata/compile/ini-key-error/app.yaml"


@pytest.fixture(scope="module")
def stub(tmp_path_factory):
    _, _, service_pb2, service_pb2_grpc = generate_stubs(tmp_path_factory.mktemp("stubs"))
    server = ServerProcess()
    channel = grpc.insecure_channel(server.address)
    yield service_pb2, service_pb2_grpc.StrataStub(channel)
    channel.close()
    assert server.stop() == 0


def _write(tmp_path: pathlib.Path, edits: dict[str, tuple[str, str]], extra: str = "") -> list[str]:
    """The kafka example with `edits` ({file: (old, new)}) and an `extra`
    document appended to cluster.yaml, as files in `tmp_path`."""
    files = []
    for p in sorted(KAFKA.glob("*.yaml")):
        text = p.read_text()
        if p.name in edits:
            old, new = edits[p.name]
            assert old in text, (p.name, old)
            text = text.replace(old, new, 1)
        if p.name == "cluster.yaml":
            text += extra
        (tmp_path / p.name).write_text(text)
        files.append(str(tmp_path / p.name))
    return files


def _python_error(call) -> str:
    with pytest.raises((strata.Error, KeyError, ValueError)) as info:
        call()
    e = info.value
    return e.args[0] if isinstance(e, (KeyError, ValueError)) else str(e)


def _grpc_error(pb, stub, method: str, files: list[str], cluster: str = "") -> str:
    sources = [pb.Source(name=f, text=pathlib.Path(f).read_text()) for f in files]
    request = getattr(pb, f"{method}Request")(input=pb.Input(sources=sources))
    if cluster:
        request.cluster = cluster
    with pytest.raises(grpc.RpcError) as info:
        getattr(stub, method)(request, timeout=60)
    return info.value.details()


def _cli_error(command: str, files: list[str], *args: str) -> tuple[int, str]:
    cli = run_cli([command, *files, *args])
    return cli.returncode, cli.stderr


def _after_warnings(stderr: str) -> str:
    """`stderr` without its leading warning lines: a valid input's warnings
    come first (Python keeps them in CompiledObjects.warnings, gRPC in the
    response), then what failed later (Compile's errors)."""
    lines = stderr.splitlines(keepends=True)
    while lines and ": warning: " in lines[0]:
        lines.pop(0)
    return "".join(lines)


OTHER_CLUSTER = """---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: other, namespace: data}
spec: {app: kafka}
"""

CASES = {
    # name: (edits, extra document, command, CLI args, Python kwargs, CLI exit)
    "invalid-members": ({"cluster.yaml": ("members: 5", "members: 2")}, "", "compile", [], {}, 1),
    "unknown-key": ({"app.yaml": ("  version:", "  verison:")}, "", "validate", [], {}, 1),
    "ambiguous-cluster": ({}, OTHER_CLUSTER, "plan", [], {}, 2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_same_error_reads_the_same_everywhere(case, tmp_path, stub):
    pb, client = stub
    edits, extra, command, cli_args, kwargs, exit_code = CASES[case]
    files = _write(tmp_path, edits, extra)
    python_kwargs = dict(kwargs)
    if command == "plan":
        python_kwargs["observed"] = None
        cli_args = [*cli_args, "--observed", str(tmp_path / "empty.json")]
        (tmp_path / "empty.json").write_text('{"kind": "List", "items": []}\n')
    python = _python_error(lambda: getattr(strata, command)(files, **python_kwargs))
    over_grpc = _grpc_error(pb, client, command.capitalize(), files, kwargs.get("cluster", ""))
    assert python == over_grpc, case
    rc, stderr = _cli_error(command, files, *cli_args)
    assert rc == exit_code, stderr
    assert stderr == python + "\n", case


def test_an_unknown_cluster_reads_the_same_in_the_cli(tmp_path, stub):
    pb, client = stub
    files = _write(tmp_path, {})
    (tmp_path / "empty.json").write_text('{"kind": "List", "items": []}\n')
    rc, stderr = _cli_error("plan", files, "--observed", str(tmp_path / "empty.json"),
                            "--cluster", "nope")
    assert rc == 2
    python = _python_error(lambda: strata.plan(files, cluster="nope"))
    assert python == 'no Cluster named "nope" in the input (have events)'
    assert stderr == python + "\n"
    assert _grpc_error(pb, client, "Plan", files, "nope") == python


def test_no_cluster_reads_the_same_everywhere(stub):
    pb, client = stub
    files = [str(KAFKA / "app.yaml")]
    rc, stderr = _cli_error("compile", files)
    assert rc == 1
    python = _python_error(lambda: strata.compile(files))
    assert python == strata._strata.NO_CLUSTER_MESSAGE
    assert stderr == python + "\n"
    assert _grpc_error(pb, client, "Compile", files) == python
    # validate checks an App alone.
    assert run_cli(["validate", *files]).returncode == 0
    assert strata.validate(files) == []


def test_a_compile_error_is_located_in_the_app_everywhere(stub):
    pb, client = stub
    files = [str(INI_KEY_ERROR)]
    rc, stderr = _cli_error("compile", files)
    assert rc == 1
    python = _python_error(lambda: strata.compile(files))
    assert python.startswith(f"{INI_KEY_ERROR}:12:7: spec.roles[0].config[0]: ini key")
    assert _after_warnings(stderr) == python + "\n"
    assert _grpc_error(pb, client, "Compile", files) == python
    # plan locates it the same way.
    assert _python_error(lambda: strata.plan(files)) == python
