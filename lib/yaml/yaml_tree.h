// The project's one YAML parser: libyaml's event API -> a compact tree per
// document, with every node's line and column, inside strata::Limits.
//
// Why libyaml (issue 18, measured against yaml-cpp 0.7, rapidyaml and
// libfyaml on the examples; figures in bench/README.md): it is in Debian and
// well kept, its parser keeps explicit stacks instead of recursing, it has
// none of yaml-cpp 0.7's LoadAll hangs (`,:`), it rejects malformed UTF-8 with
// a position, and its event stream lets this builder count documents, nesting
// and what aliases would expand to BEFORE any memory is spent on them.
//
// An alias does not copy its anchored node: the tree is a DAG whose shared
// nodes are reached once per alias. The builder adds the anchored node's
// whole (expanded) size to the document's alias budget at each alias, so any
// walk of a document visits at most its written nodes plus
// Limits::max_alias_nodes more, and reads at most its text plus
// Limits::max_alias_bytes more. An alias of a node that contains it (a cycle)
// is an error, so every walk ends.
//
// Example:
//   std::vector<YamlDocument> docs;
//   YamlError error;
//   if (!ParseYamlStream(text, limits, &docs, &error)) report(error);
//   for (const YamlDocument& d : docs) Walk(d.root());

#ifndef STRATA_YAML_YAML_TREE_H_
#define STRATA_YAML_YAML_TREE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "strata/limits.h"

namespace strata::yaml_internal {

enum class YamlKind : uint8_t { kNull, kScalar, kSequence, kMapping };

// One node, stored in its YamlDocument. Offsets index the document's arenas.
struct YamlNode {
  YamlKind kind = YamlKind::kNull;
  bool plain = true;  // A scalar written without quotes or block indicator.
  int32_t line = 0;   // 1-based.
  int32_t column = 0;
  size_t value_begin = 0;  // Scalar text.
  size_t value_size = 0;
  size_t tag_begin = 0;  // Explicit tag, resolved ("tag:yaml.org,2002:str").
  size_t tag_size = 0;
  size_t children_begin = 0;  // Items, or key, value, key, value...
  size_t children_size = 0;
  // Nodes and scalar bytes of the subtree with every alias expanded
  // (saturating), for the alias budget.
  uint64_t tree_nodes = 1;
  uint64_t tree_bytes = 0;
};

class YamlDocument;

// A cheap handle to one node of a document (or to nothing: !IsDefined()).
class YamlRef {
 public:
  YamlRef() = default;
  YamlRef(const YamlDocument* doc, int32_t index) : doc_(doc), index_(index) {}

  bool IsDefined() const { return doc_ != nullptr; }
  YamlKind kind() const { return node().kind; }
  // A plain, untagged empty, `~`, `null`, `Null` or `NULL` scalar.
  bool IsNull() const { return IsDefined() && kind() == YamlKind::kNull; }
  bool IsScalar() const { return IsDefined() && kind() == YamlKind::kScalar; }
  bool IsSequence() const { return IsDefined() && kind() == YamlKind::kSequence; }
  bool IsMap() const { return IsDefined() && kind() == YamlKind::kMapping; }
  // The text of a scalar (or of a null: "" or "~"...); empty otherwise.
  absl::string_view Scalar() const;
  // The explicit tag, empty when none was written.
  absl::string_view Tag() const;
  bool IsPlain() const { return node().plain; }
  int line() const { return node().line; }
  int column() const { return node().column; }
  // Items of a sequence, entries of a mapping, 0 otherwise.
  size_t size() const;
  YamlRef Item(size_t i) const { return Child(i); }
  YamlRef Key(size_t i) const { return Child(2 * i); }
  YamlRef Value(size_t i) const { return Child(2 * i + 1); }
  // The value of the first entry whose key is the scalar `key`, or nothing.
  YamlRef Get(absl::string_view key) const;

 private:
  const YamlNode& node() const;
  YamlRef Child(size_t i) const;

  const YamlDocument* doc_ = nullptr;
  int32_t index_ = 0;
};

class YamlDocument {
 public:
  YamlRef root() const { return YamlRef(this, root_); }

 private:
  friend class YamlRef;
  friend class YamlBuilder;

  std::vector<YamlNode> nodes_;
  std::vector<int32_t> children_;
  std::string text_;  // Scalars and tags, back to back.
  int32_t root_ = 0;
};

// Where and why parsing stopped.
struct YamlError {
  int line = 0;  // 1-based; 0 when unknown.
  int column = 0;
  std::string message;     // "syntax error: ..." or a limit's LimitMessage().
  bool over_limit = false;  // A strata::Limits violation (ResourceExhausted).
};

// Parses every document of `text` (YAML 1.1/1.2; JSON is YAML) into
// `documents`. Returns true when the whole stream parsed; otherwise false with
// `error` set, `documents` holding the documents completed before it.
[[nodiscard]] bool ParseYamlStream(absl::string_view text, const Limits& limits,
                                   std::vector<YamlDocument>* documents, YamlError* error);

// Returns the line and column (1-based, in characters) of byte `offset`.
void LineAndColumn(absl::string_view text, size_t offset, int* line, int* column);

// Returns the deepest nesting of `{`/`[` in the JSON `text` (outside
// strings), stopping early once it exceeds `stop_above`; with `offset` set to
// where that depth was reached. Linear, for checking JSON before a parser
// that recurses or allocates per level reads it.
int64_t JsonNestingDepth(absl::string_view text, int64_t stop_above, size_t* offset);

}  // namespace strata::yaml_internal

#endif  // STRATA_YAML_YAML_TREE_H_
