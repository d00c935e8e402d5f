// An in-memory Kubernetes of one namespace, for the simulator and for tests.
//
// KubeModel holds StatefulSets, Pods, PVCs, Services, ConfigMaps,
// PodDisruptionBudgets and Nodes as kubectl-shaped strata::Json objects
// (metadata.uid/resourceVersion/creationTimestamp, status) and plays the parts
// of the API server (defaults, immutable fields), the StatefulSet controller
// (Parallel or OrderedReady pod management, OnDelete recreation at the current
// template, PVCs from volumeClaimTemplates with their retention policy), the
// scheduler (a node per pod), kubelet (a pod is Ready `ready_delay` after its
// containers start), a volume expander and the data system's leader election
// (a leader label that moves to the lowest-ordinal Ready member). Everything
// is deterministic: time only moves through Reconcile(now), uids and
// resourceVersions come from counters.
//
// Example:
//   KubeModel kube(KubeModelOptions{.namespace_ = "data"}, start);
//   for (const Object& o : compiled.objects) (void)kube.Apply(o.body);
//   kube.Reconcile(start + absl::Minutes(1));  // pods created and Ready
//   ObservedState seen = kube.ToObservedState();

#ifndef STRATA_SIM_KUBE_MODEL_H_
#define STRATA_SIM_KUBE_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"

namespace strata {

struct KubeModelOptions {
  std::string namespace_ = "default";
  // From a pod's containers starting to the pod being Ready.
  absl::Duration ready_delay = absl::Seconds(10);
  // From a PVC resize request to the new capacity showing in its status.
  absl::Duration resize_delay = absl::Seconds(20);
  // StatefulSet name -> pod label whose value "true" marks the role's leader
  // (CompiledRole::role.rollout.leader_label). Roles not listed have none.
  std::map<std::string, std::string> leader_labels;
  // StatefulSet name -> the role's rollout.minReadySeconds, so that
  // NextEventTime() knows when Ready members become available even when the
  // StatefulSet itself does not set spec.minReadySeconds.
  std::map<std::string, int32_t> min_ready_seconds;
  // Nodes sim-node-0..N-1, in zones zone-a, zone-b, zone-c round-robin. Pods
  // go to the schedulable node with the fewest pods (ties: lowest index).
  int32_t nodes = 3;
};

// The options a model of `compiled` needs: its namespace and leader labels.
KubeModelOptions ModelOptionsFor(const CompiledCluster& compiled);

class KubeModel {
 public:
  // An empty namespace (plus its Nodes) at time `now`.
  KubeModel(KubeModelOptions options, absl::Time now);

  // Returns a model holding the objects of `state` as they are (uids, labels,
  // readiness kept; a Ready pod counts as started long enough ago to be
  // Ready), at time `now`; InvalidArgument for an object without a name.
  [[nodiscard]] static absl::StatusOr<KubeModel> FromObservedState(
      const ObservedState& state, KubeModelOptions options, absl::Time now);

  // Creates or updates the object of `object`'s kind and name, like
  // `kubectl apply --server-side --force-conflicts`: the server fills uid,
  // resourceVersion, creationTimestamp, generation, defaults and status.
  // Returns InvalidArgument for an object without kind or name, a kind the
  // model does not hold, a change of an immutable StatefulSet field
  // (selector, serviceName, volumeClaimTemplates, podManagementPolicy) or of
  // a PVC's spec other than growing its request, as the API server would.
  // Pods and PVCs are merged into (they belong to the controller); the other
  // kinds are replaced except for server-owned fields.
  [[nodiscard]] absl::Status Apply(const Json& object);

  // Deletes the object; NotFound when absent. A StatefulSet deleted without
  // `orphan` takes its pods (and its PVCs when whenDeleted is Delete) with
  // it; with `orphan` its pods lose their owner reference and stay, with
  // their PVCs. A PVC still mounted by a pod is only marked for deletion
  // (kubernetes.io/pvc-protection) and goes when no pod uses it.
  [[nodiscard]] absl::Status Delete(const std::string& kind,
                                    const std::string& name, bool orphan);

  // Deletes pod `name` (NotFound when absent); its StatefulSet, if any,
  // recreates it at the StatefulSet's CURRENT template on the next
  // Reconcile (OnDelete semantics).
  [[nodiscard]] absl::Status DeletePod(const std::string& name);

  // Sets (a value) or removes (nullopt) labels and annotations of the object,
  // like a JSON merge patch of its metadata. NotFound when absent.
  [[nodiscard]] absl::Status PatchMetadata(
      const std::string& kind, const std::string& name,
      const std::map<std::string, std::optional<std::string>>& labels,
      const std::map<std::string, std::optional<std::string>>& annotations);

  // Sets PVC `name`'s request to `size`; the capacity follows after
  // `resize_delay`. NotFound when absent, InvalidArgument for a bad
  // quantity, FailedPrecondition for a smaller size.
  [[nodiscard]] absl::Status ResizePvc(const std::string& name,
                                       const std::string& size);

