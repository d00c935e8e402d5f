#include "operator/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::operator_internal {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Sends `request` to 127.0.0.1:`port` and returns the whole answer.
std::string Send(int port, const std::string& request, bool half_close = true) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

std::unique_ptr<HttpServer> StartTestServer(absl::Duration timeout = absl::Seconds(5)) {
  absl::StatusOr<std::unique_ptr<HttpServer>> s = HttpServer::Start(
      "127.0.0.1:0",
      [](absl::string_view path) {
        if (path == "/healthz") return HttpResponse{200, "text/plain", "ok\n"};
        return HttpResponse{404, "text/plain", "not found\n"};
      },
      timeout);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(HttpServerTest, ServesGetAndHead) {
  std::unique_ptr<HttpServer> s = StartTestServer();
  ASSERT_NE(s, nullptr);
  EXPECT_GT(s->port(), 0);
  EXPECT_EQ(s->address(), absl::StrCat("127.0.0.1:", s->port()));
  std::string r = Send(s->port(), "GET /healthz?verbose HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(r, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(r, HasSubstr("Content-Length: 3\r\n"));
  EXPECT_THAT(r, HasSubstr("\r\n\r\nok\n"));
  r = Send(s->port(), "HEAD /healthz HTTP/1.1\r\n\r\n");
  EXPECT_THAT(r, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(r, testing::EndsWith("\r\n\r\n"));
  EXPECT_THAT(Send(s->port(), "GET /nope HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 404"));
}

TEST(HttpServerTest, RefusesWhatIsNotASmallGet) {
  std::unique_ptr<HttpServer> s = StartTestServer();
  ASSERT_NE(s, nullptr);
  EXPECT_THAT(Send(s->port(), "POST /healthz HTTP/1.1\r\n\r\n"), StartsWith("HTTP/1.1 405"));
  EXPECT_THAT(Send(s->port(), "garbage\r\n\r\n"), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(Send(s->port(), "GET /" + std::string(20000, 'a')),
              StartsWith("HTTP/1.1 400"));
  // A client that sends half a request and goes away is dropped; the server
  // still answers the next one.
  EXPECT_EQ(Send(s->port(), "GET /heal"), "");
  EXPECT_THAT(Send(s->port(), "GET /healthz HTTP/1.0\r\n\r\n"), StartsWith("HTTP/1.1 200"));
}

TEST(HttpServerTest, ASlowClientTimesOut) {
  std::unique_ptr<HttpServer> s = StartTestServer(absl::Milliseconds(50));
  ASSERT_NE(s, nullptr);
  // Never finishes its request (no half-close): answered 408, not hung.
  EXPECT_THAT(Send(s->port(), "GET /healthz HTTP/1.1\r\n", /*half_close=*/false),
              StartsWith("HTTP/1.1 408"));
}

TEST(HttpServerTest, StopIsIdempotentAndFreesThePort) {
  std::unique_ptr<HttpServer> s = StartTestServer();
  ASSERT_NE(s, nullptr);
  s->Stop();
  s->Stop();
  s.reset();
}

TEST(HttpServerTest, ParsesListenAddresses) {
  EXPECT_EQ(ParseListenAddress(":8080").value(), std::make_pair(std::string(""), 8080));
  EXPECT_EQ(ParseListenAddress("127.0.0.1:0").value(),
            std::make_pair(std::string("127.0.0.1"), 0));
  EXPECT_EQ(ParseListenAddress("[::1]:9").value(), std::make_pair(std::string("::1"), 9));
  EXPECT_FALSE(ParseListenAddress("8080").ok());
  EXPECT_FALSE(ParseListenAddress("::1:80").ok());
  EXPECT_FALSE(ParseListenAddress(":99999").ok());
  EXPECT_FALSE(ParseListenAddress(":http").ok());
  EXPECT_FALSE(HttpServer::Start("256.0.0.1:0", [](absl::string_view) {
                 return HttpResponse{};
               }).ok());
}

}  // namespace
}  // namespace strata::operator_internal
