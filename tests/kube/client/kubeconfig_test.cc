// Kubeconfig reading: every auth form SPEC-2 §6 lists, relative paths,
// $KUBECONFIG merging, in-cluster files, and errors naming file and field.

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/kube_client.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::testing::ElementsAre;
using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Pair;

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/kubeconfig_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ASSERT_EQ(system(("rm -rf '" + dir_ + "' && mkdir -p '" + dir_ + "'").c_str()), 0);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

constexpr char kTwoContexts[] = R"(apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: pki/ca.crt
    tls-server-name: kubernetes
- name: other
  cluster:
    server: https://10.1.2.3
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate: pki/admin.crt
    client-key-data: S0VZ
- name: bot
  user:
    token: abc123
- name: rotating
  user:
    tokenFile: token.txt
contexts:
- name: admin
  context: {cluster: test, user: admin, namespace: data}
- name: bot
  context: {cluster: other, user: bot}
- name: rotating
  context: {cluster: other, user: rotating}
)";

TEST_F(KubeconfigTest, ClientCertificateFileAndDataRelativeToTheFile) {
  Write("pki/../ca-marker", "");
  ASSERT_EQ(system(("mkdir -p '" + dir_ + "/pki'").c_str()), 0);
  Write("pki/ca.crt", "CA PEM");
  Write("pki/admin.crt", "CERT PEM");
  std::string path = Write("config", kTwoContexts);
  absl::StatusOr<KubeConfig> c = LoadKubeconfig(path, "");
  ASSERT_THAT(c.status(), IsOk());
  EXPECT_EQ(c->server, "https://127.0.0.1:6443");
  EXPECT_EQ(c->certificate_authority, "CA PEM");
  EXPECT_EQ(c->tls_server_name, "kubernetes");
  EXPECT_EQ(c->client_certificate, "CERT PEM");
  EXPECT_EQ(c->client_key, "KEY");
  EXPECT_EQ(c->namespace_, "data");
  EXPECT_FALSE(c->insecure_skip_tls_verify);
  EXPECT_THAT(c->source, HasSubstr("context admin"));
}

TEST_F(KubeconfigTest, TokenAndInsecureSkipVerify) {
  std::string path = Write("config", kTwoContexts);
  absl::StatusOr<KubeConfig> c = LoadKubeconfig(path, "bot");
  ASSERT_THAT(c.status(), IsOk());
  EXPECT_EQ(c->token, "abc123");
  EXPECT_TRUE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->namespace_, "default");
}

TEST_F(KubeconfigTest, TokenFileIsResolvedAndMustExist) {
  std::string path = Write("config", kTwoContexts);
  EXPECT_THAT(LoadKubeconfig(path, "rotating").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("kubeconfig " + path + ": users[2].user.tokenFile: cannot read " +
                                 dir_ + "/token.txt")));
  Write("token.txt", "t0k\n");
  absl::StatusOr<KubeConfig> c = LoadKubeconfig(path, "rotating");
  ASSERT_THAT(c.status(), IsOk());
  EXPECT_EQ(c->token_file, dir_ + "/token.txt");
}

