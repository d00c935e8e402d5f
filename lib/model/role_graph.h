// RoleGraph: the dependsOn graph of an App's roles, built once.
//
// Validation (unknown names, cycles), compilation (the order roles are
// compiled and applied in), the planner (who waits for whom, in reverse for
// a stop) and the simulator (what a role's members need up) all ask the
// same questions of `dependsOn`; this answers them from one construction.
// It works on anything with `name` and `depends_on` (Role, CompiledRole).
//
// Example:
//   RoleGraph g = RoleGraph::Of(app.roles);
//   if (!g.unknown().empty() || !g.acyclic()) ...;
//   for (int i : g.order()) Compile(app.roles[i]);

#ifndef STRATA_MODEL_ROLE_GRAPH_H_
#define STRATA_MODEL_ROLE_GRAPH_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace strata::model_internal {

class RoleGraph {
 public:
  // One role: its name and the names it depends on.
  struct Node {
    absl::string_view name;
    const std::vector<std::string>* depends_on;
  };
  // A dependsOn name that is no role: role `role`'s dependsOn[`position`].
  struct UnknownRef {
    int role;
    int position;
    std::string name;
  };
  // One cycle, found from its first role `role` (App order): the names
  // around it, starting and ending with that role ("a", "b", "a").
  struct Cycle {
    int role;
    std::vector<std::string> names;
  };

  // The graph of `roles` (anything with `name` and `depends_on`).
  template <typename R>
  static RoleGraph Of(const std::vector<R>& roles) {
    std::vector<Node> nodes;
    nodes.reserve(roles.size());
    for (const R& r : roles) nodes.push_back(Node{r.name, &r.depends_on});
    return RoleGraph(nodes);
  }
  explicit RoleGraph(const std::vector<Node>& nodes);

  int size() const { return static_cast<int>(names_.size()); }
  // The index of role `name` (its first role of that name), or -1.
  int IndexOf(absl::string_view name) const;
  // The roles role `i` depends on, once each, in dependsOn order; unknown
  // names and `i` itself are left out.
  const std::vector<int>& DependsOn(int i) const { return depends_on_[i]; }
  // The roles that depend on role `i`, in App order.
  const std::vector<int>& Dependents(int i) const { return dependents_[i]; }
  // Whether role `i` lists itself in dependsOn.
  bool DependsOnItself(int i) const { return self_[i]; }
  // Every dependsOn name that is no role, by role and then position.
  const std::vector<UnknownRef>& unknown() const { return unknown_; }
  // Each cycle of two or more roles once (self-dependencies are not here:
  // see DependsOnItself), by its first role in App order.
  const std::vector<Cycle>& cycles() const { return cycles_; }
  // False when a role depends on itself or roles form a cycle.
  bool acyclic() const { return acyclic_; }
  // Every role, each after the roles it depends on, App order breaking
  // ties. Empty unless acyclic().
  const std::vector<int>& order() const { return order_; }

 private:
  void FindCycles();
  void Order();

  std::vector<std::string> names_;
  std::map<std::string, int, std::less<>> index_;
  std::vector<std::vector<int>> depends_on_, dependents_;
  std::vector<bool> self_;
  std::vector<UnknownRef> unknown_;
  std::vector<Cycle> cycles_;
  bool acyclic_ = true;
  std::vector<int> order_;
};

}  // namespace strata::model_internal

#endif  // STRATA_MODEL_ROLE_GRAPH_H_
