// ExecutePlan: one pass of a plan (SPEC-2 §5b.1 and the step semantics of
// §6). The walk: `next` in order, then every step whose `after` ids all
// succeeded; a `wait` that does not hold ends its chain for this pass, a
// failed step ends the pass. Independent chains (other roles) keep going
// past another chain's wait.
//
// Waits are judged on the observation the plan was made from, and only while
// nothing has run in this pass: after a step ran, that observation is stale
// (a restarted pod still looks Ready in it), so the caller must observe again.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "execute/internal.h"
#include "strata/execute.h"
#include "util/fnv.h"

namespace strata {

bool CannotUseCluster(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return true;
    default:
      return false;
  }
}

namespace execute_internal {

bool Transient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

absl::Duration Backoff(const std::string& key, int32_t failures, absl::Duration initial,
                       absl::Duration max) {
  absl::Duration d = initial;
  for (int32_t i = 1; i < failures && d < max; ++i) d *= 2;
  d = std::min(d, max);
  // FNV-1a over the key and the count: a stable jitter in [0.5, 1.0).
  Fnv1a64Hasher hasher;
  hasher.Add(key);
  for (int i = 0; i < 4; ++i) hasher.AddByte(static_cast<unsigned char>(failures >> (8 * i)));
  const uint64_t h = hasher.value();
  double factor = 0.5 + 0.5 * static_cast<double>(h % 1000) / 1000.0;
  return std::max(absl::Milliseconds(1), d * factor);
}

std::string ShortDuration(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  int64_t s = absl::ToInt64Seconds(d);
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrCat(s / 60, "m", s % 60 < 10 ? "0" : "", s % 60, "s");
  int64_t m = (s / 60) % 60;
  return absl::StrCat(s / 3600, "h", m < 10 ? "0" : "", m, "m");
}

std::string StepTitle(const Step& step) {
  switch (step.action) {
    case Action::kApply:
      return absl::StrCat("apply ", step.target.kind, " ", step.target.name);
    case Action::kDelete:
      return absl::StrCat("delete ", step.target.kind, " ", step.target.name,
                          step.orphan ? " (orphan)" : "");
    case Action::kRestart:
      return absl::StrCat("restart ", step.target.name);
    case Action::kExec: {
      std::string what = step.hook == Hook::kNone ? "exec" : HookName(step.hook);
      std::string title = absl::StrCat(what, " in ", step.pod);
      std::string key = RetryKey(step);
      std::string target = key.substr(key.rfind(' ') + 1);
      if (target != step.pod) absl::StrAppend(&title, " for ", target);
      return title;
    }
    case Action::kWait:
      return absl::StrCat("wait ", step.condition.has_value() ? step.condition->ToString()
                                                              : step.target.name);
    case Action::kResizePvc:
      return absl::StrCat("resize PVC ", step.target.name, " to ", step.size);
  }
  return ActionName(step.action);
}

}  // namespace execute_internal

namespace {

// How long an orphan delete waits for its object to be gone, unless the
// step says otherwise.
constexpr int32_t kDefaultOrphanDeleteSeconds = 300;

using execute_internal::Backoff;
using execute_internal::ShortDuration;
using execute_internal::StepTitle;

// The uid `state` recorded for kind/name, or "".
std::string ObservedUid(const ObservedState* state, const std::string& kind,
                        const std::string& name) {
  if (state == nullptr) return "";
  const std::vector<Json>* list = state->ObjectsOf(kind);
  if (list == nullptr) return "";
  for (const Json& o : *list) {
    auto md = o.find("metadata");
    if (md == o.end() || !md->is_object()) continue;
    if (md->value("name", "") == name) return md->value("uid", "");
  }
  return "";
}

// How one step ended.
enum class StepEnd {
  kDone,       // Succeeded: its dependents may run.
  kWaiting,    // A wait that does not hold (yet): its chain stops here.
  kFailed,     // Failed; retried later (the pass stops).
  kConflict,   // 409: observe and plan again.
  kBlocked,    // Cannot progress without a person (the pass stops).
  kCancelled,  // The caller cancelled (the pass stops).
};

// How a pass ends when one of its steps ends `end` (not kDone/kWaiting).
PassResult::Outcome PassOutcomeOf(StepEnd end) {
  switch (end) {
    case StepEnd::kConflict:
      return PassResult::Outcome::kConflict;
    case StepEnd::kBlocked:
      return PassResult::Outcome::kBlocked;
    case StepEnd::kCancelled:
      return PassResult::Outcome::kCancelled;
    default:
      return PassResult::Outcome::kStepFailed;
  }
}

class Pass {
 public:
  Pass(const Plan& plan, ClusterClient& client, const ExecuteOptions& options)
      : plan_(plan),
        client_(client),
        options_(options),
        retries_(options.retries != nullptr ? *options.retries : own_retries_) {}

