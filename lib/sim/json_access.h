// Reading fields of kubectl-shaped objects, for lib/sim (until lib/kube's
// shared vocabulary replaces it).

#ifndef STRATA_SIM_JSON_ACCESS_H_
#define STRATA_SIM_JSON_ACCESS_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "strata/json.h"

namespace strata::sim {

// The value at `path`, or a null Json when absent.
inline const Json& At(const Json& object, std::initializer_list<const char*> path) {
  static const Json* const kNull = new Json();
  const Json* at = &object;
  for (const char* key : path) {
    if (!at->is_object()) return *kNull;
    auto it = at->find(key);
    if (it == at->end()) return *kNull;
    at = &*it;
  }
  return *at;
}

inline std::string StringAt(const Json& object, std::initializer_list<const char*> path) {
  const Json& v = At(object, path);
  return v.is_string() ? v.get<std::string>() : std::string();
}

inline int64_t IntAt(const Json& object, std::initializer_list<const char*> path,
                     int64_t fallback) {
  const Json& v = At(object, path);
  return v.is_number_integer() ? v.get<int64_t>() : fallback;
}

}  // namespace strata::sim

#endif  // STRATA_SIM_JSON_ACCESS_H_
