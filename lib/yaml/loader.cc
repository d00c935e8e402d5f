// Load(): YAML/JSON text -> strata.v1 protos -> model (strata/documents.h).
//
// Design (STYLE.md §15, the "direct walk" option): yaml-cpp parses each
// source into YAML::Nodes; a generic walker fills the strata.v1.App or
// strata.v1.Cluster message by protobuf reflection, matching mapping keys
// against the fields' json_name and recording each key's or item's Mark()
// under its field path in the document's SourceMap. lib/proto then converts
// the proto into the model, locating its errors with that map. Every
// yaml-cpp exception is caught in Load(), the one place this library calls
// the parser.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
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
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/v1/topology.pb.h"
#include "validate/field_path.h"
#include "yaml/yaml_proto.h"
#include "yaml-cpp/yaml.h"

namespace strata {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

Location ToLocation(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return Location{};
  return Location{.line = mark.line + 1, .column = mark.column + 1};
}

const char* KindName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

// Levenshtein distance, for "did you mean" hints on unknown keys.
int EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
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

  void Error(const FieldPath& path, const YAML::Mark& mark, std::string message) {
    Location at = ToLocation(mark);
    if (at.line == 0) at = Locate(*source_, path.ToString());
    diagnostics_->push_back(Diagnostic{.file = file_,
                                       .document = document_,
                                       .line = at.line,
                                       .column = at.column,
                                       .path = path.ToString(),
                                       .message = std::move(message)});
    error_paths_.push_back(path.ToString());
  }

  void Record(const FieldPath& path, const YAML::Mark& mark) {
    Location at = ToLocation(mark);
    if (at.line > 0) (*source_)[path.ToString()] = at;
  }

  // Records where the value of `path` was written: the value itself when it
  // is a scalar, else its key.
  void RecordEntry(const FieldPath& path, const YAML::Node& key, const YAML::Node& value) {
    Record(path, value.IsScalar() ? value.Mark() : key.Mark());
  }

