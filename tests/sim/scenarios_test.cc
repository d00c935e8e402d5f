// Every bundled example through PlanRollout and the simulator: fresh deploy,
// scale out, scale in, image change, config change, storage growth and an
// immutable-field change each converge with no invariant violated, under
// both executors (waiting and replan-at-wait); and each fault kind behaves
// (never-ready blocks at that member, a dying pod, failing gates and a node
// loss still converge; an API error on apply is retried, an eviction at
// any step and a node lost during scale-in keep every invariant).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/names.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/simulate.h"
#include "strata/validate.h"
#include "tests/plan/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

namespace fs = std::filesystem;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The examples with a Cluster: examples/<name>/*.yaml.
std::vector<std::string> Examples() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(fs::path(STRATA_SOURCE_DIR) / "examples")) {
    if (!entry.is_directory()) continue;
    bool cluster = false;
    for (const auto& f : fs::directory_iterator(entry.path())) {
      if (f.path().extension() == ".yaml" &&
          ReadFile(f.path()).find("kind: Cluster") != std::string::npos) {
        cluster = true;
      }
    }
    if (cluster) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<Topology> LoadExample(const std::string& name) {
  std::vector<Source> sources;
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(fs::path(STRATA_SOURCE_DIR) / "examples" / name)) {
    if (f.path().extension() == ".yaml") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) sources.push_back({f.filename().string(), ReadFile(f)});
  absl::StatusOr<Documents> docs = Load(sources);
  if (!docs.ok()) return docs.status();
  absl::StatusOr<std::vector<Topology>> topologies = Resolve(*docs);
  if (!topologies.ok()) return topologies.status();
  if (topologies->empty()) return absl::NotFoundError("no Cluster");
  return (*topologies)[0];
}

RoleOverride& OverrideFor(Topology& t, const std::string& role) {
  for (RoleOverride& o : t.cluster.roles) {
    if (o.name == role) return o;
  }
  t.cluster.roles.push_back(RoleOverride{.name = role});
  return t.cluster.roles.back();
}

int32_t MembersOf(const CompiledCluster& c, const std::string& role) {
  const CompiledRole* r = c.FindRole(role);
  return r == nullptr ? 0 : r->members;
}

// A change to an example; returns what it changed, or "" when the example
// has nothing it applies to.
using Change = std::function<std::string(Topology&, const CompiledCluster&)>;

struct Scenario {
  const char* name;
  Change change;  // Null: a fresh deploy into an empty namespace.
};

std::string ScaleBy(Topology& t, const CompiledCluster& c, int delta) {
  for (const Role& role : t.app.roles) {
    int32_t to = MembersOf(c, role.name) + delta;
    if (to < 1 || !role.cardinality.Allows(to)) continue;
    OverrideFor(t, role.name).members = to;
    return absl::StrCat(role.name, " members -> ", to);
  }
  return "";
}

const Scenario kScenarios[] = {
    {"FreshDeploy", nullptr},
    {"ScaleOut", [](Topology& t, const CompiledCluster& c) { return ScaleBy(t, c, 1); }},
    {"ScaleIn", [](Topology& t, const CompiledCluster& c) { return ScaleBy(t, c, -1); }},
    {"ImageChange",
     [](Topology& t, const CompiledCluster&) {
       for (Role& role : t.app.roles) role.image += "-sim2";
       for (RoleOverride& o : t.cluster.roles) {
         if (!o.image.empty()) o.image += "-sim2";
       }
       return std::string("every image");
     }},
    {"ConfigChange",
     [](Topology& t, const CompiledCluster&) -> std::string {
       for (Role& role : t.app.roles) {
         for (ConfigFile& f : role.config) {
           if (f.format == ConfigFormat::kText) {
             f.template_text += "\n# sim\n";
           } else {
             f.data.push_back({"sim.touch", "1"});
           }
           return absl::StrCat(role.name, " ", f.path);
         }
       }
       return "";
     }},
    {"StorageGrowth",
     [](Topology& t, const CompiledCluster& c) -> std::string {
       for (const CompiledRole& role : c.roles) {
         if (role.storage.empty()) continue;
         const Storage& s = role.storage[0];
         __int128 gi = s.size.nanos() / 1000000000 / (int64_t{1} << 30);
         std::string size = absl::StrCat(static_cast<int64_t>(gi) + 10, "Gi");
         RoleOverride& o = OverrideFor(t, role.name);
         bool found = false;
         for (StorageOverride& so : o.storage) {
           if (so.name == s.name) {
             so.size = *Quantity::Parse(size);
             found = true;
           }
         }
         if (!found) o.storage.push_back({.name = s.name, .size = *Quantity::Parse(size)});
         return absl::StrCat(role.name, " ", s.name, " -> ", size);
       }
       return "";
     }},
    {"ImmutableFieldChange",  // A new volume: volumeClaimTemplates change.
     [](Topology& t, const CompiledCluster&) {
       Role& role = t.app.roles.back();
       Storage extra;
       extra.name = "simextra";
       extra.mount_path = "/sim-extra";
       extra.size = *Quantity::Parse("1Gi");
       role.storage.push_back(extra);
       return absl::StrCat(role.name, " + volume simextra");
     }},
    {"RestartToken",  // SPEC-2 §9: every member of every role restarts.
     [](Topology& t, const CompiledCluster& c) {
       for (const CompiledRole& role : c.roles) OverrideFor(t, role.name).restart_token = "sim";
       return std::string("restartToken sim");
     }},
    {"Replace",  // SPEC-2 §9: member 0 of the first role with storage.
     [](Topology& t, const CompiledCluster& c) -> std::string {
       for (const CompiledRole& role : c.roles) {
         if (role.storage.empty() || role.members == 0) continue;
         std::string member = absl::StrCat(role.stateful_set, "-0");
         OverrideFor(t, role.name).replace = {{.member = member, .token = "sim"}};
         return absl::StrCat("replace ", member);
       }
       return "";
     }},
};

struct Param {
  std::string example;
  const Scenario* scenario;
  bool replan_at_wait;
};

std::string ParamName(const ::testing::TestParamInfo<Param>& info) {
  std::string name = info.param.example;
  std::replace(name.begin(), name.end(), '-', '_');
  return absl::StrCat(name, "_", info.param.scenario->name,
                      info.param.replan_at_wait ? "_Replan" : "_Wait");
}

std::vector<Param> Params() {
  std::vector<Param> out;
  for (const std::string& example : Examples()) {
    for (const Scenario& s : kScenarios) {
      for (bool replan : {false, true}) out.push_back({example, &s, replan});
    }
  }
  return out;
}

class ExampleScenarioTest : public ::testing::TestWithParam<Param> {};

TEST_P(ExampleScenarioTest, ConvergesWithNoViolation) {
  const Param& p = GetParam();
  absl::StatusOr<Topology> before = LoadExample(p.example);
  ASSERT_THAT(before, IsOk());
  absl::StatusOr<CompiledCluster> old = Compile(*before, CompileOptions{});
  ASSERT_THAT(old, IsOk());
  Topology after = *before;
  ObservedState initial;
  std::string what = "fresh deploy";
  if (p.scenario->change) {
    what = p.scenario->change(after, *old);
    if (what.empty()) GTEST_SKIP() << "nothing in " << p.example << " to change";
    initial = ConvergedState(*old, kNow);
  }
  absl::StatusOr<CompiledCluster> desired = Compile(after, CompileOptions{});
  ASSERT_THAT(desired, IsOk()) << what;
  SimulateOptions options;
  options.start = kNow;
  options.max_plans = 500;
  options.replan_at_wait = p.replan_at_wait;
  absl::StatusOr<Timeline> t = Simulate(*desired, initial, options);
  ASSERT_THAT(t, IsOk()) << what;
  EXPECT_TRUE(t->converged) << what << "\n" << TimelineToText(*t);
  EXPECT_THAT(t->violations, IsEmpty()) << what << "\n" << TimelineToText(*t);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleScenarioTest, ::testing::ValuesIn(Params()),
                         ParamName);

// --- faults, on the kafka example ----------------------------------------

class KafkaFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Topology> t = LoadExample("kafka");
    ASSERT_THAT(t, IsOk());
    before_ = *t;
    after_ = *t;
    for (Role& role : after_.app.roles) role.image += "-new";
    absl::StatusOr<CompiledCluster> old = Compile(before_, CompileOptions{});
    absl::StatusOr<CompiledCluster> desired = Compile(after_, CompileOptions{});
    ASSERT_THAT(old, IsOk());
    ASSERT_THAT(desired, IsOk());
    old_ = *old;
    desired_ = *desired;
  }

  Timeline Run(const std::string& faults, bool fresh = false) {
    SimulateOptions options;
    options.start = kNow;
    options.max_plans = 500;
    options.faults = *ParseFaults(faults);
    absl::StatusOr<Timeline> t =
        Simulate(desired_, fresh ? ObservedState{} : ConvergedState(old_, kNow), options);
    EXPECT_THAT(t, IsOk());
    return t.ok() ? *t : Timeline{};
  }

  static std::vector<std::string> Restarts(const Timeline& t) {
    std::vector<std::string> out;
    for (const TimelineEvent& e : t.events) {
      if (e.what.rfind("restart ", 0) == 0) out.push_back(e.what.substr(8));
    }
    return out;
  }

  Topology before_, after_;
  CompiledCluster old_, desired_;
};

TEST_F(KafkaFaultTest, NoFaultRestartsEveryMemberOnce) {
  Timeline t = Run("");
  EXPECT_TRUE(t.converged) << TimelineToText(t);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
  EXPECT_EQ(Restarts(t).size(), 8u) << TimelineToText(t);  // 3 zookeeper + 5 brokers.
}

TEST_F(KafkaFaultTest, NeverReadyBlocksAtThatMember) {
  // Brokers restart highest ordinal first: 4, 3, then the stuck 2.
  Timeline t = Run("never-ready=events-broker-2");
  EXPECT_FALSE(t.converged);
  EXPECT_TRUE(t.blocked) << TimelineToText(t);
  EXPECT_THAT(t.blocked_reason, HasSubstr("events-broker-2 never becomes Ready"));
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
  std::vector<std::string> restarts = Restarts(t);
  ASSERT_FALSE(restarts.empty());
  EXPECT_EQ(restarts.back(), "events-broker-2") << TimelineToText(t);
  EXPECT_THAT(restarts, Not(Contains("events-broker-1")));
  EXPECT_THAT(restarts, Not(Contains("events-broker-0")));
}

TEST_F(KafkaFaultTest, NeverReadyOnFreshDeployBlocksTheDependents) {
  Timeline t = Run("never-ready=events-zookeeper-1", /*fresh=*/true);
  EXPECT_TRUE(t.blocked) << TimelineToText(t);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
  for (const Json& sts : t.final_state.stateful_sets) {
    EXPECT_NE(sts["metadata"]["name"], "events-broker") << "brokers started past a stuck "
                                                            "dependency";
  }
}

