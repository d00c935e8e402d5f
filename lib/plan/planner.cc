// PlanRollout: the level-triggered planner (SPEC §4, ROLLOUT-RULES.md).
//
// Roles are walked in dependsOn order; each role's steps form a chain that
// starts once the roles it depends on are Ready n/n:
//   objects     apply ConfigMap, Services, StatefulSet, PDB that are missing or
//               differ (orphan-delete first when an immutable field changed);
//   storage     resizePvc + pvcCapacity waits for grown volumes;
//   (a member stuck at the current spec stops the whole plan here)
//   repair      restart outdated members that are unready or stuck (no gate:
//               they are out already), wait for every unavailable member;
//   membership  scale out ascending / scale in descending (memberLeave first),
//               one replica at a time for roles with hooks or a quorum; then
//               the Cluster's `replace` requests, one member at a time;
//   update      restart Ready outdated members in budgeted waves, in the
//               role's order, gate before each, wait Ready+minReadySeconds;
//   ready       roleReady n/n (ROLLOUT-RULES 23);
//   cleanup     stale ConfigMaps no pod needs, Services/PDBs no longer wanted.
// Roles no longer in the App are removed last, newest first. Every step in a
// plan is pending; `next` holds those with nothing to wait for.

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compile/hash.h"
#include "plan/object_diff.h"
#include "plan/partition.h"
#include "plan/predicates.h"
#include "strata/maintenance.h"
#include "strata/plan.h"
#include "strata/quantity.h"
#include "util/rfc3339.h"

namespace strata {
namespace {

using plan_internal::AnnotationOf;
using plan_internal::Brief;
using plan_internal::Find;
using plan_internal::FirstDifference;
using plan_internal::IsAtDesiredSpec;
using plan_internal::IsAvailable;
using plan_internal::IsLeader;
using plan_internal::IsReady;
using plan_internal::IsTerminating;
using plan_internal::LabelOf;
using plan_internal::NameOf;
using plan_internal::PartitionMembers;
using plan_internal::PvcName;
using plan_internal::RoleMembers;
using plan_internal::StringAt;

constexpr int32_t kPvcResizeTimeoutSeconds = 600;

const char* OrderName(RolloutOrder order) {
  switch (order) {
    case RolloutOrder::kOrdinalDescending: return "ordinalDescending";
    case RolloutOrder::kOrdinalAscending: return "ordinalAscending";
    case RolloutOrder::kFollowersFirst: return "followersFirst";
  }
  return "ordinalDescending";
}

const char* StrategyName(RolloutStrategy s) {
  switch (s) {
    case RolloutStrategy::kSerial: return "serial";
    case RolloutStrategy::kBestEffortParallel: return "bestEffortParallel";
    case RolloutStrategy::kParallel: return "parallel";
  }
  return "serial";
}

std::string Plural(int64_t n, absl::string_view word) {
  return absl::StrCat(n, " ", word, n == 1 ? "" : "s");
}

std::optional<Quantity> ParseQuantity(const std::string& text) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<Quantity> q = Quantity::Parse(text);
  if (!q.ok()) return std::nullopt;
  return *q;
}

// Observed objects by kind and name.
class Index {
 public:
  explicit Index(const ObservedState& s) {
    Add("StatefulSet", s.stateful_sets);
    Add("Pod", s.pods);
    Add("Service", s.services);
    Add("ConfigMap", s.config_maps);
    Add("PodDisruptionBudget", s.pod_disruption_budgets);
    Add("PersistentVolumeClaim", s.persistent_volume_claims);
  }
  const Json* Get(const std::string& kind, const std::string& name) const {
    auto k = by_kind_.find(kind);
    if (k == by_kind_.end()) return nullptr;
    auto it = k->second.find(name);
    return it == k->second.end() ? nullptr : it->second;
  }

 private:
  void Add(const std::string& kind, const std::vector<Json>& objects) {
    auto& m = by_kind_[kind];
    for (const Json& o : objects) m[NameOf(o)] = &o;
  }
  std::map<std::string, std::map<std::string, const Json*>> by_kind_;
};

// A sequence of steps; `frontier` are the ids the next step waits for.
struct Chain {
  std::vector<int32_t> frontier;
};

class PlanBuilder {
 public:
  explicit PlanBuilder(Plan& plan) : plan_(plan) {}

  // Appends `step` waiting for `after`; returns its id.
  int32_t Add(Step step, std::vector<int32_t> after) {
    std::sort(after.begin(), after.end());
    after.erase(std::unique(after.begin(), after.end()), after.end());
    step.id = static_cast<int32_t>(plan_.steps.size()) + 1;
    step.after = std::move(after);
    plan_.steps.push_back(std::move(step));
    return plan_.steps.back().id;
  }

  // Appends `step` after the chain's frontier and makes it the frontier.
  int32_t Then(Chain& chain, Step step) {
    int32_t id = Add(std::move(step), chain.frontier);
    chain.frontier = {id};
    return id;
  }

  Plan& plan() { return plan_; }

