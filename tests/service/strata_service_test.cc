// Tests for lib/service/strata_service.h: every RPC through a real server,
// in-process and over loopback TCP.

#include "service/strata_service.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "strata/json.h"
#include "tests/service/service_testing.h"

namespace strata::service_internal {
namespace {

using ::strata::service_internal::testing::BadRequestOf;
using ::strata::service_internal::testing::DiagnosticsOf;
using ::strata::service_internal::testing::KafkaYaml;
using ::strata::service_internal::testing::StartServer;
using ::strata::service_internal::testing::TextInput;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

// Runs each test over the in-process channel and over loopback TCP.
class StrataServiceTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { Start(ServerConfig{}); }

  void Start(ServerConfig config) {
    stub_.reset();
    server_ = StartServer(std::move(config));
    ASSERT_NE(server_, nullptr);
    stub_ = GetParam() ? testing::LoopbackStub(*server_)
                       : v1::Strata::NewStub(server_->InProcessChannel());
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return context;
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::Strata::Stub> stub_;
};

INSTANTIATE_TEST_SUITE_P(Channels, StrataServiceTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Loopback" : "InProcess";
                         });

TEST_P(StrataServiceTest, EchoReturnsTheMessage) {
  v1::EchoRequest request;
  request.set_message("hello");
  v1::EchoResponse response;
  ASSERT_TRUE(stub_->Echo(Context().get(), request, &response).ok());
  EXPECT_EQ(response.message(), "hello");
}

TEST_P(StrataServiceTest, EchoRejectsABadDelay) {
  v1::EchoRequest request;
  request.mutable_delay()->set_seconds(3600);
  v1::EchoResponse response;
  grpc::Status status = stub_->Echo(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestOf(status).field_violations(0).field(), "delay");
}

TEST_P(StrataServiceTest, ValidateAcceptsAValidTopology) {
  v1::ValidateRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  v1::ValidateResponse response;
  grpc::Status status = stub_->Validate(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.apps(), ::testing::ElementsAre("kafka"));
  EXPECT_THAT(response.clusters(), ::testing::ElementsAre("events"));
}

TEST_P(StrataServiceTest, ValidateReturnsWarnings) {
  // An even member count under quorum: majority warns (SPEC §1.3).
  v1::ValidateRequest request;
  *request.mutable_input() = TextInput(KafkaYaml(4, 3));
  v1::ValidateResponse response;
  grpc::Status status = stub_->Validate(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(response.warnings(), Not(IsEmpty()));
  EXPECT_EQ(response.warnings(0).severity(), v1::Diagnostic::SEVERITY_WARNING);
  EXPECT_THAT(response.warnings(0).text(), HasSubstr("warning: "));
}

TEST_P(StrataServiceTest, InvalidInputCarriesBadRequestWithLineAndColumn) {
  std::string yaml = KafkaYaml();
  // An unknown key and a member count below the cardinality.
  yaml = absl::StrCat(yaml.substr(0, yaml.find("    quorum:")), "    replicas: 3\n",
                      yaml.substr(yaml.find("    quorum:")));
  for (const std::string& text : {yaml, KafkaYaml(0, 3)}) {
    v1::ValidateRequest request;
    *request.mutable_input() = TextInput(text, "events.yaml");
    v1::ValidateResponse response;
    grpc::Status status = stub_->Validate(Context().get(), request, &response);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), ContainsRegex("^events\\.yaml:[0-9]+:[0-9]+: "));
    google::rpc::BadRequest bad = BadRequestOf(status);
    ASSERT_GE(bad.field_violations_size(), 1);
    for (const auto& violation : bad.field_violations()) {
      EXPECT_THAT(violation.field(), HasSubstr("spec.roles[0]"));
      EXPECT_THAT(violation.description(), ContainsRegex("^events\\.yaml:[0-9]+:[0-9]+: spec"));
    }
    v1::Diagnostics diagnostics = DiagnosticsOf(status);
    ASSERT_GE(diagnostics.diagnostics_size(), 1);
    EXPECT_EQ(diagnostics.diagnostics(0).file(), "events.yaml");
    EXPECT_GT(diagnostics.diagnostics(0).line(), 0);
    EXPECT_GT(diagnostics.diagnostics(0).column(), 0);
  }
}

