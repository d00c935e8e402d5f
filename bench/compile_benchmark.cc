// Compile throughput over the generated topology of issue 17: one App of 1 to
// 10,000 roles (bench/peers/gen_topology.py's rules: each role 3 members, 2-3
// named ports, TCP readiness and liveness probes, requests and limits, one
// properties file, a 10Gi/100Gi volume, a client Service; 5 objects per
// role), and one role of 1 to 100,000 members. Every figure comes with its
// reference from the same run: objects per second and microseconds per object
// (flat when linear), the emitter against memcpy of the same bytes, and the
// parallel compile against the serial one. See bench/README.md ("compile").
//
//   build/compile_benchmark --benchmark_min_time=0.3

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "bench_util.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/emit.h"
#include "strata/validate.h"

namespace strata {
namespace {

// The App and Cluster text gen_topology.py writes for `roles` roles of
// `members` members each (3 for the topology).
std::string TopologyYaml(int roles, int members = 3) {
  std::string y = "apiVersion: strata.dev/v1\nkind: App\nmetadata:\n  name: bench\n"
                  "spec:\n  version: \"1.0.0\"\n  roles:\n";
  for (int i = 0; i < roles; ++i) {
    absl::StrAppend(&y, "  - name: role-", i, "\n    image: example.com/bench/role-", i % 10,
                    ":1.", i % 7, "\n    cardinality: \"", members, "\"\n    ports:\n",
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

// The topology of TopologyYaml(roles, members); aborts when it does not load
// (a benchmark of an empty topology would measure nothing).
Topology GenerateTopology(int roles, int members = 3) {
  absl::StatusOr<Documents> docs = Load({Source{"bench.yaml", TopologyYaml(roles, members)}});
  absl::StatusOr<std::vector<Topology>> t =
      docs.ok() ? Resolve(*docs) : absl::StatusOr<std::vector<Topology>>(docs.status());
  if (!t.ok() || t->empty()) {
    std::fprintf(stderr, "generated topology (%d roles, %d members) does not load: %s\n", roles,
                 members, t.ok() ? "no Cluster" : std::string(t.status().message()).c_str());
    std::abort();
  }
  return (*t)[0];
}

void PerObject(benchmark::State& state, double objects_per_iteration) {
  state.counters["objects/s"] = benchmark::Counter(
      objects_per_iteration * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  // Seconds per object (printed as e.g. "20.1us"): flat across sizes when linear.
  state.counters["per_object"] = benchmark::Counter(
      objects_per_iteration * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Compile + YAML, one thread: the in-process row of the table (its
// peer is cdk8s' synthYaml(), timed by bench/peers/run.sh).
void BM_CompileTopology(benchmark::State& state) {
  Topology t = GenerateTopology(static_cast<int>(state.range(0)));
  size_t objects = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
    if (!c.ok()) {
      state.SkipWithError(std::string(c.status().message()).c_str());
      return;
    }
    std::string yaml = ToYaml(c->objects);
    objects = c->objects.size();
    bytes += static_cast<int64_t>(yaml.size());
    benchmark::DoNotOptimize(yaml);
  }
  PerObject(state, static_cast<double>(objects));
  state.SetBytesProcessed(bytes);
  state.counters["roles"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_CompileTopology)->RangeMultiplier(10)->Range(1, 10000)->Unit(benchmark::kMillisecond);

// The same on every core, as `strata compile` runs it: roles compiled in
// parallel, then the YAML written in parallel ranges. Wall time (the counter
// `serial_x` is the serial run's wall time over this one's: the speed-up).
void BM_CompileTopologyParallel(benchmark::State& state) {
  Topology t = GenerateTopology(static_cast<int>(state.range(0)));
  const size_t threads = std::max(1u, std::thread::hardware_concurrency());
  CompileOptions parallel;
  parallel.parallel_for = [&](size_t n, const std::function<void(size_t)>& body) {
    bench::ParallelFor(n, body, threads);
  };
  auto run = [&](const CompileOptions& options, size_t ways) {
    absl::StatusOr<CompiledCluster> c = Compile(t, options);
    if (!c.ok()) return size_t{0};
    std::vector<std::string> parts(ways);
    const size_t n = c->objects.size();
    bench::ParallelFor(ways, [&](size_t r) {
      for (size_t i = n * r / ways; i < n * (r + 1) / ways; ++i) {
        parts[r] += "---\n";
        AppendYaml(c->objects[i].body, parts[r]);
      }
    }, ways == 1 ? 1 : threads);
    benchmark::DoNotOptimize(parts);
    return n;
  };
  double serial = bench::SecondsPerCall([&] { run(CompileOptions{}, 1); }, bench::WallSeconds);
  size_t objects = 0;
  bench::LoopTimer timer(bench::WallSeconds);
  for (auto _ : state) objects = run(parallel, threads * 4);
  double wall = timer.SecondsPer(state.iterations());
  PerObject(state, static_cast<double>(objects));
  state.counters["threads"] = static_cast<double>(threads);
  state.counters["serial_x"] = wall > 0 ? serial / wall : 0;
}
BENCHMARK(BM_CompileTopologyParallel)
    ->RangeMultiplier(10)
    ->Range(1, 10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One role of 1 to 10,000 members (a role allows at most 16,384): compile
// stays linear in members (the template context lists every member; the
// objects do not grow).
void BM_CompileMembers(benchmark::State& state) {
  Topology t = GenerateTopology(1, static_cast<int>(state.range(0)));
  for (auto _ : state) {
    absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
    if (!c.ok()) {
      state.SkipWithError(std::string(c.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(c);
  }
  state.counters["per_member"] = benchmark::Counter(
      static_cast<double>(state.range(0)) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CompileMembers)->RangeMultiplier(10)->Range(1, 10000)->Unit(benchmark::kMillisecond);

// Validation alone (Compile runs CheckTopology first), to see its share.
void BM_CheckTopology(benchmark::State& state) {
  Topology t = GenerateTopology(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::vector<Diagnostic> d = CheckTopology(t.app, t.cluster);
    benchmark::DoNotOptimize(d);
  }
  PerObject(state, 5.0 * static_cast<double>(state.range(0)));
}
BENCHMARK(BM_CheckTopology)->RangeMultiplier(10)->Range(1, 10000)->Unit(benchmark::kMillisecond);

// `strata validate` in process: Load (YAML parse), Check and Resolve of the
// generated text, the "validate of that 860 KB file" row. Its
// reference: reading the text once (memcpy of the same bytes).
void BM_LoadCheckResolve(benchmark::State& state) {
  std::vector<Source> sources = {Source{"bench.yaml", TopologyYaml(static_cast<int>(state.range(0)))}};
  const size_t bytes = sources[0].text.size();
  double memcpy_s = bench::MemcpySeconds(bytes);
  bench::LoopTimer timer;
  for (auto _ : state) {
    absl::StatusOr<Documents> docs = Load(sources);
    if (!docs.ok()) {
      state.SkipWithError(std::string(docs.status().message()).c_str());
      return;
    }
    std::vector<Diagnostic> d = Check(*docs);
    absl::StatusOr<std::vector<Topology>> t = Resolve(*docs);
    benchmark::DoNotOptimize(d);
    benchmark::DoNotOptimize(t);
  }
  double wall = timer.SecondsPer(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes));
  PerObject(state, 5.0 * static_cast<double>(state.range(0)));
  state.counters["input_kB"] = static_cast<double>(bytes) / 1000;
  state.counters["memcpy_x"] = memcpy_s > 0 ? wall / memcpy_s : 0;
}
BENCHMARK(BM_LoadCheckResolve)->RangeMultiplier(10)->Range(1, 10000)->Unit(benchmark::kMillisecond);

// The emitter alone, against memcpy of the same bytes (`memcpy_x`: how many
// times slower than copying the output once).
void BM_ToYaml(benchmark::State& state) {
  absl::StatusOr<CompiledCluster> c =
      Compile(GenerateTopology(static_cast<int>(state.range(0))), CompileOptions{});
  if (!c.ok()) {
    state.SkipWithError(std::string(c.status().message()).c_str());
    return;
  }
  const size_t size = ToYaml(c->objects).size();
  double memcpy_s = bench::MemcpySeconds(size);
  bench::LoopTimer timer;
  for (auto _ : state) {
    std::string yaml = ToYaml(c->objects);
    benchmark::DoNotOptimize(yaml);
  }
  double wall = timer.SecondsPer(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size));
  PerObject(state, static_cast<double>(c->objects.size()));
  state.counters["memcpy_x"] = memcpy_s > 0 ? wall / memcpy_s : 0;
}
BENCHMARK(BM_ToYaml)->RangeMultiplier(10)->Range(1, 10000)->Unit(benchmark::kMillisecond);

// The JSON writer (compile -o json, --out-dir -o json), the same way.
void BM_ToJsonList(benchmark::State& state) {
  absl::StatusOr<CompiledCluster> c =
      Compile(GenerateTopology(static_cast<int>(state.range(0))), CompileOptions{});
  if (!c.ok()) {
    state.SkipWithError(std::string(c.status().message()).c_str());
    return;
  }
  const size_t size = ToJsonList(c->objects).size();
  double memcpy_s = bench::MemcpySeconds(size);
  bench::LoopTimer timer;
  for (auto _ : state) {
    std::string json = ToJsonList(c->objects);
    benchmark::DoNotOptimize(json);
  }
  double wall = timer.SecondsPer(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size));
  state.counters["memcpy_x"] = memcpy_s > 0 ? wall / memcpy_s : 0;
}
BENCHMARK(BM_ToJsonList)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
