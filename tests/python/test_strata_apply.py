"""strata.apply / strata.observe without a cluster: argument errors, errors
that name the failing call, progress callables, Ctrl-C, and the GIL.

The "cluster" here is a fake Kubernetes API server: a Python HTTP server on
127.0.0.1 running in a thread of this very process. That makes every test
that gets an answer from it a proof that the C++ client released the GIL
while it waited: the server thread needs the GIL to answer, so a client that
kept it would never get one (its request would time out and the call fail).
No timing is involved, only the order of events.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

import strata
from strata_testing import KAFKA


class FakeApiServer:
    """A Kubernetes API server that answers lists with nothing, echoes
    server-side applies (PATCH) and holds watches open; or, with `status`,
    answers every request with that HTTP status and a Status body."""

    def __init__(self, status: int = 0):
        self.status = status
        self.requests: list[tuple[str, str]] = []
        self.applied: list[dict] = []
        self._closing = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                fake.requests.append(("GET", self.path))
                if fake.status:
                    return self._send(fake.status, {
                        "kind": "Status", "apiVersion": "v1", "status": "Failure",
                        "message": "the fake server says no", "reason": "Forbidden",
                        "code": fake.status})
                query = parse_qs(urlparse(self.path).query)
                if query.get("watch") == ["true"] or query.get("watch") == ["1"]:
                    # Nothing ever changes here: hold the watch until the end.
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self.wfile.flush()
                    fake._closing.wait()
                    return
                self._send(200, {"kind": "List", "apiVersion": "v1",
                                 "metadata": {"resourceVersion": "1"}, "items": []})

            def do_PATCH(self):
                fake.requests.append(("PATCH", self.path))
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if fake.status:
                    return self._send(fake.status, {"kind": "Status", "code": fake.status,
                                                    "message": "the fake server says no"})
                fake.applied.append(body)
                body.setdefault("metadata", {})["uid"] = f"uid-{len(fake.applied)}"
                body["metadata"]["resourceVersion"] = str(len(fake.applied) + 1)
                self._send(200, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeApiServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()


def write_kubeconfig(path, server: str) -> str:
    path.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "fake",
        "clusters": [{"name": "fake", "cluster": {"server": server}}],
        "users": [{"name": "fake", "user": {"token": "t0ken"}}],
        "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}],
    }))
    return str(path)


@pytest.fixture
def fake(tmp_path):
    with FakeApiServer() as server:
        server.kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url)
        yield server


def test_argument_errors_are_raised_before_any_request(tmp_path):
    cfg = write_kubeconfig(tmp_path / "kubeconfig", "http://127.0.0.1:9")
    with pytest.raises(TypeError, match="timeout"):
        strata.apply(KAFKA, kubeconfig=cfg, timeout="30m")
    with pytest.raises(ValueError, match="timeout must be positive"):
        strata.apply(KAFKA, kubeconfig=cfg, timeout=-1)
    with pytest.raises(TypeError, match="progress"):
        strata.apply(KAFKA, kubeconfig=cfg, progress="yes")
    with pytest.raises(TypeError, match="approve"):
        strata.apply(KAFKA, kubeconfig=cfg, approve=[1])
    with pytest.raises(TypeError, match="once"):
        strata.apply(KAFKA, kubeconfig=cfg, once=1)
    with pytest.raises(TypeError, match="kubeconfig"):
        strata.observe(KAFKA, kubeconfig=42)
    with pytest.raises(KeyError, match="nope"):
        strata.apply(KAFKA, kubeconfig=cfg, cluster="nope")
    with pytest.raises(strata.ValidationError):
        strata.apply("kind: Cluster\nmetadata: {name: x}\nspec: {app: missing}\n", kubeconfig=cfg)


def test_a_missing_kubeconfig_is_a_cluster_error_naming_the_file(tmp_path):
    missing = tmp_path / "no-such-kubeconfig"
    with pytest.raises(strata.ClusterError) as e:
        strata.observe(KAFKA, kubeconfig=missing)
    assert "strata.observe: cannot reach or use the cluster" in str(e.value)
    assert str(missing) in str(e.value)
    assert isinstance(e.value, strata.Error)


def test_forbidden_names_the_call_and_status(tmp_path):
    with FakeApiServer(status=403) as server:
        cfg = write_kubeconfig(tmp_path / "kubeconfig", server.url)
        with pytest.raises(strata.ClusterError) as e:
            strata.apply(KAFKA, kubeconfig=cfg, progress=False)
    text = str(e.value)
    assert text.startswith("strata.apply: cannot reach or use the cluster: GET /api")
    assert "403" in text and "PERMISSION_DENIED" in text
    assert e.value.code == strata.StatusCode.PERMISSION_DENIED


def test_unreachable_server_names_the_call(tmp_path):
    # A port nothing listens on: every connection is refused, which the
    # client retries (with backoff) before it gives up.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = write_kubeconfig(tmp_path / "kubeconfig", f"http://127.0.0.1:{port}")
    with pytest.raises(strata.ClusterError) as e:
        strata.observe(KAFKA, kubeconfig=cfg)
    assert "strata.observe: cannot reach or use the cluster: GET /api" in str(e.value)
    assert e.value.code == strata.StatusCode.UNAVAILABLE


def test_observe_reads_the_clusters_objects_without_holding_the_gil(fake):
    state = strata.observe(KAFKA, kubeconfig=fake.kubeconfig)
    assert isinstance(state, strata.ObservedState) and state.empty()
    lists = [p for m, p in fake.requests if m == "GET"]
    assert any("/statefulsets?" in p for p in lists) and any("/pods?" in p for p in lists)
    # The Cluster's own objects by its instance label, and (SPEC-2 §10
    # adoption) the StatefulSets that carry no instance label at all.
    unlabelled = [p for p in lists
                  if "labelSelector=%21app.kubernetes.io%2Finstance" in p
                  or "labelSelector=!app.kubernetes.io" in p]
    assert unlabelled and all("/statefulsets?" in p for p in unlabelled), lists
    assert all("app.kubernetes.io%2Finstance%3Devents" in p or "instance=events" in p
               for p in lists if p not in unlabelled), lists
    # What observe returns is what plan takes.
    assert strata.plan(KAFKA, observed=state).steps


def test_apply_once_hands_each_event_to_the_progress_callable(fake):
    events: list[dict] = []
    threads: set[int] = set()

    def progress(event: dict) -> None:
        threads.add(threading.get_ident())
        events.append(event)

    result = strata.apply(KAFKA, kubeconfig=fake.kubeconfig, once=True, progress=progress)
    assert result.outcome == "passDone" and not result.converged and result.blocked is None
    assert events == result.events and all(isinstance(e, dict) for e in events)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "planned" and "stepStarted" in kinds and "stepSucceeded" in kinds
    assert all(e["cluster"] == "events" and e["message"] for e in events)
    # Run on the calling thread, with the GIL taken back for the callable.
    assert threads == {threading.get_ident()}
    compiled = {(o["kind"], o["metadata"]["name"]) for o in strata.compile(KAFKA)}
    applied = {(o["kind"], o["metadata"]["name"]) for o in fake.applied}
    assert applied and applied <= compiled
    assert all("fieldManager=strata" in p for m, p in fake.requests if m == "PATCH")
    started = [e for e in events if e["event"] == "stepStarted"]
    assert {e["step"]["action"] for e in started} == {"apply"}
    assert result.clusters[0].plan.steps  # what remains: the waits and the rest


def test_dry_run_sends_every_apply_as_a_server_dry_run(fake):
    result = strata.apply(KAFKA, kubeconfig=fake.kubeconfig, dry_run=True, progress=False)
    assert result.outcome == "passDone"
    patches = [p for m, p in fake.requests if m == "PATCH"]
    assert patches and all("dryRun=All" in p for p in patches)


def test_an_exception_in_the_progress_callable_stops_the_run_and_is_raised(fake):
    class Stop(Exception):
        pass

    def progress(event: dict) -> None:
        if event["event"] == "stepSucceeded":
            raise Stop(event["message"])

    with pytest.raises(Stop):
        strata.apply(KAFKA, kubeconfig=fake.kubeconfig, progress=progress)
    # It stopped at the next safe point: after the step that had succeeded.
    assert len(fake.applied) == 1


def test_ctrl_c_stops_at_a_safe_point_then_raises_keyboard_interrupt(fake):
    # Python's handler, whatever the test runner inherited (a job started in
    # the background or under nohup ignores SIGINT).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        ctrl_c_stops_at_a_safe_point(fake)
    finally:
        signal.signal(signal.SIGINT, previous)


def ctrl_c_stops_at_a_safe_point(fake):
    def progress(event: dict) -> None:
        if event["event"] == "stepSucceeded" and len(fake.applied) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does

    with pytest.raises(KeyboardInterrupt) as e:
        strata.apply(KAFKA, kubeconfig=fake.kubeconfig, progress=progress)
    result = e.value.result
    assert result.cancelled and result.outcome == "cancelled" and not result.converged
    assert result.events[-1]["event"] == "cancelled"
    assert len(fake.applied) == 2  # nothing after the step that was running
    # Python's own handler is back: a later Ctrl-C raises at once.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass


def test_apply_in_another_thread_leaves_sigint_alone(fake):
    got: list = []
    t = threading.Thread(target=lambda: got.append(
        strata.apply(KAFKA, kubeconfig=fake.kubeconfig, once=True, progress=False)))
    t.start()
    t.join()
    assert got and got[0].outcome == "passDone"


def test_text_progress_prints_lines_and_updates_waits_in_place():
    wait = {"event": "waiting", "time": "2026-12-07T13:00:05Z", "cluster": "events",
            "condition": "podReady events-broker-0", "elapsedSeconds": 5.0,
            "message": "waiting for podReady events-broker-0"}
    done = {"event": "stepSucceeded", "time": "2026-12-07T13:00:09Z", "cluster": "events",
            "step": {"id": 3, "action": "restart"}, "elapsedSeconds": 1.25,
            "message": "3 restart events-broker-0: done"}
    out = io.StringIO()
    p = strata.TextProgress(out)
    for e in (wait, dict(wait, elapsedSeconds=9.0), done):
        p(e)
    p.close()
    assert out.getvalue() == (
        "13:00:05 waiting for podReady events-broker-0 (waited 5s)\n"
        "13:00:09 3 restart events-broker-0: done (1.2s)\n")

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    p = strata.TextProgress(tty)
    for e in (wait, dict(wait, elapsedSeconds=9.0), done):
        p(e)
    assert tty.getvalue() == (
        "\r\x1b[K13:00:05 waiting for podReady events-broker-0 (waited 5s)"
        "\r\x1b[K13:00:05 waiting for podReady events-broker-0 (waited 9s)\n"
        "13:00:09 3 restart events-broker-0: done (1.2s)\n")


def test_status_of_an_empty_cluster(fake):
    report = strata.status(KAFKA, kubeconfig=fake.kubeconfig)
    assert not report.converged and len(report.clusters) == 1
    st = report.cluster("events")
    assert st.namespace == "data" and not st.converged and st.blocked is None
    roles = {r["name"]: r for r in st.roles}
    assert roles["zookeeper"]["desired"] == 3 and roles["zookeeper"]["existing"] == 0
    assert st.next and st.steps == len(strata.plan(KAFKA).steps)
    assert report.to_json() == {"converged": False, "clusters": [st.to_json()]}
    assert "events" in str(report)
    html = report._repr_html_()
    assert "<table>" in html and "zookeeper" in html and "Next steps" in html
    with pytest.raises(KeyError):
        report.cluster("nope")


def test_status_forbidden_names_the_call(tmp_path):
    with FakeApiServer(status=403) as server:
        cfg = write_kubeconfig(tmp_path / "kubeconfig", server.url)
        with pytest.raises(strata.ClusterError, match=r"^strata.status: cannot reach or use"):
            strata.status(KAFKA, kubeconfig=cfg)
