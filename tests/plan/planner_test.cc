// Planner rules, one at a time, on hand-built compiled clusters and the
// simulator's KubeModel as the cluster. Rules that depend on the rollout
// strategy run under serial, bestEffortParallel and parallel.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/keys.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "tests/compile/test_topologies.h"
#include "tests/plan/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::plan_testing::CondText;
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
using ::testing::Not;

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
    if (s.action == Action::kApply) {
      EXPECT_TRUE(s.object.is_object());
    }
    if (s.action == Action::kWait) {
      EXPECT_TRUE(s.condition.has_value());
    }
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

TEST(PlannerTest, ObjectsOfOtherClustersAreIgnoredAndCounted) {
  // SPEC-2 §5b.5: `kubectl get` of a namespace shows every Cluster in it.
  CompiledCluster c = MakeCluster({RoleSpec{.name = "zk", .members = 3, .config = "tick=2000",
                                            .quorum = true, .storage_size = "10Gi"}});
  CompiledCluster other = c;
  other.cluster = "other";
  ObservedState observed = Converged(c);
  ObservedState theirs = Converged(other);
  for (Json pod : theirs.pods) {
    // Same names as ours, so only the instance label tells them apart.
    pod["metadata"]["name"] = absl::StrCat("other-", pod["metadata"]["name"].get<std::string>());
    pod["metadata"]["labels"][kube::kInstanceLabel] = "other";
    pod["status"]["phase"] = "Failed";
    observed.pods.push_back(pod);
  }
  Json orphan = theirs.stateful_sets.front();
  orphan["metadata"]["name"] = "other-removed-role";
  orphan["metadata"]["labels"][kube::kInstanceLabel] = "other";
  orphan["metadata"]["labels"][kube::kComponentLabel] = "removed-role";
  observed.stateful_sets.push_back(orphan);
  const size_t foreign = theirs.pods.size() + 1;

  Plan plan = MustPlan(c, observed);
  EXPECT_THAT(Summary(plan), IsEmpty());
  EXPECT_TRUE(plan.converged);
  EXPECT_THAT(plan.notes, ElementsAre(absl::StrCat(
                              "ignored ", foreign,
                              " objects of other clusters (app.kubernetes.io/instance is not "
                              "events)")));
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

// SPEC-2 §8 rollout.initial: serial: a new role comes up one member at a
// time, each Ready before the next; an interrupted bring-up resumes so.
TEST(PlannerTest, SerialInitialBringsMembersUpOneAtATime) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "ring", .members = 3}});
  c.roles[0].role.rollout.initial = InitialRollout::kSerial;
  Plan plan = MustPlan(c, ObservedState{});
  ExpectWellFormed(plan);
  EXPECT_THAT(Summary(plan),
              ElementsAre("apply Service/events-ring", "apply StatefulSet/events-ring replicas=1",
                          "apply PodDisruptionBudget/events-ring", "wait podReady events-ring-0",
                          "apply StatefulSet/events-ring replicas=2", "wait podReady events-ring-1",
                          "apply StatefulSet/events-ring replicas=3", "wait podReady events-ring-2",
                          "wait roleReady ring 3/3"));
  EXPECT_THAT(plan.steps[1].reason, HasSubstr("rollout.initial: serial"));

  // Stopped after the first member: the rest still come one at a time.
  ObservedState partial = Converged(MakeCluster({RoleSpec{.name = "ring", .members = 1}}));
  Plan resumed = MustPlan(c, partial);
  ExpectWellFormed(resumed);
  std::vector<std::string> applies;
  for (const std::string& s : Summary(resumed)) {
    if (s.find("StatefulSet/events-ring replicas=") != std::string::npos) applies.push_back(s);
  }
  EXPECT_THAT(applies, ElementsAre("apply StatefulSet/events-ring replicas=2",
                                   "apply StatefulSet/events-ring replicas=3"));

  // parallel (the default) creates every member at once.
  c.roles[0].role.rollout.initial = InitialRollout::kParallel;
  EXPECT_THAT(Summary(MustPlan(c, ObservedState{})),
              ::testing::Contains("apply StatefulSet/events-ring replicas=3"));
}

TEST(PlannerTest, IndependentRolesStartTogether) {
  CompiledCluster c = MakeCluster({RoleSpec{.name = "a", .members = 1},
                                   RoleSpec{.name = "b", .members = 1}});
  Plan plan = MustPlan(c, ObservedState{});
  ExpectWellFormed(plan);
  EXPECT_THAT(plan.next, ElementsAre(1, 4));
}


// Prints a plan's summary when a test fails.
std::string Dump(const Plan& plan) { return PlanToText(plan); }

// No step deletes a PVC (rule 6), except the afterLeave: wipe case.
void ExpectNoPvcDeleted(const Plan& plan) {
  for (const Step& s : plan.steps) {
    EXPECT_FALSE(s.action == Action::kDelete && s.target.kind == "PersistentVolumeClaim")
        << Dump(plan);
  }
}

class StrategyTest : public ::testing::TestWithParam<RolloutStrategy> {
 protected:
  RoleSpec Role(RoleSpec r) const {
    r.strategy = GetParam();
    return r;
  }
};

INSTANTIATE_TEST_SUITE_P(Strategies, StrategyTest,
                         ::testing::Values(RolloutStrategy::kSerial,
                                           RolloutStrategy::kBestEffortParallel,
                                           RolloutStrategy::kParallel),
                         [](const ::testing::TestParamInfo<RolloutStrategy>& info) {
                           switch (info.param) {
                             case RolloutStrategy::kSerial: return "serial";
                             case RolloutStrategy::kBestEffortParallel:
                               return "bestEffortParallel";
                             case RolloutStrategy::kParallel: return "parallel";
                           }
                           return "x";
                         });

// Groups the restarts of a plan into waves: restarts that may run at the
// same time (neither waits for the other).
std::vector<std::vector<std::string>> Waves(const Plan& plan) {
  std::vector<std::vector<std::string>> waves;
  std::vector<const Step*> restarts;
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart) restarts.push_back(&s);
  }
  std::vector<int32_t> wave_of(plan.steps.size() + 1, -1);
  for (const Step* r : restarts) {
    int32_t w = 0;
    for (const Step* q : restarts) {
      if (q->id < r->id && DependsOn(plan, r->id, q->id)) {
        w = std::max(w, wave_of[q->id] + 1);
      }
    }
    wave_of[r->id] = w;
    if (static_cast<int32_t>(waves.size()) <= w) waves.resize(w + 1);
    waves[w].push_back(r->target.name);
  }
  return waves;
}

// ---------------------------------------------------------------- rule 4: only what changed

