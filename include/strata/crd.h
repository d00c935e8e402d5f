// strata/crd.h: the App and Cluster CustomResourceDefinitions (SPEC-2 §7).
//
// The strata operator serves Apps and Clusters as Kubernetes custom
// resources, group strata.dev, version v1: App (cluster-scoped, plural
// `apps`, short name `sapp`) and Cluster (namespaced, plural `clusters`,
// short name `scl`, with a status subresource). Their OpenAPI v3 schemas are
// generated from proto/strata/v1/topology.proto, the one source of truth of
// the input format, so `kubectl explain clusters.spec.roles` shows the proto
// comments and the API server rejects unknown fields:
//   - every message is a structural `type: object` with its fields under
//     their JSON names and no other properties;
//   - descriptions are the fields' and messages' comments;
//   - `default` is set where a field comment opens a sentence with
//     `Default <value>.` (a quoted string, an integer, true/false, or
//     [A, B] for a repeated field); "Default none/unset/empty/: ..." set none;
//   - `required` lists the fields whose comment starts with "Required";
//   - a string field takes any scalar in the YAML format; the closest
//     structural schema is `x-kubernetes-int-or-string` (integers and
//     strings; quote booleans and fractions in a custom resource);
//   - a repeated KeyValue or ConfigOverride (a mapping in YAML) is an object
//     with `additionalProperties`. The API server keeps keys sorted, not in
//     the order written.
// The Cluster's `status` schema is the operator's (SPEC-2 §7), written here.
//
// Example:
//   absl::StatusOr<std::vector<Object>> crds = CustomResourceDefinitions();
//   if (crds.ok()) std::cout << ToYaml(*crds);  // what `strata crds` prints

#ifndef STRATA_CRD_H_
#define STRATA_CRD_H_

#include <vector>

#include "absl/status/statusor.h"
#include "strata/compile.h"

namespace strata {

// The API group and version of App and Cluster custom resources.
inline constexpr char kCrdGroup[] = "strata.dev";
inline constexpr char kCrdVersion[] = "v1";

// The values of a Cluster's status.phase, in the order SPEC-2 §7 lists them.
inline constexpr const char* kClusterPhases[] = {"Pending", "Progressing", "Ready", "Blocked",
                                                 "Invalid", "Paused",      "Stopped", "Deleting"};

// Returns the CustomResourceDefinitions of App and Cluster, in that order
// (kind CustomResourceDefinition, names "apps.strata.dev" and
// "clusters.strata.dev"). Pure and deterministic. Internal when the embedded
// topology.proto descriptor cannot be read or a field comment's default does
// not fit its field's type (a bug in the proto comments, caught by the
// tests).
[[nodiscard]] absl::StatusOr<std::vector<Object>> CustomResourceDefinitions();

}  // namespace strata

#endif  // STRATA_CRD_H_
