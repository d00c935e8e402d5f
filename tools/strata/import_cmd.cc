// strata import kubedirector FILE... [-o yaml|json]
// strata import manifests FILE... --app NAME --cluster NAME [--namespace N] [-o yaml|json]
// Thin: reads the files, calls ImportKubeDirector / ImportManifests, prints
// the documents on stdout and the warnings on stderr.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "strata/import.h"

namespace strata::cli {
namespace {

int Print(const absl::StatusOr<ImportResult>& result, const std::string& format) {
  if (!result.ok()) {
    PrintStatus(result.status(), std::cerr);
    return kExitInvalid;
  }
  PrintDiagnostics(result->warnings, std::cerr);
  std::cout << (format == "json" ? ImportToJson(*result) : ImportToYaml(*result));
  return kExitOk;
}

}  // namespace

Command AddImportCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Turn what runs today into App and Cluster documents: KubeDirector catalogs "
      "(kubedirector) or StatefulSets with their Services, ConfigMaps and PDBs "
      "(manifests). What cannot be carried over is printed as warnings and written "
      "as comments. See docs/migrating.md.");
  cmd->require_subcommand(1);
  auto format = std::make_shared<std::string>("yaml");

  CLI::App* kd = cmd->add_subcommand(
      "kubedirector",
      "KubeDirectorApp (and KubeDirectorCluster) documents -> an App (and Clusters).");
  auto kd_files = std::make_shared<std::vector<std::string>>();
  kd->add_option("FILE", *kd_files, "YAML or JSON files; '-' reads standard input")->required();
  kd->add_option("-o,--output", *format, "yaml (with comments) or json")
      ->check(CLI::IsMember({"yaml", "json"}));

  CLI::App* mf = cmd->add_subcommand(
      "manifests",
      "StatefulSets with their Services, ConfigMaps and PDBs (Helm output or hand-written) "
      "-> one App and one Cluster, a role per StatefulSet, keeping claim names and, for a "
      "StatefulSet named <cluster>-<role>, its name: planning then adopts the running pods "
      "and volumes (labels them, replaces the StatefulSet, rolls members one at a time); for "
      "a StatefulSet of another name, whose claims cannot follow, plan refuses.");
  auto mf_files = std::make_shared<std::vector<std::string>>();
  auto options = std::make_shared<ManifestImportOptions>();
  mf->add_option("FILE", *mf_files, "YAML or JSON files; '-' reads standard input")->required();
  mf->add_option("--app", options->app, "the App's name")->required();
  mf->add_option("--cluster", options->cluster, "the Cluster's name")->required();
  mf->add_option("--namespace", options->namespace_,
                 "the Cluster's namespace (default: the objects' namespace, else default)");
  mf->add_option("-o,--output", *format, "yaml (with comments) or json")
      ->check(CLI::IsMember({"yaml", "json"}));

  return [kd, mf, kd_files, mf_files, options, format]() {
    bool kubedirector = kd->parsed();
    std::optional<std::vector<Source>> sources =
        ReadSources(kubedirector ? *kd_files : *mf_files, std::cerr);
    if (!sources) return kExitInvalid;
    if (kubedirector) return Print(ImportKubeDirector(*sources), *format);
    (void)mf;
    return Print(ImportManifests(*sources, *options), *format);
  };
}

}  // namespace strata::cli
