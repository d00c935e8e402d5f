// The Controller over the simulator's Kubernetes (SimClusterClient, virtual
// time) and an in-memory store of the custom resources: a Cluster converges
// to Ready with an honest status, an invalid one gets the CLI's field paths
// once, paused ones are left alone, a replica that may not act writes
// nothing, deletion keeps retained claims.

#include "operator/controller.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "operator/kube_lease_store.h"
#include "sim/kube_model.h"
#include "sim/sim_cluster_client.h"
#include "strata/pipeline.h"
#include "strata/probe.h"

namespace strata::operator_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);

// The custom resources, in memory, as the API server would keep them:
// merge patches with a resourceVersion precondition, a status subresource.
class FakeResources : public ResourceClient {
 public:
  void Put(Json object) {
    object["metadata"]["resourceVersion"] = std::to_string(++version_);
    objects_[{object.value("kind", ""), NamespaceOf(object), NameOf(object)}] = object;
  }
  Json& At(const std::string& kind, const std::string& ns, const std::string& name) {
    return objects_.at({kind, ns, name});
  }

  absl::StatusOr<std::optional<Json>> Get(absl::string_view kind, absl::string_view namespace_,
                                          absl::string_view name) override {
    auto it = objects_.find({std::string(kind), std::string(namespace_), std::string(name)});
    if (it == objects_.end()) return std::nullopt;
    return std::optional<Json>(it->second);
  }
  absl::StatusOr<std::vector<Json>> List(absl::string_view kind,
                                         absl::string_view namespace_) override {
    std::vector<Json> out;
    for (const auto& [key, o] : objects_) {
      if (std::get<0>(key) == kind && (namespace_.empty() || std::get<1>(key) == namespace_)) {
        out.push_back(o);
      }
    }
    return out;
  }
  absl::StatusOr<Json> MergePatch(absl::string_view kind, absl::string_view namespace_,
                                  absl::string_view name, const Json& patch,
                                  absl::string_view subresource) override {
    auto it = objects_.find({std::string(kind), std::string(namespace_), std::string(name)});
    if (it == objects_.end()) return absl::NotFoundError(absl::StrCat(kind, " ", name));
    Json& stored = it->second;
    if (patch.contains("metadata") && patch["metadata"].contains("resourceVersion") &&
        patch["metadata"]["resourceVersion"] != stored["metadata"]["resourceVersion"]) {
      return absl::AbortedError("409 Conflict");
    }
    Json p = patch;
    if (subresource == "status") {
      p = Json{{"status", patch["status"]}};
      ++status_writes;
    } else {
      p.erase("status");
    }
    stored.merge_patch(p);
    stored["metadata"]["resourceVersion"] = std::to_string(++version_);
    return stored;
  }
  absl::Status CreateEvent(const Json& event) override {
    events.push_back(event);
    return absl::OkStatus();
  }

  std::vector<Json> events;
  int status_writes = 0;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, Json> objects_;
  int version_ = 0;
};

Json AppCr() {
  return Json{{"apiVersion", "strata.dev/v1"},
              {"kind", "App"},
              {"metadata", {{"name", "pg"}, {"uid", "app-uid"}, {"generation", 1}}},
              {"spec",
               {{"version", "16"},
                {"roles", Json::array({{{"name", "db"},
                                        {"image", "postgres:16"},
                                        {"cardinality", "1+"},
                                        {"ports", Json::array({{{"name", "sql"},
                                                                {"port", 5432}}})},
                                        {"storage", Json::array({{{"name", "data"},
                                                                  {"mountPath", "/data"},
                                                                  {"size", "1Gi"}}})}}})}}}};
}

Json ClusterCr(int members) {
  return Json{{"apiVersion", "strata.dev/v1"},
              {"kind", "Cluster"},
              {"metadata",
               {{"name", "main"}, {"namespace", "data"}, {"uid", "c-uid"}, {"generation", 1}}},
              {"spec", {{"app", "pg"}, {"roles", Json::array({{{"name", "db"},
                                                               {"members", members}}})}}}};
}

