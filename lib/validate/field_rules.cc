// The per-field rules Apps and Clusters share (SPEC §1.3): labels and
// annotations, pod settings, handlers and probes, env, resources, rollout,
// storage, config files, security, ports, sidecar and init containers,
// metrics; and the walk over a role's templates. app_rules.cc and
// cluster_rules.cc apply them at the App's and the Cluster's paths.

#include "validate/field_rules.h"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/keys.h"
#include "validate/live_config.h"
#include "validate/names.h"

namespace strata::validate_internal {

void CheckLabels(Reporter& r, const FieldPath& path,
                 const std::map<std::string, std::string>& labels, bool reserve_strata_keys) {
  static const std::set<std::string> kReserved = {
      kube::kNameLabel,    kube::kInstanceLabel,  kube::kComponentLabel,
      kube::kVersionLabel, kube::kManagedByLabel, kube::kPartOfLabel};
  for (const auto& [key, value] : labels) {
    FieldPath at = path.Key(key);
    if (!IsLabelKey(key)) {
      r.Error(at, absl::StrCat("invalid label key ", Quote(key), ": ", kLabelKeyRule));
    } else if (reserve_strata_keys && kReserved.count(key)) {
      r.Error(at, absl::StrCat("label ", Quote(key), " is set by strata and cannot be overridden"));
    }
    if (!IsLabelValue(value)) {
      r.Error(at, absl::StrCat("invalid label value ", Quote(value), ": ", kLabelValueRule));
    }
  }
}

// Annotation keys are qualified names like label keys; values are free text.
// strata.dev/* keys are strata's (spec-hash, config-hash, dashboard, ...).
void CheckAnnotations(Reporter& r, const FieldPath& path,
                      const std::map<std::string, std::string>& annotations) {
  size_t total = 0;
  for (const auto& [key, value] : annotations) {
    FieldPath at = path.Key(key);
    total += key.size() + value.size();
    if (!IsLabelKey(key)) {
      r.Error(at, absl::StrCat("invalid annotation key ", Quote(key), ": ", kLabelKeyRule));
    } else if (absl::StartsWith(key, kube::kStrataKeyPrefix)) {
      r.Error(at, absl::StrCat("annotation ", Quote(key), " is in ", kube::kStrataKeyPrefix,
                               ", which strata sets: choose another prefix"));
    }
  }
  // Kubernetes' limit on all annotations of an object together.
  if (total > 256 * 1024) {
    r.Error(path, absl::StrCat("annotations total ", total,
                               " bytes: Kubernetes allows at most 262144 per object"));
  }
}

// serviceAccountName, imagePullSecrets, priorityClassName, podLabels,
// podAnnotations of an App role or a Cluster role (`path` is the role's).
void CheckPod(Reporter& r, const FieldPath& path, const PodSettings& pod) {
  CheckName(r, path.Child("serviceAccountName"), pod.service_account_name, IsDns1123Subdomain,
            kSubdomainRule, /*required=*/false);
  CheckName(r, path.Child("priorityClassName"), pod.priority_class_name, IsDns1123Subdomain,
            kSubdomainRule, /*required=*/false);
  NamedPaths secrets;
  for (size_t k = 0; k < pod.image_pull_secrets.size(); ++k) {
    FieldPath at = path.Child("imagePullSecrets").Index(static_cast<int>(k));
    CheckName(r, at, pod.image_pull_secrets[k], IsDns1123Subdomain, kSubdomainRule);
    secrets.emplace_back(at, pod.image_pull_secrets[k]);
  }
  CheckUnique(r, secrets, "image pull secret");
  CheckLabels(r, path.Child("podLabels"), pod.labels, /*reserve_strata_keys=*/true);
  for (const auto& [key, value] : pod.labels) {
    if (absl::StartsWith(key, kube::kStrataKeyPrefix)) {
      r.Error(path.Child("podLabels").Key(key),
              absl::StrCat("label ", Quote(key), " is in ", kube::kStrataKeyPrefix,
                           ", which strata sets"));
    }
  }
  CheckAnnotations(r, path.Child("podAnnotations"), pod.annotations);
}

TemplateReport CheckTemplateText(Reporter& r, const FieldPath& path, const std::string& text,
                                 const TemplateScope& scope) {
  TemplateReport report = CheckTemplate(text, scope);
  for (const std::string& e : report.errors) r.Error(path, e);
  return report;
}

// A pod-template field (env value, command, args) that renders another
// role's scale restarts every member of `role` whenever that role scales:
// the pod template changes. Says so, and how to avoid it.
void WarnScaleRestarts(Reporter& r, const FieldPath& role_path, const FieldPath& at,
                       const Role& role, const TemplateReport& report) {
  if (report.scaled_by.empty()) return;
  bool pod_template = false;
  for (const char* field : {"env", "command", "args"}) {
    const std::string prefix = role_path.Child(field).ToString() + "[";
    if (absl::StartsWith(at.ToString(), prefix)) pod_template = true;
  }
  if (!pod_template) return;
  std::vector<std::string> roles(report.scaled_by.begin(), report.scaled_by.end());
  r.Warning(at, absl::StrCat(
                    "uses the hosts/count/members of role ", absl::StrJoin(roles, ", "),
                    ": every scale of ", absl::StrJoin(roles, ", "),
                    " changes the pod template and restarts every member of ", role.name,
                    "; to avoid the restarts, render it into a config file with "
                    "`onChange: none` that the process reads at start"));
}

// Calls `visit` with every template of a sidecar or init container at `path`:
// command, args, env values and exec probe commands.
void ForEachContainerTemplate(
    const Container& c, const FieldPath& path,
    const TemplateVisitor& visit) {
  for (size_t k = 0; k < c.command.size(); ++k) {
    visit(path.Child("command").Index(static_cast<int>(k)), c.command[k]);
  }
  for (size_t k = 0; k < c.args.size(); ++k) {
    visit(path.Child("args").Index(static_cast<int>(k)), c.args[k]);
  }
  for (size_t k = 0; k < c.env.size(); ++k) {
    visit(path.Child("env").Index(static_cast<int>(k)).Child("value"), c.env[k].value);
  }
  const std::pair<const char*, const std::optional<Probe>*> probes[] = {
      {"readiness", &c.probes.readiness},
      {"liveness", &c.probes.liveness},
      {"startup", &c.probes.startup}};
  for (const auto& [name, probe] : probes) {
    if (!probe->has_value() || (*probe)->handler.kind != Handler::Kind::kExec) continue;
    const std::vector<std::string>& command = (*probe)->handler.command;
    for (size_t k = 0; k < command.size(); ++k) {
      visit(path.Child("probes").Child(name).Child("exec").Child("command").Index(static_cast<int>(k)),
            command[k]);
    }
  }
}

// Calls `visit` with every template of `role` (SPEC §3: config data values,
// template bodies, env values, command, args; and exec commands).
void ForEachTemplate(const Role& role, const FieldPath& path,
                     const TemplateVisitor& visit) {
  for (size_t k = 0; k < role.command.size(); ++k) {
    visit(path.Child("command").Index(static_cast<int>(k)), role.command[k]);
  }
  for (size_t k = 0; k < role.args.size(); ++k) {
    visit(path.Child("args").Index(static_cast<int>(k)), role.args[k]);
  }
  for (size_t k = 0; k < role.env.size(); ++k) {
    visit(path.Child("env").Index(static_cast<int>(k)).Child("value"), role.env[k].value);
  }
  for (size_t j = 0; j < role.config.size(); ++j) {
    FieldPath at = path.Child("config").Index(static_cast<int>(j));
    for (const auto& [key, value] : role.config[j].data) visit(at.Child("data").Key(key), value);
    visit(at.Child("template"), role.config[j].template_text);
  }
  auto exec = [&](const Handler& h, const FieldPath& at) {
    if (h.kind != Handler::Kind::kExec) return;
    for (size_t k = 0; k < h.command.size(); ++k) {
      visit(at.Child("exec").Child("command").Index(static_cast<int>(k)), h.command[k]);
    }
  };
  FieldPath probes = path.Child("probes");
  if (role.probes.readiness) exec(role.probes.readiness->handler, probes.Child("readiness"));
  if (role.probes.liveness) exec(role.probes.liveness->handler, probes.Child("liveness"));
  if (role.probes.startup) exec(role.probes.startup->handler, probes.Child("startup"));
  FieldPath rollout = path.Child("rollout");
  if (role.rollout.gate) exec(role.rollout.gate->handler, rollout.Child("gate"));
  if (role.rollout.leader_probe) exec(*role.rollout.leader_probe, rollout.Child("leaderProbe"));
  FieldPath lifecycle = path.Child("lifecycle");
  if (role.lifecycle.pre_stop) exec(*role.lifecycle.pre_stop, lifecycle.Child("preStop"));
  if (role.lifecycle.member_leave) {
    exec(*role.lifecycle.member_leave, lifecycle.Child("memberLeave"));
  }
  if (role.lifecycle.member_join) exec(*role.lifecycle.member_join, lifecycle.Child("memberJoin"));
  for (const auto& [field, list] : {std::pair{"containers", &role.containers},
                                    std::pair{"initContainers", &role.init_containers}}) {
    for (size_t j = 0; j < list->size(); ++j) {
      ForEachContainerTemplate((*list)[j], path.Child(field).Index(static_cast<int>(j)), visit);
    }
  }
}

namespace {

const char* HandlerField(Handler::Kind kind) {
  switch (kind) {
    case Handler::Kind::kExec:
      return "exec";
    case Handler::Kind::kHttp:
      return "http";
    case Handler::Kind::kTcp:
      return "tcp";
    case Handler::Kind::kGrpc:
      return "grpc";
    case Handler::Kind::kNone:
      break;
  }
  return "";
}

}  // namespace

void CheckPortRef(Reporter& r, const FieldPath& path, const PortRef& ref, const Role& role) {
  if (!ref.name.empty()) {
    if (role.FindPort(ref.name) == nullptr) {
      std::vector<std::string> names;
      for (const Port& p : role.ports) names.push_back(p.name);
      r.Error(path, absl::StrCat("unknown port ", Quote(ref.name), " (role ", Quote(role.name),
                                 names.empty() ? " has no ports)"
                                               : absl::StrCat(" has ports: ", absl::StrJoin(names, ", "), ")")));
    }
    return;
  }
  if (ref.number == 0) {
    r.Error(path, "required field is missing");
  } else if (ref.number < 1 || ref.number > 65535) {
    r.Error(path, absl::StrCat("invalid port ", ref.number, ": must be 1..65535"));
  }
}

// Checks a handler at `path`. `allowed` lists the kinds permitted there.
void CheckHandler(Reporter& r, const FieldPath& path, const Handler& h, const Role& role,
                  const std::vector<Handler::Kind>& allowed) {
  std::vector<std::string> names;
  for (Handler::Kind k : allowed) names.push_back(HandlerField(k));
  if (h.kind == Handler::Kind::kNone) {
    r.Error(path, allowed.size() == 1
                      ? absl::StrCat(names[0], " is required")
                      : absl::StrCat("exactly one of ", absl::StrJoin(names, ", "),
                                     " is required"));
    return;
  }
  if (std::find(allowed.begin(), allowed.end(), h.kind) == allowed.end()) {
    r.Error(path.Child(HandlerField(h.kind)),
            absl::StrCat("not allowed here: only ", absl::StrJoin(names, " or ")));
    return;
  }
  FieldPath at = path.Child(HandlerField(h.kind));
  switch (h.kind) {
    case Handler::Kind::kExec:
      if (h.command.empty()) r.Error(at.Child("command"), "must not be empty");
      break;
    case Handler::Kind::kHttp:
      if (!h.path.empty() && h.path.front() != '/') {
        r.Error(at.Child("path"), absl::StrCat("invalid path ", Quote(h.path), ": must start with '/'"));
      }
      if (h.scheme != "HTTP" && h.scheme != "HTTPS") {
        r.Error(at.Child("scheme"), absl::StrCat("invalid scheme ", Quote(h.scheme),
                                                 ": must be HTTP or HTTPS"));
      }
      CheckPortRef(r, at.Child("port"), h.port, role);
      break;
    case Handler::Kind::kTcp:
    case Handler::Kind::kGrpc:
      CheckPortRef(r, at.Child("port"), h.port, role);
      break;
    case Handler::Kind::kNone:
      break;
  }
}

void CheckProbe(Reporter& r, const FieldPath& path, const Probe& p, const Role& role,
                bool success_must_be_one) {
  CheckHandler(r, path, p.handler, role,
               {Handler::Kind::kExec, Handler::Kind::kHttp, Handler::Kind::kTcp,
                Handler::Kind::kGrpc});
  auto at_least = [&](const std::optional<int32_t>& v, const char* field, int min) {
    if (v && *v < min) {
      r.Error(path.Child(field), absl::StrCat(*v, " is invalid: must be >= ", min));
    }
  };
  at_least(p.initial_delay_seconds, "initialDelaySeconds", 0);
  at_least(p.period_seconds, "periodSeconds", 1);
  at_least(p.timeout_seconds, "timeoutSeconds", 1);
  at_least(p.success_threshold, "successThreshold", 1);
  at_least(p.failure_threshold, "failureThreshold", 1);
  if (success_must_be_one && p.success_threshold && *p.success_threshold > 1) {
    r.Error(path.Child("successThreshold"),
            absl::StrCat(*p.success_threshold, " is invalid: must be 1 for liveness and startup probes"));
  }
}

// The pod fields Kubernetes accepts in an env var's fieldRef.
bool IsDownwardApiField(const std::string& field) {
  static const std::set<std::string> kFields = {
      "metadata.name",  "metadata.namespace", "metadata.uid",  "spec.nodeName",
      "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
      "status.podIPs"};
  if (kFields.count(field)) return true;
  for (absl::string_view prefix : {"metadata.labels['", "metadata.annotations['"}) {
    if (!absl::StartsWith(field, prefix) || !absl::EndsWith(field, "']")) continue;
    std::string key = field.substr(prefix.size(), field.size() - prefix.size() - 2);
    return IsLabelKey(key);
  }
  return false;
}

void CheckEnv(Reporter& r, const FieldPath& path, const std::vector<EnvVar>& env) {
  NamedPaths names;
  for (size_t k = 0; k < env.size(); ++k) {
    const EnvVar& e = env[k];
    FieldPath at = path.Index(static_cast<int>(k));
    if (e.name.empty()) {
      r.Error(at.Child("name"), "required field is missing");
    } else if (!IsEnvVarName(e.name)) {
      r.Error(at.Child("name"), absl::StrCat("invalid name ", Quote(e.name), ": ", kEnvVarRule));
    } else if (absl::StartsWith(e.name, "STRATA_")) {
      r.Error(at.Child("name"), absl::StrCat("invalid name ", Quote(e.name),
                                             ": the STRATA_ prefix is reserved for the "
                                             "variables strata sets"));
    }
    names.emplace_back(at.Child("name"), e.name);
    if (!e.field.empty()) {
      if (!e.value.empty() || e.secret) r.Error(at, "only one of value, secret and field may be set");
      if (!IsDownwardApiField(e.field)) {
        r.Error(at.Child("field"),
                absl::StrCat("invalid field ", Quote(e.field),
                             ": must be one of metadata.name, metadata.namespace, metadata.uid, "
                             "metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName, "
                             "spec.serviceAccountName, status.hostIP, status.hostIPs, "
                             "status.podIP, status.podIPs"));
      }
    }
    if (e.secret) {
      if (!e.value.empty()) r.Error(at, "only one of value and secret may be set");
      CheckName(r, at.Child("secret").Child("name"), e.secret->name, IsDns1123Subdomain,
                kSubdomainRule);
      if (e.secret->key.empty()) r.Error(at.Child("secret").Child("key"), "required field is missing");
    }
  }
  CheckUnique(r, names, "env var");
}

void CheckResources(Reporter& r, const FieldPath& path, const Resources& res) {
  for (const auto& [key, request] : res.requests) {
    auto limit = res.limits.find(key);
    if (limit != res.limits.end() && request > limit->second) {
      r.Error(path.Child("requests").Key(key),
              absl::StrCat("request ", request.ToString(), " exceeds the limit ",
                           limit->second.ToString()));
    }
  }
}

namespace {

std::string MaxUnavailableText(const IntOrPercent& v) {
  return absl::StrCat(v.value, v.percent ? "%" : "");
}

}  // namespace

void CheckRollout(Reporter& r, const FieldPath& path, const RolloutPolicy& p, const Role& role) {
  const IntOrPercent& mu = p.max_unavailable;
  if ((mu.percent && (mu.value < 1 || mu.value > 100)) || (!mu.percent && mu.value < 1)) {
    r.Error(path.Child("maxUnavailable"),
            absl::StrCat("invalid value ", Quote(MaxUnavailableText(mu)),
                         ": must be an integer >= 1 or a percentage \"1%\"..\"100%\""));
  }
  if (p.order == RolloutOrder::kFollowersFirst && p.leader_label.empty()) {
    r.Error(path.Child("leaderLabel"),
            "required when order is followersFirst (the pod label whose value \"true\" marks "
            "the leader)");
  }
  if (!p.leader_label.empty() && !IsLabelKey(p.leader_label)) {
    r.Error(path.Child("leaderLabel"),
            absl::StrCat("invalid label key ", Quote(p.leader_label), ": ", kLabelKeyRule));
  }
  if (p.leader_probe) {
    CheckHandler(r, path.Child("leaderProbe"), *p.leader_probe, role, {Handler::Kind::kExec});
  }
  if (p.min_ready_seconds < 0) {
    r.Error(path.Child("minReadySeconds"), absl::StrCat(p.min_ready_seconds, " is invalid: must be >= 0"));
  }
  if (p.gate) {
    CheckHandler(r, path.Child("gate"), p.gate->handler, role, {Handler::Kind::kExec});
    if (p.gate->timeout_seconds < 1) {
      r.Error(path.Child("gate").Child("timeoutSeconds"),
              absl::StrCat(p.gate->timeout_seconds, " is invalid: must be >= 1"));
    }
  }
  if (p.min_interval_seconds < 0) {
    r.Error(path.Child("minIntervalSeconds"),
            absl::StrCat(p.min_interval_seconds, " is invalid: must be >= 0"));
  }
  if (p.ready_timeout_seconds && *p.ready_timeout_seconds < 1) {
    r.Error(path.Child("readyTimeoutSeconds"),
            absl::StrCat(*p.ready_timeout_seconds, " is invalid: must be >= 1"));
  }
}

void CheckStorage(Reporter& r, const FieldPath& path, const std::vector<Storage>& storage) {
  static const std::set<std::string> kAccessModes = {"ReadWriteOnce", "ReadOnlyMany",
                                                     "ReadWriteMany", "ReadWriteOncePod"};
  NamedPaths names, mounts;
  for (size_t j = 0; j < storage.size(); ++j) {
    const Storage& s = storage[j];
    FieldPath at = path.Index(static_cast<int>(j));
    CheckName(r, at.Child("name"), s.name, IsDns1123Label, kDns1123Rule);
    if (absl::StartsWith(s.name, "strata-config")) {
      r.Error(at.Child("name"), absl::StrCat("the name ", Quote(s.name),
                                             " is reserved: strata-config* volumes hold config files"));
    }
    names.emplace_back(at.Child("name"), s.name);
    if (s.mount_path.empty()) {
      r.Error(at.Child("mountPath"), "required field is missing");
    } else if (s.mount_path.front() != '/') {
      r.Error(at.Child("mountPath"),
              absl::StrCat("invalid path ", Quote(s.mount_path), ": must be absolute"));
    }
    mounts.emplace_back(at.Child("mountPath"), s.mount_path);
    if (s.size <= Quantity()) {
      r.Error(at.Child("size"), absl::StrCat("size ", s.size.ToString(), " must be greater than 0"));
    } else if (s.size < s.min_size) {
      r.Error(at.Child("size"), absl::StrCat(s.size.ToString(), " is below minSize ",
                                             s.min_size.ToString()));
    }
    if (s.access_modes.empty()) r.Error(at.Child("accessModes"), "at least one access mode is required");
    for (size_t k = 0; k < s.access_modes.size(); ++k) {
      if (!kAccessModes.count(s.access_modes[k])) {
        r.Error(at.Child("accessModes").Index(static_cast<int>(k)),
                absl::StrCat("invalid access mode ", Quote(s.access_modes[k]),
                             ": must be one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, "
                             "ReadWriteOncePod"));
      }
    }
    CheckName(r, at.Child("storageClassName"), s.storage_class_name, IsDns1123Subdomain,
              kSubdomainRule, /*required=*/false);
  }
  CheckUnique(r, names, "storage name");
  CheckUnique(r, mounts, "mountPath");
}

// An onChange: none file that cannot have its directory to itself is mounted
// like a restart file: it changes in running members only when they restart
// for another reason. Legal, but probably not what the App meant.
void CheckLiveConfigDirectories(Reporter& r, const FieldPath& path, const Role& role) {
  for (size_t j = 0; j < role.config.size(); ++j) {
    const ConfigFile& file = role.config[j];
    if (file.on_change != OnChange::kNone || file.path.empty() || file.path.front() != '/') continue;
    std::string why = WhyNotLive(role, j);
    if (why.empty()) continue;
    r.Warning(path.Child("config").Index(static_cast<int>(j)).Child("path"),
              absl::StrCat("onChange: none, but running members will not see changes to ",
                           file.path, " until they restart: ", why,
                           ". A file is updated in place only from a directory of its own "
                           "(it is mounted with the whole directory)"));
  }
}

void CheckConfig(Reporter& r, const FieldPath& path, const std::vector<ConfigFile>& config) {
  NamedPaths paths;
  for (size_t j = 0; j < config.size(); ++j) {
    const ConfigFile& c = config[j];
    FieldPath at = path.Index(static_cast<int>(j));
    if (c.path.empty()) {
      r.Error(at.Child("path"), "required field is missing");
    } else if (c.path.front() != '/' || c.path.back() == '/') {
      r.Error(at.Child("path"), absl::StrCat("invalid path ", Quote(c.path),
                                             ": must be an absolute file path"));
    }
    paths.emplace_back(at.Child("path"), c.path);
    if (c.format == ConfigFormat::kText) {
      if (!c.data.empty()) {
        r.Error(at.Child("data"), "a text file takes template, not data");
      }
    } else {
      if (!c.template_text.empty()) {
        r.Error(at.Child("template"), "only a text file takes template; structured formats take data");
      }
      for (const auto& [key, value] : c.data) {
        if (key.empty()) r.Error(at.Child("data"), "keys must not be empty");
      }
    }
  }
  CheckUnique(r, paths, "config path");
}

void CheckSecurity(Reporter& r, const FieldPath& path, const Security& s) {
  if (s.run_as_user < 1) {
    r.Error(path.Child("runAsUser"), absl::StrCat(s.run_as_user, " is invalid: must be >= 1 (non-root)"));
  }
  if (s.run_as_group && *s.run_as_group < 0) {
    r.Error(path.Child("runAsGroup"), absl::StrCat(*s.run_as_group, " is invalid: must be >= 0"));
  }
  if (s.fs_group && *s.fs_group < 0) {
    r.Error(path.Child("fsGroup"), absl::StrCat(*s.fs_group, " is invalid: must be >= 0"));
  }
  NamedPaths caps;
  for (size_t k = 0; k < s.capabilities.size(); ++k) {
    const std::string& cap = s.capabilities[k];
    FieldPath at = path.Child("capabilities").Index(static_cast<int>(k));
    caps.emplace_back(at, cap);
    if (!IsCapabilityName(cap) || absl::StartsWith(cap, "CAP_")) {
      r.Error(at, absl::StrCat("invalid capability ", Quote(cap),
                               ": must be a capability name without CAP_, such as IPC_LOCK"));
    } else if (cap != "NET_BIND_SERVICE") {
      r.Warning(at, absl::StrCat("capability ", cap,
                                 " is outside the restricted Pod Security Standard (which "
                                 "allows only NET_BIND_SERVICE)"));
    }
  }
  CheckUnique(r, caps, "capability");
}

void CheckImage(Reporter& r, const FieldPath& path, const std::string& image) {
  if (image.empty()) {
    r.Error(path, "required field is missing");
  } else if (image.find_first_of(" \t\n") != std::string::npos) {
    r.Error(path, absl::StrCat("invalid image ", Quote(image), ": must not contain whitespace"));
  }
}

// Checks `ports` (at `path`) and adds their names and number/protocols to
// `names` and `numbers`, for the caller's uniqueness check over the pod.
void CheckPorts(Reporter& r, const FieldPath& path, const std::vector<Port>& ports,
                NamedPaths& port_names,
                NamedPaths& port_numbers) {
  for (size_t j = 0; j < ports.size(); ++j) {
    const Port& p = ports[j];
    FieldPath at = path.Index(static_cast<int>(j));
    CheckName(r, at.Child("name"), p.name, IsIanaServiceName, kIanaRule);
    port_names.emplace_back(at.Child("name"), p.name);
    if (p.port < 1 || p.port > 65535) {
      r.Error(at.Child("port"), p.port == 0 ? std::string("required field is missing (a port number 1..65535)")
                                            : absl::StrCat("invalid port ", p.port,
                                                           ": must be 1..65535"));
    } else {
      port_numbers.emplace_back(at.Child("port"), absl::StrCat(p.port, "/", p.protocol));
    }
    if (p.protocol != "TCP" && p.protocol != "UDP" && p.protocol != "SCTP") {
      r.Error(at.Child("protocol"), absl::StrCat("invalid protocol ", Quote(p.protocol),
                                                 ": must be one of TCP, UDP, SCTP"));
    }
  }
}

namespace {

// The volumeMounts and config mounts of container `c` (at `path`): each names
// storage or a config file of `role`, and no two share a mount path.
void CheckContainerMounts(Reporter& r, const FieldPath& path, const Container& c,
                          const Role& role) {
  NamedPaths mounts;
  for (size_t k = 0; k < c.volume_mounts.size(); ++k) {
    const VolumeMount& m = c.volume_mounts[k];
    FieldPath at = path.Child("volumeMounts").Index(static_cast<int>(k));
    if (m.name.empty()) {
      r.Error(at.Child("name"), "required field is missing");
    } else if (std::none_of(role.storage.begin(), role.storage.end(),
                            [&](const Storage& st) { return st.name == m.name; })) {
      std::vector<std::string> names;
      for (const Storage& st : role.storage) names.push_back(st.name);
      r.Error(at.Child("name"),
              absl::StrCat("unknown storage ", Quote(m.name), " (role ", Quote(role.name),
                           names.empty() ? " has no storage)"
                                         : absl::StrCat(" has storage: ", absl::StrJoin(names, ", "), ")")));
    }
    if (m.mount_path.empty()) {
      r.Error(at.Child("mountPath"), "required field is missing");
    } else if (m.mount_path.front() != '/') {
      r.Error(at.Child("mountPath"),
              absl::StrCat("invalid path ", Quote(m.mount_path), ": must be absolute"));
    }
    mounts.emplace_back(at.Child("mountPath"), m.mount_path);
  }
  for (size_t k = 0; k < c.config.size(); ++k) {
    FieldPath at = path.Child("config").Index(static_cast<int>(k));
    const std::string& file = c.config[k];
    if (std::none_of(role.config.begin(), role.config.end(),
                     [&](const ConfigFile& f) { return f.path == file; })) {
      r.Error(at, absl::StrCat("unknown config file ", Quote(file), " (not a config path of role ",
                               Quote(role.name), ")"));
    }
    mounts.emplace_back(at, file);
  }
  CheckUnique(r, mounts, "mount path");
}

// One sidecar (`init` false) or init container at `path` in the pods of
// `role`: its fields, and its mounts of the role's storage and config files.
void CheckContainer(Reporter& r, const FieldPath& path, const Container& c, const Role& role,
                    bool init, NamedPaths& port_names,
                    NamedPaths& port_numbers) {
  CheckName(r, path.Child("name"), c.name, IsDns1123Label, kDns1123Rule);
  if (!c.name.empty() && c.name == role.name) {
    r.Error(path.Child("name"), absl::StrCat("invalid name ", Quote(c.name),
                                             ": the role's own container has this name"));
  }
  CheckImage(r, path.Child("image"), c.image);
  CheckPorts(r, path.Child("ports"), c.ports, port_names, port_numbers);
  CheckEnv(r, path.Child("env"), c.env);
  CheckResources(r, path.Child("resources"), c.resources);
  FieldPath probes = path.Child("probes");
  if (init && (c.probes.readiness || c.probes.liveness || c.probes.startup)) {
    r.Error(probes, "not allowed here: init containers run to completion and take no probes");
  } else {
    // A probe's named port is one of this container's.
    Role view;
    view.name = c.name;
    view.ports = c.ports;
    if (c.probes.readiness) CheckProbe(r, probes.Child("readiness"), *c.probes.readiness, view, false);
    if (c.probes.liveness) CheckProbe(r, probes.Child("liveness"), *c.probes.liveness, view, true);
    if (c.probes.startup) CheckProbe(r, probes.Child("startup"), *c.probes.startup, view, true);
  }
  CheckContainerMounts(r, path, c, role);
}

}  // namespace

// The sidecars and init containers of `role` (at `path`), adding their names
// and ports to the pod-wide lists.
void CheckContainers(Reporter& r, const FieldPath& path, const Role& role,
                     NamedPaths& container_names,
                     NamedPaths& port_names,
                     NamedPaths& port_numbers) {
  for (const auto& [field, list, init] :
       {std::tuple{"containers", &role.containers, false},
        std::tuple{"initContainers", &role.init_containers, true}}) {
    for (size_t j = 0; j < list->size(); ++j) {
      FieldPath at = path.Child(field).Index(static_cast<int>(j));
      CheckContainer(r, at, (*list)[j], role, init, port_names, port_numbers);
      container_names.emplace_back(at.Child("name"), (*list)[j].name);
    }
  }
}

// metrics: a port of the pod (the role's or a sidecar's) and a path; its
// annotations are strata's to write.
void CheckMetrics(Reporter& r, const FieldPath& path, const Role& role) {
  if (!role.metrics) return;
  FieldPath at = path.Child("metrics");
  Role pod = role;  // Every port of the pod, for the lookup by name.
  for (const Container& c : role.containers) {
    pod.ports.insert(pod.ports.end(), c.ports.begin(), c.ports.end());
  }
  CheckPortRef(r, at.Child("port"), role.metrics->port, pod);
  if (role.metrics->path.empty() || role.metrics->path.front() != '/') {
    r.Error(at.Child("path"),
            absl::StrCat("invalid path ", Quote(role.metrics->path), ": must start with '/'"));
  }
  for (const char* key : {kube::kPrometheusScrapeAnnotation, kube::kPrometheusPortAnnotation,
                          kube::kPrometheusPathAnnotation}) {
    if (role.pod.annotations.count(key)) {
      r.Error(path.Child("podAnnotations").Key(key),
              absl::StrCat("annotation ", Quote(key), " is set by metrics: remove one of them"));
    }
  }
}

}  // namespace strata::validate_internal
