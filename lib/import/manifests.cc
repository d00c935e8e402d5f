// ImportManifests: StatefulSets with their Services, ConfigMaps and
// PodDisruptionBudgets -> one App and one Cluster, a role per StatefulSet.
//
// Names are kept where data depends on them: every claim template keeps its
// name (storage names), and a role is named so that <cluster>-<role> is the
// StatefulSet's name when the StatefulSet is named <cluster>-<something>,
// which keeps pod names, member DNS names and PVC names
// (<claim>-<statefulset>-<ordinal>) as they are. Config files mounted from
// ConfigMaps among the inputs become `text` config files with the same
// content; a PDB becomes the rollout budget (a majority minAvailable becomes
// `quorum: majority`). What strata cannot express is a warning and a comment.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "import/import_internal.h"
#include "strata/import.h"
#include "validate/names.h"
#include "kube/keys.h"

namespace strata {
namespace {

using import_internal::Get;
using import_internal::GetScalarText;
using import_internal::GetString;
using import_internal::InputObject;
using import_internal::Reporter;

bool IsTemplate(absl::string_view text) { return absl::StrContains(text, "{{"); }

// True when every key/value of `selector` is in `labels` (and `selector`
// is a non-empty mapping).
bool Selects(const Json* selector, const Json* labels) {
  if (selector == nullptr || !selector->is_object() || selector->empty()) return false;
  if (labels == nullptr || !labels->is_object()) return false;
  for (auto it = selector->begin(); it != selector->end(); ++it) {
    const Json* v = Get(*labels, it.key());
    if (v == nullptr || *v != it.value()) return false;
  }
  return true;
}

std::string Text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The role built from one StatefulSet, and what the Cluster needs of it.
class RoleImporter {
 public:
  RoleImporter(const InputObject& sts, const std::string& cluster, Reporter& r,
               std::vector<std::string>& comments, std::vector<std::string>& not_carried)
      : in_(sts), cluster_(cluster), r_(r), comments_(comments), not_carried_(not_carried) {}

  std::string name;           // strata's role name.
  std::string sts_name;       // The StatefulSet's name.
  Json role = Json::object();
  Json override = Json::object();
  const Json* pod_labels = nullptr;
  int64_t replicas = 1;
  std::map<std::string, std::string> port_by_name;  // Container port name -> strata name.
  std::map<int64_t, std::string> port_by_number;    // Container port -> strata name.

  bool Run(const std::map<std::string, const InputObject*>& config_maps,
           std::set<std::string>& used_config_maps, std::set<std::string>& role_names) {
    sts_name = in_.Name();
    const Json* spec = Get(in_.value, "spec");
    if (sts_name.empty() || spec == nullptr || !spec->is_object()) {
      r_.Error(in_, sts_name.empty() ? "metadata.name" : "spec", "required field is missing");
      return false;
    }
    spec_ = spec;
    std::string prefix = cluster_ + "-";
    std::string base = absl::StartsWith(sts_name, prefix) && sts_name.size() > prefix.size()
                           ? sts_name.substr(prefix.size())
                           : sts_name;
    name = import_internal::DnsLabel(base, "role");
    if (!role_names.insert(name).second) {
      r_.Error(in_, "metadata.name",
               absl::StrCat("StatefulSet ", sts_name, " becomes role ", name,
                            ", which another StatefulSet already became"));
      return false;
    }
    role["name"] = name;
    std::string strata_sts = absl::StrCat(cluster_, "-", name);
    deployment_ = in_.Kind() == "Deployment";
    if (deployment_) {
      r_.Warn(in_, "kind",
              absl::StrCat("Deployment ", sts_name, " becomes StatefulSet ", strata_sts,
                           " (strata runs every role as a StatefulSet); its pods are not "
                           "adopted: delete the Deployment once ", strata_sts, " is Ready"));
      not_carried_.push_back(absl::StrCat("Deployment ", sts_name,
                                          " itself: delete it once strata's StatefulSet ",
                                          strata_sts, " is Ready"));
    } else if (strata_sts != sts_name) {
      r_.Warn(in_, "metadata.name",
              absl::StrCat("strata names this role's StatefulSet ", strata_sts, ", not ", sts_name,
                           ": its pods, member DNS names and PVCs (<claim>-", strata_sts,
                           "-<ordinal>) get new names, so the running members' volumes are not "
                           "reused; to adopt them, name the cluster so that the StatefulSet is "
                           "<cluster>-<role>"));
      not_carried_.push_back(absl::StrCat("the name of StatefulSet ", sts_name, " (strata's is ",
                                          strata_sts, ")"));
    }
    if (const Json* r = Get(*spec, "replicas"); r != nullptr && r->is_number_integer()) {
      replicas = r->get<int64_t>();
    }
    const Json* tmpl = Get(*spec, "template");
    const Json* tmeta = tmpl ? Get(*tmpl, "metadata") : nullptr;
    pod_labels = tmeta ? Get(*tmeta, "labels") : nullptr;
    const Json* pod = tmpl ? Get(*tmpl, "spec") : nullptr;
    const Json* containers = pod ? Get(*pod, "containers") : nullptr;
    if (containers == nullptr || !containers->is_array() || containers->empty()) {
      r_.Error(in_, "spec.template.spec.containers", "required field is missing");
      return false;
    }
    pod_ = pod;
    const Json& c = (*containers)[0];
    std::string cw = "spec.template.spec.containers[0]";
    for (size_t i = 1; i < containers->size(); ++i) {
      NotCarried(absl::StrCat("spec.template.spec.containers[", i, "]"),
                 absl::StrCat("container ", GetString((*containers)[i], "name"), " of ",
                              sts_name, " (a role runs one container)"));
    }
    if (const Json* init = Get(*pod, "initContainers"); init != nullptr && init->is_array() &&
                                                          !init->empty()) {
      NotCarried("spec.template.spec.initContainers",
                 absl::StrCat("the init containers of ", sts_name));
    }
    std::string image = GetString(c, "image");
    if (image.empty()) {
      r_.Error(in_, cw + ".image", "required field is missing");
      return false;
    }
    role["image"] = image;
    role["cardinality"] = replicas == 0 ? "0+" : "1+";
    for (const char* argv : {"command", "args"}) {
      const Json* list = Get(c, argv);
      if (list == nullptr || !list->is_array() || list->empty()) continue;
      Json out = Json::array();
      for (const Json& a : *list) {
        std::string s = Text(a);
        if (IsTemplate(s)) {
          r_.Error(in_, absl::StrCat(cw, ".", argv),
                   "holds \"{{\", which strata reads as a Mustache template: rewrite it "
                   "without \"{{\" first");
          return false;
        }
        out.push_back(s);
      }
      role[argv] = std::move(out);
    }
    Ports(c, cw);
    Env(c, cw, config_maps, used_config_maps);
    if (const Json* res = Get(c, "resources"); res != nullptr && res->is_object()) {
      Json resources = Json::object();
      for (const char* part : {"requests", "limits"}) {
        const Json* m = Get(*res, part);
        if (m == nullptr || !m->is_object() || m->empty()) continue;
        Json q = Json::object();
        for (auto it = m->begin(); it != m->end(); ++it) q[it.key()] = Text(it.value());
        resources[part] = std::move(q);
      }
      if (!resources.empty()) role["resources"] = std::move(resources);
    }
    if (!Storage(c, cw)) return false;
    Probes(c, cw);
    Config(c, cw, config_maps, used_config_maps);
    Lifecycle(c, cw);
    Security(c, cw);
    Placement();
    PodLevel();
    return true;
  }

