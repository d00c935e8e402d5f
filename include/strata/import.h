// strata/import.h: App and Cluster documents from what people run today.
//
// ImportKubeDirector() turns KubeDirectorApp and KubeDirectorCluster
// documents (kubedirector.hpe.com/v1beta1) into an App and Clusters;
// ImportManifests() turns StatefulSets with their Services, ConfigMaps and
// PodDisruptionBudgets (as Helm renders them, or hand-written) into one App
// and one Cluster, a role per StatefulSet, keeping claim template names (and
// StatefulSet names) so that planning the result against the running objects
// adopts them with their volumes (SPEC-2 §10). Both are pure: text in,
// documents and warnings out. Whatever cannot be carried over is a warning
// and a comment above the document it concerns, so the output says what to
// review. Every document the importers return loads, validates and compiles
// (the tests prove it on real inputs).
//
// Example:
//   absl::StatusOr<ImportResult> r = ImportKubeDirector({{"cr-app.json", text}});
//   if (!r.ok()) { std::cerr << r.status().message(); return 1; }
//   std::cout << ImportToYaml(*r);               // commented App (and Cluster) YAML
//   for (const Diagnostic& w : r->warnings) std::cerr << w.ToString() << "\n";

#ifndef STRATA_IMPORT_H_
#define STRATA_IMPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/json.h"

namespace strata {

// One App or Cluster document and the comment lines written above it.
struct ImportedDocument {
  Json body;                          // apiVersion strata.dev/v1, kind App or Cluster.
  std::vector<std::string> comments;  // Without the leading "# ".
};

struct ImportResult {
  std::vector<ImportedDocument> documents;  // Apps first, then Clusters, in input order.
  // What could not be carried over, each naming the input file, line and
  // field ("cr-app-cdh632cm.json:137:13: spec.roles[0].eventList: ...").
  std::vector<Diagnostic> warnings;
};

// Returns the App for each KubeDirectorApp and the Cluster for each
// KubeDirectorCluster in `sources` (YAML or JSON; `kind: List` allowed), or
// InvalidArgument naming file, line and field when an input cannot be
// imported (no image for a role, a malformed cardinality, no KubeDirector
// document at all, ...). Other kinds are skipped with a warning.
[[nodiscard]] absl::StatusOr<ImportResult> ImportKubeDirector(const std::vector<Source>& sources);

struct ManifestImportOptions {
  std::string app;         // Required. The App's metadata.name.
  std::string cluster;     // Required. The Cluster's metadata.name.
  std::string namespace_;  // Default: the objects' namespace, else "default".
};

// Returns one App and one Cluster for the StatefulSets in `sources`, with
// the Services, ConfigMaps and PodDisruptionBudgets that belong to them, or
// InvalidArgument naming file, line and field. Objects of other kinds, and
// objects no StatefulSet uses, are skipped with a warning.
[[nodiscard]] absl::StatusOr<ImportResult> ImportManifests(
    const std::vector<Source>& sources, const ManifestImportOptions& options);

// The documents as YAML: each one's comments ("# ..."), then the document,
// separated by "---" lines. Load() reads it back.
std::string ImportToYaml(const ImportResult& result);

// The documents as one JSON array (comments are dropped; the warnings say
// the same).
std::string ImportToJson(const ImportResult& result);

}  // namespace strata

#endif  // STRATA_IMPORT_H_
