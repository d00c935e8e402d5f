// What the two importers share: reading the inputs into JSON documents (with
// List items flattened), reporting problems with file, line and field, and
// turning foreign names into the names strata accepts.

#ifndef STRATA_IMPORT_IMPORT_INTERNAL_H_
#define STRATA_IMPORT_IMPORT_INTERNAL_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/json.h"

namespace strata::import_internal {

// One Kubernetes-style object of the input: a document, or an item of a
// `kind: List` document.
struct InputObject {
  std::string file;
  int document = 0;
  int line = 0;      // Where the object starts; 0 when unknown.
  std::string path;  // "" for a document, "items[3]" for a List item.
  Json value;

  std::string Kind() const;
  std::string Name() const;  // metadata.name, or "".
  std::string Namespace() const;
  // "KIND NAME (FILE:LINE)", for messages.
  std::string Describe() const;
};

// Returns the objects of `sources` in order, List items flattened, or
// InvalidArgument for text that is neither YAML nor JSON, for a document that
// is not a mapping, and for empty input.
absl::StatusOr<std::vector<InputObject>> ReadObjects(const std::vector<Source>& sources);

// Collects warnings and errors, each at an object and a field path under it.
class Reporter {
 public:
  void Warn(const InputObject& at, absl::string_view field, std::string message);
  void Error(const InputObject& at, absl::string_view field, std::string message);

  bool has_errors() const;
  // OK, or InvalidArgument carrying every error (and the warnings).
  absl::Status Status() const;
  std::vector<Diagnostic> TakeWarnings();

 private:
  void Add(Diagnostic::Severity severity, const InputObject& at, absl::string_view field,
           std::string message);
  std::vector<Diagnostic> diagnostics_;
};

// Returns `object[key]` when `object` is a mapping holding `key`, else null.
const Json* Get(const Json& object, absl::string_view key);
// Returns the string at `key`, or "" when absent or not a string.
std::string GetString(const Json& object, absl::string_view key);
// Returns a scalar at `key` as text (numbers printed), or "".
std::string GetScalarText(const Json& object, absl::string_view key);

// Returns `name` as a DNS-1035 label strata accepts for app, cluster and
// role names: lower case, [a-z0-9-], starting with a letter, no leading,
// trailing or double '-', at most `limit` characters. `fallback` is used
// when nothing of `name` is left.
std::string DnsLabel(absl::string_view name, absl::string_view fallback, size_t limit = 63);

// Returns `name` as an IANA service name (a port name): at most 15
// characters of [a-z0-9-], at least one letter, no leading, trailing or
// double '-', and not in `taken` (a suffix "-2", "-3"... makes it unique);
// inserts the result into `taken`.
std::string PortName(absl::string_view name, std::set<std::string>& taken);

// Returns a DNS-1123 label for a directory (a storage name): "/var/lib/x" ->
// "var-lib-x", "/" -> "root"; unique within `taken` (which it updates).
std::string StorageNameForPath(absl::string_view path, std::set<std::string>& taken);

// True when `value` is a valid Kubernetes label value (<= 63 characters of
// alphanumerics, '-', '_', '.', beginning and ending alphanumeric, or empty).
bool IsLabelValue(absl::string_view value);

// A YAML comment block: each line of `lines` behind "# " (long lines are not
// wrapped).
std::string CommentBlock(const std::vector<std::string>& lines);

}  // namespace strata::import_internal

#endif  // STRATA_IMPORT_IMPORT_INTERNAL_H_
