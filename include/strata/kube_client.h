// strata/kube_client.h: a Kubernetes API client (SPEC-2 §6 "Kubernetes access").
//
// KubeClient talks HTTPS to a kube-apiserver with the credentials of a
// kubeconfig (CA file/data, insecure-skip-tls-verify, client certificate/key
// file/data, token, tokenFile, exec credential plugins of
// client.authentication.k8s.io/v1 and v1beta1) or of the in-cluster service
// account. It offers what strata's executor needs: list by label selector,
// server-side apply (field manager "strata"), delete with orphan propagation
// and a uid precondition, merge patches, PVC resize, watches (resourceVersion,
// bookmarks, reconnects, 410 Gone reported for a relist), and pods/exec over
// WebSocket (v5.channel.k8s.io, falling back to v4.channel.k8s.io).
//
// Requests that fail with 429, 5xx or a broken connection are retried with
// exponential backoff and full jitter, honouring Retry-After; every request
// has a timeout. Every error names the call ("PATCH /apis/apps/v1/namespaces/
// data/statefulsets/kafka-broker") and the HTTP status, and carries the status
// as a payload (HttpStatusOf()). Codes:
//   Unavailable        unreachable, or 429/5xx through every retry;
//   DeadlineExceeded   a request timed out;
//   Unauthenticated    401;   PermissionDenied  403;   NotFound  404;
//   Aborted            409 Conflict (a failed uid precondition included);
//   OutOfRange         410 Gone (a watch's resourceVersion is too old: relist);
//   InvalidArgument    400/422 and bad kubeconfig input;
//   FailedPrecondition other 4xx (exec into a pod that does not run, ...).
//
// Example:
//   absl::StatusOr<std::unique_ptr<KubeClient>> kube =
//       KubeClient::Connect(/*kubeconfig=*/"", /*context=*/"");
//   absl::StatusOr<Json> pods = (*kube)->List("Pod", "data", "app=kafka");
//   absl::StatusOr<KubeExecResult> r =
//       (*kube)->Exec({.namespace_ = "data", .pod = "kafka-0", .command = {"true"}});

#ifndef STRATA_KUBE_CLIENT_H_
#define STRATA_KUBE_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "strata/execute.h"
#include "strata/json.h"
#include "strata/observed_state.h"

