// Tests for lib/pipeline/pipeline.cc (strata/pipeline.h): the one front-end
// pipeline every front end runs.

#include "strata/pipeline.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kApp[] = R"(apiVersion: strata.dev/v1
kind: App
metadata: {name: kv}
spec:
  roles:
  - {name: node, image: "kv:1", cardinality: "3+", quorum: majority}
)";

std::string ClusterDoc(const std::string& name, int members = 3) {
  return absl::StrCat("apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: ", name,
                      "}\nspec:\n  app: kv\n  roles: [{name: node, members: ", members, "}]\n");
}

std::vector<Source> Sources(std::vector<std::string> clusters) {
  std::vector<Source> out = {{.name = "app.yaml", .text = kApp}};
  for (size_t i = 0; i < clusters.size(); ++i) {
    out.push_back({.name = absl::StrCat("c", i, ".yaml"), .text = clusters[i]});
  }
  return out;
}

TEST(PrepareTest, PairsEveryClusterWithItsApp) {
  absl::StatusOr<Prepared> p = LoadAndPrepare(Sources({ClusterDoc("a"), ClusterDoc("b")}), {});
  ASSERT_THAT(p.status(), IsOk());
  ASSERT_THAT(p->topologies, SizeIs(2));
  EXPECT_EQ(p->topologies[0].cluster.name, "a");
  EXPECT_EQ(p->topologies[1].cluster.name, "b");
  EXPECT_EQ(p->topologies[1].app.name, "kv");
  EXPECT_THAT(p->documents.clusters, SizeIs(2));
}

TEST(PrepareTest, ReturnsTheWarningsOfTheOneCheck) {
  // A 4-member majority quorum draws Check()'s even-quorum warning.
  absl::StatusOr<Prepared> p = LoadAndPrepare(Sources({ClusterDoc("a", 4)}), {});
  ASSERT_THAT(p.status(), IsOk());
  ASSERT_THAT(p->warnings, SizeIs(1));
  EXPECT_EQ(p->warnings[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(p->warnings, Check(p->documents));
}

TEST(PrepareTest, ErrorsListEveryErrorAndWarningAsTheCliPrintsThem) {
  absl::StatusOr<Prepared> p = LoadAndPrepare(Sources({ClusterDoc("a", 2)}), {});
  EXPECT_THAT(p.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                   StartsWith("c0.yaml:6:")));
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("spec.roles[0].members"));
}

TEST(PrepareTest, NoClusterIsOneMessage) {
  absl::StatusOr<Prepared> p = LoadAndPrepare(Sources({}), {});
  EXPECT_THAT(p.status(), StatusIs(absl::StatusCode::kInvalidArgument, kNoClusterMessage));
  // validate checks an App alone.
  p = LoadAndPrepare(Sources({}), {.need_cluster = false});
  ASSERT_THAT(p.status(), IsOk());
  EXPECT_THAT(p->topologies, IsEmpty());
}

TEST(PrepareTest, PicksTheNamedCluster) {
  absl::StatusOr<Prepared> p =
      LoadAndPrepare(Sources({ClusterDoc("a"), ClusterDoc("b")}), {.cluster = "b"});
  ASSERT_THAT(p.status(), IsOk());
  ASSERT_THAT(p->topologies, SizeIs(1));
  EXPECT_EQ(p->topologies[0].cluster.name, "b");
  p = LoadAndPrepare(Sources({ClusterDoc("a"), ClusterDoc("b")}), {.cluster = "c"});
  EXPECT_THAT(p.status(), StatusIs(absl::StatusCode::kNotFound,
                                   "no Cluster named \"c\" in the input (have a, b)"));
}

TEST(PrepareTest, NeedOneRejectsSeveralClusters) {
  absl::StatusOr<Prepared> p =
      LoadAndPrepare(Sources({ClusterDoc("a"), ClusterDoc("b")}), {.need_one = true});
  EXPECT_THAT(p.status(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                   StartsWith("the input holds 2 Clusters (a, b); name the "
                                              "one to use")));
  p = LoadAndPrepare(Sources({ClusterDoc("a"), ClusterDoc("b")}),
                     {.cluster = "a", .need_one = true});
  ASSERT_THAT(p.status(), IsOk());
  EXPECT_THAT(p->topologies, SizeIs(1));
}

TEST(PrepareTest, LoadErrorsPassThrough) {
  absl::StatusOr<Prepared> p =
      LoadAndPrepare({{.name = "bad.yaml", .text = "kind: App\nbogus: [\n"}}, {});
  EXPECT_THAT(p.status(), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("bad.yaml:")));
}

constexpr char kIniKeyError[] = R"(apiVersion: strata.dev/v1
kind: App
metadata:
  name: bad
spec:
  roles:
  - name: web
    image: nginx:1.27
    cardinality: "1"
    config:
    - path: /etc/web.ini
      format: ini
      data:
        "server.a=b": "1"
)";

TEST(CompileAllTest, LocatesCompileErrorsInTheAppFile) {
  std::vector<Source> sources = {
      {.name = "app.yaml", .text = kIniKeyError},
      {.name = "c.yaml",
       .text = "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: x}\nspec: {app: bad}\n"},
      {.name = "d.yaml",
       .text = "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: y}\nspec: {app: bad}\n"}};
  absl::StatusOr<Prepared> p = LoadAndPrepare(sources, {});
  ASSERT_THAT(p.status(), IsOk());
  absl::StatusOr<std::vector<CompiledCluster>> c = CompileAll(*p, {});
  ASSERT_THAT(c.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                   StartsWith("app.yaml:11:7: spec.roles[0].config[0]: ini key")));
  // Both Clusters fail alike; the same located line is reported once.
  std::vector<Diagnostic> found = DiagnosticsFromStatus(c.status());
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].file, "app.yaml");
  EXPECT_EQ(found[0].line, 11);
}

TEST(CompileAllTest, CompilesEveryCluster) {
  absl::StatusOr<Prepared> p = LoadAndPrepare(Sources({ClusterDoc("a"), ClusterDoc("b")}), {});
  ASSERT_THAT(p.status(), IsOk());
  absl::StatusOr<std::vector<CompiledCluster>> c = CompileAll(*p, {});
  ASSERT_THAT(c.status(), IsOk());
  ASSERT_THAT(*c, SizeIs(2));
  EXPECT_EQ((*c)[0].cluster, "a");
  EXPECT_EQ((*c)[1].cluster, "b");
}

TEST(LocateInAppTest, LeavesLocatedAndOtherStatusesAlone) {
  absl::StatusOr<Prepared> p = LoadAndPrepare(Sources({ClusterDoc("a")}), {});
  ASSERT_THAT(p.status(), IsOk());
  absl::Status internal = absl::InternalError("bug");
  EXPECT_EQ(LocateInApp(internal, p->documents, "kv"), internal);
  absl::Status located = StatusFromDiagnostics(
      {Diagnostic{.file = "elsewhere.yaml", .line = 3, .path = "spec.x", .message = "m"}});
  EXPECT_EQ(LocateInApp(located, p->documents, "kv").message(), "elsewhere.yaml:3: spec.x: m");
  absl::Status bare =
      StatusFromDiagnostics({Diagnostic{.path = "spec.roles[0].image", .message = "m"}});
  EXPECT_THAT(std::string(LocateInApp(bare, p->documents, "kv").message()),
              StartsWith("app.yaml:6:25: spec.roles[0].image: m"));
  EXPECT_EQ(LocateInApp(bare, p->documents, "nope"), bare);
}

}  // namespace
}  // namespace strata