TEST_P(StrategyTest, ImageChangeRestartsOnlyOutdatedMembers) {
  RoleSpec old_spec = Role({.name = "db", .members = 4, .image = "db:1"});
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  ObservedState observed = Converged(MakeCluster({old_spec}));
  CompiledCluster desired = MakeCluster({new_spec});
  // Member 1 already runs the new spec (a previous plan restarted it).
  SetHash(*FindPod(observed, "events-db-1"), desired.roles[0].spec_hash);
  Plan plan = MustPlan(desired, observed);
  ExpectWellFormed(plan);
  std::vector<std::string> restarts = Restarts(plan);
  EXPECT_THAT(restarts, ElementsAre("events-db-3", "events-db-2", "events-db-0")) << Dump(plan);
  const Step* r = FindStep(plan, Action::kRestart, "events-db-3");
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(r->reason, HasSubstr("spec-hash differs (image db:1 -> db:2): restart events-db-3"));
  // The StatefulSet template is applied before any restart.
  const Step* apply = FindStep(plan, Action::kApply, "events-db");
  ASSERT_NE(apply, nullptr);
  EXPECT_TRUE(DependsOn(plan, r->id, apply->id));
  EXPECT_EQ(CondText(plan.steps.back()), "roleReady db 4/4");
  ExpectNoPvcDeleted(plan);
}

TEST_P(StrategyTest, ServiceOnlyChangeRestartsNothing) {
  RoleSpec spec = Role({.name = "db", .members = 3, .client_services = {"client"}});
  CompiledCluster desired = MakeCluster({spec});
  ObservedState observed = Converged(desired);
  for (Json& svc : observed.services) {
    if (kube::NameOf(svc) == "events-db-client") svc["spec"]["ports"][0]["port"] = 1234;
  }
  Plan plan = MustPlan(desired, observed);
  ExpectWellFormed(plan);
  EXPECT_THAT(Summary(plan), ElementsAre("apply Service/events-db-client")) << Dump(plan);
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("spec.ports[0].port: 1234 -> 9000"));
}

TEST_P(StrategyTest, ConfigChangeRestartsMembersAndDeletesOldConfigMapLast) {
  RoleSpec old_spec = Role({.name = "db", .members = 3, .config = "a=1"});
  RoleSpec new_spec = old_spec;
  new_spec.config = "a=2";
  ObservedState observed = Converged(MakeCluster({old_spec}));
  CompiledCluster desired = MakeCluster({new_spec});
  std::string old_cm = MakeCluster({old_spec}).roles[0].config_map;
  Plan plan = MustPlan(desired, observed);
  ExpectWellFormed(plan);
  EXPECT_EQ(plan.steps[0].target.name, desired.roles[0].config_map);
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("create ConfigMap"));
  EXPECT_EQ(Restarts(plan).size(), 3u);
  const Step* del = FindStep(plan, Action::kDelete, old_cm);
  ASSERT_NE(del, nullptr) << Dump(plan);
  EXPECT_EQ(del->id, static_cast<int32_t>(plan.steps.size()));
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart) {
      EXPECT_TRUE(DependsOn(plan, del->id, s.id));
    }
    if (s.action == Action::kRestart) {
      EXPECT_THAT(s.reason, HasSubstr("config files changed"));
    }
  }
}

TEST_P(StrategyTest, OldConfigMapStaysWhileAMemberKeepsUsingIt) {
  // onChange: none: the ConfigMap name changes, the spec-hash does not.
  RoleSpec old_spec = Role({.name = "db", .members = 2, .config = "a=1"});
  ObservedState observed = Converged(MakeCluster({old_spec}));
  RoleSpec new_spec = old_spec;
  new_spec.config = "a=2";
  CompiledCluster desired = MakeCluster({new_spec});
  desired.roles[0].spec_hash = MakeCluster({old_spec}).roles[0].spec_hash;
  for (Object& o : desired.objects) {
    if (o.kind == "StatefulSet") {
      o.body["spec"]["template"]["metadata"]["annotations"]["strata.dev/spec-hash"] =
          desired.roles[0].spec_hash;
    }
  }
  Plan plan = MustPlan(desired, observed);
  ExpectWellFormed(plan);
  EXPECT_THAT(Restarts(plan), IsEmpty()) << Dump(plan);
  for (const Step& s : plan.steps) EXPECT_NE(s.action, Action::kDelete) << Dump(plan);
}

// ---------------------------------------------------------------- rule 3: budgets

TEST_P(StrategyTest, WavesRespectTheBudget) {
  RoleSpec old_spec = Role({.name = "db", .members = 6, .image = "db:1",
                            .max_unavailable = IntOrPercent{.value = 2}});
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  std::vector<std::vector<std::string>> waves = Waves(plan);
  if (GetParam() == RolloutStrategy::kSerial) {
    EXPECT_EQ(waves.size(), 6u) << Dump(plan);
  } else {
    ASSERT_EQ(waves.size(), 3u) << Dump(plan);
    EXPECT_THAT(waves[0], ElementsAre("events-db-5", "events-db-4"));
    EXPECT_THAT(waves[2], ElementsAre("events-db-1", "events-db-0"));
  }
  for (const auto& w : waves) EXPECT_LE(w.size(), 2u);
}

TEST_P(StrategyTest, QuorumRoleKeepsAMajorityUnlessParallel) {
  RoleSpec old_spec = Role({.name = "zk", .members = 5, .image = "zk:1", .quorum = true,
                            .max_unavailable = IntOrPercent{.value = 100, .percent = true}});
  RoleSpec new_spec = old_spec;
  new_spec.image = "zk:2";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  size_t widest = 0;
  for (const auto& w : Waves(plan)) widest = std::max(widest, w.size());
  switch (GetParam()) {
    case RolloutStrategy::kSerial: EXPECT_EQ(widest, 1u); break;
    case RolloutStrategy::kBestEffortParallel: EXPECT_EQ(widest, 2u) << Dump(plan); break;
    case RolloutStrategy::kParallel:
      EXPECT_EQ(widest, 5u) << Dump(plan);
      EXPECT_THAT(plan.notes, ElementsAre(HasSubstr("opts out of the quorum budget")));
      break;
  }
}

TEST_P(StrategyTest, UnavailableMembersCountAgainstTheBudget) {
  RoleSpec old_spec = Role({.name = "db", .members = 4, .image = "db:1",
                            .max_unavailable = IntOrPercent{.value = 2}});
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  CompiledCluster desired = MakeCluster({new_spec});
  ObservedState observed = Converged(MakeCluster({old_spec}));
  // Member 0 is at the new spec but not Ready yet (just restarted).
  Json& pod0 = *FindPod(observed, "events-db-0");
  SetHash(pod0, desired.roles[0].spec_hash);
  MakeUnready(pod0, Now() - absl::Seconds(20));
  Plan plan = MustPlan(desired, observed);
  ExpectWellFormed(plan);
  const Step* wait0 = FindStep(plan, Action::kWait, "events-db-0");
  ASSERT_NE(wait0, nullptr) << Dump(plan);
  // Nobody else is disrupted before member 0 is back.
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart) {
      EXPECT_TRUE(DependsOn(plan, s.id, wait0->id)) << Dump(plan);
    }
  }
  EXPECT_FALSE(plan.blocked);
}

