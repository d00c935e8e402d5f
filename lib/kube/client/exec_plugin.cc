#include "kube/client/exec_plugin.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "strata/json.h"

extern char** environ;

namespace strata::kube_internal {
namespace {

constexpr size_t kOutputLimit = 1 << 20;  // A credential is a few KiB.

struct Output {
  int exit_status = 0;  // As waitpid() reports it.
  std::string out;
  std::string err;
  bool timed_out = false;
};

std::string ExitText(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("killed by signal ", WTERMSIG(status));
  return "ended abnormally";
}

absl::StatusOr<Output> Run(const std::vector<std::string>& argv,
                           const std::vector<std::string>& extra_env, absl::Duration timeout) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return absl::InternalError(strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return absl::InternalError(strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) env_strings.emplace_back(*e);
  for (const std::string& e : extra_env) env_strings.push_back(e);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (std::string& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return absl::FailedPreconditionError(absl::StrCat("cannot run: ", strerror(rc)));
  }
  Output result;
  absl::Time deadline = absl::Now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    int n = poll(fds, 2, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      ssize_t got = read(fds[i].fd, buf, sizeof(buf));
      if (got <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      std::string& sink = i == 0 ? result.out : result.err;
      if (sink.size() < kOutputLimit) sink.append(buf, static_cast<size_t>(got));
    }
  }
  for (pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_status = status;
  return result;
}

std::string ExecInfo(const KubeExecPlugin& plugin, const KubeConfig& config) {
  Json spec = {{"interactive", false}};
  if (plugin.provide_cluster_info) {
    Json cluster = {{"server", config.server}};
    if (!config.tls_server_name.empty()) cluster["tls-server-name"] = config.tls_server_name;
    if (config.insecure_skip_tls_verify) cluster["insecure-skip-tls-verify"] = true;
    if (!config.certificate_authority.empty()) {
      cluster["certificate-authority-data"] = absl::Base64Escape(config.certificate_authority);
    }
    spec["cluster"] = std::move(cluster);
  }
  Json info = {{"apiVersion", plugin.api_version}, {"kind", "ExecCredential"},
               {"spec", std::move(spec)}};
  return info.dump();
}

}  // namespace

absl::StatusOr<ExecCredential> ParseExecCredential(const std::string& text,
                                                   const std::string& want_api_version) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("its output is not a JSON ExecCredential");
  }
  if (doc.value("kind", "") != "ExecCredential") {
    return absl::InvalidArgumentError("its output is not an ExecCredential (kind)");
  }
  if (!want_api_version.empty() && doc.value("apiVersion", "") != want_api_version) {
    return absl::InvalidArgumentError(absl::StrCat("it answered apiVersion \"",
                                                   doc.value("apiVersion", ""),
                                                   "\", asked for \"", want_api_version, "\""));
  }
  const Json* status = doc.contains("status") ? &doc["status"] : nullptr;
  if (status == nullptr || !status->is_object()) {
    return absl::InvalidArgumentError("its ExecCredential has no status");
  }
  ExecCredential cred;
  cred.token = status->value("token", "");
  cred.client_certificate = status->value("clientCertificateData", "");
  cred.client_key = status->value("clientKeyData", "");
  if (cred.token.empty() && (cred.client_certificate.empty() || cred.client_key.empty())) {
    return absl::InvalidArgumentError(
        "its ExecCredential has neither status.token nor status.clientCertificateData and "
        "status.clientKeyData");
  }
  std::string expiry = status->value("expirationTimestamp", "");
  if (!expiry.empty()) {
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, expiry, &cred.expiry, &err)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "status.expirationTimestamp \"", expiry, "\" is not an RFC 3339 time: ", err));
    }
  }
  return cred;
}

absl::StatusOr<ExecCredential> RunExecPlugin(const KubeExecPlugin& plugin,
                                             const KubeConfig& config, absl::Duration timeout) {
  std::vector<std::string> argv = {plugin.command};
  argv.insert(argv.end(), plugin.args.begin(), plugin.args.end());
  std::vector<std::string> env;
  for (const auto& [k, v] : plugin.env) env.push_back(absl::StrCat(k, "=", v));
  env.push_back(absl::StrCat("KUBERNETES_EXEC_INFO=", ExecInfo(plugin, config)));
  std::string what = absl::StrCat("exec plugin ", plugin.command);
  absl::StatusOr<Output> out = Run(argv, env, timeout);
  if (!out.ok()) {
    return absl::Status(out.status().code(), absl::StrCat(what, ": ", out.status().message()));
  }
  if (out->timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, ": still running after ", absl::FormatDuration(timeout)));
  }
  std::string err = std::string(absl::StripAsciiWhitespace(out->err));
  if (!WIFEXITED(out->exit_status) || WEXITSTATUS(out->exit_status) != 0) {
    return absl::UnauthenticatedError(absl::StrCat(what, ": ", ExitText(out->exit_status),
                                                   err.empty() ? "" : ": ", err));
  }
  absl::StatusOr<ExecCredential> cred = ParseExecCredential(out->out, plugin.api_version);
  if (!cred.ok()) {
    return absl::UnauthenticatedError(absl::StrCat(what, ": ", cred.status().message()));
  }
  return cred;
}

}  // namespace strata::kube_internal
