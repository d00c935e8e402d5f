#include "validate/template_check.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "kainjow/mustache.hpp"
#include "util/did_you_mean.h"
#include "util/natural_order.h"
#include "util/utf8.h"

namespace strata::validate_internal {
namespace {

constexpr absl::string_view kMemberFields[] = {"ordinal", "name", "fqdn", "first", "last"};

// Sections open at once. Each tag is resolved against every open section, so
// without a bound N unclosed sections cost N^2 (issue 18: 20,000 took 40 s);
// real templates nest a few levels.
constexpr size_t kMaxSectionDepth = 100;
// Messages kept per template: each costs a lookup of what exists, and a
// template with thousands of errors needs its first ones fixed first.
constexpr size_t kMaxErrors = 100;

// One enclosing section: the object or list element its body sees.
struct Frame {
  std::string name;         // The section's tag name, to match {{/name}}.
  std::string prefix;       // Dotted object path, or the list path for lists.
  bool is_list = false;     // True when iterating a list (element context).
  bool inverted = false;    // {{^x}}: the body sees no new context.
};

class Checker {
 public:
  Checker(const TemplateScope& scope, TemplateReport* report)
      : scope_(scope), report_(report) {}

  void Run(absl::string_view text) {
    size_t pos = 0;
    while (true) {
      size_t open = text.find("{{", pos);
      if (open == absl::string_view::npos) break;
      bool triple = open + 2 < text.size() && text[open + 2] == '{';
      absl::string_view close_delim = triple ? "}}}" : "}}";
      size_t body = open + (triple ? 3 : 2);
      size_t close = text.find(close_delim, body);
      if (close == absl::string_view::npos) {
        absl::string_view rest = util_internal::Utf8Prefix(text.substr(open), 40);
        rest = rest.substr(0, rest.find('\n'));
        Error(absl::StrCat("unclosed tag \"", rest, "\""));
        return;
      }
      absl::string_view tag = absl::StripAsciiWhitespace(text.substr(body, close - body));
      pos = close + close_delim.size();
      if (triple) {
        Variable(tag);
        continue;
      }
      if (tag.empty()) {
        Error("empty tag \"{{}}\"");
        continue;
      }
      if (stopped_) return;
      char sigil = tag.front();
      absl::string_view name = absl::StripAsciiWhitespace(tag.substr(1));
      switch (sigil) {
        case '!':
          break;  // Comment.
        case '#':
        case '^':
          if (frames_.size() >= kMaxSectionDepth) {
            Error(absl::StrCat("sections nest deeper than ", kMaxSectionDepth,
                               " levels at \"{{", tag, "}}\""));
            return;  // The rest would be checked against an unknown context.
          }
          OpenSection(name, sigil == '^');
          break;
        case '/':
          CloseSection(name);
          break;
        case '>':
          Error(absl::StrCat("partials are not supported: \"{{", tag, "}}\""));
          break;
        case '=':
          Error(absl::StrCat("set-delimiter tags are not supported: \"{{", tag, "}}\""));
          return;  // What follows cannot be read with the default delimiters.
        case '&':
          Variable(name);
          break;
        default:
          Variable(tag);
          break;
      }
    }
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      Error(absl::StrCat("section \"", it->name, "\" is not closed"));
    }
  }

 private:
  void Error(std::string message) {
    if (stopped_) return;
    if (report_->errors.size() >= kMaxErrors) {
      report_->errors.push_back(
          absl::StrCat("more errors follow; the first ", kMaxErrors, " are shown"));
      stopped_ = true;
      return;
    }
    report_->errors.push_back(std::move(message));
  }

  // Returns what `name` resolves to: the dotted path of the object or value,
  // "<list>[]" element paths for list fields, or nullopt when undefined.
  struct Resolved {
    std::string path;
    bool is_list = false;
  };
  std::optional<Resolved> Resolve(absl::string_view name) {
    if (name == ".") {
      if (frames_.empty()) return std::nullopt;
      return Resolved{.path = frames_.back().prefix, .is_list = false};
    }
    // Innermost context first, as Mustache looks names up.
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      if (it->inverted) continue;
      if (it->is_list) {
        auto fields = scope_.lists.find(it->prefix);
        if (fields != scope_.lists.end() && fields->second.count(std::string(name))) {
          return Resolved{.path = absl::StrCat(it->prefix, "[].", name)};
        }
        continue;
      }
      std::string full = absl::StrCat(it->prefix, ".", name);
      if (auto r = Lookup(full)) return r;
    }
    return Lookup(name);
  }

