// strata/maintenance.h: maintenance windows (SPEC-2 §9 "Pacing and windows").
//
// A Cluster may allow member restarts and replacements only inside weekly
// windows, in UTC:
//
//   maintenance:
//     windows:
//     - {days: [Sat, Sun], start: "02:00", end: "06:00"}
//     - {days: [Wed], start: "22:00", end: "01:00"}   # ends Thursday 01:00
//
// A window opens on each of its days at `start` and closes at `end` the same
// day, or the next day when `end` is not after `start`. "24:00" is the end of
// the day. Everything here is pure: `now` is an input.

#ifndef STRATA_MAINTENANCE_H_
#define STRATA_MAINTENANCE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace strata {

struct MaintenanceWindow {
  std::vector<std::string> days;  // Required. "Mon" .. "Sun", each once.
  std::string start;              // Required. "HH:MM", 00:00 .. 23:59, UTC.
  std::string end;                // Required. "HH:MM", 00:00 .. 24:00; != start.

  bool operator==(const MaintenanceWindow&) const = default;
};

struct Maintenance {
  std::vector<MaintenanceWindow> windows;  // Empty: restarts at any time.

  bool operator==(const Maintenance&) const = default;
};

// "Mon" .. "Sun" -> the weekday; anything else -> nullopt.
std::optional<absl::Weekday> ParseWeekday(std::string_view day);

// "HH:MM" -> minutes after midnight, 0 .. 1440 ("24:00" is 1440); anything
// else (one-digit hours, seconds, "24:01") -> nullopt.
std::optional<int> ParseClockMinutes(std::string_view clock);

// One opening of a window: [start, end).
struct WindowSpan {
  absl::Time start;
  absl::Time end;
  const MaintenanceWindow* window = nullptr;  // Which window it is an opening of.

  // "Sat 02:00-06:00 UTC".
  std::string ToString() const;
};

// The opening that contains `now` (the one that closes last, when several
// do), else the next one to open; nullopt when `windows` is empty or none of
// them is valid. Invalid windows (validate rejects them) are skipped.
std::optional<WindowSpan> CurrentOrNextWindow(const std::vector<MaintenanceWindow>& windows,
                                              absl::Time now);

}  // namespace strata

#endif  // STRATA_MAINTENANCE_H_
