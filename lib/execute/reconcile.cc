// Reconcile: observe -> label leaders -> plan -> one pass -> repeat, until
// the cluster converges, is blocked, the deadline passes or the caller
// cancels (SPEC-2 §6). Every decision about time uses ClusterClient::Now(),
// so the same loop runs in the simulator's virtual time.
//
// When a pass ran steps, the next observation follows at once (the steps
// changed the cluster). When it could run nothing but waits, Reconcile blocks
// in WaitForChange until something in the cluster changes, the earliest wait
// runs out of time, the recheck interval passes or the deadline comes. A
// wait is timed from the first plan that waited on the same condition; one
// that does not hold within its timeoutSeconds blocks the cluster, naming the
// condition and what is missing.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "execute/internal.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "strata/execute.h"

namespace strata {
namespace {

using execute_internal::Backoff;
using execute_internal::ShortDuration;
using execute_internal::StepTitle;
using execute_internal::Transient;

// How long a leaderProbe may run in one member.
constexpr absl::Duration kLeaderProbeTimeout = absl::Seconds(30);
// How many times in a row a step other than a gate or hook may fail (each
// after a backoff) before the cluster counts as blocked on it.
constexpr int32_t kMaxStepFailures = 8;
// How long the planner must keep saying "blocked" (a stuck member) before
// Reconcile gives up: long enough for what clears by itself (a volume
// binding, a node joining), short against a member's ready timeout.
constexpr absl::Duration kBlockedGrace = absl::Seconds(60);

class Reconciler {
 public:
  Reconciler(const CompiledCluster& desired, ClusterClient& client,
             const ReconcileOptions& options)
      : desired_(desired),
        client_(client),
        options_(options),
        request_(ObserveRequestFor(desired)),
        state_(options.state != nullptr ? *options.state : own_state_) {}

