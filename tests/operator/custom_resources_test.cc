#include "operator/custom_resources.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/documents.h"

namespace strata::operator_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Json ClusterResource() {
  return Json::parse(R"({
    "apiVersion": "strata.dev/v1", "kind": "Cluster",
    "metadata": {"name": "events", "namespace": "data", "uid": "u-1", "generation": 3,
                 "resourceVersion": "42", "labels": {"team": "analytics"},
                 "annotations": {"strata.dev/paused": "True",
                                 "strata.dev/approve": "tok-1, tok-2"},
                 "finalizers": ["other.example/x"],
                 "managedFields": [{"manager": "kubectl"}]},
    "spec": {"app": "kafka", "roles": [{"name": "broker", "members": 3}]},
    "status": {"phase": "Ready"}})");
}

Json AppResource() {
  return Json::parse(R"({
    "apiVersion": "strata.dev/v1", "kind": "App",
    "metadata": {"name": "kafka", "uid": "a-1", "resourceVersion": "7"},
    "spec": {"roles": [{"name": "broker", "image": "kafka:1", "cardinality": 3}]}})");
}

TEST(CustomResourcesTest, Accessors) {
  Json c = ClusterResource();
  EXPECT_EQ(KeyOf(c), "data/events");
  EXPECT_EQ(SplitKey("data/events"), std::make_pair(std::string("data"), std::string("events")));
  EXPECT_EQ(GenerationOf(c), 3);
  EXPECT_EQ(UidOf(c), "u-1");
  EXPECT_EQ(LabelOf(c, "team"), "analytics");
  EXPECT_TRUE(IsPaused(c));
  EXPECT_THAT(ApprovalTokens(c), ElementsAre("tok-1", "tok-2"));
  EXPECT_FALSE(IsDeleting(c));
  EXPECT_FALSE(HasFinalizer(c));
  c["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z";
  EXPECT_TRUE(IsDeleting(c));
  EXPECT_FALSE(IsPaused(AppResource()));
  EXPECT_EQ(GenerationOf(Json()), 0);
}

TEST(CustomResourcesTest, FinalizerIsAddedOnceAndRemovedAlone) {
  Json c = ClusterResource();
  Json with = FinalizersWith(c, true);
  EXPECT_EQ(with, Json::array({"other.example/x", "strata.dev/cleanup"}));
  c["metadata"]["finalizers"] = with;
  EXPECT_TRUE(HasFinalizer(c));
  EXPECT_EQ(FinalizersWith(c, true), with);
  EXPECT_EQ(FinalizersWith(c, false), Json::array({"other.example/x"}));
}

TEST(CustomResourcesTest, TopologySourcesKeepOnlyWhatTheLoaderReads) {
  std::vector<Source> sources = TopologySources(AppResource(), ClusterResource());
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].name, "App kafka");
  EXPECT_EQ(sources[1].name, "Cluster data/events");
  Json cluster = Json::parse(sources[1].text);
  EXPECT_EQ(cluster["metadata"], Json::parse(R"({"name": "events", "namespace": "data",
                                                 "labels": {"team": "analytics"}})"));
  EXPECT_FALSE(cluster.contains("status"));
  // The loader accepts them (integers where the YAML takes any scalar).
  absl::StatusOr<Documents> docs = Load(sources);
  ASSERT_TRUE(docs.ok()) << docs.status();
  EXPECT_EQ(docs->clusters[0].cluster.namespace_, "data");
}

TEST(CustomResourcesTest, OwnerReferenceNamesTheClusterAsController) {
  EXPECT_EQ(OwnerReference(ClusterResource()),
            Json::parse(R"({"apiVersion": "strata.dev/v1", "kind": "Cluster", "name": "events",
                            "uid": "u-1", "controller": true, "blockOwnerDeletion": true})"));
}

TEST(CustomResourcesTest, TimesRoundTrip) {
  absl::Time t = absl::FromUnixMicros(1735689600123456);
  EXPECT_EQ(operator_internal::FormatTime(t), "2025-01-01T00:00:00Z");
  EXPECT_EQ(FormatMicroTime(t), "2025-01-01T00:00:00.123456Z");
  EXPECT_EQ(ParseTime(FormatMicroTime(t)), t);
  EXPECT_EQ(ParseTime("yesterday"), std::nullopt);
}

