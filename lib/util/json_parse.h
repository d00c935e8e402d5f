// Fast JSON text -> strata::Json for large inputs (observed state: kubectl's
// `-o json` of every pod of a cluster, tens of MB).
//
// simdjson (Debian's libsimdjson-dev) parses and validates the text into its
// tape at GB/s; the tree is then built straight from the tape into
// nlohmann::ordered_json with every container reserved to its final size.
// The result equals Json::parse(text) exactly: non-negative integers are
// number_unsigned, negative ones number_integer, the rest number_float, and a
// key repeated in one object keeps its first position and its last value
// (one corner differs in type only: "-0" reads as unsigned 0, not integer 0).
// Text simdjson rejects (invalid JSON, or valid JSON it cannot hold, such as
// integers beyond 64 bits or nesting deeper than 1024) returns nullopt: the
// caller falls back to Json::parse, which reports the error as before.
//
// Example:
//   std::optional<Json> v = util_internal::ParseJsonFast(text);
//   if (!v) v = Json::parse(text);  // Throws with nlohmann's message.

#ifndef STRATA_UTIL_JSON_PARSE_H_
#define STRATA_UTIL_JSON_PARSE_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "strata/json.h"

namespace strata::util_internal {

std::optional<Json> ParseJsonFast(absl::string_view text);

}  // namespace strata::util_internal

#endif  // STRATA_UTIL_JSON_PARSE_H_
