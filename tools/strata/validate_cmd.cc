// strata validate FILE...: load and check App and Cluster documents.

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "common.h"

namespace strata::cli {
namespace {

std::string Count(size_t n, absl::string_view singular, absl::string_view plural) {
  return absl::StrCat(n, " ", n == 1 ? singular : plural);
}

}  // namespace

Command AddValidateCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check App and Cluster documents against every rule (SPEC §1.3); print "
      "errors and warnings as FILE:LINE:COL: PATH: message.");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("FILE", *files, "YAML or JSON files; '-' reads standard input")
      ->required();
  return [files]() {
    std::optional<std::vector<Source>> sources = ReadSources(*files, std::cerr);
    if (!sources) return kExitInvalid;
    int rc = kExitOk;
    std::optional<Prepared> loaded =
        PrepareSources(*sources, PrepareOptions{.need_cluster = false}, std::cerr, &rc);
    if (!loaded) return rc;
    const Documents& docs = loaded->documents;
    std::cout << "ok: " << Count(docs.apps.size() + docs.clusters.size(), "document", "documents")
              << " (" << Count(docs.apps.size(), "App", "Apps") << ", "
              << Count(docs.clusters.size(), "Cluster", "Clusters") << ") in "
              << Count(sources->size(), "file", "files") << "; "
              << Count(loaded->warnings.size(), "warning", "warnings") << "\n";
    return kExitOk;
  };
}

}  // namespace strata::cli
