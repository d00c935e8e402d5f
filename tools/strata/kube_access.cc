#include "kube_access.h"

#include <ostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "strata/execute.h"

namespace strata::cli {

void AddKubeFlags(CLI::App* cmd, KubeFlags* flags) {
  cmd->add_option("--kubeconfig", flags->kubeconfig,
                  "The kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else the "
                  "in-cluster service account)");
  cmd->add_option("--context", flags->context,
                  "The kubeconfig context (default: its current-context)");
}

std::unique_ptr<KubeClient> ConnectOrReport(absl::string_view command, const KubeFlags& flags,
                                            std::ostream& err, int* exit_code) {
  absl::StatusOr<std::unique_ptr<KubeClient>> kube =
      KubeClient::Connect(flags.kubeconfig, flags.context);
  if (!kube.ok()) {
    *exit_code = ReportClusterError(command, kube.status(), err);
    return nullptr;
  }
  return *std::move(kube);
}

int ReportClusterError(absl::string_view command, const absl::Status& status, std::ostream& err) {
  err << "strata " << command << ": cannot reach or use the cluster: " << status.message()
      << " (" << absl::StatusCodeToString(status.code()) << ")\n";
  return kExitCluster;
}

bool IsClusterAccessError(const absl::Status& status) { return CannotUseCluster(status); }

}  // namespace strata::cli
