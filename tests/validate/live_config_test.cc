// Tests of which onChange: none files are live (validate/live_config.h): a
// ConfigMap volume is refreshed in running pods only when mounted as a whole
// directory, so a file is live only when its directory can be given to it.

#include "validate/live_config.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "strata/config_file.h"
#include "strata/role.h"
#include "strata/storage.h"

namespace strata::validate_internal {
namespace {

ConfigFile File(const std::string& path, OnChange on_change) {
  ConfigFile f;
  f.path = path;
  f.on_change = on_change;
  return f;
}

TEST(LiveConfigTest, DirectoryOf) {
  EXPECT_EQ(DirectoryOf("/conf/a.txt"), "/conf");
  EXPECT_EQ(DirectoryOf("/etc/zk/dyn/servers.txt"), "/etc/zk/dyn");
  EXPECT_EQ(DirectoryOf("/a.txt"), "/");
  EXPECT_EQ(DirectoryOf("relative"), "/");
}

TEST(LiveConfigTest, ANoneFileAloneInItsDirectoryIsLive) {
  Role role;
  role.config = {File("/conf/live/servers.txt", OnChange::kNone),
                 File("/conf/live/other.txt", OnChange::kNone),
                 File("/conf/zoo.cfg", OnChange::kRestart)};
  EXPECT_EQ(WhyNotLive(role, 0), "");
  EXPECT_EQ(WhyNotLive(role, 1), "");
  EXPECT_EQ(WhyNotLive(role, 2), "onChange: restart");
}

TEST(LiveConfigTest, SaysWhyAFileCannotBeLive) {
  Role role;
  role.config = {File("/a.txt", OnChange::kNone), File("conf/b.txt", OnChange::kNone)};
  EXPECT_EQ(WhyNotLive(role, 0), "it lies directly in /");
  EXPECT_EQ(WhyNotLive(role, 1), "its path is invalid");

  role.config = {File("/conf/live.txt", OnChange::kNone), File("/conf/zoo.cfg", OnChange::kRestart)};
  EXPECT_EQ(WhyNotLive(role, 0), "its directory /conf also holds /conf/zoo.cfg (onChange: restart)");

  role.config = {File("/conf/a.txt", OnChange::kNone), File("/conf/sub/b.txt", OnChange::kNone)};
  EXPECT_EQ(WhyNotLive(role, 0),
            "its directory /conf holds the live file /conf/sub/b.txt in a directory below");
  EXPECT_EQ(WhyNotLive(role, 1), "");  // The deeper one has its directory to itself.

  role.config = {File("/data/conf/a.txt", OnChange::kNone)};
  Storage data;
  data.name = "data";
  data.mount_path = "/data/conf/cache";
  role.storage = {data};
  EXPECT_EQ(WhyNotLive(role, 0), "its directory /data/conf holds the storage mount /data/conf/cache");
  role.storage[0].mount_path = "/data";  // Above the directory: fine.
  EXPECT_EQ(WhyNotLive(role, 0), "");
}

}  // namespace
}  // namespace strata::validate_internal
