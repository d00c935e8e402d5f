// Must not compile in the model area: the model is below compile.
#include "strata/compile.h"