  // A PodDisruptionBudget selecting this role's pods.
  void Budget(const InputObject& pdb) {
    const Json* spec = Get(pdb.value, "spec");
    if (spec == nullptr) return;
    const Json* min = Get(*spec, "minAvailable");
    const Json* max = Get(*spec, "maxUnavailable");
    Json& rollout = role["rollout"];
    if (!rollout.is_object()) rollout = Json::object();
    if (min != nullptr && min->is_number_integer()) {
      int64_t k = min->get<int64_t>();
      if (replicas >= 3 && k == replicas / 2 + 1) {
        role["quorum"] = "majority";
        comments_.push_back(absl::StrCat("Role ", name, ": PodDisruptionBudget ", pdb.Name(),
                                         " keeps a majority (minAvailable ", k, " of ", replicas,
                                         "): quorum: majority."));
      } else if (replicas - k >= 1) {
        rollout["maxUnavailable"] = replicas - k;
      }
    } else if (max != nullptr && (max->is_number_integer() || max->is_string())) {
      rollout["maxUnavailable"] = *max;
    } else if (min != nullptr) {
      NotCarried("spec.minAvailable",
                 absl::StrCat("PodDisruptionBudget ", pdb.Name(), ": minAvailable ", Text(*min),
                              " (strata's budget of role ", name, " is maxUnavailable)"));
    }
    if (rollout.empty()) role.erase("rollout");
    std::string own = absl::StrCat(cluster_, "-", name);
    if (pdb.Name() == own) {
      comments_.push_back(absl::StrCat("Role ", name, ": PodDisruptionBudget ", own,
                                       " becomes strata's, from the rollout budget."));
    } else {
      Warn(pdb, "metadata.name",
           absl::StrCat("strata's PodDisruptionBudget for role ", name, " is ", own,
                        "; delete ", pdb.Name(), " once the role is adopted (it keeps "
                        "selecting the pods by their old labels)"));
    }
  }

