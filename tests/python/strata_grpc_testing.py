"""Helpers shared by tests/python/test_grpc_*.py: the strata-server binary
started on port 0, and Python stubs generated from proto/ at test time."""

from __future__ import annotations

import importlib
import os
import pathlib
import select
import signal
import subprocess
import sys
import time
from typing import Optional, Sequence

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROTO_DIR = ROOT / "proto"
# The generated modules live under this package name instead of "strata",
# so they never collide with the strata Python package in the same process.
STUB_PACKAGE = "strata_grpc_stubs"

# The Kafka fixture shared with the C++ service tests and the gRPC benchmarks.
KAFKA_YAML = (ROOT / "tests/testdata/kafka-fixture.yaml").read_text()


def server_bin() -> str:
    """$STRATA_SERVER_BIN, else build/tools/strata-server/strata-server; fails
    the test when neither exists (tools/setup.sh builds it)."""
    for c in (os.environ.get("STRATA_SERVER_BIN"),
              str(ROOT / "build/tools/strata-server/strata-server")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    pytest.fail("strata-server is not built: run bash tools/setup.sh "
                "(or point STRATA_SERVER_BIN at it)")


class ServerProcess:
    """strata-server on 127.0.0.1:0; `address` is what it printed."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen(
            [server_bin(), "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("listening on "):
            self.proc.kill()
            err = self.proc.stderr.read()
            raise RuntimeError(f"strata-server did not start: {line!r} {err}")
        self.address = line.split("listening on ", 1)[1].strip()

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()

    def log_lines(self) -> list[str]:
        """The stderr lines (call log); only after stop()."""
        return self.proc.stderr.read().splitlines()


_STUBS = None


def generate_stubs(out_dir: pathlib.Path):
    """Generates Python messages and gRPC stubs for proto/strata/v1/*.proto
    into `out_dir`/strata_grpc_stubs/v1 and returns that package's modules as
    (topology_pb2, plan_pb2, service_pb2, service_pb2_grpc)."""
    global _STUBS
    if _STUBS is not None:  # Once per process: the modules stay imported.
        return _STUBS
    import grpc_tools
    from grpc_tools import protoc

    raw = out_dir / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    protos = sorted(str(p.relative_to(PROTO_DIR)) for p in (PROTO_DIR / "strata/v1").glob("*.proto"))
    include = pathlib.Path(grpc_tools.__file__).parent / "_proto"
    rc = protoc.main(["protoc", f"-I{PROTO_DIR}", f"-I{include}", f"--python_out={raw}",
                      f"--grpc_python_out={raw}", *protos])
    assert rc == 0, "grpc_tools.protoc failed"
    package = out_dir / STUB_PACKAGE / "v1"
    package.mkdir(parents=True, exist_ok=True)
    (out_dir / STUB_PACKAGE / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    for src in (raw / "strata/v1").glob("*.py"):
        text = src.read_text().replace("from strata.v1 import", f"from {STUB_PACKAGE}.v1 import")
        (package / src.name).write_text(text)
    sys.path.insert(0, str(out_dir))
    importlib.invalidate_caches()
    try:
        mods = tuple(importlib.import_module(f"{STUB_PACKAGE}.v1.{name}") for name in
                     ("topology_pb2", "plan_pb2", "service_pb2", "service_pb2_grpc"))
    finally:
        sys.path.remove(str(out_dir))
    _STUBS = mods
    return mods


def rich_status(error):
    """The google.rpc.Status in a grpc.RpcError's trailers, or None."""
    from google.rpc import status_pb2

    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status()
            status.ParseFromString(value)
            return status
    return None
