// The App rules (SPEC §1.3): each role on its own, then what spans roles
// (unique names, dependsOn cycles, the names the App alone decides).

#include "validate/app_rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "validate/field_rules.h"
#include "validate/name_budgets.h"
#include "validate/names.h"
#include "validate/template_check.h"

namespace strata::validate_internal {
namespace {

// The App's own requests within its limits and above its minResources.
void CheckRoleResources(Reporter& r, const FieldPath& path, const Role& role) {
  CheckResources(r, path.Child("resources"), role.resources);
  for (const auto& [key, floor] : role.min_resources.requests) {
    auto request = role.resources.requests.find(key);
    if (request != role.resources.requests.end() && request->second < floor) {
      r.Error(path.Child("resources").Child("requests").Key(key),
              absl::StrCat(request->second.ToString(), " is below minResources.", key, " ",
                           floor.ToString()));
    }
  }
}

void CheckRoleProbes(Reporter& r, const FieldPath& probes, const Role& role) {
  if (role.probes.readiness) {
    CheckProbe(r, probes.Child("readiness"), *role.probes.readiness, role, false);
  }
  if (role.probes.liveness) CheckProbe(r, probes.Child("liveness"), *role.probes.liveness, role, true);
  if (role.probes.startup) CheckProbe(r, probes.Child("startup"), *role.probes.startup, role, true);
}

// dependsOn names other roles of the App, once each (cycles are checked
// across roles by CheckDependencyCycles).
void CheckDependsOn(Reporter& r, const FieldPath& path, const Role& role, const App& app) {
  NamedPaths deps;
  for (size_t k = 0; k < role.depends_on.size(); ++k) {
    const std::string& dep = role.depends_on[k];
    FieldPath at = path.Child("dependsOn").Index(static_cast<int>(k));
    deps.emplace_back(at, dep);
    if (dep == role.name) {
      r.Error(at, "a role cannot depend on itself");
    } else if (app.FindRole(dep) == nullptr) {
      r.Error(at, absl::StrCat("unknown role ", Quote(dep)));
    }
  }
  CheckUnique(r, deps, "dependency");
}

// The role's extra Services: names, ports of the role, annotations.
void CheckRoleServices(Reporter& r, const FieldPath& path, const Role& role) {
  NamedPaths services;
  for (size_t j = 0; j < role.services.size(); ++j) {
    const ServiceSpec& s = role.services[j];
    FieldPath at = path.Child("services").Index(static_cast<int>(j));
    CheckName(r, at.Child("name"), s.name, IsDns1123Label, kDns1123Rule);
    services.emplace_back(at.Child("name"), s.name);
    if (s.ports.empty()) r.Error(at.Child("ports"), "at least one port is required");
    NamedPaths ports;
    for (size_t k = 0; k < s.ports.size(); ++k) {
      FieldPath port_path = at.Child("ports").Index(static_cast<int>(k));
      ports.emplace_back(port_path, s.ports[k]);
      CheckPortRef(r, port_path, PortRef{.name = s.ports[k]}, role);
    }
    CheckUnique(r, ports, "port");
  }
  CheckUnique(r, services, "service name");
  for (size_t j = 0; j < role.services.size(); ++j) {
    CheckAnnotations(r, path.Child("services").Index(static_cast<int>(j)).Child("annotations"),
                     role.services[j].annotations);
  }
}

// preStop, memberLeave, memberJoin and the grace period at `lifecycle`.
void CheckLifecycle(Reporter& r, const FieldPath& lifecycle, const Role& role) {
  if (role.lifecycle.pre_stop) {
    CheckHandler(r, lifecycle.Child("preStop"), *role.lifecycle.pre_stop, role,
                 {Handler::Kind::kExec, Handler::Kind::kHttp});
    if (role.lifecycle.pre_stop->timeout_seconds) {
      r.Error(lifecycle.Child("preStop").Child("timeoutSeconds"),
              "not allowed here: only memberLeave and memberJoin take a timeout (the kubelet "
              "bounds preStop by terminationGracePeriodSeconds)");
    }
  }
  auto hook_timeout = [&](const Handler& h, const FieldPath& at) {
    if (h.timeout_seconds && *h.timeout_seconds < 1) {
      r.Error(at.Child("timeoutSeconds"),
              absl::StrCat(*h.timeout_seconds, " is invalid: must be >= 1"));
    }
  };
  if (role.lifecycle.member_leave) {
    CheckHandler(r, lifecycle.Child("memberLeave"), *role.lifecycle.member_leave, role,
                 {Handler::Kind::kExec});
    hook_timeout(*role.lifecycle.member_leave, lifecycle.Child("memberLeave"));
  }
  if (role.lifecycle.member_join) {
    CheckHandler(r, lifecycle.Child("memberJoin"), *role.lifecycle.member_join, role,
                 {Handler::Kind::kExec});
    hook_timeout(*role.lifecycle.member_join, lifecycle.Child("memberJoin"));
  }
  if (role.lifecycle.termination_grace_period_seconds &&
      *role.lifecycle.termination_grace_period_seconds < 0) {
    r.Error(lifecycle.Child("terminationGracePeriodSeconds"),
            absl::StrCat(*role.lifecycle.termination_grace_period_seconds,
                         " is invalid: must be >= 0"));
  }
}

void CheckRole(Reporter& r, const FieldPath& path, const Role& role, const App& app,
               const TemplateScope& scope) {
  CheckName(r, path.Child("name"), role.name, IsDns1035Label, kDns1035Rule);
  CheckImage(r, path.Child("image"), role.image);
  // Ports, unique over the pod's containers.
  NamedPaths port_names, port_numbers, container_names;
  CheckPorts(r, path.Child("ports"), role.ports, port_names, port_numbers);
  CheckContainers(r, path, role, container_names, port_names, port_numbers);
  CheckUnique(r, container_names, "container name");
  CheckUnique(r, port_names, "port name");
  CheckUnique(r, port_numbers, "port");
  CheckMetrics(r, path, role);
  CheckEnv(r, path.Child("env"), role.env);
  CheckRoleResources(r, path, role);
  CheckStorage(r, path.Child("storage"), role.storage);
  CheckRoleProbes(r, path.Child("probes"), role);
  CheckConfig(r, path.Child("config"), role.config);
  CheckLiveConfigDirectories(r, path, role);
  ForEachTemplate(role, path, [&](const FieldPath& at, const std::string& text) {
    WarnScaleRestarts(r, path, at, role, CheckTemplateText(r, at, text, scope));
  });
  CheckDependsOn(r, path, role, app);
  CheckRoleServices(r, path, role);
  CheckPod(r, path, role.pod);
  CheckRollout(r, path.Child("rollout"), role.rollout, role);
  CheckLifecycle(r, path.Child("lifecycle"), role);
  CheckSecurity(r, path.Child("security"), role.security);
}

// The strongly connected components of the dependsOn graph (edges[i]: the
// roles role i depends on), by an iterative Tarjan: O(roles + edges) and no
// recursion, so a 10,000-role chain is as cheap as a short one.
std::vector<int> DependencyComponents(const std::vector<std::vector<int>>& edges) {
  const int n = static_cast<int>(edges.size());
  std::vector<int> component(n, -1), low(n, 0), order(n, -1), stack;
  std::vector<bool> on_stack(n, false);
  std::vector<std::pair<int, size_t>> frames;  // (node, next edge to visit)
  int counter = 0, components = 0;
  for (int root = 0; root < n; ++root) {
    if (order[root] >= 0) continue;
    frames.push_back({root, 0});
    order[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      auto& [v, e] = frames.back();
      if (e < edges[v].size()) {
        int w = edges[v][e++];
        if (order[w] < 0) {
          order[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          frames.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], order[w]);
        }
        continue;
      }
      const int done = v;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().first] = std::min(low[frames.back().first], low[done]);
      if (low[done] == order[done]) {
        int w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component[w] = components;
        } while (w != done);
        ++components;
      }
    }
  }
  return component;
}