  // A Service selecting this role's pods.
  void Service(const InputObject& svc, std::set<std::string>& service_names) {
    const Json* spec = Get(svc.value, "spec");
    std::string svc_name = svc.Name();
    bool headless = spec != nullptr && GetString(*spec, "clusterIP") == "None";
    std::string service_name = GetString(*spec_, "serviceName");
    if (headless) {
      if (svc_name != sts_name) {
        Warn(svc, "metadata.name",
             absl::StrCat("headless Service ", svc_name, " is replaced by strata's headless ",
                          "Service ", absl::StrCat(cluster_, "-", name),
                          ": member DNS names become <pod>.", cluster_, "-", name, ".<namespace>",
                          svc_name == service_name ? " (the StatefulSet's serviceName changes)"
                                                   : ""));
      }
      return;
    }
    std::string strata_sts = absl::StrCat(cluster_, "-", name);
    std::string base = absl::StartsWith(svc_name, strata_sts + "-")
                           ? svc_name.substr(strata_sts.size() + 1)
                           : svc_name;
    if (svc_name == strata_sts) base = "client";
    std::string sname = import_internal::DnsLabel(base, "svc");
    for (int n = 2; service_names.count(sname); ++n) {
      sname = absl::StrCat(import_internal::DnsLabel(base, "svc", 60), "-", n);
    }
    std::string new_name = absl::StrCat(strata_sts, "-", sname);
    if (new_name != svc_name) {
      Warn(svc, "metadata.name",
           absl::StrCat("Service ", svc_name, " becomes ", new_name,
                        " (strata names client Services <cluster>-<role>-<name>): clients must "
                        "use the new name"));
    }
    Json ports = Json::array();
    const Json* sports = spec ? Get(*spec, "ports") : nullptr;
    if (sports != nullptr && sports->is_array()) {
      for (size_t i = 0; i < sports->size(); ++i) {
        const Json& p = (*sports)[i];
        const Json* target = Get(p, "targetPort");
        const Json* number = Get(p, "port");
        std::string port;
        if (target != nullptr && target->is_string()) {
          auto it = port_by_name.find(target->get<std::string>());
          if (it != port_by_name.end()) port = it->second;
        } else {
          const Json* n = target != nullptr ? target : number;
          if (n != nullptr && n->is_number_integer()) {
            auto it = port_by_number.find(n->get<int64_t>());
            if (it != port_by_number.end()) port = it->second;
          }
        }
        if (port.empty()) {
          Warn(svc, absl::StrCat("spec.ports[", i, "]"),
               absl::StrCat("Service ", svc_name, " port ", Text(p.value("port", Json())),
                            " targets no port of the container: left out"));
          continue;
        }
        int64_t container = 0;
        for (const auto& [num, n] : port_by_number) {
          if (n == port) container = num;
        }
        if (number != nullptr && number->is_number_integer() && number->get<int64_t>() != container) {
          Warn(svc, absl::StrCat("spec.ports[", i, "].port"),
               absl::StrCat("Service ", svc_name, " listens on ", number->get<int64_t>(),
                            "; strata's Service listens on the container port, ", container));
        }
        ports.push_back(port);
      }
    }
    if (ports.empty()) return;
    service_names.insert(sname);
    Json s = {{"name", sname}, {"ports", std::move(ports)}};
    std::string type = spec ? GetString(*spec, "type") : "";
    if (type == "NodePort" || type == "LoadBalancer") s["type"] = type;
    if (!role.contains("services")) role["services"] = Json::array();
    role["services"].push_back(std::move(s));
  }

 private:
  void Warn(const InputObject& at, const std::string& field, const std::string& message) {
    r_.Warn(at, field, message);
  }

  void NotCarried(const std::string& field, const std::string& what) {
    r_.Warn(in_, field, absl::StrCat("not carried over: ", what));
    not_carried_.push_back(what);
  }

  void Ports(const Json& c, const std::string& cw) {
    const Json* ports = Get(c, "ports");
    if (ports == nullptr || !ports->is_array()) return;
    std::set<std::string> taken;
    Json out = Json::array();
    for (size_t i = 0; i < ports->size(); ++i) {
      const Json& p = (*ports)[i];
      const Json* number = Get(p, "containerPort");
      if (number == nullptr || !number->is_number_integer()) continue;
      int64_t n = number->get<int64_t>();
      if (port_by_number.count(n)) continue;
      std::string given = GetString(p, "name");
      std::string pname = import_internal::PortName(given.empty() ? absl::StrCat("port-", n) : given,
                                                    taken);
      if (!given.empty() && pname != given) {
        comments_.push_back(absl::StrCat("Role ", name, ": port ", given, " is named ", pname,
                                         " (an IANA service name)."));
      }
      if (!given.empty()) port_by_name[given] = pname;
      port_by_number[n] = pname;
      Json o = {{"name", pname}, {"port", n}};
      std::string protocol = GetString(p, "protocol");
      if (!protocol.empty() && protocol != "TCP") o["protocol"] = protocol;
      out.push_back(std::move(o));
      if (Get(p, "hostPort") != nullptr) {
        NotCarried(absl::StrCat(cw, ".ports[", i, "].hostPort"),
                   absl::StrCat("hostPort of port ", pname, " of ", sts_name));
      }
    }
    if (!out.empty()) role["ports"] = std::move(out);
  }

  // A port reference of a probe or handler: the strata port name, or the
  // number as written.
  Json PortRef(const Json& port) {
    if (port.is_string()) {
      auto it = port_by_name.find(port.get<std::string>());
      if (it != port_by_name.end()) return it->second;
      int64_t n;
      if (absl::SimpleAtoi(port.get<std::string>(), &n)) return n;
      return port;
    }
    return port;
  }

