// The SPEC §3 template context (lib/compile/template.h): names, the
// variables each role offers, sections over members, and what an undefined
// variable or a malformed template does.

#include "compile/template.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/compile/test_topologies.h"
#include "tests/testing/status_matchers.h"

namespace strata::compile_internal {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ClusterNamesTest, SpecNames) {
  ClusterNames n{"events", "data", "cluster.local"};
  EXPECT_EQ(n.StatefulSet("broker"), "events-broker");
  EXPECT_EQ(n.ServiceFqdn("broker"), "events-broker.data.svc.cluster.local");
  EXPECT_EQ(n.PodName("broker", 2), "events-broker-2");
  EXPECT_EQ(n.MemberFqdn("broker", 2), "events-broker-2.events-broker.data.svc.cluster.local");
}

class TemplateContextTest : public ::testing::Test {
 protected:
  // App roles are {broker, zookeeper}: 2 brokers, 3 ZooKeeper members.
  TemplateContextTest()
      : t_(strata::testing::KafkaTopology()), context_(t_.app, WithConnection(t_.cluster), {2, 3}) {}

  static Cluster WithConnection(Cluster c) {
    c.connections = {Connection{.name = "metastore", .endpoint = "db.example:5432"}};
    return c;
  }

  std::string Render(const std::string& text) {
    absl::StatusOr<std::string> out = context_.Render(text);
    EXPECT_THAT(out, IsOk()) << text;
    return out.ok() ? *out : "";
  }

  Topology t_;
  TemplateContext context_;
};

TEST_F(TemplateContextTest, ClusterAppAndRoleVariables) {
  EXPECT_EQ(Render("{{cluster.name}}/{{cluster.namespace}}/{{cluster.domain}}"),
            "events/data/cluster.local");
  EXPECT_EQ(Render("{{app.name}} {{app.version}}"), "kafka 3.7.0");
  EXPECT_EQ(Render("{{roles.zookeeper.name}} x{{roles.zookeeper.count}}"), "zookeeper x3");
  EXPECT_EQ(Render("{{roles.broker.count}}"), "2");
  EXPECT_EQ(Render("{{roles.zookeeper.service}}"), "events-zookeeper.data.svc.cluster.local");
  EXPECT_EQ(Render("{{roles.zookeeper.ports.client}}"), "2181");
  EXPECT_EQ(Render("{{connections.metastore.endpoint}}"), "db.example:5432");
}

TEST_F(TemplateContextTest, HostsAndMemberSections) {
  EXPECT_EQ(Render("{{roles.broker.hosts}}"),
            "events-broker-0.events-broker.data.svc.cluster.local,"
            "events-broker-1.events-broker.data.svc.cluster.local");
  EXPECT_EQ(Render("{{#roles.zookeeper.members}}{{ordinal}}={{name}};{{/roles.zookeeper.members}}"),
            "0=events-zookeeper-0;1=events-zookeeper-1;2=events-zookeeper-2;");
  EXPECT_EQ(Render("{{#roles.zookeeper.members}}{{ordinal}}{{^last}},{{/last}}"
                   "{{/roles.zookeeper.members}}"),
            "0,1,2");
}

TEST_F(TemplateContextTest, NoEscapingAndUndefinedIsEmpty) {
  // Formats escape their own output; the template layer must not.
  EXPECT_EQ(Render("<{{roles.broker.count}}&\"'>"), "<2&\"'>");
  EXPECT_EQ(Render("[{{roles.nope.count}}]"), "[]");
}

TEST_F(TemplateContextTest, MalformedTemplateIsInvalidArgument) {
  EXPECT_THAT(context_.Render("{{#roles.broker.members}}unclosed"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid template")));
}

}  // namespace
}  // namespace strata::compile_internal
