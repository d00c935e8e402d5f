// The simulator's timeline: what it reports of the cluster (a Snapshot of
// pods, PVCs, leaders and replicas), the events between two snapshots, and
// the text and JSON forms of a Timeline (TimelineToText/TimelineToJson in
// strata/simulate.h).
//
// Example:
//   Snapshot before = TakeSnapshot(kube, desired);
//   kube.Reconcile(later);
//   for (const Change& c : Diff(before, TakeSnapshot(kube, desired))) Record(c.what);

#ifndef STRATA_SIM_TIMELINE_H_
#define STRATA_SIM_TIMELINE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/kube_model.h"
#include "strata/compile.h"

namespace strata::sim {

struct PodView {
  std::string uid;
  bool ready = false;
  std::string hash;  // Its strata.dev/spec-hash.
};

// What the timeline reports on, at one moment.
struct Snapshot {
  std::map<std::string, PodView> pods;
  std::map<std::string, std::string> pvc_uid;
  std::map<std::string, std::string> pvc_capacity;
  std::set<std::string> pvc_member_left;       // Annotated strata.dev/member-left.
  std::map<std::string, std::string> leaders;  // sts -> pod
  std::map<std::string, int64_t> replicas;     // sts -> spec.replicas
};

Snapshot TakeSnapshot(const KubeModel& kube, const CompiledCluster& desired);

// One event between two snapshots. A deleted PVC names itself in
// `deleted_pvc` (with `member_left` as it was annotated before), so that the
// invariant checks can judge the deletion right after its event.
struct Change {
  std::string what;  // "pod events-broker-4 Ready", "PVC data-events-zk-2 deleted".
  std::string deleted_pvc;
  bool member_left = false;

  bool operator==(const Change&) const = default;
};

// The events from `before` to `after`, in timeline order: pods deleted,
// recreated or changing readiness; pods created; PVCs deleted (and
// re-created), created or resized; leaders moved.
std::vector<Change> Diff(const Snapshot& before, const Snapshot& after);

// "+HH:MM:SS".
std::string Offset(absl::Duration d);

}  // namespace strata::sim

#endif  // STRATA_SIM_TIMELINE_H_
