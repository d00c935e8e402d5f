// strata rbac FILE...: the Role, ClusterRole and bindings a service account
// needs to `strata apply` these Clusters (SPEC-2 §6; strata/rbac.h).

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "strata/emit.h"
#include "strata/rbac.h"

namespace strata::cli {
namespace {

struct RbacFlags {
  std::vector<std::string> files;
  std::string cluster;
  std::string output = "yaml";
  RbacOptions options;
  bool operator_ = false;
  OperatorRbacOptions operator_options;
};

int RunRbac(const RbacFlags& f) {
  if (f.operator_ != f.files.empty()) {
    std::cerr << "strata rbac: give FILE... or --operator (not both)\n";
    return kExitUsage;
  }
  if (f.operator_) {
    std::vector<Object> objects = OperatorRbac(f.operator_options);
    std::cout << (f.output == "json" ? ToJsonList(objects) : ToYaml(objects));
    std::cout.flush();
    return std::cout.good() ? kExitOk : kExitInvalid;
  }
  int exit_code = kExitOk;
  std::optional<std::vector<CompiledCluster>> clusters =
      ReadAndCompile(f.files, {.cluster = f.cluster}, std::cerr, &exit_code);
  if (!clusters) return exit_code;
  std::vector<Object> objects = ApplyRbac(*clusters, f.options);
  std::cout << (f.output == "json" ? ToJsonList(objects) : ToYaml(objects));
  std::cout.flush();
  return std::cout.good() ? kExitOk : kExitInvalid;
}

}  // namespace

Command AddRbacCommand(CLI::App& app) {
  auto flags = std::make_shared<RbacFlags>();
  CLI::App* cmd = app.add_subcommand(
      "rbac",
      "Print the Role, RoleBinding (and, when a role restarts by zone, the ClusterRole and "
      "ClusterRoleBinding) a service account needs to `strata apply` these Clusters: "
      "least privilege, exactly what apply does with them. With --operator: the "
      "ServiceAccount, ClusterRole, Role and bindings strata-operator runs with.");
  cmd->add_option("FILE", flags->files, "App and Cluster YAML/JSON files ('-' = stdin)");
  cmd->add_flag("--operator", flags->operator_,
                "Print strata-operator's RBAC instead (deploy/10-rbac.yaml)");
  cmd->add_option("--operator-namespace", flags->operator_options.namespace_,
                  "With --operator: the operator's namespace")
      ->capture_default_str();
  cmd->add_option("--cluster", flags->cluster, "Only this Cluster of the files");
  cmd->add_option("--service-account", flags->options.service_account,
                  "The ServiceAccount that applies")
      ->capture_default_str();
  cmd->add_option("--service-account-namespace", flags->options.service_account_namespace,
                  "Its namespace (default: the first Cluster's)");
  cmd->add_option("--name", flags->options.name, "Name of the Roles and bindings")
      ->capture_default_str();
  cmd->add_option("-o,--output", flags->output, "Output format: yaml (default) or json")
      ->check(CLI::IsMember({"yaml", "json"}));
  return [flags] { return RunRbac(*flags); };
}

}  // namespace strata::cli
