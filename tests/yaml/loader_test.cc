#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kMinimalApp[] = R"(apiVersion: strata.dev/v1
kind: App
metadata:
  name: kafka
spec:
  roles:
  - name: broker
    image: apache/kafka:3.7.0
    cardinality: "3+"
)";

// Returns the diagnostics' ToString() of loading `text` as "t.yaml".
std::vector<std::string> Errors(const std::string& text) {
  absl::StatusOr<Documents> docs = Load({Source{.name = "t.yaml", .text = text}});
  std::vector<std::string> out;
  for (const Diagnostic& d : DiagnosticsFromStatus(docs.status())) {
    out.push_back(d.ToString());
  }
  return out;
}

// An App document whose single role has `role_body` appended (indented by 4).
std::string AppWithRole(const std::string& role_body) {
  return std::string(kMinimalApp) + role_body;
}

TEST(LoaderTest, LoadsMinimalApp) {
  absl::StatusOr<Documents> docs = Load({{"t.yaml", kMinimalApp}});
  ASSERT_THAT(docs, IsOk());
  ASSERT_EQ(docs->apps.size(), 1u);
  EXPECT_TRUE(docs->clusters.empty());
  const AppDocument& app = docs->apps[0];
  EXPECT_EQ(app.file, "t.yaml");
  EXPECT_EQ(app.index, 0);
  EXPECT_EQ(app.app.name, "kafka");
  ASSERT_EQ(app.app.roles.size(), 1u);
  EXPECT_EQ(app.app.roles[0].name, "broker");
  EXPECT_EQ(app.app.roles[0].cardinality.min, 3);
  EXPECT_FALSE(app.app.roles[0].cardinality.max.has_value());
}

TEST(LoaderTest, RecordsLocationsOfKeysItemsAndScalars) {
  absl::StatusOr<Documents> docs = Load({{"t.yaml", kMinimalApp}});
  ASSERT_THAT(docs, IsOk());
  const SourceMap& s = docs->apps[0].source;
  // Scalars: the value's position.
  EXPECT_EQ(s.at("metadata.name"), (Location{4, 9}));
  EXPECT_EQ(s.at("spec.roles[0].cardinality"), (Location{9, 18}));
  // Collections: the key's position; sequence items: the item's.
  EXPECT_EQ(s.at("spec.roles"), (Location{6, 3}));
  EXPECT_EQ(s.at("spec.roles[0]"), (Location{7, 5}));
  EXPECT_EQ(s.at(""), (Location{1, 1}));
}

TEST(LoaderTest, LocateFallsBackToNearestAncestor) {
  SourceMap s = {{"", {1, 1}},
                 {"spec.roles[0]", {7, 5}},
                 {"spec.roles[0].config[\"/a.b\"]", {9, 9}}};
  EXPECT_EQ(Locate(s, "spec.roles[0].image"), (Location{7, 5}));
  EXPECT_EQ(Locate(s, "spec.roles[0]"), (Location{7, 5}));
  EXPECT_EQ(Locate(s, "spec.roles[0].config[\"/a.b\"].x.y"), (Location{9, 9}));
  EXPECT_EQ(Locate(s, "spec.roles[1].image"), (Location{1, 1}));
  EXPECT_EQ(Locate(SourceMap{}, "spec"), (Location{0, 0}));
}

struct ErrorCase {
  std::string name;
  std::string text;
  std::string expected;  // The one diagnostic expected, as printed.
};

class LoaderErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(LoaderErrorTest, ReportsExactlyOneLocatedError) {
  EXPECT_THAT(Errors(GetParam().text), ElementsAre(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    AllErrorClasses, LoaderErrorTest,
    ::testing::Values(
        ErrorCase{"UnknownKeyWithHint", AppWithRole("    imag: x\n"),
                  "t.yaml:10:5: spec.roles[0].imag: unknown field \"imag\" (did you "
                  "mean \"image\"?)"},
        ErrorCase{"UnknownKeyNoHint", AppWithRole("    flavour: x\n"),
                  "t.yaml:10:5: spec.roles[0].flavour: unknown field \"flavour\""},
        ErrorCase{"SnakeCaseKeyIsUnknown", AppWithRole("    depends_on: []\n"),
                  "t.yaml:10:5: spec.roles[0].depends_on: unknown field \"depends_on\" "
                  "(did you mean \"dependsOn\"?)"},
        ErrorCase{"MappingForScalar", AppWithRole("    quorum: {a: b}\n"),
                  "t.yaml:10:13: spec.roles[0].quorum: expected a string, got a mapping"},
        ErrorCase{"SequenceForScalar", AppWithRole("    quorum: [a]\n"),
                  "t.yaml:10:13: spec.roles[0].quorum: expected a string, got a sequence"},
        ErrorCase{"ScalarForMapping", AppWithRole("    rollout: fast\n"),
                  "t.yaml:10:14: spec.roles[0].rollout: expected a mapping, got a scalar"},
        ErrorCase{"ScalarForSequence", AppWithRole("    dependsOn: zookeeper\n"),
                  "t.yaml:10:16: spec.roles[0].dependsOn: expected a sequence, got a scalar"},
        ErrorCase{"NonIntegerForInt32",
                  AppWithRole("    ports:\n    - {name: a, port: 12.5}\n"),
                  "t.yaml:11:23: spec.roles[0].ports[0].port: expected an integer, got "
                  "\"12.5\""},
        ErrorCase{"Int32OutOfRange",
                  AppWithRole("    ports:\n    - {name: a, port: 2147483648}\n"),
                  "t.yaml:11:23: spec.roles[0].ports[0].port: 2147483648 is out of range "
                  "for int32"},
        ErrorCase{"NonBool",
                  AppWithRole("    services:\n    - {name: a, ports: [a], perMember: yes}\n"),
                  "t.yaml:11:40: spec.roles[0].services[0].perMember: expected true or "
                  "false, got \"yes\""},
        ErrorCase{"TwoOneofMembers",
                  AppWithRole("    probes:\n      readiness:\n        tcp: {port: 1}\n"
                              "        http: {port: 2}\n"),
                  "t.yaml:13:9: spec.roles[0].probes.readiness.http: only one of exec, "
                  "http, tcp, grpc may be set; tcp is already set"},
        ErrorCase{"DuplicateKey", AppWithRole("    image: y\n"),
                  "t.yaml:10:5: spec.roles[0].image: duplicate key \"image\""},
        ErrorCase{"BadQuantity",
                  AppWithRole("    resources:\n      requests:\n        cpu: 1.5x\n"),
                  "t.yaml:12:14: spec.roles[0].resources.requests.cpu: invalid quantity "
                  "\"1.5x\": must be a number with an optional suffix such as 500m, 2, "
                  "1Gi or 10G"},
        ErrorCase{"NegativeQuantity",
                  AppWithRole("    minResources: {memory: -1Gi}\n"),
                  "t.yaml:10:28: spec.roles[0].minResources.memory: invalid quantity "
                  "\"-1Gi\": must not be negative"},
        ErrorCase{"BadEnum", AppWithRole("    quorum: most\n"),
                  "t.yaml:10:13: spec.roles[0].quorum: invalid value \"most\": must be one "
                  "of none, majority"},
        ErrorCase{"BadMaxUnavailable", AppWithRole("    rollout: {maxUnavailable: a}\n"),
                  "t.yaml:10:31: spec.roles[0].rollout.maxUnavailable: invalid value "
                  "\"a\": must be an integer >= 1 or a percentage \"1%\"..\"100%\""},
        ErrorCase{"BadPortNumber",
                  AppWithRole("    probes: {liveness: {tcp: {port: 70000}}}\n"),
                  "t.yaml:10:37: spec.roles[0].probes.liveness.tcp.port: invalid port "
                  "70000: must be 1..65535"},
        ErrorCase{"MissingStorageSize",
                  AppWithRole("    storage:\n    - {name: data, mountPath: /d}\n"),
                  "t.yaml:11:7: spec.roles[0].storage[0].size: required field is missing"},
        ErrorCase{"MissingConfigFormat",
                  AppWithRole("    config:\n    - {path: /a, template: x}\n"),
                  "t.yaml:11:7: spec.roles[0].config[0].format: required field is missing"},
        ErrorCase{"BadCardinality",
                  "apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: a}\nspec:\n"
                  "  roles:\n  - {name: r, image: i, cardinality: 3-1}\n",
                  "t.yaml:6:38: spec.roles[0].cardinality: invalid cardinality \"3-1\": "
                  "the lower bound exceeds the upper bound"},
        ErrorCase{"MissingCardinality",
                  "apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: a}\nspec:\n"
                  "  roles:\n  - {name: r, image: i}\n",
                  "t.yaml:6:5: spec.roles[0].cardinality: required field is missing"},
        ErrorCase{"MissingKind", "apiVersion: strata.dev/v1\nmetadata: {name: a}\n",
                  "t.yaml:1:1: kind: required field is missing: must be App or Cluster"},
        ErrorCase{"UnknownKind", "apiVersion: strata.dev/v1\nkind: Pod\n",
                  "t.yaml:2:7: kind: unknown kind \"Pod\": must be App or Cluster"},
        ErrorCase{"WrongApiVersion",
                  "apiVersion: v1\nkind: App\nmetadata: {name: a}\n",
                  "t.yaml:1:13: apiVersion: unsupported apiVersion \"v1\": must be "
                  "\"strata.dev/v1\""},
        ErrorCase{"MissingApiVersion", "kind: App\nmetadata: {name: a}\n",
                  "t.yaml:1:1: apiVersion: required field is missing: must be "
                  "\"strata.dev/v1\""},
        ErrorCase{"MissingName", "apiVersion: strata.dev/v1\nkind: App\nmetadata: {}\n",
                  "t.yaml:3:1: metadata.name: required field is missing"},
        ErrorCase{"NamespaceOnApp",
                  "apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: a, namespace: "
                  "x}\n",
                  "t.yaml:3:32: metadata.namespace: an App has no namespace; set it on "
                  "the Cluster"},
        ErrorCase{"DocumentNotAMapping", "- a\n- b\n",
                  "t.yaml:1:1: a document must be a mapping, got a sequence"},
        ErrorCase{"SyntaxError", "kind: App\nmetadata: {name: [\n",
                  "t.yaml:3:1: syntax error: did not find expected node content (while "
                  "parsing a flow node)"},
        ErrorCase{"KeyedMapWrongShape",
                  "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: c, labels: "
                  "[a]}\nspec: {app: a}\n",
                  "t.yaml:3:29: metadata.labels: expected a mapping, got a sequence"},
        ErrorCase{"ConfigOverrideValueWrongType",
                  "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: c}\nspec:\n"
                  "  app: a\n  roles:\n  - name: r\n    config:\n      /conf/a.cfg: "
                  "{k: {x: 1}}\n",
                  "t.yaml:9:24: spec.roles[0].config[\"/conf/a.cfg\"].k: expected a string, "
                  "got a mapping"},
        ErrorCase{"MembersNotInteger",
                  "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: c}\nspec:\n"
                  "  app: a\n  roles:\n  - {name: r, members: three}\n",
                  "t.yaml:7:24: spec.roles[0].members: expected an integer, got \"three\""}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(LoaderTest, StringFieldsTakeAnyScalar) {
  absl::StatusOr<Documents> docs = Load({{"t.yaml", AppWithRole(
      "    ports:\n    - {name: a, port: 1}\n    probes: {liveness: {tcp: {port: 2181}}}\n"
      "    env: [{name: A, value: 3}, {name: B, value: true}, {name: C, value: 1.50}]\n")}});
  ASSERT_THAT(docs, IsOk());
  const Role& role = docs->apps[0].app.roles[0];
  EXPECT_EQ(role.probes.liveness->handler.port, (PortRef{.number = 2181}));
  ASSERT_EQ(role.env.size(), 3u);
  EXPECT_EQ(role.env[0].value, "3");
  EXPECT_EQ(role.env[1].value, "true");
  EXPECT_EQ(role.env[2].value, "1.50");  // As written, not reformatted.
}

TEST(LoaderTest, CardinalityMayBeAnInteger) {
  absl::StatusOr<Documents> docs = Load({{"t.yaml",
      "apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: a}\nspec:\n"
      "  roles:\n  - {name: r, image: i, cardinality: 3}\n"}});
  ASSERT_THAT(docs, IsOk());
  EXPECT_EQ(docs->apps[0].app.roles[0].cardinality, (Cardinality{.min = 3, .max = 3}));
}

TEST(LoaderTest, NullMeansUnset) {
  absl::StatusOr<Documents> docs = Load({{"t.yaml", AppWithRole(
      "    quorum: ~\n    rollout:\n    dependsOn: null\n")}});
  ASSERT_THAT(docs, IsOk());
  const Role& role = docs->apps[0].app.roles[0];
  EXPECT_EQ(role.quorum, Quorum::kNone);
  EXPECT_EQ(role.rollout, RolloutPolicy());
  EXPECT_TRUE(role.depends_on.empty());
}

TEST(LoaderTest, KeyedMapsKeepOrder) {
  absl::StatusOr<Documents> docs = Load({{"t.yaml", AppWithRole(
      "    config:\n    - path: /a.properties\n      format: properties\n"
      "      data: {z: \"1\", a: \"2\", m: \"{{cluster.name}}\"}\n")}});
  ASSERT_THAT(docs, IsOk());
  const ConfigFile& file = docs->apps[0].app.roles[0].config[0];
  EXPECT_EQ(file.format, ConfigFormat::kProperties);
  EXPECT_THAT(file.data, ElementsAre(std::pair<std::string, std::string>{"z", "1"},
                                     std::pair<std::string, std::string>{"a", "2"},
                                     std::pair<std::string, std::string>{"m", "{{cluster.name}}"}));
  EXPECT_EQ(docs->apps[0].source.at("spec.roles[0].config[0].data.m"), (Location{13, 33}));
}

TEST(LoaderTest, LoadsJson) {
  const char* json = R"({"apiVersion": "strata.dev/v1", "kind": "Cluster",
 "metadata": {"name": "events", "namespace": "data", "labels": {"team": "a"}},
 "spec": {"app": "kafka", "roles": [{"name": "broker", "members": 5,
   "config": {"/conf/server.properties": {"num.io.threads": "8"}},
   "tolerations": [{"key": "k", "operator": "Exists", "tolerationSeconds": 30}]}]}})";
  absl::StatusOr<Documents> docs = Load({{"c.json", json}});
  ASSERT_THAT(docs, IsOk());
  ASSERT_EQ(docs->clusters.size(), 1u);
  const Cluster& c = docs->clusters[0].cluster;
  EXPECT_EQ(c.name, "events");
  EXPECT_EQ(c.namespace_, "data");
  EXPECT_EQ(c.labels.at("team"), "a");
  EXPECT_EQ(c.domain, "cluster.local");
  ASSERT_EQ(c.roles.size(), 1u);
  EXPECT_EQ(c.roles[0].members, 5);
  EXPECT_EQ(c.roles[0].config.at("/conf/server.properties"),
            (OrderedStringMap{{"num.io.threads", "8"}}));
  EXPECT_EQ(c.roles[0].tolerations,
            Json::parse(R"([{"key": "k", "operator": "Exists", "tolerationSeconds": 30}])"));
  EXPECT_EQ(docs->clusters[0].source.at("spec.roles[0].members"), (Location{3, 67}));
}

TEST(LoaderTest, JsonErrorsAreLocated) {
  EXPECT_THAT(Errors(R"({"apiVersion": "strata.dev/v1", "kind": "App",
  "metadata": {"name": "a"}, "spec": {"rolez": []}})"),
              ElementsAre("t.yaml:2:39: spec.rolez: unknown field \"rolez\" (did you mean "
                          "\"roles\"?)"));
}

TEST(LoaderTest, ManyDocumentsAndSourcesInOrder) {
  std::string two = std::string(kMinimalApp) +
                    "---\n---\napiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: "
                    "c1}\nspec: {app: kafka}\n";
  absl::StatusOr<Documents> docs = Load(
      {{"a.yaml", two},
       {"b.yaml", "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: c2}\n"
                  "spec: {app: kafka}\n"}});
  ASSERT_THAT(docs, IsOk());
  ASSERT_EQ(docs->apps.size(), 1u);
  ASSERT_EQ(docs->clusters.size(), 2u);
  EXPECT_EQ(docs->clusters[0].cluster.name, "c1");
  EXPECT_EQ(docs->clusters[0].file, "a.yaml");
  EXPECT_EQ(docs->clusters[0].index, 2);  // The empty document counts.
  EXPECT_EQ(docs->clusters[0].source.at("metadata.name"), (Location{14, 18}));
  EXPECT_EQ(docs->clusters[1].cluster.name, "c2");
  EXPECT_EQ(docs->clusters[1].file, "b.yaml");
  EXPECT_EQ(docs->clusters[1].index, 0);
  ASSERT_NE(docs->FindApp("kafka"), nullptr);
  EXPECT_EQ(docs->FindApp("nope"), nullptr);
}

TEST(LoaderTest, SourceWithoutDocumentsIsAnError) {
  // SPEC-2 §5b.5: an empty file is a wrong path or a failed redirect.
  absl::StatusOr<Documents> docs =
      Load({{"e.yaml", ""}, {"f.yaml", "# only a comment\n---\n"}, {"g.yaml", "kind: App\n"}});
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(docs.status().message(), HasSubstr("e.yaml: no documents"));
  EXPECT_THAT(docs.status().message(), HasSubstr("f.yaml: no documents"));
  EXPECT_THAT(docs.status().message(), Not(HasSubstr("g.yaml: no documents")));
}

TEST(LoaderTest, AllOrNothingListsErrorsOfEverySource) {
  absl::StatusOr<Documents> docs =
      Load({{"a.yaml", AppWithRole("    imag: x\n")},
            {"b.yaml", "kind: App\nmetadata: {name: [\n"},
            {"c.yaml", kMinimalApp}});
  EXPECT_THAT(docs, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("a.yaml:10:5: spec.roles[0].imag")));
  std::vector<Diagnostic> found = DiagnosticsFromStatus(docs.status());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].file, "a.yaml");
  EXPECT_EQ(found[1].file, "b.yaml");
  EXPECT_THAT(found[1].message, HasSubstr("syntax error"));
}

TEST(LoaderTest, ReportsEveryErrorOfADocument) {
  std::vector<std::string> errors = Errors(AppWithRole(
      "    imag: x\n    quorum: most\n    ports:\n    - {name: a, port: x}\n"));
  EXPECT_EQ(errors.size(), 3u);
}

TEST(LoaderTest, TypeErrorsDoNotCascadeIntoMissingFieldErrors) {
  // cardinality is unset because it is malformed; "required" is not repeated.
  EXPECT_THAT(Errors("apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: a}\nspec:\n"
                     "  roles:\n  - {name: r, image: i, cardinality: [3]}\n"),
              ElementsAre("t.yaml:6:38: spec.roles[0].cardinality: expected a string, got a "
                          "sequence"));
}

}  // namespace
}  // namespace strata
