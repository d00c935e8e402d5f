// One Kubernetes object as compile produces it and the emitters write it.
// Its own header so that the emitters (strata/emit.h) need not depend on
// compile (cmake/layers.cmake).

#ifndef STRATA_OBJECT_H_
#define STRATA_OBJECT_H_

#include <string>

#include "strata/json.h"

namespace strata {

// One Kubernetes object.
// One Kubernetes object.
struct Object {
  std::string kind;  // "StatefulSet", "Service", "ConfigMap", ...
  std::string name;  // metadata.name.
  std::string role;  // The role it belongs to; empty for cluster-wide objects.
  Json body;         // The whole object, keys in Kubernetes order.

  bool operator==(const Object&) const = default;
};

}  // namespace strata

#endif  // STRATA_OBJECT_H_