  absl::StatusOr<PassResult> Run() {
    PassResult result;
    if (plan_.steps.empty()) {
      result.outcome = PassResult::Outcome::kConverged;
      return result;
    }
    if (options_.observed == nullptr) {
      for (const Step& s : plan_.steps) {
        if (s.action == Action::kRestart) {
          return absl::InvalidArgumentError(
              "ExecutePlan: the plan restarts members but no observed state was given "
              "(ExecuteOptions::observed), so the uid precondition cannot be set");
        }
      }
    }
    if (options_.dry_run) return DryRun();

    std::vector<int32_t> queue(plan_.next.begin(), plan_.next.end());
    std::set<int32_t> queued(queue.begin(), queue.end());
    std::set<int32_t> done;
    for (size_t i = 0; i < queue.size(); ++i) {
      const int32_t id = queue[i];
      if (id < 1 || id > static_cast<int32_t>(plan_.steps.size())) {
        return absl::InvalidArgumentError(
            absl::StrCat("ExecutePlan: plan names step ", id, ", which does not exist"));
      }
      const Step& step = plan_.steps[id - 1];
      if (options_.cancelled && options_.cancelled()) {
        result.outcome = PassResult::Outcome::kCancelled;
        result.message = absl::StrCat("stopped before step ", id, " (", StepTitle(step),
                                      "); every step before it finished, nothing is half-done");
        return result;
      }
      if (client_.Now() >= options_.deadline) {
        result.outcome = PassResult::Outcome::kDeadline;
        result.message = absl::StrCat("the deadline passed before step ", id, " (",
                                      StepTitle(step), ")");
        return result;
      }
      absl::StatusOr<StepEnd> end = RunStep(step);
      if (!end.ok()) return end.status();
      switch (*end) {
        case StepEnd::kDone:
          done.insert(id);
          result.succeeded.push_back(id);
          for (const Step& s : plan_.steps) {
            if (queued.count(s.id) > 0 || s.after.empty()) continue;
            if (std::all_of(s.after.begin(), s.after.end(),
                            [&](int32_t a) { return done.count(a) > 0; })) {
              queue.push_back(s.id);
              queued.insert(s.id);
            }
          }
          break;
        case StepEnd::kWaiting:
          result.waiting.push_back(id);
          break;
        case StepEnd::kFailed:
        case StepEnd::kConflict:
        case StepEnd::kBlocked:
        case StepEnd::kCancelled:
          // The pass ends at this step.
          result.outcome = PassOutcomeOf(*end);
          result.failed = id;
          result.message = message_;
          return result;
      }
    }
    result.outcome = PassResult::Outcome::kProgressed;
    return result;
  }

 private:
  void Emit(ExecuteEvent e) {
    if (!options_.on_event) return;
    e.time = client_.Now();
    e.cluster = options_.cluster.empty() ? plan_.cluster : options_.cluster;
    e.pass = options_.pass;
    options_.on_event(e);
  }

  void Started(const Step& step, int32_t attempt = 0) {
    started_ = client_.Now();
    Emit({.kind = ExecuteEvent::Kind::kStepStarted,
          .step = step,
          .attempt = attempt,
          .message = absl::StrCat(StepTitle(step), attempt > 1 ? absl::StrCat(
                                                                     " (attempt ", attempt, ")")
                                                               : "",
                                  ": ", step.reason)});
  }

  StepEnd Succeeded(const Step& step, std::string message = "",
                    std::optional<ExecResult> exec = std::nullopt, int32_t attempt = 0) {
    ran_any_ = true;
    Emit({.kind = ExecuteEvent::Kind::kStepSucceeded,
          .step = step,
          .attempt = attempt,
          .elapsed = client_.Now() - started_,
          .exec = std::move(exec),
          .message = message.empty() ? absl::StrCat(StepTitle(step), ": done") : message});
    return StepEnd::kDone;
  }

