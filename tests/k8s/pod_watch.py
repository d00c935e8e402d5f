"""Watching a namespace's pods during an apply, to check what happened at every
moment rather than only at the end: the order members were restarted in, and
how many members of a role were unavailable at once.

Example:
    with PodWatch(cp, ns) as w:
        run_apply(...)
    assert w.restart_order("events-broker") == [2, 1, 0]
    assert w.max_unavailable("events-broker", members=3) <= 1
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import threading
import time
from typing import Optional

from harness import ControlPlane
from k8s_objects import pod_ready


class PodWatch:
    """A watch on the pods of `namespace` in a thread, from the current state
    on. Every event is kept as (wall time, type, pod name, uid, Ready,
    terminating)."""

    def __init__(self, cp: ControlPlane, namespace: str):
        self.cp = cp
        self.ns = namespace
        self.events: list[tuple[float, str, str, str, bool, bool]] = []
        self.initial: dict[str, dict] = {}
        self._stop = threading.Event()
        self._conn: Optional[http.client.HTTPSConnection] = None
        self._thread: Optional[threading.Thread] = None
        self.error: Optional[BaseException] = None

    def __enter__(self) -> "PodWatch":
        lst = self.cp.api("GET", f"/api/v1/namespaces/{self.ns}/pods")
        self.initial = {p["metadata"]["name"]: p for p in lst["items"]}
        # Pod name -> (resourceVersion, deleted) of the newest version seen.
        self._latest = {n: (int(p["metadata"]["resourceVersion"]), False)
                        for n, p in self.initial.items()}
        rv = lst["metadata"]["resourceVersion"]
        self._thread = threading.Thread(target=self._run, args=(rv,), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        # Let the watch deliver what the apply caused: wait (bounded) until it
        # has caught up with a fresh list, i.e. it has seen every listed pod
        # at its listed version or later, and every pod it still holds alive
        # and the list lacks is gone (or newer than the list). A list's own
        # resourceVersion is no mark for this: it is the store's, moved on by
        # writes to other objects, and a watch on pods only reaches it with a
        # bookmark (about once a minute).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self._thread.is_alive() and \
                not self._caught_up(self.cp.api("GET", f"/api/v1/namespaces/{self.ns}/pods")):
            time.sleep(0.1)
        self._stop.set()
        if self._conn is not None and self._conn.sock is not None:
            try:
                self._conn.sock.shutdown(2)
            except OSError:
                pass
        self._thread.join(timeout=30)

    def _caught_up(self, lst: dict) -> bool:
        list_rv = int(lst["metadata"]["resourceVersion"])
        listed = {p["metadata"]["name"]: int(p["metadata"]["resourceVersion"])
                  for p in lst["items"]}
        seen = dict(self._latest)
        for name, rv in listed.items():
            if name not in seen or seen[name][0] < rv:
                return False
        return all(deleted or rv > list_rv or name in listed
                   for name, (rv, deleted) in seen.items())

    def _run(self, rv: str) -> None:
        ctx = ssl.create_default_context(cafile=str(self.cp.pki / "ca.crt"))
        while not self._stop.is_set():
            try:
                self._conn = http.client.HTTPSConnection("127.0.0.1", self.cp.api_port,
                                                         context=ctx, timeout=600)
                self._conn.request(
                    "GET", f"/api/v1/namespaces/{self.ns}/pods?watch=1&resourceVersion={rv}"
                    "&allowWatchBookmarks=true&timeoutSeconds=600",
                    headers={"Authorization": f"Bearer {self.cp.admin_token}"})
                resp = self._conn.getresponse()
                while not self._stop.is_set():
                    line = resp.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    obj = ev["object"]
                    rv = obj["metadata"].get("resourceVersion", rv)
                    if ev["type"] in ("BOOKMARK", "ERROR"):
                        continue
                    m = obj["metadata"]
                    self._latest[m["name"]] = (int(rv), ev["type"] == "DELETED")
                    self.events.append((time.time(), ev["type"], m["name"], m["uid"],
                                        pod_ready(obj), bool(m.get("deletionTimestamp"))))
            except (OSError, http.client.HTTPException, ValueError):
                if self._stop.is_set():
                    return
                time.sleep(0.2)  # The apiserver went away (a test kills it): rewatch.

    # --- what happened ---------------------------------------------------

    def restarts(self, stateful_set: str) -> list[tuple[float, str]]:
        """(time, pod) of each member of `stateful_set` that was there at the
        start and went away (terminating or deleted), in the order it happened."""
        out, seen = [], set()
        old = {n: p["metadata"]["uid"] for n, p in self.initial.items()}
        pat = re.compile(re.escape(stateful_set) + r"-(\d+)$")
        for t, typ, name, uid, _, terminating in self.events:
            if not pat.match(name) or old.get(name) != uid or uid in seen:
                continue
            if typ == "DELETED" or terminating:
                seen.add(uid)
                out.append((t, name))
        return out

    def restart_order(self, stateful_set: str) -> list[int]:
        return [int(n.rsplit("-", 1)[1]) for _, n in self.restarts(stateful_set)]

    def first_seen(self, pod: str) -> Optional[float]:
        """When a pod of that name first appeared after the watch began."""
        return next((t for t, typ, name, *_ in self.events
                     if name == pod and typ == "ADDED"), None)

    def ready_at(self, pod: str) -> Optional[float]:
        """When a pod of that name was first seen Ready."""
        if pod in self.initial and pod_ready(self.initial[pod]):
            return 0.0
        return next((t for t, _, name, _, ready, _ in self.events if name == pod and ready),
                    None)

    def max_unavailable(self, stateful_set: str, members: int) -> int:
        """The most members 0..members-1 of `stateful_set` that were not Ready
        (missing, terminating or unready) at once, from the start on."""
        state = {n: pod_ready(p) for n, p in self.initial.items()}
        names = [f"{stateful_set}-{i}" for i in range(members)]
        worst = sum(1 for n in names if not state.get(n, False))
        for _, typ, name, _, ready, terminating in self.events:
            state[name] = typ != "DELETED" and ready and not terminating
            worst = max(worst, sum(1 for n in names if not state.get(n, False)))
        return worst
