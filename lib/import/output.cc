// ImportToYaml / ImportToJson: an ImportResult as text.

#include "absl/strings/str_cat.h"
#include "import/import_internal.h"
#include "strata/emit.h"
#include "strata/import.h"

namespace strata {

std::string ImportToYaml(const ImportResult& result) {
  std::string out;
  for (size_t i = 0; i < result.documents.size(); ++i) {
    const ImportedDocument& d = result.documents[i];
    if (i > 0) out += "---\n";
    absl::StrAppend(&out, import_internal::CommentBlock(d.comments), ToYaml(d.body));
  }
  return out;
}

std::string ImportToJson(const ImportResult& result) {
  Json list = Json::array();
  for (const ImportedDocument& d : result.documents) list.push_back(d.body);
  return list.dump(2) + "\n";
}

}  // namespace strata
