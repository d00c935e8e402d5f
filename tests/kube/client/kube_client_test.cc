// KubeClient against a scripted local HTTP server: retries (429 with
// Retry-After, 5xx, dropped connections), errors naming the call and status,
// timeouts, request shapes (apply, delete, list paging), watches (reconnect
// from the last resourceVersion, 410 Gone) and exec-plugin credentials
// (expiry and re-exec). The waits between retries are recorded through
// sleep_for_test, never slept: nothing here depends on the machine's speed.

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/kube_client.h"
#include "tests/kube/client/fake_http_server.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::FakeHttpServer;
using ::strata::testing::Reply;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

struct Harness {
  std::vector<absl::Duration> sleeps;
  KubeClientOptions options;
  Harness() {
    options.sleep_for_test = [this](absl::Duration d) { sleeps.push_back(d); };
    options.request_timeout = absl::Seconds(10);
  }
  std::unique_ptr<KubeClient> Client(const std::string& server, KubeConfig c = {}) {
    c.server = server;
    c.source = "test";
    absl::StatusOr<std::unique_ptr<KubeClient>> k = KubeClient::FromConfig(c, options);
    EXPECT_TRUE(k.ok()) << k.status();
    return std::move(*k);
  }
};

const char kPodList[] = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"a"}}]})";

TEST(KubeClientRetryTest, HonoursRetryAfterOn429) {
  FakeHttpServer server({Reply{.status = 429, .headers = {{"Retry-After", "7"}}, .body = "{}"},
                         Reply{.body = kPodList}});
  Harness h;
  auto client = h.Client(server.url());
  absl::StatusOr<Json> list = client->List("Pod", "data", "");
  ASSERT_THAT(list.status(), IsOk());
  EXPECT_EQ((*list)["items"][0]["kind"], "Pod");
  EXPECT_EQ((*list)["items"][0]["apiVersion"], "v1");
  EXPECT_THAT(h.sleeps, ElementsAre(absl::Seconds(7)));
  EXPECT_THAT(server.requests(), SizeIs(2));
  EXPECT_EQ(client->requests_sent(), 2);
}

TEST(KubeClientRetryTest, Retries5xxWithJitteredExponentialBackoff) {
  FakeHttpServer server({Reply{.status = 500, .body = "{}"}, Reply{.status = 503, .body = "{}"},
                         Reply{.status = 502, .body = "{}"}, Reply{.body = kPodList}});
  Harness h;
  h.options.initial_backoff = absl::Milliseconds(100);
  auto client = h.Client(server.url());
  ASSERT_THAT(client->List("Pod", "data", "").status(), IsOk());
  ASSERT_THAT(h.sleeps, SizeIs(3));
  // Full jitter: the n-th wait is within [0, 100ms * 2^(n-1)].
  EXPECT_LE(h.sleeps[0], absl::Milliseconds(100));
  EXPECT_LE(h.sleeps[1], absl::Milliseconds(200));
  EXPECT_LE(h.sleeps[2], absl::Milliseconds(400));
}

TEST(KubeClientRetryTest, RetriesADroppedConnection) {
  FakeHttpServer server({Reply{.drop = true}, Reply{.body = kPodList}});
  Harness h;
  auto client = h.Client(server.url());
  ASSERT_THAT(client->List("Pod", "data", "").status(), IsOk());
  EXPECT_THAT(h.sleeps, SizeIs(1));
  EXPECT_THAT(server.requests(), SizeIs(2));
}

TEST(KubeClientRetryTest, GivesUpAfterMaxAttemptsNamingCallAndStatus) {
  FakeHttpServer server({Reply{.status = 503,
                               .body = R"({"kind":"Status","message":"etcd is down"})"}});
  Harness h;
  h.options.max_attempts = 3;
  auto client = h.Client(server.url());
  absl::Status s = client->List("Pod", "data", "app=x").status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          HasSubstr("GET /api/v1/namespaces/data/pods?limit=500&labelSelector=app%3Dx: "
                                    "HTTP 503 Service Unavailable: etcd is down (after 3 attempts)")));
  EXPECT_EQ(HttpStatusOf(s), 503);
  EXPECT_THAT(server.requests(), SizeIs(3));
}

