// Splits a role's observed pods the way the StatefulSet controller does
// before it acts: members it keeps (by ordinal), members beyond the desired
// count (condemned, highest ordinal first) and ordinals with no pod yet.
//
// Example:
//   RoleMembers m = PartitionMembers(observed.pods, "events-broker", 3);
//   for (const auto& [ordinal, pod] : m.by_ordinal) ...
//   if (!m.condemned.empty()) ... // scale-in still to finish

#ifndef STRATA_PLAN_PARTITION_H_
#define STRATA_PLAN_PARTITION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "absl/strings/string_view.h"
#include "strata/json.h"

namespace strata::plan_internal {

struct RoleMembers {
  // Pods with ordinal < `replicas`, by ordinal. Pointers into the input.
  std::map<int32_t, const Json*> by_ordinal;
  // Pods with ordinal >= `replicas`, highest ordinal first.
  std::map<int32_t, const Json*, std::greater<int32_t>> condemned;
  // Ordinals < `replicas` with no pod, ascending.
  std::vector<int32_t> missing;
};

// Returns the pods of StatefulSet `stateful_set` ("<sts>-<ordinal>") among
// `pods`, split against `replicas` desired members. Other pods are ignored.
// REQUIRES: `pods` outlives the result.
RoleMembers PartitionMembers(const std::vector<Json>& pods,
                             absl::string_view stateful_set, int32_t replicas);

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_PARTITION_H_
