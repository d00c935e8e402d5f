"""The result types of the strata API: Documents, CompiledObjects, Plan,
Timeline. Each renders as text (``str``), JSON/YAML, and as HTML in Jupyter
(``_repr_html_``)."""

from __future__ import annotations

import datetime
import html
import json
import shutil
import subprocess
from typing import Any, Iterator, Optional, Sequence

from . import _model, _strata


def _dumps(value: Any) -> str:
    """JSON text as the strata CLI prints it: 2-space indent, UTF-8, newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def dot_to_svg(dot: str, timeout: float = 30.0) -> Optional[str]:
    """Returns `dot` rendered as an SVG document by Graphviz (``dot -Tsvg``),
    or None when Graphviz is not on PATH or fails."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-Tsvg"], input=dot.encode(), capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    svg = done.stdout.decode("utf-8", "replace")
    # Drop the XML prolog and DOCTYPE so the SVG can sit inline in HTML.
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else None


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], cls: str) -> str:
    head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{c}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_objects(objects: Sequence[Any]) -> list[_strata.Object]:
    """Returns `objects` (Kubernetes object dicts or strata Objects) as Objects."""
    out = []
    for o in objects:
        if isinstance(o, _strata.Object):
            out.append(o)
            continue
        if not isinstance(o, dict):
            raise TypeError(f"expected a Kubernetes object dict, got {type(o).__name__}")
        meta = o.get("metadata") or {}
        labels = meta.get("labels") or {}
        out.append(
            _strata.Object(
                kind=str(o.get("kind", "")),
                name=str(meta.get("name", "")),
                role=str(labels.get("app.kubernetes.io/component", "")),
                body=o,
            )
        )
    return out


class Documents:
    """Every App and Cluster loaded from some sources.

    ``apps`` and ``clusters`` are the live model objects: change them
    (``docs.cluster("events").role("broker").members = 5``) and compile again.
    """

    def __init__(self, raw: Optional[_strata.Documents] = None) -> None:
        """Wraps `raw` (a ``strata._strata.Documents``); empty by default."""
        self._raw = raw if raw is not None else _strata.Documents()

    @property
    def raw(self) -> _strata.Documents:
        """The underlying C++ Documents (with file names and source maps)."""
        return self._raw

    @property
    def apps(self) -> list[_strata.App]:
        """The Apps, in source order (live: edits apply to these documents)."""
        return [d.app for d in self._raw.apps]

    @property
    def clusters(self) -> list[_strata.Cluster]:
        """The Clusters, in source order (live: edits apply to these documents).
        Their ``role(name)`` raises KeyError when their App here has no such role."""
        clusters = [d.cluster for d in self._raw.clusters]
        for c in clusters:
            _model.bind_documents(c, self)
        return clusters

    def find_app(self, name: str) -> Optional[_strata.App]:
        """The App named `name`, or None."""
        for app in self.apps:
            if app.name == name:
                return app
        return None

    def app(self, name: Optional[str] = None) -> _strata.App:
        """Returns the App named `name` (or the only App); KeyError if none."""
        return _pick(self.apps, name, "App")

    def cluster(self, name: Optional[str] = None) -> _strata.Cluster:
        """Returns the Cluster named `name` (or the only Cluster); KeyError if none."""
        return _pick(self.clusters, name, "Cluster")

    def add(self, obj: Any) -> Any:
        """Adds a copy of an App or Cluster and returns the stored (live) copy.
        Earlier references into `apps` / `clusters` of that kind are invalid
        afterwards: fetch them again."""
        if isinstance(obj, _strata.App):
            self._raw.apps.append(_strata.AppDocument(app=obj))
            return self._raw.apps[len(self._raw.apps) - 1].app
        if isinstance(obj, _strata.Cluster):
            self._raw.clusters.append(_strata.ClusterDocument(cluster=obj))
            return self.clusters[-1]
        raise TypeError(f"expected an App or a Cluster, got {type(obj).__name__}")

    def check(self) -> list[_strata.Diagnostic]:
        """Every error and warning, sorted as the CLI prints them."""
        return _strata.check(self._raw)

    def __iter__(self) -> Iterator[Any]:
        """Iterates over the Apps, then the Clusters."""
        yield from self.apps
        yield from self.clusters

    def __len__(self) -> int:
        """The number of documents."""
        return len(self._raw.apps) + len(self._raw.clusters)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Documents) and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Documents(apps={self.apps!r}, clusters={self.clusters!r})"


def _pick(items: list[Any], name: Optional[str], what: str) -> Any:
    if name is None:
        if len(items) == 1:
            return items[0]
        raise KeyError(f"{len(items)} {what}s loaded; name one of {[i.name for i in items]}")
    for item in items:
        if item.name == name:
            return item
    raise KeyError(f"no {what} named {name!r}; have {[i.name for i in items]}")


