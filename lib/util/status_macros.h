// Status helpers that Debian's Abseil 20220623 lacks. Named so a later move to
// the upstream ABSL_RETURN_IF_ERROR / ABSL_ASSIGN_OR_RETURN is a rename.

#ifndef STRATA_UTIL_STATUS_MACROS_H_
#define STRATA_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function when `expr` (an absl::Status) fails.
#define STRATA_RETURN_IF_ERROR(expr)                  \
  do {                                                \
    ::absl::Status strata_status_ = (expr);           \
    if (!strata_status_.ok()) return strata_status_;  \
  } while (0)

#define STRATA_CONCAT_INNER_(a, b) a##b
#define STRATA_CONCAT_(a, b) STRATA_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on failure returns its status,
// otherwise moves the value into `lhs` (which may be a declaration).
#define STRATA_ASSIGN_OR_RETURN(lhs, rexpr) \
  STRATA_ASSIGN_OR_RETURN_IMPL_(STRATA_CONCAT_(strata_statusor_, __LINE__), lhs, rexpr)
#define STRATA_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return statusor.status();             \
  lhs = std::move(statusor).value()

#endif  // STRATA_UTIL_STATUS_MACROS_H_
