#include "validate/reporter.h"

#include <set>

#include "absl/strings/str_cat.h"

namespace strata::validate_internal {

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

void Reporter::Add(Diagnostic::Severity severity, const FieldPath& path, std::string message) {
  Diagnostic d{.severity = severity,
               .file = file_,
               .document = document_,
               .path = path.ToString(),
               .message = std::move(message)};
  if (source_ != nullptr) {
    Location at = Locate(*source_, d.path);
    d.line = at.line;
    d.column = at.column;
  }
  out_->push_back(std::move(d));
}

void CheckName(Reporter& r, const FieldPath& path, const std::string& value,
               bool (*valid)(absl::string_view), const char* rule, bool required) {
  if (value.empty()) {
    if (required) r.Error(path, "required field is missing");
    return;
  }
  if (!valid(value)) r.Error(path, absl::StrCat("invalid name ", Quote(value), ": ", rule));
}

void CheckUnique(Reporter& r, const NamedPaths& names, absl::string_view what) {
  std::set<std::string> seen;
  for (const auto& [path, name] : names) {
    if (name.empty()) continue;
    if (!seen.insert(name).second) {
      r.Error(path, absl::StrCat("duplicate ", what, " ", Quote(name)));
    }
  }
}

}  // namespace strata::validate_internal
