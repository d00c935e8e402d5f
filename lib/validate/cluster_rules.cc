// The Cluster rules (SPEC §1.3, SPEC-2 §9): a Cluster on its own, then
// against its App (overrides, member counts, connections, name budgets).

#include "validate/cluster_rules.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "kube/names.h"
#include "kube/quorum.h"
#include "validate/field_rules.h"
#include "validate/name_budgets.h"
#include "validate/names.h"
#include "validate/template_check.h"

namespace strata::validate_internal {

// Cluster `maintenance` (SPEC-2 §9): days, clocks, and no empty window.
void CheckMaintenance(Reporter& r, const FieldPath& path, const Maintenance& m) {
  for (size_t i = 0; i < m.windows.size(); ++i) {
    const MaintenanceWindow& w = m.windows[i];
    FieldPath at = path.Child("windows").Index(static_cast<int>(i));
    if (w.days.empty()) r.Error(at.Child("days"), "required field is missing");
    NamedPaths days;
    for (size_t d = 0; d < w.days.size(); ++d) {
      FieldPath dp = at.Child("days").Index(static_cast<int>(d));
      if (!ParseWeekday(w.days[d]).has_value()) {
        r.Error(dp, absl::StrCat("invalid day ", Quote(w.days[d]),
                                 ": must be one of Mon, Tue, Wed, Thu, Fri, Sat, Sun"));
      }
      days.emplace_back(dp, w.days[d]);
    }
    CheckUnique(r, days, "day");
    std::optional<int> start, end;
    for (auto [field, text, out, max] :
         {std::tuple{"start", &w.start, &start, 23 * 60 + 59},
          std::tuple{"end", &w.end, &end, 24 * 60}}) {
      if (text->empty()) {
        r.Error(at.Child(field), "required field is missing");
        continue;
      }
      *out = ParseClockMinutes(*text);
      if (!out->has_value() || **out > max) {
        r.Error(at.Child(field),
                absl::StrCat("invalid time ", Quote(*text), ": must be HH:MM in UTC, 00:00 to ",
                             max == 24 * 60 ? "24:00" : "23:59"));
        out->reset();
      }
    }
    if (start && end && *start == *end) {
      r.Error(at.Child("end"), absl::StrCat("equals start ", Quote(w.start),
                                           ": a window must be open for some time"));
    }
  }
}

namespace {

// The storage overrides of `o` (at `at`) on their own.
void CheckStorageOverrides(Reporter& r, const FieldPath& at, const RoleOverride& o) {
  NamedPaths storage;
  for (size_t j = 0; j < o.storage.size(); ++j) {
    const StorageOverride& s = o.storage[j];
    FieldPath sp = at.Child("storage").Index(static_cast<int>(j));
    if (s.name.empty()) r.Error(sp.Child("name"), "required field is missing");
    storage.emplace_back(sp.Child("name"), s.name);
    if (s.size && *s.size <= Quantity()) {
      r.Error(sp.Child("size"), absl::StrCat("size ", s.size->ToString(), " must be greater than 0"));
    }
    CheckName(r, sp.Child("storageClassName"), s.storage_class_name, IsDns1123Subdomain,
              kSubdomainRule, /*required=*/false);
  }
  CheckUnique(r, storage, "storage name");
}

void CheckTolerations(Reporter& r, const FieldPath& at, const RoleOverride& o) {
  for (size_t k = 0; k < o.tolerations.size(); ++k) {
    const Json& t = o.tolerations[k];
    FieldPath tp = at.Child("tolerations").Index(static_cast<int>(k));
    std::string op = t.value("operator", "");
    std::string effect = t.value("effect", "");
    if (!op.empty() && op != "Exists" && op != "Equal") {
      r.Error(tp.Child("operator"),
              absl::StrCat("invalid operator ", Quote(op), ": must be Exists or Equal"));
    }
    if (!effect.empty() && effect != "NoSchedule" && effect != "PreferNoSchedule" &&
        effect != "NoExecute") {
      r.Error(tp.Child("effect"), absl::StrCat("invalid effect ", Quote(effect),
                                               ": must be NoSchedule, PreferNoSchedule or NoExecute"));
    }
  }
}

// restartToken and replace[] (SPEC-2 day-2 requests): the tokens' syntax
// and one request per member. Whether a member exists needs the App.
void CheckRestartRequests(Reporter& r, const FieldPath& at, const RoleOverride& o) {
  if (o.restart_token.size() > 253) {
    r.Error(at.Child("restartToken"), absl::StrCat("is ", o.restart_token.size(),
                                                   " characters; at most 253 are allowed"));
  }
  if (std::any_of(o.restart_token.begin(), o.restart_token.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; })) {
    r.Error(at.Child("restartToken"), "must not contain control characters");
  }
  NamedPaths replaced;
  for (size_t k = 0; k < o.replace.size(); ++k) {
    const MemberReplace& m = o.replace[k];
    FieldPath rp = at.Child("replace").Index(static_cast<int>(k));
    if (m.member.empty()) r.Error(rp.Child("member"), "required field is missing");
    replaced.emplace_back(rp.Child("member"), m.member);
    if (m.token.empty()) {
      r.Error(rp.Child("token"), "required field is missing");
    } else if (m.token.size() > 63 || !IsLabelValue(m.token)) {
      r.Error(rp.Child("token"),
              absl::StrCat("invalid token ", Quote(m.token),
                           ": must be 1..63 characters of letters, digits, '-', '_' and '.', "
                           "starting and ending with a letter or digit"));
    }
  }
  CheckUnique(r, replaced, "replaced member");
}

// One role override (at `at`) without its App role.
void CheckOverrideAlone(Reporter& r, const FieldPath& at, const RoleOverride& o) {
  if (o.name.empty()) r.Error(at.Child("name"), "required field is missing");
  if (o.members && *o.members < 0) {
    r.Error(at.Child("members"), absl::StrCat(*o.members, " is invalid: must be >= 0"));
  }
  if (o.image.find_first_of(" \t\n") != std::string::npos) {
    r.Error(at.Child("image"), absl::StrCat("invalid image ", Quote(o.image),
                                            ": must not contain whitespace"));
  }
  CheckStorageOverrides(r, at, o);
  CheckEnv(r, at.Child("env"), o.env);
  CheckLabels(r, at.Child("nodeSelector"), o.node_selector, /*reserve_strata_keys=*/false);
  CheckPod(r, at, o.pod);
  CheckTolerations(r, at, o);
  CheckRestartRequests(r, at, o);
}

void CheckConnections(Reporter& r, const FieldPath& spec, const Cluster& c) {
  NamedPaths connections;
  for (size_t k = 0; k < c.connections.size(); ++k) {
    FieldPath at = spec.Child("connections").Index(static_cast<int>(k));
    CheckName(r, at.Child("name"), c.connections[k].name, IsDns1123Label, kDns1123Rule);
    connections.emplace_back(at.Child("name"), c.connections[k].name);
    if (c.connections[k].endpoint.empty()) r.Error(at.Child("endpoint"), "required field is missing");
  }
  CheckUnique(r, connections, "connection");
}

}  // namespace

