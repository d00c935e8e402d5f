// A small App + Cluster (tests/testdata/sim/small.yaml) compiled once, for the
// fuzzers whose input is not the topology itself (observed state, templates).

#ifndef STRATA_FUZZ_SAMPLE_TOPOLOGY_H_
#define STRATA_FUZZ_SAMPLE_TOPOLOGY_H_

#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/validate.h"

namespace strata::fuzz {

inline constexpr char kSampleTopology[] = R"(apiVersion: strata.dev/v1
kind: App
metadata: {name: kv}
spec:
  version: "1.0"
  roles:
  - name: store
    image: kv-store:1.0
    cardinality: "3+"
    quorum: majority
    ports: [{name: peer, port: 7000}]
    storage:
    - {name: data, mountPath: /data, size: 1Gi}
    config:
    - path: /etc/kv/kv.conf
      format: properties
      data: {peers: "{{#roles.store.members}}{{fqdn}},{{/roles.store.members}}"}
    rollout:
      minReadySeconds: 5
      gate: {exec: {command: ["/bin/kv-can-restart"]}}
  - name: worker
    image: kv-worker:1.0
    cardinality: "1+"
    dependsOn: [store]
    ports: [{name: http, port: 8080}]
---
apiVersion: strata.dev/v1
kind: Cluster
metadata: {name: kv1, namespace: sim}
spec:
  app: kv
  roles:
  - {name: store, members: 3}
  - {name: worker, members: 2}
)";

// The sample's topology; aborts if it does not load (a broken fuzzer).
inline const Topology& SampleTopology() {
  static const Topology* topology = [] {
    absl::StatusOr<Documents> docs = Load({{.name = "sample.yaml", .text = kSampleTopology}});
    FUZZ_CHECK(docs.ok(), docs.status().ToString());
    absl::StatusOr<std::vector<Topology>> t = Resolve(*docs);
    FUZZ_CHECK(t.ok() && t->size() == 1, t.status().ToString());
    return new Topology((*t)[0]);
  }();
  return *topology;
}

inline const CompiledCluster& SampleCompiled() {
  static const CompiledCluster* compiled = [] {
    absl::StatusOr<CompiledCluster> c = Compile(SampleTopology(), CompileOptions{});
    FUZZ_CHECK(c.ok(), c.status().ToString());
    return new CompiledCluster(*std::move(c));
  }();
  return *compiled;
}

}  // namespace strata::fuzz

#endif  // STRATA_FUZZ_SAMPLE_TOPOLOGY_H_
