#include "validate/template_check.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::validate_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

App KafkaApp() {
  App app{.name = "kafka", .version = "3.7.0"};
  app.roles.push_back(Role{.name = "zookeeper", .ports = {{.name = "client", .port = 2181}}});
  app.roles.push_back(Role{.name = "broker", .ports = {{.name = "kafka", .port = 9092}}});
  return app;
}

std::vector<std::string> Errors(const std::string& text) {
  return CheckTemplate(text, TemplateScopeFor(KafkaApp())).errors;
}

struct Case {
  std::string text;
  std::vector<std::string> errors;
};

class TemplateCheckTest : public ::testing::TestWithParam<Case> {};

TEST_P(TemplateCheckTest, ReportsExactly) { EXPECT_EQ(Errors(GetParam().text), GetParam().errors); }

INSTANTIATE_TEST_SUITE_P(
    Cases, TemplateCheckTest,
    ::testing::Values(
        // Defined variables, every tag form.
        Case{"plain text, no tags { } }}", {}},
        Case{"{{cluster.name}}.{{cluster.namespace}}.svc.{{cluster.domain}}", {}},
        Case{"{{app.name}}-{{app.version}}", {}},
        Case{"{{ roles.zookeeper.hosts }}/{{roles.broker.count}}", {}},
        Case{"{{roles.zookeeper.service}}:{{roles.zookeeper.ports.client}}", {}},
        Case{"{{{roles.broker.name}}} {{&roles.broker.ports.kafka}}", {}},
        Case{"{{! a comment {{undefined}} is fine }}", {}},
        Case{"{{#roles.zookeeper.members}}server.{{ordinal}}={{fqdn}}:{{name}}"
             "{{roles.zookeeper.ports.client}}{{/roles.zookeeper.members}}",
             {}},
        Case{"{{^roles.broker.members}}none{{/roles.broker.members}}", {}},
        Case{"{{#roles.broker.members}}{{#first}}[{{/first}}{{ordinal}}{{^last}},{{/last}}"
             "{{#last}}]{{/last}}{{/roles.broker.members}}",
             {}},
        Case{"{{#roles.broker}}{{name}}:{{ports.kafka}}{{/roles.broker}}", {}},
        Case{"{{#cluster.name}}{{.}}{{/cluster.name}}", {}},
        Case{"{{connections.metadata-db.endpoint}}", {}},
        // Undefined.
        Case{"{{cluster.nam}}",
             {"undefined variable \"cluster.nam\" (did you mean \"cluster.name\"? cluster has: "
              "domain, name, namespace)"}},
        Case{"{{roles.kafka.hosts}}",
             {"undefined variable \"roles.kafka.hosts\" (roles has: broker, zookeeper)"}},
        Case{"{{roles.brokr.hosts}}",
             {"undefined variable \"roles.brokr.hosts\" (did you mean \"roles.broker.hosts\"? "
              "roles has: broker, zookeeper)"}},
        Case{"{{roles.broker.hostz}}",
             {"undefined variable \"roles.broker.hostz\" (did you mean \"roles.broker.hosts\"? "
              "roles.broker has: count, hosts, members, name, ports, service)"}},
        Case{"{{roles.broker.ports.client}}",
             {"undefined variable \"roles.broker.ports.client\" (roles.broker.ports has: kafka)"}},
        Case{"{{ordinal}}",
             {"undefined variable \"ordinal\" (\"ordinal\" is a member field: use it inside "
              "{{#roles.<role>.members}}...{{/roles.<role>.members}}; the top level has: app, cluster, connections, roles)"}},
        Case{"{{#roles.broker.members}}{{port}}{{/roles.broker.members}}",
             {"undefined variable \"port\" (a member of roles.broker.members has: first, fqdn, last, name, ordinal; the top level has: app, cluster, connections, roles)"}},
        Case{"{{#roles.broker.members}}{{fqnd}}{{/roles.broker.members}}",
             {"undefined variable \"fqnd\" (did you mean \"fqdn\"? a member of roles.broker.members has: first, fqdn, last, name, ordinal; the top level has: app, cluster, connections, roles)"}},
        Case{"{{roles.broker.members.fqdn}}",
             {"undefined variable \"roles.broker.members.fqdn\" (roles.broker.members is a list: "
              "iterate it with {{#roles.broker.members}}...{{/roles.broker.members}}; each member "
              "has: first, fqdn, last, name, ordinal)"}},
        Case{"{{^roles.broker.members}}{{fqdn}}{{/roles.broker.members}}",
             {"undefined variable \"fqdn\" (\"fqdn\" is a member field: use it inside "
              "{{#roles.<role>.members}}...{{/roles.<role>.members}}; the top level has: app, cluster, connections, roles)"}},
        Case{"{{roles.broker.members}}",
             {"\"roles.broker.members\" is a list: iterate it with "
              "{{#roles.broker.members}}...{{/roles.broker.members}}"}},
        Case{"{{#nope}}x{{/nope}}", {"undefined variable \"nope\" (the top level has: app, cluster, connections, roles)"}},
        Case{"{{.}}", {"undefined variable \".\" (the top level has: app, cluster, connections, roles)"}},
        Case{"{{connections.db.host}}",
             {"undefined variable \"connections.db.host\" (connections.db has: endpoint)"}},
        // Structure.
        Case{"{{> partial}}", {"partials are not supported: \"{{> partial}}\""}},
        Case{"{{=<% %>=}}<%x%>", {"set-delimiter tags are not supported: \"{{=<% %>=}}\""}},
        Case{"{{#cluster.name}}x", {"section \"cluster.name\" is not closed"}},
        Case{"x{{/cluster.name}}", {"\"{{/cluster.name}}\" closes no open section"}},
        Case{"{{#cluster.name}}{{#app.name}}{{/cluster.name}}{{/app.name}}",
             {"\"{{/cluster.name}}\" closes section \"app.name\"",
              "\"{{/app.name}}\" closes section \"cluster.name\""}},
        Case{"{{cluster.name", {"unclosed tag \"{{cluster.name\""}},
        // The quote stops at 40 bytes, never inside a character (issue 18).
        Case{"{{cluster.name \xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",
             {"unclosed tag \"{{cluster.name \xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\""}},
        Case{"{{}}", {"empty tag \"{{}}\""}}));

