// strata._strata._execute: the binding of strata/execute.h and
// strata/kube_client.h (SPEC-2 §6 "Python"): a KubeClient, observing a
// compiled Cluster and Reconcile() against it. The friendly API
// (strata.apply, strata.observe, strata.status) is the pure-Python layer in
// strata/_cluster.py.
//
// A submodule of strata._strata, in a file of its own so that editing it
// does not recompile the large strata_py.cc. (Not a second extension
// module: both would carry the core's generated protobuf code, which
// libprotobuf refuses to register twice in one process.) It raises
// strata._strata's exception types (strata.Error).
//
// Threads, the GIL and Ctrl-C. Every cluster call runs with the GIL
// released. Reconcile() runs on the calling thread; its event callback
// re-acquires the GIL only to hand the event (a dict) to Python. The C++
// client polls `cancelled` from its own watch threads, where Python cannot
// run signal handlers, so while reconcile() runs with `handle_sigint` it
// replaces the process's SIGINT handler (sigaction) by one that only counts
// interrupts in an atomic: the first stops the run at the next safe point,
// a second also abandons a running memberLeave/memberJoin (execute.h). The
// previous handler is restored before returning; the Python layer then
// raises KeyboardInterrupt.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <signal.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "casters.h"
#include "strata_py_execute.h"
#include "strata/cluster_status.h"
#include "strata/compile.h"
#include "strata/execute.h"
#include "strata/kube_client.h"
#include "strata/observed_state.h"
#include "strata/plan.h"

namespace py = pybind11;

namespace strata {
namespace {

// strata._strata.Error, raised with `code` and `message` as that module
// raises it (the `code` is its StatusCode enum), and `http_status`. Called
// with the GIL held.
[[noreturn]] void RaiseStatus(const absl::Status& status) {
  py::module_ core = py::module_::import("strata._strata");
  py::object type = core.attr("Error");
  std::string message(status.message());
  py::object exc = type(message);
  exc.attr("code") = status.code();
  exc.attr("message") = message;
  // The HTTP status of a failed API call (KubeClient's payload), else None.
  std::optional<int> http = HttpStatusOf(status);
  exc.attr("http_status") = http ? py::object(py::int_(*http)) : py::object(py::none());
  PyErr_SetObject(type.ptr(), exc.ptr());
  throw py::error_already_set();
}

template <typename T>
T ValueOrRaise(absl::StatusOr<T> result) {
  if (!result.ok()) RaiseStatus(result.status());
  return *std::move(result);
}

// SIGINT while reconcile() owns it: counted, nothing else (async-signal-safe).
std::atomic<int> g_interrupts{0};
// One reconcile() at a time owns SIGINT (the others leave it alone).
std::mutex g_sigint_owner;

extern "C" void CountInterrupt(int) { g_interrupts.fetch_add(1, std::memory_order_relaxed); }

// Installs CountInterrupt for SIGINT for its lifetime when `wanted` and no
// other reconcile() has it; restores the previous handler on destruction.
class SigintGuard {
 public:
  explicit SigintGuard(bool wanted) {
    if (!wanted || !g_sigint_owner.try_lock()) return;
    struct sigaction action = {};
    action.sa_handler = CountInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    g_interrupts = 0;
    if (sigaction(SIGINT, &action, &previous_) != 0) {
      g_sigint_owner.unlock();
      return;
    }
    owned_ = true;
  }
  ~SigintGuard() {
    if (!owned_) return;
    sigaction(SIGINT, &previous_, nullptr);
    g_sigint_owner.unlock();
  }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

  // Interrupts counted so far (0 when SIGINT is not ours).
  int interrupts() const { return owned_ ? g_interrupts.load() : 0; }
  bool owned() const { return owned_; }