  // Returns the handler {exec|http|tcp|grpc} of a Kubernetes probe or
  // lifecycle handler, or nullopt (with a warning) when it has none strata
  // takes.
  std::optional<Json> Handler(const Json& h, const std::string& where, bool probe) {
    if (const Json* exec = Get(h, "exec"); exec != nullptr) {
      Json command = Json::array();
      if (const Json* cmd = Get(*exec, "command"); cmd != nullptr && cmd->is_array()) {
        for (const Json& a : *cmd) {
          if (IsTemplate(Text(a))) {
            NotCarried(where, absl::StrCat(where, " of ", sts_name,
                                           ": its command holds \"{{\", a template to strata"));
            return std::nullopt;
          }
          command.push_back(Text(a));
        }
      }
      return Json{{"exec", {{"command", std::move(command)}}}};
    }
    if (const Json* http = Get(h, "httpGet"); http != nullptr) {
      Json o = Json::object();
      if (std::string path = GetString(*http, "path"); !path.empty()) o["path"] = path;
      if (const Json* port = Get(*http, "port")) o["port"] = PortRef(*port);
      if (std::string scheme = GetString(*http, "scheme"); !scheme.empty()) o["scheme"] = scheme;
      return Json{{"http", std::move(o)}};
    }
    if (const Json* tcp = Get(h, "tcpSocket"); probe && tcp != nullptr) {
      return Json{{"tcp", {{"port", PortRef(tcp->value("port", Json()))}}}};
    }
    if (const Json* grpc = Get(h, "grpc"); probe && grpc != nullptr) {
      Json o = {{"port", PortRef(grpc->value("port", Json()))}};
      if (std::string service = GetString(*grpc, "service"); !service.empty()) {
        o["service"] = service;
      }
      return Json{{"grpc", std::move(o)}};
    }
    NotCarried(where, absl::StrCat(where, " of ", sts_name, " (no handler strata takes there)"));
    return std::nullopt;
  }

  void Probes(const Json& c, const std::string& cw) {
    Json probes = Json::object();
    for (auto [key, out] : {std::pair{"readinessProbe", "readiness"},
                            std::pair{"livenessProbe", "liveness"},
                            std::pair{"startupProbe", "startup"}}) {
      const Json* p = Get(c, key);
      if (p == nullptr || !p->is_object()) continue;
      std::optional<Json> h = Handler(*p, absl::StrCat(cw, ".", key), true);
      if (!h.has_value()) continue;
      for (const char* t : {"initialDelaySeconds", "periodSeconds", "timeoutSeconds",
                            "successThreshold", "failureThreshold"}) {
        if (const Json* v = Get(*p, t); v != nullptr && v->is_number_integer()) (*h)[t] = *v;
      }
      probes[out] = *std::move(h);
    }
    if (!probes.empty()) role["probes"] = std::move(probes);
  }

  void Env(const Json& c, const std::string& cw,
           const std::map<std::string, const InputObject*>& config_maps,
           std::set<std::string>& used) {
    const Json* env = Get(c, "env");
    Json out = Json::array();
    std::set<std::string> names;
    if (env != nullptr && env->is_array()) {
      for (const Json& e : *env) names.insert(GetString(e, "name"));
    }
    // envFrom ConfigMaps among the inputs become literal variables; an
    // explicit env entry of the same name wins, as in Kubernetes.
    if (const Json* from = Get(c, "envFrom"); from != nullptr && from->is_array()) {
      for (size_t i = 0; i < from->size(); ++i) {
        const Json& f = (*from)[i];
        std::string where = absl::StrCat(cw, ".envFrom[", i, "]");
        const Json* ref = Get(f, "configMapRef");
        std::string cm_name = ref ? GetString(*ref, "name") : "";
        auto cm = config_maps.find(cm_name);
        if (ref == nullptr || cm == config_maps.end() || Get(f, "prefix") != nullptr) {
          NotCarried(where, absl::StrCat("envFrom ",
                                         ref == nullptr ? "Secret" : absl::StrCat("ConfigMap ", cm_name),
                                         " of ", sts_name,
                                         ref != nullptr && cm == config_maps.end()
                                             ? " (not among the inputs)"
                                             : ""));
          continue;
        }
        used.insert(cm_name);
        const Json* data = Get(cm->second->value, "data");
        if (data == nullptr || !data->is_object()) continue;
        for (auto it = data->begin(); it != data->end(); ++it) {
          if (names.count(it.key())) continue;
          if (!validate_internal::IsEnvVarName(it.key())) {
            NotCarried(where, absl::StrCat("key ", it.key(), " of ConfigMap ", cm_name,
                                           " (not a valid environment variable name)"));
            continue;
          }
          std::string value = Text(it.value());
          if (IsTemplate(value)) {
            NotCarried(where, absl::StrCat("env ", it.key(), " from ConfigMap ", cm_name,
                                           ": its value holds \"{{\", a template to strata"));
            continue;
          }
          names.insert(it.key());
          out.push_back({{"name", it.key()}, {"value", value}});
        }
        comments_.push_back(absl::StrCat("Role ", name, ": the env of ConfigMap ", cm_name,
                                         " (envFrom) is written out as env values."));
      }
    }
    if (env != nullptr && env->is_array()) {
      for (size_t i = 0; i < env->size(); ++i) {
        const Json& e = (*env)[i];
        std::string where = absl::StrCat(cw, ".env[", i, "]");
        std::string ename = GetString(e, "name");
        const Json* from = Get(e, "valueFrom");
        if (from != nullptr) {
          if (const Json* s = Get(*from, "secretKeyRef"); s != nullptr) {
            out.push_back({{"name", ename},
                           {"secret", {{"name", GetString(*s, "name")}, {"key", GetString(*s, "key")}}}});
            continue;
          }
          std::string what = Get(*from, "fieldRef") != nullptr
                                 ? absl::StrCat("fieldRef ", GetString(*Get(*from, "fieldRef"),
                                                                       "fieldPath"))
                                 : (from->is_object() && !from->empty() ? from->begin().key() : "?");
          NotCarried(where, absl::StrCat("env ", ename, " of ", sts_name, " (from ", what,
                                         "): strata sets literal values, Secret keys and its "
                                         "own STRATA_* variables (STRATA_POD_NAME, "
                                         "STRATA_MEMBER_FQDN, ...)"));
          continue;
        }
        std::string value = GetScalarText(e, "value");
        if (IsTemplate(value)) {
          NotCarried(where, absl::StrCat("env ", ename, " of ", sts_name,
                                         ": its value holds \"{{\", a template to strata"));
          continue;
        }
        out.push_back({{"name", ename}, {"value", value}});
      }
    }
    if (!out.empty()) role["env"] = std::move(out);
  }

