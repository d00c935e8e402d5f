#include "plan/waves.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "kube/names.h"
#include "kube/quorum.h"

namespace strata::plan_internal {
namespace {

// Cuts `group` into waves of at most `budget` members, in order.
void Chunk(const std::vector<WaveMember>& group, int32_t budget,
           std::vector<std::vector<WaveMember>>& waves) {
  const size_t size = static_cast<size_t>(std::max(budget, 1));
  for (size_t i = 0; i < group.size(); i += size) {
    waves.emplace_back(group.begin() + i, group.begin() + std::min(group.size(), i + size));
  }
}

// Followers grouped by zone, zones in order of first appearance.
std::vector<std::vector<WaveMember>> ByZone(const std::vector<WaveMember>& followers) {
  std::vector<std::string> zones;
  std::map<std::string, std::vector<WaveMember>> by_zone;
  for (const WaveMember& m : followers) {
    if (!by_zone.count(m.zone)) zones.push_back(m.zone);
    by_zone[m.zone].push_back(m);
  }
  std::vector<std::vector<WaveMember>> out;
  for (const std::string& z : zones) out.push_back(std::move(by_zone[z]));
  return out;
}

}  // namespace

WavePlan PlanWaves(const WaveInputs& in) {
  WavePlan plan;
  plan.order = in.order;
  plan.order_note = kube::OrderName(in.order);
  if (in.order == RolloutOrder::kFollowersFirst) {
    if (!in.any_leader) {
      plan.order = RolloutOrder::kOrdinalDescending;
      plan.fell_back = true;
      plan.order_note = absl::StrCat(
          "followersFirst fell back to ordinalDescending: no pod carries ", in.leader_label,
          "=true");
    } else {
      plan.order_note =
          absl::StrCat("followersFirst, the leader (", in.leader_label, "=true) last");
    }
  }
  std::vector<WaveMember> members = in.members;
  std::sort(members.begin(), members.end(),
            [](const WaveMember& a, const WaveMember& b) { return a.ordinal < b.ordinal; });
  const RolloutOrder order = plan.order;
  std::stable_sort(members.begin(), members.end(),
                   [&](const WaveMember& a, const WaveMember& b) {
                     if (order == RolloutOrder::kFollowersFirst && a.leader != b.leader) {
                       return !a.leader;
                     }
                     if (order == RolloutOrder::kOrdinalAscending) return a.ordinal < b.ordinal;
                     return a.ordinal > b.ordinal;
                   });
  // Followers (grouped by zone under zoneParallel), leaders last, alone.
  std::vector<WaveMember> followers, leaders;
  for (const WaveMember& m : members) {
    (order == RolloutOrder::kFollowersFirst && m.leader ? leaders : followers).push_back(m);
  }
  if (in.zone_parallel) {
    for (const std::vector<WaveMember>& zone : ByZone(followers)) {
      Chunk(zone, in.budget, plan.waves);
    }
  } else {
    Chunk(followers, in.budget, plan.waves);
  }
  for (const WaveMember& m : leaders) plan.waves.push_back({m});
  return plan;
}

UpdateBudget BudgetOf(const Role& role, int32_t members) {
  const RolloutPolicy& p = role.rollout;
  bool quorum_capped = false;
  UpdateBudget out;
  out.budget = role.RolloutBudget(members, &quorum_capped);
  if (quorum_capped) {
    out.why = absl::StrCat(kube::StrategyName(p.strategy), ", up to ", out.budget,
                           " at a time (quorum keeps ", kube::Majority(members), " of ", members,
                           " available)");
  } else if (p.strategy == RolloutStrategy::kSerial) {
    out.why = "serial";
  } else {
    out.why = absl::StrCat(kube::StrategyName(p.strategy), ", up to ", out.budget, " at a time");
  }
  return out;
}

}  // namespace strata::plan_internal
