// A deterministic YAML emitter over strata::Json (include/strata/emit.h).
//
// Rules, chosen so that every YAML 1.1 and 1.2 reader (yaml-cpp, PyYAML,
// go-yaml v2/v3 as kubectl uses) reads back exactly the JSON value:
// - mappings in insertion order, block style, two-space indentation;
//   sequences indented under their key ("key:\n  - item");
// - a string is written plain only when it is "safe": non-empty, printable
//   ASCII, starting with a letter, digit or one of `/ _ . $ (`, without
//   ": ", " #", a trailing ':' or space, and not something a YAML 1.1 or 1.2
//   reader could take for a bool, null, number, timestamp or merge key
//   (yes, on, ~, 1e3, 0x1F, 1:20, 2026-01-01, .inf, <<, ...);
// - a multi-line string is a literal block (| clip, |- strip, |+ keep) with
//   an indentation indicator when its first non-empty line starts with a
//   space; strings with control characters, '\r' or trailing spaces on a line
//   fall back to double quotes;
// - everything else is double-quoted with JSON-compatible escapes (\" \\ \n
//   \t \r \uXXXX); U+0085, U+2028, U+2029 and U+FEFF, which YAML 1.1 treats
//   as line breaks or a BOM, are escaped too.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "strata/emit.h"

namespace strata {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Strings a YAML 1.1 or 1.2 reader resolves to bool or null.
bool IsBoolOrNullWord(std::string_view s) {
  if (s.size() > 6) return false;  // The longest word is 6 characters.
  static constexpr std::string_view kWords[] = {
      "y",     "Y",     "yes",  "Yes",  "YES",  "n",     "N",     "no",
      "No",    "NO",    "true", "True", "TRUE", "false", "False", "FALSE",
      "on",    "On",    "ON",   "off",  "Off",  "OFF",   "null",  "Null",
      "NULL",  "~",     "<<",   "=",    ".inf", ".Inf",  ".INF",  "+.inf",
      "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"};
  for (std::string_view w : kWords) {
    if (s == w) return true;  // Compares sizes first.
  }
  return false;
}

// Characters that may appear in some numeric, sexagesimal or timestamp form.
struct NumericChars {
  bool ok[256] = {};
  constexpr NumericChars() {
    for (char c : std::string_view("0123456789abcdefABCDEFxXoO._:+-tTzZ ")) {
      ok[static_cast<unsigned char>(c)] = true;
    }
  }
};
constexpr NumericChars kNumericChar;

// True when a YAML 1.1 or 1.2 reader might resolve `s` to a number or a
// timestamp: after an optional sign it starts with a digit or '.', and every
// character belongs to some numeric, sexagesimal or timestamp form. This is
// deliberately wider than the grammars ("3.7.0" is quoted too): quoting a
// string is always correct, leaving a number-like one plain is not.
bool LooksNumeric(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i >= s.size()) return false;
  if (!IsAsciiDigit(s[i]) && s[i] != '.') return false;
  for (char c : s) {
    if (!kNumericChar.ok[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

bool IsPlainSafe(std::string_view s) {
  if (s.empty()) return false;
  char first = s[0];
  if (!(absl::ascii_isalnum(static_cast<unsigned char>(first)) ||
        first == '/' || first == '_' || first == '.' || first == '$' ||
        first == '(')) {
    return false;
  }
  if (s.back() == ' ' || s.back() == ':') return false;
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) return false;
    if (c == ':' && i + 1 < n && s[i + 1] == ' ') return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  // Only a string starting with a digit, '.', '+' or '-' can look numeric
  // (the first character passed the check above, so not '+' or '-'); only
  // one of at most 6 characters can be a bool or null word.
  if (n <= 6 && IsBoolOrNullWord(s)) return false;
  if ((IsAsciiDigit(first) || first == '.') && LooksNumeric(s)) return false;
  return true;
}

// Decodes one UTF-8 code point at s[i]; returns its length, or 0 when the
// bytes are not valid UTF-8.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
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

void AppendDoubleQuoted(std::string_view s, std::string& out) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    // Runs of printable ASCII other than '"' and '\\' are copied as they are.
    size_t run = i;
    while (run < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[run]);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') break;
      ++run;
    }
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
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
          static constexpr char kHex[] = "0123456789ABCDEF";
          char esc[6] = {'\\', 'u', kHex[(cp >> 12) & 0xF], kHex[(cp >> 8) & 0xF],
                         kHex[(cp >> 4) & 0xF], kHex[cp & 0xF]};
          out.append(esc, 6);
        } else {
          out.append(s.data() + i, len);
        }
    }
    i += len;
  }
  out += '"';
}

// True when `s` (which contains '\n') can be a literal block scalar.
bool LiteralBlockOk(std::string_view s) {
  bool has_content = false;
  bool ascii = true;
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
    if (c >= 0x80) ascii = false;
  }
  if (!has_content) return false;
  if (ascii) return true;
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

