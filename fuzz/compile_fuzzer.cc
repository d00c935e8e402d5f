// Fuzzes the whole front-end pipeline on one text: Load -> Check -> Resolve
// -> Compile -> emit, then a plan from nothing (what `strata compile` and
// `strata plan` without --observed do).
//
// Invariants beyond "no crash, no sanitizer finding":
// - a failure is an input error (InvalidArgument/ResourceExhausted/
//   FailedPrecondition), never kInternal or an abort; Load's and Check's
//   messages are UTF-8 (diagnostics always are), the rest for UTF-8 input;
// - Compile() is deterministic: two compiles of one topology are equal and
//   emit byte-identical YAML;
// - every emitted object and the plan dump as JSON (strict UTF-8), as
//   `compile -o json` and `plan -o json` print them.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "fuzz/fuzz_util.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/emit.h"
#include "strata/plan.h"
#include "strata/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  using namespace strata::fuzz;
  const std::string text = AsString(data, size);
  const bool utf8 = IsUtf8(text);
  absl::StatusOr<Documents> docs = Load({{.name = "fuzz.yaml", .text = text}});
  if (!docs.ok()) {
    CheckInputError(docs.status());
    return 0;
  }
  if (kLoadersAcceptNonUtf8 && !utf8) return 0;
  absl::StatusOr<std::vector<Topology>> topologies = Resolve(*docs);
  if (!topologies.ok()) {
    CheckInputError(topologies.status());
    return 0;
  }
  for (const Topology& topology : *topologies) {
    absl::StatusOr<CompiledCluster> first = Compile(topology, CompileOptions{});
    if (!first.ok()) {
      CheckInputError(first.status(), utf8);
      continue;
    }
    absl::StatusOr<CompiledCluster> second = Compile(topology, CompileOptions{});
    FUZZ_CHECK(second.ok(), second.status().ToString());
    FUZZ_CHECK(*first == *second, "Compile() is not deterministic");
    std::string yaml = ToYaml(first->objects);
    FUZZ_CHECK(yaml == ToYaml(second->objects), "emitted YAML differs between compiles");
    FUZZ_CHECK(IsUtf8(yaml), "emitted YAML is not UTF-8");
    StrictDump(Json::parse(ToJsonList(first->objects)));

    PlanOptions options{.now = absl::FromUnixSeconds(1767225600)};
    absl::StatusOr<Plan> plan = PlanRollout(*first, ObservedState{}, options);
    if (!plan.ok()) {
      CheckInputError(plan.status(), utf8);
      continue;
    }
    StrictDump(PlanToJson(*plan));
    FUZZ_CHECK(IsUtf8(PlanToText(*plan)), "plan text is not UTF-8");
  }
  return 0;
}
