#include "service/input.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "proto/convert.h"
#include "service/convert.h"
#include "strata/diagnostic.h"
#include "util/status_macros.h"

namespace strata::service_internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// True when a quote at `pos` of `line` starts a quoted scalar: it is the
// first thing on the line or follows an indicator (":", "-", "?", "[", "{",
// ","), so a quote inside a plain scalar ("it's") is not taken for one.
bool StartsQuoted(absl::string_view line, size_t pos) {
  size_t p = pos;
  while (p > 0 && IsSpace(line[p - 1])) --p;
  if (p == 0) return true;
  char prev = line[p - 1];
  return prev == ':' || prev == '-' || prev == '?' || prev == '[' || prev == '{' ||
         prev == ',';
}

// True when `rest` (a line without its indentation and comment) ends with a
// block scalar header: "|", ">", optionally followed by "-", "+" or a digit.
bool EndsWithBlockScalarHeader(absl::string_view rest) {
  while (!rest.empty() && IsSpace(rest.back())) rest.remove_suffix(1);
  size_t p = rest.size();
  while (p > 0 && (rest[p - 1] == '-' || rest[p - 1] == '+' ||
                   (rest[p - 1] >= '0' && rest[p - 1] <= '9'))) {
    --p;
  }
  if (p == 0 || (rest[p - 1] != '|' && rest[p - 1] != '>')) return false;
  --p;
  return p == 0 || IsSpace(rest[p - 1]);
}

}  // namespace

int EstimateNestingDepth(absl::string_view text) {
  int deepest = 0;
  int flow = 0;                  // Open "[" / "{".
  std::vector<size_t> indents;   // Open block collections by indentation.
  char quote = 0;                // The open quote character, if any.
  bool block_scalar = false;     // Inside a "|" / ">" body.
  size_t block_scalar_parent = 0;

  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) end = text.size();
    absl::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    absl::string_view rest = line.substr(indent);
    int level = static_cast<int>(indents.size());

    if (quote == 0 && flow == 0) {
      if (rest.empty() || rest[0] == '#') continue;
      if (block_scalar) {
        if (indent > block_scalar_parent) continue;  // Body text.
        block_scalar = false;
      }
      if (indent == 0 && (line.substr(0, 3) == "---" || line.substr(0, 3) == "...")) {
        indents.clear();
        continue;
      }
      while (!indents.empty() && indents.back() >= indent) indents.pop_back();
      indents.push_back(indent);
      level = static_cast<int>(indents.size());
      // Compact nested collections on one line: "- - - x", "? - x".
      size_t p = 0;
      while (p < rest.size() && (rest[p] == '-' || rest[p] == '?') &&
             (p + 1 == rest.size() || IsSpace(rest[p + 1]))) {
        ++level;
        ++p;
        while (p < rest.size() && IsSpace(rest[p])) ++p;
      }
      deepest = std::max(deepest, level);
    }

    // Scan for flow brackets, quoted scalars and comments.
    size_t comment = line.size();
    for (size_t i = indent; i < line.size(); ++i) {
      char c = line[i];
      if (quote == '"') {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          quote = 0;
        }
        continue;
      }
      if (quote == '\'') {
        if (c == '\'') {
          if (i + 1 < line.size() && line[i + 1] == '\'') {
            ++i;
          } else {
            quote = 0;
          }
        }
        continue;
      }
      if ((c == '"' || c == '\'') && StartsQuoted(line, i)) {
        quote = c;
      } else if (c == '#' && (i == 0 || IsSpace(line[i - 1]))) {
        comment = i;
        break;
      } else if (c == '[' || c == '{') {
        ++flow;
        deepest = std::max(deepest, level + flow);
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
    }
    if (quote == 0 && flow == 0 && comment >= indent &&
        EndsWithBlockScalarHeader(line.substr(indent, comment - indent))) {
      block_scalar = true;
      block_scalar_parent = indent;
    }
    if (end == text.size()) break;
  }
  return deepest;
}

absl::Status CheckNesting(absl::string_view text, absl::string_view field, int max_depth) {
  int depth = EstimateNestingDepth(text);
  if (depth <= max_depth) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat(field, ": nests about ", depth, " levels deep; this server accepts at most ",
                   max_depth, " (--max-nesting)"));
}

