// Scale-out in RolePlanner (SPEC §4 rule 4, ROLLOUT-RULES 12-14): ordinals
// are added ascending, one replica at a time for roles whose members join
// one by one (memberJoin after each is Ready, recorded on the StatefulSet so
// it runs once), all at once otherwise; an ordinal whose PVCs say it left
// before is wiped or unmarked first. DecideMembership (scale.cc) says which.

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

void RolePlanner::PrepareOrdinal(Chain& chain, int32_t k) {
  for (const Storage& s : role_.storage) {
    std::string pvc_name = PvcName(s.name, role_.stateful_set, k);
    const Json* pvc = index_.Get("PersistentVolumeClaim", pvc_name);
    if (pvc == nullptr || AnnotationOf(*pvc, kube::kMemberLeftAnnotation) != "true") continue;
    Target t{.kind = "PersistentVolumeClaim", .name = pvc_name, .role = role_.name,
             .ordinal = k};
    if (s.after_leave == AfterLeave::kWipe) {
      b_.Then(chain, MakeStep(Action::kDelete, t, Phase::kMembership,
                              absl::StrCat(PodName(k), " ran memberLeave before (",
                                           kube::kMemberLeftAnnotation, ") and storage ", s.name,
                                           " says afterLeave: wipe: delete its old PVC so the "
                                           "member rejoins with empty data")));
    } else {
      Step a = MakeStep(Action::kApply, t, Phase::kMembership,
                        absl::StrCat(PodName(k), " comes back with the data it left with "
                                     "(afterLeave: keep): clear its ",
                                     kube::kMemberLeftAnnotation, " mark"));
      a.object = MemberLeftMark(pvc_name, "false");
      b_.Then(chain, std::move(a));
    }
    ++member_steps_;
  }
}

void RolePlanner::JoinMember(Chain& chain, int32_t k, bool resumed) {
  b_.Then(chain, PodWait(k, Phase::kMembership,
                         absl::StrCat(resumed ? absl::StrCat("the StatefulSet says (",
                                                             kube::kMemberJoiningAnnotation,
                                                             ") that ", PodName(k),
                                                             " has not run memberJoin yet; ")
                                              : "",
                                      "wait for the new member ", PodName(k),
                                      " to be Ready before memberJoin runs")));
  b_.Then(chain, HookStep(Hook::kMemberJoin, *spec_.lifecycle.member_join, k,
                          absl::StrCat("run memberJoin in ", PodName(k), " now that it is Ready")));
  member_steps_ += 2;
}

void RolePlanner::JoinDone(Chain& chain, int32_t replicas, int32_t k) {
  joining_.reset();
  b_.Then(chain, StsApply(replicas, Phase::kMembership,
                          absl::StrCat("record that ", PodName(k), " ran memberJoin (remove ",
                                       kube::kMemberJoiningAnnotation, " from the StatefulSet)")));
  ++member_steps_;
}

void RolePlanner::BringUpSerially(Chain& chain) {
  const int32_t first = membership_.objects_replicas;  // 0 while ordinals are prepared.
  if (first == 1) {
    b_.Then(chain, PodWait(0, Phase::kMembership,
                           absl::StrCat("wait for the first member ", PodName(0),
                                        " to be Ready before the next is created "
                                        "(rollout.initial: serial)")));
    ++member_steps_;
  }
  for (int32_t k = first; k < n_; ++k) {
    PrepareOrdinal(chain, k);
    b_.Then(chain, StsApply(k + 1, Phase::kMembership,
                            absl::StrCat("bring up one member at a time (rollout.initial: "
                                         "serial): replicas ",
                                         k, " -> ", k + 1, " adds ", PodName(k))));
    b_.Then(chain, PodWait(k, Phase::kMembership,
                           absl::StrCat("wait for the new member ", PodName(k),
                                        " to be Ready before the next change")));
    member_steps_ += 2;
  }
}

void RolePlanner::ScaleOut(Chain& chain) {
  if (membership_.kind == MembershipChange::Kind::kScaleOutAtOnce) {
    for (int32_t k = r_obs_; k < n_; ++k) PrepareOrdinal(chain, k);
    b_.Then(chain, StsApply(n_, Phase::kMembership,
                            absl::StrCat("scale out from ", r_obs_, " to ", n_,
                                         " members (the StatefulSet adds ordinals ", r_obs_, "..",
                                         n_ - 1, " at once)")));
    ++member_steps_;
    return;
  }
  const bool join = spec_.lifecycle.member_join.has_value();
  const std::string why = spec_.quorum == Quorum::kMajority ? "quorum role"
                          : join                          ? "memberJoin runs per member"
                                                          : "the role has a memberLeave hook";
  for (int32_t k = r_obs_; k < n_; ++k) {
    PrepareOrdinal(chain, k);
    // The applied StatefulSet records that k's memberJoin is still to run.
    if (join) joining_ = k;
    b_.Then(chain, StsApply(k + 1, Phase::kMembership,
                            absl::StrCat("scale out one member at a time (", why, "): replicas ",
                                         k, " -> ", k + 1, " adds ", PodName(k),
                                         join ? absl::StrCat("; ", kube::kMemberJoiningAnnotation,
                                                             " records that its memberJoin is "
                                                             "to run")
                                              : "")));
    ++member_steps_;
    if (join) {
      JoinMember(chain, k, /*resumed=*/false);
    } else {
      b_.Then(chain, PodWait(k, Phase::kMembership,
                             absl::StrCat("wait for the new member ", PodName(k),
                                          " to be Ready before the next change")));
      ++member_steps_;
    }
  }
  if (join) JoinDone(chain, n_, n_ - 1);
}

}  // namespace strata::plan_internal
