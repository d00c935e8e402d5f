// Pacing and windows in the planner (SPEC-2 §9): Cluster maintenance windows
// put a wait of condition window before every member restart and
// replacement (holding inside an opening, naming the next one outside), never
// before creating or scaling out; rollout.minIntervalSeconds puts a wait of
// condition notBefore before the first restart of a plan and plans one wave
// at a time. Table-driven under serial and bestEffortParallel.
//
// The fixtures plan at 2026-01-01T00:00:00Z, a Thursday.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plan/predicates.h"
#include "strata/compile.h"
#include "strata/maintenance.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "strata/simulate.h"
#include "tests/plan/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::plan_testing::Converged;
using ::strata::plan_testing::FindPod;
using ::strata::plan_testing::MakeCluster;
using ::strata::plan_testing::Now;
using ::strata::plan_testing::RoleSpec;
using ::strata::plan_testing::Summary;
using ::strata::testing::IsOk;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Plan MustPlan(const CompiledCluster& desired, const ObservedState& observed,
              absl::Time now = Now()) {
  absl::StatusOr<Plan> plan = PlanRollout(desired, observed, PlanOptions{.now = now});
  EXPECT_THAT(plan, IsOk());
  return plan.ok() ? *plan : Plan{};
}

std::vector<const Step*> WaitsOf(const Plan& plan, WaitCondition::Kind kind) {
  std::vector<const Step*> out;
  for (const Step& s : plan.steps) {
    if (s.condition.has_value() && s.condition->kind == kind) out.push_back(&s);
  }
  return out;
}

// The ids of the restart steps, in plan order.
std::vector<int32_t> RestartIds(const Plan& plan) {
  std::vector<int32_t> out;
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart) out.push_back(s.id);
  }
  return out;
}

// Whether step `id` depends, directly or not, on step `on`.
bool DependsOn(const Plan& plan, int32_t id, int32_t on) {
  for (int32_t a : plan.steps[id - 1].after) {
    if (a == on || DependsOn(plan, a, on)) return true;
  }
  return false;
}

class PacingTest : public plan_testing::StrategyTest {
 protected:
  // An image change of a 5-member quorum role, the cluster with `windows`.
  CompiledCluster ImageChange(const std::vector<MaintenanceWindow>& windows,
                              int32_t min_interval_seconds = 0) const {
    RoleSpec after = Role({.name = "db", .members = 5, .image = "db:2", .quorum = true,
                           .min_interval_seconds = min_interval_seconds});
    CompiledCluster c = MakeCluster({after});
    c.maintenance.windows = windows;
    return c;
  }
  ObservedState Before() const {
    return Converged(MakeCluster({Role({.name = "db", .members = 5, .quorum = true})}));
  }
};

INSTANTIATE_TEST_SUITE_P(Strategies, PacingTest,
                         ::testing::Values(RolloutStrategy::kSerial,
                                           RolloutStrategy::kBestEffortParallel),
                         plan_testing::StrategyName);

// ------------------------------------------------------------------ windows

TEST_P(PacingTest, OutsideEveryWindowRestartsWaitForTheNextOpening) {
  Plan plan = MustPlan(ImageChange({{.days = {"Sat", "Sun"}, .start = "02:00", .end = "06:00"}}),
                       Before());
  std::vector<const Step*> waits = WaitsOf(plan, WaitCondition::Kind::kWindow);
  ASSERT_FALSE(waits.empty()) << PlanToText(plan);
  EXPECT_EQ(waits.front()->condition->ToString(),
            "window 2026-01-03T02:00:00Z/2026-01-03T06:00:00Z");
  EXPECT_THAT(waits.front()->reason, HasSubstr("next maintenance window, Sat 02:00-06:00 UTC"));
  // Every restart comes after a window wait, and the first one does not hold.
  for (int32_t id : RestartIds(plan)) {
    EXPECT_TRUE(DependsOn(plan, id, waits.front()->id)) << PlanToText(plan);
  }
  WaitStatus now = CheckWait(*waits.front()->condition, ObservedState{}, Now());
  EXPECT_FALSE(now.holds);
  EXPECT_EQ(now.holds_at, absl::FromUnixSeconds(1767225600) + absl::Hours(50));
  EXPECT_TRUE(CheckWait(*waits.front()->condition, ObservedState{},
                        Now() + absl::Hours(51)).holds);
  EXPECT_FALSE(CheckWait(*waits.front()->condition, ObservedState{},
                         Now() + absl::Hours(54)).holds);
}

