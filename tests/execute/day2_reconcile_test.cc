// Day-2 operations (SPEC-2 §9) through Reconcile over the simulator's
// Kubernetes (SimClusterClient, virtual time): an approval blocks naming its
// token, a token for another change does not pass it, the right one does; a
// stop keeps every PVC and a start brings every member back on them; a
// replace rebuilds one member on new PVCs after its memberLeave, once per
// token.

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
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::testing::HasSubstr;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

// A simulated cluster whose leaderProbes answer like the model's leader
// election and whose other hooks succeed.
struct Day2Sim {
  explicit Day2Sim(const CompiledCluster& c)
      : compiled(c), kube(ModelOptionsFor(c), kStart), client(kube) {
    client.exec_handler = [this](const ExecRequest& r) {
      for (const CompiledRole& role : compiled.roles) {
        const auto& probe = role.role.rollout.leader_probe;
        if (probe.has_value() && probe->command == r.command) {
          return ExecResult{.exit_code = kube.LeaderOf(role.stateful_set) == r.pod ? 0 : 1};
        }
      }
      return ExecResult{};
    };
  }
  absl::StatusOr<ReconcileResult> Run(std::vector<std::string> approve = {}) {
    ReconcileOptions options;
    options.deadline = kube.now() + absl::Hours(6);
    options.approve = std::move(approve);
    return ReconcileCompiled(compiled, client, options);
  }
  std::map<std::string, std::string> PvcUids() const {
    std::map<std::string, std::string> out;
    for (const auto& [name, pvc] : kube.Objects("PersistentVolumeClaim")) {
      out[name] = kube::StringAt(pvc, {"metadata", "uid"});
    }
    return out;
  }

  CompiledCluster compiled;
  KubeModel kube;
  SimClusterClient client;
};

absl::StatusOr<CompiledCluster> Kafka(const std::function<void(Topology&)>& change = {}) {
  absl::StatusOr<std::vector<Topology>> t = strata::testing::LoadExample("kafka");
  if (!t.ok()) return t.status();
  if (change) change(t->front());
  return Compile(t->front(), CompileOptions{});
}

RoleOverride& OverrideFor(Topology& t, const std::string& role) {
  for (RoleOverride& o : t.cluster.roles) {
    if (o.name == role) return o;
  }
  t.cluster.roles.push_back(RoleOverride{.name = role});
  return t.cluster.roles.back();
}

Role& AppRoleOf(Topology& t, const std::string& role) {
  for (Role& r : t.app.roles) {
    if (r.name == role) return r;
  }
  return t.app.roles.front();
}

std::string Text(const ReconcileResult& r) {
  std::string out = absl::StrCat(ReconcileOutcomeName(r.outcome), ": ", r.blocked_reason, "\n");
  for (const ExecuteEvent& e : r.events) absl::StrAppend(&out, "  ", e.message, "\n");
  return out;
}