// Reports each dependsOn cycle once, at the first of its roles. Only roles of
// a strongly connected component of two or more roles can be on a cycle, and
// a cycle never leaves its component, so the searches stay inside those.
void CheckDependencyCycles(Reporter& r, const App& app) {
  std::map<std::string, int> index;
  for (size_t i = 0; i < app.roles.size(); ++i) index.emplace(app.roles[i].name, static_cast<int>(i));
  std::vector<std::vector<int>> edges(app.roles.size());
  for (size_t i = 0; i < app.roles.size(); ++i) {
    for (const std::string& dep : app.roles[i].depends_on) {
      auto it = index.find(dep);
      // Unknown roles and self-dependencies are reported elsewhere.
      if (it != index.end() && it->second != static_cast<int>(i)) edges[i].push_back(it->second);
    }
  }
  std::vector<int> component = DependencyComponents(edges);
  std::vector<int> size(app.roles.size(), 0);
  for (int c : component) ++size[c];
  std::set<int> reported;
  for (size_t start = 0; start < app.roles.size(); ++start) {
    const int s = static_cast<int>(start);
    if (size[component[s]] < 2 || reported.count(s)) continue;
    // Breadth-first search for the shortest path from start back to start.
    std::map<int, int> parent;
    std::vector<int> queue = {s};
    int found = -1;
    for (size_t q = 0; q < queue.size() && found < 0; ++q) {
      int at = queue[q];
      for (int next : edges[at]) {
        if (component[next] != component[s]) continue;
        if (next == s) {
          found = at;
          break;
        }
        if (parent.emplace(next, at).second) queue.push_back(next);
      }
    }
    if (found < 0) continue;
    std::vector<int> cycle = {found};
    while (cycle.back() != s) cycle.push_back(parent.at(cycle.back()));
    std::reverse(cycle.begin(), cycle.end());
    std::vector<std::string> names;
    for (int i : cycle) {
      names.push_back(app.roles[i].name);
      reported.insert(i);
    }
    names.push_back(app.roles[start].name);
    r.Error(FieldPath("spec").Child("roles").Index(s).Child("dependsOn"),
            absl::StrCat("dependency cycle: ", absl::StrJoin(names, " -> ")));
  }
}

}  // namespace

void CheckApp(Reporter& r, const App& app) {
  CheckName(r, FieldPath("metadata").Child("name"), app.name, IsDns1035Label, kDns1035Rule);
  if (!IsLabelValue(app.version)) {
    r.Error(FieldPath("spec").Child("version"),
            absl::StrCat("invalid version ", Quote(app.version), ": ", kLabelValueRule));
  }
  FieldPath roles = FieldPath("spec").Child("roles");
  if (app.roles.empty()) r.Error(roles, "at least one role is required");
  TemplateScope scope = TemplateScopeFor(app);
  NamedPaths names;
  for (size_t i = 0; i < app.roles.size(); ++i) {
    FieldPath at = roles.Index(static_cast<int>(i));
    CheckRole(r, at, app.roles[i], app, scope);
    names.emplace_back(at.Child("name"), app.roles[i].name);
  }
  CheckUnique(r, names, "role name");
  CheckDependencyCycles(r, app);
  CheckAppNames(r, app);
}

}  // namespace strata::validate_internal