CompiledCluster Compile(const Json& app, const Json& cluster) {
  absl::StatusOr<Prepared> p = LoadAndPrepare(TopologySources(app, cluster),
                                              {.need_cluster = true, .need_one = true});
  EXPECT_TRUE(p.ok()) << p.status();
  absl::StatusOr<std::vector<CompiledCluster>> c = CompileAll(*p, {});
  EXPECT_TRUE(c.ok()) << c.status();
  return c->front();
}

// A Cluster of 2 members in the simulator, and a controller over both.
struct Fixture {
  explicit Fixture(int members = 2, std::function<bool()> may_act = nullptr)
      : compiled(Compile(AppCr(), ClusterCr(2))),
        kube(ModelOptionsFor(compiled), kStart),
        client(kube),
        controller(resources, client, metrics,
                   ControllerOptions{.may_act = std::move(may_act)}) {
    resources.Put(AppCr());
    resources.Put(ClusterCr(members));
  }

  Json& Cluster() { return resources.At("Cluster", "data", "main"); }
  const Json& Status() { return Cluster()["status"]; }

  // Reconciles until Ready (each reconcile one pass; virtual time moves on
  // between them as it would while the operator waits for watch events).
  ReconcileDecision UntilReady(int max_reconciles = 100) {
    ReconcileDecision d;
    for (int i = 0; i < max_reconciles; ++i) {
      d = controller.ReconcileKey("data/main");
      if (d.phase == "Ready" || d.phase == "Invalid") return d;
      EXPECT_TRUE(client.SleepUntil(client.Now() + absl::Seconds(5), nullptr).ok());
    }
    return d;
  }

  FakeResources resources;
  Metrics metrics;
  CompiledCluster compiled;
  KubeModel kube;
  SimClusterClient client;
  Controller controller;
};

TEST(ControllerTest, ConvergesToReadyWithAnHonestStatus) {
  Fixture f;
  ReconcileDecision first = f.controller.ReconcileKey("data/main");
  EXPECT_EQ(first.phase, "Progressing");
  EXPECT_EQ(first.requeue, ReconcileDecision::Requeue::kAfter);
  EXPECT_THAT(f.Cluster()["metadata"]["finalizers"], ElementsAre("strata.dev/cleanup"));

  ReconcileDecision d = f.UntilReady();
  ASSERT_EQ(d.phase, "Ready") << d.message;
  EXPECT_EQ(d.result, "converged");
  const Json& st = f.Status();
  EXPECT_EQ(st["observedGeneration"], 1);
  EXPECT_EQ(st["phase"], "Ready");
  EXPECT_EQ(st["roles"], Json::array({{{"name", "db"}, {"members", 2}, {"ready", 2},
                                        {"updated", 2}}}));
  EXPECT_EQ(st["readyMembers"], "2/2");
  EXPECT_EQ(st["plan"]["steps"], 0);
  for (const Json& c : st["conditions"]) {
    EXPECT_EQ(c["status"], c["type"] == "Ready" ? "True" : "False") << c.dump();
  }
  // Created objects are owned by the Cluster.
  absl::StatusOr<ObservedState> observed = f.client.Observe(ObserveRequestFor(f.compiled));
  ASSERT_TRUE(observed.ok());
  ASSERT_EQ(observed->stateful_sets.size(), 1u);
  EXPECT_EQ(observed->stateful_sets[0]["metadata"]["ownerReferences"][0]["uid"], "c-uid");
  // An Event per executed step, and the step metrics.
  int steps = 0;
  for (const Json& e : f.resources.events) {
    EXPECT_EQ(e["involvedObject"]["name"], "main");
    if (e["reason"] == "StepSucceeded") ++steps;
  }
  EXPECT_GT(steps, 0);
  EXPECT_EQ(f.metrics.StepCount("apply", "succeeded") > 0, true);
  EXPECT_THAT(f.metrics.Text(), HasSubstr("strata_clusters{phase=\"Ready\"} 1"));

  // Converged: another reconcile writes nothing new.
  const int writes = f.resources.status_writes;
  const size_t events = f.resources.events.size();
  EXPECT_EQ(f.controller.ReconcileKey("data/main").phase, "Ready");
  EXPECT_EQ(f.resources.status_writes, writes);
  EXPECT_EQ(f.resources.events.size(), events);
}

