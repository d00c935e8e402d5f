// YAML or JSON text -> strata::Json documents, typed by the YAML 1.2 core
// schema (quoted scalars are strings; plain ones become null, bools, ints or
// floats when they spell one). The observed state is read with it, and so
// are the importers' inputs (lib/import). It moves to lib/yaml/ with the
// loader rewrite, which keeps one YAML parser called from one place.
//
// Example:
//   absl::StatusOr<std::vector<JsonDocument>> docs =
//       ParseJsonDocuments(text, "observed.yaml");

#ifndef STRATA_PLAN_JSON_DOCUMENTS_H_
#define STRATA_PLAN_JSON_DOCUMENTS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "strata/json.h"

namespace strata::plan_internal {

// One parsed document and, for YAML, where it and its top-level items start.
struct JsonDocument {
  Json value;
  // Line of the document itself and of each entry of its `items` (or of the
  // array), 1-based; 0 and empty when unknown (JSON read by the fast path).
  int line = 0;
  std::vector<int> item_lines;
};

struct ParseJsonOptions {
  // JSON text (first byte '{' or '[') is read by nlohmann, an order of
  // magnitude faster than the YAML reader but without lines. True reads it
  // as YAML first, for the lines, and falls back to nlohmann.
  bool lines_for_json = false;
};

// Returns every document of `text` (an empty text: none), or InvalidArgument
// naming `source` (and the line and column for YAML) when it is neither
// valid YAML nor valid JSON.
[[nodiscard]] absl::StatusOr<std::vector<JsonDocument>> ParseJsonDocuments(
    absl::string_view text, absl::string_view source, const ParseJsonOptions& options = {});

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_JSON_DOCUMENTS_H_
