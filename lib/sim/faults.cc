// ParseFaults (strata/simulate.h) and the simulator's fault injection
// (sim/faults.h).

#include "sim/faults.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "util/status_macros.h"

namespace strata {
namespace {

constexpr char kKinds[] =
    "never-ready, pod-dies, gate-fails, node-loss, evict, api-error or api-conflict";

bool ParseCount(absl::string_view text, int32_t* out) {
  if (text.empty() || text.size() > 6) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(text, out);
}

// An object kind as Kubernetes spells it: "StatefulSet", "ConfigMap".
bool ValidKind(absl::string_view kind) {
  if (kind.empty() || kind.size() > 63) return false;
  for (char c : kind) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool ValidPodName(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

// One entry of a fault list, "KIND=VALUE", numbered from 1 for messages.
class EntryParser {
 public:
  EntryParser(int index, absl::string_view entry) : index_(index), entry_(entry) {}

  absl::StatusOr<Fault> Parse() {
    size_t eq = entry_.find('=');
    if (eq == absl::string_view::npos) {
      return Bad(absl::StrCat("expected KIND=VALUE with KIND ", kKinds));
    }
    absl::string_view kind = absl::StripAsciiWhitespace(entry_.substr(0, eq));
    value_ = absl::StripAsciiWhitespace(entry_.substr(eq + 1));
    if (kind == "never-ready") return NeverReady();
    if (kind == "pod-dies") return PodDies();
    if (kind == "gate-fails") return GateFails();
    if (kind == "node-loss") return NodeLoss();
    if (kind == "evict") return Evict();
    if (kind == "api-error") return ApiError(500);
    if (kind == "api-conflict") return ApiError(409);
    return Bad(absl::StrCat("unknown fault \"", kind, "\"; expected ", kKinds));
  }

 private:
  absl::Status Bad(absl::string_view why) const {
    return absl::InvalidArgumentError(
        absl::StrCat("--faults: entry ", index_, " \"", entry_, "\": ", why));
  }
  // VALUE as "WHAT@STEP": sets f->at_step and returns WHAT.
  absl::StatusOr<absl::string_view> SplitAt(Fault* f) const {
    size_t at = value_.rfind('@');
    if (at == absl::string_view::npos || !ParseCount(value_.substr(at + 1), &f->at_step)) {
      return Bad("expected POD@STEP (a step number >= 0)");
    }
    return value_.substr(0, at);
  }
  absl::StatusOr<Fault> NeverReady() const {
    if (!ValidPodName(value_)) return Bad("expected a pod name");
    return Fault{.kind = Fault::Kind::kNeverReady, .pods = {std::string(value_)}};
  }
  absl::StatusOr<Fault> PodDies() const {
    Fault f{.kind = Fault::Kind::kPodDies};
    STRATA_ASSIGN_OR_RETURN(absl::string_view pod, SplitAt(&f));
    if (!ValidPodName(pod)) return Bad("expected a pod name before '@'");
    f.pods.emplace_back(pod);
    return f;
  }
  absl::StatusOr<Fault> Evict() const {
    Fault f{.kind = Fault::Kind::kEvict};
    STRATA_ASSIGN_OR_RETURN(absl::string_view pod, SplitAt(&f));
    if (!ValidPodName(pod)) return Bad("expected a pod name before '@'");
    f.pods.emplace_back(pod);
    return f;
  }
  absl::StatusOr<Fault> ApiError(int32_t code) const {
    Fault f{.kind = Fault::Kind::kApiError, .code = code};
    constexpr char kExpected[] = "expected KIND/NAME@STEP, e.g. StatefulSet/events-broker@0";
    if (value_.rfind('@') == absl::string_view::npos) return Bad(kExpected);
    STRATA_ASSIGN_OR_RETURN(absl::string_view object, SplitAt(&f));
    size_t slash = object.find('/');
    if (slash == absl::string_view::npos || !ValidKind(object.substr(0, slash)) ||
        !ValidPodName(object.substr(slash + 1))) {
      return Bad(kExpected);
    }
    f.object = std::string(object);
    return f;
  }
  absl::StatusOr<Fault> GateFails() const {
    Fault f{.kind = Fault::Kind::kGateFails};
    size_t x = value_.rfind('x');
    if (x == absl::string_view::npos || !ParseCount(value_.substr(x + 1), &f.times) ||
        f.times < 1) {
      return Bad("expected PODxTIMES (TIMES >= 1), e.g. events-broker-4x2");
    }
    if (!ValidPodName(value_.substr(0, x))) return Bad("expected a pod name before 'x'");
    f.pods.emplace_back(value_.substr(0, x));
    return f;
  }
  absl::StatusOr<Fault> NodeLoss() const {
    Fault f{.kind = Fault::Kind::kNodeLoss};
    STRATA_ASSIGN_OR_RETURN(absl::string_view pods, SplitAt(&f));
    for (absl::string_view pod : absl::StrSplit(pods, '+')) {
      if (!ValidPodName(pod)) return Bad("expected POD+POD+...@STEP");
      f.pods.emplace_back(pod);
    }
    return f;
  }

  int index_;
  absl::string_view entry_;
  absl::string_view value_;
};

}  // namespace

absl::StatusOr<std::vector<Fault>> ParseFaults(absl::string_view spec) {
  std::vector<Fault> faults;
  int index = 0;
  for (absl::string_view raw : absl::StrSplit(spec, absl::ByAnyChar(";,"))) {
    absl::string_view entry = absl::StripAsciiWhitespace(raw);
    if (entry.empty()) continue;
    STRATA_ASSIGN_OR_RETURN(Fault f, EntryParser(++index, entry).Parse());
    faults.push_back(std::move(f));
  }
  return faults;
}

namespace sim {

std::vector<std::string> FaultInjector::Start(KubeModel& kube) {
  std::vector<std::string> events;
  for (const Fault& fault : faults_) {
    switch (fault.kind) {
      case Fault::Kind::kNeverReady:
        for (const std::string& pod : fault.pods) {
          never_ready_.insert(pod);
          kube.SetNeverReady(pod, true);
          affected_.insert(pod);
        }
        break;
      case Fault::Kind::kGateFails:
        for (const std::string& pod : fault.pods) gate_failures_[pod] += fault.times;
        break;
      case Fault::Kind::kApiError:
        break;  // Answered when its apply comes (TakeApiError).
      default:
        if (fault.at_step <= 0) {
          for (std::string& e : Fire(fault, kube)) events.push_back(std::move(e));
        }
        break;
    }
  }
  return events;
}

std::vector<std::string> FaultInjector::FireStep(int32_t step, KubeModel& kube) {
  std::vector<std::string> events;
  for (const Fault& fault : faults_) {
    if ((fault.kind == Fault::Kind::kPodDies || fault.kind == Fault::Kind::kNodeLoss ||
         fault.kind == Fault::Kind::kEvict) &&
        fault.at_step == step) {
      for (std::string& e : Fire(fault, kube)) events.push_back(std::move(e));
    }
  }
  return events;
}

void FaultInjector::Hit(const std::string& pod) {
  affected_.insert(pod);
  hit_round_.insert(pod);
}

std::vector<std::string> FaultInjector::Fire(const Fault& fault, KubeModel& kube) {
  std::vector<std::string> events;
  switch (fault.kind) {
    case Fault::Kind::kPodDies:
      for (const std::string& pod : fault.pods) {
        if (kube.PodReady(pod)) took_ready_.insert(pod);
        if (kube.CrashPod(pod).ok()) {
          Hit(pod);
          events.push_back(
              absl::StrCat("FAULT: pod ", pod, " dies (containers crash and restart)"));
        } else {
          events.push_back(absl::StrCat("FAULT: pod ", pod, " would die but does not exist"));
        }
      }
      break;
    case Fault::Kind::kNodeLoss: {
      std::vector<std::string> lost;
      for (const std::string& pod : fault.pods) {
        if (kube.PodReady(pod)) took_ready_.insert(pod);
        if (kube.LosePod(pod).ok()) {
          lost.push_back(pod);
          Hit(pod);
        }
      }
      events.push_back(absl::StrCat("FAULT: node lost, taking down ", absl::StrJoin(lost, ", ")));
      break;
    }
    case Fault::Kind::kEvict:
      for (const std::string& pod : fault.pods) {
        if (kube.PodReady(pod)) took_ready_.insert(pod);
        if (kube.DeletePod(pod).ok()) {
          Hit(pod);
          events.push_back(
              absl::StrCat("FAULT: pod ", pod, " evicted (deleted; its StatefulSet recreates it)"));
        } else {
          events.push_back(absl::StrCat("FAULT: pod ", pod, " would be evicted but does not exist"));
        }
      }
      break;
    default:
      break;
  }
  return events;
}

std::optional<absl::Status> FaultInjector::TakeApiError(const std::string& kind,
                                                        const std::string& name,
                                                        int32_t steps_run) {
  const std::string object = absl::StrCat(kind, "/", name);
  for (size_t i = 0; i < faults_.size(); ++i) {
    const Fault& f = faults_[i];
    if (f.kind != Fault::Kind::kApiError || f.object != object || f.at_step > steps_run ||
        !api_errors_used_.insert(i).second) {
      continue;
    }
    // As the executor reads them (execute_plan.cc CallFailed): a conflict
    // means "observe and plan again"; an unexpected answer fails the step.
    if (f.code == 409) {
      return absl::AbortedError(absl::StrCat(
          "409 Conflict: Operation cannot be fulfilled on ", object,
          ": the object has been modified (injected api-conflict)"));
    }
    return absl::UnknownError(
        absl::StrCat("500 Internal Server Error applying ", object, " (injected api-error)"));
  }
  return std::nullopt;
}

void FaultInjector::NewRound() {
  hit_round_.clear();
  took_ready_.clear();
}

void FaultInjector::Repaired(const std::string& pod) { affected_.erase(pod); }

void FaultInjector::Restarted(const std::string& pod) {
  if (never_ready_.count(pod) == 0) affected_.erase(pod);
}

std::optional<int32_t> FaultInjector::TakeGateFailure(const std::string& target) {
  auto it = gate_failures_.find(target);
  if (it == gate_failures_.end() || it->second <= 0) return std::nullopt;
  return --it->second;
}

bool FaultInjector::Stuck(const std::string& pod, const KubeModel& kube) const {
  return never_ready_.count(pod) > 0 && kube.Find(kube::kKindPod, pod) != nullptr &&
         !kube.PodReady(pod);
}

bool FaultInjector::HasNeverReady() const {
  return std::any_of(faults_.begin(), faults_.end(),
                     [](const Fault& f) { return f.kind == Fault::Kind::kNeverReady; });
}

namespace {

// Whether `pod` is a pod `desired` has or may have, given `initial`.
bool KnownPod(const std::string& pod, const CompiledCluster& desired,
              const ObservedState& initial) {
  bool known = false;
  for (const CompiledRole& role : desired.roles) {
    std::optional<int32_t> ordinal = kube::OrdinalOf(pod, role.stateful_set);
    if (!ordinal.has_value()) continue;
    int32_t limit = role.members;
    for (const Json& sts : initial.stateful_sets) {
      if (kube::StringAt(sts, {"metadata", "name"}) == role.stateful_set) {
        limit = std::max<int32_t>(limit, kube::IntAt(sts, {"spec", "replicas"}, 1));
      }
    }
    for (const Json& p : initial.pods) known |= kube::StringAt(p, {"metadata", "name"}) == pod;
    known |= *ordinal < limit;
  }
  return known;
}

// Whether "Kind/name" `object` is an object `desired` applies.
bool KnownObject(const std::string& object, const CompiledCluster& desired) {
  for (const Object& o : desired.objects) {
    if (absl::StrCat(o.kind, "/", o.name) == object) return true;
  }
  return false;
}

}  // namespace

absl::Status CheckFaultTargets(const std::vector<Fault>& faults, const CompiledCluster& desired,
                               const ObservedState& initial) {
  for (const Fault& fault : faults) {
    if (fault.kind == Fault::Kind::kApiError && !KnownObject(fault.object, desired)) {
      std::vector<std::string> objects;
      for (const Object& o : desired.objects) objects.push_back(absl::StrCat(o.kind, "/", o.name));
      return absl::InvalidArgumentError(
          absl::StrCat("--faults: ", fault.object, " is not an object strata applies for cluster ",
                       desired.cluster, " (objects: ", absl::StrJoin(objects, ", "), ")"));
    }
    for (const std::string& pod : fault.pods) {
      if (KnownPod(pod, desired, initial)) continue;
      std::vector<std::string> roles;
      for (const CompiledRole& role : desired.roles) {
        roles.push_back(absl::StrCat(role.stateful_set, "-0..", role.members - 1));
      }
      return absl::InvalidArgumentError(
          absl::StrCat("--faults: ", pod, " is not a pod of cluster ", desired.cluster,
                       " (pods: ", absl::StrJoin(roles, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace sim
}  // namespace strata
