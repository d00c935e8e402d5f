// Helpers shared by the pass (execute_plan.cc) and Reconcile (reconcile.cc).

#ifndef STRATA_LIB_EXECUTE_INTERNAL_H_
#define STRATA_LIB_EXECUTE_INTERNAL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "strata/execute.h"

namespace strata::execute_internal {

// True for the codes a grace period may wait out (Unavailable,
// DeadlineExceeded): a server restarting, a network blip.
bool Transient(const absl::Status& status);

// The backoff before attempt `failures` + 1 of `key`: `initial` doubled per
// failure up to `max`, scaled by a jitter factor in [0.5, 1.0) derived from
// the key and the count (deterministic: the core has no random source, and
// two members retrying the same hook still spread out).
absl::Duration Backoff(const std::string& key, int32_t failures, absl::Duration initial,
                       absl::Duration max);

// "12s", "3m04s", "1h02m": durations as a person reads them in progress output.
std::string ShortDuration(absl::Duration d);

// "apply StatefulSet events-broker", "restart events-broker-2",
// "exec memberLeave in events-broker-4", "wait podReady events-broker-2".
std::string StepTitle(const Step& step);

}  // namespace strata::execute_internal

#endif  // STRATA_LIB_EXECUTE_INTERNAL_H_
