// strata/observed_state.h: what runs now, as kubectl prints it.
//
// The planner's view of a cluster is what
//   kubectl get statefulsets,pods,services,configmaps,poddisruptionbudgets,
//       persistentvolumeclaims -n N -l app.kubernetes.io/instance=C -o yaml
// prints: a `kind: List`. ParseObservedState() reads that (YAML or JSON; also
// a single object or a multi-document stream), keeps the kinds the planner
// uses (plus Nodes, for zones), ignores the rest and sorts each kind by name.
//
// Example:
//   absl::StatusOr<ObservedState> now = ParseObservedState(text, "observed.yaml");
//   for (const Json& pod : now->pods) ...

#ifndef STRATA_OBSERVED_STATE_H_
#define STRATA_OBSERVED_STATE_H_

#include <string>
#include <vector>

#include "strata/limits.h"

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "strata/json.h"

namespace strata {

// The kinds of a Cluster's own objects (selected by its
// app.kubernetes.io/instance label), in ObservedStateToList order.
inline constexpr const char* kClusterObjectKinds[] = {
    "StatefulSet", "Pod", "Service", "ConfigMap", "PodDisruptionBudget",
    "PersistentVolumeClaim"};
// Every kind an ObservedState keeps: those, then the shared Nodes and Secrets.
inline constexpr const char* kObservedKinds[] = {
    "StatefulSet", "Pod", "Service", "ConfigMap", "PodDisruptionBudget",
    "PersistentVolumeClaim", "Node", "Secret"};

struct ObservedState {
  // Whole objects as read, each list sorted by metadata.name.
  std::vector<Json> stateful_sets;
  std::vector<Json> pods;
  std::vector<Json> services;
  std::vector<Json> config_maps;
  std::vector<Json> pod_disruption_budgets;
  std::vector<Json> persistent_volume_claims;
  std::vector<Json> nodes;
  // Secret metadata only: `data` and `stringData` are dropped when read
  // (ObserveRequest::secrets; day-2 operations, SPEC-2 §9).
  std::vector<Json> secrets;

  bool empty() const;

  // The objects of `kind` ("StatefulSet", "Pod", ..., "Node", "Secret"; see
  // kObservedKinds), or null for a kind the state does not keep.
  std::vector<Json>* ObjectsOf(absl::string_view kind);
  const std::vector<Json>* ObjectsOf(absl::string_view kind) const;

  bool operator==(const ObservedState&) const = default;
};

// Returns the state held by `text`, or InvalidArgument naming `source_name`
// and the offending item ("observed.yaml: items[3] (Pod events-broker-1):
// metadata.name: missing"), or ResourceExhausted when `text` is over one of
// `limits` (size, nesting, documents, alias expansion; strata/limits.h).
[[nodiscard]] absl::StatusOr<ObservedState> ParseObservedState(
    absl::string_view text, absl::string_view source_name, const Limits& limits = {});

// The same from an already-parsed List, object or array of objects.
[[nodiscard]] absl::StatusOr<ObservedState> ObservedStateFromJson(
    const Json& value, absl::string_view source_name);

// The state as a `kind: List`, objects ordered by kind then name.
Json ObservedStateToList(const ObservedState& state);

}  // namespace strata

#endif  // STRATA_OBSERVED_STATE_H_
