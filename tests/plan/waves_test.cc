// Table tests of the update phase's pure pieces (plan/waves.h): the budget a
// role's strategy and quorum allow, and the waves PlanWaves cuts per order,
// zone mode and budget.

#include "plan/waves.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/role.h"

namespace strata::plan_internal {
namespace {

using ::testing::ElementsAreArray;

using Waves = std::vector<std::vector<int32_t>>;

Waves Ordinals(const WavePlan& plan) {
  Waves out;
  for (const std::vector<WaveMember>& wave : plan.waves) {
    out.emplace_back();
    for (const WaveMember& m : wave) out.back().push_back(m.ordinal);
  }
  return out;
}

// Five members over three zones: a = {0, 3}, b = {1, 4}, c = {2}; member 2
// is the leader when `leader` is set.
std::vector<WaveMember> FiveMembers(bool leader) {
  const char* zones[] = {"a", "b", "c", "a", "b"};
  std::vector<WaveMember> out;
  for (int32_t k = 0; k < 5; ++k) out.push_back({k, leader && k == 2, zones[k]});
  return out;
}

Role MakeRole(RolloutStrategy strategy, int32_t max_unavailable, bool quorum) {
  Role role;
  role.rollout.strategy = strategy;
  role.rollout.max_unavailable = IntOrPercent{.value = max_unavailable};
  role.rollout.leader_label = "leader";
  role.quorum = quorum ? Quorum::kMajority : Quorum::kNone;
  return role;
}

struct BudgetCase {
  const char* name;
  RolloutStrategy strategy;
  int32_t max_unavailable;
  bool quorum;
  int32_t members;
  int32_t budget;
  std::string why;
};

class BudgetTest : public ::testing::TestWithParam<BudgetCase> {};

TEST_P(BudgetTest, StrategyAndQuorumGiveTheBudget) {
  const BudgetCase& c = GetParam();
  UpdateBudget b = BudgetOf(MakeRole(c.strategy, c.max_unavailable, c.quorum), c.members);
  EXPECT_EQ(b.budget, c.budget);
  EXPECT_EQ(b.why, c.why);
}

INSTANTIATE_TEST_SUITE_P(
    Budgets, BudgetTest,
    ::testing::Values(
        BudgetCase{"SerialIsOne", RolloutStrategy::kSerial, 3, false, 5, 1, "serial"},
        BudgetCase{"SerialQuorumIsOne", RolloutStrategy::kSerial, 3, true, 5, 1, "serial"},
        BudgetCase{"BestEffortTakesMaxUnavailable", RolloutStrategy::kBestEffortParallel, 2,
                   false, 5, 2, "bestEffortParallel, up to 2 at a time"},
        BudgetCase{"QuorumOfFiveKeepsThree", RolloutStrategy::kBestEffortParallel, 3, true, 5,
                   2, "bestEffortParallel, up to 2 at a time (quorum keeps 3 of 5 available)"},
        BudgetCase{"QuorumOfThreeKeepsTwo", RolloutStrategy::kBestEffortParallel, 3, true, 3, 1,
                   "bestEffortParallel, up to 1 at a time (quorum keeps 2 of 3 available)"},
        BudgetCase{"QuorumOfTwoStillRestartsOne", RolloutStrategy::kBestEffortParallel, 2,
                   true, 2, 1,
                   "bestEffortParallel, up to 1 at a time (quorum keeps 2 of 2 available)"},
        BudgetCase{"QuorumBelowTheCapIsNotCapped", RolloutStrategy::kBestEffortParallel, 2,
                   true, 7, 2, "bestEffortParallel, up to 2 at a time"},
        BudgetCase{"ParallelOptsOutOfTheQuorum", RolloutStrategy::kParallel, 4, true, 5, 4,
                   "parallel, up to 4 at a time"}),
    [](const ::testing::TestParamInfo<BudgetCase>& info) { return info.param.name; });

struct WaveCase {
  const char* name;
  RolloutOrder order;
  bool zone_parallel;
  RolloutStrategy strategy;
  int32_t max_unavailable;
  bool quorum;
  bool leader;  // Member 2 is the leader.
  Waves waves;
};

class WavesTest : public ::testing::TestWithParam<WaveCase> {};

TEST_P(WavesTest, OrderZonesAndBudgetCutTheWaves) {
  const WaveCase& c = GetParam();
  const UpdateBudget budget = BudgetOf(MakeRole(c.strategy, c.max_unavailable, c.quorum), 5);
  WavePlan plan = PlanWaves({.members = FiveMembers(c.leader),
                             .order = c.order,
                             .zone_parallel = c.zone_parallel,
                             .budget = budget.budget,
                             .leader_label = "leader",
                             .any_leader = c.leader});
  EXPECT_THAT(Ordinals(plan), ElementsAreArray(c.waves));
  EXPECT_EQ(plan.fell_back, c.order == RolloutOrder::kFollowersFirst && !c.leader);
}

constexpr auto kDesc = RolloutOrder::kOrdinalDescending;
constexpr auto kAsc = RolloutOrder::kOrdinalAscending;
constexpr auto kFollowers = RolloutOrder::kFollowersFirst;
constexpr auto kSerial = RolloutStrategy::kSerial;
constexpr auto kBestEffort = RolloutStrategy::kBestEffortParallel;

INSTANTIATE_TEST_SUITE_P(
    Waves, WavesTest,
    ::testing::Values(
        // serial: one member per wave, in the order.
        WaveCase{"SerialDescending", kDesc, false, kSerial, 1, false, false,
                 {{4}, {3}, {2}, {1}, {0}}},
        WaveCase{"SerialAscending", kAsc, false, kSerial, 1, false, false,
                 {{0}, {1}, {2}, {3}, {4}}},
        WaveCase{"SerialFollowersFirst", kFollowers, false, kSerial, 1, false, true,
                 {{4}, {3}, {1}, {0}, {2}}},
        WaveCase{"SerialFollowersFirstWithoutLeader", kFollowers, false, kSerial, 1, false,
                 false, {{4}, {3}, {2}, {1}, {0}}},
        // Under zoneParallel the zones go in the order of their first member.
        WaveCase{"SerialDescendingByZone", kDesc, true, kSerial, 1, false, false,
                 {{4}, {1}, {3}, {0}, {2}}},
        WaveCase{"SerialAscendingByZone", kAsc, true, kSerial, 1, false, false,
                 {{0}, {3}, {1}, {4}, {2}}},
        WaveCase{"SerialFollowersFirstByZone", kFollowers, true, kSerial, 1, false, true,
                 {{4}, {1}, {3}, {0}, {2}}},
        // bestEffortParallel: waves of maxUnavailable.
        WaveCase{"BestEffortDescending", kDesc, false, kBestEffort, 2, false, false,
                 {{4, 3}, {2, 1}, {0}}},
        WaveCase{"BestEffortAscending", kAsc, false, kBestEffort, 3, false, false,
                 {{0, 1, 2}, {3, 4}}},
        WaveCase{"BestEffortFollowersFirstLeaderAlone", kFollowers, false, kBestEffort, 3,
                 false, true, {{4, 3, 1}, {0}, {2}}},
        WaveCase{"BestEffortFollowersFirstWithoutLeader", kFollowers, false, kBestEffort, 2,
                 false, false, {{4, 3}, {2, 1}, {0}}},
        // A zone's members restart together, never two zones at once.
        WaveCase{"BestEffortDescendingByZone", kDesc, true, kBestEffort, 2, false, false,
                 {{4, 1}, {3, 0}, {2}}},
        WaveCase{"BestEffortAscendingByZone", kAsc, true, kBestEffort, 4, false, false,
                 {{0, 3}, {1, 4}, {2}}},
        WaveCase{"BestEffortFollowersFirstByZone", kFollowers, true, kBestEffort, 2, false,
                 true, {{4, 1}, {3, 0}, {2}}},
        // quorum: majority of 5 caps maxUnavailable 4 at 2.
        WaveCase{"QuorumDescending", kDesc, false, kBestEffort, 4, true, false,
                 {{4, 3}, {2, 1}, {0}}},
        WaveCase{"QuorumAscending", kAsc, false, kBestEffort, 4, true, false,
                 {{0, 1}, {2, 3}, {4}}},
        WaveCase{"QuorumFollowersFirst", kFollowers, false, kBestEffort, 4, true, true,
                 {{4, 3}, {1, 0}, {2}}},
        WaveCase{"QuorumDescendingByZone", kDesc, true, kBestEffort, 4, true, false,
                 {{4, 1}, {3, 0}, {2}}},
        WaveCase{"QuorumSerial", kAsc, false, kSerial, 4, true, false,
                 {{0}, {1}, {2}, {3}, {4}}}),
    [](const ::testing::TestParamInfo<WaveCase>& info) { return info.param.name; });

TEST(WavesTest, OnlyTheGivenMembersInAnyInputOrder) {
  WavePlan plan = PlanWaves({.members = {{0, false, ""}, {4, false, ""}, {2, false, ""}},
                             .order = RolloutOrder::kOrdinalDescending,
                             .budget = 2});
  EXPECT_THAT(Ordinals(plan), ElementsAreArray(Waves{{4, 2}, {0}}));
  EXPECT_EQ(plan.order_note, "ordinalDescending");
}

TEST(WavesTest, OrderNotesSayWhereTheLeaderGoes) {
  WaveInputs in{.members = FiveMembers(true),
                .order = RolloutOrder::kFollowersFirst,
                .leader_label = "example.com/leader",
                .any_leader = true};
  EXPECT_EQ(PlanWaves(in).order_note, "followersFirst, the leader (example.com/leader=true) last");
  // A leader that is already updated still counts: the others go first.
  in.members = {{0, false, ""}, {1, false, ""}};
  WavePlan plan = PlanWaves(in);
  EXPECT_FALSE(plan.fell_back);
  EXPECT_THAT(Ordinals(plan), ElementsAreArray(Waves{{1}, {0}}));
  in.any_leader = false;
  plan = PlanWaves(in);
  EXPECT_TRUE(plan.fell_back);
  EXPECT_EQ(plan.order, RolloutOrder::kOrdinalDescending);
  EXPECT_EQ(plan.order_note,
            "followersFirst fell back to ordinalDescending: no pod carries "
            "example.com/leader=true");
}

TEST(WavesTest, UnknownZoneIsAZoneOfItsOwn) {
  WavePlan plan = PlanWaves({.members = {{0, false, "a"}, {1, false, ""}, {2, false, "a"}},
                             .order = RolloutOrder::kOrdinalAscending,
                             .zone_parallel = true,
                             .budget = 3});
  EXPECT_THAT(Ordinals(plan), ElementsAreArray(Waves{{0, 2}, {1}}));
  EXPECT_EQ(plan.waves[1][0].zone, "");
}

}  // namespace
}  // namespace strata::plan_internal
