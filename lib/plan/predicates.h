// Pure predicates over observed pods and PVCs (kubectl-shaped Json), the
// planner's equivalent of the StatefulSet controller's isRunningAndReady /
// isHealthy helpers. None of them allocate state or look at a clock: time
// comes in as `now`. Reading fields, keys and member names is lib/kube's.
//
// Example:
//   if (IsReady(pod) && !IsAtDesiredSpec(pod, role.spec_hash)) ...

#ifndef STRATA_PLAN_PREDICATES_H_
#define STRATA_PLAN_PREDICATES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "strata/json.h"
#include "strata/role.h"

namespace strata::plan_internal {

// True when metadata.deletionTimestamp is set.
bool IsTerminating(const Json& pod);

// True when the pod runs (phase Running), is not terminating and its Ready
// condition is "True".
bool IsReady(const Json& pod);

// When a Ready pod became Ready (the Ready condition's lastTransitionTime);
// nullopt when not Ready or the time is not recorded.
std::optional<absl::Time> ReadySince(const Json& pod);

// True when the pod is Ready and has been for `min_ready_seconds` at `now`
// (the StatefulSet controller's "available"). A Ready pod without a recorded
// transition time counts as available: nothing says otherwise.
bool IsAvailable(const Json& pod, int32_t min_ready_seconds, absl::Time now);

// Returns why the pod cannot make progress on its own, or "" when it is not
// stuck: a container (or init container) waiting in CrashLoopBackOff,
// ImagePullBackOff, ErrImagePull, InvalidImageName or
// CreateContainerConfigError, or a Pending pod the scheduler marked
// Unschedulable. E.g. "container kafka is in ImagePullBackOff".
std::string StuckReason(const Json& pod);

// True when the pod's strata.dev/spec-hash annotation equals `spec_hash`.
bool IsAtDesiredSpec(const Json& pod, absl::string_view spec_hash);

// True when `leader_label` is set and the pod's label of that name is "true".
bool IsLeader(const Json& pod, const std::string& leader_label);

// The pod's zone: its topology.kubernetes.io/zone label, else that label of
// the Node named by spec.nodeName; "" when unknown.
std::string ZoneOf(const Json& pod, const std::vector<Json>& nodes);

// When the pod's current incarnation started: status.startTime, else
// metadata.creationTimestamp; nullopt when neither is recorded.
std::optional<absl::Time> StartedAt(const Json& pod);

// True when a volume of the pod mounts ConfigMap `name` (directly or through
// a projected volume).
bool UsesConfigMap(const Json& pod, absl::string_view name);

// The PVC's requested size (spec.resources.requests.storage) and capacity
// (status.capacity.storage) as text; "" when absent.
std::string PvcRequest(const Json& pvc);
std::string PvcCapacity(const Json& pvc);

// Seconds a member of `role` may take from (re)start to Ready before the plan
// treats it as failed (ROLLOUT-RULES 11): 300 s plus the startup probe's
// budget, the readiness probe's initial delay and minReadySeconds; or the
// role's rollout.readyTimeoutSeconds when it sets one.
int32_t ReadyTimeoutSeconds(const Role& role);

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_PREDICATES_H_
