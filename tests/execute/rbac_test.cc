#include "strata/rbac.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/compile/examples.h"

namespace strata {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

CompiledCluster CompileExample(const std::string& name) {
  absl::StatusOr<std::vector<Topology>> t = testing::LoadExample(name);
  EXPECT_TRUE(t.ok()) << t.status();
  absl::StatusOr<CompiledCluster> c = Compile(t->at(0), CompileOptions{});
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

// The verbs of the rule for `resource` in `role`'s rules (empty if none).
std::vector<std::string> Verbs(const Object& role, const std::string& resource) {
  for (const Json& rule : role.body["rules"]) {
    for (const Json& r : rule["resources"]) {
      if (r == resource) return rule["verbs"].get<std::vector<std::string>>();
    }
  }
  return {};
}

TEST(ApplyRbacTest, KafkaNeedsExecPodPatchesAndNoNodes) {
  CompiledCluster kafka = CompileExample("kafka");
  std::vector<Object> rbac = ApplyRbac({kafka}, RbacOptions{});
  ASSERT_EQ(rbac.size(), 2u);  // No zoneParallel role: no ClusterRole.
  EXPECT_EQ(rbac[0].kind, "Role");
  EXPECT_EQ(rbac[0].body["metadata"]["namespace"], kafka.namespace_);
  EXPECT_THAT(Verbs(rbac[0], "statefulsets"),
              ElementsAre("list", "watch", "create", "patch", "delete"));
  EXPECT_THAT(Verbs(rbac[0], "pods"), ElementsAre("list", "watch", "delete", "patch"));
  EXPECT_THAT(Verbs(rbac[0], "pods/exec"), ElementsAre("create", "get"));
  // Storage, but no afterLeave: wipe: PVCs are patched, never deleted.
  EXPECT_THAT(Verbs(rbac[0], "persistentvolumeclaims"), ElementsAre("list", "watch", "patch"));
  EXPECT_THAT(Verbs(rbac[0], "secrets"), ElementsAre());
  EXPECT_EQ(rbac[1].kind, "RoleBinding");
  EXPECT_EQ(rbac[1].body["roleRef"]["name"], "strata-apply");
  EXPECT_EQ(rbac[1].body["subjects"][0]["name"], "strata");
  EXPECT_EQ(rbac[1].body["subjects"][0]["namespace"], kafka.namespace_);
}

TEST(ApplyRbacTest, WipedVolumesMayBeDeleted) {
  std::vector<Object> rbac = ApplyRbac({CompileExample("cassandra")}, RbacOptions{});
  EXPECT_THAT(Verbs(rbac[0], "persistentvolumeclaims"), Contains("delete"));
}

TEST(ApplyRbacTest, NoHooksNoExec) {
  CompiledCluster c = CompileExample("kafka");
  for (CompiledRole& role : c.roles) {
    role.role.rollout.gate.reset();
    role.role.rollout.leader_probe.reset();
    role.role.lifecycle.member_leave.reset();
    role.role.lifecycle.member_join.reset();
    role.storage.clear();
  }
  std::vector<Object> rbac = ApplyRbac({c}, RbacOptions{});
  EXPECT_THAT(Verbs(rbac[0], "pods/exec"), ElementsAre());
  // Pods are still patched: adopting a StatefulSet labels its pods (SPEC-2 §10).
  EXPECT_THAT(Verbs(rbac[0], "pods"), ElementsAre("list", "watch", "delete", "patch"));
  EXPECT_THAT(Verbs(rbac[0], "persistentvolumeclaims"), ElementsAre("list", "watch"));
}

TEST(ApplyRbacTest, ZoneParallelAddsANodesClusterRoleForTheServiceAccount) {
  CompiledCluster c = CompileExample("kafka");
  c.roles[0].role.rollout.zone_parallel = true;
  std::vector<Object> rbac =
      ApplyRbac({c}, RbacOptions{.service_account = "deployer", .service_account_namespace = "ops"});
  ASSERT_EQ(rbac.size(), 4u);
  EXPECT_EQ(rbac[2].kind, "ClusterRole");
  EXPECT_EQ(rbac[2].name, "strata-apply:ops:deployer");
  EXPECT_THAT(Verbs(rbac[2], "nodes"), ElementsAre("list", "watch"));
  EXPECT_EQ(rbac[3].kind, "ClusterRoleBinding");
  EXPECT_EQ(rbac[3].body["subjects"][0]["namespace"], "ops");
  EXPECT_EQ(rbac[1].body["subjects"][0]["name"], "deployer");
}

TEST(ApplyRbacTest, OneRolePerNamespace) {
  CompiledCluster a = CompileExample("kafka");
  CompiledCluster b = a;
  b.namespace_ = "other";
  CompiledCluster c = a;  // Same namespace as `a`.
  std::vector<Object> rbac = ApplyRbac({a, b, c}, RbacOptions{});
  ASSERT_EQ(rbac.size(), 4u);
  EXPECT_EQ(rbac[0].body["metadata"]["namespace"], a.namespace_);
  EXPECT_EQ(rbac[2].body["metadata"]["namespace"], "other");
  // The service account lives in the first namespace unless told otherwise.
  EXPECT_EQ(rbac[3].body["subjects"][0]["namespace"], a.namespace_);
}

}  // namespace
}  // namespace strata