TEST_P(StrategyTest, UnreadyOutdatedMembersGoFirstWithoutGate) {
  RoleSpec old_spec = Role({.name = "db", .members = 4, .image = "db:1", .gate = true});
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  ObservedState observed = Converged(MakeCluster({old_spec}));
  MakeStuck(*FindPod(observed, "events-db-1"), "CrashLoopBackOff");
  MakeUnready(*FindPod(observed, "events-db-2"));
  Plan plan = MustPlan(MakeCluster({new_spec}), observed);
  ExpectWellFormed(plan);
  std::vector<std::string> restarts = Restarts(plan);
  ASSERT_EQ(restarts.size(), 4u) << Dump(plan);
  EXPECT_THAT(std::vector<std::string>(restarts.begin(), restarts.begin() + 2),
              ElementsAre("events-db-1", "events-db-2"));
  for (const Step& s : plan.steps) {
    if (s.action == Action::kExec) {
      EXPECT_NE(s.pod, "events-db-1");
      EXPECT_NE(s.pod, "events-db-2");
    }
  }
  const Step* r1 = FindStep(plan, Action::kRestart, "events-db-1");
  EXPECT_EQ(r1->phase, Phase::kRepair);
  EXPECT_THAT(r1->reason, HasSubstr("CrashLoopBackOff"));
  const Step* r3 = FindStep(plan, Action::kRestart, "events-db-3");
  EXPECT_TRUE(DependsOn(plan, r3->id, r1->id));
  EXPECT_FALSE(plan.blocked);
}

TEST_P(StrategyTest, GateRunsInEachReadyMemberBeforeItsRestart) {
  RoleSpec old_spec = Role({.name = "db", .members = 3, .image = "db:1", .gate = true});
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  for (const Step& s : plan.steps) {
    if (s.action != Action::kRestart) continue;
    ASSERT_EQ(s.after.size(), 1u);
    const Step& gate = plan.steps[s.after[0] - 1];
    EXPECT_EQ(gate.action, Action::kExec);
    EXPECT_EQ(gate.hook, Hook::kGate);
    EXPECT_EQ(gate.pod, s.target.name);
    EXPECT_THAT(gate.command, ElementsAre("/bin/can-restart"));
    EXPECT_THAT(gate.env, ElementsAre("STRATA_TARGET_POD=" + s.target.name,
                                      "STRATA_TARGET_ORDINAL=" +
                                          std::to_string(*s.target.ordinal)));
    EXPECT_EQ(gate.timeout_seconds, 120);
  }
}

TEST_P(StrategyTest, EachRestartWaitsForReadyAndMinReadySeconds) {
  RoleSpec old_spec = Role({.name = "db", .members = 3, .image = "db:1",
                            .min_ready_seconds = 30});
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  for (const Step& s : plan.steps) {
    if (s.action != Action::kRestart) continue;
    // The next step waits for every member, the restarted one included, to
    // be Ready for minReadySeconds (ROLLOUT-RULES 7 and 23).
    const Step& wait = plan.steps[s.id];
    EXPECT_EQ(wait.action, Action::kWait) << Dump(plan);
    EXPECT_THAT(wait.after, ElementsAre(s.id));
    EXPECT_EQ(CondText(wait), "roleReady db 3/3 minReadySeconds=30");
    EXPECT_EQ(wait.condition,
              (WaitCondition{.kind = WaitCondition::Kind::kRoleReady,
                             .target = "db",
                             .stateful_set = "events-db",
                             .count = 3,
                             .min_ready_seconds = 30}));
    EXPECT_EQ(wait.timeout_seconds, 330);
    EXPECT_THAT(wait.reason, HasSubstr(s.target.name + " (restarted) and every other member"));
  }
}

TEST(PlannerTest, ReadyButNotYetAvailableMemberIsAwaited) {
  RoleSpec old_spec{.name = "db", .members = 3, .image = "db:1", .min_ready_seconds = 60};
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  CompiledCluster desired = MakeCluster({new_spec});
  ObservedState observed = Converged(MakeCluster({old_spec}));
  Json& pod = *FindPod(observed, "events-db-2");
  SetHash(pod, desired.roles[0].spec_hash);
  for (Json& c : pod["status"]["conditions"]) {
    if (c["type"] == "Ready") c["lastTransitionTime"] = Rfc3339(Now() - absl::Seconds(10));
  }
  Plan plan = MustPlan(desired, observed);
  ExpectWellFormed(plan);
  const Step* wait = FindStep(plan, Action::kWait, "events-db-2");
  ASSERT_NE(wait, nullptr) << Dump(plan);
  EXPECT_THAT(wait->reason, HasSubstr("not yet for minReadySeconds=60"));
  EXPECT_THAT(Restarts(plan), ElementsAre("events-db-1", "events-db-0"));
  // 60 s later it is available and the plan no longer waits for it.
  Plan later = MustPlan(desired, observed, Now() + absl::Seconds(60));
  EXPECT_EQ(FindStep(later, Action::kWait, "events-db-2"), nullptr) << Dump(later);
}

// ---------------------------------------------------------------- rule 3: order

TEST(PlannerTest, OrdinalAscendingAndDescending) {
  for (RolloutOrder order : {RolloutOrder::kOrdinalAscending, RolloutOrder::kOrdinalDescending}) {
    RoleSpec old_spec{.name = "db", .members = 3, .image = "db:1", .order = order};
    RoleSpec new_spec = old_spec;
    new_spec.image = "db:2";
    Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
    if (order == RolloutOrder::kOrdinalAscending) {
      EXPECT_THAT(Restarts(plan), ElementsAre("events-db-0", "events-db-1", "events-db-2"));
    } else {
      EXPECT_THAT(Restarts(plan), ElementsAre("events-db-2", "events-db-1", "events-db-0"));
    }
  }
}

TEST_P(StrategyTest, FollowersFirstRestartsTheLeaderLastAlone) {
  RoleSpec old_spec = Role({.name = "zk", .members = 5, .image = "zk:1", .quorum = true,
                            .max_unavailable = IntOrPercent{.value = 2},
                            .order = RolloutOrder::kFollowersFirst,
                            .leader_label = "strata.dev/leader"});
  RoleSpec new_spec = old_spec;
  new_spec.image = "zk:2";
  ObservedState observed = Converged(MakeCluster({old_spec}));
  for (Json& p : observed.pods) p["metadata"]["labels"].erase("strata.dev/leader");
  (*FindPod(observed, "events-zk-3"))["metadata"]["labels"]["strata.dev/leader"] = "true";
  Plan plan = MustPlan(MakeCluster({new_spec}), observed);
  ExpectWellFormed(plan);
  std::vector<std::vector<std::string>> waves = Waves(plan);
  ASSERT_FALSE(waves.empty());
  EXPECT_THAT(waves.back(), ElementsAre("events-zk-3")) << Dump(plan);
  EXPECT_EQ(Restarts(plan).back(), "events-zk-3");
  EXPECT_THAT(FindStep(plan, Action::kRestart, "events-zk-3")->reason, HasSubstr("leader"));
}

TEST(PlannerTest, FollowersFirstWithoutALeaderFallsBackAndSaysSo) {
  RoleSpec old_spec{.name = "zk", .members = 3, .image = "zk:1", .quorum = true,
                    .order = RolloutOrder::kFollowersFirst,
                    .leader_label = "strata.dev/leader"};
  RoleSpec new_spec = old_spec;
  new_spec.image = "zk:2";
  ObservedState observed = Converged(MakeCluster({old_spec}));
  for (Json& p : observed.pods) p["metadata"]["labels"].erase("strata.dev/leader");
  Plan plan = MustPlan(MakeCluster({new_spec}), observed);
  EXPECT_THAT(Restarts(plan), ElementsAre("events-zk-2", "events-zk-1", "events-zk-0"));
  EXPECT_THAT(plan.notes, ElementsAre(HasSubstr("fell back to ordinalDescending")));
  EXPECT_THAT(FindStep(plan, Action::kRestart, "events-zk-2")->reason,
              HasSubstr("fell back to ordinalDescending: no pod carries strata.dev/leader=true"));
}

