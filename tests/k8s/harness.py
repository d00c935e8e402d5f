"""A throwaway Kubernetes control plane on 127.0.0.1 for strata's tests.

Runs etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok
(built by build.sh) as child processes, each in its own process group, with
certificates made by the openssl CLI in a temporary directory, plus
node_agent.py for what kwok does not do (volumes, readiness admission, exec
identity). kwok runs fake Nodes in three zones (NODES below), all at
127.0.0.1; the scheduler places pods on them and kwok's stages (KWOK_CONFIG)
make them Running and Ready, unless a test keeps one unready
(`keep_unready`). pods/exec goes apiserver -> kwok (the node's kubelet
endpoint on 127.0.0.1) -> exec_shim.py, which records every command
(`exec_records`) and answers by rule (`exec_rule`).

Example:
    with ControlPlane(bin_dir) as cp:
        cp.kubectl("create", "namespace", "demo")
        print(cp.kubectl("get", "ns", "-o", "name").stdout)

Authentication: the admin user `strata-admin` (group system:masters) has a
client certificate (used by the kubeconfig written to `cp.kubeconfig`) and a
bearer token (`cp.admin_token`, from --token-auth-file) for plain HTTP
clients. The controller manager has its own certificate, also in
system:masters, because it runs without --use-service-account-credentials.
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Optional, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

# Controllers the tests rely on, by their 1.36 names:
#  statefulset            creates pods for missing ordinals, recreates deleted ones
#  garbage-collector      cascading deletes, and orphan deletes (--cascade=orphan)
#  serviceaccount         the "default" ServiceAccount the admission plugin wants
#  persistentvolumeclaim-protection
#                         removes the pvc-protection finalizer so PVC deletes finish
#  namespace              namespace deletion
# The PV binder is left out on purpose: with no provisioner it would only fight
# the test's fake binding of PVCs.
CONTROLLERS = [
    "statefulset-controller",
    "garbage-collector-controller",
    "serviceaccount-controller",
    "persistentvolumeclaim-protection-controller",
    "namespace-controller",
]

SERVICE_CIDR = "10.0.0.0/24"

# Fake nodes: (name, zone). Two per zone so that zone- and host-spread roles
# of the examples schedule.
NODES = [(f"strata-node-{z}{i}", f"zone-{z}") for z in "abc" for i in (1, 2)]

BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")

# kwok's configuration: the stages that play kubelet, and the fallback exec
# target (node_agent.py gives each pod an Exec of its own). Pods become
# Running+Ready only once node_agent.py has annotated them
# strata.test/readiness=ready; "never" keeps them Running and not Ready.
_POD_STATUS = """
      {{ $now := Now }}
      conditions:
      - {type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }}}
      - {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
      - {type: ContainersReady, status: %(ready)s, lastTransitionTime: {{ $now | Quote }}}
      - {type: Ready, status: %(ready)s, lastTransitionTime: {{ $now | Quote }}}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        imageID: ""
        name: {{ .name | Quote }}
        ready: %(ready_bool)s
        started: true
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      initContainerStatuses:
      {{ range .spec.initContainers }}
      - image: {{ .image | Quote }}
        imageID: ""
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        state:
          terminated:
            exitCode: 0
            reason: Completed
            startedAt: {{ $now | Quote }}
            finishedAt: {{ $now | Quote }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Running
      startTime: {{ or .status.startTime $now | Quote }}
"""

KWOK_CONFIG = """\
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: node-initialize}
spec:
  resourceRef: {apiGroup: v1, kind: Node}
  selector:
    matchExpressions:
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: NotIn
      values: ["True"]
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      {{ range NodeConditions }}
      - lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: {{ $now | Quote }}
        message: {{ .message | Quote }}
        reason: {{ .reason | Quote }}
        status: {{ .status | Quote }}
        type: {{ .type | Quote }}
      {{ end }}
      addresses:
      - {address: {{ NodeIP | Quote }}, type: InternalIP}
      - {address: {{ .metadata.name | Quote }}, type: Hostname}
      daemonEndpoints:
        kubeletEndpoint:
          Port: {{ NodePort }}
      allocatable: {cpu: 1k, memory: 1Ti, pods: 1k}
      capacity: {cpu: 1k, memory: 1Ti, pods: 1k}
      nodeInfo:
        architecture: amd64
        operatingSystem: linux
        kubeletVersion: kwok
        containerRuntimeVersion: kwok
      phase: Running
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-ready}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - key: '.metadata.annotations["strata.test/readiness"]'
      operator: In
      values: ["ready"]
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: NotIn
      values: ["True"]
  next:
    statusTemplate: |%(ready)s
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-unready}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: DoesNotExist}
    - key: '.metadata.annotations["strata.test/readiness"]'
      operator: In
      values: ["never"]
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: NotIn
      values: ["False"]
  next:
    statusTemplate: |%(unready)s
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata: {name: pod-delete}
spec:
  resourceRef: {apiGroup: v1, kind: Pod}
  selector:
    matchExpressions:
    - {key: '.metadata.deletionTimestamp', operator: Exists}
  next:
    finalizers: {empty: true}
    delete: true
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterExec
metadata: {name: strata-exec-fallback}
spec:
  execs:
  - local:
      envs:
      - {name: STRATA_EXEC_DIR, value: "%(exec_dir)s"}
