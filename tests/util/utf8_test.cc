#include "util/utf8.h"

#include "gtest/gtest.h"

namespace strata::util_internal {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));              // Never a UTF-8 byte.
  EXPECT_FALSE(IsValidUtf8("\x80"));              // Stray continuation byte.
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // Truncated at the end.
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // Truncated at the end.
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // Overlong '/'.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // Surrogate U+D800.
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // Above U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("\xC3x"));             // Lead byte without its tail.
}

TEST(Utf8Test, ReplacesEachBadByteAndKeepsTheRest) {
  EXPECT_EQ(ValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(ValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(ValidUtf8("\xC3x\xE2\x82\xAC"), "\xEF\xBF\xBDx\xE2\x82\xAC");
  EXPECT_EQ(ValidUtf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(ValidUtf8("\xF3\xF3\xF3 kind: \xC0\xAF")));
}

TEST(Utf8Test, PrefixNeverEndsInsideACharacter) {
  EXPECT_EQ(Utf8Prefix("abc", 10), "abc");
  EXPECT_EQ(Utf8Prefix("abcdef", 3), "abc");
  EXPECT_EQ(Utf8Prefix("caf\xC3\xA9!", 4), "caf");          // Not "caf\xC3".
  EXPECT_EQ(Utf8Prefix("caf\xC3\xA9!", 5), "caf\xC3\xA9");
  EXPECT_EQ(Utf8Prefix("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 7), "\xF0\x9F\x98\x80");
  EXPECT_EQ(Utf8Prefix("\xE2\x82\xAC", 0), "");
}

}  // namespace
}  // namespace strata::util_internal
