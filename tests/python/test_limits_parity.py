"""Every input limit of SPEC-2 §11 (strata.Limits) reads the same in every
front end (issue 18): over a limit, the strata CLI exits 1, Python raises
strata.Error with code RESOURCE_EXHAUSTED and gRPC answers RESOURCE_EXHAUSTED,
all three with the same message naming the file, line and limit; and each
limit is set the same way in each (`--max-x N`, ``max_x=N``,
``Input.limits.max_x``), so input that one setting refuses the other accepts.

Each case holds an input, the command that reads it and a value of its limit
that the input exceeds: the hostile reproducers of tests/testdata/hostile/
exceed the default limits, the small examples a lowered one."""

from __future__ import annotations

import pathlib

import grpc
import pytest
import strata
from strata_grpc_testing import ServerProcess, generate_stubs
from strata_testing import KAFKA, ROOT, run_cli

HOSTILE = ROOT / "tests/testdata/hostile"

ALIASED = """\
apiVersion: strata.dev/v1
kind: App
metadata: {name: kafka}
spec:
  roles:
  - name: broker
    image: apache/kafka:3.7.0
    cardinality: "3"
    env:
    - {name: A, value: &v "0123456789"}
    - {name: B, value: *v}
    - {name: C, value: *v}
---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: events}
spec: {app: kafka}
"""


def _kafka(tmp_path: pathlib.Path) -> list[str]:
    return [str(KAFKA / "app.yaml"), str(KAFKA / "cluster.yaml")]


def _one_file(tmp_path: pathlib.Path) -> list[str]:
    path = tmp_path / "kafka.yaml"
    path.write_text((KAFKA / "app.yaml").read_text() + "---\n" + (KAFKA / "cluster.yaml").read_text())
    return [str(path)]


def _aliased(tmp_path: pathlib.Path) -> list[str]:
    path = tmp_path / "aliased.yaml"
    path.write_text(ALIASED)
    return [str(path)]


def _hostile(name: str):
    return lambda tmp_path: [str(HOSTILE / name)]


def _documents(tmp_path: pathlib.Path) -> list[str]:
    path = tmp_path / "many.yaml"
    # Empty documents: over the limit, the only error is the limit's.
    path.write_text((KAFKA / "app.yaml").read_text() + "---\n" * 10001)
    return [str(path)]


# name: (files, command, limit, value the input exceeds (None: the default),
#        value it fits in)
CASES = {
    "file-size": (_kafka, "validate", "max_file_size", 300, 1 << 20),
    "documents-default": (_documents, "validate", "max_documents", None, 20000),
    "documents": (_one_file, "validate", "max_documents", 1, 10),
    "nesting-default": (_hostile("deep-nesting.yaml"), "validate", "max_nesting", None, None),
    "nesting": (_kafka, "validate", "max_nesting", 3, 100),
    "alias-nodes": (_aliased, "validate", "max_alias_nodes", 1, 10),
    "alias-bytes-default": (_hostile("app-alias-bomb.yaml"), "validate", "max_alias_bytes",
                            None, None),
    "alias-bytes": (_aliased, "validate", "max_alias_bytes", 15, 1000),
    "members-default": (_hostile("role-million-members.yaml"), "validate", "max_members",
                        None, None),
    "members": (_kafka, "compile", "max_members", 2, 10),
    "config-map-size": (_kafka, "compile", "max_config_map_size", 100, 1 << 20),
}


@pytest.fixture(scope="module")
def stubs(tmp_path_factory):
    _, _, pb, pb_grpc = generate_stubs(tmp_path_factory.mktemp("stubs"))
    return pb, pb_grpc


@pytest.fixture(scope="module")
def client(stubs):
    pb, pb_grpc = stubs
    server = ServerProcess()
    channel = grpc.insecure_channel(server.address)
    yield pb, pb_grpc.StrataStub(channel)
    channel.close()
    assert server.stop() == 0


