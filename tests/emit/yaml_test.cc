#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/emit.h"

namespace strata {
namespace {

// Reads a yaml-cpp node back into Json the way a YAML 1.1/1.2 resolver
// would: quoted scalars are strings; plain scalars that look like a bool,
// null or number become one. So a plain scalar that should have been quoted
// fails the round trip.
Json FromYaml(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      Json j = Json::object();
      for (const auto& kv : n) {
        Json key = FromYaml(kv.first);
        j[key.is_string() ? key.get<std::string>() : "<non-string key " + key.dump() + ">"] =
            FromYaml(kv.second);
      }
      return j;
    }
    case YAML::NodeType::Sequence: {
      Json j = Json::array();
      for (const auto& item : n) j.push_back(FromYaml(item));
      return j;
    }
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() != "?") return s;  // Quoted or block: a string.
      if (s == "true") return true;
      if (s == "false") return false;
      bool b;
      if (YAML::convert<bool>::decode(n, b)) return "<bool " + s + ">";
      long long i;
      if (YAML::convert<long long>::decode(n, i)) return i;
      double d;
      if (YAML::convert<double>::decode(n, d)) return "<number " + s + ">";
      return s;
    }
    default:
      return "<undefined>";
  }
}

Json RoundTrip(const Json& j) { return FromYaml(YAML::Load(ToYaml(j))); }

TEST(YamlScalarTest, QuotesWhatAReaderCouldMisread) {
  const std::vector<std::string> quoted = {
      "",      "yes",   "Yes",        "on",    "OFF",   "y",     "n",     "~",
      "null",  "true",  "1e3",        "0x1F",  "0o17",  "017",   "1:20",  "2026-01-01",
      "3.7.0", ".inf",  "-.inf",      ".nan",  "12",    "-1",    "+1",    "1_000",
      "<<",    "=",     " lead",      "trail ", "a: b", "a #b",  "#x",    "-x",
      "- x",   "?x",    ":x",         "x:",    "*a",    "&a",    "!a",    "%a",
      "@a",    "`a",    "'a",         "\"a",   "[a]",   "{a}",   ",a",    "|a",
      ">a",    "a\tb",  "a\x01",      "\xc3\xa9", "2001-12-14t21:59:43.10-05:00"};
  for (const std::string& s : quoted) {
    SCOPED_TRACE(s);
    std::string yaml = ToYaml(Json{{"k", s}});
    EXPECT_EQ(yaml[3], '"') << yaml;
    EXPECT_EQ(RoundTrip(Json{{"k", s}}), (Json{{"k", s}}));
  }
}

TEST(YamlScalarTest, LeavesSafeStringsPlain) {
  const std::vector<std::string> plain = {
      "hello", "events-broker", "500m", "10Gi", "app.kubernetes.io/name",
      "$(STRATA_POD_NAME).events-zookeeper.data.svc.cluster.local",
      "zookeeper:3.9.2", "/data", "metadata.labels['apps.kubernetes.io/pod-index']",
      "ReadWriteOnce", "v1-0123456789abcdef", "deadbeef"};
  for (const std::string& s : plain) {
    SCOPED_TRACE(s);
    EXPECT_EQ(ToYaml(Json{{"k", s}}), "k: " + s + "\n");
    EXPECT_EQ(RoundTrip(Json{{"k", s}}), (Json{{"k", s}}));
  }
}

TEST(YamlBlockTest, LiteralBlocksWithChomping) {
  struct Case {
    std::string value;
    std::string yaml;
  };
  const std::vector<Case> cases = {
      {"a\nb\n", "k: |\n  a\n  b\n"},
      {"a\nb", "k: |-\n  a\n  b\n"},
      {"a\nb\n\n", "k: |+\n  a\n  b\n\n"},
      {" a\nb\n", "k: |2\n   a\n  b\n"},
      {"a\n\nb\n", "k: |\n  a\n\n  b\n"},
      {"a \nb\n", "k: \"a \\nb\\n\"\n"},         // Trailing space: quoted.
      {"a\r\nb\n", "k: \"a\\r\\nb\\n\"\n"},      // Control character: quoted.
      {"\n", "k: \"\\n\"\n"},                    // No content line: quoted.
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(ToYaml(Json{{"k", c.value}}), c.yaml);
    EXPECT_EQ(RoundTrip(Json{{"k", c.value}}), (Json{{"k", c.value}}));
  }
}

TEST(YamlTest, CollectionsAndKeyOrder) {
  Json j = Json::object();
  j["zeta"] = 1;
  j["alpha"] = Json::array({Json{{"name", "a"}, {"port", 1}}, "x", Json::array({1, 2}),
                            Json::object(), Json::array(), "multi\nline\n"});
  j["empty"] = Json::object();
  j["on"] = true;  // A key YAML 1.1 reads as a bool.
  j["n"] = nullptr;
  j["nested"] = Json{{"deep", Json{{"er", false}}}};
  EXPECT_EQ(ToYaml(j),
            "zeta: 1\n"
            "alpha:\n"
            "  - name: a\n"
            "    port: 1\n"
            "  - x\n"
            "  -\n"
            "    - 1\n"
            "    - 2\n"
            "  - {}\n"
            "  - []\n"
            "  - |\n"
            "    multi\n"
            "    line\n"
            "empty: {}\n"
            "\"on\": true\n"
            "\"n\": null\n"
            "nested:\n"
            "  deep:\n"
            "    er: false\n");
  EXPECT_EQ(RoundTrip(j), j);
}

TEST(YamlTest, RoundTripsHardStrings) {
  Json j = Json::object();
  const std::vector<std::string> values = {
      "tab\there", "quote\"back\\slash", "unicode é ✓ 𝄞", "line\u2028sep",
      "nel\xc2\x85", "bom\xef\xbb\xbf", "del\x7f", "  \n  indented\n",
      "#!/bin/sh\nexec \"$@\"\n", "key: value\n- item\n", "---\n...\n"};
  for (size_t i = 0; i < values.size(); ++i) j["k" + std::to_string(i)] = values[i];
  j[" spaced key"] = "v";
  j[std::string(1500, 'k')] = "long key";  // Beyond YAML's 1024-character implicit key limit.
  j["multi\nline key"] = "v";
  EXPECT_EQ(RoundTrip(j), j);
}

TEST(EmitTest, DocumentsJsonListAndFileNames) {
  std::vector<Object> objects = {
      {.kind = "ConfigMap", .name = "c", .role = "r",
       .body = Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}}},
      {.kind = "PodDisruptionBudget", .name = "p", .role = "r",
       .body = Json{{"kind", "PodDisruptionBudget"}}}};
  EXPECT_EQ(ToYaml(objects),
            "---\napiVersion: v1\nkind: ConfigMap\n---\nkind: PodDisruptionBudget\n");
  EXPECT_EQ(ToJsonList(objects),
            "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n"
            "    {\n      \"apiVersion\": \"v1\",\n      \"kind\": \"ConfigMap\"\n    },\n"
            "    {\n      \"kind\": \"PodDisruptionBudget\"\n    }\n  ]\n}\n");
  EXPECT_EQ(ObjectFileName(objects[1]), "poddisruptionbudget-p.yaml");
}

}  // namespace
}  // namespace strata
