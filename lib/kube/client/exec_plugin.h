// Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1): run
// the plugin, read the ExecCredential it prints, and say until when it holds.

#ifndef STRATA_KUBE_CLIENT_EXEC_PLUGIN_H_
#define STRATA_KUBE_CLIENT_EXEC_PLUGIN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "strata/kube_client.h"

namespace strata::kube_internal {

struct ExecCredential {
  std::string token;
  std::string client_certificate;  // PEM, with client_key.
  std::string client_key;
  absl::Time expiry = absl::InfiniteFuture();  // status.expirationTimestamp.
};

// Runs `plugin` (stdin /dev/null, stdout and stderr captured, the client's
// environment plus plugin.env and KUBERNETES_EXEC_INFO) for at most
// `timeout` and parses its ExecCredential. `config` supplies the cluster info
// when plugin.provide_cluster_info. Errors name the command and quote the
// plugin's stderr: "exec plugin aws-iam-authenticator: exit status 1: ...".
absl::StatusOr<ExecCredential> RunExecPlugin(const KubeExecPlugin& plugin,
                                             const KubeConfig& config, absl::Duration timeout);

// Parses an ExecCredential (exposed for tests).
absl::StatusOr<ExecCredential> ParseExecCredential(const std::string& text,
                                                   const std::string& want_api_version);

}  // namespace strata::kube_internal

#endif  // STRATA_KUBE_CLIENT_EXEC_PLUGIN_H_
