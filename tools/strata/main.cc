// strata: validate, compile, plan and simulate stateful data-system topologies.
// Thin: each subcommand parses flags, reads files and calls the core.

#include <iostream>
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "strata: compile stateful data-system topologies (App + Cluster) into "
      "Kubernetes objects and safe reconciliation plans."};
  app.require_subcommand(1);
  app.footer(
      "User reference: docs/README.md in the strata sources (every App and Cluster field, "
      "template variables, STRATA_* environment, config formats, plans, exit codes, "
      "migrating from Helm and KubeDirector).");
  app.set_version_flag("--version", "strata 0.1.0");
  std::map<CLI::App*, strata::cli::Command> commands;
  auto add = [&](strata::cli::Command command) {
    // get_subcommands() without a filter lists only the *parsed* ones.
    commands[app.get_subcommands([](CLI::App*) { return true; }).back()] =
        std::move(command);
  };
  add(strata::cli::AddValidateCommand(app));
  add(strata::cli::AddCompileCommand(app));
  add(strata::cli::AddSimulateCommand(app));
  add(strata::cli::AddPlanCommand(app));
  add(strata::cli::AddApplyCommand(app));
  add(strata::cli::AddObserveCommand(app));
  add(strata::cli::AddStatusCommand(app));
  add(strata::cli::AddRbacCommand(app));
  add(strata::cli::AddImportCommand(app));
  add(strata::cli::AddCrdsCommand(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help/--version and 106+ for errors; SPEC wants 2.
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  for (CLI::App* sub : app.get_subcommands()) {
    auto it = commands.find(sub);
    if (it != commands.end()) return it->second();
  }
  std::cerr << app.help();
  return 2;
}
