#include "plan/partition.h"

#include "kube/names.h"
#include "kube/object.h"
#include "plan/predicates.h"

namespace strata::plan_internal {

using kube::NameOf;
using kube::OrdinalOf;

RoleMembers PartitionMembers(const std::vector<Json>& pods,
                             absl::string_view stateful_set, int32_t replicas) {
  RoleMembers out;
  for (const Json& pod : pods) {
    std::optional<int32_t> ordinal = OrdinalOf(NameOf(pod), stateful_set);
    if (!ordinal.has_value()) continue;
    if (*ordinal < replicas) {
      out.by_ordinal[*ordinal] = &pod;
    } else {
      out.condemned[*ordinal] = &pod;
    }
  }
  for (int32_t i = 0; i < replicas; ++i) {
    if (!out.by_ordinal.count(i)) out.missing.push_back(i);
  }
  return out;
}

}  // namespace strata::plan_internal
