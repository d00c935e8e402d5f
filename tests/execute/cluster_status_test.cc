#include "strata/cluster_status.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plan/plan_output.h"
#include "tests/plan/fixtures.h"

namespace strata {
namespace {

using plan_testing::Converged;
using plan_testing::FindPod;
using plan_testing::MakeCluster;
using plan_testing::MakeStuck;
using plan_testing::MakeUnready;
using plan_testing::Now;
using plan_testing::RoleSpec;
using plan_testing::SetHash;
using ::testing::HasSubstr;
using ::testing::Not;

ClusterStatus StatusOf(const CompiledCluster& c, const ObservedState& observed) {
  absl::StatusOr<Plan> plan = PlanRollout(c, observed, PlanOptions{.now = Now()});
  EXPECT_TRUE(plan.ok()) << plan.status();
  return ComputeClusterStatus(c, observed, *plan, Now());
}

TEST(ClusterStatusTest, ConvergedClusterCountsEveryMember) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "zk", .members = 3, .quorum = true},
                                   RoleSpec{.name = "broker", .members = 2,
                                            .depends_on = {"zk"}}});
  ClusterStatus s = StatusOf(c, Converged(c));
  EXPECT_TRUE(s.converged);
  EXPECT_FALSE(s.blocked);
  EXPECT_EQ(s.steps, 0);
  EXPECT_TRUE(s.next.empty());
  ASSERT_EQ(s.roles.size(), 2u);
  EXPECT_EQ(s.roles[0].name, "zk");
  EXPECT_EQ(s.roles[0].stateful_set, "events-zk");
  EXPECT_EQ(s.roles[0].desired, 3);
  EXPECT_EQ(s.roles[0].existing, 3);
  EXPECT_EQ(s.roles[0].ready, 3);
  EXPECT_EQ(s.roles[0].updated, 3);
  EXPECT_TRUE(s.roles[0].converged);
  EXPECT_TRUE(s.roles[0].attention.empty());
  EXPECT_EQ(s.roles[1].existing, 2);
  EXPECT_THAT(ClusterStatusToText(s), HasSubstr("cluster events in namespace data: converged"));
}

TEST(ClusterStatusTest, NothingDeployedIsNotConvergedAndNamesTheNextSteps) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "db", .members = 2}});
  ClusterStatus s = StatusOf(c, ObservedState{});
  EXPECT_FALSE(s.converged);
  EXPECT_GT(s.steps, 0);
  ASSERT_FALSE(s.next.empty());
  EXPECT_EQ(s.next[0].action, Action::kApply);
  ASSERT_EQ(s.roles.size(), 1u);
  EXPECT_EQ(s.roles[0].existing, 0);
  EXPECT_FALSE(s.roles[0].converged);
  ASSERT_EQ(s.roles[0].attention.size(), 2u);
  EXPECT_EQ(s.roles[0].attention[0].pod, "events-db-0");
  EXPECT_FALSE(s.roles[0].attention[0].exists);
  std::string text = ClusterStatusToText(s);
  EXPECT_THAT(text, HasSubstr("not converged"));
  EXPECT_THAT(text, HasSubstr("events-db-0: missing"));
  EXPECT_THAT(text, HasSubstr("next:\n  1. apply "));
}

TEST(ClusterStatusTest, OutdatedAndUnreadyMembersAreCountedAndListed) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "db", .members = 3}});
  ObservedState o = Converged(c);
  SetHash(*FindPod(o, "events-db-2"), "v1-old");
  MakeUnready(*FindPod(o, "events-db-1"));
  ClusterStatus s = StatusOf(c, o);
  EXPECT_FALSE(s.converged);
  const RoleStatus& r = s.roles.at(0);
  EXPECT_EQ(r.existing, 3);
  EXPECT_EQ(r.ready, 2);
  EXPECT_EQ(r.updated, 2);
  ASSERT_EQ(r.attention.size(), 2u);
  EXPECT_EQ(r.attention[0].pod, "events-db-1");
  EXPECT_FALSE(r.attention[0].ready);
  EXPECT_TRUE(r.attention[0].updated);
  EXPECT_EQ(r.attention[1].pod, "events-db-2");
  EXPECT_TRUE(r.attention[1].ready);
  EXPECT_FALSE(r.attention[1].updated);
  std::string text = ClusterStatusToText(s);
  EXPECT_THAT(text, HasSubstr("events-db-1: not Ready"));
  EXPECT_THAT(text, HasSubstr("events-db-2: outdated spec"));
}

