// A small HTTP/1.1 server for /metrics, /healthz and /readyz: GET and HEAD
// only, one request per connection, requests over 8 KiB or slower than the
// read timeout answered 400/408 and closed. One thread serves connections in
// turn (handlers must be quick: they render text from memory).
//
// Example:
//   absl::StatusOr<std::unique_ptr<HttpServer>> s = HttpServer::Start(
//       "127.0.0.1:0", [](absl::string_view path) {
//         return path == "/healthz" ? HttpResponse{200, "text/plain", "ok\n"}
//                                   : HttpResponse{404, "text/plain", "not found\n"};
//       });
//   int port = (*s)->port();

#ifndef STRATA_OPERATOR_HTTP_SERVER_H_
#define STRATA_OPERATOR_HTTP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace strata::operator_internal {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(absl::string_view path)>;

class HttpServer {
 public:
  // Listens on `address` ("HOST:PORT"; ":8080" is every interface, port 0
  // picks a free port) and serves `handler` on a thread of its own.
  // InvalidArgument for a malformed address, Unavailable when it cannot bind.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(absl::string_view address,
                                                           HttpHandler handler,
                                                           absl::Duration read_timeout =
                                                               absl::Seconds(5));
  ~HttpServer();  // Stop()s.
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  // "HOST:PORT" as bound ("0.0.0.0:8080", "127.0.0.1:41235").
  const std::string& address() const { return address_; }
  // Stops listening and joins the thread. Idempotent.
  void Stop();

 private:
  HttpServer(int fd, int wake_read, int wake_write, int port, std::string address,
             HttpHandler handler, absl::Duration read_timeout);
  void Serve();
  void HandleConnection(int fd);

  const int listen_fd_;
  const int wake_read_;   // Stop() writes to wake_write_ to end poll().
  const int wake_write_;
  const int port_;
  const std::string address_;
  const HttpHandler handler_;
  const absl::Duration read_timeout_;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

// Splits "HOST:PORT" (HOST may be empty, a name, an IPv4 address or an IPv6
// address in brackets). InvalidArgument naming `address` when malformed.
absl::StatusOr<std::pair<std::string, int>> ParseListenAddress(absl::string_view address);

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_HTTP_SERVER_H_
