#include "proto/convert.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "tests/testing/status_matchers.h"
#include "yaml/yaml_proto.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using ::google::protobuf::util::MessageDifferencer;
using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

fs::path Root() { return fs::path(STRATA_SOURCE_DIR); }

template <typename P>
P Parse(const std::string& name, const std::string& text) {
  P proto;
  absl::Status s = yaml_internal::ParseYamlInto(Source{.name = name, .text = text}, &proto);
  EXPECT_THAT(s, IsOk());
  return proto;
}

// Returns the differences between `a` and `b`, empty when equal.
std::string Diff(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  std::string report;
  MessageDifferencer d;
  d.ReportDifferencesToString(&report);
  d.Compare(a, b);
  return report;
}

TEST(ConvertTest, KafkaExampleRoundTripsExactly) {
  v1::App app = Parse<v1::App>("app.yaml", ReadFile(Root() / "examples/kafka/app.yaml"));
  absl::StatusOr<App> model = FromProto(app);
  ASSERT_THAT(model, IsOk());
  EXPECT_EQ(Diff(ToProto(*model), app), "");

  v1::Cluster cluster =
      Parse<v1::Cluster>("cluster.yaml", ReadFile(Root() / "examples/kafka/cluster.yaml"));
  absl::StatusOr<Cluster> cluster_model = FromProto(cluster);
  ASSERT_THAT(cluster_model, IsOk());
  EXPECT_EQ(Diff(ToProto(*cluster_model), cluster), "");
}

// Every valid input converts to the same model after ToProto: the canonical
// proto loses nothing but the spelling of defaults.
TEST(ConvertTest, ModelsRoundTripThroughTheCanonicalProto) {
  std::vector<Source> sources;
  for (const fs::path& p : {Root() / "tests/testdata/valid/everything.json",
                            Root() / "tests/testdata/valid/warnings.yaml",
                            Root() / "examples/kafka/app.yaml",
                            Root() / "examples/kafka/cluster.yaml"}) {
    sources.push_back({p.filename().string(), ReadFile(p)});
  }
  absl::StatusOr<Documents> docs = Load(sources);
  ASSERT_THAT(docs, IsOk());
  ASSERT_GE(docs->apps.size(), 3u);
  for (const AppDocument& d : docs->apps) {
    absl::StatusOr<App> back = FromProto(ToProto(d.app));
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, d.app) << d.file;
  }
  for (const ClusterDocument& d : docs->clusters) {
    absl::StatusOr<Cluster> back = FromProto(ToProto(d.cluster));
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, d.cluster) << d.file;
  }
}

TEST(ConvertTest, ParsesTextFieldsIntoTheModel) {
  v1::App app = Parse<v1::App>("a.yaml", R"(apiVersion: strata.dev/v1
kind: App
metadata: {name: a}
spec:
  roles:
  - name: r
    image: i
    cardinality: "1-3"
    quorum: majority
    ports: [{name: web, port: 80, protocol: UDP}]
    resources: {requests: {cpu: 500m}, limits: {cpu: "1"}}
    minResources: {memory: 1Gi, ephemeral-storage: 2Gi}
    storage: [{name: d, mountPath: /d, size: 1Gi, onScaleDown: delete, afterLeave: wipe}]
    probes:
      liveness: {http: {port: web, path: /healthz, scheme: HTTPS}}
      readiness: {grpc: {port: "8080", service: health}}
    config: [{path: /a.ini, format: ini, onChange: none, data: {s.k: v}}]
    services: [{name: web, ports: [web], type: NodePort}]
    rollout: {strategy: bestEffortParallel, maxUnavailable: 25%, order: ordinalAscending}
    lifecycle: {preStop: {http: {port: web, path: /stop}}}
    placement: {spread: none, mode: required}
)");
  absl::StatusOr<App> model = FromProto(app);
  ASSERT_THAT(model, IsOk());
  const Role& r = model->roles[0];
  EXPECT_EQ(r.cardinality, (Cardinality{.min = 1, .max = 3}));
  EXPECT_EQ(r.quorum, Quorum::kMajority);
  EXPECT_EQ(r.ports[0].protocol, "UDP");
  EXPECT_EQ(r.resources.requests.at("cpu"), *Quantity::Parse("0.5"));
  EXPECT_EQ(r.min_resources.requests.at("ephemeral-storage"), *Quantity::Parse("2Gi"));
  EXPECT_EQ(r.storage[0].on_scale_down, VolumePolicy::kDelete);
  EXPECT_EQ(r.storage[0].after_leave, AfterLeave::kWipe);
  EXPECT_EQ(r.storage[0].access_modes, std::vector<std::string>{"ReadWriteOnce"});
  EXPECT_EQ(r.probes.liveness->handler.kind, Handler::Kind::kHttp);
  EXPECT_EQ(r.probes.liveness->handler.scheme, "HTTPS");
  EXPECT_EQ(r.probes.liveness->handler.port, (PortRef{.name = "web"}));
  EXPECT_EQ(r.probes.readiness->handler.kind, Handler::Kind::kGrpc);
  EXPECT_EQ(r.probes.readiness->handler.port, (PortRef{.number = 8080}));
  EXPECT_EQ(r.config[0].format, ConfigFormat::kIni);
  EXPECT_EQ(r.config[0].on_change, OnChange::kNone);
  EXPECT_EQ(r.services[0].type, ServiceType::kNodePort);
  EXPECT_EQ(r.rollout.strategy, RolloutStrategy::kBestEffortParallel);
  EXPECT_EQ(r.rollout.max_unavailable, (IntOrPercent{.value = 25, .percent = true}));
  EXPECT_EQ(r.rollout.order, RolloutOrder::kOrdinalAscending);
  EXPECT_EQ(r.lifecycle.pre_stop->kind, Handler::Kind::kHttp);
  EXPECT_EQ(r.placement.spread, Spread::kNone);
  EXPECT_EQ(r.placement.mode, PlacementMode::kRequired);
  EXPECT_EQ(r.security, Security());
}

