// RFC 3339 timestamps as Kubernetes writes them (seconds, UTC, "Z"), for the
// core's pure code: creationTimestamp, lastTransitionTime, plan reasons and
// the times of window / notBefore waits.

#ifndef STRATA_UTIL_RFC3339_H_
#define STRATA_UTIL_RFC3339_H_

#include <string>

#include "absl/time/time.h"

namespace strata {

// "2026-12-12T02:00:00Z" (sub-second precision is dropped).
inline std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace strata

#endif  // STRATA_UTIL_RFC3339_H_
