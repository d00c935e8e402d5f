// What the finalizer strata.dev/cleanup does when a Cluster custom resource
// is deleted (SPEC-2 §7): remove the Cluster's objects and apply
// onClusterDelete to its PersistentVolumeClaims -- a claim is deleted only
// when both the Cluster's spec (compiled) and the StatefulSet it belongs to
// say `delete`; every other claim is kept, ownerless, for a later Cluster of
// the same name to find.
//
// Order: each StatefulSet is deleted with orphan propagation (so the
// StatefulSet controller's ownerReferences on claims cannot take a retained
// claim with it), then the pods, Services, ConfigMaps and
// PodDisruptionBudgets, then the claims that policy says to delete.
//
// Example:
//   absl::StatusOr<CleanupResult> r = CleanupCluster(client, scope, &compiled);
//   if (r.ok()) RemoveFinalizer();   // r->kept_pvcs survive

#ifndef STRATA_OPERATOR_CLEANUP_H_
#define STRATA_OPERATOR_CLEANUP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "strata/compile.h"
#include "strata/execute.h"

namespace strata::operator_internal {

struct CleanupResult {
  int deleted_objects = 0;              // StatefulSets, pods, Services, ...
  std::vector<std::string> deleted_pvcs;
  std::vector<std::string> kept_pvcs;
  std::string message;                  // One sentence for the Event.
};

// Deletes the objects of the Cluster `scope` names (its namespace and
// instance label). `desired` is the Cluster compiled from its current spec,
// or null when it does not compile (then every claim is kept). Returns what
// was done, or the client's error (nothing is undone; calling again
// continues: deleting what is gone succeeds).
[[nodiscard]] absl::StatusOr<CleanupResult> CleanupCluster(ClusterClient& client,
                                                           const ObserveRequest& scope,
                                                           const CompiledCluster* desired);

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_CLEANUP_H_
