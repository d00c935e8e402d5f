// strata/storage.h: a role's persistent volumes and what happens to them.
//
// Each Storage entry becomes a volumeClaimTemplate of the role's StatefulSet,
// so every member gets a PVC named `<name>-<cluster>-<role>-<ordinal>`. The
// policies decide what scale-in, cluster deletion and a member's departure do
// to that PVC; strata never deletes one unless a policy says `delete`.
//
// Example:
//   Storage data{.name = "data", .mount_path = "/data"};
//   data.size = *Quantity::Parse("10Gi");
//   data.on_scale_down = VolumePolicy::kRetain;

#ifndef STRATA_STORAGE_H_
#define STRATA_STORAGE_H_

#include <string>
#include <vector>

#include "strata/quantity.h"

namespace strata {

enum class VolumePolicy { kRetain, kDelete };
enum class AfterLeave { kKeep, kWipe };

struct Storage {
  std::string name;        // Required. DNS-1123 label; the claim template name.
  std::string mount_path;  // Required. Absolute path in the container.
  Quantity size;           // Required. The PVC request; a Cluster may raise it.
  Quantity min_size;       // Default 0. A Cluster may not request less.
  std::vector<std::string> access_modes = {"ReadWriteOnce"};
  std::string storage_class_name;  // Default empty: the cluster default.
  VolumePolicy on_scale_down = VolumePolicy::kRetain;     // -> whenScaled.
  VolumePolicy on_cluster_delete = VolumePolicy::kRetain; // -> whenDeleted.
  AfterLeave after_leave = AfterLeave::kKeep;

  bool operator==(const Storage&) const = default;
};

}  // namespace strata

#endif  // STRATA_STORAGE_H_
