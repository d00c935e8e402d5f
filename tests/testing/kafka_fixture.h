// The Kafka fixture: a two-role App (quorum role "zookeeper", "broker"
// depending on it) and a Cluster "events" in namespace "data", kept once in
// tests/testdata/kafka-fixture.yaml and shared by the service tests, the
// gRPC benchmarks and (tests/python/strata_grpc_testing.py) the Python tests.
// Variants replace whole lines of that file, so every copy is the same text
// but for what the caller asks.
//
// Needs STRATA_SOURCE_DIR defined (the test and benchmark targets define it).

#ifndef STRATA_TESTING_KAFKA_FIXTURE_H_
#define STRATA_TESTING_KAFKA_FIXTURE_H_

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace strata::testing {

struct KafkaFixture {
  int zookeeper_members = 3;
  int broker_members = 3;
  std::string broker_image = "apache/kafka:3.7.0";
  std::string broker_cardinality = "1+";
  // The brokers get ZK={{roles.zookeeper.hosts}} (a template to render).
  bool broker_env = false;
};

inline std::string KafkaFixtureYaml(const KafkaFixture& f = {}) {
  const std::string path = STRATA_SOURCE_DIR "/tests/testdata/kafka-fixture.yaml";
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read the Kafka fixture %s\n", path.c_str());
    std::abort();
  }
  std::string out;
  std::string line;
  while (std::getline(in, line)) {
    if (line == "    image: apache/kafka:3.7.0") {
      line = absl::StrCat("    image: ", f.broker_image);
    } else if (line == "    cardinality: '1+'") {
      line = absl::StrCat("    cardinality: '", f.broker_cardinality, "'");
    } else if (line == "  - {name: zookeeper, members: 3}") {
      line = absl::StrCat("  - {name: zookeeper, members: ", f.zookeeper_members, "}");
    } else if (line == "  - {name: broker, members: 3}") {
      line = absl::StrCat("  - {name: broker, members: ", f.broker_members, "}");
    }
    absl::StrAppend(&out, line, "\n");
    if (line == "    dependsOn: [zookeeper]" && f.broker_env) {
      absl::StrAppend(&out, "    env: [{name: ZK, value: \"{{roles.zookeeper.hosts}}\"}]\n");
    }
  }
  return out;
}

}  // namespace strata::testing

#endif  // STRATA_TESTING_KAFKA_FIXTURE_H_
