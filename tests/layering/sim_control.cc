// The simulator sees the planner, the executor and its own headers.
#include "sim/kube_model.h"
#include "strata/execute.h"
#include "strata/plan.h"
#include "strata/simulate.h"
