// Golden plans: every example under examples/ x the scenarios below, planned
// at a fixed `now` against the cluster the simulator's KubeModel reports.
// Expected output lives in tests/testdata/plan/<example>/<scenario>.txt (the
// text form) and .json; STRATA_UPDATE_GOLDEN=1 rewrites them.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "strata/validate.h"
#include "tests/plan/example_cases.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::plan_testing::Case;
using ::strata::plan_testing::CheckGolden;
using ::strata::plan_testing::Examples;
using ::strata::plan_testing::kNow;
using ::strata::plan_testing::kScenarios;
using ::strata::plan_testing::LoadExample;
using ::strata::plan_testing::MakeCase;
using ::strata::plan_testing::Read;
namespace fs = std::filesystem;

class GoldenPlanTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenPlanTest, MatchesGoldenFiles) {
  const std::string example = GetParam();
  fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests/testdata/plan" / example;
  if (!fs::exists(dir) && std::getenv("STRATA_UPDATE_GOLDEN") == nullptr) {
    FAIL() << "no golden plans for example " << example
           << "; run with STRATA_UPDATE_GOLDEN=1 and review the files it writes";
  }
  absl::StatusOr<Topology> base = LoadExample(example);
  ASSERT_THAT(base, IsOk());
  absl::StatusOr<CompiledCluster> compiled = Compile(*base, CompileOptions{});
  ASSERT_THAT(compiled, IsOk());
  for (const char* scenario : kScenarios) {
    SCOPED_TRACE(scenario);
    absl::StatusOr<Case> c = MakeCase(*base, *compiled, scenario);
    std::string text, json;
    if (!c.ok()) {
      text = absl::StrCat("not applicable: ", c.status().message(), "\n");
      json = "null\n";
    } else {
      absl::StatusOr<CompiledCluster> observed_c = Compile(c->observed, CompileOptions{});
      absl::StatusOr<CompiledCluster> desired_c = Compile(c->desired, CompileOptions{});
      ASSERT_THAT(observed_c, IsOk());
      ASSERT_THAT(desired_c, IsOk());
      ObservedState observed = c->fresh ? ObservedState{} : ConvergedState(*observed_c, kNow);
      absl::StatusOr<Plan> plan = PlanRollout(*desired_c, observed, PlanOptions{.now = kNow});
      if (!plan.ok()) {
        text = absl::StrCat("error: ", plan.status().ToString(), "\n");
        json = "null\n";
      } else {
        text = PlanToText(*plan);
        json = PlanToJson(*plan).dump(2) + "\n";
        if (std::string(scenario) == "converged") {
          EXPECT_TRUE(plan->converged) << text;
        } else {
          EXPECT_FALSE(plan->converged) << text;
        }
      }
    }
    CheckGolden(dir / (std::string(scenario) + ".txt"), text);
    CheckGolden(dir / (std::string(scenario) + ".json"), json);
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, GoldenPlanTest, ::testing::ValuesIn(Examples()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& ch : name) {
                             if (!absl::ascii_isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenPlanTest);

}  // namespace
}  // namespace strata
