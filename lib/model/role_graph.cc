#include "model/role_graph.h"

#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <utility>

namespace strata::model_internal {
namespace {

// The strongly connected components of a graph (edges[i]: the nodes i
// points to), by an iterative Tarjan: O(nodes + edges) and no recursion, so
// a 10,000-role chain is as cheap as a short one.
std::vector<int> Components(const std::vector<std::vector<int>>& edges) {
  const int n = static_cast<int>(edges.size());
  std::vector<int> component(n, -1), low(n, 0), order(n, -1), stack;
  std::vector<bool> on_stack(n, false);
  std::vector<std::pair<int, size_t>> frames;  // (node, next edge to visit)
  int counter = 0, components = 0;
  auto visit = [&](int v) {
    order[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    frames.push_back({v, 0});
  };
  for (int root = 0; root < n; ++root) {
    if (order[root] >= 0) continue;
    visit(root);
    while (!frames.empty()) {
      auto& [v, e] = frames.back();
      if (e < edges[v].size()) {
        int w = edges[v][e++];
        if (order[w] < 0) {
          visit(w);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], order[w]);
        }
        continue;
      }
      const int done = v;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().first] = std::min(low[frames.back().first], low[done]);
      if (low[done] != order[done]) continue;
      int w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        component[w] = components;
      } while (w != done);
      ++components;
    }
  }
  return component;
}

// The shortest cycle through `s` inside its component, as the nodes from
// `s` around to just before `s`; empty when there is none.
std::vector<int> ShortestCycle(const std::vector<std::vector<int>>& edges,
                               const std::vector<int>& component, int s) {
  std::map<int, int> parent;
  std::vector<int> queue = {s};
  int found = -1;
  for (size_t q = 0; q < queue.size() && found < 0; ++q) {
    int at = queue[q];
    for (int next : edges[at]) {
      if (component[next] != component[s]) continue;
      if (next == s) {
        found = at;
        break;
      }
      if (parent.emplace(next, at).second) queue.push_back(next);
    }
  }
  if (found < 0) return {};
  std::vector<int> cycle = {found};
  while (cycle.back() != s) cycle.push_back(parent.at(cycle.back()));
  std::reverse(cycle.begin(), cycle.end());
  return cycle;
}

}  // namespace

RoleGraph::RoleGraph(const std::vector<Node>& nodes)
    : depends_on_(nodes.size()), dependents_(nodes.size()), self_(nodes.size(), false) {
  names_.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    names_.emplace_back(nodes[i].name);
    index_.emplace(names_.back(), static_cast<int>(i));
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    const int role = static_cast<int>(i);
    const std::vector<std::string>& deps = *nodes[i].depends_on;
    for (size_t k = 0; k < deps.size(); ++k) {
      const int dep = IndexOf(deps[k]);
      if (dep < 0) {
        unknown_.push_back(UnknownRef{role, static_cast<int>(k), deps[k]});
        continue;
      }
      // By name: with two roles of one name (invalid, reported elsewhere),
      // the second depending on the first is also a self-dependency.
      if (deps[k] == names_[i]) self_[i] = true;
      if (dep != role && std::find(depends_on_[i].begin(), depends_on_[i].end(), dep) ==
                             depends_on_[i].end()) {
        depends_on_[i].push_back(dep);
        dependents_[dep].push_back(role);
      }
    }
  }
  for (std::vector<int>& d : dependents_) std::sort(d.begin(), d.end());
  FindCycles();
  acyclic_ = cycles_.empty() && std::none_of(self_.begin(), self_.end(), [](bool b) { return b; });
  if (acyclic_) Order();
}

int RoleGraph::IndexOf(absl::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

// Only roles of a strongly connected component of two or more roles can be
// on a cycle, and a cycle never leaves its component, so the searches stay
// inside those. Each role is on at most one reported cycle.
void RoleGraph::FindCycles() {
  std::vector<int> component = Components(depends_on_);
  std::vector<int> size(names_.size(), 0);
  for (int c : component) ++size[c];
  std::set<int> reported;
  for (int s = 0; s < static_cast<int>(names_.size()); ++s) {
    if (size[component[s]] < 2 || reported.count(s)) continue;
    std::vector<int> cycle = ShortestCycle(depends_on_, component, s);
    if (cycle.empty()) continue;
    Cycle c{s, {}};
    for (int i : cycle) {
      c.names.push_back(names_[i]);
      reported.insert(i);
    }
    c.names.push_back(names_[s]);
    cycles_.push_back(std::move(c));
  }
}

// Kahn's algorithm with the lowest ready index first.
void RoleGraph::Order() {
  std::vector<size_t> pending(names_.size());
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (size_t i = 0; i < names_.size(); ++i) {
    pending[i] = depends_on_[i].size();
    if (pending[i] == 0) ready.push(static_cast<int>(i));
  }
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order_.push_back(i);
    for (int d : dependents_[i]) {
      if (--pending[d] == 0) ready.push(d);
    }
  }
}

}  // namespace strata::model_internal
