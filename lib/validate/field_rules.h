// Per-field rules shared by the App rules (app_rules.h) and the Cluster
// rules (cluster_rules.h): each checks one kind of field at `path` and
// reports through `r`. They know nothing of which document they are in.

#ifndef STRATA_VALIDATE_FIELD_RULES_H_
#define STRATA_VALIDATE_FIELD_RULES_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "strata/role.h"
#include "validate/field_path.h"
#include "validate/reporter.h"
#include "validate/template_check.h"

namespace strata::validate_internal {

// Label keys and values; with `reserve_strata_keys`, the app.kubernetes.io/*
// keys strata sets are refused.
void CheckLabels(Reporter& r, const FieldPath& path,
                 const std::map<std::string, std::string>& labels, bool reserve_strata_keys);
// Annotation keys (strata.dev/* is strata's) and the 256 KiB total.
void CheckAnnotations(Reporter& r, const FieldPath& path,
                      const std::map<std::string, std::string>& annotations);
// serviceAccountName, imagePullSecrets, priorityClassName, podLabels and
// podAnnotations of an App role or a Cluster role (`path` is the role's).
void CheckPod(Reporter& r, const FieldPath& path, const PodSettings& pod);

// Checks one template against `scope`, reporting its errors at `path`.
TemplateReport CheckTemplateText(Reporter& r, const FieldPath& path, const std::string& text,
                                 const TemplateScope& scope);
// Warns when a pod-template field at `at` (env, command, args) of `role` (at
// `role_path`) renders another role's scale: every scale restarts `role`.
void WarnScaleRestarts(Reporter& r, const FieldPath& role_path, const FieldPath& at,
                       const Role& role, const TemplateReport& report);

using TemplateVisitor = std::function<void(const FieldPath&, const std::string&)>;
// Calls `visit` with every template of a sidecar or init container at `path`.
void ForEachContainerTemplate(const Container& c, const FieldPath& path,
                              const TemplateVisitor& visit);
// Calls `visit` with every template of `role` (at `path`): SPEC §3's config
// data values, template bodies, env values, command, args, exec commands.
void ForEachTemplate(const Role& role, const FieldPath& path, const TemplateVisitor& visit);

// A port named or numbered by `ref`: a named one must be a port of `role`.
void CheckPortRef(Reporter& r, const FieldPath& path, const PortRef& ref, const Role& role);
// A handler of one of the `allowed` kinds, with its fields.
void CheckHandler(Reporter& r, const FieldPath& path, const Handler& h, const Role& role,
                  const std::vector<Handler::Kind>& allowed);
// A probe: its handler and thresholds (successThreshold 1 for liveness and
// startup probes, `success_must_be_one`).
void CheckProbe(Reporter& r, const FieldPath& path, const Probe& p, const Role& role,
                bool success_must_be_one);
// True for the pod fields Kubernetes accepts in an env var's fieldRef.
bool IsDownwardApiField(const std::string& field);
void CheckEnv(Reporter& r, const FieldPath& path, const std::vector<EnvVar>& env);
// Each request within its limit.
void CheckResources(Reporter& r, const FieldPath& path, const Resources& res);
void CheckRollout(Reporter& r, const FieldPath& path, const RolloutPolicy& p, const Role& role);
void CheckStorage(Reporter& r, const FieldPath& path, const std::vector<Storage>& storage);
// Warns about onChange: none files that cannot be updated in place.
void CheckLiveConfigDirectories(Reporter& r, const FieldPath& path, const Role& role);
void CheckConfig(Reporter& r, const FieldPath& path, const std::vector<ConfigFile>& config);
void CheckSecurity(Reporter& r, const FieldPath& path, const Security& s);
void CheckImage(Reporter& r, const FieldPath& path, const std::string& image);
// Checks `ports` (at `path`) and adds their names and number/protocols to
// `port_names` and `port_numbers`, for the caller's check over the pod.
void CheckPorts(Reporter& r, const FieldPath& path, const std::vector<Port>& ports,
                NamedPaths& port_names, NamedPaths& port_numbers);
// The sidecars and init containers of `role` (at `path`), adding their
// names and ports to the pod-wide lists.
void CheckContainers(Reporter& r, const FieldPath& path, const Role& role,
                     NamedPaths& container_names, NamedPaths& port_names,
                     NamedPaths& port_numbers);
// metrics: a port of the pod and a path; the prometheus.io annotations are
// strata's to write.
void CheckMetrics(Reporter& r, const FieldPath& path, const Role& role);

}  // namespace strata::validate_internal

#endif  // STRATA_VALIDATE_FIELD_RULES_H_
