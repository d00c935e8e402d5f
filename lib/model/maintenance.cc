// Maintenance windows: parsing the day and clock forms, and finding the
// opening that contains a moment or comes next.

#include "strata/maintenance.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace strata {
namespace {

constexpr std::array<std::pair<std::string_view, absl::Weekday>, 7> kDays = {{
    {"Mon", absl::Weekday::monday},
    {"Tue", absl::Weekday::tuesday},
    {"Wed", absl::Weekday::wednesday},
    {"Thu", absl::Weekday::thursday},
    {"Fri", absl::Weekday::friday},
    {"Sat", absl::Weekday::saturday},
    {"Sun", absl::Weekday::sunday},
}};

std::string_view DayName(absl::Weekday day) {
  for (const auto& [name, d] : kDays) {
    if (d == day) return name;
  }
  return "?";
}

}  // namespace

std::optional<absl::Weekday> ParseWeekday(std::string_view day) {
  for (const auto& [name, d] : kDays) {
    if (name == day) return d;
  }
  return std::nullopt;
}

std::optional<int> ParseClockMinutes(std::string_view clock) {
  if (clock.size() != 5 || clock[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4}) {
    if (clock[i] < '0' || clock[i] > '9') return std::nullopt;
  }
  int hours = (clock[0] - '0') * 10 + (clock[1] - '0');
  int minutes = (clock[3] - '0') * 10 + (clock[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return hours * 60 + minutes;
}

std::string WindowSpan::ToString() const {
  absl::CivilMinute s = absl::ToCivilMinute(start, absl::UTCTimeZone());
  absl::CivilMinute e = absl::ToCivilMinute(end, absl::UTCTimeZone());
  return absl::StrFormat("%s %02d:%02d-%02d:%02d UTC", DayName(absl::GetWeekday(s)), s.hour(),
                         s.minute(), e.hour(), e.minute());
}

std::optional<WindowSpan> CurrentOrNextWindow(const std::vector<MaintenanceWindow>& windows,
                                              absl::Time now) {
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  std::optional<WindowSpan> current, next;
  // An opening that started yesterday may still be open; every window opens
  // within a week of today.
  for (int d = -1; d <= 7; ++d) {
    const absl::CivilDay day = today + d;
    for (const MaintenanceWindow& w : windows) {
      std::optional<int> from = ParseClockMinutes(w.start);
      std::optional<int> to = ParseClockMinutes(w.end);
      if (!from || !to || *from >= 24 * 60 || *from == *to) continue;
      bool opens = false;
      for (const std::string& name : w.days) {
        std::optional<absl::Weekday> wd = ParseWeekday(name);
        opens |= wd.has_value() && *wd == absl::GetWeekday(day);
      }
      if (!opens) continue;
      const int length = *to > *from ? *to - *from : *to + 24 * 60 - *from;
      WindowSpan span;
      span.start = absl::FromCivil(absl::CivilMinute(day) + *from, absl::UTCTimeZone());
      span.end = span.start + absl::Minutes(length);
      span.window = &w;
      if (span.start <= now && now < span.end) {
        if (!current || span.end > current->end) current = span;
      } else if (span.start > now && (!next || span.start < next->start)) {
        next = span;
      }
    }
  }
  return current ? current : next;
}

}  // namespace strata
