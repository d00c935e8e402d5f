// A sample operator loop: how a C++ program embeds strata.
//
// It loads an App and a Cluster, compiles them once, then reconciles:
// observe (kubectl get ... -o json) -> PlanRollout -> run the steps in
// `next` and those that follow them, up to the first `wait` -> observe
// again, until the plan is empty. strata itself does no
// I/O; everything that touches the cluster is in the Kubectl class below,
// the side-effect layer (the StatefulSet controller's StatefulPodControl
// split), so a real operator swaps it for its own client.
//
//   strata-operator-example [--dry-run] [--once] [--max-rounds N] FILE...
//
// --dry-run prints the kubectl commands instead of running mutating ones
// (observing still runs kubectl). Exit 0 when converged, 1 on error, 3 when
// --once/--max-rounds stopped before convergence.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "strata/strata.h"

namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs kubectl. The only class in this program with side effects.
class Kubectl {
 public:
  explicit Kubectl(bool dry_run) : dry_run_(dry_run) {}

  // Runs `args` and returns its stdout, or an error with its exit code.
  absl::StatusOr<std::string> Read(const std::vector<std::string>& args,
                                   const std::string& stdin_text = "") const {
    return Run(args, stdin_text);
  }

  // Runs a mutating command, or prints it under --dry-run.
  absl::Status Mutate(const std::vector<std::string>& args,
                      const std::string& stdin_text = "") const {
    if (dry_run_) {
      std::cout << "  would run: kubectl " << absl::StrJoin(args, " ") << "\n";
      return absl::OkStatus();
    }
    return Run(args, stdin_text).status();
  }

 private:
  absl::StatusOr<std::string> Run(const std::vector<std::string>& args,
                                  const std::string& stdin_text) const {
    std::string command = "kubectl";
    for (const std::string& a : args) absl::StrAppend(&command, " ", Quote(a));
    std::string input_file;
    if (!stdin_text.empty()) {
      char name[] = "/tmp/strata-operator-XXXXXX";
      int fd = mkstemp(name);
      if (fd < 0) return absl::InternalError("mkstemp failed");
      close(fd);
      std::ofstream(name) << stdin_text;
      input_file = name;
      absl::StrAppend(&command, " < ", input_file);
    }
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return absl::InternalError("popen failed");
    std::string out;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
    int rc = pclose(pipe);
    if (!input_file.empty()) std::remove(input_file.c_str());
    if (rc != 0) {
      return absl::UnavailableError(absl::StrCat(command, " exited with ", rc));
    }
    return out;
  }

  bool dry_run_;
};

