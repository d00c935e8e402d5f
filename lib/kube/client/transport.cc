// Boost.Beast over Asio and OpenSSL. Every operation is started
// asynchronously and the connection's own io_context is run in slices of at
// most 250 ms until it completes, the deadline passes or `cancelled` says
// so; then the socket is closed, which completes the pending operation with
// operation_aborted. One mechanism for every timeout, no threads.

#include "kube/client/transport.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

// Returns from the enclosing function when a transport step failed.
#define STRATA_TRANSPORT_CHECK(expr) \
  do {                               \
    absl::Status s_ = (expr);        \
    if (!s_.ok()) return s_;         \
  } while (0)

namespace strata::kube_internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

class TlsContext {
 public:
  TlsContext() : ctx(ssl::context::tls_client) {}
  ssl::context ctx;
  TlsSettings settings;
};

namespace {

constexpr absl::Duration kSlice = absl::Milliseconds(250);

bool IsIpAddress(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string HostPort(const Endpoint& e) {
  return absl::StrCat(absl::StrContains(e.host, ':') ? absl::StrCat("[", e.host, "]") : e.host,
                      ":", e.port);
}

// Drives `ioc` until `*done`, the deadline or cancellation. On the latter two
// calls `abort` (closes the socket) and drains the aborted operations.
// Returns kNone, kTimeout or kCancelled.
TransportFailure Drive(asio::io_context& ioc, const bool* done, absl::Time deadline,
                       const std::function<bool()>& cancelled,
                       const std::function<void()>& abort) {
  ioc.restart();
  while (!*done) {
    absl::Time now = absl::Now();
    TransportFailure stop = TransportFailure::kNone;
    if (now >= deadline) stop = TransportFailure::kTimeout;
    if (cancelled && cancelled()) stop = TransportFailure::kCancelled;
    if (stop != TransportFailure::kNone) {
      abort();
      ioc.restart();
      ioc.run();
      return stop;
    }
    absl::Duration slice = std::min(deadline - now, kSlice);
    ioc.run_for(std::chrono::microseconds(absl::ToInt64Microseconds(slice) + 1));
    if (ioc.stopped() && !*done) ioc.restart();
  }
  return TransportFailure::kNone;
}

std::string Describe(const error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::connection_reset) return "connection reset by peer";
  if (ec == asio::error::eof || ec == http::error::end_of_stream ||
      ec == asio::ssl::error::stream_truncated) {
    return "the server closed the connection";
  }
  return ec.message();
}

template <class Stream>
void SetVerifyHost(Stream& stream, const TlsSettings& s, const std::string& host) {
  SSL* handle = stream.native_handle();
  const std::string& name = s.server_name.empty() ? host : s.server_name;
  if (!IsIpAddress(name)) SSL_set_tlsext_host_name(handle, name.c_str());
  if (s.insecure_skip_verify) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(handle);
  if (IsIpAddress(name)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
  }
}

std::string TlsErrorText(const error_code& ec) {
  std::string text = ec.message();
  if (ec.category() == asio::error::get_ssl_category()) {
    unsigned long err = static_cast<unsigned long>(ec.value());
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    text = buf;
  }
  return text;
}

void CopyHeaders(const http::fields& fields, HttpResponse* out) {
  for (const auto& f : fields) {
    out->headers[absl::AsciiStrToLower(std::string(f.name_string()))] = std::string(f.value());
  }
}

}  // namespace

absl::StatusOr<Endpoint> ParseServerUrl(absl::string_view url) {
  Endpoint e;
  absl::string_view rest = url;
  if (absl::ConsumePrefix(&rest, "https://")) {
    e.tls = true;
  } else if (absl::ConsumePrefix(&rest, "http://")) {
    e.tls = false;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("server \"", url, "\": must start with https:// or http://"));
  }
  size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  if (slash != absl::string_view::npos) {
    e.path_prefix = std::string(absl::StripSuffix(rest.substr(slash), "/"));
  }
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("server \"", url, "\": unclosed '['"));
    }
    e.host = std::string(authority.substr(1, close - 1));
    absl::string_view after = authority.substr(close + 1);
    if (absl::ConsumePrefix(&after, ":")) e.port = std::string(after);
  } else {
    size_t colon = authority.rfind(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) e.port = std::string(authority.substr(colon + 1));
  }
  if (e.host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("server \"", url, "\": no host"));
  }
  if (e.port.empty()) e.port = e.tls ? "443" : "80";
  int port = 0;
  if (!absl::SimpleAtoi(e.port, &port) || port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("server \"", url, "\": bad port"));
  }
  return e;
}

