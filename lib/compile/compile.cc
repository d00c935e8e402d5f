// Compile(): App + Cluster -> Kubernetes objects (SPEC §2, §3). See README.md
// for the spec-hash scheme and the ConfigMap key naming.

#include "strata/compile.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "compile/config_format.h"
#include "compile/hash.h"
#include "compile/template.h"
#include "kube/keys.h"
#include "kube/quorum.h"
#include "model/role_graph.h"
#include "strata/diagnostic.h"
#include "util/fnv.h"
#include "util/status_macros.h"
#include "validate/live_config.h"

namespace strata {
namespace {

using compile_internal::CanonicalWriter;
using compile_internal::ClusterNames;
using compile_internal::ConfigMapKeys;
using compile_internal::FormatConfig;
using compile_internal::Hex16;
using compile_internal::TemplateContext;
using model_internal::RoleGraph;

constexpr char kConfigVolume[] = "strata-config";

// InvalidArgument carrying one Diagnostic at `path` (relative to the App
// document for role fields), so front ends print it like validation errors.
absl::Status FieldError(std::string path, std::string message,
                        absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  Diagnostic d;
  d.path = std::move(path);
  d.message = std::move(message);
  return StatusFromDiagnostics({d}, code);
}

// A role after the Cluster's overrides, with what the Role type cannot hold.
struct MergedRole {
  Role role;
  int32_t members = 0;
  std::map<std::string, std::string> node_selector;
  Json tolerations = Json::array();
  std::string restart_token;           // RoleOverride::restart_token.
  std::vector<MemberReplace> replace;  // RoleOverride::replace.
  size_t app_index = 0;
};

// Replaces the entry named like `item` in `items`, or appends it.
template <typename T, typename Key>
void UpsertBy(std::vector<T>& items, const T& item, Key key) {
  for (T& existing : items) {
    if (key(existing) == key(item)) {
      existing = item;
      return;
    }
  }
  items.push_back(item);
}

// Applies `ov` (may be null) to `base`: image, resources per key, storage
// size and class, env by name, config keys per file path.
MergedRole Merge(const Role& base, const RoleOverride* ov, size_t index) {
  MergedRole m;
  m.role = base;
  m.app_index = index;
  m.members = base.cardinality.min;
  if (ov == nullptr) return m;
  Role& r = m.role;
  if (ov->members.has_value()) m.members = *ov->members;
  if (!ov->image.empty()) r.image = ov->image;
  for (const auto& [k, v] : ov->resources.requests) r.resources.requests[k] = v;
  for (const auto& [k, v] : ov->resources.limits) r.resources.limits[k] = v;
  for (const StorageOverride& so : ov->storage) {
    for (Storage& s : r.storage) {
      if (s.name != so.name) continue;
      if (so.size.has_value()) s.size = *so.size;
      if (!so.storage_class_name.empty()) s.storage_class_name = so.storage_class_name;
    }
  }
  for (const EnvVar& e : ov->env) {
    UpsertBy(r.env, e, [](const EnvVar& v) { return v.name; });
  }
  for (const auto& [path, keys] : ov->config) {
    for (ConfigFile& f : r.config) {
      if (f.path != path) continue;
      for (const auto& kv : keys) {
        UpsertBy(f.data, kv, [](const std::pair<std::string, std::string>& p) {
          return p.first;
        });
      }
    }
  }
  m.node_selector = ov->node_selector;
  m.tolerations = ov->tolerations.is_array() ? ov->tolerations : Json::array();
  PodSettings& pod = r.pod;
  if (!ov->pod.service_account_name.empty()) {
    pod.service_account_name = ov->pod.service_account_name;
  }
  if (!ov->pod.image_pull_secrets.empty()) pod.image_pull_secrets = ov->pod.image_pull_secrets;
  if (!ov->pod.priority_class_name.empty()) pod.priority_class_name = ov->pod.priority_class_name;
  for (const auto& [k, v] : ov->pod.labels) pod.labels[k] = v;
  for (const auto& [k, v] : ov->pod.annotations) pod.annotations[k] = v;
  m.restart_token = ov->restart_token;
  m.replace = ov->replace;
  OverrideContainers(r.containers, ov->containers);
  OverrideContainers(r.init_containers, ov->init_containers);
  return m;
}


// Building objects. Compile writes many small objects whose keys it knows
// to be distinct, so it appends (key, value) pairs straight into the ordered
// map: nlohmann's operator[] scans every existing key first, and its
// initializer lists build a two-element array per pair before turning them
// into an object. The bytes come out the same.

// Appends `key: value` to the object `obj`. REQUIRES: `key` is not in it.
template <typename K, typename V>
void Put(Json& obj, K&& key, V&& value) {
  obj.get_ref<Json::object_t&>().emplace_back(std::forward<K>(key), Json(std::forward<V>(value)));
}

inline void PutAll(Json::object_t&) {}
template <typename K, typename V, typename... Rest>
void PutAll(Json::object_t& o, K&& key, V&& value, Rest&&... rest) {
  o.emplace_back(std::forward<K>(key), Json(std::forward<V>(value)));
  PutAll(o, std::forward<Rest>(rest)...);
}

// The object {k1: v1, k2: v2, ...}, in that order. REQUIRES: distinct keys.
template <typename... Args>
Json Obj(Args&&... key_values) {
  static_assert(sizeof...(Args) % 2 == 0, "Obj takes key, value pairs");
  Json j(Json::value_t::object);
  Json::object_t& o = j.get_ref<Json::object_t&>();
  o.reserve(sizeof...(Args) / 2);
  PutAll(o, std::forward<Args>(key_values)...);
  return j;
}

// The array [v1, v2, ...].
template <typename... Args>
Json Arr(Args&&... values) {
  Json j(Json::value_t::array);
  Json::array_t& a = j.get_ref<Json::array_t&>();
  a.reserve(sizeof...(Args));
  (a.emplace_back(std::forward<Args>(values)), ...);
  return j;
}

Json StringMap(const std::map<std::string, std::string>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) Put(j, k, v);  // A map: distinct keys.
  return j;
}

class RoleCompiler {
 public:
  RoleCompiler(const Topology& t, const ClusterNames& names,
               const TemplateContext& context, MergedRole& merged, const Limits& limits)
      : t_(t), names_(names), context_(context), m_(merged), r_(merged.role), limits_(limits) {
    where_ = absl::StrCat("spec.roles[", m_.app_index, "]");
  }

