// ParseYamlStream: libyaml events -> YamlDocuments (yaml_tree.h). The one
// place strata calls libyaml.

#include "yaml/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace strata::yaml_internal {

absl::string_view YamlRef::Scalar() const {
  const YamlNode& n = node();
  if (n.kind != YamlKind::kScalar && n.kind != YamlKind::kNull) return {};
  return absl::string_view(doc_->text_).substr(n.value_begin, n.value_size);
}

absl::string_view YamlRef::Tag() const {
  const YamlNode& n = node();
  return absl::string_view(doc_->text_).substr(n.tag_begin, n.tag_size);
}

size_t YamlRef::size() const {
  const YamlNode& n = node();
  if (n.kind == YamlKind::kSequence) return n.children_size;
  if (n.kind == YamlKind::kMapping) return n.children_size / 2;
  return 0;
}

YamlRef YamlRef::Get(absl::string_view key) const {
  if (!IsMap()) return YamlRef();
  for (size_t i = 0; i < size(); ++i) {
    YamlRef k = Key(i);
    if (k.IsScalar() && k.Scalar() == key) return Value(i);
  }
  return YamlRef();
}

const YamlNode& YamlRef::node() const { return doc_->nodes_[index_]; }

YamlRef YamlRef::Child(size_t i) const {
  const YamlNode& n = node();
  return YamlRef(doc_, doc_->children_[n.children_begin + i]);
}

namespace {

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

bool IsNullText(absl::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

absl::string_view AsView(const yaml_char_t* p) {
  return p == nullptr ? absl::string_view() : absl::string_view(reinterpret_cast<const char*>(p));
}

}  // namespace

// Builds the documents of one stream from libyaml's events.
class YamlBuilder {
 public:
  YamlBuilder(absl::string_view text, const Limits& limits, std::vector<YamlDocument>* out,
              YamlError* error)
      : text_(text), limits_(limits), out_(out), error_(error) {}

  bool Run() {
    if (static_cast<int64_t>(text_.size()) > limits_.max_file_size) {
      return Limit(1, 1,
                   LimitMessage("the input size in bytes is", static_cast<int64_t>(text_.size()),
                                limits_.max_file_size, "max_file_size"));
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return Fail(0, 0, "cannot start the YAML parser");
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()),
                                 text_.size());
    bool ok = true;
    for (bool done = false; ok && !done;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        ok = ParserError(parser);
        break;
      }
      done = event.type == YAML_STREAM_END_EVENT;
      ok = Handle(event);
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return ok;
  }

 private:
  struct Open {
    int32_t node;
    std::vector<int32_t> children;
  };