class CompiledObjects(list):
    """The compiled Kubernetes objects: a ``list`` of plain dicts, in SPEC §2
    order, with ``to_yaml()``/``to_json()`` (the CLI's exact text) and an
    HTML table in Jupyter."""

    def __init__(
        self,
        objects: Sequence[dict] = (),
        compiled: Sequence[_strata.CompiledCluster] = (),
        warnings: Sequence[_strata.Diagnostic] = (),
    ) -> None:
        """`objects` as dicts; `compiled` the CompiledClusters they came from."""
        super().__init__(objects)
        self.compiled: list[_strata.CompiledCluster] = list(compiled)
        """The CompiledClusters (roles, hashes, budgets) behind the objects."""
        self.warnings: list[_strata.Diagnostic] = list(warnings)
        """Validation warnings (the CLI prints them on stderr)."""

    def to_yaml(self) -> str:
        """Every object as a YAML document, exactly as ``strata compile`` prints."""
        return _strata.to_yaml(to_objects(self))

    def to_json(self) -> str:
        """A ``kind: List`` of every object, exactly as ``strata compile -o json``."""
        return _strata.to_json_list(to_objects(self))

    def find(self, kind: str, name: str) -> dict:
        """Returns the object of `kind` named `name`; KeyError if none."""
        for o in self:
            if o.get("kind") == kind and (o.get("metadata") or {}).get("name") == name:
                return o
        raise KeyError(f"no {kind} named {name!r}")

    def of_kind(self, kind: str) -> list[dict]:
        """Returns the objects of `kind`, in order."""
        return [o for o in self if o.get("kind") == kind]

    def _repr_html_(self) -> str:
        rows = []
        for o in self:
            meta = o.get("metadata") or {}
            labels = meta.get("labels") or {}
            rows.append(
                [
                    html.escape(str(o.get("kind", ""))),
                    f"<code>{html.escape(str(meta.get('name', '')))}</code>",
                    html.escape(str(labels.get("app.kubernetes.io/component", ""))),
                    html.escape(str(meta.get("namespace", ""))),
                ]
            )
        title = f"<p><b>{len(self)} objects</b></p>"
        return title + _table(["kind", "name", "role", "namespace"], rows, "strata-objects")


class PlanDiff:
    """What a plan changes (``Plan.diff``): ``objects`` (each with ``op``
    "+", "~" or "-", ``object_kind``, ``name``, ``role``, ``fields`` of
    ``path``/``before``/``after``, the whole ``object`` of an added one),
    ``restarts``, the counts, and ``str()`` as ``strata plan -o diff`` prints
    it ("" when nothing differs). Secret values are never shown.
    """

    def __init__(self, raw: _strata.PlanDiff) -> None:
        """Wraps a ``strata._strata.PlanDiff``."""
        self._raw = raw

    @property
    def raw(self) -> _strata.PlanDiff:
        """The underlying C++ PlanDiff."""
        return self._raw

    @property
    def empty(self) -> bool:
        """True when nothing differs (no object, no member restart)."""
        return self._raw.empty

    @property
    def objects(self) -> list[_strata.ObjectChange]:
        """Adds and changes in the compiled objects' order, then deletions."""
        return list(self._raw.objects)

    @property
    def restarts(self) -> list[_strata.MemberRestart]:
        """The members the plan restarts, in order."""
        return list(self._raw.restarts)

    @property
    def to_add(self) -> int:
        """Objects the plan creates."""
        return self._raw.to_add

    @property
    def to_change(self) -> int:
        """Objects whose fields change."""
        return self._raw.to_change

    @property
    def to_delete(self) -> int:
        """Objects the plan deletes."""
        return self._raw.to_delete

    def to_dict(self) -> dict:
        """The diff as a dict: objects, restarts and a summary of the counts."""
        return _strata.plan_diff_to_json(self._raw)

    def to_text(self) -> str:
        """The diff as ``strata plan -o diff`` prints it."""
        return _strata.plan_diff_to_text(self._raw)

    def __bool__(self) -> bool:
        return not self._raw.empty

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (
            f"PlanDiff(to_add={self.to_add}, to_change={self.to_change}, "
            f"to_delete={self.to_delete}, restarts={len(self._raw.restarts)})"
        )


