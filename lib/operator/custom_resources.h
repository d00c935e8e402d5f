// App and Cluster custom resources as the operator reads and writes them:
// keys, the annotations it honours, the finalizer, owner references, the
// documents the loader reads from them, and the Cluster status (SPEC-2 §7).
// Pure functions over strata::Json.

#ifndef STRATA_OPERATOR_CUSTOM_RESOURCES_H_
#define STRATA_OPERATOR_CUSTOM_RESOURCES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "strata/documents.h"
#include "strata/json.h"
#include "kube/keys.h"

namespace strata::operator_internal {

using kube::kApiVersion;
inline constexpr char kFinalizer[] = "strata.dev/cleanup";
inline constexpr char kPausedAnnotation[] = "strata.dev/paused";
inline constexpr char kApproveAnnotation[] = "strata.dev/approve";
// The label every object strata compiles carries; the operator watches the
// objects it owns by it and finds their Cluster by app.kubernetes.io/instance.
inline constexpr char kManagedBySelector[] = "app.kubernetes.io/managed-by=strata";
using kube::kInstanceLabel;

// "namespace/name" of a namespaced object (the work queue's key).
std::string KeyOf(const Json& object);
std::string MakeKey(absl::string_view namespace_, absl::string_view name);
// Splits a key; the namespace part is empty for "name".
std::pair<std::string, std::string> SplitKey(absl::string_view key);

// metadata.* accessors that tolerate absent fields.
std::string NameOf(const Json& object);
std::string NamespaceOf(const Json& object);
std::string UidOf(const Json& object);
int64_t GenerationOf(const Json& object);
std::string ResourceVersionOf(const Json& object);
std::string AnnotationOf(const Json& object, absl::string_view key);
std::string LabelOf(const Json& object, absl::string_view key);
bool IsDeleting(const Json& object);  // metadata.deletionTimestamp is set.
bool HasFinalizer(const Json& object);

// strata.dev/paused is "true".
bool IsPaused(const Json& cluster);
// The tokens of strata.dev/approve (comma or space separated).
std::vector<std::string> ApprovalTokens(const Json& cluster);

// The App and Cluster documents the loader reads for this Cluster (`app` is
// the App custom resource spec.app names): apiVersion, kind, metadata.name
// (the Cluster's namespace and labels too) and spec; everything the API
// server adds (uid, managedFields, status, ...) is left out. Sources are
// named "App <name>" and "Cluster <namespace>/<name>", so errors read
// `Cluster data/events: spec.roles[1].members: ...`.
std::vector<Source> TopologySources(const Json& app, const Json& cluster);

// The ownerReference created objects carry: the Cluster, as controller,
// blocking its deletion until they are gone.
Json OwnerReference(const Json& cluster);

// The Cluster's metadata.finalizers with strata.dev/cleanup added or
// removed (others kept, in order).
Json FinalizersWith(const Json& cluster, bool present);

// RFC 3339 with seconds ("2025-01-02T03:04:05Z"), as Kubernetes' metav1.Time.
std::string FormatTime(absl::Time t);
// With microseconds, as metav1.MicroTime.
std::string FormatMicroTime(absl::Time t);
// Parses either; nullopt when malformed.
std::optional<absl::Time> ParseTime(absl::string_view text);

// A Kubernetes Event about the Cluster.
struct EventRecord {
  std::string type;    // "Normal" or "Warning".
  std::string reason;  // CamelCase: Applied, Restarted, StepFailed, Blocked, Invalid, ...
  std::string action;  // What was done: "apply", "restart", "reconcile", "cleanup", ...
  std::string message;
};

// A standard condition (type, status, reason, message).
struct Condition {
  std::string type;
  std::string status;  // "True", "False" or "Unknown".
  std::string reason;
  std::string message;
};

// What one reconcile concluded, to be written as the Cluster's status.
struct StatusReport {
  int64_t generation = 0;  // The spec the report is about.
  std::string phase;       // One of kClusterPhases.
  std::string message;
  std::vector<Condition> conditions;  // Ready, Progressing, Blocked, Invalid.
  // Per-role counts and the plan; absent: keep what the status had.
  struct Role {
    std::string name;
    int32_t members = 0;
    int32_t ready = 0;
    int32_t updated = 0;
  };
  std::optional<std::vector<Role>> roles;
  struct NextStep {
    std::string action;
    std::string target;
    std::string reason;
  };
  std::optional<int32_t> steps;
  std::optional<std::vector<NextStep>> next;
};

// The Cluster status `report` describes, given the status it had
// (`previous`, may be null): a condition keeps its lastTransitionTime while
// its status stays the same; readyMembers/updatedMembers sum the roles.
Json BuildStatus(const Json& previous, const StatusReport& report, absl::Time now);

// Whether writing `next` over `previous` changes anything a reader sees.
bool StatusDiffers(const Json& previous, const Json& next);

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_CUSTOM_RESOURCES_H_
