#include "util/rfc3339.h"

#include "gtest/gtest.h"

namespace strata {
namespace {

TEST(Rfc3339Test, ParsesWhatTheApiServerWritesAndRoundTrips) {
  std::optional<absl::Time> t = ParseRfc3339("2026-12-07T23:11:15Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(Rfc3339(*t), "2026-12-07T23:11:15Z");
}

TEST(Rfc3339Test, ParsesFractionsAndOffsets) {
  std::optional<absl::Time> frac = ParseRfc3339("2026-12-07T23:11:15.250Z");
  ASSERT_TRUE(frac.has_value());
  EXPECT_EQ(*frac - *ParseRfc3339("2026-12-07T23:11:15Z"), absl::Milliseconds(250));
  std::optional<absl::Time> offset = ParseRfc3339("2026-12-08T01:11:15+02:00");
  ASSERT_TRUE(offset.has_value());
  EXPECT_EQ(Rfc3339(*offset), "2026-12-07T23:11:15Z");
}

TEST(Rfc3339Test, RejectsWhatIsNotATime) {
  for (const char* bad : {"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-01-01T24:00:00Z", "2026-01-01 00:00:00Z", "2026-01-01"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace strata
