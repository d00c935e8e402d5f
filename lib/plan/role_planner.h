// RolePlanner: the steps of one role of a Cluster, the per-role half of
// PlanRollout (planner.cc walks the roles). Its phases live beside the pure
// decisions they emit: storage_changes (PVC deltas), scale (how the member
// count changes; scale_out.cc and scale_in.cc emit it), waves (which
// outdated members restart together; update.cc emits them), adoption.cc,
// day2.cc (replace, approval, maintenance windows, pacing), objects.cc and
// repair.cc. Private to lib/plan.
//
// Example (planner.cc):
//   RolePlanner planner(desired, role, observed, index, options, builder, errors);
//   RolePlanResult r = planner.Run(start);

#ifndef STRATA_PLAN_ROLE_PLANNER_H_
#define STRATA_PLAN_ROLE_PLANNER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "plan/partition.h"
#include "plan/scale.h"
#include "plan/storage_changes.h"
#include "plan/waves.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"
#include "strata/plan.h"

namespace strata::plan_internal {

// "1 member", "3 members".
std::string Plural(int64_t n, absl::string_view word);

// Target of a step on member `ordinal` of StatefulSet `sts`.
Target PodTarget(const std::string& sts, const std::string& role, int32_t ordinal);

// The STRATA_TARGET_* env of an exec step in `pod`.
std::vector<std::string> TargetEnv(const std::string& pod, int32_t ordinal);

// Describes what makes `pod` differ from the desired template, for reasons.
std::string ChangeSummary(const Json& pod, const Json* desired_sts, const CompiledRole& role);

// Describes how StatefulSet `want` differs from `have` (replicas aside), or
// "" when it does not: the pod template first (images, config, then the
// first differing field), then the rest of the spec, then metadata.
std::string StatefulSetChange(const Json& want, const Json& have);

// Observed objects by kind and name.
class Index {
 public:
  explicit Index(const ObservedState& s);
  const Json* Get(const std::string& kind, const std::string& name) const;

 private:
  void Add(const std::string& kind, const std::vector<Json>& objects);
  std::map<std::string, std::map<std::string, const Json*>> by_kind_;
};

// A sequence of steps; `frontier` are the ids the next step waits for.
struct Chain {
  std::vector<int32_t> frontier;
};

// Appends steps to a plan, numbering them and recording what each waits for.
class PlanBuilder {
 public:
  explicit PlanBuilder(Plan& plan) : plan_(plan) {}

  // Appends `step` waiting for `after`; returns its id.
  int32_t Add(Step step, std::vector<int32_t> after);

  // Appends `step` after the chain's frontier and makes it the frontier.
  int32_t Then(Chain& chain, Step step);

  Plan& plan() { return plan_; }

 private:
  Plan& plan_;
};

struct RolePlanResult {
  std::vector<int32_t> done;  // What dependents wait for.
  bool blocked = false;
};

// Plans one role. Appends FailedPrecondition messages to `errors` instead of
// steps when the request cannot be met from this state.
class RolePlanner {
 public:
  RolePlanner(const CompiledCluster& desired, const CompiledRole& role,
              const ObservedState& observed, const Index& index, const PlanOptions& options,
              PlanBuilder& builder, std::vector<std::string>& errors);

  RolePlanResult Run(std::vector<int32_t> start);

 private:
  // What the repair phase would emit: restarts of outdated members that are
  // out already, and waits for members that are not available.
  struct RepairWork {
    std::vector<std::pair<int32_t, Step>> restarts;
    std::vector<std::pair<int32_t, Step>> waits;
  };
  // An outdated member the update phase restarts.
  struct Candidate {
    int32_t ordinal;
    const Json* pod;
  };

  // ---- step makers (planner.cc)
  Step MakeStep(Action action, Target target, Phase phase, std::string reason) const;
  Step StsApply(int32_t replicas, Phase phase, std::string reason) const;
  Step PodWait(int32_t ordinal, Phase phase, std::string reason) const;
  Step RoleWait(int32_t k, Phase phase, std::string reason) const;
  // An exec step running lifecycle hook `hook` (its `handler`) in member
  // `ordinal`, with the member's STRATA_TARGET_* env and the hook's timeout.
  Step HookStep(Hook hook, const Handler& handler, int32_t ordinal, std::string reason) const;
  // The partial PVC an apply step sends to set strata.dev/member-left.
  Json MemberLeftMark(const std::string& pvc_name, const char* value) const;

