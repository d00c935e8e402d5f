// strata/quantity.h: Kubernetes resource quantities, compared exactly.
//
// A Quantity is what Kubernetes writes as `500m`, `1.5Gi`, `2`, `1e3`: a
// decimal number with an optional binary (Ki..Ei), decimal (n, u, m, k..E) or
// exponent suffix. strata stores the value exactly as an integer count of
// nano-units, so `300m` < `500m` and `1Gi` > `1000Mi` hold without rounding.
//
// Example:
//   absl::StatusOr<Quantity> q = Quantity::Parse("1.5Gi");
//   assert(q.ok() && q->nanos() == (__int128{3} << 29) * 1000000000);
//   assert(*Quantity::Parse("1Gi") > *Quantity::Parse("1000Mi"));
//   q->ToString();  // "1.5Gi", the text it was written as

#ifndef STRATA_QUANTITY_H_
#define STRATA_QUANTITY_H_

#include <compare>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace strata {

class Quantity {
 public:
  // The zero quantity, written "0".
  Quantity() = default;

  // Returns the quantity `text` denotes, or InvalidArgument with a message
  // like `invalid quantity "1.5x": must be a number with an optional suffix
  // such as 500m, 2, 1Gi or 10G`. Values finer than one nano-unit, negative
  // values and values above 2^63 units are rejected.
  [[nodiscard]] static absl::StatusOr<Quantity> Parse(absl::string_view text);

  // The value in nano-units (1 = 1e-9 of the base unit).
  __int128 nanos() const { return nanos_; }

  // The text the quantity was parsed from, as written ("1.5Gi").
  const std::string& ToString() const { return text_; }

  // Exact comparisons on the value; "1Gi" == "1024Mi".
  friend bool operator==(const Quantity& a, const Quantity& b) {
    return a.nanos_ == b.nanos_;
  }
  friend std::strong_ordering operator<=>(const Quantity& a,
                                          const Quantity& b) {
    return a.nanos_ <=> b.nanos_;
  }

 private:
  __int128 nanos_ = 0;
  std::string text_ = "0";
};

}  // namespace strata

#endif  // STRATA_QUANTITY_H_