TEST_F(KafkaFaultTest, PodDiesMidRolloutStillConverges) {
  Timeline t = Run("pod-dies=events-broker-1@6;pod-dies=events-zookeeper-0@2");
  EXPECT_TRUE(t.converged) << TimelineToText(t);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
}

TEST_F(KafkaFaultTest, GateFailsThenConverges) {
  Timeline t = Run("gate-fails=events-broker-3x3");
  EXPECT_TRUE(t.converged) << TimelineToText(t);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
  int failures = 0;
  for (const TimelineEvent& e : t.events) {
    failures += e.what.find("for events-broker-3: exit 1") != std::string::npos;
  }
  EXPECT_EQ(failures, 3) << TimelineToText(t);
}

TEST_F(KafkaFaultTest, NodeLossConverges) {
  Timeline t = Run("node-loss=events-broker-0+events-broker-3+events-zookeeper-2@4");
  EXPECT_TRUE(t.converged) << TimelineToText(t);
  EXPECT_THAT(t.violations, IsEmpty()) << TimelineToText(t);
}

TEST_F(KafkaFaultTest, AnApiErrorOnApplyIsRetriedNeverSkipped) {
  // The broker StatefulSet's first apply is answered 500 (the executor fails
  // the step) or 409 (it observes and plans again): either way the apply is
  // made again and the brokers roll only once it went through.
  for (const char* fault : {"api-error=StatefulSet/events-broker@0",
                            "api-conflict=StatefulSet/events-broker@0"}) {
    Timeline t = Run(fault);
    EXPECT_TRUE(t.converged) << fault << "\n" << TimelineToText(t);
    EXPECT_THAT(t.violations, IsEmpty()) << fault << "\n" << TimelineToText(t);
    int refused = -1, applied = -1, first_restart = -1;
    for (int i = 0; i < static_cast<int>(t.events.size()); ++i) {
      const std::string& what = t.events[i].what;
      if (what.rfind("FAULT: the API server answers apply StatefulSet events-broker", 0) == 0) {
        refused = i;
      } else if (what.rfind("apply StatefulSet events-broker", 0) == 0 && applied < 0) {
        applied = i;
      } else if (what.rfind("restart events-broker-", 0) == 0 && first_restart < 0) {
        first_restart = i;
      }
    }
    ASSERT_GE(refused, 0) << fault << "\n" << TimelineToText(t);
    EXPECT_GT(applied, refused) << fault << "\n" << TimelineToText(t);
    EXPECT_GT(first_restart, applied) << fault << "\n" << TimelineToText(t);
    EXPECT_EQ(Restarts(t).size(), 8u) << fault << "\n" << TimelineToText(t);
  }
}

