#include "plan/object_diff.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "strata/quantity.h"
#include "util/utf8.h"

namespace strata::plan_internal {
namespace {

// How much of a value a reason shows.
constexpr size_t kBriefWidth = 60;     // A whole value.
constexpr size_t kReasonContext = 16;  // Bytes either side of a change in a long string.
constexpr size_t kReasonChange = 24;   // Bytes of the changed part.


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

// Walks `desired` against `observed`, appending differences to `out` until it
// holds `limit`. `keyed`: match named lists by name (AllDifferences).
class Walker {
 public:
  Walker(size_t limit, bool keyed, std::vector<Difference>& out)
      : limit_(limit), keyed_(keyed), out_(out) {}

  // Returns false once `limit` differences are found.
  bool Walk(const Json& desired, const Json& observed, std::vector<std::string>& path) {
    if (desired.is_object()) {
      if (!observed.is_object()) {
        if (IsEmptyValue(desired) && IsEmptyValue(observed)) return true;
        if (path.empty()) {
          path.push_back("object");
          bool more = Add(path, observed, desired);
          path.pop_back();
          return more;
        }
        return Add(path, observed, desired);
      }
      for (auto it = desired.begin(); it != desired.end(); ++it) {
        path.push_back(it.key());
        auto o = observed.find(it.key());
        bool more = true;
        if (o == observed.end() || o->is_null()) {
          if (!IsEmptyValue(it.value())) more = Add(path, std::nullopt, it.value());
        } else {
          more = Walk(it.value(), *o, path);
        }
        path.pop_back();
        if (!more) return false;
      }
      return true;
    }
    if (desired.is_array()) {
      if (keyed_ && Named(desired) && Named(observed)) return WalkNamed(desired, observed, path);
      if (!observed.is_array() || observed.size() != desired.size()) {
        if (IsEmptyValue(desired) && IsEmptyValue(observed)) return true;
        return Add(path, observed, desired);
      }
      for (size_t i = 0; i < desired.size(); ++i) {
        path.push_back(absl::StrCat("[", i, "]"));
        bool more = Walk(desired[i], observed[i], path);
        path.pop_back();
        if (!more) return false;
      }
      return true;
    }
    if (desired == observed) return true;
    if (IsEmptyValue(desired) && observed.is_null()) return true;
    if (QuantityPath(path) && SameQuantity(desired, observed)) return true;
    return Add(path, observed, desired);
  }

 private:
  // A non-empty array of objects with distinct string names.
  static bool Named(const Json& list) {
    if (!list.is_array() || list.empty()) return false;
    std::set<std::string> seen;
    for (const Json& e : list) {
      if (!e.is_object()) return false;
      auto n = e.find("name");
      if (n == e.end() || !n->is_string() || !seen.insert(n->get<std::string>()).second) {
        return false;
      }
    }
    return true;
  }

  static const Json* ByName(const Json& list, const std::string& name) {
    for (const Json& e : list) {
      if (e["name"].get<std::string>() == name) return &e;
    }
    return nullptr;
  }

  bool WalkNamed(const Json& desired, const Json& observed, std::vector<std::string>& path) {
    size_t before = out_.size();
    for (const Json& d : desired) {
      std::string name = d["name"].get<std::string>();
      path.push_back(absl::StrCat("[name=", name, "]"));
      const Json* o = ByName(observed, name);
      bool more = o == nullptr ? Add(path, std::nullopt, d) : Walk(d, *o, path);
      path.pop_back();
      if (!more) return false;
    }
    for (const Json& o : observed) {
      std::string name = o["name"].get<std::string>();
      if (ByName(desired, name) != nullptr) continue;
      path.push_back(absl::StrCat("[name=", name, "]"));
      bool more = Add(path, o, std::nullopt);
      path.pop_back();
      if (!more) return false;
    }
    if (out_.size() == before && observed.size() == desired.size()) {
      for (size_t i = 0; i < desired.size(); ++i) {
        if (desired[i]["name"] != observed[i]["name"]) return Add(path, observed, desired);
      }
    }
    return true;
  }

  bool Add(const std::vector<std::string>& path, std::optional<Json> observed,
           std::optional<Json> desired) {
    out_.push_back(Difference{path, std::move(observed), std::move(desired)});
    return out_.size() < limit_;
  }

  static bool QuantityPath(const std::vector<std::string>& path) {
    for (const std::string& p : path) {
      if (absl::StrContains(p, "requests") || absl::StrContains(p, "limits") ||
          absl::StrContains(p, "capacity")) {
        return true;
      }
    }
    return false;
  }

  size_t limit_;
  bool keyed_;
  std::vector<Difference>& out_;
};

// Moves `i` back to the start of the UTF-8 character it is in.
size_t CharStart(const std::string& s, size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

// "...context[changed]context..." of `s`, its changed part being
// [begin, end) (bytes), quoted like JSON.
std::string Window(const std::string& s, size_t begin, size_t end, size_t context,
                   size_t change) {
  size_t from = CharStart(s, begin > context ? begin - context : 0);
  size_t change_end = std::min(end, begin + change);
  size_t to = std::min(s.size(), change_end + context);
  to = to < s.size() ? CharStart(s, to) : to;
  std::string middle =
      Json(s.substr(from, to - from)).dump(-1, ' ', false, Json::error_handler_t::replace);
  middle = middle.substr(1, middle.size() - 2);  // Without the quotes.
  return absl::StrCat("\"", from > 0 ? "..." : "", middle, to < s.size() ? "..." : "", "\"");
}

}  // namespace

std::pair<std::string, std::string> ChangedParts(const std::string& a, const std::string& b,
                                                 size_t context, size_t change) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  prefix = CharStart(a, prefix);
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  return {Window(a, prefix, a.size() - suffix, context, change),
          Window(b, prefix, b.size() - suffix, context, change)};
}

std::string Brief(const Json& value) {
  // Never throws on a string that is not UTF-8, never cuts a character.
  std::string s = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > kBriefWidth) {
    s = absl::StrCat(util_internal::Utf8Prefix(s, kBriefWidth - 3), "...");
  }
  return s;
}

std::optional<std::string> FirstDifference(const Json& desired, const Json& observed,
                                           const std::string& path) {
  std::vector<Difference> found;
  std::vector<std::string> segments;
  if (!path.empty()) segments.push_back(path);
  Walker(1, false, found).Walk(desired, observed, segments);
  if (found.empty()) return std::nullopt;
  const Difference& d = found.front();
  std::string where;
  for (const std::string& p : d.path) {
    if (!where.empty() && !absl::StartsWith(p, "[")) where += ".";
    where += p;
  }
  if (d.observed && d.observed->is_string() && d.desired->is_string() &&
      std::max(d.observed->get_ref<const std::string&>().size(),
               d.desired->get_ref<const std::string&>().size()) +
              2 >
          kBriefWidth) {
    // Long strings that changed in the middle: show the change, not the
    // common beginning.
    auto [before, after] = ChangedParts(d.observed->get<std::string>(),
                                        d.desired->get<std::string>(), kReasonContext,
                                        kReasonChange);
    return absl::StrCat(where, ": ", before, " -> ", after);
  }
  return absl::StrCat(where, ": ", d.observed ? Brief(*d.observed) : "missing", " -> ",
                      Brief(*d.desired));
}

std::vector<Difference> AllDifferences(const Json& desired, const Json& observed) {
  std::vector<Difference> found;
  std::vector<std::string> path;
  Walker(std::numeric_limits<size_t>::max(), true, found).Walk(desired, observed, path);
  return found;
}

}  // namespace strata::plan_internal
