// ParseObservedState: kubectl's `get ... -o yaml|json` output -> ObservedState.
//
// The text is read by the project's one YAML/JSON reader
// (yaml_internal::ParseJsonDocuments, lib/yaml/yaml_json.h) within
// strata::Limits; this file checks and sorts what it returns.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/adoptable.h"
#include "plan/predicates.h"
#include "strata/diagnostic.h"
#include "strata/observed_state.h"
#include "strata/quantity.h"
#include "util/json_parse.h"
#include "util/natural_order.h"
#include "util/rfc3339.h"
#include "util/status_macros.h"
#include "yaml/yaml_json.h"

namespace strata {
namespace {

using kube::NameOf;

// ---------------------------------------------------------------- checks

const char* TypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "a mapping";
    case Json::value_t::array: return "a list";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number";
    default: return "a value";
  }
}

// Collects the problems of one item as "PATH: message".
class ItemChecker {
 public:
  const std::vector<std::string>& problems() const { return problems_; }

  void Problem(absl::string_view path, absl::string_view message) {
    problems_.push_back(absl::StrCat(path, ": ", message));
  }

  // Returns the value at `path` (dotted, for messages) if present and not
  // null; complains when present with the wrong JSON type.
  const Json* Field(const Json& parent, absl::string_view parent_path,
                    const std::string& key, Json::value_t want) {
    if (!parent.is_object()) return nullptr;
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return nullptr;
    std::string path = parent_path.empty() ? key : absl::StrCat(parent_path, ".", key);
    bool ok = it->type() == want ||
              (want == Json::value_t::number_integer && it->is_number_integer());
    if (!ok) {
      const char* want_name =
          want == Json::value_t::object ? "a mapping"
          : want == Json::value_t::array ? "a list"
          : want == Json::value_t::string ? "a string"
          : want == Json::value_t::number_integer ? "an integer"
          : "a boolean";
      Problem(path, absl::StrCat("must be ", want_name, ", got ", TypeName(*it)));
      return nullptr;
    }
    return &*it;
  }

  void StringMap(const Json& parent, absl::string_view parent_path,
                 const std::string& key) {
    const Json* m = Field(parent, parent_path, key, Json::value_t::object);
    if (m == nullptr) return;
    for (auto it = m->begin(); it != m->end(); ++it) {
      if (!it.value().is_string()) {
        Problem(absl::StrCat(parent_path, ".", key, ".", it.key()),
                absl::StrCat("must be a string, got ", TypeName(it.value())));
      }
    }
  }

  void Timestamp(const Json& parent, absl::string_view parent_path,
                 const std::string& key) {
    const Json* t = Field(parent, parent_path, key, Json::value_t::string);
    if (t == nullptr) return;
    if (!ParseRfc3339(t->get<std::string>()).has_value()) {
      Problem(absl::StrCat(parent_path, ".", key),
              absl::StrCat("invalid timestamp \"", t->get<std::string>(),
                           "\": must be RFC 3339 like 2026-01-01T00:00:00Z"));
    }
  }

  void QuantityField(const Json& parent, absl::string_view parent_path,
                     const std::string& key) {
    if (!parent.is_object()) return;
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return;
    std::string path = absl::StrCat(parent_path, ".", key);
    if (it->is_number()) return;  // Hand-written YAML: `storage: 10`.
    if (!it->is_string()) {
      Problem(path, absl::StrCat("must be a quantity, got ", TypeName(*it)));
      return;
    }
    absl::StatusOr<Quantity> q = Quantity::Parse(it->get<std::string>());
    if (!q.ok()) Problem(path, q.status().message());
  }

