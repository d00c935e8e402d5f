#!/usr/bin/env bash
# Runs the whole test suite: C++ (ctest), benchmarks as smoke tests,
# Python (pytest) and the real-control-plane tests under tests/k8s.
#
#   bash tools/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
BUILD_DIR=${BUILD_DIR:-build}
export STRATA_BIN=${STRATA_BIN:-$PWD/$BUILD_DIR/tools/strata/strata}
export STRATA_SERVER_BIN=${STRATA_SERVER_BIN:-$PWD/$BUILD_DIR/tools/strata-server/strata-server}
status=0
step() { printf '\n=== %s\n' "$*"; }

step "C++ tests (ctest)"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 || status=1

step "benchmarks (smoke run, not timed)"
for b in "$BUILD_DIR"/bench/*_benchmark "$BUILD_DIR"/*_benchmark; do
  [ -x "$b" ] || continue
  case "$(basename "$b")" in grpc_*) args=(--smoke) ;; *) args=(--benchmark_min_time=0.01 --benchmark_filter='/(1|4|10|16|64)$') ;; esac
  echo "-- $(basename "$b")"
  "$b" "${args[@]}" >/dev/null || { echo "benchmark $b failed"; status=1; }
done

if [ -d tests/python ]; then
  step "Python tests (pytest)"
  $PYTHON -m pytest tests/python -q || status=1
fi

if [ -x tests/k8s/run.sh ] || [ -f tests/k8s/run.sh ]; then
  step "real control plane tests (tests/k8s)"
  bash tests/k8s/run.sh || status=1
fi

echo
if [ $status -eq 0 ]; then echo "ALL TESTS PASSED"; else echo "SOME TESTS FAILED"; fi
exit $status
