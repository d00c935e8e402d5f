// Pieces of the plan's text form (lib/plan/plan_output.cc) that other
// renderings reuse: `strata status` and `strata apply` name steps exactly as
// `strata plan` does.

#ifndef STRATA_PLAN_PLAN_OUTPUT_H_
#define STRATA_PLAN_PLAN_OUTPUT_H_

#include <string>

#include "strata/plan.h"

namespace strata::plan_internal {

// One step on one line, as PlanToText shows it: "apply StatefulSet
// events-broker (replicas 4)", "exec gate in events-broker-2: sh -c ...",
// "wait podReady events-broker-2 (timeout 300s)".
std::string StepHeadline(const Step& step);

}  // namespace strata::plan_internal

#endif  // STRATA_PLAN_PLAN_OUTPUT_H_
