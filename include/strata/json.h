// strata/json.h: the JSON value type of compiled and observed Kubernetes objects.
//
// strata hands Kubernetes objects to callers as `strata::Json`, an
// insertion-ordered JSON tree (nlohmann::ordered_json), so an object prints
// with its keys in the order Kubernetes documents them (apiVersion, kind,
// metadata, spec) and two compilations of one input give identical bytes.
//
// Example:
//   strata::Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}};
//   cm["metadata"]["name"] = "events-broker-config-5c9f0e2a7d";
//   std::string text = cm.dump();  // {"apiVersion":"v1","kind":"ConfigMap",...}

#ifndef STRATA_JSON_H_
#define STRATA_JSON_H_

#include <nlohmann/json.hpp>

namespace strata {

// Insertion-ordered JSON. Equality is order-sensitive.
using Json = nlohmann::ordered_json;

}  // namespace strata

#endif  // STRATA_JSON_H_