TEST(PlannerTest, ZoneParallelRestartsOneZoneAtATime) {
  RoleSpec old_spec{.name = "db", .members = 6, .image = "db:1",
                    .strategy = RolloutStrategy::kBestEffortParallel,
                    .max_unavailable = IntOrPercent{.value = 3}, .zone_parallel = true};
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  ObservedState observed = Converged(MakeCluster({old_spec}));
  // Zones from pod labels for some, from the Node for the others.
  const char* zones[] = {"a", "b", "c", "a", "b", "c"};
  for (int i = 0; i < 6; ++i) {
    Json& pod = *FindPod(observed, "events-db-" + std::to_string(i));
    if (i % 2 == 0) {
      pod["metadata"]["labels"]["topology.kubernetes.io/zone"] = zones[i];
    } else {
      std::string node = "node-" + std::to_string(i);
      pod["spec"]["nodeName"] = node;
      observed.nodes.push_back({{"kind", "Node"},
                                {"metadata",
                                 {{"name", node},
                                  {"labels", {{"topology.kubernetes.io/zone", zones[i]}}}}}});
    }
  }
  Plan plan = MustPlan(MakeCluster({new_spec}), observed);
  ExpectWellFormed(plan);
  std::vector<std::vector<std::string>> waves = Waves(plan);
  ASSERT_EQ(waves.size(), 3u) << Dump(plan);
  EXPECT_THAT(waves[0], ElementsAre("events-db-5", "events-db-2"));  // zone c
  EXPECT_THAT(waves[1], ElementsAre("events-db-4", "events-db-1"));  // zone b
  EXPECT_THAT(waves[2], ElementsAre("events-db-3", "events-db-0"));  // zone a
}

// ---------------------------------------------------------------- rule 2: membership

TEST_P(StrategyTest, QuorumScaleOutStepsOneAtATimeAscending) {
  RoleSpec old_spec = Role({.name = "zk", .members = 3, .quorum = true, .member_join = true,
                            .storage_size = "1Gi"});
  RoleSpec new_spec = old_spec;
  new_spec.members = 5;
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  EXPECT_THAT(Summary(plan),
              ElementsAre("apply PodDisruptionBudget/events-zk",
                          "apply StatefulSet/events-zk replicas=4", "wait podReady events-zk-3",
                          "exec memberJoin events-zk-3", "apply StatefulSet/events-zk replicas=5",
                          "wait podReady events-zk-4", "exec memberJoin events-zk-4",
                          "apply StatefulSet/events-zk replicas=5", "wait roleReady zk 5/5"))
      << Dump(plan);
  ExpectNoPvcDeleted(plan);
  // Each scale-out apply records the member whose memberJoin is still to run;
  // the last apply clears it.
  std::vector<std::string> marks;
  for (const Step& s : plan.steps) {
    if (s.action != Action::kApply || s.target.kind != "StatefulSet") continue;
    const Json* a = s.object.contains("metadata") && s.object["metadata"].contains("annotations")
                        ? &s.object["metadata"]["annotations"]
                        : nullptr;
    marks.push_back(a != nullptr && a->contains("strata.dev/member-joining")
                        ? (*a)["strata.dev/member-joining"].get<std::string>()
                        : "-");
  }
  EXPECT_THAT(marks, ElementsAre("3", "4", "-")) << Dump(plan);
}

// ROLLOUT-RULES 12/14: a pass stops at the wait for the new member, so the
// next plan sees the replicas already at the target. The StatefulSet's
// strata.dev/member-joining mark makes it run the memberJoin still owed, once.
TEST_P(StrategyTest, MemberJoinStillOwedRunsAfterTheScaleOutApplied) {
  RoleSpec spec = Role({.name = "zk", .members = 4, .quorum = true, .member_join = true,
                        .storage_size = "1Gi"});
  ObservedState observed = Converged(MakeCluster({spec}));
  ASSERT_EQ(observed.stateful_sets.size(), 1u);
  observed.stateful_sets[0]["metadata"]["annotations"]["strata.dev/member-joining"] = "3";
  Plan plan = MustPlan(MakeCluster({spec}), observed);
  ExpectWellFormed(plan);
  std::vector<std::string> summary = Summary(plan);
  EXPECT_THAT(summary, ::testing::IsSupersetOf({"wait podReady events-zk-3",
                                                 "exec memberJoin events-zk-3",
                                                 "apply StatefulSet/events-zk replicas=4"}))
      << Dump(plan);
  EXPECT_THAT(Restarts(plan), IsEmpty());

  // Once the mark is gone the plan is empty again: memberJoin runs once.
  observed.stateful_sets[0]["metadata"]["annotations"].erase("strata.dev/member-joining");
  EXPECT_THAT(Summary(MustPlan(MakeCluster({spec}), observed)), IsEmpty());
  // A mark naming a member that is not there (scaled in since) is ignored.
  observed.stateful_sets[0]["metadata"]["annotations"]["strata.dev/member-joining"] = "7";
  EXPECT_THAT(Summary(MustPlan(MakeCluster({spec}), observed)), IsEmpty());
}

TEST_P(StrategyTest, ScaleOutWithoutHooksIsOneStep) {
  RoleSpec old_spec = Role({.name = "db", .members = 2});
  RoleSpec new_spec = old_spec;
  new_spec.members = 4;
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  std::vector<std::string> summary = Summary(plan);
  EXPECT_THAT(summary, ::testing::Contains("apply StatefulSet/events-db replicas=4"));
  EXPECT_EQ(summary.back(), "wait roleReady db 4/4");
  EXPECT_THAT(Restarts(plan), IsEmpty());
}

TEST_P(StrategyTest, ScaleInRunsMemberLeaveHighestFirst) {
  RoleSpec old_spec = Role({.name = "db", .members = 5, .member_leave = true,
                            .storage_size = "1Gi"});
  RoleSpec new_spec = old_spec;
  new_spec.members = 3;
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  EXPECT_THAT(Summary(plan),
              ElementsAre("exec memberLeave events-db-4",
                          "apply PersistentVolumeClaim/data-events-db-4",
                          "apply StatefulSet/events-db replicas=4", "wait roleReady db 4/4",
                          "exec memberLeave events-db-3",
                          "apply PersistentVolumeClaim/data-events-db-3",
                          "apply StatefulSet/events-db replicas=3", "wait roleReady db 3/3"))
      << Dump(plan);
  const Step& mark = plan.steps[1];
  EXPECT_EQ(mark.object["metadata"]["annotations"]["strata.dev/member-left"], "true");
  EXPECT_THAT(plan.steps[2].reason, HasSubstr("data-events-db-4 kept (onScaleDown: retain)"));
  ExpectNoPvcDeleted(plan);
}