absl::StatusOr<std::shared_ptr<TlsContext>> MakeTlsContext(const TlsSettings& settings) {
  auto tls = std::make_shared<TlsContext>();
  tls->settings = settings;
  ssl::context& ctx = tls->ctx;
  error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                      ssl::context::no_tlsv1_1,
                  ec);
  if (settings.insecure_skip_verify) {
    ctx.set_verify_mode(ssl::verify_none, ec);
  } else {
    ctx.set_verify_mode(ssl::verify_peer, ec);
    if (!settings.ca_pem.empty()) {
      ctx.add_certificate_authority(asio::buffer(settings.ca_pem), ec);
      if (ec) {
        return absl::InvalidArgumentError(
            absl::StrCat("certificate authority: not a PEM certificate: ", TlsErrorText(ec)));
      }
    } else {
      ctx.set_default_verify_paths(ec);
    }
  }
  if (!settings.client_cert_pem.empty() || !settings.client_key_pem.empty()) {
    if (settings.client_cert_pem.empty() || settings.client_key_pem.empty()) {
      return absl::InvalidArgumentError(
          "a client certificate needs both the certificate and its key");
    }
    ctx.use_certificate_chain(asio::buffer(settings.client_cert_pem), ec);
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("client certificate: not a PEM certificate: ", TlsErrorText(ec)));
    }
    ctx.use_private_key(asio::buffer(settings.client_key_pem), ssl::context::pem, ec);
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("client key: not a PEM private key matching the certificate: ",
                       TlsErrorText(ec)));
    }
  }
  return tls;
}

// ---------------------------------------------------------------- Connection

class Connection::Impl {
 public:
  Impl(const Endpoint& endpoint, std::shared_ptr<TlsContext> tls)
      : endpoint_(endpoint), tls_ctx_(std::move(tls)) {
    if (endpoint_.tls) {
      tls_stream_.emplace(ioc_, tls_ctx_->ctx);
    } else {
      plain_stream_.emplace(ioc_);
    }
  }

  beast::tcp_stream& Lowest() {
    return tls_stream_ ? beast::get_lowest_layer(*tls_stream_) : *plain_stream_;
  }

  void Abort() {
    error_code ignored;
    Lowest().socket().close(ignored);
  }

  template <class F>
  void WithStream(F&& f) {
    if (tls_stream_) {
      f(*tls_stream_);
    } else {
      f(*plain_stream_);
    }
  }

