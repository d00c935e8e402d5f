// The model sees its own public headers.
#include "strata/documents.h"
#include "strata/role.h"
