#include "util/json_parse.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"

namespace strata::util_internal {
namespace {

namespace dom = simdjson::dom;

// Above this many keys an object finds repeated keys through a hash map
// instead of a linear scan.
constexpr size_t kLinearKeys = 16;

void Build(dom::element e, Json& out);

void BuildObject(dom::object o, Json& out) {
  out = Json::object();
  Json::object_t& obj = out.get_ref<Json::object_t&>();
  const size_t n = o.size();
  obj.reserve(n);
  if (n <= kLinearKeys) {
    for (dom::key_value_pair kv : o) {
      std::string_view key = kv.key;
      Json* slot = nullptr;
      for (auto& existing : obj) {
        if (existing.first == key) {
          slot = &existing.second;
          break;
        }
      }
      if (slot == nullptr) {
        obj.emplace_back(std::string(key), Json());
        slot = &obj.back().second;
      }
      Build(kv.value, *slot);
    }
    return;
  }
  absl::flat_hash_map<std::string_view, size_t> index;
  index.reserve(n);
  for (dom::key_value_pair kv : o) {
    std::string_view key = kv.key;  // Points into the parser's tape: stable.
    auto [it, inserted] = index.emplace(key, obj.size());
    if (inserted) obj.emplace_back(std::string(key), Json());
    Build(kv.value, (obj.begin() + static_cast<std::ptrdiff_t>(it->second))->second);
  }
}

void Build(dom::element e, Json& out) {
  switch (e.type()) {
    case dom::element_type::OBJECT:
      BuildObject(dom::object(e), out);
      return;
    case dom::element_type::ARRAY: {
      dom::array a(e);
      out = Json::array();
      Json::array_t& arr = out.get_ref<Json::array_t&>();
      arr.resize(a.size());
      size_t i = 0;
      for (dom::element item : a) Build(item, arr[i++]);
      return;
    }
    case dom::element_type::STRING: {
      std::string_view s(e);
      out = std::string(s);
      return;
    }
    case dom::element_type::INT64: {
      int64_t v(e);
      // nlohmann reads a number without '-' as unsigned.
      if (v >= 0) {
        out = static_cast<uint64_t>(v);
      } else {
        out = v;
      }
      return;
    }
    case dom::element_type::UINT64:
      out = uint64_t(e);
      return;
    case dom::element_type::DOUBLE:
      out = double(e);
      return;
    case dom::element_type::BOOL:
      out = bool(e);
      return;
    case dom::element_type::NULL_VALUE:
      out = nullptr;
      return;
  }
}

}  // namespace

std::optional<Json> ParseJsonFast(absl::string_view text) {
  dom::parser parser;
  dom::element root;
  if (parser.parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(root) !=
      simdjson::SUCCESS) {
    return std::nullopt;
  }
  Json out;
  Build(root, out);
  return out;
}

}  // namespace strata::util_internal
