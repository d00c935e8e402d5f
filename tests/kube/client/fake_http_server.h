// A scripted HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the
// client's retry, error and watch tests. Each accepted request takes the next
// scripted Reply (the last one repeats); every request is recorded.

#ifndef STRATA_TESTS_KUBE_CLIENT_FAKE_HTTP_SERVER_H_
#define STRATA_TESTS_KUBE_CLIENT_FAKE_HTTP_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace strata::testing {

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Close the connection without answering (a broken connection).
  bool drop = false;
  // Never answer (the client must time out); the connection stays open.
  bool hang = false;
  // Send the body as chunked pieces, then end the stream (a watch).
  std::vector<std::string> chunks;
};

struct Recorded {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // Lower-case names.
  std::string body;
};

class FakeHttpServer {
 public:
  explicit FakeHttpServer(std::vector<Reply> script) : script_(std::move(script)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 16);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~FakeHttpServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
    for (int c : hung_) close(c);
  }

  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_); }

  std::vector<Recorded> requests() {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      HandleConnection(c);
    }
  }

  // Serves requests on one connection until it closes or a reply ends it.
  void HandleConnection(int c) {
    std::string buf;
    for (;;) {
      size_t header_end;
      while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (!ReadMore(c, &buf)) {
          close(c);
          return;
        }
      }
      Recorded r;
      std::vector<std::string> lines =
          absl::StrSplit(buf.substr(0, header_end), "\r\n");
      std::vector<std::string> first = absl::StrSplit(lines[0], ' ');
      r.method = first.size() > 0 ? first[0] : "";
      r.target = first.size() > 1 ? first[1] : "";
      for (size_t i = 1; i < lines.size(); ++i) {
        size_t colon = lines[i].find(':');
        if (colon == std::string::npos) continue;
        r.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
            std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
      }
      size_t length = 0;
      if (auto it = r.headers.find("content-length"); it != r.headers.end()) {
        (void)absl::SimpleAtoi(it->second, &length);
      }
      buf.erase(0, header_end + 4);
      while (buf.size() < length) {
        if (!ReadMore(c, &buf)) {
          close(c);
          return;
        }
      }
      r.body = buf.substr(0, length);
      buf.erase(0, length);
      Reply reply;
      {
        std::lock_guard<std::mutex> l(mu_);
        requests_.push_back(r);
        reply = script_[std::min(next_, script_.size() - 1)];
        ++next_;
      }
      if (reply.drop) {
        close(c);
        return;
      }
      if (reply.hang) {
        hung_.push_back(c);
        return;
      }
      std::string out = absl::StrCat("HTTP/1.1 ", reply.status, " ", Reason(reply.status), "\r\n");
      for (const auto& [k, v] : reply.headers) absl::StrAppend(&out, k, ": ", v, "\r\n");
      if (!reply.chunks.empty()) {
        absl::StrAppend(&out, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                        "Connection: close\r\n\r\n");
        for (const std::string& chunk : reply.chunks) {
          absl::StrAppend(&out, absl::Hex(chunk.size()), "\r\n", chunk, "\r\n");
        }
        absl::StrAppend(&out, "0\r\n\r\n");
        Send(c, out);
        close(c);
        return;
      }
      absl::StrAppend(&out, "Content-Type: application/json\r\nContent-Length: ",
                      reply.body.size(), "\r\n\r\n", reply.body);
      Send(c, out);
    }
  }

  static const char* Reason(int status) {
    switch (status) {
      case 200: return "OK";
      case 201: return "Created";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 409: return "Conflict";
      case 410: return "Gone";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 503: return "Service Unavailable";
      default: return "Status";
    }
  }

  bool ReadMore(int c, std::string* buf) {
    for (;;) {
      if (stop_) return false;
      pollfd p{c, POLLIN, 0};
      int n = poll(&p, 1, 50);
      if (n == 0) continue;
      if (n < 0) return false;
      char tmp[8192];
      ssize_t got = read(c, tmp, sizeof(tmp));
      if (got <= 0) return false;
      buf->append(tmp, static_cast<size_t>(got));
      return true;
    }
  }

  static void Send(int c, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(c, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<Reply> script_;
  size_t next_ = 0;
  std::vector<Recorded> requests_;
  std::vector<int> hung_;
};

}  // namespace strata::testing

#endif  // STRATA_TESTS_KUBE_CLIENT_FAKE_HTTP_SERVER_H_