  absl::Status Run(CompiledRole& out, std::vector<Object>& objects) {
    STRATA_RETURN_IF_ERROR(RenderTemplates());
    STRATA_RETURN_IF_ERROR(RenderConfig());
    sts_ = names_.StatefulSet(r_.name);
    STRATA_ASSIGN_OR_RETURN(std::string spec_hash, SpecHash());
    spec_hash_ = std::move(spec_hash);

    out.name = r_.name;
    out.members = m_.members;
    out.stateful_set = sts_;
    out.config_map = config_map_;
    out.live_config_map = live_config_map_;
    out.spec_hash = spec_hash_;
    out.config_hash = config_hash_;
    out.max_unavailable = r_.RolloutBudget(m_.members);
    out.depends_on = r_.depends_on;
    out.storage = r_.storage;
    out.role = r_;
    out.restart_token = m_.restart_token;
    out.replace = m_.replace;

    // SPEC-2 §5b.4: a role of 0 members has no objects at all (the planner
    // removes what an earlier count made). It stays in `out.roles`, so its
    // count is known. A stopped Cluster's roles keep their members and so
    // their objects (the StatefulSet at 0 replicas).
    if (m_.members == 0) return absl::OkStatus();
    if (!config_map_.empty()) objects.push_back(ConfigMap());
    if (!live_config_map_.empty()) objects.push_back(LiveConfigMap());
    objects.push_back(HeadlessService());
    for (const ServiceSpec& s : r_.services) {
      STRATA_ASSIGN_OR_RETURN(Object svc, ClientService(s, std::nullopt));
      objects.push_back(std::move(svc));
      if (!s.per_member) continue;
      for (int32_t i = 0; i < m_.members; ++i) {
        STRATA_ASSIGN_OR_RETURN(Object member, ClientService(s, i));
        objects.push_back(std::move(member));
      }
    }
    STRATA_ASSIGN_OR_RETURN(Object sts, StatefulSet());
    objects.push_back(std::move(sts));
    if (m_.members >= 2) objects.push_back(Pdb());
    return absl::OkStatus();
  }

 private:
  absl::Status RenderInPlace(std::string& s, const std::string& where) {
    absl::StatusOr<std::string> out = context_.Render(s);
    if (!out.ok()) return FieldError(where, std::string(out.status().message()));
    s = *std::move(out);
    return absl::OkStatus();
  }

  absl::Status RenderList(std::vector<std::string>& list, const std::string& where) {
    for (size_t i = 0; i < list.size(); ++i) {
      STRATA_RETURN_IF_ERROR(RenderInPlace(list[i], absl::StrCat(where, "[", i, "]")));
    }
    return absl::OkStatus();
  }

  absl::Status RenderHandler(std::optional<Handler>& h, const std::string& where) {
    if (!h.has_value() || h->kind != Handler::Kind::kExec) return absl::OkStatus();
    return RenderList(h->command, absl::StrCat(where, ".exec.command"));
  }

  // Renders every template field of the role in place (SPEC §3: command,
  // args, env values, config data values and text; exec commands too).
  absl::Status RenderTemplates() {
    STRATA_RETURN_IF_ERROR(RenderList(r_.command, where_ + ".command"));
    STRATA_RETURN_IF_ERROR(RenderList(r_.args, where_ + ".args"));
    for (size_t i = 0; i < r_.env.size(); ++i) {
      if (r_.env[i].secret.has_value() || !r_.env[i].field.empty()) continue;
      STRATA_RETURN_IF_ERROR(RenderInPlace(
          r_.env[i].value, absl::StrCat(where_, ".env[", i, "].value")));
    }
    for (size_t i = 0; i < r_.config.size(); ++i) {
      ConfigFile& f = r_.config[i];
      std::string fw = absl::StrCat(where_, ".config[", i, "]");
      for (auto& [key, value] : f.data) {
        STRATA_RETURN_IF_ERROR(RenderInPlace(value, absl::StrCat(fw, ".data.", key)));
      }
      STRATA_RETURN_IF_ERROR(RenderInPlace(f.template_text, fw + ".template"));
    }
    auto render_probe = [&](std::optional<Probe>& p, const char* name) -> absl::Status {
      if (!p.has_value() || p->handler.kind != Handler::Kind::kExec) return absl::OkStatus();
      return RenderList(p->handler.command,
                        absl::StrCat(where_, ".probes.", name, ".exec.command"));
    };
    STRATA_RETURN_IF_ERROR(render_probe(r_.probes.readiness, "readiness"));
    STRATA_RETURN_IF_ERROR(render_probe(r_.probes.liveness, "liveness"));
    STRATA_RETURN_IF_ERROR(render_probe(r_.probes.startup, "startup"));
    STRATA_RETURN_IF_ERROR(RenderHandler(r_.lifecycle.pre_stop, where_ + ".lifecycle.preStop"));
    STRATA_RETURN_IF_ERROR(RenderHandler(r_.lifecycle.member_leave, where_ + ".lifecycle.memberLeave"));
    STRATA_RETURN_IF_ERROR(RenderHandler(r_.lifecycle.member_join, where_ + ".lifecycle.memberJoin"));
    STRATA_RETURN_IF_ERROR(RenderHandler(r_.rollout.leader_probe, where_ + ".rollout.leaderProbe"));
    for (auto [field, list] : {std::pair{"containers", &r_.containers},
                               std::pair{"initContainers", &r_.init_containers}}) {
      for (size_t j = 0; j < list->size(); ++j) {
        strata::Container& c = (*list)[j];
        std::string at = absl::StrCat(where_, ".", field, "[", j, "]");
        STRATA_RETURN_IF_ERROR(RenderList(c.command, at + ".command"));
        STRATA_RETURN_IF_ERROR(RenderList(c.args, at + ".args"));
        for (size_t i = 0; i < c.env.size(); ++i) {
          if (c.env[i].secret.has_value() || !c.env[i].field.empty()) continue;
          STRATA_RETURN_IF_ERROR(
              RenderInPlace(c.env[i].value, absl::StrCat(at, ".env[", i, "].value")));
        }
        for (auto [name, probe] : {std::pair{"readiness", &c.probes.readiness},
                                   std::pair{"liveness", &c.probes.liveness},
                                   std::pair{"startup", &c.probes.startup}}) {
          if (!probe->has_value() || (*probe)->handler.kind != Handler::Kind::kExec) continue;
          STRATA_RETURN_IF_ERROR(RenderList((*probe)->handler.command,
                                            absl::StrCat(at, ".probes.", name, ".exec.command")));
        }
      }
    }
    if (r_.rollout.gate.has_value() &&
        r_.rollout.gate->handler.kind == Handler::Kind::kExec) {
      STRATA_RETURN_IF_ERROR(RenderList(r_.rollout.gate->handler.command,
                                        where_ + ".rollout.gate.exec.command"));
    }
    return absl::OkStatus();
  }

