#include "strata/compile.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/emit.h"
#include "tests/compile/test_topologies.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::KafkaTopology;
using ::strata::testing::Q;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

CompiledCluster MustCompile(const Topology& t) {
  absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
  EXPECT_THAT(c, IsOk());
  return c.ok() ? *c : CompiledCluster{};
}

const Object* Find(const CompiledCluster& c, const std::string& kind,
                   const std::string& name) {
  for (const Object& o : c.objects) {
    if (o.kind == kind && o.name == name) return &o;
  }
  return nullptr;
}

TEST(CompileTest, EmitsObjectsInSpecOrder) {
  CompiledCluster c = MustCompile(KafkaTopology());
  std::vector<std::string> got;
  for (const Object& o : c.objects) got.push_back(o.kind + "/" + o.name);
  const std::string cm = c.roles[0].config_map;
  EXPECT_THAT(got, ElementsAre("ConfigMap/" + cm, "ConfigMap/events-zookeeper-config-live",
                               "Service/events-zookeeper",
                               "Service/events-zookeeper-client",
                               "StatefulSet/events-zookeeper",
                               "PodDisruptionBudget/events-zookeeper",
                               "Service/events-broker", "Service/events-broker-bootstrap",
                               "Service/events-broker-external",
                               "Service/events-broker-0-external",
                               "Service/events-broker-1-external",
                               "Service/events-broker-2-external",
                               "StatefulSet/events-broker",
                               "PodDisruptionBudget/events-broker"));
  EXPECT_THAT(cm, StartsWith("events-zookeeper-config-"));
  EXPECT_EQ(cm.size(), std::string("events-zookeeper-config-").size() + 10);
}

TEST(CompileTest, RolesInDependsOnOrderWithResolvedFacts) {
  CompiledCluster c = MustCompile(KafkaTopology());
  ASSERT_EQ(c.roles.size(), 2u);
  EXPECT_EQ(c.cluster, "events");
  EXPECT_EQ(c.namespace_, "data");
  EXPECT_EQ(c.app, "kafka");
  const CompiledRole& zk = c.roles[0];
  EXPECT_EQ(zk.name, "zookeeper");
  EXPECT_EQ(zk.members, 3);
  EXPECT_EQ(zk.stateful_set, "events-zookeeper");
  EXPECT_THAT(zk.spec_hash, ::testing::MatchesRegex("v1-[0-9a-f]{16}"));
  EXPECT_THAT(zk.config_hash, ::testing::MatchesRegex("v1-[0-9a-f]{16}"));
  EXPECT_EQ(zk.config_map.substr(zk.config_map.size() - 10), zk.config_hash.substr(3, 10));
  EXPECT_EQ(zk.max_unavailable, 1);
  const CompiledRole& broker = c.roles[1];
  EXPECT_EQ(broker.name, "broker");
  EXPECT_EQ(broker.members, 3);  // Cardinality minimum.
  EXPECT_EQ(broker.config_map, "");
  EXPECT_EQ(broker.max_unavailable, 1);  // 50% of 3 rounded down.
  EXPECT_THAT(broker.depends_on, ElementsAre("zookeeper"));
  EXPECT_EQ(c.FindRole("broker"), &c.roles[1]);
}

