#include "plan/scale.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/names.h"
#include "plan/predicates.h"

namespace strata::plan_internal {

using kube::PvcName;

MembershipChange DecideMembership(const MembershipInputs& in) {
  using Kind = MembershipChange::Kind;
  const int32_t n = in.desired, r = in.observed;
  // A replicas change already under way continues one step at a time.
  const bool stepping = in.stepped && r > 0 && r != n;
  const bool serial_bring_up = in.serial_start && !in.has_stateful_set && n > 1;
  MembershipChange c;
  c.from = r;
  c.to = n;
  c.stepped = in.stepped;
  c.objects_replicas = (stepping || in.prep_needed) ? r : n;
  if (serial_bring_up) {
    // The first member (or none while ordinals are prepared); the
    // membership phase adds the rest one by one.
    c.objects_replicas = in.prep_needed ? 0 : 1;
    c.kind = Kind::kSerialBringUp;
    return c;
  }
  if (!in.has_stateful_set && !in.prep_needed) return c;
  if (in.join_pending.has_value() && n >= r) {
    c.resume_join = in.join_pending;
    if (n == r) return c;
  }
  if (n > r && (stepping || in.prep_needed)) {
    c.kind = stepping ? Kind::kScaleOutStepped : Kind::kScaleOutAtOnce;
  } else if (n < r && stepping) {
    c.kind = Kind::kScaleInStepped;
  } else {
    c.condemned_go_with_objects = true;
  }
  return c;
}

std::string ScaleInVolumes(const std::vector<Storage>& storage,
                           const std::string& stateful_set, int32_t from, int32_t to) {
  std::vector<std::string> retained, deleted;
  for (int32_t k = from; k < to; ++k) {
    for (const Storage& s : storage) {
      (s.on_scale_down == VolumePolicy::kDelete ? deleted : retained)
          .push_back(PvcName(s.name, stateful_set, k));
    }
  }
  std::string out;
  if (!retained.empty()) {
    absl::StrAppend(&out, "; ", absl::StrJoin(retained, ", "), " kept (onScaleDown: retain)");
  }
  if (!deleted.empty()) {
    absl::StrAppend(&out, "; the StatefulSet deletes ", absl::StrJoin(deleted, ", "),
                    " (onScaleDown: delete)");
  }
  return out;
}

}  // namespace strata::plan_internal
