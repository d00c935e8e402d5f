#include "strata/quantity.h"

#include <cctype>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace strata {
namespace {

// 2^63 base units, in nanos: the largest quantity strata accepts.
constexpr __int128 kMaxNanos = (static_cast<__int128>(1) << 63) * 1000000000;

absl::Status Malformed(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid quantity \"", text, "\": ", why));
}

absl::Status NotAQuantity(absl::string_view text) {
  return Malformed(text,
                   "must be a number with an optional suffix such as 500m, 2, "
                   "1Gi or 10G");
}

}  // namespace

absl::StatusOr<Quantity> Quantity::Parse(absl::string_view text) {
  size_t i = 0;
  if (i < text.size() && text[i] == '+') ++i;
  if (i < text.size() && text[i] == '-') {
    return Malformed(text, "must not be negative");
  }
  // Mantissa: digits [. digits], at least one digit in all.
  __int128 mantissa = 0;
  int scale10 = 0;  // mantissa * 10^scale10 is the number.
  int digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    if (mantissa == 0 && c == '0') {
      if (seen_point) --scale10;
      ++digits;
      continue;
    }
    if (++digits > 30) return Malformed(text, "too many digits");
    mantissa = mantissa * 10 + (c - '0');
    if (seen_point) --scale10;
  }
  if (digits == 0) return NotAQuantity(text);

  // Suffix.
  absl::string_view suffix = text.substr(i);
  int pow2 = 0;
  int pow10 = 0;
  if (suffix.empty()) {
  } else if (suffix.size() == 2 && suffix[1] == 'i') {
    static constexpr absl::string_view kBinary = "KMGTPE";
    size_t k = kBinary.find(suffix[0]);
    if (k == absl::string_view::npos) return NotAQuantity(text);
    pow2 = 10 * static_cast<int>(k + 1);
  } else if (suffix.size() == 1) {
    switch (suffix[0]) {
      case 'n': pow10 = -9; break;
      case 'u': pow10 = -6; break;
      case 'm': pow10 = -3; break;
      case 'k': pow10 = 3; break;
      case 'M': pow10 = 6; break;
      case 'G': pow10 = 9; break;
      case 'T': pow10 = 12; break;
      case 'P': pow10 = 15; break;
      case 'E': pow10 = 18; break;
      default: return NotAQuantity(text);
    }
  } else if (suffix[0] == 'e' || suffix[0] == 'E') {
    size_t j = 1;
    bool negative = false;
    if (j < suffix.size() && (suffix[j] == '+' || suffix[j] == '-')) {
      negative = suffix[j] == '-';
      ++j;
    }
    if (j == suffix.size() || suffix.size() - j > 3) return NotAQuantity(text);
    int exponent = 0;
    for (; j < suffix.size(); ++j) {
      if (!std::isdigit(static_cast<unsigned char>(suffix[j]))) {
        return NotAQuantity(text);
      }
      exponent = exponent * 10 + (suffix[j] - '0');
    }
    pow10 = negative ? -exponent : exponent;
  } else {
    return NotAQuantity(text);
  }

  // nanos = mantissa * 10^(scale10 + pow10 + 9) * 2^pow2, exactly. Divide
  // before multiplying so a value that fits is never rejected as too large
  // because of an intermediate product ("1.00000000000000000000Ei").
  while (mantissa != 0 && mantissa % 10 == 0) {
    mantissa /= 10;
    ++scale10;
  }
  __int128 nanos = mantissa;
  int exp10 = scale10 + pow10 + 9;
  if (nanos == 0) exp10 = 0;
  if (exp10 < 0) {
    // Divide by 10^k = 5^k * 2^k; the 2s may come from the binary suffix.
    int k = -exp10;
    for (int j = 0; j < k; ++j) {
      if (nanos % 5 != 0) return Malformed(text, "finer than 1n (one billionth of a unit)");
      nanos /= 5;
    }
    pow2 -= k;
    for (; pow2 < 0; ++pow2) {
      if (nanos % 2 != 0) return Malformed(text, "finer than 1n (one billionth of a unit)");
      nanos /= 2;
    }
    exp10 = 0;
  }
  for (int b = 0; b < pow2; ++b) {
    nanos *= 2;
    if (nanos > kMaxNanos) return Malformed(text, "too large");
  }
  for (; exp10 > 0; --exp10) {
    nanos *= 10;
    if (nanos > kMaxNanos) return Malformed(text, "too large");
  }
  if (nanos > kMaxNanos) return Malformed(text, "too large");
  Quantity q;
  q.nanos_ = nanos;
  q.text_ = std::string(text);
  return q;
}

}  // namespace strata
