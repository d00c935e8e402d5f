// InvariantChecker (lib/sim/invariants.h) on hand-built clusters: for each
// invariant a state where it fires and one where it must not, without the
// simulator loop or a planner.

#include "sim/invariants.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/faults.h"
#include "sim/kube_model.h"
#include "tests/sim/sim_testing.h"

namespace strata::sim {
namespace {

using ::strata::sim_testing::ClusterOf;
using ::strata::sim_testing::RoleFor;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);  // Thu 2026-01-01.

KubeModel ModelOf(const CompiledCluster& desired, const ObservedState& state) {
  return *KubeModel::FromObservedState(state, ModelOptionsFor(desired), kStart);
}

// A cluster that runs `running` (converged long ago) and should run
// `desired`, with `faults` armed, and a checker over both.
struct World {
  World(CompiledCluster running, CompiledCluster want, std::vector<Fault> f = {})
      : desired(std::move(want)),
        kube(ModelOf(desired, ConvergedState(running, kStart))),
        faults(std::move(f)),
        checker(desired, kube, faults) {
    faults.Start(kube);
    kube.Reconcile(kStart);
  }
  // The plan is made from the cluster as it is now.
  void Plan() { checker.PlanMade(); }

  CompiledCluster desired;
  KubeModel kube;
  FaultInjector faults;
  InvariantChecker checker;
};

Step RestartStep(const std::string& role, int ordinal) {
  std::string pod = absl::StrCat("events-", role, "-", ordinal);
  return Step{.id = 1,
              .action = Action::kRestart,
              .target = {.kind = "Pod", .name = pod, .role = role, .ordinal = ordinal},
              .phase = Phase::kUpdate};
}

Step ApplyStep(const CompiledCluster& c, const std::string& role, int replicas) {
  Step s{.id = 1,
         .action = Action::kApply,
         .target = {.kind = "StatefulSet", .name = "events-" + role, .role = role}};
  for (const Object& o : c.objects) {
    if (o.name == s.target.name) s.object = o.body;
  }
  s.object["spec"]["replicas"] = replicas;
  return s;
}

Handler LeaveHook() { return Handler{.kind = Handler::Kind::kExec, .command = {"leave"}}; }

CompiledCluster Brokers(int members, const std::string& hash) {
  return ClusterOf({RoleFor("broker", members, hash)});
}

CompiledCluster QuorumZk(int members, const std::string& hash, int budget) {
  CompiledRole zk = RoleFor("zk", members, hash);
  zk.role.quorum = Quorum::kMajority;
  zk.max_unavailable = budget;
  return ClusterOf({zk});
}

TEST(InvariantCheckerTest, BudgetCountsMembersAlreadyDown) {
  World w(Brokers(3, "a"), Brokers(3, "b"));
  w.Plan();
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 2)), IsEmpty());
  ASSERT_TRUE(w.kube.DeletePod("events-broker-2").ok());
  w.kube.Reconcile(kStart);  // Recreated, not Ready yet.
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 1)),
              ElementsAre(HasSubstr("restart events-broker-1 while 1 member(s) of role broker "
                                    "were unavailable (events-broker-2); budget 1 (serial)")));
}

TEST(InvariantCheckerTest, MemberAFaultTookDownAfterThePlanDoesNotCount) {
  World w(Brokers(3, "a"), Brokers(3, "b"), *ParseFaults("pod-dies=events-broker-2@1"));
  w.Plan();
  w.faults.FireStep(1, w.kube);
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 1)), IsEmpty());
}

TEST(InvariantCheckerTest, QuorumNeedsAMajorityAvailable) {
  // Budget 2 lets two go; a majority of 3 needs two to stay.
  World w(QuorumZk(3, "a", 2), QuorumZk(3, "b", 2));
  w.Plan();
  ASSERT_TRUE(w.kube.DeletePod("events-zk-2").ok());
  w.kube.Reconcile(kStart);
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("zk", 1)),
              ElementsAre(HasSubstr("restart events-zk-1 leaves quorum role zk with 1 available "
                                    "of 3 (needs 2; serial)")));
}

TEST(InvariantCheckerTest, ParallelQuorumRoleOptsOutOfTheMajority) {
  CompiledCluster running = QuorumZk(3, "a", 2);
  CompiledCluster want = QuorumZk(3, "b", 2);
  want.roles[0].role.rollout.strategy = RolloutStrategy::kParallel;
  World w(running, want);
  w.Plan();
  ASSERT_TRUE(w.kube.DeletePod("events-zk-2").ok());
  w.kube.Reconcile(kStart);
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("zk", 1)), IsEmpty());
}