TEST(PlannerTest, ScaleInResumesWithoutRunningMemberLeaveTwice) {
  RoleSpec old_spec{.name = "db", .members = 4, .member_leave = true, .storage_size = "1Gi"};
  RoleSpec new_spec = old_spec;
  new_spec.members = 3;
  ObservedState observed = Converged(MakeCluster({old_spec}));
  (*FindPvc(observed, "data-events-db-3"))["metadata"]["annotations"]["strata.dev/member-left"] =
      "true";
  Plan plan = MustPlan(MakeCluster({new_spec}), observed);
  EXPECT_THAT(Summary(plan), ElementsAre("apply StatefulSet/events-db replicas=3",
                                         "wait roleReady db 3/3"))
      << Dump(plan);
}

TEST(PlannerTest, ScaleInWithDeletePolicySaysTheStatefulSetDeletesThePvc) {
  RoleSpec old_spec{.name = "db", .members = 3, .quorum = true, .storage_size = "1Gi",
                    .on_scale_down = VolumePolicy::kDelete};
  RoleSpec new_spec = old_spec;
  new_spec.members = 2;
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  const Step* scale = nullptr;
  for (const Step& s : plan.steps) {
    if (s.action == Action::kApply && s.target.kind == "StatefulSet") scale = &s;
  }
  ASSERT_NE(scale, nullptr) << Dump(plan);
  EXPECT_THAT(scale->reason, HasSubstr("the StatefulSet deletes data-events-db-2 "
                                       "(onScaleDown: delete)"));
  ExpectNoPvcDeleted(plan);
}

TEST(PlannerTest, WipedPvcIsDeletedBeforeItsOrdinalReturns) {
  RoleSpec spec{.name = "cass", .members = 3, .member_leave = true, .storage_size = "1Gi",
                .after_leave = AfterLeave::kWipe};
  RoleSpec small = spec;
  small.members = 2;
  ObservedState observed = Converged(MakeCluster({spec}));
  // Member 2 left (memberLeave ran, PVC marked), the StatefulSet went to 2.
  observed = Converged(MakeCluster({small}));
  Json pvc = *FindPvc(observed, "data-events-cass-1");
  pvc["metadata"]["name"] = "data-events-cass-2";
  pvc["metadata"]["annotations"]["strata.dev/member-left"] = "true";
  observed.persistent_volume_claims.push_back(pvc);
  Plan plan = MustPlan(MakeCluster({spec}), observed);
  ExpectWellFormed(plan);
  EXPECT_THAT(Summary(plan),
              ElementsAre("delete PersistentVolumeClaim/data-events-cass-2",
                          "apply StatefulSet/events-cass replicas=3",
                          "wait podReady events-cass-2", "wait roleReady cass 3/3"))
      << Dump(plan);
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("afterLeave: wipe"));
}

TEST(PlannerTest, KeptPvcIsReusedAndItsLeftMarkCleared) {
  RoleSpec spec{.name = "db", .members = 3, .storage_size = "1Gi"};
  RoleSpec small = spec;
  small.members = 2;
  ObservedState observed = Converged(MakeCluster({small}));
  Json pvc = *FindPvc(observed, "data-events-db-1");
  pvc["metadata"]["name"] = "data-events-db-2";
  pvc["metadata"]["annotations"]["strata.dev/member-left"] = "true";
  observed.persistent_volume_claims.push_back(pvc);
  Plan plan = MustPlan(MakeCluster({spec}), observed);
  ExpectWellFormed(plan);
  ExpectNoPvcDeleted(plan);
  const Step* clear = FindStep(plan, Action::kApply, "data-events-db-2");
  ASSERT_NE(clear, nullptr) << Dump(plan);
  EXPECT_EQ(clear->object["metadata"]["annotations"]["strata.dev/member-left"], "false");
  const Step* scale = FindStep(plan, Action::kApply, "events-db");
  ASSERT_NE(scale, nullptr);
  EXPECT_TRUE(DependsOn(plan, scale->id, clear->id));
}

TEST_P(StrategyTest, NewMembersAreReadyBeforeAnyRestart) {
  // No hooks, no quorum: the StatefulSet adds both members at once.
  RoleSpec old_spec = Role({.name = "db", .members = 2, .image = "db:1"});
  RoleSpec new_spec = old_spec;
  new_spec.members = 4;
  new_spec.image = "db:2";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  const Step* ready = nullptr;
  for (const Step& s : plan.steps) {
    if (CondText(s) == "roleReady db 4/4" && ready == nullptr) ready = &s;
  }
  ASSERT_NE(ready, nullptr) << Dump(plan);
  EXPECT_THAT(ready->reason, HasSubstr("must be Ready before the first restart"));
  EXPECT_THAT(Restarts(plan), ElementsAre("events-db-1", "events-db-0"));
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart) {
      EXPECT_TRUE(DependsOn(plan, s.id, ready->id)) << Dump(plan);
    }
  }
}

TEST_P(StrategyTest, MembershipComesBeforeTemplateUpdates) {
  RoleSpec old_spec = Role({.name = "zk", .members = 3, .image = "zk:1", .quorum = true});
  RoleSpec new_spec = old_spec;
  new_spec.members = 5;
  new_spec.image = "zk:2";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  int32_t last_membership = 0;
  for (const Step& s : plan.steps) {
    if (s.phase == Phase::kMembership) last_membership = s.id;
  }
  ASSERT_GT(last_membership, 0) << Dump(plan);
  // Restarts only of the 3 old members; new ones start at the new spec.
  EXPECT_THAT(Restarts(plan), ElementsAre("events-zk-2", "events-zk-1", "events-zk-0"));
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart) {
      EXPECT_TRUE(DependsOn(plan, s.id, last_membership)) << Dump(plan);
    }
  }
  // The first StatefulSet apply carries the new template at the old size.
  const Step* first = FindStep(plan, Action::kApply, "events-zk");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->object["spec"]["replicas"], 3);
  EXPECT_EQ(first->object["spec"]["template"]["spec"]["containers"][0]["image"], "zk:2");
}

// ---------------------------------------------------------------- rule 5: storage, immutables

TEST(PlannerTest, ImmutableFieldChangeOrphanDeletesThenApplies) {
  RoleSpec old_spec{.name = "db", .members = 3};
  RoleSpec new_spec = old_spec;
  new_spec.service_name = "events-db-peers";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  std::vector<std::string> summary = Summary(plan);
  ASSERT_GE(summary.size(), 2u);
  EXPECT_EQ(summary[0], "delete StatefulSet/events-db orphan");
  EXPECT_EQ(summary[1], "apply StatefulSet/events-db replicas=3");
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("serviceName"));
  EXPECT_TRUE(plan.steps[0].orphan);
}

TEST(PlannerTest, StorageGrowthResizesEveryMemberPvc) {
  RoleSpec old_spec{.name = "db", .members = 3, .storage_size = "10Gi",
                    .storage_class = "fast"};
  RoleSpec new_spec = old_spec;
  new_spec.storage_size = "20Gi";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  ExpectWellFormed(plan);
  EXPECT_THAT(Summary(plan),
              ElementsAre("delete StatefulSet/events-db orphan",
                          "apply StatefulSet/events-db replicas=3",
                          "resizePvc data-events-db-0 20Gi", "wait pvcCapacity data-events-db-0 20Gi",
                          "resizePvc data-events-db-1 20Gi", "wait pvcCapacity data-events-db-1 20Gi",
                          "resizePvc data-events-db-2 20Gi", "wait pvcCapacity data-events-db-2 20Gi",
                          "wait roleReady db 3/3"))
      << Dump(plan);
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("volumeClaimTemplates data size 10Gi -> 20Gi"));
  EXPECT_THAT(plan.steps[2].reason,
              HasSubstr("StorageClass \"fast\" with allowVolumeExpansion: true"));
  EXPECT_EQ(plan.steps[3].size, "20Gi");
  ExpectNoPvcDeleted(plan);
}

