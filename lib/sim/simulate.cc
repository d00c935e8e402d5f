// Simulate(): the plan -> execute -> observe loop against a KubeModel
// (strata/simulate.h). Faults come from sim/faults.h, the invariant checks
// from sim/invariants.h, the timeline's events from sim/timeline.h; this
// file runs the rounds and adapts the model to the executor's ClusterClient.

#include "strata/simulate.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "sim/faults.h"
#include "sim/invariants.h"
#include "sim/kube_model.h"
#include "sim/timeline.h"
#include "strata/execute.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "util/rfc3339.h"
#include "util/status_macros.h"

namespace strata {
namespace sim {
namespace {

// How long an executor lets a wait run when the step names no timeout.
constexpr absl::Duration kDefaultWaitTimeout = absl::Minutes(30);
// How long an executor backs off before replanning when nothing moved.
constexpr absl::Duration kIdleBackoff = absl::Seconds(30);
// Rounds in a row without any change before the run is declared stuck.
constexpr int kStallRounds = 3;

using PlanFn = decltype(SimulateOptions::planner);

// Waits that hold by time alone, whatever the cluster does: a maintenance
// window opening, rollout.minIntervalSeconds passing.
bool HoldsByTimeAlone(const WaitCondition& c) {
  return c.kind == WaitCondition::Kind::kWindow || c.kind == WaitCondition::Kind::kNotBefore;
}

// What a plan does, to recognise the same plan made again.
std::string Fingerprint(const Plan& plan) {
  std::string out;
  for (const Step& s : plan.steps) {
    absl::StrAppend(&out, ActionName(s.action), " ", s.target.kind, "/", s.target.name, " ",
                    s.condition ? s.condition->ToString() : "", ";");
  }
  return out;
}

class Simulator {
 public:
  Simulator(const CompiledCluster& desired, const SimulateOptions& options, KubeModel kube)
      : desired_(desired),
        options_(options),
        kube_(std::move(kube)),
        faults_(options.faults),
        checker_(desired_, kube_, faults_) {}

  absl::StatusOr<Timeline> Run();

 private:
  // --- bookkeeping -----------------------------------------------------
  void Event(std::string what) {
    timeline_.events.push_back({kube_.now(), round_, std::move(what)});
  }
  void Violation(std::string what) {
    std::string v = step_id_ > 0 ? absl::StrCat("plan ", round_, ", step ", step_id_, ": ", what)
                                 : absl::StrCat("plan ", round_, ": ", what);
    Event(absl::StrCat("VIOLATION: ", what));
    timeline_.violations.push_back(std::move(v));
  }
  void Violations(std::vector<std::string> found) {
    for (std::string& v : found) Violation(std::move(v));
  }
  void Events(std::vector<std::string> events) {
    for (std::string& e : events) Event(std::move(e));
  }
  // Records what changed since the last Sync(), judging PVC deletions.
  void Sync();
  // Reconcile at `t` (>= now) and record what changed.
  void Advance(absl::Time t);

  // --- rounds --------------------------------------------------------------
  enum class Round { kNext, kDone };
  absl::StatusOr<Round> RunRound(PlanFn& planner);
  // After a round that changed nothing: let time pass, or end the run as
  // blocked or stalled.
  Round Idle(const Plan& plan);
  // The run stalls at `plan`: blocked at an injected never-ready member, or
  // a violation.
  void Stall(const Plan& plan);

  // --- execution ----------------------------------------------------------
  // The executor's view of the simulated cluster: the library's one
  // executor (ExecutePlan) walks the plan and calls these; each call applies
  // the step's effect to the model through RunStep/Exec, where the invariants
  // are checked and the timeline written.
  class Client : public ClusterClient {
   public:
    explicit Client(Simulator& sim) : sim_(sim) {}
    absl::Time Now() override { return sim_.kube_.now(); }
    absl::StatusOr<ObservedState> Observe(const ObserveRequest&) override {
      return sim_.kube_.ToObservedState();
    }
    absl::StatusOr<Json> Apply(const Json& object, const ApplyOptions& options) override;
    absl::Status Delete(const ObjectRef& ref, const DeleteOptions& options) override;
    absl::StatusOr<ExecResult> Exec(const ExecRequest& request) override;
    absl::Status PatchMetadata(const ObjectRef& ref, const MetadataPatch& patch) override {
      return sim_.kube_.PatchMetadata(ref.kind, ref.name, patch.labels, patch.annotations);
    }
    absl::Status ResizePvc(const ObjectRef& pvc, const std::string& size) override;
    absl::StatusOr<bool> WaitForChange(const ObserveRequest&, absl::Time deadline,
                                       const std::function<bool()>&) override {
      int64_t before = sim_.kube_.version();
      std::optional<absl::Time> next = sim_.kube_.NextEventTime();
      sim_.Advance(next.has_value() ? std::min(*next, deadline) : deadline);
      return sim_.kube_.version() != before;
    }
    absl::Status SleepUntil(absl::Time deadline, const std::function<bool()>&) override {
      if (deadline > sim_.kube_.now()) sim_.Advance(deadline);
      return absl::OkStatus();
    }