TEST(CompileTest, EveryObjectCarriesTheLabels) {
  CompiledCluster c = MustCompile(KafkaTopology());
  for (const Object& o : c.objects) {
    SCOPED_TRACE(o.kind + "/" + o.name);
    const Json& l = o.body["metadata"]["labels"];
    EXPECT_EQ(l["app.kubernetes.io/name"], "kafka");
    EXPECT_EQ(l["app.kubernetes.io/instance"], "events");
    EXPECT_EQ(l["app.kubernetes.io/component"], o.role);
    EXPECT_EQ(l["app.kubernetes.io/version"], "3.7.0");
    EXPECT_EQ(l["app.kubernetes.io/managed-by"], "strata");
    EXPECT_EQ(l["app.kubernetes.io/part-of"], "kafka");
    EXPECT_EQ(l["team"], "analytics");
    EXPECT_EQ(o.body["metadata"]["namespace"], "data");
    EXPECT_EQ(o.body["metadata"]["name"], o.name);
    if (o.kind == "StatefulSet") {
      EXPECT_EQ(o.body["spec"]["template"]["metadata"]["labels"], l);
      for (const Json& vct : o.body["spec"]["volumeClaimTemplates"]) {
        EXPECT_EQ(vct["metadata"]["labels"],
                  (Json{{"app.kubernetes.io/instance", "events"},
                        {"app.kubernetes.io/component", o.role}}));
      }
    }
  }
}

TEST(CompileTest, StatefulSetShape) {
  CompiledCluster c = MustCompile(KafkaTopology());
  const Object* sts = Find(c, "StatefulSet", "events-zookeeper");
  ASSERT_NE(sts, nullptr);
  const Json& spec = sts->body["spec"];
  EXPECT_EQ(spec["serviceName"], "events-zookeeper");
  EXPECT_EQ(spec["replicas"], 3);
  EXPECT_EQ(spec["podManagementPolicy"], "Parallel");
  EXPECT_EQ(spec["updateStrategy"]["type"], "OnDelete");
  EXPECT_EQ(spec["persistentVolumeClaimRetentionPolicy"],
            (Json{{"whenDeleted", "Retain"}, {"whenScaled", "Retain"}}));
  EXPECT_EQ(sts->body["metadata"]["annotations"]["strata.dev/spec-hash"], c.roles[0].spec_hash);
  const Json& tmpl = spec["template"];
  EXPECT_EQ(tmpl["metadata"]["annotations"]["strata.dev/spec-hash"], c.roles[0].spec_hash);
  EXPECT_EQ(tmpl["metadata"]["annotations"]["strata.dev/config-hash"], c.roles[0].config_hash);
  const Json& pod = tmpl["spec"];
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  const Json& ctr = pod["containers"][0];
  EXPECT_EQ(ctr["securityContext"]["allowPrivilegeEscalation"], false);
  EXPECT_EQ(ctr["securityContext"]["capabilities"]["drop"], Json::array({"ALL"}));
  EXPECT_EQ(ctr["livenessProbe"]["tcpSocket"]["port"], 2181);
  // Secrets are references, never literals.
  bool found_secret = false;
  for (const Json& e : ctr["env"]) {
    if (e["name"] == "ADMIN_PASSWORD") {
      found_secret = true;
      EXPECT_FALSE(e.contains("value"));
      EXPECT_EQ(e["valueFrom"]["secretKeyRef"], (Json{{"name", "zk-admin"}, {"key", "password"}}));
    }
  }
  EXPECT_TRUE(found_secret);
  EXPECT_EQ(ctr["env"][3]["valueFrom"]["fieldRef"]["fieldPath"],
            "metadata.labels['apps.kubernetes.io/pod-index']");
  EXPECT_EQ(ctr["env"][4]["value"],
            "$(STRATA_POD_NAME).events-zookeeper.data.svc.cluster.local");
  EXPECT_EQ(pod["volumes"][0]["configMap"]["name"], c.roles[0].config_map);
}

