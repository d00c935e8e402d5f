#include "service/strata_service.h"

#include <chrono>
#include <exception>
#include <new>
#include <memory>
#include <string>
#include <utility>

#include <grpcpp/alarm.h>

#include "absl/strings/str_cat.h"
#include "service/convert.h"
#include "service/grpc_status.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/emit.h"
#include "strata/observed_state.h"
#include "strata/pipeline.h"
#include "strata/plan.h"
#include "strata/plan_diff.h"
#include "strata/simulate.h"
#include "util/status_macros.h"

namespace strata::service_internal {
namespace {

// Returns DEADLINE_EXCEEDED or CANCELLED when the call has ended, else OK.
absl::Status CallEnded(grpc::CallbackServerContext* context) {
  if (context->deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline exceeded");
  }
  if (context->IsCancelled()) return absl::CancelledError("cancelled by the client");
  return absl::OkStatus();
}

// Returns the observed state held by `text` (empty: nothing exists yet),
// within the request's limits.
absl::StatusOr<ObservedState> Observed(const std::string& text, const v1::Input& input,
                                       const InputLimits& limits) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return ObservedState{};
  STRATA_ASSIGN_OR_RETURN(Limits core, RequestLimits(input, limits));
  return ParseObservedState(text, "observed", core);
}

// The request's compile options: its limits (max_members, ConfigMap size).
absl::StatusOr<CompileOptions> CompileOptionsFor(const v1::Input& input,
                                                 const InputLimits& limits) {
  STRATA_ASSIGN_OR_RETURN(Limits core, RequestLimits(input, limits));
  return CompileOptions{.limits = core};
}

// Answers an Echo after its delay, or earlier when the call is cancelled.
class DelayedEcho final : public grpc::ServerUnaryReactor {
 public:
  explicit DelayedEcho(absl::Duration delay) {
    alarm_.Set(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(delay),
               [this](bool fired) {
                 Finish(fired ? grpc::Status::OK
                              : grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
               });
  }

  // Makes the alarm fire at once with fired = false.
  void OnCancel() override { alarm_.Cancel(); }
  void OnDone() override { delete this; }

 private:
  grpc::Alarm alarm_;
};

}  // namespace

absl::Status Guarded(absl::FunctionRef<absl::Status()> body) {
  // The gRPC boundary: nothing a request does may escape as an exception (the
  // library would answer with no message, or the process abort).
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        "out of memory while answering the request; it is too large for this server");
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("internal error (a bug in strata): ", e.what()));
  } catch (...) {
    return absl::InternalError("internal error (a bug in strata): unknown exception");
  }
}

StrataServiceImpl::StrataServiceImpl(ServiceOptions options) : options_(std::move(options)) {}

