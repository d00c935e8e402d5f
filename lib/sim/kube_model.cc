#include "sim/kube_model.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "strata/quantity.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "util/fnv.h"
#include "util/rfc3339.h"

namespace strata {
namespace {

constexpr const char* kKinds[] = {kube::kKindStatefulSet, kube::kKindPod,       kube::kKindPvc,
                                  kube::kKindService,     kube::kKindConfigMap, kube::kKindPdb,
                                  kube::kKindNode};

// A timestamp field ("2026-01-01T00:00:00Z"), or nullopt.
std::optional<absl::Time> ParseTime(const Json& value) {
  if (!value.is_string()) return std::nullopt;
  return ParseRfc3339(value.get_ref<const std::string&>());
}

// A quantity field ("10Gi"), or nullopt.
std::optional<Quantity> ParseQuantity(const Json& value) {
  if (!value.is_string()) return std::nullopt;
  return kube::ParseQuantityText(value.get_ref<const std::string&>());
}

// Largest observed resourceVersion the simulator's own versions continue
// from: leaves 2^62 writes of room.
constexpr int64_t kMaxContinuedResourceVersion = int64_t{1} << 62;

void DefaultStatefulSet(Json& sts) {
  Json& spec = sts["spec"];
  if (!spec.contains("replicas")) spec["replicas"] = 1;
  if (!spec.contains("podManagementPolicy")) {
    spec["podManagementPolicy"] = kube::kOrderedReady;
  }
  if (!spec.contains("updateStrategy")) {
    spec["updateStrategy"] = {{"type", "RollingUpdate"},
                              {"rollingUpdate", {{"partition", 0}}}};
  }
  if (!spec.contains("revisionHistoryLimit")) spec["revisionHistoryLimit"] = 10;
  if (!spec.contains("persistentVolumeClaimRetentionPolicy")) {
    spec["persistentVolumeClaimRetentionPolicy"] = {{"whenDeleted", "Retain"},
                                                    {"whenScaled", "Retain"}};
  }
}

void DefaultService(Json& svc, int64_t ip_index) {
  Json& spec = svc["spec"];
  if (!spec.contains("type")) spec["type"] = "ClusterIP";
  if (!spec.contains("clusterIP")) {
    spec["clusterIP"] = absl::StrFormat("10.96.%d.%d", ip_index / 250,
                                        ip_index % 250 + 2);
  }
  spec["clusterIPs"] = Json::array({spec["clusterIP"]});
  if (!spec.contains("sessionAffinity")) spec["sessionAffinity"] = "None";
  if (spec.contains("ports") && spec["ports"].is_array()) {
    for (Json& port : spec["ports"]) {
      if (!port.contains("protocol")) port["protocol"] = "TCP";
      if (!port.contains("targetPort") && port.contains("port")) {
        port["targetPort"] = port["port"];
      }
    }
  }
  if (!svc.contains("status")) svc["status"] = {{"loadBalancer", Json::object()}};
}

Json PvcStatus(const Json& pvc, const std::string& capacity) {
  Json modes = kube::At(pvc, {"spec", "accessModes"});
  if (!modes.is_array()) modes = Json::array({"ReadWriteOnce"});
  return {{"phase", "Bound"},
          {"accessModes", modes},
          {"capacity", {{"storage", capacity}}}};
}

Json StripServerFields(Json object) {
  object.erase("status");
  if (object.contains("metadata") && object["metadata"].is_object()) {
    Json& md = object["metadata"];
    for (const char* key : {"uid", "resourceVersion", "creationTimestamp",
                            "generation", "deletionTimestamp", "managedFields"}) {
      md.erase(key);
    }
  }
  return object;
}

}  // namespace

KubeModelOptions ModelOptionsFor(const CompiledCluster& compiled) {
  KubeModelOptions options;
  options.namespace_ = compiled.namespace_;
  for (const CompiledRole& role : compiled.roles) {
    if (!role.role.rollout.leader_label.empty()) {
      options.leader_labels[role.stateful_set] = role.role.rollout.leader_label;
    }
    if (role.role.rollout.min_ready_seconds > 0) {
      options.min_ready_seconds[role.stateful_set] = role.role.rollout.min_ready_seconds;
    }
  }
  return options;
}

KubeModel::KubeModel(KubeModelOptions options, absl::Time now)
    : options_(std::move(options)), now_(now) {
  for (const char* kind : kKinds) objects_[kind];
  static constexpr const char* kZones[] = {"zone-a", "zone-b", "zone-c"};
  for (int32_t i = 0; i < options_.nodes; ++i) {
    std::string name = absl::StrCat("sim-node-", i);
    Json node = {
        {"apiVersion", "v1"},
        {"kind", "Node"},
        {"metadata",
         {{"name", name},
          {"labels",
           {{kube::kHostnameLabel, name},
            {"kubernetes.io/os", "linux"},
            {kube::kZoneLabel, kZones[i % 3]}}}}},
        {"spec", Json::object()},
        {"status",
         {{"conditions",
           Json::array({{{"type", "Ready"},
                         {"status", "True"},
                         {"lastTransitionTime", Rfc3339(now)}}})}}}};
    Json& md = node["metadata"];
    md["uid"] = NextUid();
    md["resourceVersion"] = NextResourceVersion();
    md["creationTimestamp"] = Rfc3339(now);
    objects_[kube::kKindNode][name] = std::move(node);
  }
}

absl::StatusOr<KubeModel> KubeModel::FromObservedState(const ObservedState& state,
                                                       KubeModelOptions options,
                                                       absl::Time now) {
  if (!state.nodes.empty()) options.nodes = 0;
  KubeModel model(std::move(options), now);
  const std::pair<const char*, const std::vector<Json>*> lists[] = {
      {kube::kKindStatefulSet, &state.stateful_sets},
      {kube::kKindPod, &state.pods},
      {kube::kKindPvc, &state.persistent_volume_claims},
      {kube::kKindService, &state.services},
      {kube::kKindConfigMap, &state.config_maps},
      {kube::kKindPdb, &state.pod_disruption_budgets},
      {kube::kKindNode, &state.nodes}};
  for (const auto& [kind, list] : lists) {
    for (const Json& object : *list) {
      std::string name = kube::StringAt(object, {"metadata", "name"});
      if (name.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("observed ", kind, " without metadata.name"));
      }
      Json copy = object;
      copy["kind"] = kind;
      if (!copy["metadata"].contains("uid")) copy["metadata"]["uid"] = model.NextUid();
      if (!copy["metadata"].contains("creationTimestamp")) {
        copy["metadata"]["creationTimestamp"] = Rfc3339(now);
      }
      // New versions continue after the largest observed one. Kubernetes'
      // versions are opaque strings: one too large to count on from (the
      // simulator adds one per write) is not continued from, so the counter
      // can never overflow.
      int64_t rv = 0;
      if (absl::SimpleAtoi(kube::StringAt(copy, {"metadata", "resourceVersion"}), &rv) &&
          rv < kMaxContinuedResourceVersion) {
        model.resource_version_ = std::max(model.resource_version_, rv);
      }
      model.objects_[kind][name] = std::move(copy);
    }
  }
  // Pods: reconstruct their runtime from their status.
  for (auto& [name, pod] : model.objects_[kube::kKindPod]) {
    PodRuntime rt;
    rt.created = ParseTime(kube::At(pod, {"metadata", "creationTimestamp"})).value_or(now);
    rt.last_transition = rt.created;
    bool ready = false;
    const Json& conditions = kube::At(pod, {"status", "conditions"});
    if (conditions.is_array()) {
      for (const Json& c : conditions) {
        // Observed objects are read as they are: a field of the wrong type
        // counts as absent (as the planner reads it), never as an abort.
        if (kube::StringAt(c, {"type"}) != "Ready") continue;
        ready = kube::StringAt(c, {"status"}) == "True";
        if (auto t = ParseTime(kube::At(c, {"lastTransitionTime"}))) rt.last_transition = *t;
      }
    }
    const Json& statuses = kube::At(pod, {"status", "containerStatuses"});
    if (statuses.is_array() && !statuses.empty()) {
      rt.restarts = static_cast<int32_t>(kube::IntAt(statuses[0], {"restartCount"}, 0));
    }
    if (ready) {
      rt.ready_since = rt.last_transition;
      rt.started = std::min(rt.created, *rt.ready_since);
    } else if (kube::StringAt(pod, {"status", "phase"}) == "Running") {
      rt.started = rt.created;
      if (statuses.is_array() && !statuses.empty()) {
        if (auto t = ParseTime(kube::At(statuses[0], {"state", "running", "startedAt"}))) {
          rt.started = *t;
        }
      }
    }
    model.runtime_[name] = rt;
    model.RenderPod(pod);
  }
  // PVCs: a request above the capacity is a resize under way.
  for (auto& [name, pvc] : model.objects_[kube::kKindPvc]) {
    auto want = ParseQuantity(kube::At(pvc, {"spec", "resources", "requests", "storage"}));
    auto have = ParseQuantity(kube::At(pvc, {"status", "capacity", "storage"}));
    if (!kube::At(pvc, {"status", "phase"}).is_string() && want.has_value()) {
      pvc["status"] = PvcStatus(pvc, want->ToString());
    } else if (want.has_value() && (!have.has_value() || *have < *want)) {
      model.resizes_[name] = {want->ToString(), now + model.options_.resize_delay};
    }
  }
  model.Reconcile(now);
  return model;
}

