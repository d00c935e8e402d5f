// DiffPlan and AllDifferences (strata/plan_diff.h, lib/plan/object_diff.h):
// field rules, text rendering, and golden diffs for every example x
// {image change, scale, config change, new Service} in
// tests/testdata/plan/<example>/<scenario>.diff (STRATA_UPDATE_GOLDEN=1
// rewrites them).

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "plan/object_diff.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/plan.h"
#include "strata/plan_diff.h"
#include "tests/plan/example_cases.h"
#include "tests/plan/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::plan_internal::AllDifferences;
using ::strata::plan_internal::Difference;
using ::strata::plan_internal::FirstDifference;
using ::strata::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
namespace fs = std::filesystem;

Json J(const char* text) { return Json::parse(text); }

TEST(AllDifferencesTest, IgnoresWhatOnlyTheServerSets) {
  Json desired = J(R"({"metadata": {"name": "a", "labels": {"x": "1"}},
                       "spec": {"replicas": 3, "paused": false, "ports": []}})");
  Json observed = J(R"({"metadata": {"name": "a", "labels": {"x": "1"}, "uid": "u",
                                     "resourceVersion": "7", "managedFields": [{}]},
                        "spec": {"replicas": 3, "revisionHistoryLimit": 10},
                        "status": {"replicas": 3}})");
  EXPECT_THAT(AllDifferences(desired, observed), IsEmpty());
  EXPECT_EQ(FirstDifference(desired, observed), std::nullopt);
}

TEST(AllDifferencesTest, ListsEveryDifferenceInKeyOrder) {
  Json desired = J(R"({"spec": {"replicas": 5, "image": "b", "new": {"k": 1}}})");
  Json observed = J(R"({"spec": {"replicas": 3, "image": "a"}})");
  std::vector<Difference> d = AllDifferences(desired, observed);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], (Difference{{"spec", "replicas"}, Json(3), Json(5)}));
  EXPECT_EQ(d[1], (Difference{{"spec", "image"}, Json("a"), Json("b")}));
  EXPECT_EQ(d[2], (Difference{{"spec", "new"}, std::nullopt, J(R"({"k": 1})")}));
  // The planner's first difference is the first of these, as it always read.
  EXPECT_EQ(FirstDifference(desired, observed), "spec.replicas: 3 -> 5");
}

TEST(AllDifferencesTest, MatchesNamedListsByName) {
  Json desired = J(R"({"env": [{"name": "A", "value": "1"}, {"name": "C", "value": "3"}]})");
  Json observed = J(R"({"env": [{"name": "A", "value": "0"}, {"name": "B", "value": "2"}]})");
  std::vector<Difference> d = AllDifferences(desired, observed);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], (Difference{{"env", "[name=A]", "value"}, Json("0"), Json("1")}));
  EXPECT_EQ(d[1], (Difference{{"env", "[name=C]"}, std::nullopt, desired["env"][1]}));
  EXPECT_EQ(d[2], (Difference{{"env", "[name=B]"}, observed["env"][1], std::nullopt}));
  // Positional rules stay the planner's: same length, first element differs.
  EXPECT_EQ(FirstDifference(desired, observed), "env[0].value: \"0\" -> \"1\"");
}

TEST(AllDifferencesTest, ReportsAReorderedNamedListOnce) {
  Json desired = J(R"({"c": [{"name": "a"}, {"name": "b"}]})");
  Json observed = J(R"({"c": [{"name": "b"}, {"name": "a"}]})");
  EXPECT_THAT(AllDifferences(desired, observed),
              ElementsAre(Difference{{"c"}, observed["c"], desired["c"]}));
}

TEST(AllDifferencesTest, ComparesQuantitiesByValue) {
  Json desired = J(R"({"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}})");
  Json observed = J(R"({"resources": {"requests": {"cpu": "1000m", "memory": "2Gi"}}})");
  std::vector<Difference> d = AllDifferences(desired, observed);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, (std::vector<std::string>{"resources", "requests", "memory"}));
}

// A one-role cluster built by the planner fixtures, converged, then changed.
struct Fixture {
  CompiledCluster desired;
  ObservedState observed;
  Plan plan;
};