def _grpc(pb, stub, command: str, files: list[str], limits: dict[str, int]):
    """The gRPC status code and message of `command` (None, "" when it succeeds)."""
    sources = [pb.Source(name=f, text=pathlib.Path(f).read_text()) for f in files]
    request = getattr(pb, f"{command.capitalize()}Request")(
        input=pb.Input(sources=sources, limits=pb.Limits(**limits)))
    try:
        getattr(stub, command.capitalize())(request, timeout=120)
    except grpc.RpcError as e:
        return e.code(), e.details()
    return None, ""


def _python(command: str, files: list[str], limits: dict[str, int]):
    """strata.Error's code name and message (None, "" when it succeeds)."""
    try:
        getattr(strata, command)(files, **limits)
    except strata.Error as e:
        return e.code.name, str(e)
    return None, ""


def _cli(command: str, files: list[str], limits: dict[str, int]):
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in limits.items()]
    return run_cli([command, *files, *flags])


@pytest.mark.parametrize("case", sorted(CASES))
def test_over_a_limit_reads_the_same_everywhere(case, tmp_path, client):
    pb, stub = client
    make, command, limit, over, _ = CASES[case]
    files = make(tmp_path)
    limits = {} if over is None else {limit: over}
    cli = _cli(command, files, limits)
    assert cli.returncode == 1, cli.stderr
    lines = cli.stderr.splitlines()
    wanted = [l for l in lines if f"({limit})" in l]
    assert wanted, cli.stderr
    # The message names the file and line, the limit and every way to raise it.
    assert wanted[0].startswith(f"{files[0]}:") or any(
        wanted[0].startswith(f"{f}:") for f in files), wanted[0]
    flag = limit.replace("_", "-")
    assert f"raise it with --{flag} (Python {limit}=, gRPC Input.limits.{limit})" in wanted[0]
    code, python = _python(command, files, limits)
    assert code == "RESOURCE_EXHAUSTED", python
    assert python + "\n" == cli.stderr
    grpc_code, over_grpc = _grpc(pb, stub, command, files, limits)
    assert grpc_code == grpc.StatusCode.RESOURCE_EXHAUSTED, over_grpc
    assert over_grpc == python


@pytest.mark.parametrize("case", sorted(c for c in CASES if CASES[c][4] is not None))
def test_raising_a_limit_accepts_the_input_everywhere(case, tmp_path, stubs):
    pb, pb_grpc = stubs
    make, command, limit, over, fits = CASES[case]
    files = make(tmp_path)
    limits = {limit: fits}
    cli = _cli(command, files, limits)
    # Other checks may still refuse the input, but not this limit.
    assert f"({limit})" not in cli.stderr, cli.stderr
    code, python = _python(command, files, limits)
    assert f"({limit})" not in python
    assert code == (None if cli.returncode == 0 else code)
    # A server accepts a request's limit up to its own flag's value.
    server = ServerProcess(f"--{limit.replace('_', '-')}={max(fits, 1 << 20)}")
    try:
        with grpc.insecure_channel(server.address) as channel:
            grpc_code, message = _grpc(pb, pb_grpc.StrataStub(channel), command, files, limits)
    finally:
        assert server.stop() == 0
    assert f"({limit})" not in message
    assert (grpc_code is None) == (cli.returncode == 0), message


def test_a_request_may_not_raise_a_limit_above_the_servers(client):
    pb, stub = client
    files = [str(KAFKA / "app.yaml"), str(KAFKA / "cluster.yaml")]
    code, message = _grpc(pb, stub, "validate", files, {"max_members": 20000})
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert message == ("input.limits.max_members: 20000 is above this server's 10000 "
                       "(strata-server --max-members)")
    code, message = _grpc(pb, stub, "validate", files, {"max_nesting": -1})
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "input.limits.max_nesting" in message


def test_python_names_an_unknown_limit():
    with pytest.raises(TypeError, match="max_widgets"):
        strata.validate([str(KAFKA / "app.yaml")], max_widgets=3)


def test_a_nonpositive_limit_is_refused_by_python_and_the_cli():
    files = [str(KAFKA / "app.yaml")]
    cli = _cli("validate", files, {"max_nesting": 0})
    assert cli.returncode == 2, cli.stderr
    with pytest.raises(strata.Error) as info:
        strata.validate(files, max_nesting=0)
    assert "max_nesting" in str(info.value)
