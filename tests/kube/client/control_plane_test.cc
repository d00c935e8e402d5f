// KubeClient against the real control plane of tests/k8s (kube-apiserver,
// controller manager, scheduler, kwok). Not run by ctest: tests/k8s/
// test_kube_client.py starts the control plane and runs this binary with
//   STRATA_TEST_KUBECONFIG   the admin kubeconfig (client certificate)
//   STRATA_TEST_NAMESPACE    a fresh namespace for this run
//   STRATA_TEST_SERVER, STRATA_TEST_CA, STRATA_TEST_TOKEN
//                            the apiserver, its CA file and the admin token
//   STRATA_TEST_SA_TOKEN     a service account token with no RBAC grants
//   STRATA_TEST_EXEC_DIR     where kwok's exec shim records commands
// Without them every test skips.

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/kube_client.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

class ControlPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Env("STRATA_TEST_KUBECONFIG").empty()) GTEST_SKIP() << "no control plane (run from tests/k8s)";
    ns_ = Env("STRATA_TEST_NAMESPACE");
    absl::StatusOr<std::unique_ptr<KubeClient>> k =
        KubeClient::FromKubeconfig(Env("STRATA_TEST_KUBECONFIG"), "");
    ASSERT_THAT(k.status(), IsOk());
    kube_ = std::move(*k);
  }

  // Waits (by watch) until `pred` holds for the object kind/name; returns it.
  Json WaitFor(const std::string& kind, const std::string& name,
               const std::function<bool(const Json&)>& pred) {
    absl::StatusOr<Json> list = kube_->List(kind, ns_, "");
    EXPECT_THAT(list.status(), IsOk());
    if (!list.ok()) return Json();
    for (const Json& item : (*list)["items"]) {
      if (item["metadata"]["name"] == name && pred(item)) return item;
    }
    Json found;
    KubeWatchRequest w;
    w.kind = kind;
    w.namespace_ = ns_;
    w.resource_version = (*list)["metadata"]["resourceVersion"];
    w.deadline = absl::Now() + absl::Seconds(90);
    w.on_event = [&](const KubeWatchEvent& e) {
      if (e.type == "BOOKMARK" || e.object["metadata"]["name"] != name) return true;
      if (e.type != "DELETED" && pred(e.object)) {
        found = e.object;
        return false;
      }
      return true;
    };
    absl::StatusOr<KubeWatchResult> r = kube_->Watch(w);
    EXPECT_THAT(r.status(), IsOk());
    EXPECT_FALSE(found.is_null()) << kind << " " << name << ": condition not met by watch";
    return found;
  }

  std::string ns_;
  std::unique_ptr<KubeClient> kube_;
};

Json ConfigMap(const std::string& ns, const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", "t"}}}}},
          {"data", {{"k", value}}}};
}

TEST_F(ControlPlaneTest, ApplyListPatchDeleteWithUidPrecondition) {
  // Dry run stores nothing.
  ASSERT_THAT(kube_->Apply(ConfigMap(ns_, "c1", "dry"), /*dry_run=*/true).status(), IsOk());
  EXPECT_THAT(kube_->Get("ConfigMap", ns_, "c1").status(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("HTTP 404")));
  absl::StatusOr<Json> applied = kube_->Apply(ConfigMap(ns_, "c1", "v1"));
  ASSERT_THAT(applied.status(), IsOk());
  EXPECT_EQ((*applied)["data"]["k"], "v1");
  EXPECT_EQ((*applied)["metadata"]["managedFields"][0]["manager"], "strata");
  // A second apply changes it in place (server-side apply is idempotent).
  applied = kube_->Apply(ConfigMap(ns_, "c1", "v2"));
  ASSERT_THAT(applied.status(), IsOk());
  EXPECT_EQ((*applied)["data"]["k"], "v2");
  std::string uid = (*applied)["metadata"]["uid"];

  ASSERT_THAT(kube_->Apply(ConfigMap(ns_, "other", "x")).status(), IsOk());
  ASSERT_THAT(kube_->MergePatch("ConfigMap", ns_, "other", {{"metadata", {{"labels", {{"app", nullptr}}}}}}).status(), IsOk());
  absl::StatusOr<Json> list = kube_->List("ConfigMap", ns_, "app=t");
  ASSERT_THAT(list.status(), IsOk());
  ASSERT_THAT((*list)["items"], SizeIs(1));
  EXPECT_EQ((*list)["items"][0]["metadata"]["name"], "c1");
  EXPECT_EQ((*list)["items"][0]["kind"], "ConfigMap");

  absl::Status wrong = kube_->Delete("ConfigMap", ns_, "c1", false, "00000000-0000-0000-0000-000000000000");
  EXPECT_THAT(wrong, StatusIs(absl::StatusCode::kAborted,
                              HasSubstr(absl::StrCat("DELETE /api/v1/namespaces/", ns_,
                                                     "/configmaps/c1: HTTP 409"))));
  EXPECT_THAT(std::string(wrong.message()), HasSubstr("the UID in the precondition"));
  EXPECT_THAT(kube_->Delete("ConfigMap", ns_, "c1", false, uid), IsOk());
  EXPECT_THAT(kube_->Delete("ConfigMap", ns_, "c1", false, uid), IsOk());  // Gone: fine.
}

