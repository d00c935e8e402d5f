// The update phase of RolePlanner (SPEC §4 rule 3, ROLLOUT-RULES 3-9, 23):
// Ready members at an old spec restart in the waves PlanWaves (waves.cc)
// cuts, each behind the maintenance window, pacing, approval and gate it
// needs, and every wave ends in a roleReady wait over all members.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/object.h"
#include "kube/quorum.h"
#include "plan/predicates.h"
#include "plan/role_planner.h"
#include "plan/waves.h"

namespace strata::plan_internal {

using kube::NameOf;

std::vector<RolePlanner::Candidate> RolePlanner::UpdateCandidates() const {
  std::vector<Candidate> out;
  for (const auto& [k, pod] : members_.by_ordinal) {
    if (IsTerminating(*pod) || replaced_.count(NameOf(*pod))) continue;
    if (IsAtDesiredSpec(*pod, role_.spec_hash)) continue;
    out.push_back({k, pod});
  }
  return out;
}

void RolePlanner::UpdateNotes(int32_t budget) {
  if (spec_.quorum != Quorum::kMajority) return;
  if (n_ <= 2) {
    b_.plan().notes.push_back(absl::StrCat(
        "role ", role_.name, " has ", Plural(n_, "member"),
        " under quorum: majority: restarting one loses quorum until it is back "
        "(ROLLOUT-RULES 24)"));
  }
  if (spec_.rollout.strategy == RolloutStrategy::kParallel && budget > kube::QuorumTolerance(n_)) {
    b_.plan().notes.push_back(absl::StrCat(
        "role ", role_.name, ": strategy parallel opts out of the quorum budget; up to ",
        budget, " of ", n_, " members restart at once"));
  }
}

int32_t RolePlanner::RestartMember(Chain chain, const Candidate& c, const std::string& where,
                                   const std::string& approval_member, bool any_leader_pod) {
  const RolloutPolicy& p = spec_.rollout;
  const std::string name = NameOf(*c.pod);
  if (p.approval == Approval::kEvery ||
      (p.approval == Approval::kLeader && name == approval_member)) {
    const std::string which =
        p.approval != Approval::kLeader ? ""
        : any_leader_pod
            ? " (the leader)"
            : absl::StrCat(" (the first disruption: no pod carries ",
                           p.leader_label.empty() ? "a leader label" : p.leader_label + "=true",
                           ")");
    AskApproval(chain, c.ordinal, p.approval == Approval::kEvery ? name : "leader",
                absl::StrCat("restarting ", name, which, " for ",
                             ChangeSummary(*c.pod, desired_sts_, role_)));
  }
  if (p.gate.has_value()) {
    Step g = MakeStep(Action::kExec, PodTarget(role_.stateful_set, role_.name, c.ordinal),
                      Phase::kUpdate,
                      absl::StrCat("gate: ", name,
                                   " is Ready, so check it is safe to disrupt (exit 0) "
                                   "before restarting it"));
    g.command = p.gate->handler.command;
    g.pod = name;
    g.env = TargetEnv(name, c.ordinal);
    g.timeout_seconds = p.gate->timeout_seconds;
    g.hook = Hook::kGate;
    b_.Then(chain, std::move(g));
    ++member_steps_;
  }
  ++member_steps_;
  replaced_.insert(name);
  return b_.Then(chain, MakeStep(Action::kRestart,
                                 PodTarget(role_.stateful_set, role_.name, c.ordinal),
                                 Phase::kUpdate,
                                 absl::StrCat(ChangeSummary(*c.pod, desired_sts_, role_),
                                              ": restart ", name, ", ", where)));
}

// One wait per wave, over every member: the restarted ones must be back
// (and Available for minReadySeconds), and so must everyone else, before
// the next wave (ROLLOUT-RULES 7, 23).
Step RolePlanner::WaveWait(const std::vector<std::string>& names, size_t w,
                           size_t waves) const {
  const int32_t min_ready = spec_.rollout.min_ready_seconds;
  return RoleWait(
      n_, Phase::kUpdate,
      absl::StrCat("wait for ", absl::StrJoin(names, ", "),
                   names.size() == 1 ? " (restarted)" : " (restarted together)",
                   " and every other member to be Ready",
                   min_ready > 0 ? absl::StrCat(" for minReadySeconds=", min_ready) : "",
                   w + 1 < waves ? " before the next wave" : " before the plan moves on"));
}

RolePlanner::UpdateWaves RolePlanner::PlanUpdateWaves(
    const std::vector<Candidate>& candidates) {
  const RolloutPolicy& p = spec_.rollout;
  UpdateWaves u;
  WaveInputs in{.order = p.order, .zone_parallel = p.zone_parallel,
                .leader_label = p.leader_label};
  for (const Candidate& c : candidates) {
    in.members.push_back({c.ordinal, IsLeader(*c.pod, p.leader_label),
                          ZoneOf(*c.pod, observed_.nodes)});
    u.pods[c.ordinal] = c.pod;
  }
  // approval: leader asks before the leader's restart; without a labelled
  // leader, before the first disruption (never silently skipped).
  for (const auto& [k, pod] : members_.by_ordinal) {
    in.any_leader |= IsLeader(*pod, p.leader_label);
    if (!p.leader_label.empty() && IsLeader(*pod, p.leader_label)) {
      u.any_leader_pod = true;
      u.approval_member = NameOf(*pod);
    }
  }
  const UpdateBudget budget = BudgetOf(spec_, n_);
  in.budget = budget.budget;
  u.plan = PlanWaves(in);
  if (u.plan.fell_back) {
    b_.plan().notes.push_back(absl::StrCat("role ", role_.name, ": ", u.plan.order_note));
  }
  UpdateNotes(budget.budget);
  if (!u.any_leader_pod) {
    u.approval_member = NameOf(*u.pods.at(u.plan.waves.front().front().ordinal));
  }
  u.how = absl::StrCat(budget.why, ", ", u.plan.order_note,
                       p.zone_parallel ? ", one zone at a time" : "");
  return u;
}

void RolePlanner::RestartWave(Chain& chain, const UpdateWaves& u, size_t w) {
  const RolloutPolicy& p = spec_.rollout;
  const std::vector<WaveMember>& wave = u.plan.waves[w];
  const size_t waves = u.plan.waves.size();
  std::vector<std::string> names;
  for (const WaveMember& m : wave) names.push_back(NameOf(*u.pods.at(m.ordinal)));
  const std::string what = absl::StrCat("restarting ", absl::StrJoin(names, ", "));
  InWindow(chain, wave.front().ordinal, what);
  if (w == 0) Paced(chain, wave.front().ordinal, what);
  std::vector<int32_t> ends;
  for (const WaveMember& m : wave) {
    const std::string where = absl::StrCat(
        "wave ", w + 1, " of ", waves, " (", u.how,
        p.zone_parallel ? absl::StrCat(", zone ", m.zone.empty() ? "unknown" : m.zone) : "",
        m.leader && u.plan.order == RolloutOrder::kFollowersFirst ? "; this is the leader" : "",
        ")");
    ends.push_back(RestartMember(chain, {m.ordinal, u.pods.at(m.ordinal)}, where,
                                 u.approval_member, u.any_leader_pod));
  }
  chain.frontier = ends;
  b_.Then(chain, WaveWait(names, w, waves));
  ++member_steps_;
}

void RolePlanner::Update(Chain& chain) {
  const std::vector<Candidate> candidates = UpdateCandidates();
  if (candidates.empty()) return;
  if (member_steps_ > 0 || (observed_sts_ != nullptr && n_ > r_obs_)) {
    // Whatever came before (repairs, new members, resizes) must have settled,
    // and every member be Ready, before the first Ready member is disrupted
    // (SPEC §4 rule 2 "membership first", ROLLOUT-RULES 3 and 23).
    b_.Then(chain, RoleWait(n_, Phase::kUpdate,
                            absl::StrCat("every member of ", role_.name, " (", n_, "/", n_,
                                         ") must be Ready before the first restart")));
    ++member_steps_;
  }
  const UpdateWaves u = PlanUpdateWaves(candidates);
  const int32_t interval = spec_.rollout.min_interval_seconds;
  const size_t waves = u.plan.waves.size();
  for (size_t w = 0; w < waves; ++w) {
    RestartWave(chain, u, w);
    if (interval > 0 && w + 1 < waves) {
      // The next wave's earliest start depends on when this one's restart
      // happens, which only a later observation tells.
      b_.plan().notes.push_back(absl::StrCat(
          "role ", role_.name, ": rollout.minIntervalSeconds=", interval, ": ", waves - w - 1,
          " more ", waves - w - 1 == 1 ? "wave" : "waves",
          " of restarts are planned once this one is done"));
      break;
    }
  }
}

}  // namespace strata::plan_internal