  StepEnd Ends(StepEnd end, const Step& step, std::string message,
               std::optional<ExecResult> exec = std::nullopt, int32_t attempt = 0) {
    message_ = message;
    Emit({.kind = ExecuteEvent::Kind::kStepFailed,
          .step = step,
          .attempt = attempt,
          .elapsed = client_.Now() - started_,
          .exec = std::move(exec),
          .message = std::move(message)});
    return end;
  }

  // The outcome of a failed API call made for `step`: the pass's error for
  // "cannot use the cluster", else how the step ends.
  absl::StatusOr<StepEnd> CallFailed(const Step& step, const absl::Status& s) {
    if (CannotUseCluster(s)) {
      Ends(StepEnd::kFailed, step, absl::StrCat(StepTitle(step), ": ", s.message()));
      return s;
    }
    switch (s.code()) {
      case absl::StatusCode::kAborted:
        return Ends(StepEnd::kConflict, step,
                    absl::StrCat(StepTitle(step), ": the object changed meanwhile (",
                                 s.message(), "); observing and planning again"));
      case absl::StatusCode::kInvalidArgument:
        return Ends(StepEnd::kBlocked, step,
                    absl::StrCat("the server refused ", StepTitle(step), ": ", s.message()));
      case absl::StatusCode::kNotFound:
        return Ends(StepEnd::kBlocked, step,
                    absl::StrCat(StepTitle(step), ": ", s.message(), " (does namespace ",
                                 plan_.namespace_, " exist?)"));
      case absl::StatusCode::kCancelled:
        return Ends(StepEnd::kCancelled, step,
                    absl::StrCat("stopped during ", StepTitle(step), ": ", s.message()));
      default:
        return Ends(StepEnd::kFailed, step, absl::StrCat(StepTitle(step), ": ", s.message()));
    }
  }

  ObjectRef RefOf(const Step& step) const {
    return ObjectRef{.kind = step.target.kind,
                     .namespace_ = step.target.kind == "Node" ? "" : plan_.namespace_,
                     .name = step.target.name};
  }

  absl::StatusOr<StepEnd> RunStep(const Step& step) {
    switch (step.action) {
      case Action::kApply: {
        Started(step);
        absl::StatusOr<Json> applied = client_.Apply(step.object, ApplyOptions{});
        if (!applied.ok()) return CallFailed(step, applied.status());
        return Succeeded(step);
      }
      case Action::kDelete:
      case Action::kRestart: {
        Started(step);
        const std::string kind = step.action == Action::kRestart ? "Pod" : step.target.kind;
        ObjectRef ref = RefOf(step);
        ref.kind = kind;
        DeleteOptions options{.orphan = step.orphan,
                              .uid = ObservedUid(options_.observed, kind, step.target.name)};
        if (absl::Status s = client_.Delete(ref, options); !s.ok()) {
          return CallFailed(step, s);
        }
        if (step.orphan) return AwaitGone(step, options.uid);
        return Succeeded(step);
      }
      case Action::kResizePvc: {
        Started(step);
        if (absl::Status s = client_.ResizePvc(RefOf(step), step.size); !s.ok()) {
          return CallFailed(step, s);
        }
        return Succeeded(step);
      }
      case Action::kWait:
        return Wait(step);
      case Action::kExec:
        return Exec(step);
    }
    return absl::InternalError("ExecutePlan: unknown action");
  }