  // Formats every config file, assigns ConfigMap keys and hashes.
  absl::Status RenderConfig() {
    std::vector<std::string> paths;
    for (const ConfigFile& f : r_.config) paths.push_back(f.path);
    keys_ = ConfigMapKeys(paths);
    int64_t immutable_size = 0;
    int64_t live_size = 0;
    CanonicalWriter all;
    all.Begin("strata.dev/config-hash v1");
    for (size_t i = 0; i < r_.config.size(); ++i) {
      const ConfigFile& f = r_.config[i];
      absl::StatusOr<std::string> content = FormatConfig(f.format, f.data, f.template_text);
      if (!content.ok()) {
        return FieldError(absl::StrCat(where_, ".config[", i, "]"),
                          std::string(content.status().message()));
      }
      contents_.push_back(*content);
      live_.push_back(validate_internal::WhyNotLive(r_, i).empty());
      // Each of the two ConfigMaps holds its files' keys and contents.
      int64_t& size = live_.back() ? live_size : immutable_size;
      size += static_cast<int64_t>(keys_[i].size() + content->size());
      if (size > limits_.max_config_map_size) {
        return FieldError(
            absl::StrCat(where_, ".config[", i, "]"),
            LimitMessage(absl::StrCat("the rendered ConfigMap of role \"", r_.name,
                                      "\" in bytes is"),
                         size, limits_.max_config_map_size, "max_config_map_size"),
            absl::StatusCode::kResourceExhausted);
      }
      if (live_.back()) {
        live_config_map_ = absl::StrCat(names_.StatefulSet(r_.name), "-config-live");
        continue;  // Not part of what a member was started with.
      }
      all.Begin("file");
      all.Field("key", keys_[i]);
      all.Field("content", *content);
      all.End();
    }
    all.End();
    std::string digest = Hex16(Fnv1a64(all.bytes()));
    config_hash_ = "v1-" + digest;
    if (std::find(live_.begin(), live_.end(), false) != live_.end()) {
      config_map_ = absl::StrCat(names_.StatefulSet(r_.name), "-config-", digest.substr(0, 10));
    }
    // Directories of the onChange: none files, in order of first appearance:
    // one volume each, holding only that directory's files.
    for (size_t i = 0; i < r_.config.size(); ++i) {
      if (!live_[i]) continue;
      std::string dir = validate_internal::DirectoryOf(r_.config[i].path);
      auto it = std::find_if(live_dirs_.begin(), live_dirs_.end(),
                             [&](const LiveDir& d) { return d.dir == dir; });
      if (it == live_dirs_.end()) {
        live_dirs_.push_back({.dir = dir});
        it = live_dirs_.end() - 1;
      }
      it->files.push_back(i);
    }
    return absl::OkStatus();
  }

  // A probe's or handler's port: a number, or a name among `ports` (the
  // role's when null; a sidecar's probes name the sidecar's).
  absl::StatusOr<int32_t> ResolvePort(const PortRef& ref, const std::string& where,
                                      const std::vector<Port>* ports = nullptr) const {
    if (ref.name.empty()) return ref.number;
    if (ports == nullptr) ports = &r_.ports;
    auto it = std::find_if(ports->begin(), ports->end(),
                           [&](const Port& p) { return p.name == ref.name; });
    const Port* p = it == ports->end() ? nullptr : &*it;
    if (p == nullptr) {
      return FieldError(where, absl::StrCat("no port named \"", ref.name, "\""));
    }
    return p->port;
  }

  absl::Status HashHandler(CanonicalWriter& w, const Handler& h, const std::string& where,
                           const std::vector<Port>* ports = nullptr) const {
    switch (h.kind) {
      case Handler::Kind::kNone:
        w.Field("kind", "none");
        break;
      case Handler::Kind::kExec:
        w.Field("kind", "exec");
        w.Begin("command");
        for (const std::string& c : h.command) w.Field("arg", c);
        w.End();
        break;
      case Handler::Kind::kHttp: {
        w.Field("kind", "http");
        w.Field("path", h.path.empty() ? "/" : h.path);
        w.Field("scheme", h.scheme);
        STRATA_ASSIGN_OR_RETURN(int32_t port, ResolvePort(h.port, where, ports));
        w.Field("port", port);
        break;
      }
      case Handler::Kind::kTcp: {
        w.Field("kind", "tcp");
        STRATA_ASSIGN_OR_RETURN(int32_t port, ResolvePort(h.port, where, ports));
        w.Field("port", port);
        break;
      }
      case Handler::Kind::kGrpc: {
        w.Field("kind", "grpc");
        STRATA_ASSIGN_OR_RETURN(int32_t port, ResolvePort(h.port, where, ports));
        w.Field("port", port);
        if (!h.service.empty()) w.Field("service", h.service);
        break;
      }
    }
    return absl::OkStatus();
  }

  static void HashEnv(CanonicalWriter& w, const std::vector<EnvVar>& env) {
    w.Begin("env");
    for (const EnvVar& e : env) {
      w.Begin("var");
      w.Field("name", e.name);
      if (e.secret.has_value()) {
        w.Field("secret", e.secret->name);
        w.Field("key", e.secret->key);
      } else if (!e.field.empty()) {
        w.Field("field", e.field);
      } else {
        w.Field("value", e.value);
      }
      w.End();
    }
    w.End();
  }

  static void HashResources(CanonicalWriter& w, const Resources& resources) {
    w.Begin("resources");
    for (const auto* part : {&resources.requests, &resources.limits}) {
      w.Begin(part == &resources.requests ? "requests" : "limits");
      for (const auto& [k, q] : *part) w.Field(k, q.ToString());
      w.End();
    }
    w.End();
  }

  absl::Status HashProbes(CanonicalWriter& w, const Probes& probes, const std::string& where,
                          const std::vector<Port>* ports) const {
    w.Begin("probes");
    const std::pair<const char*, const std::optional<Probe>*> all[] = {
        {"readiness", &probes.readiness},
        {"liveness", &probes.liveness},
        {"startup", &probes.startup}};
    for (const auto& [name, probe] : all) {
      if (!probe->has_value()) continue;
      const Probe& p = **probe;
      w.Begin(name);
      STRATA_RETURN_IF_ERROR(HashHandler(w, p.handler, absl::StrCat(where, ".", name), ports));
      if (p.initial_delay_seconds) w.Field("initialDelaySeconds", *p.initial_delay_seconds);
      if (p.period_seconds) w.Field("periodSeconds", *p.period_seconds);
      if (p.timeout_seconds) w.Field("timeoutSeconds", *p.timeout_seconds);
      if (p.success_threshold) w.Field("successThreshold", *p.success_threshold);
      if (p.failure_threshold) w.Field("failureThreshold", *p.failure_threshold);
      w.End();
    }
    w.End();
    return absl::OkStatus();
  }

