// Tests of the object comparison behind plan reasons and `plan -o diff`
// (plan/object_diff.h): what counts as a difference, and how values are shown.

#include "plan/object_diff.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::plan_internal {
namespace {

TEST(ObjectDiffTest, ComparesOnlyWhatIsDesired) {
  struct Case {
    Json desired;
    Json observed;
    std::optional<std::string> diff;
  } cases[] = {
      {{{"a", 1}}, {{"a", 1}, {"uid", "x"}}, std::nullopt},
      {{{"a", 1}}, {{"a", 2}}, "a: 2 -> 1"},
      {{{"a", {{"b", "x"}}}}, {{"a", {{"b", "y"}, {"c", 1}}}}, "a.b: \"y\" -> \"x\""},
      {{{"a", 1}}, Json::object(), "a: missing -> 1"},
      // Empty desired values match absent ones (the API server omits them).
      {{{"a", Json::array()}, {"b", Json::object()}, {"c", false}, {"d", ""}, {"e", 0},
        {"f", nullptr}},
       Json::object(),
       std::nullopt},
      {{{"l", {1, 2}}}, {{"l", {1, 2, 3}}}, "l: [1,2,3] -> [1,2]"},
      {{{"l", Json::array({{{"name", "p"}}})}},
       {{"l", Json::array({{{"name", "p"}, {"protocol", "TCP"}}})}},
       std::nullopt},
      // Quantities compare by value under resources.
      {{{"resources", {{"requests", {{"cpu", "1000m"}, {"memory", "1Gi"}}}}}},
       {{"resources", {{"requests", {{"cpu", "1"}, {"memory", "1024Mi"}}}}}},
       std::nullopt},
      {{{"resources", {{"limits", {{"cpu", "2"}}}}}},
       {{"resources", {{"limits", {{"cpu", "1"}}}}}},
       "resources.limits.cpu: \"1\" -> \"2\""},
      {{{"labels", {{"v", "1"}}}}, {{"labels", {{"v", "1.0"}}}}, "labels.v: \"1.0\" -> \"1\""},
      {{{"n", 3}}, {{"n", 3.0}}, std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FirstDifference(c.desired, c.observed), c.diff) << c.desired.dump();
  }
}

// Issue 18: a plan reason that shortened a long non-ASCII value cut a
// character in half, so `plan -o json` aborted and gRPC clients could not
// decode the Plan. Brief() shortens at a character boundary and never throws.
TEST(ObjectDiffTest, BriefKeepsWholeCharacters) {
  std::string long_value = "x";
  for (int i = 0; i < 40; ++i) long_value += "\xC3\xA9";  // "x" + 40 x "é".
  std::string brief = Brief(Json(long_value));
  // '"x' + 27 x "é" + "...": 57 bytes would end inside the 28th "é".
  EXPECT_EQ(brief.size(), 59u);
  EXPECT_EQ(brief.substr(brief.size() - 3), "...");
  EXPECT_NO_THROW(Json(brief).dump());
  EXPECT_NO_THROW(Brief(Json("not utf-8: \xFF")));
}

// Issue 11: a long value that changed in the middle showed the same cut
// prefix on both sides ("ring-cassandra-0..." -> "ring-cassandra-0...").
TEST(ObjectDiffTest, LongStringsShowTheChangedPart) {
  auto seeds = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) {
      if (i > 0) s += ",";
      s += "ring-cassandra-" + std::to_string(i) + ".ring-cassandra.data.svc";
    }
    return s;
  };
  Json desired = {{"env", {{"SEEDS", seeds(4)}}}};
  Json observed = {{"env", {{"SEEDS", seeds(3)}}}};
  EXPECT_EQ(FirstDifference(desired, observed),
            "env.SEEDS: \"...ssandra.data.svc\" -> "
            "\"...ssandra.data.svc,ring-cassandra-3.ring-cassandra.data.sv...\"");
  // Both sides end where they are the same again; neither cuts a character.
  Json accented = {{"v", std::string(70, 'a') + "\xC3\xA9\xC3\xA9" + std::string(70, 'z')}};
  Json plain = {{"v", std::string(70, 'a') + "\xC3\xA8\xC3\xA9" + std::string(70, 'z')}};
  std::optional<std::string> d = FirstDifference(accented, plain);
  ASSERT_TRUE(d.has_value());
  EXPECT_NO_THROW(Json(*d).dump());
  // The changed part is the first character; 16 bytes of context follow it.
  EXPECT_EQ(*d, "v: \"..." + std::string(16, 'a') + "\xC3\xA8\xC3\xA9" + std::string(14, 'z') +
                    "...\" -> \"..." + std::string(16, 'a') + "\xC3\xA9\xC3\xA9" +
                    std::string(14, 'z') + "...\"");
}

}  // namespace
}  // namespace strata::plan_internal