   private:
    // The step ExecutePlan is running, or an error for a call outside one.
    absl::StatusOr<const Step*> Current(Action a, Action b) const;
    Simulator& sim_;
  };
  friend class Client;

  // Runs one pass of `plan` (ExecutePlan from `before`, the state it was
  // made from); in the waiting executor, then blocks at each wait it stopped
  // at until the wait holds or times out. False when a step could not
  // complete (the round ends).
  bool Execute(const Plan& plan, const ObservedState& before);
  // What the round does after the executor's pass ended as `pass` says.
  bool AfterPass(const Plan& plan, const PassResult& pass);
  // Bookkeeping after each step the executor ran: count it, let the
  // controllers run, fire the faults due at this step.
  void AfterStep();
  enum class Outcome { kDone, kStop };
  Outcome RunStep(const Step& step);
  Outcome Apply(const Step& step);
  Outcome Delete(const Step& step);
  Outcome Restart(const Step& step);
  Outcome ResizePvc(const Step& step);
  Outcome Exec(const Step& step);
  Outcome Wait(const Step& step);
  // Whether the wait condition holds now (CheckWait over the model).
  WaitStatus Holds(const WaitCondition& condition) const;

  const CompiledCluster& desired_;
  const SimulateOptions& options_;
  KubeModel kube_;
  FaultInjector faults_;
  InvariantChecker checker_;  // Reads kube_ and faults_.
  Timeline timeline_;
  int32_t round_ = 0;
  int32_t step_id_ = 0;     // Id of the step running (for messages).
  int32_t steps_run_ = 0;   // Steps executed so far.
  bool progress_ = false;   // Something happened this round besides objects.
  // Across rounds: the last plan's fingerprint, rounds in a row that
  // changed nothing, and when something last changed.
  std::string last_fingerprint_;
  int stalls_ = 0;
  absl::Time last_change_;
  Snapshot last_;  // As of the last Sync().
  std::optional<Step> current_;                 // The step the executor is running.
  std::map<std::string, HookRetry> retries_;    // The executor's gate/hook retries.
};

void Simulator::Sync() {
  Snapshot now = TakeSnapshot(kube_, desired_);
  for (Change& c : Diff(last_, now)) {
    Event(std::move(c.what));
    if (!c.deleted_pvc.empty()) Violations(checker_.PvcDeleted(c.deleted_pvc, c.member_left));
  }
  for (const auto& [name, view] : now.pods) {
    if (view.ready) faults_.Repaired(name);
  }
  last_ = std::move(now);
}

void Simulator::Advance(absl::Time t) {
  kube_.Reconcile(t);
  Sync();
}

Simulator::Outcome Simulator::Exec(const Step& step) {
  std::string hook = step.hook == Hook::kNone ? "exec" : HookName(step.hook);
  std::string in = step.pod.empty() ? step.target.name : step.pod;
  std::string target = step.target.kind == kube::kKindPod ? step.target.name : in;
  for (const std::string& env : step.env) {
    if (absl::StartsWith(env, "STRATA_TARGET_POD=")) {
      target = env.substr(std::string("STRATA_TARGET_POD=").size());
    }
  }
  const Json* pod = kube_.Find(kube::kKindPod, in);
  if (pod == nullptr || kube::StringAt(*pod, {"status", "phase"}) != "Running") {
    Event(absl::StrCat("exec ", hook, " in ", in, ": failed, the pod is not running"));
    return Outcome::kStop;
  }
  if (step.hook == Hook::kGate) {
    if (std::optional<int32_t> left = faults_.TakeGateFailure(target)) {
      progress_ = true;
      Event(absl::StrCat("exec gate in ", in, " for ", target,
                         ": exit 1 (injected gate-fails, ", *left, " left); ", target,
                         " is not disrupted this round"));
      return Outcome::kStop;
    }
    Event(absl::StrCat("exec gate in ", in, " for ", target, ": exit 0"));
    return Outcome::kDone;
  }
  checker_.HookRan(step.hook, target);
  Event(absl::StrCat("exec ", hook, " in ", in, ": exit 0"));
  progress_ = true;
  return Outcome::kDone;
}

WaitStatus Simulator::Holds(const WaitCondition& condition) const {
  return CheckWait(
      condition,
      [this](const std::string& kind, const std::string& name) { return kube_.Find(kind, name); },
      kube_.now());
}

Simulator::Outcome Simulator::Wait(const Step& step) {
  absl::Time started = kube_.now();
  absl::Duration timeout = step.timeout_seconds > 0 ? absl::Seconds(step.timeout_seconds)
                                                    : kDefaultWaitTimeout;
  absl::Time deadline = started + timeout;
  if (!step.condition.has_value()) {
    Violation(absl::StrCat("wait step ", step.id, " has no condition"));
    return Outcome::kStop;
  }
  const std::string text = step.condition->ToString();
  while (true) {
    WaitStatus status = Holds(*step.condition);
    if (status.holds) {
      Event(absl::StrCat("wait ", text, ": holds after ",
                         absl::FormatDuration(kube_.now() - started)));
      return Outcome::kDone;
    }
    std::optional<absl::Time> next = kube_.NextEventTime();
    if (HoldsByTimeAlone(*step.condition) && status.holds_at.has_value() &&
        *status.holds_at > kube_.now() && (!next.has_value() || *status.holds_at < *next)) {
      // It holds by time alone (a window opening, an interval passing): wait
      // for that moment, not the step's timeout. (A Ready pod's holds_at comes
      // from a lastTransitionTime in whole seconds, earlier than the model's
      // exact time; those waits keep following the model's events.)
      next = status.holds_at;
      deadline = std::max(deadline, *status.holds_at);
    }
    if (next.has_value() && *next <= deadline) {
      Advance(*next);
      continue;
    }
    if (kube_.now() < deadline) {
      Advance(deadline);
      continue;
    }
    Event(absl::StrCat("wait ", text, ": timed out after ", absl::FormatDuration(timeout), " (",
                       status.why, ")"));
    return Outcome::kStop;
  }
}

Simulator::Outcome Simulator::Apply(const Step& step) {
  const Target& t = step.target;
  Violations(checker_.BeforeApply(step));
  absl::Status s = kube_.Apply(step.object);
  std::string note;
  if (t.kind == kube::kKindStatefulSet) {
    note = absl::StrCat(" (replicas ", kube::IntAt(step.object, {"spec", "replicas"}, 1), ")");
  }
  if (!s.ok()) {
    Violation(absl::StrCat("the API server rejects ", s.message()));
    return Outcome::kStop;
  }
  Event(absl::StrCat("apply ", t.kind, " ", t.name, note));
  return Outcome::kDone;
}

Simulator::Outcome Simulator::Delete(const Step& step) {
  const Target& t = step.target;
  Violations(checker_.BeforeDelete(step));
  absl::Status s = kube_.Delete(t.kind, t.name, step.orphan);
  if (!s.ok() && s.code() != absl::StatusCode::kNotFound) {
    Violation(absl::StrCat("delete ", t.kind, " ", t.name, " failed: ", s.message()));
    return Outcome::kStop;
  }
  Event(absl::StrCat("delete ", t.kind, " ", t.name, step.orphan ? " (orphan)" : "",
                     s.ok() ? "" : " (already gone)"));
  return Outcome::kDone;
}

Simulator::Outcome Simulator::Restart(const Step& step) {
  const Target& t = step.target;
  Violations(checker_.BeforeRestart(step));
  absl::Status s = kube_.DeletePod(t.name);
  Event(absl::StrCat("restart ", t.name, s.ok() ? "" : " (no such pod)"));
  faults_.Restarted(t.name);
  return Outcome::kDone;
}

Simulator::Outcome Simulator::ResizePvc(const Step& step) {
  const Target& t = step.target;
  absl::Status s = kube_.ResizePvc(t.name, step.size);
  if (!s.ok()) {
    Violation(absl::StrCat("resizePvc ", t.name, " to ", step.size, " failed: ", s.message()));
    return Outcome::kStop;
  }
  Event(absl::StrCat("resizePvc ", t.name, " to ", step.size));
  return Outcome::kDone;
}

Simulator::Outcome Simulator::RunStep(const Step& step) {
  step_id_ = step.id;
  switch (step.action) {
    case Action::kApply:
      return Apply(step);
    case Action::kDelete:
      return Delete(step);
    case Action::kRestart:
      return Restart(step);
    case Action::kExec:
      return Exec(step);
    case Action::kWait:
      return Wait(step);
    case Action::kResizePvc:
      return ResizePvc(step);
  }
  return Outcome::kDone;
}

absl::StatusOr<const Step*> Simulator::Client::Current(Action a, Action b) const {
  if (!sim_.current_.has_value() ||
      (sim_.current_->action != a && sim_.current_->action != b)) {
    return absl::InternalError("the simulated cluster was called outside a plan step");
  }
  return &*sim_.current_;
}

absl::StatusOr<Json> Simulator::Client::Apply(const Json& object, const ApplyOptions& options) {
  if (options.dry_run) return object;
  absl::StatusOr<const Step*> step = Current(Action::kApply, Action::kApply);
  if (!step.ok()) return step.status();
  const Target& t = (*step)->target;
  if (std::optional<absl::Status> error =
          sim_.faults_.TakeApiError(t.kind, t.name, sim_.steps_run_)) {
    sim_.Event(absl::StrCat("FAULT: the API server answers apply ", t.kind, " ", t.name, ": ",
                            error->message()));
    return *error;
  }
  if (sim_.RunStep(**step) == Outcome::kStop) {
    return absl::InvalidArgumentError(
        absl::StrCat("apply ", (*step)->target.kind, " ", (*step)->target.name,
                     ": the simulated API server refused it"));
  }
  return object;
}

absl::Status Simulator::Client::Delete(const ObjectRef& ref, const DeleteOptions& options) {
  absl::StatusOr<const Step*> step = Current(Action::kDelete, Action::kRestart);
  if (!step.ok()) return step.status();
  if (const Json* have = sim_.kube_.Find(ref.kind, ref.name);
      have != nullptr && !options.uid.empty() &&
      kube::StringAt(*have, {"metadata", "uid"}) != options.uid) {
    sim_.Event(absl::StrCat("delete ", ref.kind, " ", ref.name,
                            ": refused, the uid precondition failed (recreated meanwhile)"));
    return absl::AbortedError(absl::StrCat("delete ", ref.kind, " ", ref.name,
                                           ": 409 Conflict: uid precondition"));
  }
  if (sim_.RunStep(**step) == Outcome::kStop) {
    return absl::InternalError(absl::StrCat("delete ", ref.kind, " ", ref.name, " failed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExecResult> Simulator::Client::Exec(const ExecRequest& request) {
  absl::StatusOr<const Step*> step = Current(Action::kExec, Action::kExec);
  if (!step.ok()) return step.status();
  const Json* pod = sim_.kube_.Find(kube::kKindPod, request.pod);
  const bool running = pod != nullptr && kube::StringAt(*pod, {"status", "phase"}) == "Running";
  if (sim_.Exec(**step) == Outcome::kDone) return ExecResult{};
  if (!running) {
    return absl::FailedPreconditionError(
        absl::StrCat("exec in ", request.pod, ": the pod is not running"));
  }
  return ExecResult{.exit_code = 1, .stderr_text = "injected gate-fails"};
}

absl::Status Simulator::Client::ResizePvc(const ObjectRef& pvc, const std::string& size) {
  absl::StatusOr<const Step*> step = Current(Action::kResizePvc, Action::kResizePvc);
  if (!step.ok()) return step.status();
  if (sim_.RunStep(**step) == Outcome::kStop) {
    return absl::InvalidArgumentError(
        absl::StrCat("resize PVC ", pvc.name, " to ", size, ": refused"));
  }
  return absl::OkStatus();
}

void Simulator::AfterStep() {
  ++steps_run_;
  ++timeline_.steps;
  Advance(kube_.now());
  Events(faults_.FireStep(steps_run_, kube_));
  Advance(kube_.now());
}

bool Simulator::Execute(const Plan& plan, const ObservedState& before) {
  checker_.PassStarts(plan);
  Client client(*this);
  ExecuteOptions options{
      .observed = &before,
      .on_event =
          [this](const ExecuteEvent& e) {
            if (!e.step.has_value()) return;
            if (e.kind == ExecuteEvent::Kind::kStepStarted) {
              current_ = *e.step;
              step_id_ = e.step->id;
              Violations(checker_.StepStarted(*e.step));
              return;
            }
            if (e.kind == ExecuteEvent::Kind::kStepSucceeded) checker_.StepSucceeded(e.step->id);
            if ((e.kind == ExecuteEvent::Kind::kStepSucceeded ||
                        e.kind == ExecuteEvent::Kind::kStepFailed) &&
                       e.step->action != Action::kWait) {
              AfterStep();
            }
          },
      .cluster = desired_.cluster,
      .pass = round_,
      .retries = &retries_};
  absl::StatusOr<PassResult> pass = ExecutePlan(plan, client, options);
  current_.reset();
  if (!pass.ok()) {
    Violation(absl::StrCat("the executor stopped: ", pass.status().message()));
    return false;
  }
  return AfterPass(plan, *pass);
}

bool Simulator::AfterPass(const Plan& plan, const PassResult& pass) {
  switch (pass.outcome) {
    case PassResult::Outcome::kStepFailed: {
      // A failed gate or hook: the executor retries it after its backoff.
      const Step& failed = plan.steps[*pass.failed - 1];
      auto it = retries_.find(RetryKey(failed));
      if (it != retries_.end() && it->second.retry_at > kube_.now()) {
        Advance(it->second.retry_at);
      }
      return false;
    }
    case PassResult::Outcome::kBlocked:
      Event(absl::StrCat("the executor is blocked: ", pass.message));
      return false;
    case PassResult::Outcome::kConflict:
    case PassResult::Outcome::kCancelled:
    case PassResult::Outcome::kDeadline:
      return false;
    case PassResult::Outcome::kConverged:
    case PassResult::Outcome::kProgressed:
      break;
  }
  // The waiting executor blocks at each wait the pass stopped at; the
  // replanning one observes and plans again at once.
  if (!options_.replan_at_wait) {
    for (int32_t id : pass.waiting) {
      const Step& step = plan.steps[id - 1];
      step_id_ = step.id;
      Outcome outcome = Wait(step);
      AfterStep();
      if (outcome == Outcome::kStop) return false;
    }
  }
  return true;
}

void Simulator::Stall(const Plan& plan) {
  std::vector<std::string> stuck;
  for (const std::string& pod : faults_.never_ready()) {
    if (faults_.Stuck(pod, kube_)) stuck.push_back(pod);
  }
  const Step& first = plan.steps[plan.next.empty() ? 0 : plan.next.front() - 1];
  if (stuck.empty()) {
    Violation(absl::StrCat("no progress: the same plan ", kStallRounds,
                           " times with nothing changing; first step: ", ActionName(first.action),
                           " ", first.target.kind, " ", first.target.name, " (", first.reason,
                           ")"));
    return;
  }
  timeline_.blocked = true;
  timeline_.blocked_reason = absl::StrCat(
      absl::StrJoin(stuck, ", "), stuck.size() == 1 ? " never becomes" : " never become",
      " Ready (injected never-ready fault); the plan stops at: ", first.reason);
  bool named = false;
  for (const Step& s : plan.steps) {
    for (const std::string& pod : stuck) {
      int32_t ordinal = 0;
      const CompiledRole* role = RoleOfPod(desired_, pod, &ordinal);
      named |= s.target.name == pod || (s.condition.has_value() && s.condition->target == pod) ||
               (role != nullptr &&
                (s.target.name == role->stateful_set || s.target.role == role->name));
    }
  }
  Event(absl::StrCat("blocked: ", timeline_.blocked_reason));
  if (!named) {
    Violation(absl::StrCat("the plan stalls at \"", first.reason,
                           "\" without naming the stuck member ", absl::StrJoin(stuck, ", ")));
  }
}

Simulator::Round Simulator::Idle(const Plan& plan) {
  std::optional<absl::Time> next = kube_.NextEventTime();
  // A wait that holds by time alone (a maintenance window opening, an
  // interval passing) is not a stall: let that time come.
  for (const Step& s : plan.steps) {
    if (!s.condition.has_value() || !HoldsByTimeAlone(*s.condition)) continue;
    WaitStatus w = Holds(*s.condition);
    if (!w.holds && w.holds_at.has_value() && *w.holds_at > kube_.now() &&
        (!next.has_value() || *w.holds_at < *next)) {
      next = w.holds_at;
    }
  }
  if (next.has_value()) {
    Advance(*next);
    return Round::kNext;  // The fingerprint is not remembered: not a stall.
  }
  std::string fingerprint = Fingerprint(plan);
  if (fingerprint == last_fingerprint_) ++stalls_;
  // Stuck: the same plan several times, nothing changing, and longer than
  // any of its steps would wait.
  int32_t longest = 300;
  for (const Step& s : plan.steps) longest = std::max(longest, s.timeout_seconds);
  if (stalls_ >= kStallRounds && kube_.now() - last_change_ >= absl::Seconds(longest)) {
    Stall(plan);
    return Round::kDone;
  }
  Advance(kube_.now() + kIdleBackoff);
  last_fingerprint_ = std::move(fingerprint);
  return Round::kNext;
}

absl::StatusOr<Simulator::Round> Simulator::RunRound(PlanFn& planner) {
  step_id_ = 0;
  if (round_ > options_.max_plans) {
    --round_;
    Violation(absl::StrCat("did not converge within ", options_.max_plans, " plans"));
    return Round::kDone;
  }
  ObservedState before = kube_.ToObservedState();
  int64_t version_before = kube_.version();
  faults_.NewRound();
  checker_.PlanMade();
  absl::StatusOr<Plan> plan =
      planner(desired_, before, PlanOptions{.now = kube_.now(), .approve = options_.approve});
  timeline_.plans = round_;
  if (!plan.ok()) {
    return absl::Status(plan.status().code(),
                        absl::StrCat("plan ", round_, " at ", Rfc3339(kube_.now()), ": ",
                                     plan.status().message()));
  }
  if (plan->steps.empty()) {
    Event("plan is empty: converged");
    timeline_.converged = true;
    Violations(checker_.Converged());
    return Round::kDone;
  }
  Violations(InvariantChecker::CheckPlanShape(*plan));
  Event(absl::StrCat("plan: ", plan->steps.size(), " step(s), next ",
                     absl::StrJoin(plan->next, ",")));
  progress_ = false;
  Execute(*plan, before);
  step_id_ = 0;
  if (progress_ || kube_.version() != version_before) {
    stalls_ = 0;
    last_change_ = kube_.now();
    last_fingerprint_ = Fingerprint(*plan);
    return Round::kNext;
  }
  return Idle(*plan);
}

absl::StatusOr<Timeline> Simulator::Run() {
  timeline_.start = kube_.now();
  last_change_ = kube_.now();
  last_ = TakeSnapshot(kube_, desired_);
  Events(faults_.Start(kube_));
  PlanFn planner = options_.planner ? options_.planner : PlanFn(PlanRollout);
  for (round_ = 1;; ++round_) {
    STRATA_ASSIGN_OR_RETURN(Round r, RunRound(planner));
    if (r == Round::kDone) break;
  }
  timeline_.final_state = kube_.ToObservedState();
  timeline_.ok = timeline_.violations.empty() &&
                 (timeline_.converged || (timeline_.blocked && faults_.HasNeverReady()));
  return timeline_;
}

}  // namespace
}  // namespace sim

absl::StatusOr<Timeline> Simulate(const CompiledCluster& desired, const ObservedState& initial,
                                  const SimulateOptions& options) {
  STRATA_RETURN_IF_ERROR(sim::CheckFaultTargets(options.faults, desired, initial));
  KubeModelOptions model_options = ModelOptionsFor(desired);
  model_options.ready_delay = options.ready_delay;
  model_options.resize_delay = options.resize_delay;
  STRATA_ASSIGN_OR_RETURN(KubeModel kube,
                          KubeModel::FromObservedState(initial, model_options, options.start));
  sim::Simulator simulator(desired, options, std::move(kube));
  return simulator.Run();
}

}  // namespace strata
