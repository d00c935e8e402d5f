// SimClusterClient: the executor's ClusterClient over the simulator's
// in-memory Kubernetes (KubeModel), in virtual time.
//
// Every mutating call runs the model's controllers at the current instant,
// as a real control plane would shortly after; WaitForChange and SleepUntil
// move virtual time forward (to the model's next self-driven change, or to
// the deadline), so Reconcile() over this client runs a twenty-minute
// rollout in microseconds, deterministically. Exec answers come from a
// handler the caller sets (default: exit 0 in a running pod).
//
// Example:
//   KubeModel kube(ModelOptionsFor(compiled), start);
//   SimClusterClient client(kube);
//   client.exec_handler = [](const ExecRequest& r) { return ExecResult{}; };
//   absl::StatusOr<ReconcileResult> r = ReconcileCompiled(compiled, client, {});

#ifndef STRATA_SIM_SIM_CLUSTER_CLIENT_H_
#define STRATA_SIM_SIM_CLUSTER_CLIENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sim/kube_model.h"
#include "strata/execute.h"

namespace strata {

class SimClusterClient : public ClusterClient {
 public:
  explicit SimClusterClient(KubeModel& kube) : kube_(kube) {}

  // Decides how an exec in a running pod ends. Unset: exit 0.
  std::function<ExecResult(const ExecRequest&)> exec_handler;
  // Virtual time one exec takes.
  absl::Duration exec_duration = absl::Seconds(1);
  // Every call, in order ("apply StatefulSet data-zk", "delete Pod data-zk-2
  // uid=u7", "exec data-zk-2 env ... cmd", "patch Pod data-zk-0"): what the
  // executor did, for tests.
  std::vector<std::string> calls;

  absl::Time Now() override { return kube_.now(); }
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
  // Runs the controllers at the current instant (after a change).
  void Settle() { kube_.Reconcile(kube_.now()); }

  KubeModel& kube_;
  int64_t observed_version_ = -1;
};

}  // namespace strata

#endif  // STRATA_SIM_SIM_CLUSTER_CLIENT_H_
