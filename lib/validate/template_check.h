// Static checking of the Mustache templates of SPEC §3: every tag must name
// a variable of the template context, sections must nest, and partials and
// set-delimiter tags are rejected (strata templates are logic-less text).
//
// Example:
//   TemplateScope scope = TemplateScopeFor(app);
//   TemplateReport r = CheckTemplate("{{roles.zk.hosts}}", scope);
//   // r.errors: {"undefined variable \"roles.zk.hosts\""} unless role zk exists

#ifndef STRATA_VALIDATE_TEMPLATE_CHECK_H_
#define STRATA_VALIDATE_TEMPLATE_CHECK_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "strata/app.h"

namespace strata::validate_internal {

// The names a template may use.
struct TemplateScope {
  // Dotted names of every value and object: "cluster", "cluster.name",
  // "roles.zk", "roles.zk.ports.client", ...
  std::set<std::string> variables;
  // Lists (sections iterate them) -> the fields of each element:
  // "roles.zk.members" -> {ordinal, name, fqdn}.
  std::map<std::string, std::set<std::string>> lists;
  // Accept connections.<any name>.endpoint (an App checked on its own: the
  // Cluster defines the connections) and record the names used.
  bool any_connection = false;
};

// The SPEC §3 context of `app`: cluster.*, app.*, roles.<role>.* for its
// roles and ports, and any connection.
TemplateScope TemplateScopeFor(const App& app);

struct TemplateReport {
  std::vector<std::string> errors;   // One message per problem, in text order.
  std::set<std::string> connections; // Connection names referenced.
  // Roles whose scale changes the rendered text: the template uses their
  // `count`, `hosts` or `members`.
  std::set<std::string> scaled_by;
};

// Returns the problems of template `text` under `scope`: undefined variables,
// unbalanced sections, partials, set-delimiter tags, unclosed tags, and
// anything else kainjow-mustache cannot parse.
TemplateReport CheckTemplate(absl::string_view text, const TemplateScope& scope);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_TEMPLATE_CHECK_H_
