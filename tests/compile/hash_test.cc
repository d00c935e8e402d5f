// The canonical encoding the spec-hash and config-hash are computed over
// (lib/compile/hash.h). Its bytes are part of the hash scheme: these tests
// pin them, so a change to the encoding cannot pass unnoticed.

#include "compile/hash.h"

#include "gtest/gtest.h"

namespace strata::compile_internal {
namespace {

TEST(CanonicalWriterTest, FieldsAreLengthPrefixed) {
  CanonicalWriter w;
  w.Field("image", "zookeeper:3.9.2");
  w.Field("replicas", int64_t{3});
  w.Field("empty", "");
  EXPECT_EQ(w.bytes(), "image=15:zookeeper:3.9.2\nreplicas=1:3\nempty=0:\n");
}

TEST(CanonicalWriterTest, GroupsNest) {
  CanonicalWriter w;
  w.Begin("env");
  w.Field("A", "1");
  w.Begin("inner");
  w.End();
  w.End();
  EXPECT_EQ(w.bytes(), "env{\nA=1:1\ninner{\n}\n}\n");
}

// Length prefixes keep values that contain the separators from colliding:
// without them, ("a", "1\nb=1:2") and ("a", "1") + ("b", "2") would read alike.
TEST(CanonicalWriterTest, ValuesHoldingSeparatorsDoNotCollide) {
  CanonicalWriter one;
  one.Field("a", "1:1\nb=1:2");
  CanonicalWriter two;
  two.Field("a", "1");
  two.Field("b", "2");
  EXPECT_NE(one.bytes(), two.bytes());
  EXPECT_NE(Fnv1a64(one.bytes()), Fnv1a64(two.bytes()));
}

TEST(Hex16Test, SixteenLowerCaseDigits) {
  EXPECT_EQ(Hex16(0), "0000000000000000");
  EXPECT_EQ(Hex16(0xcbf29ce484222325ull), "cbf29ce484222325");
  EXPECT_EQ(Hex16(~uint64_t{0}), "ffffffffffffffff");
}

}  // namespace
}  // namespace strata::compile_internal
