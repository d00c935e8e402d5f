#include "strata/observed_state.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "tests/testing/status_matchers.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/tests/testdata/observed/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Names(const std::vector<Json>& objects) {
  std::vector<std::string> out;
  for (const Json& o : objects) out.push_back(kube::NameOf(o));
  return out;
}

TEST(ObservedStateTest, ReadsKubectlYamlList) {
  absl::StatusOr<ObservedState> s =
      ParseObservedState(ReadTestdata("kubectl_list.yaml"), "kubectl_list.yaml");
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(Names(s->stateful_sets), ElementsAre("events-broker"));
  // Natural name order: -9 before -10.
  EXPECT_THAT(Names(s->pods), ElementsAre("events-broker-9", "events-broker-10"));
  EXPECT_THAT(Names(s->services), ElementsAre("events-broker"));
  EXPECT_THAT(Names(s->config_maps), ElementsAre("events-broker-config-0000000042"));
  EXPECT_THAT(Names(s->pod_disruption_budgets), ElementsAre("events-broker"));
  EXPECT_THAT(Names(s->persistent_volume_claims), ElementsAre("data-events-broker-10"));
  EXPECT_TRUE(s->nodes.empty());  // ControllerRevision and Endpoints are ignored.
}

TEST(ObservedStateTest, KeepsSecretMetadataOnly) {
  absl::StatusOr<ObservedState> s = ParseObservedState(
      R"({"kind": "List", "items": [{"apiVersion": "v1", "kind": "Secret",
          "metadata": {"name": "tls", "annotations": {"a": "b"}},
          "data": {"key": "c2VjcmV0"}, "stringData": {"k": "v"}}]})",
      "observed.json");
  ASSERT_THAT(s, IsOk());
  ASSERT_THAT(Names(s->secrets), ElementsAre("tls"));
  EXPECT_FALSE(s->secrets[0].contains("data"));
  EXPECT_FALSE(s->secrets[0].contains("stringData"));
  EXPECT_EQ(s->secrets[0]["metadata"]["annotations"]["a"], "b");
  EXPECT_FALSE(s->empty());
}

TEST(ObservedStateTest, TypesScalarsLikeKubernetes) {
  absl::StatusOr<ObservedState> s =
      ParseObservedState(ReadTestdata("kubectl_list.yaml"), "kubectl_list.yaml");
  ASSERT_THAT(s, IsOk());
  const Json& sts = s->stateful_sets[0];
  EXPECT_TRUE(sts["spec"]["replicas"].is_number_integer());
  EXPECT_EQ(sts["spec"]["replicas"], 2);
  // Quoted "1" stays a string; a plain `10Gi` is a string; `null` is null.
  EXPECT_EQ(sts["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"],
            "1");
  EXPECT_TRUE(sts["spec"]["template"]["metadata"]["creationTimestamp"].is_null());
  EXPECT_EQ(sts["spec"]["template"]["metadata"]["annotations"]["strata.dev/config-hash"],
            "0000000000000042");
  const Json& svc = s->services[0];
  EXPECT_EQ(svc["spec"]["publishNotReadyAddresses"], true);
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 9092);
  EXPECT_EQ(s->config_maps[0]["data"]["version"], "3.7");
  EXPECT_EQ(s->config_maps[0]["data"]["server.properties"], "broker.id=0\nlog.dirs=/data\n");
  EXPECT_EQ(s->persistent_volume_claims[0]["metadata"]["annotations"]
                                        ["pv.kubernetes.io/bind-completed"],
            "yes");
}

TEST(ObservedStateTest, JsonAndYamlAgree) {
  absl::StatusOr<ObservedState> y =
      ParseObservedState(ReadTestdata("kubectl_list.yaml"), "kubectl_list.yaml");
  absl::StatusOr<ObservedState> j =
      ParseObservedState(ReadTestdata("kubectl_list.json"), "kubectl_list.json");
  ASSERT_THAT(y, IsOk());
  ASSERT_THAT(j, IsOk());
  EXPECT_EQ(*y, *j);
}

TEST(ObservedStateTest, EmptyFileIsAnErrorNotAnEmptyCluster) {
  // SPEC-2 §5b.5: a failed `kubectl get > file` leaves an empty file; reading
  // it as "nothing exists" would plan to create a running cluster anew.
  for (const char* text : {"", "   \n", "---\n---\n", "# only a comment\n"}) {
    EXPECT_THAT(ParseObservedState(text, "observed.yaml"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("observed.yaml: no documents")))
        << text;
  }
}

TEST(ObservedStateTest, EmptyLists) {
  for (const char* text : {"apiVersion: v1\nkind: List\nitems: []\n",
                           "{\"kind\": \"List\", \"apiVersion\": \"v1\", \"items\": []}",
                           "[]", "kind: List\nitems: null\n"}) {
    absl::StatusOr<ObservedState> s = ParseObservedState(text, "x");
    ASSERT_THAT(s, IsOk()) << text;
    EXPECT_TRUE(s->empty()) << text;
  }
  absl::StatusOr<ObservedState> s = ParseObservedState(ReadTestdata("empty_list.yaml"), "e");
  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(s->empty());
}

