// The strata._strata._execute submodule (strata_py_execute.cc): strata.apply,
// observe and status over the executor and the Kubernetes client. Bound
// from a file of its own so that editing it does not recompile strata_py.cc.

#ifndef STRATA_BINDINGS_PYTHON_STRATA_PY_EXECUTE_H_
#define STRATA_BINDINGS_PYTHON_STRATA_PY_EXECUTE_H_

#include <pybind11/pybind11.h>

namespace strata {

// Adds the submodule `_execute` to `parent` (the strata._strata module).
void BindExecute(pybind11::module_& parent);

}  // namespace strata

#endif  // STRATA_BINDINGS_PYTHON_STRATA_PY_EXECUTE_H_
