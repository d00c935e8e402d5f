// The simulator's invariant checks: budget, quorum, rolling order, leader
// last, dependencies, membership changes one at a time, memberLeave before
// scale-in, PVC safety, maintenance windows and pacing, plan shape and the
// converged state (SPEC §6, ROLLOUT-RULES, SPEC-2 §9).
//
// InvariantChecker owns what it must remember between steps: what the plan
// saw when it was made (available, unready, existing members, leaders), the
// first wave of the pass, which members ran memberLeave, how StatefulSets
// were deleted, and each role's last rolling restart. It reads the cluster
// (a KubeModel) and the fault bookkeeping (a FaultInjector), both owned by
// the simulator loop, which feeds it each step before the step's effect and
// reports what it returns: one message per violation.
//
// Example:
//   InvariantChecker checker(desired, kube, faults);
//   checker.PlanMade();                       // right after planning
//   checker.PassStarts(plan);
//   for (std::string& v : checker.BeforeRestart(step)) Violation(v);
//   kube.DeletePod(step.target.name);

#ifndef STRATA_SIM_INVARIANTS_H_
#define STRATA_SIM_INVARIANTS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/faults.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/plan.h"

namespace strata::sim {

// The state of one member of a role at one moment.
struct Member {
  int32_t ordinal = 0;
  std::string pod;
  bool exists = false;
  bool ready = false;
  bool available = false;  // Ready for minReadySeconds.
  bool at_spec = false;
  bool leader = false;
};

// The members of `role` by ordinal: every ordinal below its StatefulSet's
// replicas, and every pod of it beyond.
std::map<int32_t, Member> MembersOf(const KubeModel& kube, const CompiledRole& role);

// The role whose StatefulSet owns pod `pod` (setting `*ordinal`), or nullptr.
const CompiledRole* RoleOfPod(const CompiledCluster& desired, const std::string& pod,
                              int32_t* ordinal);
const CompiledRole* RoleOfStatefulSet(const CompiledCluster& desired, const std::string& sts);

class InvariantChecker {
 public:
  // Keeps references: all three must outlive the checker.
  InvariantChecker(const CompiledCluster& desired, const KubeModel& kube,
                   const FaultInjector& faults)
      : desired_(desired), kube_(kube), faults_(faults) {}

  // A plan was just made from the cluster as it is now: remember what it saw.
  void PlanMade();
  // A pass of `plan` starts: its first wave is the restarts reachable from
  // `next` without passing a wait (members restarted together).
  void PassStarts(const Plan& plan);

  // The executor starts `step` (after PassStarts): every step it waits for
  // succeeded in this pass, so a failed or refused step is never passed over.
  std::vector<std::string> StepStarted(const Step& step) const;
  void StepSucceeded(int32_t id) { succeeded_.insert(id); }

  // Ids in order, `after` and `next` naming earlier steps.
  static std::vector<std::string> CheckPlanShape(const Plan& plan);

  // Each is called right before the step's effect on the cluster.
  std::vector<std::string> BeforeApply(const Step& step) const;
  std::vector<std::string> BeforeDelete(const Step& step);
  std::vector<std::string> BeforeRestart(const Step& step);
  // A memberLeave or memberJoin hook ran for member `target`.
  void HookRan(Hook hook, const std::string& target);

  // PVC `name` is gone (`member_left`: it carried strata.dev/member-left).
  std::vector<std::string> PvcDeleted(const std::string& name, bool member_left) const;
  // The plan is empty: the cluster must be what `desired` says.
  std::vector<std::string> Converged() const;

 private:
  using Out = std::vector<std::string>;

  // Whether a fault took `pod` down after this round's plan was made (it
  // was available then): the plan cannot be blamed for it.
  bool DownSincePlan(const std::string& pod) const;
  // Down for a reason the plan answers for: not Ready, not fault-transient.
  bool PlanDown(const Member& m) const;
  bool Replacing(const CompiledRole& role, const std::string& pod) const;

  void CheckDisruption(const CompiledRole& role, int32_t ordinal, const std::string& how,
                       Out& out) const;
  void CheckBudgetAndQuorum(const CompiledRole& role, const std::map<int32_t, Member>& members,
                            const Member& target, const std::string& how, Out& out) const;
  void CheckPastStuck(const std::map<int32_t, Member>& members, const Member& target,
                      const std::string& how, Out& out) const;
  void CheckOrder(const CompiledRole& role, const std::map<int32_t, Member>& members,
                  const Member& target, const std::string& how, Out& out) const;
  void CheckDependencies(const CompiledRole& role, const std::string& what, Out& out) const;
  // Cluster maintenance and rollout.minIntervalSeconds (SPEC-2 §9): no
  // available member restarted outside a window; a role's rolling restarts
  // at different moments at least minIntervalSeconds apart.
  void CheckPacing(const CompiledRole& role, const Step& step, Out& out);

  void CheckStatefulSetApply(const CompiledRole& role, const Step& step, Out& out) const;
  void CheckCreate(const CompiledRole& role, int64_t want, Out& out) const;
  void CheckStop(const CompiledRole& role, Out& out) const;
  void CheckReplicaChange(const CompiledRole& role, int64_t have, int64_t want, Out& out) const;

  void CheckStoppedConverged(Out& out) const;
  void CheckRoleConverged(const CompiledRole& role, Out& out) const;
  void CheckObjectsConverged(Out& out) const;
  int64_t Replicas(const std::string& sts) const;

  const CompiledCluster& desired_;
  const KubeModel& kube_;
  const FaultInjector& faults_;
  // What the plan saw when it was made.
  std::set<std::string> available_at_plan_;
  std::set<std::string> unready_at_plan_;  // Existing, not Ready.
  std::set<std::string> existed_at_plan_;
  std::set<std::string> leader_at_plan_;
  std::set<std::string> wave_;         // Pods restarted in the pass's first wave.
  std::set<int32_t> succeeded_;        // Steps that succeeded in this pass.
  std::set<std::string> member_left_;  // Pods that ran memberLeave.
  // Role -> when its last rolling restart ran (minIntervalSeconds).
  std::map<std::string, absl::Time> last_restart_;
  std::map<std::string, std::string> deleted_sts_;    // sts -> "orphan"/"cascade".
  std::map<std::string, int64_t> orphaned_replicas_;  // sts -> replicas when orphaned.
};

}  // namespace strata::sim

#endif  // STRATA_SIM_INVARIANTS_H_
