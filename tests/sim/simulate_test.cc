// The simulator driven by small test planners (tests/sim/sim_testing.h): the
// loop, time, faults and each invariant check, independent of PlanRollout.

#include "strata/simulate.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "tests/sim/sim_testing.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::sim_testing::ClusterOf;
using ::strata::sim_testing::RoleFor;
using ::strata::sim_testing::ToyPlanner;
using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

SimulateOptions Options(ToyPlanner planner = {}) {
  SimulateOptions options;
  options.start = kStart;
  options.planner = planner;
  options.max_plans = 200;
  return options;
}

std::vector<std::string> Whats(const Timeline& t) {
  std::vector<std::string> out;
  for (const TimelineEvent& e : t.events) out.push_back(e.what);
  return out;
}

// The events starting with `prefix`, in order.
std::vector<std::string> Matching(const Timeline& t, const std::string& prefix) {
  std::vector<std::string> out;
  for (const TimelineEvent& e : t.events) {
    if (e.what.rfind(prefix, 0) == 0) out.push_back(e.what);
  }
  return out;
}

TEST(SimulateTest, FreshDeployConverges) {
  CompiledCluster desired = ClusterOf({RoleFor("zk", 3, "v1-a"), RoleFor("broker", 3, "v1-b")});
  desired.roles[1].depends_on = {"zk"};
  absl::StatusOr<Timeline> t = Simulate(desired, ObservedState{}, Options());
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->converged) << TimelineToText(*t);
  EXPECT_FALSE(t->blocked);
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  EXPECT_THAT(Whats(*t), Contains("pod events-broker-2 Ready"));
  EXPECT_THAT(Whats(*t), Contains("apply StatefulSet events-zk (replicas 3)"));
  EXPECT_EQ(t->final_state.pods.size(), 6u);
  // Time moved by the ready delay per role, deterministically.
  EXPECT_EQ(t->events.back().time, kStart + absl::Seconds(20));
  absl::StatusOr<Timeline> again = Simulate(desired, ObservedState{}, Options());
  EXPECT_EQ(*again, *t);
}

TEST(SimulateTest, ImageChangeRestartsDescendingOneAtATime) {
  CompiledCluster before = ClusterOf({RoleFor("broker", 3, "v1-a")});
  CompiledCluster after = ClusterOf({RoleFor("broker", 3, "v1-b")});
  absl::StatusOr<Timeline> t = Simulate(after, ConvergedState(before, kStart), Options());
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->converged);
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  EXPECT_THAT(Matching(*t, "restart"),
              ElementsAre("restart events-broker-2", "restart events-broker-1",
                          "restart events-broker-0"));
}

TEST(SimulateTest, WronglyTypedObservedFieldsAndAHugeResourceVersionDoNotAbort) {
  // Issue 18: a container name that is a number aborted simulate (plan read
  // the same state); a resourceVersion of INT64_MAX overflowed the next one.
  CompiledCluster before = ClusterOf({RoleFor("broker", 3, "v1-a")});
  CompiledCluster after = ClusterOf({RoleFor("broker", 3, "v1-b")});
  ObservedState state = ConvergedState(before, kStart);
  ASSERT_FALSE(state.pods.empty());
  for (Json& pod : state.pods) {
    pod["spec"]["containers"] = Json::array({Json{{"name", 5}, {"image", 7}}});
    pod["metadata"]["ownerReferences"] = Json::array({Json{{"controller", "yes"}}});
  }
  state.pods[0]["metadata"]["resourceVersion"] = "9223372036854775807";
  absl::StatusOr<Timeline> t = Simulate(after, state, Options());
  ASSERT_THAT(t, IsOk());
  EXPECT_FALSE(t->events.empty());
}

