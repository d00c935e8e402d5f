"""Acting on a real cluster (SPEC-2 §6 "Python"): apply, observe, status.

These run strata's one executor (strata/execute.h, through the binding
submodule ``strata._strata._execute``) with the Kubernetes client of the
CLI: the same kubeconfig rules (`kubeconfig`, else ``$KUBECONFIG``, else
``~/.kube/config``, else the in-cluster service account), the same steps,
retries and timeouts,
the same events (``strata apply -o json``'s lines, as dicts).

The GIL is released while the executor runs; it is taken again only to hand
an event to the `progress` callable, so other Python threads keep running
during a twenty-minute rollout.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
import signal
import sys
import threading
from typing import Any, Callable, Optional, Sequence, Union

from . import _strata
from ._api import Input, _flatten, _prepare
from ._results import CompiledObjects, Plan

Event = dict
Progress = Union[bool, None, Callable[[Event], Any]]
Seconds = Union[_dt.timedelta, float, int, None]

# SPEC-2 §6: `strata apply --timeout 30m`.
DEFAULT_TIMEOUT = _dt.timedelta(minutes=30)


class ClusterError(_strata.Error):
    """The cluster cannot be reached or used (the CLI's exit 5): no or a bad
    kubeconfig, an unreachable server, expired credentials, RBAC. ``str(e)``
    names the strata call and the failing API call with its HTTP status
    ("strata.apply: cannot reach or use the cluster: GET /api/v1/namespaces/
    data/pods: 403 Forbidden: ..."); ``code`` is the StatusCode and
    ``http_status`` the HTTP status (None when no answer came)."""


def _cluster_error(call: str, error: _strata.Error, connecting: bool = False) -> _strata.Error:
    """`error` from the cluster calls of strata.`call` as ClusterError; an
    InvalidArgument that no API call answered (the topology itself) stays
    as it is, like the CLI's exit 1. Every error `connecting` (a missing or
    malformed kubeconfig) is a ClusterError: the cluster cannot be used."""
    http_status = getattr(error, "http_status", None)
    if error.code == _strata.StatusCode.INVALID_ARGUMENT and http_status is None and not connecting:
        return error
    text = f"strata.{call}: cannot reach or use the cluster: {error.message} ({error.code.name})"
    exc = ClusterError(text)
    exc.code = error.code
    exc.message = text
    exc.http_status = http_status
    return exc


def _execute_module() -> Any:
    _execute = getattr(_strata, "_execute", None)
    if _execute is None:  # Built without the Kubernetes client.
        raise ImportError(
            "strata was built without its Kubernetes client (STRATA_BUILD_KUBE_CLIENT=OFF): "
            "apply, observe and status are not available"
        )
    return _execute


def _connect(call: str, kubeconfig: Optional[Union[str, os.PathLike]], context: Optional[str]):
    if kubeconfig is not None and not isinstance(kubeconfig, (str, os.PathLike)):
        raise TypeError(
            f"strata.{call}: kubeconfig must be a path, got {type(kubeconfig).__name__}"
        )
    if context is not None and not isinstance(context, str):
        raise TypeError(f"strata.{call}: context must be a str, got {type(context).__name__}")
    try:
        path = os.path.expanduser(os.fspath(kubeconfig)) if kubeconfig is not None else ""
        return _execute_module().connect(path, context or "")
    except _strata.Error as e:
        # A missing or malformed kubeconfig: the cluster cannot be used with it.
        raise _cluster_error(call, e, connecting=True) from None


def _compiled(inputs: Sequence[Any], cluster: Optional[str]) -> list:
    """Every CompiledCluster of `inputs` (or the one named `cluster`)."""
    items = _flatten(inputs)
    if len(items) == 1 and isinstance(items[0], _strata.CompiledCluster):
        return [items[0]]
    if len(items) == 1 and isinstance(items[0], CompiledObjects):
        compiled = list(items[0].compiled)
        if cluster is not None:
            names = [c.cluster for c in compiled]
            compiled = [c for c in compiled if c.cluster == cluster]
            if not compiled:
                have = ", ".join(names)
                raise KeyError(f'no Cluster named "{cluster}" in the input (have {have})')
        return compiled
    return list(_strata.compile_all(_prepare(items, cluster=cluster)))


def _duration(name: str, value: Seconds) -> Optional[_dt.timedelta]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (_dt.timedelta, int, float)):
        raise TypeError(f"strata.apply: {name} must be a timedelta or seconds, got {value!r}")
    delta = value if isinstance(value, _dt.timedelta) else _dt.timedelta(seconds=value)
    if delta <= _dt.timedelta(0):
        raise ValueError(f"strata.apply: {name} must be positive, got {value!r}")
    return delta


# ----------------------------------------------------------------- results


class ClusterApply:
    """What ``strata.apply`` did to one Cluster."""

    def __init__(self, compiled: Any, summary: dict, plan: Any, started, finished):
        self.cluster: str = compiled.cluster
        self.namespace: str = compiled.namespace
        #: "converged", "blocked", "deadline", "cancelled" or "passDone" (once/dry_run).
        self.outcome: str = summary["outcome"]
        self.converged: bool = bool(summary["converged"])
        self.blocked: Optional[str] = summary["blockedReason"] or None
        self.passes: int = summary["passes"]
        self.steps: int = summary["steps"]
        #: Every event, as dicts (``strata apply -o json``'s lines).
        self.events: list = list(summary["events"])
        #: The last plan made: what remains to do (empty when converged).
        self.plan = Plan(plan)
        self.started: _dt.datetime = started
        self.finished: _dt.datetime = finished

    def __repr__(self) -> str:
        extra = f", blocked={self.blocked!r}" if self.blocked else ""
        return (
            f"<ClusterApply {self.namespace}/{self.cluster}: {self.outcome}, {self.steps} steps "
            f"in {self.passes} passes{extra}>"
        )


class ApplyResult:
    """The result of ``strata.apply``.

    ``converged`` is True when every Cluster converged (or, with ``once`` or
    ``dry_run``, when the pass left nothing to do); ``blocked`` is the reason
    a Cluster cannot progress (a member not Ready in time, a hook that kept
    failing, a change refused), else None; ``outcome`` is the first Cluster's
    outcome that was not "converged" ("blocked", "deadline", "cancelled",
    "passDone"), else "converged"; ``events`` every event of every Cluster,
    as dicts. ``clusters`` holds a ClusterApply per Cluster applied (Clusters
    are applied in order; the first that does not converge ends the run).
    """

    def __init__(self, clusters: list):
        self.clusters: list = clusters
        self.converged: bool = all(c.converged for c in clusters)
        stopped = [c for c in clusters if c.outcome != "converged"]
        self.outcome: str = stopped[0].outcome if stopped else "converged"
        blocked = [c.blocked for c in clusters if c.blocked]
        self.blocked: Optional[str] = blocked[0] if blocked else None
        self.cancelled: bool = self.outcome == "cancelled"
        self.events: list = [e for c in clusters for e in c.events]

    @property
    def steps(self) -> int:
        """Steps run (succeeded or failed), over every Cluster."""
        return sum(c.steps for c in self.clusters)

    def __bool__(self) -> bool:
        return self.converged

    def __repr__(self) -> str:
        extra = f", blocked={self.blocked!r}" if self.blocked else ""
        names = ", ".join(c.cluster for c in self.clusters)
        return f"<ApplyResult {names}: {self.outcome}, converged={self.converged}{extra}>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(c.namespace)}/{html.escape(c.cluster)}</td>"
            f"<td>{html.escape(c.outcome)}</td><td>{c.steps}</td><td>{c.passes}</td>"
            f"<td>{html.escape(c.blocked or '')}</td></tr>"
            for c in self.clusters
        )
        return (
            "<table><thead><tr><th>cluster</th><th>outcome</th><th>steps</th><th>passes</th>"
            f"<th>blocked</th></tr></thead><tbody>{rows}</tbody></table>"
        )


# ----------------------------------------------------------------- progress


def _clock(event: Event) -> str:
    text = event.get("time", "")
    return text[11:19] if len(text) >= 19 else text


def _event_line(event: Event) -> str:
    """One line a person reads: the time, the message, and the elapsed time
    of a finished step."""
    line = f"{_clock(event)} {event.get('message', '')}"
    kind = event.get("event")
    if kind in ("stepSucceeded", "stepFailed") and "elapsedSeconds" in event:
        line += f" ({event['elapsedSeconds']:.1f}s)"
    if kind == "stepFailed" and event.get("stderr"):
        line += "\n    " + event["stderr"].strip().replace("\n", "\n    ")
    return line


class TextProgress:
    """Progress on a text stream, as ``strata apply`` prints it: one line per
    event, and waits on one line updated in place when the stream is a
    terminal (elsewhere a wait is printed when its condition changes)."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self._open_wait = False  # A wait line without its newline (tty).
        self._last_wait: Optional[str] = None

    def __call__(self, event: Event) -> None:
        if event.get("event") == "waiting":
            line = f"{_clock(event)} {event.get('message', '')}"
            elapsed = event.get("elapsedSeconds")
            if elapsed is not None:
                line += f" (waited {elapsed:.0f}s)"
            if self.tty:
                self.stream.write("\r\x1b[K" + line)
                self._open_wait = True
            elif event.get("condition") != self._last_wait:
                self.stream.write(line + "\n")
            self._last_wait = event.get("condition")
        else:
            if self._open_wait:
                self.stream.write("\n")
                self._open_wait = False
            self._last_wait = None
            self.stream.write(_event_line(event) + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Ends a wait line left open on a terminal."""
        if self._open_wait:
            self.stream.write("\n")
            self._open_wait = False
            self.stream.flush()


class NotebookProgress:
    """A live-updating progress display in Jupyter (one IPython display
    handle, updated per event): the Cluster, the current wait and the last
    steps."""

    MAX_LINES = 12

    def __init__(self, display_module: Any):
        self._display = display_module
        self._lines: list = []
        self._wait: Optional[str] = None
        self._state = "starting"
        self._handle = display_module.display(display_module.HTML(self._html()), display_id=True)

    def _html(self) -> str:
        shown = self._lines[-self.MAX_LINES :]
        lines = "".join(f"<div>{html.escape(line)}</div>" for line in shown)
        wait = f"<div><i>{html.escape(self._wait)}</i></div>" if self._wait else ""
        return (
            f"<div style='font-family: monospace'><b>strata.apply: {html.escape(self._state)}"
            f"</b>{lines}{wait}</div>"
        )

    def __call__(self, event: Event) -> None:
        kind = event.get("event")
        if kind == "waiting":
            elapsed = event.get("elapsedSeconds", 0.0)
            self._wait = f"{_clock(event)} {event.get('message', '')} (waited {elapsed:.0f}s)"
        else:
            self._wait = None
            self._lines.append(_event_line(event))
        if kind in ("converged", "blocked", "deadline", "cancelled"):
            self._state = kind
        elif kind == "planned":
            self._state = f"{event.get('cluster', '')}: pass {event.get('pass', '')}"
        self._handle.update(self._display.HTML(self._html()))

    def close(self) -> None:
        """Nothing to end: the display keeps its last state."""


def _in_notebook() -> Optional[Any]:
    """IPython.display when running in a Jupyter kernel, else None (IPython
    is not required)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython() if hasattr(ipython, "get_ipython") else None
    if shell is None or type(shell).__name__ != "ZMQInteractiveShell":
        return None
    try:
        from IPython import display  # type: ignore[import-not-found]
    except ImportError:
        return None
    return display


def _progress_callback(progress: Progress):
    if progress is None or progress is False:
        return None
    if progress is True:
        display = _in_notebook()
        return NotebookProgress(display) if display is not None else TextProgress()
    if callable(progress):
        return progress
    raise TypeError(f"strata.apply: progress must be True, False or a callable, got {progress!r}")


def _handles_sigint() -> bool:
    """SIGINT is ours to handle while apply runs when this is the main thread
    and Python's default handler (KeyboardInterrupt) is installed."""
    return (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )


# ----------------------------------------------------------------- entry points


def apply(
    *inputs: Input,
    kubeconfig: Optional[Union[str, os.PathLike]] = None,
    context: Optional[str] = None,
    timeout: Seconds = DEFAULT_TIMEOUT,
    once: bool = False,
    dry_run: bool = False,
    approve: Union[str, Sequence[str], None] = None,
    progress: Progress = True,
    cluster: Optional[str] = None,
    unavailable_grace: Seconds = None,
) -> ApplyResult:
    """Drives every Cluster of `inputs` (or the one named `cluster`) on a real
    cluster to its compiled state, like ``strata apply`` (SPEC-2 §6).

    `kubeconfig` and `context` pick the cluster (default: ``$KUBECONFIG``,
    else ``~/.kube/config``, else the in-cluster service account; the
    kubeconfig's current context). `timeout` (a timedelta or seconds; None:
    no limit) bounds the run: outcome "deadline" when it passes while still
    progressing. `once` runs one pass; `dry_run` observes, plans and sends
    every apply with server dry-run, running nothing else. `approve` gives
    approval tokens. `unavailable_grace` is how long an unreachable server
    is waited out (default 2 minutes).

    `progress`: True shows progress (a live display in Jupyter, else lines
    on stderr, waits updated in place on a terminal); False shows nothing; a
    callable receives each event as a dict (``strata apply -o json``'s
    lines: event, time, cluster, pass, step, condition, elapsedSeconds,
    message, ...), on the thread that called apply. An exception raised by
    the callable stops the run at a safe point and is raised.

    Returns an ApplyResult (``converged``, ``blocked``, ``outcome``,
    ``events``). Raises ValidationError on invalid input and ClusterError
    (a strata.Error) when the cluster cannot be reached or used, naming the
    failing API call and its status.

    Ctrl-C (when apply runs in the main thread) stops the run at the next
    safe point, as the CLI does: between steps or during a wait; a running
    gate is abandoned; a second Ctrl-C also abandons a running
    memberLeave/memberJoin, which the next run runs again. Then apply raises
    KeyboardInterrupt whose ``result`` attribute is the ApplyResult of the
    stopped run (outcome "cancelled"); applying again resumes.
    """
    if not isinstance(once, bool) or not isinstance(dry_run, bool):
        raise TypeError("strata.apply: once and dry_run must be True or False")
    if approve is None:
        tokens: list = []
    elif isinstance(approve, str):
        tokens = [approve]
    else:
        tokens = list(approve)
        if not all(isinstance(t, str) for t in tokens):
            raise TypeError("strata.apply: approve must be a token (str) or a list of tokens")
    deadline = _duration("timeout", timeout)
    grace = _duration("unavailable_grace", unavailable_grace)
    callback = _progress_callback(progress)
    compiled = _compiled(inputs, cluster)
    execute = _execute_module()
    kube = _connect("apply", kubeconfig, context)
    # Fail fast when the cluster cannot be used at all (as `strata apply`):
    # Reconcile waits out an unreachable server for `unavailable_grace`,
    # which is for a server that goes away mid-apply, not a wrong kubeconfig.
    try:
        kube.observe(compiled[0])
    except _strata.Error as e:
        raise _cluster_error("apply", e) from None
    done: list = []
    # One `timeout` for the whole run, as the CLI's --timeout.
    begun = _dt.datetime.now(_dt.timezone.utc)
    try:
        for desired in compiled:
            left = None
            if deadline is not None:
                spent = _dt.datetime.now(_dt.timezone.utc) - begun
                left = max(deadline - spent, _dt.timedelta(microseconds=1))
            try:
                summary, plan, started, finished = execute.reconcile(
                    desired,
                    kube,
                    timeout=left,
                    once=once,
                    dry_run=dry_run,
                    approve=tokens,
                    on_event=callback,
                    handle_sigint=_handles_sigint(),
                    unavailable_grace=grace,
                )
            except _strata.Error as e:
                raise _cluster_error("apply", e) from None
            done.append(ClusterApply(desired, summary, plan, started, finished))
            if summary["interrupts"] > 0:
                result = ApplyResult(done)
                interrupt = KeyboardInterrupt(
                    f"strata.apply stopped at a safe point: {done[-1].events[-1]['message']}"
                    if done[-1].events
                    else "strata.apply stopped"
                )
                interrupt.result = result  # type: ignore[attr-defined]
                raise interrupt
            if done[-1].outcome not in ("converged", "passDone"):
                break
    finally:
        if isinstance(callback, (TextProgress, NotebookProgress)):
            callback.close()
    return ApplyResult(done)


def observe(
    *inputs: Input,
    kubeconfig: Optional[Union[str, os.PathLike]] = None,
    context: Optional[str] = None,
    cluster: Optional[str] = None,
) -> _strata.ObservedState:
    """Reads what runs for the one Cluster of `inputs` (or the one named
    `cluster`), like ``strata observe``: the ObservedState that
    ``strata.plan(docs, observed=...)`` accepts. Raises ClusterError when the
    cluster cannot be reached or used, naming the failing call."""
    compiled = _compiled(inputs, cluster)
    if len(compiled) != 1:
        names = ", ".join(c.cluster for c in compiled)
        raise ValueError(
            f"strata.observe: the input holds {len(compiled)} Clusters ({names}); name the one "
            "to observe with cluster="
        )
    kube = _connect("observe", kubeconfig, context)
    try:
        state, _ = kube.observe(compiled[0])
    except _strata.Error as e:
        raise _cluster_error("observe", e) from None
    return state


class ClusterStatus:
    """How far one running Cluster is from its files (strata/cluster_status.h):
    what ``strata status`` prints. ``str()`` is the CLI's text, ``to_json()``
    its JSON, and Jupyter shows it as tables."""

    def __init__(self, data: dict, text: str):
        self._data = data
        self._text = text
        self.cluster: str = data["cluster"]
        self.namespace: str = data["namespace"]
        #: The plan from what runs to the files is empty.
        self.converged: bool = data["converged"]
        #: Why it cannot progress (a member not Ready, a change refused), else None.
        self.blocked: Optional[str] = data.get("blockedReason") if data["blocked"] else None
        #: Per role: name, statefulSet, desired, existing, ready, updated,
        #: converged, steps, attention (the members that are not where the
        #: files want them).
        self.roles: list = data["roles"]
        #: The steps that would run next: id, action, headline, reason.
        self.next: list = data["next"]
        self.notes: list = data["notes"]
        self.steps: int = data["steps"]
        self.observed_at: str = data["observedAt"]

    def to_json(self) -> dict:
        """``strata status -o json``'s entry for this Cluster."""
        return self._data

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        state = "converged" if self.converged else f"{self.steps} steps to go"
        if self.blocked:
            state += f", blocked: {self.blocked}"
        return f"<ClusterStatus {self.namespace}/{self.cluster}: {state}>"

    def _repr_html_(self) -> str:
        e = html.escape
        state = "converged" if self.converged else f"not converged: {self.steps} steps to go"
        if self.blocked:
            state += f"; <b>blocked</b>: {e(self.blocked)}"
        head = f"<p><b>{e(self.namespace)}/{e(self.cluster)}</b>: {state}</p>"
        rows = "".join(
            f"<tr><td>{e(r['name'])}</td><td>{r['desired']}</td><td>{r['existing']}</td>"
            f"<td>{r['ready']}</td><td>{r['updated']}</td>"
            f"<td>{'yes' if r['converged'] else 'no'}</td></tr>"
            for r in self.roles
        )
        roles = (
            "<table><thead><tr><th>role</th><th>desired</th><th>existing</th><th>ready</th>"
            f"<th>updated</th><th>converged</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        attention = "".join(
            f"<li>{e(m['pod'])}: "
            + ", ".join(
                w
                for w, bad in (
                    ("missing", not m["exists"]),
                    ("not Ready", m["exists"] and not m["ready"]),
                    ("outdated", m["exists"] and not m["updated"]),
                    ("terminating", m.get("terminating", False)),
                )
                if bad
            )
            + (f" ({e(m['stuck'])})" if m.get("stuck") else "")
            + "</li>"
            for r in self.roles
            for m in r["attention"]
        )
        attention = f"<p>Members needing attention:</p><ul>{attention}</ul>" if attention else ""
        steps = "".join(
            f"<li>{s['id']}. {e(s['headline'])}: {e(s['reason'])}</li>" for s in self.next
        )
        steps = f"<p>Next steps:</p><ol style='list-style: none'>{steps}</ol>" if steps else ""
        notes = "".join(f"<li>{e(n)}</li>" for n in self.notes)
        notes = f"<p>Notes:</p><ul>{notes}</ul>" if notes else ""
        return f"<div>{head}{roles}{attention}{steps}{notes}</div>"


class StatusReport:
    """``strata.status``'s result: a ClusterStatus per Cluster of the input
    (``clusters``) and ``converged`` when every one has converged."""

    def __init__(self, clusters: list):
        self.clusters: list = clusters
        self.converged: bool = all(c.converged for c in clusters)

    def cluster(self, name: str) -> ClusterStatus:
        """The status of the Cluster called `name`; KeyError when there is none."""
        for c in self.clusters:
            if c.cluster == name:
                return c
        raise KeyError(f'no Cluster named "{name}" in this status')

    def to_json(self) -> dict:
        """``strata status -o json``: {"converged", "clusters": [...]}."""
        return {"converged": self.converged, "clusters": [c.to_json() for c in self.clusters]}

    def __str__(self) -> str:
        return "\n".join(str(c) for c in self.clusters)

    def __repr__(self) -> str:
        return f"<StatusReport converged={self.converged}: {', '.join(map(repr, self.clusters))}>"

    def _repr_html_(self) -> str:
        return "".join(c._repr_html_() for c in self.clusters)


def status(
    *inputs: Input,
    kubeconfig: Optional[Union[str, os.PathLike]] = None,
    context: Optional[str] = None,
    cluster: Optional[str] = None,
) -> StatusReport:
    """How far each running Cluster of `inputs` (or the one named `cluster`)
    is from its files, like ``strata status``: per role the members desired,
    existing, Ready and updated; converged or not, the blocked reason and the
    next steps. Returns a StatusReport (``converged``, ``clusters``; an HTML
    table in Jupyter). Raises ClusterError when the cluster cannot be
    reached or used, naming the failing call."""
    compiled = _compiled(inputs, cluster)
    kube = _connect("status", kubeconfig, context)
    out = []
    for desired in compiled:
        try:
            data, text = kube.status(desired)
        except _strata.Error as e:
            raise _cluster_error("status", e) from None
        out.append(ClusterStatus(data, text))
    return StatusReport(out)


__all__ = [
    "status",
    "ClusterStatus",
    "StatusReport",
    "apply",
    "observe",
    "ApplyResult",
    "ClusterApply",
    "ClusterError",
    "TextProgress",
    "NotebookProgress",
    "DEFAULT_TIMEOUT",
]