  // What a container (the role's own or a sidecar) is started with, in the
  // order scheme v1 fixes: image, command, args, ports, env, resources.
  static void HashProcess(CanonicalWriter& w, const std::string& image,
                          const std::vector<std::string>& command,
                          const std::vector<std::string>& args, const std::vector<Port>& ports,
                          const std::vector<EnvVar>& env, const Resources& resources) {
    w.Field("image", image);
    w.Begin("command");
    for (const std::string& a : command) w.Field("arg", a);
    w.End();
    w.Begin("args");
    for (const std::string& a : args) w.Field("arg", a);
    w.End();
    w.Begin("ports");
    for (const Port& p : ports) {
      w.Begin("port");
      w.Field("name", p.name);
      w.Field("port", p.port);
      w.Field("protocol", p.protocol);
      w.End();
    }
    w.End();
    HashEnv(w, env);
    HashResources(w, resources);
  }

  // A sidecar or init container: everything it is started with.
  absl::Status HashContainer(CanonicalWriter& w, const strata::Container& c,
                             const std::string& where) const {
    w.Begin("container");
    w.Field("name", c.name);
    HashProcess(w, c.image, c.command, c.args, c.ports, c.env, c.resources);
    STRATA_RETURN_IF_ERROR(HashProbes(w, c.probes, where + ".probes", &c.ports));
    w.Begin("mounts");
    for (const VolumeMount& m : c.volume_mounts) {
      w.Begin("storage");
      w.Field("name", m.name);
      w.Field("mountPath", m.mount_path);
      w.Field("readOnly", m.read_only ? 1 : 0);
      w.End();
    }
    for (const std::string& path : c.config) w.Field("config", path);
    w.End();
    w.End();
    return absl::OkStatus();
  }

  // The spec-hash, scheme v1 (README.md): what restarts a member.
  absl::StatusOr<std::string> SpecHash() const {
    CanonicalWriter w;
    w.Begin("strata.dev/spec-hash v1");
    w.Begin("identity");
    w.Field("cluster", names_.cluster);
    w.Field("namespace", names_.namespace_);
    w.Field("domain", names_.domain);
    w.Field("role", r_.name);
    w.End();
    HashProcess(w, r_.image, r_.command, r_.args, r_.ports, r_.env, r_.resources);
    STRATA_RETURN_IF_ERROR(HashProbes(w, r_.probes, where_ + ".probes", nullptr));
    w.Begin("mounts");
    for (const Storage& s : r_.storage) {
      w.Begin("storage");
      w.Field("name", s.name);
      w.Field("mountPath", s.mount_path);
      w.End();
    }
    for (size_t i = 0; i < r_.config.size(); ++i) {
      w.Begin("config");
      w.Field("path", r_.config[i].path);
      w.Field("key", keys_[i]);
      w.End();
    }
    w.End();
    w.Begin("security");
    w.Field("runAsUser", r_.security.run_as_user);
    if (r_.security.run_as_group) w.Field("runAsGroup", *r_.security.run_as_group);
    if (r_.security.fs_group) w.Field("fsGroup", *r_.security.fs_group);
    w.Begin("capabilities");
    for (const std::string& c : r_.security.capabilities) w.Field("add", c);
    w.End();
    w.Field("readOnlyRootFilesystem", r_.security.read_only_root_filesystem ? 1 : 0);
    w.End();
    w.Begin("lifecycle");
    if (r_.lifecycle.pre_stop) {
      w.Begin("preStop");
      STRATA_RETURN_IF_ERROR(HashHandler(w, *r_.lifecycle.pre_stop, where_ + ".lifecycle.preStop"));
      w.End();
    }
    if (r_.lifecycle.termination_grace_period_seconds) {
      w.Field("terminationGracePeriodSeconds", *r_.lifecycle.termination_grace_period_seconds);
    }
    w.End();
    w.Begin("config");
    for (size_t i = 0; i < r_.config.size(); ++i) {
      if (r_.config[i].on_change != OnChange::kRestart) continue;
      w.Begin("file");
      w.Field("path", r_.config[i].path);
      w.Field("content", contents_[i]);
      w.End();
    }
    w.End();
    // Pod settings (SPEC-2 §8), only when set: roles without them keep the
    // hash they had before these fields existed, so upgrading strata
    // restarts nobody.
    const PodSettings& pod = r_.pod;
    if (!pod.empty()) {
      w.Begin("pod");
      if (!pod.service_account_name.empty()) {
        w.Field("serviceAccountName", pod.service_account_name);
      }
      for (const std::string& p : pod.image_pull_secrets) w.Field("imagePullSecret", p);
      if (!pod.priority_class_name.empty()) {
        w.Field("priorityClassName", pod.priority_class_name);
      }
      for (const auto& [k, v] : pod.labels) {
        w.Begin("label");
        w.Field("key", k);
        w.Field("value", v);
        w.End();
      }
      for (const auto& [k, v] : pod.annotations) {
        w.Begin("annotation");
        w.Field("key", k);
        w.Field("value", v);
        w.End();
      }
      w.End();
    }
    // Only when set, so that hashes of clusters without one do not change.
    if (!m_.restart_token.empty()) w.Field("restartToken", m_.restart_token);
    // Sidecars and init containers (SPEC-2 §8), likewise only when there are any.
    for (auto [field, list] : {std::pair{"containers", &r_.containers},
                               std::pair{"initContainers", &r_.init_containers}}) {
      if (list->empty()) continue;
      w.Begin(field);
      for (size_t j = 0; j < list->size(); ++j) {
        STRATA_RETURN_IF_ERROR(
            HashContainer(w, (*list)[j], absl::StrCat(where_, ".", field, "[", j, "]")));
      }
      w.End();
    }
    w.End();
    return "v1-" + Hex16(Fnv1a64(w.bytes()));
  }


  // Every object of the role carries these labels and most a selector: built
  // once per role, copied per object.
  const Json& Labels() const {
    if (labels_.is_null()) labels_ = BuildLabels();
    return labels_;
  }

