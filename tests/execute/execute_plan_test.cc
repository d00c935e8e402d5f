// ExecutePlan (one pass) against the scripted FakeClusterClient: the walk
// (next, then steps whose `after` succeeded; waits end their chain; failures
// end the pass), restart/delete preconditions, gate and hook retries with
// their timeouts, dry run, and how API errors map to outcomes.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/execute.h"
#include "tests/execute/fake_cluster_client.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::FakeClusterClient;
using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Json PodJson(const std::string& name, const std::string& uid, bool ready) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "data"}, {"uid", uid}}},
              {"status",
               {{"phase", "Running"},
                {"conditions", Json::array({{{"type", "Ready"},
                                             {"status", ready ? "True" : "False"}}})}}}};
}

Step ApplyStep(int32_t id, const std::string& name, std::vector<int32_t> after = {}) {
  Step s;
  s.id = id;
  s.action = Action::kApply;
  s.target = Target{.kind = "ConfigMap", .name = name, .role = "zk"};
  s.object = Json{{"apiVersion", "v1"},
                  {"kind", "ConfigMap"},
                  {"metadata", {{"name", name}, {"namespace", "data"}}}};
  s.after = std::move(after);
  s.reason = "config";
  return s;
}

Step RestartStep(int32_t id, const std::string& pod, std::vector<int32_t> after = {}) {
  Step s;
  s.id = id;
  s.action = Action::kRestart;
  s.target = Target{.kind = "Pod", .name = pod, .role = "zk", .ordinal = 0};
  s.after = std::move(after);
  s.reason = "outdated";
  return s;
}

Step WaitStep(int32_t id, const std::string& pod, std::vector<int32_t> after = {}) {
  Step s;
  s.id = id;
  s.action = Action::kWait;
  s.target = Target{.kind = "Pod", .name = pod, .role = "zk"};
  s.condition = WaitCondition{.kind = WaitCondition::Kind::kPodReady, .target = pod};
  s.timeout_seconds = 300;
  s.after = std::move(after);
  s.reason = "wait";
  return s;
}

Step GateStep(int32_t id, const std::string& in, const std::string& target,
              std::vector<int32_t> after = {}) {
  Step s;
  s.id = id;
  s.action = Action::kExec;
  s.hook = Hook::kGate;
  s.target = Target{.kind = "Pod", .name = target, .role = "zk"};
  s.pod = in;
  s.command = {"/gate.sh"};
  s.env = {"STRATA_TARGET_POD=" + target};
  s.timeout_seconds = 60;
  s.after = std::move(after);
  s.reason = "gate";
  return s;
}

Plan PlanOf(std::vector<Step> steps, std::vector<int32_t> next) {
  Plan p;
  p.cluster = "events";
  p.namespace_ = "data";
  p.steps = std::move(steps);
  p.next = std::move(next);
  return p;
}

// The planner replaces a StatefulSet whose immutable fields change by an
// orphan delete and an apply; the server refuses the apply (422) while the
// old object waits for the garbage collector, so the delete is done only
// once it is gone.
Plan OrphanReplacePlan(Json* sts) {
  *sts = Json{{"apiVersion", "apps/v1"},
              {"kind", "StatefulSet"},
              {"metadata", {{"name", "events-zk"}, {"namespace", "data"}, {"uid", "sts-1"}}}};
  Step del;
  del.id = 1;
  del.action = Action::kDelete;
  del.target = Target{.kind = "StatefulSet", .name = "events-zk", .role = "zk"};
  del.orphan = true;
  del.reason = "immutable fields change";
  Step apply = ApplyStep(2, "events-zk", {1});
  apply.target.kind = "StatefulSet";
  apply.object = Json{{"apiVersion", "apps/v1"},
                      {"kind", "StatefulSet"},
                      {"metadata", {{"name", "events-zk"}, {"namespace", "data"}}}};
  return PlanOf({del, apply}, {1});
}

TEST(ExecutePlanTest, AnOrphanDeleteIsDoneOnceTheObjectIsGone) {
  FakeClusterClient kube;
  kube.orphan_finalizer = true;
  Json sts;
  Plan plan = OrphanReplacePlan(&sts);
  kube.Put(sts);
  ObservedState observed;
  observed.stateful_sets.push_back(sts);
  kube.on_wait.push_back([](FakeClusterClient& k) { k.Remove("StatefulSet", "events-zk"); });
  absl::StatusOr<PassResult> r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->succeeded, ElementsAre(1, 2));
  EXPECT_THAT(kube.calls,
              ElementsAre("delete StatefulSet events-zk orphan uid=sts-1", "observe data/events",
                          "wait", "observe data/events", "apply StatefulSet events-zk"));
}

