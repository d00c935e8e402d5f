#include "import/import_internal.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "yaml/yaml_json.h"

namespace strata::import_internal {

std::string InputObject::Kind() const { return GetString(value, "kind"); }

std::string InputObject::Name() const {
  const Json* meta = Get(value, "metadata");
  return meta == nullptr ? "" : GetString(*meta, "name");
}

std::string InputObject::Namespace() const {
  const Json* meta = Get(value, "metadata");
  return meta == nullptr ? "" : GetString(*meta, "namespace");
}

std::string InputObject::Describe() const {
  std::string where = line > 0 ? absl::StrCat(file, ":", line) : file;
  std::string name = Name();
  return absl::StrCat(Kind().empty() ? "object" : Kind(), name.empty() ? "" : " ", name, " (",
                      where, ")");
}

absl::StatusOr<std::vector<InputObject>> ReadObjects(const std::vector<Source>& sources) {
  std::vector<InputObject> out;
  std::vector<Diagnostic> errors;
  for (const Source& source : sources) {
    absl::StatusOr<std::vector<yaml_internal::JsonDocument>> docs =
        yaml_internal::ParseJsonDocuments(source.text, source.name,
                                          {.lines_for_json = true});
    if (!docs.ok()) {
      std::vector<Diagnostic> d = DiagnosticsFromStatus(docs.status());
      errors.insert(errors.end(), d.begin(), d.end());
      continue;
    }
    if (docs->empty()) {
      errors.push_back({.file = source.name, .message = "no documents"});
      continue;
    }
    for (size_t i = 0; i < docs->size(); ++i) {
      yaml_internal::JsonDocument& doc = (*docs)[i];
      if (doc.value.is_null()) continue;  // An empty document between "---" lines.
      if (!doc.value.is_object()) {
        errors.push_back({.file = source.name,
                          .document = static_cast<int>(i),
                          .line = doc.line,
                          .message = "not a mapping: expected a Kubernetes-style object"});
        continue;
      }
      const Json* items = Get(doc.value, "items");
      if (GetString(doc.value, "kind") == "List" && items != nullptr && items->is_array()) {
        for (size_t k = 0; k < items->size(); ++k) {
          InputObject o{.file = source.name,
                        .document = static_cast<int>(i),
                        .line = k < doc.item_lines.size() ? doc.item_lines[k] : doc.line,
                        .path = absl::StrCat("items[", k, "]"),
                        .value = (*items)[k]};
          if (!o.value.is_object()) {
            errors.push_back({.file = source.name,
                              .document = static_cast<int>(i),
                              .line = o.line,
                              .path = o.path,
                              .message = "not a mapping: expected a Kubernetes-style object"});
            continue;
          }
          out.push_back(std::move(o));
        }
        continue;
      }
      out.push_back(InputObject{.file = source.name,
                                .document = static_cast<int>(i),
                                .line = doc.line,
                                .value = std::move(doc.value)});
    }
  }
  if (!errors.empty()) return StatusFromDiagnostics(std::move(errors));
  return out;
}

void Reporter::Add(Diagnostic::Severity severity, const InputObject& at, absl::string_view field,
                   std::string message) {
  std::string path = at.path;
  if (!field.empty()) path = path.empty() ? std::string(field) : absl::StrCat(path, ".", field);
  diagnostics_.push_back(Diagnostic{.severity = severity,
                                    .file = at.file,
                                    .document = at.document,
                                    .line = at.line,
                                    .path = std::move(path),
                                    .message = std::move(message)});
}

void Reporter::Warn(const InputObject& at, absl::string_view field, std::string message) {
  Add(Diagnostic::Severity::kWarning, at, field, std::move(message));
}

void Reporter::Error(const InputObject& at, absl::string_view field, std::string message) {
  Add(Diagnostic::Severity::kError, at, field, std::move(message));
}

bool Reporter::has_errors() const { return HasErrors(diagnostics_); }

absl::Status Reporter::Status() const { return StatusFromDiagnostics(diagnostics_); }

std::vector<Diagnostic> Reporter::TakeWarnings() {
  std::vector<Diagnostic> out = std::move(diagnostics_);
  diagnostics_.clear();
  SortDiagnostics(out);
  return out;
}

const Json* Get(const Json& object, absl::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

std::string GetString(const Json& object, absl::string_view key) {
  const Json* v = Get(object, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

std::string GetScalarText(const Json& object, absl::string_view key) {
  const Json* v = Get(object, key);
  if (v == nullptr || v->is_null() || v->is_object() || v->is_array()) return "";
  if (v->is_string()) return v->get<std::string>();
  return v->dump();
}

namespace {

// Lower case, every run of characters outside [a-z0-9] one '-', no '-' at
// either end.
std::string Dashed(absl::string_view name) {
  std::string out;
  for (char c : name) {
    char l = absl::ascii_tolower(static_cast<unsigned char>(c));
    if (absl::ascii_isalnum(static_cast<unsigned char>(l))) {
      out += l;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string Truncate(std::string s, size_t limit) {
  if (s.size() > limit) s.resize(limit);
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

bool HasLetter(absl::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); });
}

// `base`, or `base` with the first free suffix "-2", "-3"..., within `limit`.
std::string Unique(const std::string& base, size_t limit, std::set<std::string>& taken) {
  std::string name = base;
  for (int n = 2; taken.count(name); ++n) {
    std::string suffix = absl::StrCat("-", n);
    name = Truncate(base, limit - suffix.size()) + suffix;
  }
  taken.insert(name);
  return name;
}

}  // namespace

std::string DnsLabel(absl::string_view name, absl::string_view fallback, size_t limit) {
  std::string out = Dashed(name);
  if (out.empty()) out = std::string(fallback);
  if (!absl::ascii_isalpha(static_cast<unsigned char>(out[0]))) {
    out = absl::StrCat(fallback, "-", out);
  }
  return Truncate(out, limit);
}

std::string PortName(absl::string_view name, std::set<std::string>& taken) {
  std::string out = Truncate(Dashed(name), 15);
  if (!HasLetter(out)) out = Truncate(absl::StrCat("port-", out), 15);
  return Unique(out, 15, taken);
}

std::string StorageNameForPath(absl::string_view path, std::set<std::string>& taken) {
  std::string out = Truncate(Dashed(path), 63);
  if (out.empty()) out = "root";
  return Unique(out, 63, taken);
}

bool IsLabelValue(absl::string_view value) {
  if (value.empty()) return true;
  if (value.size() > 63) return false;
  auto alnum = [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); };
  if (!alnum(value.front()) || !alnum(value.back())) return false;
  return std::all_of(value.begin(), value.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::string CommentBlock(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    absl::StrAppend(&out, line.empty() ? "#" : absl::StrCat("# ", line), "\n");
  }
  return out;
}

}  // namespace strata::import_internal