  bool Storage(const Json& c, const std::string& cw) {
    const Json* vcts = Get(*spec_, "volumeClaimTemplates");
    if (vcts == nullptr || !vcts->is_array() || vcts->empty()) return true;
    const Json* mounts = Get(c, "volumeMounts");
    const Json* policy = Get(*spec_, "persistentVolumeClaimRetentionPolicy");
    Json storage = Json::array();
    Json overrides = Json::array();
    for (size_t i = 0; i < vcts->size(); ++i) {
      const Json& t = (*vcts)[i];
      std::string where = absl::StrCat("spec.volumeClaimTemplates[", i, "]");
      const Json* meta = Get(t, "metadata");
      std::string claim = meta ? GetString(*meta, "name") : "";
      if (claim.empty()) {
        r_.Error(in_, where + ".metadata.name", "required field is missing");
        return false;
      }
      std::string mount_path;
      if (mounts != nullptr && mounts->is_array()) {
        for (const Json& m : *mounts) {
          if (GetString(m, "name") != claim) continue;
          if (Get(m, "subPath") != nullptr) {
            NotCarried(cw + ".volumeMounts",
                       absl::StrCat("the subPath mount of claim ", claim, " of ", sts_name));
            continue;
          }
          if (mount_path.empty()) mount_path = GetString(m, "mountPath");
        }
      }
      if (mount_path.empty()) {
        r_.Error(in_, where,
                 absl::StrCat("claim ", claim, " is not mounted (without subPath) in container ",
                              GetString(c, "name"),
                              ": strata mounts every claim at one path of the container"));
        return false;
      }
      const Json* tspec = Get(t, "spec");
      const Json* res = tspec ? Get(*tspec, "resources") : nullptr;
      const Json* req = res ? Get(*res, "requests") : nullptr;
      std::string size = req ? GetScalarText(*req, "storage") : "";
      if (size.empty()) {
        r_.Error(in_, where + ".spec.resources.requests.storage", "required field is missing");
        return false;
      }
      Json s = {{"name", claim}, {"mountPath", mount_path}, {"size", size}, {"minSize", size}};
      if (const Json* modes = tspec ? Get(*tspec, "accessModes") : nullptr;
          modes != nullptr && modes->is_array() && *modes != Json::array({"ReadWriteOnce"})) {
        s["accessModes"] = *modes;
      }
      if (policy != nullptr) {
        if (GetString(*policy, "whenScaled") == "Delete") s["onScaleDown"] = "delete";
        if (GetString(*policy, "whenDeleted") == "Delete") s["onClusterDelete"] = "delete";
      }
      storage.push_back(std::move(s));
      Json o = {{"name", claim}, {"size", size}};
      if (std::string cls = tspec ? GetString(*tspec, "storageClassName") : "";
          !cls.empty()) {
        o["storageClassName"] = cls;
      }
      overrides.push_back(std::move(o));
    }
    role["storage"] = std::move(storage);
    override["storage"] = std::move(overrides);
    return true;
  }