TEST(ObservedStateTest, SingleObjectArrayAndMultiDocument) {
  const char* single = "apiVersion: v1\nkind: Pod\nmetadata: {name: a-0}\n";
  const char* array = "[{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a-1\"}},"
                      " {\"kind\": \"Pod\", \"metadata\": {\"name\": \"a-0\"}}]";
  const char* multi =
      "kind: Pod\nmetadata: {name: a-1}\n---\nkind: List\nitems:\n"
      "- {kind: Service, metadata: {name: a}}\n- {kind: Pod, metadata: {name: a-0}}\n";
  absl::StatusOr<ObservedState> s = ParseObservedState(single, "x");
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(Names(s->pods), ElementsAre("a-0"));
  s = ParseObservedState(array, "x");
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(Names(s->pods), ElementsAre("a-0", "a-1"));
  s = ParseObservedState(multi, "x");
  ASSERT_THAT(s, IsOk());
  EXPECT_THAT(Names(s->pods), ElementsAre("a-0", "a-1"));
  EXPECT_THAT(Names(s->services), ElementsAre("a"));
}

TEST(ObservedStateTest, PlainScalarsFollowTheCoreSchema) {
  const char* text =
      "kind: ConfigMap\nmetadata: {name: c}\ndata: {}\n"
      "x: {i: 42, n: -7, h: 0x1F, f: 1.5, e: 1e3, b: true, B: False, z: ~, "
      "s: hello, q: '42', dq: \"true\", v: 1.2.3, y: yes, t: !!str 5}\n";
  absl::StatusOr<ObservedState> s = ParseObservedState(text, "x");
  ASSERT_THAT(s, IsOk());
  const Json& x = s->config_maps[0]["x"];
  EXPECT_EQ(x["i"], 42);
  EXPECT_TRUE(x["i"].is_number_integer());
  EXPECT_EQ(x["n"], -7);
  EXPECT_EQ(x["h"], 31);
  EXPECT_EQ(x["f"], 1.5);
  EXPECT_EQ(x["e"], 1000.0);
  EXPECT_EQ(x["b"], true);
  EXPECT_EQ(x["B"], false);
  EXPECT_TRUE(x["z"].is_null());
  EXPECT_EQ(x["s"], "hello");
  EXPECT_EQ(x["q"], "42");
  EXPECT_EQ(x["dq"], "true");
  EXPECT_EQ(x["v"], "1.2.3");
  EXPECT_EQ(x["y"], "yes");  // YAML 1.2: only true/false are booleans.
  EXPECT_EQ(x["t"], "5");
}

TEST(ObservedStateTest, MalformedItemsAreNamed) {
  absl::StatusOr<ObservedState> s =
      ParseObservedState(ReadTestdata("malformed_items.yaml"), "observed.yaml");
  ASSERT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  std::string m(s.status().message());
  EXPECT_THAT(m, HasSubstr("observed.yaml:8: items[1] (Pod): metadata.name: missing"));
  EXPECT_THAT(m, HasSubstr("items[2]: must be a Kubernetes object (a mapping), got a string"));
  EXPECT_THAT(m, HasSubstr("items[3] (StatefulSet events-broker): spec.replicas: must be an "
                           "integer, got a string"));
  EXPECT_THAT(m, HasSubstr("items[4] (Pod events-broker-2): "
                           "status.conditions[0].lastTransitionTime: invalid timestamp "
                           "\"yesterday\""));
  EXPECT_THAT(m, HasSubstr("items[5]: kind: missing"));
  EXPECT_THAT(m, ::testing::Not(HasSubstr("items[0]")));
  // One problem per line, in item order.
  EXPECT_LT(m.find("items[1]"), m.find("items[2]"));
  EXPECT_LT(m.find("items[4]"), m.find("items[5]"));
}

TEST(ObservedStateTest, SyntaxErrorsAndWrongShapes) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"items: [\n", "o.yaml:"},
      {"{\"kind\": \"List\", \"items\": [}", "o.yaml: invalid JSON"},
      {"kind: List\nitems: 3\n", "items: must be a list, got an integer"},
      {"42\n", "must be a Kubernetes object or a List, got an integer"},
      {"kind: Pod\nmetadata: {name: \"\"}\n", "(Pod): metadata.name: must be a non-empty string"},
      {"kind: Pod\nmetadata: [a]\n", "(Pod): metadata: must be a mapping, got a list"},
      {"kind: Pod\nmetadata: {name: p, labels: {a: 1}}\n",
       "(Pod p): metadata.labels.a: must be a string, got an integer"},
      {"kind: PersistentVolumeClaim\nmetadata: {name: p}\nspec: {resources: {requests: "
       "{storage: lots}}}\n",
       "(PersistentVolumeClaim p): spec.resources.requests.storage: invalid quantity"},
      {"kind: List\nitems:\n- {kind: Pod, metadata: {name: a}}\n- {kind: Pod, metadata: {name: "
       "a}}\n",
       "items[1] (Pod a): duplicate Pod \"a\" (also items[0] (Pod a))"},
      {"kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {}\n",
       "documents[1] (Pod): metadata.name: missing"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ObservedState> s = ParseObservedState(c.text, "o.yaml");
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << c.text;
  }
}

TEST(ObservedStateTest, ToListRoundTrips) {
  absl::StatusOr<ObservedState> s =
      ParseObservedState(ReadTestdata("kubectl_list.yaml"), "kubectl_list.yaml");
  ASSERT_THAT(s, IsOk());
  Json list = ObservedStateToList(*s);
  EXPECT_EQ(list["kind"], "List");
  EXPECT_EQ(list["items"][0]["kind"], "StatefulSet");
  absl::StatusOr<ObservedState> again = ObservedStateFromJson(list, "list");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, *s);
  absl::StatusOr<ObservedState> text = ParseObservedState(list.dump(2), "list.json");
  ASSERT_THAT(text, IsOk());
  EXPECT_EQ(*text, *s);
}

}  // namespace
}  // namespace strata
