// A rate-limited work queue of Cluster keys ("namespace/name"), the way
// client-go's workqueue works: a key is queued at most once, a key being
// processed is never handed to a second worker (a change meanwhile queues it
// again when the first is Done), keys can be queued after a delay, and
// failures back off exponentially per key under an overall token bucket.
//
// Example (a worker):
//   while (std::optional<std::string> key = queue.Get()) {
//     absl::Status s = Reconcile(*key);
//     if (s.ok()) queue.Forget(*key); else queue.AddRateLimited(*key);
//     queue.Done(*key);
//   }

#ifndef STRATA_OPERATOR_WORK_QUEUE_H_
#define STRATA_OPERATOR_WORK_QUEUE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace strata::operator_internal {

struct WorkQueueOptions {
  // Per-key backoff after failures: base * 2^(failures-1), at most `max`.
  absl::Duration base_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  // Overall bucket for rate-limited adds: `qps` tokens a second, `burst` at
  // most; an add without a token waits for the next one.
  double qps = 20;
  int burst = 200;
  // The clock; default absl::Now. Tests pass a fake and use TryGet().
  std::function<absl::Time()> now;
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});

  // Queues `key` now (a no-op when it is already queued).
  void Add(const std::string& key);
  // Queues `key` once `delay` has passed (at once when <= 0); the earliest
  // of several pending delays wins.
  void AddAfter(const std::string& key, absl::Duration delay);
  // Queues `key` after its backoff (which grows with each call until
  // Forget) and the overall rate limit. Returns the delay chosen.
  absl::Duration AddRateLimited(const std::string& key);
  // Resets `key`'s backoff (after a success).
  void Forget(const std::string& key);
  // How many times `key` was rate-limited since the last Forget.
  int Failures(const std::string& key);

  // Blocks until a key is ready and returns it, marked processing; nullopt
  // once ShutDown() was called.
  std::optional<std::string> Get();
  // Returns a ready key at once (marked processing), or nullopt.
  std::optional<std::string> TryGet();
  // Marks `key` processed; when it was added meanwhile it is queued again.
  void Done(const std::string& key);

  // Get() returns nullopt from now on; pending delays are dropped.
  void ShutDown();
  bool shutting_down();

  // Keys ready now, and keys waiting for a delay.
  int Len();
  int Waiting();
  // When the next delayed key is due (for tests); nullopt when none.
  std::optional<absl::Time> NextDue();

 private:
  absl::Time Now() const { return options_.now ? options_.now() : absl::Now(); }
  void AddLocked(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddAfterLocked(const std::string& key, absl::Time due) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves due keys from waiting_ to the queue.
  void PromoteLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::optional<std::string> PopLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const WorkQueueOptions options_;
  absl::Mutex mu_;
  absl::CondVar cv_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> dirty_ ABSL_GUARDED_BY(mu_);       // Queued (or to requeue).
  std::set<std::string> processing_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Time> waiting_ ABSL_GUARDED_BY(mu_);  // Key -> due.
  std::map<std::string, int> failures_ ABSL_GUARDED_BY(mu_);
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time bucket_time_ ABSL_GUARDED_BY(mu_);  // When tokens_ was computed.
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_WORK_QUEUE_H_
