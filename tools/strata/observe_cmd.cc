// strata observe FILE... [--kubeconfig F] [--context C] [-o yaml|json]: the
// live objects of the files' Clusters, exactly as `plan` reads them (SPEC-2 §6).

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "kube_access.h"
#include "strata/emit.h"
#include "strata/execute.h"
#include "strata/observed_state.h"

namespace strata::cli {
namespace {

struct ObserveFlags {
  std::vector<std::string> files;
  std::string cluster;
  std::string output = "yaml";
  KubeFlags kube;
};

// Appends `from`'s objects to `into`'s; Nodes (cluster-scoped, the same for
// every Cluster) only once.
void Merge(ObservedState from, ObservedState& into) {
  auto append = [](std::vector<Json>& src, std::vector<Json>& dst) {
    for (Json& o : src) dst.push_back(std::move(o));
  };
  append(from.stateful_sets, into.stateful_sets);
  append(from.pods, into.pods);
  append(from.services, into.services);
  append(from.config_maps, into.config_maps);
  append(from.pod_disruption_budgets, into.pod_disruption_budgets);
  append(from.persistent_volume_claims, into.persistent_volume_claims);
  append(from.secrets, into.secrets);
  if (into.nodes.empty()) into.nodes = std::move(from.nodes);
}

// Orders each kind by namespace, then name (one Cluster's lists already are).
void Sort(ObservedState& state) {
  auto by_name = [](const Json& a, const Json& b) {
    const Json& ma = a["metadata"];
    const Json& mb = b["metadata"];
    return std::make_pair(ma.value("namespace", ""), ma.value("name", "")) <
           std::make_pair(mb.value("namespace", ""), mb.value("name", ""));
  };
  for (std::vector<Json>* list :
       {&state.stateful_sets, &state.pods, &state.services, &state.config_maps,
        &state.pod_disruption_budgets, &state.persistent_volume_claims, &state.secrets}) {
    std::stable_sort(list->begin(), list->end(), by_name);
  }
}

int RunObserve(const ObserveFlags& f) {
  int rc = kExitOk;
  std::optional<std::vector<CompiledCluster>> clusters =
      ReadAndCompile(f.files, {.cluster = f.cluster}, std::cerr, &rc);
  if (!clusters) return rc;
  std::unique_ptr<KubeClient> kube = ConnectOrReport("observe", f.kube, std::cerr, &rc);
  if (!kube) return rc;
  ObservedState all;
  for (const CompiledCluster& c : *clusters) {
    absl::StatusOr<ObservedState> state = kube->Observe(ObserveRequestFor(c));
    if (!state.ok()) return ReportClusterError("observe", state.status(), std::cerr);
    Merge(*std::move(state), all);
  }
  if (clusters->size() > 1) Sort(all);
  Json list = ObservedStateToList(all);
  if (f.output == "json") {
    std::cout << list.dump(2) << "\n";
  } else {
    std::cout << ToYaml(list);
  }
  std::cout.flush();
  return std::cout.good() ? kExitOk : kExitInvalid;
}

}  // namespace

Command AddObserveCommand(CLI::App& app) {
  auto flags = std::make_shared<ObserveFlags>();
  CLI::App* cmd = app.add_subcommand(
      "observe",
      "Print the live objects of the files' Clusters (StatefulSets, Pods, Services, "
      "ConfigMaps, PodDisruptionBudgets, PersistentVolumeClaims labelled "
      "app.kubernetes.io/instance=C, and Nodes when a role restarts by zone) as one "
      "`kind: List`, exactly as `strata plan --observed` reads it.");
  cmd->add_option("FILE", flags->files, "App and Cluster files (YAML or JSON); '-' reads "
                                        "standard input")
      ->required();
  cmd->add_option("--cluster", flags->cluster, "Only this Cluster of the files");
  cmd->add_option("-o,--output", flags->output, "Output format")
      ->check(CLI::IsMember({"yaml", "json"}))
      ->capture_default_str();
  AddKubeFlags(cmd, &flags->kube);
  return [flags] { return RunObserve(*flags); };
}

}  // namespace strata::cli
