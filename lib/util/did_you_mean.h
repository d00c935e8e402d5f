// "Did you mean" suggestions for a misspelt name: the closest of the names
// that exist, by edit distance.
//
// Example:
//   std::optional<std::string> s = ClosestName("brokr", {"broker", "zookeeper"});
//   // s == "broker"

#ifndef STRATA_UTIL_DID_YOU_MEAN_H_
#define STRATA_UTIL_DID_YOU_MEAN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace strata::util_internal {

// Returns the Levenshtein distance between `a` and `b` (insertions,
// deletions and substitutions of one byte each cost 1).
int EditDistance(absl::string_view a, absl::string_view b);

// Returns the name of `names` closest to `name` when it is close enough to
// be a typo (at most 2 edits, and fewer edits than `name` has characters),
// the first of several equally close ones; nullopt otherwise.
std::optional<std::string> ClosestName(absl::string_view name,
                                       const std::vector<std::string>& names);

// Returns `names` joined by ", ", at most `limit` of them followed by
// "and N more" when there are more.
std::string ListNames(const std::vector<std::string>& names, size_t limit = 20);

}  // namespace strata::util_internal

#endif  // STRATA_UTIL_DID_YOU_MEAN_H_
