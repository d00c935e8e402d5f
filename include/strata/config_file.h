// strata/config_file.h: configuration files rendered into a role's ConfigMap.
//
// A ConfigFile is either structured (`data`: an ordered map of keys to
// Mustache templates, rendered in `format`) or free text (`template`, format
// `text`). A Cluster may override keys of structured files. `on_change` says
// whether members restart when the rendered content changes.
//
// Example:
//   ConfigFile zoo{.path = "/conf/zoo.cfg", .format = ConfigFormat::kProperties};
//   zoo.data = {{"tickTime", "2000"},
//               {"clientPort", "{{roles.zookeeper.ports.client}}"}};

#ifndef STRATA_CONFIG_FILE_H_
#define STRATA_CONFIG_FILE_H_

#include <string>
#include <utility>
#include <vector>

namespace strata {

enum class ConfigFormat { kProperties, kHadoopXml, kYaml, kJson, kIni, kEnv, kText };
enum class OnChange { kRestart, kNone };

// An ordered list of (key, template) pairs; order is the order written.
using OrderedStringMap = std::vector<std::pair<std::string, std::string>>;

struct ConfigFile {
  std::string path;  // Required. Absolute file path; unique within the role.
  ConfigFormat format = ConfigFormat::kText;  // Required.
  OnChange on_change = OnChange::kRestart;    // Default restart.
  // Structured formats: keys to templates. For `ini`, a key "section.key"
  // puts `key` under `[section]`. Must be empty for `text`.
  OrderedStringMap data;
  // `text` only: the whole file as a template.
  std::string template_text;

  bool operator==(const ConfigFile&) const = default;
};

}  // namespace strata

#endif  // STRATA_CONFIG_FILE_H_
