// Table tests of DecideMembership and ScaleInVolumes (plan/scale.h): how a
// role's member count changes, decided from plain numbers and flags.

#include "plan/scale.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace strata::plan_internal {
namespace {

using Kind = MembershipChange::Kind;

struct Case {
  const char* name;
  MembershipInputs in;
  Kind kind;
  int32_t objects_replicas;
  std::optional<int32_t> resume_join;
  bool condemned_go_with_objects;
};

class DecideMembershipTest : public ::testing::TestWithParam<Case> {};

TEST_P(DecideMembershipTest, Decides) {
  const Case& c = GetParam();
  MembershipChange got = DecideMembership(c.in);
  EXPECT_EQ(got.kind, c.kind);
  EXPECT_EQ(got.objects_replicas, c.objects_replicas);
  EXPECT_EQ(got.resume_join, c.resume_join);
  EXPECT_EQ(got.condemned_go_with_objects, c.condemned_go_with_objects);
  EXPECT_EQ(got.from, c.in.observed);
  EXPECT_EQ(got.to, c.in.desired);
  EXPECT_EQ(got.EmitsSteps(), c.kind != Kind::kNone || c.resume_join.has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Membership, DecideMembershipTest,
    ::testing::Values(
        // A new role: every member at once, even a stepped one.
        Case{"NewRoleAtOnce", {.desired = 3}, Kind::kNone, 3, std::nullopt, false},
        Case{"NewSteppedRoleAtOnce", {.desired = 3, .stepped = true}, Kind::kNone, 3,
             std::nullopt, false},
        Case{"NewSerialRoleStartsWithOne",
             {.desired = 3, .stepped = true, .serial_start = true}, Kind::kSerialBringUp, 1,
             std::nullopt, false},
        Case{"NewSerialRoleStartsWithNoneWhilePreparing",
             {.desired = 3, .stepped = true, .serial_start = true, .prep_needed = true},
             Kind::kSerialBringUp, 0, std::nullopt, false},
        Case{"SerialRoleOfOneIsPlain",
             {.desired = 1, .stepped = true, .serial_start = true}, Kind::kNone, 1,
             std::nullopt, false},
        // Plain roles change replicas in the objects phase.
        Case{"PlainScaleOut", {.desired = 5, .observed = 3, .has_stateful_set = true},
             Kind::kNone, 5, std::nullopt, true},
        Case{"PlainScaleIn", {.desired = 2, .observed = 4, .has_stateful_set = true},
             Kind::kNone, 2, std::nullopt, true},
        Case{"PlainScaleOutOntoLeftClaims",
             {.desired = 5, .observed = 3, .has_stateful_set = true, .prep_needed = true},
             Kind::kScaleOutAtOnce, 3, std::nullopt, false},
        // Stepped roles change one replica at a time in the membership phase.
        Case{"SteppedScaleOut",
             {.desired = 5, .observed = 3, .has_stateful_set = true, .stepped = true},
             Kind::kScaleOutStepped, 3, std::nullopt, false},
        Case{"SteppedScaleIn",
             {.desired = 2, .observed = 4, .has_stateful_set = true, .stepped = true},
             Kind::kScaleInStepped, 4, std::nullopt, false},
        Case{"SteppedUnchanged",
             {.desired = 3, .observed = 3, .has_stateful_set = true, .stepped = true},
             Kind::kNone, 3, std::nullopt, true},
        // From a stopped StatefulSet (0 replicas) every member starts at once.
        Case{"SteppedStartFromStopped",
             {.desired = 3, .observed = 0, .has_stateful_set = true, .stepped = true},
             Kind::kNone, 3, std::nullopt, true},
        // An interrupted memberJoin runs first, then the scale-out goes on.
        Case{"ResumeJoinOnly",
             {.desired = 3, .observed = 3, .has_stateful_set = true, .stepped = true,
              .join_pending = 2},
             Kind::kNone, 3, 2, false},
        Case{"ResumeJoinThenScaleOut",
             {.desired = 5, .observed = 3, .has_stateful_set = true, .stepped = true,
              .join_pending = 2},
             Kind::kScaleOutStepped, 3, 2, false},
        Case{"PendingJoinDuringScaleInIsNotResumed",
             {.desired = 2, .observed = 4, .has_stateful_set = true, .stepped = true,
              .join_pending = 1},
             Kind::kScaleInStepped, 4, std::nullopt, false}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(ScaleInVolumesTest, SaysWhichClaimsStayAndWhichGo) {
  Storage data, logs;
  data.name = "data";
  logs.name = "logs";
  logs.on_scale_down = VolumePolicy::kDelete;
  EXPECT_EQ(ScaleInVolumes({data, logs}, "c-r", 3, 5),
            "; data-c-r-3, data-c-r-4 kept (onScaleDown: retain); the StatefulSet deletes "
            "logs-c-r-3, logs-c-r-4 (onScaleDown: delete)");
  EXPECT_EQ(ScaleInVolumes({data}, "c-r", 2, 3), "; data-c-r-2 kept (onScaleDown: retain)");
  EXPECT_EQ(ScaleInVolumes({}, "c-r", 2, 3), "");
}

}  // namespace
}  // namespace strata::plan_internal
