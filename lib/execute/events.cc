// Executor vocabulary shared by every front end: exec argv with env, event
// names and their JSON form, retry keys, observe requests.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "strata/execute.h"

namespace strata {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

Json StepSummary(const Step& s) {
  Json target = {{"kind", s.target.kind}, {"name", s.target.name}};
  if (!s.target.role.empty()) target["role"] = s.target.role;
  if (s.target.ordinal.has_value()) target["ordinal"] = *s.target.ordinal;
  Json j = {{"id", s.id},
            {"action", ActionName(s.action)},
            {"target", std::move(target)},
            {"reason", s.reason}};
  if (s.action == Action::kExec) {
    j["pod"] = s.pod;
    j["command"] = s.command;
    if (s.hook != Hook::kNone) j["hook"] = HookName(s.hook);
  }
  if (s.action == Action::kWait && s.condition.has_value()) {
    j["condition"] = s.condition->ToString();
  }
  if (s.action == Action::kDelete && s.orphan) j["orphan"] = true;
  if (s.action == Action::kResizePvc) j["size"] = s.size;
  if (s.timeout_seconds > 0) j["timeoutSeconds"] = s.timeout_seconds;
  return j;
}

}  // namespace

std::vector<std::string> ExecArgv(const std::vector<std::string>& command,
                                  const std::vector<std::string>& env) {
  if (env.empty()) return command;
  std::vector<std::string> argv;
  argv.reserve(1 + env.size() + command.size());
  argv.push_back("env");
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

const char* ExecuteEventKindName(ExecuteEvent::Kind kind) {
  switch (kind) {
    case ExecuteEvent::Kind::kPlanned:
      return "planned";
    case ExecuteEvent::Kind::kStepStarted:
      return "stepStarted";
    case ExecuteEvent::Kind::kStepSucceeded:
      return "stepSucceeded";
    case ExecuteEvent::Kind::kStepFailed:
      return "stepFailed";
    case ExecuteEvent::Kind::kWaiting:
      return "waiting";
    case ExecuteEvent::Kind::kRetrying:
      return "retrying";
    case ExecuteEvent::Kind::kNote:
      return "note";
    case ExecuteEvent::Kind::kBlocked:
      return "blocked";
    case ExecuteEvent::Kind::kConverged:
      return "converged";
    case ExecuteEvent::Kind::kDeadline:
      return "deadline";
    case ExecuteEvent::Kind::kCancelled:
      return "cancelled";
  }
  return "note";
}

const char* ReconcileOutcomeName(ReconcileResult::Outcome outcome) {
  switch (outcome) {
    case ReconcileResult::Outcome::kConverged:
      return "converged";
    case ReconcileResult::Outcome::kBlocked:
      return "blocked";
    case ReconcileResult::Outcome::kDeadline:
      return "deadline";
    case ReconcileResult::Outcome::kCancelled:
      return "cancelled";
    case ReconcileResult::Outcome::kPassDone:
      return "passDone";
  }
  return "converged";
}

Json ExecuteEventToJson(const ExecuteEvent& e) {
  Json j = {{"event", ExecuteEventKindName(e.kind)}, {"time", Rfc3339(e.time)}};
  if (!e.cluster.empty()) j["cluster"] = e.cluster;
  if (e.pass > 0) j["pass"] = e.pass;
  if (e.step.has_value()) j["step"] = StepSummary(*e.step);
  if (e.attempt > 0) j["attempt"] = e.attempt;
  if (!e.condition.empty()) j["condition"] = e.condition;
  if (e.step.has_value() || !e.condition.empty()) {
    j["elapsedSeconds"] = absl::ToDoubleSeconds(e.elapsed);
  }
  if (e.exec.has_value()) {
    j["exitCode"] = e.exec->exit_code;
    if (e.exec->timed_out) j["timedOut"] = true;
    if (!e.exec->stdout_text.empty()) j["stdout"] = e.exec->stdout_text;
    if (!e.exec->stderr_text.empty()) j["stderr"] = e.exec->stderr_text;
  }
  if (e.retry_at.has_value()) j["retryAt"] = Rfc3339(*e.retry_at);
  j["message"] = e.message;
  return j;
}

std::string RetryKey(const Step& step) {
  std::string target = step.target.kind == "Pod" ? step.target.name : step.pod;
  for (const std::string& env : step.env) {
    constexpr char kPrefix[] = "STRATA_TARGET_POD=";
    if (env.rfind(kPrefix, 0) == 0) target = env.substr(sizeof(kPrefix) - 1);
  }
  return absl::StrCat(step.hook == Hook::kNone ? "exec" : HookName(step.hook), " ", step.pod,
                      " ", target);
}

ObserveRequest ObserveRequestFor(const CompiledCluster& desired) {
  ObserveRequest request{.namespace_ = desired.namespace_, .cluster = desired.cluster};
  for (const CompiledRole& role : desired.roles) {
    if (role.role.rollout.zone_parallel) request.nodes = true;
  }
  return request;
}

}  // namespace strata
