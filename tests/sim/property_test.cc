// Property test: random topologies x random starting points x random faults,
// driven through Simulate(PlanRollout) with every invariant checked after
// every step. A case passes when the run has no violation and either
// converges or is cleanly blocked by an injected never-ready member.
//
// Seeded and reproducible:
//   STRATA_PROPERTY_SEED=<case seed>   run exactly that case (printed on failure)
//   STRATA_PROPERTY_CASES=<n>          number of cases (default below)
//   STRATA_PROPERTY_MASTER_SEED=<s>    seed of the case seeds (default fixed)
//   STRATA_PROPERTY_VERBOSE=1          print each failing case's timeline
//   STRATA_PROPERTY_PLANS=1            with _SEED: also print every plan

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/maintenance.h"
#include "strata/plan.h"
#include "strata/simulate.h"
#include "strata/validate.h"

namespace strata {
namespace {

// Sized to stay well under a minute on a 2-core machine (RelWithDebInfo).
constexpr int kDefaultCases = 5000;
constexpr uint64_t kDefaultMasterSeed = 20260101;
const absl::Time kNow = absl::FromUnixSeconds(1767225600);

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Int(0, static_cast<int>(items.size()) - 1)];
  }

 private:
  std::mt19937_64 rng_;
};

Quantity Q(const std::string& text) { return *Quantity::Parse(text); }

