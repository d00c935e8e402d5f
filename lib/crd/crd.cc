// CustomResourceDefinitions(): topology.proto -> the App and Cluster CRDs
// (strata/crd.h). The proto's descriptor set, built with its comments
// (protoc --include_source_info) and embedded at build time, is walked by
// reflection: fields become OpenAPI properties, comments descriptions,
// "Default X." sentences defaults and "Required" comments `required`.

#include "strata/crd.h"

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "crd/descriptor_set.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "util/status_macros.h"
#include "yaml/yaml_proto.h"

namespace strata {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptorSet;
using google::protobuf::SourceLocation;

// Proto comment text -> one description: lines trimmed and joined with
// spaces, a blank comment line starting a new paragraph.
std::string Normalize(const std::string& comment) {
  std::vector<std::string> paragraphs;
  std::string current;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) {
      if (!current.empty()) paragraphs.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (!current.empty()) current += ' ';
    absl::StrAppend(&current, line);
  }
  if (!current.empty()) paragraphs.push_back(std::move(current));
  return absl::StrJoin(paragraphs, "\n\n");
}

template <typename D>
std::string CommentOf(const D* d) {
  SourceLocation location;
  if (!d->GetSourceLocation(&location)) return "";
  return Normalize(location.leading_comments);
}

std::string Join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return absl::StrCat(a, " ", b);
}

// Whether the comment says the field is required: it opens with "Required"
// followed by '.' or ',' ("Required for followersFirst" is conditional and
// does not count).
bool IsRequired(absl::string_view comment) {
  return absl::StartsWith(comment, "Required.") || absl::StartsWith(comment, "Required,");
}

absl::Status BadDefault(const FieldDescriptor* field, absl::string_view why) {
  return absl::InternalError(absl::StrCat("topology.proto: ", field->full_name(),
                                          ": the comment's default ", why));
}

// The value of the first sentence of `comment` that reads "Default <value>."
// with <value> a quoted string, an integer, true/false or a [A, B] list,
// converted to `field`'s type; nullopt when there is none ("Default none.",
// "Default unset (...)", "Default: the App's image.").
absl::StatusOr<std::optional<Json>> DefaultOf(const FieldDescriptor* field,
                                             absl::string_view comment) {
  size_t at = 0;
  while ((at = comment.find("Default ", at)) != absl::string_view::npos) {
    const bool sentence_start = at == 0 || (at >= 2 && comment.substr(at - 2, 2) == ". ");
    if (sentence_start) break;
    at += 1;
  }
  if (at == absl::string_view::npos) return std::nullopt;
  absl::string_view rest = comment.substr(at + 8);
  const bool is_string = field->cpp_type() == FieldDescriptor::CPPTYPE_STRING;
  const bool is_integer = field->cpp_type() == FieldDescriptor::CPPTYPE_INT32 ||
                          field->cpp_type() == FieldDescriptor::CPPTYPE_INT64;
  const bool is_bool = field->cpp_type() == FieldDescriptor::CPPTYPE_BOOL;
  // The value must end its sentence.
  auto ends_sentence = [&](size_t end) {
    return end < rest.size() && rest[end] == '.' &&
           (end + 1 == rest.size() || rest[end + 1] == ' ');
  };
  if (absl::StartsWith(rest, "\"")) {
    size_t close = rest.find('"', 1);
    if (close == absl::string_view::npos || !ends_sentence(close + 1)) {
      return BadDefault(field, "has no closing quote and period");
    }
    if (!is_string || field->is_repeated()) return BadDefault(field, "is a string");
    return Json(std::string(rest.substr(1, close - 1)));
  }
  if (absl::StartsWith(rest, "[")) {
    size_t close = rest.find(']');
    if (close == absl::string_view::npos || !ends_sentence(close + 1)) {
      return BadDefault(field, "has no closing ] and period");
    }
    if (!is_string || !field->is_repeated()) return BadDefault(field, "is a list");
    Json items = Json::array();
    for (absl::string_view item : absl::StrSplit(rest.substr(1, close - 1), ',')) {
      items.push_back(std::string(absl::StripAsciiWhitespace(item)));
    }
    return items;
  }
  size_t end = 0;
  while (end < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[end])) ||
                               (end == 0 && rest[end] == '-'))) {
    ++end;
  }
  if (!ends_sentence(end)) return std::nullopt;  // "Default none (...)", "Default: ...".
  absl::string_view word = rest.substr(0, end);
  if (word == "true" || word == "false") {
    if (!is_bool) return BadDefault(field, "is a boolean");
    return Json(word == "true");
  }
  int64_t number = 0;
  if (absl::SimpleAtoi(word, &number)) {
    if (field->is_repeated() || !(is_integer || is_string)) {
      return BadDefault(field, "is an integer");
    }
    return Json(number);
  }
  return std::nullopt;  // "Default none.", "Default empty.", "Default unset."
}