  void Config(const Json& c, const std::string& cw,
              const std::map<std::string, const InputObject*>& config_maps,
              std::set<std::string>& used) {
    std::map<std::string, const Json*> volumes;  // Volume name -> its configMap source.
    if (const Json* vs = Get(*pod_, "volumes"); vs != nullptr && vs->is_array()) {
      for (size_t i = 0; i < vs->size(); ++i) {
        const Json& v = (*vs)[i];
        std::string vname = GetString(v, "name");
        if (const Json* cm = Get(v, "configMap"); cm != nullptr) {
          volumes[vname] = cm;
          continue;
        }
        std::string type;
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (it.key() != "name") type = it.key();
        }
        NotCarried(absl::StrCat("spec.template.spec.volumes[", i, "]"),
                   absl::StrCat("volume ", vname, " (", type, ") of ", sts_name,
                                type == "emptyDir" ? ": scratch space is the container's own "
                                                     "filesystem in strata"
                                                   : ""));
      }
    }
    const Json* mounts = Get(c, "volumeMounts");
    if (mounts == nullptr || !mounts->is_array()) return;
    Json files = role.contains("config") ? role["config"] : Json::array();
    std::set<std::string> paths;
    for (const Json& m : *mounts) {
      auto v = volumes.find(GetString(m, "name"));
      if (v == volumes.end()) continue;
      std::string cm_name = GetString(*v->second, "name");
      auto cm = config_maps.find(cm_name);
      std::string mount_path = GetString(m, "mountPath");
      if (cm == config_maps.end()) {
        NotCarried(cw + ".volumeMounts",
                   absl::StrCat("ConfigMap ", cm_name, " mounted at ", mount_path, " by ",
                                sts_name, " is not among the inputs"));
        continue;
      }
      used.insert(cm_name);
      const Json* data = Get(cm->second->value, "data");
      if (Get(cm->second->value, "binaryData") != nullptr) {
        NotCarried(cw + ".volumeMounts",
                   absl::StrCat("binaryData of ConfigMap ", cm_name));
      }
      // key -> file name under the mount, as `items` remaps them.
      std::vector<std::pair<std::string, std::string>> keys;
      if (const Json* items = Get(*v->second, "items"); items != nullptr && items->is_array()) {
        for (const Json& it : *items) keys.push_back({GetString(it, "key"), GetString(it, "path")});
      } else if (data != nullptr && data->is_object()) {
        for (auto it = data->begin(); it != data->end(); ++it) keys.push_back({it.key(), it.key()});
      }
      std::string sub = GetString(m, "subPath");
      for (const auto& [key, file] : keys) {
        std::string path;
        if (!sub.empty()) {
          if (file != sub) continue;
          path = mount_path;
        } else {
          path = absl::StrCat(absl::StripSuffix(mount_path, "/"), "/", file);
        }
        const Json* content = data ? Get(*data, key) : nullptr;
        if (content == nullptr || !content->is_string()) continue;
        if (IsTemplate(content->get<std::string>())) {
          NotCarried(cw + ".volumeMounts",
                     absl::StrCat("file ", path, " (ConfigMap ", cm_name, " key ", key,
                                  ") holds \"{{\", which strata reads as a template"));
          continue;
        }
        if (!paths.insert(path).second) continue;
        files.push_back({{"path", path}, {"format", "text"}, {"template", content->get<std::string>()}});
        comments_.push_back(absl::StrCat("Role ", name, ": ", path, " is key ", key,
                                         " of ConfigMap ", cm_name, "."));
      }
    }
    if (!files.empty()) role["config"] = std::move(files);
  }

  void Lifecycle(const Json& c, const std::string& cw) {
    Json lifecycle = Json::object();
    if (const Json* l = Get(c, "lifecycle"); l != nullptr && l->is_object()) {
      if (const Json* pre = Get(*l, "preStop"); pre != nullptr) {
        if (std::optional<Json> h = Handler(*pre, cw + ".lifecycle.preStop", false)) {
          lifecycle["preStop"] = *std::move(h);
        }
      }
      if (Get(*l, "postStart") != nullptr) {
        NotCarried(cw + ".lifecycle.postStart", absl::StrCat("postStart of ", sts_name));
      }
    }
    if (const Json* g = Get(*pod_, "terminationGracePeriodSeconds");
        g != nullptr && g->is_number_integer()) {
      lifecycle["terminationGracePeriodSeconds"] = *g;
    }
    if (!lifecycle.empty()) role["lifecycle"] = std::move(lifecycle);
    if (const Json* m = Get(*spec_, "minReadySeconds"); m != nullptr && m->is_number_integer()) {
      role["rollout"]["minReadySeconds"] = *m;
    }
  }

