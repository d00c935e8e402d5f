// ImportKubeDirector: KubeDirectorApp / KubeDirectorCluster
// (kubedirector.hpe.com/v1beta1) -> App / Cluster.
//
// What maps (KubeDirector's types: pkg/apis/kubedirector/v1beta1):
//   KubeDirectorApp.metadata.name         -> App metadata.name
//   spec.version, spec.label              -> version, description
//   spec.roles[] (NodeRole)               -> roles[]: id -> name, cardinality,
//     imageRepoTag | defaultImageRepoTag  -> image
//     minResources (cpu, memory, ...)     -> minResources
//     persistDirs | defaultPersistDirs    -> storage, one claim per directory
//   spec.services[] with an endpoint, as
//     spec.config.roleServices assigns
//     them to roles                       -> ports and client Services
//                                            (isDashboard -> dashboard)
//   spec.capabilities                     -> every role's security.capabilities
//   KubeDirectorCluster.spec.roles[]      -> Cluster roles: members,
//     resources, storage (size, class),
//     env
// Everything else (config packages and the event scripts they run,
// configMeta, systemd and root, per-member NodePort Services, secrets, file
// injections, ...) is a warning and a comment on the document.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "import/import_internal.h"
#include "strata/cardinality.h"
#include "strata/import.h"
#include "strata/quantity.h"
#include "kube/keys.h"

