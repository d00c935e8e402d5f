// The hand-written parts of docs/ against the code, so they cannot drift
// either (the field reference is generated: tests/python/test_reference_docs.py):
// every template variable the context defines, every STRATA_* variable a
// container or hook gets, every config format and every plan action and
// wait condition is documented.

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "compile/config_format.h"
#include "sim/kube_model.h"
#include "strata/compile.h"
#include "strata/plan.h"
#include "tests/compile/examples.h"
#include "validate/template_check.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

std::string Doc(const std::string& name) {
  std::string text = testing::ReadFileOrEmpty(fs::path(testing::SourceDir()) / "docs" / name);
  EXPECT_FALSE(text.empty()) << "docs/" << name << " is missing";
  return text;
}

App SampleApp() {
  App app;
  app.name = "kafka";
  Role zk;
  zk.name = "zk";
  zk.ports.push_back(Port{.name = "client", .port = 2181});
  app.roles.push_back(zk);
  return app;
}

TEST(ReferenceDocsTest, TemplatesListEveryVariable) {
  std::string doc = Doc("templates.md");
  validate_internal::TemplateScope scope = validate_internal::TemplateScopeFor(SampleApp());
  std::set<std::string> documented;
  for (const std::string& v : scope.variables) {
    // The role and port of the sample stand for any role and port.
    std::string generic = absl::StrReplaceAll(v, {{"roles.zk", "roles.<role>"}});
    generic = absl::StrReplaceAll(generic, {{".ports.client", ".ports.<port>"}});
    if (generic == "cluster" || generic == "app" || generic == "roles" ||
        generic == "connections" || generic == "roles.<role>" ||
        generic == "roles.<role>.ports") {
      continue;  // Objects, not values.
    }
    EXPECT_THAT(doc, ::testing::HasSubstr(absl::StrCat("`", generic, "`")))
        << "docs/templates.md does not document " << generic;
  }
  EXPECT_THAT(doc, ::testing::HasSubstr("`connections.<name>.endpoint`"));
  for (const auto& [list, fields] : scope.lists) {
    EXPECT_THAT(doc, ::testing::HasSubstr("`roles.<role>.members`"));
    for (const std::string& f : fields) {
      EXPECT_THAT(doc, ::testing::HasSubstr(absl::StrCat("| `", f, "` |")))
          << "docs/templates.md does not document member field " << f;
    }
  }
}

TEST(ReferenceDocsTest, EnvironmentListsEveryInjectedVariable) {
  std::string doc = Doc("environment.md");
  absl::StatusOr<std::vector<Topology>> topologies = testing::LoadExample("kafka");
  ASSERT_TRUE(topologies.ok()) << topologies.status();
  absl::StatusOr<CompiledCluster> compiled = Compile(topologies->front(), CompileOptions{});
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  std::set<std::string> names;
  for (const Object& o : compiled->objects) {
    if (o.kind != "StatefulSet") continue;
    for (const Json& e : o.body["spec"]["template"]["spec"]["containers"][0]["env"]) {
      std::string name = e["name"];
      if (absl::StartsWith(name, "STRATA_")) names.insert(name);
    }
  }
  // Hooks: the gate of an image change (a Ready broker checks the target).
  Topology changed = topologies->front();
  for (Role& r : changed.app.roles) r.image += "-next";
  absl::StatusOr<CompiledCluster> desired = Compile(changed, CompileOptions{});
  ASSERT_TRUE(desired.ok());
  absl::StatusOr<Plan> plan =
      PlanRollout(*desired, ConvergedState(*compiled, absl::UnixEpoch()), {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  for (const Step& s : plan->steps) {
    for (const std::string& e : s.env) names.insert(e.substr(0, e.find('=')));
  }
  EXPECT_THAT(names, ::testing::Contains("STRATA_TARGET_ORDINAL"));
  EXPECT_GE(names.size(), 7u);
  for (const std::string& n : names) {
    EXPECT_THAT(doc, ::testing::HasSubstr(absl::StrCat("`", n, "`")))
        << "docs/environment.md does not document " << n;
  }
}

TEST(ReferenceDocsTest, ConfigFormatsAreAllDescribed) {
  std::string doc = Doc("config-formats.md");
  for (ConfigFormat f : {ConfigFormat::kProperties, ConfigFormat::kHadoopXml, ConfigFormat::kYaml,
                         ConfigFormat::kJson, ConfigFormat::kIni, ConfigFormat::kEnv,
                         ConfigFormat::kText}) {
    std::string name = compile_internal::ConfigFormatName(f);
    EXPECT_THAT(doc, ::testing::HasSubstr(absl::StrCat("| `", name, "` |")))
        << "docs/config-formats.md does not describe format " << name;
  }
}

TEST(ReferenceDocsTest, PlanActionsAndConditionsAreAllDescribed) {
  std::string doc = Doc("plans.md");
  for (Action a : {Action::kApply, Action::kDelete, Action::kRestart, Action::kExec,
                   Action::kWait, Action::kResizePvc}) {
    EXPECT_THAT(doc, ::testing::HasSubstr(absl::StrCat("| `", ActionName(a), "` |")))
        << "docs/plans.md does not describe action " << ActionName(a);
  }
  // Every condition the planner writes for the examples' scenarios.
  for (const char* c : {"podReady", "roleReady", "pvcCapacity"}) {
    EXPECT_THAT(doc, ::testing::HasSubstr(absl::StrCat("| `", c)));
  }
}

TEST(ReferenceDocsTest, EveryPageIsLinkedFromTheIndexAndTheReadme) {
  std::string index = Doc("README.md");
  std::string readme =
      testing::ReadFileOrEmpty(fs::path(testing::SourceDir()) / "README.md");
  EXPECT_THAT(readme, ::testing::HasSubstr("docs/README.md"));
  for (const auto& e : fs::recursive_directory_iterator(fs::path(testing::SourceDir()) / "docs")) {
    if (e.path().extension() != ".md" || e.path().filename() == "README.md") continue;
    std::string rel = fs::relative(e.path(), fs::path(testing::SourceDir()) / "docs").string();
    EXPECT_THAT(index, ::testing::HasSubstr(absl::StrCat("(", rel, ")")))
        << "docs/README.md does not link " << rel;
  }
}

}  // namespace
}  // namespace strata
