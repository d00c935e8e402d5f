// strata/emit.h: Kubernetes objects as YAML or JSON text.
//
// Output is deterministic: keys in insertion order, strings quoted whenever a
// YAML 1.1 or 1.2 reader could take them for anything but a string, multi-line
// strings as literal blocks. `kubectl apply -f` accepts both forms.
//
// Example:
//   std::string yaml = ToYaml(compiled.objects);      // "---"-separated documents
//   std::string json = ToJsonList(compiled.objects);  // {"apiVersion":"v1","kind":"List",...}

#ifndef STRATA_EMIT_H_
#define STRATA_EMIT_H_

#include <string>
#include <vector>

#include "strata/json.h"
#include "strata/object.h"

namespace strata {

// One YAML document (no leading "---"), ending in a newline.
std::string ToYaml(const Json& value);

// Every object as a YAML document, each starting with "---".
std::string ToYaml(const std::vector<Object>& objects);

// Appends ToYaml(value) to `out` (to build one output without a copy per object).
void AppendYaml(const Json& value, std::string& out);

// Appends `value` as JSON text, the exact bytes of
// value.dump(indent, ' ', false, Json::error_handler_t::replace) (indent < 0:
// compact), written faster; no trailing newline. `level` is the column the
// value starts at when it is nested in a larger document: its inner lines
// and closing bracket are indented by that much more.
void AppendJson(const Json& value, int indent, std::string& out, int level = 0);

// A `kind: List` holding every object, indented JSON ending in a newline.
std::string ToJsonList(const std::vector<Object>& objects);

// The file name --out-dir uses: "<kind>-<name>.yaml", kind lower-cased.
std::string ObjectFileName(const Object& object);

}  // namespace strata

#endif  // STRATA_EMIT_H_