TEST(ControllerTest, InvalidClusterGetsTheFieldPathOnceUntilTheSpecChanges) {
  Fixture f(/*members=*/0);
  ReconcileDecision d = f.controller.ReconcileKey("data/main");
  EXPECT_EQ(d.phase, "Invalid");
  EXPECT_EQ(d.requeue, ReconcileDecision::Requeue::kNone);
  const Json& st = f.Status();
  EXPECT_EQ(st["phase"], "Invalid");
  EXPECT_THAT(st["message"].get<std::string>(), HasSubstr("spec.roles[0].members"));
  bool found = false;
  for (const Json& c : st["conditions"]) {
    if (c["type"] == "Invalid") {
      found = true;
      EXPECT_EQ(c["status"], "True");
      EXPECT_THAT(c["message"].get<std::string>(), HasSubstr("Cluster data/main"));
      EXPECT_THAT(c["message"].get<std::string>(), HasSubstr("spec.roles[0].members"));
    }
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(f.resources.events.size(), 1u);
  EXPECT_EQ(f.resources.events[0]["reason"], "Invalid");
  EXPECT_EQ(f.resources.events[0]["type"], "Warning");
  EXPECT_THAT(f.client.calls, IsEmpty()) << "nothing was done to the cluster";

  // The same spec again: no new status, no new Event.
  const int writes = f.resources.status_writes;
  EXPECT_EQ(f.controller.ReconcileKey("data/main").phase, "Invalid");
  EXPECT_EQ(f.resources.status_writes, writes);
  EXPECT_EQ(f.resources.events.size(), 1u);

  // A fixed spec (a new generation) is acted on.
  f.Cluster()["spec"]["roles"][0]["members"] = 2;
  f.Cluster()["metadata"]["generation"] = 2;
  ReconcileDecision fixed = f.controller.ReconcileKey("data/main");
  EXPECT_EQ(fixed.phase, "Progressing");
  EXPECT_EQ(f.Status()["observedGeneration"], 2);
}

TEST(ControllerTest, PausedClusterIsLeftAlone) {
  Fixture f;
  f.Cluster()["metadata"]["annotations"] = {{"strata.dev/paused", "true"}};
  ReconcileDecision d = f.controller.ReconcileKey("data/main");
  EXPECT_EQ(d.phase, "Paused");
  EXPECT_EQ(f.Status()["phase"], "Paused");
  EXPECT_THAT(f.client.calls, IsEmpty());
}

TEST(ControllerTest, AReplicaThatMayNotActWritesNothing) {
  Fixture f(2, [] { return false; });
  ReconcileDecision d = f.controller.ReconcileKey("data/main");
  EXPECT_EQ(d.requeue, ReconcileDecision::Requeue::kBackoff);
  EXPECT_EQ(f.resources.status_writes, 0);
  EXPECT_THAT(f.resources.events, IsEmpty());
  EXPECT_FALSE(f.Cluster()["metadata"].contains("finalizers"));
  EXPECT_THAT(f.client.calls, IsEmpty());
}

TEST(ControllerTest, LosingLeadershipMidPassStopsWrites) {
  bool leader = true;
  Fixture f(2, [&] { return leader; });
  // The first reconcile may act; then leadership is gone.
  f.controller.ReconcileKey("data/main");
  leader = false;
  const size_t calls = f.client.calls.size();
  const int writes = f.resources.status_writes;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(f.client.SleepUntil(f.client.Now() + absl::Seconds(30), nullptr).ok());
    f.controller.ReconcileKey("data/main");
  }
  for (size_t i = calls; i < f.client.calls.size(); ++i) {
    EXPECT_FALSE(absl::StartsWith(f.client.calls[i], "apply") ||
                 absl::StartsWith(f.client.calls[i], "delete") ||
                 absl::StartsWith(f.client.calls[i], "exec") ||
                 absl::StartsWith(f.client.calls[i], "patch"))
        << f.client.calls[i];
  }
  EXPECT_EQ(f.resources.status_writes, writes);
}

