// A scripted ClusterClient for executor tests: objects in maps, every call
// recorded, exec results and errors queued by the test, time moved only by
// WaitForChange (to the deadline, or to the next scripted change).
//
// Example:
//   FakeClusterClient kube;
//   kube.Put(Json{{"kind", "Pod"}, {"metadata", {{"name", "p-0"}, {"uid", "u1"}}}});
//   kube.exec_results.push_back({.exit_code = 1, .stderr_text = "not safe"});
//   ExecutePlan(plan, kube, options);
//   EXPECT_THAT(kube.calls, ElementsAre("exec p-0 env ...", "delete Pod p-0 uid=u1"));

#ifndef STRATA_TESTS_EXECUTE_FAKE_CLUSTER_CLIENT_H_
#define STRATA_TESTS_EXECUTE_FAKE_CLUSTER_CLIENT_H_

#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "strata/execute.h"

namespace strata::testing {

class FakeClusterClient : public ClusterClient {
 public:
  explicit FakeClusterClient(absl::Time now = absl::FromUnixSeconds(1767225600)) : now_(now) {}

  // Adds or replaces an object (by kind and metadata.name).
  void Put(Json object) {
    std::string kind = object.value("kind", "");
    std::string name = object["metadata"].value("name", "");
    objects_[kind][name] = std::move(object);
    ++version_;
  }
  // Removes an object, as the garbage collector does once it finished.
  void Remove(const std::string& kind, const std::string& name) {
    objects_[kind].erase(name);
    ++version_;
  }
  const Json* Get(const std::string& kind, const std::string& name) const {
    auto k = objects_.find(kind);
    if (k == objects_.end()) return nullptr;
    auto o = k->second.find(name);
    return o == k->second.end() ? nullptr : &o->second;
  }

  absl::Time Now() override { return now_; }

  absl::StatusOr<ObservedState> Observe(const ObserveRequest& request) override {
    calls.push_back(absl::StrCat("observe ", request.namespace_, "/", request.cluster));
    if (!observe_errors.empty()) {
      absl::Status s = observe_errors.front();
      observe_errors.pop_front();
      if (!s.ok()) return s;
    }
    observed_version_ = version_;
    ObservedState state;
    auto add = [&](const char* kind, std::vector<Json>& out) {
      auto k = objects_.find(kind);
      if (k == objects_.end()) return;
      for (const auto& [name, o] : k->second) out.push_back(o);
    };
    add("StatefulSet", state.stateful_sets);
    add("Pod", state.pods);
    add("Service", state.services);
    add("ConfigMap", state.config_maps);
    add("PodDisruptionBudget", state.pod_disruption_budgets);
    add("PersistentVolumeClaim", state.persistent_volume_claims);
    if (request.nodes) add("Node", state.nodes);
    return state;
  }

  absl::StatusOr<Json> Apply(const Json& object, const ApplyOptions& options) override {
    std::string kind = object.value("kind", "");
    std::string name = object["metadata"].value("name", "");
    calls.push_back(absl::StrCat("apply ", kind, " ", name, options.dry_run ? " dry-run" : ""));
    if (absl::Status s = NextError(); !s.ok()) return s;
    if (!options.dry_run) Put(object);
    return object;
  }