  void Security(const Json& c, const std::string& cw) {
    Json security = Json::object();
    const Json* psc = Get(*pod_, "securityContext");
    const Json* csc = Get(c, "securityContext");
    bool user_set = false;
    for (const char* f : {"runAsUser", "runAsGroup", "fsGroup"}) {
      const Json* v = csc && std::string(f) != "fsGroup" ? Get(*csc, f) : nullptr;
      if (v == nullptr && psc != nullptr) v = Get(*psc, f);
      if (v == nullptr || !v->is_number_integer()) continue;
      if (std::string(f) == "runAsUser") {
        user_set = true;
        if (v->get<int64_t>() == 0) {
          NotCarried(cw + ".securityContext.runAsUser",
                     absl::StrCat(sts_name, " runs as root (runAsUser 0); strata runs members "
                                            "as non-root: uid 1000 unless security.runAsUser "
                                            "names another"));
          continue;
        }
      }
      security[f] = *v;
    }
    if (!user_set) {
      NotCarried(cw + ".securityContext",
                 absl::StrCat(sts_name, " runs as the image's user (no runAsUser); strata runs "
                                        "members as uid 1000 unless security.runAsUser says "
                                        "otherwise: set the uid that owns the data on its "
                                        "volumes"));
    }
    if (csc != nullptr) {
      if (const Json* caps = Get(*csc, "capabilities"); caps != nullptr) {
        if (const Json* add = Get(*caps, "add"); add != nullptr && add->is_array() && !add->empty()) {
          security["capabilities"] = *add;
        }
      }
      if (const Json* ro = Get(*csc, "readOnlyRootFilesystem"); ro != nullptr && ro->is_boolean() &&
                                                               ro->get<bool>()) {
        security["readOnlyRootFilesystem"] = true;
      }
      if (const Json* p = Get(*csc, "privileged"); p != nullptr && p->is_boolean() && p->get<bool>()) {
        NotCarried(cw + ".securityContext.privileged",
                   absl::StrCat(sts_name, " runs privileged; strata never does"));
      }
    }
    if (!security.empty()) role["security"] = std::move(security);
  }

  void Placement() {
    const Json* tsc = Get(*pod_, "topologySpreadConstraints");
    if (tsc != nullptr && tsc->is_array() && !tsc->empty()) {
      const Json& t = (*tsc)[0];
      std::string key = GetString(t, "topologyKey");
      Json placement = Json::object();
      if (key == "kubernetes.io/hostname") placement["spread"] = "node";
      if (key == kube::kZoneLabel) placement["spread"] = "zone";
      if (GetString(t, "whenUnsatisfiable") == "DoNotSchedule") placement["mode"] = "required";
      if (placement.contains("spread")) role["placement"] = std::move(placement);
    }
    if (Get(*pod_, "affinity") != nullptr) {
      NotCarried("spec.template.spec.affinity",
                 absl::StrCat("the affinity rules of ", sts_name,
                              " (strata spreads members with placement.spread)"));
    }
    if (const Json* ns = Get(*pod_, "nodeSelector"); ns != nullptr && ns->is_object() && !ns->empty()) {
      Json sel = Json::object();
      for (auto it = ns->begin(); it != ns->end(); ++it) sel[it.key()] = Text(it.value());
      override["nodeSelector"] = std::move(sel);
    }
    if (const Json* tol = Get(*pod_, "tolerations"); tol != nullptr && tol->is_array() && !tol->empty()) {
      override["tolerations"] = *tol;
    }
  }

  void PodLevel() {
    for (const char* f : {"serviceAccountName", "imagePullSecrets", "priorityClassName",
                          "hostNetwork", "dnsPolicy", "dnsConfig", "hostAliases"}) {
      if (Get(*pod_, f) != nullptr) {
        NotCarried(absl::StrCat("spec.template.spec.", f), absl::StrCat(f, " of ", sts_name));
      }
    }
    std::string policy = GetString(*spec_, "podManagementPolicy");
    comments_.push_back(absl::StrCat(
        "Role ", name, ": from StatefulSet ", sts_name, " (", replicas, " replicas",
        policy.empty() ? "" : absl::StrCat(", podManagementPolicy ", policy),
        "); strata's StatefulSet is Parallel + OnDelete and its plans order the members."));
  }

  const InputObject& in_;
  std::string cluster_;
  bool deployment_ = false;
  Reporter& r_;
  std::vector<std::string>& comments_;
  std::vector<std::string>& not_carried_;
  const Json* spec_ = nullptr;
  const Json* pod_ = nullptr;
};

}  // namespace