// The token after "--approve " in `reason`.
std::string TokenIn(const std::string& reason) {
  size_t at = reason.find("--approve ");
  if (at == std::string::npos) return "";
  size_t from = at + 10;
  size_t to = reason.find_first_of(" ,)", from);
  return reason.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

TEST(Day2ReconcileTest, ApprovalBlocksWithTheTokenAndPassesWithIt) {
  auto approval = [](Topology& t) {
    AppRoleOf(t, "zookeeper").rollout.approval = Approval::kLeader;
  };
  absl::StatusOr<CompiledCluster> v1 = Kafka(approval);
  ASSERT_THAT(v1, IsOk());
  Day2Sim sim(*v1);
  ASSERT_EQ(sim.Run()->outcome, ReconcileResult::Outcome::kConverged);  // Creating needs none.

  absl::StatusOr<CompiledCluster> v2 = Kafka([&](Topology& t) {
    approval(t);
    AppRoleOf(t, "zookeeper").image += "-v2";
  });
  ASSERT_THAT(v2, IsOk());
  sim.compiled = *v2;
  absl::StatusOr<ReconcileResult> blocked = sim.Run();
  ASSERT_THAT(blocked, IsOk());
  ASSERT_EQ(blocked->outcome, ReconcileResult::Outcome::kBlocked) << Text(*blocked);
  EXPECT_THAT(blocked->blocked_reason, HasSubstr("(the leader)"));
  const std::string token = TokenIn(blocked->blocked_reason);
  ASSERT_FALSE(token.empty()) << blocked->blocked_reason;
  // The followers were restarted; the leader was not.
  const std::string leader = sim.kube.LeaderOf("events-zookeeper");
  ASSERT_FALSE(leader.empty());
  int updated = 0;
  for (const auto& [ordinal, pod] : sim.kube.PodsOf("events-zookeeper")) {
    bool at_spec = kube::StringAt(*pod, {"metadata", "annotations",
                                                  "strata.dev/spec-hash"}) ==
                   sim.compiled.FindRole("zookeeper")->spec_hash;
    if (kube::StringAt(*pod, {"metadata", "name"}) == leader) {
      EXPECT_FALSE(at_spec) << "the leader restarted without approval";
    } else {
      updated += at_spec ? 1 : 0;
    }
  }
  EXPECT_EQ(updated, 2);

  // A token for another change passes nothing.
  absl::StatusOr<CompiledCluster> v3 = Kafka([&](Topology& t) {
    approval(t);
    AppRoleOf(t, "zookeeper").image += "-v3";
  });
  ASSERT_THAT(v3, IsOk());
  Day2Sim other(*v1);
  ASSERT_EQ(other.Run()->outcome, ReconcileResult::Outcome::kConverged);
  other.compiled = *v3;
  absl::StatusOr<ReconcileResult> still = other.Run({token});
  ASSERT_THAT(still, IsOk());
  EXPECT_EQ(still->outcome, ReconcileResult::Outcome::kBlocked) << Text(*still);
  EXPECT_NE(TokenIn(still->blocked_reason), token);

  // The right token lets the leader go, and the cluster converges.
  absl::StatusOr<ReconcileResult> passed = sim.Run({token});
  ASSERT_THAT(passed, IsOk());
  EXPECT_EQ(passed->outcome, ReconcileResult::Outcome::kConverged) << Text(*passed);
}

TEST(Day2ReconcileTest, StopKeepsEveryPvcAndStartBringsTheClusterBack) {
  absl::StatusOr<CompiledCluster> running = Kafka();
  ASSERT_THAT(running, IsOk());
  Day2Sim sim(*running);
  ASSERT_EQ(sim.Run()->outcome, ReconcileResult::Outcome::kConverged);
  const std::map<std::string, std::string> pvcs = sim.PvcUids();
  ASSERT_FALSE(pvcs.empty());

  absl::StatusOr<CompiledCluster> stopped = Kafka([](Topology& t) { t.cluster.stopped = true; });
  ASSERT_THAT(stopped, IsOk());
  sim.compiled = *stopped;
  const size_t calls_before_stop = sim.client.calls.size();
  absl::StatusOr<ReconcileResult> stop = sim.Run();
  ASSERT_THAT(stop, IsOk());
  ASSERT_EQ(stop->outcome, ReconcileResult::Outcome::kConverged) << Text(*stop);
  EXPECT_TRUE(sim.kube.Objects("Pod").empty());
  EXPECT_EQ(sim.PvcUids(), pvcs);
  for (const CompiledRole& role : running->roles) {
    const Json* sts = sim.kube.Find("StatefulSet", role.stateful_set);
    ASSERT_NE(sts, nullptr) << role.stateful_set;
    EXPECT_EQ((*sts)["spec"]["replicas"], 0);
  }
  // No memberLeave or other hook ran for the stop.
  for (size_t i = calls_before_stop; i < sim.client.calls.size(); ++i) {
    const std::string& call = sim.client.calls[i];
    EXPECT_FALSE(absl::StartsWith(call, "exec") && !absl::StrContains(call, "Mode: leader"))
        << call;
  }

  sim.compiled = *running;
  absl::StatusOr<ReconcileResult> start = sim.Run();
  ASSERT_THAT(start, IsOk());
  ASSERT_EQ(start->outcome, ReconcileResult::Outcome::kConverged) << Text(*start);
  EXPECT_EQ(sim.PvcUids(), pvcs);
  int32_t members = 0;
  for (const CompiledRole& role : running->roles) members += role.members;
  int32_t ready = 0;
  for (const auto& [name, pod] : sim.kube.Objects("Pod")) ready += sim.kube.PodReady(name);
  EXPECT_EQ(ready, members);
}

TEST(Day2ReconcileTest, ReplaceRebuildsOneMemberOnNewPvcsOncePerToken) {
  absl::StatusOr<CompiledCluster> v1 = Kafka();
  ASSERT_THAT(v1, IsOk());
  Day2Sim sim(*v1);
  ASSERT_EQ(sim.Run()->outcome, ReconcileResult::Outcome::kConverged);
  const std::map<std::string, std::string> before = sim.PvcUids();

  absl::StatusOr<CompiledCluster> v2 = Kafka([](Topology& t) {
    OverrideFor(t, "broker").replace = {{.member = "events-broker-2", .token = "disk-1"}};
  });
  ASSERT_THAT(v2, IsOk());
  sim.compiled = *v2;
  absl::StatusOr<ReconcileResult> r = sim.Run();
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->outcome, ReconcileResult::Outcome::kConverged) << Text(*r);
  const std::map<std::string, std::string> after = sim.PvcUids();
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [name, uid] : before) {
    if (name == "data-events-broker-2") {
      EXPECT_NE(after.at(name), uid) << "the replaced member kept its PVC";
    } else {
      EXPECT_EQ(after.at(name), uid) << name << " changed";
    }
  }
  // Once per token: a second run does nothing.
  const size_t calls = sim.client.calls.size();
  absl::StatusOr<ReconcileResult> again = sim.Run();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->outcome, ReconcileResult::Outcome::kConverged);
  for (size_t i = calls; i < sim.client.calls.size(); ++i) {
    EXPECT_FALSE(absl::StartsWith(sim.client.calls[i], "delete")) << sim.client.calls[i];
  }
}

}  // namespace
}  // namespace strata