// SPEC-2 §8's first-class pod fields: on the pod template, in the spec-hash
// only when set (roles without them keep their hash), the Cluster's role
// overriding strings and merging labels and annotations per key.
TEST(CompileTest, PodSettingsReachThePodTemplateAndRestartOnlyTheirRole) {
  Topology base = KafkaTopology();
  CompiledCluster before = MustCompile(base);
  Topology t = base;
  Role& broker = t.app.roles[0];
  ASSERT_EQ(broker.name, "broker");
  broker.pod = PodSettings{.service_account_name = "kafka",
                           .image_pull_secrets = {"regcred"},
                           .priority_class_name = "data-high",
                           .labels = {{"tier", "gold"}, {"team", "stream"}},
                           .annotations = {{"example.com/owner", "stream"}}};
  RoleOverride bo;
  bo.name = "broker";
  bo.pod.priority_class_name = "data-critical";
  bo.pod.annotations = {{"example.com/cost-center", "42"}};
  t.cluster.roles.push_back(bo);
  CompiledCluster after = MustCompile(t);
  const Object* sts = Find(after, "StatefulSet", "events-broker");
  ASSERT_NE(sts, nullptr);
  const Json& tmpl = sts->body["spec"]["template"];
  const Json& pod = tmpl["spec"];
  EXPECT_EQ(pod["serviceAccountName"], "kafka");
  // The user's ServiceAccount decides about its token.
  EXPECT_FALSE(pod.contains("automountServiceAccountToken"));
  EXPECT_EQ(pod["priorityClassName"], "data-critical");
  EXPECT_EQ(pod["imagePullSecrets"], Json::array({{{"name", "regcred"}}}));
  EXPECT_EQ(tmpl["metadata"]["labels"]["tier"], "gold");
  // A pod label wins over the Cluster's label of the same key on the pod.
  EXPECT_EQ(tmpl["metadata"]["labels"]["team"], "stream");
  EXPECT_EQ(tmpl["metadata"]["labels"]["app.kubernetes.io/component"], "broker");
  EXPECT_EQ(tmpl["metadata"]["annotations"]["example.com/owner"], "stream");
  EXPECT_EQ(tmpl["metadata"]["annotations"]["example.com/cost-center"], "42");
  // The selector is untouched, so the StatefulSet can be updated in place.
  EXPECT_EQ(sts->body["spec"]["selector"],
            Find(before, "StatefulSet", "events-broker")->body["spec"]["selector"]);
  EXPECT_NE(after.FindRole("broker")->spec_hash, before.FindRole("broker")->spec_hash);
  EXPECT_EQ(after.FindRole("zookeeper")->spec_hash, before.FindRole("zookeeper")->spec_hash);
}

TEST(CompileTest, ServiceAnnotationsRestartNobody) {
  Topology base = KafkaTopology();
  CompiledCluster before = MustCompile(base);
  Topology t = base;
  t.app.roles[0].services[0].annotations = {
      {"service.beta.kubernetes.io/aws-load-balancer-type", "nlb"}};
  t.app.roles[0].services[1].dashboard = true;
  t.app.roles[0].services[1].annotations = {{"example.com/x", "1"}};
  CompiledCluster after = MustCompile(t);
  const Object* svc = Find(after, "Service", "events-broker-bootstrap");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ(svc->body["metadata"]["annotations"],
            (Json{{"service.beta.kubernetes.io/aws-load-balancer-type", "nlb"}}));
  const Object* ext = Find(after, "Service", "events-broker-external");
  ASSERT_NE(ext, nullptr);
  EXPECT_EQ(ext->body["metadata"]["annotations"],
            (Json{{"example.com/x", "1"}, {"strata.dev/dashboard", "true"}}));
  EXPECT_EQ(after.FindRole("broker")->spec_hash, before.FindRole("broker")->spec_hash);
}

