// Load(): YAML/JSON text -> strata.v1 protos -> model (strata/documents.h).
//
// Design (STYLE.md §15, the "direct walk" option): libyaml parses each
// source into YamlDocuments (yaml_tree.h) within strata::Limits; a generic
// walker fills the strata.v1.App or strata.v1.Cluster message by protobuf
// reflection, matching mapping keys against the fields' json_name and
// recording each key's or item's line and column under its field path in the
// document's SourceMap. lib/proto then converts the proto into the model,
// locating its errors with that map. A syntax error stops its source, but the
// documents before it are still walked and checked, so one pass reports every
// error they hold.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "proto/convert.h"
#include "util/did_you_mean.h"
#include "util/status_macros.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/limits.h"
#include "strata/v1/topology.pb.h"
#include "validate/field_path.h"
#include "yaml/loader.h"
#include "yaml/yaml_proto.h"
#include "yaml/yaml_tree.h"

namespace strata {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using yaml_internal::YamlDocument;
using yaml_internal::YamlError;
using yaml_internal::YamlKind;
using yaml_internal::YamlRef;

Location ToLocation(const YamlRef& node) {
  if (!node.IsDefined()) return Location{};
  return Location{.line = node.line(), .column = node.column()};
}

const char* KindName(const YamlRef& node) {
  if (!node.IsDefined()) return "nothing";
  switch (node.kind()) {
    case YamlKind::kNull:
      return "null";
    case YamlKind::kScalar:
      return "a scalar";
    case YamlKind::kSequence:
      return "a sequence";
    case YamlKind::kMapping:
      return "a mapping";
  }
  return "nothing";
}

using yaml_internal::IsKeyedEntry;

// Fills one document's proto from its YAML tree, recording locations and
// reporting structural errors.
class Walker {
 public:
  Walker(const std::string& file, int document, SourceMap* source,
         std::vector<Diagnostic>* diagnostics)
      : file_(file), document_(document), source_(source), diagnostics_(diagnostics) {}

  // Paths where the walk reported an error; conversion errors at or below
  // them are consequences and are dropped.
  const std::vector<std::string>& error_paths() const { return error_paths_; }

  void Error(const FieldPath& path, const YamlRef& node, std::string message) {
    Location at = ToLocation(node);
    if (at.line == 0) at = Locate(*source_, path.ToString());
    diagnostics_->push_back(Diagnostic{.file = file_,
                                       .document = document_,
                                       .line = at.line,
                                       .column = at.column,
                                       .path = path.ToString(),
                                       .message = std::move(message)});
    error_paths_.push_back(path.ToString());
  }

  void Record(const FieldPath& path, const YamlRef& node) {
    Location at = ToLocation(node);
    if (at.line > 0) (*source_)[path.ToString()] = at;
  }

  // Records where the value of `path` was written: the value itself when it
  // is a scalar, else its key.
  void RecordEntry(const FieldPath& path, const YamlRef& key, const YamlRef& value) {
    Record(path, value.IsScalar() ? value : key);
  }

