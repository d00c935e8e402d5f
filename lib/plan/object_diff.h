// Compares a desired Kubernetes object with the one a cluster reports.
//
// Only what strata sets is compared: every key present in the desired object,
// recursively. Whatever the API server adds (uid, resourceVersion, status,
// defaults such as sessionAffinity, clusterIP, targetPort, imagePullPolicy,
// revisionHistoryLimit) is ignored, so a freshly applied object never differs
// from its own desired form. The planner asks for the first difference (its
// reasons); `strata plan -o diff` asks for all of them (lib/plan/diff.cc).
// Both walk the same rules, written once below.
//
// Example:
//   std::optional<std::string> d = FirstDifference(desired.body, observed);
//   if (d) step.reason = "update: " + *d;   // "spec.replicas: 3 -> 5"

#ifndef STRATA_PLAN_OBJECT_DIFF_H_
#define STRATA_PLAN_OBJECT_DIFF_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// One place where `observed` does not hold what `desired` asks for.
struct Difference {
  std::vector<std::string> path;  // Keys; array positions as "[2]" or "[name=x]".
  std::optional<Json> observed;   // nullopt: the key is absent.
  std::optional<Json> desired;    // nullopt: an element the desired list lacks.

  bool operator==(const Difference&) const = default;
};

// Every difference under FirstDifference's rules, in the desired object's key
// order, except that arrays whose elements are all objects with distinct
// string `name`s (containers, env, ports, volumes) are matched by name, so an
// added env entry reads as one added element rather than a changed list; when
// such a list only changes its order, that is one difference of the list.
std::vector<Difference> AllDifferences(const Json& desired, const Json& observed);

// Short, single-line rendering of a JSON value for reasons (long values are
// cut with "...").
std::string Brief(const Json& value);

// The parts of two strings around where they differ, each quoted like JSON:
// `context` bytes either side of at most `change` bytes of the changed part,
// "..." where something is left out; never cuts a UTF-8 character. Used
// where a long value changed in the middle ("ring-cassandra-0...,rin..." on
// both sides would not show the change).
std::pair<std::string, std::string> ChangedParts(const std::string& a, const std::string& b,
                                                 size_t context, size_t change);

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_OBJECT_DIFF_H_
