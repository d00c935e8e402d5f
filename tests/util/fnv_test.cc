#include "util/fnv.h"

#include "gtest/gtest.h"

namespace strata {
namespace {

// Reference values of FNV-1a 64 (www.isthe.com/chongo/tech/comp/fnv).
TEST(FnvTest, KnownValues) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(FnvTest, IncrementalEqualsOneShot) {
  EXPECT_EQ(Fnv1a64Hasher().Add("foo").Add("bar").value(), Fnv1a64("foobar"));
  EXPECT_EQ(Fnv1a64Hasher().Add("fo").AddByte('o').Add("bar").value(), Fnv1a64("foobar"));
}

}  // namespace
}  // namespace strata
