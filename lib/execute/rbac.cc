// ApplyRbac: the permissions the executor uses, derived from what it will do
// with the given Clusters (strata/rbac.h). Keep in step with the calls in
// execute_plan.cc and reconcile.cc and with ClusterClient's methods.

#include "strata/rbac.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kube/keys.h"
#include "strata/execute.h"

namespace strata {
namespace {

// What the Clusters of one namespace need beyond the basics.
struct Needs {
  bool exec = false;        // Gates, member hooks, leader probes.
  // Leader labels, hook records; and adoption (SPEC-2 §10) labels the pods
  // of a StatefulSet strata takes over, which any role may meet.
  bool patch_pods = true;
  bool pvcs = false;        // Any storage: resize and member marks.
  bool delete_pvcs = false; // afterLeave: wipe.
  bool nodes = false;       // zoneParallel.
};

void Add(Needs& n, const CompiledCluster& c) {
  for (const CompiledRole& role : c.roles) {
    const Role& r = role.role;
    bool leader_probe = r.rollout.order == RolloutOrder::kFollowersFirst &&
                        r.rollout.leader_probe.has_value();
    bool hooks = r.lifecycle.member_leave.has_value() || r.lifecycle.member_join.has_value();
    n.exec |= r.rollout.gate.has_value() || hooks || leader_probe;
    n.nodes |= r.rollout.zone_parallel;
    for (const Storage& s : role.storage) {
      n.pvcs = true;
      n.delete_pvcs |= s.after_leave == AfterLeave::kWipe;
    }
  }
}

Json Rule(const char* group, std::vector<std::string> resources,
          std::vector<std::string> verbs) {
  return Json{{"apiGroups", Json::array({group})},
              {"resources", resources},
              {"verbs", verbs}};
}

// The executor's rules for Clusters with needs `n` (the one rule source of
// ApplyRbac and OperatorRbac).
Json ExecutorRules(const Needs& n) {
  // Observe = list + watch; server-side apply = patch, and create for an
  // object that does not exist yet; delete for restarts (pods), orphaned
  // StatefulSets, old ConfigMaps and Services/PDBs a role no longer has.
  const std::vector<std::string> managed = {"list", "watch", "create", "patch", "delete"};
  Json rules = Json::array();
  rules.push_back(Rule("apps", {"statefulsets"}, managed));
  rules.push_back(Rule("", {"configmaps", "services"}, managed));
  rules.push_back(Rule("policy", {"poddisruptionbudgets"}, managed));
  std::vector<std::string> pod_verbs = {"list", "watch", "delete"};
  if (n.patch_pods) pod_verbs.push_back("patch");
  rules.push_back(Rule("", {"pods"}, pod_verbs));
  std::vector<std::string> pvc_verbs = {"list", "watch"};
  if (n.pvcs) pvc_verbs.push_back("patch");
  if (n.delete_pvcs) pvc_verbs.push_back("delete");
  rules.push_back(Rule("", {"persistentvolumeclaims"}, pvc_verbs));
  // WebSocket exec is authorized as get and, since Kubernetes 1.35, as
  // create too (AuthorizePodWebsocketUpgradeCreatePermission).
  if (n.exec) rules.push_back(Rule("", {"pods/exec"}, {"create", "get"}));
  return rules;
}

// The cluster-scoped rules (Nodes for zoneParallel roles).
Json NodeRules() { return Json::array({Rule("", {"nodes"}, {"list", "watch"})}); }

Json Labels() {
  return Json{{kube::kManagedByLabel, kube::kManagedByStrata}, {kube::kComponentLabel, "rbac"}};
}

Json Subject(const RbacOptions& o, const std::string& sa_namespace) {
  return Json::array(
      {Json{{"kind", "ServiceAccount"}, {"name", o.service_account}, {"namespace", sa_namespace}}});
}

}  // namespace

std::vector<Object> ApplyRbac(const std::vector<CompiledCluster>& clusters,
                              const RbacOptions& options) {
  std::vector<std::string> namespaces;
  std::map<std::string, Needs> needs;
  for (const CompiledCluster& c : clusters) {
    if (needs.count(c.namespace_) == 0) namespaces.push_back(c.namespace_);
    Add(needs[c.namespace_], c);
  }
  const std::string sa_namespace = !options.service_account_namespace.empty()
                                       ? options.service_account_namespace
                                       : (namespaces.empty() ? "default" : namespaces.front());
  std::vector<Object> out;
  bool nodes = false;
  for (const std::string& ns : namespaces) {
    const Needs& n = needs[ns];
    nodes |= n.nodes;
    Json rules = ExecutorRules(n);
    out.push_back(Object{.kind = "Role",
                         .name = options.name,
                         .body = Json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                      {"kind", "Role"},
                                      {"metadata",
                                       {{"name", options.name},
                                        {"namespace", ns},
                                        {"labels", Labels()}}},
                                      {"rules", std::move(rules)}}});
    out.push_back(Object{
        .kind = "RoleBinding",
        .name = options.name,
        .body = Json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                     {"kind", "RoleBinding"},
                     {"metadata", {{"name", options.name}, {"namespace", ns}, {"labels", Labels()}}},
                     {"roleRef",
                      {{"apiGroup", "rbac.authorization.k8s.io"},
                       {"kind", "Role"},
                       {"name", options.name}}},
                     {"subjects", Subject(options, sa_namespace)}}});
  }
  if (nodes) {
    std::string name = absl::StrCat(options.name, ":", sa_namespace, ":", options.service_account);
    out.push_back(Object{
        .kind = "ClusterRole",
        .name = name,
        .body = Json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                     {"kind", "ClusterRole"},
                     {"metadata", {{"name", name}, {"labels", Labels()}}},
                     {"rules", NodeRules()}}});
    out.push_back(Object{
        .kind = "ClusterRoleBinding",
        .name = name,
        .body = Json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                     {"kind", "ClusterRoleBinding"},
                     {"metadata", {{"name", name}, {"labels", Labels()}}},
                     {"roleRef",
                      {{"apiGroup", "rbac.authorization.k8s.io"},
                       {"kind", "ClusterRole"},
                       {"name", name}}},
                     {"subjects", Subject(options, sa_namespace)}}});
  }
  return out;
}

