// The one front-end pipeline (strata/pipeline.h).

#include "strata/pipeline.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "util/status_macros.h"
#include "validate/resolve.h"
#include "yaml/loader.h"

namespace strata {

absl::StatusOr<Prepared> Prepare(Documents documents, const PrepareOptions& options) {
  STRATA_RETURN_IF_ERROR(CheckLimits(options.limits));
  STRATA_RETURN_IF_ERROR(StatusFromDiagnostics(CheckMemberLimit(documents, options.limits),
                                               absl::StatusCode::kResourceExhausted));
  std::vector<Diagnostic> found = Check(documents);
  STRATA_RETURN_IF_ERROR(StatusFromDiagnostics(found));
  if (options.need_cluster && documents.clusters.empty()) {
    return StatusFromDiagnostics({Diagnostic{.message = kNoClusterMessage}});
  }
  std::vector<std::string> names;
  for (const ClusterDocument& c : documents.clusters) names.push_back(c.cluster.name);
  std::vector<Topology> topologies = validate_internal::PairWithApps(documents);
  if (!options.cluster.empty()) {
    std::vector<Topology> chosen;
    for (Topology& t : topologies) {
      if (t.cluster.name == options.cluster) chosen.push_back(std::move(t));
    }
    if (chosen.empty()) {
      return absl::NotFoundError(absl::StrCat("no Cluster named \"", options.cluster,
                                              "\" in the input (have ",
                                              absl::StrJoin(names, ", "), ")"));
    }
    topologies = std::move(chosen);
  }
  if (options.need_one && topologies.size() > 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the input holds ", topologies.size(), " Clusters (", absl::StrJoin(names, ", "),
        "); name the one to use (--cluster NAME; cluster= in Python and gRPC)"));
  }
  Prepared prepared{.documents = std::move(documents), .topologies = std::move(topologies)};
  prepared.warnings = std::move(found);
  return prepared;
}

absl::StatusOr<Prepared> LoadAndPrepare(const std::vector<Source>& sources,
                                        const PrepareOptions& options) {
  STRATA_RETURN_IF_ERROR(CheckLimits(options.limits));
  yaml_internal::LoadResult loaded = yaml_internal::LoadKeepingPartial(sources, options.limits);
  if (loaded.over_limit) {
    return StatusFromDiagnostics(std::move(loaded.diagnostics),
                                 absl::StatusCode::kResourceExhausted);
  }
  if (!HasErrors(loaded.diagnostics)) return Prepare(std::move(loaded.documents), options);
  // One pass (SPEC-2 §11): the semantic checks run on every document that
  // parsed too, its malformed fields left at their defaults. What they say
  // at or below a field the loader already reported is a consequence of
  // that field's default, and is dropped.
  std::vector<Diagnostic> members = CheckMemberLimit(loaded.documents, options.limits);
  if (!members.empty()) {
    members.insert(members.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    return StatusFromDiagnostics(std::move(members), absl::StatusCode::kResourceExhausted);
  }
  std::vector<Diagnostic> all = loaded.diagnostics;
  for (Diagnostic& d : Check(loaded.documents)) {
    const bool consequence = std::any_of(
        loaded.diagnostics.begin(), loaded.diagnostics.end(), [&](const Diagnostic& l) {
          return l.file == d.file && l.document == d.document &&
                 yaml_internal::IsAtOrBelow(d.path, l.path);
        });
    if (!consequence) all.push_back(std::move(d));
  }
  return StatusFromDiagnostics(std::move(all));
}

absl::Status LocateInApp(const absl::Status& status, const Documents& documents,
                         absl::string_view app) {
  if (status.code() != absl::StatusCode::kInvalidArgument &&
      status.code() != absl::StatusCode::kResourceExhausted) {
    return status;
  }
  const AppDocument* doc = documents.FindApp(app);
  if (doc == nullptr) return status;
  std::vector<Diagnostic> diagnostics = DiagnosticsFromStatus(status);
  for (Diagnostic& d : diagnostics) {
    if (!d.file.empty() || d.path.empty()) continue;
    d.file = doc->file;
    d.document = doc->index;
    Location where = Locate(doc->source, d.path);
    d.line = where.line;
    d.column = where.column;
  }
  return StatusFromDiagnostics(std::move(diagnostics), status.code());
}

absl::StatusOr<std::vector<CompiledCluster>> CompileAll(const Prepared& prepared,
                                                        const CompileOptions& options) {
  std::vector<CompiledCluster> out;
  std::vector<Diagnostic> problems;
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  for (const Topology& t : prepared.topologies) {
    absl::StatusOr<CompiledCluster> compiled = Compile(t, options);
    if (compiled.ok()) {
      out.push_back(*std::move(compiled));
      continue;
    }
    absl::Status located = LocateInApp(compiled.status(), prepared.documents, t.app.name);
    if (located.code() == absl::StatusCode::kResourceExhausted) {
      code = located.code();
    } else if (located.code() != absl::StatusCode::kInvalidArgument) {
      return located;
    }
    std::vector<Diagnostic> found = DiagnosticsFromStatus(located);
    problems.insert(problems.end(), found.begin(), found.end());
  }
  STRATA_RETURN_IF_ERROR(StatusFromDiagnostics(std::move(problems), code));
  return out;
}

}  // namespace strata