std::map<std::string, Json>& KubeModel::MutableObjects(const std::string& kind) {
  return objects_[kind];
}

const std::map<std::string, Json>& KubeModel::Objects(const std::string& kind) const {
  static const std::map<std::string, Json>* const kEmpty =
      new std::map<std::string, Json>();
  auto it = objects_.find(kind);
  return it == objects_.end() ? *kEmpty : it->second;
}

const Json* KubeModel::Find(const std::string& kind, const std::string& name) const {
  const auto& objects = Objects(kind);
  auto it = objects.find(name);
  return it == objects.end() ? nullptr : &it->second;
}

std::string KubeModel::NextUid() {
  ++uid_counter_;
  return absl::StrFormat("%08x-5a1d-4000-8000-%012x",
                         static_cast<uint32_t>(Fnv1a64(options_.namespace_)),
                         uid_counter_);
}

std::string KubeModel::NextResourceVersion() {
  return absl::StrCat(++resource_version_);
}

void KubeModel::Touch(Json& object) {
  object["metadata"]["resourceVersion"] = NextResourceVersion();
}

absl::Status KubeModel::PatchMetadata(
    const std::string& kind, const std::string& name,
    const std::map<std::string, std::optional<std::string>>& labels,
    const std::map<std::string, std::optional<std::string>>& annotations) {
  auto k = objects_.find(kind);
  if (k == objects_.end() || k->second.count(name) == 0) {
    return absl::NotFoundError(absl::StrCat("patch ", kind, " ", name, ": not found"));
  }
  Json& md = k->second[name]["metadata"];
  auto apply = [&md](const char* field,
                     const std::map<std::string, std::optional<std::string>>& changes) {
    for (const auto& [key, value] : changes) {
      if (value.has_value()) {
        md[field][key] = *value;
      } else if (md.contains(field) && md[field].is_object()) {
        md[field].erase(key);
      }
    }
  };
  apply("labels", labels);
  apply("annotations", annotations);
  Touch(k->second[name]);
  return absl::OkStatus();
}

