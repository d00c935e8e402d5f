// strata/cluster.h: an instance of an App (`kind: Cluster`).
//
// A Cluster names its App, a namespace and labels, and overrides per role:
// member count, image, resources (merged per key), storage size and class,
// env (added or overriding by name), structured config keys, node selector
// and tolerations. Roles it omits get their cardinality's minimum.
//
// Example:
//   Cluster events{.name = "events", .namespace_ = "data", .app = "kafka"};
//   events.roles.push_back(RoleOverride{.name = "broker", .members = 5});

#ifndef STRATA_CLUSTER_H_
#define STRATA_CLUSTER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "strata/maintenance.h"

#include "strata/config_file.h"
#include "strata/json.h"
#include "strata/quantity.h"
#include "strata/role.h"

namespace strata {

struct StorageOverride {
  std::string name;                  // Required. A storage name of the role.
  std::optional<Quantity> size;      // Not below the App's minSize.
  std::string storage_class_name;    // Empty: keep the App's.

  bool operator==(const StorageOverride&) const = default;
};

// A request to rebuild one member on empty storage, once per token (SPEC-2 §9).
struct MemberReplace {
  std::string member;  // Required. "<cluster>-<role>-<ordinal>", a current member.
  std::string token;   // Required. 1..63 of [A-Za-z0-9._-]; a new one replaces again.

  bool operator==(const MemberReplace&) const = default;
};

struct RoleOverride {
  std::string name;                // Required. A role of the App.
  std::optional<int32_t> members;  // Default: the cardinality's minimum.
  std::string image;               // Empty: the App's image.
  Resources resources;             // Merged per key over the App's.
  std::vector<StorageOverride> storage;
  std::vector<EnvVar> env;         // Added to / overriding the App's by name.
  // File path -> keys overriding (or added to) that structured file's data.
  std::map<std::string, OrderedStringMap> config;
  std::map<std::string, std::string> node_selector;
  Json tolerations = Json::array();  // Kubernetes tolerations, passed through.
  // Over the App role's: non-empty strings and lists replace it, labels and
  // annotations merge per key.
  PodSettings pod;
  // Into the pod template and spec-hash: a new value restarts every member.
  std::string restart_token;
  std::vector<MemberReplace> replace;  // At most one entry per member.
  // Each replaces the App role's container of its name or is added after them.
  std::vector<Container> containers;
  std::vector<Container> init_containers;

  bool operator==(const RoleOverride&) const = default;
};

struct Connection {
  std::string name;      // Required. DNS-1123 label; unique.
  std::string endpoint;  // Required. "host:port" or a URL.

  bool operator==(const Connection&) const = default;
};

struct Cluster {
  std::string name;                 // Required. DNS-1035 label.
  std::string namespace_ = "default";
  std::map<std::string, std::string> labels;  // Copied onto every object.
  std::string app;                  // Required. The App's metadata.name.
  std::string domain = "cluster.local";
  std::vector<RoleOverride> roles;
  std::vector<Connection> connections;
  // Scale every role to 0 keeping the PVCs; false brings them back (SPEC-2 §9).
  bool stopped = false;
  // Member restarts and replacements only inside these windows (SPEC-2 §9).
  Maintenance maintenance;

  // Returns the override for role `name`, or nullptr.
  const RoleOverride* FindRole(const std::string& name) const;

  bool operator==(const Cluster&) const = default;
};

}  // namespace strata

#endif  // STRATA_CLUSTER_H_