// SPEC-2 §8: sidecars and init containers join the pod template with the
// role's security context and STRATA_* env, mount the role's storage and
// config files, and restart only their own role when they change.
TEST(CompileTest, SidecarsAndInitContainersJoinThePodAndRestartOnlyTheirRole) {
  Topology base = KafkaTopology();
  CompiledCluster before = MustCompile(base);
  Topology t = base;
  Role* zk = nullptr;
  for (Role& r : t.app.roles) {
    if (r.name == "zookeeper") zk = &r;
  }
  ASSERT_NE(zk, nullptr);
  Probe ready;
  ready.handler.kind = Handler::Kind::kHttp;
  ready.handler.port = PortRef{.name = "metrics"};
  ready.handler.path = "/metrics";
  zk->containers = {Container{
      .name = "jmx",
      .image = "bitnami/jmx-exporter:1.0.1",
      .args = {"5556", "/conf/zoo.cfg", "{{cluster.name}}"},
      .ports = {{.name = "metrics", .port = 5556}},
      .env = {{.name = "POD_IP", .field = "status.podIP"}},
      .resources = {.requests = {{"cpu", Q("50m")}}},
      .probes = {.readiness = ready},
      .config = {"/conf/zoo.cfg", "/conf/ensemble/servers.txt"}}};
  zk->init_containers = {Container{
      .name = "init-data",
      .image = "busybox:1.36",
      .command = {"sh", "-c", "test -f /data/myid || echo $STRATA_ORDINAL > /data/myid"},
      .volume_mounts = {{.name = "data", .mount_path = "/data"}}}};
  zk->env.push_back(EnvVar{.name = "HOST_IP", .field = "status.hostIP"});
  CompiledCluster after = MustCompile(t);
  const Object* sts = Find(after, "StatefulSet", "events-zookeeper");
  ASSERT_NE(sts, nullptr);
  const Json& pod = sts->body["spec"]["template"]["spec"];
  ASSERT_EQ(pod["containers"].size(), 2u);
  const Json& main = pod["containers"][0];
  const Json& jmx = pod["containers"][1];
  EXPECT_EQ(main["name"], "zookeeper");
  EXPECT_EQ(main["env"].back(),
            (Json{{"name", "HOST_IP"},
                  {"valueFrom", {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "status.hostIP"}}}}}}));
  EXPECT_EQ(jmx["name"], "jmx");
  EXPECT_EQ(jmx["image"], "bitnami/jmx-exporter:1.0.1");
  EXPECT_EQ(jmx["args"], (Json{"5556", "/conf/zoo.cfg", "events"}));  // Rendered.
  EXPECT_EQ(jmx["ports"], (Json::array({{{"name", "metrics"}, {"containerPort", 5556},
                                          {"protocol", "TCP"}}})));
  EXPECT_EQ(jmx["env"][0]["name"], "STRATA_CLUSTER");
  EXPECT_EQ(jmx["env"].back()["valueFrom"]["fieldRef"]["fieldPath"], "status.podIP");
  EXPECT_EQ(jmx["resources"]["requests"]["cpu"], "50m");
  // Its probe's named port is its own.
  EXPECT_EQ(jmx["readinessProbe"]["httpGet"]["port"], 5556);
  EXPECT_EQ(jmx["securityContext"], main["securityContext"]);
  // The restart file by subPath (as the role's container has it), the live
  // file with its whole directory.
  EXPECT_EQ(jmx["volumeMounts"][0], main["volumeMounts"][1]);
  EXPECT_EQ(jmx["volumeMounts"][0]["subPath"], "conf-zoo.cfg");
  EXPECT_EQ(jmx["volumeMounts"][1]["mountPath"], "/conf/ensemble");
  EXPECT_FALSE(jmx["volumeMounts"][1].contains("subPath"));
  ASSERT_EQ(pod["initContainers"].size(), 1u);
  const Json& init = pod["initContainers"][0];
  EXPECT_EQ(init["name"], "init-data");
  EXPECT_EQ(init["volumeMounts"], (Json::array({{{"name", "data"}, {"mountPath", "/data"}}})));
  EXPECT_FALSE(init.contains("readinessProbe"));
  EXPECT_NE(after.FindRole("zookeeper")->spec_hash, before.FindRole("zookeeper")->spec_hash);
  EXPECT_EQ(after.FindRole("broker")->spec_hash, before.FindRole("broker")->spec_hash);

  // A new sidecar image restarts the role; a Cluster role replaces the
  // App's sidecar of its name.
  Topology t2 = t;
  ASSERT_EQ(t2.cluster.roles[0].name, "zookeeper");
  RoleOverride& zo = t2.cluster.roles[0];
  zo.containers = {t.app.FindRole("zookeeper")->containers[0]};
  zo.containers[0].image = "bitnami/jmx-exporter:1.0.2";
  CompiledCluster after2 = MustCompile(t2);
  const Json& pod2 = Find(after2, "StatefulSet", "events-zookeeper")->body["spec"]["template"]["spec"];
  ASSERT_EQ(pod2["containers"].size(), 2u);
  EXPECT_EQ(pod2["containers"][1]["image"], "bitnami/jmx-exporter:1.0.2");
  EXPECT_NE(after2.FindRole("zookeeper")->spec_hash, after.FindRole("zookeeper")->spec_hash);
}