namespace strata {
namespace {

using import_internal::Get;
using import_internal::GetScalarText;
using import_internal::GetString;
using import_internal::InputObject;
using import_internal::Reporter;

constexpr char kGroup[] = "kubedirector.hpe.com/";

// A role of an imported App, as the Cluster import needs it.
struct ImportedRole {
  std::string id;                     // KubeDirector's role id.
  std::string name;                   // strata's role name.
  std::vector<std::string> storage;   // strata storage names, one per persisted directory.
};

struct ImportedApp {
  std::string name;  // strata's App name.
  std::vector<ImportedRole> roles;
  const ImportedRole* Find(const std::string& id) const {
    for (const ImportedRole& r : roles) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }
};

std::vector<std::string> Strings(const Json* list) {
  std::vector<std::string> out;
  if (list == nullptr || !list->is_array()) return out;
  for (const Json& v : *list) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string PackageUrl(const Json* package) {
  if (package == nullptr || !package->is_object()) return "";
  return GetString(*package, "packageURL");
}

class AppImporter {
 public:
  AppImporter(const InputObject& in, Reporter& r) : in_(in), r_(r) {}

  // Returns the App document, or nothing after reporting errors.
  std::optional<ImportedDocument> Run(ImportedApp& out) {
    const Json* spec = Get(in_.value, "spec");
    if (spec == nullptr || !spec->is_object()) {
      r_.Error(in_, "spec", "required field is missing");
      return std::nullopt;
    }
    spec_ = spec;
    std::string kd_name = in_.Name();
    if (kd_name.empty()) {
      r_.Error(in_, "metadata.name", "required field is missing");
      return std::nullopt;
    }
    out.name = import_internal::DnsLabel(kd_name, "app");
    Json app_spec = Json::object();
    std::string version = GetScalarText(*spec, "version");
    if (import_internal::IsLabelValue(version)) {
      if (!version.empty()) app_spec["version"] = version;
    } else {
      r_.Warn(in_, "spec.version",
              absl::StrCat("\"", version,
                           "\" is not a valid label value (app.kubernetes.io/version): left out"));
    }
    const Json* label = Get(*spec, "label");
    std::string label_name = label ? GetString(*label, "name") : "";
    std::string label_description = label ? GetString(*label, "description") : "";
    std::string description = label_description.empty() ? label_name : label_description;
    if (!description.empty()) app_spec["description"] = description;

    comments_.push_back(absl::StrCat("Imported from KubeDirectorApp ", kd_name, " (", in_.file,
                                     ") by `strata import kubedirector`."));
    if (!label_name.empty()) comments_.push_back(absl::StrCat("KubeDirector label: ", label_name));
    if (out.name != kd_name) {
      comments_.push_back(absl::StrCat("App name ", out.name, ": ", kd_name,
                                       " is not a DNS-1035 label."));
    }
    ServicesById();
    RoleServices();
    std::set<std::string> selected;
    const Json* config = Get(*spec, "config");
    bool has_selection = false;
    if (config != nullptr) {
      const Json* s = Get(*config, "selectedRoles");
      has_selection = s != nullptr && s->is_array();
      for (const std::string& id : Strings(s)) selected.insert(id);
      const Json* meta = Get(*config, "configMeta");
      if (meta != nullptr && meta->is_object() && !meta->empty()) {
        std::vector<std::string> kv;
        for (auto it = meta->begin(); it != meta->end(); ++it) {
          kv.push_back(absl::StrCat(it.key(), "=",
                                    it.value().is_string() ? it.value().get<std::string>()
                                                           : it.value().dump()));
        }
        NotCarried("spec.config.configMeta",
                   absl::StrCat("configMeta (", absl::StrJoin(kv, ", "),
                                ") is input to the config package's scripts; put what the "
                                "application needs into config files or env"));
      }
    }
    default_persist_ = Strings(Get(*spec, "defaultPersistDirs"));
    capabilities_ = Strings(Get(*spec, "capabilities"));
    default_image_ = GetString(*spec, "defaultImageRepoTag");
    std::string package = PackageUrl(Get(*spec, "defaultConfigPackage"));
    std::vector<std::string> default_events = Strings(Get(*spec, "defaultEventList"));
    if (!package.empty()) {
      NotCarried("spec.defaultConfigPackage",
                 absl::StrCat("config package ", package,
                              ": KubeDirector runs its scripts in every member on events (",
                              default_events.empty() ? "configure, addnodes, delnodes"
                                                     : absl::StrJoin(default_events, ", "),
                              "); strata runs no scripts of its own: render the files the "
                              "scripts wrote as config files, and turn addnodes/delnodes "
                              "work into memberJoin/memberLeave hooks"));
    }
    if (spec->value("systemdRequired", false)) {
      NotCarried("spec.systemdRequired",
                 "systemdRequired: the image runs systemd as PID 1, as root; strata runs "
                 "containers as a non-root user with no privilege: such an image needs an "
                 "entrypoint that runs the service itself (set command and args)");
    } else {
      NotCarried("spec", "KubeDirector runs containers as root; strata runs them as uid 1000 "
                         "unless security.runAsUser says otherwise: set the user the image "
                         "expects");
    }

    Json roles = Json::array();
    const Json* kd_roles = Get(*spec, "roles");
    if (kd_roles == nullptr || !kd_roles->is_array() || kd_roles->empty()) {
      r_.Error(in_, "spec.roles", "required field is missing: an App needs at least one role");
      return std::nullopt;
    }
    std::set<std::string> role_names;
    for (size_t i = 0; i < kd_roles->size(); ++i) {
      const Json& kd = (*kd_roles)[i];
      std::string where = absl::StrCat("spec.roles[", i, "]");
      std::string id = GetString(kd, "id");
      if (id.empty()) {
        r_.Error(in_, where + ".id", "required field is missing");
        continue;
      }
      if (has_selection && !selected.count(id)) {
        r_.Warn(in_, where, absl::StrCat("role ", id,
                                         " is not in spec.config.selectedRoles: KubeDirector "
                                         "never runs it, so it is left out"));
        comments_.push_back(absl::StrCat("Role ", id, " left out: not in selectedRoles."));
        continue;
      }
      ImportedRole role{.id = id, .name = import_internal::DnsLabel(id, "role")};
      if (!role_names.insert(role.name).second) {
        r_.Error(in_, where + ".id",
                 absl::StrCat("role id ", id, " becomes role name ", role.name,
                              ", which another role already has"));
        continue;
      }
      std::optional<Json> r = Role(kd, where, role);
      if (!r.has_value()) continue;
      roles.push_back(*std::move(r));
      out.roles.push_back(std::move(role));
    }
    if (r_.has_errors()) return std::nullopt;
    app_spec["roles"] = std::move(roles);
    Json app = {{"apiVersion", kube::kApiVersion},
                {"kind", "App"},
                {"metadata", {{"name", out.name}}},
                {"spec", std::move(app_spec)}};
    if (!not_carried_.empty()) {
      comments_.push_back("");
      comments_.push_back("Not carried over (review before use):");
      for (const std::string& n : not_carried_) comments_.push_back(absl::StrCat("- ", n));
    }
    return ImportedDocument{.body = std::move(app), .comments = std::move(comments_)};
  }

 private:
  // Records what does not carry over: a warning at `field` and a comment.
  void NotCarried(const std::string& field, const std::string& what) {
    r_.Warn(in_, field, absl::StrCat("not carried over: ", what));
    not_carried_.push_back(what);
  }

  void ServicesById() {
    const Json* services = Get(*spec_, "services");
    if (services == nullptr || !services->is_array()) return;
    for (size_t i = 0; i < services->size(); ++i) {
      const Json& s = (*services)[i];
      std::string id = GetString(s, "id");
      if (!id.empty()) services_[id] = {&s, i};
    }
  }

  void RoleServices() {
    const Json* config = Get(*spec_, "config");
    const Json* rs = config ? Get(*config, "roleServices") : nullptr;
    if (rs == nullptr || !rs->is_array()) return;
    for (const Json& entry : *rs) {
      std::string role = GetString(entry, "roleID");
      for (const std::string& id : Strings(Get(entry, "serviceIDs"))) {
        role_services_[role].push_back(id);
      }
    }
  }

  std::optional<Json> Role(const Json& kd, const std::string& where, ImportedRole& role) {
    Json out = Json::object();
    out["name"] = role.name;
    if (role.name != role.id) {
      comments_.push_back(absl::StrCat("Role ", role.id, " is named ", role.name,
                                       " (a DNS-1035 label)."));
    }
    std::string image = GetString(kd, "imageRepoTag");
    if (image.empty()) image = default_image_;
    if (image.empty()) {
      r_.Error(in_, where + ".imageRepoTag",
               absl::StrCat("role ", role.id,
                            " has no image: neither imageRepoTag nor spec.defaultImageRepoTag "
                            "is set"));
      return std::nullopt;
    }
    out["image"] = image;
    std::string cardinality = GetScalarText(kd, "cardinality");
    absl::StatusOr<Cardinality> parsed = Cardinality::Parse(cardinality);
    if (!parsed.ok()) {
      r_.Error(in_, where + ".cardinality", std::string(parsed.status().message()));
      return std::nullopt;
    }
    out["cardinality"] = parsed->ToString();

    // Ports and Services: the services roleServices assigns to this role
    // that have an endpoint port.
    Json ports = Json::array();
    Json services = Json::array();
    std::set<std::string> port_names;
    std::map<int64_t, std::string> by_number;
    std::vector<std::string> internal;
    for (const std::string& id : role_services_[role.id]) {
      auto it = services_.find(id);
      if (it == services_.end()) {
        r_.Warn(in_, "spec.config.roleServices",
                absl::StrCat("role ", role.id, " lists service ", id,
                             ", which spec.services does not define: left out"));
        continue;
      }
      const Json& s = *it->second.first;
      std::string sw = absl::StrCat("spec.services[", it->second.second, "]");
      const Json* endpoint = Get(s, "endpoint");
      const Json* port = endpoint ? Get(*endpoint, "port") : nullptr;
      if (port == nullptr || !port->is_number_integer()) {
        internal.push_back(id);
        continue;
      }
      int64_t number = port->get<int64_t>();
      if (number < 1 || number > 65535) {
        r_.Error(in_, sw + ".endpoint.port",
                 absl::StrCat("port ", number, " of service ", id, " is not 1..65535"));
        continue;
      }
      if (by_number.count(number)) {
        r_.Warn(in_, sw + ".endpoint.port",
                absl::StrCat("service ", id, " uses port ", number, ", as service ",
                             by_number[number], " of role ", role.id,
                             " does: one port, one Service (", by_number[number], ")"));
        continue;
      }
      std::string name = import_internal::PortName(id, port_names);
      by_number[number] = name;
      ports.push_back({{"name", name}, {"port", number}});
      Json service = {{"name", name}, {"ports", Json::array({name})}};
      if (endpoint->value("isDashboard", false)) service["dashboard"] = true;
      services.push_back(std::move(service));
      if (name != id) {
        comments_.push_back(absl::StrCat("Role ", role.name, ": service ", id, " is port and ",
                                         "Service ", name, " (an IANA service name)."));
      }
    }
    if (!internal.empty()) {
      comments_.push_back(absl::StrCat("Role ", role.name, ": services ",
                                       absl::StrJoin(internal, ", "),
                                       " have no endpoint (processes inside the image): "
                                       "nothing to expose."));
    }
    if (!ports.empty()) out["ports"] = std::move(ports);
    if (!services.empty()) services_json_ = std::move(services);

    if (const Json* min = Get(kd, "minResources"); min != nullptr && min->is_object()) {
      Json m = Json::object();
      for (auto it = min->begin(); it != min->end(); ++it) {
        std::string key = it.key();
        std::string value = it.value().is_string() ? it.value().get<std::string>()
                                                   : it.value().dump();
        if (key == "cpu" || key == "memory" || key == "ephemeral-storage") {
          m[key] = value;
        } else {
          NotCarried(where + ".minResources." + key,
                     absl::StrCat("role ", role.id, " needs at least ", value, " ", key,
                                  ": minResources takes cpu, memory and ephemeral-storage; "
                                  "request it in the Cluster's resources"));
        }
      }
      if (!m.empty()) out["minResources"] = std::move(m);
    }

    std::vector<std::string> dirs;
    const Json* persist = Get(kd, "persistDirs");
    dirs = persist != nullptr ? Strings(persist) : default_persist_;
    std::string min_size;
    if (const Json* ms = Get(kd, "minStorage"); ms != nullptr) min_size = GetScalarText(*ms, "size");
    if (!dirs.empty()) {
      Json storage = Json::array();
      std::set<std::string> taken;
      for (const std::string& dir : dirs) {
        if (dir.empty() || dir[0] != '/') {
          r_.Warn(in_, where + ".persistDirs",
                  absl::StrCat("\"", dir, "\" is not an absolute path: left out"));
          continue;
        }
        std::string name = import_internal::StorageNameForPath(dir, taken);
        Json s = {{"name", name}, {"mountPath", dir}};
        s["size"] = min_size.empty() ? "10Gi" : min_size;
        if (!min_size.empty()) s["minSize"] = min_size;
        storage.push_back(std::move(s));
        role.storage.push_back(name);
      }
      if (!storage.empty()) out["storage"] = std::move(storage);
      NotCarried(where + ".persistDirs",
                 absl::StrCat("role ", role.id, " persists ", absl::StrJoin(dirs, ", "),
                              " on one volume, which KubeDirector fills from the image on "
                              "first start; strata mounts a volume at each directory, empty "
                              "at first, so it hides what the image has there: seed the "
                              "volumes, or keep state in directories the image leaves empty",
                              min_size.empty() ? " (size 10Gi unless the Cluster says)" : ""));
    }

    std::string package = PackageUrl(Get(kd, "configPackage"));
    std::vector<std::string> events = Strings(Get(kd, "eventList"));
    if (!package.empty() || !events.empty()) {
      NotCarried(where + (package.empty() ? ".eventList" : ".configPackage"),
                 absl::StrCat("role ", role.id, ": ",
                              package.empty() ? "" : absl::StrCat("config package ", package),
                              package.empty() || events.empty() ? "" : " and ",
                              events.empty() ? ""
                                             : absl::StrCat("event scripts (",
                                                            absl::StrJoin(events, ", "), ")"),
                              ": express them as config files and memberJoin/memberLeave "
                              "hooks"));
    }
    if (Get(kd, "containerSpec") != nullptr) {
      NotCarried(where + ".containerSpec",
                 absl::StrCat("role ", role.id, ": containerSpec (stdin/tty) is not needed by "
                                                "strata's containers"));
    }
    if (!services_json_.empty()) out["services"] = std::move(services_json_);
    services_json_ = Json::array();
    if (!capabilities_.empty()) {
      out["security"] = {{"capabilities", capabilities_}};
    }
    return out;
  }

  const InputObject& in_;
  Reporter& r_;
  const Json* spec_ = nullptr;
  std::map<std::string, std::pair<const Json*, size_t>> services_;
  std::map<std::string, std::vector<std::string>> role_services_;
  std::vector<std::string> default_persist_;
  std::vector<std::string> capabilities_;
  std::string default_image_;
  std::vector<std::string> comments_;
  std::vector<std::string> not_carried_;
  Json services_json_ = Json::array();  // The role being built's Services.
};

// A KubeDirectorCluster -> Cluster. `apps` maps KubeDirector app names to
// what their import produced.
std::optional<ImportedDocument> ImportCluster(const InputObject& in,
                                              const std::map<std::string, ImportedApp>& apps,
                                              Reporter& r) {
  const Json* spec = Get(in.value, "spec");
  if (spec == nullptr || !spec->is_object()) {
    r.Error(in, "spec", "required field is missing");
    return std::nullopt;
  }
  std::string kd_name = in.Name();
  if (kd_name.empty()) {
    r.Error(in, "metadata.name", "required field is missing");
    return std::nullopt;
  }
  std::vector<std::string> comments;
  std::vector<std::string> not_carried;
  auto not_carried_at = [&](const std::string& field, const std::string& what) {
    r.Warn(in, field, absl::StrCat("not carried over: ", what));
    not_carried.push_back(what);
  };
  std::string name = import_internal::DnsLabel(kd_name, "cluster");
  std::string app_id = GetString(*spec, "app");
  if (app_id.empty()) {
    r.Error(in, "spec.app", "required field is missing");
    return std::nullopt;
  }
  auto app_it = apps.find(app_id);
  const ImportedApp* app = app_it == apps.end() ? nullptr : &app_it->second;
  comments.push_back(absl::StrCat("Imported from KubeDirectorCluster ", kd_name, " (", in.file,
                                  ") by `strata import kubedirector`."));
  if (app == nullptr) {
    r.Warn(in, "spec.app",
           absl::StrCat("KubeDirectorApp ", app_id,
                        " is not among the inputs: import it together with this cluster so "
                        "the roles' storage can be carried over"));
    comments.push_back(absl::StrCat("App ", app_id, " was not imported with this cluster."));
  }
  Json meta = {{"name", name}};
  if (std::string ns = in.Namespace(); !ns.empty()) meta["namespace"] = ns;
  Json cluster_spec = {{"app", app ? app->name : import_internal::DnsLabel(app_id, "app")}};
  Json roles = Json::array();
  const Json* kd_roles = Get(*spec, "roles");
  if (kd_roles != nullptr && kd_roles->is_array()) {
    for (size_t i = 0; i < kd_roles->size(); ++i) {
      const Json& kd = (*kd_roles)[i];
      std::string where = absl::StrCat("spec.roles[", i, "]");
      std::string id = GetString(kd, "id");
      const ImportedRole* role = app ? app->Find(id) : nullptr;
      if (app != nullptr && role == nullptr) {
        r.Error(in, where + ".id",
                absl::StrCat("role ", id, " is not a role of KubeDirectorApp ", app_id,
                             " (or was left out of its import)"));
        continue;
      }
      Json out = {{"name", role ? role->name : import_internal::DnsLabel(id, "role")}};
      if (const Json* members = Get(kd, "members"); members != nullptr) {
        if (!members->is_number_integer()) {
          r.Error(in, where + ".members", "must be an integer");
          continue;
        }
        out["members"] = members->get<int64_t>();
      }
      if (const Json* res = Get(kd, "resources"); res != nullptr && res->is_object()) {
        Json resources = Json::object();
        for (const char* part : {"requests", "limits"}) {
          const Json* m = Get(*res, part);
          if (m == nullptr || !m->is_object() || m->empty()) continue;
          Json q = Json::object();
          for (auto it = m->begin(); it != m->end(); ++it) {
            q[it.key()] = it.value().is_string() ? it.value().get<std::string>()
                                                 : it.value().dump();
          }
          resources[part] = std::move(q);
        }
        if (!resources.empty()) out["resources"] = std::move(resources);
      }
      if (const Json* st = Get(kd, "storage"); st != nullptr && st->is_object()) {
        std::string size = GetScalarText(*st, "size");
        std::string cls = GetString(*st, "storageClassName");
        if (role == nullptr) {
          not_carried_at(where + ".storage",
                         absl::StrCat("role ", id, ": storage ", size,
                                      " (the App was not imported with the cluster)"));
        } else if (role->storage.empty()) {
          not_carried_at(where + ".storage",
                         absl::StrCat("role ", id, ": storage ", size,
                                      ", but the App persists no directory of it"));
        } else {
          Json storage = Json::array();
          for (const std::string& s : role->storage) {
            Json o = {{"name", s}};
            if (!size.empty()) o["size"] = size;
            if (!cls.empty()) o["storageClassName"] = cls;
            storage.push_back(std::move(o));
          }
          out["storage"] = std::move(storage);
          if (role->storage.size() > 1) {
            comments.push_back(absl::StrCat(
                "Role ", out["name"].get<std::string>(), ": KubeDirector's one ", size,
                " volume for ", role->storage.size(),
                " persisted directories is one volume per directory here, each ", size, "."));
          }
        }
      } else if (role != nullptr && !role->storage.empty()) {
        comments.push_back(absl::StrCat(
            "Role ", out["name"].get<std::string>(),
            ": KubeDirector keeps no volume for a role without storage; strata gives every "
            "member the App's volumes (at the App's size)."));
      }
      if (const Json* env = Get(kd, "env"); env != nullptr && env->is_array()) {
        Json vars = Json::array();
        for (size_t k = 0; k < env->size(); ++k) {
          const Json& e = (*env)[k];
          std::string ew = absl::StrCat(where, ".env[", k, "]");
          std::string ename = GetString(e, "name");
          const Json* from = Get(e, "valueFrom");
          const Json* secret = from ? Get(*from, "secretKeyRef") : nullptr;
          if (secret != nullptr) {
            vars.push_back({{"name", ename},
                            {"secret",
                             {{"name", GetString(*secret, "name")},
                              {"key", GetString(*secret, "key")}}}});
          } else if (from != nullptr) {
            not_carried_at(ew, absl::StrCat("env ", ename,
                                            ": only literal values and secretKeyRef carry over"));
          } else {
            std::string value = GetScalarText(e, "value");
            if (value.find("{{") != std::string::npos) {
              not_carried_at(ew, absl::StrCat("env ", ename,
                                              ": its value holds \"{{\", which strata reads "
                                              "as a template"));
              continue;
            }
            vars.push_back({{"name", ename}, {"value", value}});
          }
        }
        if (!vars.empty()) out["env"] = std::move(vars);
      }
      for (const char* field :
           {"podLabels", "podAnnotations", "serviceLabels", "serviceAnnotations", "affinity",
            "sharedMemory", "fileInjections", "secret", "blockStorage", "serviceAccountName",
            "secretKeys", "volumeProjections"}) {
        if (Get(kd, field) != nullptr) {
          not_carried_at(absl::StrCat(where, ".", field),
                         absl::StrCat("role ", id, ": ", field));
        }
      }
      roles.push_back(std::move(out));
    }
  }
  if (!roles.empty()) cluster_spec["roles"] = std::move(roles);
  std::string service_type = GetString(*spec, "serviceType");
  not_carried_at("spec.serviceType",
                 absl::StrCat("KubeDirector gives every member a ",
                              service_type.empty() ? "NodePort" : service_type,
                              " Service; strata makes one ClusterIP Service per role service "
                              "(set the App's services[].type or perMember where members "
                              "must be reached from outside)"));
  for (const char* field : {"defaultSecret", "appCatalog", "namingScheme"}) {
    if (Get(*spec, field) != nullptr) {
      not_carried_at(absl::StrCat("spec.", field), field);
    }
  }
  if (const Json* conns = Get(*spec, "connections"); conns != nullptr && conns->is_object() &&
                                                      !conns->empty()) {
    not_carried_at("spec.connections",
                   "connections (to other clusters, ConfigMaps, Secrets): give what the "
                   "application needs as the Cluster's connections or env");
  }
  not_carried.push_back(
      "the running KubeDirector cluster's volumes: strata creates its own StatefulSets and "
      "claims; copy the data across before moving over");
  if (r.has_errors()) return std::nullopt;
  comments.push_back("");
  comments.push_back("Not carried over (review before use):");
  for (const std::string& n : not_carried) comments.push_back(absl::StrCat("- ", n));
  Json cluster = {{"apiVersion", kube::kApiVersion},
                  {"kind", "Cluster"},
                  {"metadata", std::move(meta)},
                  {"spec", std::move(cluster_spec)}};
  return ImportedDocument{.body = std::move(cluster), .comments = std::move(comments)};
}

}  // namespace

absl::StatusOr<ImportResult> ImportKubeDirector(const std::vector<Source>& sources) {
  absl::StatusOr<std::vector<InputObject>> objects = import_internal::ReadObjects(sources);
  if (!objects.ok()) return objects.status();
  Reporter r;
  std::vector<const InputObject*> apps, clusters;
  for (const InputObject& o : *objects) {
    std::string api = GetString(o.value, "apiVersion");
    std::string kind = o.Kind();
    bool kd = api.rfind(kGroup, 0) == 0;
    if (kd && kind == "KubeDirectorApp") {
      apps.push_back(&o);
    } else if (kd && kind == "KubeDirectorCluster") {
      clusters.push_back(&o);
    } else {
      r.Warn(o, "kind",
             absl::StrCat("skipped: ", o.Describe(), " is not a KubeDirectorApp or "
                          "KubeDirectorCluster (", kGroup, "v1beta1)"));
      continue;
    }
    if (api != std::string(kGroup) + "v1beta1") {
      r.Warn(o, "apiVersion",
             absl::StrCat("read as ", kGroup, "v1beta1, the version this importer knows"));
    }
  }
  if (apps.empty() && clusters.empty()) {
    Diagnostic d{.file = sources.empty() ? "" : sources.front().name,
                 .message = "no KubeDirectorApp or KubeDirectorCluster document"};
    return StatusFromDiagnostics({d});
  }
  ImportResult result;
  std::map<std::string, ImportedApp> imported;
  for (const InputObject* o : apps) {
    ImportedApp app;
    std::optional<ImportedDocument> doc = AppImporter(*o, r).Run(app);
    if (!doc.has_value()) continue;
    imported[o->Name()] = std::move(app);
    result.documents.push_back(*std::move(doc));
  }
  for (const InputObject* o : clusters) {
    std::optional<ImportedDocument> doc = ImportCluster(*o, imported, r);
    if (doc.has_value()) result.documents.push_back(*std::move(doc));
  }
  if (r.has_errors()) return r.Status();
  result.warnings = r.TakeWarnings();
  return result;
}

}  // namespace strata
