// strata status FILE... [--kubeconfig F] [--context C] [-o text|json]: per
// Cluster and role, how far what runs is from the files (SPEC-2 §6;
// strata/cluster_status.h). Exit 0 when every Cluster has converged, 3 not.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "kube_access.h"
#include "strata/cluster_status.h"
#include "strata/execute.h"
#include "strata/plan.h"

namespace strata::cli {
namespace {

constexpr int kExitNotConverged = 3;

struct StatusFlags {
  std::vector<std::string> files;
  std::string cluster;
  std::string output = "text";
  KubeFlags kube;
};

int RunStatus(const StatusFlags& f) {
  int rc = kExitOk;
  std::optional<std::vector<CompiledCluster>> clusters =
      ReadAndCompile(f.files, {.cluster = f.cluster}, std::cerr, &rc);
  if (!clusters) return rc;
  std::unique_ptr<KubeClient> kube = ConnectOrReport("status", f.kube, std::cerr, &rc);
  if (!kube) return rc;
  bool all_converged = true;
  Json all = Json::array();
  for (size_t i = 0; i < clusters->size(); ++i) {
    const CompiledCluster& c = (*clusters)[i];
    absl::StatusOr<ObservedState> observed = kube->Observe(ObserveRequestFor(c));
    if (!observed.ok()) return ReportClusterError("status", observed.status(), std::cerr);
    absl::Time now = kube->Now();
    absl::StatusOr<Plan> plan = PlanRollout(c, *observed, PlanOptions{.now = now});
    if (!plan.ok()) {
      // The files ask for what cannot be done safely from this state (a
      // smaller volume, another storage class): the Cluster is blocked there.
      Plan refused{.cluster = c.cluster, .namespace_ = c.namespace_, .blocked = true,
                   .blocked_reason = std::string(plan.status().message())};
      plan = std::move(refused);
    }
    ClusterStatus status = ComputeClusterStatus(c, *observed, *plan, now);
    all_converged = all_converged && status.converged;
    if (f.output == "json") {
      all.push_back(ClusterStatusToJson(status));
    } else {
      if (i > 0) std::cout << "\n";
      std::cout << ClusterStatusToText(status);
    }
  }
  if (f.output == "json") {
    Json out = {{"converged", all_converged}, {"clusters", std::move(all)}};
    std::cout << out.dump(2) << "\n";
  }
  std::cout.flush();
  if (!std::cout.good()) return kExitInvalid;
  return all_converged ? kExitOk : kExitNotConverged;
}

}  // namespace

Command AddStatusCommand(CLI::App& app) {
  auto flags = std::make_shared<StatusFlags>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "Show, per Cluster and role, the members the files ask for and how many exist, are "
      "Ready and run the current spec; whether the Cluster has converged, what blocks it "
      "and the steps that would run next. Exit 0 when converged, 3 when not, 5 when the "
      "cluster cannot be reached.");
  cmd->add_option("FILE", flags->files, "App and Cluster files (YAML or JSON); '-' reads "
                                        "standard input")
      ->required();
  cmd->add_option("--cluster", flags->cluster, "Only this Cluster of the files");
  cmd->add_option("-o,--output", flags->output,
                  "Output format: text, or json ({\"converged\", \"clusters\": [...]})")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  AddKubeFlags(cmd, &flags->kube);
  return [flags] { return RunStatus(*flags); };
}

}  // namespace strata::cli
