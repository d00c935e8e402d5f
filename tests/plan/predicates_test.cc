// Table tests for the planner's pure pieces: predicates, partition, diff.

#include "plan/predicates.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/plan.h"

namespace strata::plan_internal {
namespace {

using ::testing::Optional;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

Json Pod(const std::string& phase, const std::string& ready, const std::string& since = "",
         const std::string& waiting = "") {
  Json pod = {{"kind", "Pod"},
              {"metadata", {{"name", "c-r-1"}}},
              {"status", {{"phase", phase}, {"conditions", Json::array()}}}};
  if (!ready.empty()) {
    Json c = {{"type", "Ready"}, {"status", ready}};
    if (!since.empty()) c["lastTransitionTime"] = since;
    pod["status"]["conditions"].push_back(c);
  }
  if (!waiting.empty()) {
    pod["status"]["containerStatuses"] =
        Json::array({{{"name", "app"}, {"state", {{"waiting", {{"reason", waiting}}}}}}});
  }
  return pod;
}

TEST(PredicatesTest, IsReady) {
  struct Case {
    Json pod;
    bool ready;
  } cases[] = {
      {Pod("Running", "True"), true},
      {Pod("Running", "False"), false},
      {Pod("Pending", "True"), false},
      {Pod("Running", ""), false},
      {Pod("Succeeded", "True"), false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsReady(c.pod), c.ready) << c.pod.dump();
  Json terminating = Pod("Running", "True");
  terminating["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_FALSE(IsReady(terminating));
  EXPECT_TRUE(IsTerminating(terminating));
  EXPECT_FALSE(IsTerminating(Pod("Running", "True")));
}

TEST(PredicatesTest, IsAvailableAfterMinReadySeconds) {
  struct Case {
    std::string since;
    int32_t min_ready;
    bool available;
  } cases[] = {
      {"2025-12-31T23:59:50Z", 0, true},   {"2025-12-31T23:59:50Z", 10, true},
      {"2025-12-31T23:59:51Z", 10, false}, {"2025-12-31T23:00:00Z", 3600, true},
      {"", 30, true},  // No transition time recorded: nothing says otherwise.
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsAvailable(Pod("Running", "True", c.since), c.min_ready, kNow), c.available)
        << c.since << " " << c.min_ready;
  }
  EXPECT_FALSE(IsAvailable(Pod("Running", "False", "2025-01-01T00:00:00Z"), 0, kNow));
  EXPECT_THAT(ReadySince(Pod("Running", "True", "2025-12-31T23:59:50Z")),
              Optional(kNow - absl::Seconds(10)));
  EXPECT_EQ(ReadySince(Pod("Running", "False", "2025-12-31T23:59:50Z")), std::nullopt);
}

TEST(PredicatesTest, StuckReason) {
  struct Case {
    Json pod;
    std::string reason;
  } cases[] = {
      {Pod("Running", "False", "", "CrashLoopBackOff"), "container app is in CrashLoopBackOff"},
      {Pod("Pending", "False", "", "ImagePullBackOff"), "container app is in ImagePullBackOff"},
      {Pod("Pending", "False", "", "ErrImagePull"), "container app is in ErrImagePull"},
      {Pod("Pending", "False", "", "InvalidImageName"), "container app is in InvalidImageName"},
      {Pod("Pending", "False", "", "CreateContainerConfigError"),
       "container app is in CreateContainerConfigError"},
      {Pod("Pending", "False", "", "ContainerCreating"), ""},  // Normal start-up.
      {Pod("Running", "True"), ""},
  };
  for (const Case& c : cases) EXPECT_EQ(StuckReason(c.pod), c.reason) << c.pod.dump();
  Json unschedulable = Pod("Pending", "");
  unschedulable["status"]["conditions"].push_back(
      {{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"},
       {"message", "0/3 nodes are available"}});
  EXPECT_EQ(StuckReason(unschedulable),
            "it is Pending and Unschedulable (0/3 nodes are available)");
  Json init = Pod("Pending", "");
  init["status"]["initContainerStatuses"] =
      Json::array({{{"name", "init"}, {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}}}});
  EXPECT_EQ(StuckReason(init), "init container init is in CrashLoopBackOff");
}

TEST(PredicatesTest, SpecHashLeaderZone) {
  Json pod = Pod("Running", "True");
  pod["metadata"]["annotations"] = {{"strata.dev/spec-hash", "v1-aa"}};
  pod["metadata"]["labels"] = {{"strata.dev/leader", "true"}};
  EXPECT_TRUE(IsAtDesiredSpec(pod, "v1-aa"));
  EXPECT_FALSE(IsAtDesiredSpec(pod, "v1-bb"));
  EXPECT_FALSE(IsAtDesiredSpec(Pod("Running", "True"), "v1-aa"));
  EXPECT_TRUE(IsLeader(pod, "strata.dev/leader"));
  EXPECT_FALSE(IsLeader(pod, ""));
  EXPECT_FALSE(IsLeader(pod, "other"));
  std::vector<Json> nodes = {
      {{"kind", "Node"},
       {"metadata", {{"name", "n1"}, {"labels", {{"topology.kubernetes.io/zone", "z1"}}}}}}};
  EXPECT_EQ(ZoneOf(pod, nodes), "");
  pod["spec"]["nodeName"] = "n1";
  EXPECT_EQ(ZoneOf(pod, nodes), "z1");
  pod["metadata"]["labels"]["topology.kubernetes.io/zone"] = "z0";
  EXPECT_EQ(ZoneOf(pod, nodes), "z0");  // The pod's own label wins.
}

TEST(PredicatesTest, UsesConfigMapAndStartedAt) {
  Json pod = Pod("Running", "True");
  pod["spec"]["volumes"] = Json::array(
      {{{"name", "a"}, {"configMap", {{"name", "cm-1"}}}},
       {{"name", "b"}, {"projected", {{"sources", Json::array({{{"configMap", {{"name", "cm-2"}}}}})}}}}});
  EXPECT_TRUE(UsesConfigMap(pod, "cm-1"));
  EXPECT_TRUE(UsesConfigMap(pod, "cm-2"));
  EXPECT_FALSE(UsesConfigMap(pod, "cm-3"));
  EXPECT_EQ(StartedAt(pod), std::nullopt);
  pod["metadata"]["creationTimestamp"] = "2025-12-31T23:00:00Z";
  EXPECT_THAT(StartedAt(pod), Optional(kNow - absl::Hours(1)));
  pod["status"]["startTime"] = "2025-12-31T23:30:00Z";
  EXPECT_THAT(StartedAt(pod), Optional(kNow - absl::Minutes(30)));
}

TEST(PredicatesTest, ReadyTimeoutSeconds) {
  Role role;
  EXPECT_EQ(ReadyTimeoutSeconds(role), 300);
  role.rollout.min_ready_seconds = 30;
  EXPECT_EQ(ReadyTimeoutSeconds(role), 330);
  Probe startup;
  startup.failure_threshold = 30;
  startup.period_seconds = 10;
  role.probes.startup = startup;
  EXPECT_EQ(ReadyTimeoutSeconds(role), 630);
  // rollout.readyTimeoutSeconds replaces the computed value, also downwards.
  role.rollout.ready_timeout_seconds = 20;
  EXPECT_EQ(ReadyTimeoutSeconds(role), 20);
}

// A wait that holds once minReadySeconds has passed says when: no cluster
// event marks that moment, and the executor wakes at it.
TEST(CheckWaitTest, SaysWhenMinReadySecondsWillHaveHeld) {
  std::map<std::string, Json> pods;
  auto find = [&pods](const std::string& kind, const std::string& name) -> const Json* {
    auto it = pods.find(name);
    return kind == "Pod" && it != pods.end() ? &it->second : nullptr;
  };
  pods["c-r-0"] = Pod("Running", "True", "2025-12-31T23:59:55Z");  // Ready 5 s ago.
  pods["c-r-1"] = Pod("Running", "True", "2025-12-31T23:59:50Z");  // Ready 10 s ago.
  WaitCondition pod{.kind = WaitCondition::Kind::kPodReady, .target = "c-r-0",
                    .min_ready_seconds = 30};
  WaitStatus s = ::strata::CheckWait(pod, find, kNow);
  EXPECT_FALSE(s.holds);
  EXPECT_THAT(s.holds_at, Optional(kNow + absl::Seconds(25)));
  EXPECT_TRUE(::strata::CheckWait(pod, find, kNow + absl::Seconds(25)).holds);

  WaitCondition role{.kind = WaitCondition::Kind::kRoleReady, .target = "r",
                     .stateful_set = "c-r", .count = 2, .min_ready_seconds = 30};
  s = ::strata::CheckWait(role, find, kNow);
  EXPECT_FALSE(s.holds);
  EXPECT_EQ(s.why, "c-r-0 not Ready for minReadySeconds");
  EXPECT_THAT(s.holds_at, Optional(kNow + absl::Seconds(25)));  // The later of the two.

  // A member that is not Ready needs a change in the cluster: no time to wake at.
  pods["c-r-1"] = Pod("Running", "False");
  s = ::strata::CheckWait(role, find, kNow);
  EXPECT_FALSE(s.holds);
  EXPECT_EQ(s.holds_at, std::nullopt);
  pod.target = "c-r-1";
  EXPECT_EQ(::strata::CheckWait(pod, find, kNow).holds_at, std::nullopt);
}

}  // namespace
}  // namespace strata::plan_internal
