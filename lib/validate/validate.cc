// The semantic rules of SPEC §1.3 and the name budgets of §2.4.
//
// Rules are grouped by document: CheckApp sees one App, CheckClusterAlone one
// Cluster without its App, CheckClusterWithApp the Cluster against its App
// (member counts, overrides, merged resources, generated names). Every rule
// reports through a Reporter that names the field path; Check() then locates
// each diagnostic with the document's SourceMap and sorts them.

#include "strata/maintenance.h"
#include "strata/validate.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "validate/field_path.h"
#include "validate/live_config.h"
#include "validate/names.h"
#include "validate/resolve.h"
#include "validate/template_check.h"

namespace strata {
namespace {

using namespace validate_internal;  // NOLINT: this file is their user.

constexpr int kMaxStatefulSetName = 52;
constexpr int kMaxDnsLabel = 63;
constexpr int kMaxPvcName = 253;

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

// Collects diagnostics of one document.
class Reporter {
 public:
  Reporter(std::string file, int document, const SourceMap* source,
           std::vector<Diagnostic>* out)
      : file_(std::move(file)), document_(document), source_(source), out_(out) {}

  void Error(const FieldPath& path, std::string message) {
    Add(Diagnostic::Severity::kError, path, std::move(message));
  }
  void Warning(const FieldPath& path, std::string message) {
    Add(Diagnostic::Severity::kWarning, path, std::move(message));
  }

 private:
  void Add(Diagnostic::Severity severity, const FieldPath& path, std::string message) {
    Diagnostic d{.severity = severity,
                 .file = file_,
                 .document = document_,
                 .path = path.ToString(),
                 .message = std::move(message)};
    if (source_ != nullptr) {
      Location at = Locate(*source_, d.path);
      d.line = at.line;
      d.column = at.column;
    }
    out_->push_back(std::move(d));
  }