absl::Status KubeModel::Apply(const Json& object) {
  if (!object.is_object()) {
    return absl::InvalidArgumentError("apply: the object is not a JSON object");
  }
  std::string kind = kube::StringAt(object, {"kind"});
  std::string name = kube::StringAt(object, {"metadata", "name"});
  if (kind.empty() || name.empty()) {
    return absl::InvalidArgumentError("apply: the object needs kind and metadata.name");
  }
  if (objects_.find(kind) == objects_.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("apply: kind ", kind, " is not modelled by the simulator"));
  }
  std::string ns = kube::StringAt(object, {"metadata", "namespace"});
  if (kind != kube::kKindNode && !ns.empty() && ns != options_.namespace_) {
    return absl::InvalidArgumentError(
        absl::StrCat("apply ", kind, " ", name, ": namespace ", ns,
                     " is not the simulated namespace ", options_.namespace_));
  }
  auto& objects = objects_[kind];
  auto it = objects.find(name);
  Json applied = StripServerFields(object);
  if (kind != kube::kKindNode) applied["metadata"]["namespace"] = options_.namespace_;

  if (it == objects.end()) {
    Json& md = applied["metadata"];
    md["uid"] = NextUid();
    md["resourceVersion"] = NextResourceVersion();
    md["creationTimestamp"] = Rfc3339(now_);
    if (kind == kube::kKindStatefulSet) {
      md["generation"] = 1;
      DefaultStatefulSet(applied);
      applied["status"] = {{"observedGeneration", 0}, {"replicas", 0},
                           {"availableReplicas", 0}};
    } else if (kind == kube::kKindService) {
      DefaultService(applied, uid_counter_);
    } else if (kind == kube::kKindPdb) {
      md["generation"] = 1;
    } else if (kind == kube::kKindPvc) {
      Json& spec = applied["spec"];
      if (!spec.contains("volumeMode")) spec["volumeMode"] = "Filesystem";
      if (!spec.contains("accessModes")) spec["accessModes"] = {"ReadWriteOnce"};
      applied["status"] = PvcStatus(
          applied, kube::StringAt(applied, {"spec", "resources", "requests", "storage"}));
    } else if (kind == kube::kKindPod) {
      runtime_[name] = PodRuntime{.created = now_, .last_transition = now_};
      RenderPod(applied);
    }
    objects.emplace(name, std::move(applied));
    return absl::OkStatus();
  }

  Json& current = it->second;
  if (current["metadata"].contains("deletionTimestamp")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "apply ", kind, " ", name, ": the object is being deleted"));
  }
  if (kind == kube::kKindPod || kind == kube::kKindPvc) {
    Json merged = current;
    merged.merge_patch(applied);
    if (kind == kube::kKindPvc) {
      Json before = current["spec"];
      Json after = merged["spec"];
      auto old_size = ParseQuantity(kube::At(before, {"resources", "requests", "storage"}));
      auto new_size = ParseQuantity(kube::At(after, {"resources", "requests", "storage"}));
      before["resources"]["requests"].erase("storage");
      after["resources"]["requests"].erase("storage");
      if (before != after) {
        return absl::InvalidArgumentError(absl::StrCat(
            "apply PersistentVolumeClaim ", name,
            ": spec is immutable after creation except resources.requests"));
      }
      if (old_size && new_size && *new_size < *old_size) {
        return absl::InvalidArgumentError(absl::StrCat(
            "apply PersistentVolumeClaim ", name,
            ": spec.resources.requests.storage: field can not be less than "
            "previous value"));
      }
      if (old_size && new_size && *new_size > *old_size) {
        resizes_[name] = {new_size->ToString(), now_ + options_.resize_delay};
      }
    }
    merged["metadata"]["resourceVersion"] = NextResourceVersion();
    current = std::move(merged);
    if (kind == kube::kKindPod) RenderPod(current);
    return absl::OkStatus();
  }

  // Replace everything but server-owned fields. (No references into
  // `applied` across insertions: ordered_json's storage is a vector.)
  if (current.contains("status")) applied["status"] = current["status"];
  applied["metadata"]["uid"] = current["metadata"]["uid"];
  applied["metadata"]["creationTimestamp"] = current["metadata"]["creationTimestamp"];
  applied["metadata"]["resourceVersion"] = NextResourceVersion();
  if (kind == kube::kKindStatefulSet) {
    DefaultStatefulSet(applied);
    for (const char* field : {"selector", "serviceName", "volumeClaimTemplates",
                              "podManagementPolicy"}) {
      if (kube::At(applied, {"spec", field}) != kube::At(current, {"spec", field})) {
        return absl::InvalidArgumentError(absl::StrCat(
            "apply StatefulSet ", name, ": spec.", field,
            ": Forbidden: updates to statefulset spec for fields other than "
            "'replicas', 'ordinals', 'template', 'updateStrategy', "
            "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
            "forbidden"));
      }
    }
    int64_t generation = kube::IntAt(current, {"metadata", "generation"}, 1);
    if (applied["spec"] != current["spec"]) ++generation;
    applied["metadata"]["generation"] = generation;
  } else if (kind == kube::kKindPdb) {
    int64_t generation = kube::IntAt(current, {"metadata", "generation"}, 1);
    if (applied["spec"] != current["spec"]) ++generation;
    applied["metadata"]["generation"] = generation;
  } else if (kind == kube::kKindService) {
    if (!kube::At(current, {"spec", "clusterIP"}).is_null()) {
      applied["spec"]["clusterIP"] = current["spec"]["clusterIP"];
    }
    DefaultService(applied, uid_counter_);
  }
  current = std::move(applied);
  return absl::OkStatus();
}

void KubeModel::RemovePod(const std::string& name) {
  objects_[kube::kKindPod].erase(name);
  runtime_.erase(name);
  ++resource_version_;
}

bool KubeModel::PvcInUse(const std::string& pvc) const {
  for (const auto& [name, pod] : Objects(kube::kKindPod)) {
    const Json& volumes = kube::At(pod, {"spec", "volumes"});
    if (!volumes.is_array()) continue;
    for (const Json& v : volumes) {
      if (kube::StringAt(v, {"persistentVolumeClaim", "claimName"}) == pvc) return true;
    }
  }
  return false;
}

