// Pairing checked Clusters with their Apps: the one loop behind Resolve()
// (strata/validate.h) and Prepare() (strata/pipeline.h).

#ifndef STRATA_VALIDATE_RESOLVE_H_
#define STRATA_VALIDATE_RESOLVE_H_

#include <vector>

#include "strata/documents.h"
#include "strata/validate.h"

namespace strata::validate_internal {

// Returns one Topology per Cluster of `documents`, in source order.
// REQUIRES: Check(documents) found no error (every Cluster's App exists).
std::vector<Topology> PairWithApps(const Documents& documents);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_RESOLVE_H_
