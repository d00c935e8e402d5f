// ParseJsonDocuments: YAML or JSON text -> strata::Json documents
// (yaml_json.h), through the project's one YAML parser (yaml_tree.h) or, for
// JSON, simdjson with nlohmann's parser for its error messages.

#include "yaml/yaml_json.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "strata/diagnostic.h"
#include "util/json_parse.h"
#include "util/status_macros.h"
#include "yaml/yaml_tree.h"

namespace strata::yaml_internal {
namespace {

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// Returns the core-schema value of a plain (unquoted, untagged) scalar.
Json PlainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return nullptr;
  }
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  absl::string_view v = s;
  absl::string_view digits = v;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    digits.remove_prefix(1);
  }
  if (IsDigits(digits)) {
    int64_t i;
    if (absl::SimpleAtoi(v, &i)) return i;
    uint64_t u;
    if (absl::SimpleAtoi(v, &u)) return u;
    double d;
    if (absl::SimpleAtod(v, &d)) return d;
    return s;
  }
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'o')) {
    uint64_t u;
    bool hex = v[1] == 'x';
    absl::string_view rest = v.substr(2);
    bool ok = !rest.empty() && std::all_of(rest.begin(), rest.end(), [&](char c) {
      return hex ? absl::ascii_isxdigit(static_cast<unsigned char>(c))
                 : (c >= '0' && c <= '7');
    });
    if (ok && rest.size() <= 16) {
      u = std::stoull(std::string(rest), nullptr, hex ? 16 : 8);
      if (u <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(u);
      return u;
    }
    return s;
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" ||
      s == "+.Inf" || s == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
    return -std::numeric_limits<double>::infinity();
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  {
    size_t i = 0;
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    size_t int_start = i;
    while (i < v.size() && absl::ascii_isdigit(static_cast<unsigned char>(v[i]))) ++i;
    bool int_digits = i > int_start;
    bool frac_digits = false;
    if (i < v.size() && v[i] == '.') {
      ++i;
      size_t f = i;
      while (i < v.size() && absl::ascii_isdigit(static_cast<unsigned char>(v[i]))) ++i;
      frac_digits = i > f;
    }
    bool ok = int_digits || frac_digits;
    if (ok && i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
      ++i;
      if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
      size_t e = i;
      while (i < v.size() && absl::ascii_isdigit(static_cast<unsigned char>(v[i]))) ++i;
      ok = i > e;
    }
    double d;
    if (ok && i == v.size() && absl::SimpleAtod(v, &d)) return d;
  }
  return s;
}

// Returns the core-schema value of a scalar: quoted, block and `!`/`!!str`
// tagged scalars are strings; plain ones are typed; other core tags type the
// text when it spells that type; unknown tags (!!binary, custom) keep it.
Json ScalarToJson(const YamlRef& node) {
  const absl::string_view tag = node.Tag();
  const std::string s(node.Scalar());
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return s;
  if (tag.empty()) return node.IsPlain() ? PlainScalar(s) : Json(s);
  Json typed = PlainScalar(s);
  if (tag == "tag:yaml.org,2002:int" && typed.is_number_integer()) return typed;
  if (tag == "tag:yaml.org,2002:float" && typed.is_number()) {
    return typed.get<double>();
  }
  if (tag == "tag:yaml.org,2002:bool" && typed.is_boolean()) return typed;
  if (tag == "tag:yaml.org,2002:null" && typed.is_null()) return typed;
  return s;
}

// Converts `node` into `out`; returns false with `error` set for a mapping
// key that is not a scalar. Recursion is bounded by Limits::max_nesting (the
// parser refuses deeper text) and the work by the alias budget.
bool ToJson(const YamlRef& node, Json& out, YamlError* error) {
  switch (node.kind()) {
    case YamlKind::kNull:
      out = nullptr;
      return true;
    case YamlKind::kScalar:
      out = ScalarToJson(node);
      return true;
    case YamlKind::kSequence: {
      out = Json::array();
      Json::array_t& arr = out.get_ref<Json::array_t&>();
      arr.resize(node.size());
      for (size_t i = 0; i < node.size(); ++i) {
        if (!ToJson(node.Item(i), arr[i], error)) return false;
      }
      return true;
    }
    case YamlKind::kMapping: {
      out = Json::object();
      Json::object_t& obj = out.get_ref<Json::object_t&>();
      obj.reserve(node.size());
      // A repeated key keeps its first position and its last value, as
      // nlohmann's parser does; an index keeps that linear.
      absl::flat_hash_map<absl::string_view, size_t> index;
      for (size_t i = 0; i < node.size(); ++i) {
        const YamlRef key = node.Key(i);
        if (!key.IsScalar()) {
          *error = YamlError{.line = key.line(),
                             .column = key.column(),
                             .message = absl::StrCat(
                                 "invalid YAML: a mapping key must be a string, got ",
                                 key.IsNull() ? "null" : key.IsMap() ? "a mapping"
                                                                       : "a sequence")};
          return false;
        }
        auto [it, inserted] = index.emplace(key.Scalar(), obj.size());
        if (inserted) obj.emplace_back(std::string(key.Scalar()), Json());
        if (!ToJson(node.Value(i), (obj.begin() + static_cast<std::ptrdiff_t>(it->second))->second,
                    error)) {
          return false;
        }
      }
      return true;
    }
  }
  return true;
}

std::vector<int> ItemLines(const YamlRef& doc) {
  std::vector<int> lines;
  YamlRef items;
  if (doc.IsSequence()) {
    items = doc;
  } else if (doc.IsMap() && doc.Get("items").IsSequence()) {
    items = doc.Get("items");
  } else {
    return lines;
  }
  lines.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) lines.push_back(items.Item(i).line());
  return lines;
}

