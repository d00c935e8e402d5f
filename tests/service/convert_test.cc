// Tests for lib/service/convert.h.

#include "service/convert.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"

namespace strata::service_internal {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PlanToProtoTest, CopiesEveryField) {
  Plan plan{.cluster = "events", .namespace_ = "data", .converged = false};
  plan.steps.push_back(Step{.id = 1,
                            .action = Action::kApply,
                            .target = {.kind = "StatefulSet", .name = "events-broker",
                                       .role = "broker"},
                            .reason = "create",
                            .object = Json{{"kind", "StatefulSet"}}});
  plan.steps.push_back(Step{.id = 2,
                            .action = Action::kExec,
                            .target = {.kind = "Pod", .name = "events-broker-4", .role = "broker",
                                       .ordinal = 4},
                            .after = {1},
                            .reason = "leave",
                            .command = {"nodetool", "decommission"},
                            .pod = "events-broker-4",
                            .env = {"A=b"},
                            .timeout_seconds = 600,
                            .phase = Phase::kMembership,
                            .hook = Hook::kMemberLeave});
  plan.steps.push_back(Step{.id = 3, .action = Action::kResizePvc, .size = "20Gi"});
  plan.steps.push_back(Step{.id = 4, .action = Action::kDelete, .orphan = true});
  plan.steps.push_back(Step{.id = 5,
                            .action = Action::kWait,
                            .condition = WaitCondition{.kind = WaitCondition::Kind::kRoleReady,
                                                       .target = "broker",
                                                       .stateful_set = "events-broker",
                                                       .count = 5,
                                                       .min_ready_seconds = 30},
                            .phase = Phase::kUpdate});
  plan.steps.push_back(Step{.id = 6, .action = Action::kRestart});
  plan.next = {1};
  plan.notes = {"falls back"};
  plan.blocked = true;
  plan.blocked_reason = "events-broker-2 is stuck";

  v1::Plan p = PlanToProto(plan);
  EXPECT_EQ(p.cluster(), "events");
  EXPECT_EQ(p.namespace_(), "data");
  EXPECT_FALSE(p.converged());
  ASSERT_EQ(p.steps_size(), 6);
  EXPECT_EQ(p.steps(0).action(), v1::ACTION_APPLY);
  EXPECT_EQ(p.steps(0).object(), R"({"kind":"StatefulSet"})");
  EXPECT_FALSE(p.steps(0).target().has_ordinal());
  EXPECT_EQ(p.steps(1).action(), v1::ACTION_EXEC);
  EXPECT_EQ(p.steps(1).target().ordinal(), 4);
  EXPECT_THAT(p.steps(1).after(), ElementsAre(1));
  EXPECT_THAT(p.steps(1).command(), ElementsAre("nodetool", "decommission"));
  EXPECT_EQ(p.steps(1).pod(), "events-broker-4");
  EXPECT_THAT(p.steps(1).env(), ElementsAre("A=b"));
  EXPECT_EQ(p.steps(1).timeout().seconds(), 600);
  EXPECT_TRUE(p.steps(1).object().empty());
  EXPECT_EQ(p.steps(1).phase(), v1::PHASE_MEMBERSHIP);
  EXPECT_EQ(p.steps(1).hook(), v1::HOOK_MEMBER_LEAVE);
  EXPECT_EQ(p.steps(0).phase(), v1::PHASE_OBJECTS);
  EXPECT_EQ(p.steps(2).action(), v1::ACTION_RESIZE_PVC);
  EXPECT_EQ(p.steps(2).size(), "20Gi");
  EXPECT_EQ(p.steps(3).action(), v1::ACTION_DELETE);
  EXPECT_TRUE(p.steps(3).orphan());
  EXPECT_EQ(p.steps(4).action(), v1::ACTION_WAIT);
  EXPECT_EQ(p.steps(4).condition(), "roleReady broker 5/5 minReadySeconds=30");
  EXPECT_EQ(p.steps(4).phase(), v1::PHASE_UPDATE);
  EXPECT_EQ(p.steps(4).hook(), v1::HOOK_NONE);
  ASSERT_TRUE(p.steps(4).has_wait());
  EXPECT_EQ(p.steps(4).wait().kind(), v1::WaitCondition::KIND_ROLE_READY);
  EXPECT_EQ(p.steps(4).wait().target(), "broker");
  EXPECT_EQ(p.steps(4).wait().stateful_set(), "events-broker");
  EXPECT_EQ(p.steps(4).wait().count(), 5);
  EXPECT_EQ(p.steps(4).wait().min_ready_seconds(), 30);
  EXPECT_EQ(p.steps(4).wait().text(), p.steps(4).condition());
  EXPECT_FALSE(p.steps(0).has_wait());
  EXPECT_FALSE(p.steps(4).has_timeout());
  EXPECT_EQ(p.steps(5).action(), v1::ACTION_RESTART);
  EXPECT_THAT(p.next(), ElementsAre(1));
  EXPECT_THAT(p.notes(), ElementsAre("falls back"));
  EXPECT_TRUE(p.blocked());
  EXPECT_EQ(p.blocked_reason(), "events-broker-2 is stuck");
}

