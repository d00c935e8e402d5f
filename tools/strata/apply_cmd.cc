// strata apply FILE... [--kubeconfig F] [--context C] [--timeout 30m] [--once]
// [--dry-run=server] [--approve TOKEN] [-o text|json]: drive the files'
// Clusters to what they ask for with the one executor (strata::Reconcile,
// SPEC-2 §6), printing progress a person can follow, or one JSON event per
// line.
//
// Exit codes (SPEC-2 §6): 0 converged (or the --once / dry-run pass done),
// 1 invalid input, 2 usage, 3 blocked, 4 --timeout reached while still
// progressing, 5 cannot reach or use the cluster, 130 interrupted.
//
// SIGINT/SIGTERM: the first asks the executor to stop at the next safe point
// (between steps; a running gate is abandoned, it changes nothing); the
// second also abandons a running memberLeave/memberJoin (its record says it
// did not finish, so the next run runs it again). Running again resumes.

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "commands.h"
#include "common.h"
#include "kube_access.h"
#include "plan/plan_output.h"
#include "strata/execute.h"

namespace strata::cli {
namespace {

constexpr int kExitBlocked = 3;
constexpr int kExitTimeout = 4;
constexpr int kExitInterrupted = 130;

struct ApplyFlags {
  std::vector<std::string> files;
  std::string cluster;
  KubeFlags kube;
  std::string timeout = "30m";
  bool once = false;
  std::string dry_run;
  std::vector<std::string> approve;
  std::string output = "text";
};

// ---------------------------------------------------------------- signals

std::atomic<int> g_interrupts{0};

extern "C" void OnInterrupt(int) {
  int n = g_interrupts.fetch_add(1) + 1;
  // Only async-signal-safe calls here: write(2).
  const char* msg =
      n == 1 ? "\nstrata apply: interrupted: stopping at the next safe point (interrupt again "
               "to also abandon a running memberLeave/memberJoin)\n"
             : "\nstrata apply: interrupted again: abandoning a running memberLeave/memberJoin "
               "(the next run runs it again)\n";
  size_t len = 0;
  while (msg[len] != '\0') ++len;
  ssize_t ignored = ::write(STDERR_FILENO, msg, len);
  (void)ignored;
}

void InstallSignalHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// ---------------------------------------------------------------- text output

// "0.4s", "12s", "3m05s", "1h02m03s".
std::string Human(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  if (d < absl::Seconds(10)) return absl::StrFormat("%.1fs", absl::ToDoubleSeconds(d));
  int64_t s = absl::ToInt64Seconds(d);
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
}

// The first non-empty line of `text`, cut at 200 characters.
std::string FirstLine(const std::string& text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty()) continue;
    std::string out(line.substr(0, 200));
    return out;
  }
  return "";
}

// Prints events as lines a person follows: "[+1m12s] kafka: start 3. restart
// Pod kafka-broker-2". On a terminal the line of a wait is rewritten in place
// while the same wait goes on; elsewhere a wait is printed when what it
// misses changes, and at most every 30 s otherwise.
class TextProgress {
 public:
  TextProgress(std::ostream& out, bool tty, absl::Time started)
      : out_(out), tty_(tty), started_(started) {}

  void On(const ExecuteEvent& e) {
    using Kind = ExecuteEvent::Kind;
    std::string step =
        e.step.has_value()
            ? absl::StrCat(e.step->id, ". ", plan_internal::StepHeadline(*e.step))
            : "";
    switch (e.kind) {
      case Kind::kPlanned:
        Line(e, absl::StrCat("pass ", e.pass, ": ", e.message));
        break;
      case Kind::kStepStarted:
        Line(e, absl::StrCat("start ", step,
                             e.attempt > 1 ? absl::StrCat(" (attempt ", e.attempt, ")") : ""));
        break;
      case Kind::kStepSucceeded:
        Line(e, absl::StrCat("done  ", step, " (", Human(e.elapsed), ")"));
        break;
      case Kind::kStepFailed: {
        std::string why = e.message;
        if (e.exec.has_value()) {
          std::string err = FirstLine(e.exec->stderr_text);
          if (err.empty()) err = FirstLine(e.exec->stdout_text);
          if (!err.empty()) absl::StrAppend(&why, ": ", err);
        }
        Line(e, absl::StrCat("FAIL  ", step, " (", Human(e.elapsed), "): ", why));
        break;
      }
      case Kind::kWaiting:
        Wait(e);
        break;
      case Kind::kRetrying:
        Line(e, absl::StrCat("retry ", e.message));
        break;
      case Kind::kNote:
        Line(e, absl::StrCat("note: ", e.message));
        break;
      case Kind::kBlocked:
        Line(e, absl::StrCat("BLOCKED: ", e.message));
        break;
      case Kind::kConverged:
        Line(e, e.message);
        break;
      case Kind::kDeadline:
        Line(e, absl::StrCat("timeout: ", e.message));
        break;
      case Kind::kCancelled:
        Line(e, absl::StrCat("stopped: ", e.message));
        break;
    }
  }