  // Fills `message` from the mapping `node` found at `path`.
  void WalkMessage(const YamlRef& node, Message* message, const FieldPath& path) {
    if (!node.IsMap()) {
      Error(path, node, absl::StrCat("expected a mapping, got ", KindName(node)));
      return;
    }
    const Descriptor* descriptor = message->GetDescriptor();
    std::set<std::string> seen;
    std::map<const google::protobuf::OneofDescriptor*, const FieldDescriptor*> oneofs;
    for (size_t i = 0; i < node.size(); ++i) {
      const YamlRef key = node.Key(i);
      const YamlRef value = node.Value(i);
      if (!key.IsScalar()) {
        Error(path, key, absl::StrCat("keys must be scalars, got ", KindName(key)));
        continue;
      }
      const std::string name(key.Scalar());
      FieldPath child = path.Child(name);
      const FieldDescriptor* field = FindField(descriptor, name);
      if (field == nullptr) {
        Error(child, key, UnknownField(descriptor, name));
        continue;
      }
      if (!seen.insert(name).second) {
        Error(child, key, absl::StrCat("duplicate key \"", name, "\""));
        continue;
      }
      RecordEntry(child, key, value);
      if (value.IsNull()) continue;  // null = unset.
      if (const auto* oneof = field->real_containing_oneof()) {
        auto [at, inserted] = oneofs.emplace(oneof, field);
        if (!inserted) {
          std::vector<std::string> names;
          for (int i = 0; i < oneof->field_count(); ++i) {
            names.push_back(oneof->field(i)->json_name());
          }
          Error(child, key,
                absl::StrCat("only one of ", absl::StrJoin(names, ", "),
                             " may be set; ", at->second->json_name(),
                             " is already set"));
          continue;
        }
      }
      WalkField(value, message, field, child);
    }
  }

 private:
  static const FieldDescriptor* FindField(const Descriptor* d, const std::string& name) {
    for (int i = 0; i < d->field_count(); ++i) {
      if (d->field(i)->json_name() == name) return d->field(i);
    }
    return nullptr;
  }

  static std::string UnknownField(const Descriptor* d, const std::string& name) {
    std::string out = absl::StrCat("unknown field \"", name, "\"");
    if (name.size() <= 2) return out;
    std::vector<std::string> names;
    names.reserve(d->field_count());
    for (int i = 0; i < d->field_count(); ++i) names.push_back(d->field(i)->json_name());
    if (std::optional<std::string> best = util_internal::ClosestName(name, names)) {
      absl::StrAppend(&out, " (did you mean \"", *best, "\"?)");
    }
    return out;
  }

