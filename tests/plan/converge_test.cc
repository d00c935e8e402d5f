// Closed loop: every example x scenario x strategy, planned, executed by the
// simulator (lib/sim) and planned again until the plan is empty. The
// simulator checks its invariants after every step (budget, quorum, order,
// PVC safety); none may break, and the cluster must converge. Also: a member
// that never becomes Ready blocks the plan at that member.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/plan.h"
#include "strata/simulate.h"
#include "tests/plan/example_cases.h"
#include "tests/plan/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::plan_testing::Case;
using ::strata::plan_testing::Examples;
using ::strata::plan_testing::kNow;
using ::strata::plan_testing::kScenarios;
using ::strata::plan_testing::LoadExample;
using ::strata::plan_testing::MakeCase;
using ::strata::testing::IsOk;
using ::testing::HasSubstr;

// Gives every role `strategy` (bestEffortParallel with maxUnavailable 50%).
void SetStrategy(Topology& t, RolloutStrategy strategy) {
  for (Role& r : t.app.roles) {
    r.rollout.strategy = strategy;
    if (strategy != RolloutStrategy::kSerial) {
      r.rollout.max_unavailable = IntOrPercent{.value = 50, .percent = true};
    }
  }
}

struct Param {
  std::string example;
  RolloutStrategy strategy;
};

// A scenario simulated: its desired side compiled, and the timeline from its
// observed side (converged at kNow, or nothing for a fresh one) to it.
struct Simulated {
  CompiledCluster after;
  Timeline timeline;
};

absl::StatusOr<Simulated> SimulateCase(const Case& c) {
  absl::StatusOr<CompiledCluster> before = Compile(c.observed, CompileOptions{});
  if (!before.ok()) return before.status();
  absl::StatusOr<CompiledCluster> after = Compile(c.desired, CompileOptions{});
  if (!after.ok()) return after.status();
  ObservedState initial = c.fresh ? ObservedState{} : ConvergedState(*before, kNow);
  SimulateOptions options;
  options.start = kNow;
  absl::StatusOr<Timeline> t = Simulate(*after, initial, options);
  if (!t.ok()) return t.status();
  return Simulated{.after = *std::move(after), .timeline = *std::move(t)};
}

class ConvergeTest : public ::testing::TestWithParam<Param> {};

TEST_P(ConvergeTest, EveryScenarioConvergesWithoutViolations) {
  const Param& p = GetParam();
  absl::StatusOr<Topology> base = LoadExample(p.example);
  ASSERT_THAT(base, IsOk());
  SetStrategy(*base, p.strategy);
  absl::StatusOr<CompiledCluster> compiled = Compile(*base, CompileOptions{});
  ASSERT_THAT(compiled, IsOk());
  for (const char* scenario : kScenarios) {
    SCOPED_TRACE(scenario);
    absl::StatusOr<Case> c = MakeCase(*base, *compiled, scenario);
    if (!c.ok()) continue;  // Not applicable to this example.
    absl::StatusOr<Simulated> sim = SimulateCase(*c);
    ASSERT_THAT(sim, IsOk());
    const CompiledCluster* after = &sim->after;
    const Timeline* t = &sim->timeline;
    const std::vector<std::string>& violations = t->violations;
    EXPECT_TRUE(t->converged) << TimelineToText(*t);
    // Something was planned and carried out (the first plan of a change is
    // not empty; the last one is).
    EXPECT_GE(t->plans, std::string(scenario) == "converged" ? 1 : 2);
    EXPECT_FALSE(t->blocked) << t->blocked_reason;
    EXPECT_TRUE(violations.empty()) << absl::StrJoin(violations, "\n") << "\n"
                                    << TimelineToText(*t);
    // Converged means planning again yields nothing.
    absl::StatusOr<Plan> again = PlanRollout(*after, t->final_state, PlanOptions{.now = kNow + absl::Hours(48)});
    ASSERT_THAT(again, IsOk());
    EXPECT_TRUE(again->converged) << PlanToText(*again);
  }
}