TEST(ControllerTest, DeletionRemovesObjectsKeepsRetainedClaimsAndTheFinalizer) {
  Fixture f;
  ASSERT_EQ(f.UntilReady().phase, "Ready");
  absl::StatusOr<ObservedState> before = f.client.Observe(ObserveRequestFor(f.compiled));
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->persistent_volume_claims.size(), 2u);
  f.Cluster()["metadata"]["deletionTimestamp"] = "2026-01-01T00:10:00Z";
  ReconcileDecision d = f.controller.ReconcileKey("data/main");
  EXPECT_EQ(d.result, "deleted") << d.message;
  EXPECT_THAT(f.Cluster()["metadata"]["finalizers"], IsEmpty());
  absl::StatusOr<ObservedState> after = f.client.Observe(ObserveRequestFor(f.compiled));
  ASSERT_TRUE(after.ok());
  EXPECT_THAT(after->stateful_sets, IsEmpty());
  EXPECT_EQ(after->persistent_volume_claims.size(), 2u) << "onClusterDelete retain";
  bool cleaned = false;
  for (const Json& e : f.resources.events) cleaned |= e["reason"] == "CleanedUp";
  EXPECT_TRUE(cleaned);
}

TEST(ControllerTest, AWaitThatNeverHoldsBlocksAfterItsTimeout) {
  Fixture f;
  f.kube.SetNeverReady("main-db-1", true);
  ReconcileDecision d;
  std::vector<std::string> phases;
  for (int i = 0; i < 200 && d.phase != "Blocked"; ++i) {
    d = f.controller.ReconcileKey("data/main");
    if (phases.empty() || phases.back() != d.phase) phases.push_back(d.phase);
    if (d.phase == "Progressing") {
      EXPECT_EQ(d.requeue, ReconcileDecision::Requeue::kAfter);
      EXPECT_LE(d.after, absl::Seconds(30));
    }
    // The operator comes back when it said it would.
    ASSERT_TRUE(f.client.SleepUntil(f.client.Now() + std::max(d.after, absl::Seconds(1)),
                                    nullptr).ok());
  }
  ASSERT_EQ(d.phase, "Blocked") << d.message;
  EXPECT_THAT(phases, ElementsAre("Progressing", "Blocked"));
  EXPECT_THAT(f.Status()["message"].get<std::string>(), HasSubstr("main-db-1"));
  int blocked_events = 0;
  for (const Json& e : f.resources.events) blocked_events += e["reason"] == "Blocked";
  EXPECT_EQ(blocked_events, 1);
  // Blocked stays Blocked (one Event) until something changes.
  f.controller.ReconcileKey("data/main");
  blocked_events = 0;
  for (const Json& e : f.resources.events) blocked_events += e["reason"] == "Blocked";
  EXPECT_EQ(blocked_events, 1);
}

TEST(ControllerTest, AFailingGateIsRetriedWithBackoffAndNamedInTheStatus) {
  Fixture f;
  ASSERT_EQ(f.UntilReady().phase, "Ready");
  // A gate that refuses, then an image change that needs it.
  Json app = AppCr();
  app["spec"]["roles"][0]["rollout"] = {
      {"gate", {{"exec", {{"command", Json::array({"check-safe"})}}}}}};
  f.resources.Put(app);
  f.client.exec_handler = [](const ExecRequest& r) {
    return ExecResult{.exit_code = r.command.back() == "check-safe" ? 1 : 0,
                      .stderr_text = "not safe now"};
  };
  f.Cluster()["spec"]["roles"][0]["image"] = "postgres:16.1";
  f.Cluster()["metadata"]["generation"] = 2;
  ReconcileDecision d = f.controller.ReconcileKey("data/main");
  EXPECT_EQ(d.phase, "Progressing");
  // Back at the gate's retry time (the executor's backoff: 1 s, jittered).
  EXPECT_EQ(d.requeue, ReconcileDecision::Requeue::kAfter);
  EXPECT_GT(d.after, absl::ZeroDuration());
  EXPECT_LE(d.after, absl::Seconds(2));
  EXPECT_THAT(f.Status()["message"].get<std::string>(), HasSubstr("retrying after a failed step"));
  EXPECT_THAT(f.Status()["message"].get<std::string>(), HasSubstr("gate"));
  bool failed_event = false;
  for (const Json& e : f.resources.events) {
    failed_event |= e["reason"] == "StepFailed" && e["type"] == "Warning";
  }
  EXPECT_TRUE(failed_event);
  EXPECT_EQ(f.metrics.StepCount("exec", "failed"), 1);
  for (const std::string& call : f.client.calls) {
    EXPECT_FALSE(absl::StartsWith(call, "delete Pod")) << "no restart past a failed gate";
  }

  // Coming back when asked, the gate runs out of its timeoutSeconds (600 s by
  // default) and the Cluster turns Blocked naming it, as under strata apply.
  const absl::Time first_failure = f.client.Now();
  int passes = 0;
  for (; passes < 1000 && d.phase != "Blocked"; ++passes) {
    ASSERT_TRUE(f.client.SleepUntil(f.client.Now() + d.after, nullptr).ok());
    d = f.controller.ReconcileKey("data/main");
  }
  ASSERT_EQ(d.phase, "Blocked") << d.message;
  EXPECT_THAT(d.message, HasSubstr("not safe now"));
  // (It may stop up to one backoff early: the next retry would be too late.)
  EXPECT_GE(f.client.Now() - first_failure, absl::Seconds(kDefaultHookTimeoutSeconds - 30));
  EXPECT_LE(f.client.Now() - first_failure, absl::Seconds(kDefaultHookTimeoutSeconds + 60));
  EXPECT_GT(f.metrics.StepCount("exec", "failed"), 5);  // Retried with backoff meanwhile.
  for (const std::string& call : f.client.calls) {
    EXPECT_FALSE(absl::StartsWith(call, "delete Pod")) << "no restart past a failed gate";
  }
}

