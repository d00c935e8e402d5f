#!/usr/bin/env bash
# Runs the libFuzzer fuzzers of fuzz/ (one per input surface; fuzz/README.md).
#
#   bash tools/fuzz.sh [SECONDS] [FUZZER...]   # default: 60 s each, every fuzzer
#   FUZZ_RUNS=20000 bash tools/fuzz.sh         # a fixed number of executions
#   bash tools/fuzz.sh --ci                    # tools/test.sh: each fuzzer's fixed
#                                              # short count, seed 1 (deterministic)
#
# Each fuzzer starts from the seed corpus fuzz_seeds writes from examples/ and
# tests/testdata (plus fuzz/corpus/<fuzzer>/, hand-written seeds and minimized
# findings) with its dictionary fuzz/dict/*.dict, and keeps what it learns in
# $BUILD_DIR/fuzz/corpus/<fuzzer>/ for the next run. A crash, leak, sanitizer
# report, timeout, memory blow-up or broken invariant leaves the input in
# $BUILD_DIR/fuzz/artifacts/ and makes the script exit 1; reproduce it with
#   $BUILD_DIR/fuzz/<fuzzer> $BUILD_DIR/fuzz/artifacts/<file>
#
# Environment:
#   BUILD_DIR    the clang ASan+UBSan tree with the fuzzers (default build-asan;
#                configured and built if missing)
#   FUZZ_RUNS    executions per fuzzer instead of SECONDS; with FUZZ_SEED the
#                run is deterministic (tools/test.sh uses this, so CI does not
#                depend on how fast the machine is)
#   FUZZ_SEED    libFuzzer -seed (default: random; 1 when FUZZ_RUNS is set)
#   FUZZ_FLAGS   extra libFuzzer flags (e.g. -max_len=4096)
#   FUZZ_SUMMARY a file to append the summary table to (Markdown)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build-asan}
ALL_FUZZERS=(scalars template load compile observed proto)

seconds=60
ci=0
if [ "${1:-}" = --ci ]; then ci=1; shift; fi
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
fuzzers=("$@")
[ ${#fuzzers[@]} -gt 0 ] || fuzzers=("${ALL_FUZZERS[@]}")
for f in "${fuzzers[@]}"; do
  [[ " ${ALL_FUZZERS[*]} " == *" ${f%_fuzzer} "* ]] || { echo "fuzz.sh: unknown fuzzer $f (have: ${ALL_FUZZERS[*]})" >&2; exit 2; }
done

dict_of() {
  case $1 in
    load|compile) echo fuzz/dict/strata.dict ;;
    observed) echo fuzz/dict/kube.dict ;;
    template) echo fuzz/dict/template.dict ;;
    scalars) echo fuzz/dict/scalars.dict ;;
    proto) echo fuzz/dict/strata.dict ;;
  esac
}

# --ci executions per fuzzer: about 10-20 s each on an idle 2-core machine
# under the sanitizers (the surfaces differ a hundredfold in speed).
ci_runs_of() {
  case $1 in
    scalars) echo 100000 ;;
    template) echo 8000 ;;
    load|compile) echo 1500 ;;
    observed|proto) echo 800 ;;
  esac
}

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  bash tools/asan_build.sh configure "$BUILD_DIR"
fi
targets=(fuzz_seeds)
for f in "${fuzzers[@]}"; do targets+=("${f%_fuzzer}_fuzzer"); done
nice ninja -C "$BUILD_DIR" "${targets[@]}" | grep -v '^\[' || true

work=$BUILD_DIR/fuzz
rm -rf "$work/seeds"
"$work/fuzz_seeds" "$ROOT" "$work/seeds"
mkdir -p "$work/artifacts"

# Leaks are findings; symbolized stacks make them readable.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

budget=(-max_total_time="$seconds")
seed=${FUZZ_SEED:-}
if [ -n "${FUZZ_RUNS:-}" ]; then budget=(-runs="$FUZZ_RUNS"); seed=${seed:-1}; fi

status=0
summary=$(mktemp)
printf '| fuzzer | executions | exec/s | coverage (cov/ft) | corpus | result |\n|---|---|---|---|---|---|\n' >"$summary"
for f in "${fuzzers[@]}"; do
  name=${f%_fuzzer}
  corpus=$work/corpus/$name
  # --ci starts from the seeds alone each time, so its run is the same on
  # every machine and every repeat.
  [ $ci = 1 ] && corpus=$work/ci-corpus/$name && rm -rf "$corpus"
  mkdir -p "$corpus"
  extra=()
  [ -d "fuzz/corpus/$name" ] && extra+=("fuzz/corpus/$name")
  log=$work/$name.log
  run_budget=("${budget[@]}")
  run_seed=$seed
  if [ $ci = 1 ] && [ -z "${FUZZ_RUNS:-}" ]; then
    run_budget=(-runs="$(ci_runs_of "$name")"); run_seed=${seed:-1}
  fi
  flags=(-dict="$(dict_of "$name")" -artifact_prefix="$work/artifacts/$name-"
         -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 "${run_budget[@]}")
  [ -n "$run_seed" ] && flags+=(-seed="$run_seed")
  echo "-- ${name}_fuzzer ${run_budget[*]}"
  # shellcheck disable=SC2086
  if "$work/${name}_fuzzer" "${flags[@]}" ${FUZZ_FLAGS:-} "$corpus" "$work/seeds/$name" "${extra[@]}" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log)"
    status=1
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant broken|.*runtime error)' "$log" | head -5 || true
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1\/\2/p')
  files=$(find "$corpus" -type f | wc -l)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$files" "$result" >>"$summary"
  : "${secs:=}"
done
echo
cat "$summary"
[ -n "${FUZZ_SUMMARY:-}" ] && cat "$summary" >>"$FUZZ_SUMMARY"
rm -f "$summary"
exit $status