TEST(ExecutePlanTest, AnOrphanDeleteWhoseObjectStaysBlocksNamingIt) {
  FakeClusterClient kube;
  kube.orphan_finalizer = true;
  Json sts;
  Plan plan = OrphanReplacePlan(&sts);
  kube.Put(sts);
  ObservedState observed;
  observed.stateful_sets.push_back(sts);
  absl::StatusOr<PassResult> r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, PassResult::Outcome::kBlocked);
  EXPECT_THAT(r->message, HasSubstr("delete StatefulSet events-zk (orphan): still there"));
  EXPECT_THAT(kube.calls, ::testing::Not(::testing::Contains("apply StatefulSet events-zk")));
}

TEST(ExecutePlanTest, EmptyPlanIsConverged) {
  FakeClusterClient kube;
  absl::StatusOr<PassResult> r = ExecutePlan(Plan{}, kube, ExecuteOptions{});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, PassResult::Outcome::kConverged);
  EXPECT_THAT(kube.calls, IsEmpty());
}

TEST(ExecutePlanTest, RunsNextThenDependentsAndRestartsCarryTheObservedUid) {
  FakeClusterClient kube;
  kube.Put(PodJson("zk-0", "uid-0", true));
  ObservedState observed;
  observed.pods.push_back(PodJson("zk-0", "uid-0", true));
  Plan plan = PlanOf({ApplyStep(1, "cm"), GateStep(2, "zk-0", "zk-0", {1}),
                      RestartStep(3, "zk-0", {2}), WaitStep(4, "zk-0", {3})},
                     {1});
  absl::StatusOr<PassResult> r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, PassResult::Outcome::kProgressed);
  EXPECT_THAT(r->succeeded, ElementsAre(1, 2, 3));
  EXPECT_THAT(r->waiting, ElementsAre(4));
  EXPECT_THAT(kube.calls, ElementsAre("apply ConfigMap cm", "exec zk-0 env STRATA_TARGET_POD=zk-0 /gate.sh",
                                      "delete Pod zk-0 uid=uid-0"));
}

TEST(ExecutePlanTest, AWaitEndsOnlyItsOwnChain) {
  FakeClusterClient kube;
  ObservedState observed;
  observed.pods.push_back(PodJson("zk-0", "uid-0", false));
  // Chain A waits (zk-0 not Ready); chain B is independent and runs.
  Plan plan = PlanOf({WaitStep(1, "zk-0"), ApplyStep(2, "after-wait", {1}), ApplyStep(3, "b")},
                     {1, 3});
  absl::StatusOr<PassResult> r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->waiting, ElementsAre(1));
  EXPECT_THAT(r->succeeded, ElementsAre(3));
  EXPECT_THAT(kube.calls, ElementsAre("apply ConfigMap b"));
}

TEST(ExecutePlanTest, AWaitThatHoldsOnTheFreshObservationIsPassed) {
  FakeClusterClient kube;
  ObservedState observed;
  observed.pods.push_back(PodJson("zk-0", "uid-0", true));
  Plan plan = PlanOf({WaitStep(1, "zk-0"), ApplyStep(2, "after-wait", {1})}, {1});
  absl::StatusOr<PassResult> r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->succeeded, ElementsAre(1, 2));
}

TEST(ExecutePlanTest, AWaitAfterAStepRanIsNeverJudgedOnTheStaleObservation) {
  FakeClusterClient kube;
  kube.Put(PodJson("zk-0", "uid-0", true));
  ObservedState observed;
  observed.pods.push_back(PodJson("zk-0", "uid-0", true));  // Ready before the restart.
  Plan plan = PlanOf({RestartStep(1, "zk-0"), WaitStep(2, "zk-0", {1}), ApplyStep(3, "x", {2})},
                     {1});
  absl::StatusOr<PassResult> r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->succeeded, ElementsAre(1));
  EXPECT_THAT(r->waiting, ElementsAre(2));
}