  void List(const Json& parent, absl::string_view parent_path,
            const std::string& key,
            const std::function<void(const Json&, const std::string&)>& each) {
    const Json* l = Field(parent, parent_path, key, Json::value_t::array);
    if (l == nullptr) return;
    for (size_t i = 0; i < l->size(); ++i) {
      std::string path = absl::StrCat(parent_path, ".", key, "[", i, "]");
      if (!(*l)[i].is_object()) {
        Problem(path, absl::StrCat("must be a mapping, got ", TypeName((*l)[i])));
        continue;
      }
      each((*l)[i], path);
    }
  }

 private:
  std::vector<std::string> problems_;
};

void CheckPod(const Json& pod, ItemChecker& c) {
  if (const Json* spec = c.Field(pod, "", "spec", Json::value_t::object)) {
    c.Field(*spec, "spec", "nodeName", Json::value_t::string);
  }
  const Json* status = c.Field(pod, "", "status", Json::value_t::object);
  if (status == nullptr) return;
  c.Field(*status, "status", "phase", Json::value_t::string);
  c.Timestamp(*status, "status", "startTime");
  c.List(*status, "status", "conditions", [&](const Json& cond, const std::string& path) {
    c.Field(cond, path, "type", Json::value_t::string);
    c.Field(cond, path, "status", Json::value_t::string);
    c.Field(cond, path, "reason", Json::value_t::string);
    c.Timestamp(cond, path, "lastTransitionTime");
  });
  auto container = [&](const Json& cs, const std::string& path) {
    const Json* state = c.Field(cs, path, "state", Json::value_t::object);
    if (state == nullptr) return;
    if (const Json* waiting =
            c.Field(*state, path + ".state", "waiting", Json::value_t::object)) {
      c.Field(*waiting, path + ".state.waiting", "reason", Json::value_t::string);
    }
  };
  c.List(*status, "status", "containerStatuses", container);
  c.List(*status, "status", "initContainerStatuses", container);
}

void CheckStatefulSet(const Json& sts, ItemChecker& c) {
  const Json* spec = c.Field(sts, "", "spec", Json::value_t::object);
  if (spec == nullptr) return;
  if (const Json* r = c.Field(*spec, "spec", "replicas", Json::value_t::number_integer)) {
    if (r->get<int64_t>() < 0 || r->get<int64_t>() > INT32_MAX) {
      c.Problem("spec.replicas", absl::StrCat("must be >= 0, got ", r->dump()));
    }
  }
  c.Field(*spec, "spec", "serviceName", Json::value_t::string);
  c.List(*spec, "spec", "volumeClaimTemplates", [&](const Json& t, const std::string& path) {
    if (const Json* s = c.Field(t, path, "spec", Json::value_t::object)) {
      if (const Json* r = c.Field(*s, path + ".spec", "resources", Json::value_t::object)) {
        if (const Json* q = c.Field(*r, path + ".spec.resources", "requests",
                                    Json::value_t::object)) {
          c.QuantityField(*q, path + ".spec.resources.requests", "storage");
        }
      }
    }
  });
}

void CheckPvc(const Json& pvc, ItemChecker& c) {
  if (const Json* spec = c.Field(pvc, "", "spec", Json::value_t::object)) {
    c.Field(*spec, "spec", "storageClassName", Json::value_t::string);
    if (const Json* r = c.Field(*spec, "spec", "resources", Json::value_t::object)) {
      if (const Json* q =
              c.Field(*r, "spec.resources", "requests", Json::value_t::object)) {
        c.QuantityField(*q, "spec.resources.requests", "storage");
      }
    }
  }
  if (const Json* status = c.Field(pvc, "", "status", Json::value_t::object)) {
    if (const Json* cap = c.Field(*status, "status", "capacity", Json::value_t::object)) {
      c.QuantityField(*cap, "status.capacity", "storage");
    }
  }
}


// An item, where it came from, and how to call it in messages.
struct Item {
  Json value;
  std::string where;  // "items[3]", "documents[1].items[3]", "" (single).
  int line = 0;
};