  bool Handle(const yaml_event_t& event) {
    const int line = static_cast<int>(event.start_mark.line) + 1;
    const int column = static_cast<int>(event.start_mark.column) + 1;
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > limits_.max_documents) {
          return Limit(line, column,
                       LimitMessage("the number of documents is", documents_,
                                    limits_.max_documents, "max_documents"));
        }
        doc_ = YamlDocument();
        anchors_.clear();
        complete_.clear();
        alias_nodes_ = 0;
        alias_bytes_ = 0;
        return true;
      case YAML_DOCUMENT_END_EVENT:
        out_->push_back(std::move(doc_));
        doc_ = YamlDocument();
        return true;
      case YAML_SCALAR_EVENT: {
        const auto& s = event.data.scalar;
        absl::string_view value(reinterpret_cast<const char*>(s.value), s.length);
        absl::string_view tag = AsView(s.tag);
        const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
        int32_t index = NewNode(plain && tag.empty() && IsNullText(value) ? YamlKind::kNull
                                                                          : YamlKind::kScalar,
                                line, column, tag);
        YamlNode& n = doc_.nodes_[index];
        n.plain = plain;
        n.value_begin = doc_.text_.size();
        n.value_size = value.size();
        n.tree_bytes = value.size();
        doc_.text_.append(value.data(), value.size());
        complete_[index] = 1;
        Anchor(s.anchor, index);
        return Attach(index);
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool sequence = event.type == YAML_SEQUENCE_START_EVENT;
        if (static_cast<int64_t>(open_.size()) + 1 > limits_.max_nesting) {
          return Limit(line, column,
                       LimitMessage("the nesting depth is", static_cast<int64_t>(open_.size()) + 1,
                                    limits_.max_nesting, "max_nesting"));
        }
        int32_t index =
            NewNode(sequence ? YamlKind::kSequence : YamlKind::kMapping, line, column,
                    AsView(sequence ? event.data.sequence_start.tag : event.data.mapping_start.tag));
        Anchor(sequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor,
               index);
        open_.push_back(Open{.node = index, .children = {}});
        return true;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Open done = std::move(open_.back());
        open_.pop_back();
        YamlNode& n = doc_.nodes_[done.node];
        n.children_begin = doc_.children_.size();
        n.children_size = done.children.size();
        uint64_t nodes = 1;
        uint64_t bytes = 0;
        for (int32_t child : done.children) {
          nodes = SaturatingAdd(nodes, doc_.nodes_[child].tree_nodes);
          bytes = SaturatingAdd(bytes, doc_.nodes_[child].tree_bytes);
        }
        n.tree_nodes = nodes;
        n.tree_bytes = bytes;
        doc_.children_.insert(doc_.children_.end(), done.children.begin(), done.children.end());
        complete_[done.node] = 1;
        return Attach(done.node);
      }
      case YAML_ALIAS_EVENT: {
        absl::string_view name = AsView(event.data.alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          return Fail(line, column, absl::StrCat("syntax error: unknown anchor \"", name, "\""));
        }
        const int32_t target = it->second;
        if (!complete_[target]) {
          return Fail(line, column,
                      absl::StrCat("syntax error: alias *", name,
                                   " refers to a node that contains it (a cycle)"));
        }
        const YamlNode& n = doc_.nodes_[target];
        alias_nodes_ = SaturatingAdd(alias_nodes_, n.tree_nodes);
        alias_bytes_ = SaturatingAdd(alias_bytes_, n.tree_bytes);
        if (alias_nodes_ > static_cast<uint64_t>(limits_.max_alias_nodes)) {
          return Limit(line, column,
                       LimitMessage("the number of nodes aliases add to this document is",
                                    Clamp(alias_nodes_), limits_.max_alias_nodes,
                                    "max_alias_nodes"));
        }
        if (alias_bytes_ > static_cast<uint64_t>(limits_.max_alias_bytes)) {
          return Limit(line, column,
                       LimitMessage("the text aliases add to this document is",
                                    Clamp(alias_bytes_), limits_.max_alias_bytes,
                                    "max_alias_bytes"));
        }
        return Attach(target);
      }
      default:
        return true;
    }
  }

  static int64_t Clamp(uint64_t v) {
    return v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(v);
  }

  int32_t NewNode(YamlKind kind, int line, int column, absl::string_view tag) {
    YamlNode n;
    n.kind = kind;
    n.plain = false;
    n.line = line;
    n.column = column;
    n.tag_begin = doc_.text_.size();
    n.tag_size = tag.size();
    doc_.text_.append(tag.data(), tag.size());
    doc_.nodes_.push_back(n);
    complete_.push_back(0);
    return static_cast<int32_t>(doc_.nodes_.size() - 1);
  }

  void Anchor(const yaml_char_t* anchor, int32_t index) {
    if (anchor != nullptr) anchors_[std::string(AsView(anchor))] = index;
  }

  bool Attach(int32_t index) {
    if (open_.empty()) {
      doc_.root_ = index;
    } else {
      open_.back().children.push_back(index);
    }
    return true;
  }

  bool ParserError(const yaml_parser_t& parser) {
    absl::string_view problem = parser.problem != nullptr ? parser.problem : "cannot parse";
    switch (parser.error) {
      case YAML_MEMORY_ERROR:
        return Fail(0, 0, "cannot read YAML: out of memory");
      case YAML_READER_ERROR: {
        int line = 0;
        int column = 0;
        LineAndColumn(text_, parser.problem_offset, &line, &column);
        std::string message = absl::StrCat("syntax error: ", problem);
        if (parser.problem_value >= 0) {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "%02X", parser.problem_value & 0xFF);
          absl::StrAppend(&message, " (byte 0x", hex, ")");
        }
        return Fail(line, column, std::move(message));
      }
      default: {
        std::string message = absl::StrCat("syntax error: ", problem);
        if (parser.context != nullptr) {
          const bool elsewhere = parser.context_mark.line != parser.problem_mark.line ||
                                 parser.context_mark.column != parser.problem_mark.column;
          absl::StrAppend(&message, " (", parser.context);
          if (elsewhere) {
            absl::StrAppend(&message, " that starts at line ", parser.context_mark.line + 1,
                            ", column ", parser.context_mark.column + 1);
          }
          absl::StrAppend(&message, ")");
        }
        return Fail(static_cast<int>(parser.problem_mark.line) + 1,
                    static_cast<int>(parser.problem_mark.column) + 1, std::move(message));
      }
    }
  }

  bool Fail(int line, int column, std::string message) {
    *error_ = YamlError{.line = line, .column = column, .message = std::move(message)};
    return false;
  }

  bool Limit(int line, int column, std::string message) {
    *error_ = YamlError{
        .line = line, .column = column, .message = std::move(message), .over_limit = true};
    return false;
  }

  absl::string_view text_;
  const Limits& limits_;
  std::vector<YamlDocument>* out_;
  YamlError* error_;

  YamlDocument doc_;
  std::vector<Open> open_;
  absl::flat_hash_map<std::string, int32_t> anchors_;
  std::vector<uint8_t> complete_;  // Per node of doc_.
  int64_t documents_ = 0;
  uint64_t alias_nodes_ = 0;
  uint64_t alias_bytes_ = 0;
};

bool ParseYamlStream(absl::string_view text, const Limits& limits,
                     std::vector<YamlDocument>* documents, YamlError* error) {
  return YamlBuilder(text, limits, documents, error).Run();
}

void LineAndColumn(absl::string_view text, size_t offset, int* line, int* column) {
  offset = std::min(offset, text.size());
  int l = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++l;
      line_start = i + 1;
    }
  }
  int c = 1;
  for (size_t i = line_start; i < offset; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++c;
  }
  *line = l;
  *column = c;
}

int64_t JsonNestingDepth(absl::string_view text, int64_t stop_above, size_t* offset) {
  int64_t depth = 0;
  int64_t deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) {
        deepest = depth;
        if (offset != nullptr) *offset = i;
        if (deepest > stop_above) return deepest;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace strata::yaml_internal
