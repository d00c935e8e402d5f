"""Runs strata plans against a real kube-apiserver until they converge.

The loop is the one SPEC §4 describes for an operator:

    observed = kubectl get statefulsets,pods,... -l app.kubernetes.io/instance=C -o yaml
    plan     = strata plan FILES --observed - -o json --now <virtual now>
    run the plan's steps (starting from `next`), then plan again

until the plan is `converged` (or empty), for a bounded number of iterations.

The control plane runs kube-scheduler and kwok: pods are scheduled onto fake
nodes and made Running/Ready by kwok, PVCs bound and expanded by the
harness's node agent. FakeKubelet only sets the leader label a leaderProbe
would (this executor runs no probes). Everything else — creating pods for
missing ordinals, recreating deleted pods, orphaning on `--cascade=orphan`,
PVC retention — is the real controllers'.

Time is virtual: `--now` is wall time plus an offset that the executor moves
forward when a plan can only be waiting on time (minReadySeconds), so tests
never sleep for a role's minReadySeconds.

Example:
    ex = Executor(cp, strata_bin, files, namespace="data", cluster="events")
    result = ex.run()
    assert result.converged, result.describe()
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

from harness import ControlPlane, ControlPlaneError

OBSERVED_KINDS = ("statefulsets,pods,services,configmaps,poddisruptionbudgets,"
                  "persistentvolumeclaims")

# kubectl resource names for the kinds a plan may target.
_RESOURCE = {
    "StatefulSet": "statefulsets.apps",
    "Pod": "pods",
    "Service": "services",
    "ConfigMap": "configmaps",
    "PodDisruptionBudget": "poddisruptionbudgets.policy",
    "PersistentVolumeClaim": "persistentvolumeclaims",
    "Secret": "secrets",
}


class ExecutorError(AssertionError):
    """A plan could not be carried out or did not converge. An AssertionError so
    pytest shows its message as the failure."""


class VirtualClock:
    def __init__(self) -> None:
        self.offset = dt.timedelta(0)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + self.offset

    def rfc3339(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M:%SZ")

    def advance(self, seconds: float) -> None:
        self.offset += dt.timedelta(seconds=seconds)


def parse_time(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def pod_ready(pod: dict) -> bool:
    st = pod.get("status") or {}
    if st.get("phase") != "Running" or pod["metadata"].get("deletionTimestamp"):
        return False
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in st.get("conditions") or [])


def ready_since(pod: dict) -> dt.datetime:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready" and c.get("lastTransitionTime"):
            return parse_time(c["lastTransitionTime"])
    return dt.datetime.now(dt.timezone.utc)


def _quantity_bytes(q: str) -> float:
    """Kubernetes quantity -> number, enough for storage sizes."""
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
             "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}
    for u in sorted(units, key=len, reverse=True):
        if q.endswith(u):
            return float(q[: -len(u)]) * units[u]
    return float(q)


class FakeKubelet:
    """What is left of the fake kubelet: the leader label. kwok makes pods
    Ready and the node agent binds and grows PVCs (see harness.py)."""

    def __init__(self, cp: ControlPlane, namespace: str, clock: VirtualClock,
                 leaders: Optional[dict] = None):
        self.cp = cp
        self.ns = namespace
        self.clock = clock
        # {role: (leaderLabel, ordinal)}: the member that "is" the leader. What
        # an executor learns by running the role's leaderProbe, it gets here by
        # fiat: the label goes on that member whenever it is Ready.
        self.leaders = leaders or {}

    def sync(self) -> int:
        """Labels the leaders; returns how many pods it changed."""
        return sum(self.label_leader(pod) for pod in self.cp.list("pods", self.ns))

    def settled(self) -> bool:
        """Whether kwok and the node agent have caught up: every live pod is
        scheduled and Ready (or kept unready on purpose), every PVC Bound at
        its requested size."""
        for pod in self.cp.list("pods", self.ns):
            md = pod["metadata"]
            if md.get("deletionTimestamp"):
                return False
            if (md.get("annotations") or {}).get("strata.test/readiness") == "never":
                continue
            if not pod_ready(pod):
                return False
        for pvc in self.cp.list("persistentvolumeclaims", self.ns):
            want = ((pvc["spec"].get("resources") or {}).get("requests") or {}).get("storage")
            st = pvc.get("status") or {}
            have = (st.get("capacity") or {}).get("storage")
            if st.get("phase") != "Bound" or not have or \
                    (want and _quantity_bytes(have) < _quantity_bytes(want)):
                return False
        return True

    def label_leader(self, pod: dict) -> int:
        md = pod["metadata"]
        role = (md.get("labels") or {}).get("app.kubernetes.io/component")
        if role not in self.leaders:
            return 0
        label, ordinal = self.leaders[role]
        want = "true" if md["name"].endswith(f"-{ordinal}") and pod_ready(pod) else None
        if (md.get("labels") or {}).get(label) == want:
            return 0
        self.cp.patch("pods", self.ns, md["name"], {"metadata": {"labels": {label: want}}})
        return 1


@dataclasses.dataclass
class Event:
    iteration: int
    step: dict
    note: str = ""
    # For restarts: the pod's uid before and after the StatefulSet recreated it,
    # and how many of the role's members were unavailable just before.
    old_uid: str = ""
    new_uid: str = ""
    unavailable_before: int = -1
    # For StatefulSet applies: {role: number of Ready pods} just before.
    ready_by_role: dict = dataclasses.field(default_factory=dict)

    @property
    def action(self) -> str:
        return self.step["action"]

    @property
    def target(self) -> dict:
        return self.step.get("target") or {}

    def __str__(self) -> str:
        t = self.target
        s = f"[{self.iteration}] #{self.step.get('id')} {self.action} {t.get('kind')}/{t.get('name')}"
        if self.note:
            s += f" ({self.note})"
        return s


@dataclasses.dataclass
class Result:
    converged: bool
    iterations: int
    events: list[Event]
    plans: list[dict]
    stderr: list[str]

    def restarts(self, role: Optional[str] = None) -> list[Event]:
        return [e for e in self.events if e.action == "restart"
                and (role is None or e.target.get("role") == role)]

    def of(self, action: str) -> list[Event]:
        return [e for e in self.events if e.action == action]

    def describe(self) -> str:
        lines = [f"converged={self.converged} after {self.iterations} plans"]
        lines += [str(e) for e in self.events]
        if self.plans:
            lines.append("last plan: " + json.dumps(self.plans[-1], indent=1)[:4000])
        if any(self.stderr):
            lines.append("strata stderr (last): " + self.stderr[-1][-2000:])
        return "\n".join(lines)


class Executor:
    """Plans with the strata CLI and carries the plans out with kubectl.

    `follow_after`: after the `next` steps, also run steps whose `after` ids
    have all completed, so a plan's chain (gate -> restart -> wait) runs in
    one go; a wait that does not hold within `wait_timeout` ends the plan early
    and the executor replans. With follow_after=False only `next` is run.
    """

    def __init__(self, cp: ControlPlane, strata_bin, files: Sequence[Path],
                 namespace: str, cluster: str, max_iterations: int = 80,
                 wait_timeout: float = 30.0, follow_after: bool = True,
                 on_observe: Optional[Callable[[int, dict], None]] = None,
                 clock: Optional[VirtualClock] = None, leaders: Optional[dict] = None):
        self.cp = cp
        # The strata CLI, or a command prefix standing in for it (a list).
        self.strata = [str(a) for a in strata_bin] if isinstance(strata_bin, (list, tuple)) \
            else [str(strata_bin)]
        self.files = [str(f) for f in files]
        self.ns = namespace
        self.cluster = cluster
        self.max_iterations = max_iterations
        self.wait_timeout = wait_timeout
        self.follow_after = follow_after
        self.on_observe = on_observe
        self.clock = clock or VirtualClock()
        self.kubelet = FakeKubelet(cp, namespace, self.clock, leaders)
        self.events: list[Event] = []
        self.iteration = 0

    # --- observe and plan ------------------------------------------------

    def observe(self) -> str:
        return self.cp.kubectl("get", OBSERVED_KINDS, "-n", self.ns,
                               "-l", f"app.kubernetes.io/instance={self.cluster}",
                               "-o", "yaml").stdout

    def plan(self, observed: str) -> tuple[dict, str]:
        argv = [*self.strata, "plan", *self.files, "--observed", "-", "-o", "json",
                "--now", self.clock.rfc3339()]
        r = subprocess.run(argv, input=observed, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise ExecutorError(f"{' '.join(argv)} exited {r.returncode}:\n{r.stderr}")
        try:
            return json.loads(r.stdout), r.stderr
        except json.JSONDecodeError as e:
            raise ExecutorError(f"strata plan printed no JSON ({e}):\n{r.stdout[:2000]}")

    # --- the loop --------------------------------------------------------

    def run(self) -> Result:
        plans: list[dict] = []
        stderrs: list[str] = []
        stalled = 0
        for self.iteration in range(1, self.max_iterations + 1):
            observed = self.observe()
            if self.on_observe is not None:
                import yaml  # PyYAML; only needed by callers that inspect state
                self.on_observe(self.iteration, yaml.safe_load(observed))
            plan, err = self.plan(observed)
            plans.append(plan)
            stderrs.append(err)
            _check_plan_shape(plan)
            if plan.get("converged") or not plan.get("steps"):
                if plan.get("converged") is not True or plan.get("steps") or plan.get("next"):
                    raise ExecutorError(
                        "plan is inconsistent: converged must be true exactly when "
                        f"there are no steps: {json.dumps(plan)[:2000]}")
                return Result(True, self.iteration, self.events, plans, stderrs)
            progressed = self.execute(plan)
            # Make whatever the controller created since look alive, the way
            # kubelet would, before the next observation.
            progressed |= self.settle() > 0
            if progressed:
                stalled = 0
                continue
            # Nothing changed: the plan can only be waiting for time (a
            # minReadySeconds, a timeout). Let time pass, more each round.
            stalled += 1
            if stalled > 10:
                raise ExecutorError("plan stalled: 10 plans in a row changed nothing, "
                                    f"with the clock moved {self.clock.offset} ahead\n"
                                    + Result(False, self.iteration, self.events, plans,
                                             stderrs).describe())
            self.clock.advance(min(15 * 2 ** (stalled - 1), 600))
        return Result(False, self.iteration, self.events, plans, stderrs)

    def settle(self, timeout: float = 30.0) -> int:
        """Lets the StatefulSet controller catch up (pods for every desired
        ordinal exist) and then kwok and the node agent (pods Ready, PVCs
        Bound), then labels leaders; returns how many objects changed since
        the last observation (a nonzero count is progress)."""
        before = self._fingerprint()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._controller_caught_up() and self.kubelet.settled():
                break
            time.sleep(0.2)
        self.kubelet.sync()
        return 1 if self._fingerprint() != before else 0

    def _fingerprint(self) -> tuple:
        """The resourceVersions of the namespace's pods and PVCs."""
        return tuple(sorted((r, o["metadata"]["name"],
                             o["metadata"]["resourceVersion"])
                            for r in ("pods", "persistentvolumeclaims")
                            for o in self.cp.list(r, self.ns)))

    def _controller_caught_up(self) -> bool:
        stss = self.cp.list("apps/statefulsets", self.ns,
                            f"app.kubernetes.io/instance={self.cluster}")
        pods = {p["metadata"]["name"]: p for p in self.cp.list("pods", self.ns)}
        for s in stss:
            if (s.get("status") or {}).get("observedGeneration", 0) < s["metadata"]["generation"]:
                return False
            name = s["metadata"]["name"]
            start = ((s["spec"].get("ordinals") or {}).get("start") or 0)
            for i in range(start, start + s["spec"].get("replicas", 1)):
                p = pods.get(f"{name}-{i}")
                if p is None or p["metadata"].get("deletionTimestamp"):
                    return False
        return True

    def execute(self, plan: dict) -> bool:
        """Runs the plan from `next`; returns whether any step changed the cluster."""
        steps = {s["id"]: s for s in plan["steps"]}
        queue = [i for i in plan["next"]]
        done: set = set()
        progressed = False
        while queue:
            sid = queue.pop(0)
            if sid in done:
                continue
            step = steps.get(sid)
            if step is None:
                raise ExecutorError(f"next names step {sid}, which is not in the plan")
            ok, changed = self.run_step(step)
            progressed |= changed
            if not ok:
                break  # a wait that does not hold: replan from the new state
            done.add(sid)
            if self.follow_after:
                for s in plan["steps"]:
                    if s["id"] not in done and s["id"] not in queue and s.get("after") and \
                            all(a in done for a in s["after"]):
                        queue.append(s["id"])
        return progressed

    # --- steps -------------------------------------------------------------

    def run_step(self, step: dict) -> tuple[bool, bool]:
        """Returns (completed, changed the cluster)."""
        action = step["action"]
        fn = getattr(self, "_do_" + action.replace("Pvc", "_pvc").lower(), None)
        if fn is None:
            raise ExecutorError(f"unknown action {action!r} in step {json.dumps(step)}")
        ev = Event(self.iteration, step)
        try:
            ok, changed = fn(step, ev)
        except ControlPlaneError as e:
            raise ExecutorError(f"step {json.dumps(step)} failed: {e}") from None
        self.events.append(ev)
        return ok, changed

    def _do_apply(self, step: dict, ev: Event) -> tuple[bool, bool]:
        obj = step.get("object")
        if not isinstance(obj, dict):
            raise ExecutorError(f"apply step without an object: {json.dumps(step)}")
        if obj.get("kind") == "StatefulSet":
            ev.note = f"replicas={obj.get('spec', {}).get('replicas')}"
            ev.ready_by_role = self.ready_by_role()
        self.cp.kubectl("apply", "--server-side", "--force-conflicts",
                        "--field-manager=strata", "-f", "-", input=json.dumps(obj))
        return True, True

    def ready_by_role(self) -> dict:
        out: dict = {}
        for p in self.cp.list("pods", self.ns):
            role = p["metadata"].get("labels", {}).get("app.kubernetes.io/component")
            if role:
                out[role] = out.get(role, 0) + (1 if pod_ready(p) else 0)
        return out

    def _do_delete(self, step: dict, ev: Event) -> tuple[bool, bool]:
        t = step["target"]
        args = ["delete", _RESOURCE.get(t["kind"], t["kind"].lower()), t["name"], "-n", self.ns,
                "--ignore-not-found", "--wait=true", "--timeout=60s"]
        if step.get("orphan"):
            args.append("--cascade=orphan")
            ev.note = "orphan"
        self.cp.kubectl(*args)
        return True, True

    def _do_restart(self, step: dict, ev: Event) -> tuple[bool, bool]:
        t = step["target"]
        name = t["name"]
        pods = self.cp.list("pods", self.ns)
        role = t.get("role")
        if role:
            members = [p for p in pods if p["metadata"].get("labels", {}).get(
                "app.kubernetes.io/component") == role]
            ev.unavailable_before = sum(1 for p in members if not pod_ready(p))
        old = next((p for p in pods if p["metadata"]["name"] == name), None)
        ev.old_uid = old["metadata"]["uid"] if old else ""
        # No --wait: kwok removes the pod and the controller recreates it under
        # the same name at once, which kubectl 1.32's wait never sees as gone.
        # The loop below waits for the new uid instead.
        self.cp.kubectl("delete", "pod", name, "-n", self.ns, "--ignore-not-found",
                        "--wait=false")
        # The StatefulSet controller recreates the pod under the same name.
        deadline = time.monotonic() + self.wait_timeout
        while time.monotonic() < deadline:
            p = self.cp.get("pods", self.ns, name)
            if p is not None:
                uid = p["metadata"]["uid"]
                if uid != ev.old_uid:
                    ev.new_uid = uid
                    break
            time.sleep(0.2)
        ev.note = f"uid {ev.old_uid[:8]} -> {ev.new_uid[:8] or 'not recreated'}"
        return True, True

    def _do_exec(self, step: dict, ev: Event) -> tuple[bool, bool]:
        # No kubelet, so nothing to exec into: hooks and gates succeed.
        hook = f"{step['hook']} " if step.get("hook") else ""
        cmd = " ".join(step.get("command") or [])
        ev.note = f"{hook}in {step.get('pod')}: {cmd[:60] + '...' if len(cmd) > 60 else cmd}"
        return True, False

    def _do_wait(self, step: dict, ev: Event) -> tuple[bool, bool]:
        ev.note = str(step.get("condition", ""))
        deadline = time.monotonic() + self.wait_timeout
        changed = False
        while True:
            changed |= self.kubelet.sync() > 0
            held, why = self._condition_holds(step)
            if held:
                return True, changed
            if time.monotonic() > deadline:
                ev.note += f" -- still not holding after {self.wait_timeout:.0f}s: {why}"
                return False, changed
            time.sleep(0.2)

    def _condition_holds(self, step: dict) -> tuple[bool, str]:
        t = step.get("target") or {}
        kind, name = t.get("kind"), t.get("name")
        cond = str(step.get("condition", "")).lower()
        if "gate" in cond:
            return True, "gates pass without a kubelet"
        if kind == "Pod":
            pod = self.cp.get("pods", self.ns, name)
            if pod is None:
                return False, f"pod {name} does not exist"
            if not pod_ready(pod):
                return False, f"pod {name} not Ready"
            self._sleep_min_ready(cond, [pod])
            return True, ""
        if kind == "StatefulSet":
            sts = self.cp.get("apps/statefulsets", self.ns, name)
            if sts is None:
                return False, f"statefulset {name} does not exist"
            pods = {p["metadata"]["name"]: p for p in self.cp.list("pods", self.ns)}
            start = ((sts["spec"].get("ordinals") or {}).get("start") or 0)
            members = []
            for i in range(start, start + sts["spec"].get("replicas", 1)):
                p = pods.get(f"{name}-{i}")
                if p is None or not pod_ready(p):
                    return False, f"{name}-{i} not Ready"
                members.append(p)
            self._sleep_min_ready(cond, members)
            return True, ""
        if kind == "PersistentVolumeClaim":
            pvc = self.cp.get("persistentvolumeclaims", self.ns, name)
            if pvc is None:
                return False, f"pvc {name} does not exist"
            want = step.get("size") or pvc["spec"]["resources"]["requests"]["storage"]
            have = ((pvc.get("status") or {}).get("capacity") or {}).get("storage", "0")
            return _quantity_bytes(have) >= _quantity_bytes(want), f"capacity {have} < {want}"
        # A condition this executor cannot check: the kubelet sync above is all
        # a real cluster would do about it too.
        return True, "unchecked"

    def _sleep_min_ready(self, cond: str, pods: list) -> None:
        """For a condition like "podReady x-1 minReadySeconds=30", waits (in
        virtual time) until every pod has been Ready that long."""
        m = re.search(r"minreadyseconds[=: ]+(\d+)", cond)
        if not m:
            return
        need = max((ready_since(p) + dt.timedelta(seconds=int(m.group(1))) - self.clock.now()
                    for p in pods), default=dt.timedelta(0))
        if need > dt.timedelta(0):
            self.clock.advance(need.total_seconds() + 1)

    def _do_resize_pvc(self, step: dict, ev: Event) -> tuple[bool, bool]:
        t = step["target"]
        size = step.get("size")
        if not size:
            raise ExecutorError(f"resizePvc step without a size: {json.dumps(step)}")
        self.cp.kubectl("patch", "persistentvolumeclaim", t["name"], "-n", self.ns,
                        "--type=merge",
                        "-p", json.dumps({"spec": {"resources": {"requests": {"storage": size}}}}))
        # The node agent grows the volume; the plan's wait checks the capacity.
        ev.note = f"size={size}"
        return True, True


