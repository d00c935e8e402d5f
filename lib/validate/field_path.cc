#include "validate/field_path.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace strata {
namespace {

bool IsPlainKey(absl::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

FieldPath FieldPath::Child(absl::string_view name) const {
  FieldPath out = *this;
  if (!out.path_.empty()) out.path_ += '.';
  absl::StrAppend(&out.path_, name);
  return out;
}

FieldPath FieldPath::Index(int index) const {
  FieldPath out = *this;
  absl::StrAppend(&out.path_, "[", index, "]");
  return out;
}

FieldPath FieldPath::Key(absl::string_view key) const {
  if (IsPlainKey(key)) return Child(key);
  FieldPath out = *this;
  out.path_ += "[\"";
  for (char c : key) {
    if (c == '"' || c == '\\') out.path_ += '\\';
    out.path_ += c;
  }
  out.path_ += "\"]";
  return out;
}

std::optional<std::string> ParentPath(absl::string_view path) {
  if (path.empty()) return std::nullopt;
  // Segment boundaries: the offsets where each segment after the first starts.
  size_t last_boundary = 0;
  size_t i = 0;
  while (i < path.size()) {
    char c = path[i];
    if (c == '.') {
      last_boundary = i;
      ++i;
    } else if (c == '[') {
      last_boundary = i;
      ++i;
      if (i < path.size() && path[i] == '"') {
        ++i;
        while (i < path.size() && path[i] != '"') {
          if (path[i] == '\\') ++i;
          ++i;
        }
        ++i;  // Closing quote.
      }
      while (i < path.size() && path[i] != ']') ++i;
      ++i;  // Closing bracket.
    } else {
      ++i;
    }
  }
  return std::string(path.substr(0, last_boundary));
}

}  // namespace strata