absl::Status CheckSize(const Documents& documents, const InputLimits& limits) {
  int64_t roles = 0;
  for (const AppDocument& app : documents.apps) roles += app.app.roles.size();
  if (roles > limits.max_roles) {
    return absl::ResourceExhaustedError(
        absl::StrCat("input: ", roles, " roles; this server accepts at most ", limits.max_roles,
                     " per request (--max-roles)"));
  }
  int64_t members = 0;
  for (const ClusterDocument& doc : documents.clusters) {
    const Cluster& cluster = doc.cluster;
    const AppDocument* app = documents.FindApp(cluster.app);
    if (app != nullptr) {
      for (const Role& role : app->app.roles) {
        const RoleOverride* override = cluster.FindRole(role.name);
        int64_t n = override != nullptr && override->members.has_value()
                        ? *override->members
                        : role.cardinality.min;
        members += std::max<int64_t>(n, 0);
      }
    } else {
      for (const RoleOverride& role : cluster.roles) {
        members += std::max<int64_t>(role.members.value_or(0), 0);
      }
    }
  }
  if (members > limits.max_members) {
    return absl::ResourceExhaustedError(
        absl::StrCat("input: ", members, " members; this server accepts at most ",
                     limits.max_members, " per request (--max-members)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Limits> RequestLimits(const v1::Input& input, const InputLimits& server) {
  Limits out = server.core;
  const v1::Limits& asked = input.limits();
  const std::tuple<const char*, int64_t, int64_t*> fields[] = {
      {"max_file_size", asked.max_file_size(), &out.max_file_size},
      {"max_alias_bytes", asked.max_alias_bytes(), &out.max_alias_bytes},
      {"max_alias_nodes", asked.max_alias_nodes(), &out.max_alias_nodes},
      {"max_nesting", asked.max_nesting(), &out.max_nesting},
      {"max_documents", asked.max_documents(), &out.max_documents},
      {"max_members", asked.max_members(), &out.max_members},
      {"max_config_map_size", asked.max_config_map_size(), &out.max_config_map_size},
  };
  for (const auto& [name, value, field] : fields) {
    if (value < 0) {
      return RequestError(absl::StrCat("input.limits.", name), "must be >= 0");
    }
    if (value == 0) continue;
    if (value > *field) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "input.limits.", name, ": ", value, " is above this server's ", *field,
          " (strata-server --", absl::StrReplaceAll(name, {{"_", "-"}}), ")"));
    }
    *field = value;
  }
  return out;
}

absl::StatusOr<Documents> LoadInput(const v1::Input& input, const InputLimits& limits) {
  if (input.sources().empty() && input.apps().empty() && input.clusters().empty()) {
    return RequestError("input", "no documents: give sources, apps or clusters");
  }
  STRATA_ASSIGN_OR_RETURN(Limits core, RequestLimits(input, limits));
  std::vector<Source> sources;
  for (int i = 0; i < input.sources_size(); ++i) {
    const v1::Source& s = input.sources(i);
    std::string field = absl::StrCat("input.sources[", i, "]");
    STRATA_RETURN_IF_ERROR(CheckNesting(s.text(), field, limits.max_nesting));
    sources.push_back(Source{
        .name = s.name().empty() ? absl::StrCat("<source ", i, ">") : s.name(),
        .text = s.text()});
  }

  Documents documents;
  std::vector<Diagnostic> problems;
  if (!sources.empty()) {
    absl::StatusOr<Documents> loaded = Load(sources, core);
    if (loaded.ok()) {
      documents = *std::move(loaded);
    } else if (loaded.status().code() == absl::StatusCode::kInvalidArgument) {
      std::vector<Diagnostic> found = DiagnosticsFromStatus(loaded.status());
      problems.insert(problems.end(), found.begin(), found.end());
    } else {
      return loaded.status();
    }
  }
  for (int i = 0; i < input.apps_size(); ++i) {
    std::string name = absl::StrCat("apps[", i, "]");
    absl::StatusOr<App> app = FromProto(input.apps(i), ProtoSource{.file = name});
    if (!app.ok()) {
      std::vector<Diagnostic> found = DiagnosticsFromStatus(app.status());
      problems.insert(problems.end(), found.begin(), found.end());
      continue;
    }
    documents.apps.push_back(AppDocument{.app = *std::move(app), .file = name});
  }
  for (int i = 0; i < input.clusters_size(); ++i) {
    std::string name = absl::StrCat("clusters[", i, "]");
    absl::StatusOr<Cluster> cluster = FromProto(input.clusters(i), ProtoSource{.file = name});
    if (!cluster.ok()) {
      std::vector<Diagnostic> found = DiagnosticsFromStatus(cluster.status());
      problems.insert(problems.end(), found.begin(), found.end());
      continue;
    }
    documents.clusters.push_back(ClusterDocument{.cluster = *std::move(cluster), .file = name});
  }
  STRATA_RETURN_IF_ERROR(StatusFromDiagnostics(std::move(problems)));
  STRATA_RETURN_IF_ERROR(CheckSize(documents, limits));
  return documents;
}

}  // namespace strata::service_internal
