// A sample operator loop: how a C++ program embeds strata.
//
// It loads an App and a Cluster, compiles them, connects to the cluster with
// strata's Kubernetes client and hands both to strata::ReconcileCompiled,
// the one executor every strata front end uses (observe -> plan -> run the
// steps that may run -> wait for the cluster to change -> again, until
// converged, blocked or the deadline). The program only chooses what to
// print: a real operator would turn the same events into status conditions
// (as strata-operator does).
//
//   strata-operator-example [--kubeconfig F] [--context C] [--once]
//                           [--timeout-seconds N] FILE...
//
// Exit 0 converged (or the --once pass done), 1 bad input, 3 blocked,
// 4 timed out, 5 cannot reach or use the cluster.

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "strata/execute.h"
#include "strata/kube_client.h"
#include "strata/pipeline.h"
#include "strata/strata.h"

namespace {

constexpr char kUsage[] =
    "usage: strata-operator-example [--kubeconfig F] [--context C] [--once] "
    "[--timeout-seconds N] FILE...\n";

}  // namespace

int main(int argc, char** argv) {
  std::string kubeconfig, context;
  bool once = false;
  int64_t timeout_seconds = 1800;
  std::vector<strata::Source> sources;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--kubeconfig" || arg == "--context" || arg == "--timeout-seconds") &&
        i + 1 < argc) {
      std::string value = argv[++i];
      if (arg == "--kubeconfig") kubeconfig = value;
      if (arg == "--context") context = value;
      if (arg == "--timeout-seconds") timeout_seconds = std::atoll(value.c_str());
    } else if (arg == "--once") {
      once = true;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << kUsage;
      return 2;
    } else {
      std::ifstream in(arg);
      if (!in) {
        std::cerr << arg << ": cannot read\n";
        return 1;
      }
      std::stringstream text;
      text << in.rdbuf();
      sources.push_back({arg, text.str()});
    }
  }
  if (sources.empty()) {
    std::cerr << kUsage;
    return 2;
  }

  // 1. Load, check and compile: pure, no cluster needed.
  absl::StatusOr<strata::Prepared> prepared =
      strata::LoadAndPrepare(sources, {.need_cluster = true, .need_one = true});
  if (!prepared.ok()) {
    std::cerr << prepared.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::vector<strata::CompiledCluster>> compiled =
      strata::CompileAll(*prepared, strata::CompileOptions{});
  if (!compiled.ok()) {
    std::cerr << compiled.status().message() << "\n";
    return 1;
  }

  // 2. The cluster, through strata's client (any strata::ClusterClient works).
  absl::StatusOr<std::unique_ptr<strata::KubeClient>> kube =
      strata::KubeClient::Connect(kubeconfig, context);
  if (!kube.ok()) {
    std::cerr << kube.status().message() << "\n";
    return 5;
  }

  // 3. Reconcile, printing what happens.
  strata::ReconcileOptions options;
  options.once = once;
  options.deadline = (*kube)->Now() + absl::Seconds(timeout_seconds);
  options.on_event = [](const strata::ExecuteEvent& e) {
    std::cout << strata::ExecuteEventKindName(e.kind) << ": " << e.message << std::endl;
  };
  absl::StatusOr<strata::ReconcileResult> result =
      strata::ReconcileCompiled(compiled->front(), **kube, options);
  if (!result.ok()) {
    std::cerr << result.status().message() << "\n";
    return 5;
  }
  switch (result->outcome) {
    case strata::ReconcileResult::Outcome::kConverged:
    case strata::ReconcileResult::Outcome::kPassDone:
      return 0;
    case strata::ReconcileResult::Outcome::kBlocked:
      std::cerr << "blocked: " << result->blocked_reason << "\n";
      return 3;
    case strata::ReconcileResult::Outcome::kDeadline:
      return 4;
    case strata::ReconcileResult::Outcome::kCancelled:
      return 130;
  }
  return 0;
}
