#include "model/role_graph.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::model_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

struct TestRole {
  std::string name;
  std::vector<std::string> depends_on;
};

struct Case {
  std::string what;
  std::vector<TestRole> roles;
  std::vector<int> order;           // Empty when cyclic.
  std::vector<std::string> cycles;  // "role: a -> b -> a".
  std::vector<std::string> unknown; // "role[position]=name".
  std::vector<int> self;            // Roles that depend on themselves.
};

std::vector<std::string> CyclesOf(const RoleGraph& g) {
  std::vector<std::string> out;
  for (const RoleGraph::Cycle& c : g.cycles()) {
    out.push_back(absl::StrCat(c.role, ": ", absl::StrJoin(c.names, " -> ")));
  }
  return out;
}

std::vector<std::string> UnknownOf(const RoleGraph& g) {
  std::vector<std::string> out;
  for (const RoleGraph::UnknownRef& u : g.unknown()) {
    out.push_back(absl::StrCat(u.role, "[", u.position, "]=", u.name));
  }
  return out;
}

TEST(RoleGraphTest, Table) {
  const std::vector<Case> cases = {
      {"empty", {}, {}, {}, {}, {}},
      {"independent roles keep App order", {{"a", {}}, {"b", {}}, {"c", {}}}, {0, 1, 2}, {}, {}, {}},
      {"chain listed backwards", {{"c", {"b"}}, {"b", {"a"}}, {"a", {}}}, {2, 1, 0}, {}, {}, {}},
      {"diamond", {{"top", {"left", "right"}}, {"right", {"base"}}, {"left", {"base"}}, {"base", {}}},
       {3, 1, 2, 0}, {}, {}, {}},
      {"duplicate dependency counts once", {{"a", {"b", "b"}}, {"b", {}}}, {1, 0}, {}, {}, {}},
      {"two-role cycle", {{"a", {"b"}}, {"b", {"a"}}}, {}, {"0: a -> b -> a"}, {}, {}},
      {"two cycles, each reported once at its first role",
       {{"x", {}}, {"y", {"x"}}, {"a", {"b"}}, {"b", {"a"}}, {"c", {"e"}}, {"d", {"c"}},
        {"e", {"d"}}},
       {}, {"2: a -> b -> a", "4: c -> e -> d -> c"}, {}, {}},
      // c is on no reported cycle yet, so its own is reported too.
      {"shortest cycle through each unreported role", {{"a", {"b"}}, {"b", {"c", "a"}}, {"c", {"a"}}},
       {}, {"0: a -> b -> a", "2: c -> a -> b -> c"}, {}, {}},
      {"self-loop is no cycle but not acyclic", {{"a", {"a"}}, {"b", {"a"}}}, {}, {}, {}, {0}},
      {"unknown names are recorded, not edges", {{"a", {"nope"}}, {"b", {"a", "gone"}}}, {0, 1},
       {}, {"0[0]=nope", "1[1]=gone"}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    RoleGraph g = RoleGraph::Of(c.roles);
    EXPECT_EQ(g.size(), static_cast<int>(c.roles.size()));
    EXPECT_THAT(g.order(), ElementsAreArray(c.order));
    EXPECT_THAT(CyclesOf(g), ElementsAreArray(c.cycles));
    EXPECT_THAT(UnknownOf(g), ElementsAreArray(c.unknown));
    std::vector<int> self;
    for (int i = 0; i < g.size(); ++i) {
      if (g.DependsOnItself(i)) self.push_back(i);
    }
    EXPECT_THAT(self, ElementsAreArray(c.self));
    EXPECT_EQ(g.acyclic(), c.cycles.empty() && c.self.empty());
    if (g.acyclic()) {
      EXPECT_EQ(g.order().size(), c.roles.size());
    }
  }
}

TEST(RoleGraphTest, EdgesBothWaysAndLookup) {
  std::vector<TestRole> roles = {{"top", {"left", "right", "top"}}, {"right", {"base"}},
                                 {"left", {"base"}}, {"base", {}}};
  RoleGraph g = RoleGraph::Of(roles);
  EXPECT_EQ(g.IndexOf("left"), 2);
  EXPECT_EQ(g.IndexOf("nope"), -1);
  EXPECT_THAT(g.DependsOn(0), ElementsAre(2, 1));  // dependsOn order, itself left out.
  EXPECT_THAT(g.Dependents(3), ElementsAre(1, 2));  // App order.
  EXPECT_THAT(g.Dependents(0), IsEmpty());
  EXPECT_TRUE(g.DependsOnItself(0));
}

TEST(RoleGraphTest, LongChainHasNoRecursionLimit) {
  std::vector<TestRole> roles;
  for (int i = 0; i < 20000; ++i) {
    roles.push_back({absl::StrCat("r", i), i == 0 ? std::vector<std::string>{"r19999"}
                                                  : std::vector<std::string>{absl::StrCat("r", i - 1)}});
  }
  RoleGraph g = RoleGraph::Of(roles);
  ASSERT_EQ(g.cycles().size(), 1u);
  EXPECT_EQ(g.cycles()[0].names.size(), 20001u);
  EXPECT_FALSE(g.acyclic());
  roles[0].depends_on.clear();
  RoleGraph chain = RoleGraph::Of(roles);
  ASSERT_TRUE(chain.acyclic());
  EXPECT_EQ(chain.order().front(), 0);
  EXPECT_EQ(chain.order().back(), 19999);
}

}  // namespace
}  // namespace strata::model_internal
