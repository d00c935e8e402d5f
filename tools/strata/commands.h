// The strata CLI's subcommands. Each Add*Command registers one subcommand on
// `app` and returns a callback main() runs when it was chosen; the callback
// returns the process exit code (SPEC §5: 0 ok, 1 invalid input, 2 usage,
// 3 `plan --exit-code` with a non-empty plan; SPEC-2 §6 adds 3 blocked / not
// converged, 4 `apply --timeout`, 5 cannot reach or use the cluster, 130
// interrupted).

#ifndef STRATA_TOOLS_STRATA_COMMANDS_H_
#define STRATA_TOOLS_STRATA_COMMANDS_H_

#include <functional>

#include <CLI/CLI.hpp>

namespace strata::cli {

using Command = std::function<int()>;

Command AddValidateCommand(CLI::App& app);
// strata simulate FILE... [--observed FILE] [--faults SPEC] [-o text|json].
Command AddSimulateCommand(CLI::App& app);
Command AddPlanCommand(CLI::App& app);

// `strata compile FILE... [-o yaml|json] [--out-dir DIR]` (compile_cmd.cc).
Command AddCompileCommand(CLI::App& app);

// `strata rbac FILE... [--service-account SA] [-o yaml|json]` and
// `strata rbac --operator [--operator-namespace N]` (rbac_cmd.cc).
Command AddRbacCommand(CLI::App& app);

// `strata import kubedirector|manifests FILE...` (import_cmd.cc).
Command AddImportCommand(CLI::App& app);

// `strata crds [-o yaml|json]` (crds_cmd.cc).
Command AddCrdsCommand(CLI::App& app);

// `strata observe FILE... [--kubeconfig F] [--context C] [-o yaml|json]`
// (observe_cmd.cc).
Command AddObserveCommand(CLI::App& app);

// `strata status FILE... [--kubeconfig F] [--context C] [-o text|json]`
// (status_cmd.cc).
Command AddStatusCommand(CLI::App& app);

// `strata apply FILE... [--kubeconfig F] [--context C] [--timeout 30m] [--once]
// [--dry-run=server] [--approve TOKEN] [-o text|json]` (apply_cmd.cc).
Command AddApplyCommand(CLI::App& app);

}  // namespace strata::cli

#endif  // STRATA_TOOLS_STRATA_COMMANDS_H_
