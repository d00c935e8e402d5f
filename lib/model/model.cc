// Accessors of the model value types (app.h, role.h, cluster.h, ...).

#include <algorithm>

#include "strata/app.h"
#include "strata/cluster.h"
#include "strata/documents.h"
#include "strata/role.h"
#include "strata/rollout_policy.h"

namespace strata {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, absl::string_view name) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const T& item) { return item.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const Port* Role::FindPort(const std::string& name) const {
  return FindByName(ports, name);
}

const Port* Container::FindPort(const std::string& name) const {
  return FindByName(ports, name);
}

void OverrideContainers(std::vector<Container>& base, const std::vector<Container>& overrides) {
  for (const Container& c : overrides) {
    auto it = std::find_if(base.begin(), base.end(),
                           [&](const Container& b) { return b.name == c.name; });
    if (it == base.end()) {
      base.push_back(c);
    } else {
      *it = c;
    }
  }
}

int32_t Role::RolloutBudget(int32_t members, bool* quorum_capped) const {
  int32_t budget = rollout.ResolveMaxUnavailable(members);
  const int32_t cap = members - MajorityOf(members);
  const bool capped = quorum == Quorum::kMajority &&
                      rollout.strategy != RolloutStrategy::kParallel && cap < budget;
  if (quorum_capped != nullptr) *quorum_capped = capped;
  return capped ? std::max(cap, 1) : budget;
}

const Role* App::FindRole(const std::string& name) const {
  return FindByName(roles, name);
}

const RoleOverride* Cluster::FindRole(const std::string& name) const {
  return FindByName(roles, name);
}

const AppDocument* Documents::FindApp(absl::string_view name) const {
  auto it = std::find_if(apps.begin(), apps.end(),
                         [&](const AppDocument& d) { return d.app.name == name; });
  return it == apps.end() ? nullptr : &*it;
}

int32_t RolloutPolicy::ResolveMaxUnavailable(int32_t members) const {
  if (strategy == RolloutStrategy::kSerial) return 1;
  if (!max_unavailable.percent) return std::max(1, max_unavailable.value);
  int64_t n = static_cast<int64_t>(members) * max_unavailable.value / 100;
  return static_cast<int32_t>(std::max<int64_t>(1, n));
}

}  // namespace strata