absl::StatusOr<ObservedState> FromDocuments(std::vector<yaml_internal::JsonDocument> docs,
                                            absl::string_view source) {
  std::vector<Item> items;
  std::vector<Diagnostic> problems;
  auto problem = [&](const std::string& where, int line, const std::string& message) {
    problems.push_back(Diagnostic{.file = std::string(source),
                                  .line = line,
                                  .path = where,
                                  .message = message});
  };
  bool multi = docs.size() > 1;
  for (size_t d = 0; d < docs.size(); ++d) {
    Json& v = docs[d].value;
    std::string prefix = multi ? absl::StrCat("documents[", d, "]") : "";
    auto item_where = [&](size_t i, bool array) {
      std::string index = array ? absl::StrCat("[", i, "]") : absl::StrCat("items[", i, "]");
      if (prefix.empty()) return index;
      return array ? absl::StrCat(prefix, index) : absl::StrCat(prefix, ".", index);
    };
    auto line_of = [&](size_t i) {
      return i < docs[d].item_lines.size() ? docs[d].item_lines[i] : 0;
    };
    if (v.is_null()) continue;  // An empty document.
    if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) {
        items.push_back({std::move(v[i]), item_where(i, true), line_of(i)});
      }
      continue;
    }
    if (!v.is_object()) {
      problem(prefix, docs[d].line,
              absl::StrCat("must be a Kubernetes object or a List, got ", TypeName(v)));
      continue;
    }
    auto items_it = v.find("items");
    auto kind_it = v.find("kind");
    bool is_list = items_it != v.end() &&
                   (kind_it == v.end() ||
                    (kind_it->is_string() &&
                     absl::EndsWith(kind_it->get<std::string>(), "List")));
    if (is_list) {
      if (items_it->is_null()) continue;  // `items: null`: empty.
      if (!items_it->is_array()) {
        problem(prefix.empty() ? "items" : prefix + ".items", docs[d].line,
                absl::StrCat("must be a list, got ", TypeName(*items_it)));
        continue;
      }
      for (size_t i = 0; i < items_it->size(); ++i) {
        items.push_back({std::move((*items_it)[i]), item_where(i, false), line_of(i)});
      }
      continue;
    }
    items.push_back({std::move(v), prefix, docs[d].line});
  }

  ObservedState state;
  // Kind -> name -> where it was first seen, to reject duplicates.
  std::map<std::string, std::map<std::string, std::string>> seen;
  for (Item& item : items) {
    const Json& v = item.value;
    if (!v.is_object()) {
      problem(item.where, item.line,
              absl::StrCat("must be a Kubernetes object (a mapping), got ", TypeName(v)));
      continue;
    }
    auto kind_it = v.find("kind");
    std::string kind;
    if (kind_it == v.end() || kind_it->is_null()) {
      problem(item.where, item.line, "kind: missing");
      continue;
    }
    if (!kind_it->is_string() || kind_it->get<std::string>().empty()) {
      problem(item.where, item.line,
              absl::StrCat("kind: must be a non-empty string, got ", TypeName(*kind_it)));
      continue;
    }
    kind = kind_it->get<std::string>();
    std::vector<Json>* list = state.ObjectsOf(kind);
    if (list == nullptr) continue;  // A kind the planner does not use.
    std::string label = absl::StrCat(item.where.empty() ? "" : item.where + " ", "(", kind);
    auto meta_it = v.find("metadata");
    std::string name;
    if (meta_it != v.end() && meta_it->is_object()) {
      auto name_it = meta_it->find("name");
      if (name_it != meta_it->end() && name_it->is_string()) {
        name = name_it->get<std::string>();
      }
    }
    std::string where = name.empty() ? label + ")" : absl::StrCat(label, " ", name, ")");
    if (meta_it == v.end() || meta_it->is_null()) {
      problem(where, item.line, "metadata: missing");
      continue;
    }
    if (!meta_it->is_object()) {
      problem(where, item.line,
              absl::StrCat("metadata: must be a mapping, got ", TypeName(*meta_it)));
      continue;
    }
    auto name_it = meta_it->find("name");
    if (name_it == meta_it->end() || name_it->is_null()) {
      problem(where, item.line, "metadata.name: missing");
      continue;
    }
    if (!name_it->is_string() || name.empty()) {
      problem(where, item.line,
              absl::StrCat("metadata.name: must be a non-empty string, got ",
                           name_it->is_string() ? "an empty string" : TypeName(*name_it)));
      continue;
    }
    ItemChecker c;
    c.StringMap(*meta_it, "metadata", "labels");
    c.StringMap(*meta_it, "metadata", "annotations");
    c.Timestamp(*meta_it, "metadata", "creationTimestamp");
    c.Timestamp(*meta_it, "metadata", "deletionTimestamp");
    if (kind == "Pod") CheckPod(v, c);
    if (kind == "StatefulSet") CheckStatefulSet(v, c);
    if (kind == "PersistentVolumeClaim") CheckPvc(v, c);
    for (const std::string& p : c.problems()) problem(where, item.line, p);
    if (!c.problems().empty()) continue;
    auto [it, inserted] = seen[kind].emplace(name, where);
    if (!inserted) {
      problem(where, item.line,
              absl::StrCat("duplicate ", kind, " \"", name, "\" (also ", it->second,
                           "): observe one namespace at a time"));
      continue;
    }
    if (kind == "Secret") {
      // Metadata only: a plan never needs a Secret's values.
      item.value.erase("data");
      item.value.erase("stringData");
    }
    list->push_back(std::move(item.value));
  }
  if (!problems.empty()) return StatusFromDiagnostics(std::move(problems));
  for (const char* kind : kObservedKinds) {
    std::vector<Json>* list = state.ObjectsOf(kind);
    // Sort indices by cached names, then move the objects once.
    std::vector<std::string> names;
    names.reserve(list->size());
    for (const Json& o : *list) names.push_back(NameOf(o));
    std::vector<size_t> order(list->size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return util_internal::NaturalCompare(names[a], names[b]) < 0;
    });
    std::vector<Json> sorted;
    sorted.reserve(list->size());
    for (size_t i : order) sorted.push_back(std::move((*list)[i]));
    *list = std::move(sorted);
  }
  return state;
}

}  // namespace