TEST(ControllerTest, StatusOnlyUpdatesDoNotRequeue) {
  Fixture f;
  Json c = ClusterCr(2);
  EXPECT_THAT(f.controller.KeysForClusterEvent("ADDED", c), ElementsAre("data/main"));
  c["status"] = {{"phase", "Progressing"}};
  c["metadata"]["resourceVersion"] = "9";
  EXPECT_THAT(f.controller.KeysForClusterEvent("MODIFIED", c), IsEmpty());
  c["metadata"]["generation"] = 2;
  EXPECT_THAT(f.controller.KeysForClusterEvent("MODIFIED", c), ElementsAre("data/main"));
  c["metadata"]["annotations"] = {{"strata.dev/approve", "t1"}};
  EXPECT_THAT(f.controller.KeysForClusterEvent("MODIFIED", c), ElementsAre("data/main"));
  EXPECT_THAT(f.controller.KeysForClusterEvent("DELETED", c), ElementsAre("data/main"));
  EXPECT_THAT(f.controller.KeysForAppEvent(AppCr()), ElementsAre("data/main"));
  Json pod = {{"kind", "Pod"},
              {"metadata", {{"name", "main-db-0"}, {"namespace", "data"},
                            {"labels", {{"app.kubernetes.io/instance", "main"}}}}}};
  EXPECT_THAT(Controller::KeysForOwnedObject(pod), ElementsAre("data/main"));
  EXPECT_THAT(Controller::KeysForOwnedObject(Json{{"metadata", {{"name", "x"}}}}), IsEmpty());
}

TEST(ControllerTest, MissingAppIsPending) {
  Fixture f;
  f.Cluster()["spec"]["app"] = "nope";
  ReconcileDecision d = f.controller.ReconcileKey("data/main");
  EXPECT_EQ(d.phase, "Pending");
  EXPECT_THAT(f.Status()["message"].get<std::string>(), HasSubstr("App \"nope\""));
  EXPECT_THAT(f.client.calls, IsEmpty());
}

TEST(KubeLeaseStoreTest, LeaseJsonRoundTrips) {
  LeaseRecord r{.holder = "pod-a",
                .lease_duration_seconds = 15,
                .acquire_time = kStart,
                .renew_time = kStart + absl::Milliseconds(1500),
                .transitions = 3,
                .resource_version = "42"};
  Json lease = LeaseToJson(r, "strata-system", "strata-operator");
  EXPECT_EQ(lease["apiVersion"], "coordination.k8s.io/v1");
  EXPECT_EQ(lease["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(lease["spec"]["renewTime"], "2026-01-01T00:00:01.500000Z");
  EXPECT_EQ(LeaseFromJson(lease), r);
  EXPECT_EQ(LeaseFromJson(Json::object()), LeaseRecord{.lease_duration_seconds = 15});
}

}  // namespace
}  // namespace strata::operator_internal