  absl::StatusOr<ReconcileResult> Run() {
    result_.started = client_.Now();
    int32_t conflicts = 0;
    while (true) {
      if (Cancelled()) {
        return Finish(ReconcileResult::Outcome::kCancelled,
                      "cancelled before observing the cluster; nothing was running");
      }
      if (client_.Now() >= options_.deadline) {
        return Finish(ReconcileResult::Outcome::kDeadline,
                      absl::StrCat("the deadline passed with ", desired_.cluster,
                                   " still progressing", NextText()));
      }
      ++pass_;
      result_.passes = pass_;

      absl::StatusOr<ObservedState> observed = client_.Observe(request_);
      if (!observed.ok()) {
        absl::StatusOr<bool> retry = Unreachable(observed.status());
        if (!retry.ok()) return retry.status();
        if (*retry) continue;
        return result_;  // Finished: cancelled, or `once`.
      }
      state_.unavailable_since.reset();
      if (!options_.dry_run) {
        absl::StatusOr<bool> relabelled = LabelLeaders(*observed);
        if (!relabelled.ok()) {
          absl::StatusOr<bool> retry = Unreachable(relabelled.status());
          if (!retry.ok()) return retry.status();
          if (*retry) continue;
          return result_;  // Finished: cancelled, or `once`.
        }
        if (*relabelled) {
          // Plan from what the cluster says now, labels included.
          observed = client_.Observe(request_);
          if (!observed.ok()) {
            absl::StatusOr<bool> retry = Unreachable(observed.status());
            if (!retry.ok()) return retry.status();
            if (*retry) continue;
            return result_;  // Finished: cancelled, or `once`.
          }
        }
      }

      const absl::Time now = client_.Now();
      auto planner = options_.planner ? options_.planner : PlanRollout;
      absl::StatusOr<Plan> plan = planner(desired_, *observed,
                                          PlanOptions{.now = now, .approve = options_.approve});
      if (!plan.ok()) {
        if (plan.status().code() == absl::StatusCode::kFailedPrecondition) {
          // The change cannot be made safely from this state: a person must act.
          return Finish(ReconcileResult::Outcome::kBlocked, std::string(plan.status().message()));
        }
        return plan.status();
      }
      result_.last_plan = *plan;
      if (pass_ == 1) {
        // The planner says "approved with token T" or asks for T in a note.
        for (const std::string& token : options_.approve) {
          bool used = false;
          for (const std::string& note : plan->notes) used |= note.find(token) != std::string::npos;
          std::string note = absl::StrCat("--approve ", token, " given, but no step of ",
                                          desired_.cluster, " asks for it");
          // Once per ReconcileState: the operator calls once-mode every pass.
          if (!used && state_.notes_seen.insert(note).second) {
            Emit({.kind = ExecuteEvent::Kind::kNote, .message = std::move(note)});
          }
        }
      }
      if (plan->steps.empty()) {
        Emit({.kind = ExecuteEvent::Kind::kConverged,
              .message = absl::StrCat(desired_.cluster, " is converged: nothing to do")});
        return Finish(ReconcileResult::Outcome::kConverged, "");
      }
      Emit({.kind = ExecuteEvent::Kind::kPlanned, .message = PlannedText(*plan)});
      for (const std::string& note : plan->notes) {
        if (state_.notes_seen.insert(note).second) {
          Emit({.kind = ExecuteEvent::Kind::kNote, .message = note});
        }
      }

      ExecuteOptions pass_options{.observed = &*observed,
                                  .dry_run = options_.dry_run,
                                  .on_event = [this](const ExecuteEvent& e) { Record(e); },
                                  .cluster = desired_.cluster,
                                  .pass = pass_,
                                  .cancelled = options_.cancelled,
                                  .abandon_hooks = options_.abandon_hooks,
                                  .deadline = options_.deadline,
                                  .retries = &state_.retries,
                                  .initial_backoff = options_.initial_backoff,
                                  .max_backoff = options_.max_backoff};
      absl::StatusOr<PassResult> pass = ExecutePlan(*plan, client_, pass_options);
      if (!pass.ok()) {
        if (!CannotUseCluster(pass.status())) return pass.status();
        absl::StatusOr<bool> retry = Unreachable(pass.status());
        if (!retry.ok()) return retry.status();
        if (*retry) continue;
        return result_;  // Finished: cancelled, or `once`.
      }
      result_.steps += static_cast<int32_t>(pass->succeeded.size()) + (pass->failed ? 1 : 0);

      switch (pass->outcome) {
        case PassResult::Outcome::kConverged:
          return Finish(ReconcileResult::Outcome::kConverged, "");
        case PassResult::Outcome::kCancelled:
          return Finish(ReconcileResult::Outcome::kCancelled, pass->message);
        case PassResult::Outcome::kDeadline:
          return Finish(ReconcileResult::Outcome::kDeadline, pass->message);
        case PassResult::Outcome::kBlocked:
          return Finish(ReconcileResult::Outcome::kBlocked, pass->message);
        default:
          break;
      }
      if (options_.dry_run) return Finish(ReconcileResult::Outcome::kPassDone, pass->message);
      if (pass->outcome == PassResult::Outcome::kConflict) {
        // Someone else changed an object: plan again from a fresh read, but
        // do not spin if the conflict persists.
        if (options_.once) return PassDone(client_.Now(), pass->message);
        if (++conflicts > 3) {
          absl::Status slept = client_.SleepUntil(
              std::min(options_.deadline,
                       client_.Now() + Backoff("conflict", conflicts - 3,
                                               options_.initial_backoff, options_.max_backoff)),
              options_.cancelled);
          if (!slept.ok()) return Finish(ReconcileResult::Outcome::kCancelled, "cancelled");
        }
        continue;
      }
      conflicts = 0;
      if (pass->outcome == PassResult::Outcome::kStepFailed) {
        // A gate or hook failed: wait for its retry time (or a change).
        const Step& failed = plan->steps[*pass->failed - 1];
        absl::Time retry_at;
        auto it = failed.action == Action::kExec ? state_.retries.find(RetryKey(failed))
                                                 : state_.retries.end();
        if (it != state_.retries.end()) {
          retry_at = it->second.retry_at;
        } else {
          // Another step failed in a way that is neither a conflict nor the
          // server refusing it (a 500 that outlived the client's retries, an
          // unexpected answer): retry with backoff, and give up after a while.
          int32_t& failures = state_.step_failures[StepTitle(failed)];
          if (++failures > kMaxStepFailures) {
            return Finish(ReconcileResult::Outcome::kBlocked,
                          absl::StrCat(pass->message, " (failed ", failures - 1,
                                       " times in a row)"));
          }
          retry_at = client_.Now() + Backoff(StepTitle(failed), failures,
                                             options_.initial_backoff, options_.max_backoff);
        }
        if (options_.once) return PassDone(retry_at, pass->message);
        absl::Status slept =
            client_.SleepUntil(std::min(retry_at, options_.deadline), options_.cancelled);
        if (!slept.ok()) {
          return Finish(ReconcileResult::Outcome::kCancelled,
                        absl::StrCat("cancelled while waiting to retry: ", pass->message));
        }
        continue;
      }
      // kProgressed.
      if (!pass->succeeded.empty()) {
        state_.step_failures.clear();
        state_.blocked_since.reset();
        PruneWaits(*plan, pass->waiting);
        if (options_.once) return PassDone(client_.Now(), pass->message);
        continue;
      }
      {
        // Only approvals are left to wait for: a person must act (exit 3
        // with the token in the reason).
        const Step* approval = nullptr;
        bool only_approvals = !pass->waiting.empty();
        for (int32_t id : pass->waiting) {
          const Step& w = plan->steps[id - 1];
          if (w.condition.has_value() && w.condition->kind == WaitCondition::Kind::kApproval) {
            if (approval == nullptr) approval = &w;
          } else {
            only_approvals = false;
          }
        }
        if (approval != nullptr && only_approvals) {
          return Finish(ReconcileResult::Outcome::kBlocked, approval->reason);
        }
      }
      if (plan->blocked) {
        // The planner sees a member that cannot progress on its own. Some of
        // that clears without anyone acting (a pod Unschedulable until its
        // volume binds), so it must persist for a while before it blocks.
        if (!state_.blocked_since) state_.blocked_since = client_.Now();
        if (client_.Now() - *state_.blocked_since >= kBlockedGrace) {
          return Finish(ReconcileResult::Outcome::kBlocked, plan->blocked_reason);
        }
      } else {
        state_.blocked_since.reset();
      }
      absl::StatusOr<bool> waited = WaitOn(*plan, pass->waiting, *observed);
      if (!waited.ok()) return waited.status();
      if (!*waited) return result_;  // Finished (blocked or cancelled).
    }
  }

