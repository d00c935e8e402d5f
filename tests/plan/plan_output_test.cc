// PlanToJson / PlanToText / PlanToDot, and the `strata plan` command line.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/emit.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "strata/validate.h"
#include "tests/plan/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using ::strata::plan_testing::Converged;
using ::strata::plan_testing::MakeCluster;
using ::strata::plan_testing::Now;
using ::strata::plan_testing::RoleSpec;
using ::testing::HasSubstr;
using ::testing::Not;

Plan ImagePlan() {
  RoleSpec zk{.name = "zk", .members = 3, .image = "zk:1", .quorum = true};
  RoleSpec db{.name = "db", .members = 4, .image = "db:1",
              .strategy = RolloutStrategy::kBestEffortParallel,
              .max_unavailable = IntOrPercent{.value = 2}, .gate = true,
              .depends_on = {"zk"}, .storage_size = "1Gi"};
  ObservedState observed = Converged(MakeCluster({zk, db}));
  zk.image = "zk:2";
  db.image = "db:2";
  db.storage_size = "2Gi";
  absl::StatusOr<Plan> plan = PlanRollout(MakeCluster({zk, db}), observed, {.now = Now()});
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *plan;
}

TEST(PlanOutputTest, JsonHasTheSpecShape) {
  Plan plan = ImagePlan();
  Json j = PlanToJson(plan);
  EXPECT_EQ(j["cluster"], "events");
  EXPECT_EQ(j["namespace"], "data");
  EXPECT_EQ(j["converged"], false);
  EXPECT_EQ(j["next"], Json::array({1}));
  EXPECT_TRUE(j["notes"].is_array());
  EXPECT_EQ(j["blocked"], false);
  ASSERT_EQ(j["steps"].size(), plan.steps.size());
  bool saw[6] = {};
  for (const Json& s : j["steps"]) {
    for (const char* key : {"id", "action", "target", "after", "reason"}) {
      EXPECT_TRUE(s.contains(key)) << key << " in " << s.dump();
    }
    EXPECT_TRUE(s["target"].contains("kind"));
    EXPECT_TRUE(s["target"].contains("name"));
    EXPECT_EQ(s["target"]["role"].is_string(), true) << s.dump();
    std::string action = s["action"];
    if (action == "apply") {
      EXPECT_TRUE(s["object"].is_object());
      saw[0] = true;
    } else if (action == "delete") {
      EXPECT_TRUE(s["orphan"].is_boolean());
      saw[1] = true;
    } else if (action == "restart") {
      EXPECT_TRUE(s["target"]["ordinal"].is_number_integer());
      saw[2] = true;
    } else if (action == "exec") {
      EXPECT_TRUE(s["command"].is_array());
      EXPECT_TRUE(s["pod"].is_string());
      EXPECT_EQ(s["env"][0], "STRATA_TARGET_POD=" + s["pod"].get<std::string>());
      EXPECT_EQ(s["hook"], "gate");
      EXPECT_EQ(s["timeoutSeconds"], 120);
      saw[3] = true;
    } else if (action == "wait") {
      EXPECT_TRUE(s["condition"].is_string());
      // The typed condition beside SPEC §4's text, which it renders.
      ASSERT_TRUE(s["wait"].is_object()) << s.dump();
      EXPECT_TRUE(absl::StartsWith(s["condition"].get<std::string>(),
                                   absl::StrCat(s["wait"]["kind"].get<std::string>(), " ",
                                                s["wait"]["target"].get<std::string>())))
          << s.dump();
      saw[4] = true;
    } else if (action == "resizePvc") {
      EXPECT_EQ(s["size"], "2Gi");
      saw[5] = true;
    } else {
      ADD_FAILURE() << "unknown action " << action;
    }
  }
  for (bool b : saw) EXPECT_TRUE(b);
  // SPEC §4's example keys come first, in its order.
  auto it = j["steps"][0].begin();
  for (const char* key : {"id", "action", "target", "after", "reason"}) {
    EXPECT_EQ(it.key(), key);
    ++it;
  }
}

TEST(PlanOutputTest, ConvergedPlan) {
  Plan plan{.cluster = "events", .namespace_ = "data", .converged = true};
  EXPECT_EQ(PlanToJson(plan).dump(),
            R"({"cluster":"events","namespace":"data","converged":true,"steps":[],"next":[],)"
            R"("notes":[],"blocked":false})");
  EXPECT_EQ(PlanToText(plan), "plan for cluster events in namespace data: converged, nothing to do\n");
}

