// Table-driven tests of every rule of Check/CheckTopology: each case edits a
// valid App + Cluster and states the diagnostics expected (none for the
// passing boundary cases).

#include "strata/validate.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/documents.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kBase[] = R"(apiVersion: strata.dev/v1
kind: App
metadata: {name: kafka}
spec:
  version: "3.7.0"
  roles:
  - name: zookeeper
    image: zookeeper:3.9.2
    cardinality: "3"
    quorum: majority
    ports: [{name: client, port: 2181}, {name: peer, port: 2888}]
    config:
    - path: /conf/zoo.cfg
      format: properties
      data: {clientPort: "{{roles.zookeeper.ports.client}}"}
  - name: broker
    image: apache/kafka:3.7.0
    cardinality: "3+"
    dependsOn: [zookeeper]
    ports: [{name: kafka, port: 9092}]
    resources:
      requests: {cpu: 500m, memory: 1Gi}
      limits: {memory: 2Gi}
    minResources: {cpu: 250m, memory: 512Mi}
    storage: [{name: data, mountPath: /data, size: 10Gi, minSize: 1Gi}]
    services: [{name: client, ports: [kafka]}]
    probes: {readiness: {tcp: {port: kafka}}}
---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: events, namespace: data}
spec:
  app: kafka
  roles:
  - {name: zookeeper, members: 3}
  - {name: broker, members: 3}
)";

Documents BaseDocuments() {
  absl::StatusOr<Documents> docs = Load({{"base.yaml", kBase}});
  EXPECT_THAT(docs, IsOk());
  return *docs;
}

Quantity Q(const char* text) { return *Quantity::Parse(text); }

struct RuleCase {
  std::string name;
  std::function<void(App&, Cluster&)> edit;
  // Expected diagnostics as "PATH: [warning: ]message"; empty = none at all.
  std::vector<std::string> expected;
};

std::vector<std::string> Render(const std::vector<Diagnostic>& found) {
  std::vector<std::string> out;
  for (const Diagnostic& d : found) out.push_back(d.ToString());
  return out;
}

class RuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(RuleTest, ReportsExactly) {
  Documents docs = BaseDocuments();
  App app = docs.apps[0].app;
  Cluster cluster = docs.clusters[0].cluster;
  GetParam().edit(app, cluster);
  EXPECT_EQ(Render(CheckTopology(app, cluster)), GetParam().expected);
}

Role& Zk(App& a) { return a.roles[0]; }
Role& Broker(App& a) { return a.roles[1]; }

