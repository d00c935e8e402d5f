// Planning cost against cluster size: PlanRollout over one role of N members
// (10% on an old spec, 5% unready), beside the cost of merely parsing the
// observed state from kubectl-style JSON text. Inputs are generated in code.
//
//   build/plan_benchmark --benchmark_min_time=0.05
//
// Figures: bench/README.md, section "plan".

#include <cstdint>
#include <string>
#include <vector>

#include <simdjson.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "bench_util.h"
#include "strata/compile.h"
#include "strata/observed_state.h"
#include "strata/plan.h"

namespace strata {
namespace {

constexpr char kCluster[] = "bench";
constexpr char kNamespace[] = "data";
const absl::Time kNow = absl::FromUnixSeconds(1767225600);

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

Json Labels() {
  return {{"app.kubernetes.io/instance", kCluster},
          {"app.kubernetes.io/component", "db"},
          {"app.kubernetes.io/managed-by", "strata"}};
}

Json Selector() {
  return {{"app.kubernetes.io/instance", kCluster}, {"app.kubernetes.io/component", "db"}};
}

// One role "db" of `members` members with 10Gi of storage, serial rollout.
CompiledCluster Desired(int32_t members) {
  CompiledCluster c{.cluster = kCluster, .namespace_ = kNamespace, .app = "bench"};
  CompiledRole r;
  r.name = "db";
  r.members = members;
  r.stateful_set = "bench-db";
  r.spec_hash = "v1-00000000000000bb";
  r.role.name = "db";
  r.role.image = "db:2";
  r.role.rollout.min_ready_seconds = 10;
  Storage s;
  s.name = "data";
  s.mount_path = "/data";
  s.size = *Quantity::Parse("10Gi");
  r.storage = {s};
  r.role.storage = {s};
  c.roles.push_back(r);
  Json meta = {{"name", "bench-db"}, {"namespace", kNamespace}, {"labels", Labels()}};
  c.objects.push_back({"Service", "bench-db", "db",
                       {{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", meta},
                        {"spec", {{"clusterIP", "None"}, {"selector", Selector()}}}}});
  Json sts = {
      {"apiVersion", "apps/v1"},
      {"kind", "StatefulSet"},
      {"metadata", meta},
      {"spec",
       {{"replicas", members},
        {"serviceName", "bench-db"},
        {"selector", {{"matchLabels", Selector()}}},
        {"podManagementPolicy", "Parallel"},
        {"updateStrategy", {{"type", "OnDelete"}}},
        {"template",
         {{"metadata",
           {{"labels", Labels()}, {"annotations", {{"strata.dev/spec-hash", r.spec_hash}}}}},
          {"spec", {{"containers", Json::array({{{"name", "db"}, {"image", "db:2"}}})}}}}},
        {"volumeClaimTemplates",
         Json::array({{{"metadata", {{"name", "data"}, {"labels", Selector()}}},
                       {"spec",
                        {{"accessModes", Json::array({"ReadWriteOnce"})},
                         {"resources", {{"requests", {{"storage", "10Gi"}}}}}}}}})}}}};
  c.objects.push_back({"StatefulSet", "bench-db", "db", sts});
  c.objects.push_back({"PodDisruptionBudget", "bench-db", "db",
                       {{"apiVersion", "policy/v1"},
                        {"kind", "PodDisruptionBudget"},
                        {"metadata", meta},
                        {"spec", {{"maxUnavailable", 1}, {"selector", {{"matchLabels", Selector()}}}}}}});
  return c;
}

// What a cluster of `desired` reports mid-rollout: every 10th member on the
// old spec, every 20th (offset) not Ready; with server-added fields.
ObservedState Observed(const CompiledCluster& desired) {
  ObservedState s;
  const CompiledRole& r = desired.roles[0];
  for (const Object& o : desired.objects) {
    Json body = o.body;
    body["metadata"]["uid"] = "00000000-0000-4000-8000-000000000001";
    body["metadata"]["resourceVersion"] = "1";
    body["metadata"]["creationTimestamp"] = Rfc3339(kNow - absl::Hours(48));
    if (o.kind == "StatefulSet") s.stateful_sets.push_back(body);
    if (o.kind == "Service") s.services.push_back(body);
    if (o.kind == "PodDisruptionBudget") s.pod_disruption_budgets.push_back(body);
  }
  std::string since = Rfc3339(kNow - absl::Hours(1));
  std::string restarted = Rfc3339(kNow - absl::Seconds(30));  // Within its timeout.
  for (int32_t i = 0; i < r.members; ++i) {
    std::string name = absl::StrCat("bench-db-", i);
    bool old = i % 10 == 3;
    bool ready = i % 20 != 7;
    Json pod = {
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata",
         {{"name", name},
          {"namespace", kNamespace},
          {"uid", absl::StrCat("pod-", i)},
          {"creationTimestamp", since},
          {"labels", Labels()},
          {"annotations", {{"strata.dev/spec-hash", old ? "v1-00000000000000aa" : r.spec_hash}}}}},
        {"spec",
         {{"nodeName", absl::StrCat("node-", i % 50)},
          {"containers", Json::array({{{"name", "db"}, {"image", old ? "db:1" : "db:2"}}})}}},
        {"status",
         {{"phase", "Running"},
          {"startTime", ready ? since : restarted},
          {"conditions",
           Json::array({{{"type", "Ready"},
                         {"status", ready ? "True" : "False"},
                         {"lastTransitionTime", ready ? since : restarted}}})}}}};
    s.pods.push_back(std::move(pod));
    s.persistent_volume_claims.push_back(
        {{"apiVersion", "v1"},
         {"kind", "PersistentVolumeClaim"},
         {"metadata", {{"name", absl::StrCat("data-", name)}, {"namespace", kNamespace}}},
         {"spec", {{"resources", {{"requests", {{"storage", "10Gi"}}}}}}},
         {"status", {{"phase", "Bound"}, {"capacity", {{"storage", "10Gi"}}}}}});
  }
  return s;
}

void BM_PlanRollout(benchmark::State& state) {
  CompiledCluster desired = Desired(static_cast<int32_t>(state.range(0)));
  ObservedState observed = Observed(desired);
  size_t steps = 0;
  for (auto _ : state) {
    absl::StatusOr<Plan> plan = PlanRollout(desired, observed, PlanOptions{.now = kNow});
    if (!plan.ok()) state.SkipWithError(std::string(plan.status().message()).c_str());
    steps = plan->steps.size();
    benchmark::DoNotOptimize(plan);
  }
  state.counters["members"] = static_cast<double>(state.range(0));
  state.counters["steps"] = static_cast<double>(steps);
  state.counters["per_member"] = benchmark::Counter(
      static_cast<double>(state.range(0)) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PlanRollout)->RangeMultiplier(10)->Range(10, 100000)->Unit(benchmark::kMillisecond);

// Parsing kubectl's `-o json` text into ObservedState, against simdjson's
// own parse of the same text (`simdjson_x`: how many times slower than
// simdjson merely validating it into its tape; the physical reference).
void BM_ParseObservedStateJson(benchmark::State& state) {
  CompiledCluster desired = Desired(static_cast<int32_t>(state.range(0)));
  std::string text = ObservedStateToList(Observed(desired)).dump();
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  double simdjson_s = bench::SecondsPerCall([&] {
    simdjson::dom::element e;
    if (parser.parse(padded).get(e) != simdjson::SUCCESS) std::abort();
    benchmark::DoNotOptimize(e);
  });
  bench::LoopTimer timer;
  for (auto _ : state) {
    absl::StatusOr<ObservedState> parsed = ParseObservedState(text, "observed.json");
    if (!parsed.ok()) state.SkipWithError(std::string(parsed.status().message()).c_str());
    benchmark::DoNotOptimize(parsed);
  }
  double wall = timer.SecondsPer(state.iterations());
  state.counters["members"] = static_cast<double>(state.range(0));
  state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
  state.counters["simdjson_MB/s"] = static_cast<double>(text.size()) / simdjson_s / 1e6;
  state.counters["simdjson_x"] = simdjson_s > 0 ? wall / simdjson_s : 0;
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseObservedStateJson)
    ->RangeMultiplier(10)
    ->Range(10, 100000)
    ->Unit(benchmark::kMillisecond);

// What `strata plan --observed FILE` does after reading the file: parse the
// observed JSON, then plan (the "plan, 100k members, parse + plan").
void BM_ParseAndPlan(benchmark::State& state) {
  CompiledCluster desired = Desired(static_cast<int32_t>(state.range(0)));
  std::string text = ObservedStateToList(Observed(desired)).dump();
  for (auto _ : state) {
    absl::StatusOr<ObservedState> parsed = ParseObservedState(text, "observed.json");
    if (!parsed.ok()) {
      state.SkipWithError(std::string(parsed.status().message()).c_str());
      return;
    }
    absl::StatusOr<Plan> plan = PlanRollout(desired, *parsed, PlanOptions{.now = kNow});
    if (!plan.ok()) state.SkipWithError(std::string(plan.status().message()).c_str());
    benchmark::DoNotOptimize(plan);
  }
  state.counters["members"] = static_cast<double>(state.range(0));
  state.counters["per_member"] = benchmark::Counter(
      static_cast<double>(state.range(0)) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ParseAndPlan)->RangeMultiplier(10)->Range(10, 100000)->Unit(benchmark::kMillisecond);

void BM_PlanToJson(benchmark::State& state) {
  CompiledCluster desired = Desired(static_cast<int32_t>(state.range(0)));
  absl::StatusOr<Plan> plan = PlanRollout(desired, Observed(desired), PlanOptions{.now = kNow});
  for (auto _ : state) {
    std::string out = PlanToJson(*plan).dump();
    benchmark::DoNotOptimize(out);
  }
  state.counters["steps"] = static_cast<double>(plan->steps.size());
}
BENCHMARK(BM_PlanToJson)->RangeMultiplier(10)->Range(10, 100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata

BENCHMARK_MAIN();
