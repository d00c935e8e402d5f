// strata/documents.h: loading App and Cluster documents from YAML or JSON.
//
// Load() parses one or more sources, each holding one or more documents
// separated by `---`, into Apps and Clusters. It remembers where every field
// was written (a SourceMap from field path to line and column) so later
// checks can point at the exact spot. Loading is all-or-nothing: any unknown
// key, wrong type, malformed quantity or cardinality fails the whole load
// with InvalidArgument listing every problem found (see strata/diagnostic.h).
//
// Example:
//   absl::StatusOr<Documents> docs =
//       Load({{.name = "kafka.yaml", .text = ReadFile("kafka.yaml")}});
//   if (!docs.ok()) { std::cerr << docs.status().message(); return 1; }
//   const AppDocument* app = docs->FindApp("kafka");

#ifndef STRATA_DOCUMENTS_H_
#define STRATA_DOCUMENTS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "strata/app.h"
#include "strata/cluster.h"
#include "strata/limits.h"

namespace strata {

struct Location {
  int line = 0;    // 1-based; 0 when unknown.
  int column = 0;  // 1-based; 0 when unknown.

  bool operator==(const Location&) const = default;
};

// Field path ("spec.roles[1].members") -> where its value was written. Keys
// (mapping entries) and sequence items are recorded; a path missing from the
// map is resolved to its nearest recorded ancestor.
using SourceMap = std::map<std::string, Location>;

struct AppDocument {
  App app;
  std::string file;  // Source name.
  int index = 0;     // 0-based document index within the source.
  SourceMap source;

  bool operator==(const AppDocument&) const = default;
};

struct ClusterDocument {
  Cluster cluster;
  std::string file;
  int index = 0;
  SourceMap source;

  bool operator==(const ClusterDocument&) const = default;
};

struct Documents {
  std::vector<AppDocument> apps;          // In source order.
  std::vector<ClusterDocument> clusters;  // In source order.

  // Returns the App named `name`, or nullptr.
  const AppDocument* FindApp(absl::string_view name) const;

  bool operator==(const Documents&) const = default;
};

// One input text and the name errors should use for it.
struct Source {
  std::string name;  // "kafka/app.yaml", "<stdin>", "<text>".
  std::string text;  // YAML or JSON; one or more documents.
};

// Returns every App and Cluster in `sources`, in order, or InvalidArgument
// carrying a Diagnostic for each problem: syntax errors, unknown keys, wrong
// types, missing apiVersion/kind/metadata.name, unknown kinds, malformed
// quantities and cardinalities. Semantic rules are Check()'s (validate.h).
// Parsing stays within `limits` (file size, nesting, documents, alias
// expansion): over one is ResourceExhausted carrying a located Diagnostic.
// A syntax error ends its source, but the documents before it are still
// loaded and their errors reported too.
[[nodiscard]] absl::StatusOr<Documents> Load(const std::vector<Source>& sources,
                                             const Limits& limits = {});

// Returns the location recorded for `path` or its nearest ancestor.
Location Locate(const SourceMap& source, absl::string_view path);

}  // namespace strata

#endif  // STRATA_DOCUMENTS_H_
