// Name budgets (SPEC §2.4): the names strata generates from a Cluster, its
// roles, services and storage must fit Kubernetes' limits and must not
// coincide. The App alone decides some of them (Service and ConfigMap names
// up to the "<cluster>-" prefix); the Cluster's name and member counts
// decide the rest.

#ifndef STRATA_VALIDATE_NAME_BUDGETS_H_
#define STRATA_VALIDATE_NAME_BUDGETS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "strata/app.h"
#include "strata/cluster.h"
#include "validate/field_path.h"
#include "validate/reporter.h"

namespace strata::validate_internal {

// A StatefulSet's name plus "-" and the 10-character controller-revision-hash
// suffix must fit in a 63-character label value.
inline constexpr int kMaxStatefulSetName = 52;
inline constexpr int kMaxDnsLabel = 63;
inline constexpr int kMaxPvcName = 253;

// A generated object name and what produced it.
struct GeneratedName {
  std::string name;
  std::string origin;  // "the headless Service of role \"a\"".
  FieldPath path;      // Where to report a collision.
  bool per_member = false;
};

// Reports generated names of `kind` that coincide (a name shown with
// `shown_prefix` before it). With `only_per_member`, only collisions
// involving a per-member name are reported.
void CheckCollisions(Reporter& r, absl::string_view kind, const std::vector<GeneratedName>& names,
                     bool only_per_member, absl::string_view shown_prefix);

// The Service names of `app`, each prefixed with `prefix`. With `members`,
// per-member names too, reported at `member_paths[i]` for role i.
std::vector<GeneratedName> ServiceNames(const App& app, const std::vector<int32_t>* members,
                                        const std::vector<FieldPath>* member_paths,
                                        const std::string& prefix);

// Reports `name` (a `what`, such as "pod") at `path` when it is longer than
// `max`; `why` is appended to the message.
void CheckLength(Reporter& r, const FieldPath& path, absl::string_view what,
                 const std::string& name, size_t max, absl::string_view why = "");

// The names the App alone decides: its Services' names ("<cluster>-" left
// out) must differ, and no role's ConfigMaps ("<cluster>-<role>-config-<hash>")
// may be named like another's.
void CheckAppNames(Reporter& r, const App& app);

// The names of Cluster `c` with `members[i]` members of `app.roles[i]`:
// lengths of StatefulSet, pod, Service and PVC names, and per-member Service
// names that coincide with others. Problems that grow with the member count
// are reported at `budget_paths[i]`, the rest at the Cluster's name.
void CheckClusterNames(Reporter& r, const Cluster& c, const App& app,
                       const std::vector<int32_t>& members,
                       const std::vector<FieldPath>& budget_paths);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_NAME_BUDGETS_H_