TEST_F(KafkaFaultTest, AnEvictionAtAnyStepKeepsEveryInvariant) {
  // Evict a broker and a zookeeper after each step of the rollout in turn,
  // so that some evictions strike while a gate or wait on another member
  // is in progress: no invariant breaks and the rollout still converges.
  const int32_t steps = Run("").steps;
  ASSERT_GT(steps, 8);
  int during_gate = 0;
  for (int32_t at = 1; at <= steps; ++at) {
    std::string faults = absl::StrCat("evict=events-broker-0@", at,
                                      ";evict=events-zookeeper-1@", at);
    Timeline t = Run(faults);
    EXPECT_TRUE(t.converged) << faults << "\n" << TimelineToText(t);
    EXPECT_THAT(t.violations, IsEmpty()) << faults << "\n" << TimelineToText(t);
    for (size_t i = 0; i + 2 < t.events.size(); ++i) {
      if (t.events[i].what.rfind("FAULT: pod events-broker-0 evicted", 0) != 0) continue;
      for (size_t j = i + 1; j < t.events.size() && j < i + 6; ++j) {
        const std::string& w = t.events[j].what;
        if (w.rfind("exec gate in ", 0) == 0 && w.find("for events-broker-0") == std::string::npos) {
          ++during_gate;
        }
      }
    }
  }
  EXPECT_GT(during_gate, 0) << "no eviction struck next to a gate on another member";
}