// SPEC-2 §8 metrics: prometheus.io/* pod annotations with the port's number
// (a sidecar's port by name too), outside the spec-hash.
TEST(CompileTest, MetricsAnnotateThePodsAndRestartNobody) {
  Topology base = KafkaTopology();
  Role& zk = base.app.roles[1];
  ASSERT_EQ(zk.name, "zookeeper");
  zk.containers = {Container{.name = "jmx", .image = "jmx:1",
                             .ports = {{.name = "metrics", .port = 5556}}}};
  CompiledCluster before = MustCompile(base);
  Topology t = base;
  t.app.roles[1].metrics = Metrics{.port = PortRef{.name = "metrics"}};
  t.app.roles[0].metrics = Metrics{.port = PortRef{.number = 9404}, .path = "/prom"};
  CompiledCluster after = MustCompile(t);
  const Json& zk_meta =
      Find(after, "StatefulSet", "events-zookeeper")->body["spec"]["template"]["metadata"];
  EXPECT_EQ(zk_meta["annotations"]["prometheus.io/scrape"], "true");
  EXPECT_EQ(zk_meta["annotations"]["prometheus.io/port"], "5556");
  EXPECT_EQ(zk_meta["annotations"]["prometheus.io/path"], "/metrics");
  const Json& broker_meta =
      Find(after, "StatefulSet", "events-broker")->body["spec"]["template"]["metadata"];
  EXPECT_EQ(broker_meta["annotations"]["prometheus.io/port"], "9404");
  EXPECT_EQ(broker_meta["annotations"]["prometheus.io/path"], "/prom");
  EXPECT_EQ(after.FindRole("zookeeper")->spec_hash, before.FindRole("zookeeper")->spec_hash);
  EXPECT_EQ(after.FindRole("broker")->spec_hash, before.FindRole("broker")->spec_hash);
}

TEST(CompileTest, RendersTemplates) {
  CompiledCluster c = MustCompile(KafkaTopology());
  const Object* cm = Find(c, "ConfigMap", c.roles[0].config_map);
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->body["data"]["conf-zoo.cfg"], "tickTime=2000\ndataDir=/data\nclientPort=2181\n");
  // The onChange: none file lives in the mutable, stable-named live ConfigMap.
  EXPECT_FALSE(cm->body["data"].contains("conf-ensemble-servers.txt"));
  const Object* live = Find(c, "ConfigMap", c.roles[0].live_config_map);
  ASSERT_NE(live, nullptr);
  EXPECT_EQ(c.roles[0].live_config_map, "events-zookeeper-config-live");
  EXPECT_FALSE(live->body.contains("immutable"));
  EXPECT_EQ(live->body["data"]["conf-ensemble-servers.txt"],
            "server.0=events-zookeeper-0.events-zookeeper.data.svc.cluster.local:2888:3888\n"
            "server.1=events-zookeeper-1.events-zookeeper.data.svc.cluster.local:2888:3888\n"
            "server.2=events-zookeeper-2.events-zookeeper.data.svc.cluster.local:2888:3888\n");
  const Object* sts = Find(c, "StatefulSet", "events-broker");
  ASSERT_NE(sts, nullptr);
  const Json& env = sts->body["spec"]["template"]["spec"]["containers"][0]["env"];
  EXPECT_EQ(env[5]["name"], "KAFKA_ZOOKEEPER_CONNECT");
  EXPECT_EQ(env[5]["value"],
            "events-zookeeper-0.events-zookeeper.data.svc.cluster.local,"
            "events-zookeeper-1.events-zookeeper.data.svc.cluster.local,"
            "events-zookeeper-2.events-zookeeper.data.svc.cluster.local");
  // No HTML escaping.
  Topology t = KafkaTopology();
  t.app.roles[0].env.push_back({.name = "X", .value = "<&\"'>{{app.name}}"});
  c = MustCompile(t);
  EXPECT_EQ(c.roles[1].role.env.back().value, "<&\"'>kafka");
}

