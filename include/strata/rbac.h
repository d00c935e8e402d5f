// strata/rbac.h: the least-privilege RBAC that `strata apply` needs.
//
// ApplyRbac() returns, for the compiled Clusters a service account will
// apply, exactly the permissions the executor (strata/execute.h) uses with
// them: per namespace a Role and a RoleBinding (list/watch to observe,
// create/patch for server-side apply, delete for restarts, orphaned
// StatefulSets and cleanup, pods/exec for gates, hooks and leader probes,
// pod patches for leader labels and hook records, PVC patches for resizes
// and member marks, PVC deletes only where storage says afterLeave: wipe),
// and a ClusterRole with its binding only when a role needs Nodes (zones).
// `strata rbac` prints them; the tests run `strata apply` as a service
// account bound to exactly this. OperatorRbac() is the same rule source for
// strata-operator.
//
// Example:
//   std::vector<Object> rbac = ApplyRbac({compiled}, RbacOptions{});
//   std::cout << ToYaml(rbac);

#ifndef STRATA_RBAC_H_
#define STRATA_RBAC_H_

#include <string>
#include <vector>

#include "strata/compile.h"

namespace strata {

struct RbacOptions {
  std::string service_account = "strata";  // The ServiceAccount that applies.
  // Its namespace; empty: the namespace of the first Cluster.
  std::string service_account_namespace;
  // Name of the Roles and RoleBindings; the ClusterRole and its binding are
  // "<name>:<service account namespace>:<service account>" (cluster-wide
  // names must not clash between service accounts).
  std::string name = "strata-apply";
};

// Returns the Role and RoleBinding of each namespace of `clusters` (in
// first-seen order), then the ClusterRole and ClusterRoleBinding when some
// role restarts by zone (zoneParallel reads Nodes). Pure.
std::vector<Object> ApplyRbac(const std::vector<CompiledCluster>& clusters,
                              const RbacOptions& options);

// Who strata-operator runs as (deploy/).
struct OperatorRbacOptions {
  std::string namespace_ = "strata-system";  // The operator's namespace.
  std::string service_account = "strata-operator";
  // Name of the ClusterRole and ClusterRoleBinding; the leader-election Role
  // and RoleBinding are "<name>-leader-election".
  std::string name = "strata-operator";
  std::string lease = "strata-operator";  // The leader-election Lease.
};

// Returns the ServiceAccount, ClusterRole, ClusterRoleBinding, Role and
// RoleBinding strata-operator runs with (`strata rbac --operator`,
// deploy/10-rbac.yaml): cluster-wide, every rule ApplyRbac can give (the
// operator reconciles any Cluster in any namespace), reading Apps and
// Clusters, patching Clusters (the strata.dev/cleanup finalizer), writing
// their status, Events; in its own namespace, its one Lease. Pure.
std::vector<Object> OperatorRbac(const OperatorRbacOptions& options);

}  // namespace strata

#endif  // STRATA_RBAC_H_
