#include "service/convert.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "strata/json.h"
#include "strata/observed_state.h"

namespace strata::service_internal {
namespace {

v1::Action ActionToProto(Action action) {
  switch (action) {
    case Action::kApply:
      return v1::ACTION_APPLY;
    case Action::kDelete:
      return v1::ACTION_DELETE;
    case Action::kRestart:
      return v1::ACTION_RESTART;
    case Action::kExec:
      return v1::ACTION_EXEC;
    case Action::kWait:
      return v1::ACTION_WAIT;
    case Action::kResizePvc:
      return v1::ACTION_RESIZE_PVC;
  }
  return v1::ACTION_UNSPECIFIED;
}

v1::Phase PhaseToProto(Phase phase) {
  switch (phase) {
    case Phase::kObjects:
      return v1::PHASE_OBJECTS;
    case Phase::kStorage:
      return v1::PHASE_STORAGE;
    case Phase::kRepair:
      return v1::PHASE_REPAIR;
    case Phase::kMembership:
      return v1::PHASE_MEMBERSHIP;
    case Phase::kUpdate:
      return v1::PHASE_UPDATE;
    case Phase::kReady:
      return v1::PHASE_READY;
    case Phase::kCleanup:
      return v1::PHASE_CLEANUP;
    case Phase::kRemoval:
      return v1::PHASE_REMOVAL;
  }
  return v1::PHASE_UNSPECIFIED;
}

v1::Hook HookToProto(Hook hook) {
  switch (hook) {
    case Hook::kNone:
      return v1::HOOK_NONE;
    case Hook::kGate:
      return v1::HOOK_GATE;
    case Hook::kMemberLeave:
      return v1::HOOK_MEMBER_LEAVE;
    case Hook::kMemberJoin:
      return v1::HOOK_MEMBER_JOIN;
  }
  return v1::HOOK_NONE;
}

v1::WaitCondition::Kind WaitKindToProto(WaitCondition::Kind kind) {
  switch (kind) {
    case WaitCondition::Kind::kPodReady:
      return v1::WaitCondition::KIND_POD_READY;
    case WaitCondition::Kind::kRoleReady:
      return v1::WaitCondition::KIND_ROLE_READY;
    case WaitCondition::Kind::kPvcCapacity:
      return v1::WaitCondition::KIND_PVC_CAPACITY;
    case WaitCondition::Kind::kRoleStopped:
      return v1::WaitCondition::KIND_ROLE_STOPPED;
    case WaitCondition::Kind::kApproval:
      return v1::WaitCondition::KIND_APPROVAL;
    case WaitCondition::Kind::kWindow:
      return v1::WaitCondition::KIND_WINDOW;
    case WaitCondition::Kind::kNotBefore:
      return v1::WaitCondition::KIND_NOT_BEFORE;
  }
  return v1::WaitCondition::KIND_UNSPECIFIED;
}

void WaitToProto(const WaitCondition& c, v1::WaitCondition* out) {
  out->set_kind(WaitKindToProto(c.kind));
  out->set_target(c.target);
  out->set_stateful_set(c.stateful_set);
  out->set_count(c.count);
  out->set_min_ready_seconds(c.min_ready_seconds);
  out->set_size(c.size);
  out->set_text(c.ToString());
}

// Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
constexpr int32_t kNanosPerSecond = 1000000000;

}  // namespace

absl::Status RequestError(absl::string_view field, absl::string_view message) {
  return StatusFromDiagnostics(
      {Diagnostic{.path = std::string(field), .message = std::string(message)}});
}

v1::Diagnostic DiagnosticToProto(const Diagnostic& d) {
  v1::Diagnostic out;
  out.set_severity(d.severity == Diagnostic::Severity::kWarning
                       ? v1::Diagnostic::SEVERITY_WARNING
                       : v1::Diagnostic::SEVERITY_ERROR);
  out.set_file(d.file);
  out.set_document(d.document);
  out.set_line(d.line);
  out.set_column(d.column);
  out.set_path(d.path);
  out.set_message(d.message);
  out.set_text(d.ToString());
  return out;
}

void AddWarnings(const std::vector<Diagnostic>& diagnostics,
                 google::protobuf::RepeatedPtrField<v1::Diagnostic>* out) {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Diagnostic::Severity::kWarning) *out->Add() = DiagnosticToProto(d);
  }
}

