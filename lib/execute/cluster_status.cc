// ComputeClusterStatus and its JSON/text forms (strata/cluster_status.h).

#include "strata/cluster_status.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/plan_output.h"
#include "plan/predicates.h"
#include "util/rfc3339.h"

namespace strata {
namespace {

using kube::NameOf;
using kube::OrdinalOf;
using plan_internal::IsAtDesiredSpec;
using plan_internal::IsReady;
using plan_internal::IsTerminating;
using plan_internal::StepHeadline;
using plan_internal::StuckReason;

RoleStatus RoleOf(const std::string& name, const std::string& stateful_set, int32_t desired,
                  const std::string& spec_hash, const ObservedState& observed) {
  RoleStatus r{.name = name, .stateful_set = stateful_set, .desired = desired};
  std::map<int32_t, MemberStatus> members;
  for (int32_t i = 0; i < desired; ++i) {
    members[i] = MemberStatus{.pod = absl::StrCat(stateful_set, "-", i), .ordinal = i};
  }
  for (const Json& pod : observed.pods) {
    std::string pod_name = NameOf(pod);
    std::optional<int32_t> ordinal = OrdinalOf(pod_name, stateful_set);
    if (!ordinal.has_value()) continue;
    MemberStatus& m = members[*ordinal];
    m.pod = pod_name;
    m.ordinal = *ordinal;
    m.terminating = IsTerminating(pod);
    m.exists = !m.terminating;
    m.ready = IsReady(pod);
    m.updated = !spec_hash.empty() && IsAtDesiredSpec(pod, spec_hash);
    m.stuck = StuckReason(pod);
    if (m.exists) {
      ++r.existing;
      if (m.ready) ++r.ready;
      if (m.updated) ++r.updated;
    }
  }
  for (const auto& [ordinal, m] : members) {
    bool wanted = ordinal < desired;
    bool fine = wanted ? (m.exists && m.ready && m.updated) : (!m.exists && !m.terminating);
    if (!fine) r.attention.push_back(m);
  }
  return r;
}

}  // namespace

ClusterStatus ComputeClusterStatus(const CompiledCluster& desired, const ObservedState& observed,
                                   const Plan& plan, absl::Time now) {
  ClusterStatus status{.cluster = desired.cluster,
                       .namespace_ = desired.namespace_,
                       .converged = plan.converged,
                       .blocked = plan.blocked,
                       .blocked_reason = plan.blocked_reason,
                       .steps = static_cast<int32_t>(plan.steps.size()),
                       .notes = plan.notes,
                       .observed_at = now};
  std::map<std::string, int32_t> steps_by_role;
  std::vector<std::string> removed;  // In the order the plan names them.
  std::set<std::string> known;
  for (const CompiledRole& role : desired.roles) known.insert(role.name);
  for (const Step& s : plan.steps) {
    if (s.target.role.empty()) continue;
    if (steps_by_role[s.target.role]++ == 0 && known.count(s.target.role) == 0) {
      removed.push_back(s.target.role);
    }
  }
  for (const CompiledRole& role : desired.roles) {
    RoleStatus r = RoleOf(role.name, role.stateful_set, role.members, role.spec_hash, observed);
    r.steps = steps_by_role[role.name];
    r.converged = r.steps == 0;
    status.roles.push_back(std::move(r));
  }
  for (const std::string& name : removed) {
    RoleStatus r = RoleOf(name, absl::StrCat(desired.cluster, "-", name), 0, "", observed);
    r.steps = steps_by_role[name];
    r.converged = false;
    status.roles.push_back(std::move(r));
  }
  for (int32_t id : plan.next) {
    if (id >= 1 && id <= static_cast<int32_t>(plan.steps.size())) {
      status.next.push_back(plan.steps[id - 1]);
    }
  }
  return status;
}

Json ClusterStatusToJson(const ClusterStatus& status) {
  Json roles = Json::array();
  for (const RoleStatus& r : status.roles) {
    Json attention = Json::array();
    for (const MemberStatus& m : r.attention) {
      Json j = {{"pod", m.pod},         {"ordinal", m.ordinal}, {"exists", m.exists},
                {"ready", m.ready},     {"updated", m.updated}};
      if (m.terminating) j["terminating"] = true;
      if (!m.stuck.empty()) j["stuck"] = m.stuck;
      attention.push_back(std::move(j));
    }
    roles.push_back({{"name", r.name},
                     {"statefulSet", r.stateful_set},
                     {"desired", r.desired},
                     {"existing", r.existing},
                     {"ready", r.ready},
                     {"updated", r.updated},
                     {"converged", r.converged},
                     {"steps", r.steps},
                     {"attention", std::move(attention)}});
  }
  Json next = Json::array();
  for (const Step& s : status.next) {
    next.push_back({{"id", s.id},
                    {"action", ActionName(s.action)},
                    {"headline", StepHeadline(s)},
                    {"reason", s.reason}});
  }
  Json j = {{"cluster", status.cluster},
            {"namespace", status.namespace_},
            {"converged", status.converged},
            {"blocked", status.blocked}};
  if (status.blocked) j["blockedReason"] = status.blocked_reason;
  j["observedAt"] = Rfc3339(status.observed_at);
  j["steps"] = status.steps;
  j["roles"] = std::move(roles);
  j["next"] = std::move(next);
  j["notes"] = status.notes;
  return j;
}

namespace {

std::string MemberProblem(const MemberStatus& m, bool wanted) {
  if (!wanted) return m.terminating ? "terminating (removed)" : "still runs (to be removed)";
  std::vector<std::string> parts;
  if (m.terminating) {
    parts.push_back("terminating");
  } else if (!m.exists) {
    parts.push_back("missing");
  } else {
    if (!m.ready) parts.push_back("not Ready");
    if (!m.updated) parts.push_back("outdated spec");
  }
  if (!m.stuck.empty()) parts.push_back(m.stuck);
  return absl::StrJoin(parts, ", ");
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::string ClusterStatusToText(const ClusterStatus& status) {
  std::string out = absl::StrCat("cluster ", status.cluster, " in namespace ", status.namespace_,
                                 ": ");
  if (status.converged) {
    out += "converged\n";
  } else if (status.blocked) {
    absl::StrAppend(&out, "BLOCKED, ", status.steps, status.steps == 1 ? " step" : " steps",
                    " left\n");
  } else {
    absl::StrAppend(&out, "not converged, ", status.steps,
                    status.steps == 1 ? " step" : " steps", " left\n");
  }
  size_t width = 4;
  for (const RoleStatus& r : status.roles) width = std::max(width, r.name.size());
  absl::StrAppend(&out, "  ", Pad("ROLE", width),
                  "  DESIRED  EXISTING  READY  UPDATED  STATE\n");
  for (const RoleStatus& r : status.roles) {
    std::string state = r.converged ? "converged"
                        : r.desired == 0 ? absl::StrCat("removing, ", r.steps, " steps")
                                         : absl::StrCat(r.steps, r.steps == 1 ? " step" : " steps",
                                                        " left");
    absl::StrAppend(&out, "  ", Pad(r.name, width), "  ", Pad(absl::StrCat(r.desired), 7), "  ",
                    Pad(absl::StrCat(r.existing), 8), "  ", Pad(absl::StrCat(r.ready), 5), "  ",
                    Pad(absl::StrCat(r.updated), 7), "  ", state, "\n");
  }
  bool header = false;
  for (const RoleStatus& r : status.roles) {
    for (const MemberStatus& m : r.attention) {
      if (!header) {
        out += "members needing attention:\n";
        header = true;
      }
      absl::StrAppend(&out, "  ", m.pod, ": ", MemberProblem(m, m.ordinal < r.desired), "\n");
    }
  }
  if (status.blocked) absl::StrAppend(&out, "blocked: ", status.blocked_reason, "\n");
  if (!status.next.empty()) {
    out += "next:\n";
    for (const Step& s : status.next) {
      absl::StrAppend(&out, "  ", s.id, ". ", StepHeadline(s), "\n     ", s.reason, "\n");
    }
  }
  std::vector<std::string> notes;
  for (const std::string& n : status.notes) {
    // The blocked reason is also a note; it was shown above.
    if (!(status.blocked && n == status.blocked_reason)) notes.push_back(n);
  }
  if (!notes.empty()) {
    out += "notes:\n";
    for (const std::string& n : notes) absl::StrAppend(&out, "  - ", n, "\n");
  }
  return out;
}

}  // namespace strata
