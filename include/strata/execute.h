// strata/execute.h: carrying plans out against a cluster (SPEC-2 §6).
//
// One executor, in the core, used by every front end, the simulator and the
// operator. Everything that touches a cluster goes through ClusterClient:
// `KubeClient` (strata/kube_client.h) implements it over the Kubernetes API,
// the simulator over its in-memory model. The executor itself does no I/O and
// reads no clock: time comes from ClusterClient::Now(), so the simulator runs
// in virtual time and tests are deterministic.
//
// ExecutePlan() is one pass (SPEC-2 §5b.1): the steps in `next`, then every
// step whose `after` ids all succeeded, stopping at a `wait` or a failed
// step. Reconcile() repeats observe -> label leaders -> plan -> pass until the
// cluster converges, is blocked, the deadline passes or the caller cancels,
// reporting what it does through a callback of ExecuteEvents.
//
// Example:
//   absl::StatusOr<std::unique_ptr<KubeClient>> kube =
//       KubeClient::FromKubeconfig("", "");
//   ReconcileOptions options;
//   options.deadline = (*kube)->Now() + absl::Minutes(30);
//   options.on_event = [](const ExecuteEvent& e) { std::cout << e.message << "\n"; };
//   absl::StatusOr<ReconcileResult> r = Reconcile(topology, **kube, options);
//   if (r.ok() && r->outcome == ReconcileResult::Outcome::kConverged) ...

#ifndef STRATA_EXECUTE_H_
#define STRATA_EXECUTE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "strata/validate.h"

namespace strata {

// ---------------------------------------------------------------------------
// The cluster, as the executor sees it.

// A Kubernetes object by kind, namespace and name.
struct ObjectRef {
  std::string kind;        // "Pod", "StatefulSet", "PersistentVolumeClaim", ...
  std::string namespace_;  // Empty for cluster-scoped kinds (Node).
  std::string name;

  bool operator==(const ObjectRef&) const = default;
};

// The objects of one strata Cluster: what `plan` reads (SPEC §4).
struct ObserveRequest {
  std::string namespace_;  // The Cluster's namespace.
  // The Cluster's name: objects are selected by the label
  // app.kubernetes.io/instance=<cluster>.
  std::string cluster;
  // Also every Node (cluster-scoped, unfiltered); the planner reads their
  // topology.kubernetes.io/zone labels for zoneParallel roles.
  bool nodes = false;
  // Also the metadata (never the data) of every Secret in the namespace,
  // into ObservedState::secrets (day-2 operations, SPEC-2 §9).
  bool secrets = false;

  bool operator==(const ObserveRequest&) const = default;
};

struct ApplyOptions {
  // Server-side dry run (?dryRun=All): the server validates and admits the
  // object but stores nothing.
  bool dry_run = false;
};

struct DeleteOptions {
  // propagationPolicy Orphan: a StatefulSet's pods and PVCs stay. Otherwise
  // Background.
  bool orphan = false;
  // A uid precondition: the delete only happens when the object still has
  // this uid (a pod recreated meanwhile is left alone). Empty: none.
  std::string uid;
};

// Runs `command` in a pod's container. The command is run as is (no shell);
// pods/exec cannot set environment variables, so the executor passes the
// step's env by prefixing `env NAME=value ...` (ExecArgv below).
struct ExecRequest {
  std::string namespace_;
  std::string pod;
  std::string container;             // Empty: the pod's first container.
  std::vector<std::string> command;  // argv; never empty.
  // The whole exec, from the request to the exit code. When it passes the
  // client stops waiting and returns ExecResult::timed_out.
  absl::Duration timeout = absl::Minutes(10);
  // Polled (at least every 250 ms of real time) while the command runs; when
  // it returns true the client stops waiting and returns Cancelled. May be
  // empty (never cancelled).
  std::function<bool()> cancelled;
};

struct ExecResult {
  int32_t exit_code = 0;  // The command's exit code; -1 when timed out.
  std::string stdout_text;
  std::string stderr_text;
  bool timed_out = false;

  bool operator==(const ExecResult&) const = default;
};

// Labels and annotations to set (a value) or remove (nullopt); keys not
// named are left alone (a JSON merge patch of metadata).
struct MetadataPatch {
  std::map<std::string, std::optional<std::string>> labels;
  std::map<std::string, std::optional<std::string>> annotations;

