// Tests for lib/service/server.h over loopback TCP (port 0): TLS, mutual
// TLS, the bearer token, message limits, health, reflection and the call log.

#include "service/server.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "strata/json.h"
#include "tests/service/service_testing.h"

namespace strata::service_internal {
namespace {

using ::strata::service_internal::testing::LoopbackStub;
using ::strata::service_internal::testing::StartServer;
using ::testing::HasSubstr;

grpc::Status CallEcho(v1::Strata::Stub& stub, const std::string& message = "hi",
                      const std::string& authorization = "") {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  v1::EchoRequest request;
  request.set_message(message);
  v1::EchoResponse response;
  grpc::Status status = stub.Echo(&context, request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.message(), message);
  }
  return status;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A CA, a server certificate for localhost/127.0.0.1 and a client
// certificate, made with the openssl CLI in a fresh temporary directory.
class Certificates {
 public:
  Certificates() {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("strata-tls-", getpid(), "-", reinterpret_cast<uintptr_t>(this));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "server.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    std::ofstream(dir_ / "client.ext") << "extendedKeyUsage=clientAuth\n";
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::string script = absl::StrCat(
        "cd '", dir_.string(), "' && ",
        "openssl req -x509 ", key, " -keyout ca.key -out ca.crt -days 2 -subj /CN=strata-test-ca",
        " && openssl req ", key, " -keyout server.key -out server.csr -subj /CN=localhost",
        " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial",
        " -out server.crt -days 2 -extfile server.ext",
        " && openssl req ", key, " -keyout client.key -out client.csr -subj /CN=strata-client",
        " && openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial",
        " -out client.crt -days 2 -extfile client.ext",
        // A second CA, not trusted by the server.
        " && openssl req -x509 ", key,
        " -keyout other.key -out other.crt -days 2 -subj /CN=someone-else",
        " > openssl.log 2>&1");
    ok_ = std::system(script.c_str()) == 0;
  }
  ~Certificates() { std::filesystem::remove_all(dir_); }

  bool ok() const { return ok_; }
  std::string Pem(const std::string& name) const { return ReadFile(dir_ / name); }

