// PLANNER BUGS found by tests/sim/property_test.cc, each as a minimal case,
// kept as regression tests now that each is settled. A new one goes here as
// a failing test first, then the planner is fixed.

#include <string>
#include <vector>

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

// parallel-ignores-quorum (not a planner bug, settled): strategy parallel is
// the explicit opt-out of the quorum budget (ROLLOUT-RULES 5 — a full-stop
// restart some upgrades need), so the planner restarts up to maxUnavailable
// members of a quorum role at once and notes it; the simulator holds such a
// role to maxUnavailable, not to the majority. maxUnavailable still bounds it.
TEST(PlannerBugTest, ParallelQuorumRoleIsHeldToItsMaxUnavailable) {
  Topology before = OneRole("zk", 5);
  before.app.roles[0].quorum = Quorum::kMajority;
  before.app.roles[0].rollout.strategy = RolloutStrategy::kParallel;
  before.app.roles[0].rollout.max_unavailable = {.value = 3};
  Topology after = before;
  after.cluster.roles[0].image = "zk:2";
  Timeline t = Drive(before, after);
  EXPECT_TRUE(t.converged);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
  // The plan says it opts out, and its first wave restarts three members
  // (past the majority cap of two), not four.
  absl::StatusOr<CompiledCluster> old = Compile(before, CompileOptions{});
  absl::StatusOr<CompiledCluster> desired = Compile(after, CompileOptions{});
  ASSERT_THAT(desired, IsOk());
  absl::StatusOr<Plan> plan =
      PlanRollout(*desired, ConvergedState(*old, kNow), PlanOptions{.now = kNow});
  ASSERT_THAT(plan, IsOk());
  EXPECT_THAT(plan->notes, ::testing::Contains(::testing::HasSubstr("opts out of the quorum")));
  // The first wave: the restarts that follow only the StatefulSet apply.
  int first_wave = 0;
  for (const Step& s : plan->steps) {
    if (s.action == Action::kRestart && s.after == std::vector<int32_t>{plan->next[0]}) {
      ++first_wave;
    }
  }
  EXPECT_EQ(first_wave, 3) << PlanToText(*plan);
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

// resize-pvc-of-removed-member (fixed: only claims of ordinals below the
// desired member count are grown; kept as a regression test): growing storage while scaling in, the plan
// re-creates the StatefulSet (orphan delete + apply) with the smaller
// replicas, which removes the surplus member and, under onScaleDown: delete,
// its PVC; the plan then still resizes that PVC (resizePvc on a PVC that no
// longer exists). Only the members that stay should be resized.
TEST(PlannerBugTest, StorageGrowthWithScaleInResizesOnlyRemainingMembers) {
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
