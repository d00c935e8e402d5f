// IsKeyedEntry (yaml_proto.h): which repeated messages YAML writes as mappings.

#include "google/protobuf/descriptor.h"
#include "yaml/yaml_proto.h"

namespace strata::yaml_internal {

bool IsKeyedEntry(const google::protobuf::Descriptor* d) {
  return d->full_name() == "strata.v1.KeyValue" ||
         d->full_name() == "strata.v1.ConfigOverride";
}

}  // namespace strata::yaml_internal
