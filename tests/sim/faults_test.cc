// Fault parsing (ParseFaults) and injection (lib/sim/faults.h): what each
// fault does to the model, when it fires, and the bookkeeping the invariant
// checks read.

#include "sim/faults.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "strata/simulate.h"
#include "tests/sim/sim_testing.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::sim::CheckFaultTargets;
using ::strata::sim::FaultInjector;
using ::strata::sim_testing::ClusterOf;
using ::strata::sim_testing::RoleFor;
using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

TEST(ParseFaultsTest, ParsesEveryKind) {
  absl::StatusOr<std::vector<Fault>> f = ParseFaults(
      "never-ready=events-broker-2; pod-dies=events-broker-1@3;"
      "gate-fails=events-broker-4x2,node-loss=events-broker-0+events-broker-1@5;");
  ASSERT_THAT(f, IsOk());
  EXPECT_THAT(*f, ElementsAre(Fault{.kind = Fault::Kind::kNeverReady,
                                    .pods = {"events-broker-2"}},
                              Fault{.kind = Fault::Kind::kPodDies,
                                    .pods = {"events-broker-1"}, .at_step = 3},
                              Fault{.kind = Fault::Kind::kGateFails,
                                    .pods = {"events-broker-4"}, .times = 2},
                              Fault{.kind = Fault::Kind::kNodeLoss,
                                    .pods = {"events-broker-0", "events-broker-1"},
                                    .at_step = 5}));
  EXPECT_THAT(ParseFaults(""), IsOk());
  EXPECT_THAT(*ParseFaults(" ; "), IsEmpty());
}

TEST(ParseFaultsTest, ParsesEvictionsAndApiErrors) {
  absl::StatusOr<std::vector<Fault>> f = ParseFaults(
      "evict=events-broker-1@2;api-error=StatefulSet/events-broker@0;"
      "api-conflict=ConfigMap/events-broker-config@3");
  ASSERT_THAT(f, IsOk());
  EXPECT_THAT(*f, ElementsAre(Fault{.kind = Fault::Kind::kEvict,
                                    .pods = {"events-broker-1"}, .at_step = 2},
                              Fault{.kind = Fault::Kind::kApiError, .at_step = 0,
                                    .object = "StatefulSet/events-broker", .code = 500},
                              Fault{.kind = Fault::Kind::kApiError, .at_step = 3,
                                    .object = "ConfigMap/events-broker-config", .code = 409}));
}