TEST(ClusterStatusTest, StuckMemberBlocksAndSaysWhy) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "db", .members = 3}});
  ObservedState o = Converged(c);
  MakeStuck(*FindPod(o, "events-db-1"), "ImagePullBackOff");
  ClusterStatus s = StatusOf(c, o);
  EXPECT_FALSE(s.converged);
  EXPECT_TRUE(s.blocked);
  EXPECT_THAT(s.blocked_reason, HasSubstr("events-db-1"));
  ASSERT_EQ(s.roles.at(0).attention.size(), 1u);
  EXPECT_THAT(s.roles[0].attention[0].stuck, HasSubstr("ImagePullBackOff"));
  std::string text = ClusterStatusToText(s);
  EXPECT_THAT(text, HasSubstr("BLOCKED"));
  EXPECT_THAT(text, HasSubstr("blocked: " + s.blocked_reason));
  Json j = ClusterStatusToJson(s);
  EXPECT_EQ(j["blocked"], true);
  EXPECT_EQ(j["blockedReason"], s.blocked_reason);
  EXPECT_EQ(j["roles"][0]["attention"][0]["stuck"], s.roles[0].attention[0].stuck);
}

TEST(ClusterStatusTest, ScaleInListsTheMemberToRemove) {
  CompiledCluster big = MakeCluster({RoleSpec{.name = "db", .members = 3}});
  CompiledCluster small = MakeCluster({RoleSpec{.name = "db", .members = 2}});
  ClusterStatus s = StatusOf(small, Converged(big));
  const RoleStatus& r = s.roles.at(0);
  EXPECT_EQ(r.desired, 2);
  EXPECT_EQ(r.existing, 3);
  ASSERT_EQ(r.attention.size(), 1u);
  EXPECT_EQ(r.attention[0].pod, "events-db-2");
  EXPECT_THAT(ClusterStatusToText(s), HasSubstr("events-db-2: still runs (to be removed)"));
}

TEST(ClusterStatusTest, RemovedRoleIsReportedAfterTheDesiredOnes) {
  CompiledCluster both = MakeCluster({RoleSpec{.name = "db", .members = 2},
                                      RoleSpec{.name = "cache", .members = 1}});
  CompiledCluster one = MakeCluster({RoleSpec{.name = "db", .members = 2}});
  ClusterStatus s = StatusOf(one, Converged(both));
  EXPECT_FALSE(s.converged);
  ASSERT_EQ(s.roles.size(), 2u);
  EXPECT_EQ(s.roles[1].name, "cache");
  EXPECT_EQ(s.roles[1].desired, 0);
  EXPECT_EQ(s.roles[1].existing, 1);
  EXPECT_FALSE(s.roles[1].converged);
  EXPECT_GT(s.roles[1].steps, 0);
  EXPECT_THAT(ClusterStatusToText(s), HasSubstr("removing"));
}

TEST(ClusterStatusTest, JsonHasTheDocumentedShape) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "db", .members = 2}});
  ClusterStatus s = StatusOf(c, ObservedState{});
  Json j = ClusterStatusToJson(s);
  EXPECT_EQ(j["cluster"], "events");
  EXPECT_EQ(j["namespace"], "data");
  EXPECT_EQ(j["converged"], false);
  EXPECT_FALSE(j.contains("blockedReason"));
  EXPECT_EQ(j["observedAt"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(j["steps"], s.steps);
  ASSERT_EQ(j["roles"].size(), 1u);
  for (const char* key : {"name", "statefulSet", "desired", "existing", "ready", "updated",
                          "converged", "steps", "attention"}) {
    EXPECT_TRUE(j["roles"][0].contains(key)) << key;
  }
  ASSERT_FALSE(j["next"].empty());
  EXPECT_EQ(j["next"][0]["id"], s.next[0].id);
  EXPECT_EQ(j["next"][0]["headline"], plan_internal::StepHeadline(s.next[0]));
  EXPECT_TRUE(j["notes"].is_array());
}

TEST(ClusterStatusTest, EqualInputsGiveEqualOutput) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "db", .members = 3}});
  ObservedState o = Converged(c);
  SetHash(*FindPod(o, "events-db-0"), "v1-old");
  ClusterStatus a = StatusOf(c, o);
  ClusterStatus b = StatusOf(c, o);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ClusterStatusToText(a), ClusterStatusToText(b));
  EXPECT_THAT(ClusterStatusToText(a), Not(HasSubstr("notes:\n\n")));
}

}  // namespace
}  // namespace strata
