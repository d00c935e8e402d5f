// strata-operator's process: connects to the API server, serves /metrics,
// /healthz and /readyz, optionally waits to lead (a coordination.k8s.io
// Lease), then watches Clusters, Apps and the objects strata owns and runs
// --concurrency workers of the Controller until asked to stop.
//
// Stopping (SIGTERM): no new reconcile starts; a running pass stops at its
// next safe point (between steps; a gate is abandoned, it changes nothing);
// a running memberLeave/memberJoin may finish until `drain_timeout`, then it
// is abandoned too (its record says so, the next leader runs it again); the
// Lease is released so a standby takes over at once.
// Losing the Lease: every write is refused from that instant (OwningClient,
// status, Events), the workers stop, and RunManager returns Aborted (the
// process exits non-zero and is restarted as a standby).
//
// Example:
//   std::atomic<bool> term{false};
//   absl::Status s = RunManager({.leader_elect = true, .identity = pod},
//                               [&] { return term.load(); });

#ifndef STRATA_OPERATOR_MANAGER_H_
#define STRATA_OPERATOR_MANAGER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "strata/json.h"

namespace strata::operator_internal {

struct ManagerOptions {
  std::string kubeconfig;  // "" as KubeClient::Connect: $KUBECONFIG, ~/.kube/config, in-cluster.
  std::string context;
  std::string namespace_;  // Clusters of this namespace only; "" = all.
  bool leader_elect = false;
  std::string lease_namespace = "strata-system";
  std::string lease_name = "strata-operator";
  std::string identity;  // This replica: $POD_NAME, else the host name and pid.
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
  int concurrency = 4;
  std::string metrics_addr = ":8080";  // "" or "0": not served.
  std::string health_addr = ":8081";
  absl::Duration drain_timeout = absl::Seconds(45);
  absl::Duration recheck = absl::Seconds(30);
  // One JSON object per log line.
  std::function<void(const Json&)> log;
};

// Runs the operator until `stop` returns true (polled every 100 ms) or the
// Lease is lost. OK after a clean stop; Aborted when the Lease was lost;
// the error when it could not start (kubeconfig, addresses).
absl::Status RunManager(const ManagerOptions& options, const std::function<bool()>& stop);

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_MANAGER_H_
