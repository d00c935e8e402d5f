"""Small helpers about Kubernetes objects shared by the tests: whether a pod is
Ready, and StorageClasses for the claims strata's StatefulSets make.

Example:
    ensure_storage_classes(cp, compiled_objects)
    assert pod_ready(cp.get("pods", ns, "events-broker-0"))
"""

from __future__ import annotations

import json
from typing import Sequence

from harness import ControlPlane


def pod_ready(pod: dict) -> bool:
    """Running, not terminating, and its Ready condition is True."""
    st = pod.get("status") or {}
    if st.get("phase") != "Running" or pod["metadata"].get("deletionTimestamp"):
        return False
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in st.get("conditions") or [])


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
