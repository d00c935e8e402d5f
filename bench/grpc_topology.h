// The topology the gRPC programs in bench/ send (grpc_load_benchmark,
// grpc_soak_benchmark): the Kafka fixture of the tests
// (tests/testdata/kafka-fixture.yaml), a ZooKeeper quorum role and a broker
// role depending on it, as one App + Cluster YAML text.

#ifndef STRATA_BENCH_GRPC_TOPOLOGY_H_
#define STRATA_BENCH_GRPC_TOPOLOGY_H_

#include <string>

#include "tests/testing/kafka_fixture.h"

namespace strata::bench {

using KafkaLike = strata::testing::KafkaFixture;

inline std::string Topology(const KafkaLike& t) { return strata::testing::KafkaFixtureYaml(t); }

}  // namespace strata::bench

#endif  // STRATA_BENCH_GRPC_TOPOLOGY_H_
