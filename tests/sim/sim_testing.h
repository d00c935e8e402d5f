// Helpers for the simulator's tests: hand-written compiled clusters (so the
// simulator is tested without Compile) and small planners that are right or
// deliberately wrong (so the invariant checks are tested without PlanRollout).

#ifndef STRATA_TESTS_SIM_SIM_TESTING_H_
#define STRATA_TESTS_SIM_SIM_TESTING_H_

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"
#include "strata/plan.h"

namespace strata::sim_testing {

// A StatefulSet as strata compiles it (Parallel, OnDelete, one claim "data"),
// for role `role` of cluster "events" in namespace "data".
inline Json StatefulSetJson(const std::string& role, int replicas, const std::string& hash,
                            const std::string& when_scaled = "Retain",
                            const std::string& when_deleted = "Retain") {
  std::string name = "events-" + role;
  Json labels = {{"app.kubernetes.io/instance", "events"},
                 {"app.kubernetes.io/component", role}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "StatefulSet"},
          {"metadata",
           {{"name", name},
            {"namespace", "data"},
            {"labels", labels},
            {"annotations", {{"strata.dev/spec-hash", hash}}}}},
          {"spec",
           {{"serviceName", name},
            {"replicas", replicas},
            {"selector", {{"matchLabels", labels}}},
            {"podManagementPolicy", "Parallel"},
            {"updateStrategy", {{"type", "OnDelete"}}},
            {"persistentVolumeClaimRetentionPolicy",
             {{"whenDeleted", when_deleted}, {"whenScaled", when_scaled}}},
            {"template",
             {{"metadata",
               {{"labels", labels}, {"annotations", {{"strata.dev/spec-hash", hash}}}}},
              {"spec",
               {{"containers",
                 Json::array({{{"name", role}, {"image", "img:" + hash}}})}}}}},
            {"volumeClaimTemplates",
             Json::array({{{"metadata", {{"name", "data"}, {"labels", labels}}},
                           {"spec",
                            {{"accessModes", {"ReadWriteOnce"}},
                             {"resources", {{"requests", {{"storage", "10Gi"}}}}}}}}})}}}};
}

// A compiled role `role` with `members` members at spec `hash`.
inline CompiledRole RoleFor(const std::string& role, int members, const std::string& hash) {
  CompiledRole r;
  r.name = role;
  r.members = members;
  r.stateful_set = "events-" + role;
  r.spec_hash = hash;
  r.max_unavailable = 1;
  r.role.name = role;
  Storage data;
  data.name = "data";
  data.mount_path = "/data";
  r.storage.push_back(data);
  r.role.storage = r.storage;
  return r;
}

// A cluster "events" in namespace "data" of `roles`, each with its
// StatefulSet object (Retain/Retain unless the role's storage says delete).
inline CompiledCluster ClusterOf(std::vector<CompiledRole> roles) {
  CompiledCluster c;
  c.cluster = "events";
  c.namespace_ = "data";
  c.app = "test";
  for (CompiledRole& r : roles) {
    std::string when_scaled =
        !r.storage.empty() && r.storage[0].on_scale_down == VolumePolicy::kDelete ? "Delete"
                                                                                  : "Retain";
    c.objects.push_back({"StatefulSet", r.stateful_set, r.name,
                         StatefulSetJson(r.name, r.members, r.spec_hash, when_scaled)});
    c.roles.push_back(std::move(r));
  }
  return c;
}

