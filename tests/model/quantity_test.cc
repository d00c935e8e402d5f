#include "strata/quantity.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::HasSubstr;

constexpr __int128 kNano = 1;
constexpr __int128 kUnit = 1000000000;

Quantity Q(const std::string& text) {
  absl::StatusOr<Quantity> q = Quantity::Parse(text);
  EXPECT_THAT(q, IsOk()) << text;
  return q.ok() ? *q : Quantity();
}

struct ValueCase {
  std::string text;
  __int128 nanos;
};

class QuantityValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(QuantityValueTest, ParsesExactly) {
  absl::StatusOr<Quantity> q = Quantity::Parse(GetParam().text);
  ASSERT_THAT(q, IsOk());
  EXPECT_TRUE(q->nanos() == GetParam().nanos) << GetParam().text;
  EXPECT_EQ(q->ToString(), GetParam().text);  // Kept as written.
}

INSTANTIATE_TEST_SUITE_P(
    Values, QuantityValueTest,
    ::testing::Values(ValueCase{"0", 0}, ValueCase{"2", 2 * kUnit}, ValueCase{"+2", 2 * kUnit},
                      ValueCase{"500m", kUnit / 2}, ValueCase{"0.5", kUnit / 2},
                      ValueCase{".5", kUnit / 2}, ValueCase{"5.", 5 * kUnit},
                      ValueCase{"1n", kNano}, ValueCase{"1u", 1000 * kNano},
                      ValueCase{"1k", 1000 * kUnit}, ValueCase{"1e3", 1000 * kUnit},
                      ValueCase{"1E3", 1000 * kUnit}, ValueCase{"1e-9", kNano},
                      ValueCase{"1e+2", 100 * kUnit}, ValueCase{"1M", 1000000 * kUnit},
                      ValueCase{"1G", 1000000000 * kUnit},
                      ValueCase{"1E", static_cast<__int128>(1000000000000000000) * kUnit},
                      ValueCase{"1Ki", 1024 * kUnit}, ValueCase{"1.5Gi", (__int128{3} << 29) * kUnit},
                      ValueCase{"1Ei", (__int128{1} << 60) * kUnit},
                      ValueCase{"1.00000000000000000000Ei", (__int128{1} << 60) * kUnit},
                      ValueCase{"0.0000000005Ki", 512 * kNano},
                      ValueCase{"0.000000001", kNano}, ValueCase{"007", 7 * kUnit},
                      ValueCase{"1.000n", kNano}));

struct ErrorCase {
  std::string text;
  std::string why;
};

class QuantityErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(QuantityErrorTest, Rejects) {
  EXPECT_THAT(Quantity::Parse(GetParam().text),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("invalid quantity \"" + GetParam().text + "\": " +
                                 GetParam().why)));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, QuantityErrorTest,
    ::testing::Values(
        ErrorCase{"1.5x", "must be a number with an optional suffix such as 500m, 2, 1Gi or 10G"},
        ErrorCase{"", "must be a number"}, ErrorCase{".", "must be a number"},
        ErrorCase{"Gi", "must be a number"}, ErrorCase{"1Qi", "must be a number"},
        ErrorCase{"1ki", "must be a number"}, ErrorCase{"1K", "must be a number"},
        ErrorCase{"1 Gi", "must be a number"}, ErrorCase{" 1", "must be a number"},
        ErrorCase{"1.2.3", "must be a number"}, ErrorCase{"1e", "must be a number"},
        ErrorCase{"1e1000", "must be a number"}, ErrorCase{"0x10", "must be a number"},
        ErrorCase{"-1", "must not be negative"}, ErrorCase{"-0.5Gi", "must not be negative"},
        ErrorCase{"0.1n", "finer than 1n"}, ErrorCase{"1e-10", "finer than 1n"},
        ErrorCase{"0.0000000001Ki", "finer than 1n"},
        ErrorCase{"9223372036854775808k", "too large"}, ErrorCase{"16Ei", "too large"},
        ErrorCase{"1e999", "too large"},
        ErrorCase{"9999999999999999999999999999n", "too large"},
        ErrorCase{"1234567890123456789012345678901", "too many digits"}));

TEST(QuantityTest, ComparesExactly) {
  EXPECT_LT(Q("300m"), Q("500m"));
  EXPECT_GT(Q("1Gi"), Q("1000Mi"));
  EXPECT_EQ(Q("1Gi"), Q("1024Mi"));
  EXPECT_EQ(Q("0.5"), Q("500m"));
  EXPECT_EQ(Q("1e3"), Q("1k"));
  EXPECT_EQ(Q("1"), Q("1000m"));
  EXPECT_EQ(Q("1000000000n"), Q("1"));
  EXPECT_LT(Q("999999999n"), Q("1"));
  EXPECT_GT(Q("1G"), Q("953Mi"));  // 1e9 > 999292928.
  EXPECT_LT(Q("1G"), Q("954Mi"));  // 1e9 < 1000341504.
  EXPECT_EQ(Q("1Ki"), Q("1.024k"));
  EXPECT_EQ(Quantity(), Q("0"));
  EXPECT_EQ(Quantity().ToString(), "0");
}

TEST(QuantityTest, LargestValueIsTwoToTheSixtyThree) {
  EXPECT_THAT(Quantity::Parse("8Ei"), IsOk());  // 2^63.
  EXPECT_THAT(Quantity::Parse("9223372036854775807"), IsOk());
  EXPECT_THAT(Quantity::Parse("9223372036854775809"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too large")));
}

}  // namespace
}  // namespace strata
