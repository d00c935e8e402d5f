// strata: validate, compile, plan and simulate stateful data-system topologies.
// Thin: each subcommand parses flags, reads files and calls the core.

#include <exception>
#include <iostream>
#include <map>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "common.h"

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
  // Subcommands take the parent's --max-* flags after their own name too.
  app.fallthrough();
  strata::cli::AddLimitFlags(app);
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
    if (it == commands.end()) continue;
    // The CLI's boundary: an exception is a message and exit 1, never an
    // abort (input limits keep memory bounded; this is the last line).
    try {
      return it->second();
    } catch (const std::bad_alloc&) {
      std::cerr << "strata: out of memory; the input is too large (see the --max-* flags)\n";
    } catch (const std::exception& e) {
      std::cerr << "strata: internal error (a bug in strata): " << e.what() << "\n";
    }
    return 1;
  }
  std::cerr << app.help();
  return 2;
}
