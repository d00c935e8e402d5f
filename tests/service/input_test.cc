// Tests for lib/service/input.h: the request limits and the size limits.

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
using ::testing::AllOf;
using ::testing::HasSubstr;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
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

TEST(LoadInputTest, ASourceWithoutDocumentsIsAnError) {
  // SPEC-2 §5b.5: as `strata validate` and strata.load(""), gRPC refuses an
  // empty source by its name instead of treating it as no topology.
  v1::Input input;
  v1::Source* source = input.add_sources();
  source->set_name("empty.yaml");
  source->set_text("# only a comment\n---\n");
  EXPECT_THAT(LoadInput(input, InputLimits{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty.yaml: no documents")));
}

TEST(LoadInputTest, DeepTextsAreRefusedByTheLoaderWithItsLocatedMessage) {
  v1::Input input;
  v1::Source* source = input.add_sources();
  source->set_name("deep.yaml");
  source->set_text(Repeat("[", 5000));
  EXPECT_THAT(LoadInput(input, InputLimits{}),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(HasSubstr("deep.yaml:1:"), HasSubstr("(max_nesting)"))));
}

TEST(LoadInputTest, ARequestLowersALimitButCannotRaiseItAboveTheServers) {
  v1::Input input;
  v1::Source* source = input.add_sources();
  source->set_name("kafka.yaml");
  source->set_text("a:\n  b:\n    c: 1\n");
  input.mutable_limits()->set_max_nesting(2);
  EXPECT_THAT(LoadInput(input, InputLimits{}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("kafka.yaml:3:")));
  input.mutable_limits()->set_max_nesting(101);
  EXPECT_THAT(LoadInput(input, InputLimits{}),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "input.limits.max_nesting: 101 is above this server's 100 "
                       "(strata-server --max-nesting)"));
  input.mutable_limits()->set_max_nesting(-1);
  EXPECT_THAT(LoadInput(input, InputLimits{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("input.limits.max_nesting")));
}

TEST(CheckSizeTest, ARoleOverThePerRoleLimitIsLeftToValidation) {
  // Validation refuses it located in its file, as the CLI and Python do.
  Documents docs = TwoRoleDocuments(3, 20000);
  EXPECT_THAT(CheckSize(docs, InputLimits{}), IsOk());
}

}  // namespace
}  // namespace strata::service_internal
