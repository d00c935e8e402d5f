// Which outdated members of a role restart together (SPEC §4 rule 3,
// ROLLOUT-RULES 5-9): the role's order (ordinalDescending, ordinalAscending,
// followersFirst), grouped by zone under zoneParallel, cut into waves of at
// most the budget (strategy, maxUnavailable, capped by a majority quorum),
// a followersFirst leader alone and last. Pure: plain inputs, no planner;
// RolePlanner::Update (update.cc) emits the steps of each wave.
//
// Example:
//   UpdateBudget b = BudgetOf(role, 5);  // bestEffortParallel: 2 (quorum keeps 3)
//   WavePlan w = PlanWaves({.members = outdated, .order = role.rollout.order,
//                           .budget = b.budget});
//   for (const std::vector<WaveMember>& wave : w.waves) ...

#ifndef STRATA_PLAN_WAVES_H_
#define STRATA_PLAN_WAVES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "strata/role.h"
#include "strata/rollout_policy.h"

namespace strata::plan_internal {

// An outdated member to restart.
struct WaveMember {
  int32_t ordinal = 0;
  bool leader = false;  // Carries the role's leader label = "true".
  std::string zone;     // "" when unknown.

  bool operator==(const WaveMember&) const = default;
};

struct WaveInputs {
  std::vector<WaveMember> members;  // In any order.
  RolloutOrder order = RolloutOrder::kOrdinalDescending;
  bool zone_parallel = false;  // rollout.zoneParallel: one zone at a time.
  int32_t budget = 1;          // Members restarted together; >= 1.
  std::string leader_label;    // rollout.leaderLabel, for the note.
  // Whether any member of the role (outdated or not) is the leader: without
  // one, followersFirst falls back to ordinalDescending.
  bool any_leader = false;
};

struct WavePlan {
  RolloutOrder order = RolloutOrder::kOrdinalDescending;  // The order used.
  // How the order reads in reasons ("ordinalDescending", "followersFirst,
  // the leader (role=leader... last" or why followersFirst fell back).
  std::string order_note;
  bool fell_back = false;  // followersFirst without a leader.
  std::vector<std::vector<WaveMember>> waves;
};

WavePlan PlanWaves(const WaveInputs& in);

// How many members of `role` (of `members`) an update restarts at once, and
// how a reason says so ("serial", "bestEffortParallel, up to 2 at a time
// (quorum keeps 3 of 5 available)").
struct UpdateBudget {
  int32_t budget = 1;
  std::string why;
};
UpdateBudget BudgetOf(const Role& role, int32_t members);

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_WAVES_H_
