// The repair phase of RolePlanner: a member stuck at the current spec stops
// the plan; outdated members that are out already (not Ready, or stuck) are
// restarted without gate or budget; members that are not available are
// waited for before anyone else is disrupted.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "plan/role_planner.h"
#include "util/rfc3339.h"

namespace strata::plan_internal {

using kube::NameOf;

bool RolePlanner::Blocked(Chain& chain) {
  for (const auto& [ordinal, pod] : members_.by_ordinal) {
    if (IsTerminating(*pod) || IsReady(*pod) || !IsAtDesiredSpec(*pod, role_.spec_hash)) {
      continue;
    }
    std::string why = StuckReason(*pod);
    std::string name = NameOf(*pod);
    if (!why.empty()) {
      why = absl::StrCat(name, " is stuck at the current spec: ", why);
    } else if (std::optional<absl::Time> started = StartedAt(*pod);
               started.has_value() && now_ - *started > absl::Seconds(ready_timeout_)) {
      why = absl::StrCat(name, " has not become Ready within ", ready_timeout_,
                         "s of starting at ", Rfc3339(*started));
    } else {
      continue;
    }
    Step w = PodWait(ordinal, Phase::kRepair,
                     absl::StrCat(why, "; the plan stops here (no later member is touched) "
                                       "until it becomes Ready or the spec changes"));
    w.timeout_seconds = 0;
    b_.Then(chain, std::move(w));
    b_.plan().blocked = true;
    b_.plan().blocked_reason = why;
    b_.plan().notes.push_back(absl::StrCat("stopped at ", name, ": ", why));
    return true;
  }
  return false;
}

RolePlanner::RepairWork RolePlanner::PlanRepair() const {
  RepairWork work;
  const int32_t scope = std::min(n_, observed_sts_ ? r_obs_ : 0);
  for (int32_t k = 0; k < scope; ++k) {
    const Json* pod = PodAt(k);
    const std::string name = PodName(k);
    if (pod == nullptr) {
      work.waits.push_back({k, PodWait(k, Phase::kRepair,
                                       absl::StrCat(name, " does not exist yet: wait for the "
                                                          "StatefulSet to create it and for "
                                                          "it to become Ready"))});
      continue;
    }
    if (IsTerminating(*pod)) {
      work.waits.push_back({k, PodWait(k, Phase::kRepair,
                                       absl::StrCat(name, " is terminating: wait for it to "
                                                          "come back Ready"))});
      continue;
    }
    const bool outdated = !IsAtDesiredSpec(*pod, role_.spec_hash);
    const std::string stuck = StuckReason(*pod);
    if (outdated && (!IsReady(*pod) || !stuck.empty())) {
      work.restarts.push_back(
          {k, MakeStep(Action::kRestart, PodTarget(role_.stateful_set, role_.name, k),
                       Phase::kRepair,
                       absl::StrCat(ChangeSummary(*pod, desired_sts_, role_), " and ", name,
                                    " is ",
                                    stuck.empty() ? "not Ready"
                                                  : absl::StrCat("stuck (", stuck, ")"),
                                    ": restart it first; it is out already, so no gate and "
                                    "no budget"))});
      work.waits.push_back({k, PodWait(k, Phase::kRepair,
                                       absl::StrCat("wait for ", name,
                                                    " to be Ready at the new spec before "
                                                    "the next member"))});
      continue;
    }
    if (Available(*pod)) continue;
    std::string reason;
    if (IsReady(*pod)) {
      std::optional<absl::Time> since = ReadySince(*pod);
      reason = absl::StrCat(name, " is Ready since ", since ? Rfc3339(*since) : "an unknown time",
                            " but not yet for minReadySeconds=",
                            spec_.rollout.min_ready_seconds,
                            ": it counts as unavailable until then");
    } else {
      reason = absl::StrCat(name, " is not Ready: wait for it before disrupting anyone "
                                  "else (it counts against the budget)");
    }
    work.waits.push_back({k, PodWait(k, Phase::kRepair, reason)});
  }
  return work;
}

void RolePlanner::EmitRepair(Chain& chain, RepairWork work) {
  if (work.restarts.empty() && work.waits.empty()) return;
  std::map<int32_t, int32_t> restart_id;
  for (auto& [k, step] : work.restarts) {
    replaced_.insert(step.target.name);
    restart_id[k] = b_.Add(std::move(step), chain.frontier);
  }
  std::vector<int32_t> ends;
  for (auto& [k, step] : work.waits) {
    auto it = restart_id.find(k);
    ends.push_back(b_.Add(std::move(step), it == restart_id.end()
                                               ? chain.frontier
                                               : std::vector<int32_t>{it->second}));
  }
  member_steps_ += static_cast<int>(work.restarts.size() + work.waits.size());
  chain.frontier = ends;
}

}  // namespace strata::plan_internal
