// Topologies built in C++ for compile tests (no loader involved).

#ifndef STRATA_TESTS_COMPILE_TEST_TOPOLOGIES_H_
#define STRATA_TESTS_COMPILE_TEST_TOPOLOGIES_H_

#include <string>

#include "strata/validate.h"

namespace strata::testing {

inline Quantity Q(const std::string& text) { return *Quantity::Parse(text); }

// ZooKeeper (quorum, config files) + Kafka brokers depending on it.
inline Topology KafkaTopology() {
  Role zk;
  zk.name = "zookeeper";
  zk.image = "zookeeper:3.9.2";
  zk.cardinality = *Cardinality::Parse("3+");
  zk.quorum = Quorum::kMajority;
  zk.ports = {{.name = "client", .port = 2181}, {.name = "peer", .port = 2888},
              {.name = "leader", .port = 3888}};
  zk.env = {{.name = "ZOO_MY_ID_FROM", .value = "ordinal"},
            {.name = "ADMIN_PASSWORD", .secret = SecretKeyRef{"zk-admin", "password"}}};
  zk.resources.requests = {{"cpu", Q("500m")}, {"memory", Q("1Gi")}};
  zk.resources.limits = {{"memory", Q("1Gi")}};
  zk.storage = {Storage{.name = "data", .mount_path = "/data", .size = Q("10Gi")}};
  Probe ready;
  ready.handler.kind = Handler::Kind::kExec;
  ready.handler.command = {"sh", "-c", "echo ruok | nc 127.0.0.1 2181 | grep imok"};
  ready.period_seconds = 10;
  zk.probes.readiness = ready;
  Probe live;
  live.handler.kind = Handler::Kind::kTcp;
  live.handler.port = PortRef{.name = "client"};
  live.initial_delay_seconds = 30;
  zk.probes.liveness = live;
  ConfigFile zoo{.path = "/conf/zoo.cfg", .format = ConfigFormat::kProperties};
  zoo.data = {{"tickTime", "2000"},
              {"dataDir", "/data"},
              {"clientPort", "{{roles.zookeeper.ports.client}}"}};
  ConfigFile servers{.path = "/conf/ensemble/servers.txt", .format = ConfigFormat::kText,
                     .on_change = OnChange::kNone};
  servers.template_text =
      "{{#roles.zookeeper.members}}server.{{ordinal}}={{fqdn}}:2888:3888\n"
      "{{/roles.zookeeper.members}}";
  zk.config = {zoo, servers};
  zk.services = {ServiceSpec{.name = "client", .ports = {"client"}}};
  zk.security.fs_group = 1000;

  Role broker;
  broker.name = "broker";
  broker.image = "apache/kafka:3.7.0";
  broker.cardinality = *Cardinality::Parse("3+");
  broker.ports = {{.name = "kafka", .port = 9092}};
  broker.depends_on = {"zookeeper"};
  broker.env = {{.name = "KAFKA_ZOOKEEPER_CONNECT", .value = "{{roles.zookeeper.hosts}}"}};
  broker.storage = {Storage{.name = "logs", .mount_path = "/var/lib/kafka", .size = Q("100Gi")}};
  broker.services = {ServiceSpec{.name = "bootstrap", .ports = {"kafka"}},
                     ServiceSpec{.name = "external", .ports = {"kafka"},
                                 .type = ServiceType::kNodePort, .per_member = true}};
  broker.rollout.strategy = RolloutStrategy::kBestEffortParallel;
  broker.rollout.max_unavailable = IntOrPercent{.value = 50, .percent = true};

  Topology t;
  t.app.name = "kafka";
  t.app.version = "3.7.0";
  // Broker first in App order: dependsOn must still put zookeeper first.
  t.app.roles = {broker, zk};
  t.cluster.name = "events";
  t.cluster.namespace_ = "data";
  t.cluster.app = "kafka";
  t.cluster.labels = {{"team", "analytics"}};
  RoleOverride zko;
  zko.name = "zookeeper";
  zko.members = 3;
  t.cluster.roles = {zko};
  return t;
}

}  // namespace strata::testing

#endif  // STRATA_TESTS_COMPILE_TEST_TOPOLOGIES_H_