absl::Status KubeModel::Delete(const std::string& kind, const std::string& name,
                               bool orphan) {
  if (kind == kube::kKindPod) return DeletePod(name);
  auto kind_it = objects_.find(kind);
  if (kind_it == objects_.end() || kind_it->second.count(name) == 0) {
    return absl::NotFoundError(absl::StrCat(kind, " ", name, " not found"));
  }
  auto& objects = kind_it->second;
  if (kind == kube::kKindStatefulSet) {
    const Json sts = objects[name];
    std::string uid = kube::StringAt(sts, {"metadata", "uid"});
    std::vector<std::string> owned;
    for (auto& [pod_name, pod] : objects_[kube::kKindPod]) {
      const Json* ref = kube::ControllerRef(pod);
      if (ref != nullptr && ref->value("uid", "") == uid) owned.push_back(pod_name);
    }
    for (const std::string& pod_name : owned) {
      if (orphan) {
        Json& pod = objects_[kube::kKindPod][pod_name];
        pod["metadata"].erase("ownerReferences");
        Touch(pod);
      } else {
        RemovePod(pod_name);
      }
    }
    objects.erase(name);
    ++resource_version_;
    if (!orphan &&
        kube::StringAt(sts, {"spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"}) ==
            "Delete") {
      const Json& templates = kube::At(sts, {"spec", "volumeClaimTemplates"});
      std::vector<std::string> doomed;
      for (const auto& [pvc_name, pvc] : objects_[kube::kKindPvc]) {
        if (!templates.is_array()) break;
        for (const Json& t : templates) {
          std::string prefix = absl::StrCat(kube::StringAt(t, {"metadata", "name"}), "-");
          if (pvc_name.rfind(prefix, 0) == 0 &&
              kube::OrdinalOf(absl::string_view(pvc_name).substr(prefix.size()), name)) {
            doomed.push_back(pvc_name);
          }
        }
      }
      for (const std::string& pvc_name : doomed) (void)Delete(kube::kKindPvc, pvc_name, false);
    }
    return absl::OkStatus();
  }
  if (kind == kube::kKindPvc) {
    if (PvcInUse(name)) {
      Json& pvc = objects[name];
      if (!pvc["metadata"].contains("deletionTimestamp")) {
        pvc["metadata"]["deletionTimestamp"] = Rfc3339(now_);
        pvc["metadata"]["finalizers"] = {"kubernetes.io/pvc-protection"};
        Touch(pvc);
      }
      return absl::OkStatus();
    }
    resizes_.erase(name);
  }
  objects.erase(name);
  ++resource_version_;
  return absl::OkStatus();
}

absl::Status KubeModel::DeletePod(const std::string& name) {
  if (Find(kube::kKindPod, name) == nullptr) {
    return absl::NotFoundError(absl::StrCat("Pod ", name, " not found"));
  }
  RemovePod(name);
  return absl::OkStatus();
}

absl::Status KubeModel::ResizePvc(const std::string& name, const std::string& size) {
  auto it = objects_[kube::kKindPvc].find(name);
  if (it == objects_[kube::kKindPvc].end()) {
    return absl::NotFoundError(absl::StrCat("PersistentVolumeClaim ", name, " not found"));
  }
  absl::StatusOr<Quantity> want = Quantity::Parse(size);
  if (!want.ok()) return want.status();
  Json& pvc = it->second;
  auto have = ParseQuantity(kube::At(pvc, {"spec", "resources", "requests", "storage"}));
  if (have.has_value() && *want < *have) {
    return absl::FailedPreconditionError(absl::StrCat(
        "PersistentVolumeClaim ", name, ": cannot shrink from ", have->ToString(),
        " to ", size));
  }
  pvc["spec"]["resources"]["requests"]["storage"] = size;
  auto capacity = ParseQuantity(kube::At(pvc, {"status", "capacity", "storage"}));
  if (!capacity.has_value() || *capacity < *want) {
    resizes_[name] = {size, now_ + options_.resize_delay};
    pvc["status"]["conditions"] = Json::array(
        {{{"type", "Resizing"}, {"status", "True"},
          {"lastTransitionTime", Rfc3339(now_)}}});
  }
  Touch(pvc);
  return absl::OkStatus();
}

void KubeModel::SetNeverReady(const std::string& name, bool never_ready) {
  if (never_ready) {
    never_ready_.insert(name);
  } else {
    never_ready_.erase(name);
  }
}

absl::Status KubeModel::CrashPod(const std::string& name) {
  auto it = objects_[kube::kKindPod].find(name);
  if (it == objects_[kube::kKindPod].end()) {
    return absl::NotFoundError(absl::StrCat("Pod ", name, " not found"));
  }
  PodRuntime& rt = runtime_[name];
  if (rt.started.has_value()) {
    rt.started = now_;
    ++rt.restarts;
  }
  if (rt.ready_since.has_value()) {
    rt.ready_since.reset();
    rt.last_transition = now_;
  }
  RenderPod(it->second);
  Touch(it->second);
  return absl::OkStatus();
}

absl::Status KubeModel::LosePod(const std::string& name) { return DeletePod(name); }

absl::Status KubeModel::SetLeader(const std::string& name) {
  const Json* pod = Find(kube::kKindPod, name);
  if (pod == nullptr) return absl::NotFoundError(absl::StrCat("Pod ", name, " not found"));
  for (const auto& [sts, label] : options_.leader_labels) {
    if (!kube::OrdinalOf(name, sts)) continue;
    for (auto& [pod_name, p] : objects_[kube::kKindPod]) {
      if (!kube::OrdinalOf(pod_name, sts)) continue;
      Json& labels = p["metadata"]["labels"];
      bool leader = pod_name == name;
      if (leader && labels.value(label, "") != "true") {
        labels[label] = "true";
        Touch(p);
      } else if (!leader && labels.is_object() && labels.contains(label)) {
        labels.erase(label);
        Touch(p);
      }
    }
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("pod ", name, " belongs to no role with a leader label"));
}

