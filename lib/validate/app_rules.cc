// The App rules (SPEC §1.3): each role on its own, then what spans roles
// (unique names, dependsOn cycles, the names the App alone decides).

#include "validate/app_rules.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/role_graph.h"
#include "validate/field_rules.h"
#include "validate/name_budgets.h"
#include "validate/names.h"
#include "validate/template_check.h"

namespace strata::validate_internal {
namespace {

using model_internal::RoleGraph;

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
void CheckDependsOn(Reporter& r, const FieldPath& path, const Role& role,
                    const RoleGraph& graph) {
  NamedPaths deps;
  for (size_t k = 0; k < role.depends_on.size(); ++k) {
    const std::string& dep = role.depends_on[k];
    FieldPath at = path.Child("dependsOn").Index(static_cast<int>(k));
    deps.emplace_back(at, dep);
    if (dep == role.name) {
      r.Error(at, "a role cannot depend on itself");
    } else if (graph.IndexOf(dep) < 0) {
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

void CheckRole(Reporter& r, const FieldPath& path, const Role& role, const RoleGraph& graph,
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
  CheckDependsOn(r, path, role, graph);
  CheckRoleServices(r, path, role);
  CheckPod(r, path, role.pod);
  CheckRollout(r, path.Child("rollout"), role.rollout, role);
  CheckLifecycle(r, path.Child("lifecycle"), role);
  CheckSecurity(r, path.Child("security"), role.security);
}

// Reports each dependsOn cycle once, at the first of its roles.
void CheckDependencyCycles(Reporter& r, const RoleGraph& graph) {
  for (const RoleGraph::Cycle& cycle : graph.cycles()) {
    r.Error(FieldPath("spec").Child("roles").Index(cycle.role).Child("dependsOn"),
            absl::StrCat("dependency cycle: ", absl::StrJoin(cycle.names, " -> ")));
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
  const RoleGraph graph = RoleGraph::Of(app.roles);
  NamedPaths names;
  for (size_t i = 0; i < app.roles.size(); ++i) {
    FieldPath at = roles.Index(static_cast<int>(i));
    CheckRole(r, at, app.roles[i], graph, scope);
    names.emplace_back(at.Child("name"), app.roles[i].name);
  }
  CheckUnique(r, names, "role name");
  CheckDependencyCycles(r, graph);
  CheckAppNames(r, app);
}

}  // namespace strata::validate_internal
