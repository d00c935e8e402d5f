// PLANNER BUGS found by tests/sim/property_test.cc, each as a minimal case.
// Those still open FAIL against the current PlanRollout and are DISABLED_ so
// the suite stays green (fixed ones run as regression tests); run them with
//   strata_sim_test --gtest_also_run_disabled_tests --gtest_filter='PlannerBug*'
// When the planner is fixed: drop the DISABLED_ prefix and remove the
// matching entry from kKnownPlannerBugs in property_test.cc.

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/simulate.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

// One role `name` with `members` members of cluster "c" (namespace "data").
Topology OneRole(const std::string& name, int members) {
  Topology t;
  t.app.name = "app";
  t.app.version = "1.0";
  t.cluster.name = "c";
  t.cluster.namespace_ = "data";
  t.cluster.app = "app";
  Role r;
  r.name = name;
  r.image = name + ":1";
  r.cardinality = *Cardinality::Parse("1+");
  r.ports.push_back({.name = "p", .port = 7000});
  t.app.roles.push_back(r);
  t.cluster.roles.push_back(RoleOverride{.name = name, .members = members});
  return t;
}

// Simulates `after` from `before` converged; returns the timeline.
Timeline Drive(const Topology& before, const Topology& after) {
  absl::StatusOr<CompiledCluster> old = Compile(before, CompileOptions{});
  absl::StatusOr<CompiledCluster> desired = Compile(after, CompileOptions{});
  EXPECT_THAT(old, IsOk());
  EXPECT_THAT(desired, IsOk());
  if (!old.ok() || !desired.ok()) return {};
  SimulateOptions options;
  options.start = kNow;
  options.max_plans = 200;
  absl::StatusOr<Timeline> t = Simulate(*desired, ConvergedState(*old, kNow), options);
  EXPECT_THAT(t, IsOk());
  return t.ok() ? *t : Timeline{};
}

// parallel-ignores-quorum: PlanRollout's Budget() exempts strategy
// `parallel` from the quorum cap, restarting 2 of 3 members of a quorum role
// at once. SPEC §4 rule 3: "a quorum role never drops below floor(n/2)+1
// available"; CompiledRole::max_unavailable (and the PDB, minAvailable 2) say
// 1. Seen by the property test as "restart ... budget 1 (parallel, quorum)".
TEST(PlannerBugTest, DISABLED_ParallelStrategyStillKeepsQuorum) {
  Topology before = OneRole("zk", 3);
  before.app.roles[0].quorum = Quorum::kMajority;
  before.app.roles[0].rollout.strategy = RolloutStrategy::kParallel;
  before.app.roles[0].rollout.max_unavailable = {.value = 2};
  Topology after = before;
  after.cluster.roles[0].image = "zk:2";
  Timeline t = Drive(before, after);
  EXPECT_TRUE(t.converged);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
}

// update-before-scale-out-ready (fixed in lib/plan by 2e7db72; kept as a
// regression test): scaling out and changing the template in one plan, the
// first restart must wait for the new member to be Ready, or with serial
// (budget 1) the new unready member plus the restarted one make 2
// unavailable. SPEC §4 rule 2 ("membership first"), ROLLOUT-RULES 23.
TEST(PlannerBugTest, UpdateWaitsForScaleOutToBeReady) {
  Topology before = OneRole("broker", 3);
  Topology after = before;
  after.cluster.roles[0].members = 4;
  after.cluster.roles[0].image = "broker:2";
  Timeline t = Drive(before, after);
  EXPECT_TRUE(t.converged);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
}

// resize-pvc-of-removed-member: growing storage while scaling in, the plan
// re-creates the StatefulSet (orphan delete + apply) with the smaller
// replicas, which removes the surplus member and, under onScaleDown: delete,
// its PVC; the plan then still resizes that PVC (resizePvc on a PVC that no
// longer exists). Only the members that stay should be resized.
TEST(PlannerBugTest, DISABLED_StorageGrowthWithScaleInResizesOnlyRemainingMembers) {
  Topology before = OneRole("web", 3);
  Storage data;
  data.name = "data";
  data.mount_path = "/data";
  data.size = *Quantity::Parse("6Gi");
  data.on_scale_down = VolumePolicy::kDelete;
  before.app.roles[0].storage.push_back(data);
  Topology after = before;
  after.cluster.roles[0].members = 2;
  after.cluster.roles[0].storage.push_back({.name = "data", .size = *Quantity::Parse("12Gi")});
  Timeline t = Drive(before, after);
  EXPECT_TRUE(t.converged);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
}

}  // namespace
}  // namespace strata