TEST(KubeClientRetryTest, ForbiddenIsNotRetried) {
  FakeHttpServer server({Reply{.status = 403,
                               .body = R"({"kind":"Status","message":"pods is forbidden: User \"x\""})"}});
  Harness h;
  auto client = h.Client(server.url());
  absl::Status s = client->Get("Pod", "data", "p").status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied,
                          HasSubstr("GET /api/v1/namespaces/data/pods/p: HTTP 403 Forbidden: pods is forbidden")));
  EXPECT_EQ(HttpStatusOf(s), 403);
  EXPECT_THAT(server.requests(), SizeIs(1));
  EXPECT_TRUE(h.sleeps.empty());
}

TEST(KubeClientRetryTest, UnreachableServerNamesCallAndServer) {
  std::string url;
  {
    FakeHttpServer gone({Reply{}});
    url = gone.url();
  }  // Closed: nothing listens on that port now.
  Harness h;
  h.options.max_attempts = 2;
  auto client = h.Client(url);
  absl::Status s = client->Get("StatefulSet", "data", "kafka").status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          HasSubstr("GET /apis/apps/v1/namespaces/data/statefulsets/kafka: " + url)));
  EXPECT_THAT(std::string(s.message()), HasSubstr("connection refused"));
  EXPECT_THAT(h.sleeps, SizeIs(1));
}

TEST(KubeClientRetryTest, RequestTimeoutIsDeadlineExceeded) {
  FakeHttpServer server({Reply{.hang = true}});
  Harness h;
  h.options.request_timeout = absl::Milliseconds(300);
  h.options.max_attempts = 1;
  auto client = h.Client(server.url());
  EXPECT_THAT(client->Get("Pod", "data", "p").status(),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       HasSubstr("GET /api/v1/namespaces/data/pods/p: " + server.url() +
                                 ": no answer within 300ms")));
}

TEST(KubeClientRetryTest, TotalRetryTimeIsBounded) {
  FakeHttpServer server({Reply{.status = 429, .headers = {{"Retry-After", "40"}}, .body = "{}"}});
  Harness h;
  h.options.max_retry_time = absl::Seconds(90);
  auto client = h.Client(server.url());
  absl::Status s = client->Get("Pod", "data", "p").status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 429")));
  // 40 + 40 fit in 90 s; a third 40 s wait would not.
  EXPECT_THAT(h.sleeps, ElementsAre(absl::Seconds(40), absl::Seconds(40)));
}

TEST(KubeClientRequestTest, ApplyIsServerSideWithFieldManagerStrata) {
  FakeHttpServer server({Reply{.body = R"({"kind":"ConfigMap"})"}});
  Harness h;
  auto client = h.Client(server.url());
  Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
             {"metadata", {{"name", "c"}, {"namespace", "data"}}}};
  ASSERT_THAT(client->Apply(cm, /*dry_run=*/true).status(), IsOk());
  auto reqs = server.requests();
  ASSERT_THAT(reqs, SizeIs(1));
  EXPECT_EQ(reqs[0].method, "PATCH");
  EXPECT_EQ(reqs[0].target,
            "/api/v1/namespaces/data/configmaps/c?fieldManager=strata&force=true&dryRun=All");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/apply-patch+yaml");
  EXPECT_EQ(Json::parse(reqs[0].body), cm);
}

TEST(KubeClientRequestTest, DeleteOrphansWithUidPreconditionAndGoneIsOk) {
  FakeHttpServer server({Reply{.status = 404, .body = R"({"kind":"Status","reason":"NotFound"})"}});
  Harness h;
  auto client = h.Client(server.url());
  EXPECT_THAT(client->Delete("StatefulSet", "data", "kafka", /*orphan=*/true, "u-1"), IsOk());
  auto reqs = server.requests();
  ASSERT_THAT(reqs, SizeIs(1));
  EXPECT_EQ(reqs[0].method, "DELETE");
  EXPECT_EQ(reqs[0].target, "/apis/apps/v1/namespaces/data/statefulsets/kafka");
  Json body = Json::parse(reqs[0].body);
  EXPECT_EQ(body["propagationPolicy"], "Orphan");
  EXPECT_EQ(body["preconditions"]["uid"], "u-1");
}

