"""The strata entry points (SPEC §5): load, validate, compile, plan, simulate.

Each takes its input as any mix of:
  * a path (``str`` or ``os.PathLike``) to a YAML/JSON file, or to a directory
    (its ``*.yaml``, ``*.yml`` and ``*.json`` files, sorted by name);
  * YAML or JSON text (a ``str`` holding a newline, or ``bytes``);
  * loaded or built objects: ``Documents``, ``App``, ``Cluster``, ``Topology``;
  * a list or tuple of the above.
Errors read exactly as the CLI prints them, with paths as given.
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any, Iterable, Optional, Sequence, Union

from . import _strata
from ._results import CompiledObjects, Documents, Plan, Timeline, to_objects

Input = Any  # A path, text, Documents, App, Cluster, Topology, or a list of them.
Observed = Any  # None, ObservedState, a List dict, a list of dicts, text or a path.
TimeLike = Union[_dt.datetime, str, int, float, None]

_DOC_SUFFIXES = (".yaml", ".yml", ".json")


def _is_path(value: Any) -> bool:
    if isinstance(value, os.PathLike):
        return True
    if not isinstance(value, str) or "\n" in value:
        return False
    # One line: a path when it exists or cannot be YAML/JSON text (a missing
    # file then raises FileNotFoundError rather than a puzzling YAML error).
    return bool(value.strip()) and (os.path.exists(value) or not any(c in value for c in ":{["))


def _read(path: Union[str, os.PathLike]) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _flatten(items: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, (list, tuple)) and not isinstance(item, CompiledObjects):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _sources_and_objects(inputs: Sequence[Any]) -> tuple[list[_strata.Source], list[Any]]:
    items = _flatten(inputs)
    if not items:
        raise TypeError("no input: give a path, YAML/JSON text, Documents, App or Cluster")
    texts = [i for i in items if isinstance(i, bytes) or (isinstance(i, str) and not _is_path(i))]
    sources: list[_strata.Source] = []
    objects: list[Any] = []
    n_text = 0
    for item in items:
        if _is_path(item):
            path = os.fspath(item)
            if os.path.isdir(path):
                names = sorted(n for n in os.listdir(path) if n.endswith(_DOC_SUFFIXES))
                for n in names:
                    p = os.path.join(path, n)
                    sources.append(_strata.Source(name=p, text=_read(p)))
            else:
                sources.append(_strata.Source(name=path, text=_read(path)))
        elif isinstance(item, (str, bytes)):
            n_text += 1
            text = item.decode("utf-8") if isinstance(item, bytes) else item
            name = "<text>" if len(texts) == 1 else f"<text {n_text}>"
            sources.append(_strata.Source(name=name, text=text))
        elif isinstance(
            item, (Documents, _strata.Documents, _strata.App, _strata.Cluster, _strata.Topology)
        ):
            objects.append(item)
        else:
            raise TypeError(
                f"cannot use {type(item).__name__} as strata input: give a path, YAML/JSON "
                "text, Documents, App, Cluster or Topology"
            )
    return sources, objects


def _limits(limits: dict[str, int]) -> _strata.Limits:
    """strata.Limits from the keyword options of a call (``max_members=50000``,
    ...; SPEC-2 §11); TypeError names an unknown one."""
    out = _strata.Limits()
    for name, value in limits.items():
        if name not in _strata.Limits._fields:
            raise TypeError(
                f"unknown keyword argument {name!r} (limits: {', '.join(_strata.Limits._fields)})"
            )
        setattr(out, name, value)
    return out


def _documents(
    inputs: Sequence[Any], limits: Optional[_strata.Limits] = None
) -> _strata.Documents:
    """The C++ Documents of `inputs`. A single Documents is used as is (edits
    to it are seen; its source locations are kept)."""
    items = _flatten(inputs)
    if len(items) == 1 and isinstance(items[0], Documents):
        return items[0].raw
    if len(items) == 1 and isinstance(items[0], _strata.Documents):
        return items[0]
    sources, objects = _sources_and_objects(items)
    docs = (
        _strata.load(sources, limits or _strata.Limits()) if sources else _strata.Documents()
    )
    for obj in objects:
        raw = obj.raw if isinstance(obj, Documents) else obj
        if isinstance(raw, _strata.Documents):
            for a in raw.apps:
                docs.apps.append(a)
            for c in raw.clusters:
                docs.clusters.append(c)
        elif isinstance(raw, _strata.App):
            docs.apps.append(_strata.AppDocument(app=raw))
        elif isinstance(raw, _strata.Cluster):
            docs.clusters.append(_strata.ClusterDocument(cluster=raw))
        else:  # Topology
            docs.apps.append(_strata.AppDocument(app=raw.app))
            docs.clusters.append(_strata.ClusterDocument(cluster=raw.cluster))
    return docs


def _prepare(
    inputs: Sequence[Any],
    *,
    cluster: Optional[str] = None,
    need_one: bool = False,
    need_cluster: bool = True,
    limits: Optional[_strata.Limits] = None,
) -> _strata.Prepared:
    """The core pipeline (strata/pipeline.h): Check once, pair each Cluster
    with its App, pick the Cluster. Raises ValidationError (the CLI's text),
    KeyError when no Cluster is named `cluster`, and ValueError when one
    Cluster is needed but the input holds several; each with the CLI's
    message."""
    limits = limits or _strata.Limits()
    options = _strata.PrepareOptions(
        need_cluster=need_cluster, cluster=cluster or "", need_one=need_one, limits=limits
    )
    try:
        return _strata.prepare(_documents(inputs, limits), options)
    except _strata.ValidationError:
        raise
    except _strata.Error as e:
        if e.code == _strata.StatusCode.NOT_FOUND:
            raise KeyError(e.message) from None
        if e.code == _strata.StatusCode.FAILED_PRECONDITION:
            raise ValueError(e.message) from None
        raise


def _compiled_one(
    inputs: Sequence[Any], cluster: Optional[str], limits: Optional[_strata.Limits] = None
) -> _strata.CompiledCluster:
    items = _flatten(inputs)
    if len(items) == 1 and isinstance(items[0], _strata.CompiledCluster):
        return items[0]
    if len(items) == 1 and isinstance(items[0], CompiledObjects):
        compiled = items[0].compiled
        names = [c.cluster for c in compiled]
        if cluster is not None:
            compiled = [c for c in compiled if c.cluster == cluster]
            if not compiled:
                raise KeyError(f'no Cluster named "{cluster}" in the input (have {", ".join(names)})')
        if len(compiled) > 1:
            raise ValueError(
                f"the input holds {len(compiled)} Clusters ({', '.join(names)}); name the one "
                "to use (--cluster NAME; cluster= in Python and gRPC)"
            )
        return compiled[0]
    limits = limits or _strata.Limits()
    prepared = _prepare(items, cluster=cluster, need_one=True, limits=limits)
    return _strata.compile_all(prepared, _strata.CompileOptions(limits=limits))[0]


def _time(value: TimeLike, default: Optional[_dt.datetime] = None) -> _dt.datetime:
    if value is None:
        return default if default is not None else _dt.datetime.now(_dt.timezone.utc)
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = _dt.datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _dt.datetime.fromtimestamp(value, _dt.timezone.utc)
    raise TypeError(f"expected a datetime, an RFC 3339 string or Unix seconds, got {value!r}")


def _seconds(value: Union[_dt.timedelta, float]) -> _dt.timedelta:
    return value if isinstance(value, _dt.timedelta) else _dt.timedelta(seconds=value)


def _kubernetes_to_json(value: Any) -> Any:
    """A kubernetes-client model (V1PodList, ...) as plain JSON, else `value`."""
    if hasattr(value, "openapi_types") and hasattr(value, "attribute_map"):
        from kubernetes.client import ApiClient  # type: ignore[import-not-found]

        return ApiClient().sanitize_for_serialization(value)
    return value


def observed_state(observed: Observed = None, **limits: int) -> _strata.ObservedState:
    """Returns the ObservedState of `observed`: None (nothing exists yet), an
    ObservedState, a ``kind: List`` dict, one object dict, a list of object
    dicts (or kubernetes-client models), YAML/JSON text (e.g. what
    ``kubectl get ... -o yaml`` prints), or a path to such a file. Text is
    read within the limits given as keywords (``max_file_size=``, ...;
    strata.Limits); over one raises Error (RESOURCE_EXHAUSTED)."""
    bounds = _limits(limits)
    if observed is None:
        return _strata.ObservedState()
    if isinstance(observed, _strata.ObservedState):
        return observed
    if _is_path(observed):
        path = os.fspath(observed)
        return _strata.parse_observed_state(_read(path), path, bounds)
    if isinstance(observed, bytes):
        observed = observed.decode("utf-8")
    if isinstance(observed, str):
        return _strata.parse_observed_state(observed, "<observed>", bounds)
    observed = _kubernetes_to_json(observed)
    if isinstance(observed, (list, tuple)):
        observed = [_kubernetes_to_json(o) for o in observed]
    return _strata.observed_state_from_json(observed, "<observed>")


def load(*inputs: Input, **limits: int) -> Documents:
    """Loads App and Cluster documents (paths, YAML/JSON text or objects).

    Keyword options raise or lower the input limits (SPEC-2 §11; the fields of
    strata.Limits, e.g. ``max_file_size=64 << 20``); input over one raises
    Error with code RESOURCE_EXHAUSTED, naming the file, line and limit.

    Returns a Documents whose ``apps`` and ``clusters`` can be edited and
    compiled again. Raises ValidationError for syntax and schema problems
    (unknown keys, wrong types, bad quantities), worded as the CLI words them.
    Semantic rules are checked by validate() and compile().
    """
    return Documents(_documents(inputs, _limits(limits)))


def validate(*inputs: Input, **limits: int) -> list[_strata.Diagnostic]:
    """Checks every rule of SPEC §1.3 (like ``strata validate``).

    Returns the warnings (an empty list when all is clean). Raises
    ValidationError when there is any error: its ``errors`` are every
    diagnostic (errors and warnings, sorted) and ``str(e)`` is exactly what
    the CLI prints on stderr.
    """
    return list(_prepare(inputs, need_cluster=False, limits=_limits(limits)).warnings)


def compile(*inputs: Input, cluster: Optional[str] = None, **limits: int) -> CompiledObjects:
    """Compiles every Cluster (or the one named `cluster`) with its App.

    Returns a CompiledObjects: a list of plain Kubernetes object dicts in
    SPEC §2 order, identical to ``strata compile -o json``'s items;
    ``.to_yaml()`` gives the CLI's YAML. Raises ValidationError on invalid
    input. Releases the GIL while compiling, so threads compile in parallel.
    """
    bounds = _limits(limits)
    prepared = _prepare(inputs, cluster=cluster, limits=bounds)
    compiled = _strata.compile_all(prepared, _strata.CompileOptions(limits=bounds))
    objects = [o.body for c in compiled for o in c.objects]
    return CompiledObjects(objects, compiled, list(prepared.warnings))


def plan(
    *inputs: Input,
    observed: Observed = None,
    now: TimeLike = None,
    cluster: Optional[str] = None,
    **limits: int,
) -> Plan:
    """Plans the steps from `observed` to the compiled desired state (SPEC §4).

    `inputs` name exactly one Cluster (or pick it with `cluster`); a
    CompiledObjects from compile() is accepted too. `observed` is what
    ``kubectl get ... -o yaml`` prints (see observed_state()); None means
    nothing exists yet. `now` is when it was read (a datetime, an RFC 3339
    string or Unix seconds; default: the clock). Raises ValidationError on
    invalid input and Error (FAILED_PRECONDITION) when the change cannot be
    made safely. Releases the GIL while planning.
    """
    desired = _compiled_one(inputs, cluster, _limits(limits))
    options = _strata.PlanOptions(now=_time(now))
    state = observed_state(observed, **limits)
    return Plan(_strata.plan_rollout(desired, state, options), desired=desired, observed=state)


def simulate(
    *inputs: Input,
    observed: Observed = None,
    faults: Union[str, "_strata.Fault", Sequence[Union[str, "_strata.Fault"]], None] = None,
    cluster: Optional[str] = None,
    start: TimeLike = None,
    ready_delay: Union[_dt.timedelta, float, None] = None,
    max_plans: Optional[int] = None,
    resize_delay: Union[_dt.timedelta, float, None] = None,
    **limits: int,
) -> Timeline:
    """Runs plans against an in-memory cluster until it converges (like
    ``strata simulate``) and returns the Timeline.

    `faults` is a spec such as ``"never-ready=events-broker-2;gate-fails=events-broker-4x2"``,
    Fault objects, or a list of either. `start`, `ready_delay`, `max_plans`
    and `resize_delay` override the simulation defaults
    (2026-01-01T00:00:00Z, 10 s, 10000, 20 s). ``Timeline.ok`` is the CLI's
    verdict. Releases the GIL while simulating.
    """
    desired = _compiled_one(inputs, cluster, _limits(limits))
    options = _strata.SimulateOptions()
    fault_list: list[_strata.Fault] = []
    if faults is not None:
        for f in faults if isinstance(faults, (list, tuple)) else [faults]:
            fault_list.extend(_strata.parse_faults(f) if isinstance(f, str) else [f])
    options.faults = fault_list
    if start is not None:
        options.start = _time(start)
    if ready_delay is not None:
        options.ready_delay = _seconds(ready_delay)
    if max_plans is not None:
        options.max_plans = max_plans
    if resize_delay is not None:
        options.resize_delay = _seconds(resize_delay)
    return Timeline(
        _strata.simulate(desired, observed_state(observed, **limits), options),
        cluster=desired.cluster,
        namespace=desired.namespace,
        faults=fault_list,
    )


def to_yaml(objects: Sequence[Any]) -> str:
    """Kubernetes objects (dicts) as YAML documents, exactly as ``strata compile`` prints them."""
    return _strata.to_yaml(to_objects(objects))


def to_json(objects: Sequence[Any]) -> str:
    """Kubernetes objects (dicts) as a ``kind: List``, exactly as ``strata compile -o json``."""
    return _strata.to_json_list(to_objects(objects))