TEST(SimulateTest, RestartingEveryoneAtOnceBreaksTheBudget) {
  CompiledCluster before = ClusterOf({RoleFor("broker", 3, "v1-a")});
  CompiledCluster after = ClusterOf({RoleFor("broker", 3, "v1-b")});
  absl::StatusOr<Timeline> t =
      Simulate(after, ConvergedState(before, kStart), Options({.all_at_once = true}));
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->converged);
  EXPECT_THAT(t->violations,
              Contains(AllOf(HasSubstr("restart events-broker-1 while 1 member(s)"),
                             HasSubstr("budget 1"))));
}

TEST(SimulateTest, QuorumIsChecked) {
  CompiledRole zk = RoleFor("zk", 3, "v1-b");
  zk.role.quorum = Quorum::kMajority;
  zk.max_unavailable = 2;  // A wrong budget: the quorum check still fires.
  CompiledCluster before = ClusterOf({RoleFor("zk", 3, "v1-a")});
  absl::StatusOr<Timeline> t =
      Simulate(ClusterOf({zk}), ConvergedState(before, kStart), Options({.all_at_once = true}));
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations, Contains(HasSubstr("leaves quorum role zk with 1 available of 3")));
}

TEST(SimulateTest, WrongOrderIsAViolation) {
  CompiledCluster before = ClusterOf({RoleFor("broker", 3, "v1-a")});
  CompiledCluster after = ClusterOf({RoleFor("broker", 3, "v1-b")});
  absl::StatusOr<Timeline> t =
      Simulate(after, ConvergedState(before, kStart), Options({.ascending = true}));
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations, Contains(HasSubstr(
                                 "restart events-broker-0 before events-broker-1 (order "
                                 "ordinalDescending)")));
  CompiledRole ascending = RoleFor("broker", 3, "v1-b");
  ascending.role.rollout.order = RolloutOrder::kOrdinalAscending;
  t = Simulate(ClusterOf({ascending}), ConvergedState(before, kStart),
               Options({.ascending = true}));
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
}

TEST(SimulateTest, FollowersFirstLeaderLast) {
  CompiledRole old_role = RoleFor("zk", 3, "v1-a");
  old_role.role.rollout.leader_label = "strata.dev/leader";
  CompiledRole new_role = old_role;
  new_role.spec_hash = "v1-b";
  new_role.role.rollout.order = RolloutOrder::kFollowersFirst;
  // The leader is the lowest ordinal: restarting descending puts it last.
  ObservedState start = ConvergedState(ClusterOf({old_role}), kStart);
  absl::StatusOr<Timeline> t = Simulate(ClusterOf({new_role}), start, Options());
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  // Move the leader to the highest ordinal: descending now restarts it first.
  KubeModelOptions model = ModelOptionsFor(ClusterOf({old_role}));
  absl::StatusOr<KubeModel> kube = KubeModel::FromObservedState(start, model, kStart);
  ASSERT_THAT(kube, IsOk());
  ASSERT_THAT(kube->SetLeader("events-zk-2"), IsOk());
  t = Simulate(ClusterOf({new_role}), kube->ToObservedState(), Options());
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations,
              Contains(HasSubstr("restart leader events-zk-2 of role zk before follower")));
}

TEST(SimulateTest, DependencyMustBeSettledFirst) {
  CompiledRole zk = RoleFor("zk", 3, "v1-a");
  CompiledRole broker = RoleFor("broker", 2, "v1-a");
  broker.depends_on = {"zk"};
  // Broker listed first: the toy planner starts it before zk exists.
  absl::StatusOr<Timeline> t = Simulate(ClusterOf({broker, zk}), ObservedState{}, Options());
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations,
              Contains(HasSubstr("create StatefulSet events-broker of role broker while its "
                                 "dependency zk is not settled (events-zk-0 missing")));
}

