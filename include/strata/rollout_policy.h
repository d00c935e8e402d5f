// strata/rollout_policy.h: how a role's members are restarted for an update.
//
// The planner restarts members whose spec-hash differs, `serial`ly or in
// budgeted waves, in `order`, waiting for each to be Ready for
// `min_ready_seconds` and running `gate` in a Ready member before disrupting
// it. A quorum role's budget never lets it drop below floor(n/2)+1 members.
//
// Example:
//   RolloutPolicy p;
//   p.strategy = RolloutStrategy::kBestEffortParallel;
//   p.max_unavailable = IntOrPercent{.value = 25, .percent = true};
//   p.ResolveMaxUnavailable(10);  // 2: 25% of 10 rounded down, at least 1

#ifndef STRATA_ROLLOUT_POLICY_H_
#define STRATA_ROLLOUT_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "strata/probe.h"

namespace strata {

enum class RolloutStrategy { kSerial, kBestEffortParallel, kParallel };
enum class RolloutOrder { kOrdinalDescending, kOrdinalAscending, kFollowersFirst };
// Who needs a person's approval before being disrupted (SPEC-2 §9).
enum class Approval { kNone, kLeader, kEvery };
// How a new role's members come up: all at once, or one at a time, each
// Ready before the next (Cassandra rings; SPEC-2 §8).
enum class InitialRollout { kParallel, kSerial };

// An integer >= 1, or a percentage 1..100 when `percent` is true.
struct IntOrPercent {
  int32_t value = 1;
  bool percent = false;

  bool operator==(const IntOrPercent&) const = default;
};

struct Gate {
  Handler handler;               // exec only; exit 0 means safe to disrupt.
  int32_t timeout_seconds = 600; // Default 600. >= 1.

  bool operator==(const Gate&) const = default;
};

struct RolloutPolicy {
  RolloutStrategy strategy = RolloutStrategy::kSerial;  // Default serial.
  IntOrPercent max_unavailable;  // Default 1. Capped by the quorum budget.
  RolloutOrder order = RolloutOrder::kOrdinalDescending;
  std::string leader_label;  // Required for followersFirst.
  std::optional<Handler> leader_probe;  // exec only; optional.
  int32_t min_ready_seconds = 0;        // Default 0. >= 0.
  std::optional<Gate> gate;
  bool zone_parallel = false;  // Members of one zone may restart together.
  // How long a (re)started member may take to become Ready before the
  // rollout blocks on it. Unset: computed from the probes and
  // minReadySeconds (plan_internal::ReadyTimeoutSeconds). >= 1 when set.
  std::optional<int32_t> ready_timeout_seconds;
  Approval approval = Approval::kNone;  // Default none.
  // kSerial: a new role starts with one member and adds one at a time, each
  // Ready before the next; so does every later scale-out.
  InitialRollout initial = InitialRollout::kParallel;
  // At least this long between two restarts of the role's members (SPEC-2
  // §9): the next starts no earlier than the newest updated pod's
  // creationTimestamp plus this. Default 0. >= 0.
  int32_t min_interval_seconds = 0;

  // Returns the number of members that may be unavailable at once for a role
  // of `members` members: the integer, or the percentage rounded down with a
  // minimum of 1. `serial` always resolves to 1. The quorum cap is applied by
  // the caller (see Role::DisruptionBudget).
  int32_t ResolveMaxUnavailable(int32_t members) const;

  bool operator==(const RolloutPolicy&) const = default;
};

}  // namespace strata

#endif  // STRATA_ROLLOUT_POLICY_H_
