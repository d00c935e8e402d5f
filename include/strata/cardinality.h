// strata/cardinality.h: how many members a role may have.
//
// Written as "N" (exactly N), "N+" (at least N) or "N-M" (between N and M,
// inclusive). "0+" marks a role a Cluster may omit.
//
// Example:
//   absl::StatusOr<Cardinality> c = Cardinality::Parse("3+");
//   c->Allows(5);     // true
//   c->Allows(2);     // false
//   c->ToString();    // "3+"

#ifndef STRATA_CARDINALITY_H_
#define STRATA_CARDINALITY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace strata {

struct Cardinality {
  // Returns the cardinality `text` denotes, or InvalidArgument with a message
  // like `invalid cardinality "3-": must be "N", "N+" or "N-M"`. Requires
  // N <= M and M <= 16384.
  [[nodiscard]] static absl::StatusOr<Cardinality> Parse(absl::string_view text);

  // True when `members` is within [min, max].
  bool Allows(int64_t members) const {
    return members >= min && (!max.has_value() || members <= *max);
  }

  // "N", "N+" or "N-M".
  std::string ToString() const;

  int32_t min = 1;             // Smallest member count. >= 0.
  std::optional<int32_t> max;  // Largest member count; none means unbounded.

  bool operator==(const Cardinality&) const = default;
};

}  // namespace strata

#endif  // STRATA_CARDINALITY_H_