Fixture Changed(plan_testing::RoleSpec before, plan_testing::RoleSpec after) {
  Fixture f;
  CompiledCluster old = plan_testing::MakeCluster({before});
  f.observed = plan_testing::Converged(old);
  f.desired = plan_testing::MakeCluster({after});
  absl::StatusOr<Plan> plan =
      PlanRollout(f.desired, f.observed, PlanOptions{.now = plan_testing::Now()});
  EXPECT_THAT(plan, IsOk());
  if (plan.ok()) f.plan = *plan;
  return f;
}

TEST(DiffPlanTest, ConvergedDiffsToNothing) {
  plan_testing::RoleSpec r;
  Fixture f = Changed(r, r);
  PlanDiff diff = DiffPlan(f.desired, f.observed, f.plan);
  EXPECT_TRUE(diff.empty());
  EXPECT_EQ(PlanDiffToText(diff), "");
}

TEST(DiffPlanTest, ImageChangeShowsTheFieldAndTheRestarts) {
  plan_testing::RoleSpec before, after;
  after.image = "db:2";
  Fixture f = Changed(before, after);
  PlanDiff diff = DiffPlan(f.desired, f.observed, f.plan);
  EXPECT_EQ(diff.to_add, 0);
  EXPECT_EQ(diff.to_change, 1);
  EXPECT_EQ(diff.to_delete, 0);
  EXPECT_EQ(diff.restarts.size(), 3u);
  std::string text = PlanDiffToText(diff);
  EXPECT_THAT(text, HasSubstr("~ StatefulSet events-db (role db)\n"));
  EXPECT_THAT(text, HasSubstr("spec.template.spec.containers[name=db].image: \"db:1\" -> \"db:2\""));
  EXPECT_THAT(text, HasSubstr("\n0 to add, 1 to change, 0 to delete; 3 member restarts\n"));
}

TEST(DiffPlanTest, ScaleInDeletesWhatThePlanDeletes) {
  plan_testing::RoleSpec before, after;
  after.members = 1;  // One member needs no PodDisruptionBudget.
  Fixture f = Changed(before, after);
  PlanDiff diff = DiffPlan(f.desired, f.observed, f.plan);
  std::string text = PlanDiffToText(diff);
  EXPECT_THAT(text, HasSubstr("    spec.replicas: 3 -> 1\n"));
  EXPECT_THAT(text, HasSubstr("- PodDisruptionBudget events-db (role db)\n"));
  EXPECT_EQ(diff.to_delete, 1);
}

TEST(DiffPlanTest, NewObjectsAreShownWhole) {
  plan_testing::RoleSpec r;
  CompiledCluster desired = plan_testing::MakeCluster({r});
  absl::StatusOr<Plan> plan = PlanRollout(desired, ObservedState{}, PlanOptions{});
  ASSERT_THAT(plan, IsOk());
  PlanDiff diff = DiffPlan(desired, ObservedState{}, *plan);
  EXPECT_EQ(diff.to_add, static_cast<int32_t>(desired.objects.size()));
  EXPECT_THAT(PlanDiffToText(diff), HasSubstr("+ StatefulSet events-db (role db)\n"
                                              "    apiVersion: apps/v1\n"
                                              "    kind: StatefulSet\n"));
}