TEST(ExecutePlanTest, RestartWithoutObservedStateIsRefused) {
  FakeClusterClient kube;
  Plan plan = PlanOf({RestartStep(1, "zk-0")}, {1});
  EXPECT_THAT(ExecutePlan(plan, kube, ExecuteOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("uid precondition")));
  EXPECT_THAT(kube.calls, IsEmpty());
}

TEST(ExecutePlanTest, AFailedGateStopsThePassBeforeTheRestartAndSchedulesARetry) {
  FakeClusterClient kube;
  kube.Put(PodJson("zk-0", "uid-0", true));
  ObservedState observed;
  observed.pods.push_back(PodJson("zk-0", "uid-0", true));
  kube.exec_results.push_back({.exit_code = 1, .stderr_text = "under-replicated partitions"});
  std::map<std::string, HookRetry> retries;
  std::vector<ExecuteEvent> events;
  Plan plan = PlanOf({GateStep(1, "zk-0", "zk-0"), RestartStep(2, "zk-0", {1})}, {1});
  absl::StatusOr<PassResult> r = ExecutePlan(
      plan, kube,
      ExecuteOptions{.observed = &observed,
                     .on_event = [&](const ExecuteEvent& e) { events.push_back(e); },
                     .retries = &retries});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, PassResult::Outcome::kStepFailed);
  EXPECT_EQ(r->failed, 1);
  EXPECT_THAT(r->message, HasSubstr("under-replicated partitions"));
  EXPECT_THAT(kube.calls, ElementsAre("exec zk-0 env STRATA_TARGET_POD=zk-0 /gate.sh"));
  ASSERT_EQ(retries.size(), 1u);
  const HookRetry& retry = retries.begin()->second;
  EXPECT_EQ(retry.failures, 1);
  EXPECT_EQ(retry.deadline, retry.first_failure + absl::Seconds(60));
  EXPECT_GT(retry.retry_at, kube.Now());
  EXPECT_LE(retry.retry_at, kube.Now() + absl::Seconds(1));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().kind, ExecuteEvent::Kind::kRetrying);

  // Before retry_at the gate is not run again.
  r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed, .retries = &retries});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, PassResult::Outcome::kStepFailed);
  EXPECT_EQ(kube.calls.size(), 1u);

  // After it, it is; a pass makes it through.
  kube.Advance(absl::Seconds(2));
  r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed, .retries = &retries});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, PassResult::Outcome::kProgressed);
  EXPECT_THAT(r->succeeded, ElementsAre(1, 2));
  EXPECT_TRUE(retries.empty());
}

TEST(ExecutePlanTest, AGateFailingPastItsTimeoutBlocksNamingIt) {
  FakeClusterClient kube;
  kube.Put(PodJson("zk-0", "uid-0", true));
  ObservedState observed;
  observed.pods.push_back(PodJson("zk-0", "uid-0", true));
  std::map<std::string, HookRetry> retries;
  Plan plan = PlanOf({GateStep(1, "zk-0", "zk-0"), RestartStep(2, "zk-0", {1})}, {1});
  absl::StatusOr<PassResult> r;
  for (int i = 0; i < 100; ++i) {
    kube.exec_results.push_back({.exit_code = 3, .stdout_text = "not safe"});
    r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed, .retries = &retries});
    ASSERT_THAT(r, IsOk());
    if (r->outcome != PassResult::Outcome::kStepFailed) break;
    kube.Advance(absl::Seconds(5));
  }
  EXPECT_EQ(r->outcome, PassResult::Outcome::kBlocked);
  EXPECT_THAT(r->message, HasSubstr("gate /gate.sh in zk-0 kept failing for 1m00s"));
  EXPECT_THAT(r->message, HasSubstr("exit 3: not safe"));
  for (const std::string& call : kube.calls) EXPECT_THAT(call, Not(HasSubstr("delete")));
}

TEST(ExecutePlanTest, ExecTimeoutIsWhatRemainsOfTheHooksTimeout) {
  FakeClusterClient kube;
  kube.Put(PodJson("zk-0", "uid-0", true));
  Step leave = GateStep(1, "zk-0", "zk-0");
  leave.hook = Hook::kMemberLeave;
  leave.timeout_seconds = 600;
  std::map<std::string, HookRetry> retries;
  kube.exec_results.push_back({.exit_code = 1});
  Plan plan = PlanOf({leave}, {1});
  ASSERT_THAT(ExecutePlan(plan, kube, ExecuteOptions{.retries = &retries}), IsOk());
  kube.Advance(absl::Seconds(100));
  ASSERT_THAT(ExecutePlan(plan, kube, ExecuteOptions{.retries = &retries}), IsOk());
  ASSERT_EQ(kube.exec_timeouts.size(), 2u);
  EXPECT_EQ(kube.exec_timeouts[0], absl::Seconds(600));
  EXPECT_EQ(kube.exec_timeouts[1], absl::Seconds(500));
}