bool KubeModel::PodReady(const std::string& name) const {
  auto it = runtime_.find(name);
  const Json* pod = Find(kube::kKindPod, name);
  return pod != nullptr && it != runtime_.end() && it->second.ready_since.has_value() &&
         !kube::At(*pod, {"metadata", "deletionTimestamp"}).is_string();
}

std::optional<absl::Time> KubeModel::ReadySince(const std::string& name) const {
  if (!PodReady(name)) return std::nullopt;
  return runtime_.at(name).ready_since;
}

std::map<int32_t, const Json*> KubeModel::PodsOf(const std::string& sts) const {
  std::map<int32_t, const Json*> out;
  for (const auto& [name, pod] : Objects(kube::kKindPod)) {
    if (auto ordinal = kube::OrdinalOf(name, sts)) out[*ordinal] = &pod;
  }
  return out;
}

std::string KubeModel::LeaderOf(const std::string& sts) const {
  auto label = options_.leader_labels.find(sts);
  if (label == options_.leader_labels.end()) return "";
  for (const auto& [ordinal, pod] : PodsOf(sts)) {
    if (kube::StringAt(*pod, {"metadata", "labels", label->second.c_str()}) == "true") {
      return kube::StringAt(*pod, {"metadata", "name"});
    }
  }
  return "";
}

std::string KubeModel::PickNode(const std::string& sts) const {
  // Fewest pods of this StatefulSet, then fewest pods, then lowest index.
  std::string best;
  std::pair<int, int> best_load = {std::numeric_limits<int>::max(), 0};
  int best_index = 0;
  for (const auto& [name, node] : Objects(kube::kKindNode)) {
    if (kube::At(node, {"spec", "unschedulable"}) == Json(true)) continue;
    std::pair<int, int> load = {0, 0};
    for (const auto& [pod_name, pod] : Objects(kube::kKindPod)) {
      if (kube::StringAt(pod, {"spec", "nodeName"}) != name) continue;
      ++load.second;
      if (kube::OrdinalOf(pod_name, sts)) ++load.first;
    }
    int index = 0;
    absl::string_view n = name;
    size_t dash = n.rfind('-');
    if (dash != absl::string_view::npos) (void)absl::SimpleAtoi(n.substr(dash + 1), &index);
    if (best.empty() || load < best_load || (load == best_load && index < best_index)) {
      best = name;
      best_load = load;
      best_index = index;
    }
  }
  return best;
}

std::string KubeModel::RevisionOf(const Json& sts) const {
  // The template changes only with the spec, which bumps the generation.
  std::string key = absl::StrCat(kube::StringAt(sts, {"metadata", "uid"}), "/",
                                 kube::IntAt(sts, {"metadata", "generation"}, 0));
  auto cached = revisions_.find(key);
  if (cached != revisions_.end()) return cached->second;
  uint64_t h = Fnv1a64(kube::At(sts, {"spec", "template"}).dump());
  std::string revision = absl::StrFormat("%s-%010x", kube::StringAt(sts, {"metadata", "name"}),
                                         h & 0xffffffffffULL);
  revisions_[key] = revision;
  return revision;
}

bool KubeModel::CreatePod(const Json& sts, int32_t ordinal) {
  std::string sts_name = kube::StringAt(sts, {"metadata", "name"});
  std::string name = absl::StrCat(sts_name, "-", ordinal);
  const Json& selector = kube::At(sts, {"spec", "selector", "matchLabels"});
  // PVCs from the claim templates; an existing claim of that name is reused.
  Json claim_volumes = Json::array();
  const Json& templates = kube::At(sts, {"spec", "volumeClaimTemplates"});
  if (templates.is_array()) {
    for (const Json& t : templates) {
      std::string claim = kube::StringAt(t, {"metadata", "name"});
      std::string pvc_name = absl::StrCat(claim, "-", name);
      claim_volumes.push_back(
          {{"name", claim}, {"persistentVolumeClaim", {{"claimName", pvc_name}}}});
      const Json* existing = Find(kube::kKindPvc, pvc_name);
      if (existing != nullptr) {
        // The controller waits for a claim being deleted to go.
        if (kube::At(*existing, {"metadata", "deletionTimestamp"}).is_string()) return false;
        continue;
      }
      Json labels = kube::At(t, {"metadata", "labels"});
      if (!labels.is_object()) labels = Json::object();
      if (selector.is_object()) {
        for (auto it = selector.begin(); it != selector.end(); ++it) {
          labels[it.key()] = it.value();
        }
      }
      Json pvc = {{"apiVersion", "v1"},
                  {"kind", kube::kKindPvc},
                  {"metadata", {{"name", pvc_name}, {"labels", labels}}},
                  {"spec", kube::At(t, {"spec"})}};
      const Json& annotations = kube::At(t, {"metadata", "annotations"});
      if (annotations.is_object()) pvc["metadata"]["annotations"] = annotations;
      (void)Apply(pvc);
    }
  }

  const Json& tmpl = kube::At(sts, {"spec", "template"});
  Json labels = kube::At(tmpl, {"metadata", "labels"});
  if (!labels.is_object()) labels = Json::object();
  labels[kube::kRevisionLabel] = RevisionOf(sts);
  labels[kube::kPodNameLabel] = name;
  labels[kube::kPodIndexLabel] = absl::StrCat(ordinal);
  Json metadata = {{"name", name}, {"labels", labels}};
  const Json& annotations = kube::At(tmpl, {"metadata", "annotations"});
  if (annotations.is_object()) metadata["annotations"] = annotations;
  metadata["ownerReferences"] = Json::array(
      {{{"apiVersion", "apps/v1"},
        {"kind", kube::kKindStatefulSet},
        {"name", sts_name},
        {"uid", kube::StringAt(sts, {"metadata", "uid"})},
        {"controller", true},
        {"blockOwnerDeletion", true}}});
  Json spec = kube::At(tmpl, {"spec"});
  if (!spec.is_object()) spec = Json::object();
  spec["hostname"] = name;
  std::string service = kube::StringAt(sts, {"spec", "serviceName"});
  if (!service.empty()) spec["subdomain"] = service;
  std::string node = PickNode(sts_name);
  if (!node.empty()) spec["nodeName"] = node;
  if (!spec.contains("volumes") || !spec["volumes"].is_array()) {
    spec["volumes"] = Json::array();
  }
  for (const Json& v : claim_volumes) {
    bool present = false;
    for (const Json& existing : spec["volumes"]) {
      present |= kube::StringAt(existing, {"name"}) == kube::StringAt(v, {"name"});
    }
    if (!present) spec["volumes"].push_back(v);
  }
  Json pod = {{"apiVersion", "v1"},
              {"kind", kube::kKindPod},
              {"metadata", metadata},
              {"spec", spec}};
  (void)Apply(pod);
  return true;
}

