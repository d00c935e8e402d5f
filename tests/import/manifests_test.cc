// strata import manifests on the StatefulSets people run: the Cassandra ring
// of the Kubernetes tutorial (five members, nodetool drain preStop, IPC_LOCK,
// cassandra-data claims) and Druid's broker and historicals as the apache/druid
// Helm chart renders them. Each imports to documents that load, pass every
// check and compile; claim template names are kept; the output is pinned by
// golden files.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/import.h"
#include "tests/import/import_testing.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::import_testing::ExpectGolden;
using ::strata::import_testing::FindObject;
using ::strata::import_testing::Input;
using ::strata::import_testing::LoadCheckCompile;
using ::strata::import_testing::TestData;
using ::strata::import_testing::WarningsText;
using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kDir[] = "manifests";

TEST(ManifestImportTest, CassandraTutorialRing) {
  absl::StatusOr<ImportResult> r = ImportManifests(
      {Input(kDir, "cassandra.yaml")}, {.app = "cassandra", .cluster = "k8demo"});
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->documents.size(), 2u);
  const Json& role = r->documents[0].body["spec"]["roles"][0];
  EXPECT_EQ(role["name"], "cassandra");
  EXPECT_EQ(role["image"], "gcr.io/google-samples/cassandra:v13");
  EXPECT_THAT(role["ports"], Contains(Json{{"name", "intra-node"}, {"port", 7000}}));
  EXPECT_THAT(role["ports"], Contains(Json{{"name", "cql"}, {"port", 9042}}));
  EXPECT_EQ(role["security"]["capabilities"], Json::array({"IPC_LOCK"}));
  EXPECT_EQ(role["lifecycle"]["preStop"]["exec"]["command"],
            Json::array({"/bin/sh", "-c", "nodetool drain"}));
  EXPECT_EQ(role["lifecycle"]["terminationGracePeriodSeconds"], 1800);
  // The claim template keeps its name, mount path and size.
  EXPECT_EQ(role["storage"][0]["name"], "cassandra-data");
  EXPECT_EQ(role["storage"][0]["mountPath"], "/cassandra_data");
  EXPECT_EQ(role["storage"][0]["size"], "1Gi");
  const Json& cluster = r->documents[1].body;
  EXPECT_EQ(cluster["metadata"]["namespace"], "default");
  EXPECT_EQ(cluster["spec"]["roles"][0]["members"], 5);
  EXPECT_EQ(cluster["spec"]["roles"][0]["storage"][0]["storageClassName"], "fast");
  std::string warnings = WarningsText(*r);
  EXPECT_THAT(warnings, HasSubstr("env POD_IP of cassandra (from fieldRef status.podIP)"));

  std::vector<CompiledCluster> compiled = LoadCheckCompile(ImportToYaml(*r));
  ASSERT_EQ(compiled.size(), 1u);
  const Object* sts = FindObject(compiled[0], "StatefulSet", "k8demo-cassandra");
  ASSERT_NE(sts, nullptr);
  EXPECT_EQ(sts->body["spec"]["replicas"], 5);
  EXPECT_EQ(sts->body["spec"]["volumeClaimTemplates"][0]["metadata"]["name"], "cassandra-data");
  ExpectGolden(TestData() / kDir / "expected/cassandra.yaml", ImportToYaml(*r));
  ExpectGolden(TestData() / kDir / "expected/cassandra.warnings", warnings);
}