  std::optional<Resolved> Lookup(absl::string_view full) {
    std::string key(full);
    if (scope_.variables.count(key)) {
      NoteScaling(key);
      return Resolved{.path = key};
    }
    if (scope_.lists.count(key)) {
      NoteScaling(key);
      return Resolved{.path = key, .is_list = true};
    }
    if (scope_.any_connection) {
      std::vector<absl::string_view> parts = absl::StrSplit(full, '.');
      if (parts[0] == "connections" && parts.size() <= 3 &&
          (parts.size() < 3 || parts[2] == "endpoint") &&
          (parts.size() < 2 || !parts[1].empty())) {
        if (parts.size() >= 2) report_->connections.insert(std::string(parts[1]));
        return Resolved{.path = key};
      }
    } else if (absl::StartsWith(full, "connections.")) {
      std::vector<absl::string_view> parts = absl::StrSplit(full, '.');
      if (parts.size() >= 2) report_->connections.insert(std::string(parts[1]));
    }
    return std::nullopt;
  }

  // Records the role of "roles.R.count", "roles.R.hosts" and
  // "roles.R.members": values that change whenever R scales.
  void NoteScaling(absl::string_view key) {
    std::vector<absl::string_view> parts = absl::StrSplit(key, '.');
    if (parts.size() == 3 && parts[0] == "roles" &&
        (parts[2] == "count" || parts[2] == "hosts" || parts[2] == "members")) {
      report_->scaled_by.insert(std::string(parts[1]));
    }
  }

  // Returns the names directly under the dotted `prefix` ("" = the top
  // level), sorted. Descendants of one child are a contiguous range of the
  // sorted keys and are skipped with one lookup, so this costs
  // O(children * log(keys)), not a scan of every variable of a large App.
  template <typename Sorted, typename KeyOf>
  static void AddChildren(const Sorted& keys, KeyOf key_of, const std::string& prefix,
                          std::set<std::string>& out) {
    std::string start = prefix.empty() ? "" : absl::StrCat(prefix, ".");
    auto it = keys.lower_bound(start);
    while (it != keys.end() && absl::StartsWith(key_of(*it), start)) {
      absl::string_view rest = absl::string_view(key_of(*it)).substr(start.size());
      size_t dot = rest.find('.');
      if (dot == absl::string_view::npos) {
        out.insert(std::string(rest));
        ++it;
        continue;
      }
      std::string child(rest.substr(0, dot));
      out.insert(child);
      it = keys.lower_bound(absl::StrCat(start, child, "/"));  // '/' follows '.'.
    }
  }