 private:
  std::filesystem::path dir_;
  bool ok_ = false;
};

std::unique_ptr<v1::Strata::Stub> TlsStub(const Server& server, const Certificates& certs,
                                          bool client_cert, const std::string& ca = "ca.crt") {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = certs.Pem(ca);
  if (client_cert) {
    options.pem_private_key = certs.Pem("client.key");
    options.pem_cert_chain = certs.Pem("client.crt");
  }
  return v1::Strata::NewStub(grpc::CreateChannel(absl::StrCat("localhost:", server.port()),
                                                 grpc::SslCredentials(options)));
}

TEST(ServerTest, ListensOnAChosenLoopbackPort) {
  std::unique_ptr<Server> server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(server->address(), absl::StrCat("127.0.0.1:", server->port()));
  EXPECT_TRUE(CallEcho(*LoopbackStub(*server)).ok());
}

TEST(ServerTest, InProcessChannelWorks) {
  std::unique_ptr<Server> server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(CallEcho(*v1::Strata::NewStub(server->InProcessChannel())).ok());
}

TEST(ServerTest, RejectsInconsistentConfigs) {
  struct Case {
    ServerConfig config;
    std::string want;
  };
  std::vector<Case> cases(4);
  cases[0].config.tls_cert_pem = "x";
  cases[0].want = "both a certificate and a key";
  cases[1].config.client_ca_pem = "x";
  cases[1].want = "needs a TLS certificate";
  cases[2].config.token = "secret";
  cases[2].config.listen = "0.0.0.0:0";
  cases[2].want = "only accepted on a loopback address";
  cases[3].config.max_message_bytes = 0;
  cases[3].want = ">= 1 byte";
  for (Case& c : cases) {
    absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(c.config);
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument) << c.want;
    EXPECT_THAT(server.status().message(), HasSubstr(c.want));
  }
}

TEST(ServerTest, ServesTls) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << "openssl failed";
  ServerConfig config;
  config.tls_cert_pem = certs.Pem("server.crt");
  config.tls_key_pem = certs.Pem("server.key");
  std::unique_ptr<Server> server = StartServer(config);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(CallEcho(*TlsStub(*server, certs, /*client_cert=*/false)).ok());
  // A client that does not trust the server's CA cannot connect.
  EXPECT_EQ(CallEcho(*TlsStub(*server, certs, false, "other.crt")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // Plaintext cannot talk to a TLS server.
  EXPECT_EQ(CallEcho(*LoopbackStub(*server)).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ServerTest, MutualTlsRequiresAClientCertificate) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << "openssl failed";
  ServerConfig config;
  config.tls_cert_pem = certs.Pem("server.crt");
  config.tls_key_pem = certs.Pem("server.key");
  config.client_ca_pem = certs.Pem("ca.crt");
  std::unique_ptr<Server> server = StartServer(config);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(CallEcho(*TlsStub(*server, certs, /*client_cert=*/true)).ok());
  EXPECT_EQ(CallEcho(*TlsStub(*server, certs, /*client_cert=*/false)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST(ServerTest, MutualTlsRejectsACertificateFromAnotherCa) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << "openssl failed";
  ServerConfig config;
  config.tls_cert_pem = certs.Pem("server.crt");
  config.tls_key_pem = certs.Pem("server.key");
  config.client_ca_pem = certs.Pem("other.crt");  // Trusts only the other CA.
  std::unique_ptr<Server> server = StartServer(config);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(CallEcho(*TlsStub(*server, certs, /*client_cert=*/true)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST(ServerTest, BearerTokenOverPlaintextLoopback) {
  ServerConfig config;
  config.token = "s3cret\n";  // Trailing newline of a token file is not part of it.
  std::vector<std::string> log;
  std::unique_ptr<Server> server = StartServer(config, &log);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::Strata::Stub> stub = LoopbackStub(*server);
  EXPECT_EQ(CallEcho(*stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallEcho(*stub, "hi", "Bearer wrong").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallEcho(*stub, "hi", "Bearer s3cre").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(CallEcho(*stub, "hi", "s3cret").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(CallEcho(*stub, "hi", "Bearer s3cret").ok());

  // Health checks stay open.
  grpc::Status health = testing::RawUnaryCall(
      grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials()),
      "/grpc.health.v1.Health/Check", "");
  EXPECT_TRUE(health.ok()) << health.error_message();

  // Rejected calls are logged too.
  int unauthenticated = 0;
  for (const std::string& line : log) {
    if (line.find("UNAUTHENTICATED") != std::string::npos) ++unauthenticated;
  }
  EXPECT_EQ(unauthenticated, 4);
}

TEST(ServerTest, BearerTokenOverTls) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << "openssl failed";
  ServerConfig config;
  config.tls_cert_pem = certs.Pem("server.crt");
  config.tls_key_pem = certs.Pem("server.key");
  config.token = "tok";
  std::unique_ptr<Server> server = StartServer(config);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::Strata::Stub> stub = TlsStub(*server, certs, false);
  EXPECT_EQ(CallEcho(*stub).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(CallEcho(*stub, "hi", "Bearer tok").ok());
}

TEST(ServerTest, RejectsOversizedMessages) {
  ServerConfig config;
  config.max_message_bytes = 1024;
  std::unique_ptr<Server> server = StartServer(config);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::Strata::Stub> stub = LoopbackStub(*server);
  EXPECT_TRUE(CallEcho(*stub, std::string(900, 'a')).ok());
  EXPECT_EQ(CallEcho(*stub, std::string(2000, 'a')).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(CallEcho(*stub, "still serving").ok());
}

TEST(ServerTest, LogsOneJsonLinePerCall) {
  std::vector<std::string> log;
  std::unique_ptr<Server> server = StartServer({}, &log);
  ASSERT_NE(server, nullptr);
  std::unique_ptr<v1::Strata::Stub> stub = LoopbackStub(*server);
  ASSERT_TRUE(CallEcho(*stub).ok());
  {
    grpc::ClientContext context;
    v1::ValidateResponse response;
    ASSERT_EQ(stub->Validate(&context, v1::ValidateRequest{}, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  server->Shutdown(absl::Seconds(5));  // Every call has been logged by now.
  ASSERT_EQ(log.size(), 2u);
  Json echo = Json::parse(log[0]);
  EXPECT_EQ(echo["method"], "/strata.v1.Strata/Echo");
  EXPECT_EQ(echo["code"], "OK");
  EXPECT_THAT(echo["peer"].get<std::string>(), HasSubstr("127.0.0.1"));
  EXPECT_TRUE(echo["duration_ms"].is_number());
  EXPECT_TRUE(echo["time"].is_string());
  Json validate = Json::parse(log[1]);
  EXPECT_EQ(validate["method"], "/strata.v1.Strata/Validate");
  EXPECT_EQ(validate["code"], "INVALID_ARGUMENT");
}

TEST(ServerTest, ServesHealth) {
  std::unique_ptr<Server> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  // SERVING (field 1 = 1) for the whole server ("") and for strata.v1.Strata
  // (request field 1 = the service name).
  const std::string strata = "strata.v1.Strata";
  for (const std::string& request :
       {std::string(), absl::StrCat("\x0a", std::string(1, static_cast<char>(strata.size())),
                                    strata)}) {
    std::string response;
    grpc::Status status =
        testing::RawUnaryCall(channel, "/grpc.health.v1.Health/Check", request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response, std::string("\x08\x01", 2));
  }
  // An unknown service is NOT_FOUND.
  std::string unknown = absl::StrCat("\x0a\x03", "foo");
  EXPECT_EQ(testing::RawUnaryCall(channel, "/grpc.health.v1.Health/Check", unknown).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace strata::service_internal