TEST(PlannerTest, StorageCannotShrinkChangeClassOrAccessModes) {
  RoleSpec old_spec{.name = "db", .members = 2, .storage_size = "10Gi",
                    .storage_class = "fast"};
  ObservedState observed = Converged(MakeCluster({old_spec}));
  RoleSpec smaller = old_spec;
  smaller.storage_size = "5Gi";
  EXPECT_THAT(PlanRollout(MakeCluster({smaller}), observed, PlanOptions{.now = Now()}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("role db: storage data: size 5Gi is smaller than the 10Gi")));
  RoleSpec other_class = old_spec;
  other_class.storage_class = "slow";
  EXPECT_THAT(PlanRollout(MakeCluster({other_class}), observed, PlanOptions{.now = Now()}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("role db: storage data: storageClassName changes from "
                                 "\"fast\" to \"slow\"")));
  CompiledCluster rwx = MakeCluster({old_spec});
  rwx.roles[0].storage[0].access_modes = {"ReadWriteMany"};
  EXPECT_THAT(PlanRollout(rwx, observed, PlanOptions{.now = Now()}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("role db: storage data: accessModes change from "
                                 "[ReadWriteOnce] to [ReadWriteMany]")));
}

// ---------------------------------------------------------------- rule 7: stuck stops

TEST_P(StrategyTest, StuckMemberAtTheCurrentSpecStopsThePlan) {
  RoleSpec zk = Role({.name = "zk", .members = 3, .image = "zk:2"});
  RoleSpec broker = Role({.name = "broker", .members = 2, .image = "b:1",
                          .depends_on = {"zk"}});
  RoleSpec broker2 = broker;
  broker2.image = "b:2";
  ObservedState observed = Converged(MakeCluster({zk, broker}));
  MakeStuck(*FindPod(observed, "events-zk-1"), "ImagePullBackOff");
  Plan plan = MustPlan(MakeCluster({zk, broker2}), observed);
  ExpectWellFormed(plan);
  EXPECT_TRUE(plan.blocked);
  ASSERT_EQ(plan.steps.size(), 1u) << Dump(plan);
  EXPECT_EQ(CondText(plan.steps[0]), "podReady events-zk-1");
  EXPECT_THAT(plan.steps[0].reason, HasSubstr("ImagePullBackOff"));
  EXPECT_THAT(plan.notes, ElementsAre(HasSubstr("stopped at events-zk-1")));
  EXPECT_THAT(Restarts(plan), IsEmpty());
}

TEST(PlannerTest, RestartedMemberNotReadyInTimeStopsThePlan) {
  RoleSpec old_spec{.name = "db", .members = 3, .image = "db:1"};
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  CompiledCluster desired = MakeCluster({new_spec});
  ObservedState observed = Converged(MakeCluster({old_spec}));
  Json& pod = *FindPod(observed, "events-db-2");
  SetHash(pod, desired.roles[0].spec_hash);
  MakeUnready(pod, Now() - absl::Seconds(100));
  // Within the timeout: wait for it, then go on.
  Plan waiting = MustPlan(desired, observed);
  EXPECT_FALSE(waiting.blocked);
  EXPECT_EQ(Restarts(waiting).size(), 2u) << Dump(waiting);
  // Past the 300 s timeout: stop there.
  Plan stopped = MustPlan(desired, observed, Now() + absl::Seconds(400));
  EXPECT_TRUE(stopped.blocked);
  EXPECT_THAT(Restarts(stopped), IsEmpty());
  EXPECT_THAT(stopped.notes, ElementsAre(HasSubstr("has not become Ready within 300s")));
}

TEST(PlannerTest, StuckMemberOnAnOldSpecIsReplacedAtOnce) {
  RoleSpec old_spec{.name = "db", .members = 3, .image = "db:bad"};
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:fixed";
  ObservedState observed = Converged(MakeCluster({old_spec}));
  MakeStuck(*FindPod(observed, "events-db-0"), "ImagePullBackOff");
  Plan plan = MustPlan(MakeCluster({new_spec}), observed);
  EXPECT_FALSE(plan.blocked);
  EXPECT_EQ(Restarts(plan).front(), "events-db-0") << Dump(plan);
}

// ---------------------------------------------------------------- rules 1, 23: role order

TEST_P(StrategyTest, DependentRoleUpdatesAfterItsDependencyIsReady) {
  RoleSpec zk = Role({.name = "zk", .members = 3, .image = "zk:1", .quorum = true});
  RoleSpec broker = Role({.name = "broker", .members = 3, .image = "b:1",
                          .depends_on = {"zk"}});
  ObservedState observed = Converged(MakeCluster({zk, broker}));
  zk.image = "zk:2";
  broker.image = "b:2";
  Plan plan = MustPlan(MakeCluster({zk, broker}), observed);
  ExpectWellFormed(plan);
  const Step* zk_ready = nullptr;
  for (const Step& s : plan.steps) {
    if (CondText(s) == "roleReady zk 3/3") zk_ready = &s;
  }
  ASSERT_NE(zk_ready, nullptr) << Dump(plan);
  for (const Step& s : plan.steps) {
    if (s.target.role == "broker") {
      EXPECT_TRUE(DependsOn(plan, s.id, zk_ready->id)) << Dump(plan);
    }
  }
  EXPECT_THAT(plan.next, ElementsAre(1));
}

TEST(PlannerTest, UnreadyMemberOfAnUntouchedRoleHoldsItsDependents) {
  RoleSpec zk{.name = "zk", .members = 3};
  RoleSpec broker{.name = "broker", .members = 2, .image = "b:1", .depends_on = {"zk"}};
  ObservedState observed = Converged(MakeCluster({zk, broker}));
  MakeUnready(*FindPod(observed, "events-zk-0"), Now() - absl::Seconds(5));
  broker.image = "b:2";
  Plan plan = MustPlan(MakeCluster({zk, broker}), observed);
  ExpectWellFormed(plan);
  ASSERT_FALSE(plan.steps.empty());
  EXPECT_EQ(CondText(plan.steps[0]), "roleReady zk 3/3") << Dump(plan);
  EXPECT_THAT(plan.next, ElementsAre(1));
}

TEST(PlannerTest, UnreadyMemberWithNothingElseToDoIsOneWait) {
  RoleSpec db{.name = "db", .members = 3};
  ObservedState observed = Converged(MakeCluster({db}));
  MakeUnready(*FindPod(observed, "events-db-1"), Now() - absl::Seconds(5));
  Plan plan = MustPlan(MakeCluster({db}), observed);
  EXPECT_THAT(Summary(plan), ElementsAre("wait roleReady db 3/3"));
  EXPECT_FALSE(plan.converged);
}

