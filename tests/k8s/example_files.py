"""Finding the examples, and editable copies of an example's App + Cluster files.

Example:
    ex = ExampleCopy(REPO / "examples/kafka", tmp_path, namespace="t-scale")
    ex.set_members("broker", ex.members("broker") + 1)
    files = ex.write()      # paths to pass to `strata plan`
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Optional

import yaml

from harness import REPO

_CLUSTER_RE = re.compile(r"^kind:\s*Cluster\s*$", re.M)
_APP_RE = re.compile(r"^kind:\s*App\s*$", re.M)


def yaml_files(d: Path) -> list[Path]:
    return sorted([*d.glob("*.yaml"), *d.glob("*.yml")])


def example_dirs() -> list[Path]:
    """examples/* directories holding at least one App and one Cluster document."""
    root = REPO / "examples"
    out = []
    for d in sorted(p for p in root.glob("*") if p.is_dir()):
        text = "\n".join(f.read_text(errors="replace") for f in yaml_files(d))
        if _CLUSTER_RE.search(text) and _APP_RE.search(text):
            out.append(d)
    return out


def parse_cardinality(c: str) -> tuple[int, Optional[int]]:
    """'3' -> (3, 3); '3+' -> (3, None); '1-5' -> (1, 5)."""
    c = str(c).strip()
    if c.endswith("+"):
        return int(c[:-1]), None
    if "-" in c:
        lo, hi = c.split("-", 1)
        return int(lo), int(hi)
    return int(c), int(c)


class ExampleCopy:
    """The documents of one example, loaded so a test can change the Cluster
    (namespace, members, images) and write the result to a temp dir."""

    def __init__(self, src: Path, dst: Path, namespace: Optional[str] = None):
        self.src = src
        self.dst = dst
        self.docs: list[tuple[str, list[dict]]] = []
        for f in yaml_files(src):
            self.docs.append((f.name, [d for d in yaml.safe_load_all(f.read_text()) if d]))
        clusters = [d for _, ds in self.docs for d in ds if d.get("kind") == "Cluster"]
        if len(clusters) != 1:
            raise ValueError(f"{src}: expected one Cluster document, found {len(clusters)}")
        self.cluster = clusters[0]
        app_name = self.cluster["spec"]["app"]
        apps = [d for _, ds in self.docs for d in ds
                if d.get("kind") == "App" and d["metadata"]["name"] == app_name]
        if len(apps) != 1:
            raise ValueError(f"{src}: no App named {app_name!r}")
        self.app = apps[0]
        if namespace:
            self.cluster["metadata"]["namespace"] = namespace

    @property
    def name(self) -> str:
        return self.cluster["metadata"]["name"]

    @property
    def namespace(self) -> str:
        return self.cluster["metadata"].get("namespace") or "default"

    def app_role(self, role: str) -> dict:
        return next(r for r in self.app["spec"]["roles"] if r["name"] == role)

    def role_names(self) -> list[str]:
        """App roles in dependsOn order (App order breaks ties), as SPEC §2 emits them."""
        roles = self.app["spec"]["roles"]
        done: list[str] = []
        while len(done) < len(roles):
            for r in roles:
                if r["name"] not in done and all(d in done for d in r.get("dependsOn") or []):
                    done.append(r["name"])
                    break
            else:
                raise ValueError("dependsOn cycle")
        return done

    def _cluster_role(self, role: str, create: bool = False) -> Optional[dict]:
        roles = self.cluster["spec"].setdefault("roles", []) if create else \
            self.cluster["spec"].get("roles") or []
        for r in roles:
            if r["name"] == role:
                return r
        if create:
            r = {"name": role}
            roles.append(r)
            return r
        return None

    def members(self, role: str) -> int:
        r = self._cluster_role(role)
        if r and "members" in r:
            return int(r["members"])
        return parse_cardinality(self.app_role(role)["cardinality"])[0]

    def cardinality(self, role: str) -> tuple[int, Optional[int]]:
        return parse_cardinality(self.app_role(role)["cardinality"])

    def set_members(self, role: str, n: int) -> None:
        self._cluster_role(role, create=True)["members"] = n

    def image(self, role: str) -> str:
        r = self._cluster_role(role)
        return (r or {}).get("image") or self.app_role(role)["image"]

    def set_image(self, role: str, image: str) -> None:
        self._cluster_role(role, create=True)["image"] = image

    def sts_name(self, role: str) -> str:
        return f"{self.name}-{role}"

    def claim_names(self, role: str) -> list[str]:
        return [s["name"] for s in self.app_role(role).get("storage") or []]

    def write(self) -> list[Path]:
        self.dst.mkdir(parents=True, exist_ok=True)
        out = []
        for fname, docs in self.docs:
            p = self.dst / fname
            p.write_text(yaml.safe_dump_all(copy.deepcopy(docs), sort_keys=False))
            out.append(p)
        return out