// A random App + Cluster: 1-4 roles with random cardinality, quorum,
// strategy, order, budget, minReadySeconds, gate, storage policies,
// lifecycle hooks, config files and dependencies on earlier roles.
Topology RandomTopology(Gen& g, std::vector<std::string>& notes) {
  Topology t;
  t.app.name = "app";
  t.app.version = "1.0";
  t.cluster.name = "c";
  t.cluster.namespace_ = "data";
  t.cluster.app = "app";
  int roles = g.Int(1, 4);
  static const std::vector<std::string> kNames = {"zk", "broker", "db", "web"};
  for (int i = 0; i < roles; ++i) {
    Role r;
    r.name = kNames[i];
    r.image = absl::StrCat(r.name, ":1");

    r.ports.push_back({.name = "p", .port = 7000 + i});
    if (g.Chance(0.35)) r.quorum = Quorum::kMajority;
    int members = r.quorum == Quorum::kMajority ? g.Pick(std::vector<int>{1, 3, 3, 5, 4})
                                                : g.Int(1, 5);
    switch (g.Int(0, 3)) {
      case 0:
        r.cardinality = *Cardinality::Parse("1+");
        break;
      case 1:  // Exactly: the member count never changes.
        r.cardinality = *Cardinality::Parse(absl::StrCat(members));
        break;
      case 2:
        r.cardinality = *Cardinality::Parse(absl::StrCat(g.Int(1, members), "+"));
        break;
      default:
        r.cardinality = *Cardinality::Parse(
            absl::StrCat(g.Int(1, members), "-", members + g.Int(0, 3)));
        break;
    }
    RolloutPolicy& p = r.rollout;
    p.strategy = g.Pick(std::vector<RolloutStrategy>{RolloutStrategy::kSerial,
                                                     RolloutStrategy::kBestEffortParallel,
                                                     RolloutStrategy::kParallel});
    if (g.Chance(0.5)) {
      p.max_unavailable = {.value = g.Int(1, 3), .percent = false};
    } else {
      p.max_unavailable = {.value = g.Pick(std::vector<int>{25, 50, 100}), .percent = true};
    }
    p.order = g.Pick(std::vector<RolloutOrder>{RolloutOrder::kOrdinalDescending,
                                               RolloutOrder::kOrdinalAscending,
                                               RolloutOrder::kFollowersFirst});
    if (p.order == RolloutOrder::kFollowersFirst || g.Chance(0.2)) {
      p.leader_label = "strata.dev/leader";
    }
    p.min_ready_seconds = g.Chance(0.4) ? g.Int(1, 30) : 0;
    if (g.Chance(0.35)) {
      p.gate = Gate{.handler = {.kind = Handler::Kind::kExec, .command = {"/bin/can-restart"}},
                    .timeout_seconds = 600};
    }
    p.zone_parallel = g.Chance(0.1);
    if (g.Chance(0.3)) {
      r.lifecycle.member_leave = Handler{.kind = Handler::Kind::kExec, .command = {"/bin/leave"}};
    }
    if (g.Chance(0.2)) {
      r.lifecycle.member_join = Handler{.kind = Handler::Kind::kExec, .command = {"/bin/join"}};
    }
    int volumes = g.Pick(std::vector<int>{0, 1, 1, 2});
    for (int v = 0; v < volumes; ++v) {
      Storage s;
      s.name = v == 0 ? "data" : "logs";
      s.mount_path = absl::StrCat("/", s.name);
      s.size = Q(absl::StrCat(g.Int(1, 10), "Gi"));
      s.on_scale_down = g.Chance(0.3) ? VolumePolicy::kDelete : VolumePolicy::kRetain;
      s.on_cluster_delete = g.Chance(0.2) ? VolumePolicy::kDelete : VolumePolicy::kRetain;
      if (r.lifecycle.member_leave.has_value() && g.Chance(0.5)) s.after_leave = AfterLeave::kWipe;
      r.storage.push_back(s);
    }
    if (g.Chance(0.4)) {
      ConfigFile f;
      f.path = "/conf/app.properties";
      f.format = ConfigFormat::kProperties;
      f.on_change = g.Chance(0.3) ? OnChange::kNone : OnChange::kRestart;
      f.data = {{"k", "v1"}};
      if (g.Chance(0.3)) f.data.push_back({"members", absl::StrCat("{{roles.", r.name, ".count}}")});
      r.config.push_back(f);
    }
    for (int d = 0; d < i; ++d) {
      if (g.Chance(0.35)) r.depends_on.push_back(kNames[d]);
    }
    t.app.roles.push_back(r);
    t.cluster.roles.push_back(RoleOverride{.name = r.name, .members = members});
  }
  notes.push_back(absl::StrCat(roles, " role(s)"));
  // Pacing and windows (SPEC-2 §9), drawn last so the draws above mean what
  // they meant before: the simulator checks no restart falls outside a
  // window and a role's restarts keep its interval.
  for (Role& r : t.app.roles) {
    if (g.Chance(0.15)) {
      r.rollout.min_interval_seconds = g.Int(1, 300);
      notes.push_back(absl::StrCat(r.name, " minIntervalSeconds ",
                                   r.rollout.min_interval_seconds));
    }
  }
  if (g.Chance(0.2)) {
    static const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    MaintenanceWindow w;
    const int first = g.Int(0, 6);
    for (int d = 0, n = g.Int(1, 3); d < n; ++d) w.days.push_back(kDays[(first + d * 2) % 7]);
    const int start = g.Int(0, 23);
    w.start = absl::StrFormat("%02d:%02d", start, g.Pick(std::vector<int>{0, 30}));
    w.end = absl::StrFormat("%02d:00", (start + g.Int(1, 5)) % 24);
    notes.push_back(absl::StrCat("window ", absl::StrJoin(w.days, ","), " ", w.start, "-",
                                 w.end));
    t.cluster.maintenance.windows.push_back(std::move(w));
  }
  return t;
}

// Sets env `name` of `ov` to `value` (replacing an earlier override).
void SetEnv(RoleOverride& ov, const std::string& name, const std::string& value) {
  for (EnvVar& e : ov.env) {
    if (e.name == name) {
      e.value = value;
      return;
    }
  }
  ov.env.push_back({.name = name, .value = value});
}

