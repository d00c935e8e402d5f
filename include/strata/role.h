// strata/role.h: one kind of member of a data system (broker, namenode, ...).
//
// A Role says everything constant about its members: image, ports, env,
// resources, storage, probes, config files, dependencies, client Services,
// rollout policy, lifecycle hooks, security and placement. Each role compiles
// to one StatefulSet and its companions (SPEC §2.1).
//
// Example:
//   Role zk{.name = "zookeeper", .image = "zookeeper:3.9.2"};
//   zk.cardinality = *Cardinality::Parse("3+");
//   zk.quorum = Quorum::kMajority;
//   zk.ports = {{.name = "client", .port = 2181}};

#ifndef STRATA_ROLE_H_
#define STRATA_ROLE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "strata/cardinality.h"
#include "strata/config_file.h"
#include "strata/probe.h"
#include "strata/quantity.h"
#include "strata/rollout_policy.h"
#include "strata/storage.h"

namespace strata {

enum class Quorum { kNone, kMajority };

// Members that must stay available for a majority of `members`: n/2 + 1
// (ROLLOUT-RULES 3). The one definition: validation, compile, the planner and
// the simulator use it (through kube/quorum.h inside the library).
constexpr int32_t MajorityOf(int32_t members) { return members / 2 + 1; }

// Members that may be unavailable at once without losing that majority
// (0 below 3 members; never negative).
constexpr int32_t QuorumToleranceOf(int32_t members) {
  return members <= 0 ? 0 : members - MajorityOf(members);
}

struct Port {
  std::string name;            // Required. IANA service name, <= 15 chars.
  int32_t port = 0;            // Required. 1..65535.
  std::string protocol = "TCP";  // TCP (default), UDP or SCTP.

  bool operator==(const Port&) const = default;
};

struct SecretKeyRef {
  std::string name;  // Required. The Secret's name.
  std::string key;   // Required. The key within it.

  bool operator==(const SecretKeyRef&) const = default;
};

// An environment variable: a literal (a template), a Secret reference or a
// field of the pod (the downward API).
struct EnvVar {
  std::string name;                   // Required. A C identifier-like name.
  std::string value;                  // A template; empty when `secret` or `field` set.
  std::optional<SecretKeyRef> secret; // Becomes valueFrom.secretKeyRef.
  std::string field;                  // status.podIP, ...: valueFrom.fieldRef.

  bool operator==(const EnvVar&) const = default;
};

// Kubernetes resource requests and limits, keyed by resource name.
struct Resources {
  std::map<std::string, Quantity> requests;
  std::map<std::string, Quantity> limits;

  bool operator==(const Resources&) const = default;
};

enum class ServiceType { kClusterIP, kNodePort, kLoadBalancer };

// A client Service `<cluster>-<role>-<name>` over some of the role's ports.
struct ServiceSpec {
  std::string name;                // Required. DNS-1123 label.
  std::vector<std::string> ports;  // Required, non-empty. Role port names.
  ServiceType type = ServiceType::kClusterIP;
  bool per_member = false;  // Also one Service per member.
  bool dashboard = false;   // Annotated strata.dev/dashboard=true.
  std::map<std::string, std::string> annotations;  // On the Service's metadata.

  bool operator==(const ServiceSpec&) const = default;
};

struct Lifecycle {
  std::optional<Handler> pre_stop;  // exec or http; becomes lifecycle.preStop.
  std::optional<int32_t> termination_grace_period_seconds;  // >= 0.
  std::optional<Handler> member_leave;  // exec; run before a member is removed.
  std::optional<Handler> member_join;   // exec; run after a new member is Ready.

  bool operator==(const Lifecycle&) const = default;
};

struct Security {
  int64_t run_as_user = 1000;            // Default 1000. Must be >= 1 (non-root).
  std::optional<int64_t> run_as_group;   // Default unset.
  std::optional<int64_t> fs_group;       // Default unset.
  std::vector<std::string> capabilities; // Added on top of drop: [ALL].
  bool read_only_root_filesystem = false;

  bool operator==(const Security&) const = default;
};

enum class Spread { kNode, kZone, kNone };
enum class PlacementMode { kPreferred, kRequired };

struct Placement {
  Spread spread = Spread::kNode;                    // Default node.
  PlacementMode mode = PlacementMode::kPreferred;   // Default preferred.