std::vector<Json>* ObservedState::ObjectsOf(absl::string_view kind) {
  if (kind == "StatefulSet") return &stateful_sets;
  if (kind == "Pod") return &pods;
  if (kind == "Service") return &services;
  if (kind == "ConfigMap") return &config_maps;
  if (kind == "PodDisruptionBudget") return &pod_disruption_budgets;
  if (kind == "PersistentVolumeClaim") return &persistent_volume_claims;
  if (kind == "Node") return &nodes;
  if (kind == "Secret") return &secrets;
  return nullptr;
}

const std::vector<Json>* ObservedState::ObjectsOf(absl::string_view kind) const {
  return const_cast<ObservedState*>(this)->ObjectsOf(kind);
}

bool ObservedState::empty() const {
  return stateful_sets.empty() && pods.empty() && services.empty() &&
         config_maps.empty() && pod_disruption_budgets.empty() &&
         persistent_volume_claims.empty() && nodes.empty() &&
         secrets.empty();
}

absl::StatusOr<ObservedState> ParseObservedState(absl::string_view text,
                                                 absl::string_view source_name,
                                                 const Limits& limits) {
  STRATA_ASSIGN_OR_RETURN(std::vector<yaml_internal::JsonDocument> docs,
                          yaml_internal::ParseJsonDocuments(text, source_name,
                                                            {.limits = limits}));
  if (std::all_of(docs.begin(), docs.end(),
                  [](const yaml_internal::JsonDocument& d) { return d.value.is_null(); })) {
    // SPEC-2 §5b.5: an empty file is never "nothing exists" (a failed
    // `kubectl get` leaves one); an empty cluster is a List with `items: []`.
    return absl::InvalidArgumentError(absl::StrCat(
        source_name, ": no documents: an empty cluster is a `kind: List` with `items: []`"));
  }
  return FromDocuments(std::move(docs), source_name);
}