bool KubeModel::SyncStatefulSet(const std::string& sts_name) {
  // A reference is safe: nothing below adds or removes StatefulSets.
  const Json& sts = objects_[kube::kKindStatefulSet][sts_name];
  std::string uid = kube::StringAt(sts, {"metadata", "uid"});
  const Json& selector = kube::At(sts, {"spec", "selector", "matchLabels"});
  int64_t replicas = kube::IntAt(sts, {"spec", "replicas"}, 1);
  int64_t start = kube::IntAt(sts, {"spec", "ordinals", "start"}, 0);
  bool parallel = kube::StringAt(sts, {"spec", "podManagementPolicy"}) == kube::kParallelPolicy;
  bool changed = false;

  // Adopt orphans with a matching name and labels; collect members.
  std::map<int32_t, std::string> members;
  for (auto& [name, pod] : objects_[kube::kKindPod]) {
    auto ordinal = kube::OrdinalOf(name, sts_name);
    if (!ordinal) continue;
    const Json* ref = kube::ControllerRef(pod);
    if (ref == nullptr) {
      if (!kube::SelectorMatches(selector, kube::At(pod, {"metadata", "labels"}))) continue;
      pod["metadata"]["ownerReferences"] = Json::array(
          {{{"apiVersion", "apps/v1"},
            {"kind", kube::kKindStatefulSet},
            {"name", sts_name},
            {"uid", uid},
            {"controller", true},
            {"blockOwnerDeletion", true}}});
      Touch(pod);
      changed = true;
    } else if (ref->value("uid", "") != uid) {
      continue;
    }
    members[*ordinal] = name;
  }

  std::vector<int32_t> missing;
  for (int64_t i = start; i < start + replicas; ++i) {
    if (members.count(static_cast<int32_t>(i)) == 0) missing.push_back(i);
  }
  std::vector<int32_t> condemned;
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    if (it->first < start || it->first >= start + replicas) condemned.push_back(it->first);
  }
  bool delete_claims =
      kube::StringAt(sts, {"spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"}) ==
      "Delete";
  auto condemn = [&](int32_t ordinal) {
    std::string pod_name = members[ordinal];
    RemovePod(pod_name);
    if (delete_claims) {
      const Json& templates = kube::At(sts, {"spec", "volumeClaimTemplates"});
      if (templates.is_array()) {
        for (const Json& t : templates) {
          std::string pvc = absl::StrCat(kube::StringAt(t, {"metadata", "name"}), "-", pod_name);
          if (Find(kube::kKindPvc, pvc) != nullptr) (void)Delete(kube::kKindPvc, pvc, false);
        }
      }
    }
    changed = true;
  };

  if (parallel) {
    for (int32_t ordinal : missing) changed |= CreatePod(sts, ordinal);
    for (int32_t ordinal : condemned) condemn(ordinal);
  } else {
    // OrderedReady: one at a time, each after its predecessors are Ready.
    bool all_ready = true;
    for (int64_t i = start; i < start + replicas; ++i) {
      auto it = members.find(static_cast<int32_t>(i));
      if (it == members.end()) {
        changed |= CreatePod(sts, static_cast<int32_t>(i));
        all_ready = false;
        break;
      }
      if (!PodReady(it->second)) {
        all_ready = false;
        break;
      }
    }
    if (all_ready && !condemned.empty()) {
      bool condemned_ready = true;
      for (int32_t ordinal : condemned) condemned_ready &= PodReady(members[ordinal]);
      if (condemned_ready) condemn(condemned.front());
    }
  }
  return changed;
}

std::optional<absl::Time> KubeModel::ReadyAt(const std::string& pod) const {
  auto it = runtime_.find(pod);
  if (it == runtime_.end() || !it->second.started.has_value()) return std::nullopt;
  if (never_ready_.count(pod) > 0) return std::nullopt;
  return *it->second.started + options_.ready_delay;
}

bool KubeModel::VolumesPresent(const Json& pod) const {
  const Json& volumes = kube::At(pod, {"spec", "volumes"});
  if (!volumes.is_array()) return true;
  for (const Json& v : volumes) {
    std::string claim = kube::StringAt(v, {"persistentVolumeClaim", "claimName"});
    if (!claim.empty()) {
      const Json* pvc = Find(kube::kKindPvc, claim);
      if (pvc == nullptr || kube::At(*pvc, {"metadata", "deletionTimestamp"}).is_string()) {
        return false;
      }
    }
    std::string cm = kube::StringAt(v, {"configMap", "name"});
    if (!cm.empty() && kube::At(v, {"configMap", "optional"}) != Json(true) &&
        Find(kube::kKindConfigMap, cm) == nullptr) {
      return false;
    }
  }
  return true;
}

