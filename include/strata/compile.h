// strata/compile.h: App + Cluster -> Kubernetes objects (SPEC §2, §3).
//
// Compile() is pure: equal inputs give byte-identical objects. Per role, in
// dependsOn order (App order breaks ties), it emits the ConfigMap (when the
// role has config files), the headless Service, the client Services, the
// StatefulSet and the PodDisruptionBudget (roles of 2+ members). Alongside the
// objects it returns, per role, the resolved facts the planner needs (member
// count, hashes, budget, storage after overrides), so Plan never re-derives
// them.
//
// Example:
//   absl::StatusOr<CompiledCluster> out = Compile(topology, CompileOptions{});
//   for (const Object& o : out->objects) std::cout << o.kind << "/" << o.name;
//   std::cout << ToYaml(out->objects);

#ifndef STRATA_COMPILE_H_
#define STRATA_COMPILE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "strata/cluster.h"
#include "strata/json.h"
#include "strata/limits.h"
#include "strata/object.h"
#include "strata/validate.h"

namespace strata {

// Extension points (they are passed in, never registered).
struct CompileOptions {
  // Runs body(0) .. body(n - 1), in any order and on any threads, and returns
  // when all have returned. Compile() uses it to compile roles in parallel;
  // the output is the same with or without it (roles are independent and
  // their objects are joined in dependsOn order). Unset: one after another.
  // The core starts no thread itself; front ends pass one (the CLI does).
  std::function<void(size_t n, const std::function<void(size_t)>& body)> parallel_for;
  // max_members (checked before any member's object is built) and
  // max_config_map_size (checked as each config file is rendered) hold here:
  // over either is ResourceExhausted naming the field (strata/limits.h).
  Limits limits;
};

// What the planner needs to know about one compiled role.
struct CompiledRole {
  std::string name;
  int32_t members = 0;            // Desired member count.
  std::string stateful_set;       // "C-R".
  std::string config_map;         // "C-R-config-<hash>": the files members restart
                                  // for; empty without such files.
  std::string live_config_map;    // "C-R-config-live": the onChange: none files, a
                                  // mutable ConfigMap mounted by directory so the
                                  // kubelet updates them in place; empty without.
  std::string spec_hash;          // "v1-<hex>": pod annotation strata.dev/spec-hash.
  std::string config_hash;        // Pod annotation strata.dev/config-hash.
  int32_t max_unavailable = 1;    // Role::RolloutBudget(members).
  std::vector<std::string> depends_on;
  std::vector<Storage> storage;   // After the Cluster's overrides.
  // The merged Role (Cluster overrides applied) this was compiled from: its
  // rollout policy, quorum and lifecycle drive the plan. Every template in it
  // is rendered (command, args, env values, config data and text, the exec
  // commands of probes, lifecycle hooks, gate and leaderProbe), so an
  // executor runs lifecycle.member_leave->command as is (lib/compile/README.md).
  Role role;
  // The Cluster role's restartToken (already in the pod template and
  // spec_hash) and replace requests (SPEC-2 §9), for the planner.
  std::string restart_token;
  std::vector<MemberReplace> replace;

  bool operator==(const CompiledRole&) const = default;
};

struct CompiledCluster {
  std::string cluster;
  std::string namespace_;
  std::string app;
  std::vector<CompiledRole> roles;  // In dependsOn order.
  std::vector<Object> objects;      // In SPEC §2 order.
  // Cluster `stopped` (SPEC-2 §9): the StatefulSets above have 0 replicas
  // and whenScaled Retain; CompiledRole::members keeps the count a start
  // brings back.
  bool stopped = false;
  // Cluster `maintenance` (SPEC-2 §9): the planner defers member restarts
  // and replacements to these windows.
  Maintenance maintenance;

  // Returns the compiled role named `name`, or nullptr.
  const CompiledRole* FindRole(const std::string& name) const;

  bool operator==(const CompiledCluster&) const = default;
};

// Returns the objects of `topology`, or InvalidArgument listing every
// violation CheckTopology() finds (compile never emits an invalid object).
[[nodiscard]] absl::StatusOr<CompiledCluster> Compile(
    const Topology& topology, const CompileOptions& options);

}  // namespace strata

#endif  // STRATA_COMPILE_H_
