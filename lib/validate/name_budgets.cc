#include "validate/name_budgets.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kube/names.h"

namespace strata::validate_internal {

// Reports generated names that coincide. With `only_per_member`, only
// collisions involving a per-member name are reported.
void CheckCollisions(Reporter& r, absl::string_view kind, const std::vector<GeneratedName>& names,
                     bool only_per_member, absl::string_view shown_prefix) {
  std::map<std::string, const GeneratedName*> first;
  for (const GeneratedName& g : names) {
    auto [it, inserted] = first.emplace(g.name, &g);
    if (inserted) continue;
    const GeneratedName& other = *it->second;
    if (only_per_member && !g.per_member && !other.per_member) continue;
    if (g.origin == other.origin) continue;  // A duplicate name, reported as such.
    const FieldPath& at = only_per_member && !g.per_member ? other.path : g.path;
    r.Error(at, absl::StrCat(kind, " name ", shown_prefix, g.name, " of ", g.origin,
                                 " is also the name of ", other.origin));
  }
}

// The Service names of `app` (without the "<cluster>-" prefix when `prefix`
// is empty). With `members`, per-member names too, reported at
// `member_paths[i]` (the Cluster's path for role i).
std::vector<GeneratedName> ServiceNames(const App& app, const std::vector<int32_t>* members,
                                        const std::vector<FieldPath>* member_paths,
                                        const std::string& prefix) {
  std::vector<GeneratedName> out;
  for (size_t i = 0; i < app.roles.size(); ++i) {
    const Role& role = app.roles[i];
    if (role.name.empty()) continue;
    FieldPath path = FieldPath("spec").Child("roles").Index(static_cast<int>(i));
    out.push_back({absl::StrCat(prefix, role.name),
                   absl::StrCat("the headless Service of role ", Quote(role.name)),
                   path.Child("name")});
    for (size_t j = 0; j < role.services.size(); ++j) {
      const ServiceSpec& s = role.services[j];
      if (s.name.empty()) continue;
      std::string origin = absl::StrCat("service ", Quote(s.name), " of role ", Quote(role.name));
      FieldPath at = path.Child("services").Index(static_cast<int>(j)).Child("name");
      out.push_back({absl::StrCat(prefix, role.name, "-", s.name), origin, at});
      if (s.per_member && members != nullptr) {
        for (int32_t k = 0; k < (*members)[i]; ++k) {
          out.push_back({absl::StrCat(prefix, role.name, "-", k, "-", s.name),
                         absl::StrCat("the per-member ", origin), (*member_paths)[i],
                         /*per_member=*/true});
        }
      }
    }
  }
  return out;
}

void CheckLength(Reporter& r, const FieldPath& path, absl::string_view what,
                 const std::string& name, size_t max, absl::string_view why) {
  if (name.size() <= max) return;
  r.Error(path, absl::StrCat(what, " name ", Quote(name), " is ", name.size(),
                             " characters; at most ", max, " are allowed", why));
}

void CheckAppNames(Reporter& r, const App& app) {
  CheckCollisions(r, "Service", ServiceNames(app, nullptr, nullptr, ""), false, "<cluster>-");
  // ConfigMaps are named <cluster>-<role>-config-<hash>; one role's names must
  // not start with another's prefix, or cleaning up one would touch the other.
  // For each role b, every "<a>-config-" prefix of its name names a
  // candidate a: one lookup per occurrence instead of a pass over all pairs.
  FieldPath roles = FieldPath("spec").Child("roles");
  std::map<std::string, std::vector<size_t>> with_config;
  for (size_t i = 0; i < app.roles.size(); ++i) {
    if (!app.roles[i].name.empty() && !app.roles[i].config.empty()) {
      with_config[app.roles[i].name].push_back(i);
    }
  }
  for (size_t j = 0; j < app.roles.size(); ++j) {
    const Role& b = app.roles[j];
    if (b.config.empty()) continue;
    std::set<std::string> seen;
    for (size_t at = b.name.find("-config-"); at != std::string::npos;
         at = b.name.find("-config-", at + 1)) {
      std::string a_name = b.name.substr(0, at);
      auto it = with_config.find(a_name);
      if (it == with_config.end() || !seen.insert(a_name).second) continue;
      for (size_t i : it->second) {
        if (i == j) continue;
        r.Error(roles.Index(static_cast<int>(j)).Child("name"),
                absl::StrCat("the ConfigMaps of role ", Quote(b.name), " would be named like those of role ",
                             Quote(a_name), " (<cluster>-", a_name, "-config-...)"));
      }
    }
  }
}

void CheckClusterNames(Reporter& r, const Cluster& c, const App& app,
                       const std::vector<int32_t>& members,
                       const std::vector<FieldPath>& budget_paths) {
  const FieldPath name_path = FieldPath("metadata").Child("name");
  for (size_t i = 0; i < app.roles.size(); ++i) {
    const Role& role = app.roles[i];
    const int32_t n = members[i];
    if (role.name.empty() || c.name.empty() || n == 0) continue;
    std::string base = absl::StrCat(c.name, "-", role.name);
    CheckLength(r, name_path, "StatefulSet", base, kMaxStatefulSetName,
                " (the controller-revision-hash label must fit in 63)");
    CheckLength(r, budget_paths[i], "pod", kube::PodName(base, n - 1), kMaxDnsLabel);
    CheckLength(r, name_path, "Service", base, kMaxDnsLabel);
    for (const ServiceSpec& s : role.services) {
      if (s.name.empty()) continue;
      CheckLength(r, name_path, "Service", absl::StrCat(base, "-", s.name), kMaxDnsLabel);
      if (s.per_member) {
        CheckLength(r, budget_paths[i], "Service", absl::StrCat(base, "-", n - 1, "-", s.name),
                    kMaxDnsLabel);
      }
    }
    for (const Storage& s : role.storage) {
      if (s.name.empty()) continue;
      CheckLength(r, name_path, "PersistentVolumeClaim", kube::PvcName(s.name, base, n - 1),
                  kMaxPvcName);
    }
  }
  CheckCollisions(r, "Service",
                  ServiceNames(app, &members, &budget_paths, absl::StrCat(c.name, "-")),
                  /*only_per_member=*/true, "");
}

}  // namespace strata::validate_internal
