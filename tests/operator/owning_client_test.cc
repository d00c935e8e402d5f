#include "operator/owning_client.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/execute/fake_cluster_client.h"

namespace strata::operator_internal {
namespace {

const Json kOwner = {{"apiVersion", "strata.dev/v1"}, {"kind", "Cluster"}, {"name", "events"},
                     {"uid", "u-1"}, {"controller", true}, {"blockOwnerDeletion", true}};

TEST(OwningClientTest, AppliedObjectsCarryTheOwnerReference) {
  strata::testing::FakeClusterClient kube;
  OwningClient client(kube, kOwner, nullptr);
  Json sts = {{"apiVersion", "apps/v1"}, {"kind", "StatefulSet"},
              {"metadata", {{"name", "events-broker"}, {"namespace", "data"}}}};
  ASSERT_TRUE(client.Apply(sts, ApplyOptions{}).ok());
  const Json* stored = kube.Get("StatefulSet", "events-broker");
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ((*stored)["metadata"]["ownerReferences"], Json::array({kOwner}));
}

TEST(OwningClientTest, ClaimsAndPodsGetNoOwnerReference) {
  // The executor applies a claim to record strata.dev/member-left: owned by
  // the Cluster, the garbage collector would delete a retained claim with it.
  strata::testing::FakeClusterClient kube;
  OwningClient client(kube, kOwner, nullptr);
  for (const char* kind : {"PersistentVolumeClaim", "Pod"}) {
    Json o = {{"apiVersion", "v1"}, {"kind", kind},
              {"metadata", {{"name", "data-events-broker-4"}, {"namespace", "data"}}}};
    ASSERT_TRUE(client.Apply(o, ApplyOptions{}).ok());
    const Json* stored = kube.Get(kind, "data-events-broker-4");
    ASSERT_NE(stored, nullptr);
    EXPECT_FALSE((*stored)["metadata"].contains("ownerReferences")) << kind;
  }
}

TEST(OwningClientTest, RemembersTheLastObservation) {
  strata::testing::FakeClusterClient kube;
  kube.Put(Json{{"kind", "Pod"}, {"metadata", {{"name", "events-broker-0"}}}});
  OwningClient client(kube, kOwner, nullptr);
  EXPECT_FALSE(client.last_observed().has_value());
  ASSERT_TRUE(client.Observe(ObserveRequest{.namespace_ = "data", .cluster = "events"}).ok());
  ASSERT_TRUE(client.last_observed().has_value());
  EXPECT_EQ(client.last_observed()->pods.size(), 1u);
}

TEST(OwningClientTest, NoWriteLeavesOnceItMayNotAct) {
  strata::testing::FakeClusterClient kube;
  kube.Put(Json{{"kind", "Pod"}, {"metadata", {{"name", "p-0"}}}});
  bool leader = true;
  OwningClient client(kube, kOwner, [&] { return leader; });
  ASSERT_TRUE(client.Delete({.kind = "Pod", .name = "p-0"}, {}).ok());
  leader = false;
  const size_t calls = kube.calls.size();
  Json cm = {{"kind", "ConfigMap"}, {"metadata", {{"name", "c"}}}};
  EXPECT_EQ(client.Apply(cm, {}).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(client.Delete({.kind = "Pod", .name = "p-1"}, {}).code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(client.Exec({.pod = "p-0", .command = {"true"}}).status().code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(client.PatchMetadata({.kind = "Pod", .name = "p-0"}, {}).code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(client.ResizePvc({.kind = "PersistentVolumeClaim", .name = "d"}, "2Gi").code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(kube.calls.size(), calls) << "nothing reached the cluster";
  EXPECT_EQ(client.refused(), 5);
  // Reads and dry runs still work.
  EXPECT_TRUE(client.Observe(ObserveRequest{}).ok());
  EXPECT_TRUE(client.Apply(cm, ApplyOptions{.dry_run = true}).ok());
}

TEST(OwningClientTest, ARunningExecIsCancelledWhenLeadershipGoes) {
  class Probe : public strata::testing::FakeClusterClient {
   public:
    absl::StatusOr<ExecResult> Exec(const ExecRequest& r) override {
      seen_cancelled = r.cancelled && r.cancelled();
      return ExecResult{};
    }
    bool seen_cancelled = false;
  } kube;
  bool leader = true;
  OwningClient client(kube, kOwner, [&] { return leader; });
  ASSERT_TRUE(client.Exec({.pod = "p", .command = {"true"}}).ok());
  EXPECT_FALSE(kube.seen_cancelled);
  // Leadership goes while the command runs: the client's poll sees it.
  class Flip : public strata::testing::FakeClusterClient {
   public:
    explicit Flip(bool* leader) : leader_(leader) {}
    absl::StatusOr<ExecResult> Exec(const ExecRequest& r) override {
      *leader_ = false;
      seen_cancelled = r.cancelled && r.cancelled();
      return ExecResult{};
    }
    bool* leader_;
    bool seen_cancelled = false;
  } flip(&leader);
  OwningClient client2(flip, kOwner, [&] { return leader; });
  ASSERT_TRUE(client2.Exec({.pod = "p", .command = {"true"}}).ok());
  EXPECT_TRUE(flip.seen_cancelled);
}

}  // namespace
}  // namespace strata::operator_internal
