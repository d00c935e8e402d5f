#include "validate/field_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/validate/rule_testing.h"

namespace strata::validate_internal {
namespace {

using testing::Reported;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(FieldRulesTest, DownwardApiFields) {
  for (const char* ok : {"metadata.name", "status.podIP", "metadata.labels['app']",
                         "metadata.annotations['strata.dev/x']"}) {
    EXPECT_TRUE(IsDownwardApiField(ok)) << ok;
  }
  for (const char* bad : {"", "metadata.labels", "metadata.labels['']", "spec.containers",
                          "metadata.labels['a b']"}) {
    EXPECT_FALSE(IsDownwardApiField(bad)) << bad;
  }
}

TEST(FieldRulesTest, EnvNamesAndSources) {
  std::vector<EnvVar> env(4);
  env[0].name = "STRATA_X";
  env[1].name = "A";
  env[1].field = "status.podIP";
  env[1].value = "v";
  env[2].name = "A";
  env[3].name = "B";
  env[3].field = "spec.nope";
  EXPECT_THAT(
      Reported([&](Reporter& r) { CheckEnv(r, FieldPath("env"), env); }),
      ElementsAre("env[0].name: invalid name \"STRATA_X\": the STRATA_ prefix is reserved for "
                  "the variables strata sets",
                  "env[1]: only one of value, secret and field may be set",
                  ::testing::StartsWith("env[3].field: invalid field \"spec.nope\": must be one of"),
                  "env[2].name: duplicate env var \"A\""));
}

TEST(FieldRulesTest, StorageMountsSizesAndModes) {
  std::vector<Storage> storage(2);
  storage[0].name = "data";
  storage[0].mount_path = "data";
  storage[0].size = *Quantity::Parse("1Gi");
  storage[0].min_size = *Quantity::Parse("2Gi");
  storage[1].name = "strata-config-x";
  storage[1].mount_path = "/x";
  storage[1].access_modes = {"ReadWriteSometimes"};
  EXPECT_THAT(Reported([&](Reporter& r) { CheckStorage(r, FieldPath("storage"), storage); }),
              ElementsAre("storage[0].mountPath: invalid path \"data\": must be absolute",
                          "storage[0].size: 1Gi is below minSize 2Gi",
                          "storage[1].name: the name \"strata-config-x\" is reserved: "
                          "strata-config* volumes hold config files",
                          "storage[1].size: size 0 must be greater than 0",
                          ::testing::StartsWith("storage[1].accessModes[0]: invalid access mode "
                                                "\"ReadWriteSometimes\"")));
}

TEST(FieldRulesTest, ProbeHandlersAndThresholds) {
  Role role;
  role.name = "db";
  Port port;
  port.name = "client";
  port.port = 5432;
  role.ports = {port};
  Probe p;
  p.handler.kind = Handler::Kind::kTcp;
  p.handler.port.name = "client";
  EXPECT_THAT(Reported([&](Reporter& r) { CheckProbe(r, FieldPath("p"), p, role, true); }),
              IsEmpty());
  p.handler.port.name = "admin";
  p.success_threshold = 2;
  p.period_seconds = 0;
  EXPECT_THAT(Reported([&](Reporter& r) { CheckProbe(r, FieldPath("p"), p, role, true); }),
              ElementsAre("p.tcp.port: unknown port \"admin\" (role \"db\" has ports: client)",
                          "p.periodSeconds: 0 is invalid: must be >= 1",
                          "p.successThreshold: 2 is invalid: must be 1 for liveness and startup "
                          "probes"));
  // A readiness probe may need several successes.
  p.handler.port.name = "client";
  p.period_seconds.reset();
  EXPECT_THAT(Reported([&](Reporter& r) { CheckProbe(r, FieldPath("p"), p, role, false); }),
              IsEmpty());
}

TEST(FieldRulesTest, HandlerKindsAllowedHere) {
  Role role;
  Handler h;
  EXPECT_THAT(Reported([&](Reporter& r) {
                CheckHandler(r, FieldPath("h"), h, role, {Handler::Kind::kExec});
              }),
              ElementsAre("h: exec is required"));
  h.kind = Handler::Kind::kHttp;
  h.port.number = 80;
  EXPECT_THAT(Reported([&](Reporter& r) {
                CheckHandler(r, FieldPath("h"), h, role, {Handler::Kind::kExec});
              }),
              ElementsAre("h.http: not allowed here: only exec"));
}

TEST(FieldRulesTest, ForEachTemplateVisitsEveryTemplatedField) {
  Role role;
  role.command = {"run"};
  role.env.resize(1);
  role.env[0].value = "{{cluster.name}}";
  role.config.resize(1);
  role.config[0].template_text = "t";
  role.lifecycle.member_leave = Handler{.kind = Handler::Kind::kExec, .command = {"leave"}};
  Container sidecar;
  sidecar.args = {"a"};
  role.containers = {sidecar};
  std::vector<std::string> paths;
  ForEachTemplate(role, FieldPath("r"), [&](const FieldPath& at, const std::string&) {
    paths.push_back(at.ToString());
  });
  EXPECT_THAT(paths, ElementsAre("r.command[0]", "r.env[0].value", "r.config[0].template",
                                 "r.lifecycle.memberLeave.exec.command[0]",
                                 "r.containers[0].args[0]"));
}

}  // namespace
}  // namespace strata::validate_internal
