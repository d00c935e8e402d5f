// Planner rules, one at a time, on hand-built compiled clusters and the
// simulator's KubeModel as the cluster. Rules that depend on the rollout
// strategy run under serial, bestEffortParallel and parallel.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plan/predicates.h"
#include "sim/kube_model.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "tests/plan/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::plan_testing::Converged;
using ::strata::plan_testing::FindPod;
using ::strata::plan_testing::FindPvc;
using ::strata::plan_testing::MakeCluster;
using ::strata::plan_testing::MakeStuck;
using ::strata::plan_testing::MakeUnready;
using ::strata::plan_testing::Now;
using ::strata::plan_testing::RoleSpec;
using ::strata::plan_testing::Rfc3339;
using ::strata::plan_testing::SetHash;
using ::strata::plan_testing::Summary;
using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Plan MustPlan(const CompiledCluster& desired, const ObservedState& observed,
              absl::Time now = Now()) {
  absl::StatusOr<Plan> plan = PlanRollout(desired, observed, PlanOptions{.now = now});
  EXPECT_THAT(plan, IsOk());
  return plan.ok() ? *plan : Plan{};
}

// The plan is well formed: ids 1..n, `after` only names earlier steps,
// `next` is exactly the steps with nothing to wait for, every step has a
// reason, converged iff empty.
void ExpectWellFormed(const Plan& plan) {
  std::vector<int32_t> next;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    EXPECT_EQ(s.id, static_cast<int32_t>(i) + 1);
    for (int32_t a : s.after) {
      EXPECT_GE(a, 1);
      EXPECT_LT(a, s.id) << "step " << s.id << " waits for a later step";
    }
    EXPECT_FALSE(s.reason.empty()) << "step " << s.id << " has no reason";
    EXPECT_FALSE(s.target.kind.empty());
    EXPECT_FALSE(s.target.name.empty());
    if (s.after.empty()) next.push_back(s.id);
    if (s.action == Action::kApply) EXPECT_TRUE(s.object.is_object());
    if (s.action == Action::kWait) EXPECT_FALSE(s.condition.empty());
  }
  EXPECT_EQ(plan.next, next);
  EXPECT_EQ(plan.converged, plan.steps.empty());
}

const Step* FindStep(const Plan& plan, Action action, const std::string& name) {
  for (const Step& s : plan.steps) {
    if (s.action == action && s.target.name == name) return &s;
  }
  return nullptr;
}

// True when step `later` (transitively) waits for step `earlier`.
bool DependsOn(const Plan& plan, int32_t later, int32_t earlier) {
  std::vector<int32_t> todo = {later};
  std::set<int32_t> seen;
  while (!todo.empty()) {
    int32_t id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    for (int32_t a : plan.steps[id - 1].after) {
      if (a == earlier) return true;
      todo.push_back(a);
    }
  }
  return false;
}

std::vector<std::string> Restarts(const Plan& plan) {
  std::vector<std::string> out;
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart) out.push_back(s.target.name);
  }
  return out;
}

// ---------------------------------------------------------------- idempotency

TEST(PlannerTest, ConvergedClusterPlansNothing) {
  CompiledCluster c = MakeCluster(
      {RoleSpec{.name = "zk", .members = 3, .config = "tick=2000", .quorum = true,
                .storage_size = "10Gi"},
       RoleSpec{.name = "broker", .members = 5, .config = "a=b", .depends_on = {"zk"},
                .storage_size = "20Gi", .client_services = {"client"}}});
  ObservedState observed = Converged(c);
  Plan plan = MustPlan(c, observed);
  EXPECT_THAT(Summary(plan), IsEmpty());
  EXPECT_TRUE(plan.converged);
  EXPECT_THAT(plan.next, IsEmpty());
  EXPECT_EQ(plan.cluster, "events");
  EXPECT_EQ(plan.namespace_, "data");
}

TEST(PlannerTest, ConvergedClusterPlansNothingAfterKubectlJsonRoundTrip) {
  CompiledCluster c = MakeCluster(
      {RoleSpec{.name = "zk", .members = 3, .config = "tick=2000", .quorum = true,
                .storage_size = "10Gi"}});
  ObservedState observed = Converged(c);
  // Through text, as `kubectl get -o json` would print it, with the server's
  // additions kubectl shows and the model does not make.
  Json list = ObservedStateToList(observed);
  for (Json& item : list["items"]) {
    item["metadata"]["managedFields"] = Json::array(
        {{{"manager", "kubectl"}, {"operation", "Apply"}, {"fieldsType", "FieldsV1"}}});
    item["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
    if (item["kind"] == "Service") {
      item["spec"]["ipFamilies"] = Json::array({"IPv4"});
      item["spec"]["ipFamilyPolicy"] = "SingleStack";
      item["spec"]["internalTrafficPolicy"] = "Cluster";
    }
    if (item["kind"] == "StatefulSet") {
      item["spec"]["template"]["metadata"]["creationTimestamp"] = nullptr;
      item["spec"]["template"]["spec"]["dnsPolicy"] = "ClusterFirst";
      item["spec"]["template"]["spec"]["containers"][0]["terminationMessagePath"] =
          "/dev/termination-log";
    }
  }
  absl::StatusOr<ObservedState> parsed = ParseObservedState(list.dump(1), "observed.json");
  ASSERT_THAT(parsed, IsOk());
  Plan plan = MustPlan(c, *parsed);
  EXPECT_THAT(Summary(plan), IsEmpty());
  EXPECT_TRUE(plan.converged);
}

// ---------------------------------------------------------------- fresh deploy

TEST(PlannerTest, FreshDeployCreatesRolesInDependsOnOrder) {
  CompiledCluster c = MakeCluster(
      {RoleSpec{.name = "zk", .members = 3, .config = "tick=2000", .quorum = true},
       RoleSpec{.name = "broker", .members = 2, .depends_on = {"zk"}}});
  Plan plan = MustPlan(c, ObservedState{});
  ExpectWellFormed(plan);
  EXPECT_THAT(Summary(plan),
              ElementsAre("apply ConfigMap/" + c.roles[0].config_map,
                          "apply Service/events-zk", "apply StatefulSet/events-zk replicas=3",
                          "apply PodDisruptionBudget/events-zk", "wait roleReady zk 3/3",
                          "apply Service/events-broker",
                          "apply StatefulSet/events-broker replicas=2",
                          "apply PodDisruptionBudget/events-broker",
                          "wait roleReady broker 2/2"));
  EXPECT_THAT(plan.next, ElementsAre(1));
  // The broker waits for ZooKeeper to be Ready 3/3.
  EXPECT_THAT(plan.steps[5].after, ElementsAre(5));
  EXPECT_EQ(plan.steps[4].target.kind, "StatefulSet");
  EXPECT_EQ(plan.steps[4].timeout_seconds, 300);
  EXPECT_FALSE(plan.converged);
}

TEST(PlannerTest, IndependentRolesStartTogether) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "a", .members = 1},
                                   RoleSpec{.name = "b", .members = 1}});
  Plan plan = MustPlan(c, ObservedState{});
  ExpectWellFormed(plan);
  EXPECT_THAT(plan.next, ElementsAre(1, 4));
}

}  // namespace
}  // namespace strata
