#include "kube/object.h"

#include "absl/status/statusor.h"

namespace strata::kube {

const Json* Find(const Json& object, Path path) {
  const Json* at = &object;
  for (const char* key : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end() || it->is_null()) return nullptr;
    at = &*it;
  }
  return at;
}

const Json& At(const Json& object, Path path) {
  // A function-local constant, not mutable state: never written after
  // construction, so the core stays free of globals in the sense that matters.
  static const Json* const kNull = new Json();
  const Json* v = Find(object, path);
  return v != nullptr ? *v : *kNull;
}

std::string StringAt(const Json& object, Path path) {
  const Json* v = Find(object, path);
  if (v == nullptr) return "";
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return v->dump();
  return "";
}

int64_t IntAt(const Json& object, Path path, int64_t fallback) {
  const Json* v = Find(object, path);
  if (v == nullptr || !v->is_number_integer()) return fallback;
  if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t{INT64_MAX}) return fallback;
  return v->get<int64_t>();
}

std::optional<Quantity> ParseQuantityText(absl::string_view text) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<Quantity> q = Quantity::Parse(std::string(text));
  if (!q.ok()) return std::nullopt;
  return *q;
}

std::optional<Quantity> QuantityAt(const Json& object, Path path) {
  const Json* v = Find(object, path);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return ParseQuantityText(v->get_ref<const std::string&>());
}

namespace {

std::string MetadataMapValue(const Json& object, const char* map, absl::string_view key) {
  const Json* m = Find(object, {"metadata", map});
  if (m == nullptr || !m->is_object()) return "";
  auto it = m->find(std::string(key));
  return it != m->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string NameOf(const Json& object) { return StringAt(object, {"metadata", "name"}); }

std::string NamespaceOf(const Json& object) {
  return StringAt(object, {"metadata", "namespace"});
}

std::string LabelOf(const Json& object, absl::string_view key) {
  return MetadataMapValue(object, "labels", key);
}

std::string AnnotationOf(const Json& object, absl::string_view key) {
  return MetadataMapValue(object, "annotations", key);
}

const Json* ControllerRef(const Json& object) {
  const Json* refs = Find(object, {"metadata", "ownerReferences"});
  if (refs == nullptr || !refs->is_array()) return nullptr;
  for (const Json& ref : *refs) {
    const Json* controller = Find(ref, {"controller"});
    if (controller != nullptr && controller->is_boolean() && controller->get<bool>()) {
      return &ref;
    }
  }
  return nullptr;
}

bool SelectorMatches(const Json& match_labels, const Json& labels) {
  if (!match_labels.is_object() || match_labels.empty()) return false;
  if (!labels.is_object()) return false;
  for (auto it = match_labels.begin(); it != match_labels.end(); ++it) {
    auto have = labels.find(it.key());
    if (have == labels.end() || *have != it.value()) return false;
  }
  return true;
}

}  // namespace strata::kube
