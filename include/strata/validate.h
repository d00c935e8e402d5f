// strata/validate.h: the semantic rules of SPEC §1.3 and the name budgets.
//
// Check() applies every rule to loaded documents and returns all errors and
// warnings at once, sorted (strata/diagnostic.h). Resolve() pairs each valid
// Cluster with its App as a Topology, the input of Compile().
//
// Example:
//   std::vector<Diagnostic> found = Check(*docs);
//   absl::StatusOr<std::vector<Topology>> topologies = Resolve(*docs);
//   if (!topologies.ok()) return topologies.status();  // every error listed

#ifndef STRATA_VALIDATE_H_
#define STRATA_VALIDATE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "strata/app.h"
#include "strata/cluster.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/limits.h"

namespace strata {

// A Cluster with the App it instantiates.
struct Topology {
  App app;
  Cluster cluster;

  bool operator==(const Topology&) const = default;
};

// Returns every error and warning of SPEC §1.3 and §2.4 in `documents`,
// located with the documents' source maps and sorted. Each App is checked on
// its own; each Cluster against its App (a Cluster naming a missing App is an
// error at spec.app).
std::vector<Diagnostic> Check(const Documents& documents);

// The same rules for one App and Cluster without source locations (used after
// a program edits a loaded model). Paths are relative to each document.
std::vector<Diagnostic> CheckTopology(const App& app, const Cluster& cluster);

// Returns a located error for every role of a Cluster whose member count
// (its override's `members`, else its App's cardinality minimum) is over
// `limits.max_members` (SPEC-2 §11). Run before Check() and Compile(), whose
// work grows with the members; front ends report these as ResourceExhausted.
std::vector<Diagnostic> CheckMemberLimit(const Documents& documents, const Limits& limits);

// Returns OK, or InvalidArgument listing every error of Check().
[[nodiscard]] absl::Status Validate(const Documents& documents);

// Returns one Topology per Cluster (in source order) when Check() finds no
// error, else InvalidArgument listing them.
[[nodiscard]] absl::StatusOr<std::vector<Topology>> Resolve(
    const Documents& documents);

}  // namespace strata

#endif  // STRATA_VALIDATE_H_