TEST(InvariantCheckerTest, NeedlessRestartUnlessAFaultOrAReplacement) {
  World w(Brokers(3, "a"), Brokers(3, "a"));
  w.Plan();
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 1)),
              ElementsAre(HasSubstr("already runs the desired spec (needless restart)")));
  CompiledCluster replace = Brokers(3, "a");
  replace.roles[0].replace = {{.member = "events-broker-1", .token = "t1"}};
  World r(Brokers(3, "a"), replace);
  r.Plan();
  EXPECT_THAT(r.checker.BeforeRestart(RestartStep("broker", 1)), IsEmpty());
}

TEST(InvariantCheckerTest, OrdinalDescendingRestartsTheHighestFirst) {
  World w(Brokers(3, "a"), Brokers(3, "b"));
  w.Plan();
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 0)),
              ElementsAre(HasSubstr("restart events-broker-0 before events-broker-1 (order "
                                    "ordinalDescending)")));
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 2)), IsEmpty());
}

TEST(InvariantCheckerTest, MembersOfTheSameWaveAreNotOutOfOrder) {
  World w(Brokers(3, "a"), Brokers(3, "b"));
  w.Plan();
  // One wave restarts 1 and 0 together (budget permitting): 0 is not
  // before 1. A restart behind a wait is a later wave.
  Plan plan;
  plan.steps = {RestartStep("broker", 1), RestartStep("broker", 0)};
  plan.steps[1].id = 2;
  w.checker.PassStarts(plan);
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 0)),
              ElementsAre(HasSubstr("before events-broker-2")));
  Step wait{.id = 1, .action = Action::kWait};
  plan.steps = {RestartStep("broker", 2), wait, RestartStep("broker", 1),
                RestartStep("broker", 0)};
  plan.steps[1].id = 2;
  plan.steps[2].id = 3;
  plan.steps[2].after = {2};
  plan.steps[3].id = 4;
  w.checker.PassStarts(plan);
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 0)),
              ElementsAre(HasSubstr("before events-broker-1")));
  plan.steps[2].after.clear();
  w.checker.PassStarts(plan);
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 0)), IsEmpty());
}

TEST(InvariantCheckerTest, FollowersFirstRestartsTheLeaderLast) {
  CompiledCluster running = Brokers(3, "a");
  CompiledCluster want = Brokers(3, "b");
  for (CompiledCluster* c : {&running, &want}) {
    c->roles[0].role.rollout.order = RolloutOrder::kFollowersFirst;
    c->roles[0].role.rollout.leader_label = "leader";
  }
  World w(running, want);
  w.Plan();
  std::string leader = w.kube.LeaderOf("events-broker");
  ASSERT_EQ(leader, "events-broker-0");
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 0)),
              ElementsAre(HasSubstr("restart leader events-broker-0 of role broker before "
                                    "follower events-broker-1 (followersFirst: leader last)")));
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 2)), IsEmpty());
}

TEST(InvariantCheckerTest, DependencyMustBeSettled) {
  auto cluster = [](const std::string& zk_hash) {
    CompiledCluster c = ClusterOf({RoleFor("zk", 3, zk_hash), RoleFor("broker", 3, "a")});
    c.roles[1].depends_on = {"zk"};
    return c;
  };
  CompiledCluster want = cluster("z2");
  want.roles[1].spec_hash = "b";
  World w(cluster("z1"), want);
  w.Plan();
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 2)),
              ElementsAre(HasSubstr("restart events-broker-2 of role broker while its "
                                    "dependency zk is not settled (events-zk-0 not updated")));
  CompiledCluster settled = cluster("z1");
  settled.roles[1].spec_hash = "b";
  World s(cluster("z1"), settled);
  s.Plan();
  EXPECT_THAT(s.checker.BeforeRestart(RestartStep("broker", 2)), IsEmpty());
}

TEST(InvariantCheckerTest, NoRestartPastAStuckMember) {
  CompiledCluster running = Brokers(3, "a");
  CompiledCluster want = Brokers(3, "b");
  want.roles[0].max_unavailable = 2;
  World w(running, want, *ParseFaults("never-ready=events-broker-2"));
  ASSERT_TRUE(w.kube.DeletePod("events-broker-2").ok());
  w.kube.Reconcile(kStart + absl::Minutes(5));  // Recreated, never Ready.
  w.Plan();
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 1)),
              ElementsAre(HasSubstr("restart events-broker-1 past stuck member events-broker-2 "
                                    "(never Ready): the plan must stop at it")));
}

