// Controller (controller.h).

#include "operator/controller.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "execute/internal.h"
#include "operator/cleanup.h"
#include "operator/owning_client.h"
#include "strata/cluster_status.h"
#include "strata/pipeline.h"
#include "strata/plan.h"

namespace strata::operator_internal {
namespace {

// Status conditions for a phase (SPEC-2 §7: Ready, Progressing, Blocked,
// Invalid), each True or False with the phase as reason.
std::vector<Condition> ConditionsFor(const std::string& phase, const std::string& message) {
  auto c = [&](const char* type, bool on, const std::string& reason) {
    return Condition{.type = type,
                     .status = on ? "True" : "False",
                     .reason = reason,
                     .message = on ? message : ""};
  };
  return {c("Ready", phase == "Ready", phase),
          c("Progressing", phase == "Progressing" || phase == "Pending", phase),
          c("Blocked", phase == "Blocked", phase),
          c("Invalid", phase == "Invalid", phase)};
}

// The status of a Cluster in `phase` for `message` alone (no roles or plan):
// Paused, Pending, Invalid.
StatusReport PhaseReport(const Json& cluster, const std::string& phase,
                         const std::string& message) {
  return StatusReport{.generation = GenerationOf(cluster),
                      .phase = phase,
                      .message = message,
                      .conditions = ConditionsFor(phase, message)};
}

std::string SpecApp(const Json& cluster) {
  auto spec = cluster.find("spec");
  if (spec == cluster.end() || !spec->is_object()) return "";
  auto app = spec->find("app");
  return app != spec->end() && app->is_string() ? app->get<std::string>() : "";
}

// What of a Cluster the controller acts on: a change here means reconcile.
std::string TriggerSignature(const Json& cluster) {
  const Json& meta = cluster.contains("metadata") ? cluster["metadata"] : Json::object();
  return Json{{"generation", GenerationOf(cluster)},
              {"annotations", meta.value("annotations", Json::object())},
              {"finalizers", meta.value("finalizers", Json::array())},
              {"deleting", IsDeleting(cluster)}}
      .dump();
}

ReconcileDecision Decide(ReconcileDecision::Requeue requeue, absl::Duration after,
                         std::string result, std::string phase, std::string message) {
  return ReconcileDecision{.requeue = requeue,
                           .after = after,
                           .result = std::move(result),
                           .phase = std::move(phase),
                           .message = std::move(message)};
}

// `text` cut to at most `max` bytes, never inside a UTF-8 sequence.
std::string Truncated(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

// ---------------------------------------------------------------------------
// KubeResourceClient

absl::StatusOr<std::optional<Json>> KubeResourceClient::Get(absl::string_view kind,
                                                            absl::string_view namespace_,
                                                            absl::string_view name) {
  absl::StatusOr<Json> object = kube_.Get(kind, namespace_, name);
  if (object.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!object.ok()) return object.status();
  return std::optional<Json>(std::move(*object));
}

absl::StatusOr<std::vector<Json>> KubeResourceClient::List(absl::string_view kind,
                                                           absl::string_view namespace_) {
  absl::StatusOr<Json> list = kube_.List(kind, namespace_, "");
  if (!list.ok()) return list.status();
  std::vector<Json> items;
  for (const Json& item : list->value("items", Json::array())) items.push_back(item);
  return items;
}

absl::StatusOr<Json> KubeResourceClient::MergePatch(absl::string_view kind,
                                                    absl::string_view namespace_,
                                                    absl::string_view name, const Json& patch,
                                                    absl::string_view subresource) {
  return kube_.MergePatch(kind, namespace_, name, patch, subresource);
}

absl::Status KubeResourceClient::CreateEvent(const Json& event) {
  absl::StatusOr<KubeResource> resource = KubeResourceFor("Event");
  if (!resource.ok()) return resource.status();
  const std::string ns = event["metadata"].value("namespace", "");
  absl::StatusOr<std::string> body =
      kube_.Call("POST", KubeObjectPath(*resource, ns, ""),
                 event.dump(-1, ' ', false, Json::error_handler_t::replace));
  return body.status();
}

// ---------------------------------------------------------------------------
// Controller

Controller::Controller(ResourceClient& resources, ClusterClient& cluster, Metrics& metrics,
                       ControllerOptions options)
    : resources_(resources), cluster_(cluster), metrics_(metrics), options_(std::move(options)) {}

void Controller::Log(Json line) {
  if (!options_.log) return;
  Json out = {{"time", FormatMicroTime(absl::Now())}};
  for (auto& [k, v] : line.items()) out[k] = v;
  options_.log(out);
}

Controller::Memory Controller::GetMemory(const std::string& key) {
  absl::MutexLock lock(&mu_);
  return memory_[key];
}

void Controller::SetMemory(const std::string& key, const Memory& memory) {
  absl::MutexLock lock(&mu_);
  memory_[key] = memory;
}

void Controller::ProcessQueue(WorkQueue& queue) {
  while (std::optional<std::string> key = queue.Get()) {
    ReconcileDecision d = ReconcileKey(*key);
    switch (d.requeue) {
      case ReconcileDecision::Requeue::kNone:
        queue.Forget(*key);
        break;
      case ReconcileDecision::Requeue::kAfter:
        queue.Forget(*key);
        queue.AddAfter(*key, d.after);
        break;
      case ReconcileDecision::Requeue::kBackoff:
        queue.AddRateLimited(*key);
        break;
    }
    queue.Done(*key);
    metrics_.SetQueueDepth(queue.Len() + queue.Waiting());
  }
}

ReconcileDecision Controller::ReconcileKey(const std::string& key) {
  const absl::Time started = absl::Now();
  auto [ns, name] = SplitKey(key);
  ReconcileDecision d = Reconcile(ns, name);
  metrics_.ReconcileDone(d.result, absl::Now() - started);
  Log({{"level", d.result == "error" ? "error" : "info"},
       {"msg", "reconciled"},
       {"cluster", key},
       {"result", d.result},
       {"phase", d.phase},
       {"message", d.message}});
  return d;
}

ReconcileDecision Controller::Reconcile(const std::string& ns, const std::string& name) {
  using R = ReconcileDecision::Requeue;
  const std::string key = MakeKey(ns, name);
  absl::StatusOr<std::optional<Json>> got = resources_.Get("Cluster", ns, name);
  if (!got.ok()) {
    return Decide(R::kBackoff, {}, "error", "", std::string(got.status().message()));
  }
  if (!got->has_value()) {
    metrics_.SetClusterPhase(key, "");
    absl::MutexLock lock(&mu_);
    memory_.erase(key);
    return Decide(R::kNone, {}, "deleted", "", "the Cluster is gone");
  }
  Json cluster = std::move(**got);
  if (IsDeleting(cluster)) return Finalize(cluster);
  if (!MayAct()) {
    return Decide(R::kBackoff, {}, "error", "", "this replica may not act now");
  }

  if (!HasFinalizer(cluster)) {
    absl::StatusOr<Json> patched =
        resources_.MergePatch("Cluster", ns, name,
                              Json{{"metadata", {{"finalizers", FinalizersWith(cluster, true)},
                                                 {"resourceVersion", ResourceVersionOf(cluster)}}}},
                              "");
    if (!patched.ok()) {
      return Decide(R::kBackoff, {}, "error", "",
                    absl::StrCat("adding the finalizer: ", patched.status().message()));
    }
    cluster = std::move(*patched);
  }

  if (IsPaused(cluster)) {
    const std::string message = absl::StrCat(kPausedAnnotation,
                                             " is \"true\": no action is taken on this Cluster");
    StatusReport report = PhaseReport(cluster, "Paused", message);
    WriteStatus(cluster, report);
    metrics_.SetClusterPhase(key, "Paused");
    return Decide(R::kAfter, options_.resync, "paused", "Paused", message);
  }

  // The App, then the pipeline every front end uses.
  const std::string app_name = SpecApp(cluster);
  std::optional<Json> app;
  if (!app_name.empty()) {
    absl::StatusOr<std::optional<Json>> a = resources_.Get("App", "", app_name);
    if (!a.ok()) return Decide(R::kBackoff, {}, "error", "", std::string(a.status().message()));
    app = std::move(*a);
    if (!app.has_value()) {
      const std::string message =
          absl::StrCat("spec.app: App \"", app_name, "\" does not exist (yet)");
      StatusReport report = PhaseReport(cluster, "Pending", message);
      WriteStatus(cluster, report);
      metrics_.SetClusterPhase(key, "Pending");
      return Decide(R::kAfter, options_.recheck, "pending", "Pending", message);
    }
  }
  const Json app_json = app.value_or(Json{{"metadata", {{"name", app_name}}}});
  const std::string signature =
      absl::StrCat(GenerationOf(cluster), "/", ResourceVersionOf(app_json), "/",
                   GenerationOf(app_json));
  absl::StatusOr<Prepared> prepared = LoadAndPrepare(
      TopologySources(app_json, cluster), PrepareOptions{.need_cluster = true, .need_one = true});
  if (!prepared.ok()) return Invalid(cluster, signature, std::string(prepared.status().message()));
  absl::StatusOr<std::vector<CompiledCluster>> compiled = CompileAll(*prepared, CompileOptions{});
  if (!compiled.ok()) return Invalid(cluster, signature, std::string(compiled.status().message()));
  if (compiled->size() != 1) {
    return Invalid(cluster, signature, "the Cluster did not compile to exactly one cluster");
  }
  const CompiledCluster& desired = compiled->front();

  // One pass, with what earlier passes of this Cluster saw (wait timeouts,
  // gate and hook retry budgets, the blocked grace): the executor decides
  // when the Cluster is blocked and when the next pass is due.
  Memory memory = GetMemory(key);
  memory.invalid_signature.clear();
  OwningClient client(cluster_, OwnerReference(cluster), options_.may_act);
  ReconcileOptions ro;
  ro.once = true;
  ro.state = &memory.reconcile;
  ro.approve = ApprovalTokens(cluster);
  ro.on_event = [&](const ExecuteEvent& e) { OnExecuteEvent(cluster, e); };
  ro.cancelled = [this] { return (options_.stopping && options_.stopping()) || !MayAct(); };
  ro.abandon_hooks = [this] {
    return (options_.abandon_hooks && options_.abandon_hooks()) || !MayAct();
  };
  absl::StatusOr<ReconcileResult> result = ReconcileCompiled(desired, client, ro);
  SetMemory(key, memory);
  if (!result.ok()) {
    return Decide(R::kBackoff, {}, "error", "", std::string(result.status().message()));
  }
  // What the pass stopped at: the first wait, or a step that failed and is
  // retried (a gate that does not pass yet).
  std::string waiting, failed_step;
  for (const ExecuteEvent& e : result->events) {
    if (e.kind == ExecuteEvent::Kind::kWaiting && waiting.empty()) waiting = e.message;
    if (e.kind == ExecuteEvent::Kind::kStepFailed) failed_step = e.message;
  }

  // What the cluster looks like now, for the status.
  absl::StatusOr<ObservedState> observed = cluster_.Observe(ObserveRequestFor(desired));
  if (!observed.ok()) {
    return Decide(R::kBackoff, {}, "error", "", std::string(observed.status().message()));
  }
  const absl::Time now = cluster_.Now();
  absl::StatusOr<Plan> plan = PlanRollout(desired, *observed, PlanOptions{.now = now});
  StatusReport report{.generation = GenerationOf(cluster)};
  std::string phase, message;
  if (result->outcome == ReconcileResult::Outcome::kBlocked) {
    phase = "Blocked";
    message = result->blocked_reason;
  } else if (!plan.ok()) {
    // The planner refuses the change from this state: a person must act.
    phase = "Blocked";
    message = std::string(plan.status().message());
  }
  if (plan.ok()) {
    ClusterStatus cs = ComputeClusterStatus(desired, *observed, *plan, now);
    std::vector<StatusReport::Role> roles;
    for (const RoleStatus& r : cs.roles) {
      roles.push_back({.name = r.name, .members = r.desired, .ready = r.ready,
                       .updated = r.updated});
    }
    report.roles = std::move(roles);
    report.steps = cs.steps;
    std::vector<StatusReport::NextStep> next;
    for (const Step& s : cs.next) {
      if (next.size() == 10) break;
      next.push_back({.action = ActionName(s.action),
                      .target = absl::StrCat(s.target.kind, "/", s.target.name),
                      .reason = s.reason});
    }
    report.next = std::move(next);
    if (phase.empty() && cs.converged) {
      phase = "Ready";
      message = absl::StrCat("converged: ", cs.roles.size(), " roles at the current spec");
    } else if (phase.empty()) {
      phase = "Progressing";
      message = absl::StrCat(cs.steps, cs.steps == 1 ? " step" : " steps", " to go");
      if (!failed_step.empty()) {
        message = absl::StrCat(message, "; retrying after a failed step: ", failed_step);
      } else if (!waiting.empty()) {
        message = absl::StrCat(message, "; ", waiting);
      } else if (cs.blocked) {
        message = absl::StrCat(message, "; ", cs.blocked_reason);
      } else if (!cs.next.empty()) {
        message = absl::StrCat(message, "; next: ", ActionName(cs.next.front().action), " ",
                               cs.next.front().target.kind, "/", cs.next.front().target.name,
                               " (", cs.next.front().reason, ")");
      }
    }
  }
  if (phase == "Blocked" && memory.last_phase != "Blocked") {
    Event(cluster, {.type = "Warning", .reason = "Blocked", .action = "reconcile",
                    .message = message});
  }
  memory.last_phase = phase;
  SetMemory(MakeKey(ns, name), memory);
  report.phase = phase;
  report.message = message;
  report.conditions = ConditionsFor(phase, message);
  WriteStatus(cluster, report);
  metrics_.SetClusterPhase(key, phase);

  if (phase == "Ready") return Decide(R::kAfter, options_.resync, "converged", phase, message);
  if (phase == "Blocked") return Decide(R::kAfter, options_.recheck, "blocked", phase, message);
  // Progressing: when the executor says the next pass is due (at once after
  // steps ran; a gate's retry time; a wait's timeout or the recheck), or
  // sooner when a watch event on the Cluster's objects comes.
  const absl::Duration after = std::clamp(result->next_pass_at - now, absl::ZeroDuration(),
                                          options_.recheck);
  return Decide(R::kAfter, after, result->steps > 0 ? "progressed" : "waiting", phase, message);
}

ReconcileDecision Controller::Invalid(Json& cluster, const std::string& signature,
                                      const std::string& message) {
  const std::string key = KeyOf(cluster);
  Memory memory = GetMemory(key);
  metrics_.SetClusterPhase(key, "Invalid");
  if (memory.invalid_signature == signature) {
    // Retried only when the spec changes.
    return Decide(ReconcileDecision::Requeue::kNone, {}, "invalid", "Invalid", message);
  }
  StatusReport report = PhaseReport(cluster, "Invalid", message);
  const Json& previous = cluster.contains("status") ? cluster["status"] : Json::object();
  // Already said (before a restart of the operator): no second Event.
  const bool said = previous.is_object() && previous.value("phase", "") == "Invalid" &&
                    previous.value("observedGeneration", int64_t{-1}) == GenerationOf(cluster) &&
                    previous.value("message", "") == message;
  if (WriteStatus(cluster, report)) {
    if (!said) {
      Event(cluster, {.type = "Warning", .reason = "Invalid", .action = "validate",
                      .message = message});
    }
    memory.invalid_signature = signature;
    memory.last_phase = "Invalid";
    SetMemory(key, memory);
    return Decide(ReconcileDecision::Requeue::kNone, {}, "invalid", "Invalid", message);
  }
  return Decide(ReconcileDecision::Requeue::kBackoff, {}, "invalid", "Invalid", message);
}

ReconcileDecision Controller::Finalize(Json cluster) {
  using R = ReconcileDecision::Requeue;
  const std::string key = KeyOf(cluster);
  if (!HasFinalizer(cluster)) return Decide(R::kNone, {}, "deleted", "Deleting", "");
  if (!MayAct()) return Decide(R::kBackoff, {}, "error", "", "this replica may not act now");
  StatusReport deleting{.generation = GenerationOf(cluster),
                        .phase = "Deleting",
                        .message = "cleaning up the Cluster's objects (onClusterDelete)",
                        .conditions = ConditionsFor("Deleting", "")};
  WriteStatus(cluster, deleting);
  metrics_.SetClusterPhase(key, "Deleting");

  // The spec's volume policies, when it still compiles (else every claim is kept).
  std::optional<CompiledCluster> desired;
  if (std::string app_name = SpecApp(cluster); !app_name.empty()) {
    absl::StatusOr<std::optional<Json>> app = resources_.Get("App", "", app_name);
    if (app.ok() && app->has_value()) {
      absl::StatusOr<Prepared> prepared =
          LoadAndPrepare(TopologySources(**app, cluster),
                         PrepareOptions{.need_cluster = true, .need_one = true});
      if (prepared.ok()) {
        absl::StatusOr<std::vector<CompiledCluster>> compiled =
            CompileAll(*prepared, CompileOptions{});
        if (compiled.ok() && compiled->size() == 1) desired = compiled->front();
      }
    }
  }
  OwningClient client(cluster_, OwnerReference(cluster), options_.may_act);
  absl::StatusOr<CleanupResult> cleaned =
      CleanupCluster(client, ObserveRequest{.namespace_ = NamespaceOf(cluster),
                                            .cluster = NameOf(cluster)},
                     desired.has_value() ? &*desired : nullptr);
  if (!cleaned.ok()) {
    return Decide(R::kBackoff, {}, "error", "Deleting",
                  absl::StrCat("cleanup: ", cleaned.status().message()));
  }
  Event(cluster, {.type = "Normal", .reason = "CleanedUp", .action = "cleanup",
                  .message = cleaned->message});
  if (!MayAct()) return Decide(R::kBackoff, {}, "error", "", "this replica may not act now");
  absl::StatusOr<Json> patched = resources_.MergePatch(
      "Cluster", NamespaceOf(cluster), NameOf(cluster),
      Json{{"metadata", {{"finalizers", FinalizersWith(cluster, false)},
                         {"resourceVersion", ResourceVersionOf(cluster)}}}},
      "");
  if (!patched.ok() && patched.status().code() != absl::StatusCode::kNotFound) {
    return Decide(R::kBackoff, {}, "error", "Deleting",
                  absl::StrCat("removing the finalizer: ", patched.status().message()));
  }
  metrics_.SetClusterPhase(key, "");
  {
    absl::MutexLock lock(&mu_);
    memory_.erase(key);
  }
  return Decide(R::kNone, {}, "deleted", "Deleting", cleaned->message);
}

bool Controller::WriteStatus(Json& cluster, const StatusReport& report) {
  const Json previous = cluster.contains("status") ? cluster["status"] : Json();
  Json status = BuildStatus(previous, report, cluster_.Now());
  if (!StatusDiffers(previous, status)) return true;
  if (!MayAct()) return false;
  // Keys the new status leaves out are removed (a merge patch keeps them).
  Json patch_status = status;
  if (previous.is_object()) {
    for (auto& [k, v] : previous.items()) {
      if (!patch_status.contains(k)) patch_status[k] = nullptr;
    }
  }
  absl::StatusOr<Json> patched = resources_.MergePatch(
      "Cluster", NamespaceOf(cluster), NameOf(cluster), Json{{"status", patch_status}}, "status");
  if (!patched.ok()) {
    Log({{"level", "error"},
         {"msg", "status not written"},
         {"cluster", KeyOf(cluster)},
         {"error", std::string(patched.status().message())}});
    return false;
  }
  // The status write moved the resourceVersion: later patches start from it.
  if (patched->is_object()) cluster = std::move(*patched);
  return true;
}

void Controller::Event(const Json& cluster, const EventRecord& record) {
  if (!MayAct()) return;
  const absl::Time now = cluster_.Now();
  Json event = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"generateName", absl::StrCat(NameOf(cluster), ".")},
                    {"namespace", NamespaceOf(cluster)}}},
      {"involvedObject", {{"apiVersion", kApiVersion},
                          {"kind", "Cluster"},
                          {"name", NameOf(cluster)},
                          {"namespace", NamespaceOf(cluster)},
                          {"uid", UidOf(cluster)},
                          {"resourceVersion", ResourceVersionOf(cluster)}}},
      {"type", record.type},
      {"reason", record.reason},
      {"action", record.action},
      // The API server caps an Event's message at 1 KiB.
      {"message", Truncated(record.message, 1024)},
      {"firstTimestamp", operator_internal::FormatTime(now)},
      {"lastTimestamp", operator_internal::FormatTime(now)},
      {"count", 1},
      {"source", {{"component", "strata-operator"}}},
      {"reportingComponent", "strata.dev/operator"},
      {"reportingInstance", options_.identity},
  };
  absl::Status s = resources_.CreateEvent(event);
  if (!s.ok()) {
    Log({{"level", "error"},
         {"msg", "event not recorded"},
         {"cluster", KeyOf(cluster)},
         {"reason", record.reason},
         {"error", std::string(s.message())}});
  }
}

