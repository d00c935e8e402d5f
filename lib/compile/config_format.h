// Config files rendered in their format (SPEC §1.1 config, §3).

#ifndef STRATA_COMPILE_CONFIG_FORMAT_H_
#define STRATA_COMPILE_CONFIG_FORMAT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "strata/config_file.h"

namespace strata::compile_internal {

// Returns the file content of `format` holding `data` (keys and already
// rendered values, in order) or, for `text`, `text` itself. Fails with
// InvalidArgument when a key or value cannot be written in the format (an
// ini key with '=', a control character in XML, an env name that is not an
// identifier). The escaping rules are in lib/compile/README.md.
absl::StatusOr<std::string> FormatConfig(ConfigFormat format,
                                         const OrderedStringMap& data,
                                         const std::string& text);

// Returns the ConfigMap key of each path, in order: the path without its
// leading '/', '/' replaced by '-', every other character outside
// [-._a-zA-Z0-9] by '_' ("/conf/zoo.cfg" -> "conf-zoo.cfg"). A key that
// would repeat an earlier one, be "." or "..", or exceed 253 characters gets
// "-<8 hex of FNV-1a 64 of the path>" appended (after truncation to fit).
std::vector<std::string> ConfigMapKeys(const std::vector<std::string>& paths);

// The format's SPEC name ("hadoop-xml").
const char* ConfigFormatName(ConfigFormat format);

}  // namespace strata::compile_internal

#endif  // STRATA_COMPILE_CONFIG_FORMAT_H_