  bool operator==(const MetadataPatch&) const = default;
};

// What an executor needs from a cluster (SPEC-2 §6). Implementations:
// KubeClient (strata/kube_client.h) and the simulator's in-memory model.
// Methods may block; they are called from one thread at a time.
//
// Errors. Every failed call returns a status whose message names the call
// and the server's answer, "PATCH /api/v1/namespaces/data/pods/x: 403
// Forbidden: <server message>", with the code:
//   Unavailable        the server cannot be reached, or kept answering
//                      429/5xx through the client's own retries;
//   DeadlineExceeded   a request timed out;
//   Unauthenticated    401 (no or expired credentials);
//   PermissionDenied   403 (RBAC);
//   Aborted            409 Conflict, including a failed uid precondition;
//   InvalidArgument    400/422: the server refused the object;
//   NotFound           404 (never from Delete: deleting what is gone succeeds);
//   FailedPrecondition the request cannot be made in this state (exec in a
//                      pod that is not running, a container that is absent);
//   Cancelled          the request's `cancelled` returned true.
// The executor treats Unavailable, DeadlineExceeded, Unauthenticated and
// PermissionDenied as "cannot reach or use the cluster" (CLI exit 5),
// Aborted as "observe and plan again", InvalidArgument from Apply as "a
// change refused" (blocked), and anything else from Exec as a failed attempt.
// True for the codes that mean "cannot reach or use the cluster" (CLI exit
// 5): Unavailable, DeadlineExceeded, Unauthenticated, PermissionDenied.
bool CannotUseCluster(const absl::Status& status);

class ClusterClient {
 public:
  virtual ~ClusterClient() = default;

  // The current time. The executor reads no other clock: KubeClient returns
  // the wall clock, the simulator its virtual time.
  virtual absl::Time Now() = 0;

  // Returns every StatefulSet, Pod, Service, ConfigMap, PodDisruptionBudget
  // and PersistentVolumeClaim of `request.cluster` in `request.namespace_`
  // (plus Nodes and Secret metadata when asked), whole objects as the server
  // has them, each list sorted by name; exactly what ParseObservedState()
  // makes of `kubectl get ... -o yaml`. Never a partial state: any failed
  // list fails the call.
  virtual absl::StatusOr<ObservedState> Observe(const ObserveRequest& request) = 0;

  // Server-side apply of `object` (apiVersion, kind, metadata.name and
  // metadata.namespace set) with field manager "strata", forcing conflicts
  // with other managers. Returns the object as the server stored it (as it
  // would be stored, under dry_run).
  virtual absl::StatusOr<Json> Apply(const Json& object, const ApplyOptions& options) = 0;

  // Deletes `ref`. OK when it is already gone; Aborted when `options.uid` is
  // set and the object has another uid.
  virtual absl::Status Delete(const ObjectRef& ref, const DeleteOptions& options) = 0;

  // Runs a command in a pod (pods/exec) and returns how it ended: a non-zero
  // exit code is a result, not an error. Errors are for commands that could
  // not be run or followed (see the class comment).
  virtual absl::StatusOr<ExecResult> Exec(const ExecRequest& request) = 0;

  // Sets and removes labels and annotations of `ref` (a merge patch).
  // NotFound when it does not exist.
  virtual absl::Status PatchMetadata(const ObjectRef& ref, const MetadataPatch& patch) = 0;

  // Sets PVC `pvc`'s spec.resources.requests.storage to `size` ("20Gi"); the
  // capacity follows when the volume has grown. InvalidArgument when the
  // server refuses (a StorageClass without allowVolumeExpansion, a smaller
  // size).
  virtual absl::Status ResizePvc(const ObjectRef& pvc, const std::string& size) = 0;

  // Blocks until something in `scope` changed since the last Observe(scope)
  // on this client (an object added, modified or deleted), or `deadline`
  // passed. Returns true on a change, false at the deadline; Cancelled when
  // `cancelled` (may be empty; polled at least every 250 ms of real time)
  // returns true. KubeClient watches; it never polls at a fixed interval.
  virtual absl::StatusOr<bool> WaitForChange(const ObserveRequest& scope, absl::Time deadline,
                                             const std::function<bool()>& cancelled) = 0;

