// Fault injection for the simulator: the faults of SimulateOptions::faults
// (strata/simulate.h, parsed by ParseFaults) fired into a KubeModel, and the
// bookkeeping the invariant checks need to tell a fault's damage from the
// plan's (which pods a fault took down, and when).
//
// Example:
//   FaultInjector faults(*ParseFaults("pod-dies=events-broker-1@3"));
//   for (std::string& e : faults.Start(kube)) Record(e);   // "@0" faults
//   ...after the 3rd executed step:
//   for (std::string& e : faults.FireStep(3, kube)) Record(e);

#ifndef STRATA_SIM_FAULTS_H_
#define STRATA_SIM_FAULTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/observed_state.h"
#include "strata/simulate.h"

namespace strata::sim {

class FaultInjector {
 public:
  explicit FaultInjector(std::vector<Fault> faults) : faults_(std::move(faults)) {}

  // Arms the standing faults (never-ready members, gate failures) and fires
  // the ones due before the first step ("@0"); api errors wait for their
// apply (TakeApiError). Returns the timeline events.
  std::vector<std::string> Start(KubeModel& kube);
  // Fires the step faults (pod-dies, node-loss, evict) due after executed
  // step number `step`.
  std::vector<std::string> FireStep(int32_t step, KubeModel& kube);
  // A new planning round: forget which pods faults hit in the last one.
  void NewRound();

  // Pod `pod` is Ready again (or was restarted by the plan): its fault
  // damage is repaired. A never-ready member stays affected.
  void Repaired(const std::string& pod);
  void Restarted(const std::string& pod);

  // The answer an injected api-error/api-conflict gives to this apply of
  // `kind`/`name`, once `steps_run` steps ran: each such fault answers the
  // first apply of its object from its step on, once. nullopt: no fault.
  std::optional<absl::Status> TakeApiError(const std::string& kind, const std::string& name,
                                           int32_t steps_run);

  // The gate run for `target` fails if gate-fails has failures left for it:
  // consumes one and returns how many remain; nullopt when the gate passes.
  std::optional<int32_t> TakeGateFailure(const std::string& target);

  // An injected never-ready member that exists and is not Ready.
  bool Stuck(const std::string& pod, const KubeModel& kube) const;
  // Fault-caused, transient unavailability (a crash or a lost pod not yet
  // back); a never-ready member is not transient.
  bool Transient(const std::string& pod) const {
    return affected_.count(pod) > 0 && never_ready_.count(pod) == 0;
  }
  bool HitThisRound(const std::string& pod) const { return hit_round_.count(pod) > 0; }
  bool AnyHitThisRound() const { return !hit_round_.empty(); }
  // A fault took `pod` down this round while it was Ready.
  bool TookReady(const std::string& pod) const { return took_ready_.count(pod) > 0; }
  const std::set<std::string>& never_ready() const { return never_ready_; }
  // Whether a never-ready fault was injected (a blocked run is then ok).
  bool HasNeverReady() const;

 private:
  std::vector<std::string> Fire(const Fault& fault, KubeModel& kube);
  // Marks `pod` taken down by a fault now.
  void Hit(const std::string& pod);

  std::vector<Fault> faults_;
  std::set<std::string> never_ready_;
  std::set<std::string> affected_;    // Down by a fault, not yet Ready again.
  std::set<std::string> hit_round_;   // Pods a fault hit this round.
  std::set<std::string> took_ready_;  // ... while they were Ready.
  std::map<std::string, int32_t> gate_failures_;  // Target pod -> remaining.
  std::set<size_t> api_errors_used_;  // Indexes in faults_ of api errors answered.
};

// OK when every fault names a pod of `desired` (an ordinal below its
// members or its StatefulSet's replicas in `initial`, or a pod in
// `initial`) and every api error an object `desired` applies;
// InvalidArgument listing the cluster's pods otherwise.
[[nodiscard]] absl::Status CheckFaultTargets(const std::vector<Fault>& faults,
                                             const CompiledCluster& desired,
                                             const ObservedState& initial);

}  // namespace strata::sim

#endif  // STRATA_SIM_FAULTS_H_
