// Helpers for the tests of the internal rule groups (reporter.h,
// field_rules.h, app_rules.h, cluster_rules.h, name_budgets.h): run a rule
// through a Reporter without a SourceMap and read back "path: message".

#ifndef STRATA_TESTS_VALIDATE_RULE_TESTING_H_
#define STRATA_TESTS_VALIDATE_RULE_TESTING_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "strata/diagnostic.h"
#include "validate/reporter.h"

namespace strata::validate_internal::testing {

// "path: message" for every diagnostic `rule` reports, in report order;
// warnings are prefixed "warning: ".
inline std::vector<std::string> Reported(const std::function<void(Reporter&)>& rule) {
  std::vector<Diagnostic> found;
  Reporter r("test.yaml", 0, nullptr, &found);
  rule(r);
  std::vector<std::string> out;
  for (const Diagnostic& d : found) {
    out.push_back(absl::StrCat(d.severity == Diagnostic::Severity::kWarning ? "warning: " : "",
                               d.path, ": ", d.message));
  }
  return out;
}

}  // namespace strata::validate_internal::testing

#endif  // STRATA_TESTS_VALIDATE_RULE_TESTING_H_
