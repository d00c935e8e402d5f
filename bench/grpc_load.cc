// grpc_load_benchmark: closed-loop load on strata-server over loopback TCP.
//
// Starts the server in this process (listening on 127.0.0.1:0, no call log),
// then, for each method (Echo, the ceiling: no strata work; Compile; Plan)
// and each concurrency level, keeps that many calls outstanding for a fixed
// time and reports QPS and p50/p99 latency as a Markdown table. Client and
// server share the machine, so the figures are what one box does end to end.
//
//   grpc_load_benchmark                      # 1, 16, 64 calls; 5 s each
//   grpc_load_benchmark --seconds 2 --concurrency 1,8 --members 9
//   grpc_load_benchmark --smoke              # tools/test.sh: one short run
//   grpc_load_benchmark --target 127.0.0.1:50051   # an already running server
//
// Inputs are generated here: a two-role App (a ZooKeeper-like quorum role
// and a broker role depending on it) and a Cluster with --members members
// per role. Plan plans from nothing (every object is created) unless
// Simulate can produce a converged state, in which case it plans an image
// bump over that state (the rolling-restart path).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "bench/grpc_topology.h"
#include "service/server.h"
#include "strata/v1/service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = strata::v1;

// The generated topology: --members per role; the brokers render the
// ZooKeeper hosts.
std::string Topology(int members, const std::string& broker_image) {
  return strata::bench::Topology({.zookeeper_members = members,
                                  .broker_members = members,
                                  .broker_image = broker_image,
                                  .broker_env = true});
}

// Issues one call and invokes `done` with its status.
using CallFn = std::function<void(grpc::ClientContext*, std::function<void(grpc::Status)> done)>;

struct Result {
  int64_t calls = 0;
  int64_t failures = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::string first_error;
};