// --- memberLeave and afterLeave: wipe, on the cassandra example -------------

TEST(CassandraMembershipTest, NodeLossDuringScaleInNeverDeletesAClaimBeforeTheLeave) {
  // Claims deleted on scale-in (onScaleDown: delete): a node lost at any
  // step of the scale-in, taking the leaving member (and another), must not
  // let its claim go before its memberLeave succeeded.
  absl::StatusOr<Topology> base = LoadExample("cassandra");
  ASSERT_THAT(base, IsOk());
  for (Role& role : base->app.roles) {
    for (Storage& storage : role.storage) storage.on_scale_down = VolumePolicy::kDelete;
  }
  absl::StatusOr<CompiledCluster> compiled = Compile(*base, CompileOptions{});
  ASSERT_THAT(compiled, IsOk());
  const CompiledRole* member = nullptr;
  for (const CompiledRole& r : compiled->roles) {
    if (r.role.lifecycle.member_leave.has_value()) member = &r;
  }
  ASSERT_NE(member, nullptr);
  ASSERT_GE(member->members, 3);
  Topology smaller = *base;
  OverrideFor(smaller, member->name).members = member->members - 1;
  absl::StatusOr<CompiledCluster> small = Compile(smaller, CompileOptions{});
  ASSERT_THAT(small, IsOk());
  const std::string leaving = absl::StrCat(member->stateful_set, "-", member->members - 1);
  const std::string other = absl::StrCat(member->stateful_set, "-0");
  SimulateOptions options;
  options.start = kNow;
  absl::StatusOr<Timeline> plain = Simulate(*small, ConvergedState(*compiled, kNow), options);
  ASSERT_THAT(plain, IsOk());
  ASSERT_TRUE(plain->converged) << TimelineToText(*plain);
  for (int32_t at = 0; at <= plain->steps; ++at) {
    for (bool replan : {false, true}) {
      options.replan_at_wait = replan;
      std::string faults = absl::StrCat("node-loss=", leaving, "+", other, "@", at);
      options.faults = *ParseFaults(faults);
      absl::StatusOr<Timeline> t = Simulate(*small, ConvergedState(*compiled, kNow), options);
      ASSERT_THAT(t, IsOk());
      EXPECT_TRUE(t->converged) << faults << "\n" << TimelineToText(*t);
      EXPECT_THAT(t->violations, IsEmpty()) << faults << "\n" << TimelineToText(*t);
      bool left = false, claim_gone = false;
      for (const TimelineEvent& e : t->events) {
        left |= e.what.rfind("exec memberLeave in " + leaving + ": exit 0", 0) == 0;
        if (e.what.rfind("PVC ", 0) == 0 && e.what.find(leaving + " deleted") != std::string::npos) {
          EXPECT_TRUE(left) << faults << ": " << e.what << " before the leave\n"
                            << TimelineToText(*t);
          claim_gone = true;
        }
      }
      EXPECT_TRUE(claim_gone) << faults << "\n" << TimelineToText(*t);
    }
  }
}

