// Day-2 operations in the planner (SPEC-2 §9): restartToken and replace,
// table-driven under serial and bestEffortParallel (the strategies whose
// quorum floor holds), and golden plans on the cassandra example.

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plan/predicates.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "tests/plan/example_cases.h"
#include "tests/plan/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::plan_testing::Converged;
using ::strata::plan_testing::FindPod;
using ::strata::plan_testing::FindPvc;
using ::strata::plan_testing::MakeCluster;
using ::strata::plan_testing::MakeUnready;
using ::strata::plan_testing::Now;
using ::strata::plan_testing::RoleSpec;
using ::strata::plan_testing::Summary;
using ::strata::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Plan MustPlan(const CompiledCluster& desired, const ObservedState& observed) {
  absl::StatusOr<Plan> plan = PlanRollout(desired, observed, PlanOptions{.now = Now()});
  EXPECT_THAT(plan, IsOk());
  return plan.ok() ? *plan : Plan{};
}

const Step* FindStep(const Plan& plan, Action action, const std::string& name) {
  for (const Step& s : plan.steps) {
    if (s.action == action && s.target.name == name) return &s;
  }
  return nullptr;
}

// Every step waits for the one before it (a single chain).
void ExpectOneChain(const Plan& plan) {
  for (size_t i = 1; i < plan.steps.size(); ++i) {
    EXPECT_THAT(plan.steps[i].after, ElementsAre(plan.steps[i - 1].id)) << PlanToText(plan);
  }
}

// A ConfigMap events-<role>-replace holding `data`, as a previous plan left it.
Json ReplaceRecord(const std::string& role, const Json& data) {
  return Json{{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata",
               {{"name", "events-" + role + "-replace"},
                {"namespace", "data"},
                {"uid", "cm-uid"},
                {"labels", plan_testing::Labels(role)}}},
              {"data", data}};
}

class Day2Test : public ::testing::TestWithParam<RolloutStrategy> {
 protected:
  RoleSpec Role(RoleSpec r) const {
    r.strategy = GetParam();
    return r;
  }
};

INSTANTIATE_TEST_SUITE_P(Strategies, Day2Test,
                         ::testing::Values(RolloutStrategy::kSerial,
                                           RolloutStrategy::kBestEffortParallel),
                         [](const ::testing::TestParamInfo<RolloutStrategy>& info) {
                           return info.param == RolloutStrategy::kSerial
                                      ? "serial"
                                      : "bestEffortParallel";
                         });

// ------------------------------------------------------------ restartToken

TEST_P(Day2Test, NewRestartTokenRestartsEveryMemberInRolloutOrder) {
  RoleSpec before = Role({.name = "db", .members = 5, .quorum = true});
  RoleSpec after = before;
  after.restart_token = "2026-12-07";
  Plan plan = MustPlan(MakeCluster({after}), Converged(MakeCluster({before})));
  std::vector<std::string> restarts;
  for (const Step& s : plan.steps) {
    if (s.action != Action::kRestart) continue;
    restarts.push_back(s.target.name);
    EXPECT_THAT(s.reason, HasSubstr("restartToken \"\" -> \"2026-12-07\"")) << s.reason;
  }
  // Highest ordinal first (ordinalDescending); every member once.
  EXPECT_THAT(restarts, ElementsAre("events-db-4", "events-db-3", "events-db-2", "events-db-1",
                                    "events-db-0"))
      << PlanToText(plan);
  const Step* sts = FindStep(plan, Action::kApply, "events-db");
  ASSERT_NE(sts, nullptr);
  EXPECT_EQ(sts->object["spec"]["template"]["metadata"]["annotations"]
                       ["strata.dev/restart-token"],
            "2026-12-07");
  EXPECT_THAT(sts->reason, HasSubstr("restartToken \"\" -> \"2026-12-07\""));
}

TEST_P(Day2Test, SameRestartTokenRestartsNobody) {
  RoleSpec spec = Role({.name = "db", .members = 3, .restart_token = "a"});
  Plan plan = MustPlan(MakeCluster({spec}), Converged(MakeCluster({spec})));
  EXPECT_TRUE(plan.converged) << PlanToText(plan);
}

// ----------------------------------------------------------------- replace

