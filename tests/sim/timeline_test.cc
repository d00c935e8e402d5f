// The simulator's timeline (lib/sim/timeline.h): snapshots, the events
// between two of them, and the text and JSON forms of a Timeline.

#include "sim/timeline.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "strata/simulate.h"
#include "tests/sim/sim_testing.h"

namespace strata::sim {
namespace {

using ::strata::sim_testing::ClusterOf;
using ::strata::sim_testing::RoleFor;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

std::vector<std::string> Whats(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const Change& c : changes) out.push_back(c.what);
  return out;
}

TEST(TimelineTest, SnapshotsSeePodsClaimsLeadersAndReplicas) {
  CompiledCluster c = ClusterOf({RoleFor("broker", 2, "a")});
  c.roles[0].role.rollout.leader_label = "leader";
  KubeModel kube =
      *KubeModel::FromObservedState(ConvergedState(c, kStart), ModelOptionsFor(c), kStart);
  Snapshot s = TakeSnapshot(kube, c);
  ASSERT_EQ(s.pods.size(), 2u);
  EXPECT_TRUE(s.pods["events-broker-1"].ready);
  EXPECT_EQ(s.pods["events-broker-1"].hash, "a");
  EXPECT_EQ(s.pvc_uid.size(), 2u);
  EXPECT_EQ(s.leaders["events-broker"], "events-broker-0");
  EXPECT_EQ(s.replicas["events-broker"], 2);
  EXPECT_THAT(Diff(s, s), IsEmpty());
}

TEST(TimelineTest, DiffNamesEveryChangeInTimelineOrder) {
  Snapshot before;
  before.pods = {
      {"p-0", {"u0", true, "a"}}, {"p-1", {"u1", true, "a"}}, {"p-2", {"u2", false, "a"}}};
  before.pvc_uid = {{"data-p-0", "c0"}, {"data-p-1", "c1"}};
  before.pvc_capacity = {{"data-p-0", "10Gi"}, {"data-p-1", "10Gi"}};
  before.pvc_member_left = {"data-p-1"};
  before.leaders = {{"p", "p-0"}};
  Snapshot after;
  after.pods = {
      {"p-0", {"u9", true, "b"}}, {"p-2", {"u2", true, "a"}}, {"p-3", {"u3", false, "b"}}};
  after.pvc_uid = {{"data-p-0", "c0"}, {"data-p-3", "c3"}};
  after.pvc_capacity = {{"data-p-0", "20Gi"}, {"data-p-3", "10Gi"}};
  after.leaders = {{"p", "p-2"}};
  std::vector<Change> changes = Diff(before, after);
  EXPECT_THAT(Whats(changes),
              ElementsAre("pod p-0 recreated (b)", "pod p-1 deleted", "pod p-2 Ready",
                          "pod p-0 Ready", "pod p-3 created (b)", "PVC data-p-1 deleted",
                          "PVC data-p-0 capacity 20Gi", "PVC data-p-3 created",
                          "leader of p: p-2"));
  // Only the deletion names its claim, with the member-left mark it had.
  EXPECT_EQ(changes[5].deleted_pvc, "data-p-1");
  EXPECT_TRUE(changes[5].member_left);
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i != 5) {
      EXPECT_EQ(changes[i].deleted_pvc, "") << changes[i].what;
    }
  }
}

TEST(TimelineTest, AClaimReplacedUnderTheSameNameIsDeletedThenCreated) {
  Snapshot before;
  before.pvc_uid = {{"data-p-0", "c0"}};
  Snapshot after;
  after.pvc_uid = {{"data-p-0", "c1"}};
  std::vector<Change> changes = Diff(before, after);
  EXPECT_THAT(Whats(changes), ElementsAre("PVC data-p-0 deleted", "PVC data-p-0 created"));
  EXPECT_FALSE(changes[0].member_left);
}

TEST(TimelineTest, TextAndJsonGiveTheVerdict) {
  Timeline t;
  t.start = kStart;
  t.events = {{kStart + absl::Seconds(3725), 2, "restart p-1"}};
  t.plans = 2;
  t.steps = 4;
  t.blocked = true;
  t.blocked_reason = "p-1 never becomes Ready";
  t.ok = true;
  EXPECT_EQ(TimelineToText(t),
            "+01:02:05  plan 2    restart p-1\n"
            "\n"
            "blocked after 2 plan(s), 4 step(s): p-1 never becomes Ready\n"
            "violations: none\n"
            "ok: blocked as the injected never-ready fault demands: p-1 never becomes Ready\n");
  Json j = TimelineToJson(t);
  EXPECT_EQ(j["blockedReason"], "p-1 never becomes Ready");
  EXPECT_EQ(j["events"][0]["offsetSeconds"], 3725);
  t.ok = false;
  t.violations = {"plan 2, step 1: bad"};
  EXPECT_THAT(TimelineToText(t), ::testing::HasSubstr("violations: 1\n  - plan 2, step 1: bad\n"
                                                      "FAILED: 1 invariant violation(s)\n"));
  t.blocked = false;
  t.converged = true;
  t.ok = true;
  t.violations.clear();
  EXPECT_THAT(TimelineToText(t),
              ::testing::EndsWith("converged after 2 plan(s), 4 step(s), simulated 01:02:05\n"
                                  "violations: none\n"));
  EXPECT_EQ(Offset(absl::Seconds(59)), "+00:00:59");
}

}  // namespace
}  // namespace strata::sim
