// Reconcile over the simulator's Kubernetes (SimClusterClient, virtual time):
// every example converges from nothing and through an image change with a
// gate before each Ready member's restart and never more members down than
// the budget; scale-in runs memberLeave first and keeps the PVCs; a member
// that never becomes Ready and a gate that always fails block, naming them,
// within their timeouts; the deadline, cancellation, an unreachable server
// and leader labelling behave as SPEC-2 §6 says.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "sim/kube_model.h"
#include "sim/sim_cluster_client.h"
#include "strata/compile.h"
#include "strata/execute.h"
#include "tests/compile/examples.h"
#include "tests/execute/fake_cluster_client.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::ExampleNames;
using ::strata::testing::FakeClusterClient;
using ::strata::testing::IsOk;
using ::strata::testing::LoadExample;
using ::strata::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

// A simulated cluster for one compiled topology whose leaderProbes answer
// like the model's leader election (exit 0 in the leader only).
struct Sim {
  explicit Sim(const CompiledCluster& compiled)
      : compiled(compiled), kube(ModelOptionsFor(compiled), kStart), client(kube) {
    client.exec_handler = [this](const ExecRequest& r) { return Answer(r); };
  }

  ExecResult Answer(const ExecRequest& r) {
    for (const CompiledRole& role : compiled.roles) {
      const auto& probe = role.role.rollout.leader_probe;
      if (probe.has_value() && probe->command == r.command) {
        return ExecResult{.exit_code = kube.LeaderOf(role.stateful_set) == r.pod ? 0 : 1};
      }
    }
    return handler ? handler(r) : ExecResult{};
  }

  absl::StatusOr<ReconcileResult> Run(ReconcileOptions options = {}) {
    if (options.deadline == absl::InfiniteFuture()) {
      options.deadline = kube.now() + absl::Hours(6);
    }
    return ReconcileCompiled(compiled, client, options);
  }

  CompiledCluster compiled;
  KubeModel kube;
  SimClusterClient client;
  std::function<ExecResult(const ExecRequest&)> handler;
};

absl::StatusOr<CompiledCluster> CompileExample(const std::string& name,
                                               const std::function<void(Topology&)>& change = {}) {
  absl::StatusOr<std::vector<Topology>> t = LoadExample(name);
  if (!t.ok()) return t.status();
  if (t->empty()) return absl::NotFoundError("no Cluster in examples/" + name);
  if (change) change(t->front());
  return Compile(t->front(), CompileOptions{});
}

void ChangeImages(Topology& t) {
  for (Role& role : t.app.roles) role.image += "-v2";
  for (RoleOverride& o : t.cluster.roles) {
    if (!o.image.empty()) o.image += "-v2";
  }
}

RoleOverride& OverrideFor(Topology& t, const std::string& role) {
  for (RoleOverride& o : t.cluster.roles) {
    if (o.name == role) return o;
  }
  t.cluster.roles.push_back(RoleOverride{.name = role});
  return t.cluster.roles.back();
}

std::string Summary(const ReconcileResult& r) {
  std::string out = absl::StrCat(ReconcileOutcomeName(r.outcome), " after ", r.passes,
                                 " passes: ", r.blocked_reason, "\n");
  for (const ExecuteEvent& e : r.events) absl::StrAppend(&out, "  ", e.message, "\n");
  return out;
}

class EveryExampleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryExampleTest, ConvergesFromNothingThenThroughAnImageChange) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample(GetParam());
  ASSERT_THAT(v1, IsOk());
  Sim sim(*v1);
  absl::StatusOr<ReconcileResult> fresh = sim.Run();
  ASSERT_THAT(fresh, IsOk());
  ASSERT_EQ(fresh->outcome, ReconcileResult::Outcome::kConverged) << Summary(*fresh);
  absl::StatusOr<Plan> after =
      PlanRollout(*v1, sim.kube.ToObservedState(), PlanOptions{.now = sim.kube.now()});
  ASSERT_THAT(after, IsOk());
  EXPECT_THAT(after->steps, IsEmpty());

  // The image change, against the converged cluster.
  absl::StatusOr<CompiledCluster> v2 = CompileExample(GetParam(), ChangeImages);
  ASSERT_THAT(v2, IsOk());
  sim.compiled = *v2;
  std::map<std::string, std::string> uids;
  for (const Json& pod : sim.kube.ToObservedState().pods) {
    uids[kube::NameOf(pod)] = pod["metadata"].value("uid", "");
  }
  // Before each restart: its gate ran in a Ready member just before, and the
  // role has fewer members down than its budget.
  std::vector<std::string> violations;
  std::set<std::string> gated;  // Gates passed for members not restarted yet.
  ReconcileOptions options;
  options.on_event = [&](const ExecuteEvent& e) {
    if (e.kind == ExecuteEvent::Kind::kStepSucceeded && e.step && e.step->hook == Hook::kGate) {
      gated.insert(e.step->target.name);
    }
    if (e.kind != ExecuteEvent::Kind::kStepStarted || !e.step ||
        e.step->action != Action::kRestart) {
      return;
    }
    const CompiledRole* role = sim.compiled.FindRole(e.step->target.role);
    if (role == nullptr) return;
    int down = 0;
    for (const auto& [ordinal, pod] : sim.kube.PodsOf(role->stateful_set)) {
      if (!sim.kube.PodReady(kube::NameOf(*pod))) ++down;
    }
    const bool target_ready = sim.kube.PodReady(e.step->target.name);
    if (target_ready && down >= role->max_unavailable) {
      violations.push_back(absl::StrCat("restart ", e.step->target.name, " with ", down,
                                        " down (budget ", role->max_unavailable, ")"));
    }
    if (target_ready && role->role.rollout.gate.has_value() &&
        gated.count(e.step->target.name) == 0) {
      violations.push_back(absl::StrCat("restart ", e.step->target.name, " without its gate"));
    }
    gated.erase(e.step->target.name);
  };
  absl::StatusOr<ReconcileResult> rolled = sim.Run(options);
  ASSERT_THAT(rolled, IsOk());
  ASSERT_EQ(rolled->outcome, ReconcileResult::Outcome::kConverged) << Summary(*rolled);
  EXPECT_THAT(violations, IsEmpty()) << Summary(*rolled);
  // Every member was replaced (new uid) and runs the new spec.
  for (const CompiledRole& role : v2->roles) {
    for (const auto& [ordinal, pod] : sim.kube.PodsOf(role.stateful_set)) {
      std::string name = kube::NameOf(*pod);
      EXPECT_TRUE(plan_internal::IsAtDesiredSpec(*pod, role.spec_hash)) << name;
      if (uids.count(name) > 0 && role.spec_hash != v1->FindRole(role.name)->spec_hash) {
        EXPECT_NE((*pod)["metadata"].value("uid", ""), uids[name]) << name;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, EveryExampleTest, ::testing::ValuesIn(ExampleNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// The role of `example` with a memberLeave hook, and its compiled form.
const CompiledRole* HookedRole(const CompiledCluster& c) {
  for (const CompiledRole& role : c.roles) {
    if (role.role.lifecycle.member_leave.has_value() && role.members >= 2) return &role;
  }
  return nullptr;
}

TEST(ReconcileTest, ScaleInRunsMemberLeaveFirstOnceAndKeepsThePvcs) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample("hdfs");
  ASSERT_THAT(v1, IsOk());
  const CompiledRole* role = HookedRole(*v1);
  ASSERT_NE(role, nullptr);
  const std::string role_name = role->name;
  const int32_t n = role->members;
  Sim sim(*v1);
  ASSERT_EQ(sim.Run()->outcome, ReconcileResult::Outcome::kConverged);
  std::set<std::string> pvcs_before;
  for (const auto& [name, pvc] : sim.kube.Objects("PersistentVolumeClaim")) {
    pvcs_before.insert(name);
  }

  absl::StatusOr<CompiledCluster> v2 = CompileExample(
      "hdfs", [&](Topology& t) { OverrideFor(t, role_name).members = n - 1; });
  ASSERT_THAT(v2, IsOk());
  sim.compiled = *v2;
  const size_t calls_before = sim.client.calls.size();
  // memberLeave fails twice (the decommission is not done), then succeeds.
  int leave_calls = 0;
  const std::vector<std::string> leave = role->role.lifecycle.member_leave->command;
  sim.handler = [&](const ExecRequest& r) {
    if (r.command.size() >= leave.size() &&
        std::equal(leave.begin(), leave.end(), r.command.end() - leave.size())) {
      ++leave_calls;
      return ExecResult{.exit_code = leave_calls <= 2 ? 1 : 0};
    }
    return ExecResult{};
  };
  absl::StatusOr<ReconcileResult> r = sim.Run();
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->outcome, ReconcileResult::Outcome::kConverged) << Summary(*r);
  EXPECT_EQ(leave_calls, 3);
  // memberLeave ran (in the last member) before the StatefulSet shrank.
  const std::string sts = role->stateful_set;
  const std::string victim = absl::StrCat(sts, "-", n - 1);
  auto from = sim.client.calls.begin() + calls_before;
  auto exec_at = std::find_if(from, sim.client.calls.end(),
                              [&](const std::string& c) {
                                return absl::StartsWith(c, "exec " + victim);
                              });
  auto shrink_at = std::find(from, sim.client.calls.end(), "apply StatefulSet " + sts);
  ASSERT_NE(exec_at, sim.client.calls.end());
  ASSERT_NE(shrink_at, sim.client.calls.end());
  EXPECT_LT(exec_at - from, shrink_at - from);
  EXPECT_EQ(sim.kube.Find("Pod", victim), nullptr);
  for (const std::string& pvc : pvcs_before) {
    EXPECT_NE(sim.kube.Find("PersistentVolumeClaim", pvc), nullptr) << pvc << " was deleted";
  }

  // A second run has nothing to do and never runs memberLeave again.
  absl::StatusOr<ReconcileResult> again = sim.Run();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->outcome, ReconcileResult::Outcome::kConverged);
  EXPECT_EQ(leave_calls, 3);
}

// Runs `sim` the way an operator does (SPEC-2 §7): one pass per call,
// carrying `state`, then waiting for a change or until the pass says the next
// one is due. Returns the first result that is not kPassDone.
absl::StatusOr<ReconcileResult> RunOnePassAtATime(Sim& sim, ReconcileState& state) {
  ReconcileOptions options;
  options.once = true;
  options.state = &state;
  for (int call = 0; call < 10000; ++call) {
    absl::StatusOr<ReconcileResult> r = sim.Run(options);
    if (!r.ok() || r->outcome != ReconcileResult::Outcome::kPassDone) return r;
    if (r->next_pass_at < sim.kube.now()) {
      return absl::InternalError(Summary(*r) + "next_pass_at is in the past");
    }
    absl::StatusOr<bool> changed =
        sim.client.WaitForChange(ObserveRequestFor(sim.compiled), r->next_pass_at, {});
    if (!changed.ok()) return changed.status();
  }
  return absl::DeadlineExceededError("10000 passes without an end");
}

// The blocking rules hold whoever runs the passes: Reconcile's own loop, or
// an operator calling it once per reconcile with the state carried.
class BlockingTest : public ::testing::TestWithParam<bool> {
 protected:
  // Runs `sim` to its end: the loop, or one pass at a time (GetParam()).
  absl::StatusOr<ReconcileResult> RunToTheEnd(Sim& sim) {
    if (!GetParam()) return sim.Run();
    ReconcileState state;
    return RunOnePassAtATime(sim, state);
  }
};

INSTANTIATE_TEST_SUITE_P(Runs, BlockingTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "OnePassAtATime" : "Loop";
                         });

