#include "validate/app_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/validate/rule_testing.h"

namespace strata::validate_internal {
namespace {

using testing::Reported;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A valid App of `names.size()` roles; role i depends on `deps[i]`.
App AppOf(const std::vector<std::string>& names,
          const std::vector<std::vector<std::string>>& deps) {
  App app;
  app.name = "app";
  app.version = "1";
  for (size_t i = 0; i < names.size(); ++i) {
    Role role;
    role.name = names[i];
    role.image = "img:1";
    role.depends_on = deps[i];
    app.roles.push_back(role);
  }
  return app;
}

TEST(AppRulesTest, ValidAppHasNoDiagnostics) {
  App app = AppOf({"a", "b"}, {{}, {"a"}});
  EXPECT_THAT(Reported([&](Reporter& r) { CheckApp(r, app); }), IsEmpty());
}

TEST(AppRulesTest, AppWithoutRoles) {
  App app = AppOf({}, {});
  EXPECT_THAT(Reported([&](Reporter& r) { CheckApp(r, app); }),
              ElementsAre("spec.roles: at least one role is required"));
}

TEST(AppRulesTest, DependsOnItselfUnknownTwiceAndCycle) {
  App app = AppOf({"a", "b", "c"}, {{"a", "nope"}, {"c", "c"}, {"b"}});
  EXPECT_THAT(Reported([&](Reporter& r) { CheckApp(r, app); }),
              ElementsAre("spec.roles[0].dependsOn[0]: a role cannot depend on itself",
                          "spec.roles[0].dependsOn[1]: unknown role \"nope\"",
                          "spec.roles[1].dependsOn[1]: duplicate dependency \"c\"",
                          "spec.roles[1].dependsOn: dependency cycle: b -> c -> b"));
}

TEST(AppRulesTest, LifecycleHooks) {
  App app = AppOf({"a"}, {{}});
  Lifecycle& l = app.roles[0].lifecycle;
  l.pre_stop = Handler{.kind = Handler::Kind::kExec, .command = {"x"}, .timeout_seconds = 5};
  l.member_leave = Handler{.kind = Handler::Kind::kExec, .command = {"y"}, .timeout_seconds = 0};
  l.termination_grace_period_seconds = -1;
  EXPECT_THAT(
      Reported([&](Reporter& r) { CheckApp(r, app); }),
      ElementsAre("spec.roles[0].lifecycle.preStop.timeoutSeconds: not allowed here: only "
                  "memberLeave and memberJoin take a timeout (the kubelet bounds preStop by "
                  "terminationGracePeriodSeconds)",
                  "spec.roles[0].lifecycle.memberLeave.timeoutSeconds: 0 is invalid: must be >= 1",
                  "spec.roles[0].lifecycle.terminationGracePeriodSeconds: -1 is invalid: must be "
                  ">= 0"));
}

}  // namespace
}  // namespace strata::validate_internal