void KubeModel::RenderPod(Json& pod) {
  std::string name = kube::StringAt(pod, {"metadata", "name"});
  const PodRuntime& rt = runtime_[name];
  bool ready = rt.ready_since.has_value();
  std::string created = Rfc3339(rt.created);
  std::string transition = Rfc3339(rt.last_transition);
  auto condition = [&](const char* type, bool status, const std::string& at) {
    Json c = {{"type", type},
              {"status", status ? "True" : "False"},
              {"lastProbeTime", nullptr},
              {"lastTransitionTime", at}};
    if (!status && (std::string(type) == "Ready" || std::string(type) == "ContainersReady")) {
      c["reason"] = "ContainersNotReady";
    }
    return c;
  };
  Json status = {
      {"phase", rt.started.has_value() ? "Running" : "Pending"},
      {"conditions",
       Json::array({condition("Initialized", rt.started.has_value(), created),
                    condition("Ready", ready, transition),
                    condition("ContainersReady", ready, transition),
                    condition("PodScheduled", true, created)})}};
  std::string node = kube::StringAt(pod, {"spec", "nodeName"});
  if (!node.empty()) status["hostIP"] = "192.168.0.10";
  uint64_t ip = Fnv1a64(kube::StringAt(pod, {"metadata", "uid"}));
  status["podIP"] = absl::StrFormat("10.244.%d.%d", (ip >> 8) % 250, ip % 250 + 2);
  status["startTime"] = created;
  Json containers = Json::array();
  const Json& specs = kube::At(pod, {"spec", "containers"});
  if (specs.is_array()) {
    for (const Json& c : specs) {
      Json s = {{"name", kube::StringAt(c, {"name"})},
                {"image", kube::StringAt(c, {"image"})},
                {"imageID", ""},
                {"ready", ready},
                {"started", rt.started.has_value()},
                {"restartCount", rt.restarts}};
      if (rt.started.has_value()) {
        s["state"] = {{"running", {{"startedAt", Rfc3339(*rt.started)}}}};
      } else {
        s["state"] = {{"waiting", {{"reason", "ContainerCreating"}}}};
      }
      containers.push_back(std::move(s));
    }
  }
  status["containerStatuses"] = std::move(containers);
  pod["status"] = std::move(status);
}

bool KubeModel::SyncPods() {
  bool changed = false;
  for (auto& [name, pod] : objects_[kube::kKindPod]) {
    PodRuntime& rt = runtime_[name];
    bool touched = false;
    if (!rt.started.has_value() && VolumesPresent(pod)) {
      rt.started = now_;
      touched = true;
    }
    if (!rt.ready_since.has_value()) {
      std::optional<absl::Time> at = ReadyAt(name);
      if (at.has_value() && *at <= now_) {
        rt.ready_since = *at;
        rt.last_transition = *at;
        touched = true;
      }
    }
    if (touched) {
      RenderPod(pod);
      Touch(pod);
      changed = true;
    }
  }
  // Finished resizes.
  for (auto it = resizes_.begin(); it != resizes_.end();) {
    auto pvc = objects_[kube::kKindPvc].find(it->first);
    if (pvc == objects_[kube::kKindPvc].end()) {
      it = resizes_.erase(it);
      continue;
    }
    if (it->second.done > now_) {
      ++it;
      continue;
    }
    pvc->second["status"] = PvcStatus(pvc->second, it->second.size);
    Touch(pvc->second);
    changed = true;
    it = resizes_.erase(it);
  }
  // Claims waiting for their pods to go.
  std::vector<std::string> released;
  for (const auto& [name, pvc] : objects_[kube::kKindPvc]) {
    if (kube::At(pvc, {"metadata", "deletionTimestamp"}).is_string() && !PvcInUse(name)) {
      released.push_back(name);
    }
  }
  for (const std::string& name : released) {
    objects_[kube::kKindPvc].erase(name);
    resizes_.erase(name);
    ++resource_version_;
    changed = true;
  }
  return changed;
}

void KubeModel::SyncLeaders() {
  for (const auto& [sts, label] : options_.leader_labels) {
    std::map<int32_t, const Json*> pods = PodsOf(sts);
    std::string keep;
    for (const auto& [ordinal, pod] : pods) {
      std::string name = kube::StringAt(*pod, {"metadata", "name"});
      if (kube::StringAt(*pod, {"metadata", "labels", label.c_str()}) == "true" &&
          PodReady(name)) {
        keep = name;
        break;
      }
    }
    if (keep.empty()) {
      for (const auto& [ordinal, pod] : pods) {
        std::string name = kube::StringAt(*pod, {"metadata", "name"});
        if (PodReady(name)) {
          keep = name;
          break;
        }
      }
    }
    for (const auto& [ordinal, const_pod] : pods) {
      std::string name = kube::StringAt(*const_pod, {"metadata", "name"});
      Json& pod = objects_[kube::kKindPod][name];
      Json& labels = pod["metadata"]["labels"];
      bool has = labels.is_object() && labels.contains(label);
      if (name == keep && labels.value(label, "") != "true") {
        labels[label] = "true";
        Touch(pod);
      } else if (name != keep && has) {
        labels.erase(label);
        Touch(pod);
      }
    }
  }
}

