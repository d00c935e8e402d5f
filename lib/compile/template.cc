#include "compile/template.h"

#include <kainjow/mustache.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace strata::compile_internal {

std::string ClusterNames::StatefulSet(const std::string& role) const {
  return absl::StrCat(cluster, "-", role);
}
std::string ClusterNames::ServiceFqdn(const std::string& role) const {
  return absl::StrCat(StatefulSet(role), ".", namespace_, ".svc.", domain);
}
std::string ClusterNames::PodName(const std::string& role,
                                  int32_t ordinal) const {
  return absl::StrCat(StatefulSet(role), "-", ordinal);
}
std::string ClusterNames::MemberFqdn(const std::string& role,
                                     int32_t ordinal) const {
  return absl::StrCat(PodName(role, ordinal), ".", ServiceFqdn(role));
}

struct TemplateContext::Data {
  kainjow::mustache::data root;
};

TemplateContext::TemplateContext(const App& app, const Cluster& cluster,
                                 const std::vector<int32_t>& members)
    : data_(std::make_unique<Data>()) {
  using kainjow::mustache::data;
  ClusterNames names{cluster.name, cluster.namespace_, cluster.domain};
  data c;
  c.set("name", cluster.name);
  c.set("namespace", cluster.namespace_);
  c.set("domain", cluster.domain);
  data a;
  a.set("name", app.name);
  a.set("version", app.version);
  data roles;
  for (size_t r = 0; r < app.roles.size(); ++r) {
    const Role& role = app.roles[r];
    data d;
    d.set("name", role.name);
    d.set("count", std::to_string(members[r]));
    d.set("service", names.ServiceFqdn(role.name));
    std::vector<std::string> hosts;
    data list{data::type::list};
    for (int32_t i = 0; i < members[r]; ++i) {
      data m;
      m.set("ordinal", std::to_string(i));
      m.set("name", names.PodName(role.name, i));
      std::string fqdn = names.MemberFqdn(role.name, i);
      m.set("fqdn", fqdn);
      // Separators without a trailing one: {{^last}},{{/last}}.
      m.set("first", i == 0);
      m.set("last", i + 1 == members[r]);
      hosts.push_back(std::move(fqdn));
      list.push_back(m);
    }
    d.set("hosts", absl::StrJoin(hosts, ","));
    data ports;
    for (const Port& p : role.ports) ports.set(p.name, std::to_string(p.port));
    d.set("ports", ports);
    d.set("members", list);
    roles.set(role.name, d);
  }
  data conns;
  for (const Connection& conn : cluster.connections) {
    data e;
    e.set("endpoint", conn.endpoint);
    conns.set(conn.name, e);
  }
  data_->root.set("cluster", c);
  data_->root.set("app", a);
  data_->root.set("roles", roles);
  data_->root.set("connections", conns);
}

TemplateContext::~TemplateContext() = default;

absl::StatusOr<std::string> TemplateContext::Render(const std::string& text) const {
  // Fast path: no tag, nothing to render (and the text stays byte-exact).
  if (text.find("{{") == std::string::npos) return text;
  kainjow::mustache::mustache tmpl{text};
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  if (!tmpl.is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid template: ", tmpl.error_message()));
  }
  std::string out = tmpl.render(data_->root);
  if (!tmpl.is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid template: ", tmpl.error_message()));
  }
  return out;
}

}  // namespace strata::compile_internal