  const Json& Selector() const {
    if (selector_.is_null()) {
      selector_ = Obj(kube::kInstanceLabel, t_.cluster.name, kube::kComponentLabel, r_.name);
    }
    return selector_;
  }

  Json BuildLabels() const {
    Json l = Json::object();
    Put(l, kube::kNameLabel, t_.app.name);
    Put(l, kube::kInstanceLabel, t_.cluster.name);
    Put(l, kube::kComponentLabel, r_.name);
    if (!t_.app.version.empty()) Put(l, kube::kVersionLabel, t_.app.version);
    Put(l, kube::kManagedByLabel, kube::kManagedByStrata);
    Put(l, kube::kPartOfLabel, t_.app.name);
    for (const auto& [k, v] : t_.cluster.labels) {
      if (!l.contains(k)) l[k] = v;
    }
    return l;
  }

  Json Metadata(const std::string& name) const {
    return Obj("name", name, "namespace", t_.cluster.namespace_, "labels", Labels());
  }

  // The object: apiVersion, kind, metadata, then the (key, value) pairs of
  // `rest`, moved in.
  Object Make(const std::string& kind, const std::string& api_version,
              const std::string& name, Json rest) const {
    Object o;
    o.kind = kind;
    o.name = name;
    o.role = r_.name;
    o.body = Obj("apiVersion", api_version, "kind", kind, "metadata", Metadata(name));
    Json::object_t& body = o.body.get_ref<Json::object_t&>();
    Json::object_t& more = rest.get_ref<Json::object_t&>();
    body.reserve(body.size() + more.size());
    for (auto& [key, value] : more) body.emplace_back(key, std::move(value));
    return o;
  }

  Object ConfigMap() const {
    Json data = Json::object();
    for (size_t i = 0; i < r_.config.size(); ++i) {
      if (!live_[i]) data[keys_[i]] = contents_[i];
    }
    // The name carries the content hash, so the object never changes.
    return Make(kube::kKindConfigMap, "v1", config_map_, Obj("immutable", true, "data", std::move(data)));
  }

  // The onChange: none files under one stable name: an update changes this
  // object only, never the pod template, and the kubelet refreshes the
  // mounted files (within its sync period) without a restart.
  Object LiveConfigMap() const {
    Json data = Json::object();
    for (size_t i = 0; i < r_.config.size(); ++i) {
      if (live_[i]) data[keys_[i]] = contents_[i];
    }
    return Make(kube::kKindConfigMap, "v1", live_config_map_, Obj("data", std::move(data)));
  }

  static std::string LiveVolumeName(size_t index) {
    return absl::StrCat(kConfigVolume, "-live-", index);
  }

  Json ServicePort(const Port& p) const {
    return Obj("name", p.name, "port", p.port, "targetPort", p.name, "protocol", p.protocol);
  }

  Object HeadlessService() const {
    Json spec = Obj("clusterIP", "None", "publishNotReadyAddresses", true, "selector", Selector());
    Json ports = Json::array();
    for (const Port& p : r_.ports) ports.push_back(ServicePort(p));
    if (!ports.empty()) Put(spec, "ports", std::move(ports));
    return Make(kube::kKindService, "v1", sts_, Obj("spec", std::move(spec)));
  }

  static const char* ServiceTypeName(ServiceType t) {
    switch (t) {
      case ServiceType::kClusterIP: return "ClusterIP";
      case ServiceType::kNodePort: return "NodePort";
      case ServiceType::kLoadBalancer: return "LoadBalancer";
    }
    return "ClusterIP";
  }

  absl::StatusOr<Object> ClientService(const ServiceSpec& s,
                                       std::optional<int32_t> ordinal) const {
    std::string name = ordinal ? absl::StrCat(sts_, "-", *ordinal, "-", s.name)
                               : absl::StrCat(sts_, "-", s.name);
    Json selector = Selector();
    if (ordinal) selector["statefulset.kubernetes.io/pod-name"] = names_.PodName(r_.name, *ordinal);
    Json ports = Json::array();
    for (const std::string& pn : s.ports) {
      const Port* p = r_.FindPort(pn);
      if (p == nullptr) {
        return FieldError(where_ + ".services", absl::StrCat("no port named \"", pn, "\""));
      }
      ports.push_back(ServicePort(*p));
    }
    Json spec = Obj("type", ServiceTypeName(s.type), "selector", std::move(selector), "ports",
                    std::move(ports));
    Object o = Make(kube::kKindService, "v1", name, Obj("spec", std::move(spec)));
    if (s.dashboard || !s.annotations.empty()) {
      Json annotations = Json::object();
      for (const auto& [k, v] : s.annotations) Put(annotations, k, v);
      if (s.dashboard) Put(annotations, kube::kDashboardAnnotation, "true");
      o.body["metadata"]["annotations"] = std::move(annotations);
    }
    return o;
  }

  absl::StatusOr<Json> HandlerJson(const Handler& h, const std::string& where, bool probe,
                                   const std::vector<Port>* ports = nullptr) const {
    Json j = Json::object();
    switch (h.kind) {
      case Handler::Kind::kExec:
        Put(j, "exec", Obj("command", h.command));
        break;
      case Handler::Kind::kHttp: {
        STRATA_ASSIGN_OR_RETURN(int32_t port, ResolvePort(h.port, where, ports));
        Put(j, "httpGet",
            Obj("path", h.path.empty() ? "/" : h.path, "port", port, "scheme", h.scheme));
        break;
      }
      case Handler::Kind::kTcp: {
        STRATA_ASSIGN_OR_RETURN(int32_t port, ResolvePort(h.port, where, ports));
        Put(j, "tcpSocket", Obj("port", port));
        break;
      }
      case Handler::Kind::kGrpc: {
        if (!probe) {
          return FieldError(where, "grpc is only allowed in probes");
        }
        STRATA_ASSIGN_OR_RETURN(int32_t port, ResolvePort(h.port, where, ports));
        Json g = Obj("port", port);
        if (!h.service.empty()) Put(g, "service", h.service);
        Put(j, "grpc", std::move(g));
        break;
      }
      case Handler::Kind::kNone:
        return FieldError(where, "no handler: exactly one of exec, http, tcp or grpc must be set");
    }
    return j;
  }

