#include "sim/kube_model.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

// A StatefulSet as strata compiles it: Parallel, OnDelete, one claim.
Json StatefulSet(const std::string& name, int replicas, const std::string& hash,
                 const std::string& when_scaled = "Retain",
                 const std::string& when_deleted = "Retain") {
  return Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "StatefulSet",
    "metadata": {"name": ")" + name + R"(", "namespace": "data",
                 "labels": {"app.kubernetes.io/instance": "events",
                            "app.kubernetes.io/component": "broker"}},
    "spec": {
      "serviceName": ")" + name + R"(",
      "replicas": )" + std::to_string(replicas) + R"(,
      "selector": {"matchLabels": {"app.kubernetes.io/instance": "events",
                                   "app.kubernetes.io/component": "broker"}},
      "podManagementPolicy": "Parallel",
      "updateStrategy": {"type": "OnDelete"},
      "persistentVolumeClaimRetentionPolicy": {"whenDeleted": ")" + when_deleted +
                    R"(", "whenScaled": ")" + when_scaled + R"("},
      "template": {
        "metadata": {"labels": {"app.kubernetes.io/instance": "events",
                                "app.kubernetes.io/component": "broker"},
                     "annotations": {"strata.dev/spec-hash": ")" + hash + R"("}},
        "spec": {"containers": [{"name": "broker", "image": "kafka:)" + hash + R"("}]}
      },
      "volumeClaimTemplates": [{
        "metadata": {"name": "data",
                     "labels": {"app.kubernetes.io/instance": "events",
                                "app.kubernetes.io/component": "broker"}},
        "spec": {"accessModes": ["ReadWriteOnce"],
                 "resources": {"requests": {"storage": "10Gi"}}}
      }]
    }
  })");
}

KubeModelOptions Options() {
  KubeModelOptions options;
  options.namespace_ = "data";
  options.ready_delay = absl::Seconds(10);
  return options;
}

std::vector<std::string> Names(const std::map<std::string, Json>& objects) {
  std::vector<std::string> out;
  for (const auto& [name, object] : objects) out.push_back(name);
  return out;
}

std::string Annotation(const Json& pod, const std::string& key) {
  return pod["metadata"]["annotations"].value(key, "");
}

TEST(KubeModelTest, ParallelCreatesAllOrdinalsWithLabelsPvcsAndNodes) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 3, "v1-a")), IsOk());
  kube.Reconcile(kStart);
  EXPECT_THAT(Names(kube.Objects("Pod")),
              ElementsAre("events-broker-0", "events-broker-1", "events-broker-2"));
  EXPECT_THAT(Names(kube.Objects("PersistentVolumeClaim")),
              ElementsAre("data-events-broker-0", "data-events-broker-1",
                          "data-events-broker-2"));
  const Json& pod = *kube.Find("Pod", "events-broker-1");
  EXPECT_EQ(pod["metadata"]["labels"]["apps.kubernetes.io/pod-index"], "1");
  EXPECT_EQ(pod["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"],
            "events-broker-1");
  EXPECT_EQ(pod["metadata"]["labels"]["app.kubernetes.io/component"], "broker");
  EXPECT_EQ(Annotation(pod, "strata.dev/spec-hash"), "v1-a");
  EXPECT_EQ(pod["metadata"]["namespace"], "data");
  EXPECT_FALSE(pod["metadata"]["uid"].get<std::string>().empty());
  EXPECT_FALSE(pod["spec"]["nodeName"].get<std::string>().empty());
  EXPECT_EQ(pod["spec"]["subdomain"], "events-broker");
  // Three pods spread over three nodes.
  std::set<std::string> nodes;
  for (const auto& [name, p] : kube.Objects("Pod")) {
    nodes.insert(p["spec"]["nodeName"].get<std::string>());
  }
  EXPECT_EQ(nodes.size(), 3u);
  const Json& pvc = *kube.Find("PersistentVolumeClaim", "data-events-broker-1");
  EXPECT_EQ(pvc["status"]["phase"], "Bound");
  EXPECT_EQ(pvc["status"]["capacity"]["storage"], "10Gi");
  EXPECT_EQ(pvc["metadata"]["labels"]["app.kubernetes.io/component"], "broker");
}

