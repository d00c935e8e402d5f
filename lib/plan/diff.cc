// DiffPlan: the object-by-object, field-by-field change a plan makes
// (strata/plan_diff.h), and its text and JSON forms.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "kube/object.h"
#include "plan/object_diff.h"
#include "plan/predicates.h"
#include "strata/emit.h"
#include "strata/plan_diff.h"
#include "util/utf8.h"

namespace strata {
namespace {

using plan_internal::AllDifferences;
using plan_internal::Difference;

// How much of a long value the text shows.
constexpr size_t kInlineWidth = 100;     // A value shown on the field's line.
constexpr size_t kWindowContext = 30;    // Bytes either side of a change in one line.
constexpr size_t kWindowChange = 160;    // Bytes of the changed part in one line.
constexpr size_t kContextLines = 2;      // Unchanged lines around changed ones.
constexpr size_t kMaxChangedLines = 40;  // Changed lines shown per side.
constexpr size_t kMaxLineWidth = 200;    // Bytes of one shown line.

const Json* FindObserved(const ObservedState& s, const std::string& kind,
                         const std::string& name) {
  const std::vector<Json>* list = s.ObjectsOf(kind);
  if (list == nullptr) return nullptr;
  for (const Json& o : *list) {
    if (kube::NameOf(o) == name) return &o;
  }
  return nullptr;
}

bool SecretValuePath(const std::string& kind, const std::vector<std::string>& path) {
  return kind == "Secret" && !path.empty() && (path[0] == "data" || path[0] == "stringData");
}

Json Redacted(const Json& object) {
  Json out = object;
  for (const char* key : {"data", "stringData"}) {
    auto it = out.find(key);
    if (it == out.end() || !it->is_object()) continue;
    for (auto& [k, v] : it->items()) v = kRedacted;
  }
  return out;
}

std::string PathText(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) {
    if (absl::StartsWith(p, "[")) {
      out += p;
    } else if (p.find_first_of("./[]") != std::string::npos) {
      absl::StrAppend(&out, "[", p, "]");
    } else {
      if (!out.empty()) out += ".";
      out += p;
    }
  }
  return out;
}

// ---------------------------------------------------------------- text

std::string Compact(const Json& v) {
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string CutLine(const std::string& line) {
  if (line.size() <= kMaxLineWidth) return line;
  return absl::StrCat(util_internal::Utf8Prefix(line, kMaxLineWidth - 3), "...");
}

// The lines a value is shown as in a block: a string's own lines, anything
// else as YAML.
std::vector<std::string> Lines(const Json& v) {
  std::string text = v.is_string() ? v.get<std::string>() : ToYaml(v);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return absl::StrSplit(text, '\n');
}

// Changed lines of `a` -> `b` with kContextLines around them: the common
// first and last lines are left out (one hunk around everything that
// changed). `indent` precedes every line.
void AppendLineDiff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                    const std::string& indent, std::string& out) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  size_t from = prefix > kContextLines ? prefix - kContextLines : 0;
  if (from > 0) absl::StrAppend(&out, indent, "  ... (", from, " unchanged lines)\n");
  for (size_t i = from; i < prefix; ++i) absl::StrAppend(&out, indent, "  ", CutLine(a[i]), "\n");
  auto side = [&](const std::vector<std::string>& lines, const char* mark) {
    size_t end = lines.size() - suffix;
    for (size_t i = prefix; i < end && i < prefix + kMaxChangedLines; ++i) {
      absl::StrAppend(&out, indent, mark, " ", CutLine(lines[i]), "\n");
    }
    if (end > prefix + kMaxChangedLines) {
      absl::StrAppend(&out, indent, mark, " ... (", end - prefix - kMaxChangedLines,
                      " more lines)\n");
    }
  };
  side(a, "-");
  side(b, "+");
  size_t tail = a.size() - suffix;
  size_t to = std::min(a.size(), tail + kContextLines);
  for (size_t i = tail; i < to; ++i) absl::StrAppend(&out, indent, "  ", CutLine(a[i]), "\n");
  if (to < a.size()) absl::StrAppend(&out, indent, "  ... (", a.size() - to, " unchanged lines)\n");
}

bool MultiLine(const std::optional<Json>& v) {
  return v.has_value() && v->is_string() && v->get<std::string>().find('\n') != std::string::npos;
}

