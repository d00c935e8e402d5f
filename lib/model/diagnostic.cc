#include "strata/diagnostic.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "strata/json.h"
#include "util/natural_order.h"
#include "util/utf8.h"

namespace strata {

std::string Diagnostic::ToString() const {
  std::string out;
  if (!file.empty()) {
    absl::StrAppend(&out, file, ":");
    if (line > 0) {
      absl::StrAppend(&out, line, ":");
      if (column > 0) absl::StrAppend(&out, column, ":");
    }
    out += " ";
  }
  if (!path.empty()) absl::StrAppend(&out, path, ": ");
  if (severity == Severity::kWarning) out += "warning: ";
  out += message;
  // The text quotes input, which may not be UTF-8; every front end prints
  // it as JSON, a proto3 string or a Python str, which must be.
  return util_internal::ValidUtf8(out);
}

void SortDiagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(
      diagnostics.begin(), diagnostics.end(),
      [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file) return a.file < b.file;
        if (a.document != b.document) return a.document < b.document;
        int c = util_internal::NaturalCompare(a.path, b.path);
        if (c != 0) return c < 0;
        return std::tie(a.line, a.column, a.message) <
               std::tie(b.line, b.column, b.message);
      });
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end()),
                    diagnostics.end());
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::kError;
  });
}

absl::Status StatusFromDiagnostics(std::vector<Diagnostic> diagnostics, absl::StatusCode code) {
  if (!HasErrors(diagnostics)) return absl::OkStatus();
  SortDiagnostics(diagnostics);
  std::vector<std::string> lines;
  Json payload = Json::array();
  for (const Diagnostic& d : diagnostics) {
    lines.push_back(d.ToString());
    payload.push_back({{"severity", d.severity == Diagnostic::Severity::kError
                                        ? "error" : "warning"},
                       {"file", util_internal::ValidUtf8(d.file)},
                       {"document", d.document},
                       {"line", d.line},
                       {"column", d.column},
                       {"path", util_internal::ValidUtf8(d.path)},
                       {"message", util_internal::ValidUtf8(d.message)}});
  }
  absl::Status status(code, absl::StrJoin(lines, "\n"));
  status.SetPayload(kDiagnosticsPayloadUrl, absl::Cord(payload.dump()));
  return status;
}

std::vector<Diagnostic> DiagnosticsFromStatus(const absl::Status& status) {
  if (status.ok()) return {};
  auto payload = status.GetPayload(kDiagnosticsPayloadUrl);
  if (!payload) {
    return {Diagnostic{.message = std::string(status.message())}};
  }
  std::vector<Diagnostic> out;
  Json list = Json::parse(std::string(*payload), nullptr, /*allow_exceptions=*/false);
  if (!list.is_array()) return {Diagnostic{.message = std::string(status.message())}};
  for (const Json& j : list) {
    Diagnostic d;
    d.severity = j.value("severity", "error") == "warning"
                     ? Diagnostic::Severity::kWarning
                     : Diagnostic::Severity::kError;
    d.file = j.value("file", "");
    d.document = j.value("document", 0);
    d.line = j.value("line", 0);
    d.column = j.value("column", 0);
    d.path = j.value("path", "");
    d.message = j.value("message", "");
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace strata
