// The Cluster controller of strata-operator (SPEC-2 §7): one reconcile of a
// Cluster custom resource, and the worker loop that runs reconciles off the
// work queue.
//
// A reconcile is level-triggered and does one executor pass: it reads the
// Cluster and its App, compiles them with the pipeline every front end uses
// (an invalid spec gets phase Invalid and the CLI's messages, and is not
// retried until the Cluster or App changes), runs ONE pass of
// ReconcileCompiled through an OwningClient (ownerReferences; no write once
// this replica may not act), observes again and writes the status (phase,
// conditions, roles[] counts, the plan's next steps, observedGeneration of
// the spec it acted on) through the status subresource, with an Event per
// executed step, per block and per invalid spec. The executor's
// ReconcileState is kept per Cluster, so waits time out, gates and hooks run
// out of retries and stuck members block exactly as under `strata apply`. It
// then says when to come back: when the executor says the next pass is due
// (at once after steps ran, a failed gate's retry time, a wait's timeout, at
// most `recheck`; watch events on the owned objects usually come first), with
// the queue's backoff after an error.
//
// Finalizer strata.dev/cleanup: added to every Cluster; on deletion
// CleanupCluster() applies onClusterDelete (claims are kept unless it says
// delete), then the finalizer is removed. strata.dev/paused: "true" stops all
// action (phase Paused); strata.dev/approve tokens go to the executor.
//
// Example:
//   Controller controller(resources, kube, metrics, {.may_act = leader});
//   WorkQueue queue;
//   queue.Add("data/events");
//   controller.ProcessQueue(queue);   // a worker; run --concurrency of them

#ifndef STRATA_OPERATOR_CONTROLLER_H_
#define STRATA_OPERATOR_CONTROLLER_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "operator/custom_resources.h"
#include "operator/metrics.h"
#include "operator/work_queue.h"
#include "strata/execute.h"
#include "strata/json.h"
#include "strata/kube_client.h"

namespace strata::operator_internal {

// The custom resources and Events as the controller reads and writes them.
// KubeResourceClient: the API server; tests: memory.
class ResourceClient {
 public:
  virtual ~ResourceClient() = default;
  // The object ("Cluster", "App"), or nullopt when it does not exist.
  virtual absl::StatusOr<std::optional<Json>> Get(absl::string_view kind,
                                                  absl::string_view namespace_,
                                                  absl::string_view name) = 0;
  // Every object of `kind` in `namespace_` ("" = all namespaces).
  virtual absl::StatusOr<std::vector<Json>> List(absl::string_view kind,
                                                 absl::string_view namespace_) = 0;
  // A JSON merge patch of the object, or of `subresource` ("status").
  virtual absl::StatusOr<Json> MergePatch(absl::string_view kind, absl::string_view namespace_,
                                          absl::string_view name, const Json& patch,
                                          absl::string_view subresource) = 0;
  // Creates a core/v1 Event.
  virtual absl::Status CreateEvent(const Json& event) = 0;
};

class KubeResourceClient : public ResourceClient {
 public:
  explicit KubeResourceClient(KubeClient& kube) : kube_(kube) {}
  absl::StatusOr<std::optional<Json>> Get(absl::string_view kind, absl::string_view namespace_,
                                          absl::string_view name) override;
  absl::StatusOr<std::vector<Json>> List(absl::string_view kind,
                                         absl::string_view namespace_) override;
  absl::StatusOr<Json> MergePatch(absl::string_view kind, absl::string_view namespace_,
                                  absl::string_view name, const Json& patch,
                                  absl::string_view subresource) override;
  absl::Status CreateEvent(const Json& event) override;

