#include "util/did_you_mean.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace strata::util_internal {

int EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> ClosestName(absl::string_view name,
                                       const std::vector<std::string>& names) {
  std::optional<std::string> best;
  int best_distance = std::min<int>(3, static_cast<int>(name.size()));
  for (const std::string& candidate : names) {
    // A length difference alone already costs that many edits.
    int gap = static_cast<int>(candidate.size()) - static_cast<int>(name.size());
    if (std::abs(gap) >= best_distance) continue;
    int d = EditDistance(name, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string ListNames(const std::vector<std::string>& names, size_t limit) {
  if (names.size() <= limit) return absl::StrJoin(names, ", ");
  std::vector<std::string> head(names.begin(), names.begin() + limit);
  return absl::StrCat(absl::StrJoin(head, ", "), " and ", names.size() - limit, " more");
}

}  // namespace strata::util_internal