TEST(KubeModelTest, PodsBecomeReadyAfterTheDelay) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 2, "v1-a")), IsOk());
  kube.Reconcile(kStart);
  EXPECT_FALSE(kube.PodReady("events-broker-0"));
  EXPECT_EQ(kube.NextEventTime(), kStart + absl::Seconds(10));
  kube.Reconcile(kStart + absl::Seconds(9));
  EXPECT_FALSE(kube.PodReady("events-broker-0"));
  kube.Reconcile(kStart + absl::Seconds(25));
  EXPECT_TRUE(kube.PodReady("events-broker-0"));
  const Json& pod = *kube.Find("Pod", "events-broker-0");
  EXPECT_EQ(pod["status"]["phase"], "Running");
  const Json& ready = pod["status"]["conditions"][1];
  EXPECT_EQ(ready["type"], "Ready");
  EXPECT_EQ(ready["status"], "True");
  // The transition is when it happened, not when it was observed.
  EXPECT_EQ(ready["lastTransitionTime"], "2026-01-01T00:00:10Z");
  const Json& sts = *kube.Find("StatefulSet", "events-broker");
  EXPECT_EQ(sts["status"]["readyReplicas"], 2);
  EXPECT_EQ(sts["status"]["observedGeneration"], 1);
}

TEST(KubeModelTest, OnDeleteRecreatesAtTheCurrentTemplate) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 3, "v1-a")), IsOk());
  kube.Reconcile(kStart);  kube.Reconcile(kStart + absl::Seconds(30));
  std::string old_uid = (*kube.Find("Pod", "events-broker-2"))["metadata"]["uid"];
  // A template change alone restarts nobody (OnDelete).
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 3, "v1-b")), IsOk());
  kube.Reconcile(kStart + absl::Seconds(40));
  for (const auto& [name, pod] : kube.Objects("Pod")) {
    EXPECT_EQ(Annotation(pod, "strata.dev/spec-hash"), "v1-a") << name;
  }
  EXPECT_EQ((*kube.Find("StatefulSet", "events-broker"))["metadata"]["generation"], 2);
  EXPECT_EQ((*kube.Find("StatefulSet", "events-broker"))["status"]["updatedReplicas"], 0);
  ASSERT_THAT(kube.DeletePod("events-broker-2"), IsOk());
  kube.Reconcile(kStart + absl::Seconds(40));
  const Json& pod = *kube.Find("Pod", "events-broker-2");
  EXPECT_NE(pod["metadata"]["uid"], old_uid);
  EXPECT_EQ(Annotation(pod, "strata.dev/spec-hash"), "v1-b");
  EXPECT_FALSE(kube.PodReady("events-broker-2"));
  EXPECT_EQ(Annotation(*kube.Find("Pod", "events-broker-1"), "strata.dev/spec-hash"),
            "v1-a");
  kube.Reconcile(kStart + absl::Seconds(50));
  EXPECT_TRUE(kube.PodReady("events-broker-2"));
  EXPECT_EQ((*kube.Find("StatefulSet", "events-broker"))["status"]["updatedReplicas"], 1);
  EXPECT_THAT(kube.DeletePod("events-broker-9"), StatusIs(absl::StatusCode::kNotFound, _));
}

TEST(KubeModelTest, ParallelScaleInAndOutAtOnceWithRetainedPvcsReused) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 5, "v1-a")), IsOk());
  kube.Reconcile(kStart);  kube.Reconcile(kStart + absl::Seconds(30));
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 2, "v1-a")), IsOk());
  kube.Reconcile(kStart + absl::Seconds(31));
  EXPECT_THAT(Names(kube.Objects("Pod")),
              ElementsAre("events-broker-0", "events-broker-1"));
  // whenScaled: Retain keeps every claim.
  EXPECT_EQ(kube.Objects("PersistentVolumeClaim").size(), 5u);
  std::string kept_uid =
      (*kube.Find("PersistentVolumeClaim", "data-events-broker-4"))["metadata"]["uid"];
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 5, "v1-a")), IsOk());
  kube.Reconcile(kStart + absl::Seconds(32));
  EXPECT_EQ(kube.Objects("Pod").size(), 5u);
  EXPECT_EQ((*kube.Find("PersistentVolumeClaim", "data-events-broker-4"))["metadata"]["uid"],
            kept_uid);
}

