#!/usr/bin/env python3
"""A deliberately tiny stand-in for `strata plan`, used only to test the
executor and the scenario assertions in test_plans.py against the real control
plane while (or whether or not) the real CLI exists. It is not strata: it
compiles just a headless Service and a StatefulSet per role, and plans
membership, template updates and serial descending restarts the way SPEC §4
describes, emitting whole chains (restart -> wait -> restart ...) so the
executor's `after` handling is exercised.

    fake_strata.py plan FILE... --observed - -o json --now RFC3339
    fake_strata.py compile FILE... -o yaml
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

import yaml


def load(files):
    docs = [d for f in files for d in yaml.safe_load_all(open(f)) if d]
    cluster = next(d for d in docs if d["kind"] == "Cluster")
    app = next(d for d in docs if d["kind"] == "App"
               and d["metadata"]["name"] == cluster["spec"]["app"])
    return app, cluster


def role_order(app):
    roles, done = app["spec"]["roles"], []
    while len(done) < len(roles):
        done.append(next(r for r in roles if r["name"] not in [d["name"] for d in done]
                         and all(x in [d["name"] for d in done] for x in r.get("dependsOn") or [])))
    return done


def cluster_role(cluster, name):
    return next((r for r in cluster["spec"].get("roles") or [] if r["name"] == name), {})


def members(role, crole):
    if "members" in crole:
        return int(crole["members"])
    return int(str(role["cardinality"]).rstrip("+").split("-")[0])


def compile_role(app, cluster, role):
    c, ns = cluster["metadata"]["name"], cluster["metadata"].get("namespace", "default")
    crole = cluster_role(cluster, role["name"])
    name = f"{c}-{role['name']}"
    sel = {"app.kubernetes.io/instance": c, "app.kubernetes.io/component": role["name"]}
    labels = {**sel, "app.kubernetes.io/name": app["metadata"]["name"],
              "app.kubernetes.io/managed-by": "strata-fake"}
    image = crole.get("image") or role["image"]
    spec_hash = "fake-" + hashlib.sha256(image.encode()).hexdigest()[:10]
    storage = role.get("storage") or []
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": ns, "labels": labels},
           "spec": {"clusterIP": "None", "publishNotReadyAddresses": True, "selector": sel,
                    "ports": [{"name": p["name"], "port": p["port"]}
                              for p in role.get("ports") or []]}}
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": {"name": name, "namespace": ns, "labels": labels},
           "spec": {
               "serviceName": name, "replicas": members(role, crole),
               "podManagementPolicy": "Parallel", "updateStrategy": {"type": "OnDelete"},
               "persistentVolumeClaimRetentionPolicy": {
                   "whenScaled": "Delete" if any(s.get("onScaleDown") == "delete"
                                                 for s in storage) else "Retain",
                   "whenDeleted": "Retain"},
               "selector": {"matchLabels": sel},
               "template": {
                   "metadata": {"labels": labels,
                                "annotations": {"strata.dev/spec-hash": spec_hash}},
                   "spec": {
                       "automountServiceAccountToken": False,
                       "securityContext": {"runAsNonRoot": True, "runAsUser": 1000,
                                           "seccompProfile": {"type": "RuntimeDefault"}},
                       "containers": [{
                           "name": role["name"], "image": image,
                           "ports": [{"name": p["name"], "containerPort": p["port"]}
                                     for p in role.get("ports") or []],
                           "securityContext": {"allowPrivilegeEscalation": False,
                                               "capabilities": {"drop": ["ALL"]}},
                           "volumeMounts": [{"name": s["name"], "mountPath": s["mountPath"]}
                                            for s in storage]}]}},
               "volumeClaimTemplates": [{
                   "metadata": {"name": s["name"], "labels": sel},
                   "spec": {"accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": s.get("size", "1Gi")}}}}
                   for s in storage]}}
    return svc, sts, spec_hash


def ready(pod):
    st = pod.get("status") or {}
    return st.get("phase") == "Running" and any(
        c["type"] == "Ready" and c["status"] == "True" for c in st.get("conditions") or [])


def plan(app, cluster, observed):
    items = observed.get("items") or []
    by = lambda kind: {o["metadata"]["name"]: o for o in items if o["kind"] == kind}  # noqa
    svcs, stss, pods = by("Service"), by("StatefulSet"), by("Pod")
    steps = []

    def add(action, kind, name, role, after=(), ordinal=None, **extra):
        t = {"kind": kind, "name": name, "role": role}
        if ordinal is not None:
            t["ordinal"] = ordinal
        steps.append({"id": len(steps) + 1, "action": action, "target": t, "after": list(after),
                      "reason": f"fake planner: {action} {name}", **extra})
        return len(steps)

    for role in role_order(app):
        r = role["name"]
        svc, sts, spec_hash = compile_role(app, cluster, role)
        name = sts["metadata"]["name"]
        n = sts["spec"]["replicas"]
        life = role.get("lifecycle") or {}
        stepwise = role.get("quorum") == "majority" or "memberJoin" in life or "memberLeave" in life
        if name not in svcs:
            add("apply", "Service", name, r, object=svc)
        have = stss.get(name)
        role_pods = {p: o for p, o in pods.items()
                     if o["metadata"]["labels"].get("app.kubernetes.io/component") == r}
        if have is None:
            first = dict(sts, spec=dict(sts["spec"], replicas=1 if stepwise else n))
            a = add("apply", "StatefulSet", name, r, object=first)
            add("wait", "StatefulSet", name, r, after=[a], condition="role Ready")
            break
        cur = have["spec"]["replicas"]
        old_hash = have["spec"]["template"]["metadata"].get("annotations", {}).get(
            "strata.dev/spec-hash")
        if cur != n:
            if cur < n:
                want = cur + 1 if stepwise else n
                a = add("apply", "StatefulSet", name, r,
                        object=dict(sts, spec=dict(sts["spec"], replicas=want)))
                w = add("wait", "Pod", f"{name}-{want - 1}", r, after=[a],
                        ordinal=want - 1, condition="pod Ready")
                if "memberJoin" in life:
                    add("exec", "Pod", f"{name}-{want - 1}", r, after=[w], ordinal=want - 1,
                        pod=f"{name}-{want - 1}", command=life["memberJoin"]["exec"]["command"])
            else:
                want = cur - 1 if stepwise else n
                after = []
                if "memberLeave" in life:
                    after = [add("exec", "Pod", f"{name}-{cur - 1}", r, ordinal=cur - 1,
                                 pod=f"{name}-{cur - 1}",
                                 command=life["memberLeave"]["exec"]["command"])]
                a = add("apply", "StatefulSet", name, r, after=after,
                        object=dict(sts, spec=dict(sts["spec"], replicas=want)))
                add("wait", "StatefulSet", name, r, after=[a], condition="role Ready")
            break
        if old_hash != spec_hash:
            a = add("apply", "StatefulSet", name, r, object=sts)
            add("wait", "StatefulSet", name, r, after=[a], condition="template applied")
            break
        missing = [f"{name}-{i}" for i in range(n) if f"{name}-{i}" not in role_pods
                   or not ready(role_pods[f"{name}-{i}"])]
        if missing:
            add("wait", "StatefulSet", name, r, condition=f"role Ready {n - len(missing)}/{n}")
            break
        stale = sorted((i for i in range(n) if role_pods[f"{name}-{i}"]["metadata"].get(
            "annotations", {}).get("strata.dev/spec-hash") != spec_hash), reverse=True)
        if stale:
            rollout = role.get("rollout") or {}
            if rollout.get("order") == "followersFirst":
                label = rollout["leaderLabel"]
                lead = lambda i: role_pods[f"{name}-{i}"]["metadata"]["labels"].get(label) == "true"  # noqa
                stale = [i for i in stale if not lead(i)] + [i for i in stale if lead(i)]
            prev = []
            for i in stale:
                if rollout.get("gate"):
                    prev = [add("exec", "Pod", f"{name}-{i}", r, after=prev, ordinal=i,
                                pod=f"{name}-{i}", hook="gate",
                                command=rollout["gate"]["exec"]["command"])]
                x = add("restart", "Pod", f"{name}-{i}", r, after=prev, ordinal=i)
                prev = [add("wait", "Pod", f"{name}-{i}", r, after=[x], ordinal=i,
                            condition="pod Ready")]
            break
    return {"cluster": cluster["metadata"]["name"],
            "namespace": cluster["metadata"].get("namespace", "default"),
            "converged": not steps, "steps": steps,
            "next": [s["id"] for s in steps if not s["after"]]}


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["plan", "compile"])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--observed")
    ap.add_argument("-o", default="json")
    ap.add_argument("--now")
    a = ap.parse_args(argv)
    app, cluster = load(a.files)
    if a.command == "compile":  # Services and StatefulSets only, as YAML documents
        objs = [o for role in role_order(app) for o in compile_role(app, cluster, role)[:2]]
        yaml.safe_dump_all(objs, sys.stdout, sort_keys=False)
        return 0
    text = sys.stdin.read() if a.observed == "-" else open(a.observed).read()
    observed = yaml.safe_load(text) or {}
    json.dump(plan(app, cluster, observed), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