grpc::ServerUnaryReactor* StrataServiceImpl::Run(grpc::CallbackServerContext* context,
                                                 absl::FunctionRef<absl::Status()> body) {
  absl::Status status = CallEnded(context);
  if (status.ok()) status = Guarded(body);
  if (status.ok()) status = CallEnded(context);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::StatusOr<Prepared> StrataServiceImpl::Prepare(const v1::Input& input,
                                                    const PrepareOptions& options) const {
  STRATA_ASSIGN_OR_RETURN(Documents documents, LoadInput(input, options_.limits));
  PrepareOptions with_limits = options;
  STRATA_ASSIGN_OR_RETURN(with_limits.limits, RequestLimits(input, options_.limits));
  absl::StatusOr<Prepared> prepared = ::strata::Prepare(std::move(documents), with_limits);
  // A wrong Cluster choice is a bad `cluster` field of the request: its
  // diagnostic names the field, its message is the core's, as every front
  // end prints it.
  if (prepared.status().code() == absl::StatusCode::kNotFound ||
      prepared.status().code() == absl::StatusCode::kFailedPrecondition) {
    absl::Status field = RequestError("cluster", prepared.status().message());
    absl::Status out(absl::StatusCode::kInvalidArgument, prepared.status().message());
    out.SetPayload(kDiagnosticsPayloadUrl, *field.GetPayload(kDiagnosticsPayloadUrl));
    return out;
  }
  return prepared;
}

grpc::ServerUnaryReactor* StrataServiceImpl::Validate(grpc::CallbackServerContext* context,
                                                      const v1::ValidateRequest* request,
                                                      v1::ValidateResponse* response) {
  return Run(context, [&]() -> absl::Status {
    STRATA_ASSIGN_OR_RETURN(Prepared input,
                            Prepare(request->input(), PrepareOptions{.need_cluster = false}));
    AddWarnings(input.warnings, response->mutable_warnings());
    for (const AppDocument& app : input.documents.apps) response->add_apps(app.app.name);
    for (const ClusterDocument& c : input.documents.clusters) {
      response->add_clusters(c.cluster.name);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StrataServiceImpl::Compile(grpc::CallbackServerContext* context,
                                                     const v1::CompileRequest* request,
                                                     v1::CompileResponse* response) {
  return Run(context, [&]() -> absl::Status {
    STRATA_ASSIGN_OR_RETURN(Prepared input,
                            Prepare(request->input(), {.cluster = request->cluster()}));
    STRATA_ASSIGN_OR_RETURN(CompileOptions compile_options,
                            CompileOptionsFor(request->input(), options_.limits));
    STRATA_ASSIGN_OR_RETURN(std::vector<CompiledCluster> all,
                            CompileAll(input, compile_options));
    for (const CompiledCluster& compiled : all) {
      v1::CompiledCluster* out = response->add_clusters();
      out->set_cluster(compiled.cluster);
      out->set_namespace_(compiled.namespace_);
      out->set_app(compiled.app);
      out->mutable_objects()->Reserve(static_cast<int>(compiled.objects.size()));
      std::string* yaml = out->mutable_yaml();
      for (const Object& object : compiled.objects) {
        v1::Object* o = out->add_objects();
        o->set_kind(object.kind);
        o->set_name(object.name);
        o->set_role(object.role);
        // Straight into the message's string: the bytes of body.dump(), with
        // invalid UTF-8 replaced (U+FFFD) rather than throwing mid-response.
        AppendJson(object.body, -1, *o->mutable_json());
        *yaml += "---\n";
        AppendYaml(object.body, *yaml);
      }
    }
    AddWarnings(input.warnings, response->mutable_warnings());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StrataServiceImpl::Plan(grpc::CallbackServerContext* context,
                                                  const v1::PlanRequest* request,
                                                  v1::PlanResponse* response) {
  return Run(context, [&]() -> absl::Status {
    STRATA_ASSIGN_OR_RETURN(
        Prepared input,
        Prepare(request->input(), {.cluster = request->cluster(), .need_one = true}));
    STRATA_ASSIGN_OR_RETURN(ObservedState observed, Observed(request->observed(), request->input(), options_.limits));
    PlanOptions plan_options{.now = options_.clock()};
    if (request->has_now()) {
      STRATA_ASSIGN_OR_RETURN(plan_options.now, TimeFromProto(request->now(), "now"));
    }
    STRATA_ASSIGN_OR_RETURN(CompileOptions compile_options,
                            CompileOptionsFor(request->input(), options_.limits));
    STRATA_ASSIGN_OR_RETURN(std::vector<CompiledCluster> all,
                            CompileAll(input, compile_options));
    STRATA_ASSIGN_OR_RETURN(::strata::Plan plan,
                            PlanRollout(all.front(), observed, plan_options));
    *response->mutable_plan() = PlanToProto(plan);
    response->set_text(PlanToText(plan));
    PlanDiff diff = DiffPlan(all.front(), observed, plan);
    response->set_diff(PlanDiffToText(diff));
    v1::DiffSummary* summary = response->mutable_diff_summary();
    summary->set_to_add(diff.to_add);
    summary->set_to_change(diff.to_change);
    summary->set_to_delete(diff.to_delete);
    summary->set_restarts(static_cast<int32_t>(diff.restarts.size()));
    AddWarnings(input.warnings, response->mutable_warnings());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StrataServiceImpl::Simulate(grpc::CallbackServerContext* context,
                                                      const v1::SimulateRequest* request,
                                                      v1::SimulateResponse* response) {
  return Run(context, [&]() -> absl::Status {
    const v1::SimulateOptions& in = request->options();
    SimulateOptions options;
    if (in.has_start()) {
      STRATA_ASSIGN_OR_RETURN(options.start, TimeFromProto(in.start(), "options.start"));
    }
    if (in.has_ready_delay()) {
      STRATA_ASSIGN_OR_RETURN(options.ready_delay,
                              DurationFromProto(in.ready_delay(), "options.ready_delay"));
      if (options.ready_delay < absl::ZeroDuration()) {
        return RequestError("options.ready_delay", "must be >= 0");
      }
    }
    if (in.max_plans() < 0) return RequestError("options.max_plans", "must be >= 0");
    options.max_plans = in.max_plans() == 0
                            ? options_.max_simulate_plans
                            : std::min(in.max_plans(), options_.max_simulate_plans);
    STRATA_ASSIGN_OR_RETURN(options.faults, FaultsFromProto(request->faults()));
    if (!request->fault_spec().empty()) {
      absl::StatusOr<std::vector<Fault>> parsed = ParseFaults(request->fault_spec());
      if (!parsed.ok()) return RequestError("fault_spec", parsed.status().message());
      options.faults.insert(options.faults.end(), parsed->begin(), parsed->end());
    }

    STRATA_ASSIGN_OR_RETURN(
        Prepared input,
        Prepare(request->input(), {.cluster = request->cluster(), .need_one = true}));
    STRATA_ASSIGN_OR_RETURN(ObservedState observed, Observed(request->observed(), request->input(), options_.limits));
    STRATA_ASSIGN_OR_RETURN(CompileOptions compile_options,
                            CompileOptionsFor(request->input(), options_.limits));
    STRATA_ASSIGN_OR_RETURN(std::vector<CompiledCluster> all,
                            CompileAll(input, compile_options));
    const CompiledCluster& compiled = all.front();
    // Planning rounds are where a long simulation can stop: a cancelled or
    // expired call ends it at the next round.
    options.planner = [context](const CompiledCluster& desired, const ObservedState& state,
                                const PlanOptions& plan_options) -> absl::StatusOr<::strata::Plan> {
      STRATA_RETURN_IF_ERROR(CallEnded(context));
      return PlanRollout(desired, state, plan_options);
    };
    STRATA_ASSIGN_OR_RETURN(Timeline timeline, ::strata::Simulate(compiled, observed, options));
    TimelineToProto(timeline, response);
    AddWarnings(input.warnings, response->mutable_warnings());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StrataServiceImpl::Echo(grpc::CallbackServerContext* context,
                                                  const v1::EchoRequest* request,
                                                  v1::EchoResponse* response) {
  absl::StatusOr<absl::Duration> delay = absl::ZeroDuration();
  if (request->has_delay()) delay = DurationFromProto(request->delay(), "delay");
  if (delay.ok() && (*delay < absl::ZeroDuration() || *delay > options_.max_echo_delay)) {
    delay = RequestError("delay", absl::StrCat("must be between 0 and ",
                                               absl::FormatDuration(options_.max_echo_delay)));
  }
  if (!delay.ok() || *delay == absl::ZeroDuration()) {
    return Run(context, [&]() -> absl::Status {
      STRATA_RETURN_IF_ERROR(delay.status());
      response->set_message(request->message());
      return absl::OkStatus();
    });
  }
  response->set_message(request->message());
  return new DelayedEcho(*delay);
}

}  // namespace strata::service_internal
