// CompiledCluster's methods live with compile (strata/compile.h), not in the
// model: the model is below compile and never includes it (issue 11 item 4).

#include <algorithm>
#include <string>

#include "strata/compile.h"

namespace strata {

const CompiledRole* CompiledCluster::FindRole(const std::string& name) const {
  auto it = std::find_if(roles.begin(), roles.end(),
                         [&](const CompiledRole& r) { return r.name == name; });
  return it == roles.end() ? nullptr : &*it;
}

}  // namespace strata
