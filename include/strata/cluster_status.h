// strata/cluster_status.h: how far a running Cluster is from its files.
//
// ComputeClusterStatus() summarises, per role, the members the files ask for
// and what runs (existing, Ready, at the current spec-hash), and, for the
// whole Cluster, whether it has converged, why it is blocked and the steps
// that would run next: what `strata status` prints (SPEC-2 §6) and what the
// operator and the Python API report. Pure: the caller observes, plans and
// passes the time the state was read.
//
// Example:
//   absl::StatusOr<Plan> plan = PlanRollout(compiled, observed, {.now = now});
//   ClusterStatus status = ComputeClusterStatus(compiled, observed, *plan, now);
//   std::cout << ClusterStatusToText(status);
//   return status.converged ? 0 : 3;

#ifndef STRATA_CLUSTER_STATUS_H_
#define STRATA_CLUSTER_STATUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"
#include "strata/plan.h"

namespace strata {

// A member that is not where the files want it.
struct MemberStatus {
  std::string pod;  // "events-broker-2".
  int32_t ordinal = 0;
  bool exists = false;       // A pod of that name runs (not terminating).
  bool ready = false;        // Ready as the planner judges it.
  bool updated = false;      // strata.dev/spec-hash is the compiled one.
  bool terminating = false;  // Being deleted.
  // Why it cannot make progress on its own ("container kafka is in
  // ImagePullBackOff"), or "".
  std::string stuck;

  bool operator==(const MemberStatus&) const = default;
};

struct RoleStatus {
  std::string name;
  std::string stateful_set;  // "C-R".
  int32_t desired = 0;       // Members the files ask for (0: a removed role).
  // Pods of the role's StatefulSet, at any ordinal, not terminating.
  int32_t existing = 0;
  int32_t ready = 0;    // Of those, Ready.
  int32_t updated = 0;  // Of those, at the compiled spec-hash.
  // No step of the plan concerns this role.
  bool converged = false;
  // Members 0..desired-1 that are missing, not Ready or outdated, and
  // members at ordinals >= desired still running, by ordinal.
  std::vector<MemberStatus> attention;
  int32_t steps = 0;  // Steps of the plan about this role.

  bool operator==(const RoleStatus&) const = default;
};

struct ClusterStatus {
  std::string cluster;
  std::string namespace_;
  bool converged = false;       // The plan is empty.
  bool blocked = false;         // The plan stops at a member that cannot progress.
  std::string blocked_reason;   // Set when blocked.
  // Roles in dependsOn order, then roles no longer in the App whose objects
  // the plan removes.
  std::vector<RoleStatus> roles;
  int32_t steps = 0;              // Steps left in the plan.
  std::vector<Step> next;         // The steps that may run now (Plan::next).
  std::vector<std::string> notes;  // The plan's notes.
  absl::Time observed_at;          // When the state was read.

  bool operator==(const ClusterStatus&) const = default;
};

// Returns the status of `desired` given what runs (`observed`, read at `now`)
// and the plan made from them (`plan` = PlanRollout(desired, observed, now)).
ClusterStatus ComputeClusterStatus(const CompiledCluster& desired, const ObservedState& observed,
                                   const Plan& plan, absl::Time now);

// {"cluster", "namespace", "converged", "blocked", "blockedReason"?,
//  "observedAt", "steps", "roles": [{"name", "statefulSet", "desired",
//  "existing", "ready", "updated", "converged", "steps", "attention":
//  [{"pod", "ordinal", "exists", "ready", "updated", "terminating"?,
//  "stuck"?}]}], "next": [{"id", "action", "headline", "reason"}], "notes"}.
Json ClusterStatusToJson(const ClusterStatus& status);

// A short report a person reads at a glance: one line for the Cluster, a
// table of roles, the members that need attention, the blocked reason, the
// next steps with their reasons and the notes.
std::string ClusterStatusToText(const ClusterStatus& status);

}  // namespace strata

#endif  // STRATA_CLUSTER_STATUS_H_