TEST_P(Day2Test, ReplaceLeavesDeletesPvcsRestartsWaitsAndJoins) {
  RoleSpec before = Role({.name = "db", .members = 3, .quorum = true, .member_leave = true,
                          .member_join = true, .storage_size = "1Gi"});
  RoleSpec after = before;
  after.replace = {{.member = "events-db-1", .token = "disk-broke"}};
  ObservedState observed = Converged(MakeCluster({before}));
  const std::string uid = plan_internal::StringAt(*FindPod(observed, "events-db-1"),
                                                  {"metadata", "uid"});
  Plan plan = MustPlan(MakeCluster({after}), observed);
  EXPECT_THAT(Summary(plan),
              ElementsAre("apply ConfigMap/events-db-replace", "exec memberLeave events-db-1",
                          "apply PersistentVolumeClaim/data-events-db-1",
                          "delete PersistentVolumeClaim/data-events-db-1", "restart events-db-1",
                          "wait podReady events-db-1", "exec memberJoin events-db-1",
                          "apply ConfigMap/events-db-replace", "wait roleReady db 3/3"))
      << PlanToText(plan);
  ExpectOneChain(plan);
  EXPECT_EQ(plan.steps[0].object["data"],
            (Json{{"events-db-1.replacing", "disk-broke"}, {"events-db-1.uid", uid}}));
  EXPECT_EQ(plan.steps[7].object["data"], (Json{{"events-db-1", "disk-broke"}}));
  EXPECT_THAT(plan.steps[3].reason, HasSubstr("whatever onScaleDown says"));
  EXPECT_THAT(plan.steps[4].reason, HasSubstr("replace events-db-1, token disk-broke"));
  // Nobody else is disrupted.
  EXPECT_EQ(FindStep(plan, Action::kRestart, "events-db-0"), nullptr);
  EXPECT_EQ(FindStep(plan, Action::kRestart, "events-db-2"), nullptr);
}

TEST_P(Day2Test, ReplaceWithoutHooksOrStorageIsARecordedRestart) {
  RoleSpec before = Role({.name = "db", .members = 2});
  RoleSpec after = before;
  after.replace = {{.member = "events-db-0", .token = "t1"}};
  Plan plan = MustPlan(MakeCluster({after}), Converged(MakeCluster({before})));
  EXPECT_THAT(Summary(plan),
              ElementsAre("apply ConfigMap/events-db-replace", "restart events-db-0",
                          "wait podReady events-db-0", "apply ConfigMap/events-db-replace",
                          "wait roleReady db 2/2"))
      << PlanToText(plan);
}

TEST_P(Day2Test, ReplaceRunsOncePerToken) {
  RoleSpec before = Role({.name = "db", .members = 3, .member_leave = true,
                          .storage_size = "1Gi"});
  RoleSpec after = before;
  after.replace = {{.member = "events-db-2", .token = "t1"}};
  ObservedState observed = Converged(MakeCluster({before}));
  observed.config_maps.push_back(ReplaceRecord("db", {{"events-db-2", "t1"}}));
  EXPECT_TRUE(MustPlan(MakeCluster({after}), observed).converged);
  // A new token replaces it again, keeping the record of the others.
  after.replace = {{.member = "events-db-2", .token = "t2"}};
  Plan plan = MustPlan(MakeCluster({after}), observed);
  ASSERT_FALSE(plan.steps.empty());
  EXPECT_EQ(plan.steps[0].object["data"]["events-db-2.replacing"], "t2");
  EXPECT_EQ(plan.steps[0].object["data"]["events-db-2"], "t1");
}

TEST_P(Day2Test, InterruptedReplaceResumesWithoutLeavingTwice) {
  RoleSpec before = Role({.name = "db", .members = 3, .member_leave = true,
                          .member_join = true, .storage_size = "1Gi"});
  RoleSpec after = before;
  after.replace = {{.member = "events-db-1", .token = "t1"}};
  ObservedState observed = Converged(MakeCluster({before}));
  const std::string uid = plan_internal::StringAt(*FindPod(observed, "events-db-1"),
                                                  {"metadata", "uid"});
  // memberLeave ran and was recorded; the PVC deletion did not happen yet.
  observed.config_maps.push_back(ReplaceRecord(
      "db", {{"events-db-1.replacing", "t1"}, {"events-db-1.uid", uid}}));
  (*FindPvc(observed, "data-events-db-1"))["metadata"]["annotations"]["strata.dev/member-left"] =
      "true";
  Plan plan = MustPlan(MakeCluster({after}), observed);
  EXPECT_THAT(Summary(plan),
              ElementsAre("delete PersistentVolumeClaim/data-events-db-1", "restart events-db-1",
                          "wait podReady events-db-1", "exec memberJoin events-db-1",
                          "apply ConfigMap/events-db-replace", "wait roleReady db 3/3"))
      << PlanToText(plan);
}

