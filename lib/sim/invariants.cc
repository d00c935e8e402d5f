// The simulator's invariant checks (sim/invariants.h).

#include "sim/invariants.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "kube/quorum.h"
#include "strata/maintenance.h"
#include "util/rfc3339.h"

namespace strata::sim {
namespace {


bool DependsOn(const CompiledRole& role, const std::string& dep) {
  return std::find(role.depends_on.begin(), role.depends_on.end(), dep) !=
         role.depends_on.end();
}

}  // namespace

std::map<int32_t, Member> MembersOf(const KubeModel& kube, const CompiledRole& role) {
  std::map<int32_t, Member> out;
  int64_t replicas = 0;
  if (const Json* sts = kube.Find(kube::kKindStatefulSet, role.stateful_set)) {
    replicas = kube::IntAt(*sts, {"spec", "replicas"}, 1);
  }
  for (int32_t i = 0; i < replicas; ++i) {
    out[i] = Member{.ordinal = i, .pod = kube::PodName(role.stateful_set, i)};
  }
  for (const auto& [ordinal, pod] : kube.PodsOf(role.stateful_set)) {
    out[ordinal] = Member{.ordinal = ordinal, .pod = kube::StringAt(*pod, {"metadata", "name"})};
  }
  const std::string& leader_label = role.role.rollout.leader_label;
  for (auto& [ordinal, m] : out) {
    const Json* pod = kube.Find(kube::kKindPod, m.pod);
    if (pod == nullptr) continue;
    m.exists = true;
    m.ready = kube.PodReady(m.pod);
    std::optional<absl::Time> since = kube.ReadySince(m.pod);
    m.available = since.has_value() &&
                  *since + absl::Seconds(role.role.rollout.min_ready_seconds) <= kube.now();
    m.at_spec = kube::StringAt(*pod, {"metadata", "annotations", kube::kSpecHashAnnotation}) ==
                role.spec_hash;
    m.leader = !leader_label.empty() &&
               kube::StringAt(*pod, {"metadata", "labels", leader_label.c_str()}) == "true";
  }
  return out;
}

const CompiledRole* RoleOfPod(const CompiledCluster& desired, const std::string& pod,
                              int32_t* ordinal) {
  for (const CompiledRole& role : desired.roles) {
    if (auto o = kube::OrdinalOf(pod, role.stateful_set)) {
      if (ordinal != nullptr) *ordinal = *o;
      return &role;
    }
  }
  return nullptr;
}

const CompiledRole* RoleOfStatefulSet(const CompiledCluster& desired, const std::string& sts) {
  for (const CompiledRole& role : desired.roles) {
    if (role.stateful_set == sts) return &role;
  }
  return nullptr;
}

// --- what the checker remembers ----------------------------------------------

void InvariantChecker::PlanMade() {
  available_at_plan_.clear();
  unready_at_plan_.clear();
  existed_at_plan_.clear();
  leader_at_plan_.clear();
  for (const CompiledRole& role : desired_.roles) {
    for (const auto& [o, m] : MembersOf(kube_, role)) {
      if (m.available) available_at_plan_.insert(m.pod);
      if (m.exists && !m.ready) unready_at_plan_.insert(m.pod);
      if (m.exists) existed_at_plan_.insert(m.pod);
      if (m.leader) leader_at_plan_.insert(m.pod);
    }
  }
}

void InvariantChecker::PassStarts(const Plan& plan) {
  wave_.clear();
  succeeded_.clear();
  std::vector<bool> unwaited(plan.steps.size() + 1, false);
  for (const Step& s : plan.steps) {
    bool ok = s.action != Action::kWait;
    for (int32_t a : s.after) {
      ok &= a >= 1 && a < s.id && unwaited[a];
    }
    unwaited[s.id] = ok && s.action != Action::kWait;
    if (ok && s.action == Action::kRestart) wave_.insert(s.target.name);
  }
}

std::vector<std::string> InvariantChecker::StepStarted(const Step& step) const {
  Out out;
  for (int32_t a : step.after) {
    if (succeeded_.count(a) == 0) {
      out.push_back(absl::StrCat("step ", step.id, " (", ActionName(step.action), " ",
                                 step.target.kind, " ", step.target.name, ") ran before step ", a,
                                 ", which it waits for, succeeded"));
    }
  }
  return out;
}

void InvariantChecker::HookRan(Hook hook, const std::string& target) {
  if (hook == Hook::kMemberLeave) member_left_.insert(target);
  if (hook == Hook::kMemberJoin) member_left_.erase(target);
}

bool InvariantChecker::DownSincePlan(const std::string& pod) const {
  return faults_.TookReady(pod) ||
         (faults_.HitThisRound(pod) && available_at_plan_.count(pod) > 0);
}

bool InvariantChecker::PlanDown(const Member& m) const {
  return !m.ready && !faults_.Transient(m.pod) && !DownSincePlan(m.pod);
}

bool InvariantChecker::Replacing(const CompiledRole& role, const std::string& pod) const {
  bool replacing = false;
  for (const MemberReplace& r : role.replace) replacing |= r.member == pod;
  return replacing;
}

int64_t InvariantChecker::Replicas(const std::string& sts) const {
  const Json* object = kube_.Find(kube::kKindStatefulSet, sts);
  return object == nullptr ? 0 : kube::IntAt(*object, {"spec", "replicas"}, 1);
}

// --- steps ---------------------------------------------------------------------

std::vector<std::string> InvariantChecker::BeforeApply(const Step& step) const {
  Out out;
  if (step.target.kind != kube::kKindStatefulSet) return out;
  const CompiledRole* role = RoleOfStatefulSet(desired_, step.target.name);
  if (role != nullptr && step.object.is_object()) CheckStatefulSetApply(*role, step, out);
  return out;
}

std::vector<std::string> InvariantChecker::BeforeDelete(const Step& step) {
  Out out;
  const Target& t = step.target;
  if (t.kind == kube::kKindPod) {
    int32_t ordinal = 0;
    if (const CompiledRole* role = RoleOfPod(desired_, t.name, &ordinal)) {
      CheckDisruption(*role, ordinal, "delete", out);
    }
  } else if (t.kind == kube::kKindStatefulSet && !step.orphan) {
    if (const CompiledRole* role = RoleOfStatefulSet(desired_, t.name)) {
      for (const auto& [ordinal, m] : MembersOf(kube_, *role)) {
        if (m.exists) CheckDisruption(*role, ordinal, "delete (cascading)", out);
      }
    }
  }
  if (t.kind == kube::kKindStatefulSet) {
    deleted_sts_[t.name] = step.orphan ? "orphan" : "cascade";
    const Json* sts = kube_.Find(kube::kKindStatefulSet, t.name);
    if (sts != nullptr && step.orphan) {
      orphaned_replicas_[t.name] = kube::IntAt(*sts, {"spec", "replicas"}, 1);
    }
  }
  return out;
}

std::vector<std::string> InvariantChecker::BeforeRestart(const Step& step) {
  Out out;
  int32_t ordinal = 0;
  if (const CompiledRole* role = RoleOfPod(desired_, step.target.name, &ordinal)) {
    CheckDisruption(*role, ordinal, "restart", out);
    CheckPacing(*role, step, out);
  }
  return out;
}

// --- disruption ------------------------------------------------------------------

void InvariantChecker::CheckDisruption(const CompiledRole& role, int32_t ordinal,
                                       const std::string& how, Out& out) const {
  std::map<int32_t, Member> members = MembersOf(kube_, role);
  auto it = members.find(ordinal);
  // Already out, or out when the plan was made (a repair of an unready
  // member that came up while the round ran is planned on what was seen).
  if (it == members.end() || !it->second.available ||
      available_at_plan_.count(it->second.pod) == 0) {
    return;
  }
  const Member& target = it->second;
  CheckBudgetAndQuorum(role, members, target, how, out);
  // A requested replacement (SPEC-2 §9 replace) restarts a member at the
  // desired spec on purpose; it is exempt from the needless-restart and
  // rolling-order checks, not from the budget and quorum checks.
  if (target.at_spec && how == "restart" && !faults_.HitThisRound(target.pod) &&
      !Replacing(role, target.pod)) {
    out.push_back(absl::StrCat("restart ", target.pod,
                               " which already runs the desired spec (needless restart)"));
  }
  CheckPastStuck(members, target, how, out);
  if (!target.at_spec && !role.role.rollout.zone_parallel && !Replacing(role, target.pod)) {
    CheckOrder(role, members, target, how, out);
  }
  CheckDependencies(role, absl::StrCat(how, " ", target.pod), out);
}

void InvariantChecker::CheckBudgetAndQuorum(const CompiledRole& role,
                                            const std::map<int32_t, Member>& members,
                                            const Member& target, const std::string& how,
                                            Out& out) const {
  // A member a fault took down after this round's plan was made counts as
  // available: the planner could not have known (the gate would catch it in
  // a real cluster; the next plan sees it).
  int32_t unavailable = 0;
  int32_t available_after = 0;
  std::vector<std::string> down;
  for (const auto& [o, m] : members) {
    if (o == target.ordinal) continue;
    if (m.available || DownSincePlan(m.pod)) {
      ++available_after;
    } else {
      ++unavailable;
      down.push_back(existed_at_plan_.count(m.pod) > 0
                         ? m.pod
                         : absl::StrCat(m.pod, " added by this plan, not Ready yet"));
    }
  }
  // Role::RolloutBudget (CompiledRole::max_unavailable) lets strategy
  // parallel opt out of the quorum cap (ROLLOUT-RULES 5); such a role is
  // exempt from the majority check below too.
  const bool quorum = role.role.quorum == Quorum::kMajority;
  const bool quorum_opt_out = quorum && role.role.rollout.strategy == RolloutStrategy::kParallel;
  const int32_t budget = role.max_unavailable;
  const char* strategy = kube::StrategyName(role.role.rollout.strategy);
  if (unavailable >= budget) {
    out.push_back(absl::StrCat(how, " ", target.pod, " while ", unavailable,
                               " member(s) of role ", role.name, " were unavailable (",
                               absl::StrJoin(down, ", "), "); budget ", budget, " (", strategy,
                               quorum ? ", quorum" : "", ")"));
  }
  // Quorum: a 1- or 2-member quorum role cannot be rolled without losing it
  // (ROLLOUT-RULES 24 allows it with a warning), so only n >= 3 is checked.
  int32_t n = static_cast<int32_t>(members.size());
  if (quorum && !quorum_opt_out && n >= 3 && available_after < kube::Majority(n)) {
    bool added = std::any_of(down.begin(), down.end(), [](const std::string& d) {
      return absl::StrContains(d, "added by this plan");
    });
    out.push_back(absl::StrCat(how, " ", target.pod, " leaves quorum role ", role.name, " with ",
                               available_after, " available of ", n, " (needs ", kube::Majority(n),
                               "; ", strategy, ")",
                               added ? "; down: members added by this plan, not Ready yet" : ""));
  }
}

void InvariantChecker::CheckPastStuck(const std::map<int32_t, Member>& members,
                                      const Member& target, const std::string& how,
                                      Out& out) const {
  // Past a stuck member: one the plan already saw not Ready (a member
  // restarted in the same wave is not yet known to be stuck).
  for (const auto& [o, m] : members) {
    if (o != target.ordinal && faults_.Stuck(m.pod, kube_) && unready_at_plan_.count(m.pod) > 0) {
      out.push_back(absl::StrCat(how, " ", target.pod, " past stuck member ", m.pod,
                                 " (never Ready): the plan must stop at it"));
    }
  }
}

void InvariantChecker::CheckOrder(const CompiledRole& role,
                                  const std::map<int32_t, Member>& members, const Member& target,
                                  const std::string& how, Out& out) const {
  // Order among the Ready members still to update.
  const RolloutPolicy& policy = role.role.rollout;
  bool has_leader = false;
  for (const auto& [o, m] : members) has_leader |= m.leader;
  bool followers_first = policy.order == RolloutOrder::kFollowersFirst && has_leader;
  for (const auto& [o, m] : members) {
    if (o == target.ordinal || m.at_spec || !m.exists || wave_.count(m.pod) > 0) continue;
    // A leadership a fault moved after the plan was made is not the
    // planner's to know (the next plan re-resolves it).
    if (followers_first && target.leader &&
        (leader_at_plan_.count(target.pod) > 0 || !faults_.AnyHitThisRound())) {
      out.push_back(absl::StrCat("restart leader ", target.pod, " of role ", role.name,
                                 " before follower ", m.pod, " (followersFirst: leader last)"));
      return;
    }
    bool m_leader = m.leader || leader_at_plan_.count(m.pod) > 0;
    if (!m.available || (followers_first && m_leader)) continue;
    bool ascending = policy.order == RolloutOrder::kOrdinalAscending;
    if (ascending ? o < target.ordinal : o > target.ordinal) {
      out.push_back(absl::StrCat(how, " ", target.pod, " before ", m.pod, " (order ",
                                 kube::OrderName(ascending ? RolloutOrder::kOrdinalAscending
                                                           : RolloutOrder::kOrdinalDescending),
                                 ")"));
      return;
    }
  }
}

void InvariantChecker::CheckDependencies(const CompiledRole& role, const std::string& what,
                                         Out& out) const {
  for (const std::string& dep_name : role.depends_on) {
    const CompiledRole* dep = desired_.FindRole(dep_name);
    if (dep == nullptr) continue;
    std::map<int32_t, Member> members = MembersOf(kube_, *dep);
    std::vector<std::string> problems;
    for (int32_t i = 0; i < dep->members; ++i) {
      auto it = members.find(i);
      std::string pod = kube::PodName(dep->stateful_set, i);
      if (it == members.end() || !it->second.exists) {
        problems.push_back(absl::StrCat(pod, " missing"));
      } else if (!it->second.at_spec) {
        problems.push_back(absl::StrCat(pod, " not updated"));
      } else if (!it->second.ready && !faults_.Transient(pod) && !DownSincePlan(pod)) {
        problems.push_back(absl::StrCat(pod, " not Ready"));
      }
    }
    if (!problems.empty()) {
      out.push_back(absl::StrCat(what, " of role ", role.name, " while its dependency ",
                                 dep_name, " is not settled (", absl::StrJoin(problems, ", "),
                                 ")"));
    }
  }
}

void InvariantChecker::CheckPacing(const CompiledRole& role, const Step& step, Out& out) {
  const absl::Time now = kube_.now();
  // Restarting a member that was down already repairs it; only disrupting an
  // available one waits for a window (as it needs no approval).
  if (!desired_.maintenance.windows.empty() && available_at_plan_.count(step.target.name) > 0) {
    std::optional<WindowSpan> span = CurrentOrNextWindow(desired_.maintenance.windows, now);
    if (!span.has_value() || span->start > now) {
      out.push_back(absl::StrCat(
          "restart ", step.target.name, " at ", Rfc3339(now), " outside every maintenance window",
          span.has_value() ? absl::StrCat(" (the next is ", span->ToString(), ")") : ""));
    }
  }
  if (step.phase != Phase::kUpdate) return;
  const int32_t interval = role.role.rollout.min_interval_seconds;
  auto last = last_restart_.find(role.name);
  // Members of one wave restart at the same moment; a later restart is the
  // next wave. Measured in whole seconds, as the planner can: it sees the
  // restart only as the new pod's creationTimestamp.
  const absl::Time since = absl::FromUnixSeconds(absl::ToUnixSeconds(
      last != last_restart_.end() ? last->second : absl::UnixEpoch()));
  if (interval > 0 && last != last_restart_.end() && now != last->second &&
      now - since < absl::Seconds(interval)) {
    out.push_back(absl::StrCat("restart ", step.target.name, " at ", Rfc3339(now), " only ",
                               absl::FormatDuration(now - since),
                               " after the role's last restart (rollout.minIntervalSeconds=",
                               interval, ")"));
  }
  last_restart_[role.name] = now;
}

// --- membership ------------------------------------------------------------------

void InvariantChecker::CheckStatefulSetApply(const CompiledRole& role, const Step& step,
                                             Out& out) const {
  int64_t want = kube::IntAt(step.object, {"spec", "replicas"}, 1);
  int64_t have = 0;
  if (kube_.Find(kube::kKindStatefulSet, role.stateful_set) == nullptr) {
    // A re-creation (after an orphaning delete) finds its pods still there
    // and is held to the same membership rules as a change of replicas.
    std::map<int32_t, const Json*> pods = kube_.PodsOf(role.stateful_set);
    if (pods.empty()) {
      CheckCreate(role, want, out);
      return;
    }
    auto orphaned = orphaned_replicas_.find(role.stateful_set);
    have = orphaned != orphaned_replicas_.end() ? orphaned->second : pods.rbegin()->first + 1;
  } else {
    have = Replicas(role.stateful_set);
  }
  if (want == have) return;
  if (desired_.stopped && want == 0) {
    CheckStop(role, out);
    return;
  }
  CheckReplicaChange(role, have, want, out);
}

void InvariantChecker::CheckCreate(const CompiledRole& role, int64_t want, Out& out) const {
  if (want > 0) {
    CheckDependencies(role, absl::StrCat("create StatefulSet ", role.stateful_set), out);
  }
  if (want > 1 && role.role.rollout.initial == InitialRollout::kSerial) {
    out.push_back(absl::StrCat("create StatefulSet ", role.stateful_set, " with ", want,
                               " replicas: role ", role.name,
                               " (rollout.initial: serial) must start with one member"));
  }
}

void InvariantChecker::CheckStop(const CompiledRole& role, Out& out) const {
  // Stop: all at once, no memberLeave, but dependents must be gone first.
  for (const CompiledRole& other : desired_.roles) {
    if (DependsOn(other, role.name) && !kube_.PodsOf(other.stateful_set).empty()) {
      out.push_back(absl::StrCat("stop of ", role.name, " while ", other.name,
                                 ", which depends on it, still has pods"));
    }
  }
}

void InvariantChecker::CheckReplicaChange(const CompiledRole& role, int64_t have, int64_t want,
                                          Out& out) const {
  if (have == 0) {
    CheckDependencies(role, absl::StrCat("start StatefulSet ", role.stateful_set), out);
  }
  const Role& spec = role.role;
  const bool serial_start = spec.rollout.initial == InitialRollout::kSerial;
  bool stepped = spec.quorum == Quorum::kMajority || spec.lifecycle.member_leave.has_value() ||
                 spec.lifecycle.member_join.has_value() || serial_start;
  if (stepped && std::abs(want - have) > 1 && have > 0) {
    out.push_back(absl::StrCat("StatefulSet ", role.stateful_set, " replicas ", have, " -> ",
                               want, ": role ", role.name,
                               " (quorum, member hooks or rollout.initial: serial) must change "
                               "by one at a time"));
  }
  if (serial_start && have == 0 && want > 1) {
    out.push_back(absl::StrCat("StatefulSet ", role.stateful_set, " replicas 0 -> ", want,
                               ": role ", role.name,
                               " (rollout.initial: serial) must start with one member"));
  }
  if (want < have) {
    for (int64_t o = want; o < have; ++o) {
      std::string pod = kube::PodName(role.stateful_set, static_cast<int32_t>(o));
      if (spec.lifecycle.member_leave.has_value() && kube_.Find(kube::kKindPod, pod) != nullptr &&
          member_left_.count(pod) == 0) {
        out.push_back(absl::StrCat("scale-in removes ", pod, " before memberLeave ran in it"));
      }
    }
    return;
  }
  if (!stepped || have == 0) return;
  for (const auto& [o, m] : MembersOf(kube_, role)) {
    if (o < have && PlanDown(m)) {
      out.push_back(absl::StrCat("scale-out of ", role.name, " to ", want, " while ", m.pod,
                                 " is not Ready (members are added one at a time)"));
      return;
    }
  }
}

// --- PVCs ------------------------------------------------------------------------

std::vector<std::string> InvariantChecker::PvcDeleted(const std::string& name,
                                                      bool member_left) const {
  if (desired_.stopped) {
    return {absl::StrCat("PVC ", name,
                         " deleted while the cluster is stopped (stop keeps every PVC)")};
  }
  for (const CompiledRole& role : desired_.roles) {
    for (const Storage& storage : role.storage) {
      std::string prefix = absl::StrCat(storage.name, "-");
      if (name.rfind(prefix, 0) != 0) continue;
      std::optional<int32_t> ordinal =
          kube::OrdinalOf(absl::string_view(name).substr(prefix.size()), role.stateful_set);
      if (!ordinal.has_value()) continue;
      std::string pod = kube::PodName(role.stateful_set, *ordinal);
      int64_t replicas = Replicas(role.stateful_set);
      bool left = member_left_.count(pod) > 0;
      if (storage.on_scale_down == VolumePolicy::kDelete && *ordinal >= replicas) {
        // Scale-in deletes the claim, but only once the member left: its
        // data must not vanish while the system still counts it (a node
        // lost mid-scale-in must not let the planner skip memberLeave).
        if (role.role.lifecycle.member_leave.has_value() && !left && !member_left &&
            kube_.Find(kube::kKindStatefulSet, role.stateful_set) != nullptr) {
          return {absl::StrCat("PVC ", name, " of ", pod,
                               " deleted on scale-in before its memberLeave succeeded")};
        }
        return {};
      }
      // A replaced member's PVCs go, but only after its memberLeave
      // succeeded (SPEC-2 §9 replace).
      if (Replacing(role, pod)) {
        if (!role.role.lifecycle.member_leave.has_value() || left) return {};
        return {absl::StrCat("PVC ", name, " of ", pod,
                             " deleted for a replacement before its memberLeave succeeded")};
      }
      if (storage.after_leave == AfterLeave::kWipe && (left || member_left)) return {};
      auto deleted = deleted_sts_.find(role.stateful_set);
      if (storage.on_cluster_delete == VolumePolicy::kDelete && deleted != deleted_sts_.end() &&
          deleted->second == "cascade") {
        return {};
      }
      return {absl::StrCat(
          "PVC ", name, " deleted, but role ", role.name, " storage ", storage.name,
          " says onScaleDown ",
          storage.on_scale_down == VolumePolicy::kDelete ? "delete" : "retain",
          ", afterLeave ", storage.after_leave == AfterLeave::kWipe ? "wipe" : "keep", " (member ",
          pod, left ? " left" : " did not leave", ", replicas ", replicas, ")")};
    }
  }
  return {};
}

// --- plan shape and convergence ----------------------------------------------------

std::vector<std::string> InvariantChecker::CheckPlanShape(const Plan& plan) {
  Out out;
  std::set<int32_t> ids;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    if (s.id != static_cast<int32_t>(i) + 1) {
      out.push_back(absl::StrCat("plan step at position ", i + 1, " has id ", s.id));
    }
    for (int32_t a : s.after) {
      if (ids.count(a) == 0) {
        out.push_back(
            absl::StrCat("step ", s.id, " waits for step ", a, " which does not come before it"));
      }
    }
    ids.insert(s.id);
  }
  for (int32_t n : plan.next) {
    if (ids.count(n) == 0) {
      out.push_back(absl::StrCat("next names unknown step ", n));
    } else if (!plan.steps[n - 1].after.empty()) {
      out.push_back(absl::StrCat("next names step ", n, " which waits for other steps"));
    }
  }
  if (plan.next.empty() && !plan.steps.empty()) {
    out.push_back("the plan has steps but nothing in next");
  }
  return out;
}

