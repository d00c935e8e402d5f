// PlanRollout: the level-triggered planner (SPEC §4, ROLLOUT-RULES.md).
//
// Roles are walked in dependsOn order; each role's steps form a chain that
// starts once the roles it depends on are Ready n/n (RolePlanner::Run):
//   objects     apply ConfigMap, Services, StatefulSet, PDB that are missing or
//               differ (orphan-delete first when an immutable field changed;
//               adopted members are labelled first)          objects.cc, adoption.cc
//   storage     resizePvc + pvcCapacity waits for grown volumes   storage_changes.cc
//   (a member stuck at the current spec stops the whole plan here)
//   repair      restart outdated members that are unready or stuck (no gate:
//               they are out already), wait for every unavailable member
//               when something follows                            repair.cc
//   membership  scale out ascending / scale in descending (memberLeave first),
//               one replica at a time for roles with hooks or a quorum
//                                                  scale.cc, scale_out.cc, scale_in.cc
//               then the Cluster's `replace` requests, one member at a time
//                                                                  day2.cc
//   update      restart Ready outdated members in budgeted waves, in the
//               role's order, gate before each, wait Ready+minReadySeconds
//                                                       waves.cc, update.cc
//   ready       roleReady n/n (ROLLOUT-RULES 23);
//   cleanup     stale ConfigMaps no pod needs, Services/PDBs no longer wanted.
// Roles no longer in the App are removed last, newest first; a stopped
// Cluster scales every role to 0 instead. Every step in a plan is pending;
// `next` holds those with nothing to wait for.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "model/role_graph.h"
#include "plan/object_diff.h"
#include "plan/partition.h"
#include "plan/predicates.h"
#include "plan/role_planner.h"
#include "strata/plan.h"

