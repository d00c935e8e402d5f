// Compares a desired Kubernetes object with the one a cluster reports.
//
// Only what strata sets is compared: every key present in the desired object,
// recursively. Whatever the API server adds (uid, resourceVersion, status,
// defaults such as sessionAffinity, clusterIP, targetPort, imagePullPolicy,
// revisionHistoryLimit) is ignored, so a freshly applied object never differs
// from its own desired form.
//
// Example:
//   std::optional<std::string> d = FirstDifference(desired.body, observed);
//   if (d) step.reason = "update: " + *d;   // "spec.replicas: 3 -> 5"

#ifndef STRATA_PLAN_OBJECT_DIFF_H_
#define STRATA_PLAN_OBJECT_DIFF_H_

#include <optional>
#include <string>

#include "strata/json.h"

namespace strata::plan_internal {

// Returns nullopt when `observed` holds every key of `desired` with an equal
// value, else the first difference as "PATH: OLD -> NEW" (or "PATH: missing").
// Rules: objects compare the desired keys only; arrays compare element-wise
// and need the same length; a desired null, false, 0, "", [] or {} matches an
// absent key (the API server omits empty values); strings under
// resources/requests/limits/capacity compare as quantities ("1000m" == "1").
// `path` prefixes the reported path.
std::optional<std::string> FirstDifference(const Json& desired, const Json& observed,
                                           const std::string& path = "");

// Short, single-line rendering of a JSON value for reasons (long values are
// cut with "...").
std::string Brief(const Json& value);

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_OBJECT_DIFF_H_