// Changes 1-2 things of `t`: members +-, image, config, storage growth, env,
// and the day-2 requests (SPEC-2 §9): restartToken, replace, stopped.
void Mutate(Gen& g, Topology& t, std::vector<std::string>& notes,
            const std::string& prefix = "") {
  int changes = g.Int(1, 2);
  for (int c = 0; c < changes; ++c) {
    size_t i = g.Int(0, static_cast<int>(t.app.roles.size()) - 1);
    Role& role = t.app.roles[i];
    RoleOverride& ov = t.cluster.roles[i];
    switch (g.Int(0, 8)) {
      case 0:
      case 1: {  // Members, within the cardinality (else the image).
        int from = *ov.members;
        int to = std::max(1, from + g.Pick(std::vector<int>{-2, -1, 1, 2}));
        if (to == from || !role.cardinality.Allows(to)) {
          ov.image = absl::StrCat(role.name, ":", g.Int(2, 9));
          notes.push_back(absl::StrCat(prefix, role.name, " image ", ov.image));
          break;
        }
        ov.members = to;
        notes.push_back(absl::StrCat(prefix, role.name, " members ", from, "->", to));
        // A replace request must name a current member.
        std::vector<MemberReplace> kept;
        for (const MemberReplace& m : ov.replace) {
          int ordinal = 0;
          if (absl::SimpleAtoi(m.member.substr(m.member.rfind('-') + 1), &ordinal) &&
              ordinal < to) {
            kept.push_back(m);
          }
        }
        ov.replace = kept;
        break;
      }
      case 6:
        ov.restart_token = absl::StrCat("t", g.Int(0, 9));
        notes.push_back(absl::StrCat(prefix, role.name, " restartToken ", ov.restart_token));
        break;
      case 7: {
        const int n = *ov.members;
        if (n == 0) break;
        std::string member = absl::StrCat(t.cluster.name, "-", role.name, "-", g.Int(0, n - 1));
        std::string token = absl::StrCat("r", g.Int(0, 9));
        ov.replace = {{.member = member, .token = token}};
        notes.push_back(absl::StrCat(prefix, "replace ", member, " ", token));
        break;
      }
      case 8:
        t.cluster.stopped = !t.cluster.stopped;
        notes.push_back(absl::StrCat(prefix, t.cluster.stopped ? "stop" : "start"));
        break;
      case 2:
        ov.image = absl::StrCat(role.name, ":", g.Int(2, 9));
        notes.push_back(absl::StrCat(prefix, role.name, " image ", ov.image));
        break;
      case 3:
        if (!role.config.empty()) {
          role.config[0].data[0].second = absl::StrCat("v", g.Int(2, 9));
          notes.push_back(absl::StrCat(prefix, role.name, " config (onChange ",
                                       role.config[0].on_change == OnChange::kNone ? "none"
                                                                                   : "restart",
                                       ")"));
        } else {
          SetEnv(ov, "X", absl::StrCat(g.Int(0, 9)));
          notes.push_back(absl::StrCat(prefix, role.name, " env"));
        }
        break;
      case 4:
        if (!role.storage.empty()) {
          const Storage& s = role.storage[0];
          Quantity current = s.size;
          for (const StorageOverride& so : ov.storage) {
            if (so.name == s.name && so.size.has_value()) current = *so.size;
          }
          int64_t gi = static_cast<int64_t>(current.nanos() / 1000000000 / (int64_t{1} << 30));
          std::string size = absl::StrCat(gi + g.Int(1, 10), "Gi");
          ov.storage.clear();
          ov.storage.push_back({.name = s.name, .size = Q(size)});
          notes.push_back(absl::StrCat(prefix, role.name, " storage ", s.name, " -> ", size));
        } else {
          ov.image = absl::StrCat(role.name, ":", g.Int(2, 9));
          notes.push_back(absl::StrCat(prefix, role.name, " image ", ov.image));
        }
        break;
      default:
        SetEnv(ov, "Y", absl::StrCat(g.Int(0, 9)));
        notes.push_back(absl::StrCat(prefix, role.name, " env Y"));
        break;
    }
  }
}

// 0-2 random faults on pods of `desired`.
// The replicas `initial` has for `role` (0 without its StatefulSet).
int32_t ReplicasIn(const ObservedState& initial, const CompiledRole& role) {
  for (const Json& sts : initial.stateful_sets) {
    if (sts["metadata"].value("name", "") != role.stateful_set) continue;
    const Json& replicas = sts["spec"]["replicas"];
    return replicas.is_number_integer() ? replicas.get<int32_t>() : 1;
  }
  return 0;
}

