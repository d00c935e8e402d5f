// Must not compile in the emit area: the emitters write objects, not compile them.
#include "strata/compile.h"
