#include "operator/metrics.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::operator_internal {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, RendersTheSpecMetricNamesInPrometheusText) {
  Metrics m;
  m.ReconcileDone("progressed", absl::Milliseconds(30));
  m.ReconcileDone("progressed", absl::Seconds(2));
  m.ReconcileDone("converged", absl::Milliseconds(4));
  m.Step("restart", "succeeded");
  m.Step("exec", "failed");
  m.Step("exec", "failed");
  m.SetClusterPhase("data/events", "Progressing");
  m.SetClusterPhase("data/logs", "Ready");
  m.SetClusterPhase("web/cache", "Ready");
  m.SetLeader(true);
  std::string text = m.Text();
  EXPECT_THAT(text, HasSubstr("# TYPE strata_reconcile_total counter\n"));
  EXPECT_THAT(text, HasSubstr("strata_reconcile_total{result=\"progressed\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("strata_reconcile_total{result=\"converged\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE strata_reconcile_duration_seconds histogram\n"));
  // Cumulative buckets: 4 ms <= 0.005; 30 ms <= 0.05; 2 s <= 2.5.
  EXPECT_THAT(text, HasSubstr("strata_reconcile_duration_seconds_bucket{le=\"0.005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("strata_reconcile_duration_seconds_bucket{le=\"0.05\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("strata_reconcile_duration_seconds_bucket{le=\"2.5\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("strata_reconcile_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("strata_reconcile_duration_seconds_count 3\n"));
  EXPECT_THAT(text, HasSubstr("strata_steps_total{action=\"exec\",result=\"failed\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("strata_steps_total{action=\"restart\",result=\"succeeded\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("strata_clusters{phase=\"Ready\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("strata_clusters{phase=\"Progressing\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("strata_clusters{phase=\"Invalid\"} 0\n")) << "every phase";
  EXPECT_THAT(text, HasSubstr("strata_leader 1\n"));
  m.SetClusterPhase("web/cache", "");
  EXPECT_THAT(m.Text(), HasSubstr("strata_clusters{phase=\"Ready\"} 1\n"));
  EXPECT_EQ(m.ReconcileCount("progressed"), 2);
  EXPECT_EQ(m.StepCount("exec", "failed"), 2);
}

TEST(MetricsTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Metrics m;
  m.Step("we\"ird", "x");
  EXPECT_THAT(m.Text(), HasSubstr("action=\"we\\\"ird\""));
}

}  // namespace
}  // namespace strata::operator_internal