  // Ends a wait line left open on a terminal.
  void Close() {
    if (open_) out_ << "\n";
    open_ = false;
    out_.flush();
  }

 private:
  std::string Prefix(const ExecuteEvent& e) const {
    return absl::StrCat("[+", Human(e.time - started_), "] ", e.cluster, ": ");
  }

  void Line(const ExecuteEvent& e, const std::string& text) {
    Close();
    out_ << Prefix(e) << text << "\n";
    out_.flush();
    wait_key_.clear();
  }

  void Wait(const ExecuteEvent& e) {
    std::string key = e.condition;
    std::string text = absl::StrCat("wait  ", e.condition, " for ", Human(e.elapsed),
                                    e.message.empty() ? "" : absl::StrCat(": ", e.message));
    if (tty_) {
      if (open_ && key != wait_key_) out_ << "\n";
      out_ << "\r\033[K" << Prefix(e) << text;
      out_.flush();
      open_ = true;
    } else {
      bool changed = key != wait_key_ || e.message != wait_message_;
      if (!changed && e.time - last_wait_print_ < absl::Seconds(30)) return;
      out_ << Prefix(e) << text << "\n";
      out_.flush();
      last_wait_print_ = e.time;
    }
    wait_key_ = key;
    wait_message_ = e.message;
  }

  std::ostream& out_;
  bool tty_;
  absl::Time started_;
  bool open_ = false;  // A terminal wait line has no newline yet.
  std::string wait_key_;
  std::string wait_message_;
  absl::Time last_wait_print_ = absl::InfinitePast();
};

// ---------------------------------------------------------------- apply