  // An orphan delete is how the planner replaces an object whose immutable
  // fields change, and the next step re-creates it: until the garbage
  // collector has removed the orphan finalizer the old object is still there
  // and the server refuses the new one (422). So the step is done once the
  // object (with the uid deleted) is gone, watched, within its timeout
  // (default kDefaultOrphanDeleteSeconds).
  absl::StatusOr<StepEnd> AwaitGone(const Step& step, const std::string& uid) {
    const ObserveRequest scope{.namespace_ = plan_.namespace_, .cluster = plan_.cluster};
    const absl::Duration timeout = absl::Seconds(
        step.timeout_seconds > 0 ? step.timeout_seconds : kDefaultOrphanDeleteSeconds);
    const absl::Time deadline = client_.Now() + timeout;
    while (true) {
      absl::StatusOr<ObservedState> state = client_.Observe(scope);
      if (!state.ok()) return CallFailed(step, state.status());
      std::string now_uid = ObservedUid(&*state, step.target.kind, step.target.name);
      if (now_uid.empty() || (!uid.empty() && now_uid != uid)) return Succeeded(step);
      if (client_.Now() >= deadline) {
        return Ends(StepEnd::kBlocked, step,
                    absl::StrCat(StepTitle(step), ": still there ", ShortDuration(timeout),
                                 " after the delete (a finalizer the garbage collector did not "
                                 "remove?)"));
      }
      absl::StatusOr<bool> changed = client_.WaitForChange(scope, deadline, options_.cancelled);
      if (!changed.ok()) return CallFailed(step, changed.status());
    }
  }

  absl::StatusOr<StepEnd> Wait(const Step& step) {
    if (!step.condition.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("ExecutePlan: wait step ", step.id, " has no condition"));
    }
    // Only the observation the plan was made from is at hand, and it is
    // current only while nothing has run in this pass.
    if (ran_any_ || options_.observed == nullptr) return StepEnd::kWaiting;
    WaitStatus status = CheckWait(*step.condition, *options_.observed, client_.Now());
    if (!status.holds) return StepEnd::kWaiting;
    started_ = client_.Now();
    Emit({.kind = ExecuteEvent::Kind::kStepSucceeded,
          .step = step,
          .condition = step.condition->ToString(),
          .message = absl::StrCat(StepTitle(step), ": holds")});
    return StepEnd::kDone;
  }

  absl::StatusOr<StepEnd> Exec(const Step& step) {
    const bool gate = step.hook == Hook::kGate;
    const std::string key = RetryKey(step);
    const absl::Time now = client_.Now();
    auto it = retries_.find(key);
    HookRetry* retry = it == retries_.end() ? nullptr : &it->second;
    const absl::Duration timeout =
        absl::Seconds(step.timeout_seconds > 0 ? step.timeout_seconds
                                               : kDefaultHookTimeoutSeconds);
    const absl::Time deadline = retry != nullptr ? retry->deadline : now + timeout;
    const int32_t attempt = retry != nullptr ? retry->failures + 1 : 1;
    started_ = now;
    if (retry != nullptr && now < retry->retry_at) {
      // Not yet: the caller sleeps until retry_at (Reconcile does).
      message_ = absl::StrCat(StepTitle(step), " failed ", retry->failures,
                              retry->failures == 1 ? " time" : " times", "; next attempt in ",
                              ShortDuration(retry->retry_at - now));
      return StepEnd::kFailed;
    }
    if (retry != nullptr && now >= deadline) return HookTimedOut(step, *retry, timeout);

    Started(step, attempt);
    ExecRequest request{.namespace_ = plan_.namespace_,
                        .pod = step.pod,
                        .command = ExecArgv(step.command, step.env),
                        .timeout = deadline - now,
                        .cancelled = gate ? options_.cancelled : options_.abandon_hooks};
    absl::StatusOr<ExecResult> ran = client_.Exec(request);
    ExecResult result;
    if (!ran.ok()) {
      if (CannotUseCluster(ran.status())) {
        Ends(StepEnd::kFailed, step, absl::StrCat(StepTitle(step), ": ", ran.status().message()),
             std::nullopt, attempt);
        return ran.status();
      }
      if (ran.status().code() == absl::StatusCode::kCancelled) {
        return Ends(StepEnd::kCancelled, step,
                    gate ? absl::StrCat("abandoned ", StepTitle(step),
                                        " (a gate changes nothing; it runs again next time)")
                         : absl::StrCat("abandoned ", StepTitle(step),
                                        " before it finished; the next run runs it again"),
                    std::nullopt, attempt);
      }
      // Could not run (the pod is not running, the container is absent):
      // a failed attempt like a non-zero exit.
      result.exit_code = -1;
      result.stderr_text = std::string(ran.status().message());
    } else {
      result = *ran;
    }
    if (result.exit_code == 0 && !result.timed_out) {
      retries_.erase(key);
      return Succeeded(step, absl::StrCat(StepTitle(step), ": exit 0"), result, attempt);
    }

    HookRetry& r = retries_[key];
    if (r.failures == 0) {
      r.first_failure = now;
      r.deadline = deadline;
    }
    ++r.failures;
    r.last = result;
    const absl::Time after = client_.Now();
    r.retry_at = std::min(after + Backoff(key, r.failures, options_.initial_backoff,
                                          options_.max_backoff),
                          r.deadline);
    std::string how = result.timed_out ? "timed out" : absl::StrCat("exit ", result.exit_code);
    std::string detail = result.stderr_text.empty() ? result.stdout_text : result.stderr_text;
    if (detail.size() > 200) detail = absl::StrCat(detail.substr(0, 200), "...");
    std::string failed = absl::StrCat(StepTitle(step), ": ", how,
                                      detail.empty() ? "" : absl::StrCat(" (", detail, ")"));
    if (after >= r.deadline) {
      Ends(StepEnd::kFailed, step, failed, result, attempt);
      return HookTimedOut(step, r, timeout);
    }
    Ends(StepEnd::kFailed, step, failed, result, attempt);
    Emit({.kind = ExecuteEvent::Kind::kRetrying,
          .step = step,
          .attempt = attempt,
          .elapsed = after - r.first_failure,
          .retry_at = r.retry_at,
          .message = absl::StrCat(StepTitle(step), " failed (", how, "); retrying in ",
                                  ShortDuration(r.retry_at - after), ", until ",
                                  ShortDuration(r.deadline - r.first_failure),
                                  " after the first failure")});
    message_ = failed;
    return StepEnd::kFailed;
  }

