// Compile throughput over generated topologies of 1 to 10,000 roles, each
// with 3 members, a config file, a client Service and storage; role i
// depends on role i/2 (a tree, a few levels deep, like real dependsOn
// graphs). Reports objects/s and bytes/s of the YAML output. See
// bench/README.md ("compile").

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "strata/compile.h"
#include "strata/emit.h"

namespace strata {
namespace {

Topology GenerateTopology(int roles) {
  Topology t;
  t.app.name = "bench";
  t.app.version = "1.0.0";
  for (int i = 0; i < roles; ++i) {
    Role r;
    r.name = "r" + std::to_string(i);
    r.image = "example.com/bench:1.0";
    r.cardinality = *Cardinality::Parse("3+");
    r.ports = {{.name = "client", .port = 9000}, {.name = "peer", .port = 9001}};
    r.env = {{.name = "PEERS", .value = "{{roles." + r.name + ".hosts}}"},
             {.name = "PASSWORD", .secret = SecretKeyRef{"bench", "password"}}};
    r.resources.requests = {{"cpu", *Quantity::Parse("500m")}, {"memory", *Quantity::Parse("1Gi")}};
    r.storage = {Storage{.name = "data", .mount_path = "/data", .size = *Quantity::Parse("10Gi")}};
    Probe ready;
    ready.handler.kind = Handler::Kind::kTcp;
    ready.handler.port = PortRef{.name = "client"};
    r.probes.readiness = ready;
    ConfigFile f{.path = "/conf/app.properties", .format = ConfigFormat::kProperties};
    f.data = {{"cluster", "{{cluster.name}}"},
              {"port", "{{roles." + r.name + ".ports.client}}"},
              {"members", "{{roles." + r.name + ".count}}"}};
    r.config = {f};
    r.services = {ServiceSpec{.name = "client", .ports = {"client"}}};
    if (i > 0) r.depends_on = {"r" + std::to_string(i / 2)};
    t.app.roles.push_back(std::move(r));
  }
  t.cluster.name = "bench";
  t.cluster.namespace_ = "bench";
  t.cluster.app = "bench";
  return t;
}

void BM_CompileTopology(benchmark::State& state) {
  Topology t = GenerateTopology(static_cast<int>(state.range(0)));
  int64_t objects = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
    if (!c.ok()) {
      state.SkipWithError(std::string(c.status().message()).c_str());
      return;
    }
    std::string yaml = ToYaml(c->objects);
    objects += static_cast<int64_t>(c->objects.size());
    bytes += static_cast<int64_t>(yaml.size());
    benchmark::DoNotOptimize(yaml);
  }
  state.counters["objects/s"] = benchmark::Counter(static_cast<double>(objects), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(bytes);
  state.counters["roles"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_CompileTopology)->RangeMultiplier(10)->Range(1, 10000)->Unit(benchmark::kMillisecond);

// Validation alone (Compile runs CheckTopology first), to see its share.
void BM_CheckTopology(benchmark::State& state) {
  Topology t = GenerateTopology(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::vector<Diagnostic> d = CheckTopology(t.app, t.cluster);
    benchmark::DoNotOptimize(d);
  }
  state.counters["roles/s"] = benchmark::Counter(
      static_cast<double>(state.range(0)) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CheckTopology)->RangeMultiplier(10)->Range(1, 10000)->Unit(benchmark::kMillisecond);

// Emission alone, to separate it from compilation.
void BM_ToYaml(benchmark::State& state) {
  absl::StatusOr<CompiledCluster> c =
      Compile(GenerateTopology(static_cast<int>(state.range(0))), CompileOptions{});
  if (!c.ok()) {
    state.SkipWithError(std::string(c.status().message()).c_str());
    return;
  }
  int64_t bytes = 0;
  for (auto _ : state) {
    std::string yaml = ToYaml(c->objects);
    bytes += static_cast<int64_t>(yaml.size());
    benchmark::DoNotOptimize(yaml);
  }
  state.SetBytesProcessed(bytes);
  state.counters["objects/s"] = benchmark::Counter(
      static_cast<double>(c->objects.size()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ToYaml)->RangeMultiplier(10)->Range(1, 10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
