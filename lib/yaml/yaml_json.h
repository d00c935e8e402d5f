// The project's one YAML/JSON text -> strata::Json conversion, for inputs that
// are plain Kubernetes-style documents rather than strata topologies
// (observed state, kubeconfig, `strata import` inputs). YAML 1.2 core-schema
// typing: quoted scalars are strings, plain ones become null, bools, ints or
// floats when they spell one.
//
// YAML goes through the project's one YAML parser (yaml_tree.h, libyaml),
// JSON through simdjson (nlohmann for its error messages); both within
// strata::Limits: over a limit is ResourceExhausted naming the line.

#ifndef STRATA_YAML_YAML_JSON_H_
#define STRATA_YAML_YAML_JSON_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "strata/json.h"
#include "strata/limits.h"

namespace strata::yaml_internal {

// One parsed document and, for YAML, where it and its top-level items start.
struct JsonDocument {
  Json value;
  // Line of the document itself and of each entry of its `items` (or of the
  // array), 1-based; 0 and empty when unknown (JSON read by the fast path).
  int line = 0;
  std::vector<int> item_lines;
};

struct ParseJsonOptions {
  // JSON text (first byte '{' or '[') is read by the fast JSON parsers,
  // without lines. True reads it as YAML first, for the lines (the
  // importers' warnings name them), and falls back to the JSON parsers.
  bool lines_for_json = false;
  // Size, nesting, documents and alias expansion the text may have.
  Limits limits;
};

// Returns every document of `text` (an empty text: none) with where it
// starts, or InvalidArgument naming `source` (and the line and column for
// YAML) when it is neither valid YAML nor valid JSON, or ResourceExhausted
// (with the line) when it is over `options.limits`.
[[nodiscard]] absl::StatusOr<std::vector<JsonDocument>> ParseJsonDocuments(
    absl::string_view text, absl::string_view source, const ParseJsonOptions& options = {});

// Returns every document of `text` (YAML, or JSON when it starts with '{' or
// '['), empty for blank text; InvalidArgument naming `source` (and the line
// and column, for YAML) when it does not parse.
[[nodiscard]] absl::StatusOr<std::vector<Json>> ParseYamlDocuments(
    absl::string_view text, absl::string_view source, const Limits& limits = {});

}  // namespace strata::yaml_internal

#endif  // STRATA_YAML_YAML_JSON_H_
