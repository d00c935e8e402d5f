// RunManager (manager.h).

#include "operator/manager.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "operator/controller.h"
#include "operator/custom_resources.h"
#include "operator/http_server.h"
#include "operator/kube_lease_store.h"
#include "operator/leader_election.h"
#include "operator/metrics.h"
#include "operator/work_queue.h"
#include "strata/kube_client.h"

namespace strata::operator_internal {
namespace {

// Sleeps up to `d`, returning early once `stop` says so.
void SleepUnless(absl::Duration d, const std::function<bool()>& stop) {
  const absl::Time until = absl::Now() + d;
  while (!stop() && absl::Now() < until) {
    absl::SleepFor(std::min(absl::Milliseconds(100), until - absl::Now()));
  }
}

// What one watch follows.
struct WatchTarget {
  std::string kind;
  std::string namespace_;
  std::string label_selector;
};

// Lists `target` (each object reported as ADDED) and watches it from the
// list's resourceVersion, until `stop`. A 410 Gone (the version is too old)
// lists again at once; other errors list again after a backoff.
void ListAndWatch(KubeClient& kube, const WatchTarget& target,
                  const std::function<void(const std::string&, const Json&)>& on_event,
                  const std::function<bool()>& stop, const std::function<void(Json)>& log) {
  absl::Duration backoff = absl::Seconds(1);
  auto failed = [&](const char* what, const absl::Status& s) {
    log({{"level", "error"},
         {"msg", absl::StrCat(what, " failed; trying again in ", absl::FormatDuration(backoff))},
         {"kind", target.kind},
         {"error", std::string(s.message())}});
    SleepUnless(backoff, stop);
    backoff = std::min(backoff * 2, absl::Seconds(30));
  };
  while (!stop()) {
    absl::StatusOr<Json> list = kube.List(target.kind, target.namespace_, target.label_selector);
    if (!list.ok()) {
      failed("list", list.status());
      continue;
    }
    for (const Json& item : list->value("items", Json::array())) on_event("ADDED", item);
    std::string version;
    if (list->contains("metadata") && (*list)["metadata"].is_object()) {
      version = (*list)["metadata"].value("resourceVersion", "");
    }
    while (!stop()) {
      KubeWatchRequest request{
          .kind = target.kind,
          .namespace_ = target.namespace_,
          .label_selector = target.label_selector,
          .resource_version = version,
          .deadline = absl::Now() + absl::Minutes(10),
          .cancelled = stop,
          .on_event =
              [&](const KubeWatchEvent& e) {
                if (e.type != "BOOKMARK") on_event(e.type, e.object);
                return true;
              },
      };
      absl::StatusOr<KubeWatchResult> watched = kube.Watch(request);
      if (watched.ok()) {
        version = watched->resource_version;
        backoff = absl::Seconds(1);
        continue;
      }
      if (stop()) return;
      if (watched.status().code() != absl::StatusCode::kOutOfRange) {
        failed("watch", watched.status());
      }
      break;  // Relist.
    }
  }
}

std::string DefaultIdentity() {
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') return pod;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return absl::StrCat(host[0] != '\0' ? host : "strata-operator", "-", getpid());
}

}  // namespace

absl::Status RunManager(const ManagerOptions& options, const std::function<bool()>& stop) {
  auto log = [&](Json line) {
    if (!options.log) return;
    Json out = {{"time", FormatMicroTime(absl::Now())}};
    for (auto& [k, v] : line.items()) out[k] = v;
    options.log(out);
  };
  const std::string identity = options.identity.empty() ? DefaultIdentity() : options.identity;

  absl::StatusOr<std::unique_ptr<KubeClient>> connected =
      KubeClient::Connect(options.kubeconfig, options.context);
  if (!connected.ok()) return connected.status();
  KubeClient& kube = **connected;

  Metrics metrics;
  std::atomic<bool> ready{false};
  HttpHandler handler = [&](absl::string_view path) {
    if (path == "/metrics") {
      return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", metrics.Text()};
    }
    if (path == "/healthz") return HttpResponse{200, "text/plain; charset=utf-8", "ok\n"};
    if (path == "/readyz") {
      return ready.load() ? HttpResponse{200, "text/plain; charset=utf-8", "ok\n"}
                          : HttpResponse{503, "text/plain; charset=utf-8",
                                         "not ready: the API server was not reached yet\n"};
    }
    return HttpResponse{404, "text/plain; charset=utf-8", "not found\n"};
  };
  std::vector<std::unique_ptr<HttpServer>> servers;
  Json serving = Json::object();
  auto serve = [&](const std::string& address, const char* what) -> absl::Status {
    if (address.empty() || address == "0") return absl::OkStatus();
    absl::StatusOr<std::unique_ptr<HttpServer>> s = HttpServer::Start(address, handler);
    if (!s.ok()) {
      return absl::Status(s.status().code(),
                          absl::StrCat("--", what, " ", address, ": ", s.status().message()));
    }
    serving[what] = (*s)->address();
    servers.push_back(std::move(*s));
    return absl::OkStatus();
  };
  if (absl::Status s = serve(options.metrics_addr, "metrics-addr"); !s.ok()) return s;
  if (options.health_addr != options.metrics_addr) {
    if (absl::Status s = serve(options.health_addr, "health-addr"); !s.ok()) return s;
  } else if (serving.contains("metrics-addr")) {
    serving["health-addr"] = serving["metrics-addr"];
  }
  log({{"level", "info"},
       {"msg", "serving /metrics, /healthz and /readyz"},
       {"identity", identity},
       {"server", kube.config().server},
       {"addresses", serving}});

  // Leadership.
  std::atomic<bool> lost{false};
  std::unique_ptr<KubeLeaseStore> store;
  std::unique_ptr<LeaderElector> elector;
  if (options.leader_elect) {
    store = std::make_unique<KubeLeaseStore>(kube, options.lease_namespace, options.lease_name);
    elector = std::make_unique<LeaderElector>(
        *store, LeaderElectionOptions{.identity = identity,
                                      .lease_duration = options.lease_duration,
                                      .renew_deadline = options.renew_deadline,
                                      .retry_period = options.retry_period});
    std::string last_holder, last_error;
    while (!stop()) {
      absl::StatusOr<bool> leading = elector->TryAcquireOrRenew();
      if (leading.ok()) {
        ready = true;
        if (*leading) break;
        if (std::string holder = elector->ObservedHolder(); holder != last_holder) {
          last_holder = holder;
          log({{"level", "info"},
               {"msg", "standing by: the Lease is held by another replica"},
               {"lease", absl::StrCat(options.lease_namespace, "/", options.lease_name)},
               {"holder", holder}});
        }
      } else if (std::string e(leading.status().message()); e != last_error) {
        last_error = e;
        log({{"level", "error"}, {"msg", "leader election round failed"}, {"error", e}});
      }
      SleepUnless(options.retry_period, stop);
    }
    if (stop()) {
      log({{"level", "info"}, {"msg", "stopped while standing by"}});
      return absl::OkStatus();
    }
    metrics.SetLeader(true);
    log({{"level", "info"},
         {"msg", "leading: this replica holds the Lease and acts"},
         {"lease", absl::StrCat(options.lease_namespace, "/", options.lease_name)}});
  } else {
    metrics.SetLeader(true);
  }

  std::atomic<bool> stopping{false};
  std::atomic<bool> abandon{false};
  std::atomic<bool> finished{false};
  auto may_act = [&] { return !lost.load() && (!elector || elector->IsLeader()); };
  std::thread renewer;
  if (elector) {
    renewer = std::thread([&] {
      while (!finished.load()) {
        SleepUnless(options.retry_period, [&] { return finished.load(); });
        if (finished.load()) return;
        absl::StatusOr<bool> r = elector->TryAcquireOrRenew();
        if (!elector->IsLeader()) {
          lost = true;
          metrics.SetLeader(false);
          log({{"level", "error"},
               {"msg", "lost the Lease: no more writes from this replica; stopping"},
               {"holder", elector->ObservedHolder()},
               {"error", r.ok() ? "" : std::string(r.status().message())}});
          return;
        }
      }
    });
  }

  KubeResourceClient resources(kube);
  Controller controller(resources, kube, metrics,
                        ControllerOptions{
                            .namespace_ = options.namespace_,
                            .identity = identity,
                            .may_act = may_act,
                            .stopping = [&] { return stopping.load() || lost.load(); },
                            .abandon_hooks = [&] { return abandon.load() || lost.load(); },
                            .recheck = options.recheck,
                            .log = options.log,
                        });
  WorkQueue queue;
  auto watch_stop = [&] { return finished.load() || stopping.load() || lost.load(); };
  auto enqueue = [&](const std::vector<std::string>& keys) {
    for (const std::string& k : keys) queue.Add(k);
    metrics.SetQueueDepth(queue.Len() + queue.Waiting());
  };
  std::vector<std::thread> watchers;
  watchers.emplace_back([&] {
    ListAndWatch(
        kube, {.kind = "Cluster", .namespace_ = options.namespace_},
        [&](const std::string& type, const Json& o) {
          enqueue(controller.KeysForClusterEvent(type, o));
        },
        watch_stop, log);
  });
  watchers.emplace_back([&] {
    ListAndWatch(
        kube, {.kind = "App"},
        [&](const std::string& type, const Json& o) {
          // The initial list: the Cluster list enqueues every Cluster already.
          (void)type;
          enqueue(controller.KeysForAppEvent(o));
        },
        watch_stop, log);
  });
  for (const char* kind : {"StatefulSet", "Pod", "PersistentVolumeClaim"}) {
    watchers.emplace_back([&, kind] {
      ListAndWatch(
          kube,
          {.kind = kind, .namespace_ = options.namespace_, .label_selector = kManagedBySelector},
          [&](const std::string&, const Json& o) {
            enqueue(Controller::KeysForOwnedObject(o));
          },
          watch_stop, log);
    });
  }
  ready = true;

  std::atomic<int> running{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, options.concurrency); ++i) {
    ++running;
    workers.emplace_back([&] {
      controller.ProcessQueue(queue);
      --running;
    });
  }

