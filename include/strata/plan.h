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
#include <functional>
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

// The part of the plan a step belongs to (the planner's phases, in the
// order a role's chain runs them; removal comes after every role).
enum class Phase {
  kObjects,     // Apply/delete the role's ConfigMaps, Services, StatefulSet, PDB.
  kStorage,     // Grow PVCs and wait for their capacity.
  kRepair,      // Restart outdated members that are out already; wait for
                // unavailable ones; stop at a stuck member.
  kMembership,  // Scale out (ascending) or in (descending, memberLeave first).
  kUpdate,      // Restart Ready outdated members in budgeted waves.
  kReady,       // Every member Ready before the plan moves past the role.
  kCleanup,     // Delete ConfigMaps/Services/PDBs the role no longer needs.
  kRemoval,     // Delete the objects of roles no longer in the App.
};

// "objects", "storage", "repair", "membership", "update", "ready",
// "cleanup", "removal".
const char* PhaseName(Phase phase);

// Which lifecycle command an exec step runs. Issue 14 adds switchover,
// reload, leaveComplete and leaveCancel.
enum class Hook {
  kNone,         // Not an exec step.
  kGate,         // rollout.gate: retried until exit 0 or the step's timeout,
                 // then the plan stops; a passed gate leaves no trace, so the
                 // restart it guards follows in the same pass (SPEC-2 5b.1).
  kMemberLeave,  // lifecycle.memberLeave: must succeed once.
  kMemberJoin,   // lifecycle.memberJoin: must succeed once.
};

// "" for kNone, "gate", "memberLeave", "memberJoin".
const char* HookName(Hook hook);

// What a `wait` step waits for. ToString() gives SPEC §4's one-line text:
//   podReady <pod>                      the pod exists, is not terminating and
//                                       is Ready;
//   podReady <pod> minReadySeconds=<s>  ... and has been Ready for s seconds;
//   roleReady <role> <k>/<k>            pods 0..k-1 of the role's StatefulSet
//                                       are all Ready (optionally followed by
//                                       minReadySeconds=<s>);
//   pvcCapacity <pvc> <size>            status.capacity.storage >= size;
//   roleStopped <role>                  no pod of the role's StatefulSet
//                                       exists (a stopped Cluster, SPEC-2 §9);
//   approval <token>                    never holds by itself: a person
//                                       approves with the token (PlanOptions::
//                                       approve), and the next plan has no such
//                                       wait (SPEC-2 §9 rollout.approval);
//   window <start>/<end>                now is inside this opening of a
//                                       maintenance window (RFC 3339, UTC;
//                                       SPEC-2 §9 Cluster maintenance);
//   notBefore <time>                    now is at or after <time> (RFC 3339,
//                                       UTC; rollout.minIntervalSeconds).
// Issue 14 adds leaveComplete and leaderMoved.
struct WaitCondition {
  enum class Kind {
    kPodReady,     // Pod `target` Ready (for min_ready_seconds).
    kRoleReady,    // Pods `stateful_set`-0..count-1 of role `target` Ready.
    kPvcCapacity,  // PVC `target` has status.capacity.storage >= `size`.
    kRoleStopped,  // Pods `stateful_set`-0..count-1 of role `target` are gone.
    kApproval,     // Token `target` approved; never holds by itself.
    kWindow,       // `target` "<start>/<end>": start <= now < end.
    kNotBefore,    // `target` a time: now >= it.
  };
  Kind kind = Kind::kPodReady;
  // podReady: the pod; roleReady, roleStopped: the role; pvcCapacity: the
  // PVC; approval: the token; window: "<start>/<end>"; notBefore: the time.
  std::string target;
  // roleReady: the role's StatefulSet, whose pods 0..count-1 must be Ready;
  // roleStopped: the StatefulSet whose pods 0..count-1 must be gone.
  std::string stateful_set;
  int32_t count = 0;              // roleReady: how many members (k of k/k).
  int32_t min_ready_seconds = 0;  // podReady/roleReady: 0 = Ready is enough.
  std::string size;               // pvcCapacity: a quantity ("20Gi").

  // SPEC §4's text: "podReady events-broker-4 minReadySeconds=30".
  std::string ToString() const;

  bool operator==(const WaitCondition&) const = default;
};

// "podReady", "roleReady", "pvcCapacity", "roleStopped", "approval",
// "window", "notBefore".
const char* WaitKindName(WaitCondition::Kind kind);

// Whether a WaitCondition holds, and if not, what is missing.
struct WaitStatus {
  bool holds = false;
  std::string why;  // When !holds: "events-broker-2 not Ready".
  // When !holds only for want of time (the pods are Ready, minReadySeconds
  // has not passed yet): when it holds if nothing changes. No cluster event
  // marks that moment, so an executor wakes at it instead of at its recheck.
  std::optional<absl::Time> holds_at;

  bool operator==(const WaitStatus&) const = default;
};

// Finds an observed object by kind ("Pod", "PersistentVolumeClaim") and
// name; nullptr when absent.
using ObjectLookup =
    std::function<const Json*(const std::string& kind, const std::string& name)>;

// Returns whether `condition` holds at `now` over the objects `find` returns
// (pods Ready and Available as the planner judges them, PVC capacity). Pure:
// the executor and the simulator both decide waits with it.
WaitStatus CheckWait(const WaitCondition& condition, const ObjectLookup& find,
                     absl::Time now);
WaitStatus CheckWait(const WaitCondition& condition, const ObservedState& observed,
                     absl::Time now);

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
  std::string size;                  // resizePvc (and pvcCapacity waits): the size.
  std::vector<std::string> command;  // exec: argv.
  std::string pod;                   // exec: the pod to run it in.
  std::vector<std::string> env;      // exec: extra "NAME=value" entries.
  // wait: what must hold; set exactly on wait steps. JSON and text show
  // condition->ToString().
  std::optional<WaitCondition> condition;
  int32_t timeout_seconds = 0;       // wait/exec: 0 = none.

  // Added for executors and readers (additive to SPEC §4):
  Phase phase = Phase::kObjects;  // The part of the plan the step belongs to.
  Hook hook = Hook::kNone;        // exec: which lifecycle command runs.

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
  // for it and `blocked_reason` (also a note) says why. Added; not in SPEC
  // §4's shape.
  bool blocked = false;
  std::string blocked_reason;  // "events-broker-2 is stuck at the current spec: ..."

  bool operator==(const Plan&) const = default;
};

struct PlanOptions {
  absl::Time now = absl::UnixEpoch();  // When `observed` was read.
  // Approval tokens given by a person (`strata apply --approve TOKEN`, the
  // Cluster annotation strata.dev/approve) for steps that ask for one
  // (rollout.approval, SPEC-2 §9). A token for another change passes
  // nothing.
  std::vector<std::string> approve;
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