  // Fills `message` from the mapping `node` found at `path`.
  void WalkMessage(const YAML::Node& node, Message* message, const FieldPath& path) {
    if (!node.IsMap()) {
      Error(path, node.Mark(), absl::StrCat("expected a mapping, got ", KindName(node)));
      return;
    }
    const Descriptor* descriptor = message->GetDescriptor();
    std::set<std::string> seen;
    std::map<const google::protobuf::OneofDescriptor*, const FieldDescriptor*> oneofs;
    for (auto it = node.begin(); it != node.end(); ++it) {
      YAML::Node key = it->first;  // A copy: it-> returns a temporary proxy.
      YAML::Node value = it->second;
      if (!key.IsScalar()) {
        Error(path, key.Mark(), absl::StrCat("keys must be scalars, got ", KindName(key)));
        continue;
      }
      const std::string& name = key.Scalar();
      FieldPath child = path.Child(name);
      const FieldDescriptor* field = FindField(descriptor, name);
      if (field == nullptr) {
        Error(child, key.Mark(), UnknownField(descriptor, name));
        continue;
      }
      if (!seen.insert(name).second) {
        Error(child, key.Mark(), absl::StrCat("duplicate key \"", name, "\""));
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
          Error(child, key.Mark(),
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
    const FieldDescriptor* best = nullptr;
    int best_distance = 3;
    for (int i = 0; i < d->field_count(); ++i) {
      int distance = EditDistance(name, d->field(i)->json_name());
      if (distance < best_distance) {
        best = d->field(i);
        best_distance = distance;
      }
    }
    if (best != nullptr && name.size() > 2) {
      absl::StrAppend(&out, " (did you mean \"", best->json_name(), "\"?)");
    }
    return out;
  }

  void WalkField(const YAML::Node& value, Message* message, const FieldDescriptor* field,
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
      Error(path, value.Mark(), absl::StrCat("expected a sequence, got ", KindName(value)));
      return;
    }
    const Reflection* reflection = message->GetReflection();
    for (size_t i = 0; i < value.size(); ++i) {
      const YAML::Node item = value[i];
      FieldPath at = path.Index(static_cast<int>(i));
      Record(at, item.Mark());
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        WalkMessage(item, reflection->AddMessage(message, field), at);
      } else {
        SetScalar(item, message, field, at);
      }
    }
  }

  // A mapping key -> value filling a repeated KeyValue / ConfigOverride.
  void WalkKeyed(const YAML::Node& value, Message* message, const FieldDescriptor* field,
                 const FieldPath& path) {
    if (!value.IsMap()) {
      Error(path, value.Mark(), absl::StrCat("expected a mapping, got ", KindName(value)));
      return;
    }
    std::set<std::string> seen;
    for (auto it = value.begin(); it != value.end(); ++it) {
      YAML::Node key = it->first;  // A copy: it-> returns a temporary proxy.
      YAML::Node entry_value = it->second;
      if (!key.IsScalar()) {
        Error(path, key.Mark(), absl::StrCat("keys must be scalars, got ", KindName(key)));
        continue;
      }
      FieldPath at = path.Key(key.Scalar());
      if (!seen.insert(key.Scalar()).second) {
        Error(at, key.Mark(), absl::StrCat("duplicate key \"", key.Scalar(), "\""));
        continue;
      }
      RecordEntry(at, key, entry_value);
      Message* entry = message->GetReflection()->AddMessage(message, field);
      const Descriptor* d = entry->GetDescriptor();
      entry->GetReflection()->SetString(entry, d->field(0), key.Scalar());
      if (entry_value.IsNull()) continue;
      WalkField(entry_value, entry, d->field(1), at);
    }
  }

  // Sets (or, for a repeated field, adds) the scalar `value`.
  void SetScalar(const YAML::Node& value, Message* message, const FieldDescriptor* field,
                 const FieldPath& path) {
    const Reflection* r = message->GetReflection();
    const bool repeated = field->is_repeated();
    auto expected = [&](absl::string_view what) {
      Error(path, value.Mark(),
            value.IsScalar()
                ? absl::StrCat("expected ", what, ", got \"", value.Scalar(), "\"")
                : absl::StrCat("expected ", what, ", got ", KindName(value)));
    };
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        if (!value.IsScalar()) return expected("a string");
        repeated ? r->AddString(message, field, value.Scalar())
                 : r->SetString(message, field, value.Scalar());
        return;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        static const std::set<std::string> kTrue = {"true", "True", "TRUE"};
        static const std::set<std::string> kFalse = {"false", "False", "FALSE"};
        if (!value.IsScalar()) return expected("true or false");
        bool b;
        if (kTrue.count(value.Scalar())) {
          b = true;
        } else if (kFalse.count(value.Scalar())) {
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
        const std::string& text = value.Scalar();
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
          Error(path, value.Mark(), absl::StrCat(text, " is out of range for ", type));
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
                            ? field->enum_type()->FindValueByName(value.Scalar())
                            : nullptr;
        if (v == nullptr) return expected(absl::StrCat("a ", field->enum_type()->name()));
        repeated ? r->AddEnum(message, field, v) : r->SetEnum(message, field, v);
        return;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
    Error(path, value.Mark(), "internal error: unexpected field type");
  }

  std::string file_;
  int document_;
  SourceMap* source_;
  std::vector<Diagnostic>* diagnostics_;
  std::vector<std::string> error_paths_;
};

bool IsAtOrBelow(absl::string_view path, absl::string_view ancestor) {
  if (ancestor.empty()) return true;
  if (path.size() < ancestor.size() || path.substr(0, ancestor.size()) != ancestor) {
    return false;
  }
  return path.size() == ancestor.size() || path[ancestor.size()] == '.' ||
         path[ancestor.size()] == '[';
}

// Walks `node` into a `P`, converts it and appends the document, or appends
// the diagnostics.
template <typename P, typename Doc, typename Convert>
void LoadDocument(const YAML::Node& node, const std::string& file, int index,
                  std::vector<Doc>* out, std::vector<Diagnostic>* diagnostics,
                  Convert convert) {
  Doc doc;
  doc.file = file;
  doc.index = index;
  std::vector<Diagnostic> found;
  Walker walker(file, index, &doc.source, &found);
  doc.source[""] = ToLocation(node.Mark());
  P proto;
  walker.WalkMessage(node, &proto, FieldPath());
  auto converted = convert(proto, ProtoSource{.file = file, .document = index,
                                               .source = &doc.source});
  for (Diagnostic& d : DiagnosticsFromStatus(converted.status())) {
    bool consequence = std::any_of(
        walker.error_paths().begin(), walker.error_paths().end(),
        [&](const std::string& p) { return IsAtOrBelow(d.path, p); });
    if (!consequence) found.push_back(std::move(d));
  }
  if (found.empty() && converted.ok()) {
    if constexpr (std::is_same_v<Doc, AppDocument>) {
      doc.app = *std::move(converted);
    } else {
      doc.cluster = *std::move(converted);
    }
    out->push_back(std::move(doc));
  }
  diagnostics->insert(diagnostics->end(), found.begin(), found.end());
}

void LoadSource(const Source& source, Documents* documents,
                std::vector<Diagnostic>* diagnostics) {
  std::vector<YAML::Node> nodes = YAML::LoadAll(source.text);
  for (size_t i = 0; i < nodes.size(); ++i) {
    const YAML::Node& node = nodes[i];
    const int index = static_cast<int>(i);
    if (node.IsNull()) continue;  // An empty document.
    auto error = [&](absl::string_view path, const YAML::Mark& mark, std::string message) {
      Location at = ToLocation(mark);
      diagnostics->push_back(Diagnostic{.file = source.name,
                                        .document = index,
                                        .line = at.line,
                                        .column = at.column,
                                        .path = std::string(path),
                                        .message = std::move(message)});
    };
    if (!node.IsMap()) {
      error("", node.Mark(),
            absl::StrCat("a document must be a mapping, got ", KindName(node)));
      continue;
    }
    YAML::Node kind;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "kind") kind = it->second;
    }
    if (!kind.IsDefined() || kind.IsNull()) {
      error("kind", node.Mark(), "required field is missing: must be App or Cluster");
      continue;
    }
    if (!kind.IsScalar() || (kind.Scalar() != "App" && kind.Scalar() != "Cluster")) {
      error("kind", kind.Mark(),
            absl::StrCat("unknown kind ",
                         kind.IsScalar() ? absl::StrCat("\"", kind.Scalar(), "\"")
                                         : KindName(kind),
                         ": must be App or Cluster"));
      continue;
    }
    if (kind.Scalar() == "App") {
      LoadDocument<v1::App>(node, source.name, index, &documents->apps, diagnostics,
                            [](const v1::App& p, const ProtoSource& w) { return FromProto(p, w); });
    } else {
      LoadDocument<v1::Cluster>(
          node, source.name, index, &documents->clusters, diagnostics,
          [](const v1::Cluster& p, const ProtoSource& w) { return FromProto(p, w); });
    }
  }
}

}  // namespace