def _check_plan_shape(plan: dict) -> None:
    """The SPEC §4 JSON shape; extra fields are allowed."""
    for key in ("cluster", "namespace", "converged", "steps", "next"):
        if key not in plan:
            raise ExecutorError(f"plan JSON has no {key!r}: {json.dumps(plan)[:2000]}")
    ids = set()
    for s in plan["steps"]:
        for key in ("id", "action", "target", "after", "reason"):
            if key not in s:
                raise ExecutorError(f"plan step has no {key!r}: {json.dumps(s)}")
        if s["action"] not in ("apply", "delete", "restart", "exec", "wait", "resizePvc"):
            raise ExecutorError(f"unknown action {s['action']!r}: {json.dumps(s)}")
        if not {"kind", "name"} <= set(s["target"]):
            raise ExecutorError(f"step target needs kind and name: {json.dumps(s)}")
        ids.add(s["id"])
    for s in plan["steps"]:
        for a in s["after"]:
            if a not in ids:
                raise ExecutorError(f"step {s['id']} waits for unknown step {a}")
    for n in plan["next"]:
        if n not in ids:
            raise ExecutorError(f"next names unknown step {n}")


def ensure_storage_classes(cp: ControlPlane, objects: Sequence[dict]) -> None:
    """Creates an expandable StorageClass for every class the objects name, and a
    default one for claims that name none, so PVC resizes pass admission."""
    names = set()
    for o in objects:
        if o.get("kind") == "StatefulSet":
            for t in o["spec"].get("volumeClaimTemplates") or []:
                names.add(t["spec"].get("storageClassName") or "")
        if o.get("kind") == "PersistentVolumeClaim":
            names.add(o["spec"].get("storageClassName") or "")
    for n in sorted(names | {""}):
        sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
              "metadata": {"name": n or "strata-test-default"},
              "provisioner": "strata.dev/fake", "allowVolumeExpansion": True,
              "volumeBindingMode": "Immediate"}
        if not n:
            sc["metadata"]["annotations"] = {
                "storageclass.kubernetes.io/is-default-class": "true"}
        cp.kubectl("apply", "--server-side", "--field-manager=strata-tests", "-f", "-",
                   input=json.dumps(sc))
