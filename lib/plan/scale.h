// How a role's member count changes (SPEC §4 rules 4-6, ROLLOUT-RULES
// 12-14): decided here from plain numbers and flags, emitted by
// RolePlanner::ScaleOut (scale_out.cc) and RolePlanner::ScaleIn
// (scale_in.cc), the two halves of the StatefulSet controller's
// "create missing ordinals ascending, remove condemned ones descending".
//
// Example:
//   MembershipChange c = DecideMembership({.desired = 5, .observed = 3,
//                                          .has_stateful_set = true, .stepped = true});
//   // c.kind == MembershipChange::Kind::kScaleOutStepped, c.objects_replicas == 3

#ifndef STRATA_PLAN_SCALE_H_
#define STRATA_PLAN_SCALE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/storage.h"

namespace strata::plan_internal {

struct MembershipInputs {
  int32_t desired = 0;            // Members the Cluster asks for.
  int32_t observed = 0;           // The StatefulSet's replicas (0 when absent).
  bool has_stateful_set = false;  // The role's StatefulSet exists.
  // Replicas change one at a time: the role has memberLeave/memberJoin, a
  // majority quorum, or rollout.initial: serial.
  bool stepped = false;
  bool serial_start = false;  // rollout.initial: serial.
  // Some ordinal in [observed, desired) has PVCs marked member-left: they
  // are wiped or unmarked before it comes back.
  bool prep_needed = false;
  // The ordinal the StatefulSet's member-joining annotation names (a member
  // that stays) when the role has memberJoin.
  std::optional<int32_t> join_pending;
};

struct MembershipChange {
  enum class Kind {
    kNone,             // Nothing in the membership phase (a plain scale-in
                       // is the objects phase's StatefulSet apply).
    kSerialBringUp,    // A new role comes up one member at a time.
    kScaleOutAtOnce,   // Ordinals [from, to) are prepared, then added at once.
    kScaleOutStepped,  // Ordinals [from, to) are added one at a time.
    kScaleInStepped,   // Ordinals [to, from) are removed one at a time, highest first.
  };
  Kind kind = Kind::kNone;
  int32_t from = 0;  // Replicas before.
  int32_t to = 0;    // Replicas after.
  bool stepped = false;  // MembershipInputs::stepped.
  // The replicas the objects phase applies the StatefulSet with.
  int32_t objects_replicas = 0;
  // A scale-out stopped between adding this member and its memberJoin: run
  // memberJoin first (then record it, when nothing else changes).
  std::optional<int32_t> resume_join;
  // Pods beyond the desired count go with the objects phase's apply (they
  // count as removed by this plan).
  bool condemned_go_with_objects = false;

  bool EmitsSteps() const { return kind != Kind::kNone || resume_join.has_value(); }
};

// Decides what the membership phase does from the desired and observed
// member counts.
MembershipChange DecideMembership(const MembershipInputs& in);

// "; data-C-R-3, data-C-R-4 kept (onScaleDown: retain)" and/or "; the
// StatefulSet deletes ... (onScaleDown: delete)" for the PVCs of ordinals
// [from, to) of StatefulSet `stateful_set`; "" for a role without storage.
std::string ScaleInVolumes(const std::vector<Storage>& storage,
                           const std::string& stateful_set, int32_t from, int32_t to);

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_SCALE_H_
