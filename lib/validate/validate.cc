#include "strata/validate.h"

#include <utility>

namespace strata {

std::vector<Diagnostic> Check(const Documents& documents) {
  std::vector<Diagnostic> out;
  for (const ClusterDocument& c : documents.clusters) {
    if (documents.FindApp(c.cluster.app) == nullptr) {
      Location at = Locate(c.source, "spec.app");
      out.push_back(Diagnostic{.file = c.file, .document = c.index, .line = at.line,
                               .column = at.column, .path = "spec.app",
                               .message = "no App named \"" + c.cluster.app + "\" was given"});
    }
  }
  SortDiagnostics(out);
  return out;
}

std::vector<Diagnostic> CheckTopology(const App& app, const Cluster& cluster) { return {}; }

absl::Status Validate(const Documents& documents) {
  return StatusFromDiagnostics(Check(documents));
}

absl::StatusOr<std::vector<Topology>> Resolve(const Documents& documents) {
  std::vector<Diagnostic> found = Check(documents);
  if (HasErrors(found)) return StatusFromDiagnostics(std::move(found));
  std::vector<Topology> out;
  for (const ClusterDocument& c : documents.clusters) {
    out.push_back(Topology{.app = documents.FindApp(c.cluster.app)->app, .cluster = c.cluster});
  }
  return out;
}

}  // namespace strata
