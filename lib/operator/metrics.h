// strata-operator's Prometheus metrics (SPEC-2 §7), rendered in the text
// exposition format (version 0.0.4) that /metrics serves:
//   strata_reconcile_total{result}          counter: reconciles by outcome
//   strata_reconcile_duration_seconds       histogram: one reconcile
//   strata_steps_total{action,result}       counter: plan steps run
//   strata_clusters{phase}                  gauge: Clusters by status.phase
//   strata_leader                           gauge: 1 while this replica leads
//   strata_workqueue_depth                  gauge: Clusters queued
// Thread-safe; output sorted so two scrapes of equal state are equal.
//
// Example:
//   Metrics m;
//   m.ReconcileDone("progressed", absl::Milliseconds(120));
//   m.Step("restart", "succeeded");
//   std::string text = m.Text();

#ifndef STRATA_OPERATOR_METRICS_H_
#define STRATA_OPERATOR_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace strata::operator_internal {

class Metrics {
 public:
  Metrics();

  // One reconcile ended with `result` (converged, progressed, waiting,
  // blocked, invalid, paused, pending, deleted, error) after `duration`.
  void ReconcileDone(absl::string_view result, absl::Duration duration);
  // A plan step with `action` (apply, restart, exec, ...) ended with
  // `result` (succeeded, failed).
  void Step(absl::string_view action, absl::string_view result);
  // Cluster `key` is now in `phase`; an empty phase forgets it (deleted).
  void SetClusterPhase(const std::string& key, const std::string& phase);
  void SetLeader(bool leader);
  void SetQueueDepth(int depth);

  // The Prometheus text exposition of every metric.
  std::string Text();

  // Read back for tests.
  int64_t ReconcileCount(absl::string_view result);
  int64_t StepCount(absl::string_view action, absl::string_view result);

 private:
  absl::Mutex mu_;
  std::map<std::string, int64_t> reconciles_ ABSL_GUARDED_BY(mu_);
  std::vector<double> bucket_bounds_;                   // Upper bounds, seconds.
  std::vector<int64_t> buckets_ ABSL_GUARDED_BY(mu_);   // Non-cumulative counts.
  double duration_sum_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t duration_count_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::pair<std::string, std::string>, int64_t> steps_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> phases_ ABSL_GUARDED_BY(mu_);  // Cluster -> phase.
  bool leader_ ABSL_GUARDED_BY(mu_) = false;
  int queue_depth_ ABSL_GUARDED_BY(mu_) = 0;
};

// `value` escaped for a Prometheus label value (backslash, quote, newline).
std::string EscapeLabelValue(absl::string_view value);

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_METRICS_H_