  bool operator==(const Placement&) const = default;
};

// Pod-level settings a role's members run with (SPEC-2 §8, first-class
// fields). Set on an App role; a Cluster role overrides them (strings and
// lists replace, labels and annotations merge per key).
struct PodSettings {
  std::string service_account_name;             // Empty: the namespace default.
  std::vector<std::string> image_pull_secrets;  // Secret names.
  std::string priority_class_name;              // Empty: none.
  std::map<std::string, std::string> labels;       // Added to the pod template.
  std::map<std::string, std::string> annotations;  // Added to the pod template.

  bool empty() const { return *this == PodSettings(); }

  bool operator==(const PodSettings&) const = default;
};

// A mount of one of the role's storage volumes into a sidecar or init
// container.
struct VolumeMount {
  std::string name;        // Required. A storage name of the role.
  std::string mount_path;  // Required. An absolute path.
  bool read_only = false;

  bool operator==(const VolumeMount&) const = default;
};

// A sidecar or init container of a role's pods (SPEC-2 §8). It runs with the
// role's security settings and STRATA_* variables; its probes' named ports
// are its own.
struct Container {
  std::string name;                  // Required. DNS-1123 label, unique in the pod.
  std::string image;                 // Required.
  std::vector<std::string> command;  // Templates; empty = image entrypoint.
  std::vector<std::string> args;     // Templates.
  std::vector<Port> ports;           // Names unique in the pod.
  std::vector<EnvVar> env;
  Resources resources;
  Probes probes;                     // Sidecars only.
  std::vector<VolumeMount> volume_mounts;  // The role's storage.
  std::vector<std::string> config;   // Paths of the role's config files, mounted there.

  // Returns the port named `name`, or nullptr.
  const Port* FindPort(const std::string& name) const;

  bool operator==(const Container&) const = default;
};

// Each of `overrides` replaces the container of its name in `base`, or is
// appended: how a Cluster role's containers apply over the App role's.
void OverrideContainers(std::vector<Container>& base, const std::vector<Container>& overrides);

// Where Prometheus scrapes a role's members (SPEC-2 §8): becomes the pod
// annotations prometheus.io/scrape, /port and /path.
struct Metrics {
  PortRef port;                   // Required. A port of the pod (by name) or a number.
  std::string path = "/metrics";  // Must start with '/'.

  bool operator==(const Metrics&) const = default;
};

struct Role {
  std::string name;       // Required. DNS-1035 label, unique in the app.
  std::string image;      // Required.
  Cardinality cardinality;  // Required.
  Quorum quorum = Quorum::kNone;
  std::vector<std::string> command;  // Templates; empty = image entrypoint.
  std::vector<std::string> args;     // Templates.
  std::vector<Port> ports;
  std::vector<EnvVar> env;
  Resources resources;
  Resources min_resources;  // Only `requests` is read: a floor per resource.
  std::vector<Storage> storage;
  Probes probes;
  std::vector<ConfigFile> config;
  std::vector<std::string> depends_on;  // Role names; no cycles.
  std::vector<ServiceSpec> services;
  RolloutPolicy rollout;
  Lifecycle lifecycle;
  Security security;
  Placement placement;
  PodSettings pod;  // serviceAccountName, imagePullSecrets, ..., podAnnotations.
  std::vector<Container> containers;       // Sidecars, after the role's own.
  std::vector<Container> init_containers;  // Run in order before the others.
  std::optional<Metrics> metrics;          // Prometheus scrape annotations.

  // Returns the port named `name`, or nullptr.
  const Port* FindPort(const std::string& name) const;

  // How many of `members` an update may take down at once: the rollout
  // policy's maxUnavailable, resolved, and under quorum: majority capped so a
  // majority stays available, unless strategy parallel opts out
  // (ROLLOUT-RULES 5). At least 1. `quorum_capped`, when given, is set to
  // whether the quorum cap lowered it.
  int32_t RolloutBudget(int32_t members, bool* quorum_capped = nullptr) const;

  bool operator==(const Role&) const = default;
};

}  // namespace strata

#endif  // STRATA_ROLE_H_
