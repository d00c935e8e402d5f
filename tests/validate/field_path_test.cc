#include "validate/field_path.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace strata {
namespace {

TEST(FieldPathTest, RendersChildrenIndicesAndKeys) {
  EXPECT_EQ(FieldPath("spec").Child("roles").Index(2).Child("members").ToString(),
            "spec.roles[2].members");
  EXPECT_EQ(FieldPath().Child("kind").ToString(), "kind");
  EXPECT_TRUE(FieldPath().empty());
  EXPECT_EQ(FieldPath("a").Key("cpu").ToString(), "a.cpu");
  EXPECT_EQ(FieldPath("a").Key("ephemeral-storage").ToString(), "a.ephemeral-storage");
  EXPECT_EQ(FieldPath("config").Key("/conf/zoo.cfg").Key("tickTime").ToString(),
            "config[\"/conf/zoo.cfg\"].tickTime");
  EXPECT_EQ(FieldPath("l").Key("a\"b\\c").ToString(), "l[\"a\\\"b\\\\c\"]");
  EXPECT_EQ(FieldPath("l").Key("").ToString(), "l[\"\"]");
}

TEST(FieldPathTest, ParentPathWalksBackOneSegment) {
  EXPECT_EQ(ParentPath("spec.roles[2].members"), "spec.roles[2]");
  EXPECT_EQ(ParentPath("spec.roles[2]"), "spec.roles");
  EXPECT_EQ(ParentPath("spec.roles"), "spec");
  EXPECT_EQ(ParentPath("spec"), "");
  EXPECT_EQ(ParentPath(""), std::nullopt);
  EXPECT_EQ(ParentPath("c[\"/a.b[0]\"].k"), "c[\"/a.b[0]\"]");
  EXPECT_EQ(ParentPath("c[\"/a.b[0]\"]"), "c");
  EXPECT_EQ(ParentPath("l[\"a\\\"].b\"]"), "l");
  EXPECT_EQ(ParentPath("m[1][2]"), "m[1]");
}

}  // namespace
}  // namespace strata
