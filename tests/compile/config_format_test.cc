#include "compile/config_format.h"

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/json.h"
#include "tests/testing/status_matchers.h"

namespace strata::compile_internal {
namespace {

using ::strata::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct FormatCase {
  std::string name;
  ConfigFormat format;
  OrderedStringMap data;
  std::string text;
  std::string want;
};

TEST(ConfigFormatTest, RendersEachFormat) {
  const std::vector<FormatCase> cases = {
      {"properties plain", ConfigFormat::kProperties,
       {{"tickTime", "2000"}, {"url", "jdbc:mysql://db:3306/x?a=b"}}, "",
       "tickTime=2000\nurl=jdbc:mysql://db:3306/x?a=b\n"},
      {"properties escapes", ConfigFormat::kProperties,
       {{"a key=x:y#!", "  lead\\back\nnew\ttab"}, {"uni", "\xc3\xa9\xf0\x9d\x84\x9e"}}, "",
       "a\\ key\\=x\\:y\\#\\!=\\ \\ lead\\\\back\\nnew\\ttab\n"
       "uni=\\u00E9\\uD834\\uDD1E\n"},
      {"hadoop-xml", ConfigFormat::kHadoopXml,
       {{"fs.defaultFS", "hdfs://nn:8020"}, {"x", "<a & 'b' \"c\">"}}, "",
       "<?xml version=\"1.0\"?>\n<configuration>\n"
       "  <property>\n    <name>fs.defaultFS</name>\n    <value>hdfs://nn:8020</value>\n  </property>\n"
       "  <property>\n    <name>x</name>\n    <value>&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;</value>\n  </property>\n"
       "</configuration>\n"},
      {"yaml", ConfigFormat::kYaml,
       {{"num_tokens", "16"}, {"name", "yes"}, {"forced", "\"16\""}, {"seeds", "a,b"},
        {"list", "[{\"k\": \"v\"}]"}},
       "",
       "num_tokens: 16\nname: \"yes\"\nforced: \"16\"\nseeds: a,b\nlist:\n  - k: v\n"},
      {"json", ConfigFormat::kJson, {{"b", "1"}, {"a", "x\"y"}, {"c", "true"}}, "",
       "{\n  \"b\": 1,\n  \"a\": \"x\\\"y\",\n  \"c\": true\n}\n"},
      {"ini", ConfigFormat::kIni,
       {{"top", "1"}, {"server.port", "80"}, {"client.name", "a"}, {"server.host", "h\nmore"}}, "",
       "top = 1\n\n[server]\nport = 80\nhost = h\n  more\n\n[client]\nname = a\n"},
      {"env", ConfigFormat::kEnv,
       {{"A", "plain-value_1.2:3"}, {"B", "has space"}, {"C", "it's"}, {"D", ""}}, "",
       "A=plain-value_1.2:3\nB='has space'\nC='it'\\''s'\nD=\n"},
      {"text", ConfigFormat::kText, {}, "anything {goes}\n", "anything {goes}\n"},
  };
  for (const FormatCase& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<std::string> got = FormatConfig(c.format, c.data, c.text);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want);
  }
}

TEST(ConfigFormatTest, YamlAndJsonParseBack) {
  OrderedStringMap data = {{"on", "off"}, {"k: v", "#x"}, {"n", "1.5"}, {"multi", "a\nb\n"}};
  absl::StatusOr<std::string> yaml = FormatConfig(ConfigFormat::kYaml, data, "");
  ASSERT_TRUE(yaml.ok());
  YAML::Node n = YAML::Load(*yaml);
  EXPECT_EQ(n["on"].as<std::string>(), "off");
  EXPECT_EQ(n["on"].Tag(), "!");  // Quoted: a string, not a bool.
  EXPECT_EQ(n["k: v"].as<std::string>(), "#x");
  EXPECT_EQ(n["multi"].as<std::string>(), "a\nb\n");
  absl::StatusOr<std::string> json = FormatConfig(ConfigFormat::kJson, data, "");
  ASSERT_TRUE(json.ok());
  Json j = Json::parse(*json);
  EXPECT_EQ(j["n"], 1.5);
  EXPECT_EQ(j["multi"], "a\nb\n");
}

TEST(ConfigFormatTest, RejectsWhatAFormatCannotHold) {
  EXPECT_THAT(FormatConfig(ConfigFormat::kIni, {{"a=b", "1"}}, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ini key")));
  EXPECT_THAT(FormatConfig(ConfigFormat::kEnv, {{"1A", "1"}}, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("env key")));
  EXPECT_THAT(FormatConfig(ConfigFormat::kHadoopXml, {{"a", "\x01"}}, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("XML")));
}

TEST(ConfigMapKeysTest, DerivesValidUniqueKeys) {
  EXPECT_THAT(ConfigMapKeys({"/conf/zoo.cfg", "/opt/hadoop/etc/hadoop/core-site.xml",
                             "/etc/my app/x+y.conf"}),
              ElementsAre("conf-zoo.cfg", "opt-hadoop-etc-hadoop-core-site.xml",
                          "etc-my_app-x_y.conf"));
  std::vector<std::string> keys = ConfigMapKeys({"/a-b/c", "/a/b-c", "/.."});
  EXPECT_EQ(keys[0], "a-b-c");
  EXPECT_THAT(keys[1], ::testing::MatchesRegex("a-b-c-[0-9a-f]{8}"));
  EXPECT_THAT(keys[2], ::testing::MatchesRegex("\\.\\.-[0-9a-f]{8}"));
  std::vector<std::string> longkey = ConfigMapKeys({"/" + std::string(300, 'x')});
  EXPECT_EQ(longkey[0].size(), 253u);
  for (const std::string& k : keys) {
    EXPECT_THAT(k, ::testing::MatchesRegex("[-._a-zA-Z0-9]+"));
  }
}

}  // namespace
}  // namespace strata::compile_internal