TEST_P(PacingTest, InsideAWindowEachWaveIsCheckedAgainstItsOpening) {
  // Wednesday 22:00 to Thursday 01:00: open at the fixtures' midnight.
  Plan plan = MustPlan(ImageChange({{.days = {"Wed"}, .start = "22:00", .end = "01:00"}}),
                       Before());
  std::vector<const Step*> waits = WaitsOf(plan, WaitCondition::Kind::kWindow);
  ASSERT_FALSE(waits.empty()) << PlanToText(plan);
  for (const Step* w : waits) {
    EXPECT_EQ(w->condition->target, "2025-12-31T22:00:00Z/2026-01-01T01:00:00Z");
    EXPECT_TRUE(CheckWait(*w->condition, ObservedState{}, Now()).holds);
    EXPECT_THAT(w->reason, HasSubstr("inside the maintenance window Wed 22:00-01:00 UTC"));
  }
  // One per wave: a restart is never more than one wave from its check.
  for (int32_t id : RestartIds(plan)) {
    bool guarded = false;
    for (const Step* w : waits) guarded |= DependsOn(plan, id, w->id);
    EXPECT_TRUE(guarded) << PlanToText(plan);
  }
  EXPECT_FALSE(CheckWait(*waits.front()->condition, ObservedState{}, Now() + absl::Hours(1))
                   .holds);
}

TEST_P(PacingTest, CreatingAndScalingOutAreNeverDeferred) {
  std::vector<MaintenanceWindow> weekend = {{.days = {"Sat"}, .start = "02:00", .end = "06:00"}};
  CompiledCluster fresh = MakeCluster({Role({.name = "db", .members = 3})});
  fresh.maintenance.windows = weekend;
  Plan create = MustPlan(fresh, ObservedState{});
  EXPECT_THAT(WaitsOf(create, WaitCondition::Kind::kWindow), IsEmpty()) << PlanToText(create);
  CompiledCluster bigger = MakeCluster({Role({.name = "db", .members = 5})});
  bigger.maintenance.windows = weekend;
  Plan scale = MustPlan(bigger, Converged(MakeCluster({Role({.name = "db", .members = 3})})));
  EXPECT_THAT(WaitsOf(scale, WaitCondition::Kind::kWindow), IsEmpty()) << PlanToText(scale);
  EXPECT_FALSE(scale.steps.empty());
}

TEST_P(PacingTest, AReplacementWaitsForAWindowToo) {
  RoleSpec before = Role({.name = "db", .members = 3, .quorum = true});
  RoleSpec after = before;
  after.replace = {{.member = "events-db-1", .token = "t1"}};
  CompiledCluster desired = MakeCluster({after});
  desired.maintenance.windows = {{.days = {"Sat"}, .start = "02:00", .end = "06:00"}};
  Plan plan = MustPlan(desired, Converged(MakeCluster({before})));
  std::vector<std::string> summary = Summary(plan);
  ASSERT_FALSE(summary.empty());
  EXPECT_EQ(summary.front(), "wait window 2026-01-03T02:00:00Z/2026-01-03T06:00:00Z")
      << PlanToText(plan);
  EXPECT_THAT(plan.steps.front().reason, HasSubstr("replacing events-db-1"));
}

TEST_P(PacingTest, NoWindowsNoWindowWaits) {
  Plan plan = MustPlan(ImageChange({}), Before());
  EXPECT_THAT(WaitsOf(plan, WaitCondition::Kind::kWindow), IsEmpty());
  EXPECT_FALSE(RestartIds(plan).empty());
}

// ------------------------------------------------------- minIntervalSeconds

TEST_P(PacingTest, MinIntervalWaitsAfterTheLastRestartAndPlansOneWave) {
  CompiledCluster desired = ImageChange({}, /*min_interval_seconds=*/300);
  // events-db-4 was restarted at the new spec a minute ago.
  ObservedState observed = Before();
  ObservedState updated = Converged(desired);
  Json pod = *FindPod(updated, "events-db-4");
  pod["status"]["startTime"] = "2025-12-31T23:59:00Z";
  *FindPod(observed, "events-db-4") = pod;

  Plan plan = MustPlan(desired, observed);
  std::vector<const Step*> waits = WaitsOf(plan, WaitCondition::Kind::kNotBefore);
  ASSERT_EQ(waits.size(), 1u) << PlanToText(plan);
  EXPECT_EQ(waits[0]->condition->ToString(), "notBefore 2026-01-01T00:04:00Z");
  EXPECT_THAT(waits[0]->reason, HasSubstr("rollout.minIntervalSeconds=300"));
  EXPECT_THAT(waits[0]->reason, HasSubstr("events-db-4 started at 2025-12-31T23:59:00Z"));
  std::vector<int32_t> restarts = RestartIds(plan);
  ASSERT_FALSE(restarts.empty());
  for (int32_t id : restarts) EXPECT_TRUE(DependsOn(plan, id, waits[0]->id));
  // One wave only: the next is planned once this one's restart is observed.
  // (maxUnavailable defaults to 1 under both strategies.)
  EXPECT_EQ(restarts.size(), 1u) << PlanToText(plan);
  EXPECT_THAT(plan.notes, Contains(HasSubstr("rollout.minIntervalSeconds=300")));
  WaitStatus s = CheckWait(*waits[0]->condition, ObservedState{}, Now());
  EXPECT_FALSE(s.holds);
  EXPECT_EQ(s.holds_at, Now() + absl::Minutes(4));

  // Five minutes after that restart, nothing holds the next one back.
  Plan later = MustPlan(desired, observed, Now() + absl::Minutes(4));
  EXPECT_THAT(WaitsOf(later, WaitCondition::Kind::kNotBefore), IsEmpty()) << PlanToText(later);
  EXPECT_FALSE(RestartIds(later).empty());
}