std::vector<Object> OperatorRbac(const OperatorRbacOptions& options) {
  const std::string& ns = options.namespace_;
  const std::string& name = options.name;
  const Json labels = {{kube::kNameLabel, "strata-operator"}, {kube::kPartOfLabel, "strata"}};
  auto meta = [&](const std::string& object_name, bool namespaced) {
    Json m = {{"name", object_name}};
    if (namespaced) m["namespace"] = ns;
    m["labels"] = labels;
    return m;
  };
  const Json subjects = Json::array(
      {Json{{"kind", "ServiceAccount"}, {"name", options.service_account}, {"namespace", ns}}});
  // Any Cluster may need anything the executor does: every rule ApplyRbac
  // can give, cluster-wide (Clusters live in any namespace).
  Json rules = ExecutorRules(Needs{.exec = true,
                                   .patch_pods = true,
                                   .pvcs = true,
                                   .delete_pvcs = true,
                                   .nodes = true});
  for (const Json& rule : NodeRules()) rules.push_back(rule);
  // The custom resources: read Apps and Clusters, add and remove the
  // finalizer (patch), write Cluster status, and set blockOwnerDeletion on
  // owner references to a Cluster (clusters/finalizers update, needed where
  // the OwnerReferencesPermissionEnforcement admission plugin runs).
  rules.push_back(Rule("strata.dev", {"apps"}, {"get", "list", "watch"}));
  rules.push_back(Rule("strata.dev", {"clusters"}, {"get", "list", "watch", "patch"}));
  rules.push_back(Rule("strata.dev", {"clusters/status"}, {"get", "patch", "update"}));
  rules.push_back(Rule("strata.dev", {"clusters/finalizers"}, {"update"}));
  // An Event per step, block and invalid spec.
  rules.push_back(Rule("", {"events"}, {"create", "patch"}));

  // Leader election: only the operator's own Lease, in its own namespace.
  Json lease_rules = Json::array();
  lease_rules.push_back(Rule("coordination.k8s.io", {"leases"}, {"create"}));
  Json named = Rule("coordination.k8s.io", {"leases"}, {"get", "update", "patch"});
  named["resourceNames"] = Json::array({options.lease});
  lease_rules.push_back(std::move(named));

  const std::string election = absl::StrCat(name, "-leader-election");
  std::vector<Object> out;
  out.push_back(Object{.kind = "ServiceAccount",
                       .name = options.service_account,
                       .body = Json{{"apiVersion", "v1"},
                                    {"kind", "ServiceAccount"},
                                    {"metadata", meta(options.service_account, true)}}});
  out.push_back(Object{.kind = "ClusterRole",
                       .name = name,
                       .body = Json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                    {"kind", "ClusterRole"},
                                    {"metadata", meta(name, false)},
                                    {"rules", std::move(rules)}}});
  out.push_back(Object{.kind = "ClusterRoleBinding",
                       .name = name,
                       .body = Json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                    {"kind", "ClusterRoleBinding"},
                                    {"metadata", meta(name, false)},
                                    {"roleRef",
                                     {{"apiGroup", "rbac.authorization.k8s.io"},
                                      {"kind", "ClusterRole"},
                                      {"name", name}}},
                                    {"subjects", subjects}}});
  out.push_back(Object{.kind = "Role",
                       .name = election,
                       .body = Json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                    {"kind", "Role"},
                                    {"metadata", meta(election, true)},
                                    {"rules", std::move(lease_rules)}}});
  out.push_back(Object{.kind = "RoleBinding",
                       .name = election,
                       .body = Json{{"apiVersion", "rbac.authorization.k8s.io/v1"},
                                    {"kind", "RoleBinding"},
                                    {"metadata", meta(election, true)},
                                    {"roleRef",
                                     {{"apiGroup", "rbac.authorization.k8s.io"},
                                      {"kind", "Role"},
                                      {"name", election}}},
                                    {"subjects", subjects}}});
  return out;
}

}  // namespace strata
