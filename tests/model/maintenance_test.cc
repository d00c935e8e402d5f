// Maintenance windows (strata/maintenance.h, SPEC-2 §9): the day and clock
// forms, and which opening contains a moment or comes next.

#include "strata/maintenance.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/rfc3339.h"

namespace strata {
namespace {

absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
  return t;
}

// "<start>/<end>" of what CurrentOrNextWindow finds, or "none".
std::string Span(const std::vector<MaintenanceWindow>& windows, const std::string& now) {
  std::optional<WindowSpan> s = CurrentOrNextWindow(windows, At(now));
  return s ? Rfc3339(s->start) + "/" + Rfc3339(s->end) : "none";
}

TEST(MaintenanceTest, ParsesTheSevenDayNamesOnly) {
  EXPECT_EQ(ParseWeekday("Mon"), absl::Weekday::monday);
  EXPECT_EQ(ParseWeekday("Sun"), absl::Weekday::sunday);
  for (const char* bad : {"", "mon", "Monday", "MON", "Sa", "Sun "}) {
    EXPECT_EQ(ParseWeekday(bad), std::nullopt) << bad;
  }
}

TEST(MaintenanceTest, ParsesClocksAsMinutesAfterMidnight) {
  EXPECT_EQ(ParseClockMinutes("00:00"), 0);
  EXPECT_EQ(ParseClockMinutes("02:30"), 150);
  EXPECT_EQ(ParseClockMinutes("23:59"), 23 * 60 + 59);
  EXPECT_EQ(ParseClockMinutes("24:00"), 24 * 60);
  for (const char* bad : {"", "2:00", "02:0", "02:60", "24:01", "25:00", "02:00:00", "0a:00",
                          "02-00", " 2:00"}) {
    EXPECT_EQ(ParseClockMinutes(bad), std::nullopt) << bad;
  }
}

// 2026-01-01 is a Thursday.
TEST(MaintenanceTest, FindsTheNextOpeningWhenOutside) {
  std::vector<MaintenanceWindow> weekend = {{.days = {"Sat", "Sun"}, .start = "02:00",
                                             .end = "06:00"}};
  EXPECT_EQ(Span(weekend, "2026-01-01T00:00:00Z"), "2026-01-03T02:00:00Z/2026-01-03T06:00:00Z");
  // Just after Saturday's closes: Sunday's.
  EXPECT_EQ(Span(weekend, "2026-01-03T06:00:00Z"), "2026-01-04T02:00:00Z/2026-01-04T06:00:00Z");
  // After Sunday's: next Saturday, a week on.
  EXPECT_EQ(Span(weekend, "2026-01-04T07:00:00Z"), "2026-01-10T02:00:00Z/2026-01-10T06:00:00Z");
}

TEST(MaintenanceTest, FindsTheOpeningThatContainsNow) {
  std::vector<MaintenanceWindow> weekend = {{.days = {"Sat"}, .start = "02:00", .end = "06:00"}};
  EXPECT_EQ(Span(weekend, "2026-01-03T02:00:00Z"), "2026-01-03T02:00:00Z/2026-01-03T06:00:00Z");
  EXPECT_EQ(Span(weekend, "2026-01-03T05:59:59Z"), "2026-01-03T02:00:00Z/2026-01-03T06:00:00Z");
}

TEST(MaintenanceTest, AWindowWhoseEndIsNotAfterItsStartEndsTheNextDay) {
  // Opens Wednesday 22:00, closes Thursday 01:00.
  std::vector<MaintenanceWindow> night = {{.days = {"Wed"}, .start = "22:00", .end = "01:00"}};
  EXPECT_EQ(Span(night, "2026-01-01T00:30:00Z"), "2025-12-31T22:00:00Z/2026-01-01T01:00:00Z");
  EXPECT_EQ(Span(night, "2026-01-01T01:00:00Z"), "2026-01-07T22:00:00Z/2026-01-08T01:00:00Z");
  std::vector<MaintenanceWindow> to_midnight = {{.days = {"Thu"}, .start = "20:00",
                                                 .end = "24:00"}};
  EXPECT_EQ(Span(to_midnight, "2026-01-01T23:00:00Z"),
            "2026-01-01T20:00:00Z/2026-01-02T00:00:00Z");
}

TEST(MaintenanceTest, OfSeveralWindowsTheEarliestNextOrTheLongestOpenWins) {
  std::vector<MaintenanceWindow> windows = {
      {.days = {"Fri"}, .start = "03:00", .end = "04:00"},
      {.days = {"Thu"}, .start = "12:00", .end = "13:00"},
      {.days = {"Thu"}, .start = "00:00", .end = "01:00"},
      {.days = {"Thu"}, .start = "00:00", .end = "02:00"},
  };
  EXPECT_EQ(Span(windows, "2026-01-01T00:10:00Z"), "2026-01-01T00:00:00Z/2026-01-01T02:00:00Z");
  EXPECT_EQ(Span(windows, "2026-01-01T02:00:00Z"), "2026-01-01T12:00:00Z/2026-01-01T13:00:00Z");
  EXPECT_EQ(Span(windows, "2026-01-01T13:00:00Z"), "2026-01-02T03:00:00Z/2026-01-02T04:00:00Z");
}

TEST(MaintenanceTest, NoWindowsOrOnlyInvalidOnesGiveNothing) {
  EXPECT_EQ(Span({}, "2026-01-01T00:00:00Z"), "none");
  std::vector<MaintenanceWindow> invalid = {
      {.days = {"Someday"}, .start = "02:00", .end = "06:00"},
      {.days = {"Sat"}, .start = "02:00", .end = "02:00"},
      {.days = {"Sat"}, .start = "24:00", .end = "02:00"},
      {.days = {}, .start = "02:00", .end = "06:00"},
  };
  EXPECT_EQ(Span(invalid, "2026-01-01T00:00:00Z"), "none");
}

TEST(MaintenanceTest, SaysTheOpeningInWords) {
  std::vector<MaintenanceWindow> weekend = {{.days = {"Sat"}, .start = "02:00", .end = "06:30"}};
  std::optional<WindowSpan> s = CurrentOrNextWindow(weekend, At("2026-01-01T00:00:00Z"));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->ToString(), "Sat 02:00-06:30 UTC");
  EXPECT_EQ(s->window, &weekend[0]);
}

}  // namespace
}  // namespace strata