 private:
  bool owned_ = false;
  struct sigaction previous_ = {};
};

Json ResultToJson(const ReconcileResult& r) {
  Json events = Json::array();
  for (const ExecuteEvent& e : r.events) events.push_back(ExecuteEventToJson(e));
  Json out = {{"outcome", ReconcileOutcomeName(r.outcome)},
              {"converged", r.converged},
              {"blockedReason", r.blocked_reason},
              {"passes", r.passes},
              {"steps", r.steps},
              {"events", std::move(events)}};
  return out;
}

}  // namespace

void BindExecute(py::module_& parent) {
  py::module_ m = parent.def_submodule(
      "_execute",
      "The executor and the Kubernetes client of strata (SPEC-2 §6). Use "
      "strata.apply/observe/status; this module is their implementation.");

  py::class_<KubeClient>(m, "KubeClient",
                         "A connection to a Kubernetes API server (strata/kube_client.h).")
      .def_property_readonly("server", [](const KubeClient& k) { return k.config().server; },
                             "The API server's URL.")
      .def_property_readonly("source", [](const KubeClient& k) { return k.config().source; },
                             "Where the settings came from: \"kubeconfig F, context C\".")
      .def_property_readonly("requests_sent", &KubeClient::requests_sent,
                             "HTTP requests sent so far (retries included).")
      .def(
          "observe",
          [](KubeClient& kube, const CompiledCluster& desired) {
            ObserveRequest request = ObserveRequestFor(desired);
            absl::StatusOr<ObservedState> observed;
            absl::Time now;
            {
              py::gil_scoped_release release;
              observed = kube.Observe(request);
              now = kube.Now();
            }
            return std::make_pair(ValueOrRaise(std::move(observed)), now);
          },
          py::arg("desired"),
          "Reads the objects of `desired`'s Cluster (what `strata observe` prints) and "
          "returns (ObservedState, the time it was read). Raises strata.Error naming the "
          "failing call. Releases the GIL.")
      .def(
          "status",
          [](KubeClient& kube, const CompiledCluster& desired) {
            absl::StatusOr<ObservedState> observed;
            ClusterStatus status;
            {
              py::gil_scoped_release release;
              observed = kube.Observe(ObserveRequestFor(desired));
              if (observed.ok()) {
                absl::Time now = kube.Now();
                absl::StatusOr<Plan> plan =
                    PlanRollout(desired, *observed, PlanOptions{.now = now});
                if (!plan.ok()) {
                  // As `strata status`: what cannot be done safely from this
                  // state (a smaller volume, ...) leaves the Cluster blocked.
                  plan = Plan{.cluster = desired.cluster, .namespace_ = desired.namespace_,
                              .blocked = true,
                              .blocked_reason = std::string(plan.status().message())};
                }
                status = ComputeClusterStatus(desired, *observed, *plan, now);
              }
            }
            if (!observed.ok()) RaiseStatus(observed.status());
            return std::make_pair(ClusterStatusToJson(status), ClusterStatusToText(status));
          },
          py::arg("desired"),
          "Observes `desired`'s Cluster, plans and returns its status (strata/cluster_status.h) "
          "as (ClusterStatusToJson's dict, ClusterStatusToText's text), what `strata status` "
          "prints. Raises strata.Error naming the failing call. Releases the GIL.");

  m.def(
      "connect",
      [](const std::string& kubeconfig, const std::string& context) {
        absl::StatusOr<std::unique_ptr<KubeClient>> kube;
        {
          py::gil_scoped_release release;  // An exec credential plugin may run.
          kube = KubeClient::Connect(kubeconfig, context);
        }
        return ValueOrRaise(std::move(kube));
      },
      py::arg("kubeconfig"), py::arg("context"),
      "A KubeClient for `kubeconfig` (\"\": $KUBECONFIG, else ~/.kube/config, else the "
      "in-cluster service account) and `context` (\"\": the current one). Raises "
      "strata.Error when the kubeconfig is missing or malformed. Releases the GIL.");

  m.def(
      "reconcile",
      [](const CompiledCluster& desired, KubeClient& kube, std::optional<absl::Duration> timeout,
         bool once, bool dry_run, const std::vector<std::string>& approve,
         std::optional<py::function> on_event, bool handle_sigint,
         std::optional<absl::Duration> unavailable_grace) {
        CompiledCluster cluster = desired;
        // The first exception the Python callback raised: the run is
        // cancelled and it is raised once Reconcile has stopped.
        std::optional<py::error_already_set> callback_error;
        std::atomic<bool> callback_failed{false};
        ReconcileOptions options;
        options.once = once;
        options.dry_run = dry_run;
        options.approve = approve;
        if (unavailable_grace) options.unavailable_grace = *unavailable_grace;
        if (on_event) {
          options.on_event = [&](const ExecuteEvent& e) {
            py::gil_scoped_acquire acquire;
            if (callback_error) return;
            try {
              (*on_event)(ExecuteEventToJson(e));
            } catch (py::error_already_set& error) {
              callback_error.emplace(std::move(error));
              callback_failed = true;
            }
          };
        }
        absl::StatusOr<ReconcileResult> result;
        int interrupts = 0;
        bool sigint_owned = false;
        {
          SigintGuard sigint(handle_sigint);
          sigint_owned = sigint.owned();
          options.cancelled = [&] { return callback_failed.load() || sigint.interrupts() > 0; };
          options.abandon_hooks = [&] { return callback_failed.load() || sigint.interrupts() > 1; };
          py::gil_scoped_release release;
          if (timeout) options.deadline = kube.Now() + *timeout;
          result = ReconcileCompiled(cluster, kube, options);
          interrupts = sigint.interrupts();
        }
        if (callback_error) throw std::move(*callback_error);
        if (!result.ok()) RaiseStatus(result.status());
        Json summary = ResultToJson(*result);
        summary["interrupts"] = interrupts;
        summary["sigintHandled"] = sigint_owned;
        return std::make_tuple(std::move(summary), std::move(result->last_plan), result->started,
                               result->finished);
      },
      py::arg("desired"), py::arg("client"), py::arg("timeout"), py::arg("once"),
      py::arg("dry_run"), py::arg("approve"), py::arg("on_event"), py::arg("handle_sigint"),
      py::arg("unavailable_grace"),
      "Runs Reconcile() (strata/execute.h) for `desired` through `client` until it "
      "converges, is blocked, `timeout` (a timedelta, None: no limit) passes or it is "
      "cancelled, `once`: one pass; `dry_run`: server dry-run of every apply. Each event "
      "goes to `on_event` as ExecuteEventToJson's dict; an exception there cancels the "
      "run and is raised when it has stopped. With `handle_sigint` (main thread only) "
      "SIGINT stops the run at a safe point (a second one also abandons a running "
      "memberLeave/memberJoin). Returns (summary dict: outcome, converged, blockedReason, "
      "passes, steps, events, interrupts, sigintHandled; the last Plan; started; "
      "finished). Raises strata.Error when the cluster cannot be reached or used, naming "
      "the call. Releases the GIL except inside `on_event`.");
}

}  // namespace strata