TEST(PlannerTest, RemovedRolesAreDeletedLastNewestFirstKeepingPvcs) {
  RoleSpec zk{.name = "zk", .members = 3, .storage_size = "1Gi"};
  RoleSpec broker{.name = "broker", .members = 2, .depends_on = {"zk"}};
  RoleSpec tool{.name = "tool", .members = 1};
  ObservedState observed = Converged(MakeCluster({zk, broker, tool}));
  for (Json& s : observed.stateful_sets) {
    std::string name = kube::NameOf(s);
    s["metadata"]["creationTimestamp"] =
        name == "events-zk" ? "2025-01-01T00:00:00Z" : "2025-01-02T00:00:00Z";
  }
  broker.image = "b:2";
  Plan plan = MustPlan(MakeCluster({broker}), observed);
  ExpectWellFormed(plan);
  std::vector<std::string> deletes;
  for (const Step& s : plan.steps) {
    if (s.action == Action::kDelete) deletes.push_back(s.target.kind + "/" + s.target.name);
  }
  EXPECT_THAT(deletes, ElementsAre("StatefulSet/events-tool", "Service/events-tool",
                                   "StatefulSet/events-zk", "PodDisruptionBudget/events-zk",
                                   "Service/events-zk"))
      << Dump(plan);
  const Step* zk_delete = FindStep(plan, Action::kDelete, "events-zk");
  EXPECT_THAT(zk_delete->reason, HasSubstr("its PVCs stay (whenDeleted: Retain)"));
  EXPECT_EQ(zk_delete->phase, Phase::kRemoval);
  // Removal waits for the remaining roles to be done.
  for (const Step& s : plan.steps) {
    if (s.action == Action::kRestart) {
      EXPECT_TRUE(DependsOn(plan, zk_delete->id, s.id));
    }
  }
  ExpectNoPvcDeleted(plan);
}

TEST(PlannerTest, ShrinkingToOneMemberDeletesThePdb) {
  RoleSpec db{.name = "db", .members = 2};
  ObservedState observed = Converged(MakeCluster({db}));
  db.members = 1;
  Plan plan = MustPlan(MakeCluster({db}), observed);
  ExpectWellFormed(plan);
  EXPECT_EQ(Summary(plan).back(), "delete PodDisruptionBudget/events-db") << Dump(plan);
}

TEST(PlannerTest, SmallQuorumWarns) {
  RoleSpec old_spec{.name = "zk", .members = 2, .image = "zk:1", .quorum = true};
  RoleSpec new_spec = old_spec;
  new_spec.image = "zk:2";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  EXPECT_THAT(plan.notes, ElementsAre(HasSubstr("loses quorum")));
  EXPECT_EQ(Restarts(plan).size(), 2u);
}

TEST(PlannerTest, IsDeterministic) {
  RoleSpec old_spec{.name = "db", .members = 7, .image = "db:1",
                    .strategy = RolloutStrategy::kBestEffortParallel,
                    .max_unavailable = IntOrPercent{.value = 3}, .gate = true};
  RoleSpec new_spec = old_spec;
  new_spec.image = "db:2";
  CompiledCluster desired = MakeCluster({new_spec});
  ObservedState observed = Converged(MakeCluster({old_spec}));
  Plan a = MustPlan(desired, observed);
  Plan b = MustPlan(desired, observed);
  EXPECT_EQ(a, b);
  EXPECT_EQ(PlanToJson(a).dump(), PlanToJson(b).dump());
}

// SPEC-2 §8, end to end through Compile: a sidecar, init container or pod
// setting changes the pod template and restarts exactly its role's members;
// Service annotations change only the Service and restart nobody.
TEST(PlannerTest, PodTemplateFieldsRestartTheirRoleServiceAnnotationsNobody) {
  Topology base = testing::KafkaTopology();
  absl::StatusOr<CompiledCluster> running = Compile(base, CompileOptions{});
  ASSERT_THAT(running, IsOk());
  ObservedState observed = Converged(*running);
  auto plan_for = [&](const Topology& desired) {
    absl::StatusOr<CompiledCluster> compiled = Compile(desired, CompileOptions{});
    EXPECT_THAT(compiled, IsOk());
    absl::StatusOr<Plan> plan = PlanRollout(*compiled, observed, PlanOptions{.now = Now()});
    EXPECT_THAT(plan, IsOk());
    return plan.ok() ? *plan : Plan();
  };
  Role& zk = base.app.roles[1];
  Role& broker = base.app.roles[0];
  ASSERT_EQ(zk.name, "zookeeper");
  ASSERT_EQ(broker.name, "broker");

  Topology sidecar = base;
  sidecar.app.roles[1].containers = {Container{.name = "jmx", .image = "jmx-exporter:1"}};
  EXPECT_THAT(Restarts(plan_for(sidecar)),
              ElementsAre("events-zookeeper-2", "events-zookeeper-1", "events-zookeeper-0"));

  Topology init = base;
  init.app.roles[0].init_containers = {
      Container{.name = "wait", .image = "busybox:1", .command = {"true"}}};
  init.app.roles[0].env.push_back(EnvVar{.name = "POD_IP", .field = "status.podIP"});
  std::vector<std::string> restarts = Restarts(plan_for(init));
  EXPECT_EQ(restarts.size(), 3u);
  for (const std::string& name : restarts) EXPECT_THAT(name, HasSubstr("events-broker-"));

  Topology metrics = base;
  metrics.app.roles[0].metrics = Metrics{.port = PortRef{.name = "kafka"}};
  Plan metrics_plan = plan_for(metrics);
  EXPECT_THAT(Restarts(metrics_plan), IsEmpty());
  EXPECT_FALSE(metrics_plan.steps.empty()) << "the StatefulSet must still be updated";

  Topology annotated = base;
  annotated.app.roles[0].services[0].annotations = {{"example.com/lb", "internal"}};
  Plan plan = plan_for(annotated);
  EXPECT_THAT(Restarts(plan), IsEmpty());
  EXPECT_FALSE(plan.steps.empty()) << "the Service must still be updated";
}

// ---------------------------------------------------------------- adoption (SPEC-2 §10)

