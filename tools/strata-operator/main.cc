// strata-operator: reconciles App and Cluster custom resources (SPEC-2 §7).
// Only flags, signals and log output live here; the operator is
// lib/operator (RunManager).
//
//   strata-operator [--kubeconfig F] [--context C] [--namespace N]
//                   [--leader-elect] [--concurrency 4]
//                   [--metrics-addr :8080] [--health-addr :8081]
//                   [--drain-timeout 45s] [--identity NAME]
//                   [--lease-namespace strata-system] [--lease-name strata-operator]
//                   [--lease-duration 15s] [--renew-deadline 10s] [--retry-period 2s]
//
// Logs: one JSON object per line on stderr (one per executed step).
// SIGTERM/SIGINT: the running step finishes or is abandoned safely, the
// Lease is released, exit 0. Exit 1: the Lease was lost or the operator
// could not start (the log says why); 2: bad flags.

#include <signal.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/time/time.h"
#include "operator/manager.h"
#include "strata/json.h"

namespace {

std::mutex log_mu;
std::atomic<bool> stop_requested{false};

void LogLine(const strata::Json& line) {
  std::string text = line.dump(-1, ' ', false, strata::Json::error_handler_t::replace);
  std::lock_guard<std::mutex> lock(log_mu);
  std::cerr << text << "\n" << std::flush;
}

// Parses a Go-style duration flag ("45s", "2m").
bool ParseDurationFlag(const std::string& flag, const std::string& text, absl::Duration* out) {
  if (absl::ParseDuration(text, out) && *out >= absl::ZeroDuration()) return true;
  std::cerr << "strata-operator: --" << flag << " " << text
            << ": not a duration (examples: 45s, 2m, 1h30m)\n";
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  strata::operator_internal::ManagerOptions options;
  std::string drain = "45s", lease_duration = "15s", renew_deadline = "10s",
              retry_period = "2s", recheck = "30s";
  CLI::App app{"strata-operator: reconciles strata App and Cluster custom resources"};
  app.add_option("--kubeconfig", options.kubeconfig,
                 "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)");
  app.add_option("--context", options.context, "kubeconfig context (default: current)");
  app.add_option("--namespace", options.namespace_,
                 "reconcile Clusters of this namespace only (default: all)");
  app.add_flag("--leader-elect", options.leader_elect,
               "act only while holding the coordination.k8s.io Lease");
  app.add_option("--concurrency", options.concurrency, "Clusters reconciled in parallel")
      ->check(CLI::Range(1, 256));
  app.add_option("--metrics-addr", options.metrics_addr, "where /metrics is served (\"0\": off)");
  app.add_option("--health-addr", options.health_addr,
                 "where /healthz and /readyz are served (\"0\": off)");
  app.add_option("--drain-timeout", drain,
                 "on SIGTERM, how long a running member hook may still finish");
  app.add_option("--identity", options.identity,
                 "this replica's name in the Lease and Events (default: $POD_NAME)");
  app.add_option("--lease-namespace", options.lease_namespace, "the Lease's namespace");
  app.add_option("--lease-name", options.lease_name, "the Lease's name");
  app.add_option("--lease-duration", lease_duration,
                 "how long a standby waits on an unrenewed Lease before taking it");
  app.add_option("--renew-deadline", renew_deadline,
                 "the leader stops acting when it could not renew for this long");
  app.add_option("--retry-period", retry_period, "how often the Lease is tried or renewed");
  app.add_option("--recheck", recheck,
                 "a waiting Cluster is looked at again after this even without events");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!ParseDurationFlag("drain-timeout", drain, &options.drain_timeout) ||
      !ParseDurationFlag("lease-duration", lease_duration, &options.lease_duration) ||
      !ParseDurationFlag("renew-deadline", renew_deadline, &options.renew_deadline) ||
      !ParseDurationFlag("retry-period", retry_period, &options.retry_period) ||
      !ParseDurationFlag("recheck", recheck, &options.recheck)) {
    return 2;
  }
  if (options.leader_elect && options.renew_deadline >= options.lease_duration) {
    std::cerr << "strata-operator: --renew-deadline must be shorter than --lease-duration\n";
    return 2;
  }
  options.log = LogLine;

  // SIGTERM/SIGINT go to one thread (blocked everywhere else).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals] {
    int sig = 0;
    while (sigwait(&signals, &sig) == 0) {
      LogLine({{"level", "info"},
               {"msg", sig == SIGTERM ? "SIGTERM received" : "SIGINT received"}});
      stop_requested = true;
    }
  }).detach();

  absl::Status s = strata::operator_internal::RunManager(options, [] { return stop_requested.load(); });
  if (!s.ok()) {
    LogLine({{"level", "error"}, {"msg", std::string(s.message())}});
    return 1;
  }
  return 0;
}