 private:
  Plan& plan_;
};

Target PodTarget(const std::string& sts, const std::string& role, int32_t ordinal) {
  return Target{.kind = "Pod", .name = absl::StrCat(sts, "-", ordinal), .role = role,
                .ordinal = ordinal};
}

std::vector<std::string> TargetEnv(const std::string& pod, int32_t ordinal) {
  return {absl::StrCat("STRATA_TARGET_POD=", pod),
          absl::StrCat("STRATA_TARGET_ORDINAL=", ordinal)};
}

// Describes what makes `pod` differ from the desired template, for reasons.
std::string ChangeSummary(const Json& pod, const Json* desired_sts,
                          const CompiledRole& role) {
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
  std::string have_config = AnnotationOf(pod, plan_internal::kConfigHashAnnotation);
  if (!role.config_hash.empty() && !have_config.empty() && have_config != role.config_hash) {
    parts.push_back("config files changed");
  }
  std::string have_token = AnnotationOf(pod, plan_internal::kRestartTokenAnnotation);
  if (have_token != role.restart_token) {
    parts.push_back(absl::StrCat("restartToken ", Brief(have_token), " -> ",
                                 Brief(role.restart_token)));
  }
  if (parts.empty()) parts.push_back("pod template changed");
  return absl::StrCat("spec-hash differs (", absl::StrJoin(parts, ", "), ")");
}

// Describes how StatefulSet `want` differs from `have` (replicas aside), or
// "" when it does not: the pod template first (images, config, then the
// first differing field), then the rest of the spec, then metadata.
std::string StatefulSetChange(const Json& want, const Json& have) {
  static const Json kNull;
  auto at = [](const Json& j, std::initializer_list<const char*> path) -> const Json& {
    const Json* v = Find(j, path);
    return v == nullptr ? kNull : *v;
  };
  const Json& wt = at(want, {"spec", "template"});
  const Json& ht = at(have, {"spec", "template"});
  if (FirstDifference(wt, ht, "spec.template")) {
    std::vector<std::string> parts;
    const Json& wc = at(wt, {"spec", "containers"});
    const Json& hc = at(ht, {"spec", "containers"});
    if (wc.is_array() && hc.is_array()) {
      for (const Json& w : wc) {
        for (const Json& h : hc) {
          if (StringAt(w, {"name"}) == StringAt(h, {"name"}) &&
              StringAt(w, {"image"}) != StringAt(h, {"image"})) {
            parts.push_back(absl::StrCat("image ", StringAt(h, {"image"}), " -> ",
                                         StringAt(w, {"image"})));
          }
        }
      }
    }
    std::string wh = StringAt(wt, {"metadata", "annotations", plan_internal::kConfigHashAnnotation});
    std::string hh = StringAt(ht, {"metadata", "annotations", plan_internal::kConfigHashAnnotation});
    if (wh != hh) parts.push_back("config files changed");
    std::string wr = StringAt(wt, {"metadata", "annotations", plan_internal::kRestartTokenAnnotation});
    std::string hr = StringAt(ht, {"metadata", "annotations", plan_internal::kRestartTokenAnnotation});
    if (wr != hr) parts.push_back(absl::StrCat("restartToken ", Brief(hr), " -> ", Brief(wr)));
    if (parts.empty()) {
      auto d = FirstDifference(at(wt, {"spec"}), at(ht, {"spec"}), "spec.template.spec");
      if (!d) d = FirstDifference(wt, ht, "spec.template");
      parts.push_back(*d);
    }
    return absl::StrCat("pod template changed (", absl::StrJoin(parts, ", "),
                        "); OnDelete: running members keep their spec until restarted");
  }
  Json ws = at(want, {"spec"});
  if (ws.is_object()) {
    ws.erase("replicas");
    ws.erase("template");
    if (auto d = FirstDifference(ws, at(have, {"spec"}), "spec")) return *d;
  }
  if (auto d = FirstDifference(at(want, {"metadata"}), at(have, {"metadata"}), "metadata")) {
    return *d;
  }
  return "";
}

struct RolePlanResult {
  std::vector<int32_t> done;  // What dependents wait for.
  bool blocked = false;
};

// Plans one role. Appends FailedPrecondition messages to `errors` instead of
// steps when the request cannot be met from this state.
class RolePlanner {
 public:
  RolePlanner(const CompiledCluster& desired, const CompiledRole& role,
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

  RolePlanResult Run(std::vector<int32_t> start);

 private:
  Step MakeStep(Action action, Target target, Phase phase, std::string reason) {
    Step s;
    s.action = action;
    s.target = std::move(target);
    s.phase = phase;
    s.reason = std::move(reason);
    return s;
  }
  Step StsApply(int32_t replicas, Phase phase, std::string reason) {
    Step s = MakeStep(Action::kApply,
                      Target{.kind = "StatefulSet", .name = role_.stateful_set,
                             .role = role_.name},
                      phase, std::move(reason));
    s.object = *desired_sts_;
    s.object["spec"]["replicas"] = replicas;
    if (joining_.has_value()) {
      s.object["metadata"]["annotations"][plan_internal::kMemberJoiningAnnotation] =
          absl::StrCat(*joining_);
    }
    return s;
  }
  Step PodWait(int32_t ordinal, Phase phase, std::string reason) {
    Step s = MakeStep(Action::kWait, PodTarget(role_.stateful_set, role_.name, ordinal),
                      phase, std::move(reason));
    s.condition = WaitCondition{.kind = WaitCondition::Kind::kPodReady,
                                .target = s.target.name,
                                .min_ready_seconds = spec_.rollout.min_ready_seconds};
    s.timeout_seconds = ready_timeout_;
    return s;
  }
  Step RoleWait(int32_t k, Phase phase, std::string reason) {
    Step s = MakeStep(Action::kWait,
                      Target{.kind = "StatefulSet", .name = role_.stateful_set,
                             .role = role_.name},
                      phase, std::move(reason));
    s.condition = WaitCondition{.kind = WaitCondition::Kind::kRoleReady,
                                .target = role_.name,
                                .stateful_set = role_.stateful_set,
                                .count = k,
                                .min_ready_seconds = spec_.rollout.min_ready_seconds};
    s.timeout_seconds = ready_timeout_;
    return s;
  }
  // A new role (no StatefulSet yet) of several members that comes up one
  // member at a time (rollout.initial: serial).
  bool SerialBringUp() const { return serial_start_ && observed_sts_ == nullptr && n_ > 1; }
  std::string PodName(int32_t ordinal) const {
    return absl::StrCat(role_.stateful_set, "-", ordinal);
  }
  const Json* PodAt(int32_t ordinal) const { return index_.Get("Pod", PodName(ordinal)); }
  bool Available(const Json& pod) const {
    return IsAvailable(pod, spec_.rollout.min_ready_seconds, now_);
  }
  // The role's PVCs of claim `claim` that exist, by ordinal.
  std::map<int32_t, const Json*> ClaimPvcs(const std::string& claim) const {
    std::map<int32_t, const Json*> out;
    std::string prefix = absl::StrCat(claim, "-", role_.stateful_set);
    for (const Json& pvc : observed_.persistent_volume_claims) {
      if (auto o = plan_internal::OrdinalOf(NameOf(pvc), prefix)) out[*o] = &pvc;
    }
    return out;
  }
  bool MemberLeft(int32_t ordinal) const;
  // Wait for new member k to be Ready, then run memberJoin in it.
  void JoinMember(Chain& chain, int32_t k, bool resumed);
  // Apply the StatefulSet (`replicas`) without kMemberJoiningAnnotation:
  // k's memberJoin ran.
  void JoinDone(Chain& chain, int32_t replicas, int32_t k);
  // "; data-C-R-3, data-C-R-4 stay (onScaleDown: retain)" for ordinals
  // [from, to), or "" for a role without storage.
  std::string ScaleInVolumes(int32_t from, int32_t to) const {
    std::vector<std::string> retained, deleted;
    for (int32_t k = from; k < to; ++k) {
      for (const Storage& s : role_.storage) {
        (s.on_scale_down == VolumePolicy::kDelete ? deleted : retained)
            .push_back(PvcName(s.name, role_.stateful_set, k));
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

  void AnalyzeStatefulSet();
  void Objects(Chain& chain);
  void Resizes(Chain& chain);
  bool Blocked(Chain& chain);
  void Repair(Chain& chain);
  void Membership(Chain& chain);
  void PrepareOrdinal(Chain& chain, int32_t ordinal);
  void Replace(Chain& chain);
  // Steps recording on member `ordinal`'s PVCs that it ran memberLeave
  // (strata.dev/member-left), so that a later plan never runs it twice.
  // `scale_in`: the member is being removed (not replaced).
  void MarkLeft(Chain& chain, int32_t ordinal, bool scale_in);
  // An exec step running lifecycle hook `hook` (its `handler`) in member
  // `ordinal`, with the member's STRATA_TARGET_* env and the hook's timeout.
  Step HookStep(Hook hook, const Handler& handler, int32_t ordinal, std::string reason) {
    Step e = MakeStep(Action::kExec, PodTarget(role_.stateful_set, role_.name, ordinal),
                      Phase::kMembership, std::move(reason));
    e.command = handler.command;
    e.pod = PodName(ordinal);
    e.env = TargetEnv(e.pod, ordinal);
    e.hook = hook;
    e.timeout_seconds = handler.timeout_seconds.value_or(kDefaultHookTimeoutSeconds);
    return e;
  }
  // The partial PVC an apply step sends to set strata.dev/member-left.
  Json MemberLeftMark(const std::string& pvc_name, const char* value) const {
    return Json{{"apiVersion", "v1"},
                {"kind", "PersistentVolumeClaim"},
                {"metadata",
                 {{"name", pvc_name},
                  {"namespace", desired_.namespace_},
                  {"annotations", {{plan_internal::kMemberLeftAnnotation, value}}}}}};
  }
  // Whether every current member exists, is at the desired spec and is
  // Available (nothing of the role is out).
  bool AllAvailable() const;
  void Update(Chain& chain);
  void Cleanup(Chain& chain);
  // Adoption (SPEC-2 §10): the role's StatefulSet exists but was not written
  // by strata (no app.kubernetes.io/instance label: by hand, by Helm).
  bool Adopting() const {
    return observed_sts_ != nullptr &&
           LabelOf(*observed_sts_, plan_internal::kInstanceLabel).empty();
  }
  // Steps putting strata's selector labels on the adopted StatefulSet's pods
  // and PVCs that lack them, before the StatefulSet is replaced, so that
  // strata's StatefulSet takes its members over with their volumes.
  void AdoptMembers(Chain& chain);
  // Errors for a StatefulSet not written by strata whose claims have the
  // name of one of the role's storage entries but whose name is not the
  // role's StatefulSet's: its data would not follow (SPEC-2 §10).
  void RefuseUnfollowableClaims();
  // rollout.approval (SPEC-2 §9): the token for disrupting member `ordinal`
  // (`what` says how, for the reason). Unless PlanOptions::approve holds it,
  // appends a wait of condition approval to `chain`; either way a note says
  // what was asked or approved. `subject` makes the token specific ("leader",
  // the member's name, or a replacement).
  void AskApproval(Chain& chain, int32_t ordinal, const std::string& subject,
                const std::string& what);
  // Cluster maintenance (SPEC-2 §9): before a member restart or replacement
  // (`what`), a wait of condition window on the opening that contains now
  // (it holds, and is checked again when the step comes up) or on the next
  // one. Nothing without windows.
  void InWindow(Chain& chain, int32_t ordinal, const std::string& what);
  // rollout.minIntervalSeconds (SPEC-2 §9): before the first restart of a
  // plan, a wait of condition notBefore when the newest updated member
  // started less than the interval ago.
  void Paced(Chain& chain, int32_t ordinal, const std::string& what);
  int32_t Budget(std::string* why) const;

  const CompiledCluster& desired_;
  const CompiledRole& role_;
  const Role& spec_;
  const ObservedState& observed_;
  const Index& index_;
  absl::Time now_;
  std::set<std::string> approve_;  // PlanOptions::approve.
  PlanBuilder& b_;
  std::vector<std::string>& errors_;

  const Json* desired_sts_ = nullptr;
  const Json* observed_sts_ = nullptr;
  int32_t n_ = 0;        // Desired members.
  int32_t r_obs_ = 0;    // Observed StatefulSet replicas (0 when absent).
  bool stepped_ = false; // Replicas change one at a time.
  bool serial_start_ = false;  // rollout.initial: serial.
  bool stepping_active_ = false;
  bool prep_needed_ = false;  // PVCs to wipe or unmark before scale-out.
  // The ordinal whose memberJoin the observed StatefulSet says is still to
  // run (kMemberJoiningAnnotation), when it is a member that stays.
  std::optional<int32_t> join_pending_;
  // What StsApply records in kMemberJoiningAnnotation: every StatefulSet
  // apply keeps the mark until the memberJoin it names has run.
  std::optional<int32_t> joining_;
  int32_t ready_timeout_ = 300;
  std::vector<std::string> immutable_changes_;
  std::string sts_diff_;
  struct Resize {
    std::string pvc;
    int32_t ordinal;
    std::string from, to, storage_class;
    bool request_done;  // Only the capacity is still behind.
  };
  std::vector<Resize> resizes_;
  RoleMembers members_;
  int member_steps_ = 0;          // Steps beyond objects.
  std::set<std::string> replaced_;  // Pods this plan restarts or removes.
};

bool RolePlanner::MemberLeft(int32_t ordinal) const {
  if (role_.storage.empty()) return false;
  for (const Storage& s : role_.storage) {
    const Json* pvc =
        index_.Get("PersistentVolumeClaim", PvcName(s.name, role_.stateful_set, ordinal));
    if (pvc == nullptr || AnnotationOf(*pvc, plan_internal::kMemberLeftAnnotation) != "true") {
      return false;
    }
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
  serial_start_ = spec_.rollout.initial == InitialRollout::kSerial;
  stepped_ = spec_.lifecycle.member_leave.has_value() ||
             spec_.lifecycle.member_join.has_value() || spec_.quorum == Quorum::kMajority ||
             serial_start_;
  stepping_active_ = stepped_ && r_obs_ > 0 && r_obs_ != n_;
  if (observed_sts_ != nullptr && spec_.lifecycle.member_join.has_value()) {
    int32_t j = -1;
    if (absl::SimpleAtoi(AnnotationOf(*observed_sts_, plan_internal::kMemberJoiningAnnotation),
                         &j) &&
        j >= 0 && j < r_obs_ && j < n_) {
      join_pending_ = j;
      joining_ = j;
    }
  }
  ready_timeout_ = plan_internal::ReadyTimeoutSeconds(spec_);
  members_ = PartitionMembers(observed_.pods, role_.stateful_set, n_);

  for (int32_t k = r_obs_; k < n_; ++k) {
    for (const Storage& s : role_.storage) {
      const Json* pvc =
          index_.Get("PersistentVolumeClaim", PvcName(s.name, role_.stateful_set, k));
      if (pvc != nullptr &&
          AnnotationOf(*pvc, plan_internal::kMemberLeftAnnotation) == "true") {
        prep_needed_ = true;
      }
    }
  }

  // Storage: errors for what volumes cannot do, resizes for growth.
  const Json* observed_vcts =
      observed_sts_ ? Find(*observed_sts_, {"spec", "volumeClaimTemplates"}) : nullptr;
  for (const Storage& s : role_.storage) {
    std::map<int32_t, const Json*> pvcs = ClaimPvcs(s.name);
    const Json* vct = nullptr;
    if (observed_vcts != nullptr && observed_vcts->is_array()) {
      for (const Json& t : *observed_vcts) {
        if (NameOf(t) == s.name) vct = &t;
      }
    }
    std::string where = absl::StrCat("role ", role_.name, ": storage ", s.name);
    if (vct != nullptr) {
      std::string have_text = StringAt(*vct, {"spec", "resources", "requests", "storage"});
      std::optional<Quantity> have = ParseQuantity(have_text);
      if (have.has_value() && s.size < *have) {
        errors_.push_back(absl::StrCat(
            where, ": size ", s.size.ToString(), " is smaller than the ", have_text,
            " its claims (", PvcName(s.name, role_.stateful_set, 0),
            ", ...) already have; volumes cannot shrink: keep ", have_text,
            " or move the data to a new storage entry"));
        continue;
      }
      const Json* modes = Find(*vct, {"spec", "accessModes"});
      std::vector<std::string> have_modes;
      if (modes != nullptr && modes->is_array()) {
        for (const Json& m : *modes) {
          if (m.is_string()) have_modes.push_back(m.get<std::string>());
        }
      }
      if (modes != nullptr && have_modes != s.access_modes) {
        errors_.push_back(absl::StrCat(
            where, ": accessModes change from [", absl::StrJoin(have_modes, ", "),
            "] to [", absl::StrJoin(s.access_modes, ", "),
            "]; existing claims keep theirs: move the data to a new storage entry"));
        continue;
      }
      std::string have_class = StringAt(*vct, {"spec", "storageClassName"});
      if (have_class != s.storage_class_name) {
        // An unnamed class took the cluster default; naming that very class
        // now changes nothing for the volumes.
        bool same_in_effect = have_class.empty() && !pvcs.empty();
        for (const auto& [ordinal, pvc] : pvcs) {
          if (StringAt(*pvc, {"spec", "storageClassName"}) != s.storage_class_name) {
            same_in_effect = false;
          }
        }
        if (!same_in_effect) {
          errors_.push_back(absl::StrCat(
              where, ": storageClassName changes from ",
              have_class.empty() ? "the cluster default" : absl::StrCat("\"", have_class, "\""),
              " to ",
              s.storage_class_name.empty() ? "the cluster default"
                                           : absl::StrCat("\"", s.storage_class_name, "\""),
              "; existing claims (", PvcName(s.name, role_.stateful_set, 0),
              ", ...) cannot change class: move the data to a new storage entry"));
          continue;
        }
      }
      if (have.has_value() && *have < s.size) {
        immutable_changes_.push_back(absl::StrCat("volumeClaimTemplates ", s.name, " size ",
                                                  have_text, " -> ", s.size.ToString()));
      }
    } else if (observed_sts_ != nullptr) {
      immutable_changes_.push_back(
          absl::StrCat("volumeClaimTemplates adds ", s.name));
    }
    for (const auto& [ordinal, pvc] : pvcs) {
      // Claims of members that are leaving (or already gone) are not grown:
      // under onScaleDown: delete they vanish with the scale-in, and a kept
      // claim is grown by a later plan if its ordinal ever returns.
      if (ordinal >= n_) continue;
      std::optional<Quantity> request = ParseQuantity(plan_internal::PvcRequest(*pvc));
      std::optional<Quantity> capacity = ParseQuantity(plan_internal::PvcCapacity(*pvc));
      std::string cls = StringAt(*pvc, {"spec", "storageClassName"});
      if (cls.empty()) cls = s.storage_class_name;
      if (request.has_value() && *request < s.size) {
        resizes_.push_back({NameOf(*pvc), ordinal, request->ToString(), s.size.ToString(),
                            cls, false});
      } else if (capacity.has_value() && *capacity < s.size) {
        resizes_.push_back({NameOf(*pvc), ordinal, capacity->ToString(),
                            s.size.ToString(), cls, true});
      }
    }
  }

  if (observed_sts_ != nullptr && desired_sts_ != nullptr) {
    const Json& want = *desired_sts_;
    const Json& have = *observed_sts_;
    // selector must match exactly (extra observed keys matter too).
    const Json* ws = Find(want, {"spec", "selector"});
    const Json* hs = Find(have, {"spec", "selector"});
    if (ws != nullptr && (hs == nullptr || FirstDifference(*ws, *hs) ||
                          FirstDifference(*hs, *ws))) {
      immutable_changes_.push_back("selector");
    }
    if (StringAt(want, {"spec", "serviceName"}) != StringAt(have, {"spec", "serviceName"})) {
      immutable_changes_.push_back(
          absl::StrCat("serviceName ", Brief(StringAt(have, {"spec", "serviceName"})),
                       " -> ", Brief(StringAt(want, {"spec", "serviceName"}))));
    }
    std::string want_pmp = StringAt(want, {"spec", "podManagementPolicy"});
    std::string have_pmp = StringAt(have, {"spec", "podManagementPolicy"});
    if (have_pmp.empty()) have_pmp = "OrderedReady";
    if (!want_pmp.empty() && want_pmp != have_pmp) {
      immutable_changes_.push_back(
          absl::StrCat("podManagementPolicy ", have_pmp, " -> ", want_pmp));
    }
    const Json* wv = Find(want, {"spec", "volumeClaimTemplates"});
    const Json* hv = Find(have, {"spec", "volumeClaimTemplates"});
    static const Json kEmpty = Json::array();
    bool listed = false;
    for (const std::string& c : immutable_changes_) {
      if (absl::StartsWith(c, "volumeClaimTemplates")) listed = true;
    }
    if (!listed) {
      if (auto d = FirstDifference(wv ? *wv : kEmpty, hv ? *hv : kEmpty,
                                   "volumeClaimTemplates")) {
        immutable_changes_.push_back(*d);
      }
    }
    sts_diff_ = StatefulSetChange(want, have);
  }
}

void RolePlanner::Objects(Chain& chain) {
  int32_t replicas_first = (stepping_active_ || prep_needed_) ? r_obs_ : n_;
  // rollout.initial: serial: a new role starts with its first member (or
  // none while ordinals are prepared); Membership adds the rest one by one.
  if (SerialBringUp()) replicas_first = prep_needed_ ? 0 : 1;
  for (const Object& o : desired_.objects) {
    if (o.role != role_.name) continue;
    if (o.kind == "StatefulSet") {
      Target t{.kind = "StatefulSet", .name = o.name, .role = role_.name};
      if (Adopting()) AdoptMembers(chain);
      if (!immutable_changes_.empty()) {
        Step del = MakeStep(
            Action::kDelete, t, Phase::kObjects,
            absl::StrCat("immutable StatefulSet fields change (",
                         absl::StrJoin(immutable_changes_, "; "),
                         "): delete it with orphan: true so its pods and PVCs stay, "
                         "then create it again"));
        del.orphan = true;
        b_.Then(chain, std::move(del));
        b_.Then(chain, StsApply(replicas_first, Phase::kObjects,
                                absl::StrCat("re-create StatefulSet ", o.name,
                                             " with the new fields and ", replicas_first,
                                             " replicas; it adopts the running pods")));
        continue;
      }
      if (observed_sts_ == nullptr) {
        std::string reason = absl::StrCat(
            "create StatefulSet ", o.name, " with ", Plural(replicas_first, "member"));
        if (SerialBringUp()) {
          absl::StrAppend(&reason, " of ", n_,
                          " (rollout.initial: serial: members come up one at a time, each "
                          "Ready before the next)");
        } else if (stepped_ && replicas_first == n_ && n_ > 1) {
          absl::StrAppend(&reason,
                          " at once: initial members form the cluster together, so no "
                          "stepping and no memberJoin");
        }
        b_.Then(chain, StsApply(replicas_first, Phase::kObjects, reason));
        continue;
      }
      if (!sts_diff_.empty() || replicas_first != r_obs_) {
        std::vector<std::string> why;
        if (!sts_diff_.empty()) {
          why.push_back(sts_diff_);
        }
        if (replicas_first != r_obs_) {
          if (r_obs_ == 0 && replicas_first > 0) {
            why.push_back("start (the Cluster is no longer stopped): every member at once "
                          "on the PVCs it kept, as an initial bring-up without memberJoin");
          }
          why.push_back(absl::StrCat(
              replicas_first > r_obs_ ? "scale out" : "scale in", " from ", r_obs_, " to ",
              replicas_first, " members",
              replicas_first < r_obs_
                  ? absl::StrCat(" (the highest ordinals go first",
                                 ScaleInVolumes(replicas_first, r_obs_), ")")
                  : ""));
        }
        b_.Then(chain, StsApply(replicas_first, Phase::kObjects,
                                absl::StrCat("update StatefulSet ", o.name, ": ",
                                             absl::StrJoin(why, "; "))));
      }
      continue;
    }
    const Json* have = index_.Get(o.kind, o.name);
    Target t{.kind = o.kind, .name = o.name, .role = role_.name};
    std::string reason;
    if (have == nullptr) {
      std::string what;
      if (o.kind == "ConfigMap") {
        what = o.name == role_.live_config_map
                   ? absl::StrCat(": the live (onChange: none) config files of role ", role_.name,
                                  ", updated in place in running members")
                   : absl::StrCat(": the rendered config files of role ", role_.name);
      } else if (o.kind == "Service" &&
                 StringAt(o.body, {"spec", "clusterIP"}) == "None") {
        what = ": headless Service giving members stable DNS names";
      } else if (o.kind == "PodDisruptionBudget") {
        what = ": limits voluntary disruptions of the role";
      }
      reason = absl::StrCat("create ", o.kind, " ", o.name, what);
    } else if (auto d = FirstDifference(o.body, *have)) {
      reason = absl::StrCat("update ", o.kind, " ", o.name, ": ", *d);
    } else {
      continue;
    }
    Step s = MakeStep(Action::kApply, t, Phase::kObjects, std::move(reason));
    s.object = o.body;
    b_.Then(chain, std::move(s));
  }
}

void RolePlanner::AdoptMembers(Chain& chain) {
  const Json* selector = Find(*desired_sts_, {"spec", "selector", "matchLabels"});
  if (selector == nullptr || !selector->is_object()) return;
  // What strata's StatefulSet selects its pods by, and (as the controller
  // labels the claims it creates) its claims' template labels.
  std::map<std::string, std::string> pod_labels;
  for (auto it = selector->begin(); it != selector->end(); ++it) {
    if (it.value().is_string()) pod_labels[it.key()] = it.value().get<std::string>();
  }
  pod_labels[plan_internal::kInstanceLabel] = desired_.cluster;
  pod_labels[plan_internal::kComponentLabel] = role_.name;
  std::map<std::string, std::map<std::string, std::string>> claim_labels;
  if (const Json* vcts = Find(*desired_sts_, {"spec", "volumeClaimTemplates"});
      vcts != nullptr && vcts->is_array()) {
    for (const Json& t : *vcts) {
      std::map<std::string, std::string> labels = pod_labels;
      if (const Json* l = Find(t, {"metadata", "labels"}); l != nullptr && l->is_object()) {
        for (auto it = l->begin(); it != l->end(); ++it) {
          if (it.value().is_string()) labels[it.key()] = it.value().get<std::string>();
        }
      }
      claim_labels[NameOf(t)] = std::move(labels);
    }
  }
  auto missing = [](const Json& object, const std::map<std::string, std::string>& labels) {
    for (const auto& [k, v] : labels) {
      if (LabelOf(object, k) != v) return true;
    }
    return false;
  };
  auto partial = [&](const char* kind, const std::string& name,
                     const std::map<std::string, std::string>& labels) {
    Json l = Json::object();
    for (const auto& [k, v] : labels) l[k] = v;
    return Json{{"apiVersion", "v1"},
                {"kind", kind},
                {"metadata",
                 {{"name", name}, {"namespace", desired_.namespace_}, {"labels", std::move(l)}}}};
  };
  const std::string adopt =
      absl::StrCat("adopt StatefulSet ", role_.stateful_set,
                   " (SPEC-2 §10: not written by strata, no ", plan_internal::kInstanceLabel,
                   " label): label ");
  std::vector<int32_t> labelled;
  for (const Json& pod : observed_.pods) {
    std::optional<int32_t> k = plan_internal::OrdinalOf(NameOf(pod), role_.stateful_set);
    if (!k.has_value() || !missing(pod, pod_labels)) continue;
    Step s = MakeStep(Action::kApply, PodTarget(role_.stateful_set, role_.name, *k),
                      Phase::kObjects,
                      absl::StrCat(adopt, "pod ", NameOf(pod),
                                   " with strata's selector so the new StatefulSet takes it "
                                   "over with its data"));
    s.object = partial("Pod", NameOf(pod), pod_labels);
    labelled.push_back(b_.Add(std::move(s), chain.frontier));
  }
  for (const Storage& st : role_.storage) {
    auto labels = claim_labels.find(st.name);
    if (labels == claim_labels.end()) continue;
    for (const auto& [k, pvc] : ClaimPvcs(st.name)) {
      if (!missing(*pvc, labels->second)) continue;
      Step s = MakeStep(
          Action::kApply,
          Target{.kind = "PersistentVolumeClaim", .name = NameOf(*pvc), .role = role_.name,
                 .ordinal = k},
          Phase::kObjects,
          absl::StrCat(adopt, "PVC ", NameOf(*pvc),
                       " as role ", role_.name, "'s claim (storage ", st.name,
                       "); the claim and its volume stay as they are"));
      s.object = partial("PersistentVolumeClaim", NameOf(*pvc), labels->second);
      labelled.push_back(b_.Add(std::move(s), chain.frontier));
    }
  }
  if (!labelled.empty()) chain.frontier = labelled;
}

// The images of a StatefulSet's containers without tag or digest
// ("gcr.io/google-samples/cassandra").
std::set<std::string> ImageRepositories(const Json& sts) {
  std::set<std::string> out;
  const Json* containers = Find(sts, {"spec", "template", "spec", "containers"});
  if (containers == nullptr || !containers->is_array()) return out;
  for (const Json& c : *containers) {
    std::string image = StringAt(c, {"image"});
    image = image.substr(0, image.find('@'));
    size_t colon = image.rfind(':');
    if (colon != std::string::npos && image.find('/', colon) == std::string::npos) {
      image.resize(colon);
    }
    if (!image.empty()) out.insert(image);
  }
  return out;
}

void RolePlanner::RefuseUnfollowableClaims() {
  std::set<std::string> roles_sets;  // Every role's own StatefulSet.
  for (const CompiledRole& r : desired_.roles) roles_sets.insert(r.stateful_set);
  const std::set<std::string> images = ImageRepositories(*desired_sts_);
  for (const Json& sts : observed_.stateful_sets) {
    const std::string name = NameOf(sts);
    if (roles_sets.count(name) || !LabelOf(sts, plan_internal::kInstanceLabel).empty()) continue;
    // The same software (an image in common): what the role was imported
    // from, not another application that happens to use the claim's name.
    bool same_software = false;
    for (const std::string& i : ImageRepositories(sts)) same_software |= images.count(i) > 0;
    if (!same_software) continue;
    const Json* vcts = Find(sts, {"spec", "volumeClaimTemplates"});
    if (vcts == nullptr || !vcts->is_array()) continue;
    for (const Json& t : *vcts) {
      const std::string claim = NameOf(t);
      bool ours = false;
      for (const Storage& s : role_.storage) ours |= s.name == claim;
      // The role's own claims exist already: it runs (or ran, or was given
      // copies) on volumes of its own.
      if (!ours || !ClaimPvcs(claim).empty()) continue;
      std::vector<std::string> held;
      const std::string prefix = absl::StrCat(claim, "-", name);
      for (const Json& pvc : observed_.persistent_volume_claims) {
        if (plan_internal::OrdinalOf(NameOf(pvc), prefix).has_value()) {
          held.push_back(NameOf(pvc));
        }
      }
      if (held.empty()) continue;
      errors_.push_back(absl::StrCat(
          "role ", role_.name, ": storage ", claim, ": refusing to plan (SPEC-2 §10): ",
          "StatefulSet ", name, " (not strata's: no ", plan_internal::kInstanceLabel,
          " label) keeps its members' data on ", absl::StrJoin(held, ", "),
          ", but strata's StatefulSet for role ", role_.name, " is ", role_.stateful_set,
          ", whose members mount ", PvcName(claim, role_.stateful_set, 0),
          ", ...: the data would not follow, and the role would start on empty volumes "
          "beside the running members. A StatefulSet's claims cannot be renamed: copy each "
          "volume to the claim strata's member mounts (", prefix, "-0 -> ",
          PvcName(claim, role_.stateful_set, 0),
          ", ...; e.g. a PVC restored from a VolumeSnapshot), or delete StatefulSet ", name,
          " and its claims if their data is not needed (docs/migrating.md)"));
    }
  }
}

void RolePlanner::Resizes(Chain& chain) {
  if (resizes_.empty()) return;
  std::vector<int32_t> waits;
  for (const Resize& r : resizes_) {
    Chain c = chain;
    Target t{.kind = "PersistentVolumeClaim", .name = r.pvc, .role = role_.name,
             .ordinal = r.ordinal};
    if (!r.request_done) {
      Step s = MakeStep(
          Action::kResizePvc, t, Phase::kStorage,
          absl::StrCat("grow ", r.pvc, " from ", r.from, " to ", r.to, ": needs StorageClass ",
                       r.storage_class.empty() ? "(the cluster default)"
                                               : absl::StrCat("\"", r.storage_class, "\""),
                       " with allowVolumeExpansion: true"));
      s.size = r.to;
      b_.Then(c, std::move(s));
    }
    Step w = MakeStep(Action::kWait, t, Phase::kStorage,
                      absl::StrCat("wait until ", r.pvc, " has the new capacity ", r.to,
                                   r.request_done ? " (its expansion is under way)" : ""));
    w.condition = WaitCondition{
        .kind = WaitCondition::Kind::kPvcCapacity, .target = r.pvc, .size = r.to};
    w.size = r.to;
    w.timeout_seconds = kPvcResizeTimeoutSeconds;
    waits.push_back(b_.Then(c, std::move(w)));
    ++member_steps_;
  }
  chain.frontier = waits;
}

bool RolePlanner::Blocked(Chain& chain) {
  for (const auto& [ordinal, pod] : members_.by_ordinal) {
    if (IsTerminating(*pod) || IsReady(*pod) || !IsAtDesiredSpec(*pod, role_.spec_hash)) {
      continue;
    }
    std::string why = plan_internal::StuckReason(*pod);
    std::string name = NameOf(*pod);
    if (!why.empty()) {
      why = absl::StrCat(name, " is stuck at the current spec: ", why);
    } else if (std::optional<absl::Time> started = plan_internal::StartedAt(*pod);
               started.has_value() && now_ - *started > absl::Seconds(ready_timeout_)) {
      why = absl::StrCat(name, " has not become Ready within ", ready_timeout_,
                         "s of starting at ", Rfc3339(*started));
    } else {
      continue;
    }
    Step w = PodWait(ordinal, Phase::kRepair,
                     absl::StrCat(why, "; the plan stops here (no later member is touched) "
                                       "until it becomes Ready or the spec changes"));
    w.timeout_seconds = 0;
    b_.Then(chain, std::move(w));
    b_.plan().blocked = true;
    b_.plan().blocked_reason = why;
    b_.plan().notes.push_back(absl::StrCat("stopped at ", name, ": ", why));
    return true;
  }
  return false;
}

void RolePlanner::Repair(Chain& chain) {
  int32_t scope = std::min(n_, observed_sts_ ? r_obs_ : 0);
  std::vector<std::pair<int32_t, Step>> restarts;
  std::vector<std::pair<int32_t, Step>> waits;
  for (int32_t k = 0; k < scope; ++k) {
    const Json* pod = PodAt(k);
    std::string name = PodName(k);
    if (pod == nullptr) {
      waits.push_back({k, PodWait(k, Phase::kRepair,
                                  absl::StrCat(name, " does not exist yet: wait for the "
                                                     "StatefulSet to create it and for it "
                                                     "to become Ready"))});
      continue;
    }
    if (IsTerminating(*pod)) {
      waits.push_back({k, PodWait(k, Phase::kRepair,
                                  absl::StrCat(name, " is terminating: wait for it to come "
                                                     "back Ready"))});
      continue;
    }
    bool outdated = !IsAtDesiredSpec(*pod, role_.spec_hash);
    std::string stuck = plan_internal::StuckReason(*pod);
    if (outdated && (!IsReady(*pod) || !stuck.empty())) {
      Step r = MakeStep(
          Action::kRestart, PodTarget(role_.stateful_set, role_.name, k), Phase::kRepair,
          absl::StrCat(ChangeSummary(*pod, desired_sts_, role_), " and ", name, " is ",
                       stuck.empty() ? "not Ready" : absl::StrCat("stuck (", stuck, ")"),
                       ": restart it first; it is out already, so no gate and no budget"));
      restarts.push_back({k, std::move(r)});
      replaced_.insert(name);
      waits.push_back({k, PodWait(k, Phase::kRepair,
                                  absl::StrCat("wait for ", name,
                                               " to be Ready at the new spec before the "
                                               "next member"))});
      continue;
    }
    if (!Available(*pod)) {
      std::string reason;
      if (IsReady(*pod)) {
        std::optional<absl::Time> since = plan_internal::ReadySince(*pod);
        reason = absl::StrCat(name, " is Ready since ",
                              since ? Rfc3339(*since) : "an unknown time",
                              " but not yet for minReadySeconds=",
                              spec_.rollout.min_ready_seconds,
                              ": it counts as unavailable until then");
      } else {
        reason = absl::StrCat(name, " is not Ready: wait for it before disrupting anyone "
                                    "else (it counts against the budget)");
      }
      waits.push_back({k, PodWait(k, Phase::kRepair, reason)});
    }
  }
  if (restarts.empty() && waits.empty()) return;
  std::vector<int32_t> ends;
  std::map<int32_t, int32_t> restart_id;
  for (auto& [k, step] : restarts) restart_id[k] = b_.Add(std::move(step), chain.frontier);
  for (auto& [k, step] : waits) {
    auto it = restart_id.find(k);
    ends.push_back(b_.Add(std::move(step),
                          it == restart_id.end() ? chain.frontier
                                                 : std::vector<int32_t>{it->second}));
  }
  member_steps_ += static_cast<int>(restarts.size() + waits.size());
  chain.frontier = ends;
}

void RolePlanner::PrepareOrdinal(Chain& chain, int32_t k) {
  for (const Storage& s : role_.storage) {
    std::string pvc_name = PvcName(s.name, role_.stateful_set, k);
    const Json* pvc = index_.Get("PersistentVolumeClaim", pvc_name);
    if (pvc == nullptr ||
        AnnotationOf(*pvc, plan_internal::kMemberLeftAnnotation) != "true") {
      continue;
    }
    Target t{.kind = "PersistentVolumeClaim", .name = pvc_name, .role = role_.name,
             .ordinal = k};
    if (s.after_leave == AfterLeave::kWipe) {
      Step d = MakeStep(Action::kDelete, t, Phase::kMembership,
                        absl::StrCat(PodName(k), " ran memberLeave before (",
                                     plan_internal::kMemberLeftAnnotation, ") and storage ",
                                     s.name,
                                     " says afterLeave: wipe: delete its old PVC so the "
                                     "member rejoins with empty data"));
      b_.Then(chain, std::move(d));
    } else {
      Step a = MakeStep(Action::kApply, t, Phase::kMembership,
                        absl::StrCat(PodName(k), " comes back with the data it left with "
                                     "(afterLeave: keep): clear its ",
                                     plan_internal::kMemberLeftAnnotation, " mark"));
      a.object = MemberLeftMark(pvc_name, "false");
      b_.Then(chain, std::move(a));
    }
    ++member_steps_;
  }
}

void RolePlanner::JoinMember(Chain& chain, int32_t k, bool resumed) {
  b_.Then(chain, PodWait(k, Phase::kMembership,
                         absl::StrCat(resumed ? absl::StrCat("the StatefulSet says (",
                                                             plan_internal::kMemberJoiningAnnotation,
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
                                       plan_internal::kMemberJoiningAnnotation,
                                       " from the StatefulSet)")));
  ++member_steps_;
}

void RolePlanner::MarkLeft(Chain& chain, int32_t k, bool scale_in) {
  for (const Storage& s : role_.storage) {
    std::string pvc_name = PvcName(s.name, role_.stateful_set, k);
    const Json* pvc = index_.Get("PersistentVolumeClaim", pvc_name);
    if (pvc == nullptr || AnnotationOf(*pvc, plan_internal::kMemberLeftAnnotation) == "true") {
      continue;
    }
    Step a = MakeStep(Action::kApply,
                      Target{.kind = "PersistentVolumeClaim", .name = pvc_name,
                             .role = role_.name, .ordinal = k},
                      Phase::kMembership,
                      absl::StrCat("record that ", PodName(k), " ran memberLeave (",
                                   plan_internal::kMemberLeftAnnotation,
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

bool RolePlanner::AllAvailable() const {
  if (observed_sts_ == nullptr || !members_.missing.empty()) return false;
  for (const auto& [k, pod] : members_.by_ordinal) {
    if (IsTerminating(*pod) || !Available(*pod) || !IsAtDesiredSpec(*pod, role_.spec_hash)) {
      return false;
    }
  }
  return true;
}

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
void RolePlanner::Replace(Chain& chain) {
  if (role_.replace.empty()) return;
  const std::string cm_name = absl::StrCat(role_.stateful_set, "-replace");
  std::map<std::string, std::string> record;
  if (const Json* cm = index_.Get("ConfigMap", cm_name)) {
    if (const Json* data = Find(*cm, {"data"}); data != nullptr && data->is_object()) {
      for (const auto& [k, v] : data->items()) {
        if (v.is_string()) record[k] = v.get<std::string>();
      }
    }
  }
  auto record_step = [&](const std::map<std::string, std::string>& data, std::string reason) {
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
  };
  for (const MemberReplace& m : role_.replace) {
    std::optional<int32_t> k = plan_internal::OrdinalOf(m.member, role_.stateful_set);
    if (!k.has_value() || *k >= n_) {
      b_.plan().notes.push_back(absl::StrCat("role ", role_.name, ": replace ", m.member,
                                             " skipped: it is not a member of ",
                                             role_.stateful_set, " (ordinals 0..", n_ - 1, ")"));
      continue;
    }
    auto done = record.find(m.member);
    if (done != record.end() && done->second == m.token) continue;
    const std::string replacing_key = absl::StrCat(m.member, ".replacing");
    const std::string uid_key = absl::StrCat(m.member, ".uid");
    const Json* pod = PodAt(*k);
    auto replacing = record.find(replacing_key);
    const bool started = replacing != record.end() && replacing->second == m.token;
    const std::string uid = pod != nullptr ? StringAt(*pod, {"metadata", "uid"}) : "";
    const bool restarted = started && (pod == nullptr || uid != record[uid_key]);
    const std::string why = absl::StrCat(" (replace ", m.member, ", token ", m.token, ")");
    if (!started) {
      if (pod == nullptr || IsTerminating(*pod)) continue;  // Repair waits for it.
      if (member_steps_ > 0 || !AllAvailable()) {
        b_.Then(chain, RoleWait(n_, Phase::kMembership,
                                absl::StrCat("every member of ", role_.name, " (", n_, "/", n_,
                                             ") must be Ready before ", m.member,
                                             " is taken down to be replaced")));
        ++member_steps_;
      }
      const Approval approval = spec_.rollout.approval;
      const bool leads = !spec_.rollout.leader_label.empty() &&
                         IsLeader(*pod, spec_.rollout.leader_label);
      if (approval == Approval::kEvery || (approval == Approval::kLeader && leads)) {
        AskApproval(chain, *k, absl::StrCat("replace ", m.member, " ", m.token),
                 absl::StrCat("replacing ", m.member, leads ? " (the leader)" : "",
                              " on empty storage (token ", m.token, ")"));
      }
      InWindow(chain, *k, absl::StrCat("replacing ", m.member));
      std::map<std::string, std::string> data = record;
      data[replacing_key] = m.token;
      data[uid_key] = uid;
      record_step(data, absl::StrCat("record in ConfigMap ", cm_name, " that ", m.member,
                                     " (pod uid ", uid, ") is being replaced for token ",
                                     m.token, ", so an interrupted replacement resumes and a "
                                     "finished one never repeats"));
      record = std::move(data);
    }
    if (!restarted) {
      if (spec_.lifecycle.member_leave.has_value() && !MemberLeft(*k)) {
        b_.Then(chain, HookStep(Hook::kMemberLeave, *spec_.lifecycle.member_leave, *k,
                                absl::StrCat("run memberLeave in ", m.member,
                                             " before its data is deleted; it must succeed "
                                             "first",
                                             why)));
        ++member_steps_;
        MarkLeft(chain, *k, /*scale_in=*/false);
      }
      for (const Storage& s : role_.storage) {
        std::string pvc_name = PvcName(s.name, role_.stateful_set, *k);
        const Json* pvc = index_.Get("PersistentVolumeClaim", pvc_name);
        if (pvc == nullptr || Find(*pvc, {"metadata", "deletionTimestamp"}) != nullptr) continue;
        b_.Then(chain,
                MakeStep(Action::kDelete,
                         Target{.kind = "PersistentVolumeClaim", .name = pvc_name,
                                .role = role_.name, .ordinal = *k},
                         Phase::kMembership,
                         absl::StrCat("delete ", pvc_name, " so that ", m.member,
                                      " comes back on empty storage (whatever onScaleDown "
                                      "says); it goes once the pod is gone",
                                      why)));
        ++member_steps_;
      }
      if (pod != nullptr && !IsTerminating(*pod)) {
        b_.Then(chain, MakeStep(Action::kRestart,
                                PodTarget(role_.stateful_set, role_.name, *k),
                                Phase::kMembership,
                                absl::StrCat("restart ", m.member,
                                             ": the StatefulSet recreates it at the current "
                                             "spec on new PVCs",
                                             why)));
        ++member_steps_;
      }
    }
    b_.Then(chain, PodWait(*k, Phase::kMembership,
                           absl::StrCat("wait for the rebuilt ", m.member, " to be Ready",
                                        spec_.lifecycle.member_join ? " before memberJoin" : "",
                                        why)));
    ++member_steps_;
    if (spec_.lifecycle.member_join.has_value()) {
      b_.Then(chain, HookStep(Hook::kMemberJoin, *spec_.lifecycle.member_join, *k,
                              absl::StrCat("run memberJoin in the rebuilt ", m.member, why)));
      ++member_steps_;
    }
    std::map<std::string, std::string> data = record;
    data.erase(replacing_key);
    data.erase(uid_key);
    data[m.member] = m.token;
    record_step(data, absl::StrCat("record in ConfigMap ", cm_name, " that ", m.member,
                                   " was replaced for token ", m.token,
                                   ": the same token never replaces it again"));
    record = std::move(data);
    replaced_.insert(m.member);
  }
}

void RolePlanner::Membership(Chain& chain) {
  if (SerialBringUp()) {
    int32_t first = prep_needed_ ? 0 : 1;
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
                                           "serial): replicas ", k, " -> ", k + 1, " adds ",
                                           PodName(k))));
      b_.Then(chain, PodWait(k, Phase::kMembership,
                             absl::StrCat("wait for the new member ", PodName(k),
                                          " to be Ready before the next change")));
      member_steps_ += 2;
    }
    return;
  }
  if (observed_sts_ == nullptr && !prep_needed_) return;
  if (join_pending_.has_value() && n_ >= r_obs_) {
    // A scale-out stopped between adding the member and its memberJoin
    // (the pass waited for it to be Ready): run it now, once.
    JoinMember(chain, *join_pending_, /*resumed=*/true);
    if (n_ == r_obs_) {
      JoinDone(chain, n_, *join_pending_);
      return;
    }
  }
  if (n_ > r_obs_ && (stepping_active_ || prep_needed_)) {
    if (!stepping_active_) {
      for (int32_t k = r_obs_; k < n_; ++k) PrepareOrdinal(chain, k);
      b_.Then(chain, StsApply(n_, Phase::kMembership,
                              absl::StrCat("scale out from ", r_obs_, " to ", n_,
                                           " members (the StatefulSet adds ordinals ", r_obs_,
                                           "..", n_ - 1, " at once)")));
      ++member_steps_;
      return;
    }
    for (int32_t k = r_obs_; k < n_; ++k) {
      PrepareOrdinal(chain, k);
      std::string why = spec_.quorum == Quorum::kMajority ? "quorum role"
                        : spec_.lifecycle.member_join   ? "memberJoin runs per member"
                                                        : "the role has a memberLeave hook";
      const bool join = spec_.lifecycle.member_join.has_value();
      // The applied StatefulSet records that k's memberJoin is still to run.
      if (join) joining_ = k;
      b_.Then(chain, StsApply(k + 1, Phase::kMembership,
                              absl::StrCat("scale out one member at a time (", why, "): replicas ",
                                           k, " -> ", k + 1, " adds ", PodName(k),
                                           join ? absl::StrCat("; ",
                                                               plan_internal::kMemberJoiningAnnotation,
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
    if (spec_.lifecycle.member_join.has_value()) JoinDone(chain, n_, n_ - 1);
    return;
  }
  if (n_ < r_obs_ && stepping_active_) {
    for (int32_t k = r_obs_ - 1; k >= n_; --k) {
      std::string name = PodName(k);
      const Json* pod = PodAt(k);
      bool left = MemberLeft(k);
      if (spec_.lifecycle.member_leave.has_value()) {
        if (left) {
          // Resumed: memberLeave ran (the PVCs say so); never run it twice.
        } else if (pod == nullptr || IsTerminating(*pod)) {
          // Nothing to exec in; the replicas step says so.
        } else {
          b_.Then(chain, HookStep(Hook::kMemberLeave, *spec_.lifecycle.member_leave, k,
                                  absl::StrCat("run memberLeave in ", name,
                                               " before it is removed (highest ordinal "
                                               "first); it must succeed before the member "
                                               "goes")));
          ++member_steps_;
        }
        MarkLeft(chain, k, /*scale_in=*/true);
      }
      std::string volumes = ScaleInVolumes(k, k + 1);
      b_.Then(chain, StsApply(k, Phase::kMembership,
                              absl::StrCat("scale in one member at a time: replicas ", k + 1,
                                           " -> ", k, " removes ", name,
                                           pod == nullptr ? " (its pod is already gone)" : "",
                                           volumes)));
      replaced_.insert(name);
      ++member_steps_;
      if (k > n_) {
        b_.Then(chain, RoleWait(k, Phase::kMembership,
                                absl::StrCat("the ", Plural(k, "remaining member"),
                                             " must be Ready before the next change")));
        ++member_steps_;
      }
    }
    return;
  }
  // Non-stepped scale-in was done by the objects-phase apply; its victims:
  for (const auto& [k, pod] : members_.condemned) replaced_.insert(NameOf(*pod));
}

int32_t RolePlanner::Budget(std::string* why) const {
  const RolloutPolicy& p = spec_.rollout;
  bool quorum_capped = false;
  const int32_t budget = spec_.RolloutBudget(n_, &quorum_capped);
  if (quorum_capped) {
    *why = absl::StrCat(StrategyName(p.strategy), ", up to ", budget,
                        " at a time (quorum keeps ", n_ / 2 + 1, " of ", n_, " available)");
  } else if (p.strategy == RolloutStrategy::kSerial) {
    *why = "serial";
  } else {
    *why = absl::StrCat(StrategyName(p.strategy), ", up to ", budget, " at a time");
  }
  return budget;
}

void RolePlanner::Update(Chain& chain) {
  struct Candidate {
    int32_t ordinal;
    const Json* pod;
    bool leader;
    std::string zone;
  };
  std::vector<Candidate> candidates;
  const RolloutPolicy& p = spec_.rollout;
  for (const auto& [k, pod] : members_.by_ordinal) {
    if (IsTerminating(*pod) || replaced_.count(NameOf(*pod))) continue;
    if (IsAtDesiredSpec(*pod, role_.spec_hash)) continue;
    candidates.push_back({k, pod, IsLeader(*pod, p.leader_label),
                          plan_internal::ZoneOf(*pod, observed_.nodes)});
  }
  if (candidates.empty()) return;
  if (member_steps_ > 0 || (observed_sts_ != nullptr && n_ > r_obs_)) {
    // Whatever came before (repairs, new members, resizes) must have settled,
    // and every member be Ready, before the first Ready member is disrupted
    // (SPEC §4 rule 2 "membership first", ROLLOUT-RULES 3 and 23).
    b_.Then(chain, RoleWait(n_, Phase::kUpdate,
                            absl::StrCat("every member of ", role_.name, " (", n_, "/", n_,
                                         ") must be Ready before the first restart")));
    ++member_steps_;
  }

  std::string order_note = OrderName(p.order);
  RolloutOrder order = p.order;
  if (order == RolloutOrder::kFollowersFirst) {
    bool any_leader = false;
    for (const auto& [k, pod] : members_.by_ordinal) {
      if (IsLeader(*pod, p.leader_label)) any_leader = true;
    }
    if (!any_leader) {
      order = RolloutOrder::kOrdinalDescending;
      order_note = absl::StrCat("followersFirst fell back to ordinalDescending: no pod carries ",
                                p.leader_label, "=true");
      b_.plan().notes.push_back(absl::StrCat("role ", role_.name, ": ", order_note));
    } else {
      order_note = absl::StrCat("followersFirst, the leader (", p.leader_label,
                                "=true) last");
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](const Candidate& a, const Candidate& b) {
                     if (order == RolloutOrder::kFollowersFirst && a.leader != b.leader) {
                       return !a.leader;
                     }
                     if (order == RolloutOrder::kOrdinalAscending) return a.ordinal < b.ordinal;
                     return a.ordinal > b.ordinal;
                   });

  std::string budget_why;
  int32_t budget = Budget(&budget_why);
  if (spec_.quorum == Quorum::kMajority && n_ <= 2) {
    b_.plan().notes.push_back(absl::StrCat(
        "role ", role_.name, " has ", Plural(n_, "member"),
        " under quorum: majority: restarting one loses quorum until it is back "
        "(ROLLOUT-RULES 24)"));
  }
  if (spec_.quorum == Quorum::kMajority && p.strategy == RolloutStrategy::kParallel &&
      budget > n_ - (n_ / 2 + 1)) {
    b_.plan().notes.push_back(absl::StrCat(
        "role ", role_.name, ": strategy parallel opts out of the quorum budget; up to ",
        budget, " of ", n_, " members restart at once"));
  }

  // Waves: followers (grouped by zone under zoneParallel), leaders last.
  std::vector<std::vector<Candidate>> waves;
  std::vector<Candidate> followers, leaders;
  for (const Candidate& c : candidates) {
    (order == RolloutOrder::kFollowersFirst && c.leader ? leaders : followers).push_back(c);
  }
  auto chunk = [&](const std::vector<Candidate>& group) {
    for (size_t i = 0; i < group.size(); i += budget) {
      waves.emplace_back(group.begin() + i,
                         group.begin() + std::min(group.size(), i + budget));
    }
  };
  if (p.zone_parallel) {
    std::vector<std::string> zones;  // In order of first appearance.
    std::map<std::string, std::vector<Candidate>> by_zone;
    for (const Candidate& c : followers) {
      if (!by_zone.count(c.zone)) zones.push_back(c.zone);
      by_zone[c.zone].push_back(c);
    }
    for (const std::string& z : zones) chunk(by_zone[z]);
  } else {
    chunk(followers);
  }
  for (const Candidate& c : leaders) waves.push_back({c});

  std::string how = absl::StrCat(budget_why, ", ", order_note,
                                 p.zone_parallel ? ", one zone at a time" : "");
  // approval: leader asks before the leader's restart; without a labelled
  // leader, before the first disruption (never silently skipped).
  bool any_leader_pod = false;
  std::string approval_member;
  for (const auto& [k, pod] : members_.by_ordinal) {
    if (!p.leader_label.empty() && IsLeader(*pod, p.leader_label)) {
      any_leader_pod = true;
      approval_member = NameOf(*pod);
    }
  }
  if (!any_leader_pod && !waves.empty()) approval_member = NameOf(*waves.front().front().pod);
  for (size_t w = 0; w < waves.size(); ++w) {
    std::vector<int32_t> ends;
    std::vector<std::string> names;
    {
      std::vector<std::string> wave;
      for (const Candidate& c : waves[w]) wave.push_back(NameOf(*c.pod));
      const std::string what = absl::StrCat("restarting ", absl::StrJoin(wave, ", "));
      InWindow(chain, waves[w].front().ordinal, what);
      if (w == 0) Paced(chain, waves[w].front().ordinal, what);
    }
    for (const Candidate& c : waves[w]) {
      Chain m = chain;
      std::string name = NameOf(*c.pod);
      std::string where = absl::StrCat("wave ", w + 1, " of ", waves.size(), " (", how,
                                       p.zone_parallel
                                           ? absl::StrCat(", zone ", c.zone.empty()
                                                                          ? "unknown"
                                                                          : c.zone)
                                           : "",
                                       c.leader && order == RolloutOrder::kFollowersFirst
                                           ? "; this is the leader"
                                           : "",
                                       ")");
      if (p.approval == Approval::kEvery ||
          (p.approval == Approval::kLeader && name == approval_member)) {
        AskApproval(m, c.ordinal, p.approval == Approval::kEvery ? name : "leader",
                 absl::StrCat("restarting ", name,
                              p.approval == Approval::kLeader
                                  ? (any_leader_pod ? " (the leader)"
                                                    : absl::StrCat(" (the first disruption: no pod "
                                                                   "carries ",
                                                                   p.leader_label.empty()
                                                                       ? "a leader label"
                                                                       : p.leader_label + "=true",
                                                                   ")"))
                                  : "",
                              " for ", ChangeSummary(*c.pod, desired_sts_, role_)));
      }
      if (p.gate.has_value()) {
        Step g = MakeStep(Action::kExec, PodTarget(role_.stateful_set, role_.name, c.ordinal),
                          Phase::kUpdate,
                          absl::StrCat("gate: ", name,
                                       " is Ready, so check it is safe to disrupt (exit 0) "
                                       "before restarting it"));
        g.command = p.gate->handler.command;
        g.pod = name;
        g.env = TargetEnv(name, c.ordinal);
        g.timeout_seconds = p.gate->timeout_seconds;
        g.hook = Hook::kGate;
        b_.Then(m, std::move(g));
        ++member_steps_;
      }
      ends.push_back(b_.Then(
          m, MakeStep(Action::kRestart, PodTarget(role_.stateful_set, role_.name, c.ordinal),
                      Phase::kUpdate,
                      absl::StrCat(ChangeSummary(*c.pod, desired_sts_, role_), ": restart ",
                                   name, ", ", where))));
      member_steps_ += 1;
      replaced_.insert(name);
      names.push_back(name);
    }
    chain.frontier = ends;
    // One wait per wave, over every member: the restarted ones must be back
    // (and Available for minReadySeconds), and so must everyone else, before
    // the next wave (ROLLOUT-RULES 7, 23).
    b_.Then(chain,
            RoleWait(n_, Phase::kUpdate,
                     absl::StrCat("wait for ", absl::StrJoin(names, ", "),
                                  names.size() == 1 ? " (restarted)" : " (restarted together)",
                                  " and every other member to be Ready",
                                  p.min_ready_seconds > 0
                                      ? absl::StrCat(" for minReadySeconds=",
                                                     p.min_ready_seconds)
                                      : "",
                                  w + 1 < waves.size() ? " before the next wave"
                                                       : " before the plan moves on")));
    ++member_steps_;
    if (p.min_interval_seconds > 0 && w + 1 < waves.size()) {
      // The next wave's earliest start depends on when this one's restart
      // happens, which only a later observation tells.
      b_.plan().notes.push_back(absl::StrCat(
          "role ", role_.name, ": rollout.minIntervalSeconds=", p.min_interval_seconds,
          ": ", waves.size() - w - 1, " more ", waves.size() - w - 1 == 1 ? "wave" : "waves",
          " of restarts are planned once this one is done"));
      break;
    }
  }
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
    std::optional<absl::Time> started = plan_internal::StartedAt(*pod);
    if (started.has_value() && (!newest.has_value() || *started > *newest)) {
      newest = started;
      newest_pod = NameOf(*pod);
    }
  }
  if (!newest.has_value() || now_ >= *newest + absl::Seconds(interval)) return;
  const absl::Time at = *newest + absl::Seconds(interval);
  Step w = MakeStep(Action::kWait, PodTarget(role_.stateful_set, role_.name, ordinal),
                    Phase::kUpdate,
                    absl::StrCat(what, " waits until ", Rfc3339(at), ": rollout.minIntervalSeconds=",
                                 interval, " since the last restart (", newest_pod,
                                 " started at ", Rfc3339(*newest), ")"));
  w.condition = WaitCondition{.kind = WaitCondition::Kind::kNotBefore, .target = Rfc3339(at)};
  b_.Then(chain, std::move(w));
  ++member_steps_;
}

void RolePlanner::AskApproval(Chain& chain, int32_t ordinal, const std::string& subject,
                           const std::string& what) {
  const std::string token = absl::StrCat(
      role_.name, "-",
      compile_internal::Hex16(compile_internal::Fnv1a64(absl::StrCat(
          "strata.dev/approve v1\n", desired_.namespace_, "\n", desired_.cluster, "\n",
          role_.name, "\n", role_.spec_hash, "\n", subject)))
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
  b_.plan().notes.push_back(
      absl::StrCat("approval needed (token ", token, "): ", what));
}

void RolePlanner::Cleanup(Chain& chain) {
  std::string prefix = absl::StrCat(role_.stateful_set, "-config-");
  for (const Json& cm : observed_.config_maps) {
    std::string name = NameOf(cm);
    if (!absl::StartsWith(name, prefix) || name == role_.config_map ||
        name == role_.live_config_map) {
      continue;
    }
    if (LabelOf(cm, plan_internal::kManagedByLabel) != "strata") continue;
    std::string component = LabelOf(cm, plan_internal::kComponentLabel);
    if (!component.empty() && component != role_.name) continue;
    std::vector<std::string> users;
    bool blocked = false;
    for (const Json& pod : observed_.pods) {
      if (!plan_internal::OrdinalOf(NameOf(pod), role_.stateful_set)) continue;
      if (!plan_internal::UsesConfigMap(pod, name)) continue;
      users.push_back(NameOf(pod));
      if (!replaced_.count(NameOf(pod))) blocked = true;
    }
    if (blocked) continue;  // Still mounted by a member this plan keeps.
    Step d = MakeStep(Action::kDelete,
                      Target{.kind = "ConfigMap", .name = name, .role = role_.name}, Phase::kCleanup,
                      users.empty()
                          ? absl::StrCat("old config ", name, " is no longer used by any pod")
                          : absl::StrCat("old config ", name, " is used only by ",
                                         absl::StrJoin(users, ", "),
                                         ", which this plan restarts first"));
    b_.Then(chain, std::move(d));
  }
  for (const auto& [kind, list] :
       std::vector<std::pair<std::string, const std::vector<Json>*>>{
           {"Service", &observed_.services},
           {"PodDisruptionBudget", &observed_.pod_disruption_budgets}}) {
    for (const Json& o : *list) {
      if (LabelOf(o, plan_internal::kComponentLabel) != role_.name ||
          LabelOf(o, plan_internal::kManagedByLabel) != "strata") {
        continue;
      }
      std::string name = NameOf(o);
      bool wanted = false;
      for (const Object& d : desired_.objects) {
        if (d.kind == kind && d.name == name) wanted = true;
      }
      if (wanted) continue;
      b_.Then(chain,
              MakeStep(Action::kDelete, Target{.kind = kind, .name = name, .role = role_.name},
                       Phase::kCleanup,
                       kind == "PodDisruptionBudget"
                           ? absl::StrCat("role ", role_.name, " has ", Plural(n_, "member"),
                                          " now and needs no PodDisruptionBudget ", name)
                           : absl::StrCat("Service ", name, " is no longer part of role ",
                                          role_.name)));
    }
  }
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
  size_t first_step = b_.plan().steps.size();
  Objects(chain);
  Resizes(chain);
  if (Blocked(chain)) {
    result.blocked = true;
    return result;
  }
  // Waits for unready members only matter when something follows them; on
  // their own, the roleReady wait below says the same in one step.
  Chain before_repair = chain;
  size_t repair_start = b_.plan().steps.size();
  int member_steps_before = member_steps_;
  Repair(chain);
  size_t repair_end = b_.plan().steps.size();
  bool repair_restarts = false;
  for (size_t i = repair_start; i < repair_end; ++i) {
    if (b_.plan().steps[i].action == Action::kRestart) repair_restarts = true;
  }
  Membership(chain);
  Replace(chain);
  Update(chain);
  if (!repair_restarts && repair_end > repair_start &&
      b_.plan().steps.size() == repair_end) {
    b_.plan().steps.resize(repair_start);
    chain = before_repair;
    member_steps_ = member_steps_before;
  }

  bool all_available = members_.missing.empty() && observed_sts_ != nullptr;
  for (const auto& [k, pod] : members_.by_ordinal) {
    if (!Available(*pod) || !IsAtDesiredSpec(*pod, role_.spec_hash)) all_available = false;
  }
  bool ends_ready = chain.frontier.size() == 1 &&
                    b_.plan().steps[chain.frontier[0] - 1].target.kind == "StatefulSet" &&
                    b_.plan().steps[chain.frontier[0] - 1].condition ==
                        RoleWait(n_, Phase::kReady, "").condition;
  if ((member_steps_ > 0 || !all_available) && !ends_ready) {
    b_.Then(chain,
            RoleWait(n_, Phase::kReady,
                     absl::StrCat("every member of ", role_.name, " (", n_, "/", n_,
                                  ") must be Ready",
                                  spec_.rollout.min_ready_seconds > 0
                                      ? absl::StrCat(" for minReadySeconds=",
                                                     spec_.rollout.min_ready_seconds)
                                      : "",
                                  " before the plan moves past this role")));
  }
  if (b_.plan().steps.size() > first_step) {
    result.done = chain.frontier;
  } else {
    result.done = start;
  }
  Cleanup(chain);
  return result;
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
  for (auto it = desired.roles.rbegin(); it != desired.roles.rend(); ++it) {
    const CompiledRole& role = *it;
    std::vector<int32_t> start;
    for (const CompiledRole& other : desired.roles) {
      if (std::find(other.depends_on.begin(), other.depends_on.end(), role.name) ==
          other.depends_on.end()) {
        continue;
      }
      auto d = done.find(other.name);
      if (d != done.end()) start.insert(start.end(), d->second.begin(), d->second.end());
    }
    std::sort(start.begin(), start.end());
    start.erase(std::unique(start.begin(), start.end()), start.end());
    Chain chain{start};
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
        have == nullptr ? ""
                        : StringAt(*have, {"spec", "persistentVolumeClaimRetentionPolicy",
                                           "whenScaled"});
    if (want != nullptr && have != nullptr &&
        (replicas != 0 || (!role.storage.empty() && retention != "Retain"))) {
      Step s;
      s.action = Action::kApply;
      s.target = Target{.kind = "StatefulSet", .name = role.stateful_set, .role = role.name};
      s.phase = Phase::kMembership;
      s.object = *want;
      for (const char* field :
           {"selector", "serviceName", "podManagementPolicy", "volumeClaimTemplates"}) {
        if (const Json* v = Find(*have, {"spec", field})) {
          s.object["spec"][field] = *v;
        } else {
          s.object["spec"].erase(field);
        }
      }
      s.reason = absl::StrCat(
          "stop role ", role.name, " (stopped: true): scale StatefulSet ", role.stateful_set,
          " from ", replicas, " to 0 members at once, without memberLeave",
          role.storage.empty() ? ""
                               : "; every PVC stays (whenScaled: Retain while stopped)");
      b.Then(chain, std::move(s));
    }
    int32_t highest = -1;
    for (const Json& pod : observed.pods) {
      if (auto o = plan_internal::OrdinalOf(NameOf(pod), role.stateful_set)) {
        highest = std::max(highest, *o);
      }
    }
    if (highest >= 0) {
      Step w;
      w.action = Action::kWait;
      w.target = Target{.kind = "StatefulSet", .name = role.stateful_set, .role = role.name};
      w.phase = Phase::kMembership;
      w.condition = WaitCondition{.kind = WaitCondition::Kind::kRoleStopped,
                                  .target = role.name,
                                  .stateful_set = role.stateful_set,
                                  .count = std::max({highest + 1, replicas, role.members})};
      w.timeout_seconds = plan_internal::ReadyTimeoutSeconds(role.role);
      w.reason = absl::StrCat("wait until every pod of ", role.name, " is gone",
                              role.depends_on.empty()
                                  ? ""
                                  : absl::StrCat(" before ", absl::StrJoin(role.depends_on, ", "),
                                                 " stops"));
      b.Then(chain, std::move(w));
    }
    done[role.name] = chain.frontier == start ? start : chain.frontier;
    all_done.insert(all_done.end(), chain.frontier.begin(), chain.frontier.end());
  }
  b.plan().notes.push_back(absl::StrCat(
      "cluster ", desired.cluster,
      " is stopped: roles scale to 0 keeping their PVCs; stopped: false starts them again"));
}

// Deletes the objects of roles the App no longer has, newest role first.
void PlanRemovals(const CompiledCluster& desired, const ObservedState& observed,
                  PlanBuilder& b, Chain& chain) {
  std::set<std::string> wanted;
  for (const CompiledRole& r : desired.roles) wanted.insert(r.name);
  struct Removed {
    std::string role;
    std::string created;  // The StatefulSet's creationTimestamp.
    std::vector<std::pair<std::string, const Json*>> objects;  // kind, object.
  };
  std::map<std::string, Removed> removed;
  auto consider = [&](const std::string& kind, const std::vector<Json>& list) {
    for (const Json& o : list) {
      std::string role = LabelOf(o, plan_internal::kComponentLabel);
      if (role.empty() || wanted.count(role)) continue;
      if (LabelOf(o, plan_internal::kManagedByLabel) != "strata") continue;
      std::string instance = LabelOf(o, plan_internal::kInstanceLabel);
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
  for (const Removed& r : order) {
    for (const auto& [kind, o] : r.objects) {
      std::string name = NameOf(*o);
      std::string reason = absl::StrCat("role ", r.role, " is no longer in app ", desired.app,
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
  std::string instance = LabelOf(object, plan_internal::kInstanceLabel);
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

}  // namespace

absl::StatusOr<Plan> PlanRollout(const CompiledCluster& desired,
                                 const ObservedState& all_observed,
                                 const PlanOptions& options) {
  Plan plan;
  plan.cluster = desired.cluster;
  plan.namespace_ = desired.namespace_;
  ObservedState own;
  const size_t foreign = SplitOffOtherClusters(all_observed, desired.cluster, &own);
  const ObservedState& observed = foreign > 0 ? own : all_observed;
  if (foreign > 0) {
    plan.notes.push_back(absl::StrCat(
        "ignored ", foreign, foreign == 1 ? " object" : " objects",
        " of other clusters (app.kubernetes.io/instance is not ", desired.cluster, ")"));
  }
  Index index(observed);
  PlanBuilder builder(plan);
  std::vector<std::string> errors;
  std::map<std::string, std::vector<int32_t>> done;  // Role -> what dependents wait for.
  std::vector<int32_t> all_done;
  bool blocked = false;
  if (desired.stopped) PlanStop(desired, observed, index, builder, all_done);
  for (const CompiledRole& role : desired.roles) {
    if (desired.stopped) break;
    std::vector<int32_t> start;
    for (const std::string& dep : role.depends_on) {
      auto it = done.find(dep);
      if (it != done.end()) start.insert(start.end(), it->second.begin(), it->second.end());
    }
    std::sort(start.begin(), start.end());
    start.erase(std::unique(start.begin(), start.end()), start.end());
    RolePlanner planner(desired, role, observed, index, options, builder, errors);
    RolePlanResult r = planner.Run(start);
    done[role.name] = r.done;
    all_done.insert(all_done.end(), r.done.begin(), r.done.end());
    if (r.blocked) {
      blocked = true;
      break;
    }
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
