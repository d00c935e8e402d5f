"""What is left of the fake kubelet once kwok runs the nodes and pods.

A small process the harness starts beside kwok (own process group,
PR_SET_PDEATHSIG). It watches the apiserver (as the admin, bearer token) and
does the three things kwok does not:

* **Volumes.** kwok has no volume support and the test control plane no
  provisioner. For every PersistentVolumeClaim without a volume it creates a
  PersistentVolume `pvc-<uid>` (hostPath, never touched: the pods are fake)
  bound to the claim, sets the claim's spec.volumeName and marks both Bound
  with the requested capacity; when a claim's request grows it grows the
  volume and the claim's status.capacity (an expansion that needs no
  filesystem resize). kube-scheduler's VolumeBinding plugin then sees the
  claims bound and schedules the pods.
* **Readiness admission.** kwok's pod stages (see harness.KWOK_CONFIG) only
  make a pod Ready once it carries the annotation
  `strata.test/readiness: ready`; this agent adds it to every new pod, or
  `never` for pods the test named in <work>/unready (one `namespace/pod` a
  line, see ControlPlane.keep_unready), which kwok then keeps Running but
  not Ready. Deciding before kwok acts is what makes "this member never
  becomes Ready" deterministic.
* **Exec identity.** kwok answers pods/exec by running the command locally;
  the command learns which pod it "runs in" only through the environment of
  a per-pod `Exec` object (kwok.x-k8s.io/v1alpha1). The agent creates one
  for each pod, with STRATA_POD, STRATA_NAMESPACE, STRATA_CONTAINER and
  STRATA_EXEC_DIR, which the recording shim (exec_shim.py) reads. kwok
  learns of that object through its own watch, which can lag (for seconds
  after an API server restart), and until it has it, an exec into the pod
  falls back to the ClusterExec and loses the pod's identity. So the agent
  admits a pod to readiness only once an exec straight to kwok
  (`sh -c __strata_exec_identity__`, which the shim answers with
  `namespace/pod` and does not record) comes back with that pod's identity:
  an exec into a Ready pod is always recorded as that pod's.

Usage: node_agent.py SERVER CA_FILE TOKEN WORK_DIR
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
import sys
import threading
import time
import traceback
import urllib.parse

import websocket  # websocket-client (tests/python/requirements.txt)

READINESS = "strata.test/readiness"
# exec_shim.py answers `sh -c __strata_exec_identity__` with "namespace/pod".
IDENTITY_COMMAND = "__strata_exec_identity__"
IDENTITY_WAIT_SECONDS = 120.0


class Api:
    def __init__(self, server: str, ca: str, token: str):
        u = urllib.parse.urlparse(server)
        self.host, self.port = u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=ca)
        self.token = token

    def _conn(self, timeout: float) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout)

    def call(self, method: str, path: str, body=None,
             content_type: str = "application/merge-patch+json"):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        c = self._conn(30)
        try:
            c.request(method, path, body=data, headers=headers)
            r = c.getresponse()
            raw = r.read()
        finally:
            c.close()
        return r.status, (json.loads(raw) if raw else {})

    def watch(self, path: str, rv: str):
        """Yields watch events until the server ends the stream."""
        c = self._conn(330)
        q = f"?watch=1&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion={rv}"
        c.request("GET", path + q, headers={"Authorization": f"Bearer {self.token}"})
        r = c.getresponse()
        if r.status != 200:
            raise RuntimeError(f"watch {path}: HTTP {r.status}")
        try:
            while True:
                line = r.readline()
                if not line:
                    return
                yield json.loads(line)
        finally:
            c.close()


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


class Agent:
    def __init__(self, api: Api, ca: str, work: str):
        self.api = api
        self.ca = ca
        self.work = work
        self.exec_dir = os.path.join(work, "exec")
        self.seen_exec: set[tuple[str, str]] = set()

    # --- rules the tests set ----------------------------------------------

    def unready(self) -> set[str]:
        try:
            with open(os.path.join(self.work, "unready")) as f:
                return {line.strip() for line in f if line.strip()}
        except FileNotFoundError:
            return set()

    # --- pods ---------------------------------------------------------------

    def on_pod(self, pod: dict) -> None:
        md = pod["metadata"]
        ns, name = md["namespace"], md["name"]
        if md.get("deletionTimestamp"):
            return
        if (ns, name) not in self.seen_exec:
            if self.ensure_exec(pod):
                self.await_exec_identity(pod)
        if READINESS not in (md.get("annotations") or {}):
            want = "never" if f"{ns}/{name}" in self.unready() else "ready"
            st, _ = self.api.call("PATCH", f"/api/v1/namespaces/{ns}/pods/{name}",
                                  {"metadata": {"annotations": {READINESS: want}}})
            if st < 300:
                log(f"pod {ns}/{name}: {READINESS}={want}")

    def ensure_exec(self, pod: dict) -> bool:
        md = pod["metadata"]
        ns, name = md["namespace"], md["name"]
        base = [{"name": "STRATA_POD", "value": name}, {"name": "STRATA_NAMESPACE", "value": ns},
                {"name": "STRATA_EXEC_DIR", "value": self.exec_dir}]
        execs = [{"containers": [c["name"]],
                  "local": {"envs": base + [{"name": "STRATA_CONTAINER", "value": c["name"]}]}}
                 for c in pod["spec"].get("containers", [])]
        execs.append({"local": {"envs": base}})  # Any other container name.
        obj = {"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "Exec",
               "metadata": {"name": name, "namespace": ns}, "spec": {"execs": execs}}
        st, body = self.api.call(
            "PATCH", f"/apis/kwok.x-k8s.io/v1alpha1/namespaces/{ns}/execs/{name}"
            "?fieldManager=strata-node-agent&force=true", obj, "application/apply-patch+yaml")
        if st < 300:
            self.seen_exec.add((ns, name))
            return True
        log(f"exec {ns}/{name}: HTTP {st}: {body.get('message')}")
        return False

    def kwok_port(self) -> int | None:
        try:
            with open(os.path.join(self.work, "kwok.port")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def exec_identity(self, ns: str, pod: str, container: str) -> str:
        """What the shim answers to an identity exec sent straight to kwok
        (not through the API server: kwok serves the node's kubelet endpoint)."""
        port = self.kwok_port()
        if port is None:
            return ""
        q = urllib.parse.urlencode([("command", "sh"), ("command", "-c"),
                                    ("command", IDENTITY_COMMAND),
                                    ("output", "1"), ("error", "1")])
        url = (f"wss://127.0.0.1:{port}/exec/{urllib.parse.quote(ns)}/"
               f"{urllib.parse.quote(pod)}/{urllib.parse.quote(container)}?{q}")
        ws = websocket.create_connection(url, timeout=10, subprotocols=["v4.channel.k8s.io"],
                                         sslopt={"ca_certs": self.ca})
        out = b""
        try:
            while True:
                try:
                    frame = ws.recv()
                except websocket.WebSocketConnectionClosedException:
                    break
                if isinstance(frame, str):
                    frame = frame.encode()
                if frame[:1] == b"\x01":  # stdout
                    out += frame[1:]
        finally:
            ws.close()
        return out.decode(errors="replace").strip()

    def await_exec_identity(self, pod: dict) -> None:
        """Returns once kwok answers an exec into the pod with the pod's own
        Exec object (its identity), or, so a broken kwok shows as failing tests
        rather than a hung agent, after IDENTITY_WAIT_SECONDS."""
        md = pod["metadata"]
        ns, name = md["namespace"], md["name"]
        containers = pod["spec"].get("containers") or [{"name": "main"}]
        want = f"{ns}/{name}"
        deadline = time.monotonic() + IDENTITY_WAIT_SECONDS
        got, tries = "", 0
        while time.monotonic() < deadline:
            tries += 1
            try:
                got = self.exec_identity(ns, name, containers[0]["name"])
            except Exception as e:  # noqa: BLE001 - kwok not up yet, or restarting
                got = f"error: {e}"
            if got == want:
                log(f"exec {ns}/{name}: kwok answers with the pod's identity (try {tries})")
                return
            time.sleep(0.1)
        log(f"exec {ns}/{name}: kwok still answers {got!r}, not {want!r}; admitting the pod anyway")

    # --- volumes ------------------------------------------------------------

    def on_pvc(self, pvc: dict) -> None:
        md, spec = pvc["metadata"], pvc["spec"]
        if md.get("deletionTimestamp"):
            return
        ns, name = md["namespace"], md["name"]
        want = ((spec.get("resources") or {}).get("requests") or {}).get("storage") or "1Gi"
        status = pvc.get("status") or {}
        have = (status.get("capacity") or {}).get("storage")
        pv_name = spec.get("volumeName") or f"pvc-{md['uid']}"
        if not spec.get("volumeName"):
            pv = {"apiVersion": "v1", "kind": "PersistentVolume",
                  "metadata": {"name": pv_name, "labels": {"strata.test/fake": "true"}},
                  "spec": {"capacity": {"storage": want},
                           "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
                           "persistentVolumeReclaimPolicy": "Retain",
                           "storageClassName": spec.get("storageClassName") or "",
                           "hostPath": {"path": f"/nonexistent/strata-fake/{pv_name}"},
                           "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                        "namespace": ns, "name": name, "uid": md["uid"]}}}
            self.api.call("PATCH", f"/api/v1/persistentvolumes/{pv_name}"
                          "?fieldManager=strata-node-agent&force=true", pv,
                          "application/apply-patch+yaml")
            self.api.call("PATCH", f"/api/v1/persistentvolumes/{pv_name}/status",
                          {"status": {"phase": "Bound"}})
            st, body = self.api.call("PATCH", f"/api/v1/namespaces/{ns}/persistentvolumeclaims/{name}",
                                     {"metadata": {"annotations": {
                                         "pv.kubernetes.io/bind-completed": "yes"}},
                                      "spec": {"volumeName": pv_name}})
            if st >= 300:
                log(f"pvc {ns}/{name}: bind: HTTP {st}: {body.get('message')}")
                return
        elif have == want and status.get("phase") == "Bound":
            return
        if have != want:
            self.api.call("PATCH", f"/api/v1/persistentvolumes/{pv_name}",
                          {"spec": {"capacity": {"storage": want}}})
        st, body = self.api.call(
            "PATCH", f"/api/v1/namespaces/{ns}/persistentvolumeclaims/{name}/status",
            {"status": {"phase": "Bound", "capacity": {"storage": want},
                        "accessModes": spec.get("accessModes") or ["ReadWriteOnce"]}})
        log(f"pvc {ns}/{name}: Bound {want} (was {have}) -> HTTP {st}")

    # --- loops --------------------------------------------------------------

    def loop(self, path: str, handle) -> None:
        """List, handle everything, then watch from the list's version; start
        over on any error (410 Gone included)."""
        while True:
            try:
                st, lst = self.api.call("GET", path)
                if st != 200:
                    raise RuntimeError(f"list {path}: HTTP {st}")
                for item in lst.get("items") or []:
                    handle(item)
                rv = lst["metadata"]["resourceVersion"]
                for ev in self.api.watch(path, rv):
                    if ev.get("type") in ("ADDED", "MODIFIED"):
                        handle(ev["object"])
                    elif ev.get("type") == "ERROR":
                        break
            except Exception:  # noqa: BLE001 - keep serving; the log says why
                log(f"{path}: {traceback.format_exc(limit=2)}")
                time.sleep(0.5)


def main() -> None:
    server, ca, token, work = sys.argv[1:5]
    agent = Agent(Api(server, ca, token), ca, work)
    os.makedirs(agent.exec_dir, exist_ok=True)
    threads = [threading.Thread(target=agent.loop, args=(p, h), daemon=True)
               for p, h in (("/api/v1/pods", agent.on_pod),
                            ("/api/v1/persistentvolumeclaims", agent.on_pvc))]
    for t in threads:
        t.start()
    open(os.path.join(work, "node-agent.ready"), "w").close()
    log("node agent running")
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