TEST(DiffPlanTest, SecretValuesAreRedacted) {
  CompiledCluster desired;
  desired.cluster = "events";
  desired.objects.push_back(Object{
      .kind = "Secret",
      .name = "events-creds",
      .body = J(R"({"apiVersion": "v1", "kind": "Secret",
                    "metadata": {"name": "events-creds"},
                    "data": {"password": "aHVudGVyMg=="}})")});
  PlanDiff added = DiffPlan(desired, ObservedState{}, Plan{});
  std::string text = PlanDiffToText(added);
  EXPECT_THAT(text, Not(HasSubstr("aHVudGVyMg")));
  EXPECT_THAT(text, HasSubstr("password: (redacted)"));
  ObservedState observed;
  observed.secrets.push_back(J(R"({"apiVersion": "v1", "kind": "Secret",
                                   "metadata": {"name": "events-creds"},
                                   "data": {"password": "b2xk"}})"));
  PlanDiff changed = DiffPlan(desired, observed, Plan{});
  text = PlanDiffToText(changed);
  EXPECT_THAT(text, Not(HasSubstr("aHVudGVyMg")));
  EXPECT_THAT(text, Not(HasSubstr("b2xk")));
  EXPECT_THAT(text, HasSubstr("data.password: \"(redacted)\" -> \"(redacted)\""));
}

TEST(DiffPlanTest, LongValuesShowTheChangedPart) {
  std::string lines, changed;
  for (int i = 0; i < 30; ++i) {
    lines += absl::StrCat("key", i, "=value", i, "\n");
    changed += absl::StrCat("key", i, "=", i == 17 ? "other" : "value", i, "\n");
  }
  std::string long_a(300, 'a'), long_b = long_a;
  long_b[150] = 'B';
  PlanDiff diff;
  diff.objects.push_back(ObjectChange{
      .kind = ObjectChange::Kind::kChange,
      .object_kind = "ConfigMap",
      .name = "c",
      .fields = {FieldChange{.path = "data[a.properties]", .before = Json(lines),
                             .after = Json(changed)},
                 FieldChange{.path = "data.line", .before = Json(long_a), .after = Json(long_b)}}});
  diff.to_change = 1;
  std::string text = PlanDiffToText(diff);
  EXPECT_THAT(text, HasSubstr("    data[a.properties]:\n"
                              "        ... (15 unchanged lines)\n"
                              "        key15=value15\n"
                              "        key16=value16\n"
                              "      - key17=value17\n"
                              "      + key17=other17\n"
                              "        key18=value18\n"
                              "        key19=value19\n"
                              "        ... (10 unchanged lines)\n"));
  std::string window = absl::StrCat("\"...", std::string(30, 'a'), "B", std::string(30, 'a'), "...\"");
  EXPECT_THAT(text, HasSubstr(window));
  EXPECT_THAT(text, Not(HasSubstr(std::string(100, 'a'))));
}

class GoldenDiffTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenDiffTest, MatchesGoldenFiles) {
  const std::string example = GetParam();
  fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests/testdata/plan" / example;
  absl::StatusOr<Topology> base = plan_testing::LoadExample(example);
  ASSERT_THAT(base, IsOk());
  absl::StatusOr<CompiledCluster> compiled = Compile(*base, CompileOptions{});
  ASSERT_THAT(compiled, IsOk());
  ObservedState converged = ConvergedState(*compiled, plan_testing::kNow);
  absl::StatusOr<Plan> none = PlanRollout(*compiled, converged, {.now = plan_testing::kNow});
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(PlanDiffToText(DiffPlan(*compiled, converged, *none)), "");
  for (const char* scenario : plan_testing::kDiffScenarios) {
    SCOPED_TRACE(scenario);
    absl::StatusOr<plan_testing::Case> c = plan_testing::MakeCase(*base, *compiled, scenario);
    std::string text;
    if (!c.ok()) {
      text = absl::StrCat("not applicable: ", c.status().message(), "\n");
    } else {
      absl::StatusOr<CompiledCluster> observed_c = Compile(c->observed, CompileOptions{});
      absl::StatusOr<CompiledCluster> desired_c = Compile(c->desired, CompileOptions{});
      ASSERT_THAT(observed_c, IsOk());
      ASSERT_THAT(desired_c, IsOk());
      ObservedState observed = ConvergedState(*observed_c, plan_testing::kNow);
      absl::StatusOr<Plan> plan =
          PlanRollout(*desired_c, observed, PlanOptions{.now = plan_testing::kNow});
      ASSERT_THAT(plan, IsOk());
      PlanDiff diff = DiffPlan(*desired_c, observed, *plan);
      EXPECT_FALSE(diff.empty());
      text = PlanDiffToText(diff);
    }
    plan_testing::CheckGolden(dir / (std::string(scenario) + ".diff"), text);
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, GoldenDiffTest, ::testing::ValuesIn(plan_testing::Examples()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& ch : name) {
                             if (!absl::ascii_isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenDiffTest);

}  // namespace
}  // namespace strata
