// Fuzzes the small parsers of scalar input: quantities (Quantity::Parse),
// cardinalities (Cardinality::Parse) and simulator fault lists
// (ParseFaults, what `simulate --faults` and the gRPC fault_spec read).
//
// Input: the first byte picks the parser, the rest is the text.
// Invariants beyond "no crash, no sanitizer finding":
// - a failure is InvalidArgument with a message (UTF-8 for UTF-8 input);
// - a quantity is non-negative, keeps its text, and parses again to itself;
// - a cardinality satisfies 0 <= min <= max <= 16384 and its ToString()
//   parses back to it;
// - every parsed fault names at least one pod.

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "strata/cardinality.h"
#include "strata/quantity.h"
#include "strata/simulate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  using namespace strata::fuzz;
  if (size == 0) return 0;
  std::string text = AsString(data + 1, size - 1);
  const bool utf8 = IsUtf8(text);
  switch (data[0] % 3) {
    case 0: {
      absl::StatusOr<Quantity> q = Quantity::Parse(text);
      if (!q.ok()) {
        CheckInputError(q.status(), utf8);
        break;
      }
      FUZZ_CHECK(q->nanos() >= 0, text);
      FUZZ_CHECK(q->ToString() == text, text);
      absl::StatusOr<Quantity> again = Quantity::Parse(q->ToString());
      FUZZ_CHECK(again.ok() && *again == *q, text);
      break;
    }
    case 1: {
      absl::StatusOr<Cardinality> c = Cardinality::Parse(text);
      if (!c.ok()) {
        CheckInputError(c.status(), utf8);
        break;
      }
      FUZZ_CHECK(c->min >= 0 && c->min <= 16384, text);
      FUZZ_CHECK(!c->max.has_value() || (*c->max >= c->min && *c->max <= 16384), text);
      absl::StatusOr<Cardinality> again = Cardinality::Parse(c->ToString());
      FUZZ_CHECK(again.ok() && *again == *c, text + " -> " + c->ToString());
      FUZZ_CHECK(c->Allows(c->min) && !c->Allows(int64_t{c->min} - 1), text);
      break;
    }
    case 2: {
      absl::StatusOr<std::vector<Fault>> faults = ParseFaults(text);
      if (!faults.ok()) {
        CheckInputError(faults.status(), utf8);
        break;
      }
      for (const Fault& f : *faults) {
        // Every fault names what it strikes: pods, or an api error's object.
        FUZZ_CHECK(f.kind == Fault::Kind::kApiError ? !f.object.empty() && f.pods.empty()
                                                    : !f.pods.empty(),
                   text);
      }
      break;
    }
  }
  return 0;
}