 private:
  bool Cancelled() const { return options_.cancelled && options_.cancelled(); }

  void Record(const ExecuteEvent& e) {
    result_.events.push_back(e);
    if (options_.on_event) options_.on_event(e);
  }

  void Emit(ExecuteEvent e) {
    e.time = client_.Now();
    e.cluster = desired_.cluster;
    e.pass = pass_;
    Record(e);
  }

  std::string NextText() const {
    const Plan& p = result_.last_plan;
    if (p.steps.empty() || p.next.empty()) return "";
    const Step& s = p.steps[p.next.front() - 1];
    return absl::StrCat("; next: ", StepTitle(s), " (", s.reason, ")");
  }

  static std::string PlannedText(const Plan& plan) {
    std::vector<std::string> next;
    for (int32_t id : plan.next) {
      if (next.size() == 3) {
        next.push_back(absl::StrCat("and ", plan.next.size() - 3, " more"));
        break;
      }
      next.push_back(StepTitle(plan.steps[id - 1]));
    }
    return absl::StrCat(plan.steps.size(), plan.steps.size() == 1 ? " step" : " steps",
                        " to go; next: ", absl::StrJoin(next, ", "));
  }

  // `once`: the pass is done; the next one is due at `at` at the latest.
  ReconcileResult PassDone(absl::Time at, const std::string& message) {
    result_.next_pass_at = at;
    return Finish(ReconcileResult::Outcome::kPassDone, message);
  }

  ReconcileResult Finish(ReconcileResult::Outcome outcome, const std::string& message) {
    result_.outcome = outcome;
    result_.converged = outcome == ReconcileResult::Outcome::kConverged;
    switch (outcome) {
      case ReconcileResult::Outcome::kBlocked:
        result_.blocked_reason = message;
        Emit({.kind = ExecuteEvent::Kind::kBlocked, .message = message});
        break;
      case ReconcileResult::Outcome::kDeadline:
        Emit({.kind = ExecuteEvent::Kind::kDeadline, .message = message});
        break;
      case ReconcileResult::Outcome::kCancelled:
        Emit({.kind = ExecuteEvent::Kind::kCancelled, .message = message});
        break;
      default:
        break;
    }
    result_.finished = client_.Now();
    return result_;
  }

