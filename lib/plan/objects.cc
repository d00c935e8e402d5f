// The objects and cleanup phases of RolePlanner: apply the role's
// ConfigMaps, Services, StatefulSet and PDB where they are missing or differ
// (an immutable StatefulSet field makes it an orphan delete and re-create),
// and delete what the role no longer uses once no kept member needs it.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/object_diff.h"
#include "plan/predicates.h"
#include "plan/role_planner.h"

namespace strata::plan_internal {

using kube::Find;
using kube::LabelOf;
using kube::NameOf;
using kube::OrdinalOf;
using kube::StringAt;

namespace {

// "image a:1 -> a:2" for each container of `want` whose image differs from
// the same-named container of `have` (both container lists).
void ImageChanges(const Json& want, const Json& have, std::vector<std::string>& parts) {
  if (!want.is_array() || !have.is_array()) return;
  for (const Json& w : want) {
    for (const Json& h : have) {
      if (StringAt(w, {"name"}) == StringAt(h, {"name"}) &&
          StringAt(w, {"image"}) != StringAt(h, {"image"})) {
        parts.push_back(absl::StrCat("image ", StringAt(h, {"image"}), " -> ",
                                     StringAt(w, {"image"})));
      }
    }
  }
}

const Json& At(const Json& j, std::initializer_list<const char*> path) {
  static const Json kNull;
  const Json* v = Find(j, path);
  return v == nullptr ? kNull : *v;
}

// How pod templates `wt` and `ht` differ: images, config, restart token,
// else the first differing field.
std::string TemplateChange(const Json& wt, const Json& ht) {
  std::vector<std::string> parts;
  ImageChanges(At(wt, {"spec", "containers"}), At(ht, {"spec", "containers"}), parts);
  std::string wh = StringAt(wt, {"metadata", "annotations", kube::kConfigHashAnnotation});
  std::string hh = StringAt(ht, {"metadata", "annotations", kube::kConfigHashAnnotation});
  if (wh != hh) parts.push_back("config files changed");
  std::string wr = StringAt(wt, {"metadata", "annotations", kube::kRestartTokenAnnotation});
  std::string hr = StringAt(ht, {"metadata", "annotations", kube::kRestartTokenAnnotation});
  if (wr != hr) parts.push_back(absl::StrCat("restartToken ", Brief(hr), " -> ", Brief(wr)));
  if (parts.empty()) {
    auto d = FirstDifference(At(wt, {"spec"}), At(ht, {"spec"}), "spec.template.spec");
    if (!d) d = FirstDifference(wt, ht, "spec.template");
    parts.push_back(*d);
  }
  return absl::StrCat("pod template changed (", absl::StrJoin(parts, ", "),
                      "); OnDelete: running members keep their spec until restarted");
}

// Why a new object of kind `o.kind` is created, after its name.
std::string CreateWhat(const Object& o, const CompiledRole& role) {
  if (o.kind == "ConfigMap") {
    return o.name == role.live_config_map
               ? absl::StrCat(": the live (onChange: none) config files of role ", role.name,
                              ", updated in place in running members")
               : absl::StrCat(": the rendered config files of role ", role.name);
  }
  if (o.kind == "Service" && StringAt(o.body, {"spec", "clusterIP"}) == "None") {
    return ": headless Service giving members stable DNS names";
  }
  if (o.kind == "PodDisruptionBudget") return ": limits voluntary disruptions of the role";
  return "";
}

}  // namespace

std::string StatefulSetChange(const Json& want, const Json& have) {
  const Json& wt = At(want, {"spec", "template"});
  const Json& ht = At(have, {"spec", "template"});
  if (FirstDifference(wt, ht, "spec.template")) return TemplateChange(wt, ht);
  Json ws = At(want, {"spec"});
  if (ws.is_object()) {
    ws.erase("replicas");
    ws.erase("template");
    if (auto d = FirstDifference(ws, At(have, {"spec"}), "spec")) return *d;
  }
  if (auto d = FirstDifference(At(want, {"metadata"}), At(have, {"metadata"}), "metadata")) {
    return *d;
  }
  return "";
}

void RolePlanner::ImmutableFieldChanges(const Json& want, const Json& have) {
  // selector must match exactly (extra observed keys matter too).
  const Json* ws = Find(want, {"spec", "selector"});
  const Json* hs = Find(have, {"spec", "selector"});
  if (ws != nullptr &&
      (hs == nullptr || FirstDifference(*ws, *hs) || FirstDifference(*hs, *ws))) {
    immutable_changes_.push_back("selector");
  }
  if (StringAt(want, {"spec", "serviceName"}) != StringAt(have, {"spec", "serviceName"})) {
    immutable_changes_.push_back(
        absl::StrCat("serviceName ", Brief(StringAt(have, {"spec", "serviceName"})), " -> ",
                     Brief(StringAt(want, {"spec", "serviceName"}))));
  }
  std::string want_pmp = StringAt(want, {"spec", "podManagementPolicy"});
  std::string have_pmp = StringAt(have, {"spec", "podManagementPolicy"});
  if (have_pmp.empty()) have_pmp = kube::kOrderedReady;
  if (!want_pmp.empty() && want_pmp != have_pmp) {
    immutable_changes_.push_back(absl::StrCat("podManagementPolicy ", have_pmp, " -> ", want_pmp));
  }
  // Storage changes name the claim templates they touch already.
  for (const std::string& c : immutable_changes_) {
    if (absl::StartsWith(c, "volumeClaimTemplates")) return;
  }
  static const Json kEmpty = Json::array();
  const Json* wv = Find(want, {"spec", "volumeClaimTemplates"});
  const Json* hv = Find(have, {"spec", "volumeClaimTemplates"});
  if (auto d = FirstDifference(wv ? *wv : kEmpty, hv ? *hv : kEmpty, "volumeClaimTemplates")) {
    immutable_changes_.push_back(*d);
  }
}

void RolePlanner::Objects(Chain& chain) {
  for (const Object& o : desired_.objects) {
    if (o.role != role_.name) continue;
    if (o.kind == "StatefulSet") {
      ApplyStatefulSet(chain, o);
      continue;
    }
    std::string reason = ObjectChange(o);
    if (reason.empty()) continue;
    Step s = MakeStep(Action::kApply, Target{.kind = o.kind, .name = o.name, .role = role_.name},
                      Phase::kObjects, std::move(reason));
    s.object = o.body;
    b_.Then(chain, std::move(s));
  }
}

std::string RolePlanner::ObjectChange(const Object& o) const {
  const Json* have = index_.Get(o.kind, o.name);
  if (have == nullptr) return absl::StrCat("create ", o.kind, " ", o.name, CreateWhat(o, role_));
  if (auto d = FirstDifference(o.body, *have)) {
    return absl::StrCat("update ", o.kind, " ", o.name, ": ", *d);
  }
  return "";
}

void RolePlanner::ApplyStatefulSet(Chain& chain, const Object& o) {
  const int32_t replicas = membership_.objects_replicas;
  const bool serial = membership_.kind == MembershipChange::Kind::kSerialBringUp;
  if (Adopting()) AdoptMembers(chain);
  if (!immutable_changes_.empty()) {
    Step del = MakeStep(Action::kDelete,
                        Target{.kind = "StatefulSet", .name = o.name, .role = role_.name},
                        Phase::kObjects,
                        absl::StrCat("immutable StatefulSet fields change (",
                                     absl::StrJoin(immutable_changes_, "; "),
                                     "): delete it with orphan: true so its pods and PVCs "
                                     "stay, then create it again"));
    del.orphan = true;
    b_.Then(chain, std::move(del));
    b_.Then(chain, StsApply(replicas, Phase::kObjects,
                            absl::StrCat("re-create StatefulSet ", o.name,
                                         " with the new fields and ", replicas,
                                         " replicas; it adopts the running pods")));
    return;
  }
  if (observed_sts_ == nullptr) {
    std::string reason =
        absl::StrCat("create StatefulSet ", o.name, " with ", Plural(replicas, "member"));
    if (serial) {
      absl::StrAppend(&reason, " of ", n_,
                      " (rollout.initial: serial: members come up one at a time, each "
                      "Ready before the next)");
    } else if (membership_.stepped && replicas == n_ && n_ > 1) {
      absl::StrAppend(&reason,
                      " at once: initial members form the cluster together, so no "
                      "stepping and no memberJoin");
    }
    b_.Then(chain, StsApply(replicas, Phase::kObjects, reason));
    return;
  }
  if (sts_diff_.empty() && replicas == r_obs_) return;
  std::vector<std::string> why;
  if (!sts_diff_.empty()) why.push_back(sts_diff_);
  if (replicas != r_obs_) {
    if (r_obs_ == 0 && replicas > 0) {
      why.push_back("start (the Cluster is no longer stopped): every member at once "
                    "on the PVCs it kept, as an initial bring-up without memberJoin");
    }
    why.push_back(absl::StrCat(
        replicas > r_obs_ ? "scale out" : "scale in", " from ", r_obs_, " to ", replicas,
        " members",
        replicas < r_obs_
            ? absl::StrCat(" (the highest ordinals go first",
                           ScaleInVolumes(role_.storage, role_.stateful_set, replicas, r_obs_),
                           ")")
            : ""));
  }
  b_.Then(chain, StsApply(replicas, Phase::kObjects,
                          absl::StrCat("update StatefulSet ", o.name, ": ",
                                       absl::StrJoin(why, "; "))));
}

void RolePlanner::CleanupConfigMaps(Chain& chain) {
  const std::string prefix = absl::StrCat(role_.stateful_set, "-config-");
  for (const Json& cm : observed_.config_maps) {
    std::string name = NameOf(cm);
    if (!absl::StartsWith(name, prefix) || name == role_.config_map ||
        name == role_.live_config_map) {
      continue;
    }
    if (LabelOf(cm, kube::kManagedByLabel) != kube::kManagedByStrata) continue;
    std::string component = LabelOf(cm, kube::kComponentLabel);
    if (!component.empty() && component != role_.name) continue;
    std::vector<std::string> users;
    bool kept_user = false;
    for (const Json& pod : observed_.pods) {
      if (!OrdinalOf(NameOf(pod), role_.stateful_set)) continue;
      if (!UsesConfigMap(pod, name)) continue;
      users.push_back(NameOf(pod));
      if (!replaced_.count(NameOf(pod))) kept_user = true;
    }
    if (kept_user) continue;  // Still mounted by a member this plan keeps.
    b_.Then(chain, MakeStep(Action::kDelete,
                            Target{.kind = "ConfigMap", .name = name, .role = role_.name},
                            Phase::kCleanup,
                            users.empty()
                                ? absl::StrCat("old config ", name,
                                               " is no longer used by any pod")
                                : absl::StrCat("old config ", name, " is used only by ",
                                               absl::StrJoin(users, ", "),
                                               ", which this plan restarts first")));
  }
}

void RolePlanner::Cleanup(Chain& chain) {
  CleanupConfigMaps(chain);
  for (const auto& [kind, list] :
       std::vector<std::pair<std::string, const std::vector<Json>*>>{
           {"Service", &observed_.services},
           {"PodDisruptionBudget", &observed_.pod_disruption_budgets}}) {
    for (const Json& o : *list) {
      if (LabelOf(o, kube::kComponentLabel) != role_.name ||
          LabelOf(o, kube::kManagedByLabel) != kube::kManagedByStrata) {
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

}  // namespace strata::plan_internal
