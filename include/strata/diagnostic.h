// strata/diagnostic.h: an error or warning about an input document.
//
// Every complaint strata makes about its input is a Diagnostic that names the
// file, line and column, the field path within the document and a message:
//   events.yaml:14:7: spec.roles[1].members: 2 does not satisfy cardinality "3+"
// Functions that fail on bad input return InvalidArgument whose message lists
// the diagnostics one per line and whose payload carries them structured, so
// the Python and gRPC layers report exactly what the CLI prints.
//
// Example:
//   absl::Status s = StatusFromDiagnostics(diagnostics);
//   for (const Diagnostic& d : DiagnosticsFromStatus(s)) std::cerr << d.ToString();

#ifndef STRATA_DIAGNOSTIC_H_
#define STRATA_DIAGNOSTIC_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace strata {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;    // The source name ("events.yaml", "<stdin>").
  int document = 0;    // 0-based index of the document within `file`.
  int line = 0;        // 1-based; 0 when unknown.
  int column = 0;      // 1-based; 0 when unknown.
  std::string path;    // Field path within the document: "spec.roles[1].members".
  std::string message;

  // "FILE:LINE:COL: PATH: message", with "warning: " before the message for
  // warnings; the location and path parts are left out when unknown.
  std::string ToString() const;

  bool operator==(const Diagnostic&) const = default;
};

// Sorts by (file, document, path with numeric indices compared as numbers,
// line, column, message), the order every strata front end prints.
void SortDiagnostics(std::vector<Diagnostic>& diagnostics);

// True when any diagnostic is an error.
bool HasErrors(const std::vector<Diagnostic>& diagnostics);

// Returns OK when `diagnostics` has no error; otherwise InvalidArgument whose
// message is every diagnostic's ToString(), sorted, one per line, and whose
// payload (type URL kDiagnosticsPayloadUrl) holds them for
// DiagnosticsFromStatus. `code` replaces InvalidArgument for input over a
// limit (ResourceExhausted, strata/limits.h).
absl::Status StatusFromDiagnostics(std::vector<Diagnostic> diagnostics,
                                   absl::StatusCode code = absl::StatusCode::kInvalidArgument);

// Returns the diagnostics carried by `status`; a non-OK status without the
// payload yields one diagnostic holding its message; OK yields none.
std::vector<Diagnostic> DiagnosticsFromStatus(const absl::Status& status);

inline constexpr char kDiagnosticsPayloadUrl[] = "type.strata.dev/strata.Diagnostics";

}  // namespace strata

#endif  // STRATA_DIAGNOSTIC_H_
