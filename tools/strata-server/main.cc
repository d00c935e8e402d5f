// strata-server: serves strata.v1.Strata, grpc.health.v1.Health and server
// reflection. See lib/service/README.md for the flags and the security modes.
//
//   strata-server --listen 127.0.0.1:50051
//   strata-server --listen 127.0.0.1:0     # prints "listening on 127.0.0.1:NNNNN"
//
// SIGTERM or SIGINT shut it down gracefully: it stops accepting calls, lets
// the calls in flight finish (up to --shutdown-grace), then exits 0.

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <tuple>
#include <thread>

#include <CLI/CLI.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "service/server.h"

namespace {

using strata::service_internal::Server;
using strata::service_internal::ServerConfig;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  ServerConfig config;
  std::string tls_cert, tls_key, client_ca, token_file;
  double grace_seconds = 10;
  bool quiet = false;

  CLI::App app{"strata gRPC server (strata.v1.Strata, health, reflection)", "strata-server"};
  app.add_option("--listen", config.listen, "host:port to listen on; port 0 picks one")
      ->capture_default_str();
  app.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve TLS (needs --tls-key)")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  app.add_option("--client-ca", client_ca,
                 "PEM CA bundle: mutual TLS, clients must present a certificate it signed")
      ->check(CLI::ExistingFile);
  app.add_option("--token-file", token_file,
                 "file holding a bearer token: calls without 'authorization: Bearer <token>' "
                 "get UNAUTHENTICATED (health checks excepted)")
      ->check(CLI::ExistingFile);
  app.add_option("--max-message-bytes", config.max_message_bytes, "largest request message")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-roles", config.service.limits.max_roles,
                 "most roles (over all Apps) per request")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-members", config.service.limits.max_members,
                 "most members (over all Clusters) per request, and of one role")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  // The input limits (SPEC-2 §11) every request gets; a request's
  // Input.limits may lower them, never raise them above these.
  strata::Limits& core = config.service.limits.core;
  for (auto [flag, field, what] : {
           std::tuple{"--max-file-size", &core.max_file_size, "largest source text, in bytes"},
           std::tuple{"--max-alias-bytes", &core.max_alias_bytes,
                      "most bytes YAML aliases may add to one document"},
           std::tuple{"--max-alias-nodes", &core.max_alias_nodes,
                      "most nodes YAML aliases may add to one document"},
           std::tuple{"--max-nesting", &core.max_nesting,
                      "deepest YAML/JSON nesting accepted in a text"},
           std::tuple{"--max-documents", &core.max_documents, "most documents in one text"},
           std::tuple{"--max-config-map-size", &core.max_config_map_size,
                      "largest rendered ConfigMap, in bytes"}}) {
    app.add_option(flag, *field, what)->capture_default_str()->check(CLI::PositiveNumber);
  }
  app.add_option("--max-simulate-plans", config.service.max_simulate_plans,
                 "most planning rounds one Simulate call may run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--shutdown-grace", grace_seconds,
                 "seconds calls in flight may take to finish after SIGTERM/SIGINT")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--quiet", quiet, "no per-call log lines on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage errors exit 2, as the strata CLI's do; --help exits 0.
    return app.exit(e) == 0 ? 0 : 2;
  }
  // --max-members bounds one role's members too (strata::Limits).
  core.max_members = config.service.limits.max_members;

  for (auto [path, out] : {std::pair{&tls_cert, &config.tls_cert_pem},
                           std::pair{&tls_key, &config.tls_key_pem},
                           std::pair{&client_ca, &config.client_ca_pem},
                           std::pair{&token_file, &config.token}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> text = ReadFile(*path);
    if (!text.ok()) {
      std::cerr << "strata-server: " << text.status().message() << "\n";
      return 1;
    }
    *out = *std::move(text);
  }
  if (!token_file.empty() && config.token.find_first_not_of(" \t\r\n") == std::string::npos) {
    std::cerr << "strata-server: " << token_file << " holds no token\n";
    return 1;
  }
  if (quiet) config.log = nullptr;

  // Block the shutdown signals in every thread (gRPC's inherit this mask);
  // one thread takes them with sigwait, so no work happens in a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(std::move(config));
  if (!server.ok()) {
    std::cerr << "strata-server: " << server.status().message() << "\n";
    return 1;
  }
  std::cout << "listening on " << (*server)->address() << std::endl;

  std::thread watcher([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    strata::service_internal::LogToStderr(absl::StrCat(
        "{\"event\":\"shutdown\",\"signal\":\"", signal == SIGTERM ? "SIGTERM" : "SIGINT",
        "\",\"grace_s\":", grace_seconds, "}"));
    (*server)->Shutdown(absl::Seconds(grace_seconds));
  });
  (*server)->Wait();
  watcher.join();
  return 0;
}