inline std::string Str(const Json& object, std::initializer_list<const char*> path) {
  const Json* at = &object;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return "";
    at = &(*at)[key];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

inline bool Ready(const Json& pod) {
  if (!pod.contains("status") || !pod["status"].contains("conditions")) return false;
  for (const Json& c : pod["status"]["conditions"]) {
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  }
  return false;
}

// A small planner in the spirit of PlanRollout: roles in order; apply the
// StatefulSet when it differs and wait for the role; then restart outdated
// members one at a time (or, with `all_at_once`, every outdated member in
// one wave: wrong under a budget of 1), highest ordinal first (or, with
// `ascending`, lowest first: wrong for ordinalDescending), running the gate
// first when the role has one.
struct ToyPlanner {
  bool all_at_once = false;
  bool ascending = false;

  absl::StatusOr<Plan> operator()(const CompiledCluster& desired, const ObservedState& observed,
                                  const PlanOptions& options) const {
    Plan plan;
    plan.cluster = desired.cluster;
    plan.namespace_ = desired.namespace_;
    auto add = [&](Step s) {
      s.id = static_cast<int32_t>(plan.steps.size()) + 1;
      plan.steps.push_back(std::move(s));
      return plan.steps.back().id;
    };
    auto finish = [&]() {
      for (const Step& s : plan.steps) {
        if (s.after.empty()) plan.next.push_back(s.id);
      }
      return plan;
    };
    for (const CompiledRole& role : desired.roles) {
      const Json* body = nullptr;
      for (const Object& o : desired.objects) {
        if (o.kind == "StatefulSet" && o.name == role.stateful_set) body = &o.body;
      }
      const Json* sts = nullptr;
      for (const Json& s : observed.stateful_sets) {
        if (Str(s, {"metadata", "name"}) == role.stateful_set) sts = &s;
      }
      Target role_target{.kind = "StatefulSet", .name = role.stateful_set, .role = role.name};
      Step wait_role{.action = Action::kWait, .target = role_target, .reason = "role Ready"};
      wait_role.condition = WaitCondition{.kind = WaitCondition::Kind::kRoleReady,
                                          .target = role.name,
                                          .stateful_set = role.stateful_set,
                                          .count = role.members};
      wait_role.timeout_seconds = 300;
      if (sts == nullptr || (*sts)["spec"]["replicas"] != (*body)["spec"]["replicas"] ||
          (*sts)["spec"]["template"] != (*body)["spec"]["template"] ||
          (*sts)["spec"]["serviceName"] != (*body)["spec"]["serviceName"]) {
        Step apply{.action = Action::kApply, .target = role_target, .reason = "apply"};
        apply.object = *body;
        int32_t a = add(apply);
        wait_role.after = {a};
        add(wait_role);
        return finish();
      }
      std::map<int32_t, const Json*> pods;
      for (const Json& p : observed.pods) {
        std::string name = Str(p, {"metadata", "name"});
        std::string prefix = role.stateful_set + "-";
        if (name.rfind(prefix, 0) == 0) pods[std::stoi(name.substr(prefix.size()))] = &p;
      }
      std::vector<int32_t> outdated;
      bool all_ready = static_cast<int32_t>(pods.size()) == role.members;
      for (const auto& [o, p] : pods) {
        all_ready &= Ready(*p);
        if (Str(*p, {"metadata", "annotations", "strata.dev/spec-hash"}) != role.spec_hash) {
          outdated.push_back(o);
        }
      }
      if (!ascending) std::reverse(outdated.begin(), outdated.end());
      if (!outdated.empty() && (all_ready || all_at_once)) {
        for (int32_t o : outdated) {
          std::string pod = absl::StrCat(role.stateful_set, "-", o);
          Target t{.kind = "Pod", .name = pod, .role = role.name, .ordinal = o};
          std::vector<int32_t> after;
          if (role.role.rollout.gate.has_value()) {
            Step gate{.action = Action::kExec, .target = t, .reason = "gate"};
            gate.command = role.role.rollout.gate->handler.command;
            gate.pod = pod;
            gate.env = {"STRATA_TARGET_POD=" + pod};
            gate.hook = Hook::kGate;
            after = {add(gate)};
          }
          Step restart{.action = Action::kRestart, .target = t, .after = after,
                       .reason = "outdated"};
          int32_t r = add(restart);
          if (!all_at_once) {
            Step wait{.action = Action::kWait, .target = t, .after = {r}, .reason = "Ready"};
            wait.condition =
                WaitCondition{.kind = WaitCondition::Kind::kPodReady, .target = pod};
            wait.timeout_seconds = 300;
            add(wait);
            return finish();
          }
        }
        return finish();
      }
      if (!all_ready) {
        add(wait_role);
        return finish();
      }
    }
    plan.converged = true;
    return plan;
  }
};

}  // namespace strata::sim_testing

#endif  // STRATA_TESTS_SIM_SIM_TESTING_H_