class Plan:
    """The ordered, explained steps from what runs to what was asked (SPEC §4).

    ``steps`` each have ``id``, ``action``, ``target`` (kind, name, role,
    ordinal), ``after``, ``reason`` and the action's own fields; ``next`` are
    the ids that may run now. Renders as a table with the step graph in
    Jupyter.
    """

    def __init__(
        self,
        raw: _strata.Plan,
        desired: Optional[_strata.CompiledCluster] = None,
        observed: Optional[_strata.ObservedState] = None,
    ) -> None:
        """Wraps a ``strata._strata.Plan``; `desired` and `observed` (what it
        was planned between) make ``diff`` available."""
        self._raw = raw
        self._steps = list(raw.steps)
        self._desired = desired
        self._observed = observed

    @property
    def diff(self) -> "PlanDiff":
        """What the plan changes, object by object and field by field (like
        ``strata plan -o diff``). Raises ValueError for a Plan made without
        the states it was planned between."""
        if self._desired is None or self._observed is None:
            raise ValueError("this Plan was made without its desired and observed states")
        return PlanDiff(_strata.diff_plan(self._desired, self._observed, self._raw))

    @property
    def raw(self) -> _strata.Plan:
        """The underlying C++ Plan."""
        return self._raw

    @property
    def cluster(self) -> str:
        """The cluster's name."""
        return self._raw.cluster

    @property
    def namespace(self) -> str:
        """The cluster's namespace."""
        return self._raw.namespace

    @property
    def converged(self) -> bool:
        """True exactly when there is nothing to do."""
        return self._raw.converged

    @property
    def steps(self) -> list[_strata.Step]:
        """The steps, in execution order (ids ascend from 1)."""
        return list(self._steps)

    @property
    def next(self) -> list[int]:
        """The ids of the steps that may run now."""
        return list(self._raw.next)

    @property
    def next_steps(self) -> list[_strata.Step]:
        """The steps that may run now."""
        return [self._steps[i - 1] for i in self._raw.next]

    @property
    def notes(self) -> list[str]:
        """Plan-wide remarks (fallbacks, blocked members)."""
        return list(self._raw.notes)

    @property
    def blocked(self) -> bool:
        """True when the plan stops at a member that cannot make progress."""
        return self._raw.blocked

    @property
    def blocked_reason(self) -> str:
        """Why the plan is blocked; "" unless ``blocked``."""
        return self._raw.blocked_reason

    def step(self, id: int) -> _strata.Step:
        """Returns the step with `id`."""
        return self._steps[id - 1]

    def to_dict(self) -> dict:
        """The plan in SPEC §4's JSON shape, as a dict."""
        return _strata.plan_to_json(self._raw)

    def to_json(self) -> str:
        """The plan as ``strata plan -o json`` prints it."""
        return _dumps(self.to_dict())

    def to_yaml(self) -> str:
        """The plan as ``strata plan -o yaml`` prints it."""
        return _strata.to_yaml(self.to_dict())

    def to_text(self) -> str:
        """The plan as ``strata plan`` prints it: numbered, grouped by phase and role."""
        return _strata.plan_to_text(self._raw)

    def to_dot(self) -> str:
        """The step graph in Graphviz dot (``strata plan -o dot``)."""
        return _strata.plan_to_dot(self._raw)

    def to_svg(self) -> Optional[str]:
        """The step graph as inline SVG, or None without Graphviz ``dot``."""
        return dot_to_svg(self.to_dot())

    def __len__(self) -> int:
        """The number of steps."""
        return len(self._steps)

    def __iter__(self) -> Iterator[_strata.Step]:
        """Iterates over the steps in order."""
        return iter(list(self._steps))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plan) and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (
            f"Plan(cluster={self.cluster!r}, namespace={self.namespace!r}, "
            f"steps={len(self._steps)}, next={self.next!r}, converged={self.converged!r})"
        )

    def _repr_html_(self) -> str:
        title = (
            f"<p><b>Plan</b> for cluster <code>{html.escape(self.cluster)}</code> "
            f"(namespace <code>{html.escape(self.namespace)}</code>): "
        )
        if self.converged:
            return title + "converged, nothing to do.</p>"
        title += f"{len(self._steps)} steps; next: {html.escape(str(self.next))}</p>"
        next_ids = set(self._raw.next)
        rows = []
        for s in self._steps:
            t = s.target
            target = f"{html.escape(t.kind)}/<code>{html.escape(t.name)}</code>"
            if t.role:
                target += f" <small>(role {html.escape(t.role)})</small>"
            rows.append(
                [
                    "&#9654; next" if s.id in next_ids else "",
                    str(s.id),
                    f"<b>{html.escape(s.action)}</b>",
                    target,
                    html.escape(", ".join(str(a) for a in s.after)),
                    html.escape(s.reason),
                ]
            )
        out = title + _table(["", "id", "action", "target", "after", "reason"], rows, "strata-plan")
        if self.notes:
            out += "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes) + "</ul>"
        svg = self.to_svg()
        if svg:
            out += f"<div class='strata-plan-graph'>{svg}</div>"
        return out


