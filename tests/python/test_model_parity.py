"""The Python model has every field of the input format (issues 14/15).

proto/strata/v1/topology.proto is the one source of truth for the App and
Cluster format. This test walks its descriptors (generated at test time with
grpcio-tools, as the gRPC tests do) and checks that each field of each message
has a Python attribute on the model class the message maps to: the field's
snake_case name, or the attribute RENAMED names with the reason. Every message
must be listed in MESSAGE_CLASSES or NOT_A_CLASS, so a new message or field
fails here until the binding (bindings/python/strata_py.cc), its stubs and this
table are updated.
"""

from __future__ import annotations

import pytest

import strata
from strata import _strata
from strata_grpc_testing import generate_stubs

# proto message -> the Python model classes its fields live on. Several
# messages can map to one class (the probe actions are one Handler), and one
# message's fields can be flattened into another class (ObjectMeta's are on
# Cluster; App has only the name, which AppSpec's row does not cover).
MESSAGE_CLASSES: dict[str, tuple[str, ...]] = {
    "ObjectMeta": ("Cluster",),
    "Port": ("Port",),
    "SecretKeyRef": ("SecretKeyRef",),
    "EnvVar": ("EnvVar",),
    "Resources": ("Resources",),
    "Storage": ("Storage",),
    "ExecAction": ("Handler",),
    "HttpAction": ("Handler",),
    "TcpAction": ("Handler",),
    "GrpcAction": ("Handler",),
    "Probe": ("Probe",),
    "Probes": ("Probes",),
    "ConfigFile": ("ConfigFile",),
    "Service": ("ServiceSpec",),
    "Gate": ("Gate",),
    "Rollout": ("RolloutPolicy",),
    "Handler": ("Handler",),
    "Lifecycle": ("Lifecycle",),
    "Security": ("Security",),
    "Placement": ("Placement",),
    "VolumeMount": ("VolumeMount",),
    "Container": ("Container",),
    "Metrics": ("Metrics",),
    "Role": ("Role",),
    "AppSpec": ("App",),
    "StorageOverride": ("StorageOverride",),
    "RoleOverride": ("RoleOverride",),
    "MemberReplace": ("MemberReplace",),
    "Connection": ("Connection",),
    "MaintenanceWindow": ("MaintenanceWindow",),
    "Maintenance": ("Maintenance",),
    "ClusterSpec": ("Cluster",),
}

# Messages with no model class of their own, and where their fields went.
NOT_A_CLASS: dict[str, str] = {
    "KeyValue": "an ordered map entry: a StringMap/QuantityMap item or a (key, value) tuple",
    "MinResources": "Role.min_resources is a Resources; cpu, memory and ephemeral-storage "
                    "are keys of its requests",
    "ConfigOverride": "RoleOverride.config is a dict path -> [(key, template)]",
    "Toleration": "RoleOverride.tolerations is passed through unchanged as a list of dicts",
    "App": "the document envelope: api_version and kind are constants the loader checks, "
           "metadata.name is App.name, spec is the App itself",
    "Cluster": "the document envelope: api_version and kind are constants the loader checks, "
               "metadata is on Cluster (name, namespace, labels), spec is the Cluster itself",
}

# (message, field) -> the Python attribute that holds it under another name.
RENAMED: dict[tuple[str, str], str] = {
    # The oneof handler {exec, http, tcp, grpc} is Probe.handler, a Handler
    # whose `kind` says which one is set.
    ("Probe", "exec"): "handler",
    ("Probe", "http"): "handler",
    ("Probe", "tcp"): "handler",
    ("Probe", "grpc"): "handler",
    # A Gate's exec action is its Handler (kind EXEC, command).
    ("Gate", "exec"): "handler",
    # A lifecycle Handler's exec/http actions are flattened into the Handler:
    # kind EXEC + command, or kind HTTP + path/port/scheme.
    ("Handler", "exec"): "kind",
    ("Handler", "http"): "kind",
}


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    # No skip without grpcio-tools (tests/python/requirements-grpc.txt): the
    # import error fails the test, as in the gRPC tests, so it cannot pass unrun.
    topology_pb2 = generate_stubs(tmp_path_factory.mktemp("stubs"))[0]
    return topology_pb2.DESCRIPTOR


def _attributes(cls_name: str) -> set[str]:
    """The public attributes of an instance of _strata.`cls_name`; empty when
    the module has no such class (every field is then reported missing)."""
    cls = getattr(_strata, cls_name, None)
    if cls is None:
        return set()
    return {a for a in dir(cls()) if not a.startswith("_")}


def test_every_message_is_mapped(topology):
    names = set(topology.message_types_by_name)
    unmapped = sorted(names - set(MESSAGE_CLASSES) - set(NOT_A_CLASS))
    assert unmapped == [], (
        f"proto messages with no Python model class listed: {unmapped}; add them to "
        "MESSAGE_CLASSES (and bind them) or to NOT_A_CLASS with the reason")
    stale = sorted((set(MESSAGE_CLASSES) | set(NOT_A_CLASS)) - names)
    assert stale == [], f"listed messages that the proto no longer has: {stale}"


def test_every_proto_field_has_a_python_attribute(topology):
    missing = []
    checked = 0
    for message, classes in MESSAGE_CLASSES.items():
        descriptor = topology.message_types_by_name[message]
        for cls_name in classes:
            have = _attributes(cls_name)
            for field in descriptor.fields:
                want = RENAMED.get((message, field.name), field.name)
                checked += 1
                if want not in have:
                    missing.append(f"{message}.{field.name} -> {cls_name}.{want}")
    assert missing == [], "proto fields missing from the Python model:\n  " + "\n  ".join(missing)
    # The walk really walked: every Role field alone is more than 20 checks.
    assert checked > 150


def test_renames_name_real_fields(topology):
    for (message, field), attr in RENAMED.items():
        descriptor = topology.message_types_by_name[message]
        assert field in descriptor.fields_by_name, f"{message}.{field} is gone from the proto"


def test_every_mapped_class_is_exported():
    missing = sorted({c for classes in MESSAGE_CLASSES.values() for c in classes
                      if getattr(strata, c, None) is None or getattr(strata, c) is not getattr(_strata, c, None)})
    assert missing == [], f"model classes not exported as strata.X: {missing}"


def test_the_walk_catches_a_missing_field(topology):
    # The check itself can fail: a field the model lacks is reported.
    descriptor = topology.message_types_by_name["RoleOverride"]
    have = _attributes("RoleOverride") - {"restart_token"}
    assert [f.name for f in descriptor.fields if f.name not in have] == ["restart_token"]
