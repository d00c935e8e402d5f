// Natural ordering of field paths: "roles[2]" sorts before "roles[10]".

#ifndef STRATA_UTIL_NATURAL_ORDER_H_
#define STRATA_UTIL_NATURAL_ORDER_H_

#include "absl/strings/string_view.h"

namespace strata::util_internal {

// Returns <0, 0 or >0 as `a` sorts before, with or after `b`, comparing runs
// of digits by their numeric value and everything else byte by byte.
int NaturalCompare(absl::string_view a, absl::string_view b);

}  // namespace strata::util_internal

#endif  // STRATA_UTIL_NATURAL_ORDER_H_
