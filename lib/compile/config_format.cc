#include "compile/config_format.h"

#include <cstdint>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compile/hash.h"
#include "strata/emit.h"
#include "strata/json.h"
#include "util/fnv.h"

namespace strata::compile_internal {
namespace {

// Decodes UTF-8 into code points; invalid bytes decode as themselves
// (Latin-1), which keeps every input representable.
std::vector<uint32_t> CodePoints(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t v = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      v = (v << 6) | (cc & 0x3F);
    }
    if (len == 1) v = c;
    if (!ok) {
      out.push_back(c);
      ++i;
      continue;
    }
    out.push_back(v);
    i += len;
  }
  return out;
}

void AppendUnicodeEscape(uint32_t cp, std::string& out) {
  if (cp > 0xFFFF) {  // UTF-16 surrogate pair, as Java strings hold it.
    cp -= 0x10000;
    absl::StrAppendFormat(&out, "\\u%04X\\u%04X", 0xD800 + (cp >> 10),
                          0xDC00 + (cp & 0x3FF));
  } else {
    absl::StrAppendFormat(&out, "\\u%04X", cp);
  }
}

// java.util.Properties escaping (Properties.store's saveConvert): `\`,
// tab, newline, carriage return and form feed as \\ \t \n \r \f; characters
// outside printable ASCII as \uXXXX; in keys also ' ', '=', ':', '#', '!';
// in values only leading spaces (load() reads '=', ':', '#', '!' in a value
// literally, so they stay readable there).
std::string PropertiesEscape(const std::string& s, bool is_key) {
  std::string out;
  bool leading = true;
  for (uint32_t cp : CodePoints(s)) {
    if (cp != ' ') leading = false;
    switch (cp) {
      case '\\': out += "\\\\"; continue;
      case '\t': out += "\\t"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\f': out += "\\f"; continue;
      case ' ':
        out += (is_key || leading) ? "\\ " : " ";
        continue;
      case '=': case ':': case '#': case '!':
        if (is_key) out += '\\';
        out += static_cast<char>(cp);
        continue;
      default:
        break;
    }
    if (cp < 0x20 || cp > 0x7e) {
      AppendUnicodeEscape(cp, out);
    } else {
      out += static_cast<char>(cp);
    }
  }
  return out;
}

absl::StatusOr<std::string> XmlEscape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;  // XML readers normalize a raw \r.
      default:
        if (c < 0x20 && c != '\t' && c != '\n') {
          return absl::InvalidArgumentError(absl::StrFormat(
              "control character 0x%02x cannot be written in XML 1.0", c));
        }
        out += ch;
    }
  }
  return out;
}

// A JSON text is taken as that value; anything else is a string.
Json TypedValue(const std::string& v) {
  Json parsed = Json::parse(v, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Json(v);
  return parsed;
}

bool IsEnvName(const std::string& s) {
  if (s.empty() || absl::ascii_isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string EnvValue(const std::string& v) {
  bool plain = true;
  for (char c : v) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("_./:,@%+=-").find(c) != std::string_view::npos)) {
      plain = false;
      break;
    }
  }
  if (plain) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

absl::StatusOr<std::string> FormatIni(const OrderedStringMap& data) {
  // Sections in order of first appearance; keys without a section first.
  std::vector<std::pair<std::string, OrderedStringMap>> sections;
  sections.push_back({"", {}});
  for (const auto& [key, value] : data) {
    size_t dot = key.find('.');
    std::string section = dot == std::string::npos ? "" : key.substr(0, dot);
    std::string name = dot == std::string::npos ? key : key.substr(dot + 1);
    if (name.empty() || name.find_first_of("=:\n\r") != std::string::npos ||
        name[0] == '[' || name[0] == ';' || name[0] == '#' ||
        name[0] == ' ' || name.back() == ' ') {
      return absl::InvalidArgumentError(absl::StrCat(
          "ini key \"", key, "\": a key may not be empty, contain '=', ':' or "
          "a newline, start with '[', ';', '#' or end or start with a space"));
    }
    if (dot != std::string::npos &&
        (section.empty() || section.find_first_of("]\n\r") != std::string::npos)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ini key \"", key, "\": the section name may not be empty or contain ']' or a newline"));
    }
    auto it = std::find_if(sections.begin(), sections.end(),
                           [&](const auto& s) { return s.first == section; });
    if (it == sections.end()) {
      sections.push_back({section, {}});
      it = sections.end() - 1;
    }
    it->second.push_back({name, value});
  }
  std::string out;
  for (const auto& [section, entries] : sections) {
    if (section.empty() && entries.empty()) continue;
    if (!section.empty()) {
      if (!out.empty()) out += "\n";
      absl::StrAppend(&out, "[", section, "]\n");
    }
    for (const auto& [name, value] : entries) {
      // Multi-line values continue on lines indented by two spaces (the
      // Python configparser and Git config reading).
      std::string v;
      for (char c : value) {
        if (c == '\r') continue;
        v += c;
        if (c == '\n') v += "  ";
      }
      absl::StrAppend(&out, name, " = ", v, "\n");
    }
  }
  return out;
}

}  // namespace