Json StatefulSet(const std::string& ns, int replicas) {
  Json pod_spec = {
      {"containers", Json::array({{{"name", "main"}, {"image", "registry.example/app:1"},
                                   {"securityContext",
                                    {{"allowPrivilegeEscalation", false},
                                     {"runAsNonRoot", true},
                                     {"runAsUser", 1000},
                                     {"capabilities", {{"drop", Json::array({"ALL"})}}},
                                     {"seccompProfile", {{"type", "RuntimeDefault"}}}}}}})}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "StatefulSet"},
          {"metadata", {{"name", "db"}, {"namespace", ns}}},
          {"spec",
           {{"replicas", replicas},
            {"serviceName", "db"},
            {"podManagementPolicy", "Parallel"},
            {"selector", {{"matchLabels", {{"app", "db"}}}}},
            {"template", {{"metadata", {{"labels", {{"app", "db"}}}}}, {"spec", pod_spec}}},
            {"volumeClaimTemplates",
             Json::array({{{"metadata", {{"name", "data"}}},
                           {"spec",
                            {{"accessModes", Json::array({"ReadWriteOnce"})},
                             {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}}})}}}};
}

bool PodReady(const Json& pod) {
  if (!pod.contains("status") || !pod["status"].contains("conditions")) return false;
  for (const Json& c : pod["status"]["conditions"]) {
    if (c["type"] == "Ready" && c["status"] == "True") return true;
  }
  return false;
}

TEST_F(ControlPlaneTest, PodsRunThroughKwokExecAndPvcResize) {
  ASSERT_THAT(kube_->Apply(StatefulSet(ns_, 1)).status(), IsOk());
  Json pod = WaitFor("Pod", "db-0", PodReady);
  ASSERT_FALSE(pod.is_null());
  EXPECT_THAT(std::string(pod["spec"].value("nodeName", "")), HasSubstr("strata-node-"));

  // Exec through the apiserver and kwok: a real shell (absolute path) gives
  // real output and exit codes, over v5 and, offered alone, v4.
  KubeExecRequest x;
  x.namespace_ = ns_;
  x.pod = "db-0";
  x.command = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3"};
  x.timeout = absl::Seconds(60);
  absl::StatusOr<KubeExecResult> r = kube_->Exec(x);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->stdout_text, "out\n");
  EXPECT_EQ(r->stderr_text, "err\n");
  EXPECT_EQ(r->protocol, "v5.channel.k8s.io");
  x.protocols = {"v4.channel.k8s.io"};
  x.command = {"/bin/sh", "-c", "printf v4"};
  r = kube_->Exec(x);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->stdout_text, "v4");
  EXPECT_EQ(r->protocol, "v4.channel.k8s.io");
  // A bare `sh` goes to the recording shim: exit 0, and a record.
  x.protocols = {"v5.channel.k8s.io", "v4.channel.k8s.io"};
  x.command = {"sh", "-c", "gate-check db-0"};
  r = kube_->Exec(x);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ(r->exit_code, 0);
  std::ifstream rec(absl::StrCat(Env("STRATA_TEST_EXEC_DIR"), "/", ns_, "/db-0.jsonl"));
  std::string line;
  std::getline(rec, line);
  EXPECT_THAT(line, HasSubstr("gate-check db-0"));
  EXPECT_THAT(line, HasSubstr("\"container\": \"main\""));
  // A command that sleeps past the timeout.
  x.command = {"/bin/sh", "-c", "sleep 30"};
  x.timeout = absl::Seconds(2);
  r = kube_->Exec(x);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->exit_code, -1);
  // Exec into a pod that does not exist names the call and the status.
  x.pod = "nope-0";
  x.command = {"true"};
  x.timeout = absl::Seconds(30);
  EXPECT_THAT(kube_->Exec(x).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr(absl::StrCat("exec ", ns_, "/nope-0 (GET /api/v1/namespaces/", ns_,
                                              "/pods/nope-0/exec): HTTP 404"))));

  // The claim was bound by the node agent; resize it and see the capacity follow.
  Json pvc = WaitFor("PersistentVolumeClaim", "data-db-0", [](const Json& p) {
    return p.contains("status") && p["status"].value("phase", "") == "Bound";
  });
  ASSERT_FALSE(pvc.is_null());
  ASSERT_THAT(kube_->ResizePvc(ns_, "data-db-0", "3Gi").status(), IsOk());
  pvc = WaitFor("PersistentVolumeClaim", "data-db-0", [](const Json& p) {
    return p.contains("status") && p["status"].contains("capacity") &&
           p["status"]["capacity"].value("storage", "") == "3Gi";
  });
  EXPECT_FALSE(pvc.is_null());
  // Shrinking is refused by the server, named.
  EXPECT_THAT(kube_->ResizePvc(ns_, "data-db-0", "1Gi").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("HTTP 422")));

  // An orphan delete of the StatefulSet keeps its pod, now without owner.
  ASSERT_THAT(kube_->Delete("StatefulSet", ns_, "db", /*orphan=*/true, ""), IsOk());
  Json orphan = WaitFor("Pod", "db-0", [](const Json& p) {
    return !p["metadata"].contains("ownerReferences") || p["metadata"]["ownerReferences"].empty();
  });
  ASSERT_FALSE(orphan.is_null());
  EXPECT_EQ(orphan["metadata"]["uid"], pod["metadata"]["uid"]);
}

