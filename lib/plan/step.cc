// The plan contract's names and the one reading of a wait condition
// (strata/plan.h): phase, hook and wait-kind names, WaitCondition::ToString
// and CheckWait, which executors and the simulator share.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "strata/plan.h"
#include "strata/quantity.h"
#include "util/rfc3339.h"

namespace strata {

const char* ActionName(Action action) {
  switch (action) {
    case Action::kApply: return "apply";
    case Action::kDelete: return "delete";
    case Action::kRestart: return "restart";
    case Action::kExec: return "exec";
    case Action::kWait: return "wait";
    case Action::kResizePvc: return "resizePvc";
  }
  return "apply";
}

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kObjects: return "objects";
    case Phase::kStorage: return "storage";
    case Phase::kRepair: return "repair";
    case Phase::kMembership: return "membership";
    case Phase::kUpdate: return "update";
    case Phase::kReady: return "ready";
    case Phase::kCleanup: return "cleanup";
    case Phase::kRemoval: return "removal";
  }
  return "objects";
}

const char* HookName(Hook hook) {
  switch (hook) {
    case Hook::kNone: return "";
    case Hook::kGate: return "gate";
    case Hook::kMemberLeave: return "memberLeave";
    case Hook::kMemberJoin: return "memberJoin";
  }
  return "";
}

const char* WaitKindName(WaitCondition::Kind kind) {
  switch (kind) {
    case WaitCondition::Kind::kPodReady: return "podReady";
    case WaitCondition::Kind::kRoleReady: return "roleReady";
    case WaitCondition::Kind::kPvcCapacity: return "pvcCapacity";
    case WaitCondition::Kind::kRoleStopped: return "roleStopped";
    case WaitCondition::Kind::kApproval: return "approval";
    case WaitCondition::Kind::kWindow: return "window";
    case WaitCondition::Kind::kNotBefore: return "notBefore";
  }
  return "podReady";
}

std::string WaitCondition::ToString() const {
  std::string out = absl::StrCat(WaitKindName(kind), " ", target);
  switch (kind) {
    case Kind::kPodReady:
      break;
    case Kind::kRoleReady:
      absl::StrAppend(&out, " ", count, "/", count);
      break;
    case Kind::kPvcCapacity:
      absl::StrAppend(&out, " ", size);
      break;
    case Kind::kRoleStopped:
    case Kind::kApproval:
    case Kind::kWindow:
    case Kind::kNotBefore:
      break;
  }
  if ((kind == Kind::kPodReady || kind == Kind::kRoleReady) && min_ready_seconds > 0) {
    absl::StrAppend(&out, " minReadySeconds=", min_ready_seconds);
  }
  return out;
}

namespace {

// Whether `pod` is Ready for `min_ready_seconds` at `now`; `why` otherwise.
WaitStatus PodStatus(const Json* pod, const std::string& name, int32_t min_ready_seconds,
                     absl::Time now) {
  if (pod != nullptr && plan_internal::IsAvailable(*pod, min_ready_seconds, now)) {
    return {.holds = true};
  }
  bool ready = pod != nullptr && plan_internal::IsReady(*pod);
  WaitStatus s{.holds = false,
               .why = absl::StrCat(name, ready ? " not Ready for minReadySeconds" : " not Ready")};
  if (ready) {
    // IsAvailable is false for a Ready pod only when its Ready time is known.
    if (std::optional<absl::Time> since = plan_internal::ReadySince(*pod)) {
      s.holds_at = *since + absl::Seconds(min_ready_seconds);
    }
  }
  return s;
}

}  // namespace

