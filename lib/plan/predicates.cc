#include "plan/predicates.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace strata::plan_internal {

const Json* Find(const Json& object, std::initializer_list<const char*> path) {
  const Json* at = &object;
  for (const char* key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end() || it->is_null()) return nullptr;
    at = &*it;
  }
  return at;
}

std::string StringAt(const Json& object, std::initializer_list<const char*> path) {
  const Json* v = Find(object, path);
  if (v == nullptr) return "";
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return v->dump();
  return "";
}

std::string NameOf(const Json& object) { return StringAt(object, {"metadata", "name"}); }

std::string LabelOf(const Json& object, const std::string& key) {
  const Json* labels = Find(object, {"metadata", "labels"});
  if (labels == nullptr || !labels->is_object()) return "";
  auto it = labels->find(key);
  return it != labels->end() && it->is_string() ? it->get<std::string>() : "";
}

std::string AnnotationOf(const Json& object, const std::string& key) {
  const Json* annotations = Find(object, {"metadata", "annotations"});
  if (annotations == nullptr || !annotations->is_object()) return "";
  auto it = annotations->find(key);
  return it != annotations->end() && it->is_string() ? it->get<std::string>() : "";
}

namespace {

// "2026-01-01T00:00:00Z", what the API server writes, without absl's general
// parser (the planner and parser read several timestamps per pod).
std::optional<absl::Time> ParseUtcSeconds(absl::string_view s) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](size_t at, size_t len, int64_t* out) {
    int64_t v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int64_t y, mo, d, h, mi, se;
  if (!num(0, 4, &y) || !num(5, 2, &mo) || !num(8, 2, &d) || !num(11, 2, &h) ||
      !num(14, 2, &mi) || !num(17, 2, &se)) {
    return std::nullopt;
  }
  absl::CivilSecond cs(y, mo, d, h, mi, se);
  if (cs.year() != y || cs.month() != mo || cs.day() != d || cs.hour() != h ||
      cs.minute() != mi || cs.second() != se) {
    return std::nullopt;  // Out of range: month 13, February 30, 24:00:00.
  }
  return absl::FromCivil(cs, absl::UTCTimeZone());
}

}  // namespace

std::optional<absl::Time> ParseTimestamp(absl::string_view text) {
  if (std::optional<absl::Time> fast = ParseUtcSeconds(text)) return fast;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) {
    return std::nullopt;
  }
  return t;
}

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
  return ParseTimestamp(t);
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

std::optional<int32_t> OrdinalOf(absl::string_view pod_name,
                                 absl::string_view stateful_set) {
  if (pod_name.size() < stateful_set.size() + 2) return std::nullopt;
  if (pod_name.substr(0, stateful_set.size()) != stateful_set) return std::nullopt;
  if (pod_name[stateful_set.size()] != '-') return std::nullopt;
  absl::string_view digits = pod_name.substr(stateful_set.size() + 1);
  if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return std::nullopt;
  }
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;  // "-01"
  int32_t ordinal;
  if (!absl::SimpleAtoi(digits, &ordinal)) return std::nullopt;
  return ordinal;
}

bool IsAtDesiredSpec(const Json& pod, absl::string_view spec_hash) {
  return AnnotationOf(pod, kSpecHashAnnotation) == spec_hash;
}

bool IsLeader(const Json& pod, const std::string& leader_label) {
  return !leader_label.empty() && LabelOf(pod, leader_label) == "true";
}

std::string ZoneOf(const Json& pod, const std::vector<Json>& nodes) {
  std::string zone = LabelOf(pod, kZoneLabel);
  if (!zone.empty()) return zone;
  std::string node = StringAt(pod, {"spec", "nodeName"});
  if (node.empty()) return "";
  for (const Json& n : nodes) {
    if (NameOf(n) == node) return LabelOf(n, kZoneLabel);
  }
  return "";
}

std::optional<absl::Time> StartedAt(const Json& pod) {
  for (auto path : {std::initializer_list<const char*>{"status", "startTime"},
                    std::initializer_list<const char*>{"metadata", "creationTimestamp"}}) {
    std::string t = StringAt(pod, path);
    if (!t.empty()) {
      if (std::optional<absl::Time> parsed = ParseTimestamp(t)) return parsed;
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

std::string PvcName(absl::string_view claim, absl::string_view stateful_set,
                    int32_t ordinal) {
  return absl::StrCat(claim, "-", stateful_set, "-", ordinal);
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
