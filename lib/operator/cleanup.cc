// CleanupCluster (cleanup.h).

#include "operator/cleanup.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "operator/custom_resources.h"
#include "kube/keys.h"

namespace strata::operator_internal {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The claim names a StatefulSet's controller gives its members'
// volumes: "<template>-<statefulset>-<ordinal>". Returns the template of
// `pvc` in `sts`, or "" when the claim is not one of its members'.
std::string TemplateOf(absl::string_view pvc, const Json& sts) {
  const std::string sts_name = NameOf(sts);
  const Json& templates = sts["spec"].value("volumeClaimTemplates", Json::array());
  for (const Json& t : templates) {
    std::string prefix = absl::StrCat(NameOf(t), "-", sts_name, "-");
    if (absl::StartsWith(pvc, prefix) && AllDigits(pvc.substr(prefix.size()))) {
      return NameOf(t);
    }
  }
  return "";
}

// Whether `o` is labelled app.kubernetes.io/instance=`cluster`.
bool OfCluster(const Json& o, const std::string& cluster) {
  const Json& labels = o["metadata"].value("labels", Json::object());
  return labels.is_object() && labels.value(kube::kInstanceLabel, "") == cluster;
}

}  // namespace

absl::StatusOr<CleanupResult> CleanupCluster(ClusterClient& client, const ObserveRequest& scope,
                                             const CompiledCluster* desired) {
  absl::StatusOr<ObservedState> observed = client.Observe(scope);
  if (!observed.ok()) return observed.status();
  // Only the Cluster's own objects: an observation also holds StatefulSets
  // without the instance label (and their pods and claims) for adoption
  // (SPEC-2 §10), and deleting a Cluster must never touch those.
  for (const char* kind : kClusterObjectKinds) {
    std::vector<Json>& list = *observed->ObjectsOf(kind);
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Json& o) { return !OfCluster(o, scope.cluster); }),
               list.end());
  }
  CleanupResult result;

  // What the spec says, per StatefulSet and claim template.
  std::map<std::pair<std::string, std::string>, VolumePolicy> spec_policy;
  if (desired != nullptr) {
    for (const CompiledRole& role : desired->roles) {
      for (const Storage& s : role.storage) {
        spec_policy[{role.stateful_set, s.name}] = s.on_cluster_delete;
      }
    }
  }
  // Decide every claim before anything is deleted.
  std::vector<std::string> delete_pvcs;
  for (const Json& pvc : observed->persistent_volume_claims) {
    const std::string name = NameOf(pvc);
    bool remove = false;
    for (const Json& sts : observed->stateful_sets) {
      std::string t = TemplateOf(name, sts);
      if (t.empty()) continue;
      const bool sts_says_delete =
          sts["spec"]
              .value("persistentVolumeClaimRetentionPolicy", Json::object())
              .value("whenDeleted", "Retain") == "Delete";
      auto it = spec_policy.find({NameOf(sts), t});
      remove = sts_says_delete && it != spec_policy.end() && it->second == VolumePolicy::kDelete;
      break;
    }
    (remove ? delete_pvcs : result.kept_pvcs).push_back(name);
  }

  auto del = [&](const std::string& kind, const std::string& name, bool orphan) -> absl::Status {
    absl::Status s = client.Delete(ObjectRef{.kind = kind, .namespace_ = scope.namespace_,
                                             .name = name},
                                   DeleteOptions{.orphan = orphan});
    if (s.ok()) ++result.deleted_objects;
    return s;
  };
  for (const Json& sts : observed->stateful_sets) {
    absl::Status s = del("StatefulSet", NameOf(sts), /*orphan=*/true);
    if (!s.ok()) return s;
  }
  for (const Json& pod : observed->pods) {
    absl::Status s = del("Pod", NameOf(pod), false);
    if (!s.ok()) return s;
  }
  for (const auto& [kind, list] :
       std::vector<std::pair<std::string, const std::vector<Json>*>>{
           {"Service", &observed->services},
           {"ConfigMap", &observed->config_maps},
           {"PodDisruptionBudget", &observed->pod_disruption_budgets}}) {
    for (const Json& o : *list) {
      absl::Status s = del(kind, NameOf(o), false);
      if (!s.ok()) return s;
    }
  }
  for (const std::string& pvc : delete_pvcs) {
    absl::Status s = client.Delete(
        ObjectRef{.kind = "PersistentVolumeClaim", .namespace_ = scope.namespace_, .name = pvc},
        DeleteOptions{});
    if (!s.ok()) return s;
    result.deleted_pvcs.push_back(pvc);
  }
  result.message = absl::StrCat(
      "deleted ", result.deleted_objects, " object(s)",
      result.deleted_pvcs.empty()
          ? ""
          : absl::StrCat(" and ", result.deleted_pvcs.size(),
                         " PersistentVolumeClaim(s) (onClusterDelete: delete)"),
      result.kept_pvcs.empty()
          ? ""
          : absl::StrCat("; kept ", result.kept_pvcs.size(), " PersistentVolumeClaim(s) (",
                         desired == nullptr ? "the spec does not compile, so every claim is kept"
                                            : "onClusterDelete: retain",
                         "): ", absl::StrJoin(result.kept_pvcs, ", ")));
  return result;
}

}  // namespace strata::operator_internal