TEST_P(PacingTest, MinIntervalDoesNotDelayTheFirstRestart) {
  Plan plan = MustPlan(ImageChange({}, /*min_interval_seconds=*/300), Before());
  EXPECT_THAT(WaitsOf(plan, WaitCondition::Kind::kNotBefore), IsEmpty()) << PlanToText(plan);
  EXPECT_FALSE(RestartIds(plan).empty());
}

// ---------------------------------------------------------- the simulator

// The times of the timeline's member restarts.
std::vector<absl::Time> RestartTimes(const Timeline& t) {
  std::vector<absl::Time> out;
  for (const TimelineEvent& e : t.events) {
    if (e.what.rfind("restart ", 0) == 0) out.push_back(e.time);
  }
  return out;
}

TEST_P(PacingTest, SimulatedRolloutRestartsOnlyInsideTheWindowAndConverges) {
  CompiledCluster desired = ImageChange({{.days = {"Sat"}, .start = "02:00", .end = "03:00"}});
  SimulateOptions options;
  options.start = Now();
  absl::StatusOr<Timeline> t = Simulate(desired, Before(), options);
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->ok && t->converged) << TimelineToText(*t);
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  std::vector<absl::Time> restarts = RestartTimes(*t);
  EXPECT_EQ(restarts.size(), 5u) << TimelineToText(*t);
  const absl::Time open = Now() + absl::Hours(50);  // Saturday 02:00.
  for (absl::Time r : restarts) {
    EXPECT_GE(r, open) << TimelineToText(*t);
    EXPECT_LT(r, open + absl::Hours(1)) << TimelineToText(*t);
  }
}

TEST_P(PacingTest, SimulatorFlagsAPlannerThatIgnoresTheWindows) {
  CompiledCluster desired = ImageChange({{.days = {"Sat"}, .start = "02:00", .end = "03:00"}});
  SimulateOptions options;
  options.start = Now();
  options.planner = [](const CompiledCluster& d, const ObservedState& o, const PlanOptions& p) {
    CompiledCluster blind = d;
    blind.maintenance.windows.clear();
    return PlanRollout(blind, o, p);
  };
  absl::StatusOr<Timeline> t = Simulate(desired, Before(), options);
  ASSERT_THAT(t, IsOk());
  EXPECT_FALSE(t->ok);
  EXPECT_THAT(t->violations,
              Contains(HasSubstr("outside every maintenance window (the next is Sat 02:00-03:00 "
                                 "UTC)")));
}

TEST_P(PacingTest, SimulatedRolloutKeepsTheMinimumIntervalBetweenWaves) {
  CompiledCluster desired = ImageChange({}, /*min_interval_seconds=*/600);
  SimulateOptions options;
  options.start = Now();
  absl::StatusOr<Timeline> t = Simulate(desired, Before(), options);
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->ok && t->converged) << TimelineToText(*t);
  std::vector<absl::Time> restarts = RestartTimes(*t);
  ASSERT_EQ(restarts.size(), 5u) << TimelineToText(*t);
  for (size_t i = 1; i < restarts.size(); ++i) {
    if (restarts[i] == restarts[i - 1]) continue;  // The same wave.
    EXPECT_GE(restarts[i] - restarts[i - 1], absl::Seconds(600)) << TimelineToText(*t);
  }
}

TEST_P(PacingTest, SimulatorFlagsAPlannerThatIgnoresTheInterval) {
  CompiledCluster desired = ImageChange({}, /*min_interval_seconds=*/600);
  SimulateOptions options;
  options.start = Now();
  options.planner = [](const CompiledCluster& d, const ObservedState& o, const PlanOptions& p) {
    CompiledCluster hasty = d;
    for (CompiledRole& r : hasty.roles) r.role.rollout.min_interval_seconds = 0;
    return PlanRollout(hasty, o, p);
  };
  absl::StatusOr<Timeline> t = Simulate(desired, Before(), options);
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations, Contains(HasSubstr("rollout.minIntervalSeconds=600")));
}

}  // namespace
}  // namespace strata
