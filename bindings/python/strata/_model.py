"""Python conveniences on the bound model types: readable reprs and helpers.

The model classes (App, Role, Cluster, RoleOverride, ...) are the C++ value
types bound by pybind11; their list and dict fields (``cluster.roles``,
``role.resources.requests``) refer to the C++ storage, so editing them edits
the model. This module gives them ``__repr__`` methods that show the fields
that differ from their defaults, and ``App.role`` / ``Cluster.role``.
"""

from __future__ import annotations

import weakref
from typing import Any, Optional

from . import _strata

# Classes whose repr shows only these fields (the others would drown the
# interesting ones); every other class shows all of its `_fields`.
_REPR_FIELDS: dict[str, tuple[str, ...]] = {
    "Role": ("name", "image", "cardinality", "quorum", "depends_on"),
    "AppDocument": ("app", "file", "index"),
    "ClusterDocument": ("cluster", "file", "index"),
    "CompiledRole": ("name", "members", "stateful_set", "spec_hash", "max_unavailable"),
    "CompiledCluster": ("cluster", "namespace", "app", "roles"),
    "Step": ("id", "action", "target", "after", "reason"),
    "Timeline": ("converged", "blocked", "plans", "violations"),
}

_LIST_TYPES = (
    _strata.RoleList,
    _strata.RoleOverrideList,
    _strata.PortList,
    _strata.EnvVarList,
    _strata.StorageList,
    _strata.StorageOverrideList,
    _strata.ConfigFileList,
    _strata.ServiceSpecList,
    _strata.ConnectionList,
    _strata.ContainerList,
    _strata.VolumeMountList,
    _strata.MemberReplaceList,
    _strata.AppDocumentList,
    _strata.ClusterDocumentList,
)
_MAP_TYPES = (_strata.QuantityMap, _strata.StringMap)


def _is_enum(value: Any) -> bool:
    return hasattr(type(value), "__members__") and hasattr(value, "name")


def value_repr(value: Any) -> str:
    """Returns the repr strata uses for a field value."""
    if _is_enum(value):
        return f"{type(value).__qualname__}.{value.name}"
    if isinstance(value, _LIST_TYPES) or isinstance(value, list):
        return "[" + ", ".join(value_repr(v) for v in value) + "]"
    if isinstance(value, _MAP_TYPES) or isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {value_repr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        inner = ", ".join(value_repr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def _struct_repr(self: Any) -> str:
    cls = type(self)
    fields = _REPR_FIELDS.get(cls.__name__, cls._fields)
    try:
        default = cls()
    except TypeError:  # pragma: no cover - every bound value type has one
        default = None
    parts = []
    for i, name in enumerate(fields):
        value = getattr(self, name)
        if i == 0 or default is None or value != getattr(default, name):
            parts.append(f"{name}={value_repr(value)}")
    return f"{cls.__name__}({', '.join(parts)})"


def _app_role(self: _strata.App, name: str) -> _strata.Role:
    """Returns the role named `name` (edits apply to this App); KeyError if none."""
    role = self.find_role(name)
    if role is None:
        raise KeyError(f"app {self.name!r} has no role {name!r}")
    return role


# Cluster (by id) -> (a weak reference to it, a weak reference to the
# Documents that handed it out): so that Cluster.role can tell a typo from a
# role the Cluster merely does not override yet.
_CLUSTER_DOCUMENTS: dict[int, tuple[weakref.ref, weakref.ref]] = {}


def bind_documents(cluster: _strata.Cluster, documents: Any) -> None:
    """Records that `cluster` lives in `documents` (which has ``find_app``)."""
    key = id(cluster)
    _CLUSTER_DOCUMENTS[key] = (
        weakref.ref(cluster, lambda _: _CLUSTER_DOCUMENTS.pop(key, None)),
        weakref.ref(documents),
    )


def _app_of(cluster: _strata.Cluster) -> Optional[_strata.App]:
    entry = _CLUSTER_DOCUMENTS.get(id(cluster))
    if entry is None or entry[0]() is not cluster:
        return None
    documents = entry[1]()
    return documents.find_app(cluster.app) if documents is not None else None


def _cluster_role(self: _strata.Cluster, name: str) -> _strata.RoleOverride:
    """Returns the override for role `name`, adding an empty one if the Cluster
    has none (so ``cluster.role("broker").members = 5`` always works). Raises
    KeyError when the Cluster's App is known (it came from a Documents that
    holds the App) and has no role `name`. Adding one invalidates references to
    the Cluster's other RoleOverrides, as growing a C++ vector does: fetch them
    again after."""
    found = self.find_role(name)
    if found is not None:
        return found
    app = _app_of(self)
    if app is not None and app.find_role(name) is None:
        have = ", ".join(r.name for r in app.roles)
        raise KeyError(f"app {app.name!r} has no role {name!r} (roles: {have})")
    self.roles.append(_strata.RoleOverride(name=name))
    return self.roles[len(self.roles) - 1]


def _list_repr(self: Any) -> str:
    return value_repr(self)


def install() -> None:
    """Attaches the reprs and helpers to the bound classes (idempotent)."""
    for name in dir(_strata):
        cls = getattr(_strata, name)
        if isinstance(cls, type) and isinstance(getattr(cls, "_fields", None), tuple):
            cls.__repr__ = _struct_repr
    for cls in _LIST_TYPES + _MAP_TYPES:
        cls.__repr__ = _list_repr
    _strata.App.role = _app_role
    _strata.Cluster.role = _cluster_role
    _strata.ValidationError.warnings = property(
        lambda self: [
            d for d in self.errors if d.severity == _strata.Diagnostic.Severity.WARNING
        ],
        doc="The warnings among `errors`.",
    )