namespace strata {
namespace plan_internal {

using kube::AnnotationOf;
using kube::Find;
using kube::NameOf;
using kube::PvcName;
using kube::StringAt;

std::string Plural(int64_t n, absl::string_view word) {
  return absl::StrCat(n, " ", word, n == 1 ? "" : "s");
}

Target PodTarget(const std::string& sts, const std::string& role, int32_t ordinal) {
  return Target{.kind = kube::kKindPod, .name = kube::PodName(sts, ordinal), .role = role,
                .ordinal = ordinal};
}

std::vector<std::string> TargetEnv(const std::string& pod, int32_t ordinal) {
  return {absl::StrCat("STRATA_TARGET_POD=", pod),
          absl::StrCat("STRATA_TARGET_ORDINAL=", ordinal)};
}

std::string ChangeSummary(const Json& pod, const Json* desired_sts, const CompiledRole& role) {
  std::vector<std::string> parts;
  if (desired_sts != nullptr) {
    const Json* want = Find(*desired_sts, {"spec", "template", "spec", "containers"});
    const Json* have = Find(pod, {"spec", "containers"});
    if (want != nullptr && have != nullptr && want->is_array() && have->is_array()) {
      for (const Json& w : *want) {
        for (const Json& h : *have) {
          if (StringAt(w, {"name"}) != StringAt(h, {"name"})) continue;
          std::string wi = StringAt(w, {"image"}), hi = StringAt(h, {"image"});
          if (wi != hi) parts.push_back(absl::StrCat("image ", hi, " -> ", wi));
        }
      }
    }
  }
  std::string have_config = AnnotationOf(pod, kube::kConfigHashAnnotation);
  if (!role.config_hash.empty() && !have_config.empty() && have_config != role.config_hash) {
    parts.push_back("config files changed");
  }
  std::string have_token = AnnotationOf(pod, kube::kRestartTokenAnnotation);
  if (have_token != role.restart_token) {
    parts.push_back(absl::StrCat("restartToken ", Brief(have_token), " -> ",
                                 Brief(role.restart_token)));
  }
  if (parts.empty()) parts.push_back("pod template changed");
  return absl::StrCat("spec-hash differs (", absl::StrJoin(parts, ", "), ")");
}

Index::Index(const ObservedState& s) {
  Add(kube::kKindStatefulSet, s.stateful_sets);
  Add(kube::kKindPod, s.pods);
  Add(kube::kKindService, s.services);
  Add(kube::kKindConfigMap, s.config_maps);
  Add(kube::kKindPdb, s.pod_disruption_budgets);
  Add(kube::kKindPvc, s.persistent_volume_claims);
}

const Json* Index::Get(const std::string& kind, const std::string& name) const {
  auto k = by_kind_.find(kind);
  if (k == by_kind_.end()) return nullptr;
  auto it = k->second.find(name);
  return it == k->second.end() ? nullptr : it->second;
}

void Index::Add(const std::string& kind, const std::vector<Json>& objects) {
  auto& m = by_kind_[kind];
  for (const Json& o : objects) m[NameOf(o)] = &o;
}

int32_t PlanBuilder::Add(Step step, std::vector<int32_t> after) {
  std::sort(after.begin(), after.end());
  after.erase(std::unique(after.begin(), after.end()), after.end());
  step.id = static_cast<int32_t>(plan_.steps.size()) + 1;
  step.after = std::move(after);
  plan_.steps.push_back(std::move(step));
  return plan_.steps.back().id;
}

int32_t PlanBuilder::Then(Chain& chain, Step step) {
  int32_t id = Add(std::move(step), chain.frontier);
  chain.frontier = {id};
  return id;
}

RolePlanner::RolePlanner(const CompiledCluster& desired, const CompiledRole& role,
                         const ObservedState& observed, const Index& index,
                         const PlanOptions& options, PlanBuilder& builder,
                         std::vector<std::string>& errors)
    : desired_(desired),
      role_(role),
      spec_(role.role),
      observed_(observed),
      index_(index),
      now_(options.now),
      approve_(options.approve.begin(), options.approve.end()),
      b_(builder),
      errors_(errors) {}

Step RolePlanner::MakeStep(Action action, Target target, Phase phase,
                           std::string reason) const {
  Step s;
  s.action = action;
  s.target = std::move(target);
  s.phase = phase;
  s.reason = std::move(reason);
  return s;
}

Step RolePlanner::StsApply(int32_t replicas, Phase phase, std::string reason) const {
  Step s = MakeStep(Action::kApply,
                    Target{.kind = "StatefulSet", .name = role_.stateful_set, .role = role_.name},
                    phase, std::move(reason));
  s.object = *desired_sts_;
  s.object["spec"]["replicas"] = replicas;
  if (joining_.has_value()) {
    s.object["metadata"]["annotations"][kube::kMemberJoiningAnnotation] = absl::StrCat(*joining_);
  }
  return s;
}

Step RolePlanner::PodWait(int32_t ordinal, Phase phase, std::string reason) const {
  Step s = MakeStep(Action::kWait, PodTarget(role_.stateful_set, role_.name, ordinal), phase,
                    std::move(reason));
  s.condition = WaitCondition{.kind = WaitCondition::Kind::kPodReady,
                              .target = s.target.name,
                              .min_ready_seconds = spec_.rollout.min_ready_seconds};
  s.timeout_seconds = ready_timeout_;
  return s;
}

Step RolePlanner::RoleWait(int32_t k, Phase phase, std::string reason) const {
  Step s = MakeStep(Action::kWait,
                    Target{.kind = "StatefulSet", .name = role_.stateful_set, .role = role_.name},
                    phase, std::move(reason));
  s.condition = WaitCondition{.kind = WaitCondition::Kind::kRoleReady,
                              .target = role_.name,
                              .stateful_set = role_.stateful_set,
                              .count = k,
                              .min_ready_seconds = spec_.rollout.min_ready_seconds};
  s.timeout_seconds = ready_timeout_;
  return s;
}

Step RolePlanner::HookStep(Hook hook, const Handler& handler, int32_t ordinal,
                           std::string reason) const {
  Step e = MakeStep(Action::kExec, PodTarget(role_.stateful_set, role_.name, ordinal),
                    Phase::kMembership, std::move(reason));
  e.command = handler.command;
  e.pod = PodName(ordinal);
  e.env = TargetEnv(e.pod, ordinal);
  e.hook = hook;
  e.timeout_seconds = handler.timeout_seconds.value_or(kDefaultHookTimeoutSeconds);
  return e;
}

Json RolePlanner::MemberLeftMark(const std::string& pvc_name, const char* value) const {
  return Json{{"apiVersion", "v1"},
              {"kind", "PersistentVolumeClaim"},
              {"metadata",
               {{"name", pvc_name},
                {"namespace", desired_.namespace_},
                {"annotations", {{kube::kMemberLeftAnnotation, value}}}}}};
}

std::string RolePlanner::PodName(int32_t ordinal) const {
  return kube::PodName(role_.stateful_set, ordinal);
}

const Json* RolePlanner::PodAt(int32_t ordinal) const {
  return index_.Get("Pod", PodName(ordinal));
}

bool RolePlanner::Available(const Json& pod) const {
  return IsAvailable(pod, spec_.rollout.min_ready_seconds, now_);
}

bool RolePlanner::MemberLeft(int32_t ordinal) const {
  if (role_.storage.empty()) return false;
  for (const Storage& s : role_.storage) {
    const Json* pvc =
        index_.Get("PersistentVolumeClaim", PvcName(s.name, role_.stateful_set, ordinal));
    if (pvc == nullptr || AnnotationOf(*pvc, kube::kMemberLeftAnnotation) != "true") return false;
  }
  return true;
}

bool RolePlanner::PrepNeeded() const {
  for (int32_t k = r_obs_; k < n_; ++k) {
    for (const Storage& s : role_.storage) {
      const Json* pvc =
          index_.Get("PersistentVolumeClaim", PvcName(s.name, role_.stateful_set, k));
      if (pvc != nullptr && AnnotationOf(*pvc, kube::kMemberLeftAnnotation) == "true") return true;
    }
  }
  return false;
}

bool RolePlanner::AllAvailable() const {
  if (observed_sts_ == nullptr || !members_.missing.empty()) return false;
  for (const auto& [k, pod] : members_.by_ordinal) {
    if (IsTerminating(*pod) || !Available(*pod) || !IsAtDesiredSpec(*pod, role_.spec_hash)) {
      return false;
    }
  }
  return true;
}

bool RolePlanner::SettledAtSpec() const {
  if (!members_.missing.empty() || observed_sts_ == nullptr) return false;
  for (const auto& [k, pod] : members_.by_ordinal) {
    if (!Available(*pod) || !IsAtDesiredSpec(*pod, role_.spec_hash)) return false;
  }
  return true;
}

void RolePlanner::AnalyzeStatefulSet() {
  for (const Object& o : desired_.objects) {
    if (o.kind == "StatefulSet" && o.role == role_.name) desired_sts_ = &o.body;
  }
  observed_sts_ = index_.Get("StatefulSet", role_.stateful_set);
  n_ = role_.members;
  if (observed_sts_ != nullptr) {
    const Json* r = Find(*observed_sts_, {"spec", "replicas"});
    r_obs_ = r != nullptr && r->is_number_integer() ? r->get<int32_t>() : 1;
  }
  ready_timeout_ = ReadyTimeoutSeconds(spec_);
  members_ = PartitionMembers(observed_.pods, role_.stateful_set, n_);

  MembershipInputs in{.desired = n_, .observed = r_obs_,
                      .has_stateful_set = observed_sts_ != nullptr,
                      .serial_start = spec_.rollout.initial == InitialRollout::kSerial,
                      .prep_needed = PrepNeeded()};
  in.stepped = spec_.lifecycle.member_leave.has_value() ||
               spec_.lifecycle.member_join.has_value() || spec_.quorum == Quorum::kMajority ||
               in.serial_start;
  int32_t j = -1;
  if (observed_sts_ != nullptr && spec_.lifecycle.member_join.has_value() &&
      absl::SimpleAtoi(AnnotationOf(*observed_sts_, kube::kMemberJoiningAnnotation), &j) &&
      j >= 0 && j < r_obs_ && j < n_) {
    in.join_pending = j;
  }
  joining_ = in.join_pending;
  membership_ = DecideMembership(in);

  StorageChanges storage = PlanStorageChanges(
      {.role = role_.name, .stateful_set = role_.stateful_set, .storage = role_.storage,
       .members = n_, .observed_sts = observed_sts_,
       .pvcs = &observed_.persistent_volume_claims});
  errors_.insert(errors_.end(), storage.errors.begin(), storage.errors.end());
  immutable_changes_ = std::move(storage.template_changes);
  resizes_ = std::move(storage.resizes);
  if (observed_sts_ != nullptr && desired_sts_ != nullptr) {
    ImmutableFieldChanges(*desired_sts_, *observed_sts_);
    sts_diff_ = StatefulSetChange(*desired_sts_, *observed_sts_);
  }
}

void RolePlanner::Membership(Chain& chain) {
  using Kind = MembershipChange::Kind;
  if (membership_.kind == Kind::kSerialBringUp) {
    BringUpSerially(chain);
    return;
  }
  if (membership_.resume_join.has_value()) {
    // A scale-out stopped between adding the member and its memberJoin
    // (the pass waited for it to be Ready): run it now, once.
    JoinMember(chain, *membership_.resume_join, /*resumed=*/true);
    if (n_ == r_obs_) {
      JoinDone(chain, n_, *membership_.resume_join);
      return;
    }
  }
  if (membership_.kind == Kind::kScaleOutAtOnce || membership_.kind == Kind::kScaleOutStepped) {
    ScaleOut(chain);
  } else if (membership_.kind == Kind::kScaleInStepped) {
    ScaleIn(chain);
  } else if (membership_.condemned_go_with_objects) {
    // The objects phase's apply removes them.
    for (const auto& [k, pod] : members_.condemned) replaced_.insert(NameOf(*pod));
  }
}

bool RolePlanner::AnythingFollowsRepair() const {
  return membership_.EmitsSteps() || ReplacementPending() || !UpdateCandidates().empty();
}

void RolePlanner::ReadyWait(Chain& chain) {
  const Plan& plan = b_.plan();
  const bool ends_ready = chain.frontier.size() == 1 &&
                          plan.steps[chain.frontier[0] - 1].target.kind == "StatefulSet" &&
                          plan.steps[chain.frontier[0] - 1].condition ==
                              RoleWait(n_, Phase::kReady, "").condition;
  if ((member_steps_ == 0 && SettledAtSpec()) || ends_ready) return;
  b_.Then(chain, RoleWait(n_, Phase::kReady,
                          absl::StrCat("every member of ", role_.name, " (", n_, "/", n_,
                                       ") must be Ready",
                                       spec_.rollout.min_ready_seconds > 0
                                           ? absl::StrCat(" for minReadySeconds=",
                                                          spec_.rollout.min_ready_seconds)
                                           : "",
                                       " before the plan moves past this role")));
}

RolePlanResult RolePlanner::Run(std::vector<int32_t> start) {
  RolePlanResult result;
  AnalyzeStatefulSet();
  if (desired_sts_ == nullptr) {
    errors_.push_back(absl::StrCat("role ", role_.name,
                                   ": the compiled objects have no StatefulSet"));
    return result;
  }
  RefuseUnfollowableClaims();
  Chain chain{start};
  const size_t first_step = b_.plan().steps.size();
  Objects(chain);
  Resizes(chain);
  if (Blocked(chain)) {
    result.blocked = true;
    return result;
  }
  // Waits for unready members only matter when something follows them; on
  // their own, the roleReady wait below says the same in one step.
  RepairWork repair = PlanRepair();
  if (!repair.restarts.empty() || AnythingFollowsRepair()) EmitRepair(chain, std::move(repair));
  Membership(chain);
  Replace(chain);
  Update(chain);
  ReadyWait(chain);
  result.done = b_.plan().steps.size() > first_step ? chain.frontier : start;
  Cleanup(chain);
  return result;
}

}  // namespace plan_internal

namespace {

using kube::Find;
using kube::LabelOf;
using kube::NameOf;
using kube::StringAt;
using plan_internal::Chain;
using plan_internal::Index;
using plan_internal::PlanBuilder;
using plan_internal::RolePlanner;
using plan_internal::RolePlanResult;

// The ids a step of a role waits for: the ends of the roles `names` in `done`.
std::vector<int32_t> EndsOf(const std::vector<std::string>& names,
                            const std::map<std::string, std::vector<int32_t>>& done) {
  std::vector<int32_t> start;
  for (const std::string& name : names) {
    auto it = done.find(name);
    if (it != done.end()) start.insert(start.end(), it->second.begin(), it->second.end());
  }
  std::sort(start.begin(), start.end());
  start.erase(std::unique(start.begin(), start.end()), start.end());
  return start;
}

// The apply scaling a stopped role's StatefulSet to 0 with whenScaled
// Retain, keeping the observed immutable fields (`have`'s).
Step StopApply(const CompiledRole& role, const Json& want, const Json& have,
               int32_t replicas) {
  Step s;
  s.action = Action::kApply;
  s.target = Target{.kind = "StatefulSet", .name = role.stateful_set, .role = role.name};
  s.phase = Phase::kMembership;
  s.object = want;
  for (const char* field :
       {"selector", "serviceName", "podManagementPolicy", "volumeClaimTemplates"}) {
    if (const Json* v = Find(have, {"spec", field})) {
      s.object["spec"][field] = *v;
    } else {
      s.object["spec"].erase(field);
    }
  }
  s.reason = absl::StrCat(
      "stop role ", role.name, " (stopped: true): scale StatefulSet ", role.stateful_set,
      " from ", replicas, " to 0 members at once, without memberLeave",
      role.storage.empty() ? "" : "; every PVC stays (whenScaled: Retain while stopped)");
  return s;
}

// The wait until every pod of a stopped role is gone.
Step StoppedWait(const CompiledRole& role, int32_t count) {
  Step w;
  w.action = Action::kWait;
  w.target = Target{.kind = "StatefulSet", .name = role.stateful_set, .role = role.name};
  w.phase = Phase::kMembership;
  w.condition = WaitCondition{.kind = WaitCondition::Kind::kRoleStopped,
                              .target = role.name,
                              .stateful_set = role.stateful_set,
                              .count = count};
  w.timeout_seconds = plan_internal::ReadyTimeoutSeconds(role.role);
  w.reason = absl::StrCat("wait until every pod of ", role.name, " is gone",
                          role.depends_on.empty()
                              ? ""
                              : absl::StrCat(" before ", absl::StrJoin(role.depends_on, ", "),
                                             " stops"));
  return w;
}

// Stops one role after `chain` (see PlanStop).
void StopRole(const CompiledCluster& desired, const CompiledRole& role,
              const ObservedState& observed, const Index& index, PlanBuilder& b,
              Chain& chain) {
  const Json* want = nullptr;
  for (const Object& o : desired.objects) {
    if (o.kind == "StatefulSet" && o.role == role.name) want = &o.body;
  }
  const Json* have = index.Get("StatefulSet", role.stateful_set);
  int32_t replicas = 0;
  if (have != nullptr) {
    const Json* r = Find(*have, {"spec", "replicas"});
    replicas = r != nullptr && r->is_number_integer() ? r->get<int32_t>() : 1;
  }
  const std::string retention =
      have == nullptr
          ? ""
          : StringAt(*have, {"spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"});
  if (want != nullptr && have != nullptr &&
      (replicas != 0 || (!role.storage.empty() && retention != "Retain"))) {
    b.Then(chain, StopApply(role, *want, *have, replicas));
  }
  int32_t highest = -1;
  for (const Json& pod : observed.pods) {
    if (auto o = kube::OrdinalOf(NameOf(pod), role.stateful_set)) {
      highest = std::max(highest, *o);
    }
  }
  if (highest >= 0) {
    b.Then(chain, StoppedWait(role, std::max({highest + 1, replicas, role.members})));
  }
}

// A stopped Cluster (SPEC-2 §9): every role goes to 0 replicas, dependents
// first (reverse dependsOn order), all members at once, without memberLeave,
// keeping every PVC. Per role: apply the StatefulSet at 0 replicas with
// whenScaled Retain (as compiled; its immutable fields as they are, so a
// change to them waits for the start), then wait until its pods are gone
// before the roles it depends on stop. A role never started stays absent.
void PlanStop(const CompiledCluster& desired, const ObservedState& observed,
              const Index& index, PlanBuilder& b, std::vector<int32_t>& all_done) {
  std::map<std::string, std::vector<int32_t>> done;
  const model_internal::RoleGraph graph = model_internal::RoleGraph::Of(desired.roles);
  for (int i = graph.size() - 1; i >= 0; --i) {
    const CompiledRole& role = desired.roles[i];
    std::vector<std::string> dependents;
    for (int d : graph.Dependents(i)) dependents.push_back(desired.roles[d].name);
    const std::vector<int32_t> start = EndsOf(dependents, done);
    Chain chain{start};
    StopRole(desired, role, observed, index, b, chain);
    done[role.name] = chain.frontier == start ? start : chain.frontier;
    all_done.insert(all_done.end(), chain.frontier.begin(), chain.frontier.end());
  }
  b.plan().notes.push_back(absl::StrCat(
      "cluster ", desired.cluster,
      " is stopped: roles scale to 0 keeping their PVCs; stopped: false starts them again"));
}

// The objects of a role the App no longer has, or that has 0 members.
struct Removed {
  std::string role;
  std::string created;  // The StatefulSet's creationTimestamp.
  std::vector<std::pair<std::string, const Json*>> objects;  // kind, object.
};

// strata's objects of roles the App no longer has and of roles of 0 members
// (SPEC-2 §5b.4: they compile to no objects), newest role first.
std::vector<Removed> RemovedRoles(const CompiledCluster& desired,
                                  const ObservedState& observed) {
  std::set<std::string> wanted;
  for (const CompiledRole& r : desired.roles) {
    if (r.members > 0) wanted.insert(r.name);
  }
  std::map<std::string, Removed> removed;
  auto consider = [&](const std::string& kind, const std::vector<Json>& list) {
    for (const Json& o : list) {
      std::string role = LabelOf(o, kube::kComponentLabel);
      if (role.empty() || wanted.count(role)) continue;
      if (LabelOf(o, kube::kManagedByLabel) != kube::kManagedByStrata) continue;
      std::string instance = LabelOf(o, kube::kInstanceLabel);
      if (!instance.empty() && instance != desired.cluster) continue;
      Removed& r = removed[role];
      r.role = role;
      if (kind == "StatefulSet") r.created = StringAt(o, {"metadata", "creationTimestamp"});
      r.objects.push_back({kind, &o});
    }
  };
  consider("StatefulSet", observed.stateful_sets);
  consider("PodDisruptionBudget", observed.pod_disruption_budgets);
  consider("Service", observed.services);
  consider("ConfigMap", observed.config_maps);
  std::vector<Removed> order;
  for (auto& [name, r] : removed) order.push_back(std::move(r));
  std::stable_sort(order.begin(), order.end(), [](const Removed& a, const Removed& b) {
    if (a.created != b.created) return a.created > b.created;  // RFC 3339 sorts as text.
    return a.role > b.role;
  });
  return order;
}

// Deletes the objects of roles the App no longer has or that have 0 members,
// newest role first; what an earlier step of the plan deletes already (a
// draining role's own cleanup) is not deleted twice.
void PlanRemovals(const CompiledCluster& desired, const ObservedState& observed,
                  PlanBuilder& b, Chain& chain) {
  std::set<std::pair<std::string, std::string>> deleted;
  for (const Step& s : b.plan().steps) {
    if (s.action == Action::kDelete && !s.orphan) deleted.insert({s.target.kind, s.target.name});
  }
  for (const Removed& r : RemovedRoles(desired, observed)) {
    const bool zero = desired.FindRole(r.role) != nullptr;
    for (const auto& [kind, o] : r.objects) {
      std::string name = NameOf(*o);
      if (deleted.count({kind, name})) continue;
      std::string reason =
          zero ? absl::StrCat("role ", r.role, " has 0 members and so no objects (SPEC-2 5b.4)",
                              ": delete ", kind, " ", name)
               : absl::StrCat("role ", r.role, " is no longer in app ", desired.app,
                              ": delete ", kind, " ", name);
      if (kind == "StatefulSet") {
        bool deletes_pvcs =
            StringAt(*o, {"spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"}) ==
            "Delete";
        absl::StrAppend(&reason, " and its pods; ",
                        deletes_pvcs
                            ? "its PVCs go with it (whenDeleted: Delete)"
                            : "its PVCs stay (whenDeleted: Retain): strata never deletes "
                              "volumes the storage policy keeps");
      }
      Step s;
      s.action = Action::kDelete;
      s.target = Target{.kind = kind, .name = name, .role = r.role};
      s.phase = Phase::kRemoval;
      s.reason = std::move(reason);
      b.Then(chain, std::move(s));
    }
  }
}

// Whether `object` belongs to a Cluster other than `cluster`: its
// app.kubernetes.io/instance label names another one.
bool OfAnotherCluster(const Json& object, const std::string& cluster) {
  std::string instance = LabelOf(object, kube::kInstanceLabel);
  return !instance.empty() && instance != cluster;
}

// Returns how many objects of `observed` belong to other Clusters (SPEC-2
// §5b.5: they are ignored, and the plan says how many); when there are any,
// `*own` receives the rest. Nodes and Secrets are shared, never filtered.
size_t SplitOffOtherClusters(const ObservedState& observed, const std::string& cluster,
                             ObservedState* own) {
  size_t foreign = 0;
  for (const char* kind : kClusterObjectKinds) {
    for (const Json& o : *observed.ObjectsOf(kind)) foreign += OfAnotherCluster(o, cluster) ? 1 : 0;
  }
  if (foreign == 0) return 0;
  own->nodes = observed.nodes;
  own->secrets = observed.secrets;
  for (const char* kind : kClusterObjectKinds) {
    for (const Json& o : *observed.ObjectsOf(kind)) {
      if (!OfAnotherCluster(o, cluster)) own->ObjectsOf(kind)->push_back(o);
    }
  }
  return foreign;
}

bool HasStatefulSet(const CompiledCluster& desired, const CompiledRole& role) {
  for (const Object& o : desired.objects) {
    if (o.kind == "StatefulSet" && o.role == role.name) return true;
  }
  return false;
}

// SPEC-2 §5b.4: a role of 0 members compiles to no objects. While members of
// it still run, it is planned against its StatefulSet as observed (its
// status and server-set metadata dropped), so going to 0 follows the rules of
// any scale-in: one member at a time, memberLeave, onScaleDown for its PVCs.
// PlanRemovals then deletes its objects. Returns nullopt when no role drains.
std::optional<CompiledCluster> WithDrainingRoles(const CompiledCluster& desired,
                                                 const ObservedState& observed,
                                                 const Index& index) {
  std::optional<CompiledCluster> out;
  for (const CompiledRole& role : desired.roles) {
    if (role.members != 0 || HasStatefulSet(desired, role)) continue;
    const Json* have = index.Get("StatefulSet", role.stateful_set);
    if (have == nullptr) continue;
    bool running = kube::IntAt(*have, {"spec", "replicas"}, 1) > 0;
    for (const Json& pod : observed.pods) {
      running |= kube::OrdinalOf(NameOf(pod), role.stateful_set).has_value();
    }
    if (!running) continue;
    Json body = *have;
    body.erase("status");
    Json metadata = Json::object();
    for (const char* key : {"name", "namespace", "labels", "annotations"}) {
      if (const Json* v = Find(*have, {"metadata", key})) metadata[key] = *v;
    }
    body["metadata"] = std::move(metadata);
    if (!out) out = desired;
    out->objects.push_back(Object{.kind = "StatefulSet", .name = role.stateful_set,
                                  .role = role.name, .body = std::move(body)});
  }
  return out;
}

// Plans every role in dependsOn order; returns whether a stuck member
// blocked the plan. `all_done` receives every role's ends.
bool PlanRoles(const CompiledCluster& desired, const ObservedState& observed,
               const Index& index, const PlanOptions& options, PlanBuilder& builder,
               std::vector<std::string>& errors, std::vector<int32_t>& all_done) {
  std::map<std::string, std::vector<int32_t>> done;  // Role -> what dependents wait for.
  for (const CompiledRole& role : desired.roles) {
    if (role.members == 0 && !HasStatefulSet(desired, role)) continue;  // PlanRemovals'.
    RolePlanner planner(desired, role, observed, index, options, builder, errors);
    RolePlanResult r = planner.Run(EndsOf(role.depends_on, done));
    done[role.name] = r.done;
    all_done.insert(all_done.end(), r.done.begin(), r.done.end());
    if (r.blocked) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Plan> PlanRollout(const CompiledCluster& desired_in,
                                 const ObservedState& all_observed,
                                 const PlanOptions& options) {
  Plan plan;
  plan.cluster = desired_in.cluster;
  plan.namespace_ = desired_in.namespace_;
  ObservedState own;
  const size_t foreign = SplitOffOtherClusters(all_observed, desired_in.cluster, &own);
  const ObservedState& observed = foreign > 0 ? own : all_observed;
  if (foreign > 0) {
    plan.notes.push_back(absl::StrCat(
        "ignored ", foreign, foreign == 1 ? " object" : " objects",
        " of other clusters (app.kubernetes.io/instance is not ", desired_in.cluster, ")"));
  }
  Index index(observed);
  const std::optional<CompiledCluster> draining = WithDrainingRoles(desired_in, observed, index);
  const CompiledCluster& desired = draining ? *draining : desired_in;
  PlanBuilder builder(plan);
  std::vector<std::string> errors;
  std::vector<int32_t> all_done;
  bool blocked = false;
  if (desired.stopped) {
    PlanStop(desired, observed, index, builder, all_done);
  } else {
    blocked = PlanRoles(desired, observed, index, options, builder, errors, all_done);
  }
  if (!errors.empty()) {
    return absl::FailedPreconditionError(absl::StrJoin(errors, "\n"));
  }
  if (!blocked) {
    std::sort(all_done.begin(), all_done.end());
    all_done.erase(std::unique(all_done.begin(), all_done.end()), all_done.end());
    Chain chain{all_done};
    PlanRemovals(desired, observed, builder, chain);
  }
  for (const Step& s : plan.steps) {
    if (s.after.empty()) plan.next.push_back(s.id);
  }
  plan.converged = plan.steps.empty();
  return plan;
}

}  // namespace strata
