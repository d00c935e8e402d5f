// End-to-end tests of `strata simulate`: output, exit codes (0 converged or
// cleanly blocked, 1 invalid input or a violation, 2 usage), --observed,
// --faults and -o json. The fresh-deploy timeline is a golden file
// (tests/testdata/sim/small.expected; STRATA_UPDATE_GOLDEN=1 rewrites it).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/json.h"
#include "strata/observed_state.h"
#include "strata/validate.h"
#include "tests/tools/strata/cli_runner.h"

namespace strata {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;
using ::strata::cli_testing::CliRun;
using ::strata::cli_testing::ReadWholeFile;
using ::strata::cli_testing::RunStrata;
using ::strata::cli_testing::StrataBinary;

fs::path TestData() { return fs::path(STRATA_SOURCE_DIR) / "tests" / "testdata" / "sim"; }

// Runs `strata ARGS` in tests/testdata/sim.
CliRun Strata(const std::string& args) { return RunStrata(args, TestData()); }

class SimulateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(StrataBinary())) GTEST_SKIP() << StrataBinary() << " was not built";
  }

  // Writes the converged state of small.yaml as a kubectl List; returns
  // its path.
  fs::path WriteConvergedObserved() {
    absl::StatusOr<Documents> docs = Load({{"small.yaml", ReadWholeFile(TestData() / "small.yaml")}});
    EXPECT_TRUE(docs.ok()) << docs.status();
    absl::StatusOr<std::vector<Topology>> t = Resolve(*docs);
    EXPECT_TRUE(t.ok()) << t.status();
    absl::StatusOr<CompiledCluster> c = Compile((*t)[0], CompileOptions{});
    EXPECT_TRUE(c.ok()) << c.status();
    ObservedState state = ConvergedState(*c, absl::FromUnixSeconds(1767225600));
    fs::path path = fs::temp_directory_path() /
                    ("strata_sim_observed_" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << ObservedStateToList(state).dump(1);
    return path;
  }
};

TEST_F(SimulateCommandTest, FreshDeployTimelineMatchesTheGolden) {
  CliRun r = Strata("simulate small.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  fs::path golden = TestData() / "small.expected";
  if (std::getenv("STRATA_UPDATE_GOLDEN") != nullptr) std::ofstream(golden) << r.out;
  EXPECT_EQ(r.out, ReadWholeFile(golden)) << "rewrite with STRATA_UPDATE_GOLDEN=1 if intended";
}

TEST_F(SimulateCommandTest, JsonOutput) {
  CliRun r = Strata("simulate small.yaml -o json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["cluster"], "kv1");
  EXPECT_EQ(j["namespace"], "sim");
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["converged"], true);
  EXPECT_EQ(j["blocked"], false);
  EXPECT_EQ(j["violations"], Json::array());
  EXPECT_EQ(j["plans"], 3);  // The executor plans again after each wait (SPEC-2 5b.1).
  ASSERT_TRUE(j["events"].is_array());
  EXPECT_EQ(j["events"][0]["offsetSeconds"], 0);
  EXPECT_EQ(j["events"].back()["what"], "plan is empty: converged");
}

TEST_F(SimulateCommandTest, UpdateFromObservedStateRollsEveryMember) {
  fs::path observed = WriteConvergedObserved();
  CliRun r = Strata("simulate small_v2.yaml --observed '" + observed.string() + "'");
  fs::remove(observed);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("from " + observed.string()));
  for (const char* pod : {"kv1-store-2", "kv1-store-1", "kv1-store-0", "kv1-worker-1",
                          "kv1-worker-0"}) {
    EXPECT_THAT(r.out, HasSubstr(std::string("restart ") + pod + "\n")) << r.out;
  }
  EXPECT_THAT(r.out, HasSubstr("exec gate in kv1-store-2"));
  EXPECT_THAT(r.out, HasSubstr("violations: none"));
}

