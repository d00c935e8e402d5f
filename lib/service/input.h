// The request input (strata.v1.Input) -> loaded Documents, within the
// server's limits.
//
// The service layer guards the core against requests that are valid but too
// big for one server: the total number of roles and members (checked after
// loading, before anything is compiled) and the nesting depth of YAML/JSON
// texts (checked before parsing, so neither yaml-cpp's recursive parser nor
// the loader's recursive walk can exhaust a server thread's stack: yaml-cpp
// 0.7 stops at 2000 levels, which still costs a deep stack; our limit is far
// lower and far above any real topology, which nests about 10 levels).
//
// Example:
//   absl::StatusOr<Documents> docs = LoadInput(request.input(), limits);

#ifndef STRATA_SERVICE_INPUT_H_
#define STRATA_SERVICE_INPUT_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "strata/documents.h"
#include "strata/limits.h"
#include "strata/v1/service.pb.h"

namespace strata::service_internal {

struct InputLimits {
  // Most roles over all Apps of one request. >= 1.
  int64_t max_roles = 256;
  // Most members over all Clusters of one request (a role a Cluster does not
  // size counts with its cardinality's minimum). >= 1.
  int64_t max_members = 10000;
  // Deepest nesting of a YAML/JSON text (see EstimateNestingDepth). >= 1.
  int max_nesting = 100;
  // The input limits (strata/limits.h) a request gets, and the most its
  // Input.limits may ask for.
  Limits core;
};

// Returns the strata::Limits of a request: `server.core`, with each field
// the request sets (> 0) in its place; ResourceExhausted naming the field when
// one is above the server's, InvalidArgument when one is negative.
absl::StatusOr<Limits> RequestLimits(const v1::Input& input, const InputLimits& server);

// Returns an upper-bound estimate of how deeply the YAML (or JSON) `text`
// nests collections, without parsing it: block indentation levels plus
// compact "- "/"? " indicators plus open flow brackets ("[", "{"), skipping
// quoted scalars, comments and block scalar bodies. Linear in the text.
int EstimateNestingDepth(absl::string_view text);

// Returns OK, or ResourceExhausted naming `field` when
// EstimateNestingDepth(text) > max_depth.
absl::Status CheckNesting(absl::string_view text, absl::string_view field, int max_depth);

// Returns OK, or ResourceExhausted when `documents` hold more roles or
// members than `limits` allow.
absl::Status CheckSize(const Documents& documents, const InputLimits& limits);

// Returns the Apps and Clusters of `input`: sources first (via Load), then
// the structured apps and clusters (via FromProto, named "apps[N]" and
// "clusters[N]"). InvalidArgument listing every problem found in any of
// them, or when `input` holds no document; ResourceExhausted over `limits`
// or over the request's RequestLimits().
absl::StatusOr<Documents> LoadInput(const v1::Input& input, const InputLimits& limits);

}  // namespace strata::service_internal

#endif  // STRATA_SERVICE_INPUT_H_
