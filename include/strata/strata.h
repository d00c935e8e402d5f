// strata/strata.h: everything a program embedding strata needs.
//
// strata models stateful data systems (roles, cardinality, storage, probes,
// configuration, rollout policy), compiles them into Kubernetes objects and
// plans the safe, ordered steps from what runs to what was asked.
//
// Example:
//   absl::StatusOr<Documents> docs = Load({{"kafka.yaml", text}});
//   absl::StatusOr<std::vector<Topology>> t = Resolve(*docs);
//   absl::StatusOr<CompiledCluster> c = Compile((*t)[0], CompileOptions{});
//   absl::StatusOr<Plan> p = PlanRollout(*c, observed, {.now = absl::Now()});

#ifndef STRATA_STRATA_H_
#define STRATA_STRATA_H_

#include "strata/app.h"
#include "strata/cardinality.h"
#include "strata/cluster.h"
#include "strata/compile.h"
#include "strata/config_file.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/emit.h"
#include "strata/execute.h"
#include "strata/json.h"
#include "strata/limits.h"
#include "strata/object.h"
#include "strata/observed_state.h"
#include "strata/pipeline.h"
#include "strata/plan.h"
#include "strata/plan_diff.h"
#include "strata/probe.h"
#include "strata/quantity.h"
#include "strata/rbac.h"
#include "strata/role.h"
#include "strata/rollout_policy.h"
#include "strata/simulate.h"
#include "strata/storage.h"
#include "strata/validate.h"

#endif  // STRATA_STRATA_H_