TEST(CompileTest, PdbPerRole) {
  CompiledCluster c = MustCompile(KafkaTopology());
  EXPECT_EQ(Find(c, "PodDisruptionBudget", "events-zookeeper")->body["spec"]["minAvailable"], 2);
  EXPECT_EQ(Find(c, "PodDisruptionBudget", "events-broker")->body["spec"]["maxUnavailable"], 1);
  Topology t = KafkaTopology();
  t.cluster.roles.push_back(RoleOverride{.name = "broker", .members = 10});
  c = MustCompile(t);
  EXPECT_EQ(Find(c, "PodDisruptionBudget", "events-broker")->body["spec"]["maxUnavailable"], 5);
  EXPECT_EQ(c.FindRole("broker")->max_unavailable, 5);
  t.app.roles[0].cardinality = *Cardinality::Parse("1");
  t.cluster.roles.back().members = 1;
  c = MustCompile(t);
  EXPECT_EQ(Find(c, "PodDisruptionBudget", "events-broker"), nullptr);
}

TEST(CompileTest, AppliesClusterOverrides) {
  Topology t = KafkaTopology();
  RoleOverride& zk = t.cluster.roles[0];
  zk.members = 5;
  zk.image = "zookeeper:3.9.3";
  zk.resources.requests = {{"cpu", Q("1")}};
  zk.storage = {{.name = "data", .size = Q("20Gi"), .storage_class_name = "fast-ssd"}};
  zk.env = {{.name = "ZOO_MY_ID_FROM", .value = "hostname"}, {.name = "JVMFLAGS", .value = "-Xmx1g"}};
  zk.config["/conf/zoo.cfg"] = {{"tickTime", "3000"}, {"maxClientCnxns", "60"}};
  zk.node_selector = {{"disk", "ssd"}};
  zk.tolerations = Json::array({Json{{"key", "dedicated"}, {"operator", "Exists"}}});
  CompiledCluster c = MustCompile(t);
  const CompiledRole& r = c.roles[0];
  EXPECT_EQ(r.members, 5);
  EXPECT_EQ(r.role.image, "zookeeper:3.9.3");
  EXPECT_EQ(r.role.resources.requests.at("cpu"), Q("1"));
  EXPECT_EQ(r.role.resources.requests.at("memory"), Q("1Gi"));  // Kept per key.
  ASSERT_EQ(r.storage.size(), 1u);
  EXPECT_EQ(r.storage[0].size, Q("20Gi"));
  EXPECT_EQ(r.storage[0].storage_class_name, "fast-ssd");
  ASSERT_EQ(r.role.env.size(), 3u);
  EXPECT_EQ(r.role.env[0].value, "hostname");  // Replaced in place.
  EXPECT_EQ(r.role.env[2].name, "JVMFLAGS");   // Appended.
  const Object* cm = Find(c, "ConfigMap", r.config_map);
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->body["data"]["conf-zoo.cfg"],
            "tickTime=3000\ndataDir=/data\nclientPort=2181\nmaxClientCnxns=60\n");
  const Json& pod = Find(c, "StatefulSet", "events-zookeeper")->body["spec"]["template"]["spec"];
  EXPECT_EQ(pod["nodeSelector"], (Json{{"disk", "ssd"}}));
  EXPECT_EQ(pod["tolerations"], zk.tolerations);
  EXPECT_EQ(Find(c, "StatefulSet", "events-zookeeper")
                ->body["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"],
            "fast-ssd");
}