// 0-2 random faults on members of `desired` or, during a scale-in, on the
// members leaving it: half the faults of a scale-in are a node loss, which
// prefers those (memberLeave runs there).
std::vector<Fault> RandomFaults(Gen& g, const CompiledCluster& desired,
                                const ObservedState& initial, std::vector<std::string>& notes) {
  std::vector<Fault> faults;
  std::vector<const CompiledRole*> shrinking;
  for (const CompiledRole& role : desired.roles) {
    if (ReplicasIn(initial, role) > role.members) shrinking.push_back(&role);
  }
  int n = g.Pick(std::vector<int>{0, 0, 1, 1, 2});
  for (int i = 0; i < n; ++i) {
    // Half the faults of a scale-in are a node lost while it runs.
    const bool scale_in_loss = !shrinking.empty() && g.Chance(0.5);
    const CompiledRole& role =
        scale_in_loss ? *g.Pick(shrinking)
                      : desired.roles[g.Int(0, static_cast<int>(desired.roles.size()) - 1)];
    const int32_t have = ReplicasIn(initial, role);
    const int32_t pods = std::max(role.members, have);
    if (pods == 0) continue;
    auto pod = [&]() { return absl::StrCat(role.stateful_set, "-", g.Int(0, pods - 1)); };
    auto leaving_or_any = [&]() {
      return have > role.members && g.Chance(0.7)
                 ? absl::StrCat(role.stateful_set, "-", g.Int(role.members, have - 1))
                 : pod();
    };
    Fault f;
    switch (scale_in_loss ? 3 : g.Int(0, 5)) {
      case 0:
        f = {.kind = Fault::Kind::kNeverReady, .pods = {pod()}};
        notes.push_back(absl::StrCat("never-ready=", f.pods[0]));
        break;
      case 1:
        f = {.kind = Fault::Kind::kPodDies, .pods = {pod()}, .at_step = g.Int(1, 12)};
        notes.push_back(absl::StrCat("pod-dies=", f.pods[0], "@", f.at_step));
        break;
      case 2:
        f = {.kind = Fault::Kind::kGateFails, .pods = {pod()}, .times = g.Int(1, 3)};
        notes.push_back(absl::StrCat("gate-fails=", f.pods[0], "x", f.times));
        break;
      case 3: {
        f = {.kind = Fault::Kind::kNodeLoss, .pods = {leaving_or_any()}, .at_step = g.Int(1, 12)};
        std::string other = pod();
        if (other != f.pods[0]) f.pods.push_back(other);
        notes.push_back(absl::StrCat("node-loss=", absl::StrJoin(f.pods, "+"), "@", f.at_step));
        break;
      }
      case 4:
        f = {.kind = Fault::Kind::kEvict, .pods = {pod()}, .at_step = g.Int(1, 12)};
        notes.push_back(absl::StrCat("evict=", f.pods[0], "@", f.at_step));
        break;
      default: {
        bool applied = std::any_of(desired.objects.begin(), desired.objects.end(),
                                   [&](const Object& o) { return o.name == role.stateful_set; });
        if (!applied) continue;
        bool conflict = g.Chance(0.5);
        f = {.kind = Fault::Kind::kApiError,
             .at_step = g.Int(0, 8),
             .object = absl::StrCat("StatefulSet/", role.stateful_set),
             .code = conflict ? 409 : 500};
        notes.push_back(absl::StrCat(conflict ? "api-conflict=" : "api-error=", f.object, "@",
                                     f.at_step));
        break;
      }
    }
    faults.push_back(f);
  }
  return faults;
}

struct Outcome {
  std::string plans;  // Every plan, as text (kept only when asked).
  bool converged = false;
  bool blocked = false;
  int rounds = 0;
  bool ok = true;
  std::string description;
  std::string failure;
  std::string timeline;
};

