// The majority formula, used by validation (even quorum sizes), compile (the
// PodDisruptionBudget), the planner (rollout budgets) and the simulator (the
// quorum invariant): one definition (issue 11 item 3, ROLLOUT-RULES 3).

#ifndef STRATA_KUBE_QUORUM_H_
#define STRATA_KUBE_QUORUM_H_

#include <cstdint>

namespace strata::kube {

// Members that must stay available for a majority of `members`: n/2 + 1.
constexpr int32_t Majority(int32_t members) { return members / 2 + 1; }

// Members that may be unavailable at once without losing that majority
// (0 below 3 members; never negative).
constexpr int32_t QuorumTolerance(int32_t members) {
  return members <= 0 ? 0 : members - Majority(members);
}

}  // namespace strata::kube

#endif  // STRATA_KUBE_QUORUM_H_