std::vector<std::string> InvariantChecker::Converged() const {
  Out out;
  if (desired_.stopped) {
    CheckStoppedConverged(out);
    return out;
  }
  for (const CompiledRole& role : desired_.roles) CheckRoleConverged(role, out);
  CheckObjectsConverged(out);
  return out;
}

void InvariantChecker::CheckStoppedConverged(Out& out) const {
  for (const CompiledRole& role : desired_.roles) {
    const Json* sts = kube_.Find(kube::kKindStatefulSet, role.stateful_set);
    if (sts != nullptr && kube::IntAt(*sts, {"spec", "replicas"}, 1) != 0) {
      out.push_back(absl::StrCat("converged while stopped, but StatefulSet ", role.stateful_set,
                                 " has replicas ", kube::IntAt(*sts, {"spec", "replicas"}, 1)));
    }
    if (!kube_.PodsOf(role.stateful_set).empty()) {
      out.push_back(absl::StrCat("converged while stopped, but ", role.name, " still has pods"));
    }
  }
}

void InvariantChecker::CheckRoleConverged(const CompiledRole& role, Out& out) const {
  const Json* sts = kube_.Find(kube::kKindStatefulSet, role.stateful_set);
  if (sts == nullptr) {
    out.push_back(absl::StrCat("converged, but StatefulSet ", role.stateful_set, " is missing"));
    return;
  }
  if (kube::IntAt(*sts, {"spec", "replicas"}, 1) != role.members) {
    out.push_back(absl::StrCat("converged, but StatefulSet ", role.stateful_set,
                               " has replicas ", kube::IntAt(*sts, {"spec", "replicas"}, 1),
                               ", want ", role.members));
  }
  for (const auto& [ordinal, m] : MembersOf(kube_, role)) {
    if (ordinal >= role.members) {
      if (m.exists) out.push_back(absl::StrCat("converged, but surplus pod ", m.pod, " exists"));
      continue;
    }
    if (!m.exists || !m.ready) {
      out.push_back(absl::StrCat("converged, but ", m.pod, " is not Ready"));
    } else if (!m.at_spec) {
      out.push_back(
          absl::StrCat("converged, but ", m.pod, " does not run spec ", role.spec_hash));
    }
  }
}

void InvariantChecker::CheckObjectsConverged(Out& out) const {
  for (const Object& object : desired_.objects) {
    const Json* have = kube_.Find(object.kind, object.name);
    if (have == nullptr) {
      if (!kube_.Objects(object.kind).empty() || object.kind == kube::kKindStatefulSet ||
          object.kind == kube::kKindService || object.kind == kube::kKindConfigMap ||
          object.kind == kube::kKindPdb) {
        out.push_back(
            absl::StrCat("converged, but ", object.kind, " ", object.name, " is missing"));
      }
      continue;
    }
    const char* field = object.kind == kube::kKindConfigMap ? "data" : "spec";
    if (object.kind == kube::kKindStatefulSet) {
      if (kube::At(*have, {"spec", "template"}) != kube::At(object.body, {"spec", "template"})) {
        out.push_back(absl::StrCat("converged, but StatefulSet ", object.name,
                                   " does not have the desired pod template"));
      }
    } else if (object.kind != kube::kKindService &&
               kube::At(*have, {field}) != kube::At(object.body, {field})) {
      out.push_back(absl::StrCat("converged, but ", object.kind, " ", object.name,
                                 " differs from the desired ", field));
    }
  }
}

}  // namespace strata::sim
