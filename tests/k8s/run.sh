#!/usr/bin/env bash
# Runs the tests/k8s suite against a real control plane:
#   1. builds etcd, kube-apiserver and kube-controller-manager (or reuses the
#      cached binaries, see build.sh),
#   2. installs pytest and PyYAML with pip only if they are missing,
#   3. runs `python3 -m pytest tests/k8s -q` from the repo root.
# Extra arguments go to pytest (e.g. tests/k8s/run.sh -k rollout -x).
# Exit status is pytest's. The strata CLI is taken from $STRATA_BIN (default
# build/tools/strata/strata); tests that need it skip while it is not built.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if ! command -v "${KUBECTL:-kubectl}" >/dev/null; then
  echo "run.sh: kubectl not found (set KUBECTL or install it)" >&2
  exit 1
fi
if ! command -v openssl >/dev/null; then
  echo "run.sh: openssl not found (it makes the test certificates)" >&2
  exit 1
fi

STRATA_K8S_BIN_DIR="$("$here/build.sh")"
export STRATA_K8S_BIN_DIR
# Binaries missing after a build is an error, never a skip.
export STRATA_K8S_REQUIRE=1

missing=()
python3 -c "import pytest" 2>/dev/null || missing+=(pytest)
python3 -c "import yaml" 2>/dev/null || missing+=(pyyaml)
if ((${#missing[@]})); then
  echo "run.sh: installing ${missing[*]}" >&2
  python3 -m pip install -q "${missing[@]}"
fi

cd "$repo"
start=$(date +%s)
set +e
python3 -m pytest tests/k8s -q -p no:cacheprovider "$@"
rc=$?
set -e
echo "run.sh: tests/k8s took $(( $(date +%s) - start ))s (pytest exit $rc)" >&2
exit $rc