// Keeps `concurrency` calls in flight for `duration`, each new call started
// when one finishes.
Result RunLoad(const CallFn& call, int concurrency, std::chrono::milliseconds duration) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> latencies_ms;
  Result result;
  int in_flight = 0;
  const Clock::time_point start = Clock::now();
  const Clock::time_point stop = start + duration;

  std::function<void()> launch = [&] {
    auto context = std::make_shared<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    Clock::time_point begun = Clock::now();
    call(context.get(), [&, context, begun](grpc::Status status) {
      Clock::time_point now = Clock::now();
      bool again;
      {
        std::lock_guard<std::mutex> lock(mu);
        latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - begun).count());
        if (!status.ok() && result.failures++ == 0) {
          result.first_error = absl::StrCat(static_cast<int>(status.error_code()), ": ", status.error_message());
        }
        again = now < stop;
        if (!again) --in_flight;
      }
      if (again) {
        launch();
      } else {
        cv.notify_all();
      }
    });
  };
  {
    std::lock_guard<std::mutex> lock(mu);
    in_flight = concurrency;
  }
  for (int i = 0; i < concurrency; ++i) launch();
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return in_flight == 0; });
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.calls = static_cast<int64_t>(latencies_ms.size());
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto quantile = [&](double q) {
    if (latencies_ms.empty()) return 0.0;
    size_t i = static_cast<size_t>(q * (latencies_ms.size() - 1) + 0.5);
    return latencies_ms[std::min(i, latencies_ms.size() - 1)];
  };
  result.p50_ms = quantile(0.50);
  result.p99_ms = quantile(0.99);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  std::vector<int> levels = {1, 16, 64};
  int members = 5;
  bool smoke = false;
  std::string target;
  std::vector<std::string> methods = {"Echo", "Compile", "Plan"};

  CLI::App app{"closed-loop load on strata-server over loopback", "grpc_load_benchmark"};
  app.add_option("--seconds", seconds, "duration of each run")->capture_default_str();
  app.add_option("--concurrency", levels, "calls kept in flight, one run each")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--members", members, "members per role of the generated Cluster")
      ->capture_default_str();
  app.add_option("--methods", methods, "methods to drive")->delimiter(',')->capture_default_str();
  app.add_option("--target", target, "an existing server (host:port, plaintext); default: start one");
  app.add_flag("--smoke", smoke, "one 0.2 s run per method at concurrency 2 (for tools/test.sh)");
  CLI11_PARSE(app, argc, argv);
  if (smoke) {
    seconds = 0.2;
    levels = {2};
  }

  std::unique_ptr<strata::service_internal::Server> server;
  if (target.empty()) {
    strata::service_internal::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.log = nullptr;
    absl::StatusOr<std::unique_ptr<strata::service_internal::Server>> started =
        strata::service_internal::Server::Start(std::move(config));
    if (!started.ok()) {
      std::cerr << "cannot start the server: " << started.status() << "\n";
      return 1;
    }
    server = *std::move(started);
    target = server->address();
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  // One TCP connection carries every call, as one client process would.
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  std::unique_ptr<v1::Strata::Stub> stub = v1::Strata::NewStub(channel);

  v1::Input input;
  v1::Source* source = input.add_sources();
  source->set_name("kafka.yaml");
  source->set_text(Topology(members, "apache/kafka:3.7.0"));

  v1::EchoRequest echo;
  echo.set_message("ping");
  v1::CompileRequest compile;
  *compile.mutable_input() = input;
  v1::PlanRequest plan;
  *plan.mutable_input() = input;
  plan.mutable_now()->set_seconds(1767225600);
  std::string plan_kind;
  {
    // A converged state of the previous broker image, so Plan rolls it.
    v1::SimulateRequest simulate;
    simulate.mutable_input()->add_sources()->set_text(Topology(members, "apache/kafka:3.6.0"));
    v1::SimulateResponse converged;
    grpc::ClientContext context;
    grpc::Status status = stub->Simulate(&context, simulate, &converged);
    if (!status.ok() || !converged.converged()) {
      std::cerr << "cannot build the observed state: Simulate "
                << (status.ok() ? "did not converge" : status.error_message()) << "\n";
      return 1;
    }
    plan.set_observed(converged.final_state());
    plan_kind = "image bump over a converged cluster";
  }

  std::vector<std::pair<std::string, CallFn>> calls = {
      {"Echo",
       [&](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
         auto response = std::make_shared<v1::EchoResponse>();
         stub->async()->Echo(ctx, &echo, response.get(),
                             [response, done](grpc::Status s) { done(s); });
       }},
      {"Compile",
       [&](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
         auto response = std::make_shared<v1::CompileResponse>();
         stub->async()->Compile(ctx, &compile, response.get(),
                                [response, done](grpc::Status s) { done(s); });
       }},
      {"Plan",
       [&](grpc::ClientContext* ctx, std::function<void(grpc::Status)> done) {
         auto response = std::make_shared<v1::PlanResponse>();
         stub->async()->Plan(ctx, &plan, response.get(),
                             [response, done](grpc::Status s) { done(s); });
       }},
  };

  std::cout << absl::StrFormat(
      "grpc_load_benchmark: %s, %d members per role (2 roles), Plan %s, %.1f s per run\n\n",
      server ? "in-process server over loopback TCP" : target, members, plan_kind, seconds);
  std::cout << "| method | concurrency | calls | QPS | p50 ms | p99 ms | errors |\n"
               "|---|---:|---:|---:|---:|---:|---:|\n";
  int failed = 0;
  for (const auto& [name, call] : calls) {
    if (std::find(methods.begin(), methods.end(), name) == methods.end()) continue;
    RunLoad(call, 1, std::chrono::milliseconds(smoke ? 20 : 300));  // Warm up.
    for (int level : levels) {
      Result r = RunLoad(call, level, std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
      std::cout << absl::StrFormat("| %s | %d | %d | %.0f | %.2f | %.2f | %d |\n", name, level,
                                   r.calls, r.calls / r.seconds, r.p50_ms, r.p99_ms, r.failures)
                << std::flush;
      if (r.failures > 0) {
        std::cerr << name << ": " << r.failures << " failed calls, first: " << r.first_error << "\n";
        ++failed;
      }
    }
  }
  return failed == 0 ? 0 : 1;
}