TEST(ConvertTest, ReportsEveryMalformedValueWithItsPath) {
  v1::App app;
  app.set_api_version("strata.dev/v1");
  app.set_kind("App");
  app.mutable_metadata()->set_name("a");
  v1::Role* r = app.mutable_spec()->add_roles();
  r->set_cardinality("x");
  r->set_quorum("all");
  auto* kv = r->mutable_resources()->add_requests();
  kv->set_key("cpu");
  kv->set_value("1.5x");
  r->mutable_rollout()->set_max_unavailable("-1");
  r->add_storage()->set_name("d");
  r->mutable_lifecycle()->mutable_member_leave()->mutable_exec();
  r->mutable_lifecycle()->mutable_member_leave()->mutable_http();
  absl::StatusOr<App> model = FromProto(app, {.file = "a.yaml"});
  std::vector<std::string> lines;
  for (const Diagnostic& d : DiagnosticsFromStatus(model.status())) lines.push_back(d.ToString());
  EXPECT_THAT(
      lines,
      ElementsAre(
          "a.yaml: spec.roles[0].cardinality: invalid cardinality \"x\": must be \"N\", \"N+\" or "
          "\"N-M\"",
          "a.yaml: spec.roles[0].lifecycle.memberLeave.http: only one of exec, http may be set",
          "a.yaml: spec.roles[0].quorum: invalid value \"all\": must be one of none, majority",
          "a.yaml: spec.roles[0].resources.requests.cpu: invalid quantity \"1.5x\": must be a "
          "number with an optional suffix such as 500m, 2, 1Gi or 10G",
          "a.yaml: spec.roles[0].rollout.maxUnavailable: invalid value \"-1\": must be an integer "
          ">= 1 or a percentage \"1%\"..\"100%\"",
          "a.yaml: spec.roles[0].storage[0].size: required field is missing"));
}

TEST(ConvertTest, ChecksTheDocumentHeader) {
  v1::Cluster c;
  EXPECT_THAT(FromProto(c), StatusIs(absl::StatusCode::kInvalidArgument,
                                     HasSubstr("apiVersion: required field is missing")));
  c.set_api_version("strata.dev/v1");
  c.set_kind("App");
  c.mutable_metadata()->set_name("c");
  EXPECT_THAT(FromProto(c), StatusIs(absl::StatusCode::kInvalidArgument,
                                     HasSubstr("kind: must be \"Cluster\", got \"App\"")));
  c.set_kind("Cluster");
  EXPECT_THAT(FromProto(c), IsOk());
  EXPECT_EQ(FromProto(c)->namespace_, "default");
  EXPECT_EQ(FromProto(c)->domain, "cluster.local");
}

TEST(ConvertTest, DuplicateMapKeysFromProtoAreErrors) {
  v1::Cluster c;
  c.set_api_version("strata.dev/v1");
  c.set_kind("Cluster");
  c.mutable_metadata()->set_name("c");
  for (int i = 0; i < 2; ++i) {
    auto* l = c.mutable_metadata()->add_labels();
    l->set_key("team");
    l->set_value("x");
  }
  EXPECT_THAT(FromProto(c), StatusIs(absl::StatusCode::kInvalidArgument,
                                     HasSubstr("metadata.labels.team: duplicate key \"team\"")));
}

TEST(ConvertTest, ToProtoWritesTheCanonicalForm) {
  App app{.name = "a"};
  app.roles.push_back(Role{.name = "r", .image = "i"});
  v1::App p = ToProto(app);
  EXPECT_EQ(p.api_version(), "strata.dev/v1");
  EXPECT_EQ(p.kind(), "App");
  const v1::Role& r = p.spec().roles(0);
  EXPECT_EQ(r.cardinality(), "1+");  // The default Cardinality.
  EXPECT_FALSE(r.has_rollout());
  EXPECT_FALSE(r.has_security());
  EXPECT_FALSE(r.has_placement());
  EXPECT_EQ(r.quorum(), "");
}

}  // namespace
}  // namespace strata
