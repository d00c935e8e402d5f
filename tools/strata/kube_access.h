// Access to a live cluster for the subcommands that talk to one (`apply`,
// `observe`, `status`, `plan --observed cluster`): the shared --kubeconfig and
// --context flags, making the KubeClient from them (SPEC-2 §6's order:
// --kubeconfig, else $KUBECONFIG, else ~/.kube/config, else the in-cluster
// service account), and the one mapping of client errors to exit 5.
//
// Example (a subcommand callback):
//   int rc = kExitOk;
//   std::unique_ptr<KubeClient> kube = ConnectOrReport("observe", flags.kube, std::cerr, &rc);
//   if (!kube) return rc;
//   absl::StatusOr<ObservedState> s = kube->Observe(ObserveRequestFor(compiled));
//   if (!s.ok()) return ReportClusterError("observe", s.status(), std::cerr);

#ifndef STRATA_TOOLS_STRATA_KUBE_ACCESS_H_
#define STRATA_TOOLS_STRATA_KUBE_ACCESS_H_

#include <iosfwd>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "strata/kube_client.h"

namespace strata::cli {

// SPEC-2 §6: the cluster cannot be reached or used (the failing call and the
// HTTP status are named).
inline constexpr int kExitCluster = 5;

struct KubeFlags {
  std::string kubeconfig;  // --kubeconfig; empty: $KUBECONFIG, ~/.kube/config, in-cluster.
  std::string context;     // --context; empty: the kubeconfig's current-context.
};

// Registers --kubeconfig and --context on `cmd`, writing into `*flags`.
void AddKubeFlags(CLI::App* cmd, KubeFlags* flags);

// Returns a client for `flags`, or prints "strata COMMAND: cannot reach or use
// the cluster: <why>" to `err`, sets `*exit_code` to kExitCluster and returns
// nullptr. A kubeconfig that is missing or malformed is such a failure too:
// the cluster cannot be used with it.
std::unique_ptr<KubeClient> ConnectOrReport(absl::string_view command, const KubeFlags& flags,
                                            std::ostream& err, int* exit_code);

// Prints a failed cluster call as above (the status message names the call
// and the HTTP status, e.g. "GET /api/v1/namespaces/data/pods: 403 Forbidden:
// ...") with the status code's name, and returns kExitCluster.
int ReportClusterError(absl::string_view command, const absl::Status& status, std::ostream& err);

// Whether `status` means the cluster cannot be reached or used (the codes
// ClusterClient's comment lists: Unavailable, DeadlineExceeded,
// Unauthenticated, PermissionDenied), as opposed to a refused input.
bool IsClusterAccessError(const absl::Status& status);

}  // namespace strata::cli

#endif  // STRATA_TOOLS_STRATA_KUBE_ACCESS_H_