  void WalkField(const YamlRef& value, Message* message, const FieldDescriptor* field,
                 const FieldPath& path) {
    if (!field->is_repeated()) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        WalkMessage(value, message->GetReflection()->MutableMessage(message, field), path);
      } else {
        SetScalar(value, message, field, path);
      }
      return;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        IsKeyedEntry(field->message_type())) {
      WalkKeyed(value, message, field, path);
      return;
    }
    if (!value.IsSequence()) {
      Error(path, value, absl::StrCat("expected a sequence, got ", KindName(value)));
      return;
    }
    const Reflection* reflection = message->GetReflection();
    for (size_t i = 0; i < value.size(); ++i) {
      const YamlRef item = value.Item(i);
      FieldPath at = path.Index(static_cast<int>(i));
      Record(at, item);
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        WalkMessage(item, reflection->AddMessage(message, field), at);
      } else {
        SetScalar(item, message, field, at);
      }
    }
  }

  // A mapping key -> value filling a repeated KeyValue / ConfigOverride.
  void WalkKeyed(const YamlRef& value, Message* message, const FieldDescriptor* field,
                 const FieldPath& path) {
    if (!value.IsMap()) {
      Error(path, value, absl::StrCat("expected a mapping, got ", KindName(value)));
      return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < value.size(); ++i) {
      const YamlRef key = value.Key(i);
      const YamlRef entry_value = value.Value(i);
      if (!key.IsScalar()) {
        Error(path, key, absl::StrCat("keys must be scalars, got ", KindName(key)));
        continue;
      }
      const std::string name(key.Scalar());
      FieldPath at = path.Key(name);
      if (!seen.insert(name).second) {
        Error(at, key, absl::StrCat("duplicate key \"", key.Scalar(), "\""));
        continue;
      }
      RecordEntry(at, key, entry_value);
      Message* entry = message->GetReflection()->AddMessage(message, field);
      const Descriptor* d = entry->GetDescriptor();
      entry->GetReflection()->SetString(entry, d->field(0), name);
      if (entry_value.IsNull()) continue;
      WalkField(entry_value, entry, d->field(1), at);
    }
  }

  // Sets (or, for a repeated field, adds) the scalar `value`.
  void SetScalar(const YamlRef& value, Message* message, const FieldDescriptor* field,
                 const FieldPath& path) {
    const Reflection* r = message->GetReflection();
    const bool repeated = field->is_repeated();
    auto expected = [&](absl::string_view what) {
      Error(path, value,
            value.IsScalar()
                ? absl::StrCat("expected ", what, ", got \"", value.Scalar(), "\"")
                : absl::StrCat("expected ", what, ", got ", KindName(value)));
    };
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        if (!value.IsScalar()) return expected("a string");
        std::string text(value.Scalar());
        repeated ? r->AddString(message, field, std::move(text))
                 : r->SetString(message, field, std::move(text));
        return;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        if (!value.IsScalar()) return expected("true or false");
        const absl::string_view text = value.Scalar();
        bool b;
        if (text == "true" || text == "True" || text == "TRUE") {
          b = true;
        } else if (text == "false" || text == "False" || text == "FALSE") {
          b = false;
        } else {
          return expected("true or false");
        }
        repeated ? r->AddBool(message, field, b) : r->SetBool(message, field, b);
        return;
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64: {
        if (!value.IsScalar()) return expected("an integer");
        const absl::string_view text = value.Scalar();
        bool is_integer =
            !text.empty() && std::all_of(text.begin() + (text[0] == '-' || text[0] == '+'),
                                         text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!is_integer || text == "-" || text == "+") return expected("an integer");
        int64_t min = 0;
        uint64_t max = 0;
        const char* type = "";
        switch (field->cpp_type()) {
          case FieldDescriptor::CPPTYPE_INT32:
            min = std::numeric_limits<int32_t>::min();
            max = std::numeric_limits<int32_t>::max();
            type = "int32";
            break;
          case FieldDescriptor::CPPTYPE_INT64:
            min = std::numeric_limits<int64_t>::min();
            max = std::numeric_limits<int64_t>::max();
            type = "int64";
            break;
          case FieldDescriptor::CPPTYPE_UINT32:
            max = std::numeric_limits<uint32_t>::max();
            type = "uint32";
            break;
          default:
            max = std::numeric_limits<uint64_t>::max();
            type = "uint64";
            break;
        }
        int64_t signed_value = 0;
        uint64_t unsigned_value = 0;
        bool negative = text[0] == '-';
        bool in_range = negative ? absl::SimpleAtoi(text, &signed_value) && signed_value >= min
                                 : absl::SimpleAtoi(text, &unsigned_value) && unsigned_value <= max;
        if (!in_range) {
          Error(path, value, absl::StrCat(text, " is out of range for ", type));
          return;
        }
        if (!negative) signed_value = static_cast<int64_t>(unsigned_value);
        switch (field->cpp_type()) {
          case FieldDescriptor::CPPTYPE_INT32:
            repeated ? r->AddInt32(message, field, static_cast<int32_t>(signed_value))
                     : r->SetInt32(message, field, static_cast<int32_t>(signed_value));
            break;
          case FieldDescriptor::CPPTYPE_INT64:
            repeated ? r->AddInt64(message, field, signed_value)
                     : r->SetInt64(message, field, signed_value);
            break;
          case FieldDescriptor::CPPTYPE_UINT32:
            repeated ? r->AddUInt32(message, field, static_cast<uint32_t>(unsigned_value))
                     : r->SetUInt32(message, field, static_cast<uint32_t>(unsigned_value));
            break;
          default:
            repeated ? r->AddUInt64(message, field, unsigned_value)
                     : r->SetUInt64(message, field, unsigned_value);
            break;
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT: {
        double d;
        if (!value.IsScalar() || !absl::SimpleAtod(value.Scalar(), &d)) {
          return expected("a number");
        }
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
          repeated ? r->AddDouble(message, field, d) : r->SetDouble(message, field, d);
        } else {
          repeated ? r->AddFloat(message, field, static_cast<float>(d))
                   : r->SetFloat(message, field, static_cast<float>(d));
        }
        return;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* v = value.IsScalar()
                            ? field->enum_type()->FindValueByName(std::string(value.Scalar()))
                            : nullptr;
        if (v == nullptr) return expected(absl::StrCat("a ", field->enum_type()->name()));
        repeated ? r->AddEnum(message, field, v) : r->SetEnum(message, field, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
    Error(path, value, "internal error: unexpected field type");
  }

  std::string file_;
  int document_;
  SourceMap* source_;
  std::vector<Diagnostic>* diagnostics_;
  std::vector<std::string> error_paths_;
};


// Walks `node` into a `P`, converts it and appends the document (with its
// malformed fields left at their defaults) and the diagnostics.
template <typename P, typename Doc, typename Convert>
void LoadDocument(const YamlRef& node, const std::string& file, int index,
                  std::vector<Doc>* out, std::vector<Diagnostic>* diagnostics,
                  Convert convert) {
  Doc doc;
  doc.file = file;
  doc.index = index;
  std::vector<Diagnostic> found;
  Walker walker(file, index, &doc.source, &found);
  doc.source[""] = ToLocation(node);
  P proto;
  walker.WalkMessage(node, &proto, FieldPath());
  auto converted = convert(proto, ProtoSource{.file = file, .document = index,
                                               .source = &doc.source});
  for (Diagnostic& d : DiagnosticsFromStatus(converted.status)) {
    bool consequence = std::any_of(
        walker.error_paths().begin(), walker.error_paths().end(),
        [&](const std::string& p) { return yaml_internal::IsAtOrBelow(d.path, p); });
    if (!consequence) found.push_back(std::move(d));
  }
  if constexpr (std::is_same_v<Doc, AppDocument>) {
    doc.app = std::move(converted.value);
  } else {
    doc.cluster = std::move(converted.value);
  }
  out->push_back(std::move(doc));
  diagnostics->insert(diagnostics->end(), found.begin(), found.end());
}

// Loads every document of `source` that parses; a syntax error or a limit
// stops the source with one diagnostic at its place. Returns whether a limit
// was exceeded.
bool LoadSource(const Source& source, const Limits& limits, Documents* documents,
                std::vector<Diagnostic>* diagnostics) {
  std::vector<YamlDocument> parsed;
  YamlError failure;
  const bool ok = yaml_internal::ParseYamlStream(source.text, limits, &parsed, &failure);
  for (size_t i = 0; i < parsed.size(); ++i) {
    const YamlRef node = parsed[i].root();
    const int index = static_cast<int>(i);
    if (node.IsNull()) continue;  // An empty document.
    auto error = [&](absl::string_view path, const YamlRef& at_node, std::string message) {
      Location at = ToLocation(at_node);
      diagnostics->push_back(Diagnostic{.file = source.name,
                                        .document = index,
                                        .line = at.line,
                                        .column = at.column,
                                        .path = std::string(path),
                                        .message = std::move(message)});
    };
    if (!node.IsMap()) {
      error("", node, absl::StrCat("a document must be a mapping, got ", KindName(node)));
      continue;
    }
    YamlRef kind;
    for (size_t k = 0; k < node.size(); ++k) {
      if (node.Key(k).IsScalar() && node.Key(k).Scalar() == "kind") kind = node.Value(k);
    }
    if (!kind.IsDefined() || kind.IsNull()) {
      error("kind", node, "required field is missing: must be App or Cluster");
      continue;
    }
    if (!kind.IsScalar() || (kind.Scalar() != "App" && kind.Scalar() != "Cluster")) {
      error("kind", kind,
            absl::StrCat("unknown kind ",
                         kind.IsScalar() ? absl::StrCat("\"", kind.Scalar(), "\"")
                                         : KindName(kind),
                         ": must be App or Cluster"));
      continue;
    }
    if (kind.Scalar() == "App") {
      LoadDocument<v1::App>(node, source.name, index, &documents->apps, diagnostics,
                            [](const v1::App& p, const ProtoSource& w) { return ConvertApp(p, w); });
    } else {
      LoadDocument<v1::Cluster>(
          node, source.name, index, &documents->clusters, diagnostics,
          [](const v1::Cluster& p, const ProtoSource& w) { return ConvertCluster(p, w); });
    }
  }
  const bool any_document = std::any_of(parsed.begin(), parsed.end(), [](const YamlDocument& d) {
    return !d.root().IsNull();
  });
  if (ok && !any_document) {
    // SPEC-2 §5b.5: an empty file is a mistake (a wrong path, a failed
    // redirect), never an empty topology.
    diagnostics->push_back(Diagnostic{.file = source.name, .message = "no documents"});
  }
  if (!ok) {
    diagnostics->push_back(Diagnostic{.file = source.name,
                                      .document = static_cast<int>(parsed.size()),
                                      .line = failure.line,
                                      .column = failure.column,
                                      .message = std::move(failure.message)});
  }
  return !ok && failure.over_limit;
}

}  // namespace

absl::StatusOr<Documents> Load(const std::vector<Source>& sources, const Limits& limits) {
  STRATA_RETURN_IF_ERROR(CheckLimits(limits));
  yaml_internal::LoadResult loaded = yaml_internal::LoadKeepingPartial(sources, limits);
  if (HasErrors(loaded.diagnostics)) {
    return StatusFromDiagnostics(std::move(loaded.diagnostics),
                                 loaded.over_limit ? absl::StatusCode::kResourceExhausted
                                                   : absl::StatusCode::kInvalidArgument);
  }
  return std::move(loaded.documents);
}

namespace yaml_internal {

bool IsAtOrBelow(absl::string_view path, absl::string_view ancestor) {
  if (ancestor.empty()) return true;
  if (path.size() < ancestor.size() || path.substr(0, ancestor.size()) != ancestor) {
    return false;
  }
  return path.size() == ancestor.size() || path[ancestor.size()] == '.' ||
         path[ancestor.size()] == '[';
}

LoadResult LoadKeepingPartial(const std::vector<Source>& sources, const Limits& limits) {
  LoadResult out;
  for (const Source& source : sources) {
    out.over_limit |= LoadSource(source, limits, &out.documents, &out.diagnostics);
  }
  return out;
}

}  // namespace yaml_internal

namespace yaml_internal {

absl::Status ParseYamlInto(const Source& source, google::protobuf::Message* message,
                           SourceMap* source_map) {
  std::vector<Diagnostic> diagnostics;
  SourceMap local;
  SourceMap* map = source_map != nullptr ? source_map : &local;
  std::vector<YamlDocument> parsed;
  YamlError failure;
  if (!ParseYamlStream(source.text, Limits{}, &parsed, &failure)) {
    diagnostics.push_back(Diagnostic{.file = source.name,
                                     .line = failure.line,
                                     .column = failure.column,
                                     .message = std::move(failure.message)});
    return StatusFromDiagnostics(std::move(diagnostics),
                                 failure.over_limit ? absl::StatusCode::kResourceExhausted
                                                    : absl::StatusCode::kInvalidArgument);
  }
  Walker walker(source.name, 0, map, &diagnostics);
  if (parsed.empty()) {
    walker.Error(FieldPath(), YamlRef(), "expected a mapping, got null");
  } else {
    const YamlRef node = parsed[0].root();
    (*map)[""] = ToLocation(node);
    walker.WalkMessage(node, message, FieldPath());
  }
  return StatusFromDiagnostics(std::move(diagnostics));
}

}  // namespace yaml_internal

Location Locate(const SourceMap& source, absl::string_view path) {
  std::optional<std::string> at = std::string(path);
  while (at.has_value()) {
    auto it = source.find(*at);
    if (it != source.end()) return it->second;
    at = ParentPath(*at);
  }
  return Location{};
}

}  // namespace strata
