#include "validate/cluster_rules.h"

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

App OneRoleApp(const std::string& cardinality) {
  App app;
  app.name = "app";
  Role role;
  role.name = "db";
  role.image = "img:1";
  role.cardinality = *Cardinality::Parse(cardinality);
  role.quorum = Quorum::kMajority;
  app.roles.push_back(role);
  return app;
}

Cluster ClusterOf(std::optional<int32_t> members) {
  Cluster c;
  c.name = "c";
  c.app = "app";
  if (members) c.roles.push_back(RoleOverride{.name = "db", .members = members});
  return c;
}

TEST(ClusterRulesTest, MaintenanceWindows) {
  Maintenance m;
  m.windows = {MaintenanceWindow{.days = {"Mon", "Funday", "Mon"}, .start = "02:00", .end = "02:00"},
               MaintenanceWindow{.days = {}, .start = "24:00", .end = ""}};
  EXPECT_THAT(
      Reported([&](Reporter& r) { CheckMaintenance(r, FieldPath("m"), m); }),
      ElementsAre("m.windows[0].days[1]: invalid day \"Funday\": must be one of Mon, Tue, Wed, "
                  "Thu, Fri, Sat, Sun",
                  "m.windows[0].days[2]: duplicate day \"Mon\"",
                  "m.windows[0].end: equals start \"02:00\": a window must be open for some time",
                  "m.windows[1].days: required field is missing",
                  "m.windows[1].start: invalid time \"24:00\": must be HH:MM in UTC, 00:00 to 23:59",
                  "m.windows[1].end: required field is missing"));
}

TEST(ClusterRulesTest, OverridesAlone) {
  Cluster c = ClusterOf(-1);
  c.roles[0].tolerations = Json::array({{{"operator", "Maybe"}, {"effect", "NoExecute"}}});
  c.roles[0].replace = {MemberReplace{.member = "c-db-0", .token = "t"},
                        MemberReplace{.member = "c-db-0", .token = "-bad"}};
  EXPECT_THAT(
      Reported([&](Reporter& r) { CheckClusterAlone(r, c); }),
      ElementsAre("spec.roles[0].members: -1 is invalid: must be >= 0",
                  "spec.roles[0].tolerations[0].operator: invalid operator \"Maybe\": must be "
                  "Exists or Equal",
                  "spec.roles[0].replace[1].token: invalid token \"-bad\": must be 1..63 "
                  "characters of letters, digits, '-', '_' and '.', starting and ending with a "
                  "letter or digit",
                  "spec.roles[0].replace[1].member: duplicate replaced member \"c-db-0\""));
}

TEST(ClusterRulesTest, MemberCountWarnings) {
  App app = OneRoleApp("1+");
  EXPECT_THAT(Reported([&](Reporter& r) { CheckClusterWithApp(r, ClusterOf(4), app); }),
              ElementsAre("warning: spec.roles[0].members: 4 members under quorum majority "
                          "tolerate no more failures than 3"));
  EXPECT_THAT(Reported([&](Reporter& r) { CheckClusterWithApp(r, ClusterOf(std::nullopt), app); }),
              ElementsAre("warning: spec.roles: role \"db\" gets 1 member by default; a role "
                          "of one member gets no PodDisruptionBudget"));
  EXPECT_THAT(Reported([&](Reporter& r) { CheckClusterWithApp(r, ClusterOf(3), app); }),
              IsEmpty());
}

TEST(ClusterRulesTest, OverridesAgainstTheApp) {
  App app = OneRoleApp("3");
  Cluster c = ClusterOf(5);
  c.app = "other";
  c.roles[0].replace = {MemberReplace{.member = "c-db-5", .token = "t"},
                        MemberReplace{.member = "c-db-007", .token = "t"}};
  c.roles.push_back(RoleOverride{.name = "ghost"});
  EXPECT_THAT(
      Reported([&](Reporter& r) { CheckClusterWithApp(r, c, app); }),
      ElementsAre("spec.app: names App \"other\" but was paired with App \"app\"",
                  "spec.roles[0].members: 5 does not satisfy cardinality \"3\"",
                  "spec.roles[0].replace[0].member: \"c-db-5\" is not a member of role \"db\": "
                  "members are c-db-0..c-db-4",
                  "spec.roles[0].replace[1].member: \"c-db-007\" is not a member of role "
                  "\"db\": members are c-db-0..c-db-4",
                  "spec.roles[1].name: App \"app\" has no role \"ghost\""));
}

TEST(ClusterRulesTest, ReplacedMembersAreNamedAsTheStatefulSetNamesPods) {
  App app = OneRoleApp("0+");
  app.roles[0].quorum = Quorum::kNone;  // No even-count warning.
  Cluster c = ClusterOf(200000);
  c.roles[0].replace = {MemberReplace{.member = "c-db-123456", .token = "t"},
                        MemberReplace{.member = "c-db-0", .token = "t"},
                        MemberReplace{.member = "c-db-", .token = "t"},
                        MemberReplace{.member = "c-dbx-1", .token = "t"}};
  std::vector<std::string> found =
      Reported([&](Reporter& r) { CheckClusterWithApp(r, c, app); });
  // Ordinals past 99999 are members too when the role has that many.
  EXPECT_THAT(found, ElementsAre("spec.roles[0].replace[2].member: \"c-db-\" is not a member of "
                                 "role \"db\": members are c-db-0..c-db-199999",
                                 "spec.roles[0].replace[3].member: \"c-dbx-1\" is not a member "
                                 "of role \"db\": members are c-db-0..c-db-199999"));
}

TEST(ClusterRulesTest, ConnectionsTheTemplatesUse) {
  App app = OneRoleApp("3");
  app.roles[0].command = {"--zk={{connections.zk.endpoint}}"};
  Cluster c = ClusterOf(3);
  EXPECT_THAT(Reported([&](Reporter& r) { CheckClusterWithApp(r, c, app); }),
              ElementsAre("spec.connections: connection \"zk\" is used by the templates of App "
                          "\"app\" but not defined"));
  c.connections = {Connection{.name = "zk", .endpoint = "zk:2181"}};
  EXPECT_THAT(Reported([&](Reporter& r) { CheckClusterWithApp(r, c, app); }), IsEmpty());
}

}  // namespace
}  // namespace strata::validate_internal