TEST(KubeModelTest, WhenScaledDeleteRemovesTheClaimsOfRemovedOrdinals) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 4, "v1-a", "Delete")), IsOk());
  kube.Reconcile(kStart);  kube.Reconcile(kStart + absl::Seconds(30));
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 2, "v1-a", "Delete")), IsOk());
  kube.Reconcile(kStart + absl::Seconds(31));
  EXPECT_THAT(Names(kube.Objects("PersistentVolumeClaim")),
              ElementsAre("data-events-broker-0", "data-events-broker-1"));
  // A restart is not a scale-in: the claim stays.
  ASSERT_THAT(kube.DeletePod("events-broker-1"), IsOk());
  kube.Reconcile(kStart + absl::Seconds(32));
  EXPECT_THAT(Names(kube.Objects("PersistentVolumeClaim")),
              ElementsAre("data-events-broker-0", "data-events-broker-1"));
}

TEST(KubeModelTest, OrphanDeleteKeepsPodsAndPvcsAndTheNewSetAdoptsThem) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 3, "v1-a", "Retain", "Delete")),
              IsOk());
  kube.Reconcile(kStart);  kube.Reconcile(kStart + absl::Seconds(30));
  // An immutable field cannot be changed in place.
  Json changed = StatefulSet("events-broker", 3, "v1-a", "Retain", "Delete");
  changed["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] =
      "20Gi";
  EXPECT_THAT(kube.Apply(changed), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("volumeClaimTemplates")));
  std::string uid = (*kube.Find("Pod", "events-broker-0"))["metadata"]["uid"];
  ASSERT_THAT(kube.Delete("StatefulSet", "events-broker", /*orphan=*/true), IsOk());
  kube.Reconcile(kStart + absl::Seconds(31));
  EXPECT_EQ(kube.Objects("Pod").size(), 3u);
  EXPECT_EQ(kube.Objects("PersistentVolumeClaim").size(), 3u);
  EXPECT_FALSE((*kube.Find("Pod", "events-broker-0"))["metadata"].contains("ownerReferences"));
  EXPECT_TRUE(kube.PodReady("events-broker-0"));
  ASSERT_THAT(kube.Apply(changed), IsOk());
  kube.Reconcile(kStart + absl::Seconds(32));
  const Json& pod = *kube.Find("Pod", "events-broker-0");
  EXPECT_EQ(pod["metadata"]["uid"], uid);  // Adopted, not recreated.
  EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["uid"],
            (*kube.Find("StatefulSet", "events-broker"))["metadata"]["uid"]);
  EXPECT_TRUE(kube.PodReady("events-broker-0"));
}

TEST(KubeModelTest, CascadingDeleteTakesPodsAndWhenDeletedClaims) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 2, "v1-a", "Retain", "Delete")),
              IsOk());
  kube.Reconcile(kStart);  kube.Reconcile(kStart + absl::Seconds(30));
  ASSERT_THAT(kube.Delete("StatefulSet", "events-broker", /*orphan=*/false), IsOk());
  kube.Reconcile(kStart + absl::Seconds(31));
  EXPECT_THAT(kube.Objects("Pod"), IsEmpty());
  EXPECT_THAT(kube.Objects("PersistentVolumeClaim"), IsEmpty());

  KubeModel retain(Options(), kStart);
  ASSERT_THAT(retain.Apply(StatefulSet("events-broker", 2, "v1-a")), IsOk());
  retain.Reconcile(kStart);  retain.Reconcile(kStart + absl::Seconds(30));
  ASSERT_THAT(retain.Delete("StatefulSet", "events-broker", false), IsOk());
  retain.Reconcile(kStart + absl::Seconds(31));
  EXPECT_THAT(retain.Objects("Pod"), IsEmpty());
  EXPECT_EQ(retain.Objects("PersistentVolumeClaim").size(), 2u);
}

