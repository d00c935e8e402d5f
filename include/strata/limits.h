// strata/limits.h: how much input strata accepts (SPEC-2 §11).
//
// strata runs inside operators and behind a network service, where one hostile
// document must never exhaust the process's memory or stack. Every front end
// (the `strata` CLI, Python, gRPC) passes one Limits through the pipeline; the
// loader enforces the input limits while it parses, before memory is spent,
// validation the members limit, and the compiler the rendered ConfigMap size.
// A violation is an error naming the file, line and limit and how to raise it,
// with status code ResourceExhausted (gRPC RESOURCE_EXHAUSTED; exit 1 in the
// CLI). Each limit is raised by the flag / keyword / field of the same name:
// `--max-file-size`, `max_file_size=`, `Input.limits.max_file_size` (a
// gRPC request up to the server's own `strata-server --max-file-size`).
//
// Example:
//   Limits limits;
//   limits.max_members = 50000;  // A very large role.
//   absl::StatusOr<Documents> docs = Load(sources, limits);
//   if (docs.status().code() == absl::StatusCode::kResourceExhausted) ...

#ifndef STRATA_LIMITS_H_
#define STRATA_LIMITS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace strata {

struct Limits {
  // Largest input text (one file, stdin, one request source), in bytes.
  int64_t max_file_size = int64_t{16} << 20;
  // Most bytes of scalar text that aliases (`*name`) may add to one document
  // by repeating their anchored node.
  int64_t max_alias_bytes = int64_t{1} << 20;
  // Most nodes that aliases may add to one document.
  int64_t max_alias_nodes = 10000;
  // Deepest nesting of mappings and sequences in a YAML or JSON text.
  int64_t max_nesting = 100;
  // Most documents (`---`-separated) in one text.
  int64_t max_documents = 10000;
  // Most members of one role in a Cluster (or implied by its cardinality).
  int64_t max_members = 10000;
  // Largest rendered ConfigMap (its data), in bytes: Kubernetes' object limit.
  int64_t max_config_map_size = int64_t{1} << 20;

  bool operator==(const Limits&) const = default;
};

// The one wording of a limit violation's message, identical in every front
// end: "<what> <value>, over the limit of <limit> (<name>); raise it with
// --<flag> (Python <name>=, gRPC Input.limits.<name>)". `name` is the Limits
// field ("max_file_size").
std::string LimitMessage(absl::string_view what, int64_t value, int64_t limit,
                         absl::string_view name);

// Returns InvalidArgument naming the first field of `limits` that is not
// positive, else OK. Every front end checks the limits it was given.
absl::Status CheckLimits(const Limits& limits);

}  // namespace strata

#endif  // STRATA_LIMITS_H_