TEST(ParseFaultsTest, RejectsBadEntriesNamingThem) {
  struct Case {
    const char* spec;
    const char* message;
  };
  const Case cases[] = {
      {"never-ready", "entry 1 \"never-ready\": expected KIND=VALUE"},
      {"explode=events-broker-1", "unknown fault \"explode\""},
      {"pod-dies=events-broker-1", "expected POD@STEP"},
      {"pod-dies=events-broker-1@x", "expected POD@STEP"},
      {"never-ready=a;gate-fails=events-broker-1", "entry 2"},
      {"gate-fails=events-broker-1x0", "TIMES >= 1"},
      {"node-loss=a++b@2", "POD+POD"},
      {"never-ready=Events_Broker", "expected a pod name"},
      {"evict=events-broker-1", "expected POD@STEP"},
      {"api-error=events-broker@1", "expected KIND/NAME@STEP"},
      {"api-error=StatefulSet/events-broker", "expected KIND/NAME@STEP"},
      {"api-conflict=Stateful-Set/events-broker@1", "expected KIND/NAME@STEP"},
      {"api-error=StatefulSet/Events@1", "expected KIND/NAME@STEP"},
      {"explode=x", "expected never-ready, pod-dies, gate-fails, node-loss, evict, api-error or "
                    "api-conflict"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseFaults(c.spec),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.spec;
  }
}

KubeModel Brokers(int members) {
  CompiledCluster c = ClusterOf({RoleFor("broker", members, "a")});
  return *KubeModel::FromObservedState(ConvergedState(c, kStart), ModelOptionsFor(c), kStart);
}

TEST(FaultInjectorTest, StartArmsStandingFaultsAndFiresStepZero) {
  KubeModel kube = Brokers(3);
  FaultInjector faults(*ParseFaults(
      "never-ready=events-broker-2;gate-fails=events-broker-1x2;pod-dies=events-broker-0@0;"
      "node-loss=events-broker-1@4"));
  EXPECT_THAT(faults.Start(kube),
              ElementsAre("FAULT: pod events-broker-0 dies (containers crash and restart)"));
  EXPECT_FALSE(kube.PodReady("events-broker-0"));
  EXPECT_TRUE(faults.HitThisRound("events-broker-0"));
  EXPECT_TRUE(faults.TookReady("events-broker-0"));
  EXPECT_TRUE(faults.Transient("events-broker-0"));
  EXPECT_TRUE(faults.HasNeverReady());
  // The never-ready member comes back but never turns Ready: stuck, and
  // not transient.
  ASSERT_TRUE(kube.DeletePod("events-broker-2").ok());
  kube.Reconcile(kStart + absl::Hours(1));
  EXPECT_FALSE(kube.PodReady("events-broker-2"));
  EXPECT_TRUE(faults.Stuck("events-broker-2", kube));
  EXPECT_FALSE(faults.Transient("events-broker-2"));
  EXPECT_FALSE(faults.Stuck("events-broker-1", kube));
  EXPECT_TRUE(kube.PodReady("events-broker-0"));
  // Gate failures are consumed one by one, then the gate passes.
  EXPECT_EQ(faults.TakeGateFailure("events-broker-1"), std::optional<int32_t>(1));
  EXPECT_EQ(faults.TakeGateFailure("events-broker-1"), std::optional<int32_t>(0));
  EXPECT_EQ(faults.TakeGateFailure("events-broker-1"), std::nullopt);
  EXPECT_EQ(faults.TakeGateFailure("events-broker-0"), std::nullopt);
}

TEST(FaultInjectorTest, StepFaultsFireAfterTheirStepOnly) {
  KubeModel kube = Brokers(3);
  FaultInjector faults(*ParseFaults("node-loss=events-broker-1+events-broker-2@2"));
  EXPECT_THAT(faults.Start(kube), IsEmpty());
  EXPECT_THAT(faults.FireStep(1, kube), IsEmpty());
  EXPECT_FALSE(faults.AnyHitThisRound());
  EXPECT_THAT(faults.FireStep(2, kube),
              ElementsAre("FAULT: node lost, taking down events-broker-1, events-broker-2"));
  EXPECT_EQ(kube.Find("Pod", "events-broker-1"), nullptr);
  EXPECT_TRUE(faults.TookReady("events-broker-2"));
  EXPECT_THAT(faults.FireStep(3, kube), IsEmpty());
  // A new round forgets who was hit; the damage lasts until Ready again.
  faults.NewRound();
  EXPECT_FALSE(faults.AnyHitThisRound());
  EXPECT_FALSE(faults.TookReady("events-broker-2"));
  EXPECT_TRUE(faults.Transient("events-broker-1"));
  faults.Repaired("events-broker-1");
  EXPECT_FALSE(faults.Transient("events-broker-1"));
  faults.Restarted("events-broker-2");
  EXPECT_FALSE(faults.Transient("events-broker-2"));
  EXPECT_FALSE(faults.HasNeverReady());
}

TEST(FaultInjectorTest, APodThatDoesNotExistIsReportedNotHit) {
  KubeModel kube = Brokers(1);
  FaultInjector faults(*ParseFaults("pod-dies=events-broker-2@1"));
  EXPECT_THAT(faults.FireStep(1, kube),
              ElementsAre("FAULT: pod events-broker-2 would die but does not exist"));
  EXPECT_FALSE(faults.HitThisRound("events-broker-2"));
}

TEST(FaultInjectorTest, EvictionDeletesThePodForItsStatefulSetToRecreate) {
  KubeModel kube = Brokers(3);
  FaultInjector faults(*ParseFaults("evict=events-broker-1@2;evict=events-broker-5@2"));
  EXPECT_THAT(faults.FireStep(2, kube),
              ElementsAre("FAULT: pod events-broker-1 evicted (deleted; its StatefulSet "
                          "recreates it)",
                          "FAULT: pod events-broker-5 would be evicted but does not exist"));
  EXPECT_TRUE(faults.TookReady("events-broker-1"));
  EXPECT_TRUE(faults.Transient("events-broker-1"));
  const std::string uid = kube.Find("Pod", "events-broker-0")->at("metadata").at("uid");
  kube.Reconcile(kStart);
  ASSERT_NE(kube.Find("Pod", "events-broker-1"), nullptr);  // Recreated,
  EXPECT_FALSE(kube.PodReady("events-broker-1"));           // not Ready yet.
  EXPECT_EQ(kube.Find("Pod", "events-broker-0")->at("metadata").at("uid"), uid);
}

TEST(FaultInjectorTest, AnApiErrorAnswersOneApplyFromItsStepOn) {
  FaultInjector faults(*ParseFaults(
      "api-error=StatefulSet/events-broker@2;api-conflict=StatefulSet/events-broker@2"));
  EXPECT_EQ(faults.TakeApiError("StatefulSet", "events-broker", 1), std::nullopt);
  EXPECT_EQ(faults.TakeApiError("ConfigMap", "events-broker", 5), std::nullopt);
  std::optional<absl::Status> first = faults.TakeApiError("StatefulSet", "events-broker", 3);
  ASSERT_TRUE(first.has_value());
  EXPECT_THAT(*first, StatusIs(absl::StatusCode::kUnknown,
                               HasSubstr("500 Internal Server Error applying "
                                         "StatefulSet/events-broker (injected api-error)")));
  std::optional<absl::Status> second = faults.TakeApiError("StatefulSet", "events-broker", 3);
  ASSERT_TRUE(second.has_value());
  EXPECT_THAT(*second, StatusIs(absl::StatusCode::kAborted, HasSubstr("409 Conflict")));
  EXPECT_EQ(faults.TakeApiError("StatefulSet", "events-broker", 4), std::nullopt);
}

TEST(CheckFaultTargetsTest, FaultsMustNamePodsOfTheCluster) {
  CompiledCluster c = ClusterOf({RoleFor("broker", 3, "a")});
  EXPECT_THAT(CheckFaultTargets(*ParseFaults("never-ready=events-broker-2"), c, {}), IsOk());
  EXPECT_THAT(CheckFaultTargets(*ParseFaults("never-ready=events-broker-3"), c, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--faults: events-broker-3 is not a pod of cluster events "
                                 "(pods: events-broker-0..2)")));
  // A member the observed StatefulSet still has (scale-in pending) counts.
  CompiledCluster bigger = ClusterOf({RoleFor("broker", 5, "a")});
  EXPECT_THAT(CheckFaultTargets(*ParseFaults("pod-dies=events-broker-4@1"), c,
                                ConvergedState(bigger, kStart)),
              IsOk());
  EXPECT_THAT(CheckFaultTargets(*ParseFaults("api-error=StatefulSet/events-broker@0"), c, {}),
              IsOk());
  EXPECT_THAT(CheckFaultTargets(*ParseFaults("api-error=StatefulSet/events-zk@0"), c, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("StatefulSet/events-zk is not an object strata applies for "
                                 "cluster events (objects: StatefulSet/events-broker)")));
}

}  // namespace
}  // namespace strata
