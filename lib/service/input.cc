#include "service/input.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "proto/convert.h"
#include "service/convert.h"
#include "strata/diagnostic.h"
#include "util/status_macros.h"

namespace strata::service_internal {
absl::Status CheckSize(const Documents& documents, const InputLimits& limits) {
  int64_t roles = 0;
  for (const AppDocument& app : documents.apps) roles += app.app.roles.size();
  if (roles > limits.max_roles) {
    return absl::ResourceExhaustedError(
        absl::StrCat("input: ", roles, " roles; this server accepts at most ", limits.max_roles,
                     " per request (--max-roles)"));
  }
  int64_t members = 0;
  for (const ClusterDocument& doc : documents.clusters) {
    const Cluster& cluster = doc.cluster;
    const AppDocument* app = documents.FindApp(cluster.app);
    if (app != nullptr) {
      for (const Role& role : app->app.roles) {
        const RoleOverride* override = cluster.FindRole(role.name);
        int64_t n = override != nullptr && override->members.has_value()
                        ? *override->members
                        : role.cardinality.min;
        if (n > limits.core.max_members) return absl::OkStatus();
        members += std::max<int64_t>(n, 0);
      }
    } else {
      for (const RoleOverride& role : cluster.roles) {
        if (role.members.value_or(0) > limits.core.max_members) return absl::OkStatus();
        members += std::max<int64_t>(role.members.value_or(0), 0);
      }
    }
  }
  if (members > limits.max_members) {
    return absl::ResourceExhaustedError(
        absl::StrCat("input: ", members, " members; this server accepts at most ",
                     limits.max_members, " per request (--max-members)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Limits> RequestLimits(const v1::Input& input, const InputLimits& server) {
  Limits out = server.core;
  const v1::Limits& asked = input.limits();
  const std::tuple<const char*, int64_t, int64_t*> fields[] = {
      {"max_file_size", asked.max_file_size(), &out.max_file_size},
      {"max_alias_bytes", asked.max_alias_bytes(), &out.max_alias_bytes},
      {"max_alias_nodes", asked.max_alias_nodes(), &out.max_alias_nodes},
      {"max_nesting", asked.max_nesting(), &out.max_nesting},
      {"max_documents", asked.max_documents(), &out.max_documents},
      {"max_members", asked.max_members(), &out.max_members},
      {"max_config_map_size", asked.max_config_map_size(), &out.max_config_map_size},
  };
  for (const auto& [name, value, field] : fields) {
    if (value < 0) {
      return RequestError(absl::StrCat("input.limits.", name), "must be >= 0");
    }
    if (value == 0) continue;
    if (value > *field) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "input.limits.", name, ": ", value, " is above this server's ", *field,
          " (strata-server --", absl::StrReplaceAll(name, {{"_", "-"}}), ")"));
    }
    *field = value;
  }
  return out;
}

absl::StatusOr<Documents> LoadInput(const v1::Input& input, const InputLimits& limits) {
  if (input.sources().empty() && input.apps().empty() && input.clusters().empty()) {
    return RequestError("input", "no documents: give sources, apps or clusters");
  }
  STRATA_ASSIGN_OR_RETURN(Limits core, RequestLimits(input, limits));
  std::vector<Source> sources;
  for (int i = 0; i < input.sources_size(); ++i) {
    const v1::Source& s = input.sources(i);
    sources.push_back(Source{
        .name = s.name().empty() ? absl::StrCat("<source ", i, ">") : s.name(),
        .text = s.text()});
  }

  Documents documents;
  std::vector<Diagnostic> problems;
  if (!sources.empty()) {
    absl::StatusOr<Documents> loaded = Load(sources, core);
    if (loaded.ok()) {
      documents = *std::move(loaded);
    } else if (loaded.status().code() == absl::StatusCode::kInvalidArgument) {
      std::vector<Diagnostic> found = DiagnosticsFromStatus(loaded.status());
      problems.insert(problems.end(), found.begin(), found.end());
    } else {
      return loaded.status();
    }
  }
  for (int i = 0; i < input.apps_size(); ++i) {
    std::string name = absl::StrCat("apps[", i, "]");
    absl::StatusOr<App> app = FromProto(input.apps(i), ProtoSource{.file = name});
    if (!app.ok()) {
      std::vector<Diagnostic> found = DiagnosticsFromStatus(app.status());
      problems.insert(problems.end(), found.begin(), found.end());
      continue;
    }
    documents.apps.push_back(AppDocument{.app = *std::move(app), .file = name});
  }
  for (int i = 0; i < input.clusters_size(); ++i) {
    std::string name = absl::StrCat("clusters[", i, "]");
    absl::StatusOr<Cluster> cluster = FromProto(input.clusters(i), ProtoSource{.file = name});
    if (!cluster.ok()) {
      std::vector<Diagnostic> found = DiagnosticsFromStatus(cluster.status());
      problems.insert(problems.end(), found.begin(), found.end());
      continue;
    }
    documents.clusters.push_back(ClusterDocument{.cluster = *std::move(cluster), .file = name});
  }
  STRATA_RETURN_IF_ERROR(StatusFromDiagnostics(std::move(problems)));
  STRATA_RETURN_IF_ERROR(CheckSize(documents, limits));
  return documents;
}

}  // namespace strata::service_internal
