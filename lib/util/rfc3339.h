// RFC 3339 timestamps as Kubernetes writes them (seconds, UTC, "Z"), for the
// core's pure code: creationTimestamp, lastTransitionTime, plan reasons and
// the times of window / notBefore waits.

#ifndef STRATA_UTIL_RFC3339_H_
#define STRATA_UTIL_RFC3339_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace strata {

// "2026-12-12T02:00:00Z" (sub-second precision is dropped).
inline std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// The time an RFC 3339 timestamp names ("2026-01-01T00:00:00Z", or with a
// fraction or an offset), or nullopt. The API server's own form (seconds,
// "Z") is read without absl's general parser: the planner and the observed
// state parser read several timestamps per pod.
std::optional<absl::Time> ParseRfc3339(absl::string_view text);

}  // namespace strata

#endif  // STRATA_UTIL_RFC3339_H_