// Issue 11: Python and gRPC returned the final state; the CLI could not.
// The file is a kubectl List that plans as converged and continues a rollout.
TEST_F(SimulateCommandTest, FinalStateIsWrittenAsAListThatPlansConverged) {
  fs::path dir = fs::temp_directory_path() / ("strata_sim_final_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string final_state = (dir / "final.yaml").string();
  CliRun r = Strata("simulate small.yaml --final-state '" + final_state + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  absl::StatusOr<ObservedState> state = ParseObservedState(ReadWholeFile(final_state), final_state);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->pods.size(), 5u);  // kv1-store-0..2, kv1-worker-0..1.
  EXPECT_EQ(Strata("plan small.yaml --observed '" + final_state + "'").out,
            "plan for cluster kv1 in namespace sim: converged, nothing to do\n");
  CliRun update = Strata("simulate small_v2.yaml --observed '" + final_state + "'");
  EXPECT_EQ(update.exit_code, 0) << update.err;
  EXPECT_THAT(update.out, HasSubstr("restart kv1-store-2\n"));
  // A file that cannot be written is an error, and nothing is left behind.
  CliRun bad = Strata("simulate small.yaml --final-state '" + (dir / "no/such/dir.yaml").string() +
                      "'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("dir.yaml: cannot write: No such file or directory"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

TEST_F(SimulateCommandTest, NeverReadyFaultBlocksCleanly) {
  fs::path observed = WriteConvergedObserved();
  CliRun r = Strata("simulate small_v2.yaml --observed '" + observed.string() +
                    "' --faults never-ready=kv1-store-1");
  fs::remove(observed);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("ok: blocked as the injected never-ready fault demands: "
                               "kv1-store-1 never becomes Ready"));
  EXPECT_THAT(r.out, Not(HasSubstr("restart kv1-store-0")));
  EXPECT_THAT(r.out, Not(HasSubstr("restart kv1-worker")));
}

TEST_F(SimulateCommandTest, OtherFaultsConverge) {
  fs::path observed = WriteConvergedObserved();
  CliRun r = Strata("simulate small_v2.yaml --observed '" + observed.string() +
                    "' --faults 'gate-fails=kv1-store-2x2;pod-dies=kv1-store-0@3;"
                    "node-loss=kv1-worker-0+kv1-store-1@6' --replan-at-wait");
  fs::remove(observed);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("FAULT: pod kv1-store-0 dies"));
  EXPECT_THAT(r.out, HasSubstr("FAULT: node lost, taking down kv1-worker-0, kv1-store-1"));
  EXPECT_THAT(r.out, HasSubstr("exit 1 (injected gate-fails, 0 left)"));
  EXPECT_THAT(r.out, HasSubstr("converged after"));
}

TEST_F(SimulateCommandTest, AViolationExitsOne) {
  // Two plans are needed; allowing one makes non-convergence a violation.
  CliRun r = Strata("simulate small.yaml --max-plans 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("did not converge within 1 plans"));
  EXPECT_THAT(r.out, HasSubstr("FAILED: 1 invariant violation(s)"));
  EXPECT_THAT(r.err, HasSubstr("simulate: cluster kv1: 1 invariant violation(s)"));
}

TEST_F(SimulateCommandTest, InvalidInputExitsOne) {
  CliRun bad_fault = Strata("simulate small.yaml --faults explode=kv1-store-0");
  EXPECT_EQ(bad_fault.exit_code, 1);
  EXPECT_THAT(bad_fault.err, HasSubstr("--faults: entry 1 \"explode=kv1-store-0\": unknown "
                                       "fault \"explode\""));
  CliRun unknown_pod = Strata("simulate small.yaml --faults never-ready=kv1-store-9");
  EXPECT_EQ(unknown_pod.exit_code, 1);
  EXPECT_THAT(unknown_pod.err, HasSubstr("kv1-store-9 is not a pod of cluster kv1"));
  CliRun missing = Strata("simulate nope.yaml");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope.yaml: cannot read"));
  fs::path bad = fs::temp_directory_path() /
                 ("strata_sim_bad_observed_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(bad) << "kind: List\nitems: [{kind: Pod, metadata: {}}]\n";
  CliRun bad_observed = Strata("simulate small.yaml --observed '" + bad.string() + "'");
  fs::remove(bad);
  EXPECT_EQ(bad_observed.exit_code, 1);
  EXPECT_THAT(bad_observed.err, HasSubstr("metadata.name"));
}

TEST_F(SimulateCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Strata("simulate small.yaml -o xml").exit_code, 2);
  EXPECT_EQ(Strata("simulate small.yaml --ready-delay -1").exit_code, 2);
  EXPECT_EQ(Strata("simulate").exit_code, 2);
  EXPECT_EQ(Strata("simulate small.yaml --start yesterday").exit_code, 2);
}

}  // namespace
}  // namespace strata