TEST_P(StrataServiceTest, CompileReturnsObjectsAsJsonAndYaml) {
  v1::CompileRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  v1::CompileResponse response;
  grpc::Status status = stub_->Compile(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.clusters_size(), 1);
  const v1::CompiledCluster& cluster = response.clusters(0);
  EXPECT_EQ(cluster.cluster(), "events");
  EXPECT_EQ(cluster.namespace_(), "data");
  EXPECT_EQ(cluster.app(), "kafka");
  ASSERT_THAT(cluster.objects(), Not(IsEmpty()));
  bool saw_statefulset = false;
  for (const v1::Object& object : cluster.objects()) {
    Json body = Json::parse(object.json());
    EXPECT_EQ(body["kind"], object.kind());
    EXPECT_EQ(body["metadata"]["name"], object.name());
    if (object.kind() == "StatefulSet" && object.name() == "events-broker") {
      saw_statefulset = true;
      EXPECT_EQ(object.role(), "broker");
      EXPECT_EQ(body["spec"]["replicas"], 3);
    }
    EXPECT_THAT(cluster.yaml(), HasSubstr(absl::StrCat("name: ", object.name())));
  }
  EXPECT_TRUE(saw_statefulset);
  EXPECT_EQ(cluster.yaml().rfind("---", 0), 0u);
}

TEST_P(StrataServiceTest, CompileSelectsACluster) {
  std::string two = absl::StrCat(KafkaYaml(), "---\n", R"(apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: other}
spec: {app: kafka}
)");
  v1::CompileRequest request;
  *request.mutable_input() = TextInput(two);
  v1::CompileResponse response;
  ASSERT_TRUE(stub_->Compile(Context().get(), request, &response).ok());
  EXPECT_EQ(response.clusters_size(), 2);

  request.set_cluster("other");
  response.Clear();
  ASSERT_TRUE(stub_->Compile(Context().get(), request, &response).ok());
  ASSERT_EQ(response.clusters_size(), 1);
  EXPECT_EQ(response.clusters(0).cluster(), "other");

  request.set_cluster("missing");
  grpc::Status status = stub_->Compile(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestOf(status).field_violations(0).field(), "cluster");

  // Plan needs exactly one.
  v1::PlanRequest plan;
  *plan.mutable_input() = TextInput(two);
  v1::PlanResponse planned;
  status = stub_->Plan(Context().get(), plan, &planned);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("2 Clusters"));
}