  while (!stop() && !lost.load()) absl::SleepFor(absl::Milliseconds(100));

  // Drain: no new reconcile; a running pass stops at its next safe point;
  // a running member hook may finish until the drain timeout.
  stopping = true;
  log({{"level", "info"},
       {"msg", lost.load() ? "stopping: the Lease was lost"
                           : "stopping: finishing or abandoning the running steps"}});
  queue.ShutDown();
  const absl::Time drain_deadline = absl::Now() + options.drain_timeout;
  while (running.load() > 0 && absl::Now() < drain_deadline) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  if (running.load() > 0) {
    abandon = true;
    log({{"level", "warning"},
         {"msg", "drain timeout: abandoning running member hooks (they run again on the next "
                 "leader)"}});
  }
  for (std::thread& t : workers) t.join();
  finished = true;
  for (std::thread& t : watchers) t.join();
  if (renewer.joinable()) renewer.join();
  if (elector && !lost.load()) {
    if (absl::Status s = elector->Release(); !s.ok()) {
      log({{"level", "error"}, {"msg", "releasing the Lease failed"},
           {"error", std::string(s.message())}});
    } else {
      log({{"level", "info"}, {"msg", "released the Lease"}});
    }
  }
  for (auto& s : servers) s->Stop();
  if (lost.load()) {
    return absl::AbortedError(absl::StrCat("lost the Lease ", options.lease_namespace, "/",
                                           options.lease_name, " to ",
                                           elector ? elector->ObservedHolder() : ""));
  }
  log({{"level", "info"}, {"msg", "stopped"}});
  return absl::OkStatus();
}

}  // namespace strata::operator_internal
