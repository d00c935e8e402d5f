#include "service/server.h"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <utility>
#include <vector>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/server_interceptor.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "strata/json.h"

namespace strata::service_internal {
namespace {

constexpr absl::string_view kHealthPrefix = "/grpc.health.v1.Health/";

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",          "CANCELLED",         "UNKNOWN",            "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",   "ALREADY_EXISTS",     "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",   "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",        "UNAVAILABLE",        "DATA_LOSS",
      "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : "UNKNOWN";
}

void LogCall(const LogSink& log, absl::string_view method, absl::string_view peer,
             grpc::StatusCode code, absl::Duration duration) {
  if (!log) return;
  Json line = {{"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())},
               {"method", std::string(method)},
               {"peer", std::string(peer)},
               {"code", CodeName(code)},
               {"duration_ms", absl::ToDoubleMilliseconds(duration)}};
  log(line.dump());
}

// Watches every call: logs it when it sends its status (or, if it never
// does, when it ends), and gives an undecodable request the status gRPC's
// synchronous API gives it (INTERNAL) instead of the callback API's bare
// UNIMPLEMENTED (gRPC 1.51), so clients can tell it from an unknown method.
class CallObserver final : public grpc::experimental::Interceptor {
 public:
  CallObserver(grpc::experimental::ServerRpcInfo* info, const LogSink* log)
      : info_(info), method_(info->method()), peer_(info->server_context()->peer()), log_(log) {}

  ~CallObserver() override {
    if (!logged_) LogCall(*log_, method_, peer_, grpc::StatusCode::CANCELLED, absl::Now() - start_);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      undecodable_ = true;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (undecodable_ && status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        status = grpc::Status(grpc::StatusCode::INTERNAL,
                              absl::StrCat("cannot decode the request message of ", method_));
        methods->ModifySendStatus(status);
      }
      // Streaming calls may learn their peer only after the interceptor is made.
      if (peer_.empty()) peer_ = info_->server_context()->peer();
      LogCall(*log_, method_, peer_, status.error_code(), absl::Now() - start_);
      logged_ = true;
    }
    methods->Proceed();
  }

 private:
  const absl::Time start_ = absl::Now();
  grpc::experimental::ServerRpcInfo* const info_;
  const std::string method_;
  std::string peer_;
  const LogSink* log_;
  bool undecodable_ = false;
  bool logged_ = false;
};

class CallObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallObserverFactory(const LogSink* log) : log_(log) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallObserver(info, log_);
  }

 private:
  const LogSink* log_;
};

// True when `given` equals `expected`, in time that depends only on the
// length of `expected` (the secret), not on where they first differ.
bool ConstantTimeEquals(absl::string_view given, absl::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= g ^ static_cast<unsigned char>(expected[i]);
  }
  return diff == 0;
}

// Admits calls carrying `authorization: Bearer <token>`; health checks are
// always admitted so orchestrators can probe without the token.
class BearerTokenProcessor final : public grpc::AuthMetadataProcessor {
 public:
  BearerTokenProcessor(std::string token, const LogSink* log)
      : expected_(absl::StrCat("Bearer ", token)), log_(log) {}

  bool IsBlocking() const override { return false; }

  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed, OutputMetadata* response) override {
    absl::string_view path;
    if (auto it = metadata.find(":path"); it != metadata.end()) {
      path = absl::string_view(it->second.data(), it->second.size());
    }
    if (absl::StartsWith(path, kHealthPrefix)) return grpc::Status::OK;
    auto it = metadata.find("authorization");
    if (it != metadata.end() &&
        ConstantTimeEquals(absl::string_view(it->second.data(), it->second.size()), expected_)) {
      consumed->insert({"authorization", std::string(it->second.data(), it->second.size())});
      return grpc::Status::OK;
    }
    // Rejected calls never reach the interceptors: log them here.
    LogCall(*log_, path, "", grpc::StatusCode::UNAUTHENTICATED, absl::ZeroDuration());
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                        it == metadata.end() ? "missing authorization: Bearer <token>"
                                             : "invalid bearer token");
  }

 private:
  const std::string expected_;
  const LogSink* log_;
};

// The host part of "host:port" / "[v6]:port".
absl::string_view HostOf(absl::string_view listen) {
  size_t colon = listen.rfind(':');
  return colon == absl::string_view::npos ? listen : listen.substr(0, colon);
}

bool IsLoopback(absl::string_view host) {
  return host == "localhost" || host == "[::1]" || absl::StartsWith(host, "127.");
}

}  // namespace

void LogToStderr(absl::string_view line) {
  static std::mutex* mu = new std::mutex;
  std::lock_guard<std::mutex> lock(*mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(ServerConfig config) {
  config.token = std::string(absl::StripAsciiWhitespace(config.token));
  bool tls = !config.tls_cert_pem.empty() || !config.tls_key_pem.empty();
  if (tls && (config.tls_cert_pem.empty() || config.tls_key_pem.empty())) {
    return absl::InvalidArgumentError("TLS needs both a certificate and a key");
  }
  if (!config.client_ca_pem.empty() && !tls) {
    return absl::InvalidArgumentError("mutual TLS (a client CA) needs a TLS certificate and key");
  }
  if (!config.token.empty() && !tls && !IsLoopback(HostOf(config.listen))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a bearer token over plaintext is only accepted on a loopback address, not ",
        config.listen, ": add a TLS certificate and key"));
  }
  if (config.max_message_bytes < 1) {
    return absl::InvalidArgumentError("the message size limit must be >= 1 byte");
  }

  std::unique_ptr<Server> server(new Server);
  server->config_ = std::move(config);
  const ServerConfig& c = server->config_;
  server->service_ = std::make_unique<StrataServiceImpl>(c.service);

  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (tls) {
    grpc::SslServerCredentialsOptions ssl(
        c.client_ca_pem.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = c.client_ca_pem;
    ssl.pem_key_cert_pairs.push_back({c.tls_key_pem, c.tls_cert_pem});
    credentials = grpc::SslServerCredentials(ssl);
  } else if (!c.token.empty()) {
    // Plaintext that still runs the auth metadata processor; loopback only.
    credentials = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  } else {
    credentials = grpc::InsecureServerCredentials();
  }
  if (!c.token.empty()) {
    credentials->SetAuthMetadataProcessor(
        std::make_shared<BearerTokenProcessor>(c.token, &c.log));
  }

  // gRPC's health service has no generated code of its own; touching the
  // vendored messages links their descriptors, so reflection can describe it.
  (void)grpc::health::v1::HealthCheckResponse::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(c.listen, credentials, &server->port_);
  builder.RegisterService(server->service_.get());
  builder.SetMaxReceiveMessageSize(c.max_message_bytes);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<CallObserverFactory>(&c.log));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", c.listen));
  }
  server->address_ = absl::StrCat(HostOf(c.listen), ":", server->port_);
  if (grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService()) {
    health->SetServingStatus("strata.v1.Strata", true);
  }
  return server;
}

Server::~Server() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
}

std::shared_ptr<grpc::Channel> Server::InProcessChannel() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  return server_->InProcessChannel(args);
}

void Server::Shutdown(absl::Duration grace) {
  server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(grace));
  server_->Wait();
}

void Server::Wait() { server_->Wait(); }

}  // namespace strata::service_internal