INSTANTIATE_TEST_SUITE_P(
    Rules, RuleTest,
    ::testing::Values(
        RuleCase{"BaseIsValid", [](App&, Cluster&) {}, {}},
        // Pod settings (SPEC-2 §8) on App and Cluster roles.
        RuleCase{"PodSettingsValid",
                 [](App& a, Cluster& c) {
                   Broker(a).pod = PodSettings{.service_account_name = "kafka",
                                               .image_pull_secrets = {"regcred", "mirror"},
                                               .priority_class_name = "data-high",
                                               .labels = {{"tier", "gold"}},
                                               .annotations = {{"example.com/owner", "x y"}}};
                   Broker(a).services[0].annotations = {{"example.com/lb", "internal"}};
                   c.roles[1].pod.labels = {{"tier", "silver"}};
                 },
                 {}},
        RuleCase{"PodSettingsInvalid",
                 [](App& a, Cluster& c) {
                   Broker(a).pod = PodSettings{.service_account_name = "Kafka_SA",
                                               .image_pull_secrets = {"regcred", "regcred"},
                                               .labels = {{"app.kubernetes.io/component", "x"},
                                                          {"strata.dev/role", "x"}},
                                               .annotations = {{"strata.dev/spec-hash", "x"},
                                                               {"bad key!", "x"}}};
                   Broker(a).services[0].annotations = {{"strata.dev/dashboard", "true"}};
                   c.roles[1].pod.priority_class_name = "High";
                 },
                 {"spec.roles[1].imagePullSecrets[1]: duplicate image pull secret \"regcred\"",
                  "spec.roles[1].podAnnotations[\"bad key!\"]: invalid annotation key \"bad key!\": "
                  "must be a valid label key ([prefix/]name: prefix a DNS-1123 subdomain, name at "
                  "most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)",
                  "spec.roles[1].podAnnotations[\"strata.dev/spec-hash\"]: annotation "
                  "\"strata.dev/spec-hash\" is in strata.dev/, which strata sets: choose another "
                  "prefix",
                  "spec.roles[1].podLabels[\"app.kubernetes.io/component\"]: label "
                  "\"app.kubernetes.io/component\" is set by strata and cannot be overridden",
                  "spec.roles[1].podLabels[\"strata.dev/role\"]: label \"strata.dev/role\" is in "
                  "strata.dev/, which strata sets",
                  "spec.roles[1].serviceAccountName: invalid name \"Kafka_SA\": must be a DNS-1123 "
                  "subdomain (lowercase DNS-1123 labels separated by '.', at most 253 characters)",
                  "spec.roles[1].services[0].annotations[\"strata.dev/dashboard\"]: annotation "
                  "\"strata.dev/dashboard\" is in strata.dev/, which strata sets: choose another "
                  "prefix",
                  "spec.roles[1].priorityClassName: invalid name \"High\": must be a DNS-1123 "
                  "subdomain (lowercase DNS-1123 labels separated by '.', at most 253 characters)"}},
        // Sidecars, init containers and downward-API env (SPEC-2 §8).
        RuleCase{"ContainersValid",
                 [](App& a, Cluster& c) {
                   Probe ready;
                   ready.handler.kind = Handler::Kind::kTcp;
                   ready.handler.port = PortRef{.name = "metrics"};
                   Broker(a).containers = {
                       Container{.name = "jmx",
                                 .image = "bitnami/jmx-exporter:1.0.1",
                                 .args = {"5556", "{{roles.broker.ports.kafka}}"},
                                 .ports = {{.name = "metrics", .port = 5556}},
                                 .env = {{.name = "POD_IP", .field = "status.podIP"}},
                                 .probes = {.readiness = ready},
                                 .volume_mounts = {{.name = "data", .mount_path = "/data",
                                                    .read_only = true}}}};
                   Broker(a).init_containers = {
                       Container{.name = "format",
                                 .image = "apache/kafka:3.7.0",
                                 .command = {"sh", "-c", "echo {{cluster.name}}"},
                                 .volume_mounts = {{.name = "data", .mount_path = "/data"}}}};
                   Broker(a).env.push_back(EnvVar{.name = "ZONE",
                                                  .field = "metadata.labels['topology.kubernetes.io/zone']"});
                   Zk(a).containers = {Container{.name = "jmx", .image = "jmx:1",
                                                 .config = {"/conf/zoo.cfg"}}};
                   // The Cluster replaces the sidecar of its name and adds one.
                   c.roles[1].containers = {Container{.name = "jmx", .image = "jmx:2"},
                                            Container{.name = "log", .image = "busybox:1"}};
                 },
                 {}},
        RuleCase{"ContainersInvalid",
                 [](App& a, Cluster& c) {
                   Probe ready;
                   ready.handler.kind = Handler::Kind::kTcp;
                   ready.handler.port = PortRef{.name = "kafka"};
                   Broker(a).containers = {
                       Container{.name = "broker",
                                 .image = "x:1",
                                 .command = {"{{/x}}"},
                                 .ports = {{.name = "kafka", .port = 9093}},
                                 .env = {{.name = "IP", .value = "x", .field = "status.podIP"},
                                         {.name = "BAD", .field = "status.phase"}},
                                 .probes = {.readiness = ready},
                                 .volume_mounts = {{.name = "logs", .mount_path = "/data"}},
                                 .config = {"/conf/zoo.cfg"}}};
                   Broker(a).init_containers = {
                       Container{.name = "init", .image = "x:1", .probes = {.readiness = ready}}};
                   c.roles[1].containers = {Container{.name = "metrics", .image = "x:1",
                                                      .ports = {{.name = "m", .port = 9092}}}};
                 },
                 {"spec.roles[1].containers[0].command[0]: \"{{/x}}\" closes no open section",
                  "spec.roles[1].containers[0].config[0]: unknown config file \"/conf/zoo.cfg\" "
                  "(not a config path of role \"broker\")",
                  "spec.roles[1].containers[0].env[0]: only one of value, secret and field may be set",
                  "spec.roles[1].containers[0].env[1].field: invalid field \"status.phase\": must be "
                  "one of metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'], "
                  "metadata.annotations['KEY'], spec.nodeName, spec.serviceAccountName, "
                  "status.hostIP, status.hostIPs, status.podIP, status.podIPs",
                  "spec.roles[1].containers[0].name: invalid name \"broker\": the role's own "
                  "container has this name",
                  "spec.roles[1].containers[0].ports[0].name: duplicate port name \"kafka\"",
                  "spec.roles[1].containers[0].volumeMounts[0].name: unknown storage \"logs\" (role "
                  "\"broker\" has storage: data)",
                  "spec.roles[1].initContainers[0].probes: not allowed here: init containers run to "
                  "completion and take no probes",
                  "spec.roles[1].containers[0].ports[0].port: duplicate port \"9092/TCP\" (the App "
                  "role \"broker\" has it)"}},
        RuleCase{"MetricsValidAndInvalid",
                 [](App& a, Cluster&) {
                   Zk(a).metrics = Metrics{.port = PortRef{.name = "client"}};
                   Broker(a).metrics = Metrics{.port = PortRef{.name = "prom"}, .path = "metrics"};
                   Broker(a).pod.annotations = {{"prometheus.io/port", "1"}};
                 },
                 {"spec.roles[1].metrics.path: invalid path \"metrics\": must start with '/'",
                  "spec.roles[1].metrics.port: unknown port \"prom\" (role \"broker\" has ports: "
                  "kafka)",
                  "spec.roles[1].podAnnotations[\"prometheus.io/port\"]: annotation "
                  "\"prometheus.io/port\" is set by metrics: remove one of them"}},
        // Names.
        RuleCase{"AppNameDns1035", [](App& a, Cluster& c) { a.name = c.app = "1kafka"; },
                 {"metadata.name: invalid name \"1kafka\": must be a DNS-1035 label (lowercase "
                  "letters, digits and '-', starting with a letter, ending with a letter or digit, "
                  "at most 63 characters)"}},
        RuleCase{"AppNameRequired", [](App& a, Cluster& c) { a.name = c.app = ""; },
                 {"metadata.name: required field is missing", "spec.app: required field is missing"}},
        RuleCase{"ClusterNameDns1035", [](App&, Cluster& c) { c.name = "Events"; },
                 {"metadata.name: invalid name \"Events\": must be a DNS-1035 label (lowercase "
                  "letters, digits and '-', starting with a letter, ending with a letter or digit, "
                  "at most 63 characters)"}},
        RuleCase{"NamespaceDns1123", [](App&, Cluster& c) { c.namespace_ = "1-data"; }, {}},
        RuleCase{"NamespaceBad", [](App&, Cluster& c) { c.namespace_ = "data.x"; },
                 {"metadata.namespace: invalid name \"data.x\": must be a DNS-1123 label (lowercase "
                  "letters, digits and '-', starting and ending with a letter or digit, at most 63 "
                  "characters)"}},
        RuleCase{"RoleNameDns1035",
                 [](App& a, Cluster&) {
                   a.roles.push_back(Role{.name = "zk_1", .image = "x", .cardinality = {.min = 0}});
                 },
                 {"spec.roles[2].name: invalid name \"zk_1\": must be a DNS-1035 label (lowercase "
                  "letters, digits and '-', starting with a letter, ending with a letter or digit, "
                  "at most 63 characters)"}},
        RuleCase{"VersionLabelValue", [](App& a, Cluster&) { a.version = "3.7.0-rc_1.b"; }, {}},
        RuleCase{"VersionTooLong", [](App& a, Cluster&) { a.version = std::string(64, '1'); },
                 {"spec.version: invalid version \"" + std::string(64, '1') +
                  "\": must be a valid label value (at most 63 letters, digits, '-', '_' or '.', "
                  "starting and ending with a letter or digit)"}},
        RuleCase{"ClusterLabels",
                 [](App&, Cluster& c) {
                   c.labels = {{"team", "analytics"}, {"app.kubernetes.io/instance", "x"}};
                 },
                 {"metadata.labels[\"app.kubernetes.io/instance\"]: label "
                  "\"app.kubernetes.io/instance\" is set by strata and cannot be overridden"}},
        // Required fields.
        RuleCase{"RoleImageRequired", [](App& a, Cluster&) { Broker(a).image = ""; },
                 {"spec.roles[1].image: required field is missing"}},
        RuleCase{"AtLeastOneRole",
                 [](App& a, Cluster& c) {
                   a.roles.clear();
                   c.roles.clear();
                 },
                 {"spec.roles: at least one role is required"}},
        // Duplicates.
        RuleCase{"DuplicatePortName",
                 [](App& a, Cluster&) { Broker(a).ports.push_back({.name = "kafka", .port = 9093}); },
                 {"spec.roles[1].ports[1].name: duplicate port name \"kafka\""}},
        RuleCase{"SamePortOtherProtocolIsFine",
                 [](App& a, Cluster&) {
                   Broker(a).ports.push_back({.name = "kafka-udp", .port = 9092, .protocol = "UDP"});
                 },
                 {}},
        RuleCase{"DuplicateStorage",
                 [](App& a, Cluster&) {
                   Storage s = Broker(a).storage[0];
                   s.mount_path = "/other";
                   Broker(a).storage.push_back(s);
                 },
                 {"spec.roles[1].storage[1].name: duplicate storage name \"data\""}},
        RuleCase{"DuplicateService",
                 [](App& a, Cluster&) { Broker(a).services.push_back(Broker(a).services[0]); },
                 {"spec.roles[1].services[1].name: duplicate service name \"client\""}},
        RuleCase{"DuplicateEnv",
                 [](App& a, Cluster&) {
                   Broker(a).env = {{.name = "A", .value = "1"}, {.name = "A", .value = "2"}};
                 },
                 {"spec.roles[1].env[1].name: duplicate env var \"A\""}},
        RuleCase{"DuplicateConfigPath",
                 [](App& a, Cluster&) { Zk(a).config.push_back(Zk(a).config[0]); },
                 {"spec.roles[0].config[1].path: duplicate config path \"/conf/zoo.cfg\""}},
        RuleCase{"DuplicateRole",
                 [](App& a, Cluster&) { a.roles.push_back(Broker(a)); },
                 {"spec.roles[2].name: duplicate role name \"broker\""}},
        // Generated names.
        RuleCase{"ServiceCollidesWithRole",
                 [](App& a, Cluster&) {
                   a.roles.push_back(Role{.name = "broker-client", .image = "x",
                                          .cardinality = {.min = 1, .max = 1}});
                 },
                 {"spec.roles[2].name: Service name <cluster>-broker-client of the headless Service "
                  "of role \"broker-client\" is also the name of service \"client\" of role "
                  "\"broker\"",
                  "spec.roles: warning: role \"broker-client\" gets 1 member by default; a role of "
                  "one member gets no PodDisruptionBudget"}},
        RuleCase{"PerMemberServiceCollides",
                 [](App& a, Cluster&) {
                   Broker(a).services[0].per_member = true;
                   a.roles.push_back(Role{.name = "broker-2", .image = "x",
                                          .cardinality = {.min = 2, .max = 2},
                                          .ports = {{.name = "p", .port = 1}},
                                          .services = {{.name = "client", .ports = {"p"}}}});
                 },
                 {"spec.roles[1].members: Service name events-broker-2-client of service "
                  "\"client\" of role \"broker-2\" is also the name of the per-member service "
                  "\"client\" of role \"broker\""}},
        // Cardinality.
        RuleCase{"CardinalityUnsatisfied", [](App&, Cluster& c) { c.roles[1].members = 2; },
                 {"spec.roles[1].members: 2 does not satisfy cardinality \"3+\""}},
        RuleCase{"CardinalityUpperBound", [](App&, Cluster& c) { c.roles[0].members = 5; },
                 {"spec.roles[0].members: 5 does not satisfy cardinality \"3\""}},
        RuleCase{"OmittedRoleGetsMinimum", [](App&, Cluster& c) { c.roles.pop_back(); }, {}},
        RuleCase{"UnknownClusterRole", [](App&, Cluster& c) { c.roles[1].name = "brokers"; },
                 {"spec.roles[1].name: App \"kafka\" has no role \"brokers\""}},
        RuleCase{"DuplicateOverride", [](App&, Cluster& c) { c.roles.push_back(c.roles[1]); },
                 {"spec.roles[2].name: duplicate role override \"broker\""}},
        RuleCase{"NegativeMembers", [](App&, Cluster& c) { c.roles[1].members = -1; },
                 {"spec.roles[1].members: -1 is invalid: must be >= 0"}},
        RuleCase{"WrongApp", [](App&, Cluster& c) { c.app = "zk"; },
                 {"spec.app: names App \"zk\" but was paired with App \"kafka\""}},
        // Resources.
        RuleCase{"AppRequestBelowOwnMin",
                 [](App& a, Cluster&) { Broker(a).resources.requests["cpu"] = Q("249m"); },
                 {"spec.roles[1].resources.requests.cpu: 249m is below minResources.cpu 250m"}},
        RuleCase{"ClusterRequestAtMinIsFine",
                 [](App&, Cluster& c) {
                   c.roles[1].resources.requests = {{"cpu", Q("0.25")}, {"memory", Q("0.5Gi")}};
                 },
                 {}},
        RuleCase{"ClusterRequestBelowMin",
                 [](App&, Cluster& c) { c.roles[1].resources.requests["memory"] = Q("511Mi"); },
                 {"spec.roles[1].resources.requests.memory: 511Mi is below minResources.memory "
                  "512Mi of role \"broker\""}},
        RuleCase{"AppRequestOverLimit",
                 [](App& a, Cluster&) { Broker(a).resources.requests["memory"] = Q("3Gi"); },
                 {"spec.roles[1].resources.requests.memory: request 3Gi exceeds the limit 2Gi"}},
        RuleCase{"MergedRequestOverAppLimit",
                 [](App&, Cluster& c) { c.roles[1].resources.requests["memory"] = Q("2049Mi"); },
                 {"spec.roles[1].resources.requests.memory: memory request 2049Mi exceeds the "
                  "limit 2Gi (from the App)"}},
        RuleCase{"MergedLimitBelowAppRequest",
                 [](App&, Cluster& c) { c.roles[1].resources.limits["memory"] = Q("1000Mi"); },
                 {"spec.roles[1].resources.limits.memory: memory request 1Gi (from the App) "
                  "exceeds the limit 1000Mi"}},
        RuleCase{"RequestEqualToLimitIsFine",
                 [](App&, Cluster& c) { c.roles[1].resources.requests["memory"] = Q("2048Mi"); },
                 {}},
        // Storage.
        RuleCase{"AppSizeBelowMinSize",
                 [](App& a, Cluster&) { Broker(a).storage[0].size = Q("1000Mi"); },
                 {"spec.roles[1].storage[0].size: 1000Mi is below minSize 1Gi"}},
        RuleCase{"ClusterSizeBelowMinSize",
                 [](App&, Cluster& c) { c.roles[1].storage = {{.name = "data", .size = Q("0.5Gi")}}; },
                 {"spec.roles[1].storage[0].size: 0.5Gi is below minSize 1Gi"}},
        RuleCase{"ClusterSizeAtMinSizeIsFine",
                 [](App&, Cluster& c) { c.roles[1].storage = {{.name = "data", .size = Q("1024Mi")}}; },
                 {}},
        RuleCase{"ClusterUnknownStorage",
                 [](App&, Cluster& c) { c.roles[1].storage = {{.name = "logs"}}; },
                 {"spec.roles[1].storage[0].name: role \"broker\" has no storage \"logs\""}},
        RuleCase{"StorageMountPathRelative",
                 [](App& a, Cluster&) { Broker(a).storage[0].mount_path = "data"; },
                 {"spec.roles[1].storage[0].mountPath: invalid path \"data\": must be absolute"}},
        RuleCase{"AccessMode",
                 [](App& a, Cluster&) { Broker(a).storage[0].access_modes = {"ReadWriteSometimes"}; },
                 {"spec.roles[1].storage[0].accessModes[0]: invalid access mode "
                  "\"ReadWriteSometimes\": must be one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, "
                  "ReadWriteOncePod"}},
        // Port references.
        RuleCase{"ProbeUnknownPort",
                 [](App& a, Cluster&) { Broker(a).probes.readiness->handler.port.name = "client"; },
                 {"spec.roles[1].probes.readiness.tcp.port: unknown port \"client\" (role \"broker\" "
                  "has ports: kafka)"}},
        RuleCase{"ProbePortByNumber",
                 [](App& a, Cluster&) { Broker(a).probes.readiness->handler.port = {.number = 9092}; },
                 {}},
        RuleCase{"ServiceUnknownPort",
                 [](App& a, Cluster&) { Broker(a).services[0].ports = {"kafka", "jmx"}; },
                 {"spec.roles[1].services[0].ports[1]: unknown port \"jmx\" (role \"broker\" has "
                  "ports: kafka)"}},
        RuleCase{"ServiceWithoutPorts",
                 [](App& a, Cluster&) { Broker(a).services[0].ports.clear(); },
                 {"spec.roles[1].services[0].ports: at least one port is required"}},
        RuleCase{"TemplateUnknownPort",
                 [](App& a, Cluster&) {
                   Zk(a).config[0].data[0].second = "{{roles.zookeeper.ports.admin}}";
                 },
                 {"spec.roles[0].config[0].data.clientPort: undefined variable "
                  "\"roles.zookeeper.ports.admin\" (roles.zookeeper.ports has: client, peer)"}},
        // Dependencies.
        RuleCase{"DependsOnUnknown",
                 [](App& a, Cluster&) { Broker(a).depends_on.push_back("kraft"); },
                 {"spec.roles[1].dependsOn[1]: unknown role \"kraft\""}},
        RuleCase{"DependsOnCycle",
                 [](App& a, Cluster&) { Zk(a).depends_on = {"broker"}; },
                 {"spec.roles[0].dependsOn: dependency cycle: zookeeper -> broker -> zookeeper"}},
        RuleCase{"DependsOnCyclesOnceEachNotTheirTails",
                 // a <-> b, c -> d -> e -> c, and f depending into a cycle
                 // (f is on none): two errors, each at its cycle's first role.
                 [](App& a, Cluster&) {
                   Broker(a).depends_on = {};
                   for (const char* name : {"a", "b", "c", "d", "e", "f"}) {
                     Role r = Broker(a);
                     r.name = name;
                     r.services.clear();
                     a.roles.push_back(r);
                   }
                   a.roles[2].depends_on = {"b"};
                   a.roles[3].depends_on = {"a"};
                   a.roles[4].depends_on = {"d"};
                   a.roles[5].depends_on = {"e"};
                   a.roles[6].depends_on = {"c"};
                   a.roles[7].depends_on = {"a", "zookeeper"};
                 },
                 {"spec.roles[2].dependsOn: dependency cycle: a -> b -> a",
                  "spec.roles[4].dependsOn: dependency cycle: c -> d -> e -> c"}},
        RuleCase{"ConfigMapNamesOfOneRoleShadowAnother",
                 [](App& a, Cluster&) {
                   Role r = Zk(a);
                   r.name = "zookeeper-config-old";
                   r.quorum = Quorum::kNone;
                   r.cardinality = *Cardinality::Parse("2");
                   a.roles.push_back(r);
                 },
                 {"spec.roles[2].name: the ConfigMaps of role \"zookeeper-config-old\" would be "
                  "named like those of role \"zookeeper\" (<cluster>-zookeeper-config-...)"}},
        RuleCase{"DependsOnSelf",
                 [](App& a, Cluster&) { Zk(a).depends_on = {"zookeeper"}; },
                 {"spec.roles[0].dependsOn[0]: a role cannot depend on itself"}},
        // Templates.
        RuleCase{"TemplateInEnv",
                 [](App& a, Cluster&) { Broker(a).env = {{.name = "ZK", .value = "{{roles.zk.hosts}}"}}; },
                 {"spec.roles[1].env[0].value: undefined variable \"roles.zk.hosts\" (roles has: "
                  "broker, zookeeper)"}},
        RuleCase{"TemplateInArgsAndCommand",
                 [](App& a, Cluster&) {
                   Broker(a).command = {"{{app.name}}"};
                   Broker(a).args = {"{{cluster.nme}}"};
                 },
                 {"spec.roles[1].args[0]: undefined variable \"cluster.nme\" (did you mean "
                  "\"cluster.name\"? cluster has: domain, name, namespace)"}},
        RuleCase{"TemplateMembersSection",
                 [](App& a, Cluster&) {
                   ConfigFile f{.path = "/conf/s.txt", .format = ConfigFormat::kText};
                   f.template_text =
                       "{{#roles.zookeeper.members}}{{ordinal}} {{fqdn}}\n{{/roles.zookeeper.members}}";
                   Zk(a).config.push_back(f);
                 },
                 {}},
        RuleCase{"TemplateConnectionDefinedByCluster",
                 [](App& a, Cluster& c) {
                   Broker(a).env = {{.name = "DB", .value = "{{connections.db.endpoint}}"}};
                   c.connections = {{.name = "db", .endpoint = "db:5432"}};
                 },
                 {}},
        RuleCase{"TemplateConnectionMissing",
                 [](App& a, Cluster&) {
                   Broker(a).env = {{.name = "DB", .value = "{{connections.db.endpoint}}"}};
                 },
                 {"spec.connections: connection \"db\" is used by the templates of App \"kafka\" but "
                  "not defined"}},
        RuleCase{"ClusterEnvTemplate",
                 [](App&, Cluster& c) { c.roles[1].env = {{.name = "X", .value = "{{app.vesion}}"}}; },
                 {"spec.roles[1].env[0].value: undefined variable \"app.vesion\" (did you mean "
                  "\"app.version\"? app has: name, version)"}},
        RuleCase{"ClusterConfigOverrideTemplate",
                 [](App&, Cluster& c) {
                   c.roles[0].config["/conf/zoo.cfg"] = {{"maxClientCnxns", "{{x}}"}};
                 },
                 {"spec.roles[0].config[\"/conf/zoo.cfg\"].maxClientCnxns: undefined variable \"x\" "
                  "(the top level has: app, cluster, connections, roles)"}},
        RuleCase{"ClusterConfigOverrideUnknownFile",
                 [](App&, Cluster& c) { c.roles[0].config["/conf/x.cfg"] = {{"a", "1"}}; },
                 {"spec.roles[0].config[\"/conf/x.cfg\"]: role \"zookeeper\" has no config file "
                  "\"/conf/x.cfg\""}},
        RuleCase{"TextConfigTakesNoData",
                 [](App& a, Cluster&) { Zk(a).config[0].format = ConfigFormat::kText; },
                 {"spec.roles[0].config[0].data: a text file takes template, not data"}},
        // Rollout.
        RuleCase{"MaxUnavailableZero",
                 [](App& a, Cluster&) { Broker(a).rollout.max_unavailable = {.value = 0}; },
                 {"spec.roles[1].rollout.maxUnavailable: invalid value \"0\": must be an integer "
                  ">= 1 or a percentage \"1%\"..\"100%\""}},
        RuleCase{"MaxUnavailable101Percent",
                 [](App& a, Cluster&) {
                   Broker(a).rollout.max_unavailable = {.value = 101, .percent = true};
                 },
                 {"spec.roles[1].rollout.maxUnavailable: invalid value \"101%\": must be an integer "
                  ">= 1 or a percentage \"1%\"..\"100%\""}},
        RuleCase{"MaxUnavailableBounds",
                 [](App& a, Cluster&) {
                   Broker(a).rollout.max_unavailable = {.value = 100, .percent = true};
                   Zk(a).rollout.max_unavailable = {.value = 1, .percent = true};
                 },
                 {}},
        RuleCase{"FollowersFirstNeedsLeaderLabel",
                 [](App& a, Cluster&) { Zk(a).rollout.order = RolloutOrder::kFollowersFirst; },
                 {"spec.roles[0].rollout.leaderLabel: required when order is followersFirst (the pod "
                  "label whose value \"true\" marks the leader)"}},
        RuleCase{"FollowersFirstWithLeaderLabel",
                 [](App& a, Cluster&) {
                   Zk(a).rollout.order = RolloutOrder::kFollowersFirst;
                   Zk(a).rollout.leader_label = "strata.dev/leader";
                 },
                 {}},
        RuleCase{"GateExecOnly",
                 [](App& a, Cluster&) {
                   Handler h{.kind = Handler::Kind::kHttp, .port = {.name = "kafka"}};
                   Broker(a).rollout.gate = Gate{.handler = h};
                 },
                 {"spec.roles[1].rollout.gate.http: not allowed here: only exec"}},
        RuleCase{"GateExec",
                 [](App& a, Cluster&) {
                   Broker(a).rollout.gate =
                       Gate{.handler = {.kind = Handler::Kind::kExec, .command = {"true"}}};
                 },
                 {}},
        RuleCase{"MemberLeaveExecOnly",
                 [](App& a, Cluster&) {
                   Broker(a).lifecycle.member_leave =
                       Handler{.kind = Handler::Kind::kTcp, .port = {.name = "kafka"}};
                 },
                 {"spec.roles[1].lifecycle.memberLeave.tcp: not allowed here: only exec"}},
        RuleCase{"PreStopHttpIsFine",
                 [](App& a, Cluster&) {
                   Broker(a).lifecycle.pre_stop =
                       Handler{.kind = Handler::Kind::kHttp, .path = "/stop", .port = {.number = 8080}};
                 },
                 {}},
        RuleCase{"LeaderProbeExecOnly",
                 [](App& a, Cluster&) {
                   Zk(a).rollout.leader_probe =
                       Handler{.kind = Handler::Kind::kGrpc, .port = {.name = "client"}};
                 },
                 {"spec.roles[0].rollout.leaderProbe.grpc: not allowed here: only exec"}},
        RuleCase{"ReadyTimeoutPositive",
                 [](App& a, Cluster&) { Broker(a).rollout.ready_timeout_seconds = 0; },
                 {"spec.roles[1].rollout.readyTimeoutSeconds: 0 is invalid: must be >= 1"}},
        RuleCase{"ReadyTimeoutSet",
                 [](App& a, Cluster&) { Broker(a).rollout.ready_timeout_seconds = 20; },
                 {}},
        // Probes.
        RuleCase{"ProbeWithoutHandler",
                 [](App& a, Cluster&) { Broker(a).probes.liveness = Probe{}; },
                 {"spec.roles[1].probes.liveness: exactly one of exec, http, tcp, grpc is required"}},
        RuleCase{"ProbeTiming",
                 [](App& a, Cluster&) {
                   Broker(a).probes.readiness->period_seconds = 0;
                   Broker(a).probes.readiness->initial_delay_seconds = 0;
                 },
                 {"spec.roles[1].probes.readiness.periodSeconds: 0 is invalid: must be >= 1"}},
        // Security.
        RuleCase{"CapabilityWarning",
                 [](App& a, Cluster&) { Broker(a).security.capabilities = {"NET_BIND_SERVICE", "SYS_ADMIN"}; },
                 {"spec.roles[1].security.capabilities[1]: warning: capability SYS_ADMIN is outside "
                  "the restricted Pod Security Standard (which allows only NET_BIND_SERVICE)"}},
        RuleCase{"CapabilityName",
                 [](App& a, Cluster&) { Broker(a).security.capabilities = {"CAP_IPC_LOCK"}; },
                 {"spec.roles[1].security.capabilities[0]: invalid capability \"CAP_IPC_LOCK\": must "
                  "be a capability name without CAP_, such as IPC_LOCK"}},
        RuleCase{"RunAsRoot", [](App& a, Cluster&) { Broker(a).security.run_as_user = 0; },
                 {"spec.roles[1].security.runAsUser: 0 is invalid: must be >= 1 (non-root)"}},
        // Member-count warnings.
        RuleCase{"EvenQuorum",
                 [](App& a, Cluster& c) {
                   Zk(a).cardinality = {.min = 3};
                   c.roles[0].members = 4;
                 },
                 {"spec.roles[0].members: warning: 4 members under quorum majority tolerate no more "
                  "failures than 3"}},
        RuleCase{"OneMember",
                 [](App& a, Cluster& c) {
                   Broker(a).cardinality = {.min = 1};
                   c.roles[1].members = 1;
                 },
                 {"spec.roles[1].members: warning: a role of one member gets no "
                  "PodDisruptionBudget"}},
        RuleCase{"ZeroMembersOfOptionalRole",
                 [](App& a, Cluster& c) {
                   Broker(a).cardinality = {.min = 0};
                   c.roles.pop_back();
                 },
                 {}},
        // Name budgets.
        RuleCase{"StatefulSetNameAt52",
                 [](App&, Cluster& c) { c.name = "e" + std::string(51 - 1 - 9, 'x'); },  // +-zookeeper
                 {}},
        RuleCase{"StatefulSetNameOver52",
                 [](App&, Cluster& c) { c.name = "e" + std::string(52 - 1 - 9, 'x'); },
                 {"metadata.name: StatefulSet name \"e" + std::string(42, 'x') +
                  "-zookeeper\" is 53 characters; at most 52 are allowed (the "
                  "controller-revision-hash label must fit in 63)"}},
        RuleCase{"ServiceNameOver63",
                 [](App& a, Cluster&) { Broker(a).services[0].name = std::string(50, 's'); },
                 {"metadata.name: Service name \"events-broker-" + std::string(50, 's') +
                  "\" is 64 characters; at most 63 are allowed"}},
        RuleCase{"PerMemberServiceNameAt63",
                 [](App& a, Cluster& c) {
                   Broker(a).services[0].name = std::string(47, 's');
                   Broker(a).services[0].per_member = true;
                   c.roles[1].members = 10;  // events-broker-9-sss...: 63 characters.
                 },
                 {}}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

TEST(RuleTest, PerMemberBudgetCountsTheHighestOrdinal) {
  Documents docs = BaseDocuments();
  App app = docs.apps[0].app;
  Cluster cluster = docs.clusters[0].cluster;
  app.roles[1].services[0].name = std::string(47, 's');
  app.roles[1].services[0].per_member = true;
  cluster.roles[1].members = 11;  // events-broker-10-sss...: 64 characters.
  EXPECT_EQ(Render(CheckTopology(app, cluster)),
            std::vector<std::string>{"spec.roles[1].members: Service name \"events-broker-10-" +
                                     std::string(47, 's') +
                                     "\" is 64 characters; at most 63 are allowed"});
}

TEST(CheckTest, LocatesAndSortsAcrossDocuments) {
  const std::string text = std::string(kBase) + R"(---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: other}
spec:
  app: kafka
  roles:
  - {name: broker, members: 2}
  - {name: zookeeper, members: 4}
)";
  absl::StatusOr<Documents> docs = Load({{"x.yaml", text}});
  ASSERT_THAT(docs, IsOk());
  EXPECT_EQ(Render(Check(*docs)),
            (std::vector<std::string>{
                "x.yaml:44:29: spec.roles[0].members: 2 does not satisfy cardinality \"3+\"",
                "x.yaml:45:32: spec.roles[1].members: 4 does not satisfy cardinality \"3\"",
                "x.yaml:45:32: spec.roles[1].members: warning: 4 members under quorum majority "
                "tolerate no more failures than 3"}));
}

TEST(CheckTest, UnknownAppAndDuplicates) {
  const std::string text = std::string(kBase) + R"(---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: events, namespace: data}
spec: {app: kafka}
---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: lost}
spec: {app: kafak}
)";
  absl::StatusOr<Documents> docs = Load({{"x.yaml", text}, {"y.yaml", kBase}});
  ASSERT_THAT(docs, IsOk());
  std::vector<std::string> found = Render(Check(*docs));
  EXPECT_THAT(found, ::testing::Contains(
                         "x.yaml:40:18: metadata.name: duplicate Cluster \"events\" in namespace "
                         "\"data\" (also in x.yaml)"));
  EXPECT_THAT(found, ::testing::Contains(
                         "x.yaml:46:13: spec.app: no App named \"kafak\" was given (Apps: "
                         "\"kafka\", \"kafka\")"));
  EXPECT_THAT(found, ::testing::Contains("y.yaml:3:18: metadata.name: duplicate App \"kafka\" "
                                         "(also in x.yaml)"));
}

TEST(ValidateTest, StatusCarriesTheErrorsOnly) {
  Documents docs = BaseDocuments();
  EXPECT_THAT(Validate(docs), IsOk());
  docs.clusters[0].cluster.roles[1].members = 1;
  docs.apps[0].app.roles[1].security.capabilities = {"IPC_LOCK"};
  absl::Status s = Validate(docs);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("spec.roles[1].members: 1 does not satisfy cardinality \"3+\"")));
  EXPECT_EQ(DiagnosticsFromStatus(s).size(), 3u);  // The error and both warnings ride along.
}

TEST(ResolveTest, PairsEachClusterWithItsApp) {
  Documents docs = BaseDocuments();
  absl::StatusOr<std::vector<Topology>> topologies = Resolve(docs);
  ASSERT_THAT(topologies, IsOk());
  ASSERT_EQ(topologies->size(), 1u);
  EXPECT_EQ((*topologies)[0].app, docs.apps[0].app);
  EXPECT_EQ((*topologies)[0].cluster, docs.clusters[0].cluster);
  docs.clusters[0].cluster.app = "nope";
  EXPECT_THAT(Resolve(docs), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("spec.app: no App named \"nope\"")));
}

}  // namespace
}  // namespace strata