TEST(CassandraMembershipTest, ScaleInLeavesThenAReturningOrdinalGetsAFreshVolume) {
  absl::StatusOr<Topology> base = LoadExample("cassandra");
  ASSERT_THAT(base, IsOk());
  absl::StatusOr<CompiledCluster> compiled = Compile(*base, CompileOptions{});
  ASSERT_THAT(compiled, IsOk());
  const CompiledRole* member = nullptr;
  for (const CompiledRole& r : compiled->roles) {
    if (r.role.lifecycle.member_leave.has_value()) member = &r;
  }
  ASSERT_NE(member, nullptr);
  ASSERT_GE(member->members, 2);
  std::string role = member->name;
  int32_t n = member->members;
  std::string last_pod = absl::StrCat(member->stateful_set, "-", n - 1);
  std::string last_pvc = absl::StrCat(member->storage[0].name, "-", last_pod);

  // Scale in by one.
  Topology smaller = *base;
  OverrideFor(smaller, role).members = n - 1;
  absl::StatusOr<CompiledCluster> small = Compile(smaller, CompileOptions{});
  ASSERT_THAT(small, IsOk());
  SimulateOptions options;
  options.start = kNow;
  absl::StatusOr<Timeline> in = Simulate(*small, ConvergedState(*compiled, kNow), options);
  ASSERT_THAT(in, IsOk());
  EXPECT_TRUE(in->converged) << TimelineToText(*in);
  EXPECT_THAT(in->violations, IsEmpty()) << TimelineToText(*in);
  std::vector<std::string> whats;
  for (const TimelineEvent& e : in->events) whats.push_back(e.what);
  EXPECT_THAT(whats, Contains(HasSubstr("exec memberLeave in " + last_pod + ": exit 0")))
      << TimelineToText(*in);
  // The PVC stays (retain), marked as left.
  const Json* kept = nullptr;
  for (const Json& pvc : in->final_state.persistent_volume_claims) {
    if (pvc["metadata"]["name"] == last_pvc) kept = &pvc;
  }
  ASSERT_NE(kept, nullptr) << TimelineToText(*in);
  EXPECT_EQ((*kept)["metadata"]["annotations"]["strata.dev/member-left"], "true");

  // Scale back out: the left volume is wiped before the ordinal returns.
  options.start = kNow + absl::Hours(1);
  absl::StatusOr<Timeline> out = Simulate(*compiled, in->final_state, options);
  ASSERT_THAT(out, IsOk());
  EXPECT_TRUE(out->converged) << TimelineToText(*out);
  EXPECT_THAT(out->violations, IsEmpty()) << TimelineToText(*out);
  whats.clear();
  for (const TimelineEvent& e : out->events) whats.push_back(e.what);
  EXPECT_THAT(whats, Contains("delete PersistentVolumeClaim " + last_pvc)) << TimelineToText(*out);
  for (const Json& pvc : out->final_state.persistent_volume_claims) {
    if (pvc["metadata"]["name"] != last_pvc) continue;
    EXPECT_FALSE(pvc["metadata"].contains("annotations") &&
                 pvc["metadata"]["annotations"].contains("strata.dev/member-left"))
        << pvc.dump();
  }
}