// Executes one plan step with kubectl. `wait` steps need nothing: the next
// observation shows whether the condition holds, and the planner waits.
absl::Status Execute(const strata::Step& step, const std::string& ns, const Kubectl& kubectl) {
  const strata::Target& t = step.target;
  switch (step.action) {
    case strata::Action::kApply:
      return kubectl.Mutate({"apply", "--server-side", "--force-conflicts",
                             "--field-manager=strata", "-f", "-"},
                            step.object.dump());
    case strata::Action::kDelete: {
      std::vector<std::string> args = {"delete", "-n", ns, t.kind, t.name, "--wait=false"};
      if (step.orphan) args.push_back("--cascade=orphan");
      return kubectl.Mutate(args);
    }
    case strata::Action::kRestart:
      return kubectl.Mutate({"delete", "pod", "-n", ns, t.name, "--wait=false"});
    case strata::Action::kExec: {
      std::vector<std::string> args = {"exec", "-n", ns, step.pod, "--", "env"};
      args.insert(args.end(), step.env.begin(), step.env.end());
      args.insert(args.end(), step.command.begin(), step.command.end());
      return kubectl.Mutate(args);
    }
    case strata::Action::kResizePvc:
      return kubectl.Mutate({"patch", "pvc", "-n", ns, t.name, "--type=merge", "-p",
                             absl::StrCat(R"({"spec":{"resources":{"requests":{"storage":")",
                                          step.size, R"("}}}})")});
    case strata::Action::kWait:
      return absl::OkStatus();
  }
  return absl::InternalError("unknown action");
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Main(int argc, char** argv) {
  bool dry_run = false;
  int max_rounds = 1000;
  std::vector<strata::Source> sources;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--dry-run") {
      dry_run = true;
    } else if (arg == "--once") {
      max_rounds = 1;
    } else if (arg == "--max-rounds" && i + 1 < argc) {
      max_rounds = std::atoi(argv[++i]);
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "usage: strata-operator-example [--dry-run] [--once] [--max-rounds N] FILE...\n";
      return 2;
    } else {
      absl::StatusOr<std::string> text = ReadFile(arg);
      if (!text.ok()) {
        std::cerr << text.status().message() << "\n";
        return 1;
      }
      sources.push_back({arg, *std::move(text)});
    }
  }
  if (sources.empty()) {
    std::cerr << "usage: strata-operator-example [--dry-run] [--once] [--max-rounds N] FILE...\n";
    return 2;
  }

  // Load, validate and compile once; the desired state does not change.
  absl::StatusOr<strata::Documents> docs = strata::Load(sources);
  if (!docs.ok()) {
    std::cerr << docs.status().message() << "\n";
    return 1;
  }
  absl::StatusOr<std::vector<strata::Topology>> topologies = strata::Resolve(*docs);
  if (!topologies.ok() || topologies->size() != 1) {
    std::cerr << (topologies.ok() ? "expected exactly one Cluster" : topologies.status().message())
              << "\n";
    return 1;
  }
  absl::StatusOr<strata::CompiledCluster> desired =
      strata::Compile(topologies->front(), strata::CompileOptions{});
  if (!desired.ok()) {
    std::cerr << desired.status().message() << "\n";
    return 1;
  }

  Kubectl kubectl(dry_run);
  for (int round = 1; round <= max_rounds; ++round) {
    // Observe.
    absl::StatusOr<std::string> text = kubectl.Read(
        {"get", "statefulsets,pods,services,configmaps,poddisruptionbudgets,persistentvolumeclaims",
         "-n", desired->namespace_, "-l",
         absl::StrCat("app.kubernetes.io/instance=", desired->cluster), "-o", "json"});
    if (!text.ok()) {
      std::cerr << text.status().message() << "\n";
      return 1;
    }
    absl::StatusOr<strata::ObservedState> observed =
        strata::ParseObservedState(*text, "kubectl get");
    if (!observed.ok()) {
      std::cerr << observed.status().message() << "\n";
      return 1;
    }
    // Plan.
    absl::StatusOr<strata::Plan> plan =
        strata::PlanRollout(*desired, *observed, {.now = absl::Now()});
    if (!plan.ok()) {
      std::cerr << plan.status().message() << "\n";
      return 1;
    }
    if (plan->converged) {
      std::cout << "round " << round << ": converged\n";
      return 0;
    }
    // Act: run `next`, then every step whose `after` steps have all
    // succeeded (a gate's success is not observable, so the restart it
    // guards must follow it in the same pass). Stop at a `wait` (the next
    // observation tells whether it holds) or at a failure, and plan again.
    std::cout << "round " << round << ": " << plan->steps.size() << " steps, "
              << plan->next.size() << " ready now\n";
    std::set<int32_t> done;
    bool progressed = true;
    while (progressed) {
      progressed = false;
      for (const strata::Step& step : plan->steps) {
        if (done.count(step.id) || step.action == strata::Action::kWait) continue;
        bool ready = std::all_of(step.after.begin(), step.after.end(),
                                 [&](int32_t id) { return done.count(id) > 0; });
        if (!ready) continue;
        std::cout << "  #" << step.id << " " << strata::ActionName(step.action) << " "
                  << step.target.kind << "/" << step.target.name << ": " << step.reason << "\n";
        if (absl::Status s = Execute(step, desired->namespace_, kubectl); !s.ok()) {
          // A failed gate or hook is retried after the next observation.
          std::cerr << "  step " << step.id << " failed: " << s.message() << "\n";
          progressed = false;
          break;
        }
        done.insert(step.id);
        progressed = true;
      }
    }
    if (round < max_rounds) std::this_thread::sleep_for(std::chrono::seconds(dry_run ? 0 : 2));
  }
  return 3;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
