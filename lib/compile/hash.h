// The canonical serialization the spec-hash and config-hash are computed
// over (scheme documented in lib/compile/README.md), and their hex form. The
// hash itself is util/fnv.h's FNV-1a 64.

#ifndef STRATA_COMPILE_HASH_H_
#define STRATA_COMPILE_HASH_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "util/fnv.h"

namespace strata::compile_internal {

// lib/plan/planner.cc still spells the hash compile_internal::Fnv1a64; drop
// this alias when it calls strata::Fnv1a64 (util/fnv.h) itself.
using ::strata::Fnv1a64;

// 16 lower-case hex digits of `h`.
std::string Hex16(uint64_t h);

// Builds the canonical byte string of a hashed structure: every field is
// written as `<name>=<byte length>:<bytes>\n`, groups as `<name>{\n ... }\n`.
// Length prefixes make the encoding unambiguous whatever the values hold.
// The format is part of the hash scheme: never change how a field is
// written; add a new scheme version instead.
class CanonicalWriter {
 public:
  void Field(absl::string_view name, absl::string_view value);
  void Field(absl::string_view name, int64_t value);
  void Begin(absl::string_view name);
  void End();

  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

}  // namespace strata::compile_internal

#endif  // STRATA_COMPILE_HASH_H_