namespace strata {

// An exec credential plugin (kubeconfig users[].user.exec).
struct KubeExecPlugin {
  std::string api_version;  // client.authentication.k8s.io/v1 or /v1beta1.
  std::string command;      // Resolved against the kubeconfig's directory when it has a '/'.
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // Added to the client's environment.
  bool provide_cluster_info = false;  // Pass the cluster in KUBERNETES_EXEC_INFO.
};

// Connection settings resolved from a kubeconfig or the in-cluster account.
struct KubeConfig {
  std::string server;  // "https://127.0.0.1:6443" (http:// is accepted too).
  std::string tls_server_name;       // Overrides the name checked in the certificate.
  std::string certificate_authority;  // PEM; empty: the system's CAs.
  bool insecure_skip_tls_verify = false;
  std::string client_certificate;  // PEM, with client_key.
  std::string client_key;          // PEM.
  std::string token;               // Bearer token.
  std::string token_file;          // Re-read at most once a minute.
  std::optional<KubeExecPlugin> exec;
  std::string namespace_ = "default";  // The context's namespace.
  // Where it came from, for messages: "kubeconfig /x/config, context kind".
  std::string source;
};

// Retries, timeouts and test hooks.
struct KubeClientOptions {
  // One HTTP request, from connect to the last byte (watches and exec have
  // their own deadlines).
  absl::Duration request_timeout = absl::Seconds(30);
  // Retries of 429/5xx/broken connections: at most `max_attempts` tries and
  // `max_retry_time` of waiting in total; the n-th wait is a uniform random
  // time in [0, min(max_backoff, initial_backoff * 2^n)], or the server's
  // Retry-After (capped at max_backoff * 6) when it sends one.
  int max_attempts = 8;
  absl::Duration initial_backoff = absl::Milliseconds(250);
  absl::Duration max_backoff = absl::Seconds(10);
  absl::Duration max_retry_time = absl::Seconds(90);
  // How long an exec credential plugin may run.
  absl::Duration exec_plugin_timeout = absl::Seconds(60);
  // Test hook: called instead of sleeping between retries (record the waits).
  std::function<void(absl::Duration)> sleep_for_test;
  // Test hook: the root of the in-cluster files (default
  // /var/run/secrets/kubernetes.io/serviceaccount).
  std::string in_cluster_root_for_test;
};

// The outcome of a command run through pods/exec.
struct KubeExecResult {
  int32_t exit_code = 0;  // -1 when timed out.
  std::string stdout_text;
  std::string stderr_text;
  bool timed_out = false;
  std::string protocol;  // The negotiated subprotocol, "v5.channel.k8s.io" or "v4...".
};

struct KubeExecRequest {
  std::string namespace_;
  std::string pod;
  std::string container;  // Empty: the server picks the pod's only/default container.
  std::vector<std::string> command;
  absl::Duration timeout = absl::Minutes(10);
  // Polled at least every 250 ms; true stops the exec with Cancelled.
  std::function<bool()> cancelled;
  // Subprotocols offered, most preferred first (tests offer v4 alone).
  std::vector<std::string> protocols = {"v5.channel.k8s.io", "v4.channel.k8s.io"};
};

// One event of a watch: type ADDED, MODIFIED, DELETED or BOOKMARK.
struct KubeWatchEvent {
  std::string type;
  Json object;
};

struct KubeWatchRequest {
  std::string kind;        // "Pod", "StatefulSet", ... (see KubeResourceFor).
  std::string namespace_;  // Empty for all namespaces / cluster-scoped kinds.
  std::string label_selector;
  // Where to start: the List's metadata.resourceVersion. Empty: the server's
  // current state is sent first as ADDED events.
  std::string resource_version;
  absl::Time deadline = absl::InfiniteFuture();
  std::function<bool()> cancelled;  // Polled at least every 250 ms.
  // Called for each event (bookmarks included); return false to stop.
  std::function<bool(const KubeWatchEvent&)> on_event;
};

// Where a watch stopped: the last resourceVersion seen (resume from it).
struct KubeWatchResult {
  std::string resource_version;
  bool stopped_by_callback = false;  // Else the deadline passed.
  int reconnects = 0;                // Streams the server ended and we reopened.
};

// A kind's REST resource: "/apis/apps/v1" + "statefulsets".
struct KubeResource {
  std::string api_version;  // "apps/v1", "v1".
  std::string plural;       // "statefulsets".
  bool namespaced = true;
};

// Returns the resource of a kind strata reads or writes (StatefulSet, Pod,
// Service, ConfigMap, Secret, PodDisruptionBudget, PersistentVolumeClaim,
// Node, Namespace, ServiceAccount, Role, RoleBinding, ClusterRole,
// ClusterRoleBinding, StorageClass, PersistentVolume, Lease, Event, Job,
// and strata's custom resources App and Cluster of strata.dev/v1);
// NotFound otherwise.
absl::StatusOr<KubeResource> KubeResourceFor(absl::string_view kind);

// The REST path of a collection or of one object: "/api/v1/namespaces/ns/pods"
// or ".../pods/name" (cluster-scoped kinds ignore `namespace_`).
std::string KubeObjectPath(const KubeResource& resource, absl::string_view namespace_,
                           absl::string_view name);

// The HTTP status an error of KubeClient carries, if any.
std::optional<int> HttpStatusOf(const absl::Status& status);

// Reads `kubeconfig_path` (YAML or JSON; "" = $KUBECONFIG, a ':'-separated
// list merged as kubectl merges it, else ~/.kube/config) and returns the
// settings of `context` ("" = current-context). InvalidArgument naming the
// file and field when something is missing or malformed; relative file paths
// are resolved against the kubeconfig's directory.
absl::StatusOr<KubeConfig> LoadKubeconfig(const std::string& kubeconfig_path,
                                          const std::string& context);

// The same from kubeconfig text already read (`path` names it in messages and
// anchors relative paths).
absl::StatusOr<KubeConfig> ParseKubeconfig(absl::string_view text, const std::string& path,
                                           const std::string& context);

// Implements ClusterClient (strata/execute.h) over the Kubernetes API: the
// executor's calls map onto the REST calls below; WaitForChange watches each
// kind Observe() listed from the resourceVersion of that list (one watch per
// kind, concurrently) and returns at the first change. Safe to use from
// several threads at once.
class KubeClient : public ClusterClient {
 public:
  // A client for the kubeconfig at `path` ("" as in LoadKubeconfig).
  static absl::StatusOr<std::unique_ptr<KubeClient>> FromKubeconfig(
      const std::string& path, const std::string& context, KubeClientOptions options = {});
  // A client for the pod's service account: $KUBERNETES_SERVICE_HOST/PORT,
  // its token file (re-read as it rotates), CA and namespace.
  static absl::StatusOr<std::unique_ptr<KubeClient>> InCluster(KubeClientOptions options = {});
  // SPEC-2 §6's order: `kubeconfig` (a --kubeconfig flag) if set, else
  // $KUBECONFIG, else ~/.kube/config if it exists, else in-cluster.
  static absl::StatusOr<std::unique_ptr<KubeClient>> Connect(
      const std::string& kubeconfig, const std::string& context, KubeClientOptions options = {});
  static absl::StatusOr<std::unique_ptr<KubeClient>> FromConfig(KubeConfig config,
                                                                KubeClientOptions options = {});

