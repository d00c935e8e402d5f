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
}

}  // namespace
}  // namespace strata