int RunApply(const ApplyFlags& f) {
  absl::Duration timeout;
  if (!absl::ParseDuration(f.timeout, &timeout) || timeout <= absl::ZeroDuration()) {
    std::cerr << "strata apply: --timeout: invalid duration \"" << f.timeout
              << "\": must be positive, like 30m, 90s or 1h30m\n";
    return kExitUsage;
  }
  if (!f.dry_run.empty() && f.dry_run != "server") {
    std::cerr << "strata apply: --dry-run: only --dry-run=server is supported\n";
    return kExitUsage;
  }
  int rc = kExitOk;
  std::optional<std::vector<CompiledCluster>> clusters =
      ReadAndCompile(f.files, {.cluster = f.cluster}, std::cerr, &rc);
  if (!clusters) return rc;
  std::unique_ptr<KubeClient> kube = ConnectOrReport("apply", f.kube, std::cerr, &rc);
  if (!kube) return rc;

  // Fail fast when the cluster cannot be used at all: Reconcile waits out an
  // unreachable server for a grace period, which is for a server that goes
  // away mid-apply, not for a wrong kubeconfig.
  absl::StatusOr<ObservedState> first = kube->Observe(ObserveRequestFor(clusters->front()));
  if (!first.ok()) return ReportClusterError("apply", first.status(), std::cerr);

  InstallSignalHandlers();
  const bool json = f.output == "json";
  const absl::Time started = kube->Now();
  TextProgress text(std::cout, !json && ::isatty(STDOUT_FILENO) == 1, started);
  ReconcileOptions options;
  options.deadline = started + timeout;
  options.once = f.once;
  options.dry_run = f.dry_run == "server";
  options.approve = f.approve;
  options.cancelled = [] { return g_interrupts.load() >= 1; };
  options.abandon_hooks = [] { return g_interrupts.load() >= 2; };
  options.on_event = [&](const ExecuteEvent& e) {
    if (json) {
      std::cout << ExecuteEventToJson(e).dump() << "\n";
      std::cout.flush();
    } else {
      text.On(e);
    }
  };

  for (size_t i = 0; i < clusters->size(); ++i) {
    const CompiledCluster& c = (*clusters)[i];
    absl::StatusOr<ReconcileResult> r = ReconcileCompiled(c, *kube, options);
    text.Close();
    if (!r.ok()) {
      if (r.status().code() == absl::StatusCode::kInvalidArgument &&
          !HttpStatusOf(r.status()).has_value()) {
        std::cerr << "strata apply: cluster " << c.cluster << ": " << r.status().message()
                  << "\n";
        return kExitInvalid;
      }
      return ReportClusterError("apply", r.status(), std::cerr);
    }
    std::string took = Human(r->finished - r->started);
    std::string summary =
        absl::StrCat("cluster ", c.cluster, " in namespace ", c.namespace_, ": ");
    int exit_code = kExitOk;
    switch (r->outcome) {
      case ReconcileResult::Outcome::kConverged:
        absl::StrAppend(&summary, "converged (", r->steps, r->steps == 1 ? " step" : " steps",
                        " in ", r->passes, r->passes == 1 ? " pass" : " passes", ", ", took,
                        ")");
        break;
      case ReconcileResult::Outcome::kPassDone:
        absl::StrAppend(&summary, options.dry_run ? "dry run done" : "one pass done", " (",
                        r->steps, r->steps == 1 ? " step" : " steps", ", ", took, "); ",
                        r->converged ? "nothing left to do"
                                     : absl::StrCat(r->last_plan.steps.size(),
                                                    " steps were planned"));
        break;
      case ReconcileResult::Outcome::kBlocked:
        absl::StrAppend(&summary, "BLOCKED after ", took, ": ", r->blocked_reason);
        exit_code = kExitBlocked;
        break;
      case ReconcileResult::Outcome::kDeadline:
        absl::StrAppend(&summary, "--timeout ", f.timeout, " reached while still progressing (",
                        r->steps, " steps done); run `strata apply` again to continue");
        exit_code = kExitTimeout;
        break;
      case ReconcileResult::Outcome::kCancelled: {
        std::string where = r->events.empty() ? "" : r->events.back().message;
        absl::StrAppend(&summary, "interrupted after ", took, " (", r->steps, " steps done)",
                        where.empty() ? "" : absl::StrCat(": ", where),
                        "; run `strata apply` again to resume");
        exit_code = kExitInterrupted;
        break;
      }
    }
    if (json) {
      // The event stream already ended with the outcome; the summary goes to
      // stderr so stdout stays one JSON event per line.
      std::cerr << "strata apply: " << summary << "; " << kube->requests_sent()
                << " API requests\n";
    } else {
      std::cout << summary << "; " << kube->requests_sent() << " API requests\n";
      std::cout.flush();
    }
    if (exit_code != kExitOk) {
      for (size_t j = i + 1; j < clusters->size(); ++j) {
        std::cerr << "strata apply: cluster " << (*clusters)[j].cluster
                  << " was not applied (stopped at " << c.cluster << ")\n";
      }
      return exit_code;
    }
  }
  return kExitOk;
}

}  // namespace

Command AddApplyCommand(CLI::App& app) {
  auto flags = std::make_shared<ApplyFlags>();
  CLI::App* cmd = app.add_subcommand(
      "apply",
      "Drive the files' Clusters to what they ask for: observe, plan, run the steps (server-"
      "side apply, restarts, gates and lifecycle hooks through pods/exec, waits), and repeat "
      "until converged. Exit 0 converged, 1 invalid input, 2 usage, 3 blocked, 4 --timeout, "
      "5 cannot reach or use the cluster, 130 interrupted (running again resumes).");
  cmd->add_option("FILE", flags->files, "App and Cluster files (YAML or JSON); '-' reads "
                                        "standard input")
      ->required();
  cmd->add_option("--cluster", flags->cluster, "Only this Cluster of the files");
  AddKubeFlags(cmd, &flags->kube);
  cmd->add_option("--timeout", flags->timeout,
                  "Give up (exit 4) when the Clusters have not converged after this long, "
                  "e.g. 30m, 90s, 1h30m")
      ->capture_default_str();
  cmd->add_flag("--once", flags->once, "Run one pass (the steps that can run now) and exit");
  cmd->add_option("--dry-run", flags->dry_run,
                  "--dry-run=server: observe, plan and send every apply with server dry-run; "
                  "run nothing else")
      ->check(CLI::IsMember({"server"}));
  cmd->add_option("--approve", flags->approve,
                  "Approve a step that asks for approval with this token (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", flags->output,
                  "Output format: text (progress for a person) or json (one event per line)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return [flags] { return RunApply(*flags); };
}

}  // namespace strata::cli