TEST(SimulateTest, NeverReadyBlocksAtThatMember) {
  CompiledCluster before = ClusterOf({RoleFor("broker", 4, "v1-a")});
  CompiledCluster after = ClusterOf({RoleFor("broker", 4, "v1-b")});
  SimulateOptions options = Options();
  options.faults = *ParseFaults("never-ready=events-broker-2");
  absl::StatusOr<Timeline> t = Simulate(after, ConvergedState(before, kStart), options);
  ASSERT_THAT(t, IsOk());
  EXPECT_FALSE(t->converged);
  EXPECT_TRUE(t->blocked) << TimelineToText(*t);
  EXPECT_THAT(t->blocked_reason, HasSubstr("events-broker-2 never becomes Ready"));
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  EXPECT_THAT(Matching(*t, "restart"),
              ElementsAre("restart events-broker-3", "restart events-broker-2"));
  // A planner that goes past it (everyone at once) is caught.
  t = Simulate(after, ConvergedState(before, kStart), [&] {
    SimulateOptions o = Options({.all_at_once = true});
    o.faults = options.faults;
    return o;
  }());
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations, Not(IsEmpty()));
}

TEST(SimulateTest, PodDiesMidRolloutStillConverges) {
  CompiledCluster before = ClusterOf({RoleFor("broker", 3, "v1-a")});
  CompiledCluster after = ClusterOf({RoleFor("broker", 3, "v1-b")});
  SimulateOptions options = Options();
  options.faults = *ParseFaults("pod-dies=events-broker-0@2");
  absl::StatusOr<Timeline> t = Simulate(after, ConvergedState(before, kStart), options);
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->converged);
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  EXPECT_THAT(Whats(*t), Contains(HasSubstr("FAULT: pod events-broker-0 dies")));
}

TEST(SimulateTest, GateFailsThenPasses) {
  CompiledRole role = RoleFor("broker", 3, "v1-b");
  role.role.rollout.gate = Gate{.handler = {.kind = Handler::Kind::kExec,
                                            .command = {"/bin/can-restart"}}};
  CompiledCluster before = ClusterOf({RoleFor("broker", 3, "v1-a")});
  SimulateOptions options = Options();
  options.faults = *ParseFaults("gate-fails=events-broker-2x2");
  absl::StatusOr<Timeline> t = Simulate(ClusterOf({role}), ConvergedState(before, kStart),
                                        options);
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->converged);
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  EXPECT_EQ(Matching(*t, "exec gate in events-broker-2 for events-broker-2: exit 1").size(),
            2u);
  EXPECT_THAT(Matching(*t, "restart"),
              ElementsAre("restart events-broker-2", "restart events-broker-1",
                          "restart events-broker-0"));
}

TEST(SimulateTest, NodeLossConverges) {
  CompiledCluster before = ClusterOf({RoleFor("broker", 3, "v1-a")});
  CompiledCluster after = ClusterOf({RoleFor("broker", 3, "v1-b")});
  SimulateOptions options = Options();
  options.faults = *ParseFaults("node-loss=events-broker-0+events-broker-1@1");
  absl::StatusOr<Timeline> t = Simulate(after, ConvergedState(before, kStart), options);
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->converged);
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  // The lost pods came back at the current template: only 2 was restarted.
  EXPECT_THAT(Matching(*t, "restart"), ElementsAre("restart events-broker-2"));
}

TEST(SimulateTest, FaultNamingNoPodIsInvalid) {
  SimulateOptions options = Options();
  options.faults = *ParseFaults("never-ready=events-broker-7");
  EXPECT_THAT(Simulate(ClusterOf({RoleFor("broker", 3, "v1-a")}), ObservedState{}, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("events-broker-7 is not a pod of cluster events")));
}

TEST(SimulateTest, ConvergenceBoundIsAViolation) {
  CompiledCluster desired = ClusterOf({RoleFor("broker", 3, "v1-a")});
  SimulateOptions options = Options();
  options.max_plans = 1;
  absl::StatusOr<Timeline> t = Simulate(desired, ObservedState{}, options);
  ASSERT_THAT(t, IsOk());
  EXPECT_FALSE(t->converged);
  EXPECT_THAT(t->violations, ElementsAre(HasSubstr("did not converge within 1 plans")));
}

