// HTTP/1.1 over TCP or TLS, and WebSocket, for KubeClient: the only file pair
// that touches Boost.Beast/Asio and OpenSSL, so their (heavy) headers compile
// once. Every operation runs under a deadline and can be cancelled; nothing
// here retries (kube_client.cc decides that).

#ifndef STRATA_KUBE_CLIENT_TRANSPORT_H_
#define STRATA_KUBE_CLIENT_TRANSPORT_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace strata::kube_internal {

// Where the server is: from "https://host:port/prefix".
struct Endpoint {
  bool tls = true;
  std::string host;  // Without brackets for IPv6.
  std::string port;
  std::string path_prefix;  // "" or "/prefix" (no trailing '/').
};

// Parses a kubeconfig `server` URL. InvalidArgument when it is not http(s).
absl::StatusOr<Endpoint> ParseServerUrl(absl::string_view url);

// What TLS checks and presents.
struct TlsSettings {
  std::string ca_pem;  // Empty: the system's CAs.
  bool insecure_skip_verify = false;
  std::string server_name;  // Empty: the endpoint's host.
  std::string client_cert_pem;
  std::string client_key_pem;
};

class TlsContext;  // An OpenSSL context built from TlsSettings (shareable).
absl::StatusOr<std::shared_ptr<TlsContext>> MakeTlsContext(const TlsSettings& settings);

struct HttpRequest {
  std::string method;
  std::string target;  // Path and query.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::map<std::string, std::string> headers;  // Lower-case names.
  std::string body;
};

// Why a transport call failed, so the caller can tell what is safe to retry.
enum class TransportFailure {
  kNone,
  kConnect,   // Nothing was sent (resolve, connect, TLS handshake failed).
  kBroken,    // The connection broke after the request was (partly) sent.
  kTimeout,   // The deadline passed.
  kCancelled,
  kTooLarge,  // The response exceeded the body limit.
  kProtocol,  // Malformed HTTP/WebSocket from the server.
};

// One connection; not thread-safe (one call at a time).
class Connection {
 public:
  // Connects (and handshakes TLS) by `deadline`. The status message says
  // what failed ("connect 127.0.0.1:6443: Connection refused").
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const Endpoint& endpoint, std::shared_ptr<TlsContext> tls, absl::Time deadline,
      TransportFailure* failure);
  ~Connection();

  // Sends `request` and reads the whole response (at most `body_limit`
  // bytes of body).
  absl::StatusOr<HttpResponse> RoundTrip(const HttpRequest& request, absl::Time deadline,
                                         size_t body_limit, TransportFailure* failure);

  // Sends `request`, reads the response header into `header` (body empty),
  // and when it is 2xx streams the body to `on_data` until the server ends
  // it (OK), `on_data` returns false (OK), the deadline passes (OK, with
  // *failure = kTimeout) or `cancelled` (Cancelled). A non-2xx body is read
  // whole into header->body.
  absl::Status Stream(const HttpRequest& request, absl::Time deadline,
                      const std::function<bool()>& cancelled, HttpResponse* header,
                      const std::function<bool(absl::string_view)>& on_data,
                      TransportFailure* failure);

  // Whether the server lets the connection be reused.
  bool reusable() const;

  class Impl;

 private:
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A WebSocket exchange for pods/exec: handshake offering `protocols`, then
// read binary frames (first byte = channel) until the server closes.
struct WebSocketExchange {
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> protocols;
  absl::Time deadline;
  std::function<bool()> cancelled;
  size_t message_limit = 64 << 20;  // Total bytes read before giving up.
};

struct WebSocketResult {
  // Set when the upgrade was refused: the HTTP answer (status, body).
  HttpResponse refused;
  std::string protocol;  // The subprotocol the server chose.
  // (channel, payload) in order of arrival.
  std::vector<std::pair<int, std::string>> frames;
};

// Runs the exchange. On an upgrade refused, returns OK with refused.status
// set. kTimeout / kCancelled are reported through *failure with whatever
// frames had arrived.
absl::StatusOr<WebSocketResult> RunWebSocket(const Endpoint& endpoint,
                                             std::shared_ptr<TlsContext> tls,
                                             const WebSocketExchange& exchange,
                                             TransportFailure* failure);

}  // namespace strata::kube_internal

#endif  // STRATA_KUBE_CLIENT_TRANSPORT_H_
