// Reading fields of Kubernetes objects held as kubectl-shaped Json: one set of
// accessors for compile, plan, sim, execute and the operator (issue 11 item 3).
// None of them throw, whatever the object holds: a missing step, a null, or a
// value of another type reads as absent.
//
// Example:
//   std::string sts = kube::LabelOf(pod, kube::kComponentLabel);
//   int64_t replicas = kube::IntAt(sts, {"spec", "replicas"}, 1);

#ifndef STRATA_KUBE_OBJECT_H_
#define STRATA_KUBE_OBJECT_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "strata/json.h"
#include "strata/quantity.h"

namespace strata::kube {

using Path = std::initializer_list<const char*>;

// The value at `path` under `object`, or nullptr when a step is missing,
// null, or not an object.
const Json* Find(const Json& object, Path path);

// The value at `path`, or a null Json when Find would return nullptr.
const Json& At(const Json& object, Path path);

// The string at `path`; a number there reads as its JSON text ("3"); "" when
// absent or of another type.
std::string StringAt(const Json& object, Path path);

// The integer at `path`, or `fallback` when absent or not an integer.
int64_t IntAt(const Json& object, Path path, int64_t fallback);

// The quantity at `path` ("10Gi"), or nullopt when absent or not one.
std::optional<Quantity> QuantityAt(const Json& object, Path path);

// A quantity written as text, or nullopt when empty or not one.
std::optional<Quantity> ParseQuantityText(absl::string_view text);

// metadata.name and metadata.namespace as StringAt reads them;
// metadata.labels[key] and metadata.annotations[key], "" when absent or not a
// string.
std::string NameOf(const Json& object);
std::string NamespaceOf(const Json& object);
std::string LabelOf(const Json& object, absl::string_view key);
std::string AnnotationOf(const Json& object, absl::string_view key);

// The owner reference with controller: true, or nullptr.
const Json* ControllerRef(const Json& object);

// True when every key of `match_labels` has that value in `labels`. An empty
// selector matches nothing, as for a StatefulSet's spec.selector.
bool SelectorMatches(const Json& match_labels, const Json& labels);

}  // namespace strata::kube

#endif  // STRATA_KUBE_OBJECT_H_
