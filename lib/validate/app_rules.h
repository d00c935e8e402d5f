// The App rules (SPEC §1.3): what one App document must satisfy on its own,
// before any Cluster is paired with it.

#ifndef STRATA_VALIDATE_APP_RULES_H_
#define STRATA_VALIDATE_APP_RULES_H_

#include "strata/app.h"
#include "validate/reporter.h"

namespace strata::validate_internal {

// Reports every rule `app` breaks, at paths relative to its document.
void CheckApp(Reporter& r, const App& app);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_APP_RULES_H_