TEST_P(BlockingTest, AMemberThatNeverBecomesReadyBlocksNamingItWithinItsTimeout) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample("kafka");
  ASSERT_THAT(v1, IsOk());
  Sim sim(*v1);
  ASSERT_EQ(sim.Run()->outcome, ReconcileResult::Outcome::kConverged);
  absl::StatusOr<CompiledCluster> v2 = CompileExample("kafka", ChangeImages);
  ASSERT_THAT(v2, IsOk());
  sim.compiled = *v2;
  // The first member the rollout restarts never comes back.
  const CompiledRole& first = v2->roles.front();
  const std::string stuck = absl::StrCat(first.stateful_set, "-", first.members - 1);
  sim.kube.SetNeverReady(stuck, true);
  const absl::Time began = sim.kube.now();
  absl::StatusOr<ReconcileResult> r = RunToTheEnd(sim);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->outcome, ReconcileResult::Outcome::kBlocked) << Summary(*r);
  EXPECT_THAT(r->blocked_reason, HasSubstr(stuck));
  EXPECT_LE(sim.kube.now() - began,
            absl::Seconds(plan_internal::ReadyTimeoutSeconds(first.role)) + absl::Minutes(2))
      << Summary(*r);
  // Nothing else of that role was disrupted meanwhile.
  for (const auto& [ordinal, pod] : sim.kube.PodsOf(first.stateful_set)) {
    std::string name = kube::NameOf(*pod);
    if (name != stuck) {
      EXPECT_TRUE(sim.kube.PodReady(name)) << name;
    }
  }
}

