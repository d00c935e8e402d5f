// Checks over every example's compiled objects: cross-object consistency,
// the restricted Pod Security Standard, determinism, and the pinned
// spec-hashes of the kafka example.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/emit.h"
#include "tests/compile/examples.h"

namespace strata {
namespace {

using ::strata::testing::ExampleNames;
using ::strata::testing::LoadExample;

std::vector<CompiledCluster> CompileExample(const std::string& name) {
  absl::StatusOr<std::vector<Topology>> topologies = LoadExample(name);
  EXPECT_TRUE(topologies.ok()) << topologies.status();
  std::vector<CompiledCluster> out;
  if (!topologies.ok()) return out;
  EXPECT_FALSE(topologies->empty());
  for (const Topology& t : *topologies) {
    absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
    EXPECT_TRUE(c.ok()) << c.status();
    if (c.ok()) out.push_back(*c);
  }
  return out;
}

// True when every key/value of `subset` is in `set`.
bool Subset(const Json& subset, const Json& set) {
  for (auto it = subset.begin(); it != subset.end(); ++it) {
    if (!set.contains(it.key()) || set[it.key()] != it.value()) return false;
  }
  return true;
}

class ExampleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleTest, ObjectsAreConsistent) {
  for (const CompiledCluster& c : CompileExample(GetParam())) {
    std::map<std::string, const Object*> sts_by_role, cm_by_name;
    for (const Object& o : c.objects) {
      if (o.kind == "StatefulSet") sts_by_role[o.role] = &o;
      if (o.kind == "ConfigMap") cm_by_name[o.name] = &o;
    }
    ASSERT_EQ(sts_by_role.size(), c.roles.size());
    for (const Object& o : c.objects) {
      SCOPED_TRACE(o.kind + "/" + o.name);
      ASSERT_TRUE(sts_by_role.count(o.role)) << "object of unknown role " << o.role;
      const Json& sts = sts_by_role[o.role]->body;
      const Json& pod_labels = sts["spec"]["template"]["metadata"]["labels"];
      const Json& container = sts["spec"]["template"]["spec"]["containers"][0];
      std::set<std::string> port_names;
      std::set<int> port_numbers;
      for (const Json& p : container.value("ports", Json::array())) {
        port_names.insert(p["name"].get<std::string>());
        port_numbers.insert(p["containerPort"].get<int>());
      }
      if (o.kind == "Service") {
        // The selector picks the role's pods (per-member Services add the pod name).
        Json selector = o.body["spec"]["selector"];
        if (selector.contains("statefulset.kubernetes.io/pod-name")) {
          std::string pod = selector["statefulset.kubernetes.io/pod-name"];
          bool member = false;
          for (int i = 0; i < sts["spec"]["replicas"].get<int>(); ++i) {
            member |= pod == absl::StrCat(sts["metadata"]["name"].get<std::string>(), "-", i);
          }
          EXPECT_TRUE(member) << pod << " is not a member";
          selector.erase("statefulset.kubernetes.io/pod-name");
        }
        EXPECT_FALSE(selector.empty());
        EXPECT_TRUE(Subset(selector, pod_labels)) << selector << " vs " << pod_labels;
        EXPECT_EQ(selector, sts["spec"]["selector"]["matchLabels"]);
        for (const Json& p : o.body["spec"].value("ports", Json::array())) {
          EXPECT_TRUE(port_names.count(p["targetPort"].get<std::string>()))
              << "targetPort " << p["targetPort"] << " is not a container port";
        }
      }
      if (o.kind == "PodDisruptionBudget") {
        EXPECT_EQ(o.name, sts["metadata"]["name"]);
        EXPECT_EQ(o.body["spec"]["selector"]["matchLabels"], sts["spec"]["selector"]["matchLabels"]);
        EXPECT_GE(sts["spec"]["replicas"].get<int>(), 2);
      }
      if (o.kind == "StatefulSet") {
        const Json& pod = o.body["spec"]["template"]["spec"];
        EXPECT_TRUE(Subset(o.body["spec"]["selector"]["matchLabels"], pod_labels));
        std::set<std::string> volumes;
        for (const Json& v : pod.value("volumes", Json::array())) volumes.insert(v["name"]);
        for (const Json& v : o.body["spec"].value("volumeClaimTemplates", Json::array())) {
          EXPECT_TRUE(volumes.insert(v["metadata"]["name"].get<std::string>()).second)
              << "volume name used twice";
        }
        for (const Json& m : container.value("volumeMounts", Json::array())) {
          EXPECT_TRUE(volumes.count(m["name"])) << "mount of missing volume " << m["name"];
          if (!m.contains("subPath")) continue;
          // A subPath mount of the ConfigMap volume names a key it has.
          for (const Json& v : pod.value("volumes", Json::array())) {
            if (v["name"] != m["name"] || !v.contains("configMap")) continue;
            std::string cm = v["configMap"]["name"];
            ASSERT_TRUE(cm_by_name.count(cm)) << "ConfigMap " << cm << " not emitted";
            EXPECT_TRUE(cm_by_name[cm]->body["data"].contains(m["subPath"].get<std::string>()))
                << "ConfigMap " << cm << " has no key " << m["subPath"];
          }
        }
        for (const char* probe : {"readinessProbe", "livenessProbe", "startupProbe"}) {
          if (!container.contains(probe)) continue;
          const Json& p = container[probe];
          for (const char* h : {"httpGet", "tcpSocket", "grpc"}) {
            if (p.contains(h)) {
              EXPECT_TRUE(port_numbers.count(p[h]["port"].get<int>()))
                  << probe << " probes port " << p[h]["port"] << " the container lacks";
            }
          }
        }
        const CompiledRole* role = c.FindRole(o.role);
        ASSERT_NE(role, nullptr);
        EXPECT_EQ(o.body["spec"]["template"]["metadata"]["annotations"]["strata.dev/spec-hash"],
                  role->spec_hash);
        EXPECT_EQ(o.body["spec"]["replicas"], role->members);
      }
    }
  }
}

// The restricted Pod Security Standard (Kubernetes v1.28+ profile), checked
// for every example that asks for no capability beyond NET_BIND_SERVICE:
// - no hostNetwork / hostPID / hostIPC, no hostPort, no privileged container;
// - volumes only of the allowed types (configMap, csi, downwardAPI, emptyDir,
//   ephemeral, persistentVolumeClaim, projected, secret; claim templates are PVCs);
// - runAsNonRoot true (pod or container) and runAsUser not 0;
// - seccompProfile RuntimeDefault or Localhost (pod or container);
// - allowPrivilegeEscalation false; capabilities drop ALL, add only NET_BIND_SERVICE.
std::vector<std::string> RestrictedViolations(const Json& pod) {
  std::vector<std::string> v;
  for (const char* f : {"hostNetwork", "hostPID", "hostIPC"}) {
    if (pod.value(f, false)) v.push_back(std::string(f) + " is set");
  }
  static const std::set<std::string> kAllowed = {
      "name", "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
      "persistentVolumeClaim", "projected", "secret"};
  for (const Json& vol : pod.value("volumes", Json::array())) {
    for (auto it = vol.begin(); it != vol.end(); ++it) {
      if (!kAllowed.count(it.key())) v.push_back("volume type " + it.key());
    }
  }
  const Json psc = pod.value("securityContext", Json::object());
  for (const Json& c : pod["containers"]) {
    const Json sc = c.value("securityContext", Json::object());
    if (sc.value("privileged", false)) v.push_back("privileged container");
    for (const Json& p : c.value("ports", Json::array())) {
      if (p.contains("hostPort")) v.push_back("hostPort");
    }
    if (!(sc.value("runAsNonRoot", psc.value("runAsNonRoot", false)))) v.push_back("runAsNonRoot not true");
    if (sc.value("runAsUser", psc.value("runAsUser", 1)) == 0) v.push_back("runAsUser 0");
    std::string seccomp = sc.value("seccompProfile", psc.value("seccompProfile", Json::object()))
                              .value("type", "");
    if (seccomp != "RuntimeDefault" && seccomp != "Localhost") v.push_back("seccompProfile " + seccomp);
    if (sc.value("allowPrivilegeEscalation", true)) v.push_back("allowPrivilegeEscalation not false");
    const Json caps = sc.value("capabilities", Json::object());
    if (caps.value("drop", Json::array()) != Json::array({"ALL"})) v.push_back("capabilities not drop [ALL]");
    for (const Json& add : caps.value("add", Json::array())) {
      if (add != "NET_BIND_SERVICE") v.push_back("capability " + add.get<std::string>());
    }
  }
  return v;
}

TEST_P(ExampleTest, PassesRestrictedPodSecurityUnlessItAsksForCapabilities) {
  absl::StatusOr<std::vector<Topology>> topologies = LoadExample(GetParam());
  ASSERT_TRUE(topologies.ok()) << topologies.status();
  for (const Topology& t : *topologies) {
    bool extra_caps = false;
    for (const Role& r : t.app.roles) {
      for (const std::string& cap : r.security.capabilities) extra_caps |= cap != "NET_BIND_SERVICE";
    }
    absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
    ASSERT_TRUE(c.ok()) << c.status();
    for (const Object& o : c->objects) {
      if (o.kind != "StatefulSet") continue;
      std::vector<std::string> violations = RestrictedViolations(o.body["spec"]["template"]["spec"]);
      if (extra_caps) {
        // Only the capabilities the App asked for may violate the profile.
        for (const std::string& violation : violations) {
          EXPECT_TRUE(absl::StartsWith(violation, "capability ")) << o.name << ": " << violation;
        }
      } else {
        EXPECT_THAT(violations, ::testing::IsEmpty()) << o.name;
      }
    }
  }
}

TEST_P(ExampleTest, CompilesToIdenticalBytesTwice) {
  absl::StatusOr<std::vector<Topology>> a = LoadExample(GetParam());
  absl::StatusOr<std::vector<Topology>> b = LoadExample(GetParam());
  ASSERT_TRUE(a.ok() && b.ok());
  absl::StatusOr<std::vector<Object>> oa = testing::CompileAll(*a);
  absl::StatusOr<std::vector<Object>> ob = testing::CompileAll(*b);
  ASSERT_TRUE(oa.ok() && ob.ok());
  EXPECT_EQ(ToYaml(*oa), ToYaml(*ob));
  EXPECT_EQ(ToJsonList(*oa), ToJsonList(*ob));
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleTest, ::testing::ValuesIn(ExampleNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& ch : n) if (ch == '-') ch = '_';
                           return n;
                         });