  absl::Status Open(absl::Time deadline, TransportFailure* failure) {
    tcp::resolver resolver(ioc_);
    bool done = false;
    error_code ec;
    tcp::resolver::results_type results;
    resolver.async_resolve(endpoint_.host, endpoint_.port,
                           [&](const error_code& e, tcp::resolver::results_type r) {
                             ec = e;
                             results = std::move(r);
                             done = true;
                           });
    TransportFailure f = Drive(ioc_, &done, deadline, nullptr, [&] { resolver.cancel(); });
    if (f != TransportFailure::kNone || ec) {
      *failure = f == TransportFailure::kNone ? TransportFailure::kConnect : f;
      return absl::UnavailableError(absl::StrCat("resolve ", endpoint_.host, ": ",
                                                 ec ? Describe(ec) : "timed out"));
    }
    done = false;
    Lowest().async_connect(results, [&](const error_code& e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    f = Drive(ioc_, &done, deadline, nullptr, [&] { Abort(); });
    if (f != TransportFailure::kNone || ec) {
      *failure = f == TransportFailure::kNone ? TransportFailure::kConnect : f;
      return absl::UnavailableError(absl::StrCat("connect ", HostPort(endpoint_), ": ",
                                                 f != TransportFailure::kNone ? "timed out"
                                                                              : Describe(ec)));
    }
    error_code opt_ec;
    Lowest().socket().set_option(tcp::no_delay(true), opt_ec);
    if (!tls_stream_) return absl::OkStatus();
    SetVerifyHost(*tls_stream_, tls_ctx_->settings, endpoint_.host);
    done = false;
    tls_stream_->async_handshake(ssl::stream_base::client, [&](const error_code& e) {
      ec = e;
      done = true;
    });
    f = Drive(ioc_, &done, deadline, nullptr, [&] { Abort(); });
    if (f != TransportFailure::kNone || ec) {
      *failure = f == TransportFailure::kNone ? TransportFailure::kConnect : f;
      return absl::UnavailableError(absl::StrCat(
          "TLS handshake with ", HostPort(endpoint_), ": ",
          f != TransportFailure::kNone ? "timed out" : TlsErrorText(ec)));
    }
    return absl::OkStatus();
  }

  http::request<http::string_body> MakeRequest(const HttpRequest& r) {
    http::request<http::string_body> req;
    req.method_string(r.method);
    req.target(endpoint_.path_prefix + r.target);
    req.version(11);
    req.set(http::field::host, endpoint_.host);
    req.set(http::field::user_agent, "strata/0.1");
    for (const auto& [k, v] : r.headers) req.set(k, v);
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      req.body() = r.body;
      req.prepare_payload();
    }
    req.keep_alive(true);
    return req;
  }

  absl::Status Write(const HttpRequest& request, absl::Time deadline,
                     const std::function<bool()>& cancelled, TransportFailure* failure) {
    http::request<http::string_body> req = MakeRequest(request);
    bool done = false;
    error_code ec;
    WithStream([&](auto& s) {
      http::async_write(s, req, [&](const error_code& e, size_t) {
        ec = e;
        done = true;
      });
    });
    TransportFailure f = Drive(ioc_, &done, deadline, cancelled, [&] { Abort(); });
    if (f != TransportFailure::kNone) {
      *failure = f;
      reusable_ = false;
      return f == TransportFailure::kCancelled ? absl::CancelledError("cancelled")
                                                : absl::DeadlineExceededError("timed out sending");
    }
    if (ec) {
      *failure = TransportFailure::kBroken;
      reusable_ = false;
      return absl::UnavailableError(absl::StrCat("sending: ", Describe(ec)));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<HttpResponse> RoundTrip(const HttpRequest& request, absl::Time deadline,
                                         size_t body_limit, TransportFailure* failure) {
    STRATA_TRANSPORT_CHECK(Write(request, deadline, nullptr, failure));
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    parser.header_limit(1 << 20);
    bool done = false;
    error_code ec;
    WithStream([&](auto& s) {
      http::async_read(s, buffer_, parser, [&](const error_code& e, size_t) {
        ec = e;
        done = true;
      });
    });
    TransportFailure f = Drive(ioc_, &done, deadline, nullptr, [&] { Abort(); });
    if (f != TransportFailure::kNone) {
      *failure = f;
      reusable_ = false;
      return absl::DeadlineExceededError("timed out waiting for the response");
    }
    if (ec == http::error::body_limit) {
      *failure = TransportFailure::kTooLarge;
      reusable_ = false;
      return absl::ResourceExhaustedError(
          absl::StrCat("the response is larger than ", body_limit >> 20, " MiB"));
    }
    if (ec) {
      *failure = TransportFailure::kBroken;
      reusable_ = false;
      return absl::UnavailableError(absl::StrCat("reading the response: ", Describe(ec)));
    }
    http::response<http::string_body> res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.reason = std::string(res.reason());
    CopyHeaders(res.base(), &out);
    out.body = std::move(res.body());
    reusable_ = res.keep_alive();
    return out;
  }

  absl::Status Stream(const HttpRequest& request, absl::Time deadline,
                      const std::function<bool()>& cancelled, HttpResponse* header,
                      const std::function<bool(absl::string_view)>& on_data,
                      TransportFailure* failure) {
    reusable_ = false;  // A stream is never handed back.
    STRATA_TRANSPORT_CHECK(Write(request, deadline, cancelled, failure));
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    bool done = false;
    error_code ec;
    WithStream([&](auto& s) {
      http::async_read_header(s, buffer_, parser, [&](const error_code& e, size_t) {
        ec = e;
        done = true;
      });
    });
    TransportFailure f = Drive(ioc_, &done, deadline, cancelled, [&] { Abort(); });
    if (f != TransportFailure::kNone) {
      *failure = f;
      return f == TransportFailure::kCancelled
                 ? absl::CancelledError("cancelled")
                 : absl::DeadlineExceededError("timed out waiting for the response");
    }
    if (ec) {
      *failure = TransportFailure::kBroken;
      return absl::UnavailableError(absl::StrCat("reading the response: ", Describe(ec)));
    }
    header->status = static_cast<int>(parser.get().result_int());
    header->reason = std::string(parser.get().reason());
    CopyHeaders(parser.get().base(), header);
    bool ok_status = header->status >= 200 && header->status < 300;
    char buf[64 * 1024];
    const size_t error_body_limit = 1 << 20;
    while (!parser.is_done()) {
      parser.get().body().data = buf;
      parser.get().body().size = sizeof(buf);
      done = false;
      WithStream([&](auto& s) {
        http::async_read_some(s, buffer_, parser, [&](const error_code& e, size_t) {
          ec = e;
          done = true;
        });
      });
      f = Drive(ioc_, &done, deadline, cancelled, [&] { Abort(); });
      if (f != TransportFailure::kNone) {
        *failure = f;
        return f == TransportFailure::kCancelled ? absl::CancelledError("cancelled")
                                                  : absl::OkStatus();
      }
      if (ec == http::error::need_buffer) ec = {};
      size_t n = sizeof(buf) - parser.get().body().size;
      if (n > 0) {
        absl::string_view chunk(buf, n);
        if (ok_status) {
          if (!on_data(chunk)) return absl::OkStatus();
        } else if (header->body.size() < error_body_limit) {
          header->body.append(chunk.data(), chunk.size());
        }
      }
      if (ec) {
        if (!ok_status) return absl::OkStatus();  // Keep what error text arrived.
        *failure = TransportFailure::kBroken;
        return absl::UnavailableError(absl::StrCat("reading the stream: ", Describe(ec)));
      }
    }
    return absl::OkStatus();
  }

  bool reusable() const { return reusable_; }

 private:
  Endpoint endpoint_;
  std::shared_ptr<TlsContext> tls_ctx_;
  asio::io_context ioc_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream_;
  std::optional<beast::tcp_stream> plain_stream_;
  beast::flat_buffer buffer_;
  bool reusable_ = true;
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const Endpoint& endpoint,
                                                              std::shared_ptr<TlsContext> tls,
                                                              absl::Time deadline,
                                                              TransportFailure* failure) {
  *failure = TransportFailure::kNone;
  auto impl = std::make_unique<Impl>(endpoint, std::move(tls));
  absl::Status s = impl->Open(deadline, failure);
  if (!s.ok()) return s;
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

absl::StatusOr<HttpResponse> Connection::RoundTrip(const HttpRequest& request,
                                                   absl::Time deadline, size_t body_limit,
                                                   TransportFailure* failure) {
  *failure = TransportFailure::kNone;
  return impl_->RoundTrip(request, deadline, body_limit, failure);
}

absl::Status Connection::Stream(const HttpRequest& request, absl::Time deadline,
                                const std::function<bool()>& cancelled, HttpResponse* header,
                                const std::function<bool(absl::string_view)>& on_data,
                                TransportFailure* failure) {
  *failure = TransportFailure::kNone;
  return impl_->Stream(request, deadline, cancelled, header, on_data, failure);
}

bool Connection::reusable() const { return impl_->reusable(); }

// ---------------------------------------------------------------- WebSocket

namespace {

template <class WsStream>
absl::StatusOr<WebSocketResult> RunWs(asio::io_context& ioc, WsStream& ws,
                                      const Endpoint& endpoint,
                                      const WebSocketExchange& ex,
                                      TransportFailure* failure) {
  auto abort = [&] {
    error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
  };
  WebSocketResult result;
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
    req.set(http::field::user_agent, "strata/0.1");
    req.set(http::field::sec_websocket_protocol, absl::StrJoin(ex.protocols, ", "));
    for (const auto& [k, v] : ex.headers) req.set(k, v);
  }));
  ws.read_message_max(ex.message_limit);
  websocket::response_type res;
  bool done = false;
  error_code ec;
  ws.async_handshake(res, HostPort(endpoint), endpoint.path_prefix + ex.target,
                     [&](const error_code& e) {
                       ec = e;
                       done = true;
                     });
  TransportFailure f = Drive(ioc, &done, ex.deadline, ex.cancelled, abort);
  if (f != TransportFailure::kNone) {
    *failure = f;
    return f == TransportFailure::kCancelled
               ? absl::Status(absl::CancelledError("cancelled"))
               : absl::Status(absl::DeadlineExceededError("timed out in the WebSocket handshake"));
  }
  if (ec == websocket::error::upgrade_declined ||
      (ec && res.result_int() != 0 && res.result_int() != 101)) {
    result.refused.status = static_cast<int>(res.result_int());
    result.refused.reason = std::string(res.reason());
    CopyHeaders(res.base(), &result.refused);
    result.refused.body = res.body();
    return result;
  }
  if (ec) {
    *failure = TransportFailure::kBroken;
    return absl::UnavailableError(absl::StrCat("WebSocket handshake: ", Describe(ec)));
  }
  result.protocol = std::string(res[http::field::sec_websocket_protocol]);
  size_t total = 0;
  beast::flat_buffer buffer;
  for (;;) {
    done = false;
    buffer.clear();
    ws.async_read(buffer, [&](const error_code& e, size_t) {
      ec = e;
      done = true;
    });
    f = Drive(ioc, &done, ex.deadline, ex.cancelled, abort);
    if (f != TransportFailure::kNone) {
      *failure = f;
      return result;
    }
    if (ec == websocket::error::closed) break;
    if (ec) {
      // The server may end the TCP stream right after the status frame
      // without a close frame; what arrived is the answer.
      // Beast answering the server's close can also meet a closed socket.
      if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
          ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
        break;
      }
      bool have_status = false;
      for (const auto& f : result.frames) have_status |= f.first == 3;
      if (have_status) break;  // The answer is complete; the rest is teardown.
      *failure = TransportFailure::kBroken;
      return absl::UnavailableError(absl::StrCat("reading the exec stream: ", Describe(ec)));
    }
    std::string data = beast::buffers_to_string(buffer.data());
    total += data.size();
    if (total > ex.message_limit) {
      *failure = TransportFailure::kTooLarge;
      abort();
      return absl::ResourceExhaustedError(
          absl::StrCat("the exec output is larger than ", ex.message_limit >> 20, " MiB"));
    }
    if (data.empty()) continue;
    int channel = static_cast<unsigned char>(data[0]);
    result.frames.emplace_back(channel, data.substr(1));
  }
  // Answer the server's close (best effort, short).
  if (ws.is_open()) {
    done = false;
    ws.async_close(websocket::close_code::normal, [&](const error_code&) { done = true; });
    Drive(ioc, &done, std::min(ex.deadline, absl::Now() + absl::Seconds(1)), nullptr, abort);
  }
  return result;
}

}  // namespace