  absl::StatusOr<Json> ProbeJson(const Probe& p, const std::string& where,
                                 const std::vector<Port>* ports = nullptr) const {
    STRATA_ASSIGN_OR_RETURN(Json j, HandlerJson(p.handler, where, true, ports));
    if (p.initial_delay_seconds) Put(j, "initialDelaySeconds", *p.initial_delay_seconds);
    if (p.period_seconds) Put(j, "periodSeconds", *p.period_seconds);
    if (p.timeout_seconds) Put(j, "timeoutSeconds", *p.timeout_seconds);
    if (p.success_threshold) Put(j, "successThreshold", *p.success_threshold);
    if (p.failure_threshold) Put(j, "failureThreshold", *p.failure_threshold);
    return j;
  }

  // STRATA_* then `vars`: the env of every container of the pod.
  Json Env(const std::vector<EnvVar>& vars) const {
    Json env = Json::array();
    Json::array_t& list = env.get_ref<Json::array_t&>();
    list.reserve(5 + vars.size());
    auto field_ref = [](const char* path) {
      return Obj("fieldRef", Obj("apiVersion", "v1", "fieldPath", path));
    };
    list.push_back(Obj("name", "STRATA_CLUSTER", "value", t_.cluster.name));
    list.push_back(Obj("name", "STRATA_ROLE", "value", r_.name));
    list.push_back(Obj("name", "STRATA_POD_NAME", "valueFrom", field_ref("metadata.name")));
    list.push_back(Obj("name", "STRATA_ORDINAL", "valueFrom",
                       field_ref("metadata.labels['apps.kubernetes.io/pod-index']")));
    list.push_back(Obj("name", "STRATA_MEMBER_FQDN", "value",
                       absl::StrCat("$(STRATA_POD_NAME).", names_.ServiceFqdn(r_.name))));
    for (const EnvVar& e : vars) {
      if (e.secret.has_value()) {
        list.push_back(Obj("name", e.name, "valueFrom",
                           Obj("secretKeyRef", Obj("name", e.secret->name, "key", e.secret->key))));
      } else if (!e.field.empty()) {
        list.push_back(Obj("name", e.name, "valueFrom", field_ref(e.field.c_str())));
      } else {
        list.push_back(Obj("name", e.name, "value", e.value));
      }
    }
    return env;
  }

  static Json ResourcesJson(const Resources& resources) {
    Json res = Json::object();
    auto part = [](const std::map<std::string, Quantity>& m) {
      Json j = Json::object();
      for (const auto& [k, q] : m) Put(j, k, q.ToString());  // A map: distinct keys.
      return j;
    };
    if (!resources.requests.empty()) Put(res, "requests", part(resources.requests));
    if (!resources.limits.empty()) Put(res, "limits", part(resources.limits));
    return res;
  }

  static Json PortsJson(const std::vector<Port>& ports) {
    Json out = Json::array();
    for (const Port& p : ports) {
      out.push_back(Obj("name", p.name, "containerPort", p.port, "protocol", p.protocol));
    }
    return out;
  }

  absl::Status PutProbes(Json& c, const Probes& probes, const std::string& where,
                         const std::vector<Port>* ports) const {
    for (auto [field, name, probe] :
         {std::tuple{"readinessProbe", "readiness", &probes.readiness},
          std::tuple{"livenessProbe", "liveness", &probes.liveness},
          std::tuple{"startupProbe", "startup", &probes.startup}}) {
      if (!probe->has_value()) continue;
      STRATA_ASSIGN_OR_RETURN(Json p, ProbeJson(**probe, absl::StrCat(where, ".", name), ports));
      Put(c, field, std::move(p));
    }
    return absl::OkStatus();
  }

  // Every container of the pod runs under the restricted Pod Security Standard.
  Json ContainerSecurityContext() const {
    Json caps = Obj("drop", Arr("ALL"));
    if (!r_.security.capabilities.empty()) Put(caps, "add", r_.security.capabilities);
    return Obj("allowPrivilegeEscalation", false, "capabilities", std::move(caps),
               "readOnlyRootFilesystem", r_.security.read_only_root_filesystem, "runAsNonRoot",
               true);
  }

  // The mount of config file `i` (its own subPath, or its live directory).
  Json ConfigMount(size_t i) const {
    if (!live_[i]) {
      return Obj("name", kConfigVolume, "mountPath", r_.config[i].path, "subPath", keys_[i],
                 "readOnly", true);
    }
    std::string dir = validate_internal::DirectoryOf(r_.config[i].path);
    size_t d = 0;
    while (d + 1 < live_dirs_.size() && live_dirs_[d].dir != dir) ++d;
    return Obj("name", LiveVolumeName(d), "mountPath", live_dirs_[d].dir, "readOnly", true);
  }

  // A sidecar or init container at `where`.
  absl::StatusOr<Json> ExtraContainer(const strata::Container& k, const std::string& where,
                                      bool init) const {
    Json c = Obj("name", k.name, "image", k.image);
    if (!k.command.empty()) Put(c, "command", k.command);
    if (!k.args.empty()) Put(c, "args", k.args);
    if (!k.ports.empty()) Put(c, "ports", PortsJson(k.ports));
    Put(c, "env", Env(k.env));
    Json res = ResourcesJson(k.resources);
    if (!res.empty()) Put(c, "resources", std::move(res));
    Json mounts = Json::array();
    for (const VolumeMount& m : k.volume_mounts) {
      Json mount = Obj("name", m.name, "mountPath", m.mount_path);
      if (m.read_only) Put(mount, "readOnly", true);
      mounts.push_back(std::move(mount));
    }
    std::set<std::string> live_dirs;  // A live directory is mounted once.
    for (const std::string& path : k.config) {
      size_t i = 0;
      while (i < r_.config.size() && r_.config[i].path != path) ++i;
      if (i == r_.config.size()) {
        return FieldError(where + ".config", absl::StrCat("no config file \"", path, "\""));
      }
      Json mount = ConfigMount(i);
      if (live_[i] && !live_dirs.insert(mount["mountPath"].get<std::string>()).second) continue;
      mounts.push_back(std::move(mount));
    }
    if (!mounts.empty()) Put(c, "volumeMounts", std::move(mounts));
    if (!init) STRATA_RETURN_IF_ERROR(PutProbes(c, k.probes, where + ".probes", &k.ports));
    Put(c, "securityContext", ContainerSecurityContext());
    return c;
  }

