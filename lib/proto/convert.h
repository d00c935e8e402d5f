// Conversion between the wire/input schema (strata.v1 protos of
// proto/strata/v1/topology.proto) and the model value types (strata/app.h,
// strata/cluster.h). This is the only conversion layer: the loader, the gRPC
// service and the Python bindings all go through it.
//
// FromProto parses what the schema keeps as text (quantities, cardinalities,
// enum names, maxUnavailable, port references) and reports each malformed
// value as a Diagnostic located with `where`. ToProto writes the canonical
// form: defaults are left unset, so ToProto(FromProto(p)) == p for a document
// that does not spell out default values.
//
// Example:
//   absl::StatusOr<App> app = FromProto(proto_app, {.file = "kafka.yaml"});
//   v1::App back = ToProto(*app);

#ifndef STRATA_PROTO_CONVERT_H_
#define STRATA_PROTO_CONVERT_H_

#include <string>

#include "absl/status/statusor.h"
#include "strata/app.h"
#include "strata/cluster.h"
#include "strata/documents.h"
#include "strata/v1/topology.pb.h"

namespace strata {

// Where a proto came from, so conversion errors carry FILE:LINE:COL.
struct ProtoSource {
  std::string file;                  // Source name; empty when unknown.
  int document = 0;                  // 0-based document index in `file`.
  const SourceMap* source = nullptr; // Locations by field path; may be null.
};

// Returns the App `proto` describes, or InvalidArgument carrying a Diagnostic
// (strata/diagnostic.h) per problem: apiVersion not "strata.dev/v1", kind not
// "App", missing metadata.name, malformed quantities, cardinalities, enum
// names, maxUnavailable or port references, a missing cardinality, storage
// size or config format, and handlers with two actions.
[[nodiscard]] absl::StatusOr<App> FromProto(const v1::App& proto,
                                            const ProtoSource& where = {});

// Returns the Cluster `proto` describes, or InvalidArgument as above.
[[nodiscard]] absl::StatusOr<Cluster> FromProto(const v1::Cluster& proto,
                                                const ProtoSource& where = {});

// A conversion that keeps what converted when something did not: each
// malformed field is left at its default and reported in `status`, so the
// pipeline can still check the rest of the document (one pass reports every
// error a file has). FromProto() is this with the value dropped on error.
template <typename T>
struct Converted {
  T value;
  absl::Status status;  // As FromProto() returns it.
};
[[nodiscard]] Converted<App> ConvertApp(const v1::App& proto, const ProtoSource& where = {});
[[nodiscard]] Converted<Cluster> ConvertCluster(const v1::Cluster& proto,
                                                const ProtoSource& where = {});

// Returns the canonical proto of `app` (apiVersion and kind set, defaults
// unset).
v1::App ToProto(const App& app);

// Returns the canonical proto of `cluster`.
v1::Cluster ToProto(const Cluster& cluster);

}  // namespace strata

#endif  // STRATA_PROTO_CONVERT_H_
