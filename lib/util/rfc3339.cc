#include "util/rfc3339.h"

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"

namespace strata {
namespace {

// "2026-01-01T00:00:00Z", exactly what the API server writes.
std::optional<absl::Time> ParseUtcSeconds(absl::string_view s) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](size_t at, size_t len, int64_t* out) {
    int64_t v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int64_t y, mo, d, h, mi, se;
  if (!num(0, 4, &y) || !num(5, 2, &mo) || !num(8, 2, &d) || !num(11, 2, &h) ||
      !num(14, 2, &mi) || !num(17, 2, &se)) {
    return std::nullopt;
  }
  absl::CivilSecond cs(y, mo, d, h, mi, se);
  if (cs.year() != y || cs.month() != mo || cs.day() != d || cs.hour() != h ||
      cs.minute() != mi || cs.second() != se) {
    return std::nullopt;  // Out of range: month 13, February 30, 24:00:00.
  }
  return absl::FromCivil(cs, absl::UTCTimeZone());
}

}  // namespace

std::optional<absl::Time> ParseRfc3339(absl::string_view text) {
  if (std::optional<absl::Time> fast = ParseUtcSeconds(text)) return fast;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) return std::nullopt;
  return t;
}

}  // namespace strata