// (410 Gone needs an etcd compaction, which a fresh control plane has not
// done; the unit tests cover it against a scripted server.)
TEST_F(ControlPlaneTest, WatchResumesFromAListAndSeesEvents) {
  KubeWatchRequest w;
  w.kind = "ConfigMap";
  w.namespace_ = ns_;
  absl::StatusOr<Json> list = kube_->List("ConfigMap", ns_, "app=w");
  ASSERT_THAT(list.status(), IsOk());
  std::thread writer([&] {
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<Json> a = kube_->Apply(
          {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
           {"metadata", {{"name", absl::StrCat("w", i)}, {"namespace", ns_}, {"labels", {{"app", "w"}}}}}});
      EXPECT_THAT(a.status(), IsOk());
    }
  });
  int added = 0;
  w.resource_version = (*list)["metadata"]["resourceVersion"];
  w.label_selector = "app=w";
  w.deadline = absl::Now() + absl::Seconds(60);
  w.on_event = [&](const KubeWatchEvent& e) {
    if (e.type == "ADDED") ++added;
    return added < 3;
  };
  absl::StatusOr<KubeWatchResult> r = kube_->Watch(w);
  writer.join();
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_TRUE(r->stopped_by_callback);
  EXPECT_EQ(added, 3);
}

TEST_F(ControlPlaneTest, ErrorsNameTheCallAndStatus) {
  KubeConfig base;
  base.server = Env("STRATA_TEST_SERVER");
  base.source = "test";
  std::ifstream ca_file(Env("STRATA_TEST_CA"));
  base.certificate_authority.assign(std::istreambuf_iterator<char>(ca_file), {});

  // RBAC: a service account with no grants.
  KubeConfig sa = base;
  sa.token = Env("STRATA_TEST_SA_TOKEN");
  auto forbidden = KubeClient::FromConfig(sa);
  ASSERT_THAT(forbidden.status(), IsOk());
  absl::Status s = (*forbidden)->List("StatefulSet", ns_, "").status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kPermissionDenied,
                          HasSubstr(absl::StrCat("GET /apis/apps/v1/namespaces/", ns_,
                                                 "/statefulsets?limit=500: HTTP 403 Forbidden"))));
  // An invalid (expired, revoked) token.
  KubeConfig bad = base;
  bad.token = "not-a-valid-token";
  auto unauth = KubeClient::FromConfig(bad);
  ASSERT_THAT(unauth.status(), IsOk());
  EXPECT_THAT((*unauth)->Get("Pod", ns_, "x").status(),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("HTTP 401 Unauthorized")));
  // The wrong CA: the TLS handshake fails, named.
  KubeConfig wrong_ca = base;
  wrong_ca.token = Env("STRATA_TEST_TOKEN");
  wrong_ca.certificate_authority.clear();  // The system CAs do not know the test CA.
  KubeClientOptions quick;
  quick.max_attempts = 1;
  auto untrusted = KubeClient::FromConfig(wrong_ca, quick);
  ASSERT_THAT(untrusted.status(), IsOk());
  EXPECT_THAT((*untrusted)->Get("Pod", ns_, "x").status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("TLS handshake")));
  // insecure-skip-tls-verify gets through with the same token.
  wrong_ca.insecure_skip_tls_verify = true;
  auto insecure = KubeClient::FromConfig(wrong_ca);
  ASSERT_THAT(insecure.status(), IsOk());
  EXPECT_THAT((*insecure)->Get("Pod", ns_, "x").status(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("HTTP 404")));
}

}  // namespace
}  // namespace strata