WaitStatus CheckWait(const WaitCondition& condition, const ObjectLookup& find,
                     absl::Time now) {
  switch (condition.kind) {
    case WaitCondition::Kind::kPodReady:
      return PodStatus(find("Pod", condition.target), condition.target,
                       condition.min_ready_seconds, now);
    case WaitCondition::Kind::kRoleReady: {
      // The first member that does not hold says why; the role holds by time
      // alone only when every member that does not hold would by time.
      WaitStatus out{.holds = true};
      for (int32_t i = 0; i < condition.count; ++i) {
        std::string pod = absl::StrCat(condition.stateful_set, "-", i);
        WaitStatus s = PodStatus(find("Pod", pod), pod, condition.min_ready_seconds, now);
        if (s.holds) continue;
        if (out.holds) {
          out = s;
        } else if (!out.holds_at.has_value() || !s.holds_at.has_value()) {
          out.holds_at.reset();
          break;
        } else {
          out.holds_at = std::max(*out.holds_at, *s.holds_at);
        }
        if (!out.holds_at.has_value()) break;
      }
      return out;
    }
    case WaitCondition::Kind::kPvcCapacity: {
      const Json* pvc = find("PersistentVolumeClaim", condition.target);
      if (pvc == nullptr) {
        return {.holds = false, .why = absl::StrCat("PVC ", condition.target, " does not exist")};
      }
      std::string capacity = plan_internal::PvcCapacity(*pvc);
      absl::StatusOr<Quantity> want = Quantity::Parse(condition.size);
      absl::StatusOr<Quantity> have = Quantity::Parse(capacity);
      if (want.ok() && have.ok() && !(*have < *want)) return {.holds = true};
      return {.holds = false,
              .why = absl::StrCat("PVC ", condition.target, " capacity ",
                                  capacity.empty() ? "unknown" : capacity, " < ",
                                  condition.size)};
    }
    case WaitCondition::Kind::kRoleStopped:
      for (int32_t i = 0; i < condition.count; ++i) {
        std::string pod = absl::StrCat(condition.stateful_set, "-", i);
        if (find("Pod", pod) != nullptr) {
          return {.holds = false, .why = absl::StrCat(pod, " still exists")};
        }
      }
      return {.holds = true};
    case WaitCondition::Kind::kApproval:
      return {.holds = false,
              .why = absl::StrCat("approval needed: strata apply --approve ", condition.target,
                                  " (or the Cluster annotation strata.dev/approve: ",
                                  condition.target, ")")};
    case WaitCondition::Kind::kWindow: {
      std::vector<std::string> ends = absl::StrSplit(condition.target, '/');
      std::optional<absl::Time> from, to;
      if (ends.size() == 2) {
        from = ParseRfc3339(ends[0]);
        to = ParseRfc3339(ends[1]);
      }
      if (!from.has_value() || !to.has_value()) {
        return {.holds = false,
                .why = absl::StrCat("malformed window ", condition.target,
                                    ": want <start>/<end> in RFC 3339")};
      }
      if (*from <= now && now < *to) return {.holds = true};
      if (now < *from) {
        return {.holds = false,
                .why = absl::StrCat("outside the maintenance window: it opens at ", ends[0]),
                .holds_at = *from};
      }
      // Closed: the next plan names the next opening.
      return {.holds = false,
              .why = absl::StrCat("the maintenance window closed at ", ends[1])};
    }
    case WaitCondition::Kind::kNotBefore: {
      std::optional<absl::Time> at = ParseRfc3339(condition.target);
      if (!at.has_value()) {
        return {.holds = false,
                .why = absl::StrCat("malformed time ", condition.target, ": want RFC 3339")};
      }
      if (now >= *at) return {.holds = true};
      return {.holds = false,
              .why = absl::StrCat("rollout.minIntervalSeconds: not before ", condition.target),
              .holds_at = *at};
    }
  }
  return {.holds = false, .why = "unknown wait condition"};
}

WaitStatus CheckWait(const WaitCondition& condition, const ObservedState& observed,
                     absl::Time now) {
  return CheckWait(
      condition,
      [&observed](const std::string& kind, const std::string& name) -> const Json* {
        const std::vector<Json>* list = kind == "Pod" ? &observed.pods
                                         : kind == "PersistentVolumeClaim"
                                             ? &observed.persistent_volume_claims
                                             : nullptr;
        if (list == nullptr) return nullptr;
        for (const Json& o : *list) {
          if (kube::NameOf(o) == name) return &o;
        }
        return nullptr;
      },
      now);
}

}  // namespace strata
