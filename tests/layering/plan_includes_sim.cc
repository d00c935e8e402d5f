// Must not compile in the plan area: the simulator is above the planner.
#include "sim/kube_model.h"
