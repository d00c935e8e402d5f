// strata plan FILE... --observed FILE|-: the steps from what runs to what the
// files ask for (SPEC §4).

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "commands.h"
#include "common.h"
#include "kube_access.h"
#include "strata/compile.h"
#include "strata/emit.h"
#include "strata/execute.h"
#include "strata/observed_state.h"
#include "strata/pipeline.h"
#include "strata/plan.h"
#include "strata/plan_diff.h"

namespace strata::cli {
namespace {

constexpr int kExitPlanNotEmpty = 3;

struct PlanFlags {
  std::vector<std::string> files;
  std::string observed;
  std::string output = "text";
  std::string now;
  std::string cluster;
  bool exit_code = false;
  KubeFlags kube;
};

// `--observed cluster` reads the live cluster instead of a file (a file of
// that name is `./cluster`).
constexpr char kObservedCluster[] = "cluster";

int RunPlan(const PlanFlags& f) {
  absl::Time now = absl::Now();
  if (!f.now.empty()) {
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, f.now, &now, &err)) {
      std::cerr << "strata plan: --now: invalid time \"" << f.now
                << "\": must be RFC 3339 like 2026-01-01T00:00:00Z\n";
      return kExitUsage;
    }
  }
  int stdin_uses = (f.observed == "-") +
                   static_cast<int>(std::count(f.files.begin(), f.files.end(), "-"));
  if (stdin_uses > 1) {
    std::cerr << "strata plan: standard input ('-') can be read only once\n";
    return kExitUsage;
  }
  int rc = kExitOk;
  std::optional<std::vector<CompiledCluster>> all =
      ReadAndCompile(f.files, {.cluster = f.cluster, .need_one = true}, std::cerr, &rc);
  if (!all) return rc;
  const CompiledCluster* compiled = &all->front();
  absl::StatusOr<ObservedState> observed;
  if (f.observed == kObservedCluster) {
    std::unique_ptr<KubeClient> kube = ConnectOrReport("plan", f.kube, std::cerr, &rc);
    if (!kube) return rc;
    observed = kube->Observe(ObserveRequestFor(*compiled));
    if (!observed.ok()) return ReportClusterError("plan", observed.status(), std::cerr);
    // Waits on minReadySeconds are judged against the time it was read.
    if (f.now.empty()) now = kube->Now();
  } else {
    if (!f.kube.kubeconfig.empty() || !f.kube.context.empty()) {
      std::cerr << "strata plan: --kubeconfig and --context need --observed cluster\n";
      return kExitUsage;
    }
    std::optional<std::string> text = ReadFileOrStdin(f.observed, std::cerr);
    if (!text) return kExitInvalid;
    observed = ParseObservedState(*text, f.observed == "-" ? kStdinName : f.observed,
                                  RunLimits());
    if (!observed.ok()) {
      PrintStatus(observed.status(), std::cerr);
      return kExitInvalid;
    }
  }
  absl::StatusOr<Plan> plan = PlanRollout(*compiled, *observed, PlanOptions{.now = now});
  if (!plan.ok()) {
    std::cerr << "strata plan: cluster " << compiled->cluster << ": cannot plan:\n";
    PrintStatus(plan.status(), std::cerr);
    return kExitInvalid;
  }
  if (f.output == "diff") {
    // helm-diff's contract: nothing printed for no change, so `--exit-code`
    // tells whether anything differs (member restarts included).
    PlanDiff diff = DiffPlan(*compiled, *observed, *plan);
    std::cout << PlanDiffToText(diff);
    return f.exit_code && !diff.empty() ? kExitPlanNotEmpty : kExitOk;
  }
  if (f.output == "json") {
    std::cout << PlanToJson(*plan).dump(2) << "\n";
  } else if (f.output == "yaml") {
    std::cout << ToYaml(PlanToJson(*plan));
  } else if (f.output == "dot") {
    std::cout << PlanToDot(*plan);
  } else {
    std::cout << PlanToText(*plan);
  }
  if (f.exit_code && !plan->converged) return kExitPlanNotEmpty;
  return kExitOk;
}

}  // namespace

Command AddPlanCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "plan",
      "Plan the ordered, explained steps from the observed state (kubectl get "
      "statefulsets,pods,services,configmaps,poddisruptionbudgets,"
      "persistentvolumeclaims -l app.kubernetes.io/instance=C -o yaml, or the live "
      "cluster with --observed cluster) to what the files ask for (SPEC §4).");
  auto flags = std::make_shared<PlanFlags>();
  cmd->add_option("FILE", flags->files, "App and Cluster files (YAML or JSON); '-' reads "
                                        "standard input")
      ->required();
  cmd->add_option("--observed", flags->observed,
                  "kubectl's -o yaml|json output of the cluster's objects; '-' reads "
                  "standard input; an empty List means nothing exists yet; 'cluster' "
                  "reads the live cluster (see --kubeconfig)")
      ->required();
  cmd->add_option("-o,--output", flags->output,
                  "Output format; diff: the objects' field changes (+ new, ~ changed, "
                  "- deleted) and a summary, nothing when nothing differs")
      ->check(CLI::IsMember({"text", "yaml", "json", "dot", "diff"}))
      ->capture_default_str();
  cmd->add_option("--now", flags->now,
                  "When the observed state was read, RFC 3339 (default: the clock); makes "
                  "minReadySeconds waits and timeouts reproducible");
  cmd->add_option("--cluster", flags->cluster,
                  "The Cluster to plan when the files hold several");
  cmd->add_flag("--exit-code", flags->exit_code,
                "Exit 3 when the plan is not empty (with -o diff: when anything "
                "differs) (for CI gates)");
  AddKubeFlags(cmd, &flags->kube);
  return [flags]() { return RunPlan(*flags); };
}

}  // namespace strata::cli
