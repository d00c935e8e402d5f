// Helpers shared by the strata subcommands: reading FILE... arguments into
// Sources, loading and resolving them, and printing diagnostics the way
// every subcommand does (one Diagnostic::ToString() per line on stderr).
//
// Example (a subcommand callback):
//   std::optional<std::vector<Source>> sources = ReadSources(files, std::cerr);
//   if (!sources) return kExitInvalid;
//   std::optional<Loaded> loaded = LoadAndResolve(*sources, std::cerr);
//   if (!loaded) return kExitInvalid;
//   for (const Topology& t : loaded->topologies) ...

#ifndef STRATA_TOOLS_STRATA_COMMON_H_
#define STRATA_TOOLS_STRATA_COMMON_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "strata/compile.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/validate.h"

namespace strata::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

// The source name used for standard input ('-').
inline constexpr char kStdinName[] = "<stdin>";

// Returns the contents of `paths` in order ('-' reads standard input once,
// named "<stdin>"; other sources are named by the path as given), or prints
// "FILE: cannot read: <strerror>" to `err` for every unreadable file and
// returns nullopt.
std::optional<std::vector<Source>> ReadSources(const std::vector<std::string>& paths,
                                               std::ostream& err);

// Returns the text of `path` ('-' = standard input) or prints
// "FILE: cannot read: <strerror>" to `err` and returns nullopt. For flags such
// as `--observed FILE|-`.
std::optional<std::string> ReadFileOrStdin(const std::string& path, std::ostream& err);

// Prints each diagnostic's ToString() on its own line, in the given order.
void PrintDiagnostics(const std::vector<Diagnostic>& diagnostics, std::ostream& err);

// Prints the diagnostics a failed status carries (DiagnosticsFromStatus),
// one per line. Prints nothing for OK.
void PrintStatus(const absl::Status& status, std::ostream& err);

// Loaded, checked input.
struct Loaded {
  Documents documents;
  std::vector<Topology> topologies;  // One per Cluster, in source order.
  std::vector<Diagnostic> warnings;  // Sorted; already printed.
};

// Returns the loaded documents, their topologies and warnings, after printing
// the warnings to `err`; or prints every error (and warning) to `err` and
// returns nullopt (exit code kExitInvalid).
std::optional<Loaded> LoadAndResolve(const std::vector<Source>& sources, std::ostream& err);

// ReadSources then LoadAndResolve.
std::optional<Loaded> ReadAndResolve(const std::vector<std::string>& paths, std::ostream& err);

// Returns every Cluster of `loaded` compiled (the one named `cluster` when
// not empty), or prints why not (Compile's errors located in the App's
// file; "no Cluster" and an unknown --cluster named) to `err` and returns
// nullopt with `*exit_code` set (kExitInvalid, or kExitUsage for an unknown
// --cluster). `command` prefixes the messages ("strata apply").
std::optional<std::vector<CompiledCluster>> CompileClusters(const Loaded& loaded,
                                                             const std::string& cluster,
                                                             const std::string& command,
                                                             std::ostream& err, int* exit_code);

}  // namespace strata::cli

#endif  // STRATA_TOOLS_STRATA_COMMON_H_