  // A failed call: true to try again after a backoff (a transient error
  // within the grace period), false when cancelled meanwhile; the error
  // itself when the cluster cannot be used.
  absl::StatusOr<bool> Unreachable(const absl::Status& status) {
    if (!Transient(status)) return status;
    const absl::Time now = client_.Now();
    if (!state_.unavailable_since) {
      state_.unavailable_since = now;
      state_.unavailable_failures = 0;
    }
    if (now - *state_.unavailable_since >= options_.unavailable_grace) return status;
    ++state_.unavailable_failures;
    const absl::Time retry_at =
        std::min(now + Backoff("unavailable", state_.unavailable_failures, options_.initial_backoff,
                               options_.max_backoff),
                 *state_.unavailable_since + options_.unavailable_grace);
    const std::string note =
        absl::StrCat("cannot reach the cluster (", status.message(), "); trying again in ",
                     ShortDuration(retry_at - now), ", for up to ",
                     ShortDuration(options_.unavailable_grace));
    Emit({.kind = ExecuteEvent::Kind::kNote, .retry_at = retry_at, .message = note});
    if (options_.once) {
      PassDone(retry_at, note);
      return false;
    }
    absl::Status slept = client_.SleepUntil(retry_at, options_.cancelled);
    if (!slept.ok()) {
      Finish(ReconcileResult::Outcome::kCancelled, "cancelled while the cluster was unreachable");
      return false;
    }
    --pass_;  // The failed round does not count as a planning round.
    return true;
  }

  void PruneWaits(const Plan& plan, const std::vector<int32_t>& waiting) {
    std::set<std::string> live;
    for (int32_t id : waiting) live.insert(plan.steps[id - 1].condition->ToString());
    for (auto it = state_.wait_started.begin(); it != state_.wait_started.end();) {
      it = live.count(it->first) > 0 ? std::next(it) : state_.wait_started.erase(it);
    }
  }

  // Nothing could run but waits: report them, block the cluster on one that
  // ran out of time, else sleep until something changes. Returns true to
  // plan again, false when Finish() was called.
  absl::StatusOr<bool> WaitOn(const Plan& plan, const std::vector<int32_t>& waiting,
                              const ObservedState& observed) {
    PruneWaits(plan, waiting);
    const absl::Time now = client_.Now();
    absl::Time wake = std::min(options_.deadline, now + options_.recheck);
    if (state_.blocked_since) wake = std::min(wake, *state_.blocked_since + kBlockedGrace);
    std::string first_wait;  // What the first wait's event says.
    for (int32_t id : waiting) {
      const Step& step = plan.steps[id - 1];
      const std::string text = step.condition->ToString();
      const absl::Time since = state_.wait_started.emplace(text, now).first->second;
      WaitStatus status = CheckWait(*step.condition, observed, now);
      // Ready for less than minReadySeconds: no cluster change will say when
      // it holds, so wake then (not at the recheck, up to 30 s later).
      if (status.holds_at.has_value()) wake = std::min(wake, std::max(now, *status.holds_at));
      if (step.timeout_seconds > 0) {
        const absl::Time expires = since + absl::Seconds(step.timeout_seconds);
        if (now >= expires) {
          Finish(ReconcileResult::Outcome::kBlocked,
                 absl::StrCat(text, " did not hold within ", ShortDuration(expires - since),
                              status.why.empty() ? "" : absl::StrCat(": ", status.why),
                              " (", step.reason, ")"));
          return false;
        }
        wake = std::min(wake, expires);
      }
      std::string message = absl::StrCat(
          "waiting for ", text, status.why.empty() ? "" : absl::StrCat(": ", status.why), " (",
          ShortDuration(now - since),
          step.timeout_seconds > 0
              ? absl::StrCat(" of ", ShortDuration(absl::Seconds(step.timeout_seconds)))
              : "",
          ")");
      if (first_wait.empty()) first_wait = message;
      Emit({.kind = ExecuteEvent::Kind::kWaiting,
            .step = step,
            .condition = text,
            .elapsed = now - since,
            .message = std::move(message)});
    }
    if (waiting.empty()) {
      // A plan with nothing runnable and nothing to wait for cannot be the
      // planner's intent; do not spin on it.
      Finish(ReconcileResult::Outcome::kBlocked,
             absl::StrCat("the plan has ", plan.steps.size(),
                          " steps but none can run now", NextText()));
      return false;
    }
    if (options_.once) {
      PassDone(wake, first_wait);
      return false;
    }
    absl::StatusOr<bool> changed = client_.WaitForChange(request_, wake, options_.cancelled);
    if (!changed.ok()) {
      if (changed.status().code() == absl::StatusCode::kCancelled) {
        Finish(ReconcileResult::Outcome::kCancelled,
               absl::StrCat("cancelled while waiting for ",
                            plan.steps[waiting.front() - 1].condition->ToString(),
                            "; every step before it finished, nothing is half-done"));
        return false;
      }
      absl::StatusOr<bool> retry = Unreachable(changed.status());
      if (!retry.ok()) return retry.status();
      return *retry;
    }
    return true;
  }