  // ---- observations (planner.cc)
  void AnalyzeStatefulSet();
  // The immutable StatefulSet fields (besides volume claim templates) that
  // differ from the observed StatefulSet.
  void ImmutableFieldChanges(const Json& want, const Json& have);
  std::string PodName(int32_t ordinal) const;
  const Json* PodAt(int32_t ordinal) const;
  bool Available(const Json& pod) const;
  // Whether every current member exists, is at the desired spec and is
  // Available (nothing of the role is out).
  bool AllAvailable() const;
  // Whether every member has a pod, Available at the desired spec (the role
  // needs no roleReady wait of its own).
  bool SettledAtSpec() const;
  // Whether member `ordinal` ran memberLeave (every PVC carries the mark).
  bool MemberLeft(int32_t ordinal) const;
  // Whether any phase after repair emits a step, decided before repair
  // emits its waits (they only matter when something follows them).
  bool AnythingFollowsRepair() const;
  // Whether some PVC of an ordinal the plan adds carries the member-left
  // mark (it is wiped or unmarked before the ordinal comes back).
  bool PrepNeeded() const;
  // roleReady n/n at the end of the role, unless the chain ends in one or
  // nothing of the role is out.
  void ReadyWait(Chain& chain);

  // ---- objects phase (objects.cc)
  void Objects(Chain& chain);
  void ApplyStatefulSet(Chain& chain, const Object& o);
  // The reason for applying a non-StatefulSet object, or "" when it is
  // observed as wanted.
  std::string ObjectChange(const Object& o) const;
  void Cleanup(Chain& chain);
  void CleanupConfigMaps(Chain& chain);

  // ---- storage phase (storage_changes.cc)
  void Resizes(Chain& chain);

  // ---- repair (repair.cc)
  bool Blocked(Chain& chain);
  RepairWork PlanRepair() const;
  void EmitRepair(Chain& chain, RepairWork work);

  // ---- membership (scale_out.cc, scale_in.cc)
  void Membership(Chain& chain);
  void BringUpSerially(Chain& chain);
  void ScaleOut(Chain& chain);
  void ScaleIn(Chain& chain);
  void PrepareOrdinal(Chain& chain, int32_t ordinal);
  // Wait for new member k to be Ready, then run memberJoin in it.
  void JoinMember(Chain& chain, int32_t k, bool resumed);
  // Apply the StatefulSet (`replicas`) without kube::kMemberJoiningAnnotation:
  // k's memberJoin ran.
  void JoinDone(Chain& chain, int32_t replicas, int32_t k);
  // Steps recording on member `ordinal`'s PVCs that it ran memberLeave
  // (strata.dev/member-left), so that a later plan never runs it twice.
  // `scale_in`: the member is being removed (not replaced).
  void MarkLeft(Chain& chain, int32_t ordinal, bool scale_in);

  // ---- adoption (adoption.cc)
  // Adoption (SPEC-2 §10): the role's StatefulSet exists but was not written
  // by strata (no app.kubernetes.io/instance label: by hand, by Helm).
  bool Adopting() const;
  // Steps putting strata's selector labels on the adopted StatefulSet's pods
  // and PVCs that lack them, before the StatefulSet is replaced, so that
  // strata's StatefulSet takes its members over with their volumes.
  void AdoptMembers(Chain& chain);
  // Errors for a StatefulSet not written by strata whose claims have the
  // name of one of the role's storage entries but whose name is not the
  // role's StatefulSet's: its data would not follow (SPEC-2 §10).
  void RefuseUnfollowableClaims();
  void RefuseClaimsOf(const Json& sts);