absl::StatusOr<ObservedState> ObservedStateFromJson(const Json& value,
                                                    absl::string_view source_name) {
  std::vector<yaml_internal::JsonDocument> docs(1);
  docs[0].value = value;
  return FromDocuments(std::move(docs), source_name);
}

Json ObservedStateToList(const ObservedState& state) {
  Json items = Json::array();
  for (const char* kind : kObservedKinds) {
    for (const Json& object : *state.ObjectsOf(kind)) items.push_back(object);
  }
  return Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", std::move(items)},
              {"metadata", {{"resourceVersion", ""}}}};
}


ObservedState UnlabelledStatefulSets(const std::vector<Json>& stateful_sets,
                                     const std::vector<Json>& pods,
                                     const std::vector<Json>& persistent_volume_claims) {
  // Objects as the API returns them, not yet checked: every access is guarded.
  auto object_at = [](const Json& o, std::initializer_list<const char*> path) -> const Json* {
    const Json* at = &o;
    for (const char* key : path) {
      if (!at->is_object()) return nullptr;
      auto it = at->find(key);
      if (it == at->end()) return nullptr;
      at = &*it;
    }
    return at;
  };
  auto name_of = [&](const Json& o) -> std::string {
    const Json* name = object_at(o, {"metadata", "name"});
    return name != nullptr && name->is_string() ? name->get<std::string>() : "";
  };
  auto unlabelled = [&](const Json& o) {
    const Json* labels = object_at(o, {"metadata", "labels"});
    return labels == nullptr || !labels->is_object() ||
           !labels->contains(kube::kInstanceLabel);
  };
  ObservedState out;
  std::set<std::string> pods_kept, pvcs_kept;
  for (const Json& sts : stateful_sets) {
    const std::string sts_name = name_of(sts);
    if (!unlabelled(sts) || sts_name.empty()) continue;
    out.stateful_sets.push_back(sts);
    // Members: <sts>-<ordinal>, selected by the StatefulSet (a missing or
    // empty matchLabels selects nothing, as for the controller).
    const Json* match = object_at(sts, {"spec", "selector", "matchLabels"});
    if (match != nullptr && match->is_object() && !match->empty()) {
      for (const Json& pod : pods) {
        std::string name = name_of(pod);
        if (!unlabelled(pod) || pods_kept.count(name) ||
            !kube::OrdinalOf(name, sts_name).has_value()) {
          continue;
        }
        const Json* labels = object_at(pod, {"metadata", "labels"});
        bool selected = labels != nullptr && labels->is_object();
        for (auto it = match->begin(); selected && it != match->end(); ++it) {
          auto have = labels->find(it.key());
          selected = have != labels->end() && *have == it.value();
        }
        if (selected) {
          pods_kept.insert(name);
          out.pods.push_back(pod);
        }
      }
    }
    const Json* templates = object_at(sts, {"spec", "volumeClaimTemplates"});
    if (templates == nullptr || !templates->is_array()) continue;
    for (const Json& t : *templates) {
      std::string claim = name_of(t);
      if (claim.empty()) continue;
      std::string prefix = absl::StrCat(claim, "-", sts_name);
      for (const Json& pvc : persistent_volume_claims) {
        std::string name = name_of(pvc);
        if (unlabelled(pvc) && !pvcs_kept.count(name) &&
            kube::OrdinalOf(name, prefix).has_value()) {
          pvcs_kept.insert(name);
          out.persistent_volume_claims.push_back(pvc);
        }
      }
    }
  }
  return out;
}

}  // namespace strata
