// strata/limits.h: the one wording of a limit violation.

#include "strata/limits.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace strata {

std::string LimitMessage(absl::string_view what, int64_t value, int64_t limit,
                         absl::string_view name) {
  std::string flag = absl::StrReplaceAll(name, {{"_", "-"}});
  return absl::StrCat(what, " ", value, ", over the limit of ", limit, " (", name,
                      "); raise it with --", flag, " (Python ", name,
                      "=, gRPC Input.limits.", name, ")");
}

absl::Status CheckLimits(const Limits& limits) {
  const std::pair<const char*, int64_t> fields[] = {
      {"max_file_size", limits.max_file_size},
      {"max_alias_bytes", limits.max_alias_bytes},
      {"max_alias_nodes", limits.max_alias_nodes},
      {"max_nesting", limits.max_nesting},
      {"max_documents", limits.max_documents},
      {"max_members", limits.max_members},
      {"max_config_map_size", limits.max_config_map_size},
  };
  for (const auto& [name, value] : fields) {
    if (value <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("limit ", name, " must be positive, got ", value));
    }
  }
  return absl::OkStatus();
}

}  // namespace strata
