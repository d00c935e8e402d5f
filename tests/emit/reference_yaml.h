// The YAML emitter as it was before it was rewritten for speed (lib/emit/yaml.cc
// at 14f8e7b), kept verbatim as the reference the fast one must match byte for
// byte (emit_equivalence_test.cc). Test-only.

#ifndef STRATA_TESTS_EMIT_REFERENCE_YAML_H_
#define STRATA_TESTS_EMIT_REFERENCE_YAML_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "strata/json.h"

namespace strata::emit_reference {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Strings a YAML 1.1 or 1.2 reader resolves to bool or null.
bool IsBoolOrNullWord(const std::string& s) {
  if (s.size() > 6) return false;  // The longest word is 6 characters.
  static constexpr std::string_view kWords[] = {
      "y",     "Y",     "yes",  "Yes",  "YES",  "n",     "N",     "no",
      "No",    "NO",    "true", "True", "TRUE", "false", "False", "FALSE",
      "on",    "On",    "ON",   "off",  "Off",  "OFF",   "null",  "Null",
      "NULL",  "~",     "<<",   "=",    ".inf", ".Inf",  ".INF",  "+.inf",
      "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"};
  const std::string_view sv(s);
  for (std::string_view w : kWords) {
    if (sv == w) return true;  // Compares sizes first.
  }
  return false;
}

// True when a YAML 1.1 or 1.2 reader might resolve `s` to a number or a
// timestamp: after an optional sign it starts with a digit or '.', and every
// character belongs to some numeric, sexagesimal or timestamp form. This is
// deliberately wider than the grammars ("3.7.0" is quoted too): quoting a
// string is always correct, leaving a number-like one plain is not.
bool LooksNumeric(const std::string& s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i >= s.size()) return false;
  if (!IsAsciiDigit(s[i]) && s[i] != '.') return false;
  for (char c : s) {
    bool ok = IsAsciiDigit(c) || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F') || c == 'x' || c == 'X' || c == 'o' ||
              c == 'O' || c == '.' || c == '_' || c == ':' || c == '+' ||
              c == '-' || c == 't' || c == 'T' || c == 'z' || c == 'Z' ||
              c == ' ';
    if (!ok) return false;
  }
  return true;
}

bool IsPlainSafe(const std::string& s) {
  if (s.empty()) return false;
  char first = s[0];
  if (!(absl::ascii_isalnum(static_cast<unsigned char>(first)) ||
        first == '/' || first == '_' || first == '.' || first == '$' ||
        first == '(')) {
    return false;
  }
  if (s.back() == ' ' || s.back() == ':') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) return false;
    if (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  if (IsBoolOrNullWord(s) || LooksNumeric(s)) return false;
  return true;
}

// Decodes one UTF-8 code point at s[i]; returns its length, or 0 when the
// bytes are not valid UTF-8.
size_t DecodeUtf8(const std::string& s, size_t i, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2;
    v = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    v = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    v = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    v = (v << 6) | (cc & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

std::string DoubleQuoted(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {  // Invalid UTF-8: the replacement character, as JSON does.
      out += "\\uFFFD";
      ++i;
      continue;
    }
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (cp < 0x20 || cp == 0x7f || cp == 0x85 || cp == 0x2028 ||
            cp == 0x2029 || cp == 0xFEFF) {
          out += absl::StrFormat("\\u%04X", cp);
        } else {
          out.append(s, i, len);
        }
    }
    i += len;
  }
  out += "\"";
  return out;
}

// True when `s` (which contains '\n') can be a literal block scalar.
bool LiteralBlockOk(const std::string& s) {
  bool has_content = false;
  size_t line_start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '\n') {
      if (i > line_start) {
        has_content = true;
        char last = s[i - 1];
        if (last == ' ' || last == '\t') return false;
      }
      line_start = i + 1;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  if (!has_content) return false;
  // Non-ASCII line breaks and BOMs would be read as structure.
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0 || cp == 0x85 || cp == 0x2028 || cp == 0x2029 ||
        cp == 0xFEFF) {
      return false;
    }
    i += len;
  }
  return true;
}

