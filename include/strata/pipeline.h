// strata/pipeline.h: the one front-end pipeline: load, check, resolve, pick
// the Cluster, compile with located errors.
//
// Every front end (the `strata` CLI, the gRPC service, the Python package)
// turns its input into checked Topologies the same way, so each error reads
// the same everywhere: Prepare() runs Check() once, pairs every Cluster with
// its App and keeps the Cluster a command is about; CompileAll() compiles
// them and locates Compile's diagnostics in the App's file. Front ends keep
// only their flags, conversions and printing.
//
// Example:
//   absl::StatusOr<Prepared> p = LoadAndPrepare(sources, {.cluster = "events",
//                                                         .need_one = true});
//   if (!p.ok()) return p.status();  // every error, worded as the CLI prints
//   absl::StatusOr<std::vector<CompiledCluster>> c = CompileAll(*p, {});

#ifndef STRATA_PIPELINE_H_
#define STRATA_PIPELINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "strata/compile.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/limits.h"
#include "strata/validate.h"

namespace strata {

// The one message for input without any Cluster document.
inline constexpr char kNoClusterMessage[] = "no kind: Cluster document in the input";

struct PrepareOptions {
  // The command needs a Cluster (compile, plan, simulate); false for
  // validate, which checks Apps alone too.
  bool need_cluster = true;
  // Empty: every Cluster. Otherwise only the Cluster of this name.
  std::string cluster;
  // The command works on exactly one Cluster (plan, simulate): several
  // Clusters and an empty `cluster` are an error.
  bool need_one = false;
  // How much input is accepted (SPEC-2 §11): Load's parsing limits and the
  // members of a role, checked before Check() runs.
  Limits limits;

  bool operator==(const PrepareOptions&) const = default;
};

// Checked input, ready to compile.
struct Prepared {
  Documents documents;
  // One per selected Cluster, in source order, each with its App.
  std::vector<Topology> topologies;
  // Check()'s warnings, sorted (errors fail Prepare()).
  std::vector<Diagnostic> warnings;

  bool operator==(const Prepared&) const = default;
};

// Returns the documents with their Topologies and warnings, running Check()
// once. Errors:
//   ResourceExhausted  a role's members over `options.limits.max_members`;
//   InvalidArgument  Check() found errors (the status lists every error and
//                    warning, sorted, as the CLI prints them), or
//                    `options.need_cluster` and the input holds no Cluster
//                    document (kNoClusterMessage);
//   NotFound         `options.cluster` names no Cluster of the input:
//                    `no Cluster named "x" in the input (have a, b)`;
//   FailedPrecondition  `options.need_one`, no `options.cluster`, and the
//                    input holds several Clusters.
[[nodiscard]] absl::StatusOr<Prepared> Prepare(Documents documents,
                                               const PrepareOptions& options);

// Load(sources, options.limits) then Prepare(). When loading finds errors,
// Check() still runs on every document that parsed (malformed fields left at
// their defaults), so the status lists every error of the input at once:
// a bad quantity, a bad probe port and too few members all come in one pass.
// Errors over a limit are ResourceExhausted.
[[nodiscard]] absl::StatusOr<Prepared> LoadAndPrepare(const std::vector<Source>& sources,
                                                      const PrepareOptions& options);

// Returns `status` (a failed Compile() of a Cluster of App `app`) with its
// diagnostics located: those naming a field path but no file get the App
// document's file, index, line and column (InvalidArgument and
// ResourceExhausted keep their code). Other statuses are returned as they
// are.
[[nodiscard]] absl::Status LocateInApp(const absl::Status& status, const Documents& documents,
                                       absl::string_view app);

// Compiles every Topology of `prepared`, in order. Returns InvalidArgument
// holding the located diagnostics of every Cluster that fails (all at once,
// sorted; ResourceExhausted when one is over a limit), or another code as
// Compile() returns it.
[[nodiscard]] absl::StatusOr<std::vector<CompiledCluster>> CompileAll(
    const Prepared& prepared, const CompileOptions& options);

}  // namespace strata

#endif  // STRATA_PIPELINE_H_
