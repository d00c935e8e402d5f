# Sanitizer and fuzzer instrumentation for a whole build tree.
#
#   cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++-14 \
#     -DSTRATA_SANITIZE=address,undefined -DSTRATA_BUILD_FUZZERS=ON
#
# STRATA_SANITIZE instruments every target of the tree (our code, generated
# protos, tests, tools); system libraries stay as Debian built them. UBSan is
# not recoverable here: the first finding aborts the process, so a test that
# trips it fails instead of printing a line nobody reads.
# STRATA_BUILD_FUZZERS adds libFuzzer's coverage instrumentation to every
# target and builds the fuzzers of fuzz/ (clang only). tools/test.sh builds
# and runs such a tree (build-asan); tools/fuzz.sh runs its fuzzers.

set(STRATA_SANITIZE "" CACHE STRING
    "Comma-separated -fsanitize= list for every target (e.g. address,undefined); empty for none")
option(STRATA_BUILD_FUZZERS "Build the libFuzzer fuzzers of fuzz/ (clang only)" OFF)

if(STRATA_SANITIZE)
  add_compile_options(-fsanitize=${STRATA_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${STRATA_SANITIZE})
endif()

if(STRATA_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "STRATA_BUILD_FUZZERS needs clang (libFuzzer); "
                        "configure with -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