  std::string file_;
  int document_;
  const SourceMap* source_;
  std::vector<Diagnostic>* out_;
};

// Reports a missing or malformed name.
void CheckName(Reporter& r, const FieldPath& path, const std::string& value,
               bool (*valid)(absl::string_view), const char* rule, bool required = true) {
  if (value.empty()) {
    if (required) r.Error(path, "required field is missing");
    return;
  }
  if (!valid(value)) r.Error(path, absl::StrCat("invalid name ", Quote(value), ": ", rule));
}

// Reports the second and later occurrences of a name among `names`.
void CheckUnique(Reporter& r, const std::vector<std::pair<FieldPath, std::string>>& names,
                 absl::string_view what) {
  std::set<std::string> seen;
  for (const auto& [path, name] : names) {
    if (name.empty()) continue;
    if (!seen.insert(name).second) {
      r.Error(path, absl::StrCat("duplicate ", what, " ", Quote(name)));
    }
  }
}

void CheckLabels(Reporter& r, const FieldPath& path,
                 const std::map<std::string, std::string>& labels, bool reserve_strata_keys) {
  static const std::set<std::string> kReserved = {
      "app.kubernetes.io/name",       "app.kubernetes.io/instance",
      "app.kubernetes.io/component",  "app.kubernetes.io/version",
      "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of"};
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
    } else if (absl::StartsWith(key, "strata.dev/")) {
      r.Error(at, absl::StrCat("annotation ", Quote(key),
                               " is in strata.dev/, which strata sets: choose another prefix"));
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
  std::vector<std::pair<FieldPath, std::string>> secrets;
  for (size_t k = 0; k < pod.image_pull_secrets.size(); ++k) {
    FieldPath at = path.Child("imagePullSecrets").Index(static_cast<int>(k));
    CheckName(r, at, pod.image_pull_secrets[k], IsDns1123Subdomain, kSubdomainRule);
    secrets.emplace_back(at, pod.image_pull_secrets[k]);
  }
  CheckUnique(r, secrets, "image pull secret");
  CheckLabels(r, path.Child("podLabels"), pod.labels, /*reserve_strata_keys=*/true);
  for (const auto& [key, value] : pod.labels) {
    if (absl::StartsWith(key, "strata.dev/")) {
      r.Error(path.Child("podLabels").Key(key),
              absl::StrCat("label ", Quote(key), " is in strata.dev/, which strata sets"));
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
    const std::function<void(const FieldPath&, const std::string&)>& visit) {
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
                     const std::function<void(const FieldPath&, const std::string&)>& visit) {
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
  std::vector<std::pair<FieldPath, std::string>> names;
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

std::string MaxUnavailableText(const IntOrPercent& v) {
  return absl::StrCat(v.value, v.percent ? "%" : "");
}

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
  std::vector<std::pair<FieldPath, std::string>> names, mounts;
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
  std::vector<std::pair<FieldPath, std::string>> paths;
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
  std::vector<std::pair<FieldPath, std::string>> caps;
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
                std::vector<std::pair<FieldPath, std::string>>& port_names,
                std::vector<std::pair<FieldPath, std::string>>& port_numbers) {
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

// One sidecar (`init` false) or init container at `path` in the pods of
// `role`: its fields, and its mounts of the role's storage and config files.
void CheckContainer(Reporter& r, const FieldPath& path, const Container& c, const Role& role,
                    bool init, std::vector<std::pair<FieldPath, std::string>>& port_names,
                    std::vector<std::pair<FieldPath, std::string>>& port_numbers) {
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
  std::vector<std::pair<FieldPath, std::string>> mounts;
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

// The sidecars and init containers of `role` (at `path`), adding their names
// and ports to the pod-wide lists.
void CheckContainers(Reporter& r, const FieldPath& path, const Role& role,
                     std::vector<std::pair<FieldPath, std::string>>& container_names,
                     std::vector<std::pair<FieldPath, std::string>>& port_names,
                     std::vector<std::pair<FieldPath, std::string>>& port_numbers) {
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
  for (const char* key : {"prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path"}) {
    if (role.pod.annotations.count(key)) {
      r.Error(path.Child("podAnnotations").Key(key),
              absl::StrCat("annotation ", Quote(key), " is set by metrics: remove one of them"));
    }
  }
}

void CheckRole(Reporter& r, const FieldPath& path, const Role& role, const App& app,
               const TemplateScope& scope) {
  CheckName(r, path.Child("name"), role.name, IsDns1035Label, kDns1035Rule);
  CheckImage(r, path.Child("image"), role.image);
  // Ports, unique over the pod's containers.
  std::vector<std::pair<FieldPath, std::string>> port_names, port_numbers, container_names;
  CheckPorts(r, path.Child("ports"), role.ports, port_names, port_numbers);
  CheckContainers(r, path, role, container_names, port_names, port_numbers);
  CheckUnique(r, container_names, "container name");
  CheckUnique(r, port_names, "port name");
  CheckUnique(r, port_numbers, "port");
  CheckMetrics(r, path, role);
  CheckEnv(r, path.Child("env"), role.env);
  // Resources: the App's own requests within limits and above its floor.
  CheckResources(r, path.Child("resources"), role.resources);
  for (const auto& [key, floor] : role.min_resources.requests) {
    auto request = role.resources.requests.find(key);
    if (request != role.resources.requests.end() && request->second < floor) {
      r.Error(path.Child("resources").Child("requests").Key(key),
              absl::StrCat(request->second.ToString(), " is below minResources.", key, " ",
                           floor.ToString()));
    }
  }
  CheckStorage(r, path.Child("storage"), role.storage);
  FieldPath probes = path.Child("probes");
  if (role.probes.readiness) {
    CheckProbe(r, probes.Child("readiness"), *role.probes.readiness, role, false);
  }
  if (role.probes.liveness) CheckProbe(r, probes.Child("liveness"), *role.probes.liveness, role, true);
  if (role.probes.startup) CheckProbe(r, probes.Child("startup"), *role.probes.startup, role, true);
  CheckConfig(r, path.Child("config"), role.config);
  CheckLiveConfigDirectories(r, path, role);
  ForEachTemplate(role, path, [&](const FieldPath& at, const std::string& text) {
    WarnScaleRestarts(r, path, at, role, CheckTemplateText(r, at, text, scope));
  });
  // Dependencies (cycles are checked across roles by the caller).
  std::vector<std::pair<FieldPath, std::string>> deps;
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
  // Services.
  std::vector<std::pair<FieldPath, std::string>> services;
  for (size_t j = 0; j < role.services.size(); ++j) {
    const ServiceSpec& s = role.services[j];
    FieldPath at = path.Child("services").Index(static_cast<int>(j));
    CheckName(r, at.Child("name"), s.name, IsDns1123Label, kDns1123Rule);
    services.emplace_back(at.Child("name"), s.name);
    if (s.ports.empty()) r.Error(at.Child("ports"), "at least one port is required");
    std::vector<std::pair<FieldPath, std::string>> ports;
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
  CheckPod(r, path, role.pod);
  CheckRollout(r, path.Child("rollout"), role.rollout, role);
  // Lifecycle.
  FieldPath lifecycle = path.Child("lifecycle");
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

// A generated object name and what produced it.
struct GeneratedName {
  std::string name;
  std::string origin;  // "the headless Service of role \"a\"".
  FieldPath path;      // Where to report a collision.
  bool per_member = false;
};

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

void CheckApp(Reporter& r, const App& app) {
  CheckName(r, FieldPath("metadata").Child("name"), app.name, IsDns1035Label, kDns1035Rule);
  if (!IsLabelValue(app.version)) {
    r.Error(FieldPath("spec").Child("version"),
            absl::StrCat("invalid version ", Quote(app.version), ": ", kLabelValueRule));
  }
  FieldPath roles = FieldPath("spec").Child("roles");
  if (app.roles.empty()) r.Error(roles, "at least one role is required");
  TemplateScope scope = TemplateScopeFor(app);
  std::vector<std::pair<FieldPath, std::string>> names;
  for (size_t i = 0; i < app.roles.size(); ++i) {
    FieldPath at = roles.Index(static_cast<int>(i));
    CheckRole(r, at, app.roles[i], app, scope);
    names.emplace_back(at.Child("name"), app.roles[i].name);
  }
  CheckUnique(r, names, "role name");
  CheckDependencyCycles(r, app);
  CheckCollisions(r, "Service", ServiceNames(app, nullptr, nullptr, ""), false, "<cluster>-");
  // ConfigMaps are named <cluster>-<role>-config-<hash>; one role's names must
  // not start with another's prefix, or cleaning up one would touch the other.
  // For each role b, every "<a>-config-" prefix of its name names a
  // candidate a: one lookup per occurrence instead of a pass over all pairs.
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

// Cluster `maintenance` (SPEC-2 §9): days, clocks, and no empty window.
void CheckMaintenance(Reporter& r, const FieldPath& path, const Maintenance& m) {
  for (size_t i = 0; i < m.windows.size(); ++i) {
    const MaintenanceWindow& w = m.windows[i];
    FieldPath at = path.Child("windows").Index(static_cast<int>(i));
    if (w.days.empty()) r.Error(at.Child("days"), "required field is missing");
    std::vector<std::pair<FieldPath, std::string>> days;
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

void CheckClusterAlone(Reporter& r, const Cluster& c) {
  FieldPath meta("metadata");
  CheckName(r, meta.Child("name"), c.name, IsDns1035Label, kDns1035Rule);
  CheckName(r, meta.Child("namespace"), c.namespace_, IsDns1123Label, kDns1123Rule);
  CheckLabels(r, meta.Child("labels"), c.labels, /*reserve_strata_keys=*/true);
  FieldPath spec("spec");
  if (c.app.empty()) r.Error(spec.Child("app"), "required field is missing");
  CheckName(r, spec.Child("domain"), c.domain, IsDns1123Subdomain, kSubdomainRule);
  std::vector<std::pair<FieldPath, std::string>> role_names;
  for (size_t i = 0; i < c.roles.size(); ++i) {
    const RoleOverride& o = c.roles[i];
    FieldPath at = spec.Child("roles").Index(static_cast<int>(i));
    if (o.name.empty()) r.Error(at.Child("name"), "required field is missing");
    role_names.emplace_back(at.Child("name"), o.name);
    if (o.members && *o.members < 0) {
      r.Error(at.Child("members"), absl::StrCat(*o.members, " is invalid: must be >= 0"));
    }
    if (o.image.find_first_of(" \t\n") != std::string::npos) {
      r.Error(at.Child("image"), absl::StrCat("invalid image ", Quote(o.image),
                                              ": must not contain whitespace"));
    }
    std::vector<std::pair<FieldPath, std::string>> storage;
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
    CheckEnv(r, at.Child("env"), o.env);
    CheckLabels(r, at.Child("nodeSelector"), o.node_selector, /*reserve_strata_keys=*/false);
    CheckPod(r, at, o.pod);
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
    if (o.restart_token.size() > 253) {
      r.Error(at.Child("restartToken"), absl::StrCat("is ", o.restart_token.size(),
                                                     " characters; at most 253 are allowed"));
    }
    if (std::any_of(o.restart_token.begin(), o.restart_token.end(),
                    [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; })) {
      r.Error(at.Child("restartToken"), "must not contain control characters");
    }
    std::vector<std::pair<FieldPath, std::string>> replaced;
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
  CheckUnique(r, role_names, "role override");
  std::vector<std::pair<FieldPath, std::string>> connections;
  for (size_t k = 0; k < c.connections.size(); ++k) {
    FieldPath at = spec.Child("connections").Index(static_cast<int>(k));
    CheckName(r, at.Child("name"), c.connections[k].name, IsDns1123Label, kDns1123Rule);
    connections.emplace_back(at.Child("name"), c.connections[k].name);
    if (c.connections[k].endpoint.empty()) r.Error(at.Child("endpoint"), "required field is missing");
  }
  CheckUnique(r, connections, "connection");
  CheckMaintenance(r, spec.Child("maintenance"), c.maintenance);
}

void CheckLength(Reporter& r, const FieldPath& path, absl::string_view what,
                 const std::string& name, size_t max, absl::string_view why = "") {
  if (name.size() <= max) return;
  r.Error(path, absl::StrCat(what, " name ", Quote(name), " is ", name.size(),
                             " characters; at most ", max, " are allowed", why));
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
  std::vector<std::pair<FieldPath, std::string>> names, port_names, port_numbers;
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
  // What the App role contributes and the override does not replace.
  std::set<std::string> app_port_names, app_port_numbers;
  for (const Port& p : role.ports) {
    app_port_names.insert(p.name);
    app_port_numbers.insert(absl::StrCat(p.port, "/", p.protocol));
  }
  for (const std::vector<Container>* list : {&pod.containers, &pod.init_containers}) {
    for (const Container& k : *list) {
      bool overridden =
          std::any_of(o.containers.begin(), o.containers.end(),
                      [&](const Container& x) { return x.name == k.name; }) ||
          std::any_of(o.init_containers.begin(), o.init_containers.end(),
                      [&](const Container& x) { return x.name == k.name; });
      if (overridden) continue;
      for (const Port& p : k.ports) {
        app_port_names.insert(p.name);
        app_port_numbers.insert(absl::StrCat(p.port, "/", p.protocol));
      }
    }
  }
  auto unique = [&](const std::vector<std::pair<FieldPath, std::string>>& list,
                    const std::set<std::string>& app_side, absl::string_view what) {
    for (const auto& [path, value] : list) {
      if (app_side.count(value)) {
        r.Error(path, absl::StrCat("duplicate ", what, " ", Quote(value), " (the App role ",
                                   Quote(role.name), " has it)"));
      }
    }
    CheckUnique(r, list, what);
  };
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
  unique(port_names, app_port_names, "port name");
  unique(port_numbers, app_port_numbers, "port");
}

void CheckClusterWithApp(Reporter& r, const Cluster& c, const App& app) {
  FieldPath spec("spec");
  if (c.app != app.name) {
    r.Error(spec.Child("app"), absl::StrCat("names App ", Quote(c.app), " but was paired with App ",
                                            Quote(app.name)));
  }
  TemplateScope scope = TemplateScopeFor(app);
  scope.any_connection = false;
  for (const Connection& conn : c.connections) {
    if (conn.name.empty()) continue;
    scope.variables.insert(absl::StrCat("connections.", conn.name));
    scope.variables.insert(absl::StrCat("connections.", conn.name, ".endpoint"));
  }
  // Connections the App's templates use must be defined here.
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
      r.Error(spec.Child("connections"),
              absl::StrCat("connection ", Quote(name), " is used by the templates of App ",
                           Quote(app.name), " but not defined"));
    }
  }

  // Per override: the role exists; members, resources, storage, env, config.
  for (size_t i = 0; i < c.roles.size(); ++i) {
    const RoleOverride& o = c.roles[i];
    FieldPath at = spec.Child("roles").Index(static_cast<int>(i));
    const Role* role = app.FindRole(o.name);
    if (role == nullptr) {
      if (!o.name.empty()) {
        r.Error(at.Child("name"), absl::StrCat("App ", Quote(app.name), " has no role ", Quote(o.name)));
      }
      continue;
    }
    if (o.members && *o.members >= 0 && !role->cardinality.Allows(*o.members)) {
      r.Error(at.Child("members"), absl::StrCat(*o.members, " does not satisfy cardinality ",
                                                Quote(role->cardinality.ToString())));
    }
    // Resources merged per key; report what the Cluster contributed.
    FieldPath res = at.Child("resources");
    for (const auto& [key, request] : o.resources.requests) {
      auto floor = role->min_resources.requests.find(key);
      if (floor != role->min_resources.requests.end() && request < floor->second) {
        r.Error(res.Child("requests").Key(key),
                absl::StrCat(request.ToString(), " is below minResources.", key, " ",
                             floor->second.ToString(), " of role ", Quote(role->name)));
      }
    }
    std::map<std::string, std::pair<Quantity, bool>> requests, limits;  // value, from cluster
    for (const auto& [k, v] : role->resources.requests) requests[k] = {v, false};
    for (const auto& [k, v] : o.resources.requests) requests[k] = {v, true};
    for (const auto& [k, v] : role->resources.limits) limits[k] = {v, false};
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
    for (size_t j = 0; j < o.storage.size(); ++j) {
      const StorageOverride& s = o.storage[j];
      FieldPath sp = at.Child("storage").Index(static_cast<int>(j));
      auto it = std::find_if(role->storage.begin(), role->storage.end(),
                             [&](const Storage& st) { return st.name == s.name; });
      if (it == role->storage.end()) {
        if (!s.name.empty()) {
          r.Error(sp.Child("name"), absl::StrCat("role ", Quote(role->name), " has no storage ",
                                                 Quote(s.name)));
        }
        continue;
      }
      if (s.size && *s.size > Quantity() && *s.size < it->min_size) {
        r.Error(sp.Child("size"), absl::StrCat(s.size->ToString(), " is below minSize ",
                                               it->min_size.ToString()));
      }
    }
    const int32_t count = o.members ? std::max(0, *o.members) : role->cardinality.min;
    for (size_t k = 0; k < o.replace.size(); ++k) {
      const std::string& member = o.replace[k].member;
      if (member.empty()) continue;
      std::string prefix = absl::StrCat(c.name, "-", role->name, "-");
      std::string digits = absl::StartsWith(member, prefix) ? member.substr(prefix.size()) : "";
      int32_t ordinal = -1;
      if (!digits.empty() && digits.size() <= 5 &&
          std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
          (digits == "0" || digits[0] != '0')) {
        ordinal = std::stoi(digits);
      }
      if (ordinal < 0 || ordinal >= count) {
        r.Error(at.Child("replace").Index(static_cast<int>(k)).Child("member"),
                absl::StrCat(Quote(member), " is not a member of role ", Quote(role->name),
                             ": members are ", prefix, "0..", prefix, std::max(0, count - 1),
                             count == 0 ? " (the role has no members)" : ""));
      }
    }
    for (size_t k = 0; k < o.env.size(); ++k) {
      FieldPath value = at.Child("env").Index(static_cast<int>(k)).Child("value");
      CheckTemplateText(r, value, o.env[k].value, scope);
    }
    CheckOverrideContainers(r, at, o, *role, scope);
    for (const auto& [path, data] : o.config) {
      FieldPath cp = at.Child("config").Key(path);
      // Named copy: clang 14 (the sanitizer tree) cannot capture a binding.
      const std::string& wanted = path;
      auto file = std::find_if(role->config.begin(), role->config.end(),
                               [&](const ConfigFile& f) { return f.path == wanted; });
      if (file == role->config.end()) {
        r.Error(cp, absl::StrCat("role ", Quote(role->name), " has no config file ", Quote(path)));
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

  // Per App role: member counts, warnings, name budgets, generated names.
  std::vector<int32_t> members(app.roles.size(), 0);
  // Where member-count-driven problems are reported: the override's members,
  // else the Cluster's name (the other part of every generated name).
  std::vector<FieldPath> budget_paths(app.roles.size(), FieldPath("metadata").Child("name"));
  for (size_t i = 0; i < app.roles.size(); ++i) {
    const Role& role = app.roles[i];
    auto o = std::find_if(c.roles.begin(), c.roles.end(),
                          [&](const RoleOverride& x) { return x.name == role.name; });
    int index = o == c.roles.end() ? -1 : static_cast<int>(o - c.roles.begin());
    members[i] = index >= 0 && o->members ? std::max(0, *o->members) : role.cardinality.min;
    int32_t n = members[i];
    FieldPath role_path = index >= 0 ? spec.Child("roles").Index(index) : spec.Child("roles");
    FieldPath members_path = index >= 0 && o->members ? role_path.Child("members") : role_path;
    if (index >= 0 && o->members) budget_paths[i] = members_path;
    std::string which = index >= 0 && o->members
                            ? std::string()
                            : absl::StrCat("role ", Quote(role.name), " gets ", n,
                                           n == 1 ? " member" : " members", " by default; ");
    if (role.quorum == Quorum::kMajority && n >= 2 && n % 2 == 0) {
      r.Warning(members_path,
                absl::StrCat(which, n, " members under quorum majority tolerate no more failures ",
                             "than ", n - 1));
    }
    if (n == 1) {
      r.Warning(members_path,
                absl::StrCat(which, "a role of one member gets no PodDisruptionBudget"));
    }
    if (role.name.empty() || c.name.empty() || n == 0) continue;
    FieldPath name_path = FieldPath("metadata").Child("name");
    std::string base = absl::StrCat(c.name, "-", role.name);
    CheckLength(r, name_path, "StatefulSet", base, kMaxStatefulSetName,
                " (the controller-revision-hash label must fit in 63)");
    CheckLength(r, budget_paths[i], "pod",
                absl::StrCat(base, "-", n - 1), kMaxDnsLabel);
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
      CheckLength(r, name_path, "PersistentVolumeClaim",
                  absl::StrCat(s.name, "-", base, "-", n - 1), kMaxPvcName);
    }
  }
  CheckCollisions(r, "Service",
                  ServiceNames(app, &members, &budget_paths, absl::StrCat(c.name, "-")),
                  /*only_per_member=*/true, "");
}

}  // namespace

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
