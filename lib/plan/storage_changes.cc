#include "plan/storage_changes.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/names.h"
#include "kube/object.h"
#include "plan/predicates.h"
#include "plan/role_planner.h"
#include "strata/quantity.h"

namespace strata::plan_internal {

using kube::Find;
using kube::NameOf;
using kube::OrdinalOf;
using kube::PvcName;
using kube::StringAt;

namespace {

// The observed StatefulSet's claim template named `name`, or nullptr.
const Json* ObservedTemplate(const Json* sts, const std::string& name) {
  const Json* vcts = sts ? Find(*sts, {"spec", "volumeClaimTemplates"}) : nullptr;
  const Json* found = nullptr;
  if (vcts != nullptr && vcts->is_array()) {
    for (const Json& t : *vcts) {
      if (NameOf(t) == name) found = &t;
    }
  }
  return found;
}

std::string ClassText(const std::string& storage_class) {
  return storage_class.empty() ? "the cluster default" : absl::StrCat("\"", storage_class, "\"");
}

// An unnamed class took the cluster default; naming that very class now
// changes nothing for the volumes (every existing claim has it already).
bool SameClassInEffect(const std::string& have_class, const Storage& s,
                       const std::map<int32_t, const Json*>& pvcs) {
  if (!have_class.empty() || pvcs.empty()) return false;
  for (const auto& [ordinal, pvc] : pvcs) {
    if (StringAt(*pvc, {"spec", "storageClassName"}) != s.storage_class_name) return false;
  }
  return true;
}

// Compares storage entry `s` with the observed claim template `vct`: an
// error when the volumes cannot follow (returns false), else the template
// change, if any, in `out`.
bool CompareTemplate(const StorageInputs& in, const Storage& s, const Json& vct,
                     const std::map<int32_t, const Json*>& pvcs, StorageChanges& out) {
  const std::string where = absl::StrCat("role ", in.role, ": storage ", s.name);
  const std::string first_claim = PvcName(s.name, in.stateful_set, 0);
  const std::string have_text = StringAt(vct, {"spec", "resources", "requests", "storage"});
  const std::optional<Quantity> have = kube::ParseQuantityText(have_text);
  if (have.has_value() && s.size < *have) {
    out.errors.push_back(absl::StrCat(
        where, ": size ", s.size.ToString(), " is smaller than the ", have_text,
        " its claims (", first_claim, ", ...) already have; volumes cannot shrink: keep ",
        have_text, " or move the data to a new storage entry"));
    return false;
  }
  const Json* modes = Find(vct, {"spec", "accessModes"});
  std::vector<std::string> have_modes;
  if (modes != nullptr && modes->is_array()) {
    for (const Json& m : *modes) {
      if (m.is_string()) have_modes.push_back(m.get<std::string>());
    }
  }
  if (modes != nullptr && have_modes != s.access_modes) {
    out.errors.push_back(absl::StrCat(
        where, ": accessModes change from [", absl::StrJoin(have_modes, ", "), "] to [",
        absl::StrJoin(s.access_modes, ", "),
        "]; existing claims keep theirs: move the data to a new storage entry"));
    return false;
  }
  const std::string have_class = StringAt(vct, {"spec", "storageClassName"});
  if (have_class != s.storage_class_name && !SameClassInEffect(have_class, s, pvcs)) {
    out.errors.push_back(absl::StrCat(
        where, ": storageClassName changes from ", ClassText(have_class), " to ",
        ClassText(s.storage_class_name), "; existing claims (", first_claim,
        ", ...) cannot change class: move the data to a new storage entry"));
    return false;
  }
  if (have.has_value() && *have < s.size) {
    out.template_changes.push_back(absl::StrCat("volumeClaimTemplates ", s.name, " size ",
                                                have_text, " -> ", s.size.ToString()));
  }
  return true;
}

// Claims of members that are leaving (or already gone) are not grown:
// under onScaleDown: delete they vanish with the scale-in, and a kept claim
// is grown by a later plan if its ordinal ever returns.
void ClaimResizes(const StorageInputs& in, const Storage& s,
                  const std::map<int32_t, const Json*>& pvcs, StorageChanges& out) {
  for (const auto& [ordinal, pvc] : pvcs) {
    if (ordinal >= in.members) continue;
    std::optional<Quantity> request = kube::ParseQuantityText(PvcRequest(*pvc));
    std::optional<Quantity> capacity = kube::ParseQuantityText(PvcCapacity(*pvc));
    std::string cls = StringAt(*pvc, {"spec", "storageClassName"});
    if (cls.empty()) cls = s.storage_class_name;
    if (request.has_value() && *request < s.size) {
      out.resizes.push_back({NameOf(*pvc), ordinal, request->ToString(), s.size.ToString(),
                             cls, false});
    } else if (capacity.has_value() && *capacity < s.size) {
      out.resizes.push_back({NameOf(*pvc), ordinal, capacity->ToString(), s.size.ToString(),
                             cls, true});
    }
  }
}

}  // namespace

std::map<int32_t, const Json*> ClaimPvcs(const std::vector<Json>& pvcs,
                                         const std::string& claim,
                                         const std::string& stateful_set) {
  std::map<int32_t, const Json*> out;
  const std::string prefix = absl::StrCat(claim, "-", stateful_set);
  for (const Json& pvc : pvcs) {
    if (auto o = OrdinalOf(NameOf(pvc), prefix)) out[*o] = &pvc;
  }
  return out;
}

StorageChanges PlanStorageChanges(const StorageInputs& in) {
  static const std::vector<Json> kNone;
  const std::vector<Json>& all_pvcs = in.pvcs != nullptr ? *in.pvcs : kNone;
  StorageChanges out;
  for (const Storage& s : in.storage) {
    std::map<int32_t, const Json*> pvcs = ClaimPvcs(all_pvcs, s.name, in.stateful_set);
    if (const Json* vct = ObservedTemplate(in.observed_sts, s.name)) {
      if (!CompareTemplate(in, s, *vct, pvcs, out)) continue;
    } else if (in.observed_sts != nullptr) {
      out.template_changes.push_back(absl::StrCat("volumeClaimTemplates adds ", s.name));
    }
    ClaimResizes(in, s, pvcs, out);
  }
  return out;
}

constexpr int32_t kPvcResizeTimeoutSeconds = 600;

// The storage phase: every claim to grow gets its resizePvc (unless only the
// capacity is behind) and a pvcCapacity wait, in parallel; the next phase
// waits for all of them.
void RolePlanner::Resizes(Chain& chain) {
  if (resizes_.empty()) return;
  std::vector<int32_t> waits;
  for (const PvcResize& r : resizes_) {
    Chain c = chain;
    Target t{.kind = "PersistentVolumeClaim", .name = r.pvc, .role = role_.name,
             .ordinal = r.ordinal};
    if (!r.request_done) {
      Step s = MakeStep(Action::kResizePvc, t, Phase::kStorage,
                        absl::StrCat("grow ", r.pvc, " from ", r.from, " to ", r.to,
                                     ": needs StorageClass ",
                                     r.storage_class.empty()
                                         ? "(the cluster default)"
                                         : absl::StrCat("\"", r.storage_class, "\""),
                                     " with allowVolumeExpansion: true"));
      s.size = r.to;
      b_.Then(c, std::move(s));
    }
    Step w = MakeStep(Action::kWait, t, Phase::kStorage,
                      absl::StrCat("wait until ", r.pvc, " has the new capacity ", r.to,
                                   r.request_done ? " (its expansion is under way)" : ""));
    w.condition =
        WaitCondition{.kind = WaitCondition::Kind::kPvcCapacity, .target = r.pvc, .size = r.to};
    w.size = r.to;
    w.timeout_seconds = kPvcResizeTimeoutSeconds;
    waits.push_back(b_.Then(c, std::move(w)));
    ++member_steps_;
  }
  chain.frontier = waits;
}

}  // namespace strata::plan_internal
