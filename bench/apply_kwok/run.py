#!/usr/bin/env python3
"""bench/apply_kwok: what `strata apply` costs to bring examples/kafka from
nothing to converged on the kwok control plane of tests/k8s, against
`kubectl apply --server-side` of the compiled objects plus a `kubectl wait`
per StatefulSet until every member is available (Ready for minReadySeconds),
with the same kwok delays (pods Ready as soon as kwok sees them scheduled).

Measured per run, each in a fresh namespace of one shared control plane:
  wall time         from the command's start to converged;
  API requests      strata: KubeClient's own count (the apply summary);
                    kubectl: the request lines of `-v=6` (every process);
  CPU               user + system of the commands (children rusage);
  steps             strata: steps run; CPU per step = strata CPU / steps.

Not a test: nothing is asserted; figures go into bench/README.md.

    python3 bench/apply_kwok/run.py [--runs 3] [--strata build/tools/strata/strata]
                                    [--min-ready 0]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "k8s"))

import harness  # noqa: E402
from example_files import ExampleCopy  # noqa: E402
from k8s_objects import ensure_storage_classes  # noqa: E402


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_strata(cp, strata: Path, files: list[Path]) -> dict:
    cpu0, t0 = children_cpu(), time.monotonic()
    r = subprocess.run([str(strata), "apply", *map(str, files), "--kubeconfig",
                        str(cp.kubeconfig), "-o", "json", "--timeout", "30m"],
                       capture_output=True, text=True)
    wall, cpu = time.monotonic() - t0, children_cpu() - cpu0
    if r.returncode != 0:
        raise SystemExit(f"strata apply exited {r.returncode}:\n{r.stderr}")
    m = re.search(r"(\d+) API requests", r.stderr)
    events = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    steps = sum(1 for e in events if e["event"] in ("stepSucceeded", "stepFailed"))
    return {"wall": wall, "cpu": cpu, "requests": int(m.group(1)) if m else None,
            "steps": steps}


def run_kubectl(cp, strata: Path, files: list[Path]) -> dict:
    compiled = subprocess.run([str(strata), "compile", *map(str, files), "-o", "yaml"],
                              capture_output=True, text=True, check=True).stdout
    doc = json.loads(subprocess.run([str(strata), "compile", *map(str, files), "-o", "json"],
                                    capture_output=True, text=True, check=True).stdout)
    stss = [(o["metadata"]["name"], o["metadata"]["namespace"], o["spec"]["replicas"])
            for o in (doc["items"] if isinstance(doc, dict) else doc)
            if o["kind"] == "StatefulSet"]
    kubectl = [cp.kubectl_bin, "--kubeconfig", str(cp.kubeconfig), "-v=6"]
    cpu0, t0 = children_cpu(), time.monotonic()
    requests = 0
    r = subprocess.run([*kubectl, "apply", "--server-side", "--field-manager=bench", "-f", "-"],
                       input=compiled, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"kubectl apply: {r.stderr[-2000:]}")
    requests += len(re.findall(r"round_trippers.go:\d+\].*(GET|PATCH|POST|PUT|DELETE) https",
                               r.stderr))
    for name, ns, replicas in stss:
        # Every member Ready (availableReplicas: the compiled StatefulSets
        # carry no minReadySeconds, strata waits for it itself; `kubectl
        # rollout status` refuses strata's OnDelete StatefulSets).
        w = subprocess.run([*kubectl, "wait", f"statefulset/{name}", "-n", ns,
                            f"--for=jsonpath={{.status.availableReplicas}}={replicas}",
                            "--timeout=30m"], capture_output=True, text=True)
        if w.returncode != 0:
            raise SystemExit(f"kubectl wait {name}: {w.stderr[-2000:]}")
        requests += len(re.findall(
            r"round_trippers.go:\d+\].*(GET|PATCH|POST|PUT|DELETE) https", w.stderr))
    wall, cpu = time.monotonic() - t0, children_cpu() - cpu0
    return {"wall": wall, "cpu": cpu, "requests": requests, "steps": None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--strata", type=Path, default=REPO / "build/tools/strata/strata")
    ap.add_argument("--min-ready", type=int, default=None,
                    help="cap every role's minReadySeconds (0: the same condition as kubectl's "
                         "wait, Ready pods)")
    args = ap.parse_args()
    cp = harness.ControlPlane(harness.find_bin_dir())
    cp.start()
    try:
        results = {"strata": [], "kubectl": []}
        for i in range(args.runs):
            for tool in ("strata", "kubectl"):
                ns = f"bench-{tool}-{i}"
                cp.create_namespace(ns)
                ex = ExampleCopy(REPO / "examples" / "kafka", Path(cp.work_dir) / ns,
                                 namespace=ns)
                if args.min_ready is not None:
                    for role in ex.app["spec"]["roles"]:
                        rollout = role.setdefault("rollout", {})
                        rollout["minReadySeconds"] = min(rollout.get("minReadySeconds", 0),
                                                         args.min_ready)
                files = ex.write()
                doc = json.loads(subprocess.run(
                    [str(args.strata), "compile", *map(str, files), "-o", "json"],
                    capture_output=True, text=True, check=True).stdout)
                ensure_storage_classes(cp, doc["items"] if isinstance(doc, dict) else doc)
                fn = run_strata if tool == "strata" else run_kubectl
                res = fn(cp, args.strata, files)
                results[tool].append(res)
                print(f"run {i + 1} {tool:7}: {res['wall']:.1f} s wall, {res['cpu']:.2f} s CPU, "
                      f"{res['requests']} API requests"
                      + (f", {res['steps']} steps" if res["steps"] else ""), flush=True)
        med = {t: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "requests")}
               for t, rs in results.items()}
        steps = statistics.median(r["steps"] for r in results["strata"])
        print("\nmedian of", args.runs, "runs:")
        for t in ("strata", "kubectl"):
            print(f"  {t:7}: {med[t]['wall']:.1f} s wall, {med[t]['cpu']:.2f} s CPU, "
                  f"{med[t]['requests']:.0f} API requests")
        print(f"  ratio strata/kubectl: wall {med['strata']['wall'] / med['kubectl']['wall']:.2f}x, "
              f"API requests {med['strata']['requests'] / med['kubectl']['requests']:.2f}x")
        print(f"  strata CPU per step: {1000 * med['strata']['cpu'] / steps:.1f} ms "
              f"({steps:.0f} steps; the whole process, startup included)")
    finally:
        cp.stop()


if __name__ == "__main__":
    main()