TEST(InvariantCheckerTest, ScaleInRunsMemberLeaveFirst) {
  auto cluster = [](int members) {
    CompiledCluster c = Brokers(members, "a");
    c.roles[0].role.lifecycle.member_leave = LeaveHook();
    return c;
  };
  World w(cluster(3), cluster(2));
  w.Plan();
  Step shrink = ApplyStep(w.desired, "broker", 2);
  EXPECT_THAT(w.checker.BeforeApply(shrink),
              ElementsAre("scale-in removes events-broker-2 before memberLeave ran in it"));
  w.checker.HookRan(Hook::kMemberLeave, "events-broker-2");
  EXPECT_THAT(w.checker.BeforeApply(shrink), IsEmpty());
  // Membership changes one at a time for a role with member hooks.
  EXPECT_THAT(w.checker.BeforeApply(ApplyStep(w.desired, "broker", 1)),
              Contains(HasSubstr("replicas 3 -> 1: role broker (quorum, member hooks or "
                                 "rollout.initial: serial) must change by one at a time")));
}

TEST(InvariantCheckerTest, QuorumScaleOutWaitsForReadyMembers) {
  World w(QuorumZk(3, "a", 1), QuorumZk(4, "a", 1));
  ASSERT_TRUE(w.kube.DeletePod("events-zk-1").ok());
  w.kube.Reconcile(kStart);
  w.Plan();
  EXPECT_THAT(w.checker.BeforeApply(ApplyStep(w.desired, "zk", 4)),
              ElementsAre("scale-out of zk to 4 while events-zk-1 is not Ready (members are "
                          "added one at a time)"));
  World ready(QuorumZk(3, "a", 1), QuorumZk(4, "a", 1));
  ready.Plan();
  EXPECT_THAT(ready.checker.BeforeApply(ApplyStep(ready.desired, "zk", 4)), IsEmpty());
}

TEST(InvariantCheckerTest, PvcDeletionFollowsTheStoragePolicy) {
  World retain(Brokers(2, "a"), Brokers(2, "a"));
  EXPECT_THAT(retain.checker.PvcDeleted("data-events-broker-1", false),
              ElementsAre(HasSubstr("PVC data-events-broker-1 deleted, but role broker storage "
                                    "data says onScaleDown retain, afterLeave keep (member "
                                    "events-broker-1 did not leave, replicas 2)")));
  // Not a claim of this cluster: not judged.
  EXPECT_THAT(retain.checker.PvcDeleted("other-x-0", false), IsEmpty());

  CompiledCluster wipe = Brokers(2, "a");
  wipe.roles[0].storage[0].after_leave = AfterLeave::kWipe;
  World w(wipe, wipe);
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-1", false), SizeIs(1));
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-1", /*member_left=*/true), IsEmpty());
  w.checker.HookRan(Hook::kMemberLeave, "events-broker-1");
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-1", false), IsEmpty());

  CompiledCluster shrink = Brokers(1, "a");
  shrink.roles[0].storage[0].on_scale_down = VolumePolicy::kDelete;
  World d(Brokers(1, "a"), shrink);  // Replicas 1: ordinal 1 is surplus.
  EXPECT_THAT(d.checker.PvcDeleted("data-events-broker-1", false), IsEmpty());
  EXPECT_THAT(d.checker.PvcDeleted("data-events-broker-0", false), SizeIs(1));
}

TEST(InvariantCheckerTest, AReplacedMembersClaimsGoOnlyAfterItsLeave) {
  CompiledCluster c = Brokers(3, "a");
  c.roles[0].role.lifecycle.member_leave = LeaveHook();
  c.roles[0].replace = {{.member = "events-broker-1", .token = "t"}};
  World w(c, c);
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-1", false),
              ElementsAre(HasSubstr("deleted for a replacement before its memberLeave "
                                    "succeeded")));
  w.checker.HookRan(Hook::kMemberLeave, "events-broker-1");
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-1", false), IsEmpty());
}

TEST(InvariantCheckerTest, ScaleInDeletesAClaimOnlyAfterTheMemberLeft) {
  auto cluster = [](int members) {
    CompiledCluster c = Brokers(members, "a");
    c.roles[0].role.lifecycle.member_leave = LeaveHook();
    c.roles[0].storage[0].on_scale_down = VolumePolicy::kDelete;
    return c;
  };
  World w(cluster(2), cluster(2));  // Replicas 2: ordinal 2 was scaled away.
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-2", false),
              ElementsAre("PVC data-events-broker-2 of events-broker-2 deleted on scale-in "
                          "before its memberLeave succeeded"));
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-2", /*member_left=*/true), IsEmpty());
  w.checker.HookRan(Hook::kMemberLeave, "events-broker-2");
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-2", false), IsEmpty());
  // Without a memberLeave hook there is nothing to wait for.
  CompiledCluster plain = Brokers(2, "a");
  plain.roles[0].storage[0].on_scale_down = VolumePolicy::kDelete;
  World p(plain, plain);
  EXPECT_THAT(p.checker.PvcDeleted("data-events-broker-2", false), IsEmpty());
}