absl::StatusOr<WebSocketResult> RunWebSocket(const Endpoint& endpoint,
                                             std::shared_ptr<TlsContext> tls,
                                             const WebSocketExchange& exchange,
                                             TransportFailure* failure) {
  *failure = TransportFailure::kNone;
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  bool done = false;
  error_code ec;
  tcp::resolver::results_type results;
  resolver.async_resolve(endpoint.host, endpoint.port,
                         [&](const error_code& e, tcp::resolver::results_type r) {
                           ec = e;
                           results = std::move(r);
                           done = true;
                         });
  TransportFailure f =
      Drive(ioc, &done, exchange.deadline, exchange.cancelled, [&] { resolver.cancel(); });
  if (f != TransportFailure::kNone || ec) {
    *failure = f == TransportFailure::kNone ? TransportFailure::kConnect : f;
    return absl::UnavailableError(
        absl::StrCat("resolve ", endpoint.host, ": ", ec ? Describe(ec) : "timed out"));
  }
  auto connect = [&](beast::tcp_stream& lowest,
                     const std::function<void()>& abort) -> absl::Status {
    done = false;
    lowest.async_connect(results, [&](const error_code& e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    f = Drive(ioc, &done, exchange.deadline, exchange.cancelled, abort);
    if (f != TransportFailure::kNone || ec) {
      *failure = f == TransportFailure::kNone ? TransportFailure::kConnect : f;
      return absl::UnavailableError(absl::StrCat(
          "connect ", HostPort(endpoint), ": ",
          f != TransportFailure::kNone ? "timed out" : Describe(ec)));
    }
    error_code opt_ec;
    lowest.socket().set_option(tcp::no_delay(true), opt_ec);
    return absl::OkStatus();
  };
  if (!endpoint.tls) {
    websocket::stream<beast::tcp_stream> ws(ioc);
    auto abort = [&] {
      error_code ignored;
      beast::get_lowest_layer(ws).socket().close(ignored);
    };
    absl::Status s = connect(beast::get_lowest_layer(ws), abort);
    if (!s.ok()) return s;
    return RunWs(ioc, ws, endpoint, exchange, failure);
  }
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, tls->ctx);
  auto abort = [&] {
    error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
  };
  absl::Status s = connect(beast::get_lowest_layer(ws), abort);
  if (!s.ok()) return s;
  SetVerifyHost(ws.next_layer(), tls->settings, endpoint.host);
  done = false;
  ws.next_layer().async_handshake(ssl::stream_base::client, [&](const error_code& e) {
    ec = e;
    done = true;
  });
  f = Drive(ioc, &done, exchange.deadline, exchange.cancelled, abort);
  if (f != TransportFailure::kNone || ec) {
    *failure = f == TransportFailure::kNone ? TransportFailure::kConnect : f;
    return absl::UnavailableError(
        absl::StrCat("TLS handshake with ", HostPort(endpoint), ": ",
                     f != TransportFailure::kNone ? "timed out" : TlsErrorText(ec)));
  }
  return RunWs(ioc, ws, endpoint, exchange, failure);
}

}  // namespace strata::kube_internal