TEST(KubeClientRequestTest, UidPreconditionConflictIsAborted) {
  FakeHttpServer server({Reply{.status = 409,
                               .body = R"({"kind":"Status","message":"Precondition failed: UID in precondition: u-1, UID in object meta: u-2"})"}});
  Harness h;
  auto client = h.Client(server.url());
  absl::Status s = client->Delete("Pod", "data", "kafka-0", false, "u-1");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kAborted,
                          HasSubstr("DELETE /api/v1/namespaces/data/pods/kafka-0: HTTP 409 Conflict: "
                                    "Precondition failed")));
}

TEST(KubeClientRequestTest, ListFollowsContinueTokens) {
  FakeHttpServer server(
      {Reply{.body = R"({"metadata":{"resourceVersion":"9","continue":"t/1"},"items":[{"metadata":{"name":"a"}}]})"},
       Reply{.body = R"({"metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"b"}}]})"}});
  Harness h;
  auto client = h.Client(server.url());
  absl::StatusOr<Json> list = client->List("PersistentVolumeClaim", "data", "");
  ASSERT_THAT(list.status(), IsOk());
  EXPECT_THAT((*list)["items"], SizeIs(2));
  EXPECT_EQ((*list)["metadata"]["resourceVersion"], "9");
  auto reqs = server.requests();
  ASSERT_THAT(reqs, SizeIs(2));
  EXPECT_EQ(reqs[1].target, "/api/v1/namespaces/data/persistentvolumeclaims?limit=500&continue=t%2F1");
}

TEST(KubeClientRequestTest, PatchAndResizeAreMergePatches) {
  FakeHttpServer server({Reply{.body = "{}"}});
  Harness h;
  auto client = h.Client(server.url());
  ASSERT_THAT(client->ResizePvc("data", "data-kafka-0", "20Gi").status(), IsOk());
  ASSERT_THAT(client->MergePatch("Pod", "data", "kafka-0",
                                 {{"metadata", {{"labels", {{"leader", nullptr}}}}}})
                  .status(),
              IsOk());
  auto reqs = server.requests();
  ASSERT_THAT(reqs, SizeIs(2));
  EXPECT_EQ(reqs[0].target, "/api/v1/namespaces/data/persistentvolumeclaims/data-kafka-0");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/merge-patch+json");
  EXPECT_EQ(Json::parse(reqs[0].body)["spec"]["resources"]["requests"]["storage"], "20Gi");
  EXPECT_EQ(reqs[1].body, R"({"metadata":{"labels":{"leader":null}}})");
}

std::string Event(const std::string& type, const std::string& name, const std::string& rv) {
  return absl::StrCat(R"({"type":")", type, R"(","object":{"metadata":{"name":")", name,
                      R"(","resourceVersion":")", rv, "\"}}}\n");
}

