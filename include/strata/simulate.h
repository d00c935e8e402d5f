// strata/simulate.h: run plans against an in-memory cluster to convergence.
//
// Simulate() models StatefulSets, pods, PVCs and readiness the way
// Kubernetes behaves (OnDelete pods recreated at the current template, PVCs
// kept or deleted per retention policy, pods Ready after a delay, the leader
// label moving when a leader restarts), and loops plan -> execute -> observe
// until the plan is empty. Faults can be injected. After every step it checks
// the invariants (budget, quorum, order, PVC safety, convergence bound, a stuck
// member blocks, no step run before the steps it waits for) and records
// violations. Deterministic: no clock, no randomness except the seeded one in
// options.
//
// Example:
//   SimulateOptions options;
//   options.faults = *ParseFaults("never-ready=events-broker-2");
//   absl::StatusOr<Timeline> t = Simulate(compiled, ObservedState{}, options);
//   std::cout << TimelineToText(*t);

#ifndef STRATA_SIMULATE_H_
#define STRATA_SIMULATE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"
#include "strata/plan.h"

namespace strata {

struct Fault {
  enum class Kind {
    kNeverReady,  // `pods[0]` never becomes Ready once (re)created.
    kPodDies,     // `pods[0]` dies when step number `at_step` runs.
    kGateFails,   // The gate in `pods[0]` fails `times` times.
    kNodeLoss,    // `pods` all go down at step `at_step`.
    kEvict,       // `pods[0]` is evicted at step `at_step`.
    kApiError,    // An apply of `object` from step `at_step` on fails once with `code`.
  };
  Kind kind = Kind::kNeverReady;
  std::vector<std::string> pods;
  int32_t at_step = 0;
  int32_t times = 0;
  std::string object;  // kApiError: "KIND/NAME" of an object the plan applies.
  int32_t code = 0;    // kApiError: 500 (server error) or 409 (conflict).

  bool operator==(const Fault&) const = default;
};

// Parses a fault list such as
//   "never-ready=events-broker-2;pod-dies=events-broker-1@3;"
//   "gate-fails=events-broker-4x2;node-loss=events-broker-0+events-broker-1@5;"
//   "evict=events-broker-3@2;api-error=StatefulSet/events-broker@0;"
//   "api-conflict=StatefulSet/events-zookeeper@4"
// or returns InvalidArgument naming the bad entry. Entries are separated by
// ';' (or ','); whitespace and empty entries are ignored. Steps count every
// executed plan step from 1; a fault "@0" strikes before the first step.
// pod-dies: the pod's containers crash (same pod, not Ready for the ready
// delay); node-loss: the pods vanish and their StatefulSets recreate them
// at the current template; evict: the pod is deleted (as by the eviction
// API) and its StatefulSet recreates it; gate-fails: the gate run for that
// member (its STRATA_TARGET_POD) exits non-zero `times` times, each ending
// the round; api-error / api-conflict: the first apply of that object once
// STEP steps ran is answered 500 Internal Server Error (the executor fails
// the step) / 409 Conflict (it observes and plans again), once.
[[nodiscard]] absl::StatusOr<std::vector<Fault>> ParseFaults(absl::string_view spec);

struct SimulateOptions {
  absl::Time start = absl::FromUnixSeconds(1767225600);  // 2026-01-01.
  absl::Duration ready_delay = absl::Seconds(10);  // Pod start to Ready.
  std::vector<Fault> faults;
  int32_t max_plans = 10000;  // Convergence bound; exceeding it is a violation.
  // Added: from a PVC resize request to the new capacity.
  absl::Duration resize_delay = absl::Seconds(20);
  // Added: the planner to drive; empty means PlanRollout. An explicit
  // extension point so tests can check the invariant checks themselves.
  std::function<absl::StatusOr<Plan>(const CompiledCluster&, const ObservedState&,
                                     const PlanOptions&)>
      planner;
  // Added: what happens after a pass (the library's ExecutePlan, as every
  // front end runs it) stops at `wait` steps. false (default): the executor
  // blocks at each of them, letting simulated time pass until the condition
  // holds or the step's timeout, then plans again. true: it observes and
  // plans again at once (Reconcile waits for a change in the cluster first;
  // the planner must cope with being asked again before anything changed).
  bool replan_at_wait = false;
  // Added: approval tokens, as PlanOptions::approve (SPEC-2 §9).
  std::vector<std::string> approve;
};

struct TimelineEvent {
  absl::Time time;
  int32_t plan = 0;   // Which planning round.
  std::string what;   // "restart events-broker-4", "pod events-broker-4 Ready".

  bool operator==(const TimelineEvent&) const = default;
};

struct Timeline {
  std::vector<TimelineEvent> events;
  std::vector<std::string> violations;  // Invariants broken; empty = safe.
  bool converged = false;               // The last plan was empty.
  bool blocked = false;                 // Stopped at a stuck member.
  std::string blocked_reason;
  int32_t plans = 0;                    // Planning rounds run.
  ObservedState final_state;
  absl::Time start;                     // Added: SimulateOptions::start.
  int32_t steps = 0;                    // Added: plan steps executed.
  // Added: the verdict every front end gives (`strata simulate` exits 1
  // unless ok): no invariant was violated, and the cluster converged or
  // stopped at a member an injected never-ready fault keeps down.
  bool ok = false;

  bool operator==(const Timeline&) const = default;
};

// Returns the timeline of driving `initial` to `desired`; InvalidArgument for
// a fault naming no pod of the cluster; the plan's own errors otherwise.
[[nodiscard]] absl::StatusOr<Timeline> Simulate(const CompiledCluster& desired,
                                                const ObservedState& initial,
                                                const SimulateOptions& options);

// The events, one per line, then the outcome, the violations and (unless
// the run simply converged) the verdict line: "ok: blocked as the injected
// never-ready fault demands: ..." or "FAILED: ...".
std::string TimelineToText(const Timeline& timeline);
// {"ok", "converged", "blocked", "plans", "steps", "start", "violations",
// "events", "blockedReason" when blocked}.
Json TimelineToJson(const Timeline& timeline);

}  // namespace strata

#endif  // STRATA_SIMULATE_H_
