"""Every compiled object of every example deserialises into the official
`kubernetes` client's typed models without losing a field: re-serializing the
typed model gives back exactly the object strata produced."""

from __future__ import annotations

import inspect
import json

import pytest
import strata
from kubernetes.client import ApiClient
from strata_testing import example_dirs, example_files, in_root

# apiVersion/kind -> the client's model name.
MODELS = {
    ("apps/v1", "StatefulSet"): "V1StatefulSet",
    ("v1", "Service"): "V1Service",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("v1", "Secret"): "V1Secret",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
}


class FakeResponse:
    """What ApiClient.deserialize reads in older clients: JSON in `.data`."""

    def __init__(self, obj: dict) -> None:
        self.data = json.dumps(obj)


def deserialize(client: ApiClient, obj: dict, model: str):
    """`obj` as the client's typed `model`, whichever deserialize() signature
    this client version has (a response object, or the text and a content type)."""
    params = inspect.signature(client.deserialize).parameters
    if "response_text" in params:
        return client.deserialize(json.dumps(obj), model, "application/json")
    return client.deserialize(FakeResponse(obj), model)


def _objects():
    out = []
    for example in example_dirs():
        with in_root():
            objects = strata.compile(example_files(example))
        for o in objects:
            out.append(pytest.param(o, id=f"{example.name}:{o['kind']}/{o['metadata']['name']}"))
    return out


@pytest.fixture(scope="module")
def client() -> ApiClient:
    return ApiClient()


@pytest.mark.parametrize("obj", _objects())
def test_object_round_trips_through_the_typed_model(obj, client):
    model = MODELS.get((obj["apiVersion"], obj["kind"]))
    assert model, f"no client model for {obj['apiVersion']} {obj['kind']}"
    typed = deserialize(client, obj, model)
    assert type(typed).__name__ == model
    assert typed.metadata.name == obj["metadata"]["name"]
    again = client.sanitize_for_serialization(typed)
    assert again == obj  # nothing dropped, renamed or retyped
