// Hand-built CompiledClusters for planner tests: the objects and per-role
// facts Compile() produces (SPEC §2), in a small, readable form, so planner
// rules can be tested one at a time without going through the loader.

#ifndef STRATA_TESTS_PLAN_FIXTURES_H_
#define STRATA_TESTS_PLAN_FIXTURES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"
#include "strata/plan.h"

namespace strata::plan_testing {

inline constexpr char kNamespace[] = "data";
inline constexpr char kCluster[] = "events";

inline absl::Time Now() { return absl::FromUnixSeconds(1767225600); }  // 2026-01-01

inline std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

struct RoleSpec {
  std::string name = "db";
  int32_t members = 3;
  std::string image = "db:1";
  std::string config;  // Empty: no ConfigMap.
  bool quorum = false;
  RolloutStrategy strategy = RolloutStrategy::kSerial;
  IntOrPercent max_unavailable;
  RolloutOrder order = RolloutOrder::kOrdinalDescending;
  std::string leader_label;
  int32_t min_ready_seconds = 0;
  bool gate = false;
  bool zone_parallel = false;
  std::vector<std::string> depends_on;
  bool member_leave = false;
  bool member_join = false;
  std::string storage_size;  // Empty: no storage.
  std::string storage_class;
  AfterLeave after_leave = AfterLeave::kKeep;
  VolumePolicy on_scale_down = VolumePolicy::kRetain;
  std::string service_name;  // Empty: "<cluster>-<role>".
  std::vector<std::string> client_services;  // Extra client Services.
  std::string restart_token;  // Cluster role restartToken (SPEC-2 §9).
  std::vector<MemberReplace> replace;  // Cluster role replace (SPEC-2 §9).
  int32_t min_interval_seconds = 0;    // rollout.minIntervalSeconds (SPEC-2 §9).
};

// A TEST_P suite over the strategies whose quorum floor holds: instantiate
// with ::testing::Values(RolloutStrategy::kSerial,
// RolloutStrategy::kBestEffortParallel) and StrategyName; Role() sets the
// strategy of a RoleSpec.
class StrategyTest : public ::testing::TestWithParam<RolloutStrategy> {
 protected:
  RoleSpec Role(RoleSpec r) const {
    r.strategy = GetParam();
    return r;
  }
};

inline std::string StrategyName(const ::testing::TestParamInfo<RolloutStrategy>& info) {
  return info.param == RolloutStrategy::kSerial ? "serial" : "bestEffortParallel";
}

inline uint64_t Fnv(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

inline Json Labels(const std::string& role) {
  return {{"app.kubernetes.io/name", "app"},
          {"app.kubernetes.io/instance", kCluster},
          {"app.kubernetes.io/component", role},
          {"app.kubernetes.io/version", "1.0"},
          {"app.kubernetes.io/managed-by", "strata"},
          {"app.kubernetes.io/part-of", "app"}};
}

inline Json Selector(const std::string& role) {
  return {{"app.kubernetes.io/instance", kCluster}, {"app.kubernetes.io/component", role}};
}

// Builds the compiled form of one role and appends it to `out`.
inline void AddRole(CompiledCluster& out, const RoleSpec& r) {
  CompiledRole cr;
  cr.name = r.name;
  cr.members = r.members;
  cr.stateful_set = absl::StrCat(kCluster, "-", r.name);
  cr.depends_on = r.depends_on;
  cr.role.name = r.name;
  cr.role.image = r.image;
  cr.role.quorum = r.quorum ? Quorum::kMajority : Quorum::kNone;
  cr.role.depends_on = r.depends_on;
  cr.role.rollout.strategy = r.strategy;
  cr.role.rollout.max_unavailable = r.max_unavailable;
  cr.role.rollout.order = r.order;
  cr.role.rollout.leader_label = r.leader_label;
  cr.role.rollout.min_ready_seconds = r.min_ready_seconds;
  cr.role.rollout.min_interval_seconds = r.min_interval_seconds;
  cr.role.rollout.zone_parallel = r.zone_parallel;
  if (r.gate) {
    Gate g;
    g.handler.kind = Handler::Kind::kExec;
    g.handler.command = {"/bin/can-restart"};
    g.timeout_seconds = 120;
    cr.role.rollout.gate = g;
  }
  if (r.member_leave) {
    Handler h{.kind = Handler::Kind::kExec, .command = {"leave.sh"}};
    cr.role.lifecycle.member_leave = h;
  }
  if (r.member_join) {
    Handler h{.kind = Handler::Kind::kExec, .command = {"join.sh"}};
    cr.role.lifecycle.member_join = h;
  }
  if (!r.storage_size.empty()) {
    Storage s;
    s.name = "data";
    s.mount_path = "/data";
    s.size = *Quantity::Parse(r.storage_size);
    s.storage_class_name = r.storage_class;
    s.after_leave = r.after_leave;
    s.on_scale_down = r.on_scale_down;
    cr.storage.push_back(s);
    cr.role.storage.push_back(s);
  }
  cr.config_hash = r.config.empty() ? "" : absl::StrFormat("%016x", Fnv(r.config));
  cr.spec_hash = absl::StrFormat(
      "v1-%016x", Fnv(absl::StrCat(r.image, "|", cr.config_hash,
                                   r.restart_token.empty() ? "" : "|", r.restart_token)));
  cr.restart_token = r.restart_token;
  cr.replace = r.replace;
  if (!r.config.empty()) {
    cr.config_map = absl::StrCat(cr.stateful_set, "-config-", cr.config_hash.substr(0, 10));
  }
  cr.max_unavailable = cr.role.RolloutBudget(r.members);

  auto meta = [&](const std::string& name) {
    return Json{{"name", name}, {"namespace", kNamespace}, {"labels", Labels(r.name)}};
  };
  if (!r.config.empty()) {
    out.objects.push_back(
        {"ConfigMap", cr.config_map, r.name,
         Json{{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", meta(cr.config_map)},
              {"data", {{"app.conf", r.config}}}}});
  }
  Json ports = Json::array({{{"name", "client"}, {"port", 9000}}});
  out.objects.push_back(
      {"Service", cr.stateful_set, r.name,
       Json{{"apiVersion", "v1"},
            {"kind", "Service"},
            {"metadata", meta(cr.stateful_set)},
            {"spec",
             {{"clusterIP", "None"},
              {"publishNotReadyAddresses", true},
              {"selector", Selector(r.name)},
              {"ports", ports}}}}});
  for (const std::string& svc : r.client_services) {
    std::string name = absl::StrCat(cr.stateful_set, "-", svc);
    out.objects.push_back({"Service", name, r.name,
                           Json{{"apiVersion", "v1"},
                                {"kind", "Service"},
                                {"metadata", meta(name)},
                                {"spec",
                                 {{"type", "ClusterIP"},
                                  {"selector", Selector(r.name)},
                                  {"ports", ports}}}}});
  }
  Json annotations = {{kube::kSpecHashAnnotation, cr.spec_hash}};
  if (!cr.config_hash.empty()) {
    annotations[kube::kConfigHashAnnotation] = cr.config_hash;
  }
  if (!r.restart_token.empty()) {
    annotations[kube::kRestartTokenAnnotation] = r.restart_token;
  }
  Json pod_spec = {{"containers",
                    Json::array({{{"name", r.name},
                                  {"image", r.image},
                                  {"ports", Json::array({{{"name", "client"},
                                                          {"containerPort", 9000}}})}}})}};
  if (!r.config.empty()) {
    pod_spec["containers"][0]["volumeMounts"] =
        Json::array({{{"name", "config"}, {"mountPath", "/conf"}}});
    pod_spec["volumes"] =
        Json::array({{{"name", "config"}, {"configMap", {{"name", cr.config_map}}}}});
  }
  Json sts = {
      {"apiVersion", "apps/v1"},
      {"kind", "StatefulSet"},
      {"metadata",
       {{"name", cr.stateful_set},
        {"namespace", kNamespace},
        {"labels", Labels(r.name)},
        {"annotations", {{kube::kSpecHashAnnotation, cr.spec_hash}}}}},
      {"spec",
       {{"replicas", r.members},
        {"serviceName", r.service_name.empty() ? cr.stateful_set : r.service_name},
        {"selector", {{"matchLabels", Selector(r.name)}}},
        {"podManagementPolicy", "Parallel"},
        {"updateStrategy", {{"type", "OnDelete"}}},
        {"persistentVolumeClaimRetentionPolicy",
         {{"whenDeleted", "Retain"},
          {"whenScaled", r.on_scale_down == VolumePolicy::kDelete ? "Delete" : "Retain"}}},
        {"template",
         {{"metadata", {{"labels", Labels(r.name)}, {"annotations", annotations}}},
          {"spec", pod_spec}}}}}};
  if (!r.storage_size.empty()) {
    sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"].push_back(
        {{"name", "data"}, {"mountPath", "/data"}});
    Json vct = {{"metadata", {{"name", "data"}, {"labels", Selector(r.name)}}},
                {"spec",
                 {{"accessModes", Json::array({"ReadWriteOnce"})},
                  {"resources", {{"requests", {{"storage", r.storage_size}}}}}}}};
    if (!r.storage_class.empty()) vct["spec"]["storageClassName"] = r.storage_class;
    sts["spec"]["volumeClaimTemplates"] = Json::array({vct});
  }
  out.objects.push_back({"StatefulSet", cr.stateful_set, r.name, sts});
  if (r.members >= 2) {
    Json pdb_spec = {{"selector", {{"matchLabels", Selector(r.name)}}}};
    if (r.quorum) {
      pdb_spec["minAvailable"] = r.members / 2 + 1;
    } else {
      pdb_spec["maxUnavailable"] = cr.role.rollout.ResolveMaxUnavailable(r.members);
    }
    out.objects.push_back({"PodDisruptionBudget", cr.stateful_set, r.name,
                           Json{{"apiVersion", "policy/v1"},
                                {"kind", "PodDisruptionBudget"},
                                {"metadata", meta(cr.stateful_set)},
                                {"spec", pdb_spec}}});
  }
  out.roles.push_back(std::move(cr));
}

inline CompiledCluster MakeCluster(const std::vector<RoleSpec>& roles) {
  CompiledCluster c;
  c.cluster = kCluster;
  c.namespace_ = kNamespace;
  c.app = "app";
  for (const RoleSpec& r : roles) AddRole(c, r);
  return c;
}

// The cluster with `compiled` fully rolled out and settled at Now().
inline ObservedState Converged(const CompiledCluster& compiled) {
  return ConvergedState(compiled, Now());
}

inline Json* FindPod(ObservedState& s, const std::string& name) {
  for (Json& p : s.pods) {
    if (kube::NameOf(p) == name) return &p;
  }
  return nullptr;
}

inline Json* FindPvc(ObservedState& s, const std::string& name) {
  for (Json& p : s.persistent_volume_claims) {
    if (kube::NameOf(p) == name) return &p;
  }
  return nullptr;
}

// Marks a pod not Ready (Running, Ready=False since `since`).
inline void MakeUnready(Json& pod, absl::Time since = Now()) {
  for (Json& c : pod["status"]["conditions"]) {
    if (c["type"] == "Ready" || c["type"] == "ContainersReady") {
      c["status"] = "False";
      c["lastTransitionTime"] = Rfc3339(since);
    }
  }
  pod["status"]["startTime"] = Rfc3339(since);
}

// Makes a pod wait in `reason` (e.g. "ImagePullBackOff"), not Ready.
inline void MakeStuck(Json& pod, const std::string& reason) {
  MakeUnready(pod);
  for (Json& cs : pod["status"]["containerStatuses"]) {
    cs["ready"] = false;
    cs["state"] = {{"waiting", {{"reason", reason}}}};
  }
}

// Gives a pod the spec-hash `hash` (so it looks outdated or current).
inline void SetHash(Json& pod, const std::string& hash) {
  pod["metadata"]["annotations"][kube::kSpecHashAnnotation] = hash;
}

// The wait condition's text, or "" for a step without one.
inline std::string CondText(const Step& s) {
  return s.condition.has_value() ? s.condition->ToString() : "";
}

// The steps' one-line summaries, "action Kind/name" or "wait <condition>".
inline std::vector<std::string> Summary(const Plan& plan) {
  std::vector<std::string> out;
  for (const Step& s : plan.steps) {
    std::string line;
    switch (s.action) {
      case Action::kWait: line = "wait " + CondText(s); break;
      case Action::kExec: line = absl::StrCat("exec ", HookName(s.hook), " ", s.pod); break;
      case Action::kApply:
        line = absl::StrCat("apply ", s.target.kind, "/", s.target.name);
        if (s.target.kind == "StatefulSet") {
          line += absl::StrCat(" replicas=", s.object["spec"]["replicas"].dump());
        }
        break;
      case Action::kDelete:
        line = absl::StrCat("delete ", s.target.kind, "/", s.target.name,
                            s.orphan ? " orphan" : "");
        break;
      case Action::kResizePvc:
        line = absl::StrCat("resizePvc ", s.target.name, " ", s.size);
        break;
      case Action::kRestart: line = absl::StrCat("restart ", s.target.name); break;
    }
    out.push_back(line);
  }
  return out;
}

// Makes StatefulSet `sts` of `s` look written by hand (SPEC-2 §10): no
// app.kubernetes.io/* labels on it, its pods and its claims, its own
// selector and pod labels {app: <app_label>}, OrderedReady, and pods without
// strata's spec-hash (so each is outdated).
inline void HandWritten(ObservedState& s, const std::string& sts,
                        const std::string& app_label) {
  auto strip = [&](Json& o) {
    Json labels = Json::object();
    if (o["metadata"].contains("labels")) {
      for (auto it = o["metadata"]["labels"].begin(); it != o["metadata"]["labels"].end(); ++it) {
        if (it.key().rfind("app.kubernetes.io/", 0) != 0) labels[it.key()] = it.value();
      }
    }
    o["metadata"]["labels"] = labels;
  };
  for (Json& o : s.stateful_sets) {
    if (kube::NameOf(o) != sts) continue;
    strip(o);
    o["metadata"]["labels"]["app"] = app_label;
    o["spec"]["selector"] = {{"matchLabels", {{"app", app_label}}}};
    o["spec"]["template"]["metadata"]["labels"] = {{"app", app_label}};
    o["spec"]["template"]["metadata"].erase("annotations");
    o["spec"]["podManagementPolicy"] = "OrderedReady";
    if (o["spec"].contains("volumeClaimTemplates")) {
      for (Json& t : o["spec"]["volumeClaimTemplates"]) t["metadata"].erase("labels");
    }
  }
  for (Json& o : s.pods) {
    if (!kube::OrdinalOf(kube::NameOf(o), sts).has_value()) continue;
    strip(o);
    o["metadata"]["labels"]["app"] = app_label;
    if (o["metadata"].contains("annotations")) {
      o["metadata"]["annotations"].erase(kube::kSpecHashAnnotation);
    }
  }
  for (Json& o : s.persistent_volume_claims) {
    std::string name = kube::NameOf(o);
    if (name.find(absl::StrCat("-", sts, "-")) == std::string::npos) continue;
    strip(o);
    o["metadata"]["labels"]["app"] = app_label;
  }
}

}  // namespace strata::plan_testing

#endif  // STRATA_TESTS_PLAN_FIXTURES_H_
