// The simulator's timeline (sim/timeline.h) and TimelineToText /
// TimelineToJson (strata/simulate.h).

#include "sim/timeline.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "strata/simulate.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "util/rfc3339.h"

namespace strata {
namespace sim {
namespace {


void DiffPods(const Snapshot& before, const Snapshot& after, std::vector<Change>& out) {
  for (const auto& [name, view] : before.pods) {
    auto it = after.pods.find(name);
    if (it == after.pods.end()) {
      out.push_back({absl::StrCat("pod ", name, " deleted")});
    } else if (it->second.uid != view.uid) {
      out.push_back({absl::StrCat("pod ", name, " recreated (", it->second.hash, ")")});
    } else if (it->second.ready != view.ready) {
      out.push_back({absl::StrCat("pod ", name, it->second.ready ? " Ready" : " not Ready")});
    }
  }
  for (const auto& [name, view] : after.pods) {
    if (before.pods.count(name) == 0) {
      out.push_back({absl::StrCat("pod ", name, " created (", view.hash, ")")});
    }
    auto old = before.pods.find(name);
    if (view.ready && old != before.pods.end() && old->second.uid != view.uid) {
      out.push_back({absl::StrCat("pod ", name, " Ready")});
    }
  }
}

void DiffPvcs(const Snapshot& before, const Snapshot& after, std::vector<Change>& out) {
  for (const auto& [name, uid] : before.pvc_uid) {
    auto it = after.pvc_uid.find(name);
    if (it == after.pvc_uid.end() || it->second != uid) {
      out.push_back({absl::StrCat("PVC ", name, " deleted"), name,
                     before.pvc_member_left.count(name) > 0});
      if (it != after.pvc_uid.end()) out.push_back({absl::StrCat("PVC ", name, " created")});
    }
  }
  for (const auto& [name, uid] : after.pvc_uid) {
    if (before.pvc_uid.count(name) == 0) out.push_back({absl::StrCat("PVC ", name, " created")});
    auto old = before.pvc_capacity.find(name);
    if (old != before.pvc_capacity.end() && before.pvc_uid.at(name) == uid &&
        old->second != after.pvc_capacity.at(name)) {
      out.push_back({absl::StrCat("PVC ", name, " capacity ", after.pvc_capacity.at(name))});
    }
  }
}

}  // namespace

Snapshot TakeSnapshot(const KubeModel& kube, const CompiledCluster& desired) {
  Snapshot s;
  for (const auto& [name, pod] : kube.Objects(kube::kKindPod)) {
    s.pods[name] = {kube::StringAt(pod, {"metadata", "uid"}), kube.PodReady(name),
                    kube::StringAt(pod, {"metadata", "annotations", kube::kSpecHashAnnotation})};
  }
  for (const auto& [name, pvc] : kube.Objects(kube::kKindPvc)) {
    s.pvc_uid[name] = kube::StringAt(pvc, {"metadata", "uid"});
    s.pvc_capacity[name] = kube::StringAt(pvc, {"status", "capacity", "storage"});
    if (kube::StringAt(pvc, {"metadata", "annotations", kube::kMemberLeftAnnotation}) == "true") {
      s.pvc_member_left.insert(name);
    }
  }
  for (const CompiledRole& role : desired.roles) {
    std::string leader = kube.LeaderOf(role.stateful_set);
    if (!leader.empty()) s.leaders[role.stateful_set] = leader;
    if (const Json* sts = kube.Find(kube::kKindStatefulSet, role.stateful_set)) {
      s.replicas[role.stateful_set] = kube::IntAt(*sts, {"spec", "replicas"}, 1);
    }
  }
  return s;
}

std::vector<Change> Diff(const Snapshot& before, const Snapshot& after) {
  std::vector<Change> out;
  DiffPods(before, after, out);
  DiffPvcs(before, after, out);
  for (const auto& [sts, leader] : after.leaders) {
    auto old = before.leaders.find(sts);
    if (old == before.leaders.end() || old->second != leader) {
      out.push_back({absl::StrCat("leader of ", sts, ": ", leader)});
    }
  }
  return out;
}

std::string Offset(absl::Duration d) {
  int64_t s = absl::ToInt64Seconds(d);
  return absl::StrFormat("+%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
}

}  // namespace sim

namespace {

// "converged after ...", "blocked after ..." or "did not converge after ...".
std::string Outcome(const Timeline& timeline) {
  absl::Time end = timeline.events.empty() ? timeline.start : timeline.events.back().time;
  if (timeline.converged) {
    return absl::StrCat("converged after ", timeline.plans, " plan(s), ", timeline.steps,
                        " step(s), simulated ", sim::Offset(end - timeline.start).substr(1),
                        "\n");
  }
  if (timeline.blocked) {
    return absl::StrCat("blocked after ", timeline.plans, " plan(s), ", timeline.steps,
                        " step(s): ", timeline.blocked_reason, "\n");
  }
  return absl::StrCat("did not converge after ", timeline.plans, " plan(s), ", timeline.steps,
                      " step(s)\n");
}

// The verdict line; empty when the run simply converged.
std::string Verdict(const Timeline& timeline) {
  if (timeline.ok && timeline.blocked) {
    return absl::StrCat("ok: blocked as the injected never-ready fault demands: ",
                        timeline.blocked_reason, "\n");
  }
  if (!timeline.ok && timeline.violations.empty()) {
    return absl::StrCat(
        "FAILED: ", timeline.blocked ? timeline.blocked_reason : "the plans did not converge",
        "\n");
  }
  if (!timeline.ok) {
    return absl::StrCat("FAILED: ", timeline.violations.size(), " invariant violation(s)\n");
  }
  return "";
}

}  // namespace

std::string TimelineToText(const Timeline& timeline) {
  std::string out;
  for (const TimelineEvent& e : timeline.events) {
    absl::StrAppend(&out, sim::Offset(e.time - timeline.start), "  plan ",
                    absl::StrFormat("%-3d", e.plan), "  ", e.what, "\n");
  }
  absl::StrAppend(&out, "\n", Outcome(timeline));
  if (timeline.violations.empty()) {
    absl::StrAppend(&out, "violations: none\n");
  } else {
    absl::StrAppend(&out, "violations: ", timeline.violations.size(), "\n");
    for (const std::string& v : timeline.violations) absl::StrAppend(&out, "  - ", v, "\n");
  }
  absl::StrAppend(&out, Verdict(timeline));
  return out;
}

Json TimelineToJson(const Timeline& timeline) {
  Json events = Json::array();
  for (const TimelineEvent& e : timeline.events) {
    events.push_back({{"time", Rfc3339(e.time)},
                      {"offsetSeconds", absl::ToInt64Seconds(e.time - timeline.start)},
                      {"plan", e.plan},
                      {"what", e.what}});
  }
  Json out = {{"ok", timeline.ok},
              {"converged", timeline.converged},
              {"blocked", timeline.blocked},
              {"plans", timeline.plans},
              {"steps", timeline.steps},
              {"start", Rfc3339(timeline.start)},
              {"violations", timeline.violations},
              {"events", std::move(events)}};
  if (timeline.blocked) out["blockedReason"] = timeline.blocked_reason;
  return out;
}

}  // namespace strata