void KubeModel::SyncStatuses() {
  for (auto& [sts_name, sts] : objects_[kube::kKindStatefulSet]) {
    std::string uid = kube::StringAt(sts, {"metadata", "uid"});
    std::string update_revision = RevisionOf(sts);
    int64_t min_ready = kube::IntAt(sts, {"spec", "minReadySeconds"}, 0);
    int64_t replicas = 0, ready = 0, available = 0, updated = 0, current = 0;
    std::string current_revision = kube::StringAt(sts, {"status", "currentRevision"});
    if (current_revision.empty()) current_revision = update_revision;
    for (const auto& [name, pod] : objects_[kube::kKindPod]) {
      const Json* ref = kube::ControllerRef(pod);
      if (ref == nullptr || ref->value("uid", "") != uid) continue;
      ++replicas;
      std::string revision = kube::StringAt(pod, {"metadata", "labels", kube::kRevisionLabel});
      if (revision == update_revision) ++updated;
      if (revision == current_revision) ++current;
      if (PodReady(name)) {
        ++ready;
        if (*runtime_[name].ready_since + absl::Seconds(min_ready) <= now_) ++available;
      }
    }
    if (updated == replicas) {
      current_revision = update_revision;
      current = updated;
    }
    Json status = {{"observedGeneration", kube::IntAt(sts, {"metadata", "generation"}, 1)},
                   {"replicas", replicas},
                   {"readyReplicas", ready},
                   {"currentReplicas", current},
                   {"updatedReplicas", updated},
                   {"currentRevision", current_revision},
                   {"updateRevision", update_revision},
                   {"collisionCount", 0},
                   {"availableReplicas", available}};
    if (sts["status"] != status) {
      sts["status"] = std::move(status);
      Touch(sts);
    }
  }
  for (auto& [pdb_name, pdb] : objects_[kube::kKindPdb]) {
    const Json& selector = kube::At(pdb, {"spec", "selector", "matchLabels"});
    int64_t expected = 0, healthy = 0;
    for (const auto& [name, pod] : objects_[kube::kKindPod]) {
      if (!kube::SelectorMatches(selector, kube::At(pod, {"metadata", "labels"}))) continue;
      ++expected;
      if (PodReady(name)) ++healthy;
    }
    auto resolve = [&](const Json& v, bool round_up) -> int64_t {
      if (v.is_number_integer()) return v.get<int64_t>();
      if (v.is_string()) {
        std::string s = v.get<std::string>();
        int64_t percent = 0;
        if (!s.empty() && s.back() == '%' &&
            absl::SimpleAtoi(absl::string_view(s).substr(0, s.size() - 1), &percent)) {
          percent = std::clamp<int64_t>(percent, 0, 100);  // No overflow below.
          return round_up ? (expected * percent + 99) / 100 : expected * percent / 100;
        }
      }
      return 0;
    };
    int64_t desired = 0;
    const Json& min_available = kube::At(pdb, {"spec", "minAvailable"});
    const Json& max_unavailable = kube::At(pdb, {"spec", "maxUnavailable"});
    if (!min_available.is_null()) {
      desired = resolve(min_available, true);
    } else if (!max_unavailable.is_null()) {
      desired = std::max<int64_t>(0, expected - resolve(max_unavailable, true));
    }
    Json status = {{"observedGeneration", kube::IntAt(pdb, {"metadata", "generation"}, 1)},
                   {"disruptionsAllowed", std::max<int64_t>(0, healthy - desired)},
                   {"currentHealthy", healthy},
                   {"desiredHealthy", desired},
                   {"expectedPods", expected}};
    if (pdb["status"] != status) {
      pdb["status"] = std::move(status);
      Touch(pdb);
    }
  }
}

void KubeModel::Reconcile(absl::Time now) {
  if (now > now_) now_ = now;
  for (int pass = 0; pass < 1000; ++pass) {
    bool changed = false;
    std::vector<std::string> names;
    for (const auto& [name, sts] : objects_[kube::kKindStatefulSet]) names.push_back(name);
    for (const std::string& name : names) changed |= SyncStatefulSet(name);
    changed |= SyncPods();
    if (!changed) break;
  }
  SyncLeaders();
  SyncStatuses();
}

std::optional<absl::Time> KubeModel::NextEventTime() const {
  std::optional<absl::Time> next;
  auto consider = [&](absl::Time t) {
    if (t > now_ && (!next.has_value() || t < *next)) next = t;
  };
  for (const auto& [name, rt] : runtime_) {
    if (!rt.ready_since.has_value()) {
      if (auto at = ReadyAt(name)) consider(*at);
    }
  }
  for (const auto& [name, resize] : resizes_) consider(resize.done);
  for (const auto& [sts_name, sts] : Objects(kube::kKindStatefulSet)) {
    int64_t min_ready = kube::IntAt(sts, {"spec", "minReadySeconds"}, 0);
    auto role_min = options_.min_ready_seconds.find(sts_name);
    if (role_min != options_.min_ready_seconds.end()) {
      min_ready = std::max<int64_t>(min_ready, role_min->second);
    }
    if (min_ready <= 0) continue;
    for (const auto& [ordinal, pod] : PodsOf(sts_name)) {
      auto rt = runtime_.find(kube::StringAt(*pod, {"metadata", "name"}));
      if (rt != runtime_.end() && rt->second.ready_since.has_value()) {
        consider(*rt->second.ready_since + absl::Seconds(min_ready));
      }
    }
  }
  return next;
}

ObservedState KubeModel::ToObservedState() const {
  ObservedState state;
  auto copy = [&](const char* kind, std::vector<Json>& out) {
    for (const auto& [name, object] : Objects(kind)) out.push_back(object);
  };
  copy(kube::kKindStatefulSet, state.stateful_sets);
  copy(kube::kKindPod, state.pods);
  copy(kube::kKindService, state.services);
  copy(kube::kKindConfigMap, state.config_maps);
  copy(kube::kKindPdb, state.pod_disruption_budgets);
  copy(kube::kKindPvc, state.persistent_volume_claims);
  copy(kube::kKindNode, state.nodes);
  return state;
}

ObservedState ConvergedState(const CompiledCluster& compiled, absl::Time now) {
  absl::Time start = now - absl::Hours(24);
  KubeModel kube(ModelOptionsFor(compiled), start);
  for (const Object& object : compiled.objects) (void)kube.Apply(object.body);
  kube.Reconcile(start);
  for (int i = 0; i < 100000; ++i) {
    std::optional<absl::Time> next = kube.NextEventTime();
    if (!next.has_value() || *next >= now) break;
    kube.Reconcile(*next);
  }
  kube.Reconcile(now);
  return kube.ToObservedState();
}

}  // namespace strata