namespace {

// Runs `body` on the YAML of `source_name`, turning yaml-cpp's exceptions
// into diagnostics: the one place this library catches them.
void Guarded(const std::string& source_name, const std::function<void()>& body,
             std::vector<Diagnostic>* diagnostics) {
  try {
    body();
  } catch (const YAML::ParserException& e) {
    Location at = ToLocation(e.mark);
    diagnostics->push_back(Diagnostic{.file = source_name,
                                      .line = at.line,
                                      .column = at.column,
                                      .message = absl::StrCat("syntax error: ", e.msg)});
  } catch (const YAML::Exception& e) {
    Location at = ToLocation(e.mark);
    diagnostics->push_back(Diagnostic{.file = source_name,
                                      .line = at.line,
                                      .column = at.column,
                                      .message = absl::StrCat("cannot read YAML: ", e.msg)});
  }
}

}  // namespace

absl::StatusOr<Documents> Load(const std::vector<Source>& sources) {
  Documents documents;
  std::vector<Diagnostic> diagnostics;
  for (const Source& source : sources) {
    Guarded(source.name, [&] { LoadSource(source, &documents, &diagnostics); }, &diagnostics);
  }
  if (HasErrors(diagnostics)) return StatusFromDiagnostics(std::move(diagnostics));
  return documents;
}

namespace yaml_internal {

absl::Status ParseYamlInto(const Source& source, google::protobuf::Message* message,
                           SourceMap* source_map) {
  std::vector<Diagnostic> diagnostics;
  SourceMap local;
  SourceMap* map = source_map != nullptr ? source_map : &local;
  Guarded(
      source.name,
      [&] {
        YAML::Node node = YAML::Load(source.text);
        (*map)[""] = ToLocation(node.Mark());
        Walker(source.name, 0, map, &diagnostics).WalkMessage(node, message, FieldPath());
      },
      &diagnostics);
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