const char* ConfigFormatName(ConfigFormat format) {
  switch (format) {
    case ConfigFormat::kProperties: return "properties";
    case ConfigFormat::kHadoopXml: return "hadoop-xml";
    case ConfigFormat::kYaml: return "yaml";
    case ConfigFormat::kJson: return "json";
    case ConfigFormat::kIni: return "ini";
    case ConfigFormat::kEnv: return "env";
    case ConfigFormat::kText: return "text";
  }
  return "text";
}

absl::StatusOr<std::string> FormatConfig(ConfigFormat format,
                                         const OrderedStringMap& data,
                                         const std::string& text) {
  switch (format) {
    case ConfigFormat::kText:
      return text;
    case ConfigFormat::kProperties: {
      std::string out;
      for (const auto& [k, v] : data) {
        absl::StrAppend(&out, PropertiesEscape(k, true), "=",
                        PropertiesEscape(v, false), "\n");
      }
      return out;
    }
    case ConfigFormat::kHadoopXml: {
      std::string out = "<?xml version=\"1.0\"?>\n<configuration>\n";
      for (const auto& [k, v] : data) {
        absl::StatusOr<std::string> name = XmlEscape(k);
        if (!name.ok()) return name.status();
        absl::StatusOr<std::string> value = XmlEscape(v);
        if (!value.ok()) return value.status();
        absl::StrAppend(&out, "  <property>\n    <name>", *name,
                        "</name>\n    <value>", *value,
                        "</value>\n  </property>\n");
      }
      out += "</configuration>\n";
      return out;
    }
    case ConfigFormat::kYaml: {
      Json doc = Json::object();
      for (const auto& [k, v] : data) doc[k] = TypedValue(v);
      return ToYaml(doc);
    }
    case ConfigFormat::kJson: {
      Json doc = Json::object();
      for (const auto& [k, v] : data) doc[k] = TypedValue(v);
      return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
    }
    case ConfigFormat::kIni:
      return FormatIni(data);
    case ConfigFormat::kEnv: {
      std::string out;
      for (const auto& [k, v] : data) {
        if (!IsEnvName(k)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "env key \"", k, "\" is not a variable name ([A-Za-z_][A-Za-z0-9_]*)"));
        }
        absl::StrAppend(&out, k, "=", EnvValue(v), "\n");
      }
      return out;
    }
  }
  return absl::InternalError("unknown config format");
}

std::vector<std::string> ConfigMapKeys(const std::vector<std::string>& paths) {
  std::vector<std::string> keys;
  std::set<std::string> used;
  for (const std::string& path : paths) {
    std::string key;
    for (size_t i = (!path.empty() && path[0] == '/') ? 1 : 0; i < path.size(); ++i) {
      char c = path[i];
      if (c == '/') {
        key += '-';
      } else if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                 c == '.' || c == '_') {
        key += c;
      } else {
        key += '_';
      }
    }
    if (key.empty() || key == "." || key == ".." || key.size() > 253 ||
        used.count(key) > 0) {
      std::string suffix = "-" + Hex16(Fnv1a64(path)).substr(0, 8);
      if (key.size() > 253 - suffix.size()) key.resize(253 - suffix.size());
      key += suffix;
    }
    used.insert(key);
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace strata::compile_internal
