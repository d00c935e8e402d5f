// What a role's storage entries ask of the volumes that exist (SPEC §4 rule
// 7, ROLLOUT-RULES 18-20): claims that must grow (resizePvc + pvcCapacity
// wait), volumeClaimTemplates changes (immutable in a StatefulSet: orphan
// delete and re-create), and what volumes cannot do (shrink, change access
// modes or class), which refuses the plan. Pure: plain inputs, no planner.
//
// Example:
//   StorageChanges c = PlanStorageChanges({.role = "db", .stateful_set = "c-db",
//                                          .storage = role.storage, .members = 3,
//                                          .observed_sts = sts, .pvcs = &observed.pvcs});
//   for (const PvcResize& r : c.resizes) ...  // grow r.pvc from r.from to r.to

#ifndef STRATA_PLAN_STORAGE_CHANGES_H_
#define STRATA_PLAN_STORAGE_CHANGES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "strata/json.h"
#include "strata/storage.h"

namespace strata::plan_internal {

// One claim to grow.
struct PvcResize {
  std::string pvc;
  int32_t ordinal = 0;
  std::string from, to;       // Sizes as text ("10Gi").
  std::string storage_class;  // "" for the cluster default.
  bool request_done = false;  // Only the capacity is still behind.

  bool operator==(const PvcResize&) const = default;
};

struct StorageInputs {
  std::string role;                     // For messages.
  std::string stateful_set;             // The role's StatefulSet's name.
  std::vector<Storage> storage;         // The role's storage entries.
  int32_t members = 0;                  // Desired members.
  const Json* observed_sts = nullptr;   // The observed StatefulSet, if any.
  const std::vector<Json>* pvcs = nullptr;  // Every observed PVC.
};

struct StorageChanges {
  // What the volumes cannot do: each refuses the plan (FailedPrecondition).
  std::vector<std::string> errors;
  // volumeClaimTemplates changes: "volumeClaimTemplates data size 1Gi -> 2Gi",
  // "volumeClaimTemplates adds logs".
  std::vector<std::string> template_changes;
  // Claims of members that stay, in storage order then ordinal order.
  std::vector<PvcResize> resizes;
};

StorageChanges PlanStorageChanges(const StorageInputs& in);

// The PVCs of claim template `claim` of StatefulSet `stateful_set` among
// `pvcs` ("<claim>-<sts>-<ordinal>"), by ordinal. Pointers into `pvcs`.
std::map<int32_t, const Json*> ClaimPvcs(const std::vector<Json>& pvcs,
                                         const std::string& claim,
                                         const std::string& stateful_set);

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_STORAGE_CHANGES_H_
