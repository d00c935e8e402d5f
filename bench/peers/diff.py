#!/usr/bin/env python3
"""Field-level differences between strata's and the Helm chart's objects.

    python3 bench/peers/diff.py STRATA.yaml HELM.yaml

Matches objects by kind and name (ConfigMap hash suffixes removed) and prints,
per object, every path whose value differs or that only one side has. Hash
values (names, annotations) are compared by presence only. Needs PyYAML.
"""
import re
import sys

import yaml

HASHED = re.compile(r"-config-[0-9a-f]{10}$")


def key(obj):
    return obj["kind"], HASHED.sub("-config", obj["metadata"]["name"])


def walk(path, a, b, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            walk(f"{path}.{k}", a.get(k, "<absent>"), b.get(k, "<absent>"), out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            walk(f"{path}[{i}]", x, y, out)
    elif isinstance(a, str) and isinstance(b, str) and HASHED.search(a) and HASHED.search(b):
        pass  # both name a hashed ConfigMap
    elif a != b:
        out.append(f"  {path}: strata {a!r} | helm {b!r}")


def main():
    strata, helm = ({key(o): o for o in yaml.safe_load_all(open(f)) if o} for f in sys.argv[1:3])
    for k in sorted(set(strata) | set(helm)):
        if k not in strata or k not in helm:
            print(f"{k}: only in {'strata' if k in strata else 'helm'}")
            continue
        out = []
        walk("", strata[k], helm[k], out)
        if out:
            print(f"{k[0]} {k[1]}:")
            print("\n".join(out))


if __name__ == "__main__":
    main()
