// Shared helpers of the libFuzzer fuzzers (fuzz/*_fuzzer.cc).
//
// A fuzzer checks more than "no crash": each states invariants of its
// surface and aborts through FUZZ_CHECK when one breaks, so libFuzzer saves
// the input as a crash artifact like any sanitizer finding.

#ifndef STRATA_FUZZ_FUZZ_UTIL_H_
#define STRATA_FUZZ_FUZZ_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "strata/json.h"
#include "util/utf8.h"

namespace strata::fuzz {

// Aborts with the failed condition and `what` when `cond` is false.
#define FUZZ_CHECK(cond, what)                                                  \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "%s:%d: invariant broken: %s: %s\n", __FILE__,       \
                   __LINE__, #cond, std::string(what).c_str());                 \
      std::abort();                                                             \
    }                                                                           \
  } while (0)

inline std::string AsString(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// True when `s` is well-formed UTF-8: what JSON output and proto3 strings
// require.
inline bool IsUtf8(absl::string_view s) { return util_internal::IsValidUtf8(s); }

// Load() and ParseObservedState() once accepted keys and scalars that are not
// UTF-8 (issue 18); libyaml now rejects such text with its line and column
// (tests/testdata/hostile/*non-utf8*). False: an accepted non-UTF-8 input is
// a finding again, and the fuzzers check everything they load dumps as JSON.
inline constexpr bool kLoadersAcceptNonUtf8 = false;

// Dumps `value` as JSON the way the front ends do; nlohmann throws (and the
// fuzzer then aborts) on a string that is not UTF-8.
inline std::string StrictDump(const Json& value) { return value.dump(); }

// What a failed call on outside input may return: the codes SPEC-2 §11 and
// STYLE.md §5 name for bad input. kInternal, kUnknown and friends mean a bug.
// The message must be UTF-8 when the input was (`input_utf8`); the scalar
// parsers quote their input verbatim, so theirs may not be otherwise, while
// diagnostics (StatusFromDiagnostics) always are.
inline void CheckInputError(const absl::Status& status, bool input_utf8 = true) {
  FUZZ_CHECK(!status.ok(), "expected an error");
  absl::StatusCode code = status.code();
  FUZZ_CHECK(code == absl::StatusCode::kInvalidArgument ||
                 code == absl::StatusCode::kResourceExhausted ||
                 code == absl::StatusCode::kFailedPrecondition ||
                 code == absl::StatusCode::kNotFound,
             status.ToString());
  FUZZ_CHECK(!status.message().empty(), "an error without a message");
  if (input_utf8) FUZZ_CHECK(IsUtf8(status.message()), status.ToString());
}

}  // namespace strata::fuzz

#endif  // STRATA_FUZZ_FUZZ_UTIL_H_