void Controller::OnExecuteEvent(const Json& cluster, const ExecuteEvent& e) {
  Json line = ExecuteEventToJson(e);
  line["level"] = e.kind == ExecuteEvent::Kind::kStepFailed ||
                          e.kind == ExecuteEvent::Kind::kBlocked
                      ? "warning"
                      : "info";
  line["cluster"] = KeyOf(cluster);
  line["msg"] = e.message;
  Log(std::move(line));
  switch (e.kind) {
    case ExecuteEvent::Kind::kStepSucceeded:
      if (e.step) metrics_.Step(ActionName(e.step->action), "succeeded");
      Event(cluster, {.type = "Normal",
                      .reason = "StepSucceeded",
                      .action = e.step ? ActionName(e.step->action) : "",
                      .message = e.message});
      break;
    case ExecuteEvent::Kind::kStepFailed:
      if (e.step) metrics_.Step(ActionName(e.step->action), "failed");
      Event(cluster, {.type = "Warning",
                      .reason = "StepFailed",
                      .action = e.step ? ActionName(e.step->action) : "",
                      .message = e.message});
      break;
    default:
      break;
  }
}

std::vector<std::string> Controller::KeysForClusterEvent(const std::string& type,
                                                         const Json& cluster) {
  const std::string key = KeyOf(cluster);
  if (!options_.namespace_.empty() && NamespaceOf(cluster) != options_.namespace_) return {};
  absl::MutexLock lock(&mu_);
  if (type == "DELETED") {
    seen_.erase(key);
    return {key};
  }
  std::string signature = TriggerSignature(cluster);
  auto it = seen_.find(key);
  if (it != seen_.end() && it->second == signature) return {};
  seen_[key] = std::move(signature);
  return {key};
}

std::vector<std::string> Controller::KeysForAppEvent(const Json& app) {
  absl::StatusOr<std::vector<Json>> clusters = resources_.List("Cluster", options_.namespace_);
  if (!clusters.ok()) {
    Log({{"level", "error"},
         {"msg", "listing Clusters for an App change"},
         {"app", NameOf(app)},
         {"error", std::string(clusters.status().message())}});
    return {};
  }
  std::vector<std::string> keys;
  for (const Json& c : *clusters) {
    if (SpecApp(c) == NameOf(app)) keys.push_back(KeyOf(c));
  }
  return keys;
}

std::vector<std::string> Controller::KeysForOwnedObject(const Json& object) {
  const std::string instance = LabelOf(object, kInstanceLabel);
  if (instance.empty() || NamespaceOf(object).empty()) return {};
  return {MakeKey(NamespaceOf(object), instance)};
}

}  // namespace strata::operator_internal