  // Runs each followersFirst role's leaderProbe in its Ready members and
  // moves leaderLabel to the one member where it succeeds. Returns whether a
  // label changed.
  absl::StatusOr<bool> LabelLeaders(const ObservedState& observed) {
    bool changed = false;
    for (const CompiledRole& role : desired_.roles) {
      const RolloutPolicy& rollout = role.role.rollout;
      if (rollout.order != RolloutOrder::kFollowersFirst || !rollout.leader_probe.has_value() ||
          rollout.leader_probe->kind != Handler::Kind::kExec || rollout.leader_label.empty()) {
        continue;
      }
      std::vector<const Json*> members;
      for (const Json& pod : observed.pods) {
        std::string name = kube::NameOf(pod);
        if (kube::OrdinalOf(name, role.stateful_set).has_value()) {
          members.push_back(&pod);
        }
      }
      std::vector<std::string> leaders;
      int32_t probed = 0;
      for (const Json* pod : members) {
        if (!plan_internal::IsReady(*pod)) continue;
        if (Cancelled()) return false;
        ++probed;
        std::string name = kube::NameOf(*pod);
        absl::StatusOr<ExecResult> r =
            client_.Exec(ExecRequest{.namespace_ = desired_.namespace_,
                                     .pod = name,
                                     .command = rollout.leader_probe->command,
                                     .timeout = kLeaderProbeTimeout,
                                     .cancelled = options_.cancelled});
        if (!r.ok()) {
          if (CannotUseCluster(r.status())) return r.status();
          continue;  // Not running after all: not the leader.
        }
        if (r->exit_code == 0 && !r->timed_out) leaders.push_back(name);
      }
      if (probed == 0) continue;
      if (leaders.size() != 1) {
        std::string note =
            leaders.empty()
                ? absl::StrCat("leaderProbe of role ", role.name, " succeeded in none of ",
                               probed, " Ready members; no ", rollout.leader_label,
                               " label set, the leader is not known")
                : absl::StrCat("leaderProbe of role ", role.name, " succeeded in ",
                               absl::StrJoin(leaders, ", "), "; no ", rollout.leader_label,
                               " label set, the leader is not known");
        if (state_.notes_seen.insert(note).second) {
          Emit({.kind = ExecuteEvent::Kind::kNote, .message = note});
        }
        continue;
      }
      for (const Json* pod : members) {
        std::string name = kube::NameOf(*pod);
        const bool is_leader = name == leaders.front();
        const bool labelled = kube::LabelOf(*pod, rollout.leader_label) == "true";
        if (is_leader == labelled) continue;
        MetadataPatch patch;
        if (is_leader) {
          patch.labels[rollout.leader_label] = "true";
        } else {
          patch.labels[rollout.leader_label] = std::nullopt;
        }
        absl::Status s = client_.PatchMetadata(
            ObjectRef{.kind = "Pod", .namespace_ = desired_.namespace_, .name = name}, patch);
        if (!s.ok()) {
          if (CannotUseCluster(s)) return s;
          continue;  // Gone meanwhile; the next round labels again.
        }
        changed = true;
        Emit({.kind = ExecuteEvent::Kind::kNote,
              .message = is_leader ? absl::StrCat(name, " answered leaderProbe: labelled ",
                                                  rollout.leader_label, "=true")
                                   : absl::StrCat("removed ", rollout.leader_label, " from ",
                                                  name, " (no longer the leader)")});
      }
    }
    return changed;
  }

  const CompiledCluster& desired_;
  ClusterClient& client_;
  const ReconcileOptions& options_;
  const ObserveRequest request_;
  ReconcileState own_state_;  // When the caller carries none.
  ReconcileState& state_;
  ReconcileResult result_;
  int32_t pass_ = 0;
};

}  // namespace

absl::StatusOr<ReconcileResult> ReconcileCompiled(const CompiledCluster& desired,
                                                  ClusterClient& client,
                                                  const ReconcileOptions& options) {
  Reconciler reconciler(desired, client, options);
  return reconciler.Run();
}

absl::StatusOr<ReconcileResult> Reconcile(const Topology& topology, ClusterClient& client,
                                          const ReconcileOptions& options) {
  absl::StatusOr<CompiledCluster> desired = Compile(topology, CompileOptions{});
  if (!desired.ok()) return desired.status();
  return ReconcileCompiled(*desired, client, options);
}

}  // namespace strata
