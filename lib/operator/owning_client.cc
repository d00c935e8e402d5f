// OwningClient (owning_client.h).

#include "operator/owning_client.h"

#include "absl/strings/str_cat.h"

namespace strata::operator_internal {

OwningClient::OwningClient(ClusterClient& inner, Json owner_reference,
                           std::function<bool()> may_write)
    : inner_(inner),
      owner_reference_(std::move(owner_reference)),
      may_write_(std::move(may_write)) {}

absl::Status OwningClient::MayWrite(const std::string& what) {
  if (!may_write_ || may_write_()) return absl::OkStatus();
  ++refused_;
  return absl::CancelledError(
      absl::StrCat(what, ": not sent, this operator replica may not act (it does not hold "
                         "the leader Lease, or it is shutting down)"));
}

absl::Time OwningClient::Now() { return inner_.Now(); }

absl::StatusOr<ObservedState> OwningClient::Observe(const ObserveRequest& request) {
  absl::StatusOr<ObservedState> observed = inner_.Observe(request);
  if (observed.ok()) last_observed_ = *observed;
  return observed;
}

absl::StatusOr<Json> OwningClient::Apply(const Json& object, const ApplyOptions& options) {
  if (!options.dry_run) {
    absl::Status s = MayWrite(absl::StrCat("apply ", object.value("kind", ""), "/",
                                           object["metadata"].value("name", "")));
    if (!s.ok()) return s;
  }
  const std::string kind = object.value("kind", "");
  if (kind == "PersistentVolumeClaim" || kind == "Pod") {
    // A claim must outlive the Cluster unless onClusterDelete says delete
    // (the finalizer decides, never the garbage collector), and a pod
    // already has its StatefulSet as controller.
    return inner_.Apply(object, options);
  }
  Json owned = object;
  owned["metadata"]["ownerReferences"] = Json::array({owner_reference_});
  return inner_.Apply(owned, options);
}

absl::Status OwningClient::Delete(const ObjectRef& ref, const DeleteOptions& options) {
  absl::Status s = MayWrite(absl::StrCat("delete ", ref.kind, "/", ref.name));
  if (!s.ok()) return s;
  return inner_.Delete(ref, options);
}

absl::StatusOr<ExecResult> OwningClient::Exec(const ExecRequest& request) {
  absl::Status s = MayWrite(absl::StrCat("exec in pod ", request.pod));
  if (!s.ok()) return s;
  ExecRequest r = request;
  // A running command is abandoned as soon as this replica may not act.
  r.cancelled = [this, inner = request.cancelled] {
    return (inner && inner()) || (may_write_ && !may_write_());
  };
  return inner_.Exec(r);
}

absl::Status OwningClient::PatchMetadata(const ObjectRef& ref, const MetadataPatch& patch) {
  absl::Status s = MayWrite(absl::StrCat("patch ", ref.kind, "/", ref.name));
  if (!s.ok()) return s;
  return inner_.PatchMetadata(ref, patch);
}

absl::Status OwningClient::ResizePvc(const ObjectRef& pvc, const std::string& size) {
  absl::Status s = MayWrite(absl::StrCat("resize PersistentVolumeClaim/", pvc.name));
  if (!s.ok()) return s;
  return inner_.ResizePvc(pvc, size);
}

absl::StatusOr<bool> OwningClient::WaitForChange(const ObserveRequest& scope, absl::Time deadline,
                                                 const std::function<bool()>& cancelled) {
  return inner_.WaitForChange(scope, deadline, cancelled);
}

absl::Status OwningClient::SleepUntil(absl::Time deadline,
                                      const std::function<bool()>& cancelled) {
  return inner_.SleepUntil(deadline, cancelled);
}

}  // namespace strata::operator_internal
