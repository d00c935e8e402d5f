#include "compile/hash.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace strata::compile_internal {

std::string Hex16(uint64_t h) { return absl::StrFormat("%016x", h); }

void CanonicalWriter::Field(absl::string_view name, absl::string_view value) {
  absl::StrAppend(&out_, name, "=", value.size(), ":", value, "\n");
}

void CanonicalWriter::Field(absl::string_view name, int64_t value) {
  Field(name, absl::StrCat(value));
}

void CanonicalWriter::Begin(absl::string_view name) {
  absl::StrAppend(&out_, name, "{\n");
}

void CanonicalWriter::End() { out_ += "}\n"; }

}  // namespace strata::compile_internal