 private:
  KubeClient& kube_;
};

struct ControllerOptions {
  // Clusters of this namespace only; "" = every namespace.
  std::string namespace_;
  // This replica's name: Events' reportingInstance, logs.
  std::string identity = "strata-operator";
  // Whether this replica may act (it leads, it is not shutting down). Every
  // write -- objects, status, Events, finalizers -- checks it. Empty: always.
  std::function<bool()> may_act;
  // A shutdown was asked for: a running pass stops at its next safe point.
  std::function<bool()> stopping;
  // Also abandon a running memberLeave/memberJoin (the drain time is over).
  std::function<bool()> abandon_hooks;
  // While a Cluster waits, reconcile it again after this even when no watch
  // event comes (a safety net, as ReconcileOptions::recheck).
  absl::Duration recheck = absl::Seconds(30);
  // A converged (or paused) Cluster is looked at again after this.
  absl::Duration resync = absl::Minutes(10);
  // One JSON object per log line (steps, reconciles, errors). May be empty.
  std::function<void(const Json&)> log;
};

// What a reconcile concluded and when to look at the Cluster again.
struct ReconcileDecision {
  enum class Requeue {
    kNone,     // Only when something changes (a watch event).
    kAfter,    // After `after` (and on watch events).
    kBackoff,  // After the work queue's per-Cluster backoff.
  };
  Requeue requeue = Requeue::kNone;
  absl::Duration after = absl::ZeroDuration();
  // For strata_reconcile_total{result}: converged, progressed, waiting,
  // blocked, invalid, paused, pending, deleted, error.
  std::string result;
  std::string phase;    // The phase written ("" when none was).
  std::string message;  // For logs.
};

class Controller {
 public:
  // `cluster` is the client objects are observed and changed through (the
  // KubeClient, or a simulator in tests); it must be safe to use from
  // several threads when several workers run.
  Controller(ResourceClient& resources, ClusterClient& cluster, Metrics& metrics,
             ControllerOptions options);

  // One reconcile of the Cluster "namespace/name".
  ReconcileDecision ReconcileKey(const std::string& key);

  // A worker: takes keys off `queue` until it shuts down, reconciles each
  // and requeues it as decided. The queue guarantees one reconcile per
  // Cluster at a time.
  void ProcessQueue(WorkQueue& queue);

  // The Cluster keys a watch event leads to: a Cluster itself (only when
  // what the controller acts on changed -- spec, annotations, finalizers,
  // deletion -- not for its own status writes), every Cluster naming an App,
  // the Cluster an owned object belongs to (app.kubernetes.io/instance).
  std::vector<std::string> KeysForClusterEvent(const std::string& type, const Json& cluster);
  std::vector<std::string> KeysForAppEvent(const Json& app);
  static std::vector<std::string> KeysForOwnedObject(const Json& object);

 private:
  // Per Cluster memory across reconciles.
  struct Memory {
    std::string invalid_signature;  // The spec last found invalid.
    std::string last_phase;
    // What the executor carries from one pass to the next (wait timeouts,
    // gate and hook retry budgets, the blocked grace), so that a Cluster
    // blocks exactly as `strata apply` would although every reconcile is a
    // single pass.
    ReconcileState reconcile;
  };

  ReconcileDecision Reconcile(const std::string& namespace_, const std::string& name);
  ReconcileDecision Finalize(Json cluster);
  ReconcileDecision Invalid(Json& cluster, const std::string& signature,
                            const std::string& message);
  // Writes the status `report` describes when it changes what a reader
  // sees, and updates `cluster` to the object as stored. Returns false when
  // the write failed (logged).
  bool WriteStatus(Json& cluster, const StatusReport& report);
  void Event(const Json& cluster, const EventRecord& record);
  void OnExecuteEvent(const Json& cluster, const ExecuteEvent& event);
  void Log(Json line);
  bool MayAct() const { return !options_.may_act || options_.may_act(); }
  Memory GetMemory(const std::string& key);
  void SetMemory(const std::string& key, const Memory& memory);

  ResourceClient& resources_;
  ClusterClient& cluster_;
  Metrics& metrics_;
  const ControllerOptions options_;
  absl::Mutex mu_;
  std::map<std::string, Memory> memory_ ABSL_GUARDED_BY(mu_);
  // What the last Cluster event showed of each Cluster (spec generation,
  // annotations, finalizers, deletion), to ignore status-only updates.
  std::map<std::string, std::string> seen_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_CONTROLLER_H_