void AppendPad(int n, std::string& out) { out.append(static_cast<size_t>(n), ' '); }

// Appends `s` as a literal block: the header (after "key: " or "- ") and
// the lines indented by `indent` spaces.
void AppendLiteralBlock(std::string_view s, int indent, std::string& out) {
  out += '|';
  // The indentation indicator is needed when the first non-empty line starts
  // with a space (the reader would take that space as indentation).
  size_t first = s.find_first_not_of('\n');
  if (first != std::string_view::npos && s[first] == ' ') out += '2';
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  if (trailing == 0) {
    out += '-';
  } else if (trailing > 1) {
    out += '+';
  }
  out += '\n';
  std::string_view body = s.substr(0, s.size() - trailing);
  size_t start = 0;
  while (true) {
    size_t nl = body.find('\n', start);
    std::string_view line = body.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty()) AppendPad(indent, out);
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  // Keep chomping: the extra trailing newlines are empty lines.
  for (size_t k = 1; k < trailing; ++k) out += '\n';
}

void AppendStringScalar(std::string_view s, std::string& out) {
  if (IsPlainSafe(s)) {
    out += s;
  } else {
    AppendDoubleQuoted(s, out);
  }
}

void AppendScalar(const Json& v, std::string& out) {
  switch (v.type()) {
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::string:
      AppendStringScalar(v.get_ref<const std::string&>(), out);
      return;
    case Json::value_t::number_integer:
      absl::StrAppend(&out, v.get<int64_t>());
      return;
    case Json::value_t::number_unsigned:
      absl::StrAppend(&out, v.get<uint64_t>());
      return;
    default:
      out += v.dump();
      return;
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

const char* EmptyCollection(const Json& v) { return v.is_object() ? "{}" : "[]"; }

// Emits a non-empty collection at `indent`. With `inline_first` the first
// line's indentation is already in `out` (an array item's "- ").
void Emit(const Json& v, int indent, bool inline_first, std::string& out);

// Appends the value after "key:" or "-" (which is already in `out`); nested
// collections go on the following lines at `indent`.
void EmitAfterIndicator(const Json& v, int indent, std::string& out) {
  if (IsNonEmptyCollection(v)) {
    out += '\n';
    Emit(v, indent, false, out);
  } else if (v.is_object() || v.is_array()) {
    out += ' ';
    out += EmptyCollection(v);
    out += '\n';
  } else if (IsBlockString(v)) {
    out += ' ';
    AppendLiteralBlock(v.get_ref<const std::string&>(), indent, out);
  } else {
    out += ' ';
    AppendScalar(v, out);
    out += '\n';
  }
}

void Emit(const Json& v, int indent, bool inline_first, std::string& out) {
  if (v.is_object()) {
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!(first && inline_first)) AppendPad(indent, out);
      first = false;
      const std::string& key = it.key();
      // YAML limits implicit keys to 1024 characters; longer ones are
      // written as explicit "? key" entries.
      size_t key_start = out.size();
      AppendStringScalar(key, out);
      if (out.size() - key_start > 1000) {
        out.insert(key_start, "? ");
        out += '\n';
        AppendPad(indent, out);
      }
      out += ':';
      EmitAfterIndicator(it.value(), indent + 2, out);
    }
  } else if (v.is_array()) {
    bool first = true;
    for (const Json& item : v) {
      if (!(first && inline_first)) AppendPad(indent, out);
      first = false;
      if (item.is_object() && !item.empty()) {
        // "- " then the mapping's first key on the same line.
        out += "- ";
        Emit(item, indent + 2, true, out);
      } else {
        out += '-';
        EmitAfterIndicator(item, indent + 2, out);
      }
    }
  }
}

}  // namespace

void AppendYaml(const Json& value, std::string& out) {
  if (IsNonEmptyCollection(value)) {
    Emit(value, 0, false, out);
  } else if (value.is_object() || value.is_array()) {
    out += EmptyCollection(value);
    out += '\n';
  } else if (IsBlockString(value)) {
    AppendLiteralBlock(value.get_ref<const std::string&>(), 2, out);
  } else {
    AppendScalar(value, out);
    out += '\n';
  }
}

std::string ToYaml(const Json& value) {
  std::string out;
  AppendYaml(value, out);
  return out;
}

std::string ToYaml(const std::vector<Object>& objects) {
  std::string out;
  out.reserve(objects.size() * 1024);  // Typical objects take 0.3-3 kB.
  for (const Object& o : objects) {
    out += "---\n";
    AppendYaml(o.body, out);
  }
  return out;
}

std::string ObjectFileName(const Object& object) {
  return absl::StrCat(absl::AsciiStrToLower(object.kind), "-", object.name,
                      ".yaml");
}

}  // namespace strata