TEST(ExamplesTest, AllExamplesPresent) {
  EXPECT_THAT(ExampleNames(),
              ::testing::IsSupersetOf({"cassandra", "controller-worker", "druid", "hdfs",
                                       "hdfs-yarn", "kafka", "kafka-kraft", "ozone", "redis",
                                       "spark"}));
}

// The spec-hashes of the kafka example (a frozen copy in
// tests/testdata/spec_hash/kafka), pinned: if this fails, a strata upgrade
// would restart every member of every existing cluster. Never update these
// values; introduce a new hash scheme version instead (lib/compile/README.md).
TEST(SpecHashPinTest, KafkaExampleHashesAreStable) {
  absl::StatusOr<std::vector<Topology>> topologies = testing::LoadTopologies(testing::YamlSources(
      testing::SourceDir() + "/tests/testdata/spec_hash/kafka", "kafka"));
  ASSERT_TRUE(topologies.ok()) << topologies.status();
  ASSERT_EQ(topologies->size(), 1u);
  absl::StatusOr<CompiledCluster> c = Compile((*topologies)[0], CompileOptions{});
  ASSERT_TRUE(c.ok()) << c.status();
  std::map<std::string, std::pair<std::string, std::string>> got;
  for (const CompiledRole& r : c->roles) got[r.name] = {r.spec_hash, r.config_hash};
  EXPECT_THAT(got, ::testing::ElementsAre(
                       ::testing::Pair("broker", ::testing::Pair("v1-f27a96dd3224f88e", ::testing::_)),
                       ::testing::Pair("zookeeper", ::testing::Pair("v1-ba2bf971b1bdfbc2", ::testing::_))));
  EXPECT_EQ(c->FindRole("zookeeper")->config_hash, "v1-d350258af7d90df9");
}

}  // namespace
}  // namespace strata
