"""The strata.v1.Strata service from Python: grpcio with stubs generated at
test time from proto/, against the real strata-server binary on port 0."""

from __future__ import annotations

import json

import pytest

import grpc
from google.rpc import error_details_pb2

from google.protobuf import json_format  # noqa: E402

from strata_grpc_testing import KAFKA_YAML, ServerProcess, generate_stubs, rich_status  # noqa: E402

NOW = 1767225600  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="module")
def pb(tmp_path_factory):
    topology_pb2, plan_pb2, service_pb2, service_pb2_grpc = generate_stubs(
        tmp_path_factory.mktemp("grpc_stubs"))

    class Modules:
        pass

    m = Modules()
    m.topology, m.plan, m.service, m.grpc = topology_pb2, plan_pb2, service_pb2, service_pb2_grpc
    return m


@pytest.fixture(scope="module")
def server():
    s = ServerProcess()
    yield s
    assert s.stop() == 0


@pytest.fixture(scope="module")
def stub(pb, server):
    channel = grpc.insecure_channel(server.address)
    yield pb.grpc.StrataStub(channel)
    channel.close()


def text_input(pb, text=KAFKA_YAML, name="kafka.yaml"):
    return pb.service.Input(sources=[pb.service.Source(name=name, text=text)])


def test_echo(pb, stub):
    assert stub.Echo(pb.service.EchoRequest(message="hi"), timeout=10).message == "hi"


def test_validate(pb, stub):
    response = stub.Validate(pb.service.ValidateRequest(input=text_input(pb)), timeout=30)
    assert list(response.apps) == ["kafka"]
    assert list(response.clusters) == ["events"]


@pytest.mark.parametrize("bad", [
    KAFKA_YAML.replace("    quorum: majority", "    replicas: 3\n    quorum: majority"),  # unknown key
    KAFKA_YAML.replace("members: 3}\n  - {name: broker", "members: 0}\n  - {name: broker"),
], ids=["unknown-key", "below-cardinality"])
def test_validate_reports_errors_with_bad_request_details(pb, stub, bad):
    with pytest.raises(grpc.RpcError) as caught:
        stub.Validate(pb.service.ValidateRequest(input=text_input(pb, bad, "events.yaml")),
                      timeout=30)
    error = caught.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith("events.yaml:")
    status = rich_status(error)
    assert status is not None and status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    bad_request = error_details_pb2.BadRequest()
    diagnostics = pb.service.Diagnostics()
    kinds = []
    for any_detail in status.details:
        if any_detail.Is(bad_request.DESCRIPTOR):
            any_detail.Unpack(bad_request)
            kinds.append("BadRequest")
        elif any_detail.Is(diagnostics.DESCRIPTOR):
            any_detail.Unpack(diagnostics)
            kinds.append("Diagnostics")
    assert kinds == ["BadRequest", "Diagnostics"]
    violation = bad_request.field_violations[0]
    assert violation.field.startswith("spec.roles[0]")
    line, column = violation.description.split(":")[1:3]
    assert int(line) > 0 and int(column) > 0
    assert diagnostics.diagnostics[0].line == int(line)
    assert diagnostics.diagnostics[0].severity == pb.service.Diagnostic.SEVERITY_ERROR


def test_compile(pb, stub):
    response = stub.Compile(pb.service.CompileRequest(input=text_input(pb)), timeout=30)
    assert len(response.clusters) == 1
    cluster = response.clusters[0]
    assert (cluster.cluster, cluster.namespace, cluster.app) == ("events", "data", "kafka")
    kinds = [o.kind for o in cluster.objects]
    assert "StatefulSet" in kinds and "Service" in kinds
    for o in cluster.objects:
        body = json.loads(o.json)
        assert body["kind"] == o.kind and body["metadata"]["name"] == o.name
    assert cluster.yaml.startswith("---")


def test_compile_structured_input(pb, stub):
    app = json_format.ParseDict({
        "apiVersion": "strata.dev/v1", "kind": "App", "metadata": {"name": "kv"},
        "spec": {"roles": [{"name": "node", "image": "kv:1", "cardinality": "3",
                            "ports": [{"name": "client", "port": 7000}]}]},
    }, pb.topology.App())
    cluster = json_format.ParseDict({
        "apiVersion": "strata.dev/v1", "kind": "Cluster", "metadata": {"name": "store"},
        "spec": {"app": "kv"},
    }, pb.topology.Cluster())
    response = stub.Compile(pb.service.CompileRequest(
        input=pb.service.Input(apps=[app], clusters=[cluster])), timeout=30)
    sts = [json.loads(o.json) for o in response.clusters[0].objects if o.kind == "StatefulSet"]
    assert sts[0]["metadata"]["name"] == "store-node"
    assert sts[0]["spec"]["replicas"] == 3


def test_plan(pb, stub):
    request = pb.service.PlanRequest(input=text_input(pb))
    request.now.seconds = NOW
    response = stub.Plan(request, timeout=30)
    plan = response.plan
    assert (plan.cluster, plan.namespace, plan.converged) == ("events", "data", False)
    assert [s.id for s in plan.steps] == list(range(1, len(plan.steps) + 1))
    assert set(plan.next) <= {s.id for s in plan.steps} and plan.next
    applies = [s for s in plan.steps if s.action == pb.plan.ACTION_APPLY]
    assert applies and all(json.loads(s.object)["metadata"]["name"] == s.target.name
                           for s in applies)
    assert response.text


def test_simulate_then_plan_is_converged(pb, stub):
    simulated = stub.Simulate(pb.service.SimulateRequest(input=text_input(pb)), timeout=60)
    assert simulated.converged and not simulated.violations and simulated.events
    request = pb.service.PlanRequest(input=text_input(pb), observed=simulated.final_state)
    request.now.seconds = NOW + 86400
    plan = stub.Plan(request, timeout=30).plan
    assert plan.converged and not plan.steps


def test_simulate_with_a_fault_blocks(pb, stub):
    request = pb.service.SimulateRequest(
        input=text_input(pb),
        faults=[pb.service.Fault(kind=pb.service.Fault.KIND_NEVER_READY,
                                 pods=["events-broker-1"])])
    response = stub.Simulate(request, timeout=60)
    assert response.blocked and not response.converged


def test_health_is_serving(server):
    channel = grpc.insecure_channel(server.address)
    check = channel.unary_unary("/grpc.health.v1.Health/Check")
    assert check(b"", timeout=10) == b"\x08\x01"  # status: SERVING
    channel.close()


def test_bearer_token(pb, tmp_path):
    token = tmp_path / "token"
    token.write_text("py-secret\n")
    s = ServerProcess("--token-file", str(token))
    try:
        channel = grpc.insecure_channel(s.address)
        stub = pb.grpc.StrataStub(channel)
        for metadata in ((), (("authorization", "Bearer nope"),)):
            with pytest.raises(grpc.RpcError) as caught:
                stub.Echo(pb.service.EchoRequest(message="x"), metadata=metadata, timeout=10)
            assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        ok = stub.Echo(pb.service.EchoRequest(message="x"),
                       metadata=(("authorization", "Bearer py-secret"),), timeout=10)
        assert ok.message == "x"
        channel.close()
    finally:
        assert s.stop() == 0
    lines = [json.loads(l) for l in s.log_lines() if l.startswith("{\"time\"")]
    assert [l["code"] for l in lines] == ["UNAUTHENTICATED", "UNAUTHENTICATED", "OK"]
