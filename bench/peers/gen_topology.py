#!/usr/bin/env python3
"""Writes the N-role topology of issue 17 for strata: DIR/app.yaml and DIR/cluster.yaml.

    python3 bench/peers/gen_topology.py N DIR

Role i (named role-i): 3 members, 2 named ports (3 for every odd role), TCP readiness and
liveness probes, cpu/memory requests and limits, one properties config file, one data
volume (10Gi, 100Gi for every odd role) and one client Service. strata compiles each role
into 5 objects: a ConfigMap, the headless Service, the client Service, the StatefulSet and
a PodDisruptionBudget. bench/peers/cdk8s/synth.js builds the same objects with cdk8s from
the same rules (keep the two in step).
"""
import os
import sys


def role(i):
    ports = [("client", 9000), ("peer", 9001)] + ([("admin", 9002)] if i % 2 else [])
    size = "100Gi" if i % 2 else "10Gi"
    lines = [
        f"  - name: role-{i}",
        f"    image: example.com/bench/role-{i % 10}:1.{i % 7}",
        '    cardinality: "3"',
        "    ports:",
        *[f"    - {{name: {n}, port: {p}}}" for n, p in ports],
        "    resources:",
        "      requests: {cpu: 500m, memory: 1Gi}",
        "      limits: {cpu: \"1\", memory: 1Gi}",
        "    storage:",
        f"    - {{name: data, mountPath: /data, size: {size}}}",
        "    probes:",
        "      readiness: {tcp: {port: client}, periodSeconds: 10}",
        "      liveness: {tcp: {port: client}, initialDelaySeconds: 30, timeoutSeconds: 5}",
        "    config:",
        "    - path: /conf/app.properties",
        "      format: properties",
        "      data:",
        f"        node.role: role-{i}",
        "        client.port: \"{{roles.role-%d.ports.client}}\"" % i,
        "        peer.port: \"{{roles.role-%d.ports.peer}}\"" % i,
        "        data.dir: /data",
        "    services:",
        "    - name: client",
        "      ports: [client]",
    ]
    return "\n".join(lines)


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "app.yaml"), "w") as f:
        f.write("apiVersion: strata.dev/v1\nkind: App\nmetadata:\n  name: bench\n"
                "spec:\n  version: \"1.0.0\"\n  roles:\n")
        for i in range(n):
            f.write(role(i) + "\n")
    with open(os.path.join(out, "cluster.yaml"), "w") as f:
        f.write("apiVersion: strata.dev/v1\nkind: Cluster\nmetadata:\n  name: bench\n"
                "  namespace: bench\nspec:\n  app: bench\n")


if __name__ == "__main__":
    main()