TEST_F(KubeconfigTest, ExecPluginV1AndV1beta1) {
  std::string path = Write("config", R"({
    "current-context": "eks",
    "clusters": [{"name": "c", "cluster": {"server": "https://example.invalid",
                  "certificate-authority-data": ")" + absl::Base64Escape("CA") + R"("}}],
    "users": [{"name": "u", "user": {"exec": {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": "./bin/get-token", "args": ["--cluster", "prod"],
        "env": [{"name": "AWS_PROFILE", "value": "ops"}],
        "provideClusterInfo": true, "interactiveMode": "Never"}}}],
    "contexts": [{"name": "eks", "context": {"cluster": "c", "user": "u"}}]})");
  absl::StatusOr<KubeConfig> c = LoadKubeconfig(path, "");
  ASSERT_THAT(c.status(), IsOk());
  EXPECT_EQ(c->certificate_authority, "CA");
  ASSERT_TRUE(c->exec.has_value());
  EXPECT_EQ(c->exec->api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(c->exec->command, dir_ + "/./bin/get-token");
  EXPECT_THAT(c->exec->args, ElementsAre("--cluster", "prod"));
  EXPECT_THAT(c->exec->env, ElementsAre(Pair("AWS_PROFILE", "ops")));
  EXPECT_TRUE(c->exec->provide_cluster_info);

  std::string bad = Write("bad", R"(
current-context: x
clusters: [{name: c, cluster: {server: "https://h"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
)");
  EXPECT_THAT(LoadKubeconfig(bad, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("users[0].user.exec.apiVersion: \"client.authentication.k8s.io/"
                                 "v1alpha1\" is not supported")));
}

TEST_F(KubeconfigTest, ErrorsNameTheFileAndField) {
  std::string path = Write("config", kTwoContexts);
  EXPECT_THAT(LoadKubeconfig(path, "nope").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("kubeconfig " + path + ": context \"nope\" does not exist")));
  // admin's client-certificate file is missing here (the CA is there).
  ASSERT_EQ(system(("mkdir -p '" + dir_ + "/pki'").c_str()), 0);
  Write("pki/ca.crt", "CA PEM");
  EXPECT_THAT(LoadKubeconfig(path, "admin").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("users[0].user.client-certificate: cannot read " + dir_ +
                                 "/pki/admin.crt")));
  std::string b64 = Write("b64", R"(
current-context: x
clusters: [{name: c, cluster: {server: "https://h", certificate-authority-data: "@@@"}}]
contexts: [{name: x, context: {cluster: c}}]
)");
  EXPECT_THAT(LoadKubeconfig(b64, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("clusters[0].cluster.certificate-authority-data: not valid base64")));
  std::string yaml = Write("yaml", "clusters: [\n");
  EXPECT_THAT(LoadKubeconfig(yaml, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(yaml)));
  EXPECT_THAT(LoadKubeconfig(dir_ + "/missing", "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(dir_ + "/missing")));
  std::string no_server = Write("noserver", R"(
current-context: x
clusters: [{name: c, cluster: {}}]
contexts: [{name: x, context: {cluster: c}}]
)");
  EXPECT_THAT(LoadKubeconfig(no_server, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("clusters[0].cluster.server: missing")));
}

TEST_F(KubeconfigTest, KubeconfigEnvListMergesFirstWins) {
  std::string a = Write("a", R"(
current-context: one
clusters: [{name: c, cluster: {server: "https://first"}}]
users: [{name: u, user: {token: first}}]
contexts: [{name: one, context: {cluster: c, user: u}}]
)");
  std::string b = Write("b", R"(
current-context: two
clusters: [{name: c, cluster: {server: "https://second"}}, {name: d, cluster: {server: "https://d"}}]
users: [{name: u, user: {token: second}}]
contexts: [{name: two, context: {cluster: d, user: u}}]
)");
  std::string saved = getenv("KUBECONFIG") ? getenv("KUBECONFIG") : "";
  setenv("KUBECONFIG", (a + ":" + dir_ + "/absent:" + b).c_str(), 1);
  absl::StatusOr<KubeConfig> one = LoadKubeconfig("", "");
  absl::StatusOr<KubeConfig> two = LoadKubeconfig("", "two");
  if (saved.empty()) {
    unsetenv("KUBECONFIG");
  } else {
    setenv("KUBECONFIG", saved.c_str(), 1);
  }
  ASSERT_THAT(one.status(), IsOk());
  EXPECT_EQ(one->server, "https://first");
  EXPECT_EQ(one->token, "first");
  ASSERT_THAT(two.status(), IsOk());
  EXPECT_EQ(two->server, "https://d");
  EXPECT_EQ(two->token, "first");  // User u comes from the first file.
}

TEST_F(KubeconfigTest, InClusterReadsTheServiceAccountFiles) {
  Write("token", "sa-token\n");
  Write("namespace", "kafka\n");
  ASSERT_EQ(system(("cd '" + dir_ + "' && openssl req -x509 -newkey rsa:2048 -nodes -days 1 "
                    "-keyout ca.key -out ca.crt -subj /CN=test-ca 2>/dev/null").c_str()),
            0);
  setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
  KubeClientOptions o;
  o.in_cluster_root_for_test = dir_;
  absl::StatusOr<std::unique_ptr<KubeClient>> k = KubeClient::InCluster(o);
  ASSERT_THAT(k.status(), IsOk());
  EXPECT_EQ((*k)->config().server, "https://127.0.0.1:6443");
  EXPECT_EQ((*k)->config().namespace_, "kafka");
  EXPECT_EQ((*k)->config().token_file, dir_ + "/token");
  // The CA is read and checked: a file that is no certificate is refused,
  // naming where the configuration came from.
  Write("ca.crt", "not a certificate");
  k = KubeClient::InCluster(o);
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  EXPECT_THAT(k.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("in-cluster service account (" + dir_ + ")")));
}

TEST_F(KubeconfigTest, InClusterWithoutEnvironmentSaysSo) {
  unsetenv("KUBERNETES_SERVICE_HOST");
  EXPECT_THAT(KubeClient::InCluster().status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("KUBERNETES_SERVICE_HOST")));
}

}  // namespace
}  // namespace strata
