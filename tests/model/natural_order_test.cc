#include "util/natural_order.h"

#include <string>

#include "gtest/gtest.h"

namespace strata::util_internal {
namespace {

struct Case {
  std::string a;
  std::string b;
  int sign;  // Of NaturalCompare(a, b).
};

class NaturalCompareTest : public ::testing::TestWithParam<Case> {};

int Sign(int v) { return (v > 0) - (v < 0); }

TEST_P(NaturalCompareTest, OrdersNumbersByValue) {
  EXPECT_EQ(Sign(NaturalCompare(GetParam().a, GetParam().b)), GetParam().sign)
      << GetParam().a << " vs " << GetParam().b;
  EXPECT_EQ(Sign(NaturalCompare(GetParam().b, GetParam().a)), -GetParam().sign);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, NaturalCompareTest,
    ::testing::Values(Case{"", "", 0}, Case{"a", "a", 0}, Case{"", "a", -1},
                      Case{"roles[2]", "roles[10]", -1}, Case{"roles[10]", "roles[10]", 0},
                      Case{"roles[1].a", "roles[1].b", -1}, Case{"a1", "a01", 0},
                      Case{"a2b", "a02c", -1}, Case{"x9", "x10", -1},
                      Case{"spec.roles", "spec.roles[0]", -1},
                      Case{"roles[2].ports[10]", "roles[2].ports[9]", 1},
                      Case{"99999999999999999999", "100000000000000000000", -1},
                      Case{"a", "B", 1}, Case{"abc", "abd", -1}));

}  // namespace
}  // namespace strata::util_internal
