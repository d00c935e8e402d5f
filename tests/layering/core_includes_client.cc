// Must not compile in any core area: the Kubernetes client is an adapter.
#include "strata/kube_client.h"