TEST_P(Day2Test, ReplaceAfterTheRestartOnlyWaitsJoinsAndRecords) {
  RoleSpec before = Role({.name = "db", .members = 3, .member_leave = true,
                          .member_join = true, .storage_size = "1Gi"});
  RoleSpec after = before;
  after.replace = {{.member = "events-db-1", .token = "t1"}};
  ObservedState observed = Converged(MakeCluster({before}));
  // The pod was recreated (another uid) on a new PVC and is not Ready yet.
  observed.config_maps.push_back(ReplaceRecord(
      "db", {{"events-db-1.replacing", "t1"}, {"events-db-1.uid", "the-old-pod"}}));
  MakeUnready(*FindPod(observed, "events-db-1"));
  Plan plan = MustPlan(MakeCluster({after}), observed);
  EXPECT_EQ(FindStep(plan, Action::kDelete, "data-events-db-1"), nullptr) << PlanToText(plan);
  EXPECT_EQ(FindStep(plan, Action::kRestart, "events-db-1"), nullptr) << PlanToText(plan);
  std::vector<std::string> hooks;
  for (const Step& s : plan.steps) {
    if (s.action == Action::kExec) hooks.push_back(HookName(s.hook));
  }
  EXPECT_THAT(hooks, ElementsAre("memberJoin"));
  const Step& record = plan.steps[plan.steps.size() - 2];
  EXPECT_EQ(record.target.name, "events-db-replace");
  EXPECT_EQ(record.object["data"], (Json{{"events-db-1", "t1"}}));
}

TEST_P(Day2Test, ReplaceWaitsUntilEveryMemberIsReady) {
  RoleSpec before = Role({.name = "db", .members = 3, .quorum = true, .storage_size = "1Gi"});
  RoleSpec after = before;
  after.replace = {{.member = "events-db-0", .token = "t1"}};
  ObservedState observed = Converged(MakeCluster({before}));
  MakeUnready(*FindPod(observed, "events-db-2"));
  Plan plan = MustPlan(MakeCluster({after}), observed);
  const Step* record = FindStep(plan, Action::kApply, "events-db-replace");
  ASSERT_NE(record, nullptr) << PlanToText(plan);
  const Step& before_record = plan.steps[record->id - 2];
  EXPECT_EQ(before_record.action, Action::kWait);
  EXPECT_EQ(plan_testing::CondText(before_record), "roleReady db 3/3");
  EXPECT_THAT(before_record.reason, HasSubstr("before events-db-0 is taken down"));
  EXPECT_THAT(record->after, ElementsAre(before_record.id));
}

TEST_P(Day2Test, TwoReplacementsRunOneAfterTheOther) {
  RoleSpec before = Role({.name = "db", .members = 4, .storage_size = "1Gi"});
  RoleSpec after = before;
  after.replace = {{.member = "events-db-3", .token = "a"}, {.member = "events-db-0", .token = "b"}};
  Plan plan = MustPlan(MakeCluster({after}), Converged(MakeCluster({before})));
  ExpectOneChain(plan);
  const Step* first = FindStep(plan, Action::kRestart, "events-db-3");
  const Step* second = FindStep(plan, Action::kRestart, "events-db-0");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_LT(first->id, second->id);
  // The second waits for the whole role to be Ready again.
  bool role_wait_between = false;
  for (int32_t id = first->id + 1; id < second->id; ++id) {
    role_wait_between |= plan_testing::CondText(plan.steps[id - 1]) == "roleReady db 4/4";
  }
  EXPECT_TRUE(role_wait_between) << PlanToText(plan);
}

// --------------------------------------------------- golden: the cassandra example

struct GoldenCase {
  const char* name;
  void (*change)(Topology&);
};

TEST(Day2GoldenTest, CassandraPlans) {
  absl::StatusOr<Topology> base = plan_testing::LoadExample("cassandra");
  ASSERT_THAT(base, IsOk());
  absl::StatusOr<CompiledCluster> observed_compiled = Compile(*base, CompileOptions{});
  ASSERT_THAT(observed_compiled, IsOk());
  const ObservedState observed = ConvergedState(*observed_compiled, plan_testing::kNow);
  const GoldenCase cases[] = {
      {"day2_restart_token",
       [](Topology& t) {
         plan_testing::Override(t, t.app.roles.front().name).restart_token = "2026-12-07";
       }},
      {"day2_replace",  // node-2: the role with memberLeave (nodetool decommission).
       [](Topology& t) {
         const std::string role = "node";
         RoleOverride& o = plan_testing::Override(t, role);
         o.replace = {{.member = absl::StrCat(t.cluster.name, "-", role, "-2"),
                       .token = "disk-1"}};
       }},
  };
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE(c.name);
    Topology desired = *base;
    c.change(desired);
    absl::StatusOr<CompiledCluster> compiled = Compile(desired, CompileOptions{});
    ASSERT_THAT(compiled, IsOk());
    absl::StatusOr<Plan> plan =
        PlanRollout(*compiled, observed, PlanOptions{.now = plan_testing::kNow});
    ASSERT_THAT(plan, IsOk());
    plan_testing::CheckGolden(plan_testing::fs::path(STRATA_SOURCE_DIR) /
                                  "tests/testdata/plan/cassandra" / absl::StrCat(c.name, ".txt"),
                              PlanToText(*plan));
  }
}

}  // namespace
}  // namespace strata
