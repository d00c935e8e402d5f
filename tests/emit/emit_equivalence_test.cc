// The fast emitters (lib/emit/yaml.cc, lib/emit/json.cc) write exactly the
// bytes of the ones they replaced: the pre-rewrite YAML emitter, kept in
// reference_yaml.h, and nlohmann's dump(indent, ' ', false, replace). Checked
// on every compiled example and on seeded random trees full of the strings
// that need quoting, escaping or block scalars.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reference_yaml.h"
#include "strata/emit.h"

namespace strata {
namespace {

// Strings chosen to hit every branch of the scalar rules.
const std::vector<std::string>& Atoms() {
  static const std::vector<std::string> atoms = {
      "", "a", "events-broker", "500m", "10Gi", "yes", "No", "on", "~", "null", "<<", "=",
      ".inf", "-.Inf", ".nan", "1e3", "0x1F", "0o17", "017", "1:20", "2026-01-01",
      "3.7.0", "-1", "+1", "1_000", " lead", "trail ", "a: b", "a #b", "#x", "-x", "?x",
      ":x", "x:", "*a", "&a", "!a", "%a", "@a", "`a", "'a", "\"a", "[a]", "{a}", ",a",
      "|a", ">a", "a\tb", "a\x01", "\xc3\xa9", "caf\xc3\xa9", "\xff\xfe", "\xe2\x80\xa8",
      "\xc2\x85", "\xef\xbb\xbf", "del\x7f", "quote\"back\\slash", "tab\there",
      "a\nb\n", "a\nb", "a\nb\n\n", " a\nb\n", "a\n\nb\n", "a \nb\n", "a\r\nb\n", "\n",
      "  \n  indented\n", "#!/bin/sh\nexec \"$@\"\n", "---\n...\n", "unicode \xf0\x9d\x84\x9e",
      "$(STRATA_POD_NAME).x.svc", "/data", "(x)", "_x", ".x", "$x", std::string(1500, 'k'),
      std::string("nul\0byte", 8), "x y", "k=v"};
  return atoms;
}

Json RandomValue(std::mt19937& rng, int depth) {
  const std::vector<std::string>& atoms = Atoms();
  std::uniform_int_distribution<int> kind(0, depth > 4 ? 6 : 9);
  auto atom = [&] { return atoms[rng() % atoms.size()]; };
  switch (kind(rng)) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<int64_t>(rng() % 2000) - 1000;
    case 3: return static_cast<uint64_t>(rng()) * 4294967296ULL + rng();
    case 4: return static_cast<double>(static_cast<int>(rng() % 2000) - 1000) / 8.0;
    case 5:
    case 6: return atom();
    case 7: {
      Json a = Json::array();
      int n = static_cast<int>(rng() % 4);
      for (int i = 0; i < n; ++i) a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
    default: {
      Json o = Json::object();
      int n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) o[atom()] = RandomValue(rng, depth + 1);
      return o;
    }
  }
}

TEST(EmitEquivalenceTest, RandomTreesMatchTheReferenceBytes) {
  std::mt19937 rng(17);
  for (int i = 0; i < 3000; ++i) {
    Json v = RandomValue(rng, 0);
    SCOPED_TRACE(v.dump(-1, ' ', true, Json::error_handler_t::replace));
    ASSERT_EQ(ToYaml(v), emit_reference::ToYaml(v));
    for (int indent : {-1, 0, 2, 4}) {
      std::string fast;
      AppendJson(v, indent, fast);
      ASSERT_EQ(fast, v.dump(indent, ' ', false, Json::error_handler_t::replace));
    }
    std::string nested = "x";
    AppendJson(v, 2, nested, 4);
    Json wrapped = Json::object();
    wrapped["a"] = Json::object();
    wrapped["a"]["b"] = v;
    // Inside two objects the value starts at column 4.
    std::string whole = wrapped.dump(2, ' ', false, Json::error_handler_t::replace);
    size_t at = whole.find("\"b\": ") + 5;
    ASSERT_EQ(nested.substr(1), whole.substr(at, whole.size() - at - 6));
  }
}

TEST(EmitEquivalenceTest, ListsMatchTheReferenceBytes) {
  std::mt19937 rng(1);
  std::vector<Object> objects;
  for (int i = 0; i < 50; ++i) {
    Json body = Json::object();
    body["apiVersion"] = "v1";
    body["kind"] = "ConfigMap";
    body["data"] = RandomValue(rng, 1);
    objects.push_back({.kind = "ConfigMap", .name = std::to_string(i), .body = body});
    std::string yaml;
    Json list = Json::object();
    list["apiVersion"] = "v1";
    list["kind"] = "List";
    list["items"] = Json::array();
    for (const Object& o : objects) {
      yaml += "---\n" + emit_reference::ToYaml(o.body);
      list["items"].push_back(o.body);
    }
    ASSERT_EQ(ToYaml(objects), yaml);
    ASSERT_EQ(ToJsonList(objects), list.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  }
  Json empty = Json::object();
  empty["apiVersion"] = "v1";
  empty["kind"] = "List";
  empty["items"] = Json::array();
  EXPECT_EQ(ToJsonList({}), empty.dump(2) + "\n");
}

}  // namespace
}  // namespace strata
