// Names: how strata names the objects of a member, and the spellings of the
// rollout vocabulary in the format (issue 11 item 3). Compile, the planner,
// the simulator, the executor and the proto conversion use these; nothing
// else spells them.
//
// Example:
//   kube::OrdinalOf("events-broker-4", "events-broker");   // 4
//   kube::PvcName("data", "events-broker", 4);             // "data-events-broker-4"

#ifndef STRATA_KUBE_NAMES_H_
#define STRATA_KUBE_NAMES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "strata/rollout_policy.h"

namespace strata::kube {

// The ordinal of pod `pod_name` of StatefulSet `stateful_set`
// ("<sts>-<digits>", no leading zero, at most 9 digits), or nullopt for any
// other name.
std::optional<int32_t> OrdinalOf(absl::string_view pod_name, absl::string_view stateful_set);

// "<sts>-<ordinal>", the pod the StatefulSet controller makes.
std::string PodName(absl::string_view stateful_set, int32_t ordinal);

// "<claim>-<sts>-<ordinal>", the PVC a member's claim template makes.
std::string PvcName(absl::string_view claim, absl::string_view stateful_set, int32_t ordinal);

// One enum value's spelling in the format; the first entry of each table is
// the default.
template <typename E>
struct EnumName {
  const char* name;
  E value;
};

inline constexpr EnumName<RolloutStrategy> kStrategyNames[] = {
    {"serial", RolloutStrategy::kSerial},
    {"bestEffortParallel", RolloutStrategy::kBestEffortParallel},
    {"parallel", RolloutStrategy::kParallel}};
inline constexpr EnumName<RolloutOrder> kOrderNames[] = {
    {"ordinalDescending", RolloutOrder::kOrdinalDescending},
    {"ordinalAscending", RolloutOrder::kOrdinalAscending},
    {"followersFirst", RolloutOrder::kFollowersFirst}};

// The name of `value` in `table`, or the table's first name.
template <typename E, size_t N>
constexpr const char* NameIn(const EnumName<E> (&table)[N], E value) {
  for (const EnumName<E>& e : table) {
    if (e.value == value) return e.name;
  }
  return table[0].name;
}

// "serial", "bestEffortParallel", "parallel".
inline const char* StrategyName(RolloutStrategy s) { return NameIn(kStrategyNames, s); }
// "ordinalDescending", "ordinalAscending", "followersFirst".
inline const char* OrderName(RolloutOrder o) { return NameIn(kOrderNames, o); }

}  // namespace strata::kube

#endif  // STRATA_KUBE_NAMES_H_