absl::Status ErrorStatus(absl::string_view source, const YamlError& e) {
  return StatusFromDiagnostics({Diagnostic{.file = std::string(source),
                                           .line = e.line,
                                           .column = e.column,
                                           .message = e.message}},
                               e.over_limit ? absl::StatusCode::kResourceExhausted
                                            : absl::StatusCode::kInvalidArgument);
}

// Reads `text` as YAML: every document, or the first error.
absl::StatusOr<std::vector<JsonDocument>> FromYaml(absl::string_view text,
                                                   absl::string_view source,
                                                   const Limits& limits) {
  std::vector<YamlDocument> parsed;
  YamlError error;
  if (!ParseYamlStream(text, limits, &parsed, &error)) {
    if (error.message.rfind("syntax error: ", 0) == 0) {
      error.message = absl::StrCat("invalid YAML: ", error.message.substr(14));
    }
    return ErrorStatus(source, error);
  }
  std::vector<JsonDocument> docs(parsed.size());
  for (size_t i = 0; i < parsed.size(); ++i) {
    const YamlRef root = parsed[i].root();
    if (!ToJson(root, docs[i].value, &error)) return ErrorStatus(source, error);
    docs[i].line = root.line();
    docs[i].item_lines = ItemLines(root);
  }
  return docs;
}

}  // namespace

absl::StatusOr<std::vector<JsonDocument>> ParseJsonDocuments(absl::string_view text,
                                                             absl::string_view source,
                                                             const ParseJsonOptions& options) {
  const Limits& limits = options.limits;
  STRATA_RETURN_IF_ERROR(CheckLimits(limits));
  std::vector<JsonDocument> docs;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == absl::string_view::npos) return docs;  // Empty: nothing exists.
  if (static_cast<int64_t>(text.size()) > limits.max_file_size) {
    return ErrorStatus(source, YamlError{.line = 1,
                                         .column = 1,
                                         .message = LimitMessage(
                                             "the input size in bytes is", static_cast<int64_t>(text.size()),
                                             limits.max_file_size, "max_file_size"),
                                         .over_limit = true});
  }
  const bool json = text[first] == '{' || text[first] == '[';
  if (json && options.lines_for_json) {
    absl::StatusOr<std::vector<JsonDocument>> with_lines = FromYaml(text, source, limits);
    if (with_lines.ok() ||
        with_lines.status().code() == absl::StatusCode::kResourceExhausted) {
      return with_lines;
    }
    // JSON that YAML cannot read (tabs for indentation): no lines.
  }
  if (!json) return FromYaml(text, source, limits);
  // The JSON parsers allocate per level (nlohmann recurses to destroy): the
  // nesting limit holds for JSON too, checked before they run.
  size_t deepest_at = 0;
  const int64_t depth = JsonNestingDepth(text, limits.max_nesting, &deepest_at);
  if (depth > limits.max_nesting) {
    YamlError e{.message = LimitMessage("the nesting depth is", depth, limits.max_nesting,
                                        "max_nesting"),
                .over_limit = true};
    LineAndColumn(text, deepest_at, &e.line, &e.column);
    return ErrorStatus(source, e);
  }
  try {
    JsonDocument d;
    // simdjson first (about ten times faster on kubectl's output); on any
    // text it rejects, nlohmann's parse and its error message.
    std::optional<Json> fast = util_internal::ParseJsonFast(text);
    d.value = fast ? *std::move(fast) : Json::parse(text.begin(), text.end());
    docs.push_back(std::move(d));
    return docs;
  } catch (const Json::exception& e) {
    // Not valid JSON; it may still be flow-style YAML. Report JSON's error if
    // YAML fails too.
    absl::StatusOr<std::vector<JsonDocument>> yaml = FromYaml(text, source, limits);
    if (yaml.ok() || yaml.status().code() == absl::StatusCode::kResourceExhausted) return yaml;
    return absl::InvalidArgumentError(absl::StrCat(source, ": invalid JSON: ", e.what()));
  }
}

absl::StatusOr<std::vector<Json>> ParseYamlDocuments(absl::string_view text,
                                                     absl::string_view source,
                                                     const Limits& limits) {
  STRATA_ASSIGN_OR_RETURN(std::vector<JsonDocument> docs,
                          ParseJsonDocuments(text, source, {.limits = limits}));
  std::vector<Json> out;
  out.reserve(docs.size());
  for (JsonDocument& d : docs) out.push_back(std::move(d.value));
  return out;
}

}  // namespace strata::yaml_internal
