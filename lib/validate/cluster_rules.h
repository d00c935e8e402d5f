// The Cluster rules (SPEC §1.3, SPEC-2 §9): what a Cluster document must
// satisfy on its own, and then against the App it names.

#ifndef STRATA_VALIDATE_CLUSTER_RULES_H_
#define STRATA_VALIDATE_CLUSTER_RULES_H_

#include "strata/app.h"
#include "strata/cluster.h"
#include "strata/maintenance.h"
#include "validate/field_path.h"
#include "validate/reporter.h"

namespace strata::validate_internal {

// The rules that need no App: names, overrides' own fields, connections,
// maintenance.
void CheckClusterAlone(Reporter& r, const Cluster& c);

// `c` against its App: the App's name, connections the templates use,
// overrides of roles, storage and config files that exist, member counts
// (cardinality, replaced members, warnings) and name budgets.
void CheckClusterWithApp(Reporter& r, const Cluster& c, const App& app);

// Cluster `maintenance` (SPEC-2 §9) at `path`: days, clocks, no empty window.
void CheckMaintenance(Reporter& r, const FieldPath& path, const Maintenance& m);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_CLUSTER_RULES_H_