  // Moves time to `now` (never backwards) and runs the controllers until
  // nothing changes: StatefulSets create missing and delete surplus
  // ordinals (all at once under Parallel, one at a time under OrderedReady),
  // PVCs come from volumeClaimTemplates (an existing one of the same name is
  // reused) and go per whenScaled on scale-in, pods start once their PVCs
  // and ConfigMaps exist and turn Ready `ready_delay` later, resizes finish,
  // leader labels move, statuses are recomputed.
  void Reconcile(absl::Time now);

  // Fault hooks.
  // While set, pod `name` (every incarnation) never becomes Ready.
  void SetNeverReady(const std::string& name, bool never_ready);
  // The pod's containers crash and restart: not Ready (restartCount + 1)
  // until `ready_delay` from now. NotFound when absent.
  [[nodiscard]] absl::Status CrashPod(const std::string& name);
  // Pod `name` vanishes as its node died (force-deleted); its StatefulSet
  // recreates it elsewhere. NotFound when absent.
  [[nodiscard]] absl::Status LosePod(const std::string& name);
  // Gives pod `name` its StatefulSet's leader label (taking it from the
  // others). NotFound for an unknown pod, FailedPrecondition when its
  // StatefulSet has no leader label.
  [[nodiscard]] absl::Status SetLeader(const std::string& name);

  // Queries.
  absl::Time now() const { return now_; }
  const std::string& namespace_() const { return options_.namespace_; }
  const KubeModelOptions& options() const { return options_; }
  // The object, or nullptr.
  const Json* Find(const std::string& kind, const std::string& name) const;
  // The objects of `kind`, by name.
  const std::map<std::string, Json>& Objects(const std::string& kind) const;
  // Whether pod `name` exists, is not being deleted and is Ready.
  bool PodReady(const std::string& name) const;
  // When pod `name` became Ready, or nullopt when it is not Ready.
  std::optional<absl::Time> ReadySince(const std::string& name) const;
  // The pods of StatefulSet `sts` by ordinal (by name: "<sts>-<ordinal>").
  std::map<int32_t, const Json*> PodsOf(const std::string& sts) const;
  // The pod holding `sts`'s leader label, or "".
  std::string LeaderOf(const std::string& sts) const;
  // The earliest time after now() at which something changes by itself (a
  // pod turns Ready, a resize completes), or nullopt.
  std::optional<absl::Time> NextEventTime() const;

  // A counter that moves with every change to any object (not with time
  // alone): equal values mean an unchanged namespace.
  int64_t version() const { return resource_version_; }

  // Everything in the namespace, as the planner reads it.
  ObservedState ToObservedState() const;

 private:
  struct PodRuntime {
    absl::Time created;
    // When the containers (re)started; nullopt while Pending (waiting for
    // its PVCs or ConfigMaps).
    std::optional<absl::Time> started;
    std::optional<absl::Time> ready_since;  // Set while Ready.
    absl::Time last_transition;             // Of the Ready condition.
    int32_t restarts = 0;
  };
  struct Resize {
    std::string size;
    absl::Time done;
  };

  std::map<std::string, Json>& MutableObjects(const std::string& kind);
  std::string NextUid();
  std::string NextResourceVersion();
  void Touch(Json& object);
  void RemovePod(const std::string& name);
  bool PvcInUse(const std::string& pvc) const;
  // Whether the PVCs and ConfigMaps `pod` mounts exist (it can start).
  bool VolumesPresent(const Json& pod) const;
  // "<sts>-<hash of the pod template>" (cached by uid and generation).
  std::string RevisionOf(const Json& sts) const;
  // One pass of the StatefulSet controller over StatefulSet `name`; true if
  // it changed anything.
  bool SyncStatefulSet(const std::string& name);
  // Creates the member's PVCs (if absent) and pod; false when it must wait
  // (a claim of that name is being deleted).
  bool CreatePod(const Json& sts, int32_t ordinal);
  std::string PickNode(const std::string& sts) const;
  // Rewrites pod.status from runtime_.
  void RenderPod(Json& pod);
  bool SyncPods();
  void SyncLeaders();
  void SyncStatuses();
  std::optional<absl::Time> ReadyAt(const std::string& pod) const;

  KubeModelOptions options_;
  absl::Time now_;
  int64_t uid_counter_ = 0;
  int64_t resource_version_ = 0;
  // Kind -> name -> object.
  std::map<std::string, std::map<std::string, Json>> objects_;
  std::map<std::string, PodRuntime> runtime_;  // By pod name.
  std::map<std::string, Resize> resizes_;      // By PVC name.
  std::set<std::string> never_ready_;
  mutable std::map<std::string, std::string> revisions_;
};

// Returns the observed state of `compiled` fully rolled out and settled: all
// objects applied and every pod Ready (and Available) since long before
// `now`, leaders on the lowest ordinals.
ObservedState ConvergedState(const CompiledCluster& compiled, absl::Time now);

}  // namespace strata

#endif  // STRATA_SIM_KUBE_MODEL_H_
