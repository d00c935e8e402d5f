// A running strata gRPC server: the Strata service, the standard health
// service (grpc.health.v1.Health) and server reflection, with TLS, mutual
// TLS, a bearer token, a message size limit and a one-line-per-call JSON log.
// tools/strata-server/main.cc turns flags into a ServerConfig; tests start
// one in-process.
//
// Security modes, from the config:
//   no cert, no token  plaintext;
//   cert + key         TLS; with client_ca_pem also mutual TLS (client
//                      certificates are required and verified against it);
//   token              every call except grpc.health.v1.Health/* needs
//                      `authorization: Bearer <token>` (compared in constant
//                      time) or gets UNAUTHENTICATED. Without TLS a token is
//                      only accepted on a loopback address (the server uses
//                      gRPC's local credentials, which refuse other peers).
//
// Example:
//   absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(config);
//   std::cout << "listening on " << (*server)->address() << "\n";
//   (*server)->Wait();

#ifndef STRATA_SERVICE_SERVER_H_
#define STRATA_SERVICE_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service/strata_service.h"

namespace strata::service_internal {

// Receives one finished log line (no newline).
using LogSink = std::function<void(absl::string_view line)>;

// Writes `line` and a newline to stderr, whole lines only.
void LogToStderr(absl::string_view line);

struct ServerConfig {
  // host:port to listen on; port 0 picks a free port (see Server::port()).
  std::string listen = "127.0.0.1:50051";
  // PEM server certificate chain and private key; both or neither. Set: TLS.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // PEM CA certificates; set: mutual TLS (needs tls_cert_pem).
  std::string client_ca_pem;
  // Bearer token; empty: no token check. Surrounding whitespace is not part
  // of it.
  std::string token;
  // Largest request message accepted (larger ones get RESOURCE_EXHAUSTED).
  int max_message_bytes = 4 << 20;
  ServiceOptions service;
  // One JSON object per finished call: time, method, peer, code, duration_ms.
  // Null: no call log.
  LogSink log = LogToStderr;
};

class Server {
 public:
  // Returns a started server, or InvalidArgument for an inconsistent config
  // (a key without a cert, client_ca without TLS, a token over plaintext on
  // a non-loopback address), Unavailable when the address cannot be bound.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Server>> Start(ServerConfig config);

  // Shuts down at once (in-flight calls are cancelled) unless already done.
  ~Server();

  // The bound port (the chosen one for port 0).
  int port() const { return port_; }
  // The listen address with the bound port: "127.0.0.1:50051".
  const std::string& address() const { return address_; }
  // A channel to this server that skips the network and the token check.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Stops accepting calls, lets calls in flight finish for up to `grace`,
  // then cancels the rest. Returns when the server has stopped.
  void Shutdown(absl::Duration grace);
  // Blocks until Shutdown() has finished.
  void Wait();

 private:
  Server() = default;

  ServerConfig config_;
  std::unique_ptr<StrataServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
};

}  // namespace strata::service_internal

#endif  // STRATA_SERVICE_SERVER_H_
