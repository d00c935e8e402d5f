// strata/plan_diff.h: what a plan changes, object by object and field by field.
//
// DiffPlan() compares the compiled objects with the observed ones the way
// helm-diff does for charts: `+` an object the plan creates, `-` one it
// deletes, `~` one whose fields change (old -> new). Only fields strata sets
// are compared (plan_internal::AllDifferences: whatever the API server adds,
// status, managedFields, resourceVersion, uid and defaults, is ignored), so a
// converged cluster diffs to nothing. Secret data is never shown. Deletions
// and volume growth come from the plan (the planner decides them, once); the
// summary counts the member restarts it holds. Pure, like PlanRollout().
//
// Example:
//   absl::StatusOr<Plan> plan = PlanRollout(desired, observed, options);
//   PlanDiff diff = DiffPlan(desired, observed, *plan);
//   std::cout << PlanDiffToText(diff);   // nothing at all when diff.empty()
//   return diff.empty() ? 0 : 3;

#ifndef STRATA_PLAN_DIFF_H_
#define STRATA_PLAN_DIFF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/compile.h"
#include "strata/json.h"
#include "strata/observed_state.h"
#include "strata/plan.h"

namespace strata {

// One changed field of an object.
struct FieldChange {
  // "spec.replicas", "spec.template.spec.containers[name=kafka].image",
  // "metadata.annotations[strata.dev/spec-hash]": keys holding '.' or '/' in
  // brackets, list elements by position "[2]" or by name "[name=x]".
  std::string path;
  std::optional<Json> before;  // nullopt: the field does not exist yet.
  std::optional<Json> after;   // nullopt: the field goes away.

  bool operator==(const FieldChange&) const = default;
};

struct ObjectChange {
  enum class Kind { kAdd, kChange, kDelete };
  Kind kind = Kind::kChange;
  std::string object_kind;  // "StatefulSet", "ConfigMap", ...
  std::string name;
  std::string role;  // Empty for cluster-wide objects.
  // kAdd: the whole new object (Secret values redacted).
  Json object;
  // kAdd of a ConfigMap that takes the place of another in a StatefulSet's
  // volumes (config ConfigMaps are named by their content's hash): the one
  // it replaces. `fields` then holds the changes from that one.
  std::string replaces;
  // kChange (and kAdd with `replaces`): the changed fields, in the object's
  // key order.
  std::vector<FieldChange> fields;
  // Why the plan does it a particular way, e.g. "re-created: immutable
  // StatefulSet fields change (pods and PVCs stay)"; empty usually.
  std::string note;

  bool operator==(const ObjectChange&) const = default;
};

// "+", "~", "-".
const char* ObjectChangeSymbol(ObjectChange::Kind kind);

// A member the plan restarts.
struct MemberRestart {
  std::string pod;
  std::string role;
  std::string reason;  // The plan step's reason ("spec-hash differs (...)").

  bool operator==(const MemberRestart&) const = default;
};

struct PlanDiff {
  std::string cluster;
  std::string namespace_;
  // Adds and changes in the compiled objects' order, then volume growth,
  // then deletions in the plan's order.
  std::vector<ObjectChange> objects;
  std::vector<MemberRestart> restarts;  // In the plan's order.
  int32_t to_add = 0;
  int32_t to_change = 0;
  int32_t to_delete = 0;

  // True when nothing differs: no object to add, change or delete and no
  // member to restart (a plan that only waits for readiness diffs to
  // nothing).
  bool empty() const { return objects.empty() && restarts.empty(); }

  bool operator==(const PlanDiff&) const = default;
};

// The placeholder shown for every Secret value.
inline constexpr char kRedacted[] = "(redacted)";

// Returns what `plan` (planned from `observed` to `desired`) changes.
PlanDiff DiffPlan(const CompiledCluster& desired, const ObservedState& observed,
                  const Plan& plan);

// The diff as `strata plan -o diff` prints it: one block per object, then
// the restarted members and "N to add, M to change, K to delete; R member
// restarts". Long string values show only the part around the change
// (multi-line ones as changed lines with two lines of context). "" when
// `diff.empty()`.
std::string PlanDiffToText(const PlanDiff& diff);

// The same as data: {"objects": [{"op": "~", "kind", "name", "role",
// "fields": [{"path", "before", "after"}], "object", "note"}], "restarts":
// [...], "summary": {"add", "change", "delete", "restarts"}}.
Json PlanDiffToJson(const PlanDiff& diff);

}  // namespace strata

#endif  // STRATA_PLAN_DIFF_H_
