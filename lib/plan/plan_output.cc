// Plan renderings: SPEC §4 JSON, a readable numbered text form, Graphviz dot.

#include "plan/plan_output.h"

#include <string>
#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "strata/plan.h"
#include "util/utf8.h"

namespace strata {
namespace {

Json TargetToJson(const Target& t) {
  Json j = {{"kind", t.kind}, {"name", t.name}};
  if (!t.role.empty()) j["role"] = t.role;
  if (t.ordinal.has_value()) j["ordinal"] = *t.ordinal;
  return j;
}

std::string ConditionText(const Step& s) {
  return s.condition.has_value() ? s.condition->ToString() : "";
}

// The typed condition: {"kind": "roleReady", "target": "broker",
// "statefulSet": "events-broker", "count": 5, "minReadySeconds": 30}.
Json WaitToJson(const WaitCondition& c) {
  Json j = {{"kind", WaitKindName(c.kind)}, {"target", c.target}};
  switch (c.kind) {
    case WaitCondition::Kind::kPodReady:
      break;
    case WaitCondition::Kind::kRoleReady:
      j["statefulSet"] = c.stateful_set;
      j["count"] = c.count;
      break;
    case WaitCondition::Kind::kPvcCapacity:
      j["size"] = c.size;
      break;
    case WaitCondition::Kind::kRoleStopped:
      j["statefulSet"] = c.stateful_set;
      break;
    case WaitCondition::Kind::kApproval:
    case WaitCondition::Kind::kWindow:
    case WaitCondition::Kind::kNotBefore:
      break;
  }
  if (c.min_ready_seconds > 0) j["minReadySeconds"] = c.min_ready_seconds;
  return j;
}

std::string HookPrefix(const Step& s) {
  return s.hook == Hook::kNone ? "" : absl::StrCat(HookName(s.hook), " ");
}

Json StepToJson(const Step& s) {
  Json j = {{"id", s.id},
            {"action", ActionName(s.action)},
            {"target", TargetToJson(s.target)},
            {"after", s.after},
            {"reason", s.reason}};
  j["phase"] = PhaseName(s.phase);
  switch (s.action) {
    case Action::kApply:
      j["object"] = s.object;
      break;
    case Action::kDelete:
      j["orphan"] = s.orphan;
      break;
    case Action::kResizePvc:
      j["size"] = s.size;
      break;
    case Action::kExec:
      j["pod"] = s.pod;
      j["command"] = s.command;
      j["env"] = s.env;
      if (s.hook != Hook::kNone) j["hook"] = HookName(s.hook);
      break;
    case Action::kWait:
      j["condition"] = ConditionText(s);
      if (s.condition.has_value()) j["wait"] = WaitToJson(*s.condition);
      if (!s.size.empty()) j["size"] = s.size;
      break;
    case Action::kRestart:
      break;
  }
  if (s.timeout_seconds > 0) j["timeoutSeconds"] = s.timeout_seconds;
  return j;
}

// argv as one line a person can read: arguments with spaces or quotes are
// single-quoted, newlines shown as "\n", the whole cut at 100 characters.
std::string CommandLine(const std::vector<std::string>& argv) {
  std::vector<std::string> words;
  for (const std::string& a : argv) {
    std::string w = absl::StrReplaceAll(a, {{"\n", "\\n"}});
    if (w.empty() || w.find_first_of(" \t'\"$;|&<>(){}*?#") != std::string::npos) {
      w = absl::StrCat("'", absl::StrReplaceAll(w, {{"'", "'\\''"}}), "'");
    }
    words.push_back(std::move(w));
  }
  std::string line = absl::StrJoin(words, " ");
  if (line.size() > 100) line = absl::StrCat(util_internal::Utf8Prefix(line, 97), "...");
  return line;
}

}  // namespace

namespace plan_internal {

// The one-line summary of a step: "apply StatefulSet events-broker (replicas 4)".
std::string StepHeadline(const Step& s) {
  std::string line = absl::StrCat(ActionName(s.action), " ", s.target.kind, " ", s.target.name);
  switch (s.action) {
    case Action::kApply:
      if (s.target.kind == "StatefulSet" && s.object.is_object() &&
          s.object.contains("spec") && s.object["spec"].contains("replicas")) {
        absl::StrAppend(&line, " (replicas ", s.object["spec"]["replicas"].dump(), ")");
      }
      break;
    case Action::kDelete:
      if (s.orphan) line += " (orphan: pods and PVCs stay)";
      break;
    case Action::kResizePvc:
      absl::StrAppend(&line, " to ", s.size);
      break;
    case Action::kExec:
      line = absl::StrCat("exec ", HookPrefix(s), "in ", s.pod, ": ",
                          CommandLine(s.command));
      break;
    case Action::kWait:
      line = absl::StrCat("wait ", ConditionText(s));
      break;
    case Action::kRestart:
      break;
  }
  if (s.timeout_seconds > 0) absl::StrAppend(&line, " (timeout ", s.timeout_seconds, "s)");
  return line;
}

}  // namespace plan_internal

namespace {

using plan_internal::StepHeadline;

std::string DotEscape(const std::string& s) {
  return absl::StrReplaceAll(s, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

std::string ShortLabel(const Step& s) {
  std::string what;
  switch (s.action) {
    case Action::kWait:
      what = ConditionText(s);
      break;
    case Action::kExec:
      what = absl::StrCat(s.hook == Hook::kNone ? "exec" : HookName(s.hook), " in ", s.pod);
      break;
    case Action::kApply:
      what = absl::StrCat(s.target.kind, " ", s.target.name);
      if (s.target.kind == "StatefulSet" && s.object.is_object() &&
          s.object.contains("spec") && s.object["spec"].contains("replicas")) {
        absl::StrAppend(&what, "\nreplicas ", s.object["spec"]["replicas"].dump());
      }
      break;
    case Action::kResizePvc:
      what = absl::StrCat(s.target.name, "\nto ", s.size);
      break;
    default:
      what = absl::StrCat(s.target.kind, " ", s.target.name);
      if (s.orphan) what += "\n(orphan)";
  }
  return absl::StrCat(s.id, " ", ActionName(s.action), "\n", what);
}

}  // namespace

Json PlanToJson(const Plan& plan) {
  Json steps = Json::array();
  for (const Step& s : plan.steps) steps.push_back(StepToJson(s));
  Json j = {{"cluster", plan.cluster},
            {"namespace", plan.namespace_},
            {"converged", plan.converged},
            {"steps", std::move(steps)},
            {"next", plan.next}};
  j["notes"] = plan.notes;
  j["blocked"] = plan.blocked;
  if (plan.blocked) j["blockedReason"] = plan.blocked_reason;
  return j;
}

std::string PlanToText(const Plan& plan) {
  std::string out = absl::StrCat("plan for cluster ", plan.cluster, " in namespace ",
                                 plan.namespace_, ": ");
  if (plan.converged) {
    absl::StrAppend(&out, "converged, nothing to do\n");
  } else {
    absl::StrAppend(&out, plan.steps.size(), plan.steps.size() == 1 ? " step" : " steps",
                    "; next: ", absl::StrJoin(plan.next, ", "),
                    plan.blocked ? " (blocked)" : "", "\n");
  }
  if (!plan.notes.empty()) {
    out += "notes:\n";
    for (const std::string& n : plan.notes) absl::StrAppend(&out, "  - ", n, "\n");
  }
  std::string group;
  for (const Step& s : plan.steps) {
    std::string g = absl::StrCat(s.target.role.empty() ? "cluster" : s.target.role, " / ",
                                 PhaseName(s.phase));
    if (g != group) {
      absl::StrAppend(&out, "\n", g, ":\n");
      group = g;
    }
    bool next = s.after.empty();
    absl::StrAppend(&out, s.id < 10 ? "   " : s.id < 100 ? "  " : " ", s.id, ". ",
                    StepHeadline(s),
                    next ? "  <- next" : absl::StrCat("  after ", absl::StrJoin(s.after, ", ")),
                    "\n");
    absl::StrAppend(&out, "       ", s.reason, "\n");
  }
  return out;
}

std::string PlanToDot(const Plan& plan) {
  std::string out = absl::StrCat("digraph \"plan ", DotEscape(plan.cluster), "\" {\n",
                                 "  rankdir=TB;\n",
                                 "  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n");
  if (plan.converged) {
    absl::StrAppend(&out, "  converged [label=\"", DotEscape(plan.cluster),
                    ": converged\", shape=plaintext];\n}\n");
    return out;
  }
  // One box per role, in order of first appearance.
  std::vector<std::string> roles;
  for (const Step& s : plan.steps) {
    if (std::find(roles.begin(), roles.end(), s.target.role) == roles.end()) {
      roles.push_back(s.target.role);
    }
  }
  for (size_t r = 0; r < roles.size(); ++r) {
    const std::string& role = roles[r];
    std::string indent = role.empty() ? "  " : "    ";
    if (!role.empty()) {
      absl::StrAppend(&out, "  subgraph \"cluster_", r, "\" {\n    label=\"",
                      DotEscape(role), "\";\n");
    }
    for (const Step& s : plan.steps) {
      if (s.target.role != role) continue;
      absl::StrAppend(&out, indent, "s", s.id, " [label=\"", DotEscape(ShortLabel(s)), "\"",
                      s.after.empty() ? ", style=bold, color=blue" : "",
                      s.action == Action::kWait ? ", shape=ellipse" : "", "];\n");
    }
    if (!role.empty()) out += "  }\n";
  }
  for (const Step& s : plan.steps) {
    for (int32_t a : s.after) absl::StrAppend(&out, "  s", a, " -> s", s.id, ";\n");
  }
  out += "}\n";
  return out;
}

}  // namespace strata
