#include "validate/name_budgets.h"

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

Role NamedRole(const std::string& name) {
  Role role;
  role.name = name;
  return role;
}

ServiceSpec Service(const std::string& name, bool per_member) {
  ServiceSpec s;
  s.name = name;
  s.per_member = per_member;
  return s;
}

TEST(NameBudgetsTest, CheckLengthAtAndOverTheLimit) {
  FieldPath at("metadata");
  EXPECT_THAT(Reported([&](Reporter& r) { CheckLength(r, at, "pod", std::string(63, 'a'), 63); }),
              IsEmpty());
  EXPECT_THAT(Reported([&](Reporter& r) {
                CheckLength(r, at, "pod", std::string(64, 'a'), 63, " (why)");
              }),
              ElementsAre("metadata: pod name \"" + std::string(64, 'a') +
                          "\" is 64 characters; at most 63 are allowed (why)"));
}

TEST(NameBudgetsTest, ServiceNamesListsHeadlessNamedAndPerMember) {
  App app;
  app.roles = {NamedRole("db")};
  app.roles[0].services = {Service("client", false), Service("peer", true)};
  std::vector<int32_t> members = {2};
  std::vector<FieldPath> paths = {FieldPath("spec").Child("roles").Index(0).Child("members")};
  std::vector<std::string> names;
  for (const GeneratedName& g : ServiceNames(app, &members, &paths, "c-")) {
    names.push_back(g.name + (g.per_member ? " @" + g.path.ToString() : ""));
  }
  EXPECT_THAT(names, ElementsAre("c-db", "c-db-client", "c-db-peer",
                                 "c-db-0-peer @spec.roles[0].members",
                                 "c-db-1-peer @spec.roles[0].members"));
  // Without member counts, no per-member names.
  EXPECT_EQ(ServiceNames(app, nullptr, nullptr, "").size(), 3u);
}

TEST(NameBudgetsTest, AppServiceNamesThatCoincide) {
  App app;
  app.roles = {NamedRole("a"), NamedRole("a-b")};
  app.roles[0].services = {Service("b", false)};
  EXPECT_THAT(Reported([&](Reporter& r) { CheckAppNames(r, app); }),
              ElementsAre("spec.roles[1].name: Service name <cluster>-a-b of the headless "
                          "Service of role \"a-b\" is also the name of service \"b\" of role "
                          "\"a\""));
}

TEST(NameBudgetsTest, ConfigMapPrefixOfAnotherRole) {
  App app;
  app.roles = {NamedRole("a"), NamedRole("a-config-x"), NamedRole("b")};
  for (Role& role : app.roles) role.config.resize(1);
  EXPECT_THAT(Reported([&](Reporter& r) { CheckAppNames(r, app); }),
              ElementsAre("spec.roles[1].name: the ConfigMaps of role \"a-config-x\" would be "
                          "named like those of role \"a\" (<cluster>-a-config-...)"));
  // Without config files there are no ConfigMaps to confuse.
  app.roles[0].config.clear();
  EXPECT_THAT(Reported([&](Reporter& r) { CheckAppNames(r, app); }), IsEmpty());
}

TEST(NameBudgetsTest, ClusterNameLengths) {
  App app;
  app.roles = {NamedRole("db"), NamedRole("idle")};
  app.roles[0].services = {Service("peer", true)};
  app.roles[0].storage.resize(1);
  app.roles[0].storage[0].name = "data";
  Cluster c;
  c.name = std::string(58, 'c');
  const std::string base = c.name + "-db";  // 61 characters.
  const std::vector<FieldPath> paths = {
      FieldPath("spec").Child("roles").Index(0).Child("members"),
      FieldPath("metadata").Child("name")};
  // Count-driven names are reported where the count is set; the role with
  // no members generates no names at all.
  EXPECT_THAT(
      Reported([&](Reporter& r) { CheckClusterNames(r, c, app, {100, 0}, paths); }),
      ElementsAre("metadata.name: StatefulSet name \"" + base +
                      "\" is 61 characters; at most 52 are allowed (the "
                      "controller-revision-hash label must fit in 63)",
                  "spec.roles[0].members: pod name \"" + base +
                      "-99\" is 64 characters; at most 63 are allowed",
                  "metadata.name: Service name \"" + base +
                      "-peer\" is 66 characters; at most 63 are allowed",
                  "spec.roles[0].members: Service name \"" + base +
                      "-99-peer\" is 69 characters; at most 63 are allowed"));
  c.name = "c";
  EXPECT_THAT(Reported([&](Reporter& r) { CheckClusterNames(r, c, app, {100, 0}, paths); }),
              IsEmpty());
}

TEST(NameBudgetsTest, PerMemberServiceNamedLikeAnotherRolesService) {
  App app;
  app.roles = {NamedRole("a"), NamedRole("a-1")};
  app.roles[0].services = {Service("x", true)};
  app.roles[1].services = {Service("x", false)};
  Cluster c;
  c.name = "c";
  const std::vector<FieldPath> paths = {
      FieldPath("spec").Child("roles").Index(0).Child("members"),
      FieldPath("metadata").Child("name")};
  EXPECT_THAT(Reported([&](Reporter& r) { CheckClusterNames(r, c, app, {2, 1}, paths); }),
              ElementsAre("spec.roles[0].members: Service name c-a-1-x of service \"x\" of role "
                          "\"a-1\" is also the name of the per-member service \"x\" of role "
                          "\"a\""));
  // One member of "a": no "c-a-1-x".
  EXPECT_THAT(Reported([&](Reporter& r) { CheckClusterNames(r, c, app, {1, 1}, paths); }),
              IsEmpty());
}

}  // namespace
}  // namespace strata::validate_internal
