// strata crds: the App and Cluster CustomResourceDefinitions (SPEC-2 §7;
// strata/crd.h), generated from topology.proto. deploy/crds/ holds them.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "commands.h"
#include "common.h"
#include "strata/crd.h"
#include "strata/emit.h"

namespace strata::cli {
namespace {

int RunCrds(const std::string& output) {
  absl::StatusOr<std::vector<Object>> crds = CustomResourceDefinitions();
  if (!crds.ok()) {
    std::cerr << "strata crds: " << crds.status().message() << "\n";
    return kExitInvalid;
  }
  std::cout << (output == "json" ? ToJsonList(*crds) : ToYaml(*crds));
  std::cout.flush();
  return std::cout.good() ? kExitOk : kExitInvalid;
}

}  // namespace

Command AddCrdsCommand(CLI::App& app) {
  auto output = std::make_shared<std::string>("yaml");
  CLI::App* cmd = app.add_subcommand(
      "crds",
      "Print the App and Cluster CustomResourceDefinitions (group strata.dev, version v1) "
      "that strata-operator serves, their schemas generated from topology.proto.");
  cmd->add_option("-o,--output", *output, "Output format: yaml (default) or json")
      ->check(CLI::IsMember({"yaml", "json"}));
  return [output] { return RunCrds(*output); };
}

}  // namespace strata::cli
