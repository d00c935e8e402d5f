#include "validate/live_config.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace strata::validate_internal {
namespace {

bool IsWithin(const std::string& path, const std::string& dir) {
  return dir == "/" || path == dir || absl::StartsWith(path, absl::StrCat(dir, "/"));
}

}  // namespace

std::string DirectoryOf(const std::string& file) {
  size_t slash = file.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : file.substr(0, slash);
}

std::string WhyNotLive(const Role& role, size_t index) {
  const ConfigFile& file = role.config[index];
  if (file.on_change != OnChange::kNone) return "onChange: restart";
  if (file.path.empty() || file.path.front() != '/') return "its path is invalid";
  const std::string dir = DirectoryOf(file.path);
  if (dir == "/") return "it lies directly in /";
  for (const ConfigFile& other : role.config) {
    if (other.path.empty() || !IsWithin(other.path, dir)) continue;
    if (other.on_change != OnChange::kNone) {
      return absl::StrCat("its directory ", dir, " also holds ", other.path,
                          " (onChange: restart)");
    }
    if (DirectoryOf(other.path) != dir) {
      return absl::StrCat("its directory ", dir, " holds the live file ", other.path,
                          " in a directory below");
    }
  }
  for (const Storage& s : role.storage) {
    if (!s.mount_path.empty() && IsWithin(s.mount_path, dir)) {
      return absl::StrCat("its directory ", dir, " holds the storage mount ", s.mount_path);
    }
  }
  return "";
}

}  // namespace strata::validate_internal
