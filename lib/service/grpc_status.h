// absl::Status -> grpc::Status for the strata service.
//
// The codes are the same by design, so the conversion is a cast. An
// INVALID_ARGUMENT additionally carries its diagnostics (strata/diagnostic.h)
// as the standard rich error model: `grpc-status-details-bin` holds a
// google.rpc.Status whose details are a google.rpc.BadRequest (one field
// violation per diagnostic: field = path in the document, description =
// "FILE:LINE:COL: PATH: message") and a strata.v1.Diagnostics.
//
// Trailers must fit the peer's metadata limit (8 KiB by default in every gRPC
// implementation), so the message keeps at most kMaxStatusMessageBytes and the
// details at most kMaxStatusDetailsBytes; what is cut is counted
// ("... and 12 more errors").
//
// Example:
//   reactor->Finish(ToGrpcStatus(Compile(topology, {}).status()));

#ifndef STRATA_SERVICE_GRPC_STATUS_H_
#define STRATA_SERVICE_GRPC_STATUS_H_

#include <cstddef>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace strata::service_internal {

inline constexpr size_t kMaxStatusMessageBytes = 1024;
inline constexpr size_t kMaxStatusDetailsBytes = 4096;

// Returns `status` as a grpc::Status with the same code and message (cut to
// fit the limits above); INVALID_ARGUMENT gets the error details.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace strata::service_internal

#endif  // STRATA_SERVICE_GRPC_STATUS_H_