TEST(PlannerAdoptionTest, LabelsPodsAndPvcsThenOrphanDeletesAndRollsOneAtATime) {
  RoleSpec spec{.name = "db", .members = 3, .storage_size = "10Gi", .storage_class = "fast"};
  CompiledCluster desired = MakeCluster({spec});
  ObservedState observed = Converged(desired);
  plan_testing::HandWritten(observed, "events-db", "db");
  Plan plan = MustPlan(desired, observed);
  ExpectWellFormed(plan);
  std::vector<std::string> summary = Summary(plan);
  ASSERT_GE(summary.size(), 8u) << Dump(plan);
  EXPECT_THAT(std::vector<std::string>(summary.begin(), summary.begin() + 8),
              ElementsAre("apply Pod/events-db-0", "apply Pod/events-db-1",
                          "apply Pod/events-db-2",
                          "apply PersistentVolumeClaim/data-events-db-0",
                          "apply PersistentVolumeClaim/data-events-db-1",
                          "apply PersistentVolumeClaim/data-events-db-2",
                          "delete StatefulSet/events-db orphan",
                          "apply StatefulSet/events-db replicas=3"))
      << Dump(plan);
  // The labels go on in parallel, all before the orphan delete.
  for (int i = 0; i < 6; ++i) EXPECT_THAT(plan.steps[i].after, IsEmpty()) << i;
  EXPECT_THAT(plan.steps[6].after, ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_THAT(plan.steps[0].reason,
              HasSubstr("adopt StatefulSet events-db (SPEC-2 §10: not written by strata"));
  EXPECT_THAT(plan.steps[0].reason,
              HasSubstr("label pod events-db-0 with strata's selector so the new StatefulSet "
                        "takes it over with its data"));
  EXPECT_THAT(plan.steps[3].reason, HasSubstr("label PVC data-events-db-0 as role db's claim"));
  // Partial objects: name, namespace and labels only, strata's selector.
  const Json& pod = plan.steps[0].object;
  EXPECT_EQ(pod["kind"], "Pod");
  EXPECT_EQ(pod.size(), 3u) << pod.dump();
  EXPECT_EQ(pod["metadata"].size(), 3u) << pod.dump();
  EXPECT_EQ(pod["metadata"]["namespace"], plan_testing::kNamespace);
  EXPECT_EQ(pod["metadata"]["labels"]["app.kubernetes.io/instance"], plan_testing::kCluster);
  EXPECT_EQ(pod["metadata"]["labels"]["app.kubernetes.io/component"], "db");
  const Json& pvc = plan.steps[3].object;
  EXPECT_EQ(pvc["kind"], "PersistentVolumeClaim");
  EXPECT_EQ(pvc["metadata"]["labels"]["app.kubernetes.io/instance"], plan_testing::kCluster);
  EXPECT_FALSE(pvc.contains("spec"));
  // Then every member onto strata's template, one at a time, no PVC lost.
  std::vector<std::string> restarts;
  for (const std::string& line : summary) {
    if (line.rfind("restart ", 0) == 0) restarts.push_back(line);
  }
  EXPECT_THAT(restarts, ElementsAre("restart events-db-2", "restart events-db-1",
                                    "restart events-db-0"))
      << Dump(plan);
  ExpectNoPvcDeleted(plan);
}

TEST(PlannerAdoptionTest, LabelsOnlyWhatStillLacksThem) {
  RoleSpec spec{.name = "db", .members = 2, .storage_size = "10Gi"};
  CompiledCluster desired = MakeCluster({spec});
  ObservedState observed = Converged(desired);
  plan_testing::HandWritten(observed, "events-db", "db");
  // A pass labelled pod 0 and its claim, then stopped.
  for (Json* o : {FindPod(observed, "events-db-0"), FindPvc(observed, "data-events-db-0")}) {
    ASSERT_NE(o, nullptr);
    (*o)["metadata"]["labels"]["app.kubernetes.io/instance"] = plan_testing::kCluster;
    (*o)["metadata"]["labels"]["app.kubernetes.io/component"] = "db";
  }
  Plan plan = MustPlan(desired, observed);
  ExpectWellFormed(plan);
  std::vector<std::string> summary = Summary(plan);
  ASSERT_GE(summary.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(summary.begin(), summary.begin() + 3),
              ElementsAre("apply Pod/events-db-1", "apply PersistentVolumeClaim/data-events-db-1",
                          "delete StatefulSet/events-db orphan"))
      << Dump(plan);
}

TEST(PlannerAdoptionTest, StrataOwnStatefulSetIsNotAdopted) {
  RoleSpec old_spec{.name = "db", .members = 3, .storage_size = "10Gi"};
  RoleSpec new_spec = old_spec;
  new_spec.service_name = "events-db-peers";
  Plan plan = MustPlan(MakeCluster({new_spec}), Converged(MakeCluster({old_spec})));
  for (const Step& s : plan.steps) {
    EXPECT_NE(s.target.kind, "Pod") << Dump(plan);
    EXPECT_THAT(s.reason, Not(HasSubstr("SPEC-2 §10"))) << Dump(plan);
  }
}

// The seed's Cassandra case: the running StatefulSet is called `db-old`,
// strata's would be `events-db`, so data-db-old-N would never be mounted.
ObservedState RunningUnderAnotherName(const RoleSpec& spec) {
  CompiledCluster as_old = MakeCluster({spec});
  ObservedState observed = Converged(as_old);
  plan_testing::HandWritten(observed, "events-db", "db");
  auto rename = [](Json& o, const std::string& from, const std::string& to) {
    std::string name = kube::NameOf(o);
    size_t at = name.find(from);
    if (at != std::string::npos) o["metadata"]["name"] = name.replace(at, from.size(), to);
  };
  for (Json& o : observed.stateful_sets) rename(o, "events-db", "db-old");
  for (Json& o : observed.pods) rename(o, "events-db", "db-old");
  for (Json& o : observed.persistent_volume_claims) rename(o, "events-db", "db-old");
  observed.services.clear();
  observed.config_maps.clear();
  observed.pod_disruption_budgets.clear();
  return observed;
}

TEST(PlannerAdoptionTest, RefusesWhenTheClaimsCannotFollowTheName) {
  RoleSpec spec{.name = "db", .members = 3, .storage_size = "10Gi"};
  absl::StatusOr<Plan> plan =
      PlanRollout(MakeCluster({spec}), RunningUnderAnotherName(spec), PlanOptions{.now = Now()});
  EXPECT_THAT(plan, StatusIs(absl::StatusCode::kFailedPrecondition,
                             HasSubstr("role db: storage data: refusing to plan (SPEC-2 §10): "
                                       "StatefulSet db-old (not strata's")));
  ASSERT_FALSE(plan.ok());
  const std::string message(plan.status().message());
  EXPECT_THAT(message, HasSubstr("data-db-old-0, data-db-old-1, data-db-old-2"));
  EXPECT_THAT(message, HasSubstr("strata's StatefulSet for role db is events-db"));
  EXPECT_THAT(message, HasSubstr("data-db-old-0 -> data-events-db-0"));
  EXPECT_THAT(message, HasSubstr("docs/migrating.md"));
}

TEST(PlannerAdoptionTest, AnotherApplicationsClaimOfTheSameNameIsNoReasonToRefuse) {
  RoleSpec spec{.name = "db", .members = 3, .storage_size = "10Gi"};
  ObservedState observed = RunningUnderAnotherName(spec);
  for (Json& sts : observed.stateful_sets) {
    for (Json& c : sts["spec"]["template"]["spec"]["containers"]) c["image"] = "postgres:16";
  }
  Plan plan = MustPlan(MakeCluster({spec}), observed);
  ExpectWellFormed(plan);
  ASSERT_FALSE(plan.steps.empty());
  EXPECT_EQ(Summary(plan)[0].rfind("apply", 0), 0u) << Dump(plan);
  // Nor once the role's own claims exist (the data was copied to them).
  ObservedState copied = RunningUnderAnotherName(spec);
  Json pvc = copied.persistent_volume_claims.front();
  pvc["metadata"]["name"] = "data-events-db-0";
  copied.persistent_volume_claims.push_back(pvc);
  EXPECT_THAT(PlanRollout(MakeCluster({spec}), copied, PlanOptions{.now = Now()}), IsOk());
}

}  // namespace
}  // namespace strata
