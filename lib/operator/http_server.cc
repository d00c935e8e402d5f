// HttpServer (http_server.h): poll()-based, one connection at a time.

#include "operator/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace strata::operator_internal {
namespace {

constexpr size_t kMaxRequest = 8192;

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // The client went away: nothing to do.
    done += static_cast<size_t>(n);
  }
}

void Respond(int fd, const HttpResponse& r, bool head) {
  std::string out = absl::StrCat("HTTP/1.1 ", r.status, " ", Reason(r.status),
                                 "\r\nContent-Type: ", r.content_type,
                                 "\r\nContent-Length: ", r.body.size(),
                                 "\r\nConnection: close\r\n\r\n");
  if (!head) out += r.body;
  WriteAll(fd, out);
}

}  // namespace

absl::StatusOr<std::pair<std::string, int>> ParseListenAddress(absl::string_view address) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address \"", address, "\": ", why, " (want HOST:PORT or :PORT)"));
  };
  size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return bad("no port");
  std::string host(address.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return bad("an IPv6 address must be in brackets");
  }
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return bad("the port must be a number 0..65535");
  }
  return std::make_pair(host, port);
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(absl::string_view address,
                                                              HttpHandler handler,
                                                              absl::Duration read_timeout) {
  absl::StatusOr<std::pair<std::string, int>> parsed = ParseListenAddress(address);
  if (!parsed.ok()) return parsed.status();
  const auto& [host, port] = *parsed;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port_text = absl::StrCat(port);
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port_text.c_str(), &hints, &res);
  if (rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address \"", address, "\": ", ::gai_strerror(rc)));
  }
  // Prefer IPv4 for an empty host (0.0.0.0), as most clusters expect.
  addrinfo* pick = res;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      pick = a;
      break;
    }
  }
  int fd = ::socket(pick->ai_family, pick->ai_socktype | SOCK_CLOEXEC, pick->ai_protocol);
  if (fd < 0) {
    ::freeaddrinfo(res);
    return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, pick->ai_addr, pick->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    ::freeaddrinfo(res);
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, ": ", err));
  }
  ::freeaddrinfo(res);
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  char ip[INET6_ADDRSTRLEN] = {0};
  int bound_port = 0;
  std::string bound_address;
  if (bound.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&bound);
    ::inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
    bound_port = ntohs(in->sin_port);
    bound_address = absl::StrCat(ip, ":", bound_port);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&bound);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
    bound_port = ntohs(in6->sin6_port);
    bound_address = absl::StrCat("[", ip, "]:", bound_port);
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::unique_ptr<HttpServer> server(new HttpServer(fd, pipe_fds[0], pipe_fds[1], bound_port,
                                                    bound_address, std::move(handler),
                                                    read_timeout));
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

HttpServer::HttpServer(int fd, int wake_read, int wake_write, int port, std::string address,
                       HttpHandler handler, absl::Duration read_timeout)
    : listen_fd_(fd),
      wake_read_(wake_read),
      wake_write_(wake_write),
      port_(port),
      address_(std::move(address)),
      handler_(std::move(handler)),
      read_timeout_(read_timeout) {}

HttpServer::~HttpServer() {
  Stop();
  ::close(listen_fd_);
  ::close(wake_read_);
  ::close(wake_write_);
}

void HttpServer::Stop() {
  if (stopped_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  char c = 1;
  (void)!::write(wake_write_, &c, 1);
  if (thread_.joinable()) thread_.join();
}

void HttpServer::Serve() {
  while (!stopped_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int conn = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    HandleConnection(conn);
    // Close gracefully: what the client still sends is read and dropped
    // (briefly), so closing with unread input does not reset the
    // connection before the client has read the answer.
    ::shutdown(conn, SHUT_WR);
    char sink[4096];
    const absl::Time drain_until = absl::Now() + absl::Milliseconds(200);
    for (size_t drained = 0; drained < (1u << 16);) {
      absl::Duration left = drain_until - absl::Now();
      if (left <= absl::ZeroDuration()) break;
      pollfd p = {conn, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) break;
      ssize_t got = ::recv(conn, sink, sizeof(sink), 0);
      if (got <= 0) break;
      drained += static_cast<size_t>(got);
    }
    ::close(conn);
  }
}

void HttpServer::HandleConnection(int fd) {
  std::string request;
  const absl::Time deadline = absl::Now() + read_timeout_;
  while (request.find("\r\n\r\n") == std::string::npos) {
    if (request.size() > kMaxRequest) {
      Respond(fd, {400, "text/plain; charset=utf-8", "request too large\n"}, false);
      return;
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      Respond(fd, {408, "text/plain; charset=utf-8", "request timeout\n"}, false);
      return;
    }
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n == 0 || (n < 0 && errno == EINTR)) continue;  // The deadline is checked above.
    if (n < 0 || fds[1].revents != 0) return;
    char buf[2048];
    ssize_t got = ::recv(fd, buf, sizeof(buf), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;
    request.append(buf, static_cast<size_t>(got));
  }
  std::string line = request.substr(0, request.find("\r\n"));
  std::vector<std::string> parts = absl::StrSplit(line, ' ');
  if (parts.size() != 3 || !absl::StartsWith(parts[2], "HTTP/1.")) {
    Respond(fd, {400, "text/plain; charset=utf-8", "bad request\n"}, false);
    return;
  }
  const bool head = parts[0] == "HEAD";
  if (parts[0] != "GET" && !head) {
    Respond(fd, {405, "text/plain; charset=utf-8", "only GET and HEAD\n"}, false);
    return;
  }
  std::string path = parts[1].substr(0, parts[1].find('?'));
  Respond(fd, handler_(path), head);
}

}  // namespace strata::operator_internal
