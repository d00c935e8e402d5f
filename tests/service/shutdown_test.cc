// The real strata-server binary: port 0, graceful shutdown on SIGTERM.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "strata/v1/service.grpc.pb.h"
#include "tests/service/service_testing.h"

namespace strata::service_internal {
namespace {

using ::strata::service_internal::testing::KafkaYaml;
using ::strata::service_internal::testing::TextInput;

// A strata-server child process; killed when still running at the end.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      int null = open("/dev/null", O_WRONLY);
      dup2(null, STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      std::string path = STRATA_SERVER_PATH;
      argv.push_back(path.data());
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(path.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[256];
    if (stdout_ != nullptr && fgets(line, sizeof line, stdout_) != nullptr) {
      std::string text(line);
      const std::string prefix = "listening on ";
      if (absl::StartsWith(text, prefix)) {
        address_ = text.substr(prefix.size());
        while (!address_.empty() && (address_.back() == '\n' || address_.back() == '\r')) {
          address_.pop_back();
        }
      }
    }
  }

  ~ServerProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_ != nullptr) fclose(stdout_);
  }

  const std::string& address() const { return address_; }
  void Signal(int signal) { kill(pid_, signal); }

  // Returns the exit status (or -1 when it was killed by a signal) after
  // waiting up to `timeout`; -2 when it is still running.
  int WaitExit(std::chrono::seconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -2;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  FILE* stdout_ = nullptr;
  std::string address_;
};

TEST(StrataServerBinaryTest, PrintsTheChosenPortAndServes) {
  ServerProcess server({"--listen", "127.0.0.1:0"});
  ASSERT_THAT(server.address(), ::testing::StartsWith("127.0.0.1:"));
  EXPECT_NE(server.address(), "127.0.0.1:0");
  auto stub = v1::Strata::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ValidateRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  v1::ValidateResponse response;
  grpc::Status status = stub->Validate(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  server.Signal(SIGINT);
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(20)), 0);
}

TEST(StrataServerBinaryTest, RejectsUsageErrors) {
  ServerProcess server({"--listen", "127.0.0.1:0", "--max-roles", "zero"});
  EXPECT_EQ(server.address(), "");
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(20)), 2);
}

TEST(StrataServerBinaryTest, SigtermLetsCallsInFlightFinish) {
  ServerProcess server({"--listen", "127.0.0.1:0", "--shutdown-grace", "20"});
  ASSERT_FALSE(server.address().empty());
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::Strata::NewStub(channel);

  // A slow call: Echo held for 5 s by the server.
  grpc::ClientContext slow_context;
  slow_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::EchoRequest slow;
  slow.set_message("slow");
  slow.mutable_delay()->set_seconds(5);
  v1::EchoResponse slow_response;
  std::mutex mu;
  std::condition_variable cv;
  bool slow_done = false;
  grpc::Status slow_status;
  stub->async()->Echo(&slow_context, &slow, &slow_response, [&](grpc::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    slow_status = std::move(s);
    slow_done = true;
    cv.notify_all();
  });
  // Make sure the slow call has reached the server: a quick call on the same
  // connection completes after it was sent.
  {
    grpc::ClientContext context;
    v1::EchoRequest quick;
    v1::EchoResponse response;
    ASSERT_TRUE(stub->Echo(&context, quick, &response).ok());
  }

  server.Signal(SIGTERM);

  // New calls are refused (on a fresh connection) while the slow one runs.
  bool refused = false;
  for (int attempt = 0; attempt < 100 && !refused; ++attempt) {
    auto fresh = v1::Strata::NewStub(
        grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    v1::EchoRequest quick;
    v1::EchoResponse response;
    refused = !fresh->Echo(&context, quick, &response).ok();
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(refused);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_FALSE(slow_done) << "the slow call ended before the refusal was seen";
  }

  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return slow_done; }));
  }
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_code() << " " << slow_status.error_message();
  EXPECT_EQ(slow_response.message(), "slow");
  EXPECT_EQ(server.WaitExit(std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace strata::service_internal
