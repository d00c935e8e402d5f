// Helpers shared by tests/service/*_test.cc: a small valid topology, servers
// started in-process on port 0, request builders and error-detail decoding.

#ifndef STRATA_TESTS_SERVICE_SERVICE_TESTING_H_
#define STRATA_TESTS_SERVICE_SERVICE_TESTING_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "service/server.h"
#include "tests/testing/kafka_fixture.h"
#include "strata/v1/service.grpc.pb.h"

namespace strata::service_internal::testing {

// The Kafka fixture (tests/testdata/kafka-fixture.yaml) with `zookeeper` and
// `brokers` members and the brokers' image.
inline std::string KafkaYaml(int zookeeper = 3, int brokers = 3,
                             const std::string& broker_image = "apache/kafka:3.7.0") {
  return strata::testing::KafkaFixtureYaml(
      {.zookeeper_members = zookeeper, .broker_members = brokers, .broker_image = broker_image});
}

inline v1::Input TextInput(const std::string& text, const std::string& name = "kafka.yaml") {
  v1::Input input;
  v1::Source* source = input.add_sources();
  source->set_name(name);
  source->set_text(text);
  return input;
}

// Starts a server on 127.0.0.1:0 with `config` (listen and log overridden;
// the log lines go to `log` when given).
inline std::unique_ptr<Server> StartServer(ServerConfig config = {},
                                           std::vector<std::string>* log = nullptr) {
  config.listen = "127.0.0.1:0";
  if (log != nullptr) {
    auto mu = std::make_shared<std::mutex>();
    config.log = [log, mu](absl::string_view line) {
      std::lock_guard<std::mutex> lock(*mu);
      log->emplace_back(line);
    };
  } else {
    config.log = nullptr;
  }
  absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(std::move(config));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

inline std::unique_ptr<v1::Strata::Stub> LoopbackStub(const Server& server) {
  return v1::Strata::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
}

// Calls `method` ("/pkg.Service/Method") with the raw request `bytes`;
// stores the raw response in `response` when given.
inline grpc::Status RawUnaryCall(const std::shared_ptr<grpc::Channel>& channel,
                                 const std::string& method, const std::string& bytes,
                                 std::string* response = nullptr,
                                 std::chrono::seconds timeout = std::chrono::seconds(30)) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), reply;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &reply, [&](grpc::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    status = std::move(s);
    done = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  if (status.ok() && response != nullptr) {
    std::vector<grpc::Slice> slices;
    response->clear();
    if (reply.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        response->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  return status;
}

// The google.rpc.Status of `status`'s binary details; empty when absent.
inline google::rpc::Status RichStatus(const grpc::Status& status) {
  google::rpc::Status rich;
  if (!status.error_details().empty()) {
    EXPECT_TRUE(rich.ParseFromString(status.error_details()));
  }
  return rich;
}

inline google::rpc::BadRequest BadRequestOf(const grpc::Status& status) {
  google::rpc::BadRequest bad;
  const google::rpc::Status rich = RichStatus(status);
  for (const google::protobuf::Any& any : rich.details()) {
    if (any.Is<google::rpc::BadRequest>()) {
      EXPECT_TRUE(any.UnpackTo(&bad));
    }
  }
  return bad;
}

inline v1::Diagnostics DiagnosticsOf(const grpc::Status& status) {
  v1::Diagnostics diagnostics;
  const google::rpc::Status rich = RichStatus(status);
  for (const google::protobuf::Any& any : rich.details()) {
    if (any.Is<v1::Diagnostics>()) {
      EXPECT_TRUE(any.UnpackTo(&diagnostics));
    }
  }
  return diagnostics;
}

}  // namespace strata::service_internal::testing

#endif  // STRATA_TESTS_SERVICE_SERVICE_TESTING_H_
