#include "validate/names.h"

#include <string>

#include "gtest/gtest.h"

namespace strata::validate_internal {
namespace {

const std::string k63(63, 'a');
const std::string k64(64, 'a');

TEST(NamesTest, Dns1035Label) {
  for (const std::string& ok : {std::string("a"), std::string("kafka"), std::string("a-1"), k63}) {
    EXPECT_TRUE(IsDns1035Label(ok)) << ok;
  }
  for (const std::string& bad : {std::string(""), std::string("1a"), std::string("-a"),
                                 std::string("a-"), std::string("A"), std::string("a_b"),
                                 std::string("a.b"), k64}) {
    EXPECT_FALSE(IsDns1035Label(bad)) << bad;
  }
}

TEST(NamesTest, Dns1123LabelAndSubdomain) {
  EXPECT_TRUE(IsDns1123Label("1a"));
  EXPECT_TRUE(IsDns1123Label(k63));
  EXPECT_FALSE(IsDns1123Label(k64));
  EXPECT_FALSE(IsDns1123Label("a.b"));
  EXPECT_TRUE(IsDns1123Subdomain("cluster.local"));
  EXPECT_TRUE(IsDns1123Subdomain("fast-ssd"));
  EXPECT_FALSE(IsDns1123Subdomain("a..b"));
  EXPECT_FALSE(IsDns1123Subdomain(".a"));
  EXPECT_FALSE(IsDns1123Subdomain("Fast"));
  EXPECT_FALSE(IsDns1123Subdomain(std::string(254, 'a')));
}

TEST(NamesTest, LabelKeysAndValues) {
  EXPECT_TRUE(IsLabelValue(""));
  EXPECT_TRUE(IsLabelValue("3.7.0"));
  EXPECT_TRUE(IsLabelValue("v1_2-RC.3"));
  EXPECT_TRUE(IsLabelValue(k63));
  EXPECT_FALSE(IsLabelValue(k64));
  EXPECT_FALSE(IsLabelValue("3.7.0+build"));
  EXPECT_FALSE(IsLabelValue("-a"));
  EXPECT_FALSE(IsLabelValue("a."));
  EXPECT_TRUE(IsLabelKey("team"));
  EXPECT_TRUE(IsLabelKey("strata.dev/leader"));
  EXPECT_FALSE(IsLabelKey(""));
  EXPECT_FALSE(IsLabelKey("strata.dev/"));
  EXPECT_FALSE(IsLabelKey("Strata.dev/x"));
  EXPECT_FALSE(IsLabelKey("a/b/c"));
}

TEST(NamesTest, IanaServiceNames) {
  EXPECT_TRUE(IsIanaServiceName("client"));
  EXPECT_TRUE(IsIanaServiceName("http-2"));
  EXPECT_TRUE(IsIanaServiceName("a23456789012345"));
  EXPECT_FALSE(IsIanaServiceName("a234567890123456"));  // 16.
  EXPECT_FALSE(IsIanaServiceName("123"));                // No letter.
  EXPECT_FALSE(IsIanaServiceName("a--b"));
  EXPECT_FALSE(IsIanaServiceName("-a"));
  EXPECT_FALSE(IsIanaServiceName("a-"));
  EXPECT_FALSE(IsIanaServiceName("Client"));
}

TEST(NamesTest, EnvVarsAndCapabilities) {
  EXPECT_TRUE(IsEnvVarName("JAVA_OPTS"));
  EXPECT_TRUE(IsEnvVarName("a.b-c"));
  EXPECT_FALSE(IsEnvVarName("1A"));
  EXPECT_FALSE(IsEnvVarName("A B"));
  EXPECT_FALSE(IsEnvVarName(""));
  EXPECT_TRUE(IsCapabilityName("IPC_LOCK"));
  EXPECT_FALSE(IsCapabilityName("ipc_lock"));
  EXPECT_FALSE(IsCapabilityName("_X"));
}

}  // namespace
}  // namespace strata::validate_internal