  // Blocks until `deadline` (client time) without talking to the cluster:
  // the executor's backoff between retries, also while the server is down.
  // OK at the deadline; Cancelled when `cancelled` (may be empty; polled at
  // least every 250 ms of real time) returns true.
  virtual absl::Status SleepUntil(absl::Time deadline,
                                  const std::function<bool()>& cancelled) = 0;
};

// Returns the argv that runs `command` with `env` ("NAME=value" entries)
// through pods/exec, which cannot set environment variables: `command`
// itself when `env` is empty, else {"env", env..., command...} (POSIX env(1),
// present in every image that has a shell). The one place this rule lives.
std::vector<std::string> ExecArgv(const std::vector<std::string>& command,
                                  const std::vector<std::string>& env);

// ---------------------------------------------------------------------------
// Progress.

// Something the executor did or found, in the order it happened.
struct ExecuteEvent {
  enum class Kind {
    kPlanned,        // A plan was made (`message`: how many steps, what next).
    kStepStarted,    // `step` began (`attempt` for retried execs).
    kStepSucceeded,  // `step` finished; `elapsed` since it began.
    kStepFailed,     // `step` failed (`message`: why; `exec` for execs).
    kWaiting,        // `step` (a wait) does not hold yet: `condition`,
                     // `elapsed` since the wait began, `message` what is
                     // missing. Repeated while it waits.
    kRetrying,       // A failed gate or hook is retried at `retry_at`.
    kNote,           // A remark: a plan note, leader labelling, a resumed
                     // hook, a transient API error retried.
    kBlocked,        // The cluster cannot progress: `message` is the reason.
    kConverged,      // The plan is empty.
    kDeadline,       // ReconcileOptions::deadline passed while progressing.
    kCancelled,      // The caller cancelled; `message` says where it stopped.
  };
  Kind kind = Kind::kNote;
  absl::Time time;           // ClusterClient::Now() when it happened.
  std::string cluster;       // The Cluster's name.
  int32_t pass = 0;          // 1-based planning round of this Reconcile.
  std::optional<Step> step;  // Step events and kWaiting.
  int32_t attempt = 0;       // Execs: 1 for the first run.
  std::string condition;     // kWaiting: the wait condition's text.
  absl::Duration elapsed;    // Since the step or the wait began.
  std::optional<ExecResult> exec;      // Exec steps that ran.
  std::optional<absl::Time> retry_at;  // kRetrying.
  std::string message;                 // One sentence a person understands.

  bool operator==(const ExecuteEvent&) const = default;
};

// "planned", "stepStarted", "stepSucceeded", "stepFailed", "waiting",
// "retrying", "note", "blocked", "converged", "deadline", "cancelled".
const char* ExecuteEventKindName(ExecuteEvent::Kind kind);

// One JSON object per event (the CLI's `apply -o json` lines): {"event",
// "time" (RFC 3339), "cluster", "pass", "step" {id, action, target, reason,
// hook, condition} (apply objects left out), "attempt", "condition",
// "elapsedSeconds", "exitCode", "stdout", "stderr", "retryAt", "message"},
// fields present only when they apply.
Json ExecuteEventToJson(const ExecuteEvent& event);

using EventCallback = std::function<void(const ExecuteEvent&)>;

// ---------------------------------------------------------------------------
// One pass.

// Retry bookkeeping for gates and member hooks, carried across passes by
// Reconcile (a pass alone starts from an empty one).
struct HookRetry {
  absl::Time first_failure;  // When the first attempt failed.
  absl::Time deadline;       // first attempt + the hook's timeoutSeconds.
  int32_t failures = 0;
  absl::Time retry_at;       // Not before: exponential backoff with jitter.
  ExecResult last;

