// ParseJsonFast (simdjson -> strata::Json) gives exactly Json::parse's tree,
// node types included, or nullopt where the caller must fall back to it.

#include "util/json_parse.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace strata::util_internal {
namespace {

// Equal values and equal node types all the way down (Json's operator==
// treats 1 and 1u as equal; the checks in observed_state.cc look at types).
void ExpectSameTree(const Json& a, const Json& b, const std::string& path) {
  ASSERT_EQ(a.type(), b.type()) << path;
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size()) << path;
    auto ib = b.begin();
    for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) {
      ASSERT_EQ(ia.key(), ib.key()) << path;
      ExpectSameTree(ia.value(), ib.value(), path + "." + ia.key());
    }
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << path;
    for (size_t i = 0; i < a.size(); ++i) {
      ExpectSameTree(a[i], b[i], path + "[" + std::to_string(i) + "]");
    }
  } else {
    ASSERT_EQ(a.dump(), b.dump()) << path;
  }
}

void ExpectLikeNlohmann(const std::string& text) {
  SCOPED_TRACE(text.substr(0, 200));
  std::optional<Json> fast = ParseJsonFast(text);
  ASSERT_TRUE(fast.has_value());
  ExpectSameTree(*fast, Json::parse(text), "$");
}

TEST(ParseJsonFastTest, ScalarsAndNumberTypes) {
  for (const char* text :
       {"null", "true", "false", "0", "7", "-7", "18446744073709551615", "-9223372036854775808",
        "9223372036854775807", "9223372036854775808", "1.5", "-0.25", "1e3", "1E-3", "-0.0",
        "\"\"", "\"a\\u00e9\\ud834\\udd1e\\n\\t\\\"\"", "\"caf\xc3\xa9\"", "[]", "{}",
        "[1,-1,1.0,\"x\",null,{}]", " \n {\"a\" : [ 1 , 2 ] } \n"}) {
    ExpectLikeNlohmann(text);
  }
}

TEST(ParseJsonFastTest, RepeatedKeysKeepFirstPositionAndLastValue) {
  ExpectLikeNlohmann(R"({"a":1,"b":2,"a":3})");
  std::string big = "{";
  for (int i = 0; i < 40; ++i) big += "\"k" + std::to_string(i % 25) + "\":" + std::to_string(i) + ",";
  big += "\"last\":{\"x\":1,\"x\":[2]}}";
  ExpectLikeNlohmann(big);  // Above the linear-scan size: the hashed path.
}

TEST(ParseJsonFastTest, RandomDocumentsMatch) {
  std::mt19937 rng(5);
  const std::vector<std::string> keys = {"apiVersion", "kind", "metadata", "name", "labels",
                                         "spec", "status", "a", "\xc3\xa9", "k\"q", ""};
  std::function<Json(int)> gen = [&](int depth) -> Json {
    switch (rng() % (depth > 5 ? 5 : 8)) {
      case 0: return nullptr;
      case 1: return rng() % 2 == 0;
      case 2: return static_cast<int64_t>(rng()) - (1LL << 31);
      case 3: return static_cast<double>(rng()) / 7.0;
      case 4: return keys[rng() % keys.size()] + "\n\x01";
      case 5: {
        Json a = Json::array();
        for (int i = 0, n = static_cast<int>(rng() % 5); i < n; ++i) a.push_back(gen(depth + 1));
        return a;
      }
      default: {
        Json o = Json::object();
        for (int i = 0, n = static_cast<int>(rng() % 30); i < n; ++i) {
          o[keys[rng() % keys.size()] + std::to_string(rng() % 20)] = gen(depth + 1);
        }
        return o;
      }
    }
  };
  for (int i = 0; i < 300; ++i) {
    Json v = gen(0);
    ExpectLikeNlohmann(v.dump());
    ExpectLikeNlohmann(v.dump(2));
  }
}

TEST(ParseJsonFastTest, RejectsWhatTheCallerMustReportWithNlohmann) {
  std::string deep(2000, '[');
  deep += std::string(2000, ']');
  for (const std::string& text :
       std::vector<std::string>{"", "{", "[1,]", "{\"a\":1,}", "nul", "01", "1.", "\"\xff\"",
                                "{} {}", deep}) {
    EXPECT_FALSE(ParseJsonFast(text).has_value()) << text.substr(0, 40);
  }
}

TEST(ParseJsonFastTest, IntegersBeyond64BitsFallBackOrMatch) {
  // nlohmann reads them as floats; simdjson either refuses them (the caller
  // then uses nlohmann) or reads the same float.
  for (const char* text : {"123456789012345678901234567890", "[-123456789012345678901234567890]"}) {
    std::optional<Json> fast = ParseJsonFast(text);
    if (fast.has_value()) ExpectSameTree(*fast, Json::parse(text), "$");
  }
}

}  // namespace
}  // namespace strata::util_internal
