// Limits the pipeline enforces after loading (SPEC-2 §11): members of a role
// before any check or compile work grows with them, the rendered ConfigMap
// size while compiling, and the template checker's bounded cost.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/limits.h"
#include "strata/pipeline.h"
#include "tests/testing/status_matchers.h"
#include "validate/template_check.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

std::string Hostile(const std::string& name) {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/tests/testdata/hostile/" + name,
                   std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LimitsTest, AMillionMembersAreRefusedAtValidation) {
  const std::vector<Source> sources = {
      {.name = "big.yaml", .text = Hostile("role-million-members.yaml")}};
  absl::StatusOr<Prepared> p = LoadAndPrepare(sources, {});
  EXPECT_THAT(p.status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(StartsWith("big.yaml:19:14: spec.roles[0].members: "),
                             HasSubstr("1000000"), HasSubstr("--max-members"))));
  // Raised, validation passes; Compile() holds the same limit on its own.
  PrepareOptions raised;
  raised.limits.max_members = 2000000;
  p = LoadAndPrepare(sources, raised);
  ASSERT_THAT(p.status(), IsOk());
  EXPECT_THAT(CompileAll(*p, {}).status(),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_members")));
}

TEST(LimitsTest, ACardinalityMinimumOverTheLimitIsRefused) {
  const std::vector<Source> sources = {
      {.name = "app.yaml",
       .text = "apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: kv}\nspec:\n  roles:\n"
               "  - {name: node, image: \"kv:1\", cardinality: \"12000+\"}\n"},
      {.name = "c.yaml",
       .text = "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: a}\n"
               "spec: {app: kv}\n"}};
  EXPECT_THAT(LoadAndPrepare(sources, {}).status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       StartsWith("app.yaml:6:")));
}

TEST(LimitsTest, ARenderedConfigMapOverTheLimitIsRefused) {
  const std::string app = absl::StrCat(
      "apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: kv}\nspec:\n  roles:\n"
      "  - name: node\n    image: \"kv:1\"\n    cardinality: \"1\"\n    config:\n"
      "    - path: /etc/kv/kv.properties\n      format: properties\n      data:\n"
      "        big: \"",
      std::string(2000, 'x'), "\"\n");
  const std::vector<Source> sources = {
      {.name = "app.yaml", .text = app},
      {.name = "c.yaml",
       .text = "apiVersion: strata.dev/v1\nkind: Cluster\nmetadata: {name: a}\n"
               "spec: {app: kv}\n"}};
  absl::StatusOr<Prepared> p = LoadAndPrepare(sources, {});
  ASSERT_THAT(p.status(), IsOk());
  CompileOptions small;
  small.limits.max_config_map_size = 1000;
  EXPECT_THAT(CompileAll(*p, small).status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(StartsWith("app.yaml:10:"), HasSubstr("spec.roles[0].config[0]"),
                             HasSubstr("max_config_map_size"))));
  EXPECT_THAT(CompileAll(*p, {}).status(), IsOk());
}

TEST(LimitsTest, TwentyThousandUnclosedSectionsStopAtTheDepthBound) {
  // Checking was quadratic in open sections (issue 18: 40 s). Now the
  // checker stops at 100 open sections: the work per tag is bounded.
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "{{#cluster}}";
  validate_internal::TemplateScope scope;
  scope.variables.insert("cluster");
  validate_internal::TemplateReport report = validate_internal::CheckTemplate(text, scope);
  ASSERT_THAT(report.errors, SizeIs(1));
  EXPECT_THAT(report.errors[0], HasSubstr("sections nest deeper than 100"));
}

TEST(LimitsTest, ATemplateReportsAtMostAHundredErrors) {
  std::string text;
  for (int i = 0; i < 20000; ++i) absl::StrAppend(&text, "{{nope", i, "}}");
  validate_internal::TemplateReport report =
      validate_internal::CheckTemplate(text, validate_internal::TemplateScope{});
  ASSERT_THAT(report.errors, SizeIs(101));
  EXPECT_THAT(report.errors.back(), HasSubstr("the first 100 are shown"));
}

TEST(OnePassTest, ABadQuantityABadProbePortAndTooFewMembersComeTogether) {
  // Issue 18 item 3: errors came in rounds (only the quantity, then the
  // rest). The quantity is a load error; the other two are Check()'s.
  const std::vector<Source> sources = {{.name = "all.yaml", .text = R"(apiVersion: strata.dev/v1
kind: App
metadata: {name: kafka}
spec:
  roles:
  - name: broker
    image: apache/kafka:3.7.0
    cardinality: "3+"
    ports:
    - {name: client, port: 9092}
    resources:
      requests: {cpu: 1.5x}
    probes:
      readiness: {tcp: {port: admin}}
---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: events}
spec:
  app: kafka
  roles:
  - {name: broker, members: 2}
)"}};
  absl::StatusOr<Prepared> p = LoadAndPrepare(sources, {});
  ASSERT_THAT(p.status(), StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  std::vector<std::string> lines;
  for (const Diagnostic& d : DiagnosticsFromStatus(p.status())) {
    if (d.severity == Diagnostic::Severity::kError) lines.push_back(d.ToString());
  }
  // Sorted by document, then path (probes before resources).
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         AllOf(StartsWith("all.yaml:14:31: spec.roles[0].probes"),
                               HasSubstr("unknown port \"admin\"")),
                         AllOf(StartsWith("all.yaml:12:23: spec.roles[0].resources.requests.cpu: "),
                               HasSubstr("1.5x")),
                         AllOf(StartsWith("all.yaml:22:29: spec.roles[0].members: "),
                               HasSubstr("does not satisfy"))));
}

TEST(OnePassTest, ConsequencesOfAMalformedFieldAreNotReported) {
  // `roles` of the wrong type is one error, not also "no roles".
  const std::vector<Source> sources = {
      {.name = "a.yaml",
       .text = "apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: kv}\nspec:\n  roles: 3\n"}};
  absl::StatusOr<Prepared> p = LoadAndPrepare(sources, {.need_cluster = false});
  std::vector<Diagnostic> found = DiagnosticsFromStatus(p.status());
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].path, "spec.roles");
}

}  // namespace
}  // namespace strata
