// Tests for lib/service/input.h: the nesting estimate and the size limits.

#include "service/input.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "strata/documents.h"
#include "tests/testing/status_matchers.h"

namespace strata::service_internal {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::HasSubstr;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

struct DepthCase {
  std::string name;
  std::string text;
  int want;
};

class NestingDepthTest : public ::testing::TestWithParam<DepthCase> {};

TEST_P(NestingDepthTest, Estimates) {
  EXPECT_EQ(EstimateNestingDepth(GetParam().text), GetParam().want) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NestingDepthTest,
    ::testing::Values(
        DepthCase{"Empty", "", 0},
        DepthCase{"Scalar", "hello\n", 1},
        DepthCase{"FlatMapping", "a: 1\nb: 2\n", 1},
        DepthCase{"Nested", "a:\n  b:\n    c: 1\n", 3},
        DepthCase{"Dedent", "a:\n  b:\n    c: 1\nd: 2\n", 3},
        DepthCase{"SequenceItems", "a:\n- x\n- y\n", 2},
        DepthCase{"CompactSequences", "- - - x\n", 4},
        DepthCase{"Flow", "a: {b: [1, {c: 2}]}\n", 4},
        DepthCase{"FlowAcrossLines", "a: [\n  [\n    [1]\n  ]\n]\n", 4},
        DepthCase{"JsonDocument", R"({"a": {"b": [1, 2]}, "c": "d"})", 4},
        DepthCase{"BracketsInDoubleQuotes", "a: \"[[[[{{{{\"\n", 1},
        DepthCase{"BracketsInSingleQuotes", "a: '[[[[ it''s'\n", 1},
        DepthCase{"ApostropheInPlainScalar", "a: it's [x]\n", 2},
        DepthCase{"BracketsInComment", "a: 1 # [[[[[[\n", 1},
        DepthCase{"BlockScalarBodyIgnored",
                  "a: |\n  {{#roles}}[[[[\n      deep\n          deeper\nb: 1\n", 1},
        DepthCase{"MustacheInPlainValueIsBalanced", "a: \"{{x}}\"\nb: {{y}}\n", 3},
        DepthCase{"DocumentsResetIndentation", "a:\n  b: 1\n---\nc: 1\n", 2},
        DepthCase{"DeepFlow", Repeat("[", 10000) + Repeat("]", 10000), 10001},
        DepthCase{"DeepCompact", Repeat("- ", 10000) + "x\n", 10001}),
    [](const ::testing::TestParamInfo<DepthCase>& info) { return info.param.name; });

TEST(CheckNestingTest, RejectsBeyondTheLimitWithResourceExhausted) {
  EXPECT_THAT(CheckNesting("a:\n  b: 1\n", "input.sources[0]", 2), IsOk());
  EXPECT_THAT(CheckNesting("a:\n  b:\n    c: 1\n", "input.sources[0]", 2),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("input.sources[0]: nests about 3 levels deep")));
}

Documents TwoRoleDocuments(int zk_members, std::optional<int> broker_members) {
  Documents docs;
  App app{.name = "kafka"};
  app.roles.push_back(Role{.name = "zookeeper", .cardinality = {.min = 3}});
  app.roles.push_back(Role{.name = "broker", .cardinality = {.min = 1}});
  docs.apps.push_back(AppDocument{.app = app});
  Cluster cluster{.name = "events", .app = "kafka"};
  cluster.roles.push_back(RoleOverride{.name = "zookeeper", .members = zk_members});
  if (broker_members.has_value()) {
    cluster.roles.push_back(RoleOverride{.name = "broker", .members = broker_members});
  }
  docs.clusters.push_back(ClusterDocument{.cluster = cluster});
  return docs;
}

TEST(CheckSizeTest, CountsRolesOverAllApps) {
  Documents docs = TwoRoleDocuments(3, 1);
  EXPECT_THAT(CheckSize(docs, InputLimits{.max_roles = 2}), IsOk());
  EXPECT_THAT(CheckSize(docs, InputLimits{.max_roles = 1}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("2 roles")));
}

TEST(CheckSizeTest, CountsUnsizedRolesAtTheirMinimum) {
  // zookeeper 5 + broker unsized (minimum 1) = 6.
  Documents docs = TwoRoleDocuments(5, std::nullopt);
  EXPECT_THAT(CheckSize(docs, InputLimits{.max_members = 6}), IsOk());
  EXPECT_THAT(CheckSize(docs, InputLimits{.max_members = 5}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("6 members")));
}

TEST(LoadInputTest, RejectsAnEmptyInput) {
  EXPECT_THAT(LoadInput(v1::Input{}, InputLimits{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no documents")));
}

TEST(LoadInputTest, RejectsDeepTextsBeforeParsing) {
  v1::Input input;
  input.add_sources()->set_text(Repeat("[", 5000));
  EXPECT_THAT(LoadInput(input, InputLimits{.max_nesting = 100}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("input.sources[0]")));
}

}  // namespace
}  // namespace strata::service_internal
