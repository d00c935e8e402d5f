#!/usr/bin/env bash
# Configures and builds the sanitizer tree: clang with AddressSanitizer +
# UndefinedBehaviorSanitizer and libFuzzer instrumentation, holding the C++
# tests, the CLI they run and the fuzzers of fuzz/ (cmake/sanitizers.cmake).
# Run by hand for now (neither tools/setup.sh nor tools/test.sh builds or runs
# it yet: putting it in CI within the time budget is still open, issue 18);
# tools/fuzz.sh runs the fuzzers.
#
#   bash tools/asan_build.sh [DIR]             # configure if needed, then build
#   bash tools/asan_build.sh configure [DIR]   # configure only
#
# DIR defaults to build-asan. Clang rather than gcc: libFuzzer needs it, one
# instrumented tree serves both the tests and the fuzzers, and clang 14
# compiles our heaviest files with the sanitizers in less CPU time than gcc 12
# (docs/robustness.md). Left out to keep CI's fresh run short: gRPC (the
# request conversions are fuzzed under the sanitizers by proto_fuzzer),
# Python and the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
configure_only=0
if [ "${1:-}" = configure ]; then configure_only=1; shift; fi
dir=${1:-build-asan}
if [ ! -f "$dir/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # -O1: the usual sanitizer trade-off (readable stacks, fast enough);
  # line tables only: file:line in reports at a fraction of full -g's cost.
  cmake -S . -B "$dir" -G Ninja "${launcher[@]}" \
    -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DSTRATA_SANITIZE=address,undefined -DSTRATA_BUILD_FUZZERS=ON \
    -DSTRATA_BUILD_BENCHMARKS=OFF -DSTRATA_INSTALL=OFF -DSTRATA_BUILD_GRPC=OFF >/dev/null
fi
[ $configure_only = 1 ] && exit 0
nice ninja -C "$dir" | grep -v '^\[' || true
nice ninja -C "$dir" >/dev/null  # fails loudly if the build is broken
