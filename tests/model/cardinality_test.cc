#include "strata/cardinality.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::HasSubstr;

struct ParseCase {
  std::string text;
  int32_t min;
  std::optional<int32_t> max;
  std::string canonical;
};

class CardinalityParseTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(CardinalityParseTest, Parses) {
  absl::StatusOr<Cardinality> c = Cardinality::Parse(GetParam().text);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->min, GetParam().min);
  EXPECT_EQ(c->max, GetParam().max);
  EXPECT_EQ(c->ToString(), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(Values, CardinalityParseTest,
                         ::testing::Values(ParseCase{"3", 3, 3, "3"}, ParseCase{"1", 1, 1, "1"},
                                           ParseCase{"3+", 3, std::nullopt, "3+"},
                                           ParseCase{"0+", 0, std::nullopt, "0+"},
                                           ParseCase{"1-3", 1, 3, "1-3"},
                                           ParseCase{"0-5", 0, 5, "0-5"},
                                           ParseCase{"2-2", 2, 2, "2"},
                                           ParseCase{"16384", 16384, 16384, "16384"},
                                           ParseCase{"03", 3, 3, "3"}));

struct ErrorCase {
  std::string text;
  std::string why;
};

class CardinalityErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(CardinalityErrorTest, Rejects) {
  EXPECT_THAT(Cardinality::Parse(GetParam().text),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("invalid cardinality \"" + GetParam().text + "\": " +
                                 GetParam().why)));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, CardinalityErrorTest,
    ::testing::Values(ErrorCase{"", "must be \"N\", \"N+\" or \"N-M\""},
                      ErrorCase{"3-", "must be"}, ErrorCase{"-3", "must be"},
                      ErrorCase{"+", "must be"}, ErrorCase{"3++", "must be"},
                      ErrorCase{"a", "must be"}, ErrorCase{" 3", "must be"},
                      ErrorCase{"3 +", "must be"}, ErrorCase{"1-2-3", "must be"},
                      ErrorCase{"3.0", "must be"}, ErrorCase{"123456", "must be"},
                      ErrorCase{"5-3", "the lower bound exceeds the upper bound"},
                      ErrorCase{"16385", "at most 16384 members"},
                      ErrorCase{"1-16385", "at most 16384 members"},
                      ErrorCase{"0", "a role must allow at least one member"},
                      ErrorCase{"0-0", "a role must allow at least one member"}));

TEST(CardinalityTest, Allows) {
  Cardinality at_least_three = *Cardinality::Parse("3+");
  EXPECT_FALSE(at_least_three.Allows(2));
  EXPECT_TRUE(at_least_three.Allows(3));
  EXPECT_TRUE(at_least_three.Allows(100000));
  Cardinality range = *Cardinality::Parse("1-3");
  EXPECT_FALSE(range.Allows(0));
  EXPECT_TRUE(range.Allows(1));
  EXPECT_TRUE(range.Allows(3));
  EXPECT_FALSE(range.Allows(4));
  Cardinality optional = *Cardinality::Parse("0+");
  EXPECT_TRUE(optional.Allows(0));
}

}  // namespace
}  // namespace strata
