// App and Cluster custom resources (custom_resources.h).

#include "operator/custom_resources.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "util/rfc3339.h"

namespace strata::operator_internal {
namespace {

const Json& Meta(const Json& object) {
  static const Json kEmpty = Json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find("metadata");
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

std::string StringField(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string MapValue(const Json& object, const char* map, absl::string_view key) {
  const Json& meta = Meta(object);
  auto it = meta.find(map);
  if (it == meta.end() || !it->is_object()) return "";
  auto v = it->find(std::string(key));
  return v != it->end() && v->is_string() ? v->get<std::string>() : "";
}

}  // namespace

std::string MakeKey(absl::string_view namespace_, absl::string_view name) {
  return namespace_.empty() ? std::string(name) : absl::StrCat(namespace_, "/", name);
}

std::string KeyOf(const Json& object) { return MakeKey(NamespaceOf(object), NameOf(object)); }

std::pair<std::string, std::string> SplitKey(absl::string_view key) {
  size_t slash = key.find('/');
  if (slash == absl::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

std::string NameOf(const Json& object) { return StringField(Meta(object), "name"); }
std::string NamespaceOf(const Json& object) { return StringField(Meta(object), "namespace"); }
std::string UidOf(const Json& object) { return StringField(Meta(object), "uid"); }
std::string ResourceVersionOf(const Json& object) {
  return StringField(Meta(object), "resourceVersion");
}

int64_t GenerationOf(const Json& object) {
  const Json& meta = Meta(object);
  auto it = meta.find("generation");
  return it != meta.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string AnnotationOf(const Json& object, absl::string_view key) {
  return MapValue(object, "annotations", key);
}

std::string LabelOf(const Json& object, absl::string_view key) {
  return MapValue(object, "labels", key);
}

bool IsDeleting(const Json& object) {
  const Json& meta = Meta(object);
  auto it = meta.find("deletionTimestamp");
  return it != meta.end() && !it->is_null();
}

bool HasFinalizer(const Json& object) {
  const Json& meta = Meta(object);
  auto it = meta.find("finalizers");
  if (it == meta.end() || !it->is_array()) return false;
  return std::find(it->begin(), it->end(), Json(kFinalizer)) != it->end();
}

bool IsPaused(const Json& cluster) {
  return absl::AsciiStrToLower(AnnotationOf(cluster, kPausedAnnotation)) == "true";
}

std::vector<std::string> ApprovalTokens(const Json& cluster) {
  std::vector<std::string> tokens;
  for (absl::string_view t :
       absl::StrSplit(AnnotationOf(cluster, kApproveAnnotation), absl::ByAnyChar(", \t\n"),
                      absl::SkipEmpty())) {
    tokens.emplace_back(t);
  }
  return tokens;
}

std::vector<Source> TopologySources(const Json& app, const Json& cluster) {
  auto spec = [](const Json& o) {
    auto it = o.find("spec");
    return it != o.end() ? *it : Json::object();
  };
  Json app_doc = {{"apiVersion", kApiVersion},
                  {"kind", "App"},
                  {"metadata", {{"name", NameOf(app)}}},
                  {"spec", spec(app)}};
  Json cluster_meta = {{"name", NameOf(cluster)}, {"namespace", NamespaceOf(cluster)}};
  const Json& meta = Meta(cluster);
  if (auto labels = meta.find("labels"); labels != meta.end() && labels->is_object() &&
                                         !labels->empty()) {
    cluster_meta["labels"] = *labels;
  }
  Json cluster_doc = {{"apiVersion", kApiVersion},
                      {"kind", "Cluster"},
                      {"metadata", std::move(cluster_meta)},
                      {"spec", spec(cluster)}};
  return {Source{.name = absl::StrCat("App ", NameOf(app)), .text = app_doc.dump()},
          Source{.name = absl::StrCat("Cluster ", KeyOf(cluster)), .text = cluster_doc.dump()}};
}

Json OwnerReference(const Json& cluster) {
  return Json{{"apiVersion", kApiVersion},
              {"kind", "Cluster"},
              {"name", NameOf(cluster)},
              {"uid", UidOf(cluster)},
              {"controller", true},
              {"blockOwnerDeletion", true}};
}

Json FinalizersWith(const Json& cluster, bool present) {
  Json out = Json::array();
  const Json& meta = Meta(cluster);
  if (auto it = meta.find("finalizers"); it != meta.end() && it->is_array()) {
    for (const Json& f : *it) {
      if (f != kFinalizer) out.push_back(f);
    }
  }
  if (present) out.push_back(kFinalizer);
  return out;
}

std::string FormatTime(absl::Time t) { return Rfc3339(t); }

std::string FormatMicroTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseTime(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) return t;
  return std::nullopt;
}

Json BuildStatus(const Json& previous, const StatusReport& report, absl::Time now) {
  const bool had = previous.is_object();
  Json status = Json::object();
  status["observedGeneration"] = report.generation;
  status["phase"] = report.phase;
  Json old_conditions = had && previous.contains("conditions") ? previous["conditions"]
                                                               : Json::array();
  // Counts and plan: from the report, else as they were.
  if (report.roles.has_value()) {
    int32_t members = 0, ready = 0, updated = 0;
    Json roles = Json::array();
    for (const StatusReport::Role& r : *report.roles) {
      members += r.members;
      ready += r.ready;
      updated += r.updated;
      roles.push_back(Json{{"name", r.name},
                           {"members", r.members},
                           {"ready", r.ready},
                           {"updated", r.updated}});
    }
    status["readyMembers"] = absl::StrCat(ready, "/", members);
    status["updatedMembers"] = absl::StrCat(updated, "/", members);
    status["conditions"] = Json::array();
    status["roles"] = std::move(roles);
  } else if (had) {
    for (const char* key : {"readyMembers", "updatedMembers"}) {
      if (previous.contains(key)) status[key] = previous[key];
    }
    status["conditions"] = Json::array();
    if (previous.contains("roles")) status["roles"] = previous["roles"];
  } else {
    status["conditions"] = Json::array();
  }
  for (const Condition& c : report.conditions) {
    const std::string& value = c.status;
    std::string since = operator_internal::FormatTime(now);
    for (const Json& old : old_conditions) {
      if (old.value("type", "") == c.type && old.value("status", "") == value &&
          old.contains("lastTransitionTime")) {
        since = old["lastTransitionTime"];
      }
    }
    status["conditions"].push_back(Json{{"type", c.type},
                                        {"status", value},
                                        {"observedGeneration", report.generation},
                                        {"lastTransitionTime", since},
                                        {"reason", c.reason},
                                        {"message", c.message}});
  }
  if (report.steps.has_value() || report.next.has_value()) {
    Json plan = {{"steps", report.steps.value_or(0)}, {"next", Json::array()}};
    if (report.next.has_value()) {
      for (const StatusReport::NextStep& s : *report.next) {
        plan["next"].push_back(
            Json{{"action", s.action}, {"target", s.target}, {"reason", s.reason}});
      }
    }
    status["plan"] = std::move(plan);
  } else if (had && previous.contains("plan")) {
    status["plan"] = previous["plan"];
  }
  status["message"] = report.message;
  return status;
}

bool StatusDiffers(const Json& previous, const Json& next) {
  if (!previous.is_object()) return true;
  // Key order may differ after a round trip through the API server.
  return nlohmann::json::parse(previous.dump()) != nlohmann::json::parse(next.dump());
}

}  // namespace strata::operator_internal
