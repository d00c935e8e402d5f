#include "operator/cleanup.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/compile/examples.h"
#include "tests/execute/fake_cluster_client.h"

namespace strata::operator_internal {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

CompiledCluster Kafka() {
  absl::StatusOr<std::vector<Topology>> t = strata::testing::LoadExample("kafka");
  EXPECT_TRUE(t.ok()) << t.status();
  absl::StatusOr<CompiledCluster> c = Compile(t->at(0), CompileOptions{});
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

// What observing selects a Cluster's objects by.
const Json kEvents = {{"app.kubernetes.io/instance", "events"}};

Json Sts(const std::string& name, const std::string& when_deleted) {
  return Json{{"kind", "StatefulSet"},
              {"metadata", {{"name", name}, {"labels", kEvents}}},
              {"spec",
               {{"persistentVolumeClaimRetentionPolicy", {{"whenDeleted", when_deleted}}},
                {"volumeClaimTemplates", Json::array({Json{{"metadata", {{"name", "data"}}}}})}}}};
}

Json Named(const std::string& kind, const std::string& name) {
  return Json{{"kind", kind}, {"metadata", {{"name", name}, {"labels", kEvents}}}};
}

// examples/kafka's objects as they run: brokers say whenDeleted `delete`.
void Populate(strata::testing::FakeClusterClient& kube, const char* broker_policy) {
  kube.Put(Sts("events-zookeeper", "Retain"));
  kube.Put(Sts("events-broker", broker_policy));
  for (const char* pod : {"events-zookeeper-0", "events-broker-0", "events-broker-1"}) {
    kube.Put(Named("Pod", pod));
  }
  kube.Put(Named("Service", "events-broker"));
  kube.Put(Named("ConfigMap", "events-broker-config-1"));
  kube.Put(Named("PodDisruptionBudget", "events-broker"));
  for (const char* pvc : {"data-events-zookeeper-0", "data-events-broker-0",
                          "data-events-broker-1", "data-events-broker-x", "other-claim"}) {
    kube.Put(Named("PersistentVolumeClaim", pvc));
  }
}

const ObserveRequest kScope{.namespace_ = "data", .cluster = "events"};

TEST(CleanupTest, RetainKeepsEveryClaim) {
  strata::testing::FakeClusterClient kube;
  Populate(kube, "Retain");
  CompiledCluster kafka = Kafka();  // onClusterDelete: retain (the default).
  absl::StatusOr<CleanupResult> r = CleanupCluster(kube, kScope, &kafka);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->deleted_pvcs, IsEmpty());
  EXPECT_EQ(r->kept_pvcs.size(), 5u);
  EXPECT_EQ(r->deleted_objects, 8);
  // StatefulSets go with orphan propagation first: the claims' owner
  // references cannot take a kept claim along.
  EXPECT_THAT(kube.calls, Contains("delete StatefulSet events-broker orphan"));
  for (const std::string& call : kube.calls) {
    EXPECT_THAT(call, Not(HasSubstr("PersistentVolumeClaim"))) << "no claim is deleted";
  }
  EXPECT_NE(kube.Get("PersistentVolumeClaim", "data-events-broker-0"), nullptr);
  EXPECT_EQ(kube.Get("Pod", "events-broker-0"), nullptr);
  EXPECT_EQ(kube.Get("StatefulSet", "events-broker"), nullptr);
  EXPECT_THAT(r->message, HasSubstr("kept 5 PersistentVolumeClaim(s) (onClusterDelete: retain)"));
}

// An observation also holds StatefulSets without the instance label, with
// their pods and claims, for adoption (SPEC-2 §10): never the Cluster's to
// delete.
TEST(CleanupTest, UnlabelledStatefulSetsPodsAndClaimsStay) {
  strata::testing::FakeClusterClient kube;
  Populate(kube, "Delete");
  Json legacy = Sts("legacy", "Delete");
  legacy["metadata"].erase("labels");
  kube.Put(legacy);
  kube.Put(Json{{"kind", "Pod"}, {"metadata", {{"name", "legacy-0"}}}});
  kube.Put(Json{{"kind", "PersistentVolumeClaim"}, {"metadata", {{"name", "data-legacy-0"}}}});
  CompiledCluster kafka = Kafka();
  absl::StatusOr<CleanupResult> r = CleanupCluster(kube, kScope, &kafka);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->deleted_objects, 8);
  EXPECT_NE(kube.Get("StatefulSet", "legacy"), nullptr);
  EXPECT_NE(kube.Get("Pod", "legacy-0"), nullptr);
  EXPECT_NE(kube.Get("PersistentVolumeClaim", "data-legacy-0"), nullptr);
  EXPECT_THAT(r->kept_pvcs, Not(Contains("data-legacy-0")));
}

TEST(CleanupTest, DeleteOnlyWhereSpecAndStatefulSetAgree) {
  strata::testing::FakeClusterClient kube;
  Populate(kube, "Delete");
  CompiledCluster kafka = Kafka();
  for (CompiledRole& role : kafka.roles) {
    if (role.name == "broker") role.storage[0].on_cluster_delete = VolumePolicy::kDelete;
  }
  absl::StatusOr<CleanupResult> r = CleanupCluster(kube, kScope, &kafka);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->deleted_pvcs, ElementsAre("data-events-broker-0", "data-events-broker-1"));
  EXPECT_THAT(r->kept_pvcs,
              ElementsAre("data-events-broker-x", "data-events-zookeeper-0", "other-claim"));
  EXPECT_EQ(kube.Get("PersistentVolumeClaim", "data-events-broker-1"), nullptr);
  EXPECT_NE(kube.Get("PersistentVolumeClaim", "data-events-zookeeper-0"), nullptr);
  // Claims go last, after the pods using them.
  EXPECT_EQ(kube.calls.back(), "delete PersistentVolumeClaim data-events-broker-1");
}

TEST(CleanupTest, ASpecSayingRetainWinsOverAStaleStatefulSet) {
  // The user switched onClusterDelete back to retain and deleted the Cluster
  // before the StatefulSet was updated: nothing is deleted.
  strata::testing::FakeClusterClient kube;
  Populate(kube, "Delete");
  CompiledCluster kafka = Kafka();
  absl::StatusOr<CleanupResult> r = CleanupCluster(kube, kScope, &kafka);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->deleted_pvcs, IsEmpty());
}

TEST(CleanupTest, WithoutACompilingSpecEveryClaimIsKept) {
  strata::testing::FakeClusterClient kube;
  Populate(kube, "Delete");
  absl::StatusOr<CleanupResult> r = CleanupCluster(kube, kScope, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->deleted_pvcs, IsEmpty());
  EXPECT_THAT(r->message, HasSubstr("the spec does not compile"));
}

TEST(CleanupTest, AnErrorStopsAndARetryContinues) {
  strata::testing::FakeClusterClient kube;
  Populate(kube, "Retain");
  CompiledCluster kafka = Kafka();
  kube.errors.push_back(absl::OkStatus());
  kube.errors.push_back(absl::UnavailableError("DELETE: connection refused"));
  absl::StatusOr<CleanupResult> r = CleanupCluster(kube, kScope, &kafka);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  r = CleanupCluster(kube, kScope, &kafka);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(kube.Get("Service", "events-broker"), nullptr);
}

}  // namespace
}  // namespace strata::operator_internal
