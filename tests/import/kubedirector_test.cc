// strata import kubedirector on KubeDirector's own catalog applications
// (tests/testdata/import/kubedirector, vendored with their licence): every
// one imports to documents that load, pass every check and compile; the
// output is pinned by golden files; and the mapping of roles, images,
// services, persisted directories, minimum resources and clusters is checked
// field by field on the CDH and Spark applications.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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
using ::testing::Not;

constexpr char kDir[] = "kubedirector";

struct Case {
  const char* name;     // Golden file stem.
  const char* app;      // KubeDirectorApp file.
  const char* cluster;  // KubeDirectorCluster file, or "".
};

const Case kCases[] = {
    {"cdh632", "cr-app-cdh632cm.json", "cr-cluster-cdh632cm-stor.yaml"},
    {"spark245", "cr-app-spark245.json", "cr-cluster-spark245-stor.yaml"},
    {"cassandra311", "cr-app-cassandra-3.11.json", "cr-cluster-cassandra311-stor.yaml"},
    {"confluent55", "cr-app-kafka55.json", ""},
};

class CatalogTest : public ::testing::TestWithParam<Case> {};

TEST_P(CatalogTest, ImportsToInputThatValidatesAndCompiles) {
  const Case& c = GetParam();
  std::vector<Source> sources = {Input(kDir, c.app)};
  if (*c.cluster) sources.push_back(Input(kDir, c.cluster));
  absl::StatusOr<ImportResult> r = ImportKubeDirector(sources);
  ASSERT_THAT(r, IsOk());
  std::string yaml = ImportToYaml(*r);
  std::string extra;
  if (!*c.cluster) {
    // An App alone: compile it as a Cluster with every default would.
    extra = absl::StrCat("apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: test}\n",
                         "spec: {app: ", r->documents[0].body["metadata"]["name"].get<std::string>(),
                         "}\n");
  }
  std::vector<CompiledCluster> compiled = LoadCheckCompile(yaml, extra);
  EXPECT_EQ(compiled.size(), 1u);
  ExpectGolden(TestData() / kDir / "expected" / (std::string(c.name) + ".yaml"), yaml);
  ExpectGolden(TestData() / kDir / "expected" / (std::string(c.name) + ".warnings"),
               WarningsText(*r));
  // Deterministic: the same input gives the same bytes.
  absl::StatusOr<ImportResult> again = ImportKubeDirector(sources);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(ImportToYaml(*again), yaml);
}

INSTANTIATE_TEST_SUITE_P(Catalog, CatalogTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

TEST(KubeDirectorImportTest, CdhControllerAndWorkersMapFieldByField) {
  absl::StatusOr<ImportResult> r = ImportKubeDirector(
      {Input(kDir, "cr-app-cdh632cm.json"), Input(kDir, "cr-cluster-cdh632cm-stor.yaml")});
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->documents.size(), 2u);
  const Json& app = r->documents[0].body;
  EXPECT_EQ(app["kind"], "App");
  EXPECT_EQ(app["metadata"]["name"], "cdh632");
  EXPECT_EQ(app["spec"]["version"], "1.4");
  const Json& roles = app["spec"]["roles"];
  ASSERT_EQ(roles.size(), 10u);
  const Json& cm = roles[0];
  EXPECT_EQ(cm["name"], "cmserver");
  EXPECT_EQ(cm["image"], "bluedata/cdh632multi:1.4");  // defaultImageRepoTag
  EXPECT_EQ(cm["cardinality"], "1");
  // Services with an endpoint become ports and Services; a dashboard stays one.
  EXPECT_THAT(cm["ports"], Contains(Json{{"name", "cdh-scm-srvr"}, {"port", 7180}}));
  EXPECT_THAT(cm["ports"], Contains(Json{{"name", "ssh"}, {"port", 22}}));
  EXPECT_THAT(cm["services"],
              Contains(Json{{"name", "cdh-scm-srvr"}, {"ports", {"cdh-scm-srvr"}}, {"dashboard", true}}));
  // defaultPersistDirs: one claim per directory.
  EXPECT_EQ(cm["storage"], Json::parse(R"([
    {"name": "opt", "mountPath": "/opt", "size": "10Gi"},
    {"name": "var", "mountPath": "/var", "size": "10Gi"}])"));
  EXPECT_EQ(cm["security"]["capabilities"].size(), 11u);
  const Json& worker = roles[6];
  EXPECT_EQ(worker["name"], "worker");
  EXPECT_EQ(worker["cardinality"], "3+");
  EXPECT_EQ(worker["storage"].size(), 3u);  // persistDirs /opt /var /data
  // The Cluster: members, resources, storage for each claim.
  const Json& cluster = r->documents[1].body;
  EXPECT_EQ(cluster["metadata"]["name"], "cdh632-cm-persistent");
  EXPECT_EQ(cluster["spec"]["app"], "cdh632");
  const Json& w = cluster["spec"]["roles"][3];
  EXPECT_EQ(w["name"], "worker");
  EXPECT_EQ(w["members"], 3);
  EXPECT_EQ(w["resources"]["requests"]["memory"], "4Gi");
  EXPECT_EQ(w["storage"], Json::parse(R"([
    {"name": "opt", "size": "50Gi"}, {"name": "var", "size": "50Gi"},
    {"name": "data", "size": "50Gi"}])"));
  // What cannot be carried over is a warning and a comment.
  std::string warnings = WarningsText(*r);
  EXPECT_THAT(warnings, HasSubstr("config package file:///opt/configscripts/appconfig.tgz"));
  EXPECT_THAT(warnings, HasSubstr("spec.roles[0].eventList: warning: not carried over: role "
                                  "cmserver: event scripts (configure, addnodes, delnodes)"));
  EXPECT_THAT(r->documents[0].comments, Contains(HasSubstr("systemdRequired")));
  // Warnings name the file and line.
  EXPECT_THAT(warnings, HasSubstr("kubedirector/cr-app-cdh632cm.json:1: "));
}

