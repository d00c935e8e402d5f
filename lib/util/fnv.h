// FNV-1a, 64 bits: a stable, platform-independent hash for content hashes
// (spec-hash, config-hash), approval tokens, and the simulator's and
// executor's deterministic jitter and invented values. Not for security.

#ifndef STRATA_UTIL_FNV_H_
#define STRATA_UTIL_FNV_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace strata {

// Feeds bytes one piece at a time; Fnv1a64Hasher().Add(a).Add(b).value()
// equals Fnv1a64(a + b).
class Fnv1a64Hasher {
 public:
  Fnv1a64Hasher& Add(absl::string_view bytes) {
    for (unsigned char c : bytes) AddByte(c);
    return *this;
  }
  Fnv1a64Hasher& AddByte(unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ull;
    return *this;
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 14695981039346656037ull;
};

inline uint64_t Fnv1a64(absl::string_view bytes) { return Fnv1a64Hasher().Add(bytes).value(); }

}  // namespace strata

#endif  // STRATA_UTIL_FNV_H_