void CheckClusterAlone(Reporter& r, const Cluster& c) {
  FieldPath meta("metadata");
  CheckName(r, meta.Child("name"), c.name, IsDns1035Label, kDns1035Rule);
  CheckName(r, meta.Child("namespace"), c.namespace_, IsDns1123Label, kDns1123Rule);
  CheckLabels(r, meta.Child("labels"), c.labels, /*reserve_strata_keys=*/true);
  FieldPath spec("spec");
  if (c.app.empty()) r.Error(spec.Child("app"), "required field is missing");
  CheckName(r, spec.Child("domain"), c.domain, IsDns1123Subdomain, kSubdomainRule);
  NamedPaths role_names;
  for (size_t i = 0; i < c.roles.size(); ++i) {
    FieldPath at = spec.Child("roles").Index(static_cast<int>(i));
    role_names.emplace_back(at.Child("name"), c.roles[i].name);
    CheckOverrideAlone(r, at, c.roles[i]);
  }
  CheckUnique(r, role_names, "role override");
  CheckConnections(r, spec, c);
  CheckMaintenance(r, spec.Child("maintenance"), c.maintenance);
}

namespace {

// The port names and number/protocols the App role's pod keeps under
// override `o`: the role's own and those of containers `o` does not replace.
std::pair<std::set<std::string>, std::set<std::string>> AppPorts(const Role& role,
                                                                 const Role& pod,
                                                                 const RoleOverride& o) {
  std::set<std::string> names, numbers;
  for (const Port& p : role.ports) {
    names.insert(p.name);
    numbers.insert(absl::StrCat(p.port, "/", p.protocol));
  }
  auto replaced = [&](const Container& k) {
    auto named = [&](const Container& x) { return x.name == k.name; };
    return std::any_of(o.containers.begin(), o.containers.end(), named) ||
           std::any_of(o.init_containers.begin(), o.init_containers.end(), named);
  };
  for (const std::vector<Container>* list : {&pod.containers, &pod.init_containers}) {
    for (const Container& k : *list) {
      if (replaced(k)) continue;
      for (const Port& p : k.ports) {
        names.insert(p.name);
        numbers.insert(absl::StrCat(p.port, "/", p.protocol));
      }
    }
  }
  return {names, numbers};
}

// Reports values of `list` the App role's side already has, then duplicates
// within `list`.
void CheckUniqueInPod(Reporter& r, const NamedPaths& list, const std::set<std::string>& app_side,
                      absl::string_view what, const Role& role) {
  for (const auto& [path, value] : list) {
    if (app_side.count(value)) {
      r.Error(path, absl::StrCat("duplicate ", what, " ", Quote(value), " (the App role ",
                                 Quote(role.name), " has it)"));
    }
  }
  CheckUnique(r, list, what);
}

// The sidecars and init containers of override `o` (at `at`) of `role`: each
// against the App role, and the pod they make with the App role's containers
// (replaced by name): names and ports unique, reported at the override.
void CheckOverrideContainers(Reporter& r, const FieldPath& at, const RoleOverride& o,
                             const Role& role, const TemplateScope& scope) {
  if (o.containers.empty() && o.init_containers.empty()) return;
  Role pod = role;
  OverrideContainers(pod.containers, o.containers);
  OverrideContainers(pod.init_containers, o.init_containers);
  NamedPaths names, port_names, port_numbers;
  Role only = role;  // The override's containers, checked in the App role's pod.
  only.containers = o.containers;
  only.init_containers = o.init_containers;
  CheckContainers(r, at, only, names, port_names, port_numbers);
  for (const auto& [field, list] : {std::pair{"containers", &o.containers},
                                    std::pair{"initContainers", &o.init_containers}}) {
    for (size_t j = 0; j < list->size(); ++j) {
      ForEachContainerTemplate((*list)[j], at.Child(field).Index(static_cast<int>(j)),
                               [&](const FieldPath& p, const std::string& text) {
                                 CheckTemplateText(r, p, text, scope);
                               });
    }
  }
  // An override's container replaces the App's of its name in its own list;
  // a name twice in the pod that results is the override's doing.
  std::map<std::string, int> in_pod = {{role.name, 1}};
  for (const std::vector<Container>* list : {&pod.containers, &pod.init_containers}) {
    for (const Container& k : *list) ++in_pod[k.name];
  }
  CheckUnique(r, names, "container name");
  std::set<std::string> reported;
  for (const auto& [path, name] : names) {
    if (!name.empty() && in_pod[name] > 1 && reported.insert(name).second) {
      r.Error(path, absl::StrCat("duplicate container name ", Quote(name),
                                 " in the pods of role ", Quote(role.name)));
    }
  }
  auto [app_port_names, app_port_numbers] = AppPorts(role, pod, o);
  CheckUniqueInPod(r, port_names, app_port_names, "port name", role);
  CheckUniqueInPod(r, port_numbers, app_port_numbers, "port", role);
}

// The template scope of Cluster `c`'s overrides: the App's, with exactly
// the connections `c` defines.
TemplateScope ClusterScope(const Cluster& c, const App& app) {
  TemplateScope scope = TemplateScopeFor(app);
  scope.any_connection = false;
  for (const Connection& conn : c.connections) {
    if (conn.name.empty()) continue;
    scope.variables.insert(absl::StrCat("connections.", conn.name));
    scope.variables.insert(absl::StrCat("connections.", conn.name, ".endpoint"));
  }
  return scope;
}

// Connections the App's templates use must be defined by the Cluster.
void CheckConnectionsUsed(Reporter& r, const Cluster& c, const App& app) {
  std::set<std::string> used;
  TemplateScope any = TemplateScopeFor(app);
  for (const Role& role : app.roles) {
    ForEachTemplate(role, FieldPath(), [&](const FieldPath&, const std::string& text) {
      TemplateReport report = CheckTemplate(text, any);
      used.insert(report.connections.begin(), report.connections.end());
    });
  }
  for (const std::string& name : used) {
    if (std::none_of(c.connections.begin(), c.connections.end(),
                     [&](const Connection& conn) { return conn.name == name; })) {
      r.Error(FieldPath("spec").Child("connections"),
              absl::StrCat("connection ", Quote(name), " is used by the templates of App ",
                           Quote(app.name), " but not defined"));
    }
  }
}

// Resources merged per key with the App role's; reports what the Cluster
// contributed (the App's own problems are reported at the App).
void CheckOverrideResources(Reporter& r, const FieldPath& at, const RoleOverride& o,
                            const Role& role) {
  FieldPath res = at.Child("resources");
  for (const auto& [key, request] : o.resources.requests) {
    auto floor = role.min_resources.requests.find(key);
    if (floor != role.min_resources.requests.end() && request < floor->second) {
      r.Error(res.Child("requests").Key(key),
              absl::StrCat(request.ToString(), " is below minResources.", key, " ",
                           floor->second.ToString(), " of role ", Quote(role.name)));
    }
  }
  std::map<std::string, std::pair<Quantity, bool>> requests, limits;  // value, from cluster
  for (const auto& [k, v] : role.resources.requests) requests[k] = {v, false};
  for (const auto& [k, v] : o.resources.requests) requests[k] = {v, true};
  for (const auto& [k, v] : role.resources.limits) limits[k] = {v, false};
  for (const auto& [k, v] : o.resources.limits) limits[k] = {v, true};
  for (const auto& [key, request] : requests) {
    auto limit = limits.find(key);
    if (limit == limits.end() || !(request.first > limit->second.first)) continue;
    if (!request.second && !limit->second.second) continue;  // The App's own; reported there.
    FieldPath where = request.second ? res.Child("requests").Key(key)
                                     : res.Child("limits").Key(key);
    r.Error(where, absl::StrCat(key, " request ", request.first.ToString(),
                                request.second ? "" : " (from the App)", " exceeds the limit ",
                                limit->second.first.ToString(),
                                limit->second.second ? "" : " (from the App)"));
  }
}

// Storage overrides name storage of the App role and keep its minSize.
void CheckOverrideStorage(Reporter& r, const FieldPath& at, const RoleOverride& o,
                          const Role& role) {
  for (size_t j = 0; j < o.storage.size(); ++j) {
    const StorageOverride& s = o.storage[j];
    FieldPath sp = at.Child("storage").Index(static_cast<int>(j));
    auto it = std::find_if(role.storage.begin(), role.storage.end(),
                           [&](const Storage& st) { return st.name == s.name; });
    if (it == role.storage.end()) {
      if (!s.name.empty()) {
        r.Error(sp.Child("name"), absl::StrCat("role ", Quote(role.name), " has no storage ",
                                               Quote(s.name)));
      }
      continue;
    }
    if (s.size && *s.size > Quantity() && *s.size < it->min_size) {
      r.Error(sp.Child("size"), absl::StrCat(s.size->ToString(), " is below minSize ",
                                             it->min_size.ToString()));
    }
  }
}

// Each replace[].member is a member the role has with the Cluster's count.
void CheckReplacedMembers(Reporter& r, const FieldPath& at, const Cluster& c,
                          const RoleOverride& o, const Role& role) {
  const int32_t count = o.members ? std::max(0, *o.members) : role.cardinality.min;
  const std::string sts = absl::StrCat(c.name, "-", role.name);
  for (size_t k = 0; k < o.replace.size(); ++k) {
    const std::string& member = o.replace[k].member;
    if (member.empty()) continue;
    std::optional<int32_t> ordinal = kube::OrdinalOf(member, sts);
    if (!ordinal || *ordinal >= count) {
      r.Error(at.Child("replace").Index(static_cast<int>(k)).Child("member"),
              absl::StrCat(Quote(member), " is not a member of role ", Quote(role.name),
                           ": members are ", kube::PodName(sts, 0), "..",
                           kube::PodName(sts, std::max(0, count - 1)),
                           count == 0 ? " (the role has no members)" : ""));
    }
  }
}

// Config overrides name structured config files of the App role; their
// values are templates.
void CheckConfigOverrides(Reporter& r, const FieldPath& at, const RoleOverride& o,
                          const Role& role, const TemplateScope& scope) {
  for (const auto& [path, data] : o.config) {
    FieldPath cp = at.Child("config").Key(path);
    // Named copy: clang 14 (the sanitizer tree) cannot capture a binding.
    const std::string& wanted = path;
    auto file = std::find_if(role.config.begin(), role.config.end(),
                             [&](const ConfigFile& f) { return f.path == wanted; });
    if (file == role.config.end()) {
      r.Error(cp, absl::StrCat("role ", Quote(role.name), " has no config file ", Quote(path)));
      continue;
    }
    if (file->format == ConfigFormat::kText) {
      r.Error(cp, absl::StrCat("config file ", Quote(path),
                               " is a text template; only structured files take key overrides"));
      continue;
    }
    for (const auto& [key, value] : data) {
      if (key.empty()) r.Error(cp, "keys must not be empty");
      CheckTemplateText(r, cp.Key(key), value, scope);
    }
  }
}

// One override (at `at`) against its App role: members, resources,
// storage, replaced members, env, containers, config.
void CheckOverrideWithApp(Reporter& r, const FieldPath& at, const Cluster& c,
                          const RoleOverride& o, const App& app, const TemplateScope& scope) {
  const Role* role = app.FindRole(o.name);
  if (role == nullptr) {
    if (!o.name.empty()) {
      r.Error(at.Child("name"), absl::StrCat("App ", Quote(app.name), " has no role ", Quote(o.name)));
    }
    return;
  }
  if (o.members && *o.members >= 0 && !role->cardinality.Allows(*o.members)) {
    r.Error(at.Child("members"), absl::StrCat(*o.members, " does not satisfy cardinality ",
                                              Quote(role->cardinality.ToString())));
  }
  CheckOverrideResources(r, at, o, *role);
  CheckOverrideStorage(r, at, o, *role);
  CheckReplacedMembers(r, at, c, o, *role);
  for (size_t k = 0; k < o.env.size(); ++k) {
    FieldPath value = at.Child("env").Index(static_cast<int>(k)).Child("value");
    CheckTemplateText(r, value, o.env[k].value, scope);
  }
  CheckOverrideContainers(r, at, o, *role, scope);
  CheckConfigOverrides(r, at, o, *role, scope);
}

// The member count of each App role under `c`, with the warnings counts
// earn. `budget_paths[i]` becomes where role i's count-driven name problems
// are reported: the override's members, else the Cluster's name (the other
// part of every generated name).
void CheckMemberCounts(Reporter& r, const Cluster& c, const App& app,
                       std::vector<int32_t>& members, std::vector<FieldPath>& budget_paths) {
  FieldPath spec("spec");
  members.assign(app.roles.size(), 0);
  budget_paths.assign(app.roles.size(), FieldPath("metadata").Child("name"));
  for (size_t i = 0; i < app.roles.size(); ++i) {
    const Role& role = app.roles[i];
    auto o = std::find_if(c.roles.begin(), c.roles.end(),
                          [&](const RoleOverride& x) { return x.name == role.name; });
    int index = o == c.roles.end() ? -1 : static_cast<int>(o - c.roles.begin());
    const bool sized = index >= 0 && o->members.has_value();
    members[i] = sized ? std::max(0, *o->members) : role.cardinality.min;
    const int32_t n = members[i];
    FieldPath role_path = index >= 0 ? spec.Child("roles").Index(index) : spec.Child("roles");
    FieldPath members_path = sized ? role_path.Child("members") : role_path;
    if (sized) budget_paths[i] = members_path;
    std::string which = sized ? std::string()
                              : absl::StrCat("role ", Quote(role.name), " gets ", n,
                                             n == 1 ? " member" : " members", " by default; ");
    // Under majority, an even count tolerates no more failures than one fewer.
    if (role.quorum == Quorum::kMajority && n >= 2 &&
        kube::QuorumTolerance(n) == kube::QuorumTolerance(n - 1)) {
      r.Warning(members_path,
                absl::StrCat(which, n, " members under quorum majority tolerate no more failures ",
                             "than ", n - 1));
    }
    if (n == 1) {
      r.Warning(members_path,
                absl::StrCat(which, "a role of one member gets no PodDisruptionBudget"));
    }
  }
}

}  // namespace

void CheckClusterWithApp(Reporter& r, const Cluster& c, const App& app) {
  FieldPath spec("spec");
  if (c.app != app.name) {
    r.Error(spec.Child("app"), absl::StrCat("names App ", Quote(c.app), " but was paired with App ",
                                            Quote(app.name)));
  }
  CheckConnectionsUsed(r, c, app);
  TemplateScope scope = ClusterScope(c, app);
  for (size_t i = 0; i < c.roles.size(); ++i) {
    CheckOverrideWithApp(r, spec.Child("roles").Index(static_cast<int>(i)), c, c.roles[i], app,
                         scope);
  }
  std::vector<int32_t> members;
  std::vector<FieldPath> budget_paths;
  CheckMemberCounts(r, c, app, members, budget_paths);
  CheckClusterNames(r, c, app, members, budget_paths);
}

}  // namespace strata::validate_internal