void AppendField(const FieldChange& f, std::string& out) {
  const std::string indent = "    ";
  std::string before = f.before ? Compact(*f.before) : "(none)";
  std::string after = f.after ? Compact(*f.after) : "(none)";
  bool strings = f.before && f.after && f.before->is_string() && f.after->is_string();
  if (!MultiLine(f.before) && !MultiLine(f.after)) {
    if (before.size() <= kInlineWidth && after.size() <= kInlineWidth) {
      absl::StrAppend(&out, indent, f.path, ": ", before, " -> ", after, "\n");
      return;
    }
    if (strings) {
      auto [a, b] = plan_internal::ChangedParts(f.before->get<std::string>(),
                                                f.after->get<std::string>(), kWindowContext,
                                                kWindowChange);
      absl::StrAppend(&out, indent, f.path, ": ", a, " -> ", b, "\n");
      return;
    }
  }
  // A block: the changed lines of both sides (a missing side has none).
  absl::StrAppend(&out, indent, f.path, ":", f.before ? "" : " (new)",
                  f.after ? "" : " (removed)", "\n");
  std::vector<std::string> a = f.before ? Lines(*f.before) : std::vector<std::string>{};
  std::vector<std::string> b = f.after ? Lines(*f.after) : std::vector<std::string>{};
  AppendLineDiff(a, b, indent + "  ", out);
}

std::string Header(const ObjectChange& o) {
  std::string line = absl::StrCat(ObjectChangeSymbol(o.kind), " ", o.object_kind, " ", o.name);
  if (!o.role.empty()) absl::StrAppend(&line, " (role ", o.role, ")");
  if (!o.replaces.empty()) absl::StrAppend(&line, ", replacing ", o.replaces);
  return line;
}

// ConfigMap name -> volume name for the ConfigMap volumes of a StatefulSet.
std::vector<std::pair<std::string, std::string>> ConfigMapVolumes(const Json& sts) {
  std::vector<std::pair<std::string, std::string>> out;
  const Json* volumes = kube::Find(sts, {"spec", "template", "spec", "volumes"});
  if (volumes == nullptr || !volumes->is_array()) return out;
  for (const Json& v : *volumes) {
    std::string cm = kube::StringAt(v, {"configMap", "name"});
    if (!cm.empty()) out.push_back({cm, kube::StringAt(v, {"name"})});
  }
  return out;
}

// The observed ConfigMap that `name` (a new one) replaces: the one an
// observed StatefulSet mounts in the volume where the desired one mounts
// `name`; "" when none.
std::string Predecessor(const CompiledCluster& desired, const ObservedState& observed,
                        const std::string& name) {
  for (const Object& o : desired.objects) {
    if (o.kind != "StatefulSet") continue;
    const Json* have = FindObserved(observed, "StatefulSet", o.name);
    if (have == nullptr) continue;
    for (const auto& [cm, volume] : ConfigMapVolumes(o.body)) {
      if (cm != name) continue;
      for (const auto& [old_cm, old_volume] : ConfigMapVolumes(*have)) {
        if (old_volume == volume && old_cm != name &&
            FindObserved(observed, "ConfigMap", old_cm) != nullptr) {
          return old_cm;
        }
      }
    }
  }
  return "";
}

}  // namespace

const char* ObjectChangeSymbol(ObjectChange::Kind kind) {
  switch (kind) {
    case ObjectChange::Kind::kAdd: return "+";
    case ObjectChange::Kind::kChange: return "~";
    case ObjectChange::Kind::kDelete: return "-";
  }
  return "?";
}

