// Metrics (metrics.h): counters, one histogram and gauges as Prometheus text.

#include "operator/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "strata/crd.h"

namespace strata::operator_internal {

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::string Number(double v) { return absl::StrFormat("%.17g", v); }

}  // namespace

Metrics::Metrics()
    : bucket_bounds_({0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
                      300}) {
  absl::MutexLock lock(&mu_);
  buckets_.assign(bucket_bounds_.size() + 1, 0);
}

void Metrics::ReconcileDone(absl::string_view result, absl::Duration duration) {
  absl::MutexLock lock(&mu_);
  ++reconciles_[std::string(result)];
  const double seconds = absl::ToDoubleSeconds(duration);
  size_t i = 0;
  while (i < bucket_bounds_.size() && seconds > bucket_bounds_[i]) ++i;
  ++buckets_[i];
  duration_sum_ += seconds;
  ++duration_count_;
}

void Metrics::Step(absl::string_view action, absl::string_view result) {
  absl::MutexLock lock(&mu_);
  ++steps_[{std::string(action), std::string(result)}];
}

void Metrics::SetClusterPhase(const std::string& key, const std::string& phase) {
  absl::MutexLock lock(&mu_);
  if (phase.empty()) {
    phases_.erase(key);
  } else {
    phases_[key] = phase;
  }
}

void Metrics::SetLeader(bool leader) {
  absl::MutexLock lock(&mu_);
  leader_ = leader;
}

void Metrics::SetQueueDepth(int depth) {
  absl::MutexLock lock(&mu_);
  queue_depth_ = depth;
}

int64_t Metrics::ReconcileCount(absl::string_view result) {
  absl::MutexLock lock(&mu_);
  auto it = reconciles_.find(std::string(result));
  return it == reconciles_.end() ? 0 : it->second;
}

int64_t Metrics::StepCount(absl::string_view action, absl::string_view result) {
  absl::MutexLock lock(&mu_);
  auto it = steps_.find({std::string(action), std::string(result)});
  return it == steps_.end() ? 0 : it->second;
}

std::string Metrics::Text() {
  absl::MutexLock lock(&mu_);
  std::string out;
  absl::StrAppend(&out,
                  "# HELP strata_reconcile_total Cluster reconciles, by outcome.\n"
                  "# TYPE strata_reconcile_total counter\n");
  for (const auto& [result, n] : reconciles_) {
    absl::StrAppend(&out, "strata_reconcile_total{result=\"", EscapeLabelValue(result), "\"} ",
                    n, "\n");
  }
  absl::StrAppend(&out,
                  "# HELP strata_reconcile_duration_seconds How long one Cluster reconcile "
                  "(one pass) took.\n"
                  "# TYPE strata_reconcile_duration_seconds histogram\n");
  int64_t cumulative = 0;
  for (size_t i = 0; i < bucket_bounds_.size(); ++i) {
    cumulative += buckets_[i];
    absl::StrAppend(&out, "strata_reconcile_duration_seconds_bucket{le=\"",
                    absl::StrCat(bucket_bounds_[i]), "\"} ", cumulative, "\n");
  }
  cumulative += buckets_.back();
  absl::StrAppend(&out, "strata_reconcile_duration_seconds_bucket{le=\"+Inf\"} ", cumulative,
                  "\n", "strata_reconcile_duration_seconds_sum ", Number(duration_sum_), "\n",
                  "strata_reconcile_duration_seconds_count ", duration_count_, "\n");
  absl::StrAppend(&out,
                  "# HELP strata_steps_total Plan steps run, by action and result.\n"
                  "# TYPE strata_steps_total counter\n");
  for (const auto& [key, n] : steps_) {
    absl::StrAppend(&out, "strata_steps_total{action=\"", EscapeLabelValue(key.first),
                    "\",result=\"", EscapeLabelValue(key.second), "\"} ", n, "\n");
  }
  std::map<std::string, int> by_phase;
  for (const char* phase : kClusterPhases) by_phase[phase] = 0;
  for (const auto& [key, phase] : phases_) ++by_phase[phase];
  absl::StrAppend(&out,
                  "# HELP strata_clusters Clusters, by status.phase.\n"
                  "# TYPE strata_clusters gauge\n");
  for (const auto& [phase, n] : by_phase) {
    absl::StrAppend(&out, "strata_clusters{phase=\"", EscapeLabelValue(phase), "\"} ", n, "\n");
  }
  absl::StrAppend(&out,
                  "# HELP strata_leader 1 while this replica holds the leader Lease (or runs "
                  "without leader election).\n"
                  "# TYPE strata_leader gauge\n"
                  "strata_leader ",
                  leader_ ? 1 : 0, "\n",
                  "# HELP strata_workqueue_depth Clusters waiting in the work queue.\n"
                  "# TYPE strata_workqueue_depth gauge\n"
                  "strata_workqueue_depth ",
                  queue_depth_, "\n");
  return out;
}

}  // namespace strata::operator_internal
