// SPEC-2 §5b.4: a role with 0 members (`members: 0`, or an omitted "0+"
// role) compiles to no objects at all, and planning it removes the objects
// an earlier version with members made. A stopped Cluster is different: its
// StatefulSets stay, at 0 replicas.

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/plan.h"
#include "tests/compile/test_topologies.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::KafkaTopology;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::Not;

// Kafka with brokers scaled freely ("0+"), `members` of them (unset: the
// Cluster does not say, so the cardinality's minimum, 0).
Topology KafkaWithBrokers(std::optional<int32_t> members) {
  Topology t = KafkaTopology();
  for (Role& r : t.app.roles) {
    if (r.name == "broker") r.cardinality = *Cardinality::Parse("0+");
  }
  std::vector<RoleOverride> roles;
  for (RoleOverride& o : t.cluster.roles) {
    if (o.name != "broker") roles.push_back(o);
  }
  if (members) roles.push_back(RoleOverride{.name = "broker", .members = members});
  t.cluster.roles = roles;
  return t;
}

// "Kind/name" of every compiled object of `role`.
std::vector<std::string> ObjectsOf(const CompiledCluster& c, const std::string& role) {
  std::vector<std::string> out;
  for (const Object& o : c.objects) {
    if (o.role == role) out.push_back(o.kind + "/" + o.name);
  }
  return out;
}

TEST(ZeroMembersTest, CompilesToNoObjects) {
  for (std::optional<int32_t> members : {std::optional<int32_t>(0), std::optional<int32_t>()}) {
    SCOPED_TRACE(members ? "members: 0" : "members omitted");
    absl::StatusOr<CompiledCluster> c = Compile(KafkaWithBrokers(members), CompileOptions{});
    ASSERT_THAT(c, IsOk());
    EXPECT_THAT(ObjectsOf(*c, "broker"), IsEmpty());
    EXPECT_THAT(ObjectsOf(*c, "zookeeper"), Not(IsEmpty()));
  }
}

TEST(ZeroMembersTest, AStoppedClusterKeepsItsStatefulSetsAtZero) {
  Topology t = KafkaWithBrokers(3);
  t.cluster.stopped = true;
  absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(ObjectsOf(*c, "broker"), ::testing::Contains("StatefulSet/events-broker"));
}

TEST(ZeroMembersTest, PlanningZeroMembersRemovesTheRolesObjects) {
  absl::StatusOr<CompiledCluster> three = Compile(KafkaWithBrokers(3), CompileOptions{});
  ASSERT_THAT(three, IsOk());
  const absl::Time now = absl::FromUnixSeconds(1767225600);
  ObservedState observed = ConvergedState(*three, now);
  absl::StatusOr<CompiledCluster> zero = Compile(KafkaWithBrokers(0), CompileOptions{});
  ASSERT_THAT(zero, IsOk());
  PlanOptions options;
  options.now = now;
  absl::StatusOr<Plan> plan = PlanRollout(*zero, observed, options);
  ASSERT_THAT(plan, IsOk());
  std::set<std::string> deleted;
  for (const Step& s : plan->steps) {
    if (s.action == Action::kDelete) deleted.insert(s.target.kind + "/" + s.target.name);
  }
  EXPECT_THAT(deleted, IsSupersetOf(ObjectsOf(*three, "broker"))) << PlanToText(*plan);
  // The members leave as in any scale-in (the StatefulSet goes to 0 first),
  // and the StatefulSet is deleted only after that.
  int32_t scale_in = 0, sts_delete = 0;
  for (const Step& s : plan->steps) {
    if (s.target.kind != "StatefulSet") continue;
    if (s.action == Action::kApply) scale_in = s.id;
    if (s.action == Action::kDelete) sts_delete = s.id;
  }
  ASSERT_GT(scale_in, 0) << PlanToText(*plan);
  ASSERT_GT(sts_delete, 0);
  EXPECT_THAT(plan->steps[sts_delete - 1].after, ::testing::Contains(scale_in));
  EXPECT_EQ(plan->steps[scale_in - 1].object["spec"]["replicas"], 0);
  // No object is deleted twice.
  std::vector<std::string> all;
  for (const Step& s : plan->steps) {
    if (s.action == Action::kDelete) all.push_back(s.target.kind + "/" + s.target.name);
  }
  EXPECT_EQ(all.size(), deleted.size()) << PlanToText(*plan);
}

TEST(ZeroMembersTest, ADrainedRoleLosesItsObjectsWithoutAScaleIn) {
  absl::StatusOr<CompiledCluster> three = Compile(KafkaWithBrokers(3), CompileOptions{});
  ASSERT_THAT(three, IsOk());
  const absl::Time now = absl::FromUnixSeconds(1767225600);
  ObservedState observed = ConvergedState(*three, now);
  // The brokers already left: the StatefulSet at 0 and no broker pod.
  for (Json& sts : observed.stateful_sets) {
    if (sts["metadata"]["name"] == "events-broker") sts["spec"]["replicas"] = 0;
  }
  std::vector<Json> pods;
  for (const Json& p : observed.pods) {
    if (p["metadata"]["name"].get<std::string>().rfind("events-broker-", 0) != 0) pods.push_back(p);
  }
  observed.pods = pods;
  absl::StatusOr<CompiledCluster> zero = Compile(KafkaWithBrokers(0), CompileOptions{});
  ASSERT_THAT(zero, IsOk());
  PlanOptions options;
  options.now = now;
  absl::StatusOr<Plan> plan = PlanRollout(*zero, observed, options);
  ASSERT_THAT(plan, IsOk());
  std::set<std::string> deleted;
  for (const Step& s : plan->steps) {
    EXPECT_EQ(s.action, Action::kDelete) << PlanToText(*plan);
    deleted.insert(s.target.kind + "/" + s.target.name);
  }
  EXPECT_THAT(deleted, IsSupersetOf(ObjectsOf(*three, "broker"))) << PlanToText(*plan);
  // Planned again once they are gone, nothing is left to do.
  ObservedState after = observed;
  auto gone = [&](std::vector<Json>& list) {
    std::vector<Json> kept;
    for (const Json& o : list) {
      if (!deleted.count(o["kind"].get<std::string>() + "/" + o["metadata"]["name"].get<std::string>())) {
        kept.push_back(o);
      }
    }
    list = kept;
  };
  gone(after.stateful_sets);
  gone(after.services);
  gone(after.pod_disruption_budgets);
  gone(after.config_maps);
  absl::StatusOr<Plan> again = PlanRollout(*zero, after, options);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->converged) << PlanToText(*again);
}

}  // namespace
}  // namespace strata