TEST(KubeClientWatchTest, ReconnectsFromTheLastResourceVersionAndSeesBookmarks) {
  FakeHttpServer server({
      // The first stream ends (as at timeoutSeconds), the second is cut mid-line.
      Reply{.chunks = {Event("ADDED", "a", "11"), Event("BOOKMARK", "", "12")}},
      Reply{.chunks = {Event("MODIFIED", "a", "13").substr(0, 20)}},
      Reply{.chunks = {Event("DELETED", "a", "14")}},
  });
  Harness h;
  auto client = h.Client(server.url());
  std::vector<std::string> seen;
  KubeWatchRequest w;
  w.kind = "Pod";
  w.namespace_ = "data";
  w.label_selector = "app=kafka";
  w.resource_version = "10";
  w.on_event = [&](const KubeWatchEvent& e) {
    seen.push_back(e.type + ":" + e.object["metadata"].value("name", ""));
    return e.type != "DELETED";
  };
  absl::StatusOr<KubeWatchResult> r = client->Watch(w);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_TRUE(r->stopped_by_callback);
  EXPECT_EQ(r->resource_version, "14");
  EXPECT_EQ(r->reconnects, 2);
  EXPECT_THAT(seen, ElementsAre("ADDED:a", "BOOKMARK:", "DELETED:a"));
  auto reqs = server.requests();
  ASSERT_THAT(reqs, SizeIs(3));
  EXPECT_THAT(reqs[0].target, HasSubstr("watch=1&allowWatchBookmarks=true"));
  EXPECT_THAT(reqs[0].target, HasSubstr("resourceVersion=10&labelSelector=app%3Dkafka"));
  EXPECT_THAT(reqs[1].target, HasSubstr("resourceVersion=12"));
  EXPECT_THAT(reqs[2].target, HasSubstr("resourceVersion=12"));
}

TEST(KubeClientWatchTest, GoneIsOutOfRangeToRelist) {
  FakeHttpServer server({Reply{.chunks = {
      R"json({"type":"ERROR","object":{"kind":"Status","code":410,"message":"too old resource version: 1 (50)"}})json"
      "\n"}}});
  Harness h;
  auto client = h.Client(server.url());
  KubeWatchRequest w;
  w.kind = "StatefulSet";
  w.namespace_ = "data";
  w.resource_version = "1";
  w.on_event = [](const KubeWatchEvent&) { return true; };
  absl::Status s = client->Watch(w).status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("too old resource version")));
  EXPECT_EQ(HttpStatusOf(s), 410);
}

TEST(KubeClientWatchTest, StopsAtTheDeadline) {
  FakeHttpServer server({Reply{.hang = true}});
  Harness h;
  auto client = h.Client(server.url());
  KubeWatchRequest w;
  w.kind = "Pod";
  w.namespace_ = "data";
  w.deadline = absl::Now() + absl::Milliseconds(300);
  w.on_event = [](const KubeWatchEvent&) { return true; };
  absl::StatusOr<KubeWatchResult> r = client->Watch(w);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_FALSE(r->stopped_by_callback);
}

// ---------------------------------------------------------------- exec plugin

class ExecPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/exec_plugin_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::string mk = "rm -rf '" + dir_ + "' && mkdir -p '" + dir_ + "'";
    ASSERT_EQ(system(mk.c_str()), 0);
  }
  // Writes a plugin that counts its runs in `dir_/runs` and prints a token
  // "tok-N" expiring at `expiry`.
  std::string WritePlugin(const std::string& api_version, const std::string& expiry) {
    std::string path = dir_ + "/plugin.sh";
    std::ofstream(path) << "#!/bin/sh\n"
                        << "n=$(( $(cat '" << dir_ << "/runs' 2>/dev/null || echo 0) + 1 ))\n"
                        << "echo $n > '" << dir_ << "/runs'\n"
                        << "echo \"$KUBERNETES_EXEC_INFO\" > '" << dir_ << "/info'\n"
                        << "echo \"$STRATA_TEST_ENV\" > '" << dir_ << "/env'\n"
                        << "printf '{\"apiVersion\":\"" << api_version
                        << "\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"tok-%s\""
                        << (expiry.empty() ? "" : ",\"expirationTimestamp\":\"" + expiry + "\"")
                        << "}}' $n\n";
    std::string chmod = "chmod +x '" + path + "'";
    EXPECT_EQ(system(chmod.c_str()), 0);
    return path;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ + "/" + name);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }
  std::string dir_;
};