  bool operator==(const HookRetry&) const = default;
};

struct ExecuteOptions {
  // The state the plan was made from. Deletes (restarts included) carry the
  // uid observed here as a precondition, so a pod recreated since is never
  // deleted by mistake. Required when the plan deletes anything.
  const ObservedState* observed = nullptr;
  // Observe, plan and send every `apply` with server dry-run; run nothing
  // else (SPEC-2 §6 `--dry-run=server`).
  bool dry_run = false;
  // Where the pass reports; may be empty.
  EventCallback on_event;
  std::string cluster;  // For events.
  int32_t pass = 1;     // For events.
  // Checked between steps and while a gate runs or a wait blocks: when it
  // returns true the pass stops at the next safe point (between steps; a
  // running gate is abandoned, it changes nothing). May be empty.
  std::function<bool()> cancelled;
  // Checked while a memberLeave/memberJoin runs: true abandons it too (a
  // second Ctrl-C). The hook's record says it did not finish, so the next
  // run runs it again and says so. May be empty.
  std::function<bool()> abandon_hooks;
  // No step starts after this time (client time).
  absl::Time deadline = absl::InfiniteFuture();
  // Gate and hook retries so far, by RetryKey(step); updated by the pass.
  // Null: a fresh map for this pass.
  std::map<std::string, HookRetry>* retries = nullptr;
  // A failed gate or hook is retried after a backoff growing exponentially
  // from `initial_backoff` to `max_backoff`, with jitter.
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(30);
};

// The key of a retried exec step in ExecuteOptions::retries:
// "<hook> <pod> <target pod>".
std::string RetryKey(const Step& step);

struct PassResult {
  enum class Outcome {
    kConverged,   // The plan was empty.
    kProgressed,  // Ran every step it could; stopped at waits or the end.
    kStepFailed,  // A step failed and will be retried (`failed`, `message`).
    kConflict,    // 409: observe and plan again at once.
    kBlocked,     // The plan is blocked, a hook ran out of time, or the
                  // server refused a change (`message` says which).
    kDeadline,    // ExecuteOptions::deadline passed before a step.
    kCancelled,   // Stopped at a safe point (`message` says where).
  };
  Outcome outcome = Outcome::kProgressed;
  std::vector<int32_t> succeeded;  // Ids run, in order.
  std::vector<int32_t> waiting;    // Wait steps the pass stopped at.
  std::optional<int32_t> failed;  // The failed step's id.
  std::string message;

  bool operator==(const PassResult&) const = default;
};

// Runs one pass of `plan` against `client` (SPEC-2 §5b.1, step semantics of
// §6): `next`, then every step whose `after` ids all succeeded, stopping at
// a `wait` or a failed step. Returns what happened; a non-OK status only when
// the cluster cannot be reached or used (the codes ClusterClient's comment
// lists as such), naming the call.
[[nodiscard]] absl::StatusOr<PassResult> ExecutePlan(const Plan& plan, ClusterClient& client,
                                                     const ExecuteOptions& options);

// ---------------------------------------------------------------------------
// Reconcile.

// What Reconcile remembers from one pass to the next: when each wait
// started, the retry budgets of gates and hooks, failures of other steps,
// since when the planner has found a stuck member and the cluster has been
// unreachable, and the notes already reported. One Reconcile call keeps its
// own. A caller that runs one pass per call (`once`: an operator's reconcile)
// keeps one per cluster and passes it every time, so that timeouts, retry
// budgets and the blocked grace count across its calls exactly as they do
// within one Reconcile (SPEC-2 §6: the same rules whoever runs the loop).
struct ReconcileState {
  std::map<std::string, HookRetry> retries;       // By RetryKey(step).
  std::map<std::string, absl::Time> wait_started;  // By condition text.
  std::map<std::string, int32_t> step_failures;   // Other failed steps, by title.
  std::set<std::string> notes_seen;
  std::optional<absl::Time> blocked_since;
  std::optional<absl::Time> unavailable_since;
  int32_t unavailable_failures = 0;