TEST_P(StrataServiceTest, PlanFromNothingCreatesEverything) {
  v1::PlanRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  request.mutable_now()->set_seconds(kNow);
  v1::PlanResponse response;
  grpc::Status status = stub_->Plan(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Plan& plan = response.plan();
  EXPECT_EQ(plan.cluster(), "events");
  EXPECT_EQ(plan.namespace_(), "data");
  EXPECT_FALSE(plan.converged());
  ASSERT_THAT(plan.steps(), Not(IsEmpty()));
  ASSERT_THAT(plan.next(), Not(IsEmpty()));
  for (int i = 0; i < plan.steps_size(); ++i) {
    const v1::Step& step = plan.steps(i);
    EXPECT_EQ(step.id(), i + 1);
    EXPECT_NE(step.action(), v1::ACTION_UNSPECIFIED);
    EXPECT_FALSE(step.reason().empty());
    if (step.action() == v1::ACTION_APPLY) {
      EXPECT_EQ(Json::parse(step.object())["metadata"]["name"], step.target().name());
    }
  }
  EXPECT_FALSE(response.text().empty());
}

std::string ReadExample(const std::string& path) {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/examples/" + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

v1::Input ExampleInput(const std::string& app, const std::string& cluster) {
  v1::Input input;
  v1::Source* a = input.add_sources();
  a->set_name("kafka/app.yaml");
  a->set_text(app);
  v1::Source* c = input.add_sources();
  c->set_name("kafka/cluster.yaml");
  c->set_text(cluster);
  return input;
}

// The typed plan contract on the wire (issue 11.2): a client tells a gate
// from a memberLeave, reads wait conditions and the blocked flag without
// parsing text.
TEST_P(StrataServiceTest, PlanCarriesPhasesHooksTypedWaitsAndBlocked) {
  const std::string app = ReadExample("kafka/app.yaml");
  const std::string cluster = ReadExample("kafka/cluster.yaml");
  ASSERT_THAT(app, HasSubstr("image: apache/kafka:3.7.0"));
  ASSERT_THAT(cluster, HasSubstr("members: 5"));
  v1::SimulateRequest simulate;
  *simulate.mutable_input() = ExampleInput(app, cluster);
  v1::SimulateResponse simulated;
  grpc::Status status = stub_->Simulate(Context().get(), simulate, &simulated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(simulated.ok()) << simulated.text();

  // Scale the brokers in by one and change their image: memberLeave, then
  // gated restarts.
  v1::PlanRequest request;
  *request.mutable_input() = ExampleInput(
      absl::StrReplaceAll(app, {{"image: apache/kafka:3.7.0", "image: apache/kafka:3.7.1"}}),
      absl::StrReplaceAll(cluster, {{"members: 5", "members: 4"}}));
  request.set_observed(simulated.final_state());
  request.mutable_now()->set_seconds(kNow + 86400);
  v1::PlanResponse response;
  status = stub_->Plan(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Plan& plan = response.plan();
  EXPECT_FALSE(plan.blocked());
  EXPECT_EQ(plan.blocked_reason(), "");
  int leaves = 0, gates = 0, role_waits = 0;
  for (const v1::Step& step : plan.steps()) {
    EXPECT_NE(step.phase(), v1::PHASE_UNSPECIFIED) << step.reason();
    if (step.action() == v1::ACTION_EXEC) {
      EXPECT_NE(step.hook(), v1::HOOK_NONE) << step.reason();
    } else {
      EXPECT_EQ(step.hook(), v1::HOOK_NONE) << step.reason();
    }
    if (step.hook() == v1::HOOK_MEMBER_LEAVE) {
      ++leaves;
      EXPECT_EQ(step.phase(), v1::PHASE_MEMBERSHIP);
      EXPECT_EQ(step.pod(), "events-broker-4");
    }
    if (step.hook() == v1::HOOK_GATE) {
      ++gates;
      EXPECT_EQ(step.phase(), v1::PHASE_UPDATE);
      EXPECT_EQ(step.timeout().seconds(), 900);
    }
    EXPECT_EQ(step.has_wait(), step.action() == v1::ACTION_WAIT) << step.reason();
    if (!step.has_wait()) continue;
    EXPECT_NE(step.wait().kind(), v1::WaitCondition::KIND_UNSPECIFIED);
    EXPECT_EQ(step.wait().text(), step.condition());
    if (step.wait().kind() == v1::WaitCondition::KIND_ROLE_READY &&
        step.wait().target() == "broker") {
      ++role_waits;
      EXPECT_EQ(step.wait().stateful_set(), "events-broker");
      EXPECT_EQ(step.wait().min_ready_seconds(), 30);
      EXPECT_EQ(step.condition(), absl::StrCat("roleReady broker ", step.wait().count(), "/",
                                               step.wait().count(), " minReadySeconds=30"));
    }
  }
  EXPECT_EQ(leaves, 1) << response.text();
  EXPECT_EQ(gates, 4) << response.text();
  EXPECT_GT(role_waits, 0) << response.text();

  // A broker stuck at the current spec blocks the plan at that member.
  Json state = Json::parse(simulated.final_state());
  for (Json& item : state["items"]) {
    if (item["kind"] != "Pod" || item["metadata"]["name"] != "events-broker-2") continue;
    for (Json& c : item["status"]["conditions"]) {
      if (c["type"] == "Ready") c["status"] = "False";
    }
    for (Json& cs : item["status"]["containerStatuses"]) {
      cs["ready"] = false;
      cs["state"] = {{"waiting", {{"reason", "ImagePullBackOff"}}}};
    }
  }
  request.set_observed(state.dump());
  *request.mutable_input() = ExampleInput(app, cluster);
  response.Clear();
  status = stub_->Plan(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.plan().blocked()) << response.text();
  EXPECT_THAT(response.plan().blocked_reason(), HasSubstr("events-broker-2"));
  EXPECT_THAT(response.plan().blocked_reason(), HasSubstr("ImagePullBackOff"));
  ASSERT_THAT(response.plan().steps(), Not(IsEmpty()));
  const v1::Step& last = *response.plan().steps().rbegin();
  EXPECT_EQ(last.wait().kind(), v1::WaitCondition::KIND_POD_READY);
  EXPECT_EQ(last.wait().target(), "events-broker-2");
  EXPECT_EQ(last.phase(), v1::PHASE_REPAIR);
}

TEST_P(StrataServiceTest, PlanOfTheConvergedStateIsEmpty) {
  v1::SimulateRequest simulate;
  *simulate.mutable_input() = TextInput(KafkaYaml());
  v1::SimulateResponse simulated;
  grpc::Status status = stub_->Simulate(Context().get(), simulate, &simulated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(simulated.converged());

  v1::PlanRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  request.set_observed(simulated.final_state());
  request.mutable_now()->set_seconds(kNow + 86400);
  v1::PlanResponse response;
  status = stub_->Plan(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.plan().converged()) << response.text();
  EXPECT_THAT(response.plan().steps(), IsEmpty());
  EXPECT_EQ(response.diff(), "");
  EXPECT_EQ(response.diff_summary().to_change(), 0);

  // One more broker: the diff the CLI's -o diff prints, and its counts.
  *request.mutable_input() = TextInput(KafkaYaml(3, 4));
  status = stub_->Plan(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.diff(), HasSubstr("    spec.replicas: 3 -> 4\n"));
  EXPECT_THAT(response.diff(), HasSubstr("0 to add, 1 to change, 0 to delete; 0 member restarts"));
  EXPECT_EQ(response.diff_summary().to_add(), 0);
  EXPECT_EQ(response.diff_summary().to_change(), 1);
  EXPECT_EQ(response.diff_summary().to_delete(), 0);
  EXPECT_EQ(response.diff_summary().restarts(), 0);
}

TEST_P(StrataServiceTest, PlanRejectsBadObservedState) {
  v1::PlanRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  request.set_observed("kind: List\nitems: [{kind: Pod}]\n");
  v1::PlanResponse response;
  grpc::Status status = stub_->Plan(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("observed"));
}

TEST_P(StrataServiceTest, SimulateConvergesAndReportsTheTimeline) {
  v1::SimulateRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  v1::SimulateResponse response;
  grpc::Status status = stub_->Simulate(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.converged());
  EXPECT_TRUE(response.ok());
  EXPECT_FALSE(response.blocked());
  EXPECT_THAT(response.violations(), IsEmpty());
  EXPECT_GT(response.plans(), 0);
  EXPECT_GT(response.steps(), 0);
  ASSERT_THAT(response.events(), Not(IsEmpty()));
  EXPECT_GE(response.events(0).time().seconds(), kNow);  // The default start.
  EXPECT_EQ(Json::parse(response.final_state())["kind"], "List");
  EXPECT_FALSE(response.text().empty());
}

TEST_P(StrataServiceTest, SimulateStopsAtTheDeadline) {
  // Big enough to run far past the deadline if nothing stopped it.
  v1::SimulateRequest request;
  *request.mutable_input() = TextInput(KafkaYaml(501, 2000));
  v1::SimulateResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  EXPECT_EQ(stub_->Simulate(&context, request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  v1::EchoRequest echo;
  v1::EchoResponse echoed;
  EXPECT_TRUE(stub_->Echo(Context().get(), echo, &echoed).ok());
}

TEST_P(StrataServiceTest, SimulateInjectsFaults) {
  v1::SimulateRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  request.set_fault_spec("never-ready=events-broker-1");
  v1::SimulateResponse response;
  grpc::Status status = stub_->Simulate(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.blocked());
  EXPECT_FALSE(response.converged());
  EXPECT_TRUE(response.ok());  // Blocked as the never-ready fault demands.
  EXPECT_THAT(response.blocked_reason(), HasSubstr("events-broker-1"));

  request.clear_fault_spec();
  v1::Fault* fault = request.add_faults();
  fault->set_kind(v1::Fault::KIND_NEVER_READY);
  fault->add_pods("events-broker-1");
  response.Clear();
  status = stub_->Simulate(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.blocked());
}

TEST_P(StrataServiceTest, SimulateRejectsBadOptions) {
  v1::SimulateRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  request.mutable_options()->set_max_plans(-1);
  v1::SimulateResponse response;
  grpc::Status status = stub_->Simulate(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestOf(status).field_violations(0).field(), "options.max_plans");

  request.mutable_options()->set_max_plans(0);
  request.set_fault_spec("explode=everything");
  status = stub_->Simulate(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadRequestOf(status).field_violations(0).field(), "fault_spec");
}

TEST_P(StrataServiceTest, TooManyRolesOrMembersIsResourceExhausted) {
  ServerConfig config;
  config.service.limits.max_roles = 1;
  Start(config);
  v1::CompileRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  v1::CompileResponse response;
  grpc::Status status = stub_->Compile(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("--max-roles"));

  config = ServerConfig{};
  config.service.limits.max_members = 10;
  Start(config);
  *request.mutable_input() = TextInput(KafkaYaml(5, 5));
  EXPECT_TRUE(stub_->Compile(Context().get(), request, &response).ok());
  *request.mutable_input() = TextInput(KafkaYaml(5, 6));
  status = stub_->Compile(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("11 members"));
}

TEST_P(StrataServiceTest, ExpiredDeadlineIsDeadlineExceeded) {
  v1::CompileRequest request;
  *request.mutable_input() = TextInput(KafkaYaml());
  v1::CompileResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  EXPECT_EQ(stub_->Compile(&context, request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_P(StrataServiceTest, EchoDelayEndsAtTheDeadline) {
  v1::EchoRequest request;
  request.mutable_delay()->set_seconds(10);
  v1::EchoResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  EXPECT_EQ(stub_->Echo(&context, request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server is still fine.
  v1::EchoRequest quick;
  quick.set_message("after");
  ASSERT_TRUE(stub_->Echo(Context().get(), quick, &response).ok());
  EXPECT_EQ(response.message(), "after");
}

TEST_P(StrataServiceTest, DeepNestingIsTheLoadersLimitLocatedInTheSource) {
  v1::ValidateRequest request;
  *request.mutable_input() = TextInput(std::string(10000, '[') + std::string(10000, ']'));
  v1::ValidateResponse response;
  grpc::Status status = stub_->Validate(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("kafka.yaml:1:101: the nesting depth is 101"));
}

}  // namespace
}  // namespace strata::service_internal