TEST(ExecutePlanTest, ApiErrorsMapToOutcomes) {
  ObservedState observed;
  struct Case {
    absl::Status error;
    PassResult::Outcome outcome;
  };
  for (const Case& c : {Case{absl::AbortedError("409 Conflict"), PassResult::Outcome::kConflict},
                        Case{absl::InvalidArgumentError("422 Invalid: spec.replicas"),
                             PassResult::Outcome::kBlocked},
                        Case{absl::InternalError("500 boom"), PassResult::Outcome::kStepFailed}}) {
    FakeClusterClient kube;
    kube.errors.push_back(c.error);
    Plan plan = PlanOf({ApplyStep(1, "a"), ApplyStep(2, "b", {1})}, {1});
    absl::StatusOr<PassResult> r = ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed});
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->outcome, c.outcome) << c.error;
    EXPECT_EQ(r->failed, 1);
    EXPECT_THAT(r->message, HasSubstr(std::string(c.error.message())));
    EXPECT_EQ(kube.calls.size(), 1u);
  }
  // Cannot use the cluster: the pass's error, naming the call's answer.
  FakeClusterClient kube;
  kube.errors.push_back(absl::PermissionDeniedError("PATCH .../configmaps/a: 403 Forbidden"));
  Plan plan = PlanOf({ApplyStep(1, "a")}, {1});
  EXPECT_THAT(ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed}),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("403 Forbidden")));
}

TEST(ExecutePlanTest, DryRunSendsEveryApplyWithDryRunAndRunsNothingElse) {
  FakeClusterClient kube;
  kube.Put(PodJson("zk-0", "uid-0", true));
  ObservedState observed;
  observed.pods.push_back(PodJson("zk-0", "uid-0", true));
  Plan plan = PlanOf({ApplyStep(1, "a"), GateStep(2, "zk-0", "zk-0", {1}),
                      RestartStep(3, "zk-0", {2}), WaitStep(4, "zk-0", {3}),
                      ApplyStep(5, "b", {4})},
                     {1});
  absl::StatusOr<PassResult> r =
      ExecutePlan(plan, kube, ExecuteOptions{.observed = &observed, .dry_run = true});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->succeeded, ElementsAre(1, 5));
  EXPECT_THAT(kube.calls, ElementsAre("apply ConfigMap a dry-run", "apply ConfigMap b dry-run"));
  EXPECT_EQ(kube.Get("ConfigMap", "a"), nullptr);
}

TEST(ExecutePlanTest, CancelledStopsBetweenSteps) {
  FakeClusterClient kube;
  ObservedState observed;
  int checks = 0;
  Plan plan = PlanOf({ApplyStep(1, "a"), ApplyStep(2, "b", {1})}, {1});
  absl::StatusOr<PassResult> r = ExecutePlan(
      plan, kube,
      ExecuteOptions{.observed = &observed, .cancelled = [&] { return ++checks > 1; }});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, PassResult::Outcome::kCancelled);
  EXPECT_THAT(r->succeeded, ElementsAre(1));
  EXPECT_THAT(r->message, HasSubstr("stopped before step 2"));
  EXPECT_THAT(kube.calls, ElementsAre("apply ConfigMap a"));
}

TEST(ExecutePlanTest, AnAbandonedMemberLeaveIsReportedAsNotFinished) {
  FakeClusterClient kube;
  kube.Put(PodJson("zk-2", "uid-2", true));
  Step leave = GateStep(1, "zk-2", "zk-2");
  leave.hook = Hook::kMemberLeave;
  kube.errors.push_back(absl::CancelledError("exec abandoned"));
  absl::StatusOr<PassResult> r =
      ExecutePlan(PlanOf({leave}, {1}), kube, ExecuteOptions{.abandon_hooks = [] { return true; }});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, PassResult::Outcome::kCancelled);
  EXPECT_THAT(r->message, HasSubstr("the next run runs it again"));
}

}  // namespace
}  // namespace strata
