// Fuzzes the gRPC request path: a serialized strata.v1.SimulateRequest (the
// richest request: input sources and structured Apps/Clusters, observed
// state, faults, fault spec, times, durations) goes through the conversions
// strata-server runs (lib/service/input.h, convert.h; lib/proto FromProto)
// and, when they succeed, compile, plan and a short simulation whose
// responses are built and serialized as the server does.
//
// Invariants beyond "no crash, no sanitizer finding":
// - every failure is an input error with a UTF-8 message (never kInternal,
//   which the server would answer as a server bug);
// - structured Apps/Clusters survive FromProto -> ToProto -> FromProto;
// - every response serializes and parses back (a proto3 string that is not
//   UTF-8 makes clients fail to decode it).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "fuzz/fuzz_util.h"
#include "proto/convert.h"
#include "service/convert.h"
#include "service/input.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/emit.h"
#include "strata/limits.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "strata/simulate.h"
#include "strata/validate.h"
#include "strata/v1/service.pb.h"

namespace strata::fuzz {
namespace {

template <typename Message>
void CheckWire(const Message& message) {
  std::string wire;
  FUZZ_CHECK(message.SerializeToString(&wire), "response does not serialize");
  Message back;
  FUZZ_CHECK(back.ParseFromString(wire), "a client cannot parse the response");
}

// The first topology of `documents` after Check(), as the service's
// Topologies() picks it; nullopt after reporting an input error.
std::optional<Topology> FirstTopology(const Documents& documents) {
  std::vector<Diagnostic> found = Check(documents);
  absl::Status status = StatusFromDiagnostics(found);
  if (!status.ok()) {
    CheckInputError(status);
    return std::nullopt;
  }
  v1::ValidateResponse validate;
  service_internal::AddWarnings(found, validate.mutable_warnings());
  CheckWire(validate);
  if (documents.clusters.empty()) return std::nullopt;
  const AppDocument* app = documents.FindApp(documents.clusters[0].cluster.app);
  FUZZ_CHECK(app != nullptr, "Check() passed a Cluster without its App");
  return Topology{.app = app->app, .cluster = documents.clusters[0].cluster};
}

void Run(const v1::SimulateRequest& request) {
  using service_internal::InputLimits;
  for (const v1::App& p : request.input().apps()) {
    absl::StatusOr<App> app = FromProto(p);
    if (!app.ok()) continue;
    absl::StatusOr<App> again = FromProto(ToProto(*app));
    FUZZ_CHECK(again.ok() && *again == *app, "App changed in a proto round trip");
  }
  for (const v1::Cluster& p : request.input().clusters()) {
    absl::StatusOr<Cluster> cluster = FromProto(p);
    if (!cluster.ok()) continue;
    absl::StatusOr<Cluster> again = FromProto(ToProto(*cluster));
    FUZZ_CHECK(again.ok() && *again == *cluster, "Cluster changed in a proto round trip");
  }

  InputLimits limits;
  absl::StatusOr<Documents> documents = service_internal::LoadInput(request.input(), limits);
  if (!documents.ok()) return CheckInputError(documents.status());
  // The request's own limits (Input.limits), as the server uses them.
  absl::StatusOr<Limits> core = service_internal::RequestLimits(request.input(), limits);
  FUZZ_CHECK(core.ok(), "LoadInput accepted limits RequestLimits refuses");

  SimulateOptions options;
  const v1::SimulateOptions& in = request.options();
  if (in.has_start()) {
    absl::StatusOr<absl::Time> start = service_internal::TimeFromProto(in.start(), "start");
    if (!start.ok()) return CheckInputError(start.status());
    options.start = *start;
  }
  if (in.has_ready_delay()) {
    absl::StatusOr<absl::Duration> delay =
        service_internal::DurationFromProto(in.ready_delay(), "ready_delay");
    if (!delay.ok()) return CheckInputError(delay.status());
    if (*delay < absl::ZeroDuration()) return;
    options.ready_delay = *delay;
  }
  absl::StatusOr<std::vector<Fault>> faults = service_internal::FaultsFromProto(request.faults());
  if (!faults.ok()) return CheckInputError(faults.status());
  options.faults = *faults;
  if (!request.fault_spec().empty()) {
    absl::StatusOr<std::vector<Fault>> parsed = ParseFaults(request.fault_spec());
    if (!parsed.ok()) return CheckInputError(parsed.status());
    options.faults.insert(options.faults.end(), parsed->begin(), parsed->end());
  }
  // A few rounds exercise the timeline; long runs are the property test's.
  options.max_plans = std::clamp(in.max_plans(), 1, 8);

  std::optional<Topology> topology = FirstTopology(*documents);
  if (!topology.has_value()) return;
  absl::StatusOr<CompiledCluster> compiled = Compile(*topology, CompileOptions{.limits = *core});
  if (!compiled.ok()) return CheckInputError(compiled.status());
  v1::CompileResponse compile;
  v1::CompiledCluster* out = compile.add_clusters();
  for (const Object& object : compiled->objects) out->add_objects()->set_json(object.body.dump());
  out->set_yaml(ToYaml(compiled->objects));
  CheckWire(compile);

  ObservedState observed;
  if (request.observed().find_first_not_of(" \t\r\n") != std::string::npos) {
    absl::StatusOr<ObservedState> parsed =
        ParseObservedState(request.observed(), "observed", *core);
    if (!parsed.ok()) return CheckInputError(parsed.status());
    observed = *std::move(parsed);
  }
  absl::StatusOr<Plan> plan = PlanRollout(*compiled, observed, {.now = options.start});
  if (!plan.ok()) return CheckInputError(plan.status());
  v1::PlanResponse plan_response;
  *plan_response.mutable_plan() = service_internal::PlanToProto(*plan);
  plan_response.set_text(PlanToText(*plan));
  CheckWire(plan_response);

  absl::StatusOr<Timeline> timeline = Simulate(*compiled, observed, options);
  if (!timeline.ok()) return CheckInputError(timeline.status());
  v1::SimulateResponse simulate;
  service_internal::TimelineToProto(*timeline, &simulate);
  CheckWire(simulate);
}

}  // namespace
}  // namespace strata::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strata::v1::SimulateRequest request;
  // gRPC answers an undecodable request itself; nothing of ours runs.
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  strata::fuzz::Run(request);
  return 0;
}