TEST_F(ExecPluginTest, TokenIsCachedUntilExpiry) {
  FakeHttpServer server({Reply{.body = "{}"}});
  Harness h;
  KubeConfig c;
  c.exec = KubeExecPlugin{.api_version = "client.authentication.k8s.io/v1",
                          .command = WritePlugin("client.authentication.k8s.io/v1",
                                                 "2999-01-01T00:00:00Z"),
                          .env = {{"STRATA_TEST_ENV", "hello"}},
                          .provide_cluster_info = true};
  auto client = h.Client(server.url(), c);
  ASSERT_THAT(client->Get("Pod", "d", "a").status(), IsOk());
  ASSERT_THAT(client->Get("Pod", "d", "b").status(), IsOk());
  EXPECT_EQ(Read("runs"), "1");
  EXPECT_EQ(Read("env"), "hello");
  Json info = Json::parse(Read("info"));
  EXPECT_EQ(info["kind"], "ExecCredential");
  EXPECT_EQ(info["spec"]["cluster"]["server"], server.url());
  auto reqs = server.requests();
  EXPECT_EQ(reqs[0].headers["authorization"], "Bearer tok-1");
  EXPECT_EQ(reqs[1].headers["authorization"], "Bearer tok-1");
}

TEST_F(ExecPluginTest, ExpiredTokenIsRefreshedByRunningThePluginAgain) {
  FakeHttpServer server({Reply{.body = "{}"}});
  Harness h;
  KubeConfig c;
  // Already expired when issued: every request needs a new one (v1beta1).
  c.exec = KubeExecPlugin{.api_version = "client.authentication.k8s.io/v1beta1",
                          .command = WritePlugin("client.authentication.k8s.io/v1beta1",
                                                 "2000-01-01T00:00:00Z")};
  auto client = h.Client(server.url(), c);
  ASSERT_THAT(client->Get("Pod", "d", "a").status(), IsOk());
  ASSERT_THAT(client->Get("Pod", "d", "b").status(), IsOk());
  EXPECT_EQ(Read("runs"), "2");
  auto reqs = server.requests();
  EXPECT_EQ(reqs[0].headers["authorization"], "Bearer tok-1");
  EXPECT_EQ(reqs[1].headers["authorization"], "Bearer tok-2");
}

TEST_F(ExecPluginTest, UnauthorizedRunsThePluginOnceMore) {
  FakeHttpServer server({Reply{.status = 401, .body = R"({"message":"Unauthorized"})"},
                         Reply{.body = "{}"}});
  Harness h;
  KubeConfig c;
  c.exec = KubeExecPlugin{.api_version = "client.authentication.k8s.io/v1",
                          .command = WritePlugin("client.authentication.k8s.io/v1", "")};
  auto client = h.Client(server.url(), c);
  ASSERT_THAT(client->Get("Pod", "d", "a").status(), IsOk());
  EXPECT_EQ(Read("runs"), "2");
  auto reqs = server.requests();
  ASSERT_THAT(reqs, SizeIs(2));
  EXPECT_EQ(reqs[1].headers["authorization"], "Bearer tok-2");
}

TEST_F(ExecPluginTest, FailingPluginIsUnauthenticatedQuotingItsStderr) {
  FakeHttpServer server({Reply{.body = "{}"}});
  Harness h;
  std::string path = dir_ + "/bad.sh";
  std::ofstream(path) << "#!/bin/sh\necho 'token expired, run login' >&2\nexit 3\n";
  ASSERT_EQ(system(("chmod +x '" + path + "'").c_str()), 0);
  KubeConfig c;
  c.exec = KubeExecPlugin{.api_version = "client.authentication.k8s.io/v1", .command = path};
  auto client = h.Client(server.url(), c);
  EXPECT_THAT(client->Get("Pod", "d", "a").status(),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("GET /api/v1/namespaces/d/pods/a: test: exec plugin " + path +
                                 ": exit status 3: token expired, run login")));
  EXPECT_THAT(server.requests(), SizeIs(0));
}

// ---------------------------------------------------------------- ClusterClient

