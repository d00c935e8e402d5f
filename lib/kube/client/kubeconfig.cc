// Kubeconfig files -> KubeConfig. The YAML is read by the project's one
// YAML->Json conversion (lib/yaml/yaml_json.h); every message names the file
// and the field ("kubeconfig /x/config: users[0].user.client-key: ...").

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "strata/json.h"
#include "strata/kube_client.h"
#include "util/status_macros.h"
#include "yaml/yaml_json.h"

namespace strata {
namespace {

constexpr size_t kFileLimit = 16 << 20;  // No kubeconfig or certificate is this big.

std::string Dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string Resolve(const std::string& dir, const std::string& file) {
  if (file.empty() || file[0] == '/') return file;
  return absl::StrCat(dir, "/", file);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", strerror(errno)));
  std::string data;
  char buf[65536];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    data.append(buf, static_cast<size_t>(in.gcount()));
    if (data.size() > kFileLimit) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": larger than ", kFileLimit >> 20, " MiB"));
    }
  }
  return data;
}

bool FileExists(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

// One named entry (cluster, user or context) and the directory of the file
// it came from (relative paths in it are relative to that file).
struct Entry {
  Json value;
  std::string file;
  std::string field;  // "users[2].user", for messages.
};

struct Merged {
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context;
  std::string current_context_file;
};

absl::Status Err(const std::string& file, const std::string& field, absl::string_view msg) {
  return absl::InvalidArgumentError(
      absl::StrCat("kubeconfig ", file, field.empty() ? "" : ": ", field, ": ", msg));
}

absl::Status MergeFile(const Json& doc, const std::string& file, Merged* m) {
  if (doc.is_null()) return absl::OkStatus();  // An empty file adds nothing.
  if (!doc.is_object()) return Err(file, "", "not a mapping (a kubeconfig has clusters, users, contexts)");
  struct Section {
    const char* key;
    const char* inner;
    std::map<std::string, Entry>* out;
  };
  for (const Section& s : {Section{"clusters", "cluster", &m->clusters},
                           Section{"users", "user", &m->users},
                           Section{"contexts", "context", &m->contexts}}) {
    if (!doc.contains(s.key) || doc[s.key].is_null()) continue;
    const Json& list = doc[s.key];
    if (!list.is_array()) return Err(file, s.key, "must be a list");
    for (size_t i = 0; i < list.size(); ++i) {
      std::string field = absl::StrCat(s.key, "[", i, "]");
      const Json& item = list[i];
      if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) {
        return Err(file, field, "needs a name");
      }
      const Json& inner = item.contains(s.inner) ? item[s.inner] : Json();
      if (!inner.is_object()) {
        return Err(file, absl::StrCat(field, ".", s.inner), "missing or not a mapping");
      }
      // The first file to name an entry wins, as kubectl merges $KUBECONFIG.
      s.out->emplace(item["name"].get<std::string>(),
                     Entry{inner, file, absl::StrCat(field, ".", s.inner)});
    }
  }
  if (m->current_context.empty() && doc.contains("current-context") &&
      doc["current-context"].is_string()) {
    m->current_context = doc["current-context"].get<std::string>();
    m->current_context_file = file;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> StringField(const Entry& e, const char* key) {
  if (!e.value.contains(key) || e.value[key].is_null()) return std::string();
  const Json& v = e.value[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return Err(e.file, absl::StrCat(e.field, ".", key), "must be a string");
}

// Reads `<key>-data` (base64) or `<key>` (a file path); "" when neither.
absl::StatusOr<std::string> DataOrFile(const Entry& e, const std::string& key) {
  STRATA_ASSIGN_OR_RETURN(std::string data, StringField(e, (key + "-data").c_str()));
  if (!data.empty()) {
    std::string decoded;
    if (!absl::Base64Unescape(data, &decoded)) {
      return Err(e.file, absl::StrCat(e.field, ".", key, "-data"), "not valid base64");
    }
    return decoded;
  }
  STRATA_ASSIGN_OR_RETURN(std::string path, StringField(e, key.c_str()));
  if (path.empty()) return std::string();
  absl::StatusOr<std::string> contents = ReadFile(Resolve(Dir(e.file), path));
  if (!contents.ok()) {
    return Err(e.file, absl::StrCat(e.field, ".", key), contents.status().message());
  }
  return *contents;
}

absl::StatusOr<KubeConfig> FromMerged(const Merged& m, const std::string& context_name,
                                      const std::string& where) {
  std::string name = context_name.empty() ? m.current_context : context_name;
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kubeconfig ", where, ": no current-context is set and no --context was given"));
  }
  auto ctx_it = m.contexts.find(name);
  if (ctx_it == m.contexts.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kubeconfig ", where, ": context \"", name, "\" does not exist"));
  }
  const Entry& ctx = ctx_it->second;
  KubeConfig c;
  c.source = absl::StrCat("kubeconfig ", where, ", context ", name);
  STRATA_ASSIGN_OR_RETURN(std::string cluster_name, StringField(ctx, "cluster"));
  STRATA_ASSIGN_OR_RETURN(std::string user_name, StringField(ctx, "user"));
  STRATA_ASSIGN_OR_RETURN(std::string ns, StringField(ctx, "namespace"));
  if (!ns.empty()) c.namespace_ = ns;
  auto cl_it = m.clusters.find(cluster_name);
  if (cluster_name.empty() || cl_it == m.clusters.end()) {
    return Err(ctx.file, absl::StrCat(ctx.field, ".cluster"),
               absl::StrCat("cluster \"", cluster_name, "\" does not exist"));
  }
  const Entry& cl = cl_it->second;
  STRATA_ASSIGN_OR_RETURN(c.server, StringField(cl, "server"));
  if (c.server.empty()) return Err(cl.file, absl::StrCat(cl.field, ".server"), "missing");
  STRATA_ASSIGN_OR_RETURN(c.tls_server_name, StringField(cl, "tls-server-name"));
  STRATA_ASSIGN_OR_RETURN(c.certificate_authority, DataOrFile(cl, "certificate-authority"));
  if (cl.value.contains("insecure-skip-tls-verify")) {
    const Json& v = cl.value["insecure-skip-tls-verify"];
    if (!v.is_boolean()) {
      return Err(cl.file, absl::StrCat(cl.field, ".insecure-skip-tls-verify"),
                 "must be true or false");
    }
    c.insecure_skip_tls_verify = v.get<bool>();
  }
  if (cl.value.contains("proxy-url")) {
    return Err(cl.file, absl::StrCat(cl.field, ".proxy-url"), "proxies are not supported");
  }
  if (user_name.empty()) return c;  // Anonymous.
  auto us_it = m.users.find(user_name);
  if (us_it == m.users.end()) {
    return Err(ctx.file, absl::StrCat(ctx.field, ".user"),
               absl::StrCat("user \"", user_name, "\" does not exist"));
  }
  const Entry& us = us_it->second;
  STRATA_ASSIGN_OR_RETURN(c.client_certificate, DataOrFile(us, "client-certificate"));
  STRATA_ASSIGN_OR_RETURN(c.client_key, DataOrFile(us, "client-key"));
  if (c.client_certificate.empty() != c.client_key.empty()) {
    return Err(us.file, us.field,
               "client-certificate and client-key must be given together");
  }
  STRATA_ASSIGN_OR_RETURN(c.token, StringField(us, "token"));
  STRATA_ASSIGN_OR_RETURN(std::string token_file, StringField(us, "tokenFile"));
  if (!token_file.empty()) {
    c.token_file = Resolve(Dir(us.file), token_file);
    if (c.token.empty() && !FileExists(c.token_file)) {
      return Err(us.file, absl::StrCat(us.field, ".tokenFile"),
                 absl::StrCat("cannot read ", c.token_file));
    }
  }
  for (const char* unsupported : {"auth-provider", "username", "password"}) {
    if (us.value.contains(unsupported)) {
      return Err(us.file, absl::StrCat(us.field, ".", unsupported),
                 "not supported (use a token, a client certificate or an exec plugin)");
    }
  }
  if (us.value.contains("exec") && !us.value["exec"].is_null()) {
    Entry ex{us.value["exec"], us.file, absl::StrCat(us.field, ".exec")};
    if (!ex.value.is_object()) return Err(ex.file, ex.field, "must be a mapping");
    KubeExecPlugin p;
    STRATA_ASSIGN_OR_RETURN(p.api_version, StringField(ex, "apiVersion"));
    if (p.api_version != "client.authentication.k8s.io/v1" &&
        p.api_version != "client.authentication.k8s.io/v1beta1") {
      return Err(ex.file, absl::StrCat(ex.field, ".apiVersion"),
                 absl::StrCat("\"", p.api_version,
                              "\" is not supported (client.authentication.k8s.io/v1 or "
                              "v1beta1)"));
    }
    STRATA_ASSIGN_OR_RETURN(p.command, StringField(ex, "command"));
    if (p.command.empty()) return Err(ex.file, absl::StrCat(ex.field, ".command"), "missing");
    // A command with a '/' is a path, relative to the kubeconfig's directory;
    // a bare name is looked up on $PATH (as kubectl does).
    if (p.command.find('/') != std::string::npos) p.command = Resolve(Dir(ex.file), p.command);
    if (ex.value.contains("args") && !ex.value["args"].is_null()) {
      const Json& args = ex.value["args"];
      if (!args.is_array()) return Err(ex.file, absl::StrCat(ex.field, ".args"), "must be a list");
      for (size_t i = 0; i < args.size(); ++i) {
        if (!args[i].is_string()) {
          return Err(ex.file, absl::StrCat(ex.field, ".args[", i, "]"), "must be a string");
        }
        p.args.push_back(args[i].get<std::string>());
      }
    }
    if (ex.value.contains("env") && !ex.value["env"].is_null()) {
      const Json& env = ex.value["env"];
      if (!env.is_array()) return Err(ex.file, absl::StrCat(ex.field, ".env"), "must be a list");
      for (size_t i = 0; i < env.size(); ++i) {
        if (!env[i].is_object() || !env[i].contains("name") || !env[i]["name"].is_string() ||
            !env[i].contains("value") || !env[i]["value"].is_string()) {
          return Err(ex.file, absl::StrCat(ex.field, ".env[", i, "]"),
                     "needs a name and a string value");
        }
        p.env.emplace_back(env[i]["name"].get<std::string>(), env[i]["value"].get<std::string>());
      }
    }
    if (ex.value.contains("provideClusterInfo")) {
      p.provide_cluster_info = ex.value["provideClusterInfo"].is_boolean() &&
                               ex.value["provideClusterInfo"].get<bool>();
    }
    c.exec = std::move(p);
  }
  return c;
}

