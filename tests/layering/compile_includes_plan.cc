// Must not compile in the compile area: compile is below plan.
#include "strata/plan.h"