TEST(KubeClusterClientTest, ObserveListsTheClusterAndSecretMetadataOnly) {
  FakeHttpServer server({Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[]})"}});
  Harness h;
  auto client = h.Client(server.url());
  ClusterClient& cc = *client;
  absl::StatusOr<ObservedState> st =
      cc.Observe({.namespace_ = "data", .cluster = "events", .nodes = true, .secrets = true});
  ASSERT_THAT(st.status(), IsOk());
  EXPECT_TRUE(st->empty());
  auto reqs = server.requests();
  std::vector<std::string> targets;
  for (const auto& r : reqs) targets.push_back(r.target);
  const std::string sel = "?limit=500&labelSelector=app.kubernetes.io%2Finstance%3Devents";
  EXPECT_THAT(targets, ElementsAre("/apis/apps/v1/namespaces/data/statefulsets" + sel,
                                   "/api/v1/namespaces/data/pods" + sel,
                                   "/api/v1/namespaces/data/services" + sel,
                                   "/api/v1/namespaces/data/configmaps" + sel,
                                   "/apis/policy/v1/namespaces/data/poddisruptionbudgets" + sel,
                                   "/api/v1/namespaces/data/persistentvolumeclaims" + sel,
                                   "/api/v1/nodes?limit=500",
                                   "/api/v1/namespaces/data/secrets?limit=500",
                                   "/apis/apps/v1/namespaces/data/statefulsets"
                                   "?limit=500&labelSelector=%21app.kubernetes.io%2Finstance"));
  EXPECT_THAT(reqs[7].headers["accept"], HasSubstr("as=PartialObjectMetadataList"));
}

// Adoption (SPEC-2 §10): a StatefulSet without the instance label comes with
// its members (by name and its selector) and its claims (by template name).
TEST(KubeClusterClientTest, ObserveAddsUnlabelledStatefulSetsWithTheirPodsAndClaims) {
  const std::string empty = R"({"metadata":{"resourceVersion":"5"},"items":[]})";
  std::vector<Reply> script(6, Reply{.body = empty});
  script.push_back(Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[
      {"metadata":{"name":"legacy-db","labels":{"app":"db"}},
       "spec":{"selector":{"matchLabels":{"app":"db"}},
               "volumeClaimTemplates":[{"metadata":{"name":"data"}}]}}]})"});
  script.push_back(Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[
      {"metadata":{"name":"legacy-db-0","labels":{"app":"db"}}},
      {"metadata":{"name":"legacy-db-1","labels":{"app":"other"}}},
      {"metadata":{"name":"other-0","labels":{"app":"db"}}}]})"});
  script.push_back(Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[
      {"metadata":{"name":"data-legacy-db-0"},"spec":{}},
      {"metadata":{"name":"data-legacy-db-1"},"spec":{}},
      {"metadata":{"name":"logs-legacy-db-0"},"spec":{}},
      {"metadata":{"name":"data-other-0"},"spec":{}}]})"});
  FakeHttpServer server(script);
  Harness h;
  auto client = h.Client(server.url());
  ClusterClient& cc = *client;
  absl::StatusOr<ObservedState> st = cc.Observe({.namespace_ = "data", .cluster = "events"});
  ASSERT_THAT(st.status(), IsOk());
  auto names = [](const std::vector<Json>& list) {
    std::vector<std::string> out;
    for (const Json& o : list) out.push_back(o["metadata"]["name"]);
    return out;
  };
  EXPECT_THAT(names(st->stateful_sets), ElementsAre("legacy-db"));
  EXPECT_THAT(names(st->pods), ElementsAre("legacy-db-0"));
  EXPECT_THAT(names(st->persistent_volume_claims),
              ElementsAre("data-legacy-db-0", "data-legacy-db-1"));
  EXPECT_EQ(st->pods[0]["kind"], "Pod");
  auto reqs = server.requests();
  ASSERT_THAT(reqs, SizeIs(9));
  const std::string unlabelled = "?limit=500&labelSelector=%21app.kubernetes.io%2Finstance";
  EXPECT_EQ(reqs[7].target, "/api/v1/namespaces/data/pods" + unlabelled);
  EXPECT_EQ(reqs[8].target, "/api/v1/namespaces/data/persistentvolumeclaims" + unlabelled);
}