TEST_P(BlockingTest, AGateThatAlwaysFailsBlocksNamingItAfterItsTimeout) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample("cassandra");
  ASSERT_THAT(v1, IsOk());
  const CompiledRole* gated = nullptr;
  for (const CompiledRole& role : v1->roles) {
    if (role.role.rollout.gate.has_value()) gated = &role;
  }
  ASSERT_NE(gated, nullptr);
  const std::vector<std::string> gate = gated->role.rollout.gate->handler.command;
  const int32_t timeout = gated->role.rollout.gate->timeout_seconds;
  Sim sim(*v1);
  ASSERT_EQ(sim.Run()->outcome, ReconcileResult::Outcome::kConverged);
  absl::StatusOr<CompiledCluster> v2 = CompileExample("cassandra", ChangeImages);
  ASSERT_THAT(v2, IsOk());
  sim.compiled = *v2;
  int gate_calls = 0;
  sim.handler = [&](const ExecRequest& r) {
    if (r.command.size() >= gate.size() &&
        std::equal(gate.begin(), gate.end(), r.command.end() - gate.size())) {
      ++gate_calls;
      return ExecResult{.exit_code = 2, .stderr_text = "ring not settled"};
    }
    return ExecResult{};
  };
  const absl::Time began = sim.kube.now();
  absl::StatusOr<ReconcileResult> r = RunToTheEnd(sim);
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->outcome, ReconcileResult::Outcome::kBlocked) << Summary(*r);
  EXPECT_THAT(r->blocked_reason, HasSubstr("gate"));
  EXPECT_THAT(r->blocked_reason, HasSubstr("ring not settled"));
  EXPECT_THAT(r->blocked_reason, HasSubstr(absl::StrCat(" in ", v1->cluster, "-")));
  EXPECT_GT(gate_calls, 3);  // Retried with backoff, not once.
  EXPECT_GE(sim.kube.now() - began, absl::Seconds(timeout));
  EXPECT_LE(sim.kube.now() - began, absl::Seconds(timeout) + absl::Minutes(1));
  // No member was restarted.
  for (const std::string& call : sim.client.calls) {
    EXPECT_FALSE(absl::StartsWith(call, "delete Pod")) << call;
  }
}

