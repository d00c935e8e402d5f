#include "strata/cardinality.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace strata {
namespace {

constexpr int32_t kMaxMembers = 16384;

bool ParseCount(absl::string_view text, int32_t* out) {
  if (text.empty() || text.size() > 5) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(text, out);
}

}  // namespace

absl::StatusOr<Cardinality> Cardinality::Parse(absl::string_view text) {
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid cardinality \"", text, "\": ", why));
  };
  constexpr absl::string_view kSyntax = "must be \"N\", \"N+\" or \"N-M\"";
  Cardinality c;
  int32_t low = 0;
  if (!text.empty() && text.back() == '+') {
    if (!ParseCount(text.substr(0, text.size() - 1), &low)) return invalid(kSyntax);
    c.min = low;
  } else if (size_t dash = text.find('-'); dash != absl::string_view::npos) {
    int32_t high = 0;
    if (!ParseCount(text.substr(0, dash), &low) ||
        !ParseCount(text.substr(dash + 1), &high)) {
      return invalid(kSyntax);
    }
    if (low > high) return invalid("the lower bound exceeds the upper bound");
    c.min = low;
    c.max = high;
  } else {
    if (!ParseCount(text, &low)) return invalid(kSyntax);
    c.min = low;
    c.max = low;
  }
  if (c.min > kMaxMembers || (c.max && *c.max > kMaxMembers)) {
    return invalid(absl::StrCat("at most ", kMaxMembers, " members"));
  }
  if (c.max && *c.max == 0) return invalid("a role must allow at least one member");
  return c;
}

std::string Cardinality::ToString() const {
  if (!max) return absl::StrCat(min, "+");
  if (*max == min) return absl::StrCat(min);
  return absl::StrCat(min, "-", *max);
}

}  // namespace strata