  absl::Status Delete(const ObjectRef& ref, const DeleteOptions& options) override {
    calls.push_back(absl::StrCat("delete ", ref.kind, " ", ref.name,
                                 options.orphan ? " orphan" : "",
                                 options.uid.empty() ? "" : absl::StrCat(" uid=", options.uid)));
    if (absl::Status s = NextError(); !s.ok()) return s;
    const Json* have = Get(ref.kind, ref.name);
    if (have == nullptr) return absl::OkStatus();
    if (!options.uid.empty() && (*have)["metadata"].value("uid", "") != options.uid) {
      return absl::AbortedError(absl::StrCat("DELETE ", ref.name, ": 409 Conflict: uid"));
    }
    if (options.orphan && orphan_finalizer) {
      // As the API server does: the orphan finalizer keeps the object until
      // the garbage collector (here: the test, with Remove) is done.
      objects_[ref.kind][ref.name]["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
      ++version_;
      return absl::OkStatus();
    }
    objects_[ref.kind].erase(ref.name);
    ++version_;
    return absl::OkStatus();
  }

  absl::StatusOr<ExecResult> Exec(const ExecRequest& request) override {
    calls.push_back(absl::StrCat("exec ", request.pod, " ", absl::StrJoin(request.command, " ")));
    exec_timeouts.push_back(request.timeout);
    if (absl::Status s = NextError(); !s.ok()) return s;
    if (exec_results.empty()) return ExecResult{};
    ExecResult r = exec_results.front();
    exec_results.pop_front();
    return r;
  }

  absl::Status PatchMetadata(const ObjectRef& ref, const MetadataPatch& patch) override {
    std::vector<std::string> parts;
    for (const auto& [k, v] : patch.labels) parts.push_back(absl::StrCat("label ", k, "=", v.value_or("<remove>")));
    for (const auto& [k, v] : patch.annotations) parts.push_back(absl::StrCat("annotation ", k, "=", v.value_or("<remove>")));
    calls.push_back(absl::StrCat("patch ", ref.kind, " ", ref.name, " ", absl::StrJoin(parts, ", ")));
    if (absl::Status s = NextError(); !s.ok()) return s;
    auto k = objects_.find(ref.kind);
    if (k == objects_.end() || k->second.count(ref.name) == 0) {
      return absl::NotFoundError(absl::StrCat("PATCH ", ref.name, ": 404 Not Found"));
    }
    Json& md = k->second[ref.name]["metadata"];
    for (const auto& [key, v] : patch.labels) {
      if (v) md["labels"][key] = *v; else if (md.contains("labels")) md["labels"].erase(key);
    }
    for (const auto& [key, v] : patch.annotations) {
      if (v) md["annotations"][key] = *v; else if (md.contains("annotations")) md["annotations"].erase(key);
    }
    ++version_;
    return absl::OkStatus();
  }

  absl::Status ResizePvc(const ObjectRef& pvc, const std::string& size) override {
    calls.push_back(absl::StrCat("resize ", pvc.name, " ", size));
    if (absl::Status s = NextError(); !s.ok()) return s;
    ++version_;
    return absl::OkStatus();
  }

  absl::StatusOr<bool> WaitForChange(const ObserveRequest& scope, absl::Time deadline,
                                     const std::function<bool()>& cancelled) override {
    calls.push_back("wait");
    if (cancelled && cancelled()) return absl::CancelledError("cancelled");
    if (!on_wait.empty()) {
      // A scripted change happens before the deadline.
      auto change = std::move(on_wait.front());
      on_wait.pop_front();
      now_ += absl::Seconds(1);
      change(*this);
      return version_ != observed_version_;
    }
    if (version_ != observed_version_) return true;
    now_ = std::max(now_, deadline);
    return false;
  }

  absl::Status SleepUntil(absl::Time deadline, const std::function<bool()>& cancelled) override {
    calls.push_back("sleep");
    if (cancelled && cancelled()) return absl::CancelledError("cancelled");
    now_ = std::max(now_, deadline);
    return absl::OkStatus();
  }

  // Scripting.
  std::vector<std::string> calls;
  std::deque<ExecResult> exec_results;        // Exec answers in order (default exit 0).
  std::deque<absl::Status> errors;            // Failures of mutating calls, in order.
  std::deque<absl::Status> observe_errors;    // Failures of Observe, in order.
  std::deque<std::function<void(FakeClusterClient&)>> on_wait;  // Changes WaitForChange makes.
  std::vector<absl::Duration> exec_timeouts;
  bool orphan_finalizer = false;  // Orphan deletes leave the object until Remove.

  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Status NextError() {
    if (errors.empty()) return absl::OkStatus();
    absl::Status s = errors.front();
    errors.pop_front();
    return s;
  }

  absl::Time now_;
  int64_t version_ = 0;
  int64_t observed_version_ = -1;
  std::map<std::string, std::map<std::string, Json>> objects_;
};

}  // namespace strata::testing

#endif  // STRATA_TESTS_EXECUTE_FAKE_CLUSTER_CLIENT_H_