  absl::StatusOr<Json> Container() const {
    Json c = Obj("name", r_.name, "image", r_.image);
    if (!r_.command.empty()) Put(c, "command", r_.command);
    if (!r_.args.empty()) Put(c, "args", r_.args);
    if (!r_.ports.empty()) Put(c, "ports", PortsJson(r_.ports));
    Put(c, "env", Env(r_.env));
    Json res = ResourcesJson(r_.resources);
    if (!res.empty()) Put(c, "resources", std::move(res));
    Json mounts = Json::array();
    for (const Storage& s : r_.storage) {
      mounts.push_back(Obj("name", s.name, "mountPath", s.mount_path));
    }
    for (size_t i = 0; i < r_.config.size(); ++i) {
      if (!live_[i]) mounts.push_back(ConfigMount(i));
    }
    // No subPath here: the kubelet updates only whole-volume mounts.
    for (size_t d = 0; d < live_dirs_.size(); ++d) {
      mounts.push_back(Obj("name", LiveVolumeName(d), "mountPath", live_dirs_[d].dir, "readOnly",
                           true));
    }
    if (!mounts.empty()) Put(c, "volumeMounts", std::move(mounts));
    STRATA_RETURN_IF_ERROR(PutProbes(c, r_.probes, where_ + ".probes", nullptr));
    if (r_.lifecycle.pre_stop) {
      STRATA_ASSIGN_OR_RETURN(Json pre, HandlerJson(*r_.lifecycle.pre_stop, where_ + ".lifecycle.preStop", false));
      Put(c, "lifecycle", Obj("preStop", std::move(pre)));
    }
    Put(c, "securityContext", ContainerSecurityContext());
    return c;
  }

  absl::StatusOr<Json> PodSpec() const {
    // strata's members need no API token; with a ServiceAccount of the
    // user's, its own automountServiceAccountToken decides.
    Json spec = Json::object();
    if (r_.pod.service_account_name.empty()) {
      Put(spec, "automountServiceAccountToken", false);
    } else {
      Put(spec, "serviceAccountName", r_.pod.service_account_name);
    }
    if (!r_.pod.priority_class_name.empty()) {
      Put(spec, "priorityClassName", r_.pod.priority_class_name);
    }
    if (!r_.pod.image_pull_secrets.empty()) {
      Json secrets = Json::array();
      for (const std::string& name : r_.pod.image_pull_secrets) secrets.push_back(Obj("name", name));
      Put(spec, "imagePullSecrets", std::move(secrets));
    }
    Json sc = Obj("runAsNonRoot", true, "runAsUser", r_.security.run_as_user);
    if (r_.security.run_as_group) Put(sc, "runAsGroup", *r_.security.run_as_group);
    if (r_.security.fs_group) Put(sc, "fsGroup", *r_.security.fs_group);
    Put(sc, "seccompProfile", Obj("type", "RuntimeDefault"));
    Put(spec, "securityContext", std::move(sc));
    if (r_.lifecycle.termination_grace_period_seconds) {
      Put(spec, "terminationGracePeriodSeconds", *r_.lifecycle.termination_grace_period_seconds);
    }
    if (!m_.node_selector.empty()) Put(spec, "nodeSelector", StringMap(m_.node_selector));
    if (!m_.tolerations.empty()) Put(spec, "tolerations", m_.tolerations);
    if (r_.placement.spread != Spread::kNone) {
      Put(spec, "topologySpreadConstraints",
          Arr(Obj("maxSkew", 1, "topologyKey",
                  r_.placement.spread == Spread::kZone ? kube::kZoneLabel : kube::kHostnameLabel,
                  "whenUnsatisfiable",
                  r_.placement.mode == PlacementMode::kRequired ? "DoNotSchedule"
                                                                : "ScheduleAnyway",
                  "labelSelector", Obj("matchLabels", Selector()))));
    }
    if (!r_.init_containers.empty()) {
      Json init = Json::array();
      for (size_t j = 0; j < r_.init_containers.size(); ++j) {
        STRATA_ASSIGN_OR_RETURN(
            Json c, ExtraContainer(r_.init_containers[j],
                                   absl::StrCat(where_, ".initContainers[", j, "]"), true));
        init.push_back(std::move(c));
      }
      Put(spec, "initContainers", std::move(init));
    }
    STRATA_ASSIGN_OR_RETURN(Json container, Container());
    Json containers = Arr(std::move(container));
    for (size_t j = 0; j < r_.containers.size(); ++j) {
      STRATA_ASSIGN_OR_RETURN(
          Json c, ExtraContainer(r_.containers[j], absl::StrCat(where_, ".containers[", j, "]"),
                                 false));
      containers.push_back(std::move(c));
    }
    Put(spec, "containers", std::move(containers));
    Json volumes = Json::array();
    if (!config_map_.empty()) {
      volumes.push_back(Obj("name", kConfigVolume, "configMap", Obj("name", config_map_)));
    }
    for (size_t d = 0; d < live_dirs_.size(); ++d) {
      Json items = Json::array();
      for (size_t i : live_dirs_[d].files) {
        const std::string& path = r_.config[i].path;
        items.push_back(Obj("key", keys_[i], "path", path.substr(path.rfind('/') + 1)));
      }
      volumes.push_back(Obj("name", LiveVolumeName(d), "configMap",
                            Obj("name", live_config_map_, "items", std::move(items))));
    }
    if (!volumes.empty()) Put(spec, "volumes", std::move(volumes));
    return spec;
  }

  // The number of metrics.port: a number, or a port of the role or a sidecar.
  absl::StatusOr<int32_t> MetricsPort() const {
    const PortRef& ref = r_.metrics->port;
    if (ref.name.empty()) return ref.number;
    if (const Port* p = r_.FindPort(ref.name)) return p->port;
    for (const strata::Container& c : r_.containers) {
      if (const Port* p = c.FindPort(ref.name)) return p->port;
    }
    return FieldError(where_ + ".metrics.port", absl::StrCat("no port named \"", ref.name, "\""));
  }

  const char* Retention(bool scaled) const {
    // Retain unless every storage says delete: a PVC is never deleted unless
    // its storage's policy says so. A stopped Cluster keeps every PVC.
    if (scaled && t_.cluster.stopped) return "Retain";
    for (const Storage& s : r_.storage) {
      VolumePolicy p = scaled ? s.on_scale_down : s.on_cluster_delete;
      if (p != VolumePolicy::kDelete) return "Retain";
    }
    return "Delete";
  }

