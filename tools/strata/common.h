// Helpers shared by the strata subcommands: reading FILE... arguments into
// Sources, loading and resolving them, and printing diagnostics the way
// every subcommand does (one Diagnostic::ToString() per line on stderr).
//
// Example (a subcommand callback):
//   int rc = kExitOk;
//   std::optional<Prepared> input = ReadAndPrepare(files, {}, std::cerr, &rc);
//   if (!input) return rc;
//   for (const Topology& t : input->topologies) ...

#ifndef STRATA_TOOLS_STRATA_COMMON_H_
#define STRATA_TOOLS_STRATA_COMMON_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "strata/compile.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/limits.h"
#include "strata/pipeline.h"

namespace strata::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

// The source name used for standard input ('-').
inline constexpr char kStdinName[] = "<stdin>";

// The input limits of this run (strata/limits.h): defaults, raised by the
// --max-* flags AddLimitFlags() adds. Every read, load, compile and
// observed-state parse of the CLI uses them.
Limits& RunLimits();

// Adds --max-file-size, --max-alias-bytes, --max-alias-nodes, --max-nesting,
// --max-documents, --max-members and --max-config-map-size to `app` (the
// top-level app, whose options subcommands fall through to).
void AddLimitFlags(CLI::App& app);

// Returns the contents of `paths` in order ('-' reads standard input once,
// named "<stdin>"; other sources are named by the path as given), or prints
// "FILE: cannot read: <strerror>" to `err` for every unreadable file and
// returns nullopt. A file over RunLimits().max_file_size is not read: its
// limit error is printed instead.
std::optional<std::vector<Source>> ReadSources(const std::vector<std::string>& paths,
                                               std::ostream& err);

// Returns the text of `path` ('-' = standard input) or prints
// "FILE: cannot read: <strerror>" to `err` and returns nullopt. For flags such
// as `--observed FILE|-`.
std::optional<std::string> ReadFileOrStdin(const std::string& path, std::ostream& err);

// Writes `content` to `path` whole or not at all: a temporary file next to it,
// flushed to the device, then renamed over it. On failure prints
// "FILE: cannot write: <strerror>" to `err`, leaves `path` as it was and
// returns false.
bool WriteFileAtomically(const std::string& path, const std::string& content,
                         std::ostream& err);

// Prints each diagnostic's ToString() on its own line, in the given order.
void PrintDiagnostics(const std::vector<Diagnostic>& diagnostics, std::ostream& err);

// Prints the diagnostics a failed status carries (DiagnosticsFromStatus),
// one per line. Prints nothing for OK.
void PrintStatus(const absl::Status& status, std::ostream& err);

// The exit code for a failed core status: kExitUsage when the command's
// Cluster choice is wrong (NotFound, FailedPrecondition from Prepare()),
// kExitInvalid otherwise.
int ExitCodeOf(const absl::Status& status);

// Returns the prepared input (strata/pipeline.h) after printing its warnings
// to `err`; or prints every error (and warning) to `err`, sets `*exit_code`
// (ExitCodeOf) and returns nullopt.
std::optional<Prepared> PrepareSources(const std::vector<Source>& sources,
                                       const PrepareOptions& options, std::ostream& err,
                                       int* exit_code);

// ReadSources then PrepareSources (an unreadable file: kExitInvalid).
std::optional<Prepared> ReadAndPrepare(const std::vector<std::string>& paths,
                                       const PrepareOptions& options, std::ostream& err,
                                       int* exit_code);

// ReadAndPrepare then CompileAll: every selected Cluster compiled, or
// nullopt after printing why (Compile's errors located in the App's file)
// with `*exit_code` set.
std::optional<std::vector<CompiledCluster>> ReadAndCompile(const std::vector<std::string>& paths,
                                                           const PrepareOptions& options,
                                                           std::ostream& err, int* exit_code);

}  // namespace strata::cli

#endif  // STRATA_TOOLS_STRATA_COMMON_H_