TEST(PlanOutputTest, TextGroupsByRoleAndPhaseAndMarksNext) {
  Plan plan = ImagePlan();
  std::string text = PlanToText(plan);
  EXPECT_THAT(text, HasSubstr(absl::StrCat("plan for cluster events in namespace data: ",
                                           plan.steps.size(), " steps; next: 1\n")));
  EXPECT_THAT(text, HasSubstr("\nzk / objects:\n   1. apply StatefulSet events-zk (replicas 3)  <- next\n"));
  EXPECT_THAT(text, HasSubstr("\ndb / storage:\n"));
  EXPECT_THAT(text, HasSubstr("\ndb / update:\n"));
  EXPECT_THAT(text, HasSubstr("exec gate in events-db-3: /bin/can-restart (timeout 120s)"));
  EXPECT_THAT(text, HasSubstr("resizePvc PersistentVolumeClaim data-events-db-0 to 2Gi"));
  // Every step's reason is printed under it.
  for (const Step& s : plan.steps) EXPECT_THAT(text, HasSubstr("       " + s.reason + "\n"));
}

TEST(PlanOutputTest, YamlFormIsTheJsonForm) {
  Plan plan = ImagePlan();
  std::string yaml = ToYaml(PlanToJson(plan));
  EXPECT_THAT(yaml, HasSubstr("cluster: events\n"));
  EXPECT_THAT(yaml, HasSubstr("action: resizePvc"));
}

// A path under the test temp dir unique to this process: ctest runs the tests
// of one binary as parallel processes that share TempDir().
std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/strata_plan_", getpid(), "_", name);
}

std::string Shell(const std::string& command, int* exit_code) {
  std::string out_path = TempPath("shell.out");
  int rc = std::system((command + " > " + out_path + " 2>&1").c_str());
  *exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  std::ifstream in(out_path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PlanOutputTest, DotRendersWithGraphviz) {
  int rc = 0;
  Shell("command -v dot", &rc);
  if (rc != 0) GTEST_SKIP() << "graphviz (dot) is not installed";
  Plan plan = ImagePlan();
  std::string dot = PlanToDot(plan);
  EXPECT_THAT(dot, HasSubstr("s1 [label=\"1 apply\\nStatefulSet events-zk\\nreplicas 3\""));
  EXPECT_THAT(dot, HasSubstr("s1 -> s2;"));
  EXPECT_THAT(dot, HasSubstr("label=\"db\""));
  std::string path = TempPath("plan.dot");
  std::ofstream(path) << dot;
  std::string svg = Shell("dot -Tsvg " + path, &rc);
  EXPECT_EQ(rc, 0) << svg;
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, Not(HasSubstr("Error")));
  // A converged plan renders too.
  std::ofstream(path) << PlanToDot(Plan{.cluster = "events", .converged = true});
  svg = Shell("dot -Tsvg " + path, &rc);
  EXPECT_EQ(rc, 0) << svg;
}

// ---------------------------------------------------------------- CLI

class PlanCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = std::string(STRATA_BINARY_DIR) + "/tools/strata/strata";
    if (!fs::exists(bin_)) GTEST_SKIP() << bin_ << " is not built (STRATA_BUILD_TOOLS=OFF)";
    kafka_ = std::string(STRATA_SOURCE_DIR) + "/examples/kafka";
    empty_ = std::string(STRATA_SOURCE_DIR) + "/tests/testdata/observed/empty_list.yaml";
  }
  std::string Run(const std::string& args, int* rc) {
    return Shell(bin_ + " plan " + kafka_ + "/app.yaml " + kafka_ + "/cluster.yaml " + args, rc);
  }
  std::string bin_, kafka_, empty_;
};

