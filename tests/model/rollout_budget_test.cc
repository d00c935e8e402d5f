// Role::RolloutBudget: the one rule Compile (CompiledRole::max_unavailable),
// the planner and the simulator share.

#include "gtest/gtest.h"
#include "strata/role.h"

namespace strata {
namespace {

Role QuorumRole(RolloutStrategy strategy, IntOrPercent max_unavailable) {
  Role r;
  r.quorum = Quorum::kMajority;
  r.rollout.strategy = strategy;
  r.rollout.max_unavailable = max_unavailable;
  return r;
}

TEST(RolloutBudgetTest, QuorumCapsEveryStrategyButParallel) {
  const IntOrPercent all{.value = 100, .percent = true};
  bool capped = true;
  EXPECT_EQ(QuorumRole(RolloutStrategy::kSerial, all).RolloutBudget(5, &capped), 1);
  EXPECT_FALSE(capped);  // Serial is 1 already; the cap did not lower it.
  EXPECT_EQ(QuorumRole(RolloutStrategy::kBestEffortParallel, all).RolloutBudget(5, &capped), 2);
  EXPECT_TRUE(capped);
  EXPECT_EQ(QuorumRole(RolloutStrategy::kParallel, all).RolloutBudget(5, &capped), 5);
  EXPECT_FALSE(capped);
}

TEST(RolloutBudgetTest, NeverBelowOne) {
  bool capped = false;
  EXPECT_EQ(QuorumRole(RolloutStrategy::kSerial, {.value = 1}).RolloutBudget(2, &capped), 1);
  EXPECT_TRUE(capped);  // A majority of 2 is 2: the cap is 0, the budget stays 1.
  Role plain;
  plain.rollout.strategy = RolloutStrategy::kBestEffortParallel;
  plain.rollout.max_unavailable = {.value = 10, .percent = true};
  EXPECT_EQ(plain.RolloutBudget(3), 1);
  EXPECT_EQ(plain.RolloutBudget(30), 3);
}

}  // namespace
}  // namespace strata
