// grpc_soak_benchmark: a long mixed load on a real strata-server process.
//
// Starts `strata-server` as a child process (listening on 127.0.0.1, its
// address space capped with RLIMIT_AS so a runaway server dies alone), then
// keeps --concurrency calls in flight until --requests calls have finished.
// The calls mix, in a fixed rotation:
//   valid:     Compile of a two-role topology; Plan of an image bump over its
//              converged state                                    -> OK
//   invalid:   a YAML syntax error; an unknown field; a member count the
//              cardinality forbids; a self-referencing YAML alias in the
//              observed state                                     -> INVALID_ARGUMENT
//   oversized: a request over the server's --max-message-bytes; a Cluster
//              over its --max-members                             -> RESOURCE_EXHAUSTED
// Any other status is an unexpected error. The server's resident memory
// (VmRSS) is sampled while the load runs; after the warm-up (the first
// --warmup fraction of the calls) it must stay within 10% of its value at the
// end of the warm-up. Prints a Markdown summary; exits 1 when there was an
// unexpected error, the server died, or (except in --smoke runs, too short
// for memory to settle) memory grew past 10%.
//
//   grpc_soak_benchmark                            # 1,000,000 calls, 64 in flight
//   grpc_soak_benchmark --requests 20000 --concurrency 16
//   grpc_soak_benchmark --smoke                    # tools/test.sh: 600 calls
//
// Not a test: its figures go into bench/README.md.

#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/grpc_topology.h"
#include "strata/v1/service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = strata::v1;

// Three ZooKeeper members and `members` brokers.
std::string Topology(int members, const std::string& broker_image,
                     const std::string& cardinality = "1+") {
  return strata::bench::Topology({.broker_members = members,
                                  .broker_image = broker_image,
                                  .broker_cardinality = cardinality});
}

// The server's resident set in KiB, or -1 when it cannot be read (it died).
int64_t RssKib(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// Starts `binary` listening on 127.0.0.1:`port` with its address space
// capped at `max_as_bytes`; returns its pid or -1.
pid_t StartServer(const std::string& binary, int port, int64_t max_as_bytes,
                  int max_message_bytes, int max_members) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  rlimit cap{static_cast<rlim_t>(max_as_bytes), static_cast<rlim_t>(max_as_bytes)};
  ::setrlimit(RLIMIT_AS, &cap);
  if (FILE* null = std::fopen("/dev/null", "w")) ::dup2(fileno(null), STDOUT_FILENO);
  std::string listen = absl::StrCat("127.0.0.1:", port);
  std::string message = std::to_string(max_message_bytes);
  std::string members = std::to_string(max_members);
  ::execl(binary.c_str(), binary.c_str(), "--listen", listen.c_str(), "--quiet",
          "--max-message-bytes", message.c_str(), "--max-members", members.c_str(),
          static_cast<char*>(nullptr));
  std::perror(binary.c_str());
  ::_exit(127);
}

// A free TCP port on 127.0.0.1 (bound and released: the server takes it).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct Kind {
  std::string name;
  grpc::StatusCode expected;
  // Starts one call; `done` gets its status.
  std::function<void(v1::Strata::Stub*, grpc::ClientContext*,
                     std::function<void(grpc::Status)>)>
      call;
};

struct Tally {
  int64_t calls = 0;
  int64_t unexpected = 0;
  std::string first_unexpected;
};

}  // namespace