absl::StatusOr<ImportResult> ImportManifests(const std::vector<Source>& sources,
                                             const ManifestImportOptions& options) {
  std::vector<Diagnostic> usage;
  if (options.app.empty() || import_internal::DnsLabel(options.app, "app") != options.app) {
    usage.push_back({.message = absl::StrCat("--app \"", options.app,
                                             "\": must be a DNS-1035 label (lowercase letters, "
                                             "digits, '-', starting with a letter)")});
  }
  if (options.cluster.empty() ||
      import_internal::DnsLabel(options.cluster, "cluster") != options.cluster) {
    usage.push_back({.message = absl::StrCat("--cluster \"", options.cluster,
                                             "\": must be a DNS-1035 label")});
  }
  if (!usage.empty()) return StatusFromDiagnostics(std::move(usage));
  absl::StatusOr<std::vector<InputObject>> objects = import_internal::ReadObjects(sources);
  if (!objects.ok()) return objects.status();
  Reporter r;
  std::vector<const InputObject*> sets, services, budgets;
  std::map<std::string, const InputObject*> config_maps;
  std::string ns;
  for (const InputObject& o : *objects) {
    std::string kind = o.Kind();
    if (kind == "StatefulSet") {
      sets.push_back(&o);
    } else if (kind == "Deployment") {
      sets.push_back(&o);
    } else if (kind == "Service") {
      services.push_back(&o);
    } else if (kind == "PodDisruptionBudget") {
      budgets.push_back(&o);
    } else if (kind == "ConfigMap") {
      config_maps[o.Name()] = &o;
    } else {
      r.Warn(o, "kind", absl::StrCat("skipped: ", o.Describe(),
                                     " (import reads StatefulSets, Deployments, Services, "
                                     "ConfigMaps and PodDisruptionBudgets)"));
      continue;
    }
    std::string ons = o.Namespace();
    if (!ons.empty() && options.namespace_.empty()) {
      if (!ns.empty() && ons != ns) {
        r.Error(o, "metadata.namespace",
                absl::StrCat("namespace ", ons, " differs from ", ns,
                             " of the objects before it: import one namespace at a time"));
      }
      ns = ons;
    }
  }
  if (sets.empty()) {
    Diagnostic d{.file = sources.empty() ? "" : sources.front().name,
                 .message = "no StatefulSet (or Deployment) among the inputs"};
    return StatusFromDiagnostics({d});
  }
  if (!options.namespace_.empty()) ns = options.namespace_;
  if (ns.empty()) ns = "default";

  std::vector<std::string> app_comments = {
      absl::StrCat("Imported by `strata import manifests` from ", sets.size(), " StatefulSet",
                   sets.size() == 1 ? "" : "s", " (",
                   absl::StrJoin(sets, ", ",
                                 [](std::string* out, const InputObject* o) {
                                   absl::StrAppend(out, o->Name());
                                 }),
                   ")."),
      "Review the roles: probes, rollout gates, dependsOn and lifecycle hooks are what strata",
      "adds to a StatefulSet; the importer only carries over what the manifests say."};
  std::vector<std::string> not_carried;
  std::vector<RoleImporter> roles;
  std::set<std::string> used_config_maps, role_names;
  for (const InputObject* sts : sets) {
    RoleImporter role(*sts, options.cluster, r, app_comments, not_carried);
    if (role.Run(config_maps, used_config_maps, role_names)) roles.push_back(std::move(role));
  }
  std::map<std::string, std::set<std::string>> service_names;
  for (const InputObject* svc : services) {
    const Json* spec = Get(svc->value, "spec");
    const Json* selector = spec ? Get(*spec, "selector") : nullptr;
    bool used = false;
    for (RoleImporter& role : roles) {
      if (!Selects(selector, role.pod_labels)) continue;
      role.Service(*svc, service_names[role.name]);
      used = true;
      break;
    }
    if (!used) {
      r.Warn(*svc, "spec.selector",
             absl::StrCat("skipped: ", svc->Describe(), " selects no imported StatefulSet's pods"));
    }
  }
  for (const InputObject* pdb : budgets) {
    const Json* spec = Get(pdb->value, "spec");
    const Json* selector = spec ? Get(*spec, "selector") : nullptr;
    const Json* match = selector ? Get(*selector, "matchLabels") : nullptr;
    bool used = false;
    for (RoleImporter& role : roles) {
      if (!Selects(match, role.pod_labels)) continue;
      role.Budget(*pdb);
      used = true;
      break;
    }
    if (!used) {
      r.Warn(*pdb, "spec.selector",
             absl::StrCat("skipped: ", pdb->Describe(),
                          " selects no imported StatefulSet's pods (by matchLabels)"));
    }
  }
  for (const auto& [name, cm] : config_maps) {
    if (!used_config_maps.count(name)) {
      r.Warn(*cm, "", absl::StrCat("skipped: ", cm->Describe(),
                                   " is mounted by no imported StatefulSet"));
    }
  }
  if (r.has_errors()) return r.Status();

  Json app_roles = Json::array();
  Json cluster_roles = Json::array();
  for (RoleImporter& role : roles) {
    app_roles.push_back(role.role);
    Json o = {{"name", role.name}, {"members", role.replicas}};
    for (auto it = role.override.begin(); it != role.override.end(); ++it) o[it.key()] = it.value();
    cluster_roles.push_back(std::move(o));
  }
  if (!not_carried.empty()) {
    app_comments.push_back("");
    app_comments.push_back("Not carried over (review before use):");
    for (const std::string& n : not_carried) app_comments.push_back(absl::StrCat("- ", n));
  }
  ImportResult result;
  result.documents.push_back(ImportedDocument{
      .body = {{"apiVersion", kube::kApiVersion},
               {"kind", "App"},
               {"metadata", {{"name", options.app}}},
               {"spec",
                {{"description", absl::StrCat("Imported from StatefulSet manifests")},
                 {"roles", std::move(app_roles)}}}},
      .comments = std::move(app_comments)});
  result.documents.push_back(ImportedDocument{
      .body = {{"apiVersion", kube::kApiVersion},
               {"kind", "Cluster"},
               {"metadata", {{"name", options.cluster}, {"namespace", ns}}},
               {"spec", {{"app", options.app}, {"roles", std::move(cluster_roles)}}}},
      .comments = {
          absl::StrCat("Imported by `strata import manifests`: the running objects in namespace ",
                       ns, "."),
          "A role whose StatefulSet was named <cluster>-<role> keeps that name, and so its",
          "pods' names and its PVCs (<claim>-<statefulset>-<ordinal>)."}});
  result.warnings = r.TakeWarnings();
  return result;
}

}  // namespace strata
