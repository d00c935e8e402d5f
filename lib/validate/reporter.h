// The plumbing every validation rule shares: a Reporter that collects one
// document's diagnostics at field paths, and the two checks nearly every
// rule group uses (a name's syntax, a list's uniqueness).

#ifndef STRATA_VALIDATE_REPORTER_H_
#define STRATA_VALIDATE_REPORTER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "validate/field_path.h"

namespace strata::validate_internal {

// `s` in double quotes, as messages show names and values.
std::string Quote(absl::string_view s);

// Collects diagnostics of one document. With a SourceMap, each diagnostic
// gets the line and column of its path; without one (CheckTopology, tests),
// line and column stay 0.
class Reporter {
 public:
  Reporter(std::string file, int document, const SourceMap* source,
           std::vector<Diagnostic>* out)
      : file_(std::move(file)), document_(document), source_(source), out_(out) {}

  void Error(const FieldPath& path, std::string message) {
    Add(Diagnostic::Severity::kError, path, std::move(message));
  }
  void Warning(const FieldPath& path, std::string message) {
    Add(Diagnostic::Severity::kWarning, path, std::move(message));
  }

 private:
  void Add(Diagnostic::Severity severity, const FieldPath& path, std::string message);

  std::string file_;
  int document_;
  const SourceMap* source_;
  std::vector<Diagnostic>* out_;
};

// Names (or other values) with the paths they were found at, in order.
using NamedPaths = std::vector<std::pair<FieldPath, std::string>>;

// Reports a missing (when `required`) or malformed name: `valid` decides,
// `rule` is the phrase that says what a valid name is.
void CheckName(Reporter& r, const FieldPath& path, const std::string& value,
               bool (*valid)(absl::string_view), const char* rule, bool required = true);

// Reports the second and later occurrences of a name among `names` (empty
// names are skipped: they are reported as missing).
void CheckUnique(Reporter& r, const NamedPaths& names, absl::string_view what);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_REPORTER_H_
