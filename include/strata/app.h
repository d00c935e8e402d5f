// strata/app.h: an application type, the catalog entry (`kind: App`).
//
// An App is what is constant across instances of a data system: its roles
// and their policies. A Cluster (strata/cluster.h) instantiates it.
//
// Example:
//   App kafka{.name = "kafka", .version = "3.7.0"};
//   kafka.roles.push_back(Role{.name = "broker", .image = "apache/kafka:3.7.0"});
//   const Role* broker = kafka.FindRole("broker");

#ifndef STRATA_APP_H_
#define STRATA_APP_H_

#include <string>
#include <vector>

#include "strata/role.h"

namespace strata {

struct App {
  std::string name;         // Required. DNS-1035 label.
  std::string version;      // Optional. A valid label value.
  std::string description;  // Optional. Free text.
  std::vector<Role> roles;  // Required, at least one.

  // Returns the role named `name`, or nullptr.
  const Role* FindRole(const std::string& name) const;

  bool operator==(const App&) const = default;
};

}  // namespace strata

#endif  // STRATA_APP_H_