TEST_F(PlanCommandTest, FreshDeployAsTextJsonYamlDot) {
  int rc = 0;
  std::string text = Run("--observed " + empty_ + " --now 2026-01-01T00:00:00Z", &rc);
  EXPECT_EQ(rc, 0) << text;
  EXPECT_THAT(text, HasSubstr("plan for cluster events in namespace data:"));
  EXPECT_THAT(text, HasSubstr("<- next"));
  std::string json = Run("--observed " + empty_ + " -o json", &rc);
  EXPECT_EQ(rc, 0);
  Json j = Json::parse(json, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << json;
  EXPECT_EQ(j["converged"], false);
  EXPECT_EQ(j["next"], Json::array({1}));
  std::string yaml = Run("--observed " + empty_ + " -o yaml", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_THAT(yaml, HasSubstr("converged: false"));
  std::string dot = Run("--observed " + empty_ + " -o dot", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_THAT(dot, HasSubstr("digraph"));
}

TEST_F(PlanCommandTest, ExitCodes) {
  int rc = 0;
  Run("--observed " + empty_ + " --exit-code", &rc);
  EXPECT_EQ(rc, 3);
  // Observed on standard input.
  Run("--observed - --exit-code < " + empty_, &rc);
  EXPECT_EQ(rc, 3);
  std::string err = Run("--observed /nonexistent.yaml", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_THAT(err, HasSubstr("/nonexistent.yaml: cannot read"));
  std::string bad = std::string(STRATA_SOURCE_DIR) + "/tests/testdata/observed/malformed_items.yaml";
  err = Run("--observed " + bad, &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_THAT(err, HasSubstr("items[1] (Pod): metadata.name: missing"));
  err = Run("--observed " + empty_ + " --now yesterday", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_THAT(err, HasSubstr("--now: invalid time"));
  err = Run("--observed " + empty_ + " -o xml", &rc);
  EXPECT_EQ(rc, 2);
  err = Run("", &rc);
  EXPECT_EQ(rc, 2);
  err = Run("--observed " + empty_ + " --cluster nope", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_THAT(err, HasSubstr("no Cluster named \"nope\" in the input (have events)"));
}

TEST_F(PlanCommandTest, ConvergedClusterExitsZeroWithExitCode) {
  // The compiled objects, as a cluster would report them once settled.
  int rc = 0;
  std::string compiled = Shell(bin_ + " compile " + kafka_ + "/app.yaml " + kafka_ +
                                   "/cluster.yaml -o json",
                               &rc);
  ASSERT_EQ(rc, 0) << compiled;
  // The objects alone (no pods) are not converged: members must come up.
  std::string path = TempPath("objects.json");
  std::ofstream(path) << compiled;
  std::string out = Run("--observed " + path + " --exit-code", &rc);
  EXPECT_EQ(rc, 3) << out;
  EXPECT_THAT(out, HasSubstr("wait roleReady zookeeper 3/3"));
}

}  // namespace
TEST_F(PlanCommandTest, DiffPrintsNothingForAConvergedClusterAndExitsThreeOnChange) {
  // The kafka example fully rolled out, as kubectl would list it.
  std::vector<Source> sources;
  for (const char* f : {"app.yaml", "cluster.yaml"}) {
    std::ifstream in(kafka_ + "/" + f);
    std::stringstream s;
    s << in.rdbuf();
    sources.push_back(Source{.name = f, .text = s.str()});
  }
  absl::StatusOr<Documents> docs = Load(sources);
  ASSERT_TRUE(docs.ok()) << docs.status();
  absl::StatusOr<std::vector<Topology>> topologies = Resolve(*docs);
  ASSERT_TRUE(topologies.ok()) << topologies.status();
  absl::StatusOr<CompiledCluster> compiled = Compile(topologies->front(), CompileOptions{});
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  absl::Time now = absl::FromUnixSeconds(1767225600);
  std::string path = TempPath("converged.json");
  std::ofstream(path) << ObservedStateToList(ConvergedState(*compiled, now)).dump();
  int rc = 0;
  std::string out =
      Run("--observed " + path + " --now 2026-01-01T00:00:00Z -o diff --exit-code", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "");
  // Without --exit-code a difference still exits 0; with it, 3.
  std::string bigger = TempPath("cluster-6.yaml");
  std::ifstream in(kafka_ + "/cluster.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string cluster = s.str();
  size_t at = cluster.find("members: 5");
  ASSERT_NE(at, std::string::npos) << cluster;
  cluster.replace(at, 10, "members: 6");
  std::ofstream(bigger) << cluster;
  std::string args = kafka_ + "/app.yaml " + bigger + " --observed " + path +
                     " --now 2026-01-01T00:00:00Z -o diff";
  out = Shell(bin_ + " plan " + args, &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr("~ StatefulSet events-broker (role broker)\n"
                             "    spec.replicas: 5 -> 6\n"));
  EXPECT_THAT(out, HasSubstr("0 to add, 1 to change, 0 to delete; 0 member restarts\n"));
  Shell(bin_ + " plan " + args + " --exit-code", &rc);
  EXPECT_EQ(rc, 3);
}

}  // namespace strata