TEST(KubeModelTest, PvcInUseIsDeletedOnlyWhenItsPodGoes) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 2, "v1-a")), IsOk());
  kube.Reconcile(kStart);  kube.Reconcile(kStart + absl::Seconds(30));
  ASSERT_THAT(kube.Delete("PersistentVolumeClaim", "data-events-broker-1", false), IsOk());
  kube.Reconcile(kStart + absl::Seconds(31));
  ASSERT_NE(kube.Find("PersistentVolumeClaim", "data-events-broker-1"), nullptr);
  EXPECT_TRUE((*kube.Find("PersistentVolumeClaim", "data-events-broker-1"))["metadata"]
                  .contains("deletionTimestamp"));
  // The pod goes; the claim is released; the recreated pod gets a new one.
  std::string old_uid =
      (*kube.Find("PersistentVolumeClaim", "data-events-broker-1"))["metadata"]["uid"];
  ASSERT_THAT(kube.DeletePod("events-broker-1"), IsOk());
  kube.Reconcile(kStart + absl::Seconds(32));
  const Json* pvc = kube.Find("PersistentVolumeClaim", "data-events-broker-1");
  ASSERT_NE(pvc, nullptr);
  EXPECT_NE((*pvc)["metadata"]["uid"], old_uid);
  EXPECT_FALSE((*pvc)["metadata"].contains("deletionTimestamp"));
}

TEST(KubeModelTest, ResizeGrowsCapacityAfterTheDelay) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 1, "v1-a")), IsOk());
  kube.Reconcile(kStart);
  ASSERT_THAT(kube.ResizePvc("data-events-broker-0", "20Gi"), IsOk());
  const Json* pvc = kube.Find("PersistentVolumeClaim", "data-events-broker-0");
  EXPECT_EQ((*pvc)["spec"]["resources"]["requests"]["storage"], "20Gi");
  EXPECT_EQ((*pvc)["status"]["capacity"]["storage"], "10Gi");
  kube.Reconcile(kStart + absl::Seconds(5));
  EXPECT_EQ((*kube.Find("PersistentVolumeClaim", "data-events-broker-0"))["status"]
                ["capacity"]["storage"],
            "10Gi");
  kube.Reconcile(kStart + absl::Seconds(20));
  EXPECT_EQ((*kube.Find("PersistentVolumeClaim", "data-events-broker-0"))["status"]
                ["capacity"]["storage"],
            "20Gi");
  EXPECT_THAT(kube.ResizePvc("data-events-broker-0", "5Gi"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("shrink")));
  EXPECT_THAT(kube.ResizePvc("nope", "5Gi"), StatusIs(absl::StatusCode::kNotFound, _));
}

TEST(KubeModelTest, PodWaitsForItsConfigMap) {
  KubeModel kube(Options(), kStart);
  Json sts = StatefulSet("events-broker", 1, "v1-a");
  sts["spec"]["template"]["spec"]["volumes"] =
      Json::array({{{"name", "config"}, {"configMap", {{"name", "events-broker-config-1"}}}}});
  ASSERT_THAT(kube.Apply(sts), IsOk());
  kube.Reconcile(kStart + absl::Seconds(60));
  EXPECT_FALSE(kube.PodReady("events-broker-0"));
  EXPECT_EQ((*kube.Find("Pod", "events-broker-0"))["status"]["phase"], "Pending");
  ASSERT_THAT(kube.Apply({{"apiVersion", "v1"},
                          {"kind", "ConfigMap"},
                          {"metadata", {{"name", "events-broker-config-1"}}},
                          {"data", {{"a", "b"}}}}),
              IsOk());
  kube.Reconcile(kStart + absl::Seconds(61));
  EXPECT_FALSE(kube.PodReady("events-broker-0"));
  kube.Reconcile(kStart + absl::Seconds(71));
  EXPECT_TRUE(kube.PodReady("events-broker-0"));
}