// Appends `s` as a literal block: the header (after "key: " or "- ") and
// the lines indented by `indent` spaces.
void AppendLiteralBlock(const std::string& s, int indent, std::string& out) {
  out += "|";
  // The indentation indicator is needed when the first non-empty line starts
  // with a space (the reader would take that space as indentation).
  size_t first = s.find_first_not_of('\n');
  if (first != std::string::npos && s[first] == ' ') out += "2";
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  if (trailing == 0) {
    out += "-";
  } else if (trailing > 1) {
    out += "+";
  }
  out += "\n";
  std::string body = s.substr(0, s.size() - trailing);
  std::string pad(indent, ' ');
  size_t start = 0;
  while (true) {
    size_t nl = body.find('\n', start);
    std::string line = body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) out += pad;
    out += line;
    out += "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  // Keep chomping: the extra trailing newlines are empty lines.
  for (size_t k = 1; k < trailing; ++k) out += "\n";
}

std::string StringScalar(const std::string& s) {
  return IsPlainSafe(s) ? s : DoubleQuoted(s);
}

std::string Scalar(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case Json::value_t::string:
      return StringScalar(v.get_ref<const std::string&>());
    default:
      return v.dump();
  }
}

bool IsBlockString(const Json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  return s.find('\n') != std::string::npos && LiteralBlockOk(s);
}

bool IsNonEmptyCollection(const Json& v) {
  return (v.is_object() || v.is_array()) && !v.empty();
}

std::string EmptyCollection(const Json& v) { return v.is_object() ? "{}" : "[]"; }

void Emit(const Json& v, int indent, std::string& out);

// Appends the value after "key:" or "-" (which is already in `out`); nested
// collections go on the following lines at `indent`.
void EmitAfterIndicator(const Json& v, int indent, std::string& out) {
  if (IsNonEmptyCollection(v)) {
    out += "\n";
    Emit(v, indent, out);
  } else if (v.is_object() || v.is_array()) {
    out += " " + EmptyCollection(v) + "\n";
  } else if (IsBlockString(v)) {
    out += " ";
    AppendLiteralBlock(v.get_ref<const std::string&>(), indent, out);
  } else {
    out += " " + Scalar(v) + "\n";
  }
}

void Emit(const Json& v, int indent, std::string& out) {
  std::string pad(indent, ' ');
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      std::string key = StringScalar(it.key());
      // YAML limits implicit keys to 1024 characters; longer ones are
      // written as explicit "? key" entries.
      if (key.size() > 1000) {
        out += pad + "? " + key + "\n" + pad + ":";
      } else {
        out += pad;
        out += key;
        out += ":";
      }
      EmitAfterIndicator(it.value(), indent + 2, out);
    }
  } else if (v.is_array()) {
    for (const Json& item : v) {
      if (item.is_object() && !item.empty()) {
        // "- " then the mapping's first key on the same line.
        std::string nested;
        Emit(item, indent + 2, nested);
        out += pad + "- " + nested.substr(indent + 2);
      } else {
        out += pad + "-";
        EmitAfterIndicator(item, indent + 2, out);
      }
    }
  } else if (IsBlockString(v)) {
    AppendLiteralBlock(v.get_ref<const std::string&>(), indent, out);
  } else {
    out += pad + Scalar(v) + "\n";
  }
}

}  // namespace

inline std::string ToYaml(const Json& value) {
  std::string out;
  if (IsNonEmptyCollection(value)) {
    Emit(value, 0, out);
  } else if (value.is_object() || value.is_array()) {
    out = EmptyCollection(value) + "\n";
  } else if (IsBlockString(value)) {
    AppendLiteralBlock(value.get_ref<const std::string&>(), 2, out);
  } else {
    out = Scalar(value) + "\n";
  }
  return out;
}

}  // namespace strata::emit_reference

#endif  // STRATA_TESTS_EMIT_REFERENCE_YAML_H_
