// strata/plan.h: the ordered, explained steps from what runs to what was asked.
//
// PlanRollout() compares a CompiledCluster with the ObservedState and returns
// a Plan (SPEC §4, ROLLOUT-RULES.md): a list of steps, each with the ids it
// waits for and a reason a person understands, and `next`, exactly the steps
// that may run now. It is level-triggered: callers run `next`, observe again
// and plan again; a converged cluster plans to nothing. It is pure: `now`
// comes in through PlanOptions, so waits on minReadySeconds and timeouts are
// reproducible.
//
// Example:
//   PlanOptions options{.now = absl::Now()};
//   absl::StatusOr<Plan> plan = PlanRollout(compiled, observed, options);
//   for (int id : plan->next) Execute(plan->steps[id - 1]);

#ifndef STRATA_PLAN_H_
#define STRATA_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"

namespace strata {

enum class Action { kApply, kDelete, kRestart, kExec, kWait, kResizePvc };

// "apply", "delete", "restart", "exec", "wait", "resizePvc".
const char* ActionName(Action action);

struct Target {
  std::string kind;  // "StatefulSet", "Pod", "PersistentVolumeClaim", ...
  std::string name;
  std::string role;                // Set on every step about one role.
  std::optional<int32_t> ordinal;  // Set on member steps.

  bool operator==(const Target&) const = default;
};

// Wait conditions (Step::condition), one line, space-separated tokens:
//   podReady <pod>                      the pod exists, is not terminating and
//                                       is Ready;
//   podReady <pod> minReadySeconds=<s>  ... and has been Ready for s seconds;
//   roleReady <role> <k>/<k>            pods 0..k-1 of the role's StatefulSet
//                                       (target) are all Ready (optionally
//                                       followed by minReadySeconds=<s>);
//   pvcCapacity <pvc> <size>            status.capacity.storage >= size.
// Exec steps carry env "STRATA_TARGET_POD=<pod>" and
// "STRATA_TARGET_ORDINAL=<ordinal>" for the member concerned.
struct Step {
  int32_t id = 0;  // 1-based, equal to the position in Plan::steps + 1.
  Action action = Action::kApply;
  Target target;
  std::vector<int32_t> after;  // Ids this step waits for.
  std::string reason;          // One sentence a person understands.

  // Action-specific fields (SPEC §4).
  Json object;                       // apply: the whole object to apply.
  bool orphan = false;               // delete: keep dependents (pods, PVCs).
  std::string size;                  // resizePvc: the new request ("20Gi").
  std::vector<std::string> command;  // exec: argv.
  std::string pod;                   // exec: the pod to run it in.
  std::vector<std::string> env;      // exec: extra "NAME=value" entries.
  std::string condition;             // wait: machine-readable condition.
  int32_t timeout_seconds = 0;       // wait/exec: 0 = none.

  // Added for executors and readers (additive to SPEC §4):
  // The part of the plan the step belongs to: "objects", "storage",
  // "repair", "membership", "update", "ready", "cleanup" or "removal".
  std::string phase;
  // exec: which hook runs: "gate" (retry until exit 0 or timeout_seconds,
  // then the plan stops), "memberLeave" or "memberJoin" (must succeed once).
  std::string hook;

  bool operator==(const Step&) const = default;
};

struct Plan {
  std::string cluster;
  std::string namespace_;
  bool converged = false;      // True exactly when `steps` is empty.
  std::vector<Step> steps;     // In execution order; ids ascend.
  std::vector<int32_t> next;   // Ids that may run now, ascending.
  // Plan-wide remarks a person should see (fallbacks, blocked members).
  std::vector<std::string> notes;
  // True when the plan stops at a member that cannot make progress (stuck on
  // the current spec, or not Ready within its timeout): the last step waits
  // for it and a note says why. Added; not in SPEC §4's shape.
  bool blocked = false;

  bool operator==(const Plan&) const = default;
};

struct PlanOptions {
  absl::Time now = absl::UnixEpoch();  // When `observed` was read.
};

// Returns the plan from `observed` to `desired`; FailedPrecondition when the
// request cannot be met safely from this state (a smaller volume, a changed
// storage class or access mode) naming the role and the reason.
[[nodiscard]] absl::StatusOr<Plan> PlanRollout(const CompiledCluster& desired,
                                               const ObservedState& observed,
                                               const PlanOptions& options);

// SPEC §4's JSON shape.
Json PlanToJson(const Plan& plan);
// A numbered plan grouped by phase and role.
std::string PlanToText(const Plan& plan);
// The step graph in Graphviz dot.
std::string PlanToDot(const Plan& plan);

}  // namespace strata

#endif  // STRATA_PLAN_H_