TEST(KubeModelTest, LeaderLabelMovesToLowestReadyOrdinal) {
  KubeModelOptions options = Options();
  options.leader_labels["events-broker"] = "strata.dev/leader";
  KubeModel kube(options, kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 3, "v1-a")), IsOk());
  kube.Reconcile(kStart);
  EXPECT_EQ(kube.LeaderOf("events-broker"), "");  // Nobody Ready yet.
  kube.Reconcile(kStart + absl::Seconds(10));
  EXPECT_EQ(kube.LeaderOf("events-broker"), "events-broker-0");
  ASSERT_THAT(kube.SetLeader("events-broker-2"), IsOk());
  kube.Reconcile(kStart + absl::Seconds(11));
  EXPECT_EQ(kube.LeaderOf("events-broker"), "events-broker-2");
  int holders = 0;
  for (const auto& [name, pod] : kube.Objects("Pod")) {
    holders += pod["metadata"]["labels"].value("strata.dev/leader", "") == "true";
  }
  EXPECT_EQ(holders, 1);
  // The leader restarts: the label moves to the lowest Ready ordinal and
  // stays there when the old leader returns.
  ASSERT_THAT(kube.DeletePod("events-broker-2"), IsOk());
  kube.Reconcile(kStart + absl::Seconds(12));
  EXPECT_EQ(kube.LeaderOf("events-broker"), "events-broker-0");
  kube.Reconcile(kStart + absl::Seconds(30));
  EXPECT_EQ(kube.LeaderOf("events-broker"), "events-broker-0");
  // A crash of the leader moves it too.
  ASSERT_THAT(kube.CrashPod("events-broker-0"), IsOk());
  kube.Reconcile(kStart + absl::Seconds(31));
  EXPECT_EQ(kube.LeaderOf("events-broker"), "events-broker-1");
}

TEST(KubeModelTest, FaultsNeverReadyAndCrash) {
  KubeModel kube(Options(), kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 2, "v1-a")), IsOk());
  kube.SetNeverReady("events-broker-1", true);
  kube.Reconcile(kStart);
  kube.Reconcile(kStart + absl::Hours(1));
  EXPECT_TRUE(kube.PodReady("events-broker-0"));
  EXPECT_FALSE(kube.PodReady("events-broker-1"));
  ASSERT_THAT(kube.CrashPod("events-broker-0"), IsOk());
  kube.Reconcile(kStart + absl::Hours(1));
  EXPECT_FALSE(kube.PodReady("events-broker-0"));
  EXPECT_EQ((*kube.Find("Pod", "events-broker-0"))["status"]["containerStatuses"][0]
                ["restartCount"],
            1);
  kube.Reconcile(kStart + absl::Hours(1) + absl::Seconds(10));
  EXPECT_TRUE(kube.PodReady("events-broker-0"));
  ASSERT_THAT(kube.LosePod("events-broker-0"), IsOk());
  kube.Reconcile(kStart + absl::Hours(1) + absl::Seconds(11));
  EXPECT_FALSE(kube.PodReady("events-broker-0"));
  ASSERT_NE(kube.Find("Pod", "events-broker-0"), nullptr);
}

TEST(KubeModelTest, ObservedStateRoundTripsThroughFromObservedState) {
  KubeModelOptions options = Options();
  options.leader_labels["events-broker"] = "strata.dev/leader";
  KubeModel kube(options, kStart);
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 3, "v1-a")), IsOk());
  kube.Reconcile(kStart);  kube.Reconcile(kStart + absl::Seconds(30));
  ObservedState seen = kube.ToObservedState();
  ASSERT_EQ(seen.pods.size(), 3u);
  EXPECT_EQ(seen.nodes.size(), 3u);
  EXPECT_EQ(seen.stateful_sets[0]["kind"], "StatefulSet");
  absl::StatusOr<KubeModel> again =
      KubeModel::FromObservedState(seen, options, kStart + absl::Seconds(30));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->ToObservedState(), seen);
  EXPECT_TRUE(again->PodReady("events-broker-2"));
  // New objects do not reuse uids.
  ASSERT_THAT(again->DeletePod("events-broker-2"), IsOk());
  again->Reconcile(kStart + absl::Seconds(31));
  std::set<std::string> uids;
  for (const auto& [name, pod] : again->Objects("Pod")) {
    uids.insert(pod["metadata"]["uid"].get<std::string>());
  }
  EXPECT_EQ(uids.size(), 3u);
}