PlanDiff DiffPlan(const CompiledCluster& desired, const ObservedState& observed,
                  const Plan& plan) {
  PlanDiff diff;
  diff.cluster = desired.cluster;
  diff.namespace_ = desired.namespace_;
  // StatefulSets the plan deletes with orphan: true to create them again.
  std::vector<std::pair<std::string, std::string>> recreated;  // name, reason.
  for (const Step& s : plan.steps) {
    if (s.action == Action::kDelete && s.orphan) recreated.push_back({s.target.name, s.reason});
  }
  for (const Object& o : desired.objects) {
    ObjectChange c{.object_kind = o.kind, .name = o.name, .role = o.role};
    const Json* have = FindObserved(observed, o.kind, o.name);
    if (have == nullptr) {
      c.kind = ObjectChange::Kind::kAdd;
      c.object = o.kind == "Secret" ? Redacted(o.body) : o.body;
      if (o.kind == "ConfigMap") c.replaces = Predecessor(desired, observed, o.name);
      if (c.replaces.empty()) {
        diff.objects.push_back(std::move(c));
        continue;
      }
      have = FindObserved(observed, "ConfigMap", c.replaces);
    } else {
      c.kind = ObjectChange::Kind::kChange;
    }
    for (const Difference& d : AllDifferences(o.body, *have)) {
      if (!c.replaces.empty() && d.path == std::vector<std::string>{"metadata", "name"}) {
        continue;
      }
      FieldChange f{.path = PathText(d.path), .before = d.observed, .after = d.desired};
      if (SecretValuePath(o.kind, d.path)) {
        if (f.before) f.before = Json(kRedacted);
        if (f.after) f.after = Json(kRedacted);
      }
      c.fields.push_back(std::move(f));
    }
    for (const auto& [name, reason] : recreated) {
      if (o.kind == "StatefulSet" && name == o.name) c.note = reason;
    }
    if (c.kind == ObjectChange::Kind::kAdd || !c.fields.empty() || !c.note.empty()) {
      diff.objects.push_back(std::move(c));
    }
  }
  for (const Step& s : plan.steps) {
    if (s.action != Action::kResizePvc) continue;
    const Json* pvc = FindObserved(observed, "PersistentVolumeClaim", s.target.name);
    ObjectChange c{.kind = ObjectChange::Kind::kChange,
                   .object_kind = "PersistentVolumeClaim",
                   .name = s.target.name,
                   .role = s.target.role};
    c.fields.push_back(FieldChange{
        .path = "spec.resources.requests.storage",
        .before = pvc != nullptr ? std::optional<Json>(plan_internal::PvcRequest(*pvc))
                                 : std::nullopt,
        .after = Json(s.size)});
    diff.objects.push_back(std::move(c));
  }
  for (const Step& s : plan.steps) {
    if (s.action == Action::kDelete && !s.orphan) {
      diff.objects.push_back(ObjectChange{.kind = ObjectChange::Kind::kDelete,
                                          .object_kind = s.target.kind,
                                          .name = s.target.name,
                                          .role = s.target.role,
                                          .note = s.reason});
    } else if (s.action == Action::kRestart) {
      diff.restarts.push_back(
          MemberRestart{.pod = s.target.name, .role = s.target.role, .reason = s.reason});
    }
  }
  for (const ObjectChange& c : diff.objects) {
    switch (c.kind) {
      case ObjectChange::Kind::kAdd: ++diff.to_add; break;
      case ObjectChange::Kind::kChange: ++diff.to_change; break;
      case ObjectChange::Kind::kDelete: ++diff.to_delete; break;
    }
  }
  return diff;
}

std::string PlanDiffToText(const PlanDiff& diff) {
  if (diff.empty()) return "";
  std::string out;
  for (const ObjectChange& o : diff.objects) {
    absl::StrAppend(&out, Header(o), "\n");
    if (!o.note.empty()) absl::StrAppend(&out, "    # ", o.note, "\n");
    if (o.kind == ObjectChange::Kind::kAdd && o.replaces.empty()) {
      for (const std::string& line : Lines(o.object)) {
        absl::StrAppend(&out, "    ", CutLine(line), "\n");
      }
    }
    for (const FieldChange& f : o.fields) AppendField(f, out);
  }
  if (!diff.restarts.empty()) {
    out += "member restarts:\n";
    for (const MemberRestart& r : diff.restarts) {
      absl::StrAppend(&out, "  ", r.pod, r.role.empty() ? "" : absl::StrCat(" (role ", r.role, ")"),
                      ": ", r.reason, "\n");
    }
  }
  absl::StrAppend(&out, "\n", diff.to_add, " to add, ", diff.to_change, " to change, ",
                  diff.to_delete, " to delete; ", diff.restarts.size(), " member restarts\n");
  return out;
}

Json PlanDiffToJson(const PlanDiff& diff) {
  Json objects = Json::array();
  for (const ObjectChange& o : diff.objects) {
    Json j = {{"op", ObjectChangeSymbol(o.kind)}, {"kind", o.object_kind}, {"name", o.name}};
    if (!o.role.empty()) j["role"] = o.role;
    if (o.kind == ObjectChange::Kind::kAdd) j["object"] = o.object;
    if (!o.replaces.empty()) j["replaces"] = o.replaces;
    if (o.kind == ObjectChange::Kind::kChange || !o.replaces.empty()) {
      Json fields = Json::array();
      for (const FieldChange& f : o.fields) {
        Json fj = {{"path", f.path}};
        fj["before"] = f.before ? *f.before : Json();
        fj["after"] = f.after ? *f.after : Json();
        fields.push_back(std::move(fj));
      }
      j["fields"] = std::move(fields);
    }
    if (!o.note.empty()) j["note"] = o.note;
    objects.push_back(std::move(j));
  }
  Json restarts = Json::array();
  for (const MemberRestart& r : diff.restarts) {
    restarts.push_back({{"pod", r.pod}, {"role", r.role}, {"reason", r.reason}});
  }
  return {{"cluster", diff.cluster},
          {"namespace", diff.namespace_},
          {"objects", std::move(objects)},
          {"restarts", std::move(restarts)},
          {"summary",
           {{"add", diff.to_add},
            {"change", diff.to_change},
            {"delete", diff.to_delete},
            {"restarts", static_cast<int32_t>(diff.restarts.size())}}}};
}

}  // namespace strata
