// The loader's result before it is made all-or-nothing, for the pipeline's
// one pass (strata/pipeline.h): documents that parsed are kept even when some
// of their fields were malformed, so the semantic checks still run on them and
// one run reports every error a file has.

#ifndef STRATA_YAML_LOADER_H_
#define STRATA_YAML_LOADER_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/limits.h"

namespace strata::yaml_internal {

struct LoadResult {
  // Every App and Cluster document that was a mapping of a known kind, in
  // order; a field that was malformed is left at its default.
  Documents documents;
  // Every syntax, schema and limit problem (what Load() returns).
  std::vector<Diagnostic> diagnostics;
  // A limit was exceeded: the status code is ResourceExhausted.
  bool over_limit = false;
};

// Load()'s work without the all-or-nothing rule. `limits` must be valid
// (CheckLimits).
LoadResult LoadKeepingPartial(const std::vector<Source>& sources, const Limits& limits);

// True when the field path `path` is `ancestor` or below it ("a.b[2]" is
// below "a.b"; "" is everything's ancestor).
bool IsAtOrBelow(absl::string_view path, absl::string_view ancestor);

}  // namespace strata::yaml_internal

#endif  // STRATA_YAML_LOADER_H_
