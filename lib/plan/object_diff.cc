#include "plan/object_diff.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "strata/quantity.h"
#include "util/utf8.h"

namespace strata::plan_internal {
namespace {

bool IsEmptyValue(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return true;
    case Json::value_t::boolean: return !v.get<bool>();
    case Json::value_t::string: return v.get<std::string>().empty();
    case Json::value_t::array:
    case Json::value_t::object: return v.empty();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return v == Json(0);
    default: return false;
  }
}

bool QuantityPath(const std::string& path) {
  return absl::StrContains(path, "requests") || absl::StrContains(path, "limits") ||
         absl::StrContains(path, "capacity");
}

bool SameQuantity(const Json& a, const Json& b) {
  auto text = [](const Json& v) -> std::optional<std::string> {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    return std::nullopt;
  };
  std::optional<std::string> ta = text(a), tb = text(b);
  if (!ta || !tb) return false;
  absl::StatusOr<Quantity> qa = Quantity::Parse(*ta);
  absl::StatusOr<Quantity> qb = Quantity::Parse(*tb);
  return qa.ok() && qb.ok() && *qa == *qb;
}

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : absl::StrCat(path, ".", key);
}

}  // namespace

std::string Brief(const Json& value) {
  // Never throws on a string that is not UTF-8, never cuts a character.
  std::string s = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 60) s = absl::StrCat(util_internal::Utf8Prefix(s, 57), "...");
  return s;
}

std::optional<std::string> FirstDifference(const Json& desired, const Json& observed,
                                           const std::string& path) {
  if (desired.is_object()) {
    if (!observed.is_object()) {
      if (IsEmptyValue(desired) && IsEmptyValue(observed)) return std::nullopt;
      return absl::StrCat(path.empty() ? "object" : path, ": ", Brief(observed), " -> ",
                          Brief(desired));
    }
    for (auto it = desired.begin(); it != desired.end(); ++it) {
      std::string child = Child(path, it.key());
      auto o = observed.find(it.key());
      if (o == observed.end() || o->is_null()) {
        if (IsEmptyValue(it.value())) continue;
        return absl::StrCat(child, ": missing -> ", Brief(it.value()));
      }
      if (auto d = FirstDifference(it.value(), *o, child)) return d;
    }
    return std::nullopt;
  }
  if (desired.is_array()) {
    if (!observed.is_array() || observed.size() != desired.size()) {
      if (IsEmptyValue(desired) && IsEmptyValue(observed)) return std::nullopt;
      return absl::StrCat(path, ": ", Brief(observed), " -> ", Brief(desired));
    }
    for (size_t i = 0; i < desired.size(); ++i) {
      if (auto d = FirstDifference(desired[i], observed[i], absl::StrCat(path, "[", i, "]"))) {
        return d;
      }
    }
    return std::nullopt;
  }
  if (desired == observed) return std::nullopt;
  if (IsEmptyValue(desired) && observed.is_null()) return std::nullopt;
  if (QuantityPath(path) && SameQuantity(desired, observed)) return std::nullopt;
  return absl::StrCat(path, ": ", Brief(observed), " -> ", Brief(desired));
}

}  // namespace strata::plan_internal
