// Conversions between the core's result types and the strata.v1 service
// messages (proto/strata/v1/service.proto, plan.proto). The input direction
// (App/Cluster protos -> model) is lib/proto's FromProto; this file covers
// what only the service needs: diagnostics, plans, timelines, faults, times.

#ifndef STRATA_SERVICE_CONVERT_H_
#define STRATA_SERVICE_CONVERT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "strata/diagnostic.h"
#include "strata/plan.h"
#include "strata/simulate.h"
#include "strata/v1/plan.pb.h"
#include "strata/v1/service.pb.h"

namespace strata::service_internal {

// Returns InvalidArgument for a bad request field: one Diagnostic with path
// `field` (a request field path, "faults[1].kind") and `message`, so the
// BadRequest detail names the field.
absl::Status RequestError(absl::string_view field, absl::string_view message);

// The diagnostic with `text` = d.ToString().
v1::Diagnostic DiagnosticToProto(const Diagnostic& d);

// Appends the warnings of `diagnostics` (errors are skipped) to `out`.
void AddWarnings(const std::vector<Diagnostic>& diagnostics,
                 google::protobuf::RepeatedPtrField<v1::Diagnostic>* out);

// The plan field for field; Step::object as one JSON document.
v1::Plan PlanToProto(const Plan& plan);

// Fills the timeline fields of `out` (events, violations, converged,
// blocked, plans, final_state as a JSON List, text).
void TimelineToProto(const Timeline& timeline, v1::SimulateResponse* out);

// Returns the faults, or InvalidArgument naming the first bad one
// ("faults[1].kind: required").
absl::StatusOr<std::vector<Fault>> FaultsFromProto(
    const google::protobuf::RepeatedPtrField<v1::Fault>& faults);

// Returns the time, or InvalidArgument naming `field` when it is out of the
// Timestamp range.
absl::StatusOr<absl::Time> TimeFromProto(const google::protobuf::Timestamp& t,
                                         absl::string_view field);
google::protobuf::Timestamp TimeToProto(absl::Time t);

// Returns the duration, or InvalidArgument naming `field` when it is
// malformed (seconds and nanos of different signs, nanos out of range).
absl::StatusOr<absl::Duration> DurationFromProto(const google::protobuf::Duration& d,
                                                 absl::string_view field);
google::protobuf::Duration DurationToProto(absl::Duration d);

}  // namespace strata::service_internal

#endif  // STRATA_SERVICE_CONVERT_H_
