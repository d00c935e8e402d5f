// Adoption (SPEC-2 §10) in RolePlanner: a role's StatefulSet that strata did
// not write (by hand, by Helm) is taken over by labelling its pods and PVCs
// with strata's selector before the orphan delete and re-create; a
// StatefulSet of the same software under another name, whose claims the
// role's members would not mount, refuses the plan.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "plan/role_planner.h"

namespace strata::plan_internal {

using kube::Find;
using kube::LabelOf;
using kube::NameOf;
using kube::OrdinalOf;
using kube::PvcName;
using kube::StringAt;

namespace {

using Labels = std::map<std::string, std::string>;

// The string entries of a labels object.
void AddLabels(const Json* labels, Labels& out) {
  if (labels == nullptr || !labels->is_object()) return;
  for (auto it = labels->begin(); it != labels->end(); ++it) {
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  }
}

// Whether `object` lacks one of `labels` (or has another value).
bool LacksLabels(const Json& object, const Labels& labels) {
  for (const auto& [k, v] : labels) {
    if (LabelOf(object, k) != v) return true;
  }
  return false;
}

// The partial object an apply sends to label object `kind`/`name`.
Json LabelPatch(const char* kind, const std::string& name, const std::string& ns,
                const Labels& labels) {
  Json l = Json::object();
  for (const auto& [k, v] : labels) l[k] = v;
  return Json{{"apiVersion", "v1"},
              {"kind", kind},
              {"metadata", {{"name", name}, {"namespace", ns}, {"labels", std::move(l)}}}};
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

}  // namespace

bool RolePlanner::Adopting() const {
  return observed_sts_ != nullptr && LabelOf(*observed_sts_, kube::kInstanceLabel).empty();
}

void RolePlanner::AdoptMembers(Chain& chain) {
  const Json* selector = Find(*desired_sts_, {"spec", "selector", "matchLabels"});
  if (selector == nullptr || !selector->is_object()) return;
  // What strata's StatefulSet selects its pods by, and (as the controller
  // labels the claims it creates) its claims' template labels.
  Labels pod_labels;
  AddLabels(selector, pod_labels);
  pod_labels[kube::kInstanceLabel] = desired_.cluster;
  pod_labels[kube::kComponentLabel] = role_.name;
  std::map<std::string, Labels> claim_labels;
  if (const Json* vcts = Find(*desired_sts_, {"spec", "volumeClaimTemplates"});
      vcts != nullptr && vcts->is_array()) {
    for (const Json& t : *vcts) {
      Labels labels = pod_labels;
      AddLabels(Find(t, {"metadata", "labels"}), labels);
      claim_labels[NameOf(t)] = std::move(labels);
    }
  }
  const std::string adopt = absl::StrCat("adopt StatefulSet ", role_.stateful_set,
                                         " (SPEC-2 §10: not written by strata, no ",
                                         kube::kInstanceLabel, " label): label ");
  std::vector<int32_t> labelled;
  for (const Json& pod : observed_.pods) {
    std::optional<int32_t> k = OrdinalOf(NameOf(pod), role_.stateful_set);
    if (!k.has_value() || !LacksLabels(pod, pod_labels)) continue;
    Step s = MakeStep(Action::kApply, PodTarget(role_.stateful_set, role_.name, *k),
                      Phase::kObjects,
                      absl::StrCat(adopt, "pod ", NameOf(pod),
                                   " with strata's selector so the new StatefulSet takes it "
                                   "over with its data"));
    s.object = LabelPatch("Pod", NameOf(pod), desired_.namespace_, pod_labels);
    labelled.push_back(b_.Add(std::move(s), chain.frontier));
  }
  for (const Storage& st : role_.storage) {
    auto labels = claim_labels.find(st.name);
    if (labels == claim_labels.end()) continue;
    for (const auto& [k, pvc] :
         ClaimPvcs(observed_.persistent_volume_claims, st.name, role_.stateful_set)) {
      if (!LacksLabels(*pvc, labels->second)) continue;
      Step s = MakeStep(Action::kApply,
                        Target{.kind = "PersistentVolumeClaim", .name = NameOf(*pvc),
                               .role = role_.name, .ordinal = k},
                        Phase::kObjects,
                        absl::StrCat(adopt, "PVC ", NameOf(*pvc), " as role ", role_.name,
                                     "'s claim (storage ", st.name,
                                     "); the claim and its volume stay as they are"));
      s.object = LabelPatch("PersistentVolumeClaim", NameOf(*pvc), desired_.namespace_,
                            labels->second);
      labelled.push_back(b_.Add(std::move(s), chain.frontier));
    }
  }
  if (!labelled.empty()) chain.frontier = labelled;
}

void RolePlanner::RefuseUnfollowableClaims() {
  std::set<std::string> roles_sets;  // Every role's own StatefulSet.
  for (const CompiledRole& r : desired_.roles) roles_sets.insert(r.stateful_set);
  const std::set<std::string> images = ImageRepositories(*desired_sts_);
  for (const Json& sts : observed_.stateful_sets) {
    if (roles_sets.count(NameOf(sts)) || !LabelOf(sts, kube::kInstanceLabel).empty()) continue;
    // The same software (an image in common): what the role was imported
    // from, not another application that happens to use the claim's name.
    bool same_software = false;
    for (const std::string& i : ImageRepositories(sts)) same_software |= images.count(i) > 0;
    if (same_software) RefuseClaimsOf(sts);
  }
}

void RolePlanner::RefuseClaimsOf(const Json& sts) {
  const std::string name = NameOf(sts);
  const Json* vcts = Find(sts, {"spec", "volumeClaimTemplates"});
  if (vcts == nullptr || !vcts->is_array()) return;
  for (const Json& t : *vcts) {
    const std::string claim = NameOf(t);
    bool ours = false;
    for (const Storage& s : role_.storage) ours |= s.name == claim;
    // The role's own claims exist already: it runs (or ran, or was given
    // copies) on volumes of its own.
    if (!ours ||
        !ClaimPvcs(observed_.persistent_volume_claims, claim, role_.stateful_set).empty()) {
      continue;
    }
    std::vector<std::string> held;  // In observed order.
    const std::string prefix = absl::StrCat(claim, "-", name);
    for (const Json& pvc : observed_.persistent_volume_claims) {
      if (OrdinalOf(NameOf(pvc), prefix).has_value()) held.push_back(NameOf(pvc));
    }
    if (held.empty()) continue;
    errors_.push_back(absl::StrCat(
        "role ", role_.name, ": storage ", claim, ": refusing to plan (SPEC-2 §10): ",
        "StatefulSet ", name, " (not strata's: no ", kube::kInstanceLabel,
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

}  // namespace strata::plan_internal