TEST(SimulateTest, PvcDeletionOutsidePolicyIsAViolation) {
  CompiledCluster desired = ClusterOf({RoleFor("broker", 2, "v1-a")});
  ObservedState start = ConvergedState(desired, kStart);
  SimulateOptions options = Options();
  int calls = 0;
  options.planner = [&](const CompiledCluster&, const ObservedState&,
                        const PlanOptions&) -> absl::StatusOr<Plan> {
    Plan plan;
    if (calls++ > 0) return plan;
    plan.steps.push_back({.id = 1, .action = Action::kDelete,
                          .target = {.kind = "PersistentVolumeClaim",
                                     .name = "data-events-broker-1", .role = "broker"},
                          .reason = "oops"});
    plan.next = {1};
    return plan;
  };
  absl::StatusOr<Timeline> t = Simulate(desired, start, options);
  ASSERT_THAT(t, IsOk());
  // The claim is in use: it goes only once its pod does; the plan never
  // deletes the pod, so it stays. Delete the pod too and it is gone.
  options.planner = [&](const CompiledCluster&, const ObservedState& seen,
                        const PlanOptions&) -> absl::StatusOr<Plan> {
    Plan plan;
    if (calls++ > 2) return plan;
    plan.steps.push_back({.id = 1, .action = Action::kDelete,
                          .target = {.kind = "PersistentVolumeClaim",
                                     .name = "data-events-broker-1", .role = "broker"},
                          .reason = "oops"});
    plan.steps.push_back({.id = 2, .action = Action::kRestart,
                          .target = {.kind = "Pod", .name = "events-broker-1",
                                     .role = "broker", .ordinal = 1},
                          .after = {1}, .reason = "oops"});
    plan.next = {1};
    return plan;
  };
  t = Simulate(desired, start, options);
  ASSERT_THAT(t, IsOk());
  EXPECT_THAT(t->violations,
              Contains(HasSubstr("PVC data-events-broker-1 deleted, but role broker storage "
                                 "data says onScaleDown retain, afterLeave keep")));
}

TEST(SimulateTest, ImmutableFieldChangeIsRejectedLikeTheApiServer) {
  CompiledCluster before = ClusterOf({RoleFor("broker", 2, "v1-a")});
  CompiledCluster after = ClusterOf({RoleFor("broker", 2, "v1-a")});
  after.objects[0].body["spec"]["serviceName"] = "other";
  absl::StatusOr<Timeline> t = Simulate(after, ConvergedState(before, kStart), Options());
  ASSERT_THAT(t, IsOk());
  EXPECT_FALSE(t->converged);
  EXPECT_THAT(t->violations,
              Contains(HasSubstr("the API server rejects apply StatefulSet "
                                 "events-broker: spec.serviceName: Forbidden")));
}

TEST(SimulateTest, TimelineOutputs) {
  CompiledCluster desired = ClusterOf({RoleFor("broker", 1, "v1-a")});
  absl::StatusOr<Timeline> t = Simulate(desired, ObservedState{}, Options());
  ASSERT_THAT(t, IsOk());
  std::string text = TimelineToText(*t);
  EXPECT_THAT(text, HasSubstr("+00:00:00  plan 1    apply StatefulSet events-broker"));
  EXPECT_THAT(text, HasSubstr("+00:00:10  plan 1    pod events-broker-0 Ready"));
  EXPECT_THAT(text, HasSubstr("converged after 2 plan(s), 2 step(s), simulated 00:00:10"));
  EXPECT_THAT(text, HasSubstr("violations: none"));
  Json json = TimelineToJson(*t);
  EXPECT_EQ(json["converged"], true);
  EXPECT_EQ(json["plans"], 2);
  EXPECT_EQ(json["violations"], Json::array());
  EXPECT_EQ(json["events"][0]["offsetSeconds"], 0);
  EXPECT_EQ(json["start"], "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace strata
