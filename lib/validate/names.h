// Kubernetes name syntaxes strata enforces (SPEC §1.3, §2.4). Each IsX
// returns true when `s` is valid; each XRule is the phrase errors use.

#ifndef STRATA_VALIDATE_NAMES_H_
#define STRATA_VALIDATE_NAMES_H_

#include "absl/strings/string_view.h"

namespace strata::validate_internal {

// Lowercase letters, digits and '-', starting with a letter, ending with a
// letter or digit, at most 63 characters.
bool IsDns1035Label(absl::string_view s);
inline constexpr char kDns1035Rule[] =
    "must be a DNS-1035 label (lowercase letters, digits and '-', starting with a "
    "letter, ending with a letter or digit, at most 63 characters)";

// Lowercase letters, digits and '-', starting and ending alphanumeric, at
// most 63 characters.
bool IsDns1123Label(absl::string_view s);
inline constexpr char kDns1123Rule[] =
    "must be a DNS-1123 label (lowercase letters, digits and '-', starting and "
    "ending with a letter or digit, at most 63 characters)";

// DNS-1123 labels joined by '.', at most 253 characters.
bool IsDns1123Subdomain(absl::string_view s);
inline constexpr char kSubdomainRule[] =
    "must be a DNS-1123 subdomain (lowercase DNS-1123 labels separated by '.', at "
    "most 253 characters)";

// Empty, or at most 63 characters of letters, digits, '-', '_' and '.',
// starting and ending with a letter or digit.
bool IsLabelValue(absl::string_view s);
inline constexpr char kLabelValueRule[] =
    "must be a valid label value (at most 63 letters, digits, '-', '_' or '.', "
    "starting and ending with a letter or digit)";

// [prefix/]name: prefix a DNS-1123 subdomain, name a non-empty label value.
bool IsLabelKey(absl::string_view s);
inline constexpr char kLabelKeyRule[] =
    "must be a valid label key ([prefix/]name: prefix a DNS-1123 subdomain, name "
    "at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)";

// IANA service name: at most 15 lowercase letters, digits and '-', with at
// least one letter and no leading, trailing or doubled '-'.
bool IsIanaServiceName(absl::string_view s);
inline constexpr char kIanaRule[] =
    "must be an IANA service name (at most 15 lowercase letters, digits and '-', "
    "at least one letter, no leading, trailing or doubled '-')";

// An environment variable name: [-._a-zA-Z][-._a-zA-Z0-9]*.
bool IsEnvVarName(absl::string_view s);
inline constexpr char kEnvVarRule[] =
    "must be a valid environment variable name (letters, digits, '-', '_' and '.', "
    "not starting with a digit)";

// A Linux capability as Kubernetes writes it: uppercase letters, digits and
// '_', starting with a letter (IPC_LOCK, NET_BIND_SERVICE).
bool IsCapabilityName(absl::string_view s);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_NAMES_H_
