// Day-2 operations in RolePlanner (SPEC-2 §9): the Cluster's `replace`
// requests (a member rebuilt on empty storage, once per token), and the
// gates before a member is disrupted: rollout.approval, maintenance windows
// and rollout.minIntervalSeconds. (A restartToken change is an ordinary
// spec change: it restarts members through the update phase.)

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "compile/hash.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "plan/role_planner.h"
#include "strata/maintenance.h"
#include "util/fnv.h"
#include "util/rfc3339.h"

namespace strata::plan_internal {

using kube::Find;
using kube::NameOf;
using kube::OrdinalOf;
using kube::PvcName;
using kube::StringAt;

namespace {

std::string ReplaceRecordName(const CompiledRole& role) {
  return absl::StrCat(role.stateful_set, "-replace");
}

}  // namespace

// Replacements (SPEC-2 §9 `replace`), one member at a time, each once per
// token. The ConfigMap <sts>-replace is their durable record: data[<pod>]
// holds the token carried out; while one runs, data[<pod>.replacing] holds
// its token and data[<pod>.uid] the uid of the pod being replaced, which
// tells a later plan whether the restart happened (the new pod on its new
// PVCs looks like any member otherwise). Steps: record the start;
// memberLeave (once: the PVCs' member-left mark says it ran); delete the
// member's PVCs (they go when the pod does: pvc-protection); restart the pod
// (the StatefulSet recreates it on new, empty PVCs); wait Ready; memberJoin;
// record the token.
RolePlanner::ReplaceRecord RolePlanner::ObservedReplaceRecord() const {
  ReplaceRecord record;
  if (const Json* cm = index_.Get("ConfigMap", ReplaceRecordName(role_))) {
    if (const Json* data = Find(*cm, {"data"}); data != nullptr && data->is_object()) {
      for (const auto& [k, v] : data->items()) {
        if (v.is_string()) record[k] = v.get<std::string>();
      }
    }
  }
  return record;
}

bool RolePlanner::ReplaceHasWork(const MemberReplace& m, const ReplaceRecord& record) const {
  std::optional<int32_t> k = OrdinalOf(m.member, role_.stateful_set);
  if (!k.has_value() || *k >= n_) return false;
  auto done = record.find(m.member);
  if (done != record.end() && done->second == m.token) return false;
  auto replacing = record.find(absl::StrCat(m.member, ".replacing"));
  if (replacing != record.end() && replacing->second == m.token) return true;  // Resumes.
  const Json* pod = PodAt(*k);
  return pod != nullptr && !IsTerminating(*pod);  // Else repair waits for it.
}

bool RolePlanner::ReplacementPending() const {
  if (role_.replace.empty()) return false;
  const ReplaceRecord record = ObservedReplaceRecord();
  for (const MemberReplace& m : role_.replace) {
    if (ReplaceHasWork(m, record)) return true;
  }
  return false;
}

void RolePlanner::Replace(Chain& chain) {
  if (role_.replace.empty()) return;
  ReplaceRecord record = ObservedReplaceRecord();
  for (const MemberReplace& m : role_.replace) {
    std::optional<int32_t> k = OrdinalOf(m.member, role_.stateful_set);
    if (!k.has_value() || *k >= n_) {
      b_.plan().notes.push_back(absl::StrCat("role ", role_.name, ": replace ", m.member,
                                             " skipped: it is not a member of ",
                                             role_.stateful_set, " (ordinals 0..", n_ - 1, ")"));
      continue;
    }
    if (ReplaceHasWork(m, record)) ReplaceMember(chain, m, *k, record);
  }
}

void RolePlanner::RecordReplace(Chain& chain, const ReplaceRecord& data, std::string reason) {
  const std::string cm_name = ReplaceRecordName(role_);
  Json labels = Json::object();
  if (const Json* l = Find(*desired_sts_, {"metadata", "labels"})) labels = *l;
  Json d = Json::object();
  for (const auto& [k, v] : data) d[k] = v;
  Step a = MakeStep(Action::kApply,
                    Target{.kind = "ConfigMap", .name = cm_name, .role = role_.name},
                    Phase::kMembership, std::move(reason));
  a.object = Json{{"apiVersion", "v1"},
                  {"kind", "ConfigMap"},
                  {"metadata",
                   {{"name", cm_name}, {"namespace", desired_.namespace_}, {"labels", labels}}},
                  {"data", d}};
  b_.Then(chain, std::move(a));
  ++member_steps_;
}

void RolePlanner::StartReplace(Chain& chain, const MemberReplace& m, int32_t k, const Json& pod,
                               const std::string& uid, ReplaceRecord& record) {
  if (member_steps_ > 0 || !AllAvailable()) {
    b_.Then(chain, RoleWait(n_, Phase::kMembership,
                            absl::StrCat("every member of ", role_.name, " (", n_, "/", n_,
                                         ") must be Ready before ", m.member,
                                         " is taken down to be replaced")));
    ++member_steps_;
  }
  const Approval approval = spec_.rollout.approval;
  const bool leads =
      !spec_.rollout.leader_label.empty() && IsLeader(pod, spec_.rollout.leader_label);
  if (approval == Approval::kEvery || (approval == Approval::kLeader && leads)) {
    AskApproval(chain, k, absl::StrCat("replace ", m.member, " ", m.token),
                absl::StrCat("replacing ", m.member, leads ? " (the leader)" : "",
                             " on empty storage (token ", m.token, ")"));
  }
  InWindow(chain, k, absl::StrCat("replacing ", m.member));
  ReplaceRecord data = record;
  data[absl::StrCat(m.member, ".replacing")] = m.token;
  data[absl::StrCat(m.member, ".uid")] = uid;
  RecordReplace(chain, data,
                absl::StrCat("record in ConfigMap ", ReplaceRecordName(role_), " that ", m.member,
                             " (pod uid ", uid, ") is being replaced for token ", m.token,
                             ", so an interrupted replacement resumes and a finished one "
                             "never repeats"));
  record = std::move(data);
}

void RolePlanner::TakeDown(Chain& chain, const MemberReplace& m, int32_t k, const Json* pod,
                           const std::string& why) {
  if (spec_.lifecycle.member_leave.has_value() && !MemberLeft(k)) {
    b_.Then(chain, HookStep(Hook::kMemberLeave, *spec_.lifecycle.member_leave, k,
                            absl::StrCat("run memberLeave in ", m.member,
                                         " before its data is deleted; it must succeed first",
                                         why)));
    ++member_steps_;
    MarkLeft(chain, k, /*scale_in=*/false);
  }
  for (const Storage& s : role_.storage) {
    std::string pvc_name = PvcName(s.name, role_.stateful_set, k);
    const Json* pvc = index_.Get("PersistentVolumeClaim", pvc_name);
    if (pvc == nullptr || Find(*pvc, {"metadata", "deletionTimestamp"}) != nullptr) continue;
    b_.Then(chain, MakeStep(Action::kDelete,
                            Target{.kind = "PersistentVolumeClaim", .name = pvc_name,
                                   .role = role_.name, .ordinal = k},
                            Phase::kMembership,
                            absl::StrCat("delete ", pvc_name, " so that ", m.member,
                                         " comes back on empty storage (whatever onScaleDown "
                                         "says); it goes once the pod is gone",
                                         why)));
    ++member_steps_;
  }
  if (pod != nullptr && !IsTerminating(*pod)) {
    b_.Then(chain, MakeStep(Action::kRestart, PodTarget(role_.stateful_set, role_.name, k),
                            Phase::kMembership,
                            absl::StrCat("restart ", m.member,
                                         ": the StatefulSet recreates it at the current spec "
                                         "on new PVCs",
                                         why)));
    ++member_steps_;
  }
}

void RolePlanner::ReplaceMember(Chain& chain, const MemberReplace& m, int32_t k,
                                ReplaceRecord& record) {
  const std::string replacing_key = absl::StrCat(m.member, ".replacing");
  const std::string uid_key = absl::StrCat(m.member, ".uid");
  const Json* pod = PodAt(k);
  auto replacing = record.find(replacing_key);
  const bool started = replacing != record.end() && replacing->second == m.token;
  const std::string uid = pod != nullptr ? StringAt(*pod, {"metadata", "uid"}) : "";
  auto recorded_uid = record.find(uid_key);
  // The pod replaced is gone: the StatefulSet made a new one.
  const bool restarted =
      started && (pod == nullptr ||
                  uid != (recorded_uid == record.end() ? "" : recorded_uid->second));
  const std::string why = absl::StrCat(" (replace ", m.member, ", token ", m.token, ")");
  if (!started) StartReplace(chain, m, k, *pod, uid, record);
  if (!restarted) TakeDown(chain, m, k, pod, why);
  b_.Then(chain, PodWait(k, Phase::kMembership,
                         absl::StrCat("wait for the rebuilt ", m.member, " to be Ready",
                                      spec_.lifecycle.member_join ? " before memberJoin" : "",
                                      why)));
  ++member_steps_;
  if (spec_.lifecycle.member_join.has_value()) {
    b_.Then(chain, HookStep(Hook::kMemberJoin, *spec_.lifecycle.member_join, k,
                            absl::StrCat("run memberJoin in the rebuilt ", m.member, why)));
    ++member_steps_;
  }
  ReplaceRecord data = record;
  data.erase(replacing_key);
  data.erase(uid_key);
  data[m.member] = m.token;
  RecordReplace(chain, data,
                absl::StrCat("record in ConfigMap ", ReplaceRecordName(role_), " that ", m.member,
                             " was replaced for token ", m.token,
                             ": the same token never replaces it again"));
  record = std::move(data);
  replaced_.insert(m.member);
}

void RolePlanner::InWindow(Chain& chain, int32_t ordinal, const std::string& what) {
  std::optional<WindowSpan> span = CurrentOrNextWindow(desired_.maintenance.windows, now_);
  if (!span.has_value()) return;  // No windows (validate rejects ones that never open).
  const bool open = span->start <= now_;
  Step w = MakeStep(
      Action::kWait, PodTarget(role_.stateful_set, role_.name, ordinal), Phase::kUpdate,
      open ? absl::StrCat(what, " inside the maintenance window ", span->ToString(),
                          ", open until ", Rfc3339(span->end),
                          " (checked again when the restart comes up)")
           : absl::StrCat(what, " waits for the next maintenance window, ", span->ToString(),
                          ", which opens at ", Rfc3339(span->start),
                          ": member restarts and replacements only run inside one"));
  w.condition = WaitCondition{.kind = WaitCondition::Kind::kWindow,
                              .target = absl::StrCat(Rfc3339(span->start), "/",
                                                     Rfc3339(span->end))};
  b_.Then(chain, std::move(w));
  ++member_steps_;
}

void RolePlanner::Paced(Chain& chain, int32_t ordinal, const std::string& what) {
  const int32_t interval = spec_.rollout.min_interval_seconds;
  if (interval <= 0) return;
  std::optional<absl::Time> newest;
  std::string newest_pod;
  for (const auto& [k, pod] : members_.by_ordinal) {
    if (IsTerminating(*pod) || !IsAtDesiredSpec(*pod, role_.spec_hash)) continue;
    std::optional<absl::Time> started = StartedAt(*pod);
    if (started.has_value() && (!newest.has_value() || *started > *newest)) {
      newest = started;
      newest_pod = NameOf(*pod);
    }
  }
  if (!newest.has_value() || now_ >= *newest + absl::Seconds(interval)) return;
  const absl::Time at = *newest + absl::Seconds(interval);
  Step w = MakeStep(Action::kWait, PodTarget(role_.stateful_set, role_.name, ordinal),
                    Phase::kUpdate,
                    absl::StrCat(what, " waits until ", Rfc3339(at),
                                 ": rollout.minIntervalSeconds=", interval,
                                 " since the last restart (", newest_pod, " started at ",
                                 Rfc3339(*newest), ")"));
  w.condition = WaitCondition{.kind = WaitCondition::Kind::kNotBefore, .target = Rfc3339(at)};
  b_.Then(chain, std::move(w));
  ++member_steps_;
}

void RolePlanner::AskApproval(Chain& chain, int32_t ordinal, const std::string& subject,
                              const std::string& what) {
  const std::string token = absl::StrCat(
      role_.name, "-",
      compile_internal::Hex16(Fnv1a64(absl::StrCat(
                                  "strata.dev/approve v1\n", desired_.namespace_, "\n",
                                  desired_.cluster, "\n", role_.name, "\n", role_.spec_hash,
                                  "\n", subject)))
          .substr(0, 10));
  const char* policy = spec_.rollout.approval == Approval::kEvery ? "every" : "leader";
  if (approve_.count(token) > 0) {
    b_.plan().notes.push_back(absl::StrCat("approved with token ", token, ": ", what));
    return;
  }
  Step w = MakeStep(Action::kWait, PodTarget(role_.stateful_set, role_.name, ordinal),
                    Phase::kUpdate,
                    absl::StrCat("approval needed before ", what, " (rollout.approval: ", policy,
                                 "): run strata apply --approve ", token,
                                 " or annotate the Cluster strata.dev/approve: ", token));
  w.condition = WaitCondition{.kind = WaitCondition::Kind::kApproval, .target = token};
  b_.Then(chain, std::move(w));
  ++member_steps_;
  b_.plan().notes.push_back(absl::StrCat("approval needed (token ", token, "): ", what));
}

}  // namespace strata::plan_internal