TEST(CompileTest, IsDeterministic) {
  CompiledCluster a = MustCompile(KafkaTopology());
  CompiledCluster b = MustCompile(KafkaTopology());
  EXPECT_EQ(a, b);
  EXPECT_EQ(ToYaml(a.objects), ToYaml(b.objects));
  EXPECT_EQ(ToJsonList(a.objects), ToJsonList(b.objects));
}

// Table: a change to the topology and whether it must restart the members of
// the zookeeper role (change its spec-hash).
struct HashCase {
  std::string name;
  std::function<void(Topology&)> change;
  bool restarts;
};

Role& Zk(Topology& t) { return t.app.roles[1]; }

TEST(SpecHashTest, ChangesExactlyWhenMembersMustRestart) {
  const std::vector<HashCase> cases = {
      {"image", [](Topology& t) { Zk(t).image = "zookeeper:3.9.3"; }, true},
      {"image override", [](Topology& t) { t.cluster.roles[0].image = "zk:4"; }, true},
      {"command", [](Topology& t) { Zk(t).command = {"/bin/sh"}; }, true},
      {"args", [](Topology& t) { Zk(t).args = {"-x"}; }, true},
      {"env value", [](Topology& t) { Zk(t).env[0].value = "hostname"; }, true},
      {"env added", [](Topology& t) { t.cluster.roles[0].env = {{.name = "A", .value = "b"}}; }, true},
      {"secret key", [](Topology& t) { Zk(t).env[1].secret->key = "pw"; }, true},
      {"resources", [](Topology& t) { Zk(t).resources.limits["memory"] = Q("2Gi"); }, true},
      {"resource override", [](Topology& t) { t.cluster.roles[0].resources.requests["cpu"] = Q("2"); }, true},
      {"probe timing", [](Topology& t) { Zk(t).probes.readiness->period_seconds = 5; }, true},
      {"probe port", [](Topology& t) { Zk(t).probes.liveness->handler.port = PortRef{.name = "peer"}; }, true},
      {"mount path", [](Topology& t) { Zk(t).storage[0].mount_path = "/var/data"; }, true},
      {"security", [](Topology& t) { Zk(t).security.capabilities = {"IPC_LOCK"}; }, true},
      {"preStop", [](Topology& t) {
         Handler h;
         h.kind = Handler::Kind::kExec;
         h.command = {"drain"};
         Zk(t).lifecycle.pre_stop = h;
       }, true},
      {"grace period", [](Topology& t) { Zk(t).lifecycle.termination_grace_period_seconds = 60; }, true},
      {"restart config", [](Topology& t) { Zk(t).config[0].data[0].second = "3000"; }, true},
      {"restart config override", [](Topology& t) { t.cluster.roles[0].config["/conf/zoo.cfg"] = {{"a", "b"}}; }, true},
      {"namespace", [](Topology& t) { t.cluster.namespace_ = "other"; }, true},
      // What must not restart anyone.
      {"members", [](Topology& t) { t.cluster.roles[0].members = 5; }, false},
      {"onChange none config", [](Topology& t) { Zk(t).config[1].template_text = "x"; }, false},
      {"service added", [](Topology& t) { Zk(t).services.push_back({.name = "admin", .ports = {"client"}}); }, false},
      {"service type", [](Topology& t) { Zk(t).services[0].type = ServiceType::kLoadBalancer; }, false},
      {"rollout policy (PDB)", [](Topology& t) { Zk(t).rollout.max_unavailable.value = 2; }, false},
      {"storage size", [](Topology& t) { t.cluster.roles[0].storage = {{.name = "data", .size = Q("50Gi")}}; }, false},
      {"app version label", [](Topology& t) { t.app.version = "3.8.0"; }, false},
      {"cluster labels", [](Topology& t) { t.cluster.labels["cost"] = "x"; }, false},
      {"other role", [](Topology& t) { t.app.roles[0].image = "apache/kafka:3.8.0"; }, false},
      {"memberLeave", [](Topology& t) {
         Handler h;
         h.kind = Handler::Kind::kExec;
         h.command = {"leave"};
         Zk(t).lifecycle.member_leave = h;
       }, false},
  };
  const std::string base = MustCompile(KafkaTopology()).FindRole("zookeeper")->spec_hash;
  for (const HashCase& tc : cases) {
    SCOPED_TRACE(tc.name);
    Topology t = KafkaTopology();
    tc.change(t);
    std::string changed = MustCompile(t).FindRole("zookeeper")->spec_hash;
    if (tc.restarts) {
      EXPECT_NE(changed, base);
    } else {
      EXPECT_EQ(changed, base);
    }
  }
}