TEST(ManifestImportTest, DruidHelmChartBrokerAndHistoricals) {
  absl::StatusOr<ImportResult> r =
      ImportManifests({Input(kDir, "druid-helm.yaml")}, {.app = "druid", .cluster = "druid"});
  ASSERT_THAT(r, IsOk());
  const Json& roles = r->documents[0].body["spec"]["roles"];
  ASSERT_EQ(roles.size(), 2u);
  // Helm names every object <release>-<component>: with the release as the
  // cluster name, each role's StatefulSet keeps the chart's name.
  EXPECT_EQ(roles[0]["name"], "broker");
  EXPECT_EQ(roles[1]["name"], "historical");
  const Json& historical = roles[1];
  EXPECT_EQ(historical["storage"][0]["name"], "data");
  EXPECT_EQ(historical["storage"][0]["mountPath"], "/opt/druid/var/druid/");
  EXPECT_EQ(historical["rollout"]["maxUnavailable"], 1);  // from its PodDisruptionBudget
  EXPECT_EQ(historical["security"]["runAsUser"], 1000);
  EXPECT_EQ(historical["probes"]["readiness"]["http"]["path"], "/status/health");
  // envFrom of the chart's ConfigMap becomes env values; explicit env wins.
  const Json& broker_env = roles[0]["env"];
  EXPECT_THAT(broker_env, Contains(Json{{"name", "druid_metadata_storage_type"}, {"value", "postgresql"}}));
  EXPECT_THAT(broker_env, Contains(Json{{"name", "DRUID_XMX"}, {"value", "1g"}}));
  EXPECT_THAT(broker_env, ::testing::Not(Contains(Json{{"name", "DRUID_XMX"}, {"value", "512m"}})));
  const Json& cluster = r->documents[1].body;
  EXPECT_EQ(cluster["spec"]["roles"][0]["members"], 2);
  EXPECT_EQ(cluster["spec"]["roles"][1]["members"], 3);
  std::string warnings = WarningsText(*r);
  EXPECT_THAT(warnings, HasSubstr("Deployment druid-broker becomes StatefulSet druid-broker"));
  EXPECT_THAT(warnings, HasSubstr("Service druid-historical becomes druid-historical-client"));

  std::vector<CompiledCluster> compiled = LoadCheckCompile(ImportToYaml(*r));
  ASSERT_EQ(compiled.size(), 1u);
  EXPECT_NE(FindObject(compiled[0], "StatefulSet", "druid-historical"), nullptr);
  EXPECT_NE(FindObject(compiled[0], "Service", "druid-historical-client"), nullptr);
  ExpectGolden(TestData() / kDir / "expected/druid.yaml", ImportToYaml(*r));
  ExpectGolden(TestData() / kDir / "expected/druid.warnings", warnings);
}

TEST(ManifestImportTest, ConfigMapFilesBecomeConfigFiles) {
  std::string text = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: zk-conf, namespace: data}
data:
  zoo.cfg: |
    tickTime=2000
    dataDir=/data
  log4j.properties: "log4j.rootLogger=INFO\n"
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk, namespace: data}
spec:
  serviceName: zk
  replicas: 3
  selector: {matchLabels: {app: zk}}
  template:
    metadata: {labels: {app: zk}}
    spec:
      securityContext: {runAsUser: 1000, fsGroup: 1000}
      containers:
      - name: zk
        image: zookeeper:3.9.2
        ports: [{name: client, containerPort: 2181}]
        volumeMounts:
        - {name: conf, mountPath: /conf}
        - {name: data, mountPath: /data}
      volumes:
      - name: conf
        configMap: {name: zk-conf}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zk, namespace: data}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: zk}}
)";
  absl::StatusOr<ImportResult> r =
      ImportManifests({{.name = "zk.yaml", .text = text}}, {.app = "zookeeper", .cluster = "zk"});
  ASSERT_THAT(r, IsOk());
  const Json& role = r->documents[0].body["spec"]["roles"][0];
  // "zk" does not start with "zk-": the role takes the StatefulSet's name.
  EXPECT_EQ(role["name"], "zk");
  EXPECT_EQ(role["quorum"], "majority");  // minAvailable 2 of 3
  EXPECT_EQ(role["config"], Json::parse(R"([
    {"path": "/conf/zoo.cfg", "format": "text", "template": "tickTime=2000\ndataDir=/data\n"},
    {"path": "/conf/log4j.properties", "format": "text", "template": "log4j.rootLogger=INFO\n"}])"));
  EXPECT_EQ(r->documents[1].body["metadata"]["namespace"], "data");
  EXPECT_THAT(WarningsText(*r),
              HasSubstr("zk.yaml:10: metadata.name: warning: strata names this role's "
                        "StatefulSet zk-zk, not zk"));
  LoadCheckCompile(ImportToYaml(*r));
}

TEST(ManifestImportTest, ErrorsNameFileLineAndField) {
  EXPECT_THAT(ImportManifests({Input(kDir, "cassandra.yaml")}, {.app = "Bad_Name", .cluster = "c"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--app \"Bad_Name\"")));
  EXPECT_THAT(ImportManifests({{.name = "svc.yaml", .text = "kind: Service\nmetadata: {name: a}\n"}},
                              {.app = "a", .cluster = "c"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no StatefulSet")));
  std::string unmounted = R"(kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 1
  template:
    spec:
      containers: [{name: db, image: postgres:16}]
  volumeClaimTemplates:
  - metadata: {name: pgdata}
    spec: {resources: {requests: {storage: 1Gi}}}
)";
  EXPECT_THAT(ImportManifests({{.name = "db.yaml", .text = unmounted}}, {.app = "pg", .cluster = "c"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("db.yaml:1: spec.volumeClaimTemplates[0]: claim pgdata is not "
                                 "mounted")));
}

}  // namespace
}  // namespace strata