std::vector<Param> Params() {
  std::vector<Param> out;
  for (const std::string& e : Examples()) {
    for (RolloutStrategy s : {RolloutStrategy::kSerial, RolloutStrategy::kBestEffortParallel,
                              RolloutStrategy::kParallel}) {
      out.push_back({e, s});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Examples, ConvergeTest, ::testing::ValuesIn(Params()),
    [](const ::testing::TestParamInfo<Param>& info) {
      std::string name = info.param.example;
      for (char& ch : name) {
        if (!absl::ascii_isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      const char* s = info.param.strategy == RolloutStrategy::kSerial ? "serial"
                      : info.param.strategy == RolloutStrategy::kBestEffortParallel
                          ? "bestEffortParallel"
                          : "parallel";
      return absl::StrCat(name, "_", s);
    });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConvergeTest);

// rollout.initial: serial on every role of every example: bring-up and
// scale-out through the simulator keep every rule (it flags a serial role
// created with more than one member or grown by more than one at a time).
TEST(ConvergeTest, SerialBringUpOfEveryExampleConvergesWithoutViolations) {
  for (const std::string& example : Examples()) {
    SCOPED_TRACE(example);
    absl::StatusOr<Topology> base = LoadExample(example);
    ASSERT_THAT(base, IsOk());
    for (Role& r : base->app.roles) r.rollout.initial = InitialRollout::kSerial;
    absl::StatusOr<CompiledCluster> compiled = Compile(*base, CompileOptions{});
    ASSERT_THAT(compiled, IsOk());
    for (const char* scenario : {"fresh", "scale_out"}) {
      SCOPED_TRACE(scenario);
      absl::StatusOr<Case> c = MakeCase(*base, *compiled, scenario);
      if (!c.ok()) continue;
      absl::StatusOr<Simulated> sim = SimulateCase(*c);
      ASSERT_THAT(sim, IsOk());
      const CompiledCluster* after = &sim->after;
      const Timeline* t = &sim->timeline;
      EXPECT_TRUE(t->converged) << TimelineToText(*t);
      EXPECT_TRUE(t->violations.empty()) << absl::StrJoin(t->violations, "\n");
      if (c->fresh) {
        // Every role of several members grew 1 -> 2 -> ... one step at a time.
        std::string text = TimelineToText(*t);
        for (const CompiledRole& r : after->roles) {
          if (r.members < 2) continue;
          EXPECT_THAT(text, HasSubstr(absl::StrCat("apply StatefulSet ", r.stateful_set,
                                                   " (replicas 1)")))
              << r.name;
          EXPECT_THAT(text, HasSubstr(absl::StrCat("apply StatefulSet ", r.stateful_set,
                                                   " (replicas 2)")))
              << r.name;
        }
      }
    }
  }
}

TEST(ConvergeTest, NeverReadyMemberBlocksThePlanThere) {
  using plan_testing::MakeCluster;
  using plan_testing::RoleSpec;
  RoleSpec old_spec{.name = "db", .members = 4, .image = "db:1"};
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  CompiledCluster desired = MakeCluster({new_spec});
  SimulateOptions options;
  options.start = kNow;
  absl::StatusOr<std::vector<Fault>> faults = ParseFaults("never-ready=events-db-3");
  ASSERT_THAT(faults, IsOk());
  options.faults = *faults;
  absl::StatusOr<Timeline> t =
      Simulate(desired, ConvergedState(MakeCluster({old_spec}), kNow), options);
  ASSERT_THAT(t, IsOk());
  EXPECT_FALSE(t->converged);
  EXPECT_TRUE(t->blocked) << TimelineToText(*t);
  EXPECT_THAT(t->blocked_reason, HasSubstr("events-db-3"));
  EXPECT_TRUE(t->violations.empty()) << absl::StrJoin(t->violations, "\n");
  // No other member was restarted past the blocked one.
  std::string text = TimelineToText(*t);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("restart events-db-2")));
}

}  // namespace
}  // namespace strata