  std::vector<std::string> Children(const std::string& prefix) const {
    std::set<std::string> out;
    AddChildren(scope_.variables, [](const std::string& k) -> const std::string& { return k; },
                prefix, out);
    AddChildren(scope_.lists,
                [](const auto& entry) -> const std::string& { return entry.first; }, prefix,
                out);
    out.erase("");
    std::vector<std::string> names(out.begin(), out.end());
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      return util_internal::NaturalCompare(a, b) < 0;  // r2 before r10.
    });
    return names;
  }

  // The innermost list section around the tag, or nullptr.
  const Frame* ListFrame() const {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      if (it->is_list && !it->inverted) return &*it;
    }
    return nullptr;
  }

  // Returns "undefined variable "NAME"" with what would help: the closest
  // existing name ("did you mean") and the names that exist where NAME went
  // wrong, as unknown ports list the role's ports.
  std::string Undefined(absl::string_view name) const {
    std::string out = absl::StrCat("undefined variable \"", name, "\"");
    std::vector<std::string> parts = absl::StrSplit(name, '.');
    // The longest defined prefix, looked up from the top level.
    std::string prefix;
    size_t k = 0;
    for (; k + 1 < parts.size(); ++k) {
      std::string next = prefix.empty() ? parts[k] : absl::StrCat(prefix, ".", parts[k]);
      if (!scope_.variables.count(next) && !scope_.lists.count(next)) break;
      prefix = std::move(next);
    }
    if (scope_.lists.count(prefix)) {
      const std::set<std::string>& fields = scope_.lists.at(prefix);
      return absl::StrCat(out, " (", prefix, " is a list: iterate it with {{#", prefix, "}}...{{/",
                          prefix, "}}; each member has: ",
                          util_internal::ListNames({fields.begin(), fields.end()}), ")");
    }
    std::vector<std::string> names;
    std::string where;
    if (scope_.any_connection && prefix == "connections" && k + 1 < parts.size()) {
      prefix = absl::StrCat("connections.", parts[k]);
      ++k;
      names = {"endpoint"};
    } else {
      names = Children(prefix);
    }
    where = prefix.empty() ? "the top level" : prefix;
    const Frame* list = k == 0 ? ListFrame() : nullptr;
    std::vector<std::string> member_fields;
    if (list != nullptr) {
      auto it = scope_.lists.find(list->prefix);
      if (it != scope_.lists.end()) member_fields.assign(it->second.begin(), it->second.end());
    }
    std::vector<std::string> candidates = member_fields;
    candidates.insert(candidates.end(), names.begin(), names.end());
    std::string suggestion;
    std::vector<std::string> hints;
    if (std::optional<std::string> best = util_internal::ClosestName(parts[k], candidates)) {
      std::vector<std::string> fixed(parts.begin(), parts.end());
      fixed[k] = *best;
      bool member = std::find(member_fields.begin(), member_fields.end(), *best) !=
                    member_fields.end();
      suggestion = absl::StrCat(
          "did you mean \"",
          member || prefix.empty() ? absl::StrJoin(fixed.begin() + k, fixed.end(), ".")
                                   : absl::StrCat(prefix, ".", absl::StrJoin(fixed.begin() + k,
                                                                             fixed.end(), ".")),
          "\"? ");
    }
    if (!member_fields.empty()) {
      hints.push_back(absl::StrCat("a member of ", list->prefix, " has: ",
                                   util_internal::ListNames(member_fields)));
    } else if (k == 0 && parts.size() == 1 && scope_.lists.size() > 0 &&
               scope_.lists.begin()->second.count(std::string(name))) {
      hints.push_back(absl::StrCat("\"", name, "\" is a member field: use it inside {{#roles.",
                                   "<role>.members}}...{{/roles.<role>.members}}"));
    }
    hints.push_back(names.empty()
                        ? absl::StrCat(where, " has nothing under it")
                        : absl::StrCat(where, " has: ", util_internal::ListNames(names)));
    return absl::StrCat(out, " (", suggestion, absl::StrJoin(hints, "; "), ")");
  }

  void Variable(absl::string_view name) {
    if (name.empty()) {
      Error("empty tag");
      return;
    }
    std::optional<Resolved> r = Resolve(name);
    if (!r) {
      Error(Undefined(name));
    } else if (r->is_list) {
      Error(absl::StrCat("\"", name, "\" is a list: iterate it with {{#", name,
                         "}}...{{/", name, "}}"));
    }
  }

  void OpenSection(absl::string_view name, bool inverted) {
    Frame frame{.name = std::string(name), .inverted = inverted};
    std::optional<Resolved> r = Resolve(name);
    if (!r) {
      Error(Undefined(name));
    } else {
      frame.prefix = r->path;
      frame.is_list = r->is_list;
    }
    frames_.push_back(std::move(frame));
  }

  void CloseSection(absl::string_view name) {
    if (frames_.empty()) {
      Error(absl::StrCat("\"{{/", name, "}}\" closes no open section"));
      return;
    }
    if (frames_.back().name != name) {
      Error(absl::StrCat("\"{{/", name, "}}\" closes section \"", frames_.back().name, "\""));
    }
    frames_.pop_back();
  }

  const TemplateScope& scope_;
  TemplateReport* report_;
  std::vector<Frame> frames_;
  bool stopped_ = false;  // kMaxErrors reached.
};

}  // namespace

TemplateScope TemplateScopeFor(const App& app) {
  TemplateScope scope;
  for (const char* v : {"cluster", "cluster.name", "cluster.namespace", "cluster.domain",
                        "app", "app.name", "app.version", "roles", "connections"}) {
    scope.variables.insert(v);
  }
  for (const Role& role : app.roles) {
    if (role.name.empty()) continue;
    std::string r = absl::StrCat("roles.", role.name);
    scope.variables.insert(r);
    for (const char* field : {"name", "count", "service", "hosts", "ports"}) {
      scope.variables.insert(absl::StrCat(r, ".", field));
    }
    for (const Port& port : role.ports) {
      if (!port.name.empty()) scope.variables.insert(absl::StrCat(r, ".ports.", port.name));
    }
    auto& fields = scope.lists[absl::StrCat(r, ".members")];
    for (absl::string_view f : kMemberFields) fields.insert(std::string(f));
  }
  scope.any_connection = true;
  return scope;
}

TemplateReport CheckTemplate(absl::string_view text, const TemplateScope& scope) {
  TemplateReport report;
  if (text.find("{{") == absl::string_view::npos) return report;
  Checker(scope, &report).Run(text);
  if (report.errors.empty()) {
    kainjow::mustache::mustache parsed{std::string(text)};
    if (!parsed.is_valid()) {
      report.errors.push_back(
          absl::StrCat("not a valid Mustache template: ", parsed.error_message()));
    }
  }
  return report;
}

}  // namespace strata::validate_internal