  StepEnd HookTimedOut(const Step& step, const HookRetry& r, absl::Duration timeout) {
    std::string how = r.last.timed_out ? "timed out" : absl::StrCat("exit ", r.last.exit_code);
    std::string detail = r.last.stderr_text.empty() ? r.last.stdout_text : r.last.stderr_text;
    if (detail.size() > 200) detail = absl::StrCat(detail.substr(0, 200), "...");
    message_ = absl::StrCat(
        step.hook == Hook::kGate ? "gate" : HookName(step.hook), " ",
        absl::StrJoin(step.command, " "), " in ", step.pod, " kept failing for ",
        ShortDuration(timeout), " (", r.failures, r.failures == 1 ? " attempt" : " attempts",
        ", last: ", how, detail.empty() ? "" : absl::StrCat(": ", detail), "); ",
        step.hook == Hook::kGate ? "the member it guards is not disrupted"
                                 : "the member change waits for it");
    return StepEnd::kBlocked;
  }

  absl::StatusOr<PassResult> DryRun() {
    PassResult result;
    for (const Step& step : plan_.steps) {
      if (options_.cancelled && options_.cancelled()) {
        result.outcome = PassResult::Outcome::kCancelled;
        result.message = absl::StrCat("stopped before step ", step.id, " (dry run)");
        return result;
      }
      if (step.action != Action::kApply) continue;
      Started(step);
      absl::StatusOr<Json> applied = client_.Apply(step.object, ApplyOptions{.dry_run = true});
      if (!applied.ok()) {
        absl::StatusOr<StepEnd> end = CallFailed(step, applied.status());
        if (!end.ok()) return end.status();
        if (*end == StepEnd::kConflict) continue;  // Nothing is written; report and go on.
        result.outcome = *end == StepEnd::kBlocked ? PassResult::Outcome::kBlocked
                                                   : PassResult::Outcome::kStepFailed;
        result.failed = step.id;
        result.message = message_;
        return result;
      }
      Succeeded(step, absl::StrCat(StepTitle(step), ": accepted by the server (dry run)"));
      result.succeeded.push_back(step.id);
    }
    result.outcome = PassResult::Outcome::kProgressed;
    return result;
  }

  const Plan& plan_;
  ClusterClient& client_;
  const ExecuteOptions& options_;
  std::map<std::string, HookRetry> own_retries_;
  std::map<std::string, HookRetry>& retries_;
  absl::Time started_;
  bool ran_any_ = false;
  std::string message_;  // Why the last step did not succeed.
};

}  // namespace

absl::StatusOr<PassResult> ExecutePlan(const Plan& plan, ClusterClient& client,
                                       const ExecuteOptions& options) {
  Pass pass(plan, client, options);
  return pass.Run();
}

}  // namespace strata
