// The semantic rules of SPEC §1.3 and the name budgets of §2.4, applied to
// documents.
//
// Rules are grouped by document: CheckApp (app_rules.h) sees one App,
// CheckClusterAlone one Cluster without its App, CheckClusterWithApp
// (cluster_rules.h) the Cluster against its App; the per-field rules they
// share are in field_rules.h and the generated-name rules in name_budgets.h.
// Every rule reports through a Reporter (reporter.h) that names the field
// path; Check() below pairs documents, locates each diagnostic with the
// document's SourceMap and sorts them.

#include "strata/validate.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "validate/app_rules.h"
#include "validate/cluster_rules.h"
#include "validate/field_path.h"
#include "validate/reporter.h"
#include "validate/resolve.h"

namespace strata {

using validate_internal::CheckApp;
using validate_internal::CheckClusterAlone;
using validate_internal::CheckClusterWithApp;
using validate_internal::Quote;
using validate_internal::Reporter;

std::vector<Diagnostic> Check(const Documents& documents) {
  std::vector<Diagnostic> out;
  std::map<std::string, const AppDocument*> apps;
  for (const AppDocument& doc : documents.apps) {
    Reporter r(doc.file, doc.index, &doc.source, &out);
    CheckApp(r, doc.app);
    auto [it, inserted] = apps.emplace(doc.app.name, &doc);
    if (!inserted && !doc.app.name.empty()) {
      r.Error(FieldPath("metadata").Child("name"),
              absl::StrCat("duplicate App ", Quote(doc.app.name), " (also in ", it->second->file, ")"));
    }
  }
  std::map<std::pair<std::string, std::string>, const ClusterDocument*> clusters;
  for (const ClusterDocument& doc : documents.clusters) {
    Reporter r(doc.file, doc.index, &doc.source, &out);
    CheckClusterAlone(r, doc.cluster);
    auto [it, inserted] =
        clusters.emplace(std::make_pair(doc.cluster.namespace_, doc.cluster.name), &doc);
    if (!inserted && !doc.cluster.name.empty()) {
      r.Error(FieldPath("metadata").Child("name"),
              absl::StrCat("duplicate Cluster ", Quote(doc.cluster.name), " in namespace ",
                           Quote(doc.cluster.namespace_), " (also in ", it->second->file, ")"));
    }
    if (doc.cluster.app.empty()) continue;
    const AppDocument* app = documents.FindApp(doc.cluster.app);
    if (app == nullptr) {
      std::vector<std::string> names;
      for (const AppDocument& a : documents.apps) names.push_back(Quote(a.app.name));
      r.Error(FieldPath("spec").Child("app"),
              absl::StrCat("no App named ", Quote(doc.cluster.app), " was given",
                           names.empty() ? "" : absl::StrCat(" (Apps: ", absl::StrJoin(names, ", "), ")")));
      continue;
    }
    CheckClusterWithApp(r, doc.cluster, app->app);
  }
  SortDiagnostics(out);
  return out;
}

std::vector<Diagnostic> CheckMemberLimit(const Documents& documents, const Limits& limits) {
  std::vector<Diagnostic> out;
  auto over = [&](const std::string& file, int index, const SourceMap& source,
                  const std::string& path, int64_t members, absl::string_view role) {
    Location at = Locate(source, path);
    out.push_back(Diagnostic{
        .file = file,
        .document = index,
        .line = at.line,
        .column = at.column,
        .path = path,
        .message = LimitMessage(absl::StrCat("the members of role ", Quote(role), " are"),
                                members, limits.max_members, "max_members")});
  };
  for (const ClusterDocument& doc : documents.clusters) {
    const AppDocument* app = documents.FindApp(doc.cluster.app);
    for (size_t i = 0; i < doc.cluster.roles.size(); ++i) {
      const RoleOverride& o = doc.cluster.roles[i];
      if (o.members && *o.members > limits.max_members) {
        over(doc.file, doc.index, doc.source,
             FieldPath("spec").Child("roles").Index(static_cast<int>(i)).Child("members")
                 .ToString(),
             *o.members, o.name);
      }
    }
    if (app == nullptr) continue;
    for (size_t j = 0; j < app->app.roles.size(); ++j) {
      const Role& role = app->app.roles[j];
      const bool sized = std::any_of(doc.cluster.roles.begin(), doc.cluster.roles.end(),
                                     [&](const RoleOverride& o) {
                                       return o.name == role.name && o.members.has_value();
                                     });
      if (!sized && role.cardinality.min > limits.max_members) {
        over(app->file, app->index, app->source,
             FieldPath("spec").Child("roles").Index(static_cast<int>(j)).Child("cardinality")
                 .ToString(),
             role.cardinality.min, role.name);
      }
    }
  }
  SortDiagnostics(out);
  return out;
}

std::vector<Diagnostic> CheckTopology(const App& app, const Cluster& cluster) {
  std::vector<Diagnostic> out;
  Reporter app_reporter("", 0, nullptr, &out);
  CheckApp(app_reporter, app);
  Reporter cluster_reporter("", 1, nullptr, &out);
  CheckClusterAlone(cluster_reporter, cluster);
  CheckClusterWithApp(cluster_reporter, cluster, app);
  SortDiagnostics(out);
  return out;
}

absl::Status Validate(const Documents& documents) {
  return StatusFromDiagnostics(Check(documents));
}

absl::StatusOr<std::vector<Topology>> Resolve(const Documents& documents) {
  std::vector<Diagnostic> found = Check(documents);
  if (HasErrors(found)) return StatusFromDiagnostics(std::move(found));
  return validate_internal::PairWithApps(documents);
}

namespace validate_internal {

std::vector<Topology> PairWithApps(const Documents& documents) {
  std::vector<Topology> out;
  for (const ClusterDocument& c : documents.clusters) {
    out.push_back(Topology{.app = documents.FindApp(c.cluster.app)->app, .cluster = c.cluster});
  }
  return out;
}

}  // namespace validate_internal

}  // namespace strata
