// UTF-8 checks for text that reaches JSON output, proto3 strings or Python
// str: all three reject bytes that are not UTF-8, so strata makes every such
// string valid before it leaves the core.
//
// Example:
//   ValidUtf8("caf\xC3\xA9")   // unchanged
//   ValidUtf8("bad \xFF key")  // "bad \uFFFD key"
//   Utf8Prefix("caf\xC3\xA9", 4)  // "caf", not "caf\xC3"

#ifndef STRATA_UTIL_UTF8_H_
#define STRATA_UTIL_UTF8_H_

#include <string>

#include "absl/strings/string_view.h"

namespace strata::util_internal {

// True when `text` is well-formed UTF-8: no stray continuation bytes, no
// truncated or overlong sequences, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(absl::string_view text);

// Returns `text` with every byte that is not part of a well-formed UTF-8
// sequence replaced by U+FFFD (the replacement character).
std::string ValidUtf8(absl::string_view text);

// Returns the longest prefix of `text` of at most `max_bytes` bytes that does
// not end inside a multi-byte character, for shortening text that is shown.
absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes);

}  // namespace strata::util_internal

#endif  // STRATA_UTIL_UTF8_H_