class SchemaBuilder {
 public:
  // The schema of a message: an object of its fields, by JSON name.
  absl::StatusOr<Json> Message(const Descriptor* d, int depth = 0) {
    if (depth > 32) {
      return absl::InternalError(
          absl::StrCat("topology.proto: ", d->full_name(), " nests too deep (recursive?)"));
    }
    Json properties = Json::object();
    Json required = Json::array();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* field = d->field(i);
      STRATA_ASSIGN_OR_RETURN(Json schema, Field(field, depth));
      if (IsRequired(CommentOf(field))) required.push_back(field->json_name());
      properties[field->json_name()] = std::move(schema);
    }
    Json out = {{"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty()) out["required"] = std::move(required);
    return out;
  }

  // The schema of one field, with its description and default.
  absl::StatusOr<Json> Field(const FieldDescriptor* field, int depth) {
    const std::string comment = CommentOf(field);
    const Descriptor* message = field->message_type();
    Json out = Json::object();
    if (field->is_repeated() && message != nullptr && yaml_internal::IsKeyedEntry(message)) {
      // Written as a mapping: key -> the entry's second field.
      if (!comment.empty()) out["description"] = comment;
      out["type"] = "object";
      STRATA_ASSIGN_OR_RETURN(Json value, Field(message->field(1), depth + 1));
      out["additionalProperties"] = std::move(value);
      return out;
    }
    std::string description =
        message != nullptr ? Join(CommentOf(message), comment) : comment;
    if (!description.empty()) out["description"] = description;
    STRATA_ASSIGN_OR_RETURN(Json single, Single(field, depth));
    STRATA_ASSIGN_OR_RETURN(std::optional<Json> default_value, DefaultOf(field, comment));
    if (field->is_repeated()) {
      out["type"] = "array";
      out["items"] = std::move(single);
    } else {
      for (auto& [key, value] : single.items()) out[key] = value;
    }
    if (default_value.has_value()) out["default"] = *default_value;
    return out;
  }

 private:
  // The schema of one value of `field` (an item, when repeated).
  absl::StatusOr<Json> Single(const FieldDescriptor* field, int depth) {
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        // The YAML format takes any scalar for a string field (`port: 2181`).
        return Json{{"x-kubernetes-int-or-string", true}};
      case FieldDescriptor::CPPTYPE_BOOL:
        return Json{{"type", "boolean"}};
      case FieldDescriptor::CPPTYPE_INT32:
        return Json{{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::CPPTYPE_INT64:
        return Json{{"type", "integer"}, {"format", "int64"}};
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return Message(field->message_type(), depth + 1);
      default:
        return absl::InternalError(absl::StrCat("topology.proto: ", field->full_name(),
                                                ": no CRD schema for its type ",
                                                field->cpp_type_name()));
    }
  }
};

Json Str(const char* description) {
  return Json{{"description", description}, {"type", "string"}};
}

Json Int(const char* description, const char* format = "int32") {
  return Json{{"description", description}, {"type", "integer"}, {"format", format}};
}

// The envelope every custom resource has: apiVersion, kind, metadata.
Json Envelope(const std::string& description, Json spec) {
  return Json{
      {"description", description},
      {"type", "object"},
      {"properties",
       {{"apiVersion",
         Str("APIVersion defines the versioned schema of this representation of an object: "
             "strata.dev/v1.")},
        {"kind", Str("Kind is a string value representing the REST resource this object "
                     "represents.")},
        {"metadata", {{"type", "object"}}},
        {"spec", std::move(spec)}}},
      {"required", Json::array({"spec"})}};
}

// The Cluster's status (SPEC-2 §7), written by strata-operator.
Json ClusterStatusSchema() {
  Json phases = Json::array();
  for (const char* phase : kClusterPhases) phases.push_back(phase);
  Json condition = {
      {"description", "A standard Kubernetes condition."},
      {"type", "object"},
      {"properties",
       {{"type", Str("Ready, Progressing, Blocked or Invalid.")},
        {"status", {{"description", "True, False or Unknown."},
                    {"type", "string"},
                    {"enum", Json::array({"True", "False", "Unknown"})}}},
        {"observedGeneration",
         Int("The .metadata.generation the condition was set from.", "int64")},
        {"lastTransitionTime", {{"description", "When the status last changed."},
                                {"type", "string"},
                                {"format", "date-time"}}},
        {"reason", Str("A CamelCase word for programs (Converged, RollingUpdate, "
                       "WaitTimedOut, ValidationFailed, ...).")},
        {"message", Str("What a person should know.")}}},
      {"required", Json::array({"type", "status", "lastTransitionTime", "reason", "message"})}};
  Json role = {{"type", "object"},
               {"properties",
                {{"name", Str("The role.")},
                 {"members", Int("Members the Cluster asks for.")},
                 {"ready", Int("Members whose pod exists and is Ready.")},
                 {"updated", Int("Members whose pod runs the current spec-hash.")}}},
               {"required", Json::array({"name", "members", "ready", "updated"})}};
  Json step = {{"type", "object"},
               {"properties",
                {{"action", Str("apply, delete, restart, exec, wait or resizePvc.")},
                 {"target", Str("What the step acts on (kind/name, a pod, a hook).")},
                 {"reason", Str("Why the plan takes it.")}}}};
  return Json{
      {"description", "What strata-operator last found and did (SPEC-2 §7)."},
      {"type", "object"},
      {"properties",
       {{"observedGeneration",
         Int("The .metadata.generation this status describes: the spec the operator last "
             "planned from (or found invalid).",
             "int64")},
        {"phase", {{"description",
                    "Pending (not reconciled yet), Progressing, Ready (converged), Blocked "
                    "(see message), Invalid (see the Invalid condition), Paused "
                    "(strata.dev/paused), Stopped, Deleting."},
                   {"type", "string"},
                   {"enum", std::move(phases)}}},
        {"readyMembers", Str("Ready members over desired members, e.g. \"7/8\".")},
        {"updatedMembers",
         Str("Members running the current spec-hash over desired members, e.g. \"5/8\".")},
        {"conditions",
         {{"description", "Ready, Progressing, Blocked and Invalid."},
          {"type", "array"},
          {"items", std::move(condition)},
          {"x-kubernetes-list-type", "map"},
          {"x-kubernetes-list-map-keys", Json::array({"type"})}}},
        {"roles",
         {{"description", "Per role, in rollout (dependsOn) order."},
          {"type", "array"},
          {"items", std::move(role)}}},
        {"plan",
         {{"description", "The plan between the spec and what runs."},
          {"type", "object"},
          {"properties",
           {{"steps", Int("Steps the plan has.")},
            {"next", {{"description", "The first steps (up to 10), in order."},
                      {"type", "array"},
                      {"items", std::move(step)}}}}}}},
        {"message",
         Str("One sentence: why the Cluster is blocked or invalid, what it waits for, or "
             "that it is converged.")}}}};
}

Json Crd(const char* kind, const char* plural, const char* singular, const char* short_name,
         bool namespaced, Json schema, Json columns, bool status) {
  Json version = {{"name", kCrdVersion}, {"served", true}, {"storage", true}};
  if (status) version["subresources"] = {{"status", Json::object()}};
  version["additionalPrinterColumns"] = std::move(columns);
  version["schema"] = {{"openAPIV3Schema", std::move(schema)}};
  return Json{
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata",
       {{"name", absl::StrCat(plural, ".", kCrdGroup)},
        {"labels", {{"app.kubernetes.io/name", "strata-operator"},
                    {"app.kubernetes.io/part-of", "strata"}}}}},
      {"spec",
       {{"group", kCrdGroup},
        {"names",
         {{"kind", kind},
          {"listKind", absl::StrCat(kind, "List")},
          {"plural", plural},
          {"singular", singular},
          {"shortNames", Json::array({short_name})},
          {"categories", Json::array({"strata"})}}},
        {"scope", namespaced ? "Namespaced" : "Cluster"},
        {"versions", Json::array({std::move(version)})}}}};
}

Json Column(const char* name, const char* type, const char* path, const char* description,
            int priority = 0) {
  Json c = {{"name", name}, {"type", type}, {"jsonPath", path}, {"description", description}};
  if (priority != 0) c["priority"] = priority;
  return c;
}

absl::StatusOr<const Descriptor*> Find(const DescriptorPool& pool, const char* name) {
  const Descriptor* d = pool.FindMessageTypeByName(name);
  if (d == nullptr) {
    return absl::InternalError(absl::StrCat("topology.proto: no message ", name));
  }
  return d;
}

}  // namespace

