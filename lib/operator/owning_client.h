// The ClusterClient one Cluster custom resource is reconciled through: it
// forwards to the real client (KubeClient), and
//   - adds the Cluster's ownerReference to every object it applies, so
//     Kubernetes' garbage collector removes them with the Cluster -- except
//     PersistentVolumeClaims (the executor applies a claim to record
//     strata.dev/member-left; a retained claim must survive the Cluster, so
//     only the finalizer's onClusterDelete decides) and Pods (their
//     StatefulSet is their controller);
//   - remembers the last observed state (the status summary reads it);
//   - refuses every write (apply, delete, exec, patch, resize) once
//     `may_write` returns false -- leadership lost or shutting down -- so
//     nothing is changed by a replica that no longer leads.
//
// Example:
//   OwningClient client(kube, OwnerReference(cluster), [&] { return elector.IsLeader(); });
//   ReconcileCompiled(desired, client, options);
//   SummarizeStatus(desired, *client.last_observed(), result.last_plan);

#ifndef STRATA_OPERATOR_OWNING_CLIENT_H_
#define STRATA_OPERATOR_OWNING_CLIENT_H_

#include <functional>
#include <optional>

#include "strata/execute.h"
#include "strata/json.h"

namespace strata::operator_internal {

class OwningClient : public ClusterClient {
 public:
  // `may_write` may be empty (always allowed).
  OwningClient(ClusterClient& inner, Json owner_reference, std::function<bool()> may_write);

  const std::optional<ObservedState>& last_observed() const { return last_observed_; }
  // Writes refused because `may_write` said no.
  int refused() const { return refused_; }

  absl::Time Now() override;
  absl::StatusOr<ObservedState> Observe(const ObserveRequest& request) override;
  absl::StatusOr<Json> Apply(const Json& object, const ApplyOptions& options) override;
  absl::Status Delete(const ObjectRef& ref, const DeleteOptions& options) override;
  absl::StatusOr<ExecResult> Exec(const ExecRequest& request) override;
  absl::Status PatchMetadata(const ObjectRef& ref, const MetadataPatch& patch) override;
  absl::Status ResizePvc(const ObjectRef& pvc, const std::string& size) override;
  absl::StatusOr<bool> WaitForChange(const ObserveRequest& scope, absl::Time deadline,
                                     const std::function<bool()>& cancelled) override;
  absl::Status SleepUntil(absl::Time deadline, const std::function<bool()>& cancelled) override;

 private:
  // OK when writes are allowed, else Cancelled naming `what`.
  absl::Status MayWrite(const std::string& what);

  ClusterClient& inner_;
  const Json owner_reference_;
  const std::function<bool()> may_write_;
  std::optional<ObservedState> last_observed_;
  int refused_ = 0;
};

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_OWNING_CLIENT_H_
