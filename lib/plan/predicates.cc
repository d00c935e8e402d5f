#include "plan/predicates.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "kube/keys.h"
#include "kube/object.h"
#include "util/rfc3339.h"

namespace strata::plan_internal {

using kube::AnnotationOf;
using kube::Find;
using kube::LabelOf;
using kube::NameOf;
using kube::StringAt;

bool IsTerminating(const Json& pod) {
  return Find(pod, {"metadata", "deletionTimestamp"}) != nullptr;
}

namespace {

const Json* ReadyCondition(const Json& pod) {
  const Json* conditions = Find(pod, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return nullptr;
  for (const Json& c : *conditions) {
    if (c.is_object() && StringAt(c, {"type"}) == "Ready") return &c;
  }
  return nullptr;
}

}  // namespace

bool IsReady(const Json& pod) {
  if (IsTerminating(pod)) return false;
  if (StringAt(pod, {"status", "phase"}) != "Running") return false;
  const Json* ready = ReadyCondition(pod);
  return ready != nullptr && StringAt(*ready, {"status"}) == "True";
}

std::optional<absl::Time> ReadySince(const Json& pod) {
  if (!IsReady(pod)) return std::nullopt;
  std::string t = StringAt(*ReadyCondition(pod), {"lastTransitionTime"});
  if (t.empty()) return std::nullopt;
  return ParseRfc3339(t);
}

bool IsAvailable(const Json& pod, int32_t min_ready_seconds, absl::Time now) {
  if (!IsReady(pod)) return false;
  if (min_ready_seconds <= 0) return true;
  std::optional<absl::Time> since = ReadySince(pod);
  if (!since.has_value()) return true;
  return *since + absl::Seconds(min_ready_seconds) <= now;
}

std::string StuckReason(const Json& pod) {
  static constexpr const char* kStuck[] = {
      "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName",
      "CreateContainerConfigError"};
  if (IsTerminating(pod)) return "";
  for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
    const Json* statuses = Find(pod, {"status", list});
    if (statuses == nullptr || !statuses->is_array()) continue;
    for (const Json& cs : *statuses) {
      std::string reason = StringAt(cs, {"state", "waiting", "reason"});
      for (const char* stuck : kStuck) {
        if (reason == stuck) {
          return absl::StrCat(std::string(list) == "initContainerStatuses"
                                  ? "init container "
                                  : "container ",
                              StringAt(cs, {"name"}), " is in ", reason);
        }
      }
    }
  }
  if (StringAt(pod, {"status", "phase"}) == "Pending") {
    const Json* conditions = Find(pod, {"status", "conditions"});
    if (conditions != nullptr && conditions->is_array()) {
      for (const Json& c : *conditions) {
        if (StringAt(c, {"type"}) == "PodScheduled" &&
            StringAt(c, {"status"}) == "False" &&
            StringAt(c, {"reason"}) == "Unschedulable") {
          std::string message = StringAt(c, {"message"});
          return message.empty() ? "it is Pending and Unschedulable"
                                 : absl::StrCat("it is Pending and Unschedulable (",
                                                message, ")");
        }
      }
    }
  }
  return "";
}

bool IsAtDesiredSpec(const Json& pod, absl::string_view spec_hash) {
  return AnnotationOf(pod, kube::kSpecHashAnnotation) == spec_hash;
}

bool IsLeader(const Json& pod, const std::string& leader_label) {
  return !leader_label.empty() && LabelOf(pod, leader_label) == "true";
}

std::string ZoneOf(const Json& pod, const std::vector<Json>& nodes) {
  std::string zone = LabelOf(pod, kube::kZoneLabel);
  if (!zone.empty()) return zone;
  std::string node = StringAt(pod, {"spec", "nodeName"});
  if (node.empty()) return "";
  for (const Json& n : nodes) {
    if (NameOf(n) == node) return LabelOf(n, kube::kZoneLabel);
  }
  return "";
}

std::optional<absl::Time> StartedAt(const Json& pod) {
  for (auto path : {std::initializer_list<const char*>{"status", "startTime"},
                    std::initializer_list<const char*>{"metadata", "creationTimestamp"}}) {
    std::string t = StringAt(pod, path);
    if (!t.empty()) {
      if (std::optional<absl::Time> parsed = ParseRfc3339(t)) return parsed;
    }
  }
  return std::nullopt;
}

bool UsesConfigMap(const Json& pod, absl::string_view name) {
  const Json* volumes = Find(pod, {"spec", "volumes"});
  if (volumes == nullptr || !volumes->is_array()) return false;
  for (const Json& v : *volumes) {
    if (StringAt(v, {"configMap", "name"}) == name) return true;
    const Json* sources = Find(v, {"projected", "sources"});
    if (sources == nullptr || !sources->is_array()) continue;
    for (const Json& s : *sources) {
      if (StringAt(s, {"configMap", "name"}) == name) return true;
    }
  }
  return false;
}

std::string PvcRequest(const Json& pvc) {
  return StringAt(pvc, {"spec", "resources", "requests", "storage"});
}

std::string PvcCapacity(const Json& pvc) {
  return StringAt(pvc, {"status", "capacity", "storage"});
}

int32_t ReadyTimeoutSeconds(const Role& role) {
  if (role.rollout.ready_timeout_seconds.has_value()) {
    return *role.rollout.ready_timeout_seconds;
  }
  int64_t seconds = 300;
  if (role.probes.startup.has_value()) {
    const Probe& p = *role.probes.startup;
    seconds += p.initial_delay_seconds.value_or(0) +
               static_cast<int64_t>(p.failure_threshold.value_or(3)) *
                   p.period_seconds.value_or(10);
  }
  if (role.probes.readiness.has_value()) {
    seconds += role.probes.readiness->initial_delay_seconds.value_or(0);
  }
  seconds += std::max(0, role.rollout.min_ready_seconds);
  return static_cast<int32_t>(std::min<int64_t>(seconds, INT32_MAX));
}

}  // namespace strata::plan_internal