absl::StatusOr<std::vector<Object>> CustomResourceDefinitions() {
  FileDescriptorSet set;
  if (!set.ParseFromArray(crd_internal::kTopologyDescriptorSet,
                          static_cast<int>(crd_internal::kTopologyDescriptorSetSize)) ||
      set.file_size() != 1) {
    return absl::InternalError("the embedded topology.proto descriptor set does not parse");
  }
  DescriptorPool pool;
  if (pool.BuildFile(set.file(0)) == nullptr) {
    return absl::InternalError("the embedded topology.proto descriptor set does not build");
  }
  STRATA_ASSIGN_OR_RETURN(const Descriptor* app, Find(pool, "strata.v1.App"));
  STRATA_ASSIGN_OR_RETURN(const Descriptor* cluster, Find(pool, "strata.v1.Cluster"));
  SchemaBuilder builder;
  STRATA_ASSIGN_OR_RETURN(Json app_spec, builder.Field(app->FindFieldByName("spec"), 0));
  STRATA_ASSIGN_OR_RETURN(Json cluster_spec,
                          builder.Field(cluster->FindFieldByName("spec"), 0));

  Json app_schema = Envelope(CommentOf(app), std::move(app_spec));
  Json cluster_schema = Envelope(CommentOf(cluster), std::move(cluster_spec));
  cluster_schema["properties"]["status"] = ClusterStatusSchema();

  Json app_columns = Json::array(
      {Column("Version", "string", ".spec.version", "The App's version."),
       Column("Age", "date", ".metadata.creationTimestamp", "Since the App was created."),
       Column("Description", "string", ".spec.description", "What the App is.", 1)});
  Json cluster_columns = Json::array(
      {Column("App", "string", ".spec.app", "The App the Cluster instantiates."),
       Column("Phase", "string", ".status.phase", "Pending, Progressing, Ready, Blocked, ..."),
       Column("Ready", "string", ".status.readyMembers", "Ready members / desired members."),
       Column("Updated", "string", ".status.updatedMembers",
              "Members on the current spec / desired members."),
       Column("Age", "date", ".metadata.creationTimestamp", "Since the Cluster was created."),
       Column("Message", "string", ".status.message",
              "Why it is blocked or invalid, or what it waits for.")});

  std::vector<Object> out;
  out.push_back(Object{.kind = "CustomResourceDefinition",
                       .name = absl::StrCat("apps.", kCrdGroup),
                       .body = Crd("App", "apps", "app", "sapp", /*namespaced=*/false,
                                   std::move(app_schema), std::move(app_columns),
                                   /*status=*/false)});
  out.push_back(Object{.kind = "CustomResourceDefinition",
                       .name = absl::StrCat("clusters.", kCrdGroup),
                       .body = Crd("Cluster", "clusters", "cluster", "scl", /*namespaced=*/true,
                                   std::move(cluster_schema), std::move(cluster_columns),
                                   /*status=*/true)});
  return out;
}

}  // namespace strata