Outcome RunCase(uint64_t seed, bool keep_plans = false) {
  Gen g(seed);
  Outcome out;
  std::vector<std::string> notes;
  Topology before = RandomTopology(g, notes);
  // Starting point: a fresh namespace; the old topology converged; or a
  // rollout toward another change interrupted after 1-3 plans (then changed
  // again mid-rollout).
  double start_kind = g.Int(0, 99) / 100.0;
  bool fresh = start_kind < 0.3;
  bool midway = start_kind >= 0.8;
  Topology first = before;
  if (midway) Mutate(g, first, notes, "first ");
  Topology after = first;  // Changed again on top of the first change.
  if (!fresh) Mutate(g, after, notes);
  notes.insert(notes.begin() + 1, fresh    ? "fresh"
                                  : midway ? "mid-rollout-then-changed"
                                           : "converged-then-changed");
  absl::StatusOr<CompiledCluster> desired = Compile(after, CompileOptions{});
  absl::StatusOr<CompiledCluster> old = Compile(before, CompileOptions{});
  auto describe = [&] { return absl::StrJoin(notes, "; "); };
  if (!desired.ok() || !old.ok()) {
    out.ok = false;
    out.description = describe();
    out.failure = absl::StrCat("compile failed: ",
                               (!desired.ok() ? desired.status() : old.status()).ToString());
    return out;
  }
  ObservedState initial;
  if (!fresh) {
    initial = ConvergedState(*old, kNow);
    // Put the leader somewhere random.
    KubeModelOptions model = ModelOptionsFor(*old);
    if (!model.leader_labels.empty() && g.Chance(0.7)) {
      absl::StatusOr<KubeModel> kube = KubeModel::FromObservedState(initial, model, kNow);
      for (const CompiledRole& role : old->roles) {
        if (role.role.rollout.leader_label.empty() || role.members == 0) continue;
        std::string leader = absl::StrCat(role.stateful_set, "-", g.Int(0, role.members - 1));
        (void)kube->SetLeader(leader);
      }
      initial = kube->ToObservedState();
    }
  }
  absl::Time start = kNow;
  if (midway) {
    absl::StatusOr<CompiledCluster> toward = Compile(first, CompileOptions{});
    if (!toward.ok()) {
      out.ok = false;
      out.description = describe();
      out.failure = absl::StrCat("compile failed: ", toward.status().ToString());
      return out;
    }
    SimulateOptions partial;
    partial.start = kNow;
    partial.replan_at_wait = true;
    partial.max_plans = g.Int(1, 3);
    absl::StatusOr<Timeline> interrupted = Simulate(*toward, initial, partial);
    if (!interrupted.ok()) {
      out.ok = false;
      out.description = describe();
      out.failure = absl::StrCat("interrupted simulate failed: ", interrupted.status().ToString());
      return out;
    }
    initial = interrupted->final_state;
    if (!interrupted->events.empty()) start = interrupted->events.back().time;
  }
  SimulateOptions options;
  options.start = start;
  options.ready_delay = absl::Seconds(g.Pick(std::vector<int>{5, 10, 30}));
  options.max_plans = 400;
  options.replan_at_wait = g.Chance(0.5);
  if (options.replan_at_wait) notes.push_back("replan at waits");
  options.faults = RandomFaults(g, *desired, initial, notes);
  out.description = describe();
  int round = 0;
  if (keep_plans) {
    options.planner = [&](const CompiledCluster& d, const ObservedState& o,
                          const PlanOptions& p) -> absl::StatusOr<Plan> {
      absl::StatusOr<Plan> plan = PlanRollout(d, o, p);
      absl::StrAppend(&out.plans, "---- plan ", ++round, "\n",
                      plan.ok() ? PlanToText(*plan) : plan.status().ToString(), "\n");
      return plan;
    };
  }
  absl::StatusOr<Timeline> t = Simulate(*desired, initial, options);
  if (!t.ok()) {
    out.ok = false;
    out.failure = absl::StrCat("simulate failed: ", t.status().ToString());
    return out;
  }
  out.timeline = TimelineToText(*t);
  out.converged = t->converged;
  out.blocked = t->blocked;
  out.rounds = t->plans;
  bool never_ready = false;
  for (const Fault& f : options.faults) never_ready |= f.kind == Fault::Kind::kNeverReady;
  if (!t->violations.empty()) {
    out.ok = false;
    out.failure = absl::StrCat(t->violations.size(), " violation(s), first: ", t->violations[0]);
  } else if (!t->converged && !(t->blocked && never_ready)) {
    out.ok = false;
    out.failure = t->blocked ? absl::StrCat("blocked: ", t->blocked_reason)
                             : "neither converged nor blocked";
  }
  return out;
}