TEST(ReconcileTest, OnePassAtATimeConvergesAsTheLoopDoes) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample("kafka");
  ASSERT_THAT(v1, IsOk());
  Sim sim(*v1);
  ReconcileState state;
  absl::StatusOr<ReconcileResult> r = RunOnePassAtATime(sim, state);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, ReconcileResult::Outcome::kConverged) << Summary(*r);
}

TEST(ReconcileTest, TheDeadlineStopsAProgressingRollout) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample("kafka");
  ASSERT_THAT(v1, IsOk());
  Sim sim(*v1);
  ReconcileOptions options;
  options.deadline = kStart + absl::Seconds(5);
  absl::StatusOr<ReconcileResult> r = sim.Run(options);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, ReconcileResult::Outcome::kDeadline) << Summary(*r);
  EXPECT_EQ(r->events.back().kind, ExecuteEvent::Kind::kDeadline);
  // A second run, without the deadline, finishes.
  absl::StatusOr<ReconcileResult> again = sim.Run();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->outcome, ReconcileResult::Outcome::kConverged);
}

TEST(ReconcileTest, CancellingStopsAtASafePointAndARerunFinishes) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample("kafka");
  ASSERT_THAT(v1, IsOk());
  Sim sim(*v1);
  ASSERT_EQ(sim.Run()->outcome, ReconcileResult::Outcome::kConverged);
  absl::StatusOr<CompiledCluster> v2 = CompileExample("kafka", ChangeImages);
  ASSERT_THAT(v2, IsOk());
  sim.compiled = *v2;
  int restarts = 0;
  ReconcileOptions options;
  options.on_event = [&](const ExecuteEvent& e) {
    if (e.kind == ExecuteEvent::Kind::kStepSucceeded && e.step &&
        e.step->action == Action::kRestart) {
      ++restarts;
    }
  };
  options.cancelled = [&] { return restarts >= 2; };
  absl::StatusOr<ReconcileResult> r = sim.Run(options);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, ReconcileResult::Outcome::kCancelled) << Summary(*r);
  EXPECT_EQ(restarts, 2);
  EXPECT_FALSE(r->events.back().message.empty());
  absl::StatusOr<ReconcileResult> again = sim.Run();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->outcome, ReconcileResult::Outcome::kConverged) << Summary(*again);
}

TEST(ReconcileTest, OncePlansAndRunsOnePass) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample("kafka");
  ASSERT_THAT(v1, IsOk());
  Sim sim(*v1);
  ReconcileOptions options;
  options.once = true;
  absl::StatusOr<ReconcileResult> r = sim.Run(options);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, ReconcileResult::Outcome::kPassDone);
  EXPECT_EQ(r->passes, 1);
  EXPECT_GT(r->steps, 0);
  EXPECT_FALSE(r->last_plan.steps.empty());
}

TEST(ReconcileTest, DryRunWritesNothing) {
  absl::StatusOr<CompiledCluster> v1 = CompileExample("kafka");
  ASSERT_THAT(v1, IsOk());
  Sim sim(*v1);
  ReconcileOptions options;
  options.dry_run = true;
  absl::StatusOr<ReconcileResult> r = sim.Run(options);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, ReconcileResult::Outcome::kPassDone);
  EXPECT_TRUE(sim.kube.Objects("StatefulSet").empty());
  for (const std::string& call : sim.client.calls) {
    EXPECT_TRUE(absl::StartsWith(call, "observe") || absl::EndsWith(call, " dry-run")) << call;
  }
}