v1::Plan PlanToProto(const Plan& plan) {
  v1::Plan out;
  out.set_cluster(plan.cluster);
  out.set_namespace_(plan.namespace_);
  out.set_converged(plan.converged);
  for (const Step& step : plan.steps) {
    v1::Step* s = out.add_steps();
    s->set_id(step.id);
    s->set_action(ActionToProto(step.action));
    v1::Target* target = s->mutable_target();
    target->set_kind(step.target.kind);
    target->set_name(step.target.name);
    target->set_role(step.target.role);
    if (step.target.ordinal.has_value()) target->set_ordinal(*step.target.ordinal);
    for (int32_t id : step.after) s->add_after(id);
    s->set_reason(step.reason);
    if (!step.object.is_null()) s->set_object(step.object.dump());
    s->set_orphan(step.orphan);
    s->set_size(step.size);
    for (const std::string& arg : step.command) s->add_command(arg);
    s->set_pod(step.pod);
    for (const std::string& entry : step.env) s->add_env(entry);
    if (step.condition.has_value()) {
      s->set_condition(step.condition->ToString());
      WaitToProto(*step.condition, s->mutable_wait());
    }
    if (step.timeout_seconds > 0) s->mutable_timeout()->set_seconds(step.timeout_seconds);
    s->set_phase(PhaseToProto(step.phase));
    s->set_hook(HookToProto(step.hook));
  }
  for (int32_t id : plan.next) out.add_next(id);
  for (const std::string& note : plan.notes) out.add_notes(note);
  out.set_blocked(plan.blocked);
  out.set_blocked_reason(plan.blocked_reason);
  return out;
}

void TimelineToProto(const Timeline& timeline, v1::SimulateResponse* out) {
  for (const TimelineEvent& event : timeline.events) {
    v1::TimelineEvent* e = out->add_events();
    *e->mutable_time() = TimeToProto(event.time);
    e->set_plan(event.plan);
    e->set_what(event.what);
  }
  for (const std::string& v : timeline.violations) out->add_violations(v);
  out->set_converged(timeline.converged);
  out->set_blocked(timeline.blocked);
  out->set_blocked_reason(timeline.blocked_reason);
  out->set_plans(timeline.plans);
  out->set_steps(timeline.steps);
  out->set_ok(timeline.ok);
  out->set_final_state(ObservedStateToList(timeline.final_state).dump());
  out->set_text(TimelineToText(timeline));
}

absl::StatusOr<std::vector<Fault>> FaultsFromProto(
    const google::protobuf::RepeatedPtrField<v1::Fault>& faults) {
  std::vector<Fault> out;
  for (int i = 0; i < faults.size(); ++i) {
    const v1::Fault& f = faults[i];
    std::string where = absl::StrCat("faults[", i, "]");
    Fault fault;
    switch (f.kind()) {
      case v1::Fault::KIND_NEVER_READY:
        fault.kind = Fault::Kind::kNeverReady;
        break;
      case v1::Fault::KIND_POD_DIES:
        fault.kind = Fault::Kind::kPodDies;
        break;
      case v1::Fault::KIND_GATE_FAILS:
        fault.kind = Fault::Kind::kGateFails;
        break;
      case v1::Fault::KIND_NODE_LOSS:
        fault.kind = Fault::Kind::kNodeLoss;
        break;
      default:
        return RequestError(absl::StrCat(where, ".kind"), "required");
    }
    if (f.pods().empty()) {
      return RequestError(absl::StrCat(where, ".pods"), "at least one pod is required");
    }
    if (fault.kind != Fault::Kind::kNodeLoss && f.pods_size() != 1) {
      return RequestError(absl::StrCat(where, ".pods"),
                          "exactly one pod is required for this kind");
    }
    bool needs_step = fault.kind == Fault::Kind::kPodDies || fault.kind == Fault::Kind::kNodeLoss;
    if (needs_step && f.at_step() < 1) {
      return RequestError(absl::StrCat(where, ".at_step"), "must be >= 1");
    }
    if (fault.kind == Fault::Kind::kGateFails && f.times() < 1) {
      return RequestError(absl::StrCat(where, ".times"), "must be >= 1");
    }
    fault.pods.assign(f.pods().begin(), f.pods().end());
    fault.at_step = f.at_step();
    fault.times = f.times();
    out.push_back(std::move(fault));
  }
  return out;
}

absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& t,
                                         absl::string_view field) {
  if (t.seconds() < kMinTimestampSeconds || t.seconds() > kMaxTimestampSeconds ||
      t.nanos() < 0 || t.nanos() >= kNanosPerSecond) {
    return RequestError(field, absl::StrCat("not a valid timestamp (seconds ", t.seconds(),
                                          ", nanos ", t.nanos(), ")"));
  }
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

google::protobuf::Timestamp TimeToProto(absl::Time t) {
  google::protobuf::Timestamp out;
  int64_t nanos = absl::ToUnixNanos(t);
  int64_t seconds = nanos / kNanosPerSecond;
  int64_t rest = nanos % kNanosPerSecond;
  if (rest < 0) {
    rest += kNanosPerSecond;
    --seconds;
  }
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rest));
  return out;
}

absl::StatusOr<absl::Duration> DurationFromProto(const google::protobuf::Duration& d,
                                                 absl::string_view field) {
  bool mixed_signs = (d.seconds() > 0 && d.nanos() < 0) || (d.seconds() < 0 && d.nanos() > 0);
  if (mixed_signs || d.nanos() <= -kNanosPerSecond || d.nanos() >= kNanosPerSecond ||
      d.seconds() > 315576000000 || d.seconds() < -315576000000) {
    return RequestError(field, "not a valid duration");
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

google::protobuf::Duration DurationToProto(absl::Duration d) {
  google::protobuf::Duration out;
  absl::Duration rest;
  int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &rest);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
  return out;
}

}  // namespace strata::service_internal
