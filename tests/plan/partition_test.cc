// Tests of PartitionMembers (plan/partition.h): how a role's pods split
// against the desired count, as the StatefulSet controller splits them.

#include "plan/partition.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/object.h"
#include "plan/predicates.h"

namespace strata::plan_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(PartitionTest, SplitsByOrdinal) {
  std::vector<Json> pods;
  for (const char* name : {"c-r-0", "c-r-2", "c-r-3", "c-r-5", "c-rx-1", "c-r-client-0"}) {
    pods.push_back({{"metadata", {{"name", name}}}});
  }
  RoleMembers m = PartitionMembers(pods, "c-r", 3);
  std::vector<int32_t> kept, condemned;
  for (const auto& [k, pod] : m.by_ordinal) kept.push_back(k);
  for (const auto& [k, pod] : m.condemned) condemned.push_back(k);
  EXPECT_THAT(kept, ElementsAre(0, 2));
  EXPECT_THAT(condemned, ElementsAre(5, 3));  // Highest first.
  EXPECT_THAT(m.missing, ElementsAre(1));
  EXPECT_EQ(kube::NameOf(*m.by_ordinal.at(2)), "c-r-2");
}

TEST(PartitionTest, NoPodsAllMissingAndScaleToZeroCondemnsEveryone) {
  EXPECT_THAT(PartitionMembers({}, "c-r", 2).missing, ElementsAre(0, 1));
  std::vector<Json> pods = {{{"metadata", {{"name", "c-r-0"}}}},
                            {{"metadata", {{"name", "c-r-1"}}}}};
  RoleMembers m = PartitionMembers(pods, "c-r", 0);
  EXPECT_THAT(m.by_ordinal, IsEmpty());
  EXPECT_THAT(m.missing, IsEmpty());
  EXPECT_EQ(m.condemned.size(), 2u);
  EXPECT_EQ(m.condemned.begin()->first, 1);
}

}  // namespace
}  // namespace strata::plan_internal
