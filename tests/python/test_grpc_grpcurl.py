"""strata-server through grpcurl: reflection (list, describe) and JSON calls.

grpcurl is taken from $PATH or the tool cache (${XDG_CACHE_HOME:-~/.cache}/
strata-tools/bin); when absent it is built there once with
`go install github.com/fullstorydev/grpcurl/cmd/grpcurl@GRPCURL_VERSION`
(a few minutes on 2 cores). Go is part of the machine's toolchain (the
control-plane tests build Kubernetes with it too); without it the test fails."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pytest

from strata_grpc_testing import KAFKA_YAML, ServerProcess

GRPCURL_VERSION = "v1.9.3"
CACHE_BIN = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) \
    / "strata-tools" / "bin"


@pytest.fixture(scope="module")
def grpcurl() -> str:
    cached = CACHE_BIN / "grpcurl"
    if cached.is_file():
        return str(cached)
    found = shutil.which("grpcurl")
    if found:
        return found
    go = shutil.which("go")
    if not go:
        pytest.fail("grpcurl is not installed and Go is not on PATH to build it")
    CACHE_BIN.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, GOBIN=str(CACHE_BIN))
    subprocess.run([go, "install", f"github.com/fullstorydev/grpcurl/cmd/grpcurl@{GRPCURL_VERSION}"],
                   env=env, check=True, timeout=1800)
    return str(cached)


@pytest.fixture(scope="module")
def server():
    s = ServerProcess()
    yield s
    assert s.stop() == 0


def run(grpcurl: str, *args: str, data: str | None = None) -> subprocess.CompletedProcess:
    cmd = [grpcurl, "-plaintext"]
    if data is not None:
        cmd += ["-d", "@"]
    return subprocess.run([*cmd, *args], input=data, capture_output=True, text=True, timeout=60)


def test_list_shows_strata_and_health(grpcurl, server):
    out = run(grpcurl, server.address, "list")
    assert out.returncode == 0, out.stderr
    services = out.stdout.split()
    assert "strata.v1.Strata" in services
    assert "grpc.health.v1.Health" in services


def test_describe_shows_every_method(grpcurl, server):
    out = run(grpcurl, server.address, "describe", "strata.v1.Strata")
    assert out.returncode == 0, out.stderr
    for method in ("Validate", "Compile", "Plan", "Simulate", "Echo"):
        assert f"rpc {method} (" in out.stdout
    out = run(grpcurl, server.address, "describe", "strata.v1.PlanRequest")
    assert out.returncode == 0, out.stderr
    assert ".google.protobuf.Timestamp now = 4;" in out.stdout


def test_validate_and_compile_with_json_bodies(grpcurl, server):
    body = json.dumps({"input": {"sources": [{"name": "kafka.yaml", "text": KAFKA_YAML}]}})
    out = run(grpcurl, server.address, "strata.v1.Strata/Validate", data=body)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["clusters"] == ["events"]

    out = run(grpcurl, server.address, "strata.v1.Strata/Compile", data=body)
    assert out.returncode == 0, out.stderr
    cluster = json.loads(out.stdout)["clusters"][0]
    assert cluster["cluster"] == "events"
    names = {(o["kind"], o["name"]) for o in cluster["objects"]}
    assert ("StatefulSet", "events-broker") in names


def test_invalid_input_shows_the_error(grpcurl, server):
    bad = KAFKA_YAML.replace("cardinality: \"1+\"\n    quorum", "cardinality: \"1+\"\n    bogus: 1\n    quorum")
    body = json.dumps({"input": {"sources": [{"name": "events.yaml", "text": bad}]}})
    out = run(grpcurl, server.address, "strata.v1.Strata/Validate", data=body)
    assert out.returncode != 0
    assert "InvalidArgument" in out.stderr
    assert "events.yaml:" in out.stderr and "bogus" in out.stderr


def test_health_check(grpcurl, server):
    out = run(grpcurl, server.address, "grpc.health.v1.Health/Check")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "SERVING"