TEST(ReconcileTest, AnUnreachableServerIsRetriedWithinTheGracePeriodThenFails) {
  FakeClusterClient kube;
  CompiledCluster empty;
  empty.cluster = "events";
  empty.namespace_ = "data";
  kube.observe_errors = {absl::UnavailableError("GET /api/v1/pods: connection refused"),
                         absl::UnavailableError("GET /api/v1/pods: connection refused")};
  absl::StatusOr<ReconcileResult> r = ReconcileCompiled(empty, kube, ReconcileOptions{});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->outcome, ReconcileResult::Outcome::kConverged);
  EXPECT_THAT(kube.calls, Contains("sleep"));

  FakeClusterClient down;
  for (int i = 0; i < 1000; ++i) {
    down.observe_errors.push_back(absl::UnavailableError("GET /api/v1/pods: connection refused"));
  }
  ReconcileOptions options;
  options.unavailable_grace = absl::Minutes(1);
  const absl::Time began = down.Now();
  EXPECT_THAT(ReconcileCompiled(empty, down, options),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("connection refused")));
  EXPECT_GE(down.Now() - began, absl::Minutes(1));
  EXPECT_LE(down.Now() - began, absl::Minutes(2));

  FakeClusterClient forbidden;
  forbidden.observe_errors = {absl::PermissionDeniedError("GET /api/v1/pods: 403 Forbidden")};
  EXPECT_THAT(ReconcileCompiled(empty, forbidden, ReconcileOptions{}),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("403")));
}

// A followersFirst role with a leaderProbe: the probe runs in each Ready
// member and the label moves to the one where it succeeds.
TEST(ReconcileTest, LeaderProbeLabelsTheOneMemberWhereItSucceeds) {
  absl::StatusOr<CompiledCluster> compiled = CompileExample("kafka-kraft");
  ASSERT_THAT(compiled, IsOk());
  const CompiledRole* quorum = nullptr;
  for (const CompiledRole& role : compiled->roles) {
    if (role.role.rollout.leader_probe.has_value()) quorum = &role;
  }
  ASSERT_NE(quorum, nullptr);
  const std::string label = quorum->role.rollout.leader_label;
  FakeClusterClient kube;
  for (int i = 0; i < 3; ++i) {
    std::string name = absl::StrCat(quorum->stateful_set, "-", i);
    Json pod = {{"kind", "Pod"},
                {"metadata",
                 {{"name", name},
                  {"uid", absl::StrCat("u", i)},
                  {"labels", {{"app.kubernetes.io/instance", compiled->cluster}}}}},
                {"status",
                 {{"phase", "Running"},
                  {"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
    if (i == 0) pod["metadata"]["labels"][label] = "true";  // A stale label.
    kube.Put(pod);
  }
  // Member 1 leads: exit 1, 0, 1 in ordinal order.
  kube.exec_results = {ExecResult{.exit_code = 1}, ExecResult{}, ExecResult{.exit_code = 1}};
  ReconcileOptions options;
  options.once = true;
  options.planner = [](const CompiledCluster&, const ObservedState&, const PlanOptions&) {
    return absl::StatusOr<Plan>(Plan{.converged = true});
  };
  absl::StatusOr<ReconcileResult> r = ReconcileCompiled(*compiled, kube, options);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(kube.Get("Pod", quorum->stateful_set + "-1")->at("metadata")["labels"].value(label, ""),
            "true");
  EXPECT_FALSE(kube.Get("Pod", quorum->stateful_set + "-0")->at("metadata")["labels"].contains(label));

  // Two members claim leadership: no label is set, and the output says so.
  kube.exec_results = {ExecResult{}, ExecResult{}, ExecResult{.exit_code = 1}};
  r = ReconcileCompiled(*compiled, kube, options);
  ASSERT_THAT(r, IsOk());
  bool said = false;
  for (const ExecuteEvent& e : r->events) said |= absl::StrContains(e.message, "no " + label);
  EXPECT_TRUE(said) << Summary(*r);
  EXPECT_EQ(kube.Get("Pod", quorum->stateful_set + "-1")->at("metadata")["labels"].value(label, ""),
            "true");
}

}  // namespace
}  // namespace strata
