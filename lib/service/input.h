// The request input (strata.v1.Input) -> loaded Documents, within the
// server's limits.
//
// A request is read within strata::Limits (SPEC-2 §11: file size, aliases,
// nesting, documents, members, ConfigMap size), the server's own or lower
// ones its Input.limits asks for; the loader and the core enforce them with
// the same located messages as the CLI and Python. On top of that the service
// guards the core against requests that are valid but too big for one
// server: the total number of roles and members over all Apps and Clusters
// (checked after loading, before anything is compiled).
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
  // The input limits (strata/limits.h) a request gets, and the most its
  // Input.limits may ask for (strata-server --max-file-size, ...).
  Limits core;
};

// Returns the strata::Limits of a request: `server.core`, with each field
// the request sets (> 0) in its place; ResourceExhausted naming the field when
// one is above the server's, InvalidArgument when one is negative.
absl::StatusOr<Limits> RequestLimits(const v1::Input& input, const InputLimits& server);

// Returns OK, or ResourceExhausted when `documents` hold more roles or
// members than `limits` allow. A role over `limits.core.max_members` is left
// to validation, which refuses it located in its file (as every front end
// does) before sizing anything.
absl::Status CheckSize(const Documents& documents, const InputLimits& limits);

// Returns the Apps and Clusters of `input`: sources first (via Load), then
// the structured apps and clusters (via FromProto, named "apps[N]" and
// "clusters[N]"). InvalidArgument listing every problem found in any of
// them, or when `input` holds no document; ResourceExhausted over `limits`
// or over the request's RequestLimits().
absl::StatusOr<Documents> LoadInput(const v1::Input& input, const InputLimits& limits);

}  // namespace strata::service_internal

#endif  // STRATA_SERVICE_INPUT_H_