TEST(SpecHashTest, ConfigHashFollowsEveryFileMembersStartWith) {
  Topology t = KafkaTopology();
  CompiledCluster before = MustCompile(t);
  // A live file (onChange: none, a directory of its own) changes only the
  // live ConfigMap: no new pod template, no restart.
  Zk(t).config[1].template_text = "changed";
  CompiledCluster live = MustCompile(t);
  EXPECT_EQ(before.roles[0].config_hash, live.roles[0].config_hash);
  EXPECT_EQ(before.roles[0].config_map, live.roles[0].config_map);
  EXPECT_EQ(before.roles[0].spec_hash, live.roles[0].spec_hash);
  EXPECT_EQ(*Find(before, "StatefulSet", "events-zookeeper"),
            *Find(live, "StatefulSet", "events-zookeeper"));
  EXPECT_NE(*Find(before, "ConfigMap", "events-zookeeper-config-live"),
            *Find(live, "ConfigMap", "events-zookeeper-config-live"));
  // The same file beside a restart file is mounted from the content-named
  // ConfigMap (validation warns): a change makes a new ConfigMap, still no
  // restart.
  Zk(t).config[1].path = "/conf/servers.txt";
  CompiledCluster shared = MustCompile(t);
  Zk(t).config[1].template_text = "changed again";
  CompiledCluster after = MustCompile(t);
  EXPECT_TRUE(shared.roles[0].live_config_map.empty());
  EXPECT_NE(shared.roles[0].config_hash, after.roles[0].config_hash);
  EXPECT_NE(shared.roles[0].config_map, after.roles[0].config_map);
  EXPECT_EQ(shared.roles[0].spec_hash, after.roles[0].spec_hash);
}

TEST(CompileTest, LiveConfigIsMountedByDirectory) {
  CompiledCluster c = MustCompile(KafkaTopology());
  const Json& pod = Find(c, "StatefulSet", "events-zookeeper")->body["spec"]["template"]["spec"];
  EXPECT_EQ(pod["volumes"][1],
            (Json{{"name", "strata-config-live-0"},
                  {"configMap", Json{{"name", "events-zookeeper-config-live"},
                                     {"items", Json::array({Json{{"key", "conf-ensemble-servers.txt"},
                                                                 {"path", "servers.txt"}}})}}}}));
  bool found = false;
  for (const Json& m : pod["containers"][0]["volumeMounts"]) {
    if (m["name"] != "strata-config-live-0") continue;
    found = true;
    EXPECT_EQ(m["mountPath"], "/conf/ensemble");
    EXPECT_FALSE(m.contains("subPath"));  // The kubelet updates only whole-volume mounts.
  }
  EXPECT_TRUE(found);
}

TEST(CompileTest, RejectsBadTemplate) {
  Topology t = KafkaTopology();
  Zk(t).env[0].value = "{{#roles}}";
  absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
  EXPECT_THAT(c, ::strata::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("spec.roles[1].env[0].value")));
}

}  // namespace
}  // namespace strata
