#!/usr/bin/env bash
# Long mode of the simulator property test (tests/sim/property_test.cc):
# random topologies x random starting states (fresh, converged, interrupted
# mid-rollout) x random faults, every invariant checked after every step.
# CI runs the test's default (a few thousand cases, one master seed); this
# runs as many as asked, under each master seed given.
#
#   bash tools/property.sh                 # 10,000 cases, master seed 1
#   bash tools/property.sh 50000 1 2 3     # 50,000 cases under each of 3 seeds
#
# A failing case prints STRATA_PROPERTY_SEED=<seed>; rerun it alone with
#   STRATA_PROPERTY_SEED=<seed> STRATA_PROPERTY_PLANS=1 \
#     $BUILD_DIR/strata_sim_test --gtest_filter='PropertyTest.*'
# Environment: BUILD_DIR (default build; build-asan runs it under the
# sanitizers, slower).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cases=${1:-10000}
shift || true
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1)
bin=$BUILD_DIR/strata_sim_test
[ -x "$bin" ] || { echo "property.sh: no $bin (ninja -C $BUILD_DIR strata_sim_test)" >&2; exit 2; }
status=0
for seed in "${seeds[@]}"; do
  echo "== $cases cases, master seed $seed"
  STRATA_PROPERTY_CASES=$cases STRATA_PROPERTY_MASTER_SEED=$seed \
    "$bin" --gtest_filter='PropertyTest.*' --gtest_brief=1 | grep -v '^\[' || status=1
done
exit $status