// --- adoption of a hand-written StatefulSet (SPEC-2 §10) --------------------

TEST(AdoptionScenarioTest, HandWrittenStatefulSetIsTakenOverKeepingEveryPvc) {
  absl::StatusOr<Topology> base = LoadExample("cassandra");
  ASSERT_THAT(base, IsOk());
  absl::StatusOr<CompiledCluster> compiled = Compile(*base, CompileOptions{});
  ASSERT_THAT(compiled, IsOk());
  const CompiledRole* role = nullptr;
  for (const CompiledRole& r : compiled->roles) {
    if (!r.storage.empty() && r.members > 1) role = &r;
  }
  ASSERT_NE(role, nullptr);
  // What `kubectl apply` of the old manifests left: the StatefulSet strata
  // would name the same, without strata's labels, on its own selector.
  ObservedState initial = ConvergedState(*compiled, kNow);
  plan_testing::HandWritten(initial, role->stateful_set, "legacy");
  std::map<std::string, std::string> pvc_uids, pod_uids;
  for (const Json& pvc : initial.persistent_volume_claims) {
    pvc_uids[pvc["metadata"]["name"]] = pvc["metadata"]["uid"];
  }
  for (const Json& pod : initial.pods) {
    if (kube::OrdinalOf(pod["metadata"]["name"].get<std::string>(),
                                 role->stateful_set)) {
      pod_uids[pod["metadata"]["name"]] = pod["metadata"]["uid"];
    }
  }
  ASSERT_EQ(pod_uids.size(), static_cast<size_t>(role->members));
  SimulateOptions options;
  options.start = kNow;
  options.max_plans = 500;
  absl::StatusOr<Timeline> t = Simulate(*compiled, initial, options);
  ASSERT_THAT(t, IsOk());
  EXPECT_TRUE(t->converged) << TimelineToText(*t);
  EXPECT_THAT(t->violations, IsEmpty()) << TimelineToText(*t);
  // Every claim kept (same uid), none added.
  std::map<std::string, std::string> after;
  for (const Json& pvc : t->final_state.persistent_volume_claims) {
    after[pvc["metadata"]["name"]] = pvc["metadata"]["uid"];
  }
  EXPECT_EQ(after, pvc_uids) << TimelineToText(*t);
  // Labels first, then the orphan delete; each member restarted once, one at
  // a time (a restart only after the one before it is Ready: the
  // simulator's budget check), onto strata's template and labels.
  std::vector<std::string> whats, restarts;
  for (const TimelineEvent& e : t->events) {
    whats.push_back(e.what);
    if (e.what.rfind("restart ", 0) == 0) restarts.push_back(e.what.substr(8));
  }
  auto first = [&](const std::string& prefix) {
    return std::find_if(whats.begin(), whats.end(),
                        [&](const std::string& w) { return w.rfind(prefix, 0) == 0; }) -
           whats.begin();
  };
  EXPECT_LT(first("apply Pod " + role->stateful_set + "-0"),
            first("delete StatefulSet " + role->stateful_set))
      << TimelineToText(*t);
  EXPECT_EQ(restarts.size(), pod_uids.size()) << TimelineToText(*t);
  std::set<std::string> distinct(restarts.begin(), restarts.end());
  EXPECT_EQ(distinct.size(), restarts.size()) << TimelineToText(*t);
  for (const Json& pod : t->final_state.pods) {
    std::string name = pod["metadata"]["name"];
    if (!pod_uids.count(name)) continue;
    EXPECT_NE(pod["metadata"]["uid"], pod_uids[name]) << name << " was not rolled";
    EXPECT_EQ(pod["metadata"]["labels"]["app.kubernetes.io/instance"], compiled->cluster);
  }
  for (const Json& sts : t->final_state.stateful_sets) {
    EXPECT_EQ(sts["metadata"]["labels"]["app.kubernetes.io/instance"], compiled->cluster)
        << sts.dump();
  }
}

}  // namespace
}  // namespace strata
