// UnlabelledStatefulSets: what observing a Cluster adds for adoption.
//
// Adoption (SPEC-2 §10): a StatefulSet written by hand or by Helm carries no
// app.kubernetes.io/instance label, so a Cluster's label selector misses it.
// KubeClient::Observe and the simulator's client both add, from the objects
// of the namespace that have no such label, what this returns; the planner
// decides which of them a role takes over.
//
// Example:
//   ObservedState extra = UnlabelledStatefulSets(sets, pods, pvcs);

#ifndef STRATA_PLAN_ADOPTABLE_H_
#define STRATA_PLAN_ADOPTABLE_H_

#include <vector>

#include "strata/json.h"
#include "strata/observed_state.h"

namespace strata {

// Every StatefulSet of `stateful_sets` without the instance label, the pods
// that are its members (named <sts>-<ordinal> and matching its
// spec.selector.matchLabels) and its PVCs (named
// <claim template>-<sts>-<ordinal>), each in the order given. Objects with
// the instance label (of any cluster) and everything else are dropped.
ObservedState UnlabelledStatefulSets(const std::vector<Json>& stateful_sets,
                                     const std::vector<Json>& pods,
                                     const std::vector<Json>& persistent_volume_claims);

}  // namespace strata

#endif  // STRATA_PLAN_ADOPTABLE_H_
