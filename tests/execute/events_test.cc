#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/execute.h"
#include "tests/execute/fake_cluster_client.h"

namespace strata {
namespace {

using ::testing::ElementsAre;

TEST(ExecArgvTest, CommandAloneWithoutEnv) {
  EXPECT_THAT(ExecArgv({"sh", "-c", "true"}, {}), ElementsAre("sh", "-c", "true"));
}

TEST(ExecArgvTest, EnvPrefixesTheCommand) {
  EXPECT_THAT(ExecArgv({"/opt/gate.sh"}, {"STRATA_TARGET_POD=e-b-4", "STRATA_TARGET_ORDINAL=4"}),
              ElementsAre("env", "STRATA_TARGET_POD=e-b-4", "STRATA_TARGET_ORDINAL=4",
                          "/opt/gate.sh"));
}

TEST(ExecuteEventTest, JsonNamesTheStepAndLeavesOutObjects) {
  Step step;
  step.id = 3;
  step.action = Action::kApply;
  step.target = Target{.kind = "StatefulSet", .name = "e-b", .role = "broker"};
  step.object = Json{{"kind", "StatefulSet"}};
  step.reason = "scale out";
  ExecuteEvent e{.kind = ExecuteEvent::Kind::kStepSucceeded,
                 .time = absl::FromUnixSeconds(1767225600),
                 .cluster = "events",
                 .pass = 2,
                 .step = step,
                 .elapsed = absl::Milliseconds(1500),
                 .message = "done"};
  Json j = ExecuteEventToJson(e);
  EXPECT_EQ(j["event"], "stepSucceeded");
  EXPECT_EQ(j["time"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(j["pass"], 2);
  EXPECT_EQ(j["step"]["id"], 3);
  EXPECT_EQ(j["step"]["action"], "apply");
  EXPECT_EQ(j["step"]["target"]["role"], "broker");
  EXPECT_FALSE(j["step"].contains("object"));
  EXPECT_DOUBLE_EQ(j["elapsedSeconds"].get<double>(), 1.5);
  EXPECT_EQ(j["message"], "done");
}

TEST(ExecuteEventTest, JsonCarriesTheExecResult) {
  ExecuteEvent e{.kind = ExecuteEvent::Kind::kStepFailed,
                 .exec = ExecResult{.exit_code = 2, .stderr_text = "unsafe"},
                 .message = "gate failed"};
  Json j = ExecuteEventToJson(e);
  EXPECT_EQ(j["exitCode"], 2);
  EXPECT_EQ(j["stderr"], "unsafe");
  EXPECT_FALSE(j.contains("stdout"));
}

TEST(ObserveRequestForTest, NodesOnlyForZoneParallelRoles) {
  CompiledCluster c;
  c.cluster = "events";
  c.namespace_ = "data";
  c.roles.resize(2);
  ObserveRequest r = ObserveRequestFor(c);
  EXPECT_EQ(r.namespace_, "data");
  EXPECT_EQ(r.cluster, "events");
  EXPECT_FALSE(r.nodes);
  c.roles[1].role.rollout.zone_parallel = true;
  EXPECT_TRUE(ObserveRequestFor(c).nodes);
}

TEST(FakeClusterClientTest, DeleteHonoursTheUidPrecondition) {
  testing::FakeClusterClient kube;
  kube.Put(Json{{"kind", "Pod"}, {"metadata", {{"name", "p-0"}, {"uid", "u2"}}}});
  ClusterClient& client = kube;
  EXPECT_EQ(client.Delete({.kind = "Pod", .name = "p-0"}, {.uid = "u1"}).code(),
            absl::StatusCode::kAborted);
  EXPECT_TRUE(client.Delete({.kind = "Pod", .name = "p-0"}, {.uid = "u2"}).ok());
  EXPECT_TRUE(client.Delete({.kind = "Pod", .name = "p-0"}, {}).ok());  // Gone: fine.
  EXPECT_EQ(kube.Get("Pod", "p-0"), nullptr);
}

}  // namespace
}  // namespace strata
