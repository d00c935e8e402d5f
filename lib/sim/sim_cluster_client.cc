#include "sim/sim_cluster_client.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "plan/adoptable.h"
#include "kube/keys.h"

namespace strata {
namespace {

std::string InstanceOf(const Json& object) {
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return "";
  auto labels = md->find("labels");
  if (labels == md->end() || !labels->is_object()) return "";
  return labels->value(kube::kInstanceLabel, "");
}

std::string NameOf(const Json& object) {
  auto md = object.find("metadata");
  return md == object.end() || !md->is_object() ? "" : md->value("name", "");
}

// Keeps the objects of `cluster` and those named in `also`.
void KeepCluster(std::vector<Json>& list, const std::string& cluster,
                 const std::set<std::string>& also) {
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const Json& o) {
                              return InstanceOf(o) != cluster && !also.count(NameOf(o));
                            }),
             list.end());
}

std::string UidOf(const Json& object) {
  auto md = object.find("metadata");
  return md == object.end() ? "" : md->value("uid", "");
}

}  // namespace

absl::StatusOr<ObservedState> SimClusterClient::Observe(const ObserveRequest& request) {
  calls.push_back(absl::StrCat("observe ", request.namespace_, "/", request.cluster));
  observed_version_ = kube_.version();
  ObservedState state;
  if (request.namespace_ != kube_.namespace_()) return state;
  state = kube_.ToObservedState();
  // As KubeClient::Observe: the Cluster's labelled objects, and StatefulSets
  // without an instance label with their members and claims (SPEC-2 §10).
  ObservedState adoptable = UnlabelledStatefulSets(state.stateful_sets, state.pods,
                                                   state.persistent_volume_claims);
  for (const char* kind : kClusterObjectKinds) {
    std::set<std::string> extra;
    for (const Json& o : *adoptable.ObjectsOf(kind)) extra.insert(NameOf(o));
    KeepCluster(*state.ObjectsOf(kind), request.cluster, extra);
  }
  if (!request.nodes) state.nodes.clear();
  if (!request.secrets) state.secrets.clear();
  return state;
}

absl::StatusOr<Json> SimClusterClient::Apply(const Json& object, const ApplyOptions& options) {
  std::string kind = object.value("kind", "");
  std::string name = object.contains("metadata") ? object["metadata"].value("name", "") : "";
  calls.push_back(absl::StrCat("apply ", kind, " ", name, options.dry_run ? " dry-run" : ""));
  if (options.dry_run) {
    KubeModel copy = kube_;
    if (absl::Status s = copy.Apply(object); !s.ok()) return s;
    const Json* stored = copy.Find(kind, name);
    return stored != nullptr ? *stored : object;
  }
  if (absl::Status s = kube_.Apply(object); !s.ok()) return s;
  Settle();
  const Json* stored = kube_.Find(kind, name);
  return stored != nullptr ? *stored : object;
}

absl::Status SimClusterClient::Delete(const ObjectRef& ref, const DeleteOptions& options) {
  calls.push_back(absl::StrCat("delete ", ref.kind, " ", ref.name, options.orphan ? " orphan" : "",
                               options.uid.empty() ? "" : absl::StrCat(" uid=", options.uid)));
  const Json* have = kube_.Find(ref.kind, ref.name);
  if (have == nullptr) return absl::OkStatus();
  if (!options.uid.empty() && UidOf(*have) != options.uid) {
    return absl::AbortedError(absl::StrCat("DELETE ", ref.kind, " ", ref.name,
                                           ": 409 Conflict: the uid precondition failed (",
                                           options.uid, " is now ", UidOf(*have), ")"));
  }
  absl::Status s = ref.kind == kube::kKindPod ? kube_.DeletePod(ref.name)
                                     : kube_.Delete(ref.kind, ref.name, options.orphan);
  if (!s.ok() && s.code() != absl::StatusCode::kNotFound) return s;
  Settle();
  return absl::OkStatus();
}

absl::StatusOr<ExecResult> SimClusterClient::Exec(const ExecRequest& request) {
  calls.push_back(absl::StrCat("exec ", request.pod, " ", absl::StrJoin(request.command, " ")));
  const Json* pod = kube_.Find(kube::kKindPod, request.pod);
  if (pod == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("exec in pod ", request.pod, ": the pod does not exist"));
  }
  const Json& status = (*pod)["status"];
  if (!status.is_object() || status.value("phase", "") != "Running" ||
      (*pod)["metadata"].contains("deletionTimestamp")) {
    return absl::FailedPreconditionError(
        absl::StrCat("exec in pod ", request.pod, ": the pod is not running"));
  }
  ExecResult result = exec_handler ? exec_handler(request) : ExecResult{};
  absl::Duration took = exec_duration;
  if (result.timed_out || took > request.timeout) {
    took = request.timeout;
    result.timed_out = true;
    result.exit_code = -1;
  }
  kube_.Reconcile(kube_.now() + took);
  return result;
}

absl::Status SimClusterClient::PatchMetadata(const ObjectRef& ref, const MetadataPatch& patch) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : patch.labels) {
    parts.push_back(absl::StrCat("label ", k, "=", v.value_or("<remove>")));
  }
  for (const auto& [k, v] : patch.annotations) {
    parts.push_back(absl::StrCat("annotation ", k, "=", v.value_or("<remove>")));
  }
  calls.push_back(absl::StrCat("patch ", ref.kind, " ", ref.name, " ", absl::StrJoin(parts, ", ")));
  absl::Status s = kube_.PatchMetadata(ref.kind, ref.name, patch.labels, patch.annotations);
  if (s.ok()) Settle();
  return s;
}

absl::Status SimClusterClient::ResizePvc(const ObjectRef& pvc, const std::string& size) {
  calls.push_back(absl::StrCat("resize ", pvc.name, " ", size));
  absl::Status s = kube_.ResizePvc(pvc.name, size);
  if (s.code() == absl::StatusCode::kFailedPrecondition) {
    return absl::InvalidArgumentError(s.message());  // The server refuses a shrink.
  }
  if (s.ok()) Settle();
  return s;
}

absl::StatusOr<bool> SimClusterClient::WaitForChange(const ObserveRequest& scope,
                                                     absl::Time deadline,
                                                     const std::function<bool()>& cancelled) {
  (void)scope;
  while (true) {
    if (cancelled && cancelled()) return absl::CancelledError("cancelled while waiting");
    if (kube_.version() != observed_version_) return true;
    if (kube_.now() >= deadline) return false;
    std::optional<absl::Time> next = kube_.NextEventTime();
    kube_.Reconcile(next.has_value() ? std::min(*next, deadline) : deadline);
  }
}

absl::Status SimClusterClient::SleepUntil(absl::Time deadline,
                                          const std::function<bool()>& cancelled) {
  if (cancelled && cancelled()) return absl::CancelledError("cancelled while sleeping");
  if (deadline > kube_.now()) kube_.Reconcile(deadline);
  return absl::OkStatus();
}

}  // namespace strata