TEST(InvariantCheckerTest, AStepRunsOnlyAfterTheStepsItWaitsFor) {
  World w(Brokers(3, "a"), Brokers(3, "b"));
  Step apply = ApplyStep(w.desired, "broker", 3);
  Step restart = RestartStep("broker", 2);
  restart.id = 2;
  restart.after = {1};
  Plan plan;
  plan.steps = {apply, restart};
  w.checker.PassStarts(plan);
  EXPECT_THAT(w.checker.StepStarted(apply), IsEmpty());
  EXPECT_THAT(w.checker.StepStarted(restart),
              ElementsAre("step 2 (restart Pod events-broker-2) ran before step 1, which it "
                          "waits for, succeeded"));
  w.checker.StepSucceeded(1);
  EXPECT_THAT(w.checker.StepStarted(restart), IsEmpty());
  w.checker.PassStarts(plan);  // A new pass starts over.
  EXPECT_THAT(w.checker.StepStarted(restart), SizeIs(1));
}

TEST(InvariantCheckerTest, StoppedClusterKeepsEveryClaim) {
  CompiledCluster stopped = Brokers(2, "a");
  stopped.stopped = true;
  World w(Brokers(2, "a"), stopped);
  EXPECT_THAT(w.checker.PvcDeleted("data-events-broker-0", false),
              ElementsAre(HasSubstr("deleted while the cluster is stopped")));
}

TEST(InvariantCheckerTest, RestartsOnlyInsideAMaintenanceWindow) {
  auto with_window = [](std::string day) {
    CompiledCluster c = Brokers(3, "b");
    c.maintenance.windows = {{.days = {std::move(day)}, .start = "00:00", .end = "01:00"}};
    return c;
  };
  World closed(Brokers(3, "a"), with_window("Mon"));
  closed.Plan();
  EXPECT_THAT(closed.checker.BeforeRestart(RestartStep("broker", 2)),
              ElementsAre(HasSubstr("restart events-broker-2 at 2026-01-01T00:00:00Z outside "
                                    "every maintenance window")));
  World open(Brokers(3, "a"), with_window("Thu"));
  open.Plan();
  EXPECT_THAT(open.checker.BeforeRestart(RestartStep("broker", 2)), IsEmpty());
}

TEST(InvariantCheckerTest, MinIntervalSeparatesWaves) {
  CompiledCluster want = Brokers(3, "b");
  want.roles[0].max_unavailable = 3;
  want.roles[0].role.rollout.min_interval_seconds = 60;
  World w(Brokers(3, "a"), want);
  w.Plan();
  Plan wave;
  wave.steps = {RestartStep("broker", 2), RestartStep("broker", 1)};
  wave.steps[1].id = 2;
  w.checker.PassStarts(wave);
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 2)), IsEmpty());
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 1)), IsEmpty());  // Same moment.
  w.kube.Reconcile(kStart + absl::Seconds(30));
  w.Plan();
  EXPECT_THAT(w.checker.BeforeRestart(RestartStep("broker", 0)),
              ElementsAre(HasSubstr("only 30s after the role's last restart "
                                    "(rollout.minIntervalSeconds=60)")));
}

TEST(InvariantCheckerTest, PlanShape) {
  Plan good;
  good.steps = {RestartStep("broker", 2), RestartStep("broker", 1)};
  good.steps[1].id = 2;
  good.steps[1].after = {1};
  good.next = {1};
  EXPECT_THAT(InvariantChecker::CheckPlanShape(good), IsEmpty());
  Plan bad = good;
  bad.steps[0].after = {2};
  bad.next = {2, 7};
  EXPECT_THAT(InvariantChecker::CheckPlanShape(bad),
              ElementsAre("step 1 waits for step 2 which does not come before it",
                          "next names step 2 which waits for other steps",
                          "next names unknown step 7"));
  bad.next.clear();
  bad.steps[1].id = 5;
  EXPECT_THAT(InvariantChecker::CheckPlanShape(bad),
              Contains("the plan has steps but nothing in next"));
}

TEST(InvariantCheckerTest, ConvergedMeansTheDesiredState) {
  World done(Brokers(3, "a"), Brokers(3, "a"));
  EXPECT_THAT(done.checker.Converged(), IsEmpty());
  World stale(Brokers(3, "a"), Brokers(3, "b"));
  EXPECT_THAT(stale.checker.Converged(),
              Contains("converged, but events-broker-0 does not run spec b"));
  World short_of(Brokers(2, "a"), Brokers(3, "a"));
  EXPECT_THAT(short_of.checker.Converged(),
              Contains("converged, but StatefulSet events-broker has replicas 2, want 3"));
}

}  // namespace
}  // namespace strata::sim
