// The topology.proto descriptor set with its comments (protoc
// --include_source_info), embedded by the build (cmake/embed_file.cmake):
// the CRD generator reads the proto's structure and documentation from it.

#ifndef STRATA_CRD_DESCRIPTOR_SET_H_
#define STRATA_CRD_DESCRIPTOR_SET_H_

#include <cstddef>

namespace strata::crd_internal {

// A serialized google.protobuf.FileDescriptorSet holding topology.proto.
extern const unsigned char kTopologyDescriptorSet[];
extern const size_t kTopologyDescriptorSetSize;

}  // namespace strata::crd_internal

#endif  // STRATA_CRD_DESCRIPTOR_SET_H_