TEST(KubeModelTest, ConvergedStateIsReadyLongAgo) {
  CompiledCluster compiled;
  compiled.cluster = "events";
  compiled.namespace_ = "data";
  CompiledRole role;
  role.name = "broker";
  role.stateful_set = "events-broker";
  role.members = 3;
  role.role.rollout.leader_label = "strata.dev/leader";
  compiled.roles.push_back(role);
  compiled.objects.push_back(
      {"StatefulSet", "events-broker", "broker", StatefulSet("events-broker", 3, "v1-a")});
  absl::Time now = kStart + absl::Hours(48);
  ObservedState state = ConvergedState(compiled, now);
  ASSERT_EQ(state.pods.size(), 3u);
  ASSERT_EQ(state.persistent_volume_claims.size(), 3u);
  for (const Json& pod : state.pods) {
    EXPECT_EQ(pod["status"]["conditions"][1]["status"], "True");
    absl::Time since;
    std::string err;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full,
                                pod["status"]["conditions"][1]["lastTransitionTime"]
                                    .get<std::string>(),
                                &since, &err));
    EXPECT_LE(since, now - absl::Hours(1));
  }
  EXPECT_EQ(state.pods[0]["metadata"]["labels"]["strata.dev/leader"], "true");
  EXPECT_FALSE(state.pods[1]["metadata"]["labels"].contains("strata.dev/leader"));
  EXPECT_EQ(state.stateful_sets[0]["status"]["readyReplicas"], 3);
  EXPECT_EQ(state.stateful_sets[0]["status"]["availableReplicas"], 3);
  // Deterministic.
  EXPECT_EQ(ConvergedState(compiled, now), state);
}

TEST(KubeModelTest, ApplyRejectsWhatTheApiServerWould) {
  KubeModel kube(Options(), kStart);
  EXPECT_THAT(kube.Apply(Json::array()), StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_THAT(kube.Apply({{"kind", "Pod"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("metadata.name")));
  EXPECT_THAT(kube.Apply({{"kind", "Deployment"}, {"metadata", {{"name", "x"}}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Deployment")));
  Json other = StatefulSet("events-broker", 1, "v1-a");
  other["metadata"]["namespace"] = "elsewhere";
  EXPECT_THAT(kube.Apply(other),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("namespace")));
  EXPECT_THAT(kube.Delete("Service", "nope", false),
              StatusIs(absl::StatusCode::kNotFound, _));
}

TEST(KubeModelTest, ApplyKeepsServerFieldsAndBumpsResourceVersion) {
  KubeModel kube(Options(), kStart);
  Json svc = {{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata", {{"name", "events-broker-client"}}},
              {"spec", {{"ports", Json::array({{{"name", "client"}, {"port", 9092}}})}}}};
  ASSERT_THAT(kube.Apply(svc), IsOk());
  Json first = *kube.Find("Service", "events-broker-client");
  EXPECT_EQ(first["spec"]["type"], "ClusterIP");
  EXPECT_EQ(first["spec"]["ports"][0]["protocol"], "TCP");
  ASSERT_THAT(kube.Apply(svc), IsOk());
  const Json& second = *kube.Find("Service", "events-broker-client");
  EXPECT_EQ(second["metadata"]["uid"], first["metadata"]["uid"]);
  EXPECT_EQ(second["spec"]["clusterIP"], first["spec"]["clusterIP"]);
  EXPECT_NE(second["metadata"]["resourceVersion"], first["metadata"]["resourceVersion"]);
  // A PVC apply merges (the planner annotates claims it did not create).
  ASSERT_THAT(kube.Apply(StatefulSet("events-broker", 1, "v1-a")), IsOk());
  kube.Reconcile(kStart);
  ASSERT_THAT(kube.Apply({{"apiVersion", "v1"},
                          {"kind", "PersistentVolumeClaim"},
                          {"metadata",
                           {{"name", "data-events-broker-0"},
                            {"annotations", {{"strata.dev/member-left", "true"}}}}}}),
              IsOk());
  const Json& pvc = *kube.Find("PersistentVolumeClaim", "data-events-broker-0");
  EXPECT_EQ(pvc["metadata"]["annotations"]["strata.dev/member-left"], "true");
  EXPECT_EQ(pvc["spec"]["resources"]["requests"]["storage"], "10Gi");
  EXPECT_EQ(pvc["metadata"]["labels"]["app.kubernetes.io/component"], "broker");
}

}  // namespace
}  // namespace strata