int main(int argc, char** argv) {
  int64_t requests = 1000000;
  int concurrency = 64;
  double warmup = 0.1;
  bool smoke = false;
  std::string server_binary = STRATA_SERVER_BINARY;
  int64_t max_as_mib = 4096;
  CLI::App app{"a long mixed load on a strata-server process", "grpc_soak_benchmark"};
  app.add_option("--requests", requests, "calls to finish")->capture_default_str();
  app.add_option("--concurrency", concurrency, "calls kept in flight")->capture_default_str();
  app.add_option("--warmup", warmup, "fraction of the calls before memory is judged")
      ->capture_default_str();
  app.add_option("--server", server_binary, "the strata-server binary")->capture_default_str();
  app.add_option("--max-as-mib", max_as_mib, "RLIMIT_AS of the server, MiB")
      ->capture_default_str();
  app.add_flag("--smoke", smoke, "600 calls at concurrency 4 (for tools/test.sh)");
  CLI11_PARSE(app, argc, argv);
  if (smoke) {
    requests = 600;
    concurrency = 4;
  }

  constexpr int kMaxMessageBytes = 1 << 20;
  constexpr int kMaxMembers = 1000;
  const int port = FreePort();
  const pid_t server = StartServer(server_binary, port, max_as_mib << 20, kMaxMessageBytes,
                                   kMaxMembers);
  if (server < 0) {
    std::perror("fork");
    return 1;
  }
  const std::string target = absl::StrCat("127.0.0.1:", port);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30))) {
    std::cerr << "strata-server did not start listening on " << target << "\n";
    ::kill(server, SIGKILL);
    return 1;
  }
  std::unique_ptr<v1::Strata::Stub> stub = v1::Strata::NewStub(channel);

  // The converged state the valid Plan rolls an image bump over.
  std::string converged;
  {
    v1::SimulateRequest simulate;
    simulate.mutable_input()->add_sources()->set_text(Topology(5, "apache/kafka:3.6.0"));
    v1::SimulateResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub->Simulate(&context, simulate, &response);
    if (!status.ok() || !response.converged()) {
      std::cerr << "Simulate: " << (status.ok() ? "did not converge" : status.error_message())
                << "\n";
      ::kill(server, SIGKILL);
      return 1;
    }
    converged = response.final_state();
  }

  auto compile = [](std::string text) {
    auto request = std::make_shared<v1::CompileRequest>();
    request->mutable_input()->add_sources()->set_name("t.yaml");
    request->mutable_input()->mutable_sources(0)->set_text(std::move(text));
    return [request](v1::Strata::Stub* s, grpc::ClientContext* c,
                     std::function<void(grpc::Status)> done) {
      auto response = std::make_shared<v1::CompileResponse>();
      s->async()->Compile(c, request.get(), response.get(),
                          [response, done](grpc::Status st) { done(st); });
    };
  };
  auto plan = [](std::string text, std::string observed) {
    auto request = std::make_shared<v1::PlanRequest>();
    request->mutable_input()->add_sources()->set_name("t.yaml");
    request->mutable_input()->mutable_sources(0)->set_text(std::move(text));
    request->set_observed(std::move(observed));
    request->mutable_now()->set_seconds(1767225600);
    return [request](v1::Strata::Stub* s, grpc::ClientContext* c,
                     std::function<void(grpc::Status)> done) {
      auto response = std::make_shared<v1::PlanResponse>();
      s->async()->Plan(c, request.get(), response.get(),
                       [response, done](grpc::Status st) { done(st); });
    };
  };
  const std::string valid = Topology(5, "apache/kafka:3.7.0");
  std::string unknown_field = valid;
  unknown_field.replace(unknown_field.find("dependsOn"), 9, "dependsOm");
  std::string oversized = valid + "\n# " + std::string(kMaxMessageBytes, 'x') + "\n";
  const std::vector<Kind> kinds = {
      {"valid Compile", grpc::StatusCode::OK, compile(valid)},
      {"valid Plan (image bump)", grpc::StatusCode::OK, plan(valid, converged)},
      {"YAML syntax error", grpc::StatusCode::INVALID_ARGUMENT,
       compile("kind: App\nmetadata: {name: [\n")},
      {"unknown field", grpc::StatusCode::INVALID_ARGUMENT, compile(unknown_field)},
      {"members the cardinality forbids", grpc::StatusCode::INVALID_ARGUMENT,
       compile(Topology(5, "apache/kafka:3.7.0", "3"))},
      {"self-referencing alias in observed", grpc::StatusCode::INVALID_ARGUMENT,
       plan(valid, "&a [*a]\n")},
      {"over --max-message-bytes", grpc::StatusCode::RESOURCE_EXHAUSTED, compile(oversized)},
      {"over --max-members", grpc::StatusCode::RESOURCE_EXHAUSTED,
       compile(Topology(kMaxMembers + 1, "apache/kafka:3.7.0"))},
  };

  std::mutex mu;
  std::condition_variable cv;
  std::vector<Tally> tallies(kinds.size());
  int64_t started = 0, finished = 0;
  int in_flight = 0;
  std::atomic<bool> warm{false};
  const int64_t warmup_calls = static_cast<int64_t>(warmup * static_cast<double>(requests));
  const Clock::time_point begin = Clock::now();
  std::function<void()> launch = [&] {
    size_t k;
    {
      std::lock_guard<std::mutex> lock(mu);
      k = static_cast<size_t>(started++ % static_cast<int64_t>(kinds.size()));
    }
    auto context = std::make_shared<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    kinds[k].call(stub.get(), context.get(), [&, k, context](grpc::Status status) {
      bool again;
      {
        std::lock_guard<std::mutex> lock(mu);
        Tally& t = tallies[k];
        ++t.calls;
        if (status.error_code() != kinds[k].expected) {
          if (t.unexpected++ == 0) {
            t.first_unexpected = absl::StrCat(static_cast<int>(status.error_code()), " ",
                                              status.error_message().substr(0, 200));
          }
        }
        if (++finished == warmup_calls) warm = true;
        again = started < requests;
        if (!again) --in_flight;
      }
      if (again) {
        launch();
      } else {
        cv.notify_all();
      }
    });
  };

  // RSS sampler: once a second, and at the end of the warm-up.
  std::atomic<bool> done{false};
  int64_t rss_start = RssKib(server), rss_warm = -1, rss_max_after = -1, rss_min_after = -1;
  std::thread sampler([&] {
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      int64_t rss = RssKib(server);
      if (rss < 0) break;
      if (!warm) continue;
      if (rss_warm < 0) rss_warm = rss;
      rss_max_after = std::max(rss_max_after, rss);
      rss_min_after = rss_min_after < 0 ? rss : std::min(rss_min_after, rss);
    }
  });
  {
    std::lock_guard<std::mutex> lock(mu);
    in_flight = concurrency;
  }
  for (int i = 0; i < concurrency; ++i) launch();
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  done = true;
  sampler.join();
  const int64_t rss_end = RssKib(server);
  int wstatus = 0;
  const bool alive = ::waitpid(server, &wstatus, WNOHANG) == 0;
  ::kill(server, SIGTERM);
  ::waitpid(server, &wstatus, 0);

  int64_t unexpected = 0;
  std::cout << absl::StrFormat("%d calls at concurrency %d in %.1f s (%.0f calls/s)\n\n",
                               finished, concurrency, seconds,
                               static_cast<double>(finished) / seconds);
  std::cout << "| request | expected | calls | unexpected | first unexpected |\n"
               "|---|---|---:|---:|---|\n";
  for (size_t k = 0; k < kinds.size(); ++k) {
    unexpected += tallies[k].unexpected;
    std::cout << absl::StrFormat("| %s | %d | %d | %d | %s |\n", kinds[k].name,
                                 static_cast<int>(kinds[k].expected), tallies[k].calls,
                                 tallies[k].unexpected, tallies[k].first_unexpected);
  }
  const double growth = rss_warm > 0 ? static_cast<double>(rss_max_after - rss_warm) /
                                           static_cast<double>(rss_warm)
                                     : 0.0;
  std::cout << absl::StrFormat(
      "\nserver RSS: %d MiB at start, %d MiB after the warm-up (%d calls), max %d MiB and "
      "min %d MiB after it (%+.1f%%), %d MiB at the end; the server %s\n",
      rss_start / 1024, rss_warm / 1024, warmup_calls, rss_max_after / 1024,
      rss_min_after / 1024, 100 * growth, rss_end / 1024,
      alive ? "stayed up" : "DIED");
  // A smoke run is too short for memory to settle: only its errors count.
  const bool ok = alive && unexpected == 0 && (smoke || growth <= 0.10);
  std::cout << (ok ? "PASS" : "FAIL") << ": " << unexpected << " unexpected errors\n";
  return ok ? 0 : 1;
}