absl::Status MergeText(absl::string_view text, const std::string& path, Merged* m) {
  STRATA_ASSIGN_OR_RETURN(std::vector<Json> docs,
                          yaml_internal::ParseYamlDocuments(text, absl::StrCat("kubeconfig ", path)));
  if (docs.size() > 1) return Err(path, "", "holds more than one YAML document");
  return MergeFile(docs.empty() ? Json() : docs[0], path, m);
}

}  // namespace

absl::StatusOr<KubeConfig> ParseKubeconfig(absl::string_view text, const std::string& path,
                                           const std::string& context) {
  Merged m;
  STRATA_RETURN_IF_ERROR(MergeText(text, path, &m));
  return FromMerged(m, context, path);
}

absl::StatusOr<KubeConfig> LoadKubeconfig(const std::string& kubeconfig_path,
                                          const std::string& context) {
  std::vector<std::string> files;
  if (!kubeconfig_path.empty()) {
    files.push_back(kubeconfig_path);
  } else if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    for (absl::string_view f : absl::StrSplit(env, ':', absl::SkipEmpty())) {
      // kubectl skips the listed files that do not exist.
      if (FileExists(std::string(f))) files.emplace_back(f);
    }
    if (files.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("$KUBECONFIG=", env, ": none of its files exists"));
    }
  } else {
    const char* home = std::getenv("HOME");
    files.push_back(absl::StrCat(home ? home : "", "/.kube/config"));
  }
  Merged m;
  for (const std::string& f : files) {
    absl::StatusOr<std::string> text = ReadFile(f);
    if (!text.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("kubeconfig: ", text.status().message()));
    }
    STRATA_RETURN_IF_ERROR(MergeText(*text, f, &m));
  }
  return FromMerged(m, context, absl::StrJoin(files, ":"));
}

}  // namespace strata
