// Hostile and broken requests sent as raw bytes (grpc::GenericStub): each
// gets a definite status and the server keeps serving.

#include <fstream>
#include <new>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "service/strata_service.h"
#include "tests/service/service_testing.h"

namespace strata::service_internal {
namespace {

using ::strata::service_internal::testing::KafkaYaml;
using ::strata::service_internal::testing::RawUnaryCall;
using ::strata::service_internal::testing::StartServer;
using ::strata::service_internal::testing::TextInput;

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A reproducer of tests/testdata/hostile/.
std::string Hostile(const std::string& name) {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/tests/testdata/hostile/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ValidateBytes(const std::string& text) {
  v1::ValidateRequest request;
  *request.mutable_input() = TextInput(text);
  return request.SerializeAsString();
}

struct BadCase {
  std::string name;
  std::string method;
  std::string bytes;
  std::vector<grpc::StatusCode> want;  // Any of these.
  std::string message = "";            // A part of the status message, if any.
};

// A Plan or Simulate request for the kafka topology from `observed`.
template <typename Request>
std::string WithObserved(const std::string& observed) {
  Request request;
  *request.mutable_input() = TextInput(KafkaYaml());
  request.set_observed(observed);
  return request.SerializeAsString();
}

std::vector<BadCase> BadCases() {
  const std::string validate = "/strata.v1.Strata/Validate";
  const std::string compile = "/strata.v1.Strata/Compile";
  const std::string plan = "/strata.v1.Strata/Plan";
  std::vector<BadCase> cases;
  cases.push_back({"Empty", validate, "", {grpc::StatusCode::INVALID_ARGUMENT}});
  cases.push_back({"EmptyPlan", plan, "", {grpc::StatusCode::INVALID_ARGUMENT}});
  std::string valid = ValidateBytes(KafkaYaml());
  cases.push_back({"Truncated", validate, valid.substr(0, valid.size() / 2),
                   {grpc::StatusCode::INTERNAL}});
  // Field 1 (input, a message) sent as a varint: protobuf keeps it as an
  // unknown field, so the request has no input.
  cases.push_back({"WrongWireType", validate, std::string("\x08\x01", 2),
                   {grpc::StatusCode::INVALID_ARGUMENT}});
  // input.sources[0].text is not UTF-8: proto3 strings must be.
  std::string bad_utf8 = ValidateBytes("x");
  bad_utf8.back() = '\xff';
  cases.push_back({"InvalidUtf8", validate, bad_utf8, {grpc::StatusCode::INTERNAL}});
  cases.push_back({"GarbageYaml", validate, ValidateBytes("{[}: ]::\n\t- - ? !!binary"),
                   {grpc::StatusCode::INVALID_ARGUMENT}});
  cases.push_back({"NotATopology", compile, ValidateBytes("just a string\n"),
                   {grpc::StatusCode::INVALID_ARGUMENT}});
  cases.push_back({"Oversized", validate, ValidateBytes(std::string(5 << 20, 'a')),
                   {grpc::StatusCode::RESOURCE_EXHAUSTED}});
  cases.push_back({"DeepFlowYaml", validate,
                   ValidateBytes(Repeat("[", 10000) + Repeat("]", 10000)),
                   {grpc::StatusCode::RESOURCE_EXHAUSTED}});
  cases.push_back({"DeepBlockYaml", validate, ValidateBytes(Repeat("- ", 10000) + "x\n"),
                   {grpc::StatusCode::RESOURCE_EXHAUSTED}});
  cases.push_back({"DeepJson", validate,
                   ValidateBytes(Repeat("{\"a\":", 10000) + "1" + Repeat("}", 10000)),
                   {grpc::StatusCode::RESOURCE_EXHAUSTED}});
  v1::PlanRequest deep_observed;
  *deep_observed.mutable_input() = TextInput(KafkaYaml());
  deep_observed.set_observed(Repeat("[", 10000));
  cases.push_back({"DeepObserved", plan, deep_observed.SerializeAsString(),
                   {grpc::StatusCode::RESOURCE_EXHAUSTED}});
  std::mt19937 random(20260101);
  for (int i = 0; i < 8; ++i) {
    std::string bytes(64 + 97 * i, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
    cases.push_back({absl::StrCat("RandomBytes", i), i % 2 ? validate : compile, bytes,
                     {grpc::StatusCode::INTERNAL, grpc::StatusCode::INVALID_ARGUMENT}});
  }
  // The reproducers of issue 18 that used to end a call with UNIMPLEMENTED and
  // no message (an exception escaping the handler) or take the server down.
  const std::string simulate = "/strata.v1.Strata/Simulate";
  cases.push_back({"ObservedSelfAnchor", plan,
                   WithObserved<v1::PlanRequest>(Hostile("observed-self-anchor.yaml")),
                   {grpc::StatusCode::INVALID_ARGUMENT}, "observed:"});
  cases.push_back({"ObservedBillionLaughs", plan,
                   WithObserved<v1::PlanRequest>(Hostile("observed-billion-laughs.yaml")),
                   {grpc::StatusCode::RESOURCE_EXHAUSTED}, "(max_alias_nodes)"});
  cases.push_back({"AppAliasBomb", compile, ValidateBytes(Hostile("app-alias-bomb.yaml")),
                   {grpc::StatusCode::RESOURCE_EXHAUSTED}, "(max_alias_bytes)"});
  // The 3 bytes that made yaml-cpp 0.7 allocate without end (the file under
  // hostile/ also holds bytes that are not UTF-8, which proto3 refuses).
  cases.push_back({"CommaColon", compile, ValidateBytes(",:\n"),
                   {grpc::StatusCode::INVALID_ARGUMENT}, "kafka.yaml:"});
  cases.push_back({"MillionMembers", compile, ValidateBytes(Hostile("role-million-members.yaml")),
                   {grpc::StatusCode::RESOURCE_EXHAUSTED}, "(max_members)"});
  cases.push_back({"WronglyTypedObservedField", simulate,
                   WithObserved<v1::SimulateRequest>(
                       "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n"
                       "  metadata: {name: kafka-broker-0, namespace: default}\n"
                       "  spec: {containers: [{name: 7}]}\n"),
                   {grpc::StatusCode::OK, grpc::StatusCode::INVALID_ARGUMENT,
                    grpc::StatusCode::FAILED_PRECONDITION}});
  cases.push_back({"UnknownMethod", "/strata.v1.Strata/Explode", "",
                   {grpc::StatusCode::UNIMPLEMENTED}});
  return cases;
}

TEST(BadInputTest, EveryRequestGetsADefiniteStatusAndTheServerSurvives) {
  std::unique_ptr<Server> server = StartServer();
  ASSERT_NE(server, nullptr);
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);
  auto channel = grpc::CreateCustomChannel(server->address(), grpc::InsecureChannelCredentials(),
                                           args);
  for (const BadCase& c : BadCases()) {
    grpc::Status status = RawUnaryCall(channel, c.method, c.bytes);
    EXPECT_THAT(status.error_code(), ::testing::AnyOfArray(c.want))
        << c.name << ": " << status.error_code() << " " << status.error_message();
    // Every failure of a call the service answers says what went wrong.
    if (!status.ok() && c.name != "UnknownMethod") {
      EXPECT_NE(status.error_message(), "") << c.name;
    }
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr(c.message)) << c.name;
  }
  // Valid calls still succeed.
  std::string response;
  grpc::Status status = RawUnaryCall(channel, "/strata.v1.Strata/Validate",
                                     ValidateBytes(KafkaYaml()), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ValidateResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(response));
  EXPECT_EQ(parsed.clusters_size(), 1);
}

TEST(BadInputTest, DeepNestingIsTheLoadersLocatedLimit) {
  // No estimate before parsing: the loader counts nesting on libyaml's events
  // (strata::Limits::max_nesting, never recursing) and names the source.
  std::unique_ptr<Server> server = StartServer();
  ASSERT_NE(server, nullptr);
  auto channel = server->InProcessChannel();
  for (const std::string& text : {Repeat("[", 10000) + Repeat("]", 10000),
                                  Repeat("- ", 10000) + "x\n",
                                  Repeat("{\"a\":", 10000) + "1" + Repeat("}", 10000)}) {
    grpc::Status status = RawUnaryCall(channel, "/strata.v1.Strata/Validate", ValidateBytes(text));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << status.error_message();
    EXPECT_THAT(status.error_message(), ::testing::StartsWith("kafka.yaml:1:"));
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("(max_nesting)"));
  }
  EXPECT_TRUE(RawUnaryCall(channel, "/strata.v1.Strata/Validate", ValidateBytes(KafkaYaml())).ok());
}

TEST(GuardedTest, AnEscapingExceptionBecomesAStatusWithAMessage) {
  EXPECT_TRUE(Guarded([] { return absl::OkStatus(); }).ok());
  EXPECT_EQ(Guarded([] { return absl::NotFoundError("x"); }), absl::NotFoundError("x"));
  absl::Status oom = Guarded([]() -> absl::Status { throw std::bad_alloc(); });
  EXPECT_EQ(oom.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(oom.message(), ::testing::HasSubstr("out of memory"));
  absl::Status bug = Guarded([]() -> absl::Status { throw std::out_of_range("map::at"); });
  EXPECT_EQ(bug.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(bug.message(), ::testing::HasSubstr("map::at"));
  absl::Status odd = Guarded([]() -> absl::Status { throw 7; });
  EXPECT_EQ(odd.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(odd.message(), ::testing::HasSubstr("unknown exception"));
}

}  // namespace
}  // namespace strata::service_internal
