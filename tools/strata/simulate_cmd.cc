// strata simulate FILE... [--observed FILE] [--faults SPEC] [--ready-delay S]
//                 [-o text|json]: run plans against an in-memory cluster to
// convergence and print the timeline (SPEC §5).

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "commands.h"
#include "common.h"
#include "strata/compile.h"
#include "strata/emit.h"
#include "strata/observed_state.h"
#include "strata/pipeline.h"
#include "strata/simulate.h"

namespace strata::cli {
namespace {

struct SimulateFlags {
  std::vector<std::string> files;
  std::string observed;
  std::string faults;
  int ready_delay = 10;
  int max_plans = 10000;
  std::string start;
  std::string output = "text";
  bool replan_at_wait = false;
  std::string cluster;
  std::string final_state;
};

// Adds the objects of `from` to `to` (Clusters are simulated one by one, each
// with the same Nodes).
void AppendState(const ObservedState& from, ObservedState* to) {
  for (const char* kind : kObservedKinds) {
    std::vector<Json>& into = *to->ObjectsOf(kind);
    for (const Json& object : *from.ObjectsOf(kind)) {
      // Every simulated Cluster sees the same Nodes: each once.
      if (absl::string_view(kind) == "Node" &&
          std::find(into.begin(), into.end(), object) != into.end()) {
        continue;
      }
      into.push_back(object);
    }
  }
}

int RunSimulate(const SimulateFlags& flags) {
  absl::StatusOr<std::vector<Fault>> faults = ParseFaults(flags.faults);
  if (!faults.ok()) {
    PrintStatus(faults.status(), std::cerr);
    return kExitInvalid;
  }
  SimulateOptions options;
  options.faults = *faults;
  options.ready_delay = absl::Seconds(flags.ready_delay);
  options.max_plans = flags.max_plans;
  options.replan_at_wait = flags.replan_at_wait;
  if (!flags.start.empty()) {
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, flags.start, &options.start, &err)) {
      std::cerr << "--start: invalid time \"" << flags.start
                << "\": want RFC 3339, e.g. 2026-01-01T00:00:00Z\n";
      return kExitUsage;
    }
  }
  int rc = kExitOk;
  std::optional<std::vector<CompiledCluster>> all =
      ReadAndCompile(flags.files, {.cluster = flags.cluster}, std::cerr, &rc);
  if (!all) return rc;
  ObservedState initial;
  std::string from = "an empty namespace";
  if (!flags.observed.empty()) {
    std::optional<std::string> text = ReadFileOrStdin(flags.observed, std::cerr);
    if (!text) return kExitInvalid;
    std::string name = flags.observed == "-" ? kStdinName : flags.observed;
    absl::StatusOr<ObservedState> parsed = ParseObservedState(*text, name, RunLimits());
    if (!parsed.ok()) {
      PrintStatus(parsed.status(), std::cerr);
      return kExitInvalid;
    }
    initial = *std::move(parsed);
    from = name;
  }
  Json outputs = Json::array();
  ObservedState final_state;  // Every simulated Cluster's objects at the end.
  for (const CompiledCluster& c : *all) {
    const CompiledCluster* compiled = &c;
    absl::StatusOr<Timeline> timeline = Simulate(*compiled, initial, options);
    if (!timeline.ok()) {
      PrintStatus(timeline.status(), std::cerr);
      return kExitInvalid;
    }
    const bool ok = timeline->ok;
    if (!ok) rc = kExitInvalid;
    AppendState(timeline->final_state, &final_state);
    if (flags.output == "json") {
      Json out = {{"cluster", compiled->cluster}, {"namespace", compiled->namespace_}};
      Json j = TimelineToJson(*timeline);
      for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = it.value();
      outputs.push_back(std::move(out));
      continue;
    }
    std::cout << "== simulate cluster " << compiled->cluster << " (namespace "
              << compiled->namespace_ << ") from " << from;
    if (!flags.faults.empty()) std::cout << " with faults " << flags.faults;
    std::cout << "\n" << TimelineToText(*timeline);
    if (!ok) {
      std::cerr << "simulate: cluster " << compiled->cluster << ": "
                << (timeline->violations.empty()
                        ? (timeline->blocked ? timeline->blocked_reason : "did not converge")
                        : absl::StrCat(timeline->violations.size(), " invariant violation(s), first: ",
                                       timeline->violations.front()))
                << "\n";
    }
  }
  if (flags.output == "json") {
    std::cout << (outputs.size() == 1 ? outputs[0] : outputs).dump(2) << "\n";
  }
  if (!flags.final_state.empty() &&
      !WriteFileAtomically(flags.final_state, ToYaml(ObservedStateToList(final_state)),
                           std::cerr)) {
    return kExitInvalid;
  }
  return rc;
}

}  // namespace

Command AddSimulateCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Run plans against an in-memory Kubernetes (StatefulSet controller, "
      "readiness, PVCs, leader labels) until they converge, checking the rollout "
      "invariants after every step; print the timeline.");
  auto flags = std::make_shared<SimulateFlags>();
  cmd->add_option("FILE", flags->files, "YAML or JSON files; '-' reads standard input")
      ->required();
  cmd->add_option("--observed", flags->observed,
                  "Starting state: `kubectl get ... -o yaml` output (a List), '-' for "
                  "standard input; default an empty namespace");
  cmd->add_option("--faults", flags->faults,
                  "Faults to inject, ';'-separated: never-ready=POD, pod-dies=POD@STEP, "
                  "gate-fails=PODxTIMES, node-loss=POD+POD@STEP, evict=POD@STEP, "
                  "api-error=KIND/NAME@STEP (500), api-conflict=KIND/NAME@STEP (409)");
  cmd->add_option("--ready-delay", flags->ready_delay,
                  "Seconds from a pod's start to Ready (default 10)")
      ->check(CLI::Range(0, 86400));
  cmd->add_option("--max-plans", flags->max_plans,
                  "Planning rounds allowed before non-convergence is a violation "
                  "(default 10000)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--start", flags->start,
                  "Simulated start time, RFC 3339 (default 2026-01-01T00:00:00Z)");
  cmd->add_flag("--replan-at-wait", flags->replan_at_wait,
               "When a pass stops at wait steps, observe and plan again at once "
               "instead of letting simulated time run until each wait holds or times "
               "out (both run the library's executor; this asks the planner to cope "
               "with being asked again before anything changed)");
  cmd->add_option("--cluster", flags->cluster,
                  "Simulate only the Cluster of this name (default: every Cluster)");
  cmd->add_option("--final-state", flags->final_state,
                  "Write the simulated cluster at the end to FILE as a `kind: List` (what "
                  "`kubectl get -o yaml` would print; usable as --observed)");
  cmd->add_option("-o,--output", flags->output, "Output format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  return [flags]() { return RunSimulate(*flags); };
}

}  // namespace strata::cli
