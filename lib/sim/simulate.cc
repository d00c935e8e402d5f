// Simulate(): plan -> execute -> observe against a KubeModel, with faults and
// invariant checks after every step (strata/simulate.h).

#include "strata/simulate.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "sim/kube_model.h"
#include "strata/execute.h"
#include "strata/maintenance.h"
#include "util/rfc3339.h"
#include "util/status_macros.h"

namespace strata {
namespace {

constexpr char kSpecHash[] = "strata.dev/spec-hash";
constexpr char kMemberLeft[] = "strata.dev/member-left";
// How long an executor lets a wait run when the step names no timeout.
constexpr absl::Duration kDefaultWaitTimeout = absl::Minutes(30);
// How long an executor backs off before replanning when nothing moved.
constexpr absl::Duration kIdleBackoff = absl::Seconds(30);
// Rounds in a row without any change before the run is declared stuck.
constexpr int kStallRounds = 3;

const Json& At(const Json& object, std::initializer_list<const char*> path) {
  static const Json* const kNull = new Json();
  const Json* at = &object;
  for (const char* key : path) {
    if (!at->is_object()) return *kNull;
    auto it = at->find(key);
    if (it == at->end()) return *kNull;
    at = &*it;
  }
  return *at;
}

std::string StringAt(const Json& object, std::initializer_list<const char*> path) {
  const Json& v = At(object, path);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int64_t IntAt(const Json& object, std::initializer_list<const char*> path,
              int64_t fallback) {
  const Json& v = At(object, path);
  return v.is_number_integer() ? v.get<int64_t>() : fallback;
}

std::string Offset(absl::Duration d) {
  int64_t s = absl::ToInt64Seconds(d);
  return absl::StrFormat("+%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
}

// Waits that hold by time alone, whatever the cluster does: a maintenance
// window opening, rollout.minIntervalSeconds passing.
bool HoldsByTimeAlone(const WaitCondition& c) {
  return c.kind == WaitCondition::Kind::kWindow || c.kind == WaitCondition::Kind::kNotBefore;
}

bool ParseCount(absl::string_view text, int32_t* out) {
  if (text.empty() || text.size() > 6) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(text, out);
}

bool ValidPodName(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

const char* StrategyName(RolloutStrategy s) {
  switch (s) {
    case RolloutStrategy::kSerial:
      return "serial";
    case RolloutStrategy::kBestEffortParallel:
      return "bestEffortParallel";
    case RolloutStrategy::kParallel:
      return "parallel";
  }
  return "serial";
}

// The state of one member of a role at one moment.
struct Member {
  int32_t ordinal = 0;
  std::string pod;
  bool exists = false;
  bool ready = false;
  bool available = false;  // Ready for minReadySeconds.
  bool at_spec = false;
  bool leader = false;
};

class Simulator {
 public:
  Simulator(const CompiledCluster& desired, const SimulateOptions& options,
            KubeModel kube)
      : desired_(desired), options_(options), kube_(std::move(kube)) {}

  absl::StatusOr<Timeline> Run();

 private:
  // --- bookkeeping -----------------------------------------------------
  void Event(std::string what) {
    timeline_.events.push_back({kube_.now(), round_, std::move(what)});
  }
  void Violation(std::string what) {
    std::string v = step_id_ > 0 ? absl::StrCat("plan ", round_, ", step ", step_id_, ": ", what)
                                 : absl::StrCat("plan ", round_, ": ", what);
    Event(absl::StrCat("VIOLATION: ", what));
    timeline_.violations.push_back(std::move(v));
  }
  const CompiledRole* RoleOfPod(const std::string& pod, int32_t* ordinal) const {
    for (const CompiledRole& role : desired_.roles) {
      if (auto o = PodOrdinal(pod, role.stateful_set)) {
        if (ordinal != nullptr) *ordinal = *o;
        return &role;
      }
    }
    return nullptr;
  }
  const CompiledRole* RoleOfStatefulSet(const std::string& sts) const {
    for (const CompiledRole& role : desired_.roles) {
      if (role.stateful_set == sts) return &role;
    }
    return nullptr;
  }

  // Snapshot of what the timeline reports on: pods and PVCs.
  struct PodView {
    std::string uid;
    bool ready = false;
    std::string hash;
  };
  struct Snapshot {
    std::map<std::string, PodView> pods;
    std::map<std::string, std::string> pvc_uid;
    std::map<std::string, std::string> pvc_capacity;
    std::set<std::string> pvc_member_left;  // Annotated strata.dev/member-left.
    std::map<std::string, std::string> leaders;  // sts -> pod
    std::map<std::string, int64_t> replicas;     // sts -> spec.replicas
  };
  Snapshot Take() const;
  // Records what changed since `before` and checks PVC deletions.
  void Diff(const Snapshot& before, const Snapshot& after);
  // Records what changed since the last Sync().
  void Sync();
  // Reconcile at `t` (>= now) and record what changed.
  void Advance(absl::Time t);

  // --- members and invariants -------------------------------------------
  std::map<int32_t, Member> MembersOf(const CompiledRole& role) const;
  bool Stuck(const std::string& pod) const {
    return never_ready_.count(pod) > 0 && kube_.Find("Pod", pod) != nullptr &&
           !kube_.PodReady(pod);
  }
  // Fault-caused, transient unavailability (a crash or a lost pod not yet
  // back); a never-ready member is not transient.
  bool Transient(const std::string& pod) const {
    return fault_affected_.count(pod) > 0 && never_ready_.count(pod) == 0;
  }
  // Whether a fault took `pod` down after this round's plan was made (it
  // was available then): the plan cannot be blamed for it.
  bool DownSincePlan(const std::string& pod) const {
    return fault_took_ready_.count(pod) > 0 ||
           (fault_hit_round_.count(pod) > 0 && available_at_plan_.count(pod) > 0);
  }
  void CheckDisruption(const CompiledRole& role, int32_t ordinal, const std::string& how);
  // Cluster maintenance and rollout.minIntervalSeconds (SPEC-2 §9): no
  // available member restarted outside a window; a role's rolling restarts at
  // different moments at least minIntervalSeconds apart.
  void CheckPacing(const CompiledRole& role, const Step& step);
  void CheckDependencies(const CompiledRole& role, const std::string& what);
  void CheckStatefulSetApply(const Step& step);
  // `member_left`: the PVC carried strata.dev/member-left: "true".
  void CheckPvcGone(const std::string& name, bool member_left);
  void CheckPlanShape(const Plan& plan);
  void CheckConverged();

  // --- execution ----------------------------------------------------------
  // The executor's view of the simulated cluster: the library's one
  // executor (ExecutePlan) walks the plan and calls these; each call applies
  // the step's effect to the model through RunStep/Exec, where the invariants
  // are checked and the timeline written.
  class Client : public ClusterClient {
   public:
    explicit Client(Simulator& sim) : sim_(sim) {}
    absl::Time Now() override { return sim_.kube_.now(); }
    absl::StatusOr<ObservedState> Observe(const ObserveRequest&) override {
      return sim_.kube_.ToObservedState();
    }
    absl::StatusOr<Json> Apply(const Json& object, const ApplyOptions& options) override;
    absl::Status Delete(const ObjectRef& ref, const DeleteOptions& options) override;
    absl::StatusOr<ExecResult> Exec(const ExecRequest& request) override;
    absl::Status PatchMetadata(const ObjectRef& ref, const MetadataPatch& patch) override {
      return sim_.kube_.PatchMetadata(ref.kind, ref.name, patch.labels, patch.annotations);
    }
    absl::Status ResizePvc(const ObjectRef& pvc, const std::string& size) override;
    absl::StatusOr<bool> WaitForChange(const ObserveRequest&, absl::Time deadline,
                                       const std::function<bool()>&) override {
      int64_t before = sim_.kube_.version();
      std::optional<absl::Time> next = sim_.kube_.NextEventTime();
      sim_.Advance(next.has_value() ? std::min(*next, deadline) : deadline);
      return sim_.kube_.version() != before;
    }
    absl::Status SleepUntil(absl::Time deadline, const std::function<bool()>&) override {
      if (deadline > sim_.kube_.now()) sim_.Advance(deadline);
      return absl::OkStatus();
    }

   private:
    // The step ExecutePlan is running, or an error for a call outside one.
    absl::StatusOr<const Step*> Current(Action a, Action b) const;
    Simulator& sim_;
  };
  friend class Client;

  // Runs one pass of `plan` (ExecutePlan from `before`, the state it was
  // made from); in the waiting executor, then blocks at each wait it stopped
  // at until the wait holds or times out. False when a step could not
  // complete (the round ends).
  bool Execute(const Plan& plan, const ObservedState& before);
  // Bookkeeping after each step the executor ran: count it, let the
  // controllers run, fire the faults due at this step.
  void AfterStep();
  enum class Outcome { kDone, kStop };
  Outcome RunStep(const Step& step);
  Outcome Exec(const Step& step);
  Outcome Wait(const Step& step);
  // Whether the wait condition holds now (CheckWait over the model).
  WaitStatus Holds(const WaitCondition& condition) const;
  void FireStepFaults();
  void FireFault(const Fault& fault);

  const CompiledCluster& desired_;
  const SimulateOptions& options_;
  KubeModel kube_;
  Timeline timeline_;
  int32_t round_ = 0;
  int32_t step_id_ = 0;     // Id of the step running (for messages).
  int32_t steps_run_ = 0;   // Steps executed so far.
  bool progress_ = false;   // Something happened this round besides objects.
  std::set<std::string> never_ready_;
  std::set<std::string> fault_affected_;
  std::set<std::string> fault_hit_round_;    // Pods a fault hit this round.
  std::set<std::string> fault_took_ready_;   // ... while they were Ready.
  std::set<std::string> available_at_plan_;  // Available when this round planned.
  std::set<std::string> unready_at_plan_;    // Existing, not Ready, at plan time.
  std::set<std::string> existed_at_plan_;    // Pods that existed at plan time.
  std::set<std::string> leader_at_plan_;     // Leaders at plan time.
  std::map<std::string, int32_t> gate_failures_;  // Target pod -> remaining.
  std::set<std::string> member_left_;             // Pods that ran memberLeave.
  std::set<std::string> wave_;                    // Pods restarted in one wave.
  // Role -> when its last rolling restart ran (minIntervalSeconds).
  std::map<std::string, absl::Time> last_restart_;
  std::map<std::string, std::string> deleted_sts_;  // sts name -> "orphan"/"cascade".
  std::map<std::string, int64_t> orphaned_replicas_;  // sts -> replicas when orphaned.
  Snapshot last_;  // As of the last Sync().
  std::optional<Step> current_;                 // The step the executor is running.
  std::map<std::string, HookRetry> retries_;    // The executor's gate/hook retries.
};

Simulator::Snapshot Simulator::Take() const {
  Snapshot s;
  for (const auto& [name, pod] : kube_.Objects("Pod")) {
    s.pods[name] = {StringAt(pod, {"metadata", "uid"}), kube_.PodReady(name),
                    StringAt(pod, {"metadata", "annotations", kSpecHash})};
  }
  for (const auto& [name, pvc] : kube_.Objects("PersistentVolumeClaim")) {
    s.pvc_uid[name] = StringAt(pvc, {"metadata", "uid"});
    s.pvc_capacity[name] = StringAt(pvc, {"status", "capacity", "storage"});
    if (StringAt(pvc, {"metadata", "annotations", kMemberLeft}) == "true") {
      s.pvc_member_left.insert(name);
    }
  }
  for (const CompiledRole& role : desired_.roles) {
    std::string leader = kube_.LeaderOf(role.stateful_set);
    if (!leader.empty()) s.leaders[role.stateful_set] = leader;
    if (const Json* sts = kube_.Find("StatefulSet", role.stateful_set)) {
      s.replicas[role.stateful_set] = IntAt(*sts, {"spec", "replicas"}, 1);
    }
  }
  return s;
}

void Simulator::Diff(const Snapshot& before, const Snapshot& after) {
  for (const auto& [name, view] : before.pods) {
    auto it = after.pods.find(name);
    if (it == after.pods.end()) {
      Event(absl::StrCat("pod ", name, " deleted"));
    } else if (it->second.uid != view.uid) {
      Event(absl::StrCat("pod ", name, " recreated (", it->second.hash, ")"));
    } else if (it->second.ready != view.ready) {
      Event(absl::StrCat("pod ", name, it->second.ready ? " Ready" : " not Ready"));
    }
  }
  for (const auto& [name, view] : after.pods) {
    if (before.pods.count(name) == 0) {
      Event(absl::StrCat("pod ", name, " created (", view.hash, ")"));
    }
    auto old = before.pods.find(name);
    if (view.ready && old != before.pods.end() && old->second.uid != view.uid) {
      Event(absl::StrCat("pod ", name, " Ready"));
    }
    if (view.ready) fault_affected_.erase(name);
  }
  for (const auto& [name, uid] : before.pvc_uid) {
    auto it = after.pvc_uid.find(name);
    if (it == after.pvc_uid.end() || it->second != uid) {
      Event(absl::StrCat("PVC ", name, " deleted"));
      CheckPvcGone(name, before.pvc_member_left.count(name) > 0);
      if (it != after.pvc_uid.end()) Event(absl::StrCat("PVC ", name, " created"));
    }
  }
  for (const auto& [name, uid] : after.pvc_uid) {
    if (before.pvc_uid.count(name) == 0) Event(absl::StrCat("PVC ", name, " created"));
    auto old = before.pvc_capacity.find(name);
    if (old != before.pvc_capacity.end() && before.pvc_uid.at(name) == uid &&
        old->second != after.pvc_capacity.at(name)) {
      Event(absl::StrCat("PVC ", name, " capacity ", after.pvc_capacity.at(name)));
    }
  }
  for (const auto& [sts, leader] : after.leaders) {
    auto old = before.leaders.find(sts);
    if (old == before.leaders.end() || old->second != leader) {
      Event(absl::StrCat("leader of ", sts, ": ", leader));
    }
  }
}

void Simulator::Sync() {
  Snapshot now = Take();
  Diff(last_, now);
  last_ = std::move(now);
}

void Simulator::Advance(absl::Time t) {
  kube_.Reconcile(t);
  Sync();
}

std::map<int32_t, Member> Simulator::MembersOf(const CompiledRole& role) const {
  std::map<int32_t, Member> out;
  int64_t replicas = 0;
  if (const Json* sts = kube_.Find("StatefulSet", role.stateful_set)) {
    replicas = IntAt(*sts, {"spec", "replicas"}, 1);
  }
  for (int32_t i = 0; i < replicas; ++i) {
    out[i] = Member{.ordinal = i, .pod = absl::StrCat(role.stateful_set, "-", i)};
  }
  for (const auto& [ordinal, pod] : kube_.PodsOf(role.stateful_set)) {
    out[ordinal] = Member{.ordinal = ordinal, .pod = StringAt(*pod, {"metadata", "name"})};
  }
  const std::string& leader_label = role.role.rollout.leader_label;
  for (auto& [ordinal, m] : out) {
    const Json* pod = kube_.Find("Pod", m.pod);
    if (pod == nullptr) continue;
    m.exists = true;
    m.ready = kube_.PodReady(m.pod);
    std::optional<absl::Time> since = kube_.ReadySince(m.pod);
    m.available = since.has_value() &&
                  *since + absl::Seconds(role.role.rollout.min_ready_seconds) <= kube_.now();
    m.at_spec = StringAt(*pod, {"metadata", "annotations", kSpecHash}) == role.spec_hash;
    m.leader = !leader_label.empty() &&
               StringAt(*pod, {"metadata", "labels", leader_label.c_str()}) == "true";
  }
  return out;
}

void Simulator::CheckDisruption(const CompiledRole& role, int32_t ordinal,
                                const std::string& how) {
  std::map<int32_t, Member> members = MembersOf(role);
  auto it = members.find(ordinal);
  // Already out, or out when the plan was made (a repair of an unready
  // member that came up while the round ran is planned on what was seen).
  if (it == members.end() || !it->second.available ||
      available_at_plan_.count(it->second.pod) == 0) {
    return;
  }
  const Member& target = it->second;
  // A member a fault took down after this round's plan was made counts as
  // available: the planner could not have known (the gate would catch it in
  // a real cluster; the next plan sees it).
  int32_t unavailable = 0;
  int32_t available_after = 0;
  std::vector<std::string> down;
  for (const auto& [o, m] : members) {
    if (o == ordinal) continue;
    if (m.available || DownSincePlan(m.pod)) {
      ++available_after;
    } else {
      ++unavailable;
      down.push_back(existed_at_plan_.count(m.pod) > 0
                         ? m.pod
                         : absl::StrCat(m.pod, " added by this plan, not Ready yet"));
    }
  }
  // Role::RolloutBudget (CompiledRole::max_unavailable) lets strategy
  // parallel opt out of the quorum cap (ROLLOUT-RULES 5); such a role is
  // exempt from the majority check below too.
  const bool quorum_opt_out = role.role.quorum == Quorum::kMajority &&
                              role.role.rollout.strategy == RolloutStrategy::kParallel;
  const int32_t budget = role.max_unavailable;
  if (unavailable >= budget) {
    Violation(absl::StrCat(how, " ", target.pod, " while ", unavailable, " member(s) of role ",
                           role.name, " were unavailable (", absl::StrJoin(down, ", "),
                           "); budget ", budget, " (",
                           StrategyName(role.role.rollout.strategy),
                           role.role.quorum == Quorum::kMajority ? ", quorum" : "", ")"));
  }
  // Quorum: a 1- or 2-member quorum role cannot be rolled without losing it
  // (ROLLOUT-RULES 24 allows it with a warning), so only n >= 3 is checked.
  int32_t n = static_cast<int32_t>(members.size());
  if (role.role.quorum == Quorum::kMajority && !quorum_opt_out && n >= 3 &&
      available_after < n / 2 + 1) {
    bool added = std::any_of(down.begin(), down.end(), [](const std::string& d) {
      return absl::StrContains(d, "added by this plan");
    });
    Violation(absl::StrCat(how, " ", target.pod, " leaves quorum role ", role.name, " with ",
                           available_after, " available of ", n, " (needs ", n / 2 + 1, "; ",
                           StrategyName(role.role.rollout.strategy), ")",
                           added ? "; down: members added by this plan, not Ready yet" : ""));
  }
  // A requested replacement (SPEC-2 §9 replace) restarts a member at the
  // desired spec on purpose; it is exempt from the needless-restart and
  // rolling-order checks below, not from the budget and quorum checks above.
  bool replacing = false;
  for (const MemberReplace& r : role.replace) replacing |= r.member == target.pod;
  if (target.at_spec && how == "restart" && fault_hit_round_.count(target.pod) == 0 &&
      !replacing) {
    Violation(absl::StrCat("restart ", target.pod,
                           " which already runs the desired spec (needless restart)"));
  }
  // Past a stuck member: one the plan already saw not Ready (a member
  // restarted in the same wave is not yet known to be stuck).
  for (const auto& [o, m] : members) {
    if (o != ordinal && Stuck(m.pod) && unready_at_plan_.count(m.pod) > 0) {
      Violation(absl::StrCat(how, " ", target.pod, " past stuck member ", m.pod,
                             " (never Ready): the plan must stop at it"));
    }
  }
  // Order among the Ready members still to update.
  const RolloutPolicy& policy = role.role.rollout;
  if (!target.at_spec && !policy.zone_parallel && !replacing) {
    bool has_leader = false;
    for (const auto& [o, m] : members) has_leader |= m.leader;
    bool followers_first = policy.order == RolloutOrder::kFollowersFirst && has_leader;
    for (const auto& [o, m] : members) {
      if (o == ordinal || m.at_spec || !m.exists || wave_.count(m.pod) > 0) continue;
      // A leadership a fault moved after the plan was made is not the
      // planner's to know (the next plan re-resolves it).
      if (followers_first && target.leader &&
          (leader_at_plan_.count(target.pod) > 0 || fault_hit_round_.empty())) {
        Violation(absl::StrCat("restart leader ", target.pod, " of role ", role.name,
                               " before follower ", m.pod, " (followersFirst: leader last)"));
        break;
      }
      bool m_leader = m.leader || leader_at_plan_.count(m.pod) > 0;
      if (!m.available || (followers_first && m_leader)) continue;
      bool before = policy.order == RolloutOrder::kOrdinalAscending ? o < ordinal
                                                                     : o > ordinal;
      if (before) {
        Violation(absl::StrCat(
            how, " ", target.pod, " before ", m.pod, " (order ",
            policy.order == RolloutOrder::kOrdinalAscending ? "ordinalAscending"
                                                            : "ordinalDescending",
            ")"));
        break;
      }
    }
  }
  CheckDependencies(role, absl::StrCat(how, " ", target.pod));
}

void Simulator::CheckDependencies(const CompiledRole& role, const std::string& what) {
  for (const std::string& dep_name : role.depends_on) {
    const CompiledRole* dep = desired_.FindRole(dep_name);
    if (dep == nullptr) continue;
    std::map<int32_t, Member> members = MembersOf(*dep);
    std::vector<std::string> problems;
    for (int32_t i = 0; i < dep->members; ++i) {
      auto it = members.find(i);
      std::string pod = absl::StrCat(dep->stateful_set, "-", i);
      if (it == members.end() || !it->second.exists) {
        problems.push_back(absl::StrCat(pod, " missing"));
      } else if (!it->second.at_spec) {
        problems.push_back(absl::StrCat(pod, " not updated"));
      } else if (!it->second.ready && !Transient(pod) && !DownSincePlan(pod)) {
        problems.push_back(absl::StrCat(pod, " not Ready"));
      }
    }
    if (!problems.empty()) {
      Violation(absl::StrCat(what, " of role ", role.name, " while its dependency ", dep_name,
                             " is not settled (", absl::StrJoin(problems, ", "), ")"));
    }
  }
}

void Simulator::CheckStatefulSetApply(const Step& step) {
  const CompiledRole* role = RoleOfStatefulSet(step.target.name);
  if (role == nullptr || !step.object.is_object()) return;
  const Json* current = kube_.Find("StatefulSet", step.target.name);
  int64_t want = IntAt(step.object, {"spec", "replicas"}, 1);
  int64_t have = 0;
  if (current == nullptr) {
    // A re-creation (after an orphaning delete) finds its pods still there
    // and is held to the same membership rules as a change of replicas.
    std::map<int32_t, const Json*> pods = kube_.PodsOf(role->stateful_set);
    if (pods.empty()) {
      if (want > 0) {
        CheckDependencies(*role, absl::StrCat("create StatefulSet ", role->stateful_set));
      }
      if (want > 1 && role->role.rollout.initial == InitialRollout::kSerial) {
        Violation(absl::StrCat("create StatefulSet ", role->stateful_set, " with ", want,
                               " replicas: role ", role->name,
                               " (rollout.initial: serial) must start with one member"));
      }
      return;
    }
    auto orphaned = orphaned_replicas_.find(role->stateful_set);
    have = orphaned != orphaned_replicas_.end() ? orphaned->second : pods.rbegin()->first + 1;
  } else {
    have = IntAt(*current, {"spec", "replicas"}, 1);
  }
  if (want == have) return;
  if (desired_.stopped && want == 0) {
    // Stop: all at once, no memberLeave, but dependents must be gone first.
    for (const CompiledRole& other : desired_.roles) {
      if (std::find(other.depends_on.begin(), other.depends_on.end(), role->name) ==
          other.depends_on.end()) {
        continue;
      }
      if (!kube_.PodsOf(other.stateful_set).empty()) {
        Violation(absl::StrCat("stop of ", role->name, " while ", other.name,
                               ", which depends on it, still has pods"));
      }
    }
    return;
  }
  if (have == 0) {
    CheckDependencies(*role, absl::StrCat("start StatefulSet ", role->stateful_set));
  }
  const Role& spec = role->role;
  const bool serial_start = spec.rollout.initial == InitialRollout::kSerial;
  bool stepped = spec.quorum == Quorum::kMajority || spec.lifecycle.member_leave.has_value() ||
                 spec.lifecycle.member_join.has_value() || serial_start;
  if (stepped && std::abs(want - have) > 1 && have > 0) {
    Violation(absl::StrCat("StatefulSet ", role->stateful_set, " replicas ", have, " -> ", want,
                           ": role ", role->name,
                           " (quorum, member hooks or rollout.initial: serial) must change by "
                           "one at a time"));
  }
  if (serial_start && have == 0 && want > 1) {
    Violation(absl::StrCat("StatefulSet ", role->stateful_set, " replicas 0 -> ", want,
                           ": role ", role->name,
                           " (rollout.initial: serial) must start with one member"));
  }
  std::map<int32_t, Member> members = MembersOf(*role);
  if (want < have) {
    for (int64_t o = want; o < have; ++o) {
      std::string pod = absl::StrCat(role->stateful_set, "-", o);
      if (spec.lifecycle.member_leave.has_value() && kube_.Find("Pod", pod) != nullptr &&
          member_left_.count(pod) == 0) {
        Violation(absl::StrCat("scale-in removes ", pod, " before memberLeave ran in it"));
      }
    }
  } else if (stepped && have > 0) {
    for (const auto& [o, m] : members) {
      if (o >= have) continue;
      if (!m.ready && !Transient(m.pod) && !DownSincePlan(m.pod)) {
        Violation(absl::StrCat("scale-out of ", role->name, " to ", want, " while ", m.pod,
                               " is not Ready (members are added one at a time)"));
        break;
      }
    }
  }
}

void Simulator::CheckPvcGone(const std::string& name, bool member_left) {
  if (desired_.stopped) {
    Violation(absl::StrCat("PVC ", name, " deleted while the cluster is stopped (stop keeps "
                           "every PVC)"));
    return;
  }
  for (const CompiledRole& role : desired_.roles) {
    for (const Storage& storage : role.storage) {
      std::string prefix = absl::StrCat(storage.name, "-");
      if (name.rfind(prefix, 0) != 0) continue;
      std::optional<int32_t> ordinal =
          PodOrdinal(absl::string_view(name).substr(prefix.size()), role.stateful_set);
      if (!ordinal.has_value()) continue;
      std::string pod = absl::StrCat(role.stateful_set, "-", *ordinal);
      int64_t replicas = 0;
      if (const Json* sts = kube_.Find("StatefulSet", role.stateful_set)) {
        replicas = IntAt(*sts, {"spec", "replicas"}, 1);
      }
      if (storage.on_scale_down == VolumePolicy::kDelete && *ordinal >= replicas) return;
      // A replaced member's PVCs go, but only after its memberLeave
      // succeeded (SPEC-2 §9 replace).
      bool replace_requested = false;
      for (const MemberReplace& m : role.replace) replace_requested |= m.member == pod;
      if (replace_requested) {
        if (!role.role.lifecycle.member_leave.has_value() || member_left_.count(pod) > 0) return;
        Violation(absl::StrCat("PVC ", name, " of ", pod,
                               " deleted for a replacement before its memberLeave succeeded"));
        return;
      }
      if (storage.after_leave == AfterLeave::kWipe &&
          (member_left_.count(pod) > 0 || member_left)) {
        return;
      }
      auto deleted = deleted_sts_.find(role.stateful_set);
      if (storage.on_cluster_delete == VolumePolicy::kDelete && deleted != deleted_sts_.end() &&
          deleted->second == "cascade") {
        return;
      }
      Violation(absl::StrCat("PVC ", name, " deleted, but role ", role.name, " storage ",
                             storage.name, " says onScaleDown ",
                             storage.on_scale_down == VolumePolicy::kDelete ? "delete" : "retain",
                             ", afterLeave ",
                             storage.after_leave == AfterLeave::kWipe ? "wipe" : "keep",
                             " (member ", pod, member_left_.count(pod) ? " left" : " did not leave",
                             ", replicas ", replicas, ")"));
      return;
    }
  }
}

void Simulator::CheckPlanShape(const Plan& plan) {
  std::set<int32_t> ids;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    if (s.id != static_cast<int32_t>(i) + 1) {
      Violation(absl::StrCat("plan step at position ", i + 1, " has id ", s.id));
    }
    for (int32_t a : s.after) {
      if (ids.count(a) == 0) {
        Violation(absl::StrCat("step ", s.id, " waits for step ", a,
                               " which does not come before it"));
      }
    }
    ids.insert(s.id);
  }
  for (int32_t n : plan.next) {
    if (ids.count(n) == 0) {
      Violation(absl::StrCat("next names unknown step ", n));
    } else if (!plan.steps[n - 1].after.empty()) {
      Violation(absl::StrCat("next names step ", n, " which waits for other steps"));
    }
  }
  if (plan.next.empty() && !plan.steps.empty()) {
    Violation("the plan has steps but nothing in next");
  }
}

void Simulator::CheckConverged() {
  if (desired_.stopped) {
    for (const CompiledRole& role : desired_.roles) {
      const Json* sts = kube_.Find("StatefulSet", role.stateful_set);
      if (sts != nullptr && IntAt(*sts, {"spec", "replicas"}, 1) != 0) {
        Violation(absl::StrCat("converged while stopped, but StatefulSet ", role.stateful_set,
                               " has replicas ", IntAt(*sts, {"spec", "replicas"}, 1)));
      }
      if (!kube_.PodsOf(role.stateful_set).empty()) {
        Violation(absl::StrCat("converged while stopped, but ", role.name, " still has pods"));
      }
    }
    return;
  }
  for (const CompiledRole& role : desired_.roles) {
    const Json* sts = kube_.Find("StatefulSet", role.stateful_set);
    if (sts == nullptr) {
      Violation(absl::StrCat("converged, but StatefulSet ", role.stateful_set, " is missing"));
      continue;
    }
    if (IntAt(*sts, {"spec", "replicas"}, 1) != role.members) {
      Violation(absl::StrCat("converged, but StatefulSet ", role.stateful_set, " has replicas ",
                             IntAt(*sts, {"spec", "replicas"}, 1), ", want ", role.members));
    }
    for (const auto& [ordinal, m] : MembersOf(role)) {
      if (ordinal >= role.members) {
        if (m.exists) {
          Violation(absl::StrCat("converged, but surplus pod ", m.pod, " exists"));
        }
        continue;
      }
      if (!m.exists || !m.ready) {
        Violation(absl::StrCat("converged, but ", m.pod, " is not Ready"));
      } else if (!m.at_spec) {
        Violation(absl::StrCat("converged, but ", m.pod, " does not run spec ", role.spec_hash));
      }
    }
  }
  for (const Object& object : desired_.objects) {
    const Json* have = kube_.Find(object.kind, object.name);
    if (have == nullptr) {
      if (!kube_.Objects(object.kind).empty() || object.kind == "StatefulSet" ||
          object.kind == "Service" || object.kind == "ConfigMap" ||
          object.kind == "PodDisruptionBudget") {
        Violation(absl::StrCat("converged, but ", object.kind, " ", object.name, " is missing"));
      }
      continue;
    }
    const char* field = object.kind == "ConfigMap" ? "data" : "spec";
    if (object.kind == "StatefulSet") {
      if (At(*have, {"spec", "template"}) != At(object.body, {"spec", "template"})) {
        Violation(absl::StrCat("converged, but StatefulSet ", object.name,
                               " does not have the desired pod template"));
      }
    } else if (object.kind != "Service" && At(*have, {field}) != At(object.body, {field})) {
      Violation(absl::StrCat("converged, but ", object.kind, " ", object.name,
                             " differs from the desired ", field));
    }
  }
}

Simulator::Outcome Simulator::Exec(const Step& step) {
  std::string hook = step.hook == Hook::kNone ? "exec" : HookName(step.hook);
  std::string in = step.pod.empty() ? step.target.name : step.pod;
  std::string target = step.target.kind == "Pod" ? step.target.name : in;
  for (const std::string& env : step.env) {
    if (absl::StartsWith(env, "STRATA_TARGET_POD=")) {
      target = env.substr(std::string("STRATA_TARGET_POD=").size());
    }
  }
  const Json* pod = kube_.Find("Pod", in);
  if (pod == nullptr || StringAt(*pod, {"status", "phase"}) != "Running") {
    Event(absl::StrCat("exec ", hook, " in ", in, ": failed, the pod is not running"));
    return Outcome::kStop;
  }
  if (step.hook == Hook::kGate) {
    auto it = gate_failures_.find(target);
    if (it != gate_failures_.end() && it->second > 0) {
      --it->second;
      progress_ = true;
      Event(absl::StrCat("exec gate in ", in, " for ", target,
                         ": exit 1 (injected gate-fails, ", it->second, " left); ", target,
                         " is not disrupted this round"));
      return Outcome::kStop;
    }
    Event(absl::StrCat("exec gate in ", in, " for ", target, ": exit 0"));
    return Outcome::kDone;
  }
  if (step.hook == Hook::kMemberLeave) member_left_.insert(target);
  if (step.hook == Hook::kMemberJoin) member_left_.erase(target);
  Event(absl::StrCat("exec ", hook, " in ", in, ": exit 0"));
  progress_ = true;
  return Outcome::kDone;
}

void Simulator::CheckPacing(const CompiledRole& role, const Step& step) {
  const absl::Time now = kube_.now();
  // Restarting a member that was down already repairs it; only disrupting an
  // available one waits for a window (as it needs no approval).
  if (!desired_.maintenance.windows.empty() && available_at_plan_.count(step.target.name) > 0) {
    std::optional<WindowSpan> span = CurrentOrNextWindow(desired_.maintenance.windows, now);
    if (!span.has_value() || span->start > now) {
      Violation(absl::StrCat("restart ", step.target.name, " at ", Rfc3339(now),
                             " outside every maintenance window",
                             span.has_value() ? absl::StrCat(" (the next is ", span->ToString(), ")")
                                              : ""));
    }
  }
  if (step.phase != Phase::kUpdate) return;
  const int32_t interval = role.role.rollout.min_interval_seconds;
  auto last = last_restart_.find(role.name);
  // Members of one wave restart at the same moment; a later restart is the
  // next wave. Measured in whole seconds, as the planner can: it sees the
  // restart only as the new pod's creationTimestamp.
  const absl::Time since = absl::FromUnixSeconds(absl::ToUnixSeconds(
      last != last_restart_.end() ? last->second : absl::UnixEpoch()));
  if (interval > 0 && last != last_restart_.end() && now != last->second &&
      now - since < absl::Seconds(interval)) {
    Violation(absl::StrCat("restart ", step.target.name, " at ", Rfc3339(now), " only ",
                           absl::FormatDuration(now - since),
                           " after the role's last restart (rollout.minIntervalSeconds=",
                           interval, ")"));
  }
  last_restart_[role.name] = now;
}

WaitStatus Simulator::Holds(const WaitCondition& condition) const {
  return CheckWait(
      condition,
      [this](const std::string& kind, const std::string& name) { return kube_.Find(kind, name); },
      kube_.now());
}

Simulator::Outcome Simulator::Wait(const Step& step) {
  absl::Time started = kube_.now();
  absl::Duration timeout = step.timeout_seconds > 0 ? absl::Seconds(step.timeout_seconds)
                                                    : kDefaultWaitTimeout;
  absl::Time deadline = started + timeout;
  if (!step.condition.has_value()) {
    Violation(absl::StrCat("wait step ", step.id, " has no condition"));
    return Outcome::kStop;
  }
  const std::string text = step.condition->ToString();
  while (true) {
    WaitStatus status = Holds(*step.condition);
    if (status.holds) {
      Event(absl::StrCat("wait ", text, ": holds after ",
                         absl::FormatDuration(kube_.now() - started)));
      return Outcome::kDone;
    }
    std::optional<absl::Time> next = kube_.NextEventTime();
    if (HoldsByTimeAlone(*step.condition) && status.holds_at.has_value() && *status.holds_at > kube_.now() &&
        (!next.has_value() || *status.holds_at < *next)) {
      // It holds by time alone (a window opening, an interval passing): wait
      // for that moment, not the step's timeout. (A Ready pod's holds_at comes
      // from a lastTransitionTime in whole seconds, earlier than the model's
      // exact time; those waits keep following the model's events.)
      next = status.holds_at;
      deadline = std::max(deadline, *status.holds_at);
    }
    if (next.has_value() && *next <= deadline) {
      Advance(*next);
      continue;
    }
    if (kube_.now() < deadline) {
      Advance(deadline);
      continue;
    }
    Event(absl::StrCat("wait ", text, ": timed out after ",
                       absl::FormatDuration(timeout), " (", status.why, ")"));
    return Outcome::kStop;
  }
}

Simulator::Outcome Simulator::RunStep(const Step& step) {
  step_id_ = step.id;
  const Target& t = step.target;
  switch (step.action) {
    case Action::kApply: {
      if (t.kind == "StatefulSet") CheckStatefulSetApply(step);
      absl::Status s = kube_.Apply(step.object);
      std::string note;
      if (t.kind == "StatefulSet") {
        note = absl::StrCat(" (replicas ", IntAt(step.object, {"spec", "replicas"}, 1), ")");
      }
      if (!s.ok()) {
        Violation(absl::StrCat("the API server rejects ", s.message()));
        return Outcome::kStop;
      }
      Event(absl::StrCat("apply ", t.kind, " ", t.name, note));
      return Outcome::kDone;
    }
    case Action::kDelete: {
      if (t.kind == "Pod") {
        int32_t ordinal = 0;
        if (const CompiledRole* role = RoleOfPod(t.name, &ordinal)) {
          CheckDisruption(*role, ordinal, "delete");
        }
      } else if (t.kind == "StatefulSet" && !step.orphan) {
        if (const CompiledRole* role = RoleOfStatefulSet(t.name)) {
          for (const auto& [ordinal, m] : MembersOf(*role)) {
            if (m.exists) CheckDisruption(*role, ordinal, "delete (cascading)");
          }
        }
      }
      if (t.kind == "StatefulSet") {
        deleted_sts_[t.name] = step.orphan ? "orphan" : "cascade";
        if (const Json* sts = kube_.Find("StatefulSet", t.name); sts != nullptr && step.orphan) {
          orphaned_replicas_[t.name] = IntAt(*sts, {"spec", "replicas"}, 1);
        }
      }
      absl::Status s = kube_.Delete(t.kind, t.name, step.orphan);
      if (!s.ok() && s.code() != absl::StatusCode::kNotFound) {
        Violation(absl::StrCat("delete ", t.kind, " ", t.name, " failed: ", s.message()));
        return Outcome::kStop;
      }
      Event(absl::StrCat("delete ", t.kind, " ", t.name, step.orphan ? " (orphan)" : "",
                         s.ok() ? "" : " (already gone)"));
      return Outcome::kDone;
    }
    case Action::kRestart: {
      int32_t ordinal = 0;
      const CompiledRole* role = RoleOfPod(t.name, &ordinal);
      if (role != nullptr) {
        CheckDisruption(*role, ordinal, "restart");
        CheckPacing(*role, step);
      }
      absl::Status s = kube_.DeletePod(t.name);
      Event(absl::StrCat("restart ", t.name, s.ok() ? "" : " (no such pod)"));
      if (never_ready_.count(t.name) == 0) fault_affected_.erase(t.name);
      return Outcome::kDone;
    }
    case Action::kExec:
      return Exec(step);
    case Action::kWait:
      return Wait(step);
    case Action::kResizePvc: {
      absl::Status s = kube_.ResizePvc(t.name, step.size);
      if (!s.ok()) {
        Violation(absl::StrCat("resizePvc ", t.name, " to ", step.size, " failed: ",
                               s.message()));
        return Outcome::kStop;
      }
      Event(absl::StrCat("resizePvc ", t.name, " to ", step.size));
      return Outcome::kDone;
    }
  }
  return Outcome::kDone;
}

void Simulator::FireFault(const Fault& fault) {
  switch (fault.kind) {
    case Fault::Kind::kPodDies:
      for (const std::string& pod : fault.pods) {
        if (kube_.PodReady(pod)) fault_took_ready_.insert(pod);
        if (kube_.CrashPod(pod).ok()) {
          fault_affected_.insert(pod);
          fault_hit_round_.insert(pod);
          Event(absl::StrCat("FAULT: pod ", pod, " dies (containers crash and restart)"));
        } else {
          Event(absl::StrCat("FAULT: pod ", pod, " would die but does not exist"));
        }
      }
      break;
    case Fault::Kind::kNodeLoss: {
      std::vector<std::string> lost;
      for (const std::string& pod : fault.pods) {
        if (kube_.PodReady(pod)) fault_took_ready_.insert(pod);
        if (kube_.LosePod(pod).ok()) {
          lost.push_back(pod);
          fault_affected_.insert(pod);
          fault_hit_round_.insert(pod);
        }
      }
      Event(absl::StrCat("FAULT: node lost, taking down ", absl::StrJoin(lost, ", ")));
      break;
    }
    default:
      break;
  }
}

void Simulator::FireStepFaults() {
  for (const Fault& fault : options_.faults) {
    if ((fault.kind == Fault::Kind::kPodDies || fault.kind == Fault::Kind::kNodeLoss) &&
        fault.at_step == steps_run_) {
      FireFault(fault);
    }
  }
}

absl::StatusOr<const Step*> Simulator::Client::Current(Action a, Action b) const {
  if (!sim_.current_.has_value() ||
      (sim_.current_->action != a && sim_.current_->action != b)) {
    return absl::InternalError("the simulated cluster was called outside a plan step");
  }
  return &*sim_.current_;
}

absl::StatusOr<Json> Simulator::Client::Apply(const Json& object, const ApplyOptions& options) {
  if (options.dry_run) return object;
  absl::StatusOr<const Step*> step = Current(Action::kApply, Action::kApply);
  if (!step.ok()) return step.status();
  if (sim_.RunStep(**step) == Outcome::kStop) {
    return absl::InvalidArgumentError(
        absl::StrCat("apply ", (*step)->target.kind, " ", (*step)->target.name,
                     ": the simulated API server refused it"));
  }
  return object;
}

absl::Status Simulator::Client::Delete(const ObjectRef& ref, const DeleteOptions& options) {
  absl::StatusOr<const Step*> step = Current(Action::kDelete, Action::kRestart);
  if (!step.ok()) return step.status();
  if (const Json* have = sim_.kube_.Find(ref.kind, ref.name);
      have != nullptr && !options.uid.empty() &&
      StringAt(*have, {"metadata", "uid"}) != options.uid) {
    sim_.Event(absl::StrCat("delete ", ref.kind, " ", ref.name,
                            ": refused, the uid precondition failed (recreated meanwhile)"));
    return absl::AbortedError(absl::StrCat("delete ", ref.kind, " ", ref.name,
                                           ": 409 Conflict: uid precondition"));
  }
  if (sim_.RunStep(**step) == Outcome::kStop) {
    return absl::InternalError(absl::StrCat("delete ", ref.kind, " ", ref.name, " failed"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ExecResult> Simulator::Client::Exec(const ExecRequest& request) {
  absl::StatusOr<const Step*> step = Current(Action::kExec, Action::kExec);
  if (!step.ok()) return step.status();
  const Json* pod = sim_.kube_.Find("Pod", request.pod);
  const bool running = pod != nullptr && StringAt(*pod, {"status", "phase"}) == "Running";
  if (sim_.Exec(**step) == Outcome::kDone) return ExecResult{};
  if (!running) {
    return absl::FailedPreconditionError(
        absl::StrCat("exec in ", request.pod, ": the pod is not running"));
  }
  return ExecResult{.exit_code = 1, .stderr_text = "injected gate-fails"};
}

absl::Status Simulator::Client::ResizePvc(const ObjectRef& pvc, const std::string& size) {
  absl::StatusOr<const Step*> step = Current(Action::kResizePvc, Action::kResizePvc);
  if (!step.ok()) return step.status();
  if (sim_.RunStep(**step) == Outcome::kStop) {
    return absl::InvalidArgumentError(
        absl::StrCat("resize PVC ", pvc.name, " to ", size, ": refused"));
  }
  return absl::OkStatus();
}

void Simulator::AfterStep() {
  ++steps_run_;
  ++timeline_.steps;
  Advance(kube_.now());
  FireStepFaults();
  Advance(kube_.now());
}

bool Simulator::Execute(const Plan& plan, const ObservedState& before) {
  // The first wave: restarts reachable from `next` without passing a wait.
  wave_.clear();
  std::vector<bool> unwaited(plan.steps.size() + 1, false);
  for (const Step& s : plan.steps) {
    bool ok = s.action != Action::kWait;
    for (int32_t a : s.after) {
      ok &= a >= 1 && a < s.id && unwaited[a];
    }
    unwaited[s.id] = ok && s.action != Action::kWait;
    if (ok && s.action == Action::kRestart) wave_.insert(s.target.name);
  }
  Client client(*this);
  ExecuteOptions options{
      .observed = &before,
      .on_event =
          [this](const ExecuteEvent& e) {
            if (!e.step.has_value()) return;
            if (e.kind == ExecuteEvent::Kind::kStepStarted) {
              current_ = *e.step;
              step_id_ = e.step->id;
            } else if ((e.kind == ExecuteEvent::Kind::kStepSucceeded ||
                        e.kind == ExecuteEvent::Kind::kStepFailed) &&
                       e.step->action != Action::kWait) {
              AfterStep();
            }
          },
      .cluster = desired_.cluster,
      .pass = round_,
      .retries = &retries_};
  absl::StatusOr<PassResult> pass = ExecutePlan(plan, client, options);
  current_.reset();
  if (!pass.ok()) {
    Violation(absl::StrCat("the executor stopped: ", pass.status().message()));
    return false;
  }
  switch (pass->outcome) {
    case PassResult::Outcome::kStepFailed: {
      // A failed gate or hook: the executor retries it after its backoff.
      const Step& failed = plan.steps[*pass->failed - 1];
      auto it = retries_.find(RetryKey(failed));
      if (it != retries_.end() && it->second.retry_at > kube_.now()) {
        Advance(it->second.retry_at);
      }
      return false;
    }
    case PassResult::Outcome::kBlocked:
      Event(absl::StrCat("the executor is blocked: ", pass->message));
      return false;
    case PassResult::Outcome::kConflict:
    case PassResult::Outcome::kCancelled:
    case PassResult::Outcome::kDeadline:
      return false;
    case PassResult::Outcome::kConverged:
    case PassResult::Outcome::kProgressed:
      break;
  }
  // The waiting executor blocks at each wait the pass stopped at; the
  // replanning one observes and plans again at once.
  if (!options_.replan_at_wait) {
    for (int32_t id : pass->waiting) {
      const Step& step = plan.steps[id - 1];
      step_id_ = step.id;
      Outcome outcome = Wait(step);
      AfterStep();
      if (outcome == Outcome::kStop) return false;
    }
  }
  return true;
}

absl::StatusOr<Timeline> Simulator::Run() {
  timeline_.start = kube_.now();
  last_ = Take();
  for (const Fault& fault : options_.faults) {
    switch (fault.kind) {
      case Fault::Kind::kNeverReady:
        for (const std::string& pod : fault.pods) {
          never_ready_.insert(pod);
          kube_.SetNeverReady(pod, true);
          fault_affected_.insert(pod);
        }
        break;
      case Fault::Kind::kGateFails:
        for (const std::string& pod : fault.pods) gate_failures_[pod] += fault.times;
        break;
      default:
        if (fault.at_step <= 0) FireFault(fault);
        break;
    }
  }
  auto planner = options_.planner ? options_.planner : PlanRollout;
  std::string last_fingerprint;
  int stalls = 0;
  absl::Time last_change = kube_.now();
  for (round_ = 1;; ++round_) {
    step_id_ = 0;
    if (round_ > options_.max_plans) {
      --round_;
      Violation(absl::StrCat("did not converge within ", options_.max_plans, " plans"));
      break;
    }
    ObservedState before = kube_.ToObservedState();
    int64_t version_before = kube_.version();
    fault_hit_round_.clear();
    fault_took_ready_.clear();
    available_at_plan_.clear();
    unready_at_plan_.clear();
    existed_at_plan_.clear();
    leader_at_plan_.clear();
    for (const CompiledRole& role : desired_.roles) {
      for (const auto& [o, m] : MembersOf(role)) {
        if (m.available) available_at_plan_.insert(m.pod);
        if (m.exists && !m.ready) unready_at_plan_.insert(m.pod);
        if (m.exists) existed_at_plan_.insert(m.pod);
        if (m.leader) leader_at_plan_.insert(m.pod);
      }
    }
    absl::StatusOr<Plan> plan = planner(desired_, before,
                                         PlanOptions{.now = kube_.now(), .approve = options_.approve});
    timeline_.plans = round_;
    if (!plan.ok()) {
      return absl::Status(plan.status().code(),
                          absl::StrCat("plan ", round_, " at ", Rfc3339(kube_.now()), ": ",
                                       plan.status().message()));
    }
    if (plan->steps.empty()) {
      Event("plan is empty: converged");
      timeline_.converged = true;
      CheckConverged();
      break;
    }
    CheckPlanShape(*plan);
    Event(absl::StrCat("plan: ", plan->steps.size(), " step(s), next ",
                       absl::StrJoin(plan->next, ",")));
    progress_ = false;
    Execute(*plan, before);
    step_id_ = 0;
    std::string fingerprint;
    for (const Step& s : plan->steps) {
      absl::StrAppend(&fingerprint, ActionName(s.action), " ", s.target.kind, "/",
                      s.target.name, " ", s.condition ? s.condition->ToString() : "", ";");
    }
    bool changed = progress_ || kube_.version() != version_before;
    if (changed) {
      stalls = 0;
      last_change = kube_.now();
    } else {
      std::optional<absl::Time> next = kube_.NextEventTime();
      // A wait that holds by time alone (a maintenance window opening, an
      // interval passing) is not a stall: let that time come.
      for (const Step& s : plan->steps) {
        if (!s.condition.has_value() || !HoldsByTimeAlone(*s.condition)) continue;
        WaitStatus w = Holds(*s.condition);
        if (!w.holds && w.holds_at.has_value() && *w.holds_at > kube_.now() &&
            (!next.has_value() || *w.holds_at < *next)) {
          next = w.holds_at;
        }
      }
      if (next.has_value()) {
        Advance(*next);
        continue;
      }
      if (fingerprint == last_fingerprint) ++stalls;
      // Stuck: the same plan several times, nothing changing, and longer
      // than any of its steps would wait.
      int32_t longest = 300;
      for (const Step& s : plan->steps) longest = std::max(longest, s.timeout_seconds);
      if (stalls >= kStallRounds && kube_.now() - last_change >= absl::Seconds(longest)) {
        std::vector<std::string> stuck;
        for (const std::string& pod : never_ready_) {
          if (Stuck(pod)) stuck.push_back(pod);
        }
        const Step& first = plan->steps[plan->next.empty() ? 0 : plan->next.front() - 1];
        if (!stuck.empty()) {
          timeline_.blocked = true;
          timeline_.blocked_reason = absl::StrCat(
              absl::StrJoin(stuck, ", "), stuck.size() == 1 ? " never becomes" : " never become",
              " Ready (injected never-ready fault); the plan stops at: ", first.reason);
          bool named = false;
          for (const Step& s : plan->steps) {
            for (const std::string& pod : stuck) {
              int32_t ordinal = 0;
              const CompiledRole* role = RoleOfPod(pod, &ordinal);
              named |= s.target.name == pod ||
                       (s.condition.has_value() && s.condition->target == pod) ||
                       (role != nullptr && (s.target.name == role->stateful_set ||
                                            s.target.role == role->name));
            }
          }
          Event(absl::StrCat("blocked: ", timeline_.blocked_reason));
          if (!named) {
            Violation(absl::StrCat("the plan stalls at \"", first.reason,
                                   "\" without naming the stuck member ",
                                   absl::StrJoin(stuck, ", ")));
          }
        } else {
          Violation(absl::StrCat("no progress: the same plan ", kStallRounds,
                                 " times with nothing changing; first step: ",
                                 ActionName(first.action), " ", first.target.kind, " ",
                                 first.target.name, " (", first.reason, ")"));
        }
        break;
      }
      Advance(kube_.now() + kIdleBackoff);
    }
    last_fingerprint = fingerprint;
  }
  timeline_.final_state = kube_.ToObservedState();
  bool never_ready = std::any_of(options_.faults.begin(), options_.faults.end(),
                                 [](const Fault& f) { return f.kind == Fault::Kind::kNeverReady; });
  timeline_.ok = timeline_.violations.empty() &&
                 (timeline_.converged || (timeline_.blocked && never_ready));
  return timeline_;
}

}  // namespace

absl::StatusOr<std::vector<Fault>> ParseFaults(absl::string_view spec) {
  std::vector<Fault> faults;
  int index = 0;
  for (absl::string_view raw : absl::StrSplit(spec, absl::ByAnyChar(";,"))) {
    absl::string_view entry = absl::StripAsciiWhitespace(raw);
    if (entry.empty()) continue;
    ++index;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("--faults: entry ", index, " \"", entry, "\": ", why));
    };
    size_t eq = entry.find('=');
    if (eq == absl::string_view::npos) {
      return bad("expected KIND=VALUE with KIND never-ready, pod-dies, gate-fails or node-loss");
    }
    absl::string_view kind = absl::StripAsciiWhitespace(entry.substr(0, eq));
    absl::string_view value = absl::StripAsciiWhitespace(entry.substr(eq + 1));
    Fault f;
    auto split_at = [&](absl::string_view* pods) -> absl::Status {
      size_t at = value.rfind('@');
      if (at == absl::string_view::npos || !ParseCount(value.substr(at + 1), &f.at_step)) {
        return bad("expected POD@STEP (a step number >= 0)");
      }
      *pods = value.substr(0, at);
      return absl::OkStatus();
    };
    if (kind == "never-ready") {
      f.kind = Fault::Kind::kNeverReady;
      if (!ValidPodName(value)) return bad("expected a pod name");
      f.pods.emplace_back(value);
    } else if (kind == "pod-dies") {
      f.kind = Fault::Kind::kPodDies;
      absl::string_view pod;
      STRATA_RETURN_IF_ERROR(split_at(&pod));
      if (!ValidPodName(pod)) return bad("expected a pod name before '@'");
      f.pods.emplace_back(pod);
    } else if (kind == "gate-fails") {
      f.kind = Fault::Kind::kGateFails;
      size_t x = value.rfind('x');
      if (x == absl::string_view::npos || !ParseCount(value.substr(x + 1), &f.times) ||
          f.times < 1) {
        return bad("expected PODxTIMES (TIMES >= 1), e.g. events-broker-4x2");
      }
      if (!ValidPodName(value.substr(0, x))) return bad("expected a pod name before 'x'");
      f.pods.emplace_back(value.substr(0, x));
    } else if (kind == "node-loss") {
      f.kind = Fault::Kind::kNodeLoss;
      absl::string_view pods;
      STRATA_RETURN_IF_ERROR(split_at(&pods));
      for (absl::string_view pod : absl::StrSplit(pods, '+')) {
        if (!ValidPodName(pod)) return bad("expected POD+POD+...@STEP");
        f.pods.emplace_back(pod);
      }
    } else {
      return bad(absl::StrCat("unknown fault \"", kind,
                              "\"; expected never-ready, pod-dies, gate-fails or node-loss"));
    }
    faults.push_back(std::move(f));
  }
  return faults;
}

absl::StatusOr<Timeline> Simulate(const CompiledCluster& desired, const ObservedState& initial,
                                  const SimulateOptions& options) {
  // Every fault must name a pod of this cluster.
  for (const Fault& fault : options.faults) {
    for (const std::string& pod : fault.pods) {
      bool known = false;
      for (const CompiledRole& role : desired.roles) {
        std::optional<int32_t> ordinal = PodOrdinal(pod, role.stateful_set);
        if (!ordinal.has_value()) continue;
        int32_t limit = role.members;
        for (const Json& sts : initial.stateful_sets) {
          if (StringAt(sts, {"metadata", "name"}) == role.stateful_set) {
            limit = std::max<int32_t>(limit, IntAt(sts, {"spec", "replicas"}, 1));
          }
        }
        for (const Json& p : initial.pods) known |= StringAt(p, {"metadata", "name"}) == pod;
        known |= *ordinal < limit;
      }
      if (!known) {
        std::vector<std::string> roles;
        for (const CompiledRole& role : desired.roles) {
          roles.push_back(absl::StrCat(role.stateful_set, "-0..", role.members - 1));
        }
        return absl::InvalidArgumentError(
            absl::StrCat("--faults: ", pod, " is not a pod of cluster ", desired.cluster,
                         " (pods: ", absl::StrJoin(roles, ", "), ")"));
      }
    }
  }
  KubeModelOptions model_options = ModelOptionsFor(desired);
  model_options.ready_delay = options.ready_delay;
  model_options.resize_delay = options.resize_delay;
  STRATA_ASSIGN_OR_RETURN(KubeModel kube,
                          KubeModel::FromObservedState(initial, model_options, options.start));
  Simulator simulator(desired, options, std::move(kube));
  return simulator.Run();
}

std::string TimelineToText(const Timeline& timeline) {
  std::string out;
  for (const TimelineEvent& e : timeline.events) {
    absl::StrAppend(&out, Offset(e.time - timeline.start), "  plan ",
                    absl::StrFormat("%-3d", e.plan), "  ", e.what, "\n");
  }
  absl::Time end = timeline.events.empty() ? timeline.start : timeline.events.back().time;
  absl::StrAppend(&out, "\n");
  if (timeline.converged) {
    absl::StrAppend(&out, "converged after ", timeline.plans, " plan(s), ", timeline.steps,
                    " step(s), simulated ", Offset(end - timeline.start).substr(1), "\n");
  } else if (timeline.blocked) {
    absl::StrAppend(&out, "blocked after ", timeline.plans, " plan(s), ", timeline.steps,
                    " step(s): ", timeline.blocked_reason, "\n");
  } else {
    absl::StrAppend(&out, "did not converge after ", timeline.plans, " plan(s), ",
                    timeline.steps, " step(s)\n");
  }
  if (timeline.violations.empty()) {
    absl::StrAppend(&out, "violations: none\n");
  } else {
    absl::StrAppend(&out, "violations: ", timeline.violations.size(), "\n");
    for (const std::string& v : timeline.violations) absl::StrAppend(&out, "  - ", v, "\n");
  }
  if (timeline.ok && timeline.blocked) {
    absl::StrAppend(&out, "ok: blocked as the injected never-ready fault demands: ",
                    timeline.blocked_reason, "\n");
  } else if (!timeline.ok && timeline.violations.empty()) {
    absl::StrAppend(&out, "FAILED: ",
                    timeline.blocked ? timeline.blocked_reason : "the plans did not converge",
                    "\n");
  } else if (!timeline.ok) {
    absl::StrAppend(&out, "FAILED: ", timeline.violations.size(),
                    " invariant violation(s)\n");
  }
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
