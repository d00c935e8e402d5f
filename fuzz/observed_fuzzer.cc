// Fuzzes the observed-state parser (ParseObservedState, what `plan
// --observed`, `simulate --observed`, Python and gRPC read) and everything
// that reads the parsed objects: the planner and the simulator, against a
// fixed small topology (fuzz/sample_topology.h).
//
// Invariants beyond "no crash, no sanitizer finding":
// - a failure is an input error (its message UTF-8 for UTF-8 input);
// - the state survives ObservedStateToList -> JSON -> ParseObservedState;
// - planning twice from one state gives equal plans (determinism), and the
//   plan dumps as JSON (strict UTF-8) and text;
// - the simulator either runs or names an input error; its timeline dumps as
//   JSON.

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/sample_topology.h"
#include "strata/observed_state.h"
#include "strata/plan.h"
#include "strata/simulate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  using namespace strata::fuzz;
  const CompiledCluster& desired = SampleCompiled();
  const std::string text = AsString(data, size);
  const bool utf8 = IsUtf8(text);
  absl::StatusOr<ObservedState> state = ParseObservedState(text, "observed.yaml");
  if (!state.ok()) {
    CheckInputError(state.status(), utf8);
    return 0;
  }
  if (kLoadersAcceptNonUtf8 && !utf8) return 0;
  std::string list = StrictDump(ObservedStateToList(*state));
  absl::StatusOr<ObservedState> again = ParseObservedState(list, "observed.json");
  FUZZ_CHECK(again.ok(), again.status().ToString());
  FUZZ_CHECK(*again == *state, "the state changed through ObservedStateToList");

  PlanOptions options{.now = absl::FromUnixSeconds(1767225600)};
  absl::StatusOr<Plan> plan = PlanRollout(desired, *state, options);
  if (!plan.ok()) {
    CheckInputError(plan.status(), utf8);
  } else {
    absl::StatusOr<Plan> replan = PlanRollout(desired, *state, options);
    FUZZ_CHECK(replan.ok() && *replan == *plan, "PlanRollout() is not deterministic");
    StrictDump(PlanToJson(*plan));
    FUZZ_CHECK(IsUtf8(PlanToText(*plan)), "plan text is not UTF-8");
  }

  // A few rounds are enough to drive the simulator over the parsed objects;
  // long runs are the property test's job (tests/sim/property_test.cc).
  SimulateOptions sim;
  sim.max_plans = 8;
  absl::StatusOr<Timeline> timeline = Simulate(desired, *state, sim);
  if (!timeline.ok()) {
    CheckInputError(timeline.status(), utf8);
  } else {
    StrictDump(TimelineToJson(*timeline));
  }
  return 0;
}
