// The well-known label and annotation keys, kind names and field values of
// the Kubernetes objects strata writes and reads. Compile writes them, the
// planner and the simulator read them back, the operator and the client
// select by them: one spelling for all (issue 11 item 3).

#ifndef STRATA_KUBE_KEYS_H_
#define STRATA_KUBE_KEYS_H_

namespace strata::kube {

// The recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels).
inline constexpr char kNameLabel[] = "app.kubernetes.io/name";
inline constexpr char kInstanceLabel[] = "app.kubernetes.io/instance";
inline constexpr char kComponentLabel[] = "app.kubernetes.io/component";
inline constexpr char kVersionLabel[] = "app.kubernetes.io/version";
inline constexpr char kManagedByLabel[] = "app.kubernetes.io/managed-by";
inline constexpr char kPartOfLabel[] = "app.kubernetes.io/part-of";
// The value of kManagedByLabel on everything strata writes.
inline constexpr char kManagedByStrata[] = "strata";

// Labels the Kubernetes control plane sets.
inline constexpr char kZoneLabel[] = "topology.kubernetes.io/zone";
inline constexpr char kHostnameLabel[] = "kubernetes.io/hostname";
inline constexpr char kPodNameLabel[] = "statefulset.kubernetes.io/pod-name";
inline constexpr char kPodIndexLabel[] = "apps.kubernetes.io/pod-index";
inline constexpr char kRevisionLabel[] = "controller-revision-hash";

// strata's own annotations (SPEC §3, SPEC-2 §9).
inline constexpr char kSpecHashAnnotation[] = "strata.dev/spec-hash";
inline constexpr char kConfigHashAnnotation[] = "strata.dev/config-hash";
inline constexpr char kRestartTokenAnnotation[] = "strata.dev/restart-token";
inline constexpr char kMemberLeftAnnotation[] = "strata.dev/member-left";
// On a StatefulSet: the ordinal a scale-out added whose memberJoin has not
// run yet (ROLLOUT-RULES 12/14: joined state is a durable fact), so a later
// plan runs it even though the replicas already match.
inline constexpr char kMemberJoiningAnnotation[] = "strata.dev/member-joining";
inline constexpr char kDashboardAnnotation[] = "strata.dev/dashboard";
// Every key above in strata.dev/ is strata's: Apps may not set labels or
// annotations under this prefix.
inline constexpr char kStrataKeyPrefix[] = "strata.dev/";

// Prometheus' scrape annotations on the pods of a role with `metrics`.
inline constexpr char kPrometheusScrapeAnnotation[] = "prometheus.io/scrape";
inline constexpr char kPrometheusPortAnnotation[] = "prometheus.io/port";
inline constexpr char kPrometheusPathAnnotation[] = "prometheus.io/path";

// The API group and version of strata's App and Cluster.
inline constexpr char kApiVersion[] = "strata.dev/v1";

// Kinds.
inline constexpr char kKindStatefulSet[] = "StatefulSet";
inline constexpr char kKindPod[] = "Pod";
inline constexpr char kKindPvc[] = "PersistentVolumeClaim";
inline constexpr char kKindService[] = "Service";
inline constexpr char kKindConfigMap[] = "ConfigMap";
inline constexpr char kKindSecret[] = "Secret";
inline constexpr char kKindPdb[] = "PodDisruptionBudget";
inline constexpr char kKindNode[] = "Node";

// StatefulSet spec.podManagementPolicy values.
inline constexpr char kOrderedReady[] = "OrderedReady";
inline constexpr char kParallelPolicy[] = "Parallel";

}  // namespace strata::kube

#endif  // STRATA_KUBE_KEYS_H_
