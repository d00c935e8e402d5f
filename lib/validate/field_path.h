// FieldPath: the path of a field within a document, as errors print it.
//
// Modeled on Kubernetes' field.Path: a value type built by appending
// children, indices and map keys, rendered as `spec.roles[2].members`.
// Map keys that are not plain identifiers are rendered quoted in brackets,
// `spec.roles[0].config["/conf/zoo.cfg"].tickTime`, so a path always parses
// back into its segments (ParentPath).
//
// Example:
//   FieldPath p = FieldPath("spec").Child("roles").Index(2).Child("members");
//   p.ToString();  // "spec.roles[2].members"

#ifndef STRATA_VALIDATE_FIELD_PATH_H_
#define STRATA_VALIDATE_FIELD_PATH_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace strata {

class FieldPath {
 public:
  // The empty path: the document itself.
  FieldPath() = default;
  // A path of one field, `name`.
  explicit FieldPath(absl::string_view name) { path_ = std::string(name); }

  // Returns this path followed by the field `name` (`a.name`).
  FieldPath Child(absl::string_view name) const;
  // Returns this path followed by the sequence index `index` (`a[index]`).
  FieldPath Index(int index) const;
  // Returns this path followed by the map key `key`: `a.key` when `key` is a
  // plain identifier (letters, digits, '_', '-'), else `a["key"]`.
  FieldPath Key(absl::string_view key) const;

  const std::string& ToString() const { return path_; }
  bool empty() const { return path_.empty(); }

  bool operator==(const FieldPath&) const = default;

 private:
  std::string path_;
};

// Returns the path one segment shorter than `path` ("a.b[1]" -> "a.b",
// "a" -> ""), or nullopt for the empty path.
std::optional<std::string> ParentPath(absl::string_view path);

}  // namespace strata

#endif  // STRATA_VALIDATE_FIELD_PATH_H_
