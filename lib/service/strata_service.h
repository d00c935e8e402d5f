// The strata.v1.Strata gRPC service: a thin adapter over the core.
//
// Each RPC converts its request (LoadInput: texts through Load, structured
// messages through lib/proto's FromProto), calls the core (Check, Resolve,
// Compile, PlanRollout, Simulate), converts the result and finishes with
// ToGrpcStatus. The work runs on the gRPC callback thread that received the
// call; it is CPU-bound and does no I/O. The call is refused before any work
// when it is already cancelled or past its deadline, and answered
// DEADLINE_EXCEEDED / CANCELLED instead of the result when that happened
// while the core ran (the core is not interruptible; ServiceOptions bound the
// work instead).
//
// Example:
//   StrataServiceImpl service(ServiceOptions{});
//   grpc::ServerBuilder builder;
//   builder.RegisterService(&service);

#ifndef STRATA_SERVICE_STRATA_SERVICE_H_
#define STRATA_SERVICE_STRATA_SERVICE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/input.h"
#include "strata/diagnostic.h"
#include "strata/pipeline.h"
#include "strata/validate.h"
#include "strata/v1/service.grpc.pb.h"

namespace strata::service_internal {

struct ServiceOptions {
  InputLimits limits;
  // Upper bound (and default) of SimulateOptions.max_plans. >= 1.
  int32_t max_simulate_plans = 10000;
  // Longest EchoRequest.delay accepted.
  absl::Duration max_echo_delay = absl::Seconds(10);
  // PlanRequest.now when the request leaves it unset.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

// Returns body()'s status. An exception escaping it becomes a status with a
// message instead (std::bad_alloc RESOURCE_EXHAUSTED, any other INTERNAL
// naming it), so no call ends without a message or takes the process down.
absl::Status Guarded(absl::FunctionRef<absl::Status()> body);

class StrataServiceImpl final : public v1::Strata::CallbackService {
 public:
  explicit StrataServiceImpl(ServiceOptions options = {});

  grpc::ServerUnaryReactor* Validate(grpc::CallbackServerContext* context,
                                     const v1::ValidateRequest* request,
                                     v1::ValidateResponse* response) override;
  grpc::ServerUnaryReactor* Compile(grpc::CallbackServerContext* context,
                                    const v1::CompileRequest* request,
                                    v1::CompileResponse* response) override;
  grpc::ServerUnaryReactor* Plan(grpc::CallbackServerContext* context,
                                 const v1::PlanRequest* request,
                                 v1::PlanResponse* response) override;
  grpc::ServerUnaryReactor* Simulate(grpc::CallbackServerContext* context,
                                     const v1::SimulateRequest* request,
                                     v1::SimulateResponse* response) override;
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const v1::EchoRequest* request,
                                 v1::EchoResponse* response) override;

 private:
  // Runs `body` unless the call already ended, then finishes the call with
  // its status (DEADLINE_EXCEEDED / CANCELLED when the call ended meanwhile).
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                absl::FunctionRef<absl::Status()> body);

  // LoadInput within the limits, then the core's Prepare(); a wrong Cluster
  // choice becomes InvalidArgument naming the request's `cluster` field.
  absl::StatusOr<Prepared> Prepare(const v1::Input& input, const PrepareOptions& options) const;

  const ServiceOptions options_;
};

}  // namespace strata::service_internal

#endif  // STRATA_SERVICE_STRATA_SERVICE_H_
