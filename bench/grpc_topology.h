// The generated two-role topology the gRPC programs in bench/ send
// (grpc_load_benchmark, grpc_soak_benchmark): a ZooKeeper-like quorum role and
// a broker role depending on it, as one App + Cluster YAML text.

#ifndef STRATA_BENCH_GRPC_TOPOLOGY_H_
#define STRATA_BENCH_GRPC_TOPOLOGY_H_

#include <string>

#include "absl/strings/str_cat.h"

namespace strata::bench {

struct KafkaLike {
  int zookeeper_members = 3;
  int broker_members = 3;
  std::string broker_image = "apache/kafka:3.7.0";
  std::string broker_cardinality = "1+";
  // The brokers get ZK={{roles.zookeeper.hosts}} (a template to render).
  bool broker_env = false;
};

inline std::string Topology(const KafkaLike& t) {
  return absl::StrCat(R"(apiVersion: strata.dev/v1
kind: App
metadata: {name: kafka}
spec:
  version: "3.7.0"
  roles:
  - name: zookeeper
    image: zookeeper:3.9.2
    cardinality: "1+"
    quorum: majority
    ports: [{name: client, port: 2181}, {name: peer, port: 2888}]
    storage: [{name: data, mountPath: /data, size: 1Gi}]
    probes:
      readiness: {tcp: {port: client}}
  - name: broker
    image: )", t.broker_image, R"(
    cardinality: ")", t.broker_cardinality, R"("
    ports: [{name: kafka, port: 9092}]
    dependsOn: [zookeeper]
    storage: [{name: logs, mountPath: /logs, size: 10Gi}]
)", t.broker_env ? "    env: [{name: ZK, value: \"{{roles.zookeeper.hosts}}\"}]\n" : "",
                      R"(---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: events, namespace: data}
spec:
  app: kafka
  roles:
  - {name: zookeeper, members: )", t.zookeeper_members, R"(}
  - {name: broker, members: )", t.broker_members, R"(}
)");
}

}  // namespace strata::bench

#endif  // STRATA_BENCH_GRPC_TOPOLOGY_H_
