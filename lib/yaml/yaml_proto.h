// The loader's YAML -> protobuf walk, for callers that want the proto itself
// (the proto round-trip test, and any front end that receives YAML but
// forwards strata.v1 messages).

#ifndef STRATA_YAML_YAML_PROTO_H_
#define STRATA_YAML_YAML_PROTO_H_

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "strata/documents.h"

namespace strata::yaml_internal {

// Returns whether a repeated field of message type `d` is written as a YAML
// mapping from the message's first field (the key) to its second field
// (KeyValue, ConfigOverride). The one place this rule lives: the loader
// reads such fields this way and the CRD schemas (lib/crd) describe them so.
bool IsKeyedEntry(const google::protobuf::Descriptor* d);

// Fills `message` from the single YAML or JSON document in `source` with the
// loader's rules (keys are json_names, unknown keys and wrong types are
// errors, keyed entries are mappings). Returns OK, or InvalidArgument carrying
// a Diagnostic per problem. When `source_map` is not null, records where each
// field was written. Does not convert or check values (see lib/proto).
[[nodiscard]] absl::Status ParseYamlInto(const Source& source, google::protobuf::Message* message,
                                         SourceMap* source_map = nullptr);

}  // namespace strata::yaml_internal

#endif  // STRATA_YAML_YAML_PROTO_H_