TEST(FaultsFromProtoTest, ConvertsEachKind) {
  google::protobuf::RepeatedPtrField<v1::Fault> faults;
  v1::Fault* f = faults.Add();
  f->set_kind(v1::Fault::KIND_NODE_LOSS);
  f->add_pods("a-0");
  f->add_pods("a-1");
  f->set_at_step(5);
  f = faults.Add();
  f->set_kind(v1::Fault::KIND_GATE_FAILS);
  f->add_pods("a-2");
  f->set_times(2);
  absl::StatusOr<std::vector<Fault>> out = FaultsFromProto(faults);
  ASSERT_THAT(out, IsOk());
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0], (Fault{.kind = Fault::Kind::kNodeLoss, .pods = {"a-0", "a-1"},
                              .at_step = 5}));
  EXPECT_EQ((*out)[1], (Fault{.kind = Fault::Kind::kGateFails, .pods = {"a-2"}, .times = 2}));
}

TEST(FaultsFromProtoTest, NamesTheBadField) {
  struct Case {
    v1::Fault fault;
    std::string want;
  };
  v1::Fault no_kind;
  no_kind.add_pods("a-0");
  v1::Fault no_pods;
  no_pods.set_kind(v1::Fault::KIND_NEVER_READY);
  v1::Fault two_pods = no_pods;
  two_pods.add_pods("a-0");
  two_pods.add_pods("a-1");
  v1::Fault no_step;
  no_step.set_kind(v1::Fault::KIND_POD_DIES);
  no_step.add_pods("a-0");
  v1::Fault no_times;
  no_times.set_kind(v1::Fault::KIND_GATE_FAILS);
  no_times.add_pods("a-0");
  for (const Case& c : std::vector<Case>{{no_kind, "faults[0].kind: required"},
                                         {no_pods, "faults[0].pods: at least one"},
                                         {two_pods, "faults[0].pods: exactly one"},
                                         {no_step, "faults[0].at_step: must be >= 1"},
                                         {no_times, "faults[0].times: must be >= 1"}}) {
    google::protobuf::RepeatedPtrField<v1::Fault> faults;
    *faults.Add() = c.fault;
    EXPECT_THAT(FaultsFromProto(faults),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.want)));
  }
}

TEST(TimeTest, RoundTripsTimestampsAndDurations) {
  for (absl::Time t : {absl::UnixEpoch(), absl::FromUnixSeconds(1767225600) + absl::Nanoseconds(5),
                       absl::FromUnixSeconds(-1) + absl::Milliseconds(250)}) {
    absl::StatusOr<absl::Time> back = TimeFromProto(TimeToProto(t), "t");
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, t);
  }
  for (absl::Duration d : {absl::ZeroDuration(), absl::Seconds(10), absl::Milliseconds(-1500)}) {
    absl::StatusOr<absl::Duration> back = DurationFromProto(DurationToProto(d), "d");
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, d);
  }
}

TEST(TimeTest, RejectsMalformedValues) {
  google::protobuf::Timestamp t;
  t.set_nanos(-1);
  EXPECT_THAT(TimeFromProto(t, "now"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                HasSubstr("now: not a valid timestamp")));
  google::protobuf::Duration d;
  d.set_seconds(1);
  d.set_nanos(-5);
  EXPECT_THAT(DurationFromProto(d, "delay"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("delay: not a valid")));
}

}  // namespace
}  // namespace strata::service_internal