// The failure with the "plan N, step M: " prefix dropped and pod names,
// sizes and counts blanked, so failures of one kind group together.
std::string FailureKind(const std::string& failure) {
  std::string text = failure;
  size_t first = text.find("first: ");
  if (first != std::string::npos) text = text.substr(first + 7);
  if (text.rfind("plan ", 0) == 0) {
    size_t colon = text.find(": ");
    if (colon != std::string::npos) text = text.substr(colon + 2);
  }
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      if (out.empty() || out.back() != '#') out.push_back('#');
      continue;
    }
    out.push_back(c);
  }
  static const char* const kRoles[] = {"zk", "broker", "db", "web"};
  for (const char* role : kRoles) {
    for (std::string from : {absl::StrCat("c-", role, "-#"), absl::StrCat("role ", role),
                             absl::StrCat("c-", role)}) {
      std::string to = from.rfind("c-", 0) == 0 ? (from.back() == '#' ? "POD" : "STS") : "role R";
      for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at)) {
        out.replace(at, from.size(), to);
        at += to.size();
      }
    }
  }
  return out.substr(0, 160);
}

uint64_t EnvU64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  uint64_t out = 0;
  if (v == nullptr || !absl::SimpleAtoi(v, &out)) return fallback;
  return out;
}

TEST(PropertyTest, RandomTopologiesConvergeSafely) {
  bool verbose = std::getenv("STRATA_PROPERTY_VERBOSE") != nullptr;
  if (const char* one = std::getenv("STRATA_PROPERTY_SEED")) {
    uint64_t seed = 0;
    ASSERT_TRUE(absl::SimpleAtoi(one, &seed)) << "STRATA_PROPERTY_SEED=" << one;
    Outcome o = RunCase(seed, /*keep_plans=*/true);
    std::cout << "case seed " << seed << ": " << o.description << "\n" << o.timeline;
    if (std::getenv("STRATA_PROPERTY_PLANS") != nullptr) std::cout << o.plans;
    EXPECT_TRUE(o.ok) << "STRATA_PROPERTY_SEED=" << seed << " (" << o.description
                      << "): " << o.failure;
    return;
  }
  uint64_t master = EnvU64("STRATA_PROPERTY_MASTER_SEED", kDefaultMasterSeed);
  int cases = static_cast<int>(EnvU64("STRATA_PROPERTY_CASES", kDefaultCases));
  std::mt19937_64 seeds(master);
  std::cout << "property test: " << cases << " cases, master seed " << master << "\n";
  auto start = std::chrono::steady_clock::now();
  int failed = 0;
  // Failures grouped by kind (the first violation with names and numbers
  // blanked); each kind is reported once with the seed of its first case.
  std::map<std::string, std::pair<int, uint64_t>> kinds;
  int converged = 0, blocked = 0;
  int64_t plans = 0;
  for (int i = 0; i < cases; ++i) {
    uint64_t seed = seeds();
    Outcome o = RunCase(seed);
    converged += o.converged;
    blocked += o.blocked;
    plans += o.rounds;
    if (o.ok) continue;
    ++failed;
    std::string key = FailureKind(o.failure);
    auto [it, first] = kinds.try_emplace(key, 0, seed);
    ++it->second.first;
    if (first) {
      ADD_FAILURE() << "STRATA_PROPERTY_SEED=" << seed << " (" << o.description
                    << "): " << o.failure << (verbose ? "\n" + o.timeline : "");
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "property test: " << cases << " cases in " << seconds << " s, " << failed
            << " failed; " << converged << " converged, " << blocked
            << " blocked by a never-ready fault, " << plans << " plans run\n";
  for (const auto& [k, v] : kinds) {
    std::cout << "  " << v.first << " x " << k << "  (e.g. STRATA_PROPERTY_SEED=" << v.second
              << ")\n";
  }
}

}  // namespace
}  // namespace strata