TEST(KubeClusterClientTest, WaitForChangeWatchesFromTheObservedVersions) {
  FakeHttpServer server({Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[]})"},
                         Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[]})"},
                         Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[]})"},
                         Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[]})"},
                         Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[]})"},
                         Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[]})"},
                         Reply{.body = R"({"metadata":{"resourceVersion":"5"},"items":[]})"},
                         Reply{.chunks = {Event("MODIFIED", "events-broker-0", "6")}}});
  Harness h;
  auto client = h.Client(server.url());
  ClusterClient& cc = *client;
  ObserveRequest scope{.namespace_ = "data", .cluster = "events"};
  // Never observed: anything there is news.
  absl::StatusOr<bool> first = cc.WaitForChange(scope, absl::Now() + absl::Seconds(30), nullptr);
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_TRUE(*first);
  ASSERT_THAT(cc.Observe(scope).status(), IsOk());
  absl::StatusOr<bool> changed = cc.WaitForChange(scope, absl::Now() + absl::Seconds(30), nullptr);
  ASSERT_THAT(changed.status(), IsOk());
  EXPECT_TRUE(*changed);
  auto reqs = server.requests();
  ASSERT_GE(reqs.size(), 8u);
  for (size_t i = 7; i < reqs.size(); ++i) {
    EXPECT_THAT(reqs[i].target, HasSubstr("watch=1"));
    // The Cluster's objects, and the StatefulSets without the label (SPEC-2 §10).
    EXPECT_THAT(reqs[i].target,
                AnyOf(HasSubstr("resourceVersion=5&labelSelector=app.kubernetes.io%2Finstance%3Devents"),
                      HasSubstr("resourceVersion=5&labelSelector=%21app.kubernetes.io%2Finstance")));
  }
}

TEST(KubeClusterClientTest, PatchMetadataSetsAndRemoves) {
  FakeHttpServer server({Reply{.body = "{}"}});
  Harness h;
  auto client = h.Client(server.url());
  ClusterClient& cc = *client;
  MetadataPatch patch;
  patch.labels["strata.dev/leader"] = "true";
  patch.annotations["old"] = std::nullopt;
  ASSERT_THAT(cc.PatchMetadata({.kind = "Pod", .namespace_ = "data", .name = "zk-1"}, patch), IsOk());
  auto reqs = server.requests();
  ASSERT_THAT(reqs, SizeIs(1));
  EXPECT_EQ(reqs[0].target, "/api/v1/namespaces/data/pods/zk-1");
  EXPECT_EQ(reqs[0].body,
            R"({"metadata":{"labels":{"strata.dev/leader":"true"},"annotations":{"old":null}}})");
}

TEST(KubeResourceTest, PathsOfNamespacedAndClusterScopedKinds) {
  absl::StatusOr<KubeResource> pdb = KubeResourceFor("PodDisruptionBudget");
  ASSERT_THAT(pdb.status(), IsOk());
  EXPECT_EQ(KubeObjectPath(*pdb, "data", "x"),
            "/apis/policy/v1/namespaces/data/poddisruptionbudgets/x");
  absl::StatusOr<KubeResource> node = KubeResourceFor("Node");
  ASSERT_THAT(node.status(), IsOk());
  EXPECT_EQ(KubeObjectPath(*node, "data", ""), "/api/v1/nodes");
  absl::StatusOr<KubeResource> cluster = KubeResourceFor("Cluster");
  ASSERT_TRUE(cluster.ok());
  EXPECT_EQ(KubeObjectPath(*cluster, "data", "events"),
            "/apis/strata.dev/v1/namespaces/data/clusters/events");
  absl::StatusOr<KubeResource> app = KubeResourceFor("App");
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(KubeObjectPath(*app, "data", "kafka"), "/apis/strata.dev/v1/apps/kafka");
  EXPECT_THAT(KubeResourceFor("Widget").status(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("Widget")));
}

}  // namespace
}  // namespace strata
