// Day-2 operations in the planner (SPEC-2 §9): restartToken, replace, stop
// and start, approvals; table-driven under serial and bestEffortParallel
// (the strategies whose quorum floor holds), and golden plans on the
// cassandra example.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/object.h"
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

class Day2Test : public plan_testing::StrategyTest {};

INSTANTIATE_TEST_SUITE_P(Strategies, Day2Test,
                         ::testing::Values(RolloutStrategy::kSerial,
                                           RolloutStrategy::kBestEffortParallel),
                         plan_testing::StrategyName);

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
  const std::string uid = kube::StringAt(*FindPod(observed, "events-db-1"),
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
  const std::string uid = kube::StringAt(*FindPod(observed, "events-db-1"),
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

// ------------------------------------------------------------- stop and start

// `compiled` as Compile() makes it for a Cluster with stopped: true.
CompiledCluster Stopped(CompiledCluster compiled) {
  compiled.stopped = true;
  for (Object& o : compiled.objects) {
    if (o.kind != "StatefulSet") continue;
    o.body["spec"]["replicas"] = 0;
    o.body["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] = "Retain";
  }
  return compiled;
}

// The cluster after a stop: StatefulSets at 0 (Retain), no pods, PVCs kept.
ObservedState StoppedState(const CompiledCluster& running) {
  ObservedState s = Converged(running);
  s.pods.clear();
  for (Json& sts : s.stateful_sets) {
    sts["spec"]["replicas"] = 0;
    sts["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] = "Retain";
    sts["status"]["replicas"] = 0;
    sts["status"]["readyReplicas"] = 0;
  }
  return s;
}

TEST_P(Day2Test, StopScalesDependentsFirstToZeroWithoutLeaveKeepingPvcs) {
  RoleSpec zk = Role({.name = "zk", .members = 3, .quorum = true, .member_leave = true,
                      .storage_size = "1Gi"});
  RoleSpec broker = Role({.name = "broker", .members = 4, .depends_on = {"zk"},
                          .member_leave = true, .storage_size = "1Gi",
                          .on_scale_down = VolumePolicy::kDelete});
  CompiledCluster running = MakeCluster({zk, broker});
  Plan plan = MustPlan(Stopped(running), Converged(running));
  EXPECT_THAT(Summary(plan),
              ElementsAre("apply StatefulSet/events-broker replicas=0",
                          "wait roleStopped broker", "apply StatefulSet/events-zk replicas=0",
                          "wait roleStopped zk"))
      << PlanToText(plan);
  ExpectOneChain(plan);
  EXPECT_EQ(plan.steps[0].object["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"],
            "Retain");
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("without memberLeave"));
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("every PVC stays"));
  EXPECT_THAT(plan.steps[1].reason, HasSubstr("before zk stops"));
}

TEST_P(Day2Test, StoppedClusterWithNoPodsIsConverged) {
  CompiledCluster running = MakeCluster({Role({.name = "db", .members = 3, .quorum = true,
                                               .storage_size = "1Gi"})});
  Plan plan = MustPlan(Stopped(running), StoppedState(running));
  EXPECT_TRUE(plan.converged) << PlanToText(plan);
}

TEST_P(Day2Test, StartBringsRolesBackInOrderWithoutMemberJoin) {
  RoleSpec zk = Role({.name = "zk", .members = 3, .quorum = true, .member_join = true,
                      .storage_size = "1Gi"});
  RoleSpec broker = Role({.name = "broker", .members = 4, .depends_on = {"zk"},
                          .member_join = true, .storage_size = "1Gi"});
  CompiledCluster running = MakeCluster({zk, broker});
  Plan plan = MustPlan(running, StoppedState(running));
  EXPECT_THAT(Summary(plan),
              ElementsAre("apply StatefulSet/events-zk replicas=3", "wait roleReady zk 3/3",
                          "apply StatefulSet/events-broker replicas=4",
                          "wait roleReady broker 4/4"))
      << PlanToText(plan);
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("no longer stopped"));
  ExpectOneChain(plan);
}

// ------------------------------------------------------------------ approval

// A followersFirst role whose leader is events-db-1, changing image db:1 -> db:2.
struct ApprovalCase {
  CompiledCluster desired;
  ObservedState observed;
};

ApprovalCase LeaderCase(RolloutStrategy strategy, Approval approval, bool label = true) {
  RoleSpec before{.name = "db", .members = 3, .quorum = true, .strategy = strategy,
                  .order = RolloutOrder::kFollowersFirst, .leader_label = "strata.dev/leader",
                  .gate = true};
  RoleSpec after = before;
  after.image = "db:2";
  ApprovalCase c{MakeCluster({after}), Converged(MakeCluster({before}))};
  c.desired.roles[0].role.rollout.approval = approval;
  for (Json& pod : c.observed.pods) {
    pod["metadata"]["labels"].erase("strata.dev/leader");
    if (label && kube::NameOf(pod) == "events-db-1") {
      pod["metadata"]["labels"]["strata.dev/leader"] = "true";
    }
  }
  return c;
}

std::vector<const Step*> ApprovalWaits(const Plan& plan) {
  std::vector<const Step*> out;
  for (const Step& s : plan.steps) {
    if (s.condition.has_value() && s.condition->kind == WaitCondition::Kind::kApproval) {
      out.push_back(&s);
    }
  }
  return out;
}

TEST_P(Day2Test, ApprovalLeaderStopsBeforeTheLeaderOnly) {
  ApprovalCase c = LeaderCase(GetParam(), Approval::kLeader);
  Plan plan = MustPlan(c.desired, c.observed);
  std::vector<const Step*> waits = ApprovalWaits(plan);
  ASSERT_EQ(waits.size(), 1u) << PlanToText(plan);
  const Step& w = *waits[0];
  EXPECT_EQ(w.target.name, "events-db-1");
  EXPECT_THAT(w.reason, HasSubstr("approval needed before restarting events-db-1 (the leader)"));
  EXPECT_THAT(w.reason, HasSubstr("--approve " + w.condition->target));
  EXPECT_EQ(plan_testing::CondText(w), "approval " + w.condition->target);
  // The leader's gate and restart come after it; the followers' do not.
  const Step* restart = FindStep(plan, Action::kRestart, "events-db-1");
  ASSERT_NE(restart, nullptr);
  EXPECT_EQ(plan.steps[restart->id - 2].action, Action::kExec);  // The gate.
  EXPECT_THAT(plan.steps[restart->id - 2].after, ElementsAre(w.id));
  EXPECT_LT(FindStep(plan, Action::kRestart, "events-db-2")->id, w.id);
  bool noted = false;
  for (const std::string& n : plan.notes) noted |= absl::StrContains(n, w.condition->target);
  EXPECT_TRUE(noted);

  // The token lets it pass; the note says so.
  absl::StatusOr<Plan> approved = PlanRollout(
      c.desired, c.observed, PlanOptions{.now = Now(), .approve = {w.condition->target}});
  ASSERT_THAT(approved, IsOk());
  EXPECT_THAT(ApprovalWaits(*approved), IsEmpty());
  EXPECT_EQ(approved->steps.size() + 1, plan.steps.size());
  EXPECT_THAT(approved->notes,
              ::testing::Contains(HasSubstr("approved with token " + w.condition->target)));
}

TEST_P(Day2Test, ApprovalTokenIsForOneChangeOnly) {
  ApprovalCase c = LeaderCase(GetParam(), Approval::kLeader);
  Plan plan = MustPlan(c.desired, c.observed);
  ASSERT_EQ(ApprovalWaits(plan).size(), 1u);
  const std::string token = ApprovalWaits(plan)[0]->condition->target;
  // Another image: another token; the old one passes nothing.
  ApprovalCase other = LeaderCase(GetParam(), Approval::kLeader);
  RoleSpec v3{.name = "db", .members = 3, .image = "db:3", .quorum = true,
              .strategy = GetParam(), .order = RolloutOrder::kFollowersFirst,
              .leader_label = "strata.dev/leader", .gate = true};
  other.desired = MakeCluster({v3});
  other.desired.roles[0].role.rollout.approval = Approval::kLeader;
  absl::StatusOr<Plan> again =
      PlanRollout(other.desired, other.observed, PlanOptions{.now = Now(), .approve = {token}});
  ASSERT_THAT(again, IsOk());
  ASSERT_EQ(ApprovalWaits(*again).size(), 1u);
  EXPECT_NE(ApprovalWaits(*again)[0]->condition->target, token);
  // Same inputs, same token (the planner is pure).
  EXPECT_EQ(ApprovalWaits(MustPlan(c.desired, c.observed))[0]->condition->target, token);
}

TEST_P(Day2Test, ApprovalEveryAsksBeforeEachRestartWithItsOwnToken) {
  ApprovalCase c = LeaderCase(GetParam(), Approval::kEvery);
  Plan plan = MustPlan(c.desired, c.observed);
  std::set<std::string> tokens, targets;
  for (const Step* w : ApprovalWaits(plan)) {
    tokens.insert(w->condition->target);
    targets.insert(w->target.name);
    const Step* restart = FindStep(plan, Action::kRestart, w->target.name);
    ASSERT_NE(restart, nullptr);
    EXPECT_GT(restart->id, w->id);
  }
  EXPECT_EQ(tokens.size(), 3u) << PlanToText(plan);
  EXPECT_THAT(targets, UnorderedElementsAre("events-db-0", "events-db-1", "events-db-2"));
}

TEST_P(Day2Test, ApprovalLeaderWithoutALabelledLeaderAsksBeforeTheFirstRestart) {
  ApprovalCase c = LeaderCase(GetParam(), Approval::kLeader, /*label=*/false);
  Plan plan = MustPlan(c.desired, c.observed);
  std::vector<const Step*> waits = ApprovalWaits(plan);
  ASSERT_EQ(waits.size(), 1u) << PlanToText(plan);
  EXPECT_THAT(waits[0]->reason, HasSubstr("the first disruption"));
  const Step* first_restart = nullptr;
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart && first_restart == nullptr) first_restart = &s;
  }
  ASSERT_NE(first_restart, nullptr);
  EXPECT_EQ(first_restart->target.name, waits[0]->target.name);
}

TEST_P(Day2Test, CreatingAndRepairingNeedNoApproval) {
  ApprovalCase c = LeaderCase(GetParam(), Approval::kEvery);
  Plan fresh = MustPlan(c.desired, ObservedState{});
  EXPECT_THAT(ApprovalWaits(fresh), IsEmpty()) << PlanToText(fresh);
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