class Timeline:
    """What a simulation did: events in time, invariant violations, whether
    it converged or got blocked at a stuck member."""

    def __init__(
        self,
        raw: "_strata.Timeline",
        cluster: str = "",
        namespace: str = "",
        faults: Sequence["_strata.Fault"] = (),
    ) -> None:
        """Wraps a ``strata._strata.Timeline`` of `cluster` run with `faults`."""
        self._raw = raw
        self._events = list(raw.events)
        self._cluster = cluster
        self._namespace = namespace
        self._faults = list(faults)

    @property
    def cluster(self) -> str:
        """The simulated cluster's name."""
        return self._cluster

    @property
    def namespace(self) -> str:
        """The simulated cluster's namespace."""
        return self._namespace

    @property
    def faults(self) -> list["_strata.Fault"]:
        """The faults injected."""
        return list(self._faults)

    @property
    def ok(self) -> bool:
        """The verdict ``strata simulate`` gives: no invariant was violated, and
        the cluster converged, or it stopped at a member an injected
        never-ready fault keeps down."""
        return self._raw.ok

    @property
    def raw(self) -> "_strata.Timeline":
        """The underlying C++ Timeline."""
        return self._raw

    @property
    def events(self) -> list["_strata.TimelineEvent"]:
        """The events (time, plan round, what) in order."""
        return list(self._events)

    @property
    def violations(self) -> list[str]:
        """The invariants broken; empty means the rollout stayed safe."""
        return list(self._raw.violations)

    @property
    def converged(self) -> bool:
        """True when the last plan was empty."""
        return self._raw.converged

    @property
    def blocked(self) -> bool:
        """True when the simulation stopped at a stuck member."""
        return self._raw.blocked

    @property
    def blocked_reason(self) -> str:
        """Why it stopped, when blocked."""
        return self._raw.blocked_reason

    @property
    def plans(self) -> int:
        """The planning rounds run."""
        return self._raw.plans

    @property
    def steps(self) -> int:
        """The plan steps executed."""
        return self._raw.steps

    @property
    def start(self) -> "datetime.datetime":
        """The simulated start time."""
        return self._raw.start

    @property
    def final_state(self) -> _strata.ObservedState:
        """The simulated cluster at the end."""
        return self._raw.final_state

    def to_text(self) -> str:
        """The timeline as ``strata simulate`` prints it."""
        return _strata.timeline_to_text(self._raw)

    def to_dict(self) -> dict:
        """The timeline as ``strata simulate -o json`` gives it: cluster,
        namespace and verdict (``ok``), then the timeline's own fields."""
        out = {"cluster": self._cluster, "namespace": self._namespace}
        out.update(_strata.timeline_to_json(self._raw))
        return out

    def to_json(self) -> str:
        """The timeline as ``strata simulate -o json`` prints it (one cluster)."""
        return _dumps(self.to_dict())

    def __len__(self) -> int:
        """The number of events."""
        return len(self._events)

    def __iter__(self) -> Iterator["_strata.TimelineEvent"]:
        """Iterates over the events in order."""
        return iter(list(self._events))

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (
            f"Timeline(cluster={self._cluster!r}, events={len(self._events)}, steps={self.steps}, "
            f"plans={self.plans}, converged={self.converged!r}, "
            f"blocked={self.blocked!r}, violations={self.violations!r})"
        )

    def _repr_html_(self) -> str:
        if self.converged:
            status = "<span style='color:green'>converged</span>"
        elif self.blocked and self.ok:
            status = (
                "<span style='color:green'>blocked, as the never-ready fault demands</span>: "
                + html.escape(self.blocked_reason)
            )
        elif self.blocked:
            status = (
                "<span style='color:#b36b00'>blocked</span>: " + html.escape(self.blocked_reason)
            )
        else:
            status = "<span style='color:#b00'>did not converge</span>"
        out = (
            f"<p><b>Simulation</b> of <code>{html.escape(self._cluster)}</code>: {status}; "
            f"{self.steps} steps in {self.plans} plans, "
            f"{len(self._events)} events, {len(self.violations)} violations.</p>"
        )
        if self.violations:
            out += (
                "<ul style='color:#b00'>"
                + "".join(f"<li>{html.escape(v)}</li>" for v in self.violations)
                + "</ul>"
            )
        rows = [
            [html.escape(e.time.strftime("%H:%M:%S")), str(e.plan), html.escape(e.what)]
            for e in self._events
        ]
        return out + _table(["time", "plan", "event"], rows, "strata-timeline")
