#include "kube/names.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace strata::kube {

std::optional<int32_t> OrdinalOf(absl::string_view pod_name, absl::string_view stateful_set) {
  if (pod_name.size() < stateful_set.size() + 2) return std::nullopt;
  if (pod_name.substr(0, stateful_set.size()) != stateful_set) return std::nullopt;
  if (pod_name[stateful_set.size()] != '-') return std::nullopt;
  absl::string_view digits = pod_name.substr(stateful_set.size() + 1);
  if (digits.size() > 9) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;  // "-01"
  int32_t ordinal;
  if (!absl::SimpleAtoi(digits, &ordinal)) return std::nullopt;
  return ordinal;
}

std::string PodName(absl::string_view stateful_set, int32_t ordinal) {
  return absl::StrCat(stateful_set, "-", ordinal);
}

std::string PvcName(absl::string_view claim, absl::string_view stateful_set, int32_t ordinal) {
  return absl::StrCat(claim, "-", stateful_set, "-", ordinal);
}

}  // namespace strata::kube
