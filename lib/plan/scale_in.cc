// Scale-in in RolePlanner (SPEC §4 rule 5, ROLLOUT-RULES 12-13): for roles
// whose members leave one by one, the highest ordinal goes first, one
// replica at a time: memberLeave (once: its PVCs record that it ran), then
// the replicas step, then the remaining members Ready before the next. A
// plain scale-in is the objects phase's StatefulSet apply.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "plan/role_planner.h"

namespace strata::plan_internal {

using kube::AnnotationOf;
using kube::PvcName;

void RolePlanner::MarkLeft(Chain& chain, int32_t k, bool scale_in) {
  for (const Storage& s : role_.storage) {
    std::string pvc_name = PvcName(s.name, role_.stateful_set, k);
    const Json* pvc = index_.Get("PersistentVolumeClaim", pvc_name);
    if (pvc == nullptr || AnnotationOf(*pvc, kube::kMemberLeftAnnotation) == "true") continue;
    Step a = MakeStep(Action::kApply,
                      Target{.kind = "PersistentVolumeClaim", .name = pvc_name,
                             .role = role_.name, .ordinal = k},
                      Phase::kMembership,
                      absl::StrCat("record that ", PodName(k), " ran memberLeave (",
                                   kube::kMemberLeftAnnotation,
                                   ": \"true\" on its PVC), so a later plan never runs it twice",
                                   !scale_in ? " (its PVCs are deleted next)"
                                   : s.after_leave == AfterLeave::kWipe
                                       ? " and wipes the PVC before the ordinal returns"
                                       : ""));
    a.object = MemberLeftMark(pvc_name, "true");
    b_.Then(chain, std::move(a));
    ++member_steps_;
  }
}

void RolePlanner::ScaleIn(Chain& chain) {
  for (int32_t k = r_obs_ - 1; k >= n_; --k) {
    const std::string name = PodName(k);
    const Json* pod = PodAt(k);
    // memberLeave never runs twice (the PVCs say it ran) and needs a pod to
    // exec in (without one, the replicas step says so).
    if (spec_.lifecycle.member_leave.has_value()) {
      if (!MemberLeft(k) && pod != nullptr && !IsTerminating(*pod)) {
        b_.Then(chain, HookStep(Hook::kMemberLeave, *spec_.lifecycle.member_leave, k,
                                absl::StrCat("run memberLeave in ", name,
                                             " before it is removed (highest ordinal "
                                             "first); it must succeed before the member "
                                             "goes")));
        ++member_steps_;
      }
      MarkLeft(chain, k, /*scale_in=*/true);
    }
    b_.Then(chain, StsApply(k, Phase::kMembership,
                            absl::StrCat("scale in one member at a time: replicas ", k + 1,
                                         " -> ", k, " removes ", name,
                                         pod == nullptr ? " (its pod is already gone)" : "",
                                         ScaleInVolumes(role_.storage, role_.stateful_set, k,
                                                        k + 1))));
    replaced_.insert(name);
    ++member_steps_;
    if (k > n_) {
      b_.Then(chain, RoleWait(k, Phase::kMembership,
                              absl::StrCat("the ", Plural(k, "remaining member"),
                                           " must be Ready before the next change")));
      ++member_steps_;
    }
  }
}

}  // namespace strata::plan_internal
