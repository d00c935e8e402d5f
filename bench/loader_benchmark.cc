// The loader's parser against the one it replaced, in the same run (issue
// 18): Load() of bench/compile_benchmark's generated topology (1 to 1,000
// roles) with libyaml, next to yaml-cpp 0.7's LoadAll of the same text (the
// parse alone, less than the old loader did) and libyaml's bare event loop
// (the floor: no tree, no walk). See bench/README.md ("loader").
//
//   build/loader_benchmark --benchmark_min_time=0.3

#include <yaml.h>

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "strata/documents.h"
#include "yaml-cpp/yaml.h"

namespace strata {
namespace {

// bench/compile_benchmark.cc's TopologyYaml (gen_topology.py's rules).
std::string TopologyYaml(int roles) {
  std::string y = "apiVersion: strata.dev/v1\nkind: App\nmetadata:\n  name: bench\n"
                  "spec:\n  version: \"1.0.0\"\n  roles:\n";
  for (int i = 0; i < roles; ++i) {
    absl::StrAppend(&y, "  - name: role-", i, "\n    image: example.com/bench/role-", i % 10,
                    ":1.", i % 7, "\n    cardinality: \"3\"\n    ports:\n",
                    "    - {name: client, port: 9000}\n    - {name: peer, port: 9001}\n");
    if (i % 2) y += "    - {name: admin, port: 9002}\n";
    absl::StrAppend(
        &y,
        "    resources:\n      requests: {cpu: 500m, memory: 1Gi}\n"
        "      limits: {cpu: \"1\", memory: 1Gi}\n    storage:\n"
        "    - {name: data, mountPath: /data, size: ",
        i % 2 ? "100Gi" : "10Gi",
        "}\n    probes:\n      readiness: {tcp: {port: client}, periodSeconds: 10}\n"
        "      liveness: {tcp: {port: client}, initialDelaySeconds: 30, timeoutSeconds: 5}\n"
        "    config:\n    - path: /conf/app.properties\n      format: properties\n"
        "      data:\n        node.role: role-",
        i, "\n        client.port: \"{{roles.role-", i, ".ports.client}}\"\n",
        "        peer.port: \"{{roles.role-", i, ".ports.peer}}\"\n        data.dir: /data\n",
        "    services:\n    - name: client\n      ports: [client]\n");
  }
  y += "---\napiVersion: strata.dev/v1\nkind: Cluster\nmetadata:\n  name: bench\n"
       "  namespace: bench\nspec:\n  app: bench\n";
  return y;
}

void Bytes(benchmark::State& state, const std::string& text) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
  state.counters["roles"] = static_cast<double>(state.range(0));
}

// Load(): libyaml events -> tree -> proto walk -> model (the whole loader).
void BM_LoadLibyaml(benchmark::State& state) {
  const std::string text = TopologyYaml(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    absl::StatusOr<Documents> docs = Load({Source{.name = "bench.yaml", .text = text}});
    if (!docs.ok()) {
      state.SkipWithError(std::string(docs.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(docs);
  }
  Bytes(state, text);
}
BENCHMARK(BM_LoadLibyaml)->RangeMultiplier(10)->Range(1, 1000)->Unit(benchmark::kMillisecond);

// yaml-cpp 0.7's LoadAll of the same text: only the parse the old loader
// started with (its walk and conversion came on top).
void BM_ParseYamlCpp(benchmark::State& state) {
  const std::string text = TopologyYaml(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::vector<YAML::Node> nodes = YAML::LoadAll(text);
    benchmark::DoNotOptimize(nodes);
  }
  Bytes(state, text);
}
BENCHMARK(BM_ParseYamlCpp)->RangeMultiplier(10)->Range(1, 1000)->Unit(benchmark::kMillisecond);

// libyaml's event loop alone: what any libyaml-based loader pays at least.
void BM_LibyamlEvents(benchmark::State& state) {
  const std::string text = TopologyYaml(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    size_t events = 0;
    for (bool done = false; !done;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) break;
      done = event.type == YAML_STREAM_END_EVENT;
      ++events;
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    benchmark::DoNotOptimize(events);
  }
  Bytes(state, text);
}
BENCHMARK(BM_LibyamlEvents)->RangeMultiplier(10)->Range(1, 1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