  // ---- day 2 (day2.cc)
  // The ConfigMap <sts>-replace's data: the durable record of replacements.
  using ReplaceRecord = std::map<std::string, std::string>;
  ReplaceRecord ObservedReplaceRecord() const;
  // Whether request `m` (of a member of the role) has work left.
  bool ReplaceHasWork(const MemberReplace& m, const ReplaceRecord& record) const;
  // Whether some `replace` request of the role has work left.
  bool ReplacementPending() const;
  void Replace(Chain& chain);
  // The steps replacing member `k` for request `m`; `record` follows them.
  void ReplaceMember(Chain& chain, const MemberReplace& m, int32_t k, ReplaceRecord& record);
  // Before a replacement starts: every member Ready, approval, window, and
  // the record that it started (pod `uid`).
  void StartReplace(Chain& chain, const MemberReplace& m, int32_t k, const Json& pod,
                    const std::string& uid, ReplaceRecord& record);
  // memberLeave (once), delete the member's PVCs, restart its pod.
  void TakeDown(Chain& chain, const MemberReplace& m, int32_t k, const Json* pod,
                const std::string& why);
  // Applies ConfigMap <sts>-replace with `data`.
  void RecordReplace(Chain& chain, const ReplaceRecord& data, std::string reason);
  // rollout.approval (SPEC-2 §9): the token for disrupting member `ordinal`
  // (`what` says how, for the reason). Unless PlanOptions::approve holds it,
  // appends a wait of condition approval to `chain`; either way a note says
  // what was asked or approved. `subject` makes the token specific ("leader",
  // the member's name, or a replacement).
  void AskApproval(Chain& chain, int32_t ordinal, const std::string& subject,
                   const std::string& what);
  // Cluster maintenance (SPEC-2 §9): before a member restart or replacement
  // (`what`), a wait of condition window on the opening that contains now
  // (it holds, and is checked again when the step comes up) or on the next
  // one. Nothing without windows.
  void InWindow(Chain& chain, int32_t ordinal, const std::string& what);
  // rollout.minIntervalSeconds (SPEC-2 §9): before the first restart of a
  // plan, a wait of condition notBefore when the newest updated member
  // started less than the interval ago.
  void Paced(Chain& chain, int32_t ordinal, const std::string& what);

  // ---- update (update.cc)
  // Outdated members the update phase restarts, by ordinal.
  std::vector<Candidate> UpdateCandidates() const;
  // The waves of an update and what their reasons say.
  struct UpdateWaves {
    WavePlan plan;
    std::map<int32_t, const Json*> pods;  // The candidates' pods, by ordinal.
    std::string how;                      // Budget and order, for reasons.
    std::string approval_member;          // Whose restart approval: leader asks before.
    bool any_leader_pod = false;
  };
  void Update(Chain& chain);
  // Cuts `candidates` into waves (notes say how the order fell back and what
  // the quorum allows).
  UpdateWaves PlanUpdateWaves(const std::vector<Candidate>& candidates);
  // The steps of wave `w`, then its roleReady wait.
  void RestartWave(Chain& chain, const UpdateWaves& u, size_t w);
  void UpdateNotes(int32_t budget);
  // The steps restarting one member of a wave, after `chain`; returns the
  // restart's id.
  int32_t RestartMember(Chain chain, const Candidate& c, const std::string& where,
                        const std::string& approval_member, bool any_leader_pod);
  // The roleReady wait after wave `w` of `waves` restarted `names`.
  Step WaveWait(const std::vector<std::string>& names, size_t w, size_t waves) const;

  const CompiledCluster& desired_;
  const CompiledRole& role_;
  const Role& spec_;
  const ObservedState& observed_;
  const Index& index_;
  absl::Time now_;
  std::set<std::string> approve_;  // PlanOptions::approve.
  PlanBuilder& b_;
  std::vector<std::string>& errors_;

  const Json* desired_sts_ = nullptr;
  const Json* observed_sts_ = nullptr;
  int32_t n_ = 0;        // Desired members.
  int32_t r_obs_ = 0;    // Observed StatefulSet replicas (0 when absent).
  MembershipChange membership_;  // How the member count changes.
  // What StsApply records in kube::kMemberJoiningAnnotation: every StatefulSet
  // apply keeps the mark until the memberJoin it names has run.
  std::optional<int32_t> joining_;
  int32_t ready_timeout_ = 300;
  std::vector<std::string> immutable_changes_;
  std::string sts_diff_;
  std::vector<PvcResize> resizes_;
  RoleMembers members_;
  int member_steps_ = 0;            // Steps beyond objects.
  std::set<std::string> replaced_;  // Pods this plan restarts or removes.
};

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_ROLE_PLANNER_H_