  // Storage named strata-config* would collide with kConfigVolume: the App
  // rules refuse it (validate/field_rules.cc CheckStorage) before Compile
  // gets here.
  absl::StatusOr<Object> StatefulSet() const {
    Json spec = Obj("serviceName", sts_, "replicas", t_.cluster.stopped ? 0 : m_.members,
                    "selector",
                    Obj("matchLabels", Selector()), "podManagementPolicy", kube::kParallelPolicy,
                    "updateStrategy", Obj("type", "OnDelete"));
    if (!r_.storage.empty()) {
      Put(spec, "persistentVolumeClaimRetentionPolicy",
          Obj("whenDeleted", Retention(false), "whenScaled", Retention(true)));
    }
    Json pod_labels = Labels();
    for (const auto& [k, v] : r_.pod.labels) pod_labels[k] = v;
    Json pod_annotations =
        Obj(kube::kSpecHashAnnotation, spec_hash_, kube::kConfigHashAnnotation, config_hash_);
    for (const auto& [k, v] : r_.pod.annotations) Put(pod_annotations, k, v);
    // Prometheus' scrape annotations: outside the spec-hash, they restart nobody.
    if (r_.metrics) {
      STRATA_ASSIGN_OR_RETURN(int32_t port, MetricsPort());
      pod_annotations[kube::kPrometheusScrapeAnnotation] = "true";
      pod_annotations[kube::kPrometheusPortAnnotation] = absl::StrCat(port);
      pod_annotations[kube::kPrometheusPathAnnotation] = r_.metrics->path;
    }
    Json tmd = Obj("labels", std::move(pod_labels), "annotations", std::move(pod_annotations));
    if (!m_.restart_token.empty()) {
      Put(tmd["annotations"], kube::kRestartTokenAnnotation, m_.restart_token);
    }
    STRATA_ASSIGN_OR_RETURN(Json pod, PodSpec());
    Put(spec, "template", Obj("metadata", std::move(tmd), "spec", std::move(pod)));
    if (!r_.storage.empty()) {
      Json vcts = Json::array();
      for (const Storage& s : r_.storage) {
        Json vs = Obj("accessModes", s.access_modes);
        if (!s.storage_class_name.empty()) Put(vs, "storageClassName", s.storage_class_name);
        Put(vs, "resources", Obj("requests", Obj("storage", s.size.ToString())));
        vcts.push_back(Obj("metadata", Obj("name", s.name, "labels", Selector()), "spec",
                           std::move(vs)));
      }
      Put(spec, "volumeClaimTemplates", std::move(vcts));
    }
    Object o = Make(kube::kKindStatefulSet, "apps/v1", sts_, Obj("spec", std::move(spec)));
    Put(o.body["metadata"], "annotations", Obj(kube::kSpecHashAnnotation, spec_hash_));
    return o;
  }

  Object Pdb() const {
    Json spec = Json::object();
    int32_t n = m_.members;
    if (r_.quorum == Quorum::kMajority) {
      Put(spec, "minAvailable", kube::Majority(n));
    } else {
      Put(spec, "maxUnavailable", r_.rollout.ResolveMaxUnavailable(n));
    }
    Put(spec, "selector", Obj("matchLabels", Selector()));
    return Make(kube::kKindPdb, "policy/v1", sts_, Obj("spec", std::move(spec)));
  }

  const Topology& t_;
  const ClusterNames& names_;
  const TemplateContext& context_;
  MergedRole& m_;
  Role& r_;
  const Limits& limits_;
  std::string where_;
  std::string sts_;
  std::vector<std::string> keys_;      // ConfigMap key of each config file.
  std::vector<std::string> contents_;  // Rendered content of each file.
  std::vector<bool> live_;             // Each file is live (validate/live_config.h).
  std::string config_map_;
  std::string live_config_map_;
  struct LiveDir {
    std::string dir;             // Mount path of the volume.
    std::vector<size_t> files;   // Indexes into r_.config.
  };
  std::vector<LiveDir> live_dirs_;
  std::string config_hash_;
  std::string spec_hash_;
  mutable Json labels_;    // Labels(), built on first use.
  mutable Json selector_;  // Selector(), built on first use.
};

}  // namespace

absl::StatusOr<CompiledCluster> Compile(const Topology& topology,
                                        const CompileOptions& options) {
  std::vector<Diagnostic> diagnostics = CheckTopology(topology.app, topology.cluster);
  if (HasErrors(diagnostics)) {
    std::vector<Diagnostic> errors;
    for (Diagnostic& d : diagnostics) {
      if (d.severity == Diagnostic::Severity::kError) errors.push_back(std::move(d));
    }
    return StatusFromDiagnostics(std::move(errors));
  }
  const App& app = topology.app;
  const Cluster& cluster = topology.cluster;
  std::vector<MergedRole> merged;
  std::vector<int32_t> members;
  merged.reserve(app.roles.size());
  for (size_t i = 0; i < app.roles.size(); ++i) {
    merged.push_back(Merge(app.roles[i], cluster.FindRole(app.roles[i].name), i));
    members.push_back(merged.back().members);
    if (members.back() > options.limits.max_members) {
      return FieldError(absl::StrCat("spec.roles[", i, "]"),
                        LimitMessage(absl::StrCat("the members of role \"", app.roles[i].name,
                                                  "\" are"),
                                     members.back(), options.limits.max_members, "max_members"),
                        absl::StatusCode::kResourceExhausted);
    }
  }
  // Roles in dependsOn order, App order breaking ties; CheckTopology above
  // refused unknown names and cycles, so every role is in it.
  const std::vector<int> order = RoleGraph::Of(app.roles).order();
  ClusterNames names{cluster.name, cluster.namespace_, cluster.domain};
  TemplateContext context(app, cluster, members);

  CompiledCluster out;
  out.cluster = cluster.name;
  out.namespace_ = cluster.namespace_;
  out.app = app.name;
  out.stopped = cluster.stopped;
  out.maintenance = cluster.maintenance;
  // Roles compile independently (each reads the shared context and writes
  // only its own slot); their objects are joined in dependsOn order, and the
  // first failing role in that order is the error, as in a serial run.
  const size_t n = order.size();
  out.roles.resize(n);
  std::vector<std::vector<Object>> objects(n);
  std::vector<absl::Status> status(n);
  auto compile_role = [&](size_t k) {
    RoleCompiler rc(topology, names, context, merged[order[k]], options.limits);
    status[k] = rc.Run(out.roles[k], objects[k]);
  };
  if (options.parallel_for && n > 1) {
    options.parallel_for(n, compile_role);
  } else {
    for (size_t k = 0; k < n; ++k) {
      compile_role(k);
      if (!status[k].ok()) return status[k];
    }
  }
  size_t total = 0;
  for (size_t k = 0; k < n; ++k) {
    if (!status[k].ok()) return status[k];
    total += objects[k].size();
  }
  out.objects.reserve(total);
  for (std::vector<Object>& role_objects : objects) {
    for (Object& o : role_objects) out.objects.push_back(std::move(o));
  }
  return out;
}

}  // namespace strata