  ~KubeClient() override;
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  const KubeConfig& config() const;

  // GET of one object. NotFound when it does not exist.
  absl::StatusOr<Json> Get(absl::string_view kind, absl::string_view namespace_,
                           absl::string_view name);

  // The kind's objects in `namespace_` ("" = all namespaces) matching
  // `label_selector` ("" = all): the server's List, each item with apiVersion
  // and kind filled in, metadata.resourceVersion the point to watch from.
  // Follows `continue` tokens.
  absl::StatusOr<Json> List(absl::string_view kind, absl::string_view namespace_,
                            absl::string_view label_selector);

  // Server-side apply of `object` (apiVersion, kind, metadata.name, and
  // metadata.namespace for namespaced kinds), field manager "strata",
  // force=true (strata owns what it applies), optionally dry-run=All.
  // Returns the object as stored (or as it would be).
  absl::StatusOr<Json> Apply(const Json& object, bool dry_run = false);

  // Deletes the object; propagationPolicy Orphan when `orphan`, else
  // Background; with a uid precondition when `uid` is set (Aborted when the
  // object now has another uid). Deleting what is gone succeeds.
  absl::Status Delete(absl::string_view kind, absl::string_view namespace_,
                      absl::string_view name, bool orphan, absl::string_view uid);

  // A JSON merge patch (RFC 7386) of the object (or of `subresource`, e.g.
  // "status"). Returns the patched object.
  absl::StatusOr<Json> MergePatch(absl::string_view kind, absl::string_view namespace_,
                                  absl::string_view name, const Json& patch,
                                  absl::string_view subresource = "");

  // Sets PVC `name`'s spec.resources.requests.storage to `size`.
  absl::StatusOr<Json> ResizePvc(absl::string_view namespace_, absl::string_view name,
                                 absl::string_view size);

  // Watches until `request.on_event` returns false, the deadline passes or
  // `cancelled` says so. Streams the server closes are reopened from the last
  // resourceVersion seen (bookmarks are asked for and move it too). OutOfRange
  // when the server says the resourceVersion is gone (410): list again and
  // watch from the new one.
  absl::StatusOr<KubeWatchResult> Watch(const KubeWatchRequest& request);

  // Runs a command in a pod over WebSocket and returns its exit code (from
  // the status channel), stdout and stderr. A non-zero exit is a result.
  absl::StatusOr<KubeExecResult> Exec(const KubeExecRequest& request);

  // One request with this client's credentials, retries and timeout: returns
  // the body of a 2xx answer. `content_type` applies when `body` is non-empty.
  absl::StatusOr<std::string> Call(absl::string_view method, absl::string_view path_and_query,
                                   absl::string_view body = "",
                                   absl::string_view content_type = "application/json");

  // Requests sent (attempts, retries included), for benchmarks and tests.
  int64_t requests_sent() const;

  // ---- ClusterClient (strata/execute.h) ---------------------------------
  // The wall clock.
  absl::Time Now() override;
  // Lists the six kinds the planner reads (labelSelector
  // app.kubernetes.io/instance=<cluster>), Nodes and Secret metadata (as
  // PartialObjectMetadata: the data never crosses the wire) when asked, and
  // parses them as ParseObservedState() would. Any failed list fails it.
  absl::StatusOr<ObservedState> Observe(const ObserveRequest& request) override;
  absl::StatusOr<Json> Apply(const Json& object, const ApplyOptions& options) override;
  absl::Status Delete(const ObjectRef& ref, const DeleteOptions& options) override;
  absl::StatusOr<ExecResult> Exec(const ExecRequest& request) override;
  absl::Status PatchMetadata(const ObjectRef& ref, const MetadataPatch& patch) override;
  absl::Status ResizePvc(const ObjectRef& pvc, const std::string& size) override;
  // True at the first ADDED/MODIFIED/DELETED event after the last
  // Observe(scope) (also when there was none, or a watch's version is gone:
  // observe again); false at the deadline.
  absl::StatusOr<bool> WaitForChange(const ObserveRequest& scope, absl::Time deadline,
                                     const std::function<bool()>& cancelled) override;
  absl::Status SleepUntil(absl::Time deadline, const std::function<bool()>& cancelled) override;

  class Impl;

 private:
  explicit KubeClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata

#endif  // STRATA_KUBE_CLIENT_H_