TEST(TemplateCheckTest, LargeAppsListTwentyNamesAndStillSuggest) {
  App app{.name = "big"};
  for (int i = 0; i < 10000; ++i) app.roles.push_back(Role{.name = "r" + std::to_string(i)});
  TemplateScope scope = TemplateScopeFor(app);
  EXPECT_THAT(CheckTemplate("{{roles.r9999.hostz}}", scope).errors,
              ElementsAre("undefined variable \"roles.r9999.hostz\" (did you mean "
                          "\"roles.r9999.hosts\"? roles.r9999 has: count, hosts, members, name, "
                          "ports, service)"));
  EXPECT_THAT(CheckTemplate("{{roles.x.hosts}}", scope).errors,
              ElementsAre(::testing::EndsWith("(roles has: r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, "
                                             "r11, r12, r13, r14, r15, r16, r17, r18, r19 and "
                                             "9980 more)")));
}

TEST(TemplateCheckTest, RecordsConnectionsUsed) {
  TemplateReport r = CheckTemplate("{{connections.a.endpoint}} {{connections.b.endpoint}}",
                                   TemplateScopeFor(KafkaApp()));
  EXPECT_THAT(r.errors, IsEmpty());
  EXPECT_THAT(r.connections, ElementsAre("a", "b"));
}

TEST(TemplateCheckTest, ConcreteConnectionsWhenNotAny) {
  TemplateScope scope = TemplateScopeFor(KafkaApp());
  scope.any_connection = false;
  scope.variables.insert("connections.a");
  scope.variables.insert("connections.a.endpoint");
  EXPECT_THAT(CheckTemplate("{{connections.a.endpoint}}", scope).errors, IsEmpty());
  EXPECT_THAT(CheckTemplate("{{connections.b.endpoint}}", scope).errors,
              ElementsAre("undefined variable \"connections.b.endpoint\" (connections has: a)"));
}

}  // namespace
}  // namespace strata::validate_internal