StatusReport Progressing(int32_t ready) {
  StatusReport r;
  r.generation = 3;
  r.phase = "Progressing";
  r.message = "waiting for podReady events-broker-2";
  r.conditions = {{"Ready", "False", "RollingOut", "m"},
                  {"Progressing", "True", "StepsRan", "m"},
                  {"Blocked", "False", "NotBlocked", ""},
                  {"Invalid", "False", "Valid", ""}};
  r.roles = std::vector<StatusReport::Role>{{"zookeeper", 3, 3, 3}, {"broker", 5, ready, 2}};
  r.steps = 7;
  r.next = std::vector<StatusReport::NextStep>{
      {"wait", "Pod/events-broker-2", "restarted for the new image"}};
  return r;
}

TEST(CustomResourcesTest, BuildStatusHasEverySpec2Field) {
  absl::Time t0 = absl::FromUnixSeconds(1735689600);
  Json s = BuildStatus(Json(), Progressing(4), t0);
  EXPECT_EQ(s["observedGeneration"], 3);
  EXPECT_EQ(s["phase"], "Progressing");
  EXPECT_EQ(s["readyMembers"], "7/8");
  EXPECT_EQ(s["updatedMembers"], "5/8");
  EXPECT_EQ(s["roles"][1], Json::parse(R"({"name": "broker", "members": 5, "ready": 4,
                                           "updated": 2})"));
  EXPECT_EQ(s["plan"]["steps"], 7);
  EXPECT_EQ(s["plan"]["next"][0]["target"], "Pod/events-broker-2");
  ASSERT_EQ(s["conditions"].size(), 4u);
  EXPECT_EQ(s["conditions"][1], Json::parse(R"({"type": "Progressing", "status": "True",
      "observedGeneration": 3, "lastTransitionTime": "2025-01-01T00:00:00Z",
      "reason": "StepsRan", "message": "m"})"));
  EXPECT_EQ(s["message"], "waiting for podReady events-broker-2");
}

TEST(CustomResourcesTest, ConditionsKeepTheirTransitionTimeWhileUnchanged) {
  absl::Time t0 = absl::FromUnixSeconds(1735689600);
  Json s1 = BuildStatus(Json(), Progressing(4), t0);
  Json s2 = BuildStatus(s1, Progressing(5), t0 + absl::Minutes(1));
  EXPECT_EQ(s2["conditions"][1]["lastTransitionTime"], "2025-01-01T00:00:00Z");
  EXPECT_EQ(s2["readyMembers"], "8/8");
  EXPECT_TRUE(StatusDiffers(s1, s2));
  EXPECT_FALSE(StatusDiffers(s2, BuildStatus(s2, Progressing(5), t0 + absl::Minutes(2))))
      << "the same report twice writes nothing";
  StatusReport ready = Progressing(5);
  ready.phase = "Ready";
  ready.conditions[0].status = "True";
  Json s3 = BuildStatus(s2, ready, t0 + absl::Minutes(3));
  EXPECT_EQ(s3["conditions"][0]["lastTransitionTime"], "2025-01-01T00:03:00Z");
  EXPECT_EQ(s3["conditions"][1]["lastTransitionTime"], "2025-01-01T00:00:00Z");
}

TEST(CustomResourcesTest, AReportWithoutCountsKeepsThePreviousOnes) {
  Json s1 = BuildStatus(Json(), Progressing(4), absl::FromUnixSeconds(1735689600));
  StatusReport paused;
  paused.generation = 4;
  paused.phase = "Paused";
  paused.message = "paused";
  Json s2 = BuildStatus(s1, paused, absl::FromUnixSeconds(1735689700));
  EXPECT_EQ(s2["observedGeneration"], 4);
  EXPECT_EQ(s2["roles"], s1["roles"]);
  EXPECT_EQ(s2["readyMembers"], "7/8");
  EXPECT_EQ(s2["plan"], s1["plan"]);
}

}  // namespace
}  // namespace strata::operator_internal