TEST(KubeDirectorImportTest, CompiledSparkServesItsDashboards) {
  absl::StatusOr<ImportResult> r = ImportKubeDirector(
      {Input(kDir, "cr-app-spark245.json"), Input(kDir, "cr-cluster-spark245-stor.yaml")});
  ASSERT_THAT(r, IsOk());
  std::vector<CompiledCluster> compiled = LoadCheckCompile(ImportToYaml(*r));
  ASSERT_EQ(compiled.size(), 1u);
  const CompiledCluster& c = compiled[0];
  const Object* web = FindObject(c, "Service", "spark245-instance-spark-master-spark-web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->body["metadata"]["annotations"]["strata.dev/dashboard"], "true");
  EXPECT_EQ(web->body["spec"]["ports"][0]["port"], 8080);
  const Object* sts = FindObject(c, "StatefulSet", "spark245-instance-spark-worker");
  ASSERT_NE(sts, nullptr);
  EXPECT_EQ(sts->body["spec"]["replicas"], 1);
  EXPECT_EQ(sts->body["spec"]["template"]["spec"]["containers"][0]["image"],
            "bluedata/spark245:5.2.0.35");
  EXPECT_EQ(sts->body["spec"]["volumeClaimTemplates"].size(), 3u);
  EXPECT_EQ(sts->body["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]
                     ["storage"],
            "40Gi");
}

TEST(KubeDirectorImportTest, ListsAndYamlAreRead) {
  std::string list = R"(apiVersion: v1
kind: List
items:
- apiVersion: kubedirector.hpe.com/v1beta1
  kind: KubeDirectorApp
  metadata: {name: Web_App}
  spec:
    label: {name: Web}
    distroID: x/web
    version: "2.0"
    configSchemaVersion: 7
    defaultImageRepoTag: nginx:1.27
    services:
    - {id: http, endpoint: {port: 8080, isDashboard: true, urlScheme: http}}
    config: {roleServices: [{roleID: web, serviceIDs: [http]}], selectedRoles: [web]}
    roles:
    - {id: web, cardinality: "2+", minResources: {memory: 1Gi, nvidia.com/gpu: "1"}}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: unrelated}
)";
  absl::StatusOr<ImportResult> r = ImportKubeDirector({{.name = "list.yaml", .text = list}});
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->documents.size(), 1u);
  const Json& app = r->documents[0].body;
  EXPECT_EQ(app["metadata"]["name"], "web-app");  // made a DNS-1035 label
  EXPECT_EQ(app["spec"]["roles"][0]["minResources"], Json({{"memory", "1Gi"}}));
  std::string warnings = WarningsText(*r);
  EXPECT_THAT(warnings, HasSubstr("list.yaml:4: items[0].spec.roles[0].minResources.nvidia.com/gpu"));
  EXPECT_THAT(warnings, HasSubstr("list.yaml:18: items[1].kind: warning: skipped: ConfigMap unrelated"));
  LoadCheckCompile(ImportToYaml(*r),
                   "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: t}\nspec: {app: web-app}\n");
}

TEST(KubeDirectorImportTest, ErrorsNameFileLineAndField) {
  std::string app = R"(apiVersion: kubedirector.hpe.com/v1beta1
kind: KubeDirectorApp
metadata: {name: broken}
spec:
  roles:
  - {id: a, cardinality: "1"}
  - {id: b, cardinality: "3-1", imageRepoTag: x:1}
)";
  EXPECT_THAT(ImportKubeDirector({{.name = "broken.yaml", .text = app}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("broken.yaml:1: spec.roles[0].imageRepoTag: role a has "
                                       "no image"),
                             HasSubstr("broken.yaml:1: spec.roles[1].cardinality: "))));
  std::string cluster = R"(apiVersion: kubedirector.hpe.com/v1beta1
kind: KubeDirectorCluster
metadata: {name: c1}
spec:
  app: cassandra311
  roles:
  - {id: seed, members: 2}
  - {id: arbiter, members: 1}
)";
  EXPECT_THAT(ImportKubeDirector({Input(kDir, "cr-app-cassandra-3.11.json"),
                                  {.name = "c1.yaml", .text = cluster}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("c1.yaml:1: spec.roles[1].id: role arbiter is not a role of "
                                 "KubeDirectorApp cassandra311")));
  EXPECT_THAT(ImportKubeDirector({{.name = "none.yaml", .text = "kind: ConfigMap\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no KubeDirectorApp or KubeDirectorCluster document")));
  EXPECT_THAT(ImportKubeDirector({{.name = "bad.yaml", .text = "a: [1,\n"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bad.yaml:")));
  EXPECT_THAT(ImportKubeDirector({{.name = "empty.yaml", .text = ""}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty.yaml: no documents")));
}

TEST(KubeDirectorImportTest, ClusterWithoutItsAppStillImports) {
  absl::StatusOr<ImportResult> r =
      ImportKubeDirector({Input(kDir, "cr-cluster-spark245-stor.yaml")});
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->documents.size(), 1u);
  EXPECT_EQ(r->documents[0].body["spec"]["app"], "spark245");
  EXPECT_THAT(WarningsText(*r), HasSubstr("KubeDirectorApp spark245 is not among the inputs"));
}

}  // namespace
}  // namespace strata