""" % {"ready": _POD_STATUS % {"ready": '"True"', "ready_bool": "true"},
       "unready": _POD_STATUS % {"ready": '"False"', "ready_bool": "false"},
       "exec_dir": "%(exec_dir)s"}


class ControlPlaneError(RuntimeError):
    pass


def find_bin_dir() -> Path:
    """Returns the directory build.sh builds into (STRATA_K8S_BIN_DIR or its default)."""
    out = subprocess.run(
        ["bash", str(HERE / "build.sh"), "--print-dir"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    return Path(out)


def missing_binaries(bin_dir: Path) -> list[str]:
    missing = [b for b in BINARIES if not os.access(bin_dir / b, os.X_OK)]
    if not (bin_dir / "kwok-crds" / "kwok.x-k8s.io_execs.yaml").is_file():
        missing.append("kwok-crds/kwok.x-k8s.io_execs.yaml")
    return missing


def free_port() -> int:
    """A port that was free a moment ago. These servers cannot bind port 0 and
    report it back, so this races with other processes; callers retry."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _openssl(*args: str, cwd: Path) -> None:
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise ControlPlaneError(f"openssl {' '.join(args)} failed:\n{r.stderr}")


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGKILL it when the test process
    dies, so even a killed pytest (CI timeout, SIGKILL) leaves no server behind."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class _Proc:
    def __init__(self, name: str, argv: list[str], log_path: Path,
                 env: Optional[dict] = None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.log.write(("\n$ " + " ".join(argv) + "\n").encode())
        self.log.flush()
        self.popen = subprocess.Popen(
            argv, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # own process group: killpg reaches any children
            preexec_fn=_die_with_parent, env=env,
        )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.alive():
            for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.popen.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.popen.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:
            # The leader is gone; make sure nothing it started lingers.
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.log.close()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


class ControlPlane:
    """etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok and
    the node agent on 127.0.0.1.

    `start()` returns once each answers its health check and every fake Node
    is Ready; `stop()` kills all the process groups and, unless `keep` is
    set, removes the work directory. Both are idempotent.
    """

    def __init__(self, bin_dir: Path, work_dir: Optional[Path] = None,
                 kubectl: Optional[str] = None, start_timeout: float = 120.0):
        self.bin_dir = Path(bin_dir)
        self.kubectl_bin = kubectl or os.environ.get("KUBECTL", "kubectl")
        self._own_work_dir = work_dir is None
        self.work_dir = Path(work_dir or tempfile.mkdtemp(prefix="strata-k8s-"))
        self.pki = self.work_dir / "pki"
        self.logs = self.work_dir / "logs"
        self.start_timeout = start_timeout
        self.procs: dict[str, _Proc] = {}
        self.admin_token = secrets.token_hex(16)
        self.kubeconfig = self.work_dir / "kubeconfig"
        self.api_port = 0
        self.etcd_port = 0
        self.kcm_port = 0
        self.scheduler_port = 0
        self.kwok_port = 0
        self.exec_dir = self.work_dir / "exec"
        self.keep = False
        self._stopped = False
        self._ssl_ctx: Optional[ssl.SSLContext] = None

    # --- lifecycle -------------------------------------------------------

    def __enter__(self) -> "ControlPlane":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:
            self.keep = self.keep or os.environ.get("STRATA_K8S_KEEP") == "1"
        self.stop()

    def start(self) -> None:
        missing = missing_binaries(self.bin_dir)
        if missing:
            raise ControlPlaneError(
                f"missing {', '.join(missing)} in {self.bin_dir}: run tests/k8s/build.sh")
        atexit.register(self.stop)
        self.pki.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        self._make_pki()
        self._start_with_retry("etcd", self._start_etcd)
        self._start_with_retry("kube-apiserver", self._start_apiserver)
        self._write_kubeconfig(self.kubeconfig, "strata-admin", self.pki / "admin.crt",
                               self.pki / "admin.key")
        self._start_with_retry("kube-controller-manager", self._start_kcm)
        self._start_with_retry("kube-scheduler", self._start_scheduler)
        self._install_kwok_crds()
        self._start_with_retry("node-agent", self._start_node_agent)
        self._start_with_retry("kwok", self._start_kwok)
        self._create_nodes()
        self.startup_seconds = time.monotonic() - t0

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        # Reverse start order: controllers first, etcd last.
        for name in ("kwok", "node-agent", "kube-scheduler", "kube-controller-manager",
                     "kube-apiserver", "etcd"):
            p = self.procs.get(name)
            if p is not None:
                p.stop()
        try:
            atexit.unregister(self.stop)
        except Exception:
            pass
        if self._own_work_dir and not self.keep:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    # --- certificates ----------------------------------------------------

    def _make_pki(self) -> None:
        d = self.pki
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                 "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=strata-test-ca",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature", cwd=d)
        self._leaf("apiserver", "/CN=kube-apiserver",
                   "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,"
                   "DNS:kubernetes.default,DNS:kubernetes.default.svc,"
                   "DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth")
        self._leaf("admin", "/O=system:masters/CN=strata-admin", "extendedKeyUsage=clientAuth")
        self._leaf("kcm", "/O=system:masters/CN=system:kube-controller-manager",
                   "extendedKeyUsage=clientAuth")
        self._leaf("scheduler", "/O=system:masters/CN=system:kube-scheduler",
                   "extendedKeyUsage=clientAuth")
        # kwok serves the nodes' kubelet endpoint (exec) at 127.0.0.1 over TLS.
        self._leaf("kwok", "/CN=kwok", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                   "extendedKeyUsage=serverAuth")
        # Service-account token signing pair (the apiserver issues tokens with it).
        _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                 "-out", "sa.key", cwd=d)
        _openssl("pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=d)
        (d / "tokens.csv").write_text(
            f'{self.admin_token},strata-admin,strata-admin,"system:masters"\n')

    def _leaf(self, name: str, subject: str, ext: str) -> None:
        d = self.pki
        (d / f"{name}.ext").write_text(
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            + ext + "\n")
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                 "-out", f"{name}.csr", "-subj", subject, cwd=d)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-out", f"{name}.crt",
                 "-extfile", f"{name}.ext", cwd=d)

    def _write_kubeconfig(self, path: Path, user: str, cert: Path, key: Path) -> None:
        # JSON is valid YAML, and kubectl reads either.
        cfg = {
            "apiVersion": "v1", "kind": "Config",
            "clusters": [{"name": "strata-test", "cluster": {
                "server": f"https://127.0.0.1:{self.api_port}",
                "certificate-authority": str(self.pki / "ca.crt")}}],
            "users": [{"name": user, "user": {
                "client-certificate": str(cert), "client-key": str(key)}}],
            "contexts": [{"name": "strata-test", "context": {
                "cluster": "strata-test", "user": user}}],
            "current-context": "strata-test",
        }
        path.write_text(json.dumps(cfg, indent=2))

    # --- processes -------------------------------------------------------

    def _start_with_retry(self, name: str, start_fn) -> None:
        """Runs start_fn (which picks ports, launches `name` and waits for it);
        on a port clash, picks new ports and tries again."""
        last = ""
        for attempt in range(5):
            try:
                start_fn()
                return
            except ControlPlaneError as e:
                last = str(e)
                p = self.procs.pop(name, None)
                log = p.log_text() if p else ""
                if p:
                    p.stop()
                if "address already in use" in log or "bind:" in log:
                    continue
                raise ControlPlaneError(f"{name} did not start: {e}\n--- {name} log ---\n"
                                        f"{_tail(log, 60)}") from None
        raise ControlPlaneError(f"{name}: no free ports after 5 attempts: {last}")

    def _spawn(self, name: str, argv: list[str], env: Optional[dict] = None) -> _Proc:
        p = _Proc(name, argv, self.logs / f"{name}.log", env=env)
        self.procs[name] = p
        return p

    def _start_etcd(self) -> None:
        self.etcd_port, peer, metrics = free_port(), free_port(), free_port()
        data = self.work_dir / "etcd-data"
        shutil.rmtree(data, ignore_errors=True)
        client = f"http://127.0.0.1:{self.etcd_port}"
        peer_url = f"http://127.0.0.1:{peer}"
        p = self._spawn("etcd", [
            str(self.bin_dir / "etcd"),
            "--name", "strata-test",
            "--data-dir", str(data),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
            "--initial-cluster", f"strata-test={peer_url}",
            "--listen-metrics-urls", f"http://127.0.0.1:{metrics}",
            # A test cluster lives for minutes: durability is not worth the fsyncs.
            "--unsafe-no-fsync",
            "--log-level", "warn",
        ])
        self._wait(p, lambda: _http_ok(f"{client}/health", want='"health":"true"'))

    def kill_apiserver(self) -> None:
        """Kills kube-apiserver outright (SIGKILL to its process group), as a
        crash would; everything else keeps running. See restart_apiserver."""
        p = self.procs.pop("kube-apiserver")
        p.popen.kill()
        p.stop()

    def restart_apiserver(self) -> None:
        """Starts kube-apiserver again on the same port (kubeconfigs stay
        valid) and returns once it is ready. kube-scheduler starts afresh
        too: one that watched through the outage can find its cache at odds
        with the restarted server and then exits on purpose ("scheduler cache
        is corrupted", seen on an idle machine), leaving every later pod
        Pending."""
        if "kube-apiserver" in self.procs:
            self.kill_apiserver()
        self._start_apiserver(port=self.api_port)
        scheduler = self.procs.pop("kube-scheduler", None)
        if scheduler:
            scheduler.stop()
        self._start_with_retry("kube-scheduler", self._start_scheduler)

    def _start_apiserver(self, port: int = 0) -> None:
        self.api_port = port or free_port()
        k = self.pki
        p = self._spawn("kube-apiserver", [
            str(self.bin_dir / "kube-apiserver"),
            "--bind-address", "127.0.0.1",
            "--advertise-address", "127.0.0.1",
            "--secure-port", str(self.api_port),
            "--etcd-servers", f"http://127.0.0.1:{self.etcd_port}",
            "--tls-cert-file", str(k / "apiserver.crt"),
            "--tls-private-key-file", str(k / "apiserver.key"),
            "--client-ca-file", str(k / "ca.crt"),
            "--token-auth-file", str(k / "tokens.csv"),
            "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file", str(k / "sa.pub"),
            "--service-account-signing-key-file", str(k / "sa.key"),
            "--service-cluster-ip-range", SERVICE_CIDR,
            "--authorization-mode", "RBAC",
            # The loopback address may not be an Endpoints address; nothing here
            # needs the in-cluster "kubernetes" Service to have endpoints.
            "--endpoint-reconciler-type", "none",
            # pods/exec: the apiserver dials the node's InternalIP (kwok at
            # 127.0.0.1), checks kwok's certificate and presents the admin's.
            "--kubelet-preferred-address-types", "InternalIP",
            "--kubelet-certificate-authority", str(k / "ca.crt"),
            "--kubelet-client-certificate", str(k / "admin.crt"),
            "--kubelet-client-key", str(k / "admin.key"),
            "--cert-dir", str(self.work_dir / "apiserver-certs"),
            "--profiling=false",
            "--v", "1",
        ])
        self._wait(p, lambda: self._api_ok("/readyz"))

    def _start_kcm(self) -> None:
        self.kcm_port = free_port()
        kc = self.work_dir / "kcm.kubeconfig"
        self._write_kubeconfig(kc, "kcm", self.pki / "kcm.crt", self.pki / "kcm.key")
        p = self._spawn("kube-controller-manager", [
            str(self.bin_dir / "kube-controller-manager"),
            "--kubeconfig", str(kc),
            "--authentication-kubeconfig", str(kc),
            "--authorization-kubeconfig", str(kc),
            "--bind-address", "127.0.0.1",
            "--secure-port", str(self.kcm_port),
            "--cert-dir", str(self.work_dir / "kcm-certs"),
            "--leader-elect=false",
            "--controllers", ",".join(CONTROLLERS),
            "--v", "1",
        ])
        self._wait(p, lambda: _http_ok(f"https://127.0.0.1:{self.kcm_port}/healthz",
                                        want="ok", verify=False))

    def _start_scheduler(self) -> None:
        self.scheduler_port = free_port()
        kc = self.work_dir / "scheduler.kubeconfig"
        self._write_kubeconfig(kc, "scheduler", self.pki / "scheduler.crt",
                               self.pki / "scheduler.key")
        p = self._spawn("kube-scheduler", [
            str(self.bin_dir / "kube-scheduler"),
            "--kubeconfig", str(kc),
            "--authentication-kubeconfig", str(kc),
            "--authorization-kubeconfig", str(kc),
            "--bind-address", "127.0.0.1",
            "--secure-port", str(self.scheduler_port),
            "--leader-elect=false",
            "--v", "1",
        ])
        self._wait(p, lambda: _http_ok(f"https://127.0.0.1:{self.scheduler_port}/healthz",
                                        want="ok", verify=False))

    def _install_kwok_crds(self) -> None:
        # Only Exec is served from the apiserver (node_agent.py writes one per
        # pod); stages and the fallback ClusterExec come from KWOK_CONFIG.
        self.kubectl("apply", "--server-side", "--field-manager=strata-tests",
                     "-f", str(self.bin_dir / "kwok-crds" / "kwok.x-k8s.io_execs.yaml"))
        self.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                     "crd/execs.kwok.x-k8s.io")

    def _start_node_agent(self) -> None:
        self.exec_dir.mkdir(parents=True, exist_ok=True)
        ready = self.work_dir / "node-agent.ready"
        ready.unlink(missing_ok=True)
        p = self._spawn("node-agent", [
            sys.executable, str(HERE / "node_agent.py"), self.server,
            str(self.pki / "ca.crt"), self.admin_token, str(self.work_dir)])
        self._wait(p, ready.exists)

    def _start_kwok(self) -> None:
        self.kwok_port = free_port()
        # node_agent.py execs straight to kwok to learn when kwok has a pod's Exec.
        (self.work_dir / "kwok.port").write_text(f"{self.kwok_port}\n")
        shim = self.work_dir / "execbin"
        shim.mkdir(exist_ok=True)
        for name in ("sh", "bash"):
            f = shim / name
            f.write_text(f"#!{sys.executable}\n" + (HERE / "exec_shim.py").read_text())
            f.chmod(0o755)
        cfg = self.work_dir / "kwok.yaml"
        cfg.write_text(KWOK_CONFIG % {"exec_dir": self.exec_dir})
        env = dict(os.environ)
        # kwok runs exec commands by name through its own PATH: the shim first.
        env["PATH"] = f"{shim}:{env.get('PATH', '/usr/bin:/bin')}"
        env["HOME"] = str(self.work_dir)  # No ~/.kwok/kwok.yaml of the user's.
        p = self._spawn("kwok", [
            str(self.bin_dir / "kwok"),
            "--kubeconfig", str(self.kubeconfig),
            "--config", str(cfg),
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector", "kwok.x-k8s.io/node=fake",
            "--node-ip", "127.0.0.1",
            "--node-port", str(self.kwok_port),
            "--server-address", f"127.0.0.1:{self.kwok_port}",
            "--tls-cert-file", str(self.pki / "kwok.crt"),
            "--tls-private-key-file", str(self.pki / "kwok.key"),
            "--cidr", "10.244.0.0/16",
            "--enable-crds", "Exec",
            "--v", "info",
        ], env=env)
        self._wait(p, lambda: _http_ok(f"https://127.0.0.1:{self.kwok_port}/healthz",
                                        want="ok", verify=False))

    def _create_nodes(self, timeout: float = 60.0) -> None:
        for name, zone in NODES:
            node = {"apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": name,
                                 "annotations": {"kwok.x-k8s.io/node": "fake"},
                                 "labels": {"kubernetes.io/hostname": name,
                                            "kubernetes.io/os": "linux",
                                            "kubernetes.io/arch": "amd64",
                                            "topology.kubernetes.io/zone": zone,
                                            # examples/kafka's brokers select it.
                                            "disk": "ssd",
                                            "type": "kwok"}}}
            self.api("PATCH", f"/api/v1/nodes/{name}?fieldManager=strata-tests&force=true",
                     node, content_type="application/apply-patch+yaml")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            nodes = self.api("GET", "/api/v1/nodes")["items"]
            ready = [n for n in nodes if any(
                c["type"] == "Ready" and c["status"] == "True"
                for c in (n.get("status") or {}).get("conditions") or [])]
            if len(ready) >= len(NODES):
                # The apiserver taints new nodes not-ready (TaintNodesByCondition);
                # the node lifecycle controller that would lift it is not run.
                for name, _ in NODES:
                    self.api("PATCH", f"/api/v1/nodes/{name}", {"spec": {"taints": None}})
                return
            time.sleep(0.2)
        raise ControlPlaneError(f"kwok did not make the nodes Ready in {timeout:.0f}s\n"
                                + _tail(self.procs["kwok"].log_text(), 40))

    # --- what kwok and the agent offer the tests --------------------------

    def keep_unready(self, namespace: str, pod: str) -> None:
        """Makes pod `namespace/pod` (and any later pod of that name, such as a
        StatefulSet member recreated by a restart) Running but never Ready."""
        with open(self.work_dir / "unready", "a") as f:
            f.write(f"{namespace}/{pod}\n")
        if self.get("pods", namespace, pod) is not None:
            self.patch("pods", namespace, pod,
                       {"metadata": {"annotations": {"strata.test/readiness": "never"}}})

    def exec_rule(self, namespace: str, pod: str = "*", match: str = "", exit: int = 0,
                  stdout: str = "", stderr: str = "", run: bool = False) -> None:
        """Adds a rule for commands run through pods/exec in `namespace`: pods
        matching the glob `pod` whose argv, joined by spaces, contains `match`
        print `stdout`/`stderr` and exit with `exit` (or, with `run`, run in a
        real /bin/sh). Rules added earlier win; without a rule a command exits
        0 and prints nothing."""
        path = self.exec_dir / "rules.json"
        rules = json.loads(path.read_text()) if path.exists() else []
        rules.append({"namespace": namespace, "pod": pod, "match": match, "exit": exit,
                      "stdout": stdout, "stderr": stderr, "run": run})
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(rules, indent=1))
        tmp.replace(path)

    def clear_exec_rules(self, namespace: str) -> None:
        """Removes every rule exec_rule() added for `namespace`."""
        path = self.exec_dir / "rules.json"
        rules = json.loads(path.read_text()) if path.exists() else []
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps([r for r in rules if r["namespace"] != namespace], indent=1))
        tmp.replace(path)

    def exec_records(self, namespace: str, pod: Optional[str] = None) -> list[dict]:
        """Every command run through pods/exec in `namespace` (one pod, or all),
        in order: {"time", "namespace", "pod", "container", "argv", "exit"}."""
        d = self.exec_dir / namespace
        files = [d / f"{pod}.jsonl"] if pod else sorted(d.glob("*.jsonl"))
        out = []
        for f in files:
            if f.exists():
                out += [json.loads(line) for line in f.read_text().splitlines() if line]
        return sorted(out, key=lambda r: r["time"])

    def _wait(self, p: _Proc, ready) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if not p.alive():
                raise ControlPlaneError(f"exited with code {p.popen.returncode}")
            if ready():
                return
            time.sleep(0.25)
        raise ControlPlaneError(f"not ready after {self.start_timeout:.0f}s")

    def _api_ok(self, path: str) -> bool:
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        return _http_ok(f"https://127.0.0.1:{self.api_port}{path}", want="ok", ctx=ctx,
                        headers={"Authorization": f"Bearer {self.admin_token}"})

    # --- using it --------------------------------------------------------

    @property
    def server(self) -> str:
        return f"https://127.0.0.1:{self.api_port}"

    def env(self) -> dict[str, str]:
        e = dict(os.environ)
        e["KUBECONFIG"] = str(self.kubeconfig)
        return e

    def kubectl(self, *args: str, input: Optional[str] = None, check: bool = True,
                timeout: float = 120.0) -> subprocess.CompletedProcess:
        """Runs kubectl against this control plane. With `check`, a non-zero exit
        raises ControlPlaneError carrying kubectl's stderr (the server's message)."""
        argv = [self.kubectl_bin, "--kubeconfig", str(self.kubeconfig), *args]
        r = subprocess.run(argv, input=input, capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            raise ControlPlaneError(
                f"kubectl {' '.join(args)} exited {r.returncode}:\n{r.stderr.strip()}")
        return r

    def api(self, method: str, path: str, body: Optional[dict] = None,
            content_type: str = "application/merge-patch+json",
            missing_ok: bool = False) -> Optional[dict]:
        """One REST call as the admin (bearer token), for the hot loops of the
        tests (fake kubelet, polling) where a kubectl process per call is too
        slow on 2 busy cores. Returns the decoded JSON body; None for a 404
        when `missing_ok`; raises ControlPlaneError with the server's message
        otherwise."""
        if self._ssl_ctx is None:
            self._ssl_ctx = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        headers = {"Authorization": f"Bearer {self.admin_token}",
                   "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        conn = http.client.HTTPSConnection("127.0.0.1", self.api_port, context=self._ssl_ctx,
                                           timeout=60)
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        if resp.status == 404 and missing_ok:
            return None
        if resp.status >= 300:
            raise ControlPlaneError(f"{method} {path}: HTTP {resp.status}: "
                                    f"{raw.decode(errors='replace')[:2000]}")
        return json.loads(raw) if raw else {}

    def list(self, resource: str, namespace: str, selector: str = "") -> list[dict]:
        """Items of a namespaced resource: "pods", "persistentvolumeclaims",
        "apps/statefulsets" (group/resource for non-core groups)."""
        q = f"?labelSelector={urllib.parse.quote(selector)}" if selector else ""
        return self.api("GET", _path(resource, namespace) + q)["items"]

    def get(self, resource: str, namespace: str, name: str) -> Optional[dict]:
        return self.api("GET", f"{_path(resource, namespace)}/{name}", missing_ok=True)

    def patch(self, resource: str, namespace: str, name: str, patch: dict,
              subresource: str = "") -> dict:
        sub = f"/{subresource}" if subresource else ""
        return self.api("PATCH", f"{_path(resource, namespace)}/{name}{sub}", patch)

    def kubectl_json(self, *args: str) -> dict:
        return json.loads(self.kubectl(*args, "-o", "json").stdout)

    def create_namespace(self, name: str, pod_security: Optional[str] = "restricted",
                         timeout: float = 30.0) -> None:
        """Creates `name` (idempotent), labels it to enforce and warn on the given
        Pod Security level, and returns once its default ServiceAccount exists
        (pods are rejected by the ServiceAccount admission plugin before that)."""
        labels = {}
        if pod_security:
            labels = {f"pod-security.kubernetes.io/{m}": pod_security
                      for m in ("enforce", "warn", "audit")}
        ns = {"apiVersion": "v1", "kind": "Namespace",
              "metadata": {"name": name, "labels": labels}}
        self.kubectl("apply", "--server-side", "--field-manager=strata-tests", "-f", "-",
                     input=json.dumps(ns))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.kubectl("get", "serviceaccount", "default", "-n", name,
                            check=False).returncode == 0:
                return
            time.sleep(0.2)
        raise ControlPlaneError(f"namespace {name}: no default ServiceAccount after {timeout}s")

    def logs_tail(self, lines: int = 80) -> str:
        out = [f"control plane work dir: {self.work_dir}"]
        for name in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler",
                     "node-agent", "kwok"):
            p = self.procs.get(name)
            if p is None:
                continue
            state = "running" if p.alive() else f"exited {p.popen.returncode}"
            out.append(f"--- {name} ({state}), last {lines} lines of {p.log_path} ---")
            out.append(_tail(p.log_text(), lines))
        return "\n".join(out)


def _path(resource: str, namespace: str) -> str:
    if "/" in resource:
        group, res = resource.split("/", 1)
        return f"/apis/{group}/v1/namespaces/{namespace}/{res}"
    return f"/api/v1/namespaces/{namespace}/{resource}"


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _http_ok(url: str, want: str, verify: bool = True, ctx: Optional[ssl.SSLContext] = None,
             headers: Optional[dict] = None) -> bool:
    if ctx is None and url.startswith("https") and not verify:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=2, context=ctx) as resp:
            return resp.status == 200 and want in resp.read().decode(errors="replace")
    except (urllib.error.URLError, OSError, ssl.SSLError):
        return False
