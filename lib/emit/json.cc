// A JSON writer over strata::Json that writes exactly the bytes of
// nlohmann's dump(indent, ' ', false, error_handler_t::replace), straight
// into one output buffer (include/strata/emit.h). nlohmann's own serializer
// goes through an output adapter one call per token; this one appends runs.
// Strings of printable ASCII without '"' or '\\' (nearly every Kubernetes
// string) are copied as they are; any other string, and every float, is
// written by nlohmann itself, so escapes, invalid UTF-8 replacement and
// number formatting stay nlohmann's by construction.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "strata/emit.h"

namespace strata {
namespace {

bool IsPlainJsonString(const std::string& s) {
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

void AppendJsonString(const std::string& s, std::string& out) {
  if (IsPlainJsonString(s)) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

void AppendValue(const Json& v, int step, int indent, std::string& out) {
  switch (v.type()) {
    case Json::value_t::object: {
      if (v.empty()) {
        out += "{}";
        return;
      }
      if (step < 0) {
        out += '{';
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (!first) out += ',';
          first = false;
          AppendJsonString(it.key(), out);
          out += ':';
          AppendValue(it.value(), step, indent, out);
        }
        out += '}';
        return;
      }
      out += "{\n";
      const int inner = indent + step;
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ",\n";
        first = false;
        out.append(static_cast<size_t>(inner), ' ');
        AppendJsonString(it.key(), out);
        out += ": ";
        AppendValue(it.value(), step, inner, out);
      }
      out += '\n';
      out.append(static_cast<size_t>(indent), ' ');
      out += '}';
      return;
    }
    case Json::value_t::array: {
      if (v.empty()) {
        out += "[]";
        return;
      }
      if (step < 0) {
        out += '[';
        bool first = true;
        for (const Json& item : v) {
          if (!first) out += ',';
          first = false;
          AppendValue(item, step, indent, out);
        }
        out += ']';
        return;
      }
      out += "[\n";
      const int inner = indent + step;
      bool first = true;
      for (const Json& item : v) {
        if (!first) out += ",\n";
        first = false;
        out.append(static_cast<size_t>(inner), ' ');
        AppendValue(item, step, inner, out);
      }
      out += '\n';
      out.append(static_cast<size_t>(indent), ' ');
      out += ']';
      return;
    }
    case Json::value_t::string:
      AppendJsonString(v.get_ref<const std::string&>(), out);
      return;
    case Json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::number_integer:
      absl::StrAppend(&out, v.get<int64_t>());
      return;
    case Json::value_t::number_unsigned:
      absl::StrAppend(&out, v.get<uint64_t>());
      return;
    default:  // Floats, binary, discarded: nlohmann's own text.
      out += v.dump(-1, ' ', false, Json::error_handler_t::replace);
      return;
  }
}

}  // namespace

void AppendJson(const Json& value, int indent, std::string& out, int level) {
  AppendValue(value, indent < 0 ? -1 : indent, indent < 0 ? 0 : level, out);
}

std::string ToJsonList(const std::vector<Object>& objects) {
  // The bytes of Json{apiVersion, kind, items}.dump(2, ...) + "\n", without
  // copying every object into one tree first.
  std::string out = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": ";
  if (objects.empty()) {
    out += "[]";
  } else {
    out += "[\n";
    bool first = true;
    for (const Object& o : objects) {
      if (!first) out += ",\n";
      first = false;
      out += "    ";
      AppendJson(o.body, 2, out, 4);
    }
    out += "\n  ]";
  }
  out += "\n}\n";
  return out;
}

}  // namespace strata
