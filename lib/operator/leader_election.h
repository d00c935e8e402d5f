// Leader election on a coordination.k8s.io/v1 Lease, as client-go's
// leaderelection does it: a replica leads while it holds the Lease and has
// renewed it within `renew_deadline`; another replica takes the Lease only
// after it has seen the same record unchanged for `lease_duration` (measured
// on its own clock, so clocks need not agree). renew_deadline <
// lease_duration, so a leader that cannot renew stops acting before anyone
// else may start.
//
// Example:
//   LeaderElector elector(store, {.identity = "pod-a"});
//   elector.TryAcquireOrRenew();        // every retry_period
//   if (elector.IsLeader()) Act();
//   elector.Release();                  // on shutdown: the standby takes over at once

#ifndef STRATA_OPERATOR_LEADER_ELECTION_H_
#define STRATA_OPERATOR_LEADER_ELECTION_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace strata::operator_internal {

// A Lease's spec (and the resourceVersion it was read at).
struct LeaseRecord {
  std::string holder;  // spec.holderIdentity; empty: released.
  int32_t lease_duration_seconds = 15;
  absl::Time acquire_time;
  absl::Time renew_time;
  int32_t transitions = 0;  // spec.leaseTransitions.
  std::string resource_version;

  bool operator==(const LeaseRecord&) const = default;
};

// Where the Lease lives (KubeLeaseStore: the API server; tests: memory).
class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  // The Lease, or nullopt when it does not exist.
  virtual absl::StatusOr<std::optional<LeaseRecord>> Get() = 0;
  // Creates it; Aborted (409) when it exists already.
  virtual absl::StatusOr<LeaseRecord> Create(const LeaseRecord& record) = 0;
  // Replaces it if it is still at `record.resource_version`; Aborted (409)
  // when someone else changed it since.
  virtual absl::StatusOr<LeaseRecord> Update(const LeaseRecord& record) = 0;
};

struct LeaderElectionOptions {
  std::string identity;  // This replica (its pod name).
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
  // The local clock; default absl::Now.
  std::function<absl::Time()> now;
};

class LeaderElector {
 public:
  LeaderElector(LeaseStore& store, LeaderElectionOptions options);

  // One round: take the Lease if it is free, expired or ours, renew it if
  // ours. Returns whether this replica leads afterwards; errors talking to
  // the store count as a failed round (the status says why).
  absl::StatusOr<bool> TryAcquireOrRenew();

  // Whether this replica may act now: it holds the Lease and its last
  // successful renewal is younger than renew_deadline. Thread-safe.
  bool IsLeader();

  // Gives the Lease up (holder cleared) if this replica holds it, so a
  // standby takes over at once. Afterwards IsLeader() is false.
  absl::Status Release();

  // The holder last seen (ours or another's), for logs and tests.
  std::string ObservedHolder();
  const LeaderElectionOptions& options() const { return options_; }

 private:
  absl::Time Now() const { return options_.now ? options_.now() : absl::Now(); }

  LeaseStore& store_;
  const LeaderElectionOptions options_;
  absl::Mutex mu_;
  std::optional<LeaseRecord> observed_ ABSL_GUARDED_BY(mu_);
  absl::Time observed_time_ ABSL_GUARDED_BY(mu_);  // When observed_ last changed (local).
  std::optional<absl::Time> renewed_ ABSL_GUARDED_BY(mu_);  // Last successful renew.
  bool released_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_LEADER_ELECTION_H_
