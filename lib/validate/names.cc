#include "validate/names.h"

#include "absl/strings/str_split.h"

namespace strata::validate_internal {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsLower(c) || IsUpper(c) || IsDigit(c); }

}  // namespace

bool IsDns1123Label(absl::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!IsLower(c) && !IsDigit(c) && c != '-') return false;
  }
  return s.front() != '-' && s.back() != '-';
}

bool IsDns1035Label(absl::string_view s) {
  return IsDns1123Label(s) && IsLower(s.front());
}

bool IsDns1123Subdomain(absl::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(s, '.')) {
    if (!IsDns1123Label(label)) return false;
  }
  return true;
}

bool IsLabelValue(absl::string_view s) {
  if (s.empty()) return true;
  if (s.size() > 63) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return IsAlnum(s.front()) && IsAlnum(s.back());
}

bool IsLabelKey(absl::string_view s) {
  size_t slash = s.find('/');
  absl::string_view name = s;
  if (slash != absl::string_view::npos) {
    if (!IsDns1123Subdomain(s.substr(0, slash))) return false;
    name = s.substr(slash + 1);
  }
  return !name.empty() && IsLabelValue(name);
}

bool IsIanaServiceName(absl::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  bool has_letter = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (IsLower(c)) {
      has_letter = true;
    } else if (c == '-') {
      if (i == 0 || i + 1 == s.size() || s[i - 1] == '-') return false;
    } else if (!IsDigit(c)) {
      return false;
    }
  }
  return has_letter;
}

bool IsEnvVarName(absl::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = IsLower(c) || IsUpper(c) || c == '-' || c == '_' || c == '.' ||
              (i > 0 && IsDigit(c));
    if (!ok) return false;
  }
  return true;
}

bool IsCapabilityName(absl::string_view s) {
  if (s.empty() || !IsUpper(s.front())) return false;
  for (char c : s) {
    if (!IsUpper(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

}  // namespace strata::validate_internal