  bool operator==(const ReconcileState&) const = default;
};

struct ReconcileOptions {
  // Stop (outcome kDeadline) when this client time passes while the cluster
  // is still progressing.
  absl::Time deadline = absl::InfiniteFuture();
  // One pass, then stop (outcome kPassDone, with next_pass_at) instead of
  // sleeping until the next one; blocks exactly as the loop would (a wait
  // past its timeout, a hook out of retries, a member stuck past the grace)
  // when `state` carries what earlier calls saw.
  bool once = false;
  // Observe, label nothing, plan, send every `apply` with server dry-run
  // and stop (outcome kPassDone).
  bool dry_run = false;
  // Approval tokens (`--approve TOKEN`, the operator's strata.dev/approve)
  // passed to the planner as PlanOptions::approve (SPEC-2 §9). A plan left
  // with nothing but approval waits is blocked, the reason naming the token;
  // a note says when a token was given that no step asks for.
  std::vector<std::string> approve;
  EventCallback on_event;  // May be empty.
  // See ExecuteOptions: the first stops at a safe point, the second also
  // abandons a running memberLeave/memberJoin. May be empty.
  std::function<bool()> cancelled;
  std::function<bool()> abandon_hooks;
  // Retries of failed gates and hooks back off exponentially from
  // `initial_backoff` to `max_backoff`, with jitter.
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(30);
  // While waiting, observe and plan again at least this often even when the
  // client reports no change (a safety net; kWaiting events repeat then).
  absl::Duration recheck = absl::Seconds(30);
  // How long the cluster may stay unreachable (Unavailable/DeadlineExceeded
  // from an observation or a step) before Reconcile gives up with that
  // error; the pass is retried after a backoff meanwhile.
  absl::Duration unavailable_grace = absl::Minutes(2);
  // Carried across calls (see ReconcileState); null: this call's own.
  ReconcileState* state = nullptr;
  // The planner to drive; empty means PlanRollout. An explicit extension
  // point (the simulator's tests check the invariants with broken planners).
  std::function<absl::StatusOr<Plan>(const CompiledCluster&, const ObservedState&,
                                     const PlanOptions&)>
      planner;
};

struct ReconcileResult {
  enum class Outcome {
    kConverged,  // The plan is empty.
    kBlocked,    // `blocked_reason` says why (CLI exit 3).
    kDeadline,   // ReconcileOptions::deadline passed (CLI exit 4).
    kCancelled,  // ReconcileOptions::cancelled (CLI exit 130).
    kPassDone,   // `once` or `dry_run`: the pass ran.
  };
  Outcome outcome = Outcome::kConverged;
  bool converged = false;       // outcome == kConverged, or the pass left
                                // nothing to do.
  std::string blocked_reason;   // Set for kBlocked.
  int32_t passes = 0;           // Planning rounds.
  int32_t steps = 0;            // Steps run (succeeded or failed).
  Plan last_plan;               // The last plan made: what remains.
  // kPassDone after `once`: when the next pass is due at the latest if the
  // cluster does not change first (now after steps ran or a conflict; a
  // failed gate's retry time; the earliest wait timeout or `recheck` while
  // waiting). InfiniteFuture after `dry_run`.
  absl::Time next_pass_at = absl::InfiniteFuture();
  std::vector<ExecuteEvent> events;  // Everything on_event was given.
  absl::Time started;           // Client time.
  absl::Time finished;

  bool operator==(const ReconcileResult&) const = default;
};

// "converged", "blocked", "deadline", "cancelled", "passDone".
const char* ReconcileOutcomeName(ReconcileResult::Outcome outcome);

// Compiles `topology` and drives its Cluster to the compiled state: observe
// -> (leader labelling: for each role with order followersFirst and a
// leaderProbe, the probe runs in each Ready member and the one member where
// it succeeds gets leaderLabel "true", the label is removed elsewhere; zero or
// several successes set no label and say so) -> plan -> ExecutePlan ->
// repeat, until converged, blocked, the deadline passes or `cancelled`.
// Returns the result; InvalidArgument when the topology does not compile;
// the client's error when the cluster cannot be reached or used (past
// `unavailable_grace`), naming the call and status.
[[nodiscard]] absl::StatusOr<ReconcileResult> Reconcile(const Topology& topology,
                                                        ClusterClient& client,
                                                        const ReconcileOptions& options);

// The same for an already compiled Cluster.
[[nodiscard]] absl::StatusOr<ReconcileResult> ReconcileCompiled(const CompiledCluster& desired,
                                                                ClusterClient& client,
                                                                const ReconcileOptions& options);

// The ObserveRequest that reads `desired`'s objects: its namespace and
// instance label, Nodes when a role restarts by zone (zoneParallel).
ObserveRequest ObserveRequestFor(const CompiledCluster& desired);

}  // namespace strata

#endif  // STRATA_EXECUTE_H_
