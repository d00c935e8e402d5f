// Which config files are "live": onChange: none files that the kubelet keeps
// up to date in running pods. A ConfigMap volume is refreshed in place only
// when it is mounted without subPath, i.e. as a whole directory, so a file is
// live only when its directory can be given to it: not "/", holding no
// onChange: restart file, no storage mount and no other live directory below.
// Other onChange: none files are mounted by subPath from the role's
// content-named ConfigMap like restart files (they change on the member's
// next restart) and validation warns with the reason.

#ifndef STRATA_VALIDATE_LIVE_CONFIG_H_
#define STRATA_VALIDATE_LIVE_CONFIG_H_

#include <cstddef>
#include <string>

#include "strata/role.h"

namespace strata::validate_internal {

// The directory of an absolute file path ("/conf/a.txt" -> "/conf").
std::string DirectoryOf(const std::string& file);

// Empty when role.config[index] is live; otherwise why it is not
// ("onChange: restart" for a restart file).
std::string WhyNotLive(const Role& role, size_t index);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_LIVE_CONFIG_H_
