#!/usr/bin/env bash
# The main job on a bundled example: validate, compile and plan a cluster
# from nothing, printing the objects and the plan.
#
#   bash tools/demo.sh [EXAMPLE]     # default: kafka
set -euo pipefail
cd "$(dirname "$0")/.."
example=${1:-kafka}
strata=${STRATA_BIN:-${BUILD_DIR:-build}/tools/strata/strata}
files=(examples/"$example"/*.yaml)

echo "== strata validate ${files[*]}"
"$strata" validate "${files[@]}"
echo
echo "== strata compile ${files[*]}"
"$strata" compile "${files[@]}"
echo
echo "== strata plan ${files[*]} --observed - (an empty cluster)"
echo '{"apiVersion": "v1", "kind": "List", "items": []}' |
  "$strata" plan "${files[@]}" --observed - --now 2026-01-01T00:00:00Z
