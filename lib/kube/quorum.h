// The majority formula in the vocabulary's words, used by validation (even
// quorum sizes), compile (the PodDisruptionBudget), the planner (rollout
// budgets) and the simulator (the quorum invariant). It is defined once, in
// the model (strata/role.h), which the model itself also uses.

#ifndef STRATA_KUBE_QUORUM_H_
#define STRATA_KUBE_QUORUM_H_

#include <cstdint>

#include "strata/role.h"

namespace strata::kube {

constexpr int32_t Majority(int32_t members) { return MajorityOf(members); }
constexpr int32_t QuorumTolerance(int32_t members) { return QuorumToleranceOf(members); }

}  // namespace strata::kube

#endif  // STRATA_KUBE_QUORUM_H_
