#include "proto/convert.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "strata/diagnostic.h"
#include "validate/field_path.h"

namespace strata {
namespace {

using kube::kApiVersion;
// One enum's spellings, in the order the schema documents them; the first
// entry is the default (written as the empty string in the canonical proto).
using kube::EnumName;

constexpr EnumName<Quorum> kQuorums[] = {{"none", Quorum::kNone},
                                         {"majority", Quorum::kMajority}};
constexpr EnumName<ConfigFormat> kFormats[] = {
    {"properties", ConfigFormat::kProperties},
    {"hadoop-xml", ConfigFormat::kHadoopXml},
    {"yaml", ConfigFormat::kYaml},
    {"json", ConfigFormat::kJson},
    {"ini", ConfigFormat::kIni},
    {"env", ConfigFormat::kEnv},
    {"text", ConfigFormat::kText}};
constexpr EnumName<OnChange> kOnChanges[] = {{"restart", OnChange::kRestart},
                                             {"none", OnChange::kNone}};
constexpr EnumName<VolumePolicy> kVolumePolicies[] = {
    {"retain", VolumePolicy::kRetain}, {"delete", VolumePolicy::kDelete}};
constexpr EnumName<AfterLeave> kAfterLeaves[] = {{"keep", AfterLeave::kKeep},
                                                 {"wipe", AfterLeave::kWipe}};
// The rollout spellings the planner and simulator print too.
constexpr const auto& kStrategies = kube::kStrategyNames;
constexpr const auto& kOrders = kube::kOrderNames;
constexpr EnumName<Approval> kApprovals[] = {
    {"none", Approval::kNone}, {"leader", Approval::kLeader}, {"every", Approval::kEvery}};
constexpr EnumName<InitialRollout> kInitialRollouts[] = {
    {"parallel", InitialRollout::kParallel}, {"serial", InitialRollout::kSerial}};
constexpr EnumName<ServiceType> kServiceTypes[] = {
    {"ClusterIP", ServiceType::kClusterIP},
    {"NodePort", ServiceType::kNodePort},
    {"LoadBalancer", ServiceType::kLoadBalancer}};
constexpr EnumName<Spread> kSpreads[] = {
    {"node", Spread::kNode}, {"zone", Spread::kZone}, {"none", Spread::kNone}};
constexpr EnumName<PlacementMode> kModes[] = {
    {"preferred", PlacementMode::kPreferred},
    {"required", PlacementMode::kRequired}};
// String-valued enums of the model: the first entry is the default.
constexpr EnumName<int> kProtocols[] = {{"TCP", 0}, {"UDP", 1}, {"SCTP", 2}};
constexpr EnumName<int> kSchemes[] = {{"HTTP", 0}, {"HTTPS", 1}};

template <typename E, size_t N>
std::string EnumToString(const EnumName<E> (&table)[N], E value,
                         bool omit_default = true) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i].value == value) {
      return i == 0 && omit_default ? "" : table[i].name;
    }
  }
  return "";
}

// Collects the diagnostics of one conversion.
class Converter {
 public:
  explicit Converter(const ProtoSource& where) : where_(where) {}

  void Error(const FieldPath& path, std::string message) {
    Diagnostic d;
    d.file = where_.file;
    d.document = where_.document;
    d.path = path.ToString();
    d.message = std::move(message);
    if (where_.source != nullptr) {
      Location at = Locate(*where_.source, d.path);
      d.line = at.line;
      d.column = at.column;
    }
    diagnostics_.push_back(std::move(d));
  }

  void Missing(const FieldPath& path) { Error(path, "required field is missing"); }

  absl::Status Finish() { return StatusFromDiagnostics(std::move(diagnostics_)); }

  // Returns the quantity written as `text` at `path`; reports a malformed
  // one. Empty text is the zero quantity.
  Quantity ParseQuantity(const std::string& text, const FieldPath& path) {
    if (text.empty()) return Quantity();
    absl::StatusOr<Quantity> q = Quantity::Parse(text);
    if (!q.ok()) {
      Error(path, std::string(q.status().message()));
      return Quantity();
    }
    return *q;
  }

  template <typename E, size_t N>
  E ParseEnum(const std::string& text, const FieldPath& path,
              const EnumName<E> (&table)[N]) {
    if (text.empty()) return table[0].value;
    for (size_t i = 0; i < N; ++i) {
      if (text == table[i].name) return table[i].value;
    }
    std::vector<std::string> names;
    for (size_t i = 0; i < N; ++i) names.push_back(table[i].name);
    Error(path, absl::StrCat("invalid value \"", text, "\": must be one of ",
                             absl::StrJoin(names, ", ")));
    return table[0].value;
  }

  // String-valued model enums: returns the canonical spelling.
  template <size_t N>
  std::string ParseStringEnum(const std::string& text, const FieldPath& path,
                              const EnumName<int> (&table)[N]) {
    int v = ParseEnum(text, path, table);
    return table[v].name;
  }

  PortRef ParsePortRef(const std::string& text, const FieldPath& path) {
    PortRef ref;
    if (text.empty()) return ref;
    if (std::all_of(text.begin(), text.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      if (text.size() > 5 || !absl::SimpleAtoi(text, &ref.number) ||
          ref.number < 1 || ref.number > 65535) {
        Error(path, absl::StrCat("invalid port ", text, ": must be 1..65535"));
        ref.number = 0;
      }
      return ref;
    }
    ref.name = text;
    return ref;
  }

  IntOrPercent ParseIntOrPercent(const std::string& text, const FieldPath& path) {
    IntOrPercent out;
    if (text.empty()) return out;
    absl::string_view digits = text;
    if (!digits.empty() && digits.back() == '%') {
      out.percent = true;
      digits.remove_suffix(1);
    }
    bool all_digits = !digits.empty() && digits.size() <= 9 &&
                      std::all_of(digits.begin(), digits.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
    if (!all_digits || !absl::SimpleAtoi(digits, &out.value)) {
      Error(path, absl::StrCat("invalid value \"", text,
                               "\": must be an integer >= 1 or a percentage "
                               "\"1%\"..\"100%\""));
      return IntOrPercent();
    }
    return out;
  }

  // Checks apiVersion, kind and metadata.name of a document.
  template <typename P>
  void CheckHeader(const P& proto, absl::string_view kind) {
    if (proto.api_version().empty()) {
      Error(FieldPath("apiVersion"),
            absl::StrCat("required field is missing: must be \"", kApiVersion, "\""));
    } else if (proto.api_version() != kApiVersion) {
      Error(FieldPath("apiVersion"),
            absl::StrCat("unsupported apiVersion \"", proto.api_version(),
                         "\": must be \"", kApiVersion, "\""));
    }
    if (proto.kind() != kind) {
      Error(FieldPath("kind"), absl::StrCat("must be \"", kind, "\", got \"",
                                            proto.kind(), "\""));
    }
    if (proto.metadata().name().empty()) Missing(FieldPath("metadata").Child("name"));
  }

  std::map<std::string, std::string> ToMap(
      const google::protobuf::RepeatedPtrField<v1::KeyValue>& kvs,
      const FieldPath& path) {
    std::map<std::string, std::string> out;
    for (const v1::KeyValue& kv : kvs) {
      if (!out.emplace(kv.key(), kv.value()).second) {
        Error(path.Key(kv.key()), absl::StrCat("duplicate key \"", kv.key(), "\""));
      }
    }
    return out;
  }

  OrderedStringMap ToOrderedMap(
      const google::protobuf::RepeatedPtrField<v1::KeyValue>& kvs,
      const FieldPath& path) {
    OrderedStringMap out;
    std::set<std::string> seen;
    for (const v1::KeyValue& kv : kvs) {
      if (!seen.insert(kv.key()).second) {
        Error(path.Key(kv.key()), absl::StrCat("duplicate key \"", kv.key(), "\""));
        continue;
      }
      out.emplace_back(kv.key(), kv.value());
    }
    return out;
  }

  std::map<std::string, Quantity> ToQuantities(
      const google::protobuf::RepeatedPtrField<v1::KeyValue>& kvs,
      const FieldPath& path) {
    std::map<std::string, Quantity> out;
    for (const v1::KeyValue& kv : kvs) {
      FieldPath at = path.Key(kv.key());
      Quantity q = ParseQuantity(kv.value(), at);
      if (kv.value().empty()) Error(at, "invalid quantity \"\": must not be empty");
      if (!out.emplace(kv.key(), q).second) {
        Error(at, absl::StrCat("duplicate key \"", kv.key(), "\""));
      }
    }
    return out;
  }

  Resources ToResources(const v1::Resources& r, const FieldPath& path) {
    Resources out;
    out.requests = ToQuantities(r.requests(), path.Child("requests"));
    out.limits = ToQuantities(r.limits(), path.Child("limits"));
    return out;
  }

  std::vector<std::string> ToStrings(
      const google::protobuf::RepeatedPtrField<std::string>& in) {
    return {in.begin(), in.end()};
  }

  Handler FromExec(const v1::ExecAction& exec) {
    Handler h;
    h.kind = Handler::Kind::kExec;
    h.command = ToStrings(exec.command());
    return h;
  }

  Handler FromHttp(const v1::HttpAction& http, const FieldPath& path) {
    Handler h;
    h.kind = Handler::Kind::kHttp;
    h.path = http.path();
    h.scheme = ParseStringEnum(http.scheme(), path.Child("scheme"), kSchemes);
    h.port = ParsePortRef(http.port(), path.Child("port"));
    return h;
  }

  // A probe's handler (the oneof); kNone when none is set.
  Handler FromProbeHandler(const v1::Probe& p, const FieldPath& path) {
    switch (p.handler_case()) {
      case v1::Probe::kExec:
        return FromExec(p.exec());
      case v1::Probe::kHttp:
        return FromHttp(p.http(), path.Child("http"));
      case v1::Probe::kTcp: {
        Handler h;
        h.kind = Handler::Kind::kTcp;
        h.port = ParsePortRef(p.tcp().port(), path.Child("tcp").Child("port"));
        return h;
      }
      case v1::Probe::kGrpc: {
        Handler h;
        h.kind = Handler::Kind::kGrpc;
        h.port = ParsePortRef(p.grpc().port(), path.Child("grpc").Child("port"));
        h.service = p.grpc().service();
        return h;
      }
      case v1::Probe::HANDLER_NOT_SET:
        break;
    }
    return Handler();
  }

  Probe FromProbe(const v1::Probe& p, const FieldPath& path) {
    Probe out;
    out.handler = FromProbeHandler(p, path);
    if (p.has_initial_delay_seconds()) out.initial_delay_seconds = p.initial_delay_seconds();
    if (p.has_period_seconds()) out.period_seconds = p.period_seconds();
    if (p.has_timeout_seconds()) out.timeout_seconds = p.timeout_seconds();
    if (p.has_success_threshold()) out.success_threshold = p.success_threshold();
    if (p.has_failure_threshold()) out.failure_threshold = p.failure_threshold();
    return out;
  }

  Handler FromHandler(const v1::Handler& h, const FieldPath& path) {
    if (h.has_exec() && h.has_http()) {
      Error(path.Child("http"), "only one of exec, http may be set");
    }
    Handler out;
    if (h.has_exec()) {
      out = FromExec(h.exec());
    } else if (h.has_http()) {
      out = FromHttp(h.http(), path.Child("http"));
    }
    if (h.has_timeout_seconds()) out.timeout_seconds = h.timeout_seconds();
    return out;
  }

  Storage FromStorage(const v1::Storage& s, const FieldPath& path) {
    Storage out;
    out.name = s.name();
    out.mount_path = s.mount_path();
    if (s.size().empty()) {
      Missing(path.Child("size"));
    } else {
      out.size = ParseQuantity(s.size(), path.Child("size"));
    }
    out.min_size = ParseQuantity(s.min_size(), path.Child("minSize"));
    if (!s.access_modes().empty()) out.access_modes = ToStrings(s.access_modes());
    out.storage_class_name = s.storage_class_name();
    out.on_scale_down = ParseEnum(s.on_scale_down(), path.Child("onScaleDown"), kVolumePolicies);
    out.on_cluster_delete =
        ParseEnum(s.on_cluster_delete(), path.Child("onClusterDelete"), kVolumePolicies);
    out.after_leave = ParseEnum(s.after_leave(), path.Child("afterLeave"), kAfterLeaves);
    return out;
  }

  ConfigFile FromConfig(const v1::ConfigFile& c, const FieldPath& path) {
    ConfigFile out;
    out.path = c.path();
    if (c.format().empty()) {
      Missing(path.Child("format"));
    } else {
      out.format = ParseEnum(c.format(), path.Child("format"), kFormats);
    }
    out.on_change = ParseEnum(c.on_change(), path.Child("onChange"), kOnChanges);
    out.data = ToOrderedMap(c.data(), path.Child("data"));
    out.template_text = c.template_();
    return out;
  }

  RolloutPolicy FromRollout(const v1::Rollout& r, const FieldPath& path) {
    RolloutPolicy out;
    out.strategy = ParseEnum(r.strategy(), path.Child("strategy"), kStrategies);
    out.max_unavailable = ParseIntOrPercent(r.max_unavailable(), path.Child("maxUnavailable"));
    out.order = ParseEnum(r.order(), path.Child("order"), kOrders);
    out.approval = ParseEnum(r.approval(), path.Child("approval"), kApprovals);
    out.leader_label = r.leader_label();
    if (r.has_leader_probe()) {
      FieldPath at = path.Child("leaderProbe");
      const v1::Probe& p = r.leader_probe();
      out.leader_probe = FromProbeHandler(p, at);
      if (p.has_initial_delay_seconds() || p.has_period_seconds() ||
          p.has_timeout_seconds() || p.has_success_threshold() ||
          p.has_failure_threshold()) {
        Error(at, "leaderProbe takes only a handler (exec), no timing fields");
      }
    }
    if (r.has_min_ready_seconds()) out.min_ready_seconds = r.min_ready_seconds();
    if (r.has_gate()) {
      Gate gate;
      if (r.gate().has_exec()) gate.handler = FromExec(r.gate().exec());
      if (r.gate().has_timeout_seconds()) gate.timeout_seconds = r.gate().timeout_seconds();
      out.gate = gate;
    }
    out.zone_parallel = r.zone_parallel();
    if (r.has_ready_timeout_seconds()) out.ready_timeout_seconds = r.ready_timeout_seconds();
    out.initial = ParseEnum(r.initial(), path.Child("initial"), kInitialRollouts);
    if (r.has_min_interval_seconds()) out.min_interval_seconds = r.min_interval_seconds();
    return out;
  }

  Role FromRole(const v1::Role& r, const FieldPath& path) {
    Role out;
    out.name = r.name();
    out.image = r.image();
    if (r.cardinality().empty()) {
      Missing(path.Child("cardinality"));
    } else {
      absl::StatusOr<Cardinality> c = Cardinality::Parse(r.cardinality());
      if (c.ok()) {
        out.cardinality = *c;
      } else {
        Error(path.Child("cardinality"), std::string(c.status().message()));
      }
    }
    out.quorum = ParseEnum(r.quorum(), path.Child("quorum"), kQuorums);
    out.command = ToStrings(r.command());
    out.args = ToStrings(r.args());
    out.ports = FromPorts(r.ports(), path.Child("ports"));
    out.env = FromEnv(r.env());
    out.resources = ToResources(r.resources(), path.Child("resources"));
    const v1::MinResources& min = r.min_resources();
    FieldPath min_path = path.Child("minResources");
    if (!min.cpu().empty()) {
      out.min_resources.requests["cpu"] = ParseQuantity(min.cpu(), min_path.Child("cpu"));
    }
    if (!min.memory().empty()) {
      out.min_resources.requests["memory"] =
          ParseQuantity(min.memory(), min_path.Child("memory"));
    }
    if (!min.ephemeral_storage().empty()) {
      out.min_resources.requests["ephemeral-storage"] =
          ParseQuantity(min.ephemeral_storage(), min_path.Child("ephemeral-storage"));
    }
    for (int i = 0; i < r.storage_size(); ++i) {
      out.storage.push_back(FromStorage(r.storage(i), path.Child("storage").Index(i)));
    }
    out.probes = FromProbes(r.probes(), path.Child("probes"));
    for (int i = 0; i < r.config_size(); ++i) {
      out.config.push_back(FromConfig(r.config(i), path.Child("config").Index(i)));
    }
    out.depends_on = ToStrings(r.depends_on());
    for (int i = 0; i < r.services_size(); ++i) {
      const v1::Service& s = r.services(i);
      FieldPath at = path.Child("services").Index(i);
      out.services.push_back(ServiceSpec{
          .name = s.name(),
          .ports = ToStrings(s.ports()),
          .type = ParseEnum(s.type(), at.Child("type"), kServiceTypes),
          .per_member = s.per_member(),
          .dashboard = s.dashboard(),
          .annotations = ToMap(s.annotations(), at.Child("annotations"))});
    }
    out.rollout = FromRollout(r.rollout(), path.Child("rollout"));
    const v1::Lifecycle& l = r.lifecycle();
    FieldPath lp = path.Child("lifecycle");
    if (l.has_pre_stop()) out.lifecycle.pre_stop = FromHandler(l.pre_stop(), lp.Child("preStop"));
    if (l.has_termination_grace_period_seconds()) {
      out.lifecycle.termination_grace_period_seconds = l.termination_grace_period_seconds();
    }
    if (l.has_member_leave()) {
      out.lifecycle.member_leave = FromHandler(l.member_leave(), lp.Child("memberLeave"));
    }
    if (l.has_member_join()) {
      out.lifecycle.member_join = FromHandler(l.member_join(), lp.Child("memberJoin"));
    }
    const v1::Security& s = r.security();
    if (s.has_run_as_user()) out.security.run_as_user = s.run_as_user();
    if (s.has_run_as_group()) out.security.run_as_group = s.run_as_group();
    if (s.has_fs_group()) out.security.fs_group = s.fs_group();
    out.security.capabilities = ToStrings(s.capabilities());
    out.security.read_only_root_filesystem = s.read_only_root_filesystem();
    FieldPath pp = path.Child("placement");
    out.placement.spread = ParseEnum(r.placement().spread(), pp.Child("spread"), kSpreads);
    out.placement.mode = ParseEnum(r.placement().mode(), pp.Child("mode"), kModes);
    out.pod = FromPod(r, path);
    out.containers = FromContainers(r.containers(), path.Child("containers"));
    out.init_containers = FromContainers(r.init_containers(), path.Child("initContainers"));
    if (r.has_metrics()) {
      Metrics m;
      m.port = ParsePortRef(r.metrics().port(), path.Child("metrics").Child("port"));
      if (!r.metrics().path().empty()) m.path = r.metrics().path();
      out.metrics = m;
    }
    return out;
  }

  std::vector<Port> FromPorts(const google::protobuf::RepeatedPtrField<v1::Port>& ports,
                              const FieldPath& path) {
    std::vector<Port> out;
    for (int i = 0; i < ports.size(); ++i) {
      const v1::Port& p = ports[i];
      out.push_back(Port{.name = p.name(),
                         .port = p.port(),
                         .protocol = ParseStringEnum(p.protocol(),
                                                     path.Index(i).Child("protocol"), kProtocols)});
    }
    return out;
  }

  Probes FromProbes(const v1::Probes& p, const FieldPath& path) {
    Probes out;
    if (p.has_readiness()) out.readiness = FromProbe(p.readiness(), path.Child("readiness"));
    if (p.has_liveness()) out.liveness = FromProbe(p.liveness(), path.Child("liveness"));
    if (p.has_startup()) out.startup = FromProbe(p.startup(), path.Child("startup"));
    return out;
  }

  // Sidecars or init containers of a Role or RoleOverride at `path`.
  std::vector<Container> FromContainers(
      const google::protobuf::RepeatedPtrField<v1::Container>& in, const FieldPath& path) {
    std::vector<Container> out;
    for (int i = 0; i < in.size(); ++i) {
      const v1::Container& c = in[i];
      FieldPath at = path.Index(i);
      Container k{.name = c.name(),
                  .image = c.image(),
                  .command = ToStrings(c.command()),
                  .args = ToStrings(c.args()),
                  .ports = FromPorts(c.ports(), at.Child("ports")),
                  .env = FromEnv(c.env()),
                  .resources = ToResources(c.resources(), at.Child("resources")),
                  .probes = FromProbes(c.probes(), at.Child("probes")),
                  .config = ToStrings(c.config())};
      for (const v1::VolumeMount& m : c.volume_mounts()) {
        k.volume_mounts.push_back(
            VolumeMount{.name = m.name(), .mount_path = m.mount_path(), .read_only = m.read_only()});
      }
      out.push_back(std::move(k));
    }
    return out;
  }

  // The pod settings of a Role or RoleOverride (the same field names).
  template <typename R>
  PodSettings FromPod(const R& r, const FieldPath& path) {
    return PodSettings{.service_account_name = r.service_account_name(),
                       .image_pull_secrets = ToStrings(r.image_pull_secrets()),
                       .priority_class_name = r.priority_class_name(),
                       .labels = ToMap(r.pod_labels(), path.Child("podLabels")),
                       .annotations = ToMap(r.pod_annotations(), path.Child("podAnnotations"))};
  }

  std::vector<EnvVar> FromEnv(const google::protobuf::RepeatedPtrField<v1::EnvVar>& env) {
    std::vector<EnvVar> out;
    for (const v1::EnvVar& e : env) {
      EnvVar v{.name = e.name(), .value = e.value(), .field = e.field()};
      if (e.has_secret()) v.secret = SecretKeyRef{.name = e.secret().name(), .key = e.secret().key()};
      out.push_back(std::move(v));
    }
    return out;
  }

  RoleOverride FromRoleOverride(const v1::RoleOverride& r, const FieldPath& path) {
    RoleOverride out;
    out.name = r.name();
    if (r.has_members()) out.members = r.members();
    out.image = r.image();
    out.resources = ToResources(r.resources(), path.Child("resources"));
    for (int i = 0; i < r.storage_size(); ++i) {
      const v1::StorageOverride& s = r.storage(i);
      FieldPath at = path.Child("storage").Index(i);
      StorageOverride so{.name = s.name(), .storage_class_name = s.storage_class_name()};
      if (!s.size().empty()) so.size = ParseQuantity(s.size(), at.Child("size"));
      out.storage.push_back(std::move(so));
    }
    out.env = FromEnv(r.env());
    for (const v1::ConfigOverride& c : r.config()) {
      FieldPath at = path.Child("config").Key(c.path());
      OrderedStringMap data = ToOrderedMap(c.data(), at);
      if (!out.config.emplace(c.path(), std::move(data)).second) {
        Error(at, absl::StrCat("duplicate config path \"", c.path(), "\""));
      }
    }
    out.node_selector = ToMap(r.node_selector(), path.Child("nodeSelector"));
    for (const v1::Toleration& t : r.tolerations()) {
      Json j = Json::object();
      if (!t.key().empty()) j["key"] = t.key();
      if (!t.operator_().empty()) j["operator"] = t.operator_();
      if (!t.value().empty()) j["value"] = t.value();
      if (!t.effect().empty()) j["effect"] = t.effect();
      if (t.has_toleration_seconds()) j["tolerationSeconds"] = t.toleration_seconds();
      out.tolerations.push_back(std::move(j));
    }
    out.pod = FromPod(r, path);
    out.restart_token = r.restart_token();
    for (const v1::MemberReplace& m : r.replace()) {
      out.replace.push_back(MemberReplace{.member = m.member(), .token = m.token()});
    }
    out.containers = FromContainers(r.containers(), path.Child("containers"));
    out.init_containers = FromContainers(r.init_containers(), path.Child("initContainers"));
    return out;
  }

 private:
  ProtoSource where_;
  std::vector<Diagnostic> diagnostics_;
};

void ToExec(const Handler& h, v1::ExecAction* exec) {
  for (const std::string& c : h.command) exec->add_command(c);
}

std::string PortRefToString(const PortRef& ref) {
  if (!ref.name.empty()) return ref.name;
  return ref.number == 0 ? "" : absl::StrCat(ref.number);
}

void ToHttp(const Handler& h, v1::HttpAction* http) {
  http->set_path(h.path);
  http->set_port(PortRefToString(h.port));
  if (h.scheme != "HTTP") http->set_scheme(h.scheme);
}

void ToProbeHandler(const Handler& h, v1::Probe* p) {
  switch (h.kind) {
    case Handler::Kind::kExec:
      ToExec(h, p->mutable_exec());
      break;
    case Handler::Kind::kHttp:
      ToHttp(h, p->mutable_http());
      break;
    case Handler::Kind::kTcp:
      p->mutable_tcp()->set_port(PortRefToString(h.port));
      break;
    case Handler::Kind::kGrpc:
      p->mutable_grpc()->set_port(PortRefToString(h.port));
      p->mutable_grpc()->set_service(h.service);
      break;
    case Handler::Kind::kNone:
      break;
  }
}

void ToProbe(const Probe& in, v1::Probe* p) {
  ToProbeHandler(in.handler, p);
  if (in.initial_delay_seconds) p->set_initial_delay_seconds(*in.initial_delay_seconds);
  if (in.period_seconds) p->set_period_seconds(*in.period_seconds);
  if (in.timeout_seconds) p->set_timeout_seconds(*in.timeout_seconds);
  if (in.success_threshold) p->set_success_threshold(*in.success_threshold);
  if (in.failure_threshold) p->set_failure_threshold(*in.failure_threshold);
}

void ToHandler(const Handler& h, v1::Handler* out) {
  if (h.kind == Handler::Kind::kExec) ToExec(h, out->mutable_exec());
  if (h.kind == Handler::Kind::kHttp) ToHttp(h, out->mutable_http());
  if (h.timeout_seconds) out->set_timeout_seconds(*h.timeout_seconds);
}

std::string QuantityToString(const Quantity& q) {
  return q == Quantity() && q.ToString() == "0" ? "" : q.ToString();
}

void ToKeyValues(const std::map<std::string, Quantity>& in,
                 google::protobuf::RepeatedPtrField<v1::KeyValue>* out) {
  for (const auto& [k, v] : in) {
    v1::KeyValue* kv = out->Add();
    kv->set_key(k);
    kv->set_value(v.ToString());
  }
}

template <typename Map>
void ToStringKeyValues(const Map& in,
                       google::protobuf::RepeatedPtrField<v1::KeyValue>* out) {
  for (const auto& [k, v] : in) {
    v1::KeyValue* kv = out->Add();
    kv->set_key(k);
    kv->set_value(v);
  }
}

void ToResources(const Resources& in, v1::Resources* out) {
  ToKeyValues(in.requests, out->mutable_requests());
  ToKeyValues(in.limits, out->mutable_limits());
}

void ToEnv(const std::vector<EnvVar>& in,
           google::protobuf::RepeatedPtrField<v1::EnvVar>* out) {
  for (const EnvVar& e : in) {
    v1::EnvVar* v = out->Add();
    v->set_name(e.name);
    v->set_value(e.value);
    v->set_field(e.field);
    if (e.secret) {
      v->mutable_secret()->set_name(e.secret->name);
      v->mutable_secret()->set_key(e.secret->key);
    }
  }
}

// The pod settings onto a Role or RoleOverride message (the same field names).
template <typename R>
void ToPod(const PodSettings& pod, R* out) {
  out->set_service_account_name(pod.service_account_name);
  for (const std::string& s : pod.image_pull_secrets) out->add_image_pull_secrets(s);
  out->set_priority_class_name(pod.priority_class_name);
  ToStringKeyValues(pod.labels, out->mutable_pod_labels());
  ToStringKeyValues(pod.annotations, out->mutable_pod_annotations());
}

void ToPorts(const std::vector<Port>& in, google::protobuf::RepeatedPtrField<v1::Port>* out) {
  for (const Port& p : in) {
    v1::Port* port = out->Add();
    port->set_name(p.name);
    port->set_port(p.port);
    if (p.protocol != "TCP") port->set_protocol(p.protocol);
  }
}

void ToProbes(const Probes& in, v1::Probes* out) {
  if (in.readiness) ToProbe(*in.readiness, out->mutable_readiness());
  if (in.liveness) ToProbe(*in.liveness, out->mutable_liveness());
  if (in.startup) ToProbe(*in.startup, out->mutable_startup());
}

void ToContainers(const std::vector<Container>& in,
                  google::protobuf::RepeatedPtrField<v1::Container>* out) {
  for (const Container& c : in) {
    v1::Container* k = out->Add();
    k->set_name(c.name);
    k->set_image(c.image);
    for (const std::string& s : c.command) k->add_command(s);
    for (const std::string& s : c.args) k->add_args(s);
    ToPorts(c.ports, k->mutable_ports());
    ToEnv(c.env, k->mutable_env());
    ToResources(c.resources, k->mutable_resources());
    if (k->resources().ByteSizeLong() == 0) k->clear_resources();
    ToProbes(c.probes, k->mutable_probes());
    if (k->probes().ByteSizeLong() == 0) k->clear_probes();
    for (const VolumeMount& m : c.volume_mounts) {
      v1::VolumeMount* vm = k->add_volume_mounts();
      vm->set_name(m.name);
      vm->set_mount_path(m.mount_path);
      vm->set_read_only(m.read_only);
    }
    for (const std::string& s : c.config) k->add_config(s);
  }
}

void ToRole(const Role& r, v1::Role* out) {
  out->set_name(r.name);
  out->set_image(r.image);
  out->set_cardinality(r.cardinality.ToString());
  out->set_quorum(EnumToString(kQuorums, r.quorum));
  for (const std::string& c : r.command) out->add_command(c);
  for (const std::string& a : r.args) out->add_args(a);
  ToPorts(r.ports, out->mutable_ports());
  ToEnv(r.env, out->mutable_env());
  ToResources(r.resources, out->mutable_resources());
  for (const auto& [k, v] : r.min_resources.requests) {
    if (k == "cpu") out->mutable_min_resources()->set_cpu(v.ToString());
    if (k == "memory") out->mutable_min_resources()->set_memory(v.ToString());
    if (k == "ephemeral-storage") {
      out->mutable_min_resources()->set_ephemeral_storage(v.ToString());
    }
  }
  for (const Storage& s : r.storage) {
    v1::Storage* st = out->add_storage();
    st->set_name(s.name);
    st->set_mount_path(s.mount_path);
    st->set_size(s.size.ToString());
    st->set_min_size(QuantityToString(s.min_size));
    if (s.access_modes != std::vector<std::string>{"ReadWriteOnce"}) {
      for (const std::string& m : s.access_modes) st->add_access_modes(m);
    }
    st->set_on_scale_down(EnumToString(kVolumePolicies, s.on_scale_down));
    st->set_on_cluster_delete(EnumToString(kVolumePolicies, s.on_cluster_delete));
    st->set_after_leave(EnumToString(kAfterLeaves, s.after_leave));
    st->set_storage_class_name(s.storage_class_name);
  }
  ToProbes(r.probes, out->mutable_probes());
  for (const ConfigFile& c : r.config) {
    v1::ConfigFile* cf = out->add_config();
    cf->set_path(c.path);
    cf->set_format(EnumToString(kFormats, c.format, /*omit_default=*/false));
    cf->set_on_change(EnumToString(kOnChanges, c.on_change));
    ToStringKeyValues(c.data, cf->mutable_data());
    cf->set_template_(c.template_text);
  }
  for (const std::string& d : r.depends_on) out->add_depends_on(d);
  for (const ServiceSpec& s : r.services) {
    v1::Service* svc = out->add_services();
    svc->set_name(s.name);
    for (const std::string& p : s.ports) svc->add_ports(p);
    svc->set_type(EnumToString(kServiceTypes, s.type));
    svc->set_per_member(s.per_member);
    svc->set_dashboard(s.dashboard);
    ToStringKeyValues(s.annotations, svc->mutable_annotations());
  }
  const RolloutPolicy& ro = r.rollout;
  v1::Rollout* rp = out->mutable_rollout();
  rp->set_strategy(EnumToString(kStrategies, ro.strategy));
  if (ro.max_unavailable != IntOrPercent()) {
    rp->set_max_unavailable(
        absl::StrCat(ro.max_unavailable.value, ro.max_unavailable.percent ? "%" : ""));
  }
  rp->set_order(EnumToString(kOrders, ro.order));
  rp->set_leader_label(ro.leader_label);
  if (ro.leader_probe) ToProbeHandler(*ro.leader_probe, rp->mutable_leader_probe());
  if (ro.min_ready_seconds != 0) rp->set_min_ready_seconds(ro.min_ready_seconds);
  if (ro.gate) {
    v1::Gate* g = rp->mutable_gate();
    if (ro.gate->handler.kind == Handler::Kind::kExec) ToExec(ro.gate->handler, g->mutable_exec());
    if (ro.gate->timeout_seconds != Gate().timeout_seconds) {
      g->set_timeout_seconds(ro.gate->timeout_seconds);
    }
  }
  rp->set_zone_parallel(ro.zone_parallel);
  if (ro.ready_timeout_seconds) rp->set_ready_timeout_seconds(*ro.ready_timeout_seconds);
  rp->set_approval(EnumToString(kApprovals, ro.approval));
  if (ro.initial != InitialRollout::kParallel) {
    rp->set_initial(EnumToString(kInitialRollouts, ro.initial));
  }
  if (ro.min_interval_seconds != 0) rp->set_min_interval_seconds(ro.min_interval_seconds);
  if (rp->ByteSizeLong() == 0) out->clear_rollout();
  const Lifecycle& l = r.lifecycle;
  v1::Lifecycle* lp = out->mutable_lifecycle();
  if (l.pre_stop) ToHandler(*l.pre_stop, lp->mutable_pre_stop());
  if (l.termination_grace_period_seconds) {
    lp->set_termination_grace_period_seconds(*l.termination_grace_period_seconds);
  }
  if (l.member_leave) ToHandler(*l.member_leave, lp->mutable_member_leave());
  if (l.member_join) ToHandler(*l.member_join, lp->mutable_member_join());
  if (lp->ByteSizeLong() == 0) out->clear_lifecycle();
  const Security& s = r.security;
  v1::Security* sp = out->mutable_security();
  if (s.run_as_user != Security().run_as_user) sp->set_run_as_user(s.run_as_user);
  if (s.run_as_group) sp->set_run_as_group(*s.run_as_group);
  if (s.fs_group) sp->set_fs_group(*s.fs_group);
  for (const std::string& c : s.capabilities) sp->add_capabilities(c);
  sp->set_read_only_root_filesystem(s.read_only_root_filesystem);
  if (sp->ByteSizeLong() == 0) out->clear_security();
  v1::Placement* pl = out->mutable_placement();
  pl->set_spread(EnumToString(kSpreads, r.placement.spread));
  pl->set_mode(EnumToString(kModes, r.placement.mode));
  if (pl->ByteSizeLong() == 0) out->clear_placement();
  ToPod(r.pod, out);
  ToContainers(r.containers, out->mutable_containers());
  ToContainers(r.init_containers, out->mutable_init_containers());
  if (r.metrics) {
    out->mutable_metrics()->set_port(PortRefToString(r.metrics->port));
    if (r.metrics->path != Metrics().path) out->mutable_metrics()->set_path(r.metrics->path);
  }
  if (out->resources().ByteSizeLong() == 0) out->clear_resources();
  if (out->min_resources().ByteSizeLong() == 0) out->clear_min_resources();
  if (out->probes().ByteSizeLong() == 0) out->clear_probes();
}

}  // namespace

absl::StatusOr<App> FromProto(const v1::App& proto, const ProtoSource& where) {
  Converted<App> out = ConvertApp(proto, where);
  if (!out.status.ok()) return out.status;
  return std::move(out.value);
}

absl::StatusOr<Cluster> FromProto(const v1::Cluster& proto, const ProtoSource& where) {
  Converted<Cluster> out = ConvertCluster(proto, where);
  if (!out.status.ok()) return out.status;
  return std::move(out.value);
}

Converted<App> ConvertApp(const v1::App& proto, const ProtoSource& where) {
  Converter c(where);
  c.CheckHeader(proto, "App");
  App app;
  app.name = proto.metadata().name();
  if (!proto.metadata().namespace_().empty()) {
    c.Error(FieldPath("metadata").Child("namespace"),
            "an App has no namespace; set it on the Cluster");
  }
  if (!proto.metadata().labels().empty()) {
    c.Error(FieldPath("metadata").Child("labels"),
            "an App has no labels; set them on the Cluster");
  }
  app.version = proto.spec().version();
  app.description = proto.spec().description();
  FieldPath roles = FieldPath("spec").Child("roles");
  for (int i = 0; i < proto.spec().roles_size(); ++i) {
    app.roles.push_back(c.FromRole(proto.spec().roles(i), roles.Index(i)));
  }
  absl::Status status = c.Finish();
  return Converted<App>{.value = std::move(app), .status = std::move(status)};
}

Converted<Cluster> ConvertCluster(const v1::Cluster& proto, const ProtoSource& where) {
  Converter c(where);
  c.CheckHeader(proto, "Cluster");
  Cluster cluster;
  cluster.name = proto.metadata().name();
  if (!proto.metadata().namespace_().empty()) {
    cluster.namespace_ = proto.metadata().namespace_();
  }
  cluster.labels = c.ToMap(proto.metadata().labels(), FieldPath("metadata").Child("labels"));
  cluster.app = proto.spec().app();
  if (!proto.spec().domain().empty()) cluster.domain = proto.spec().domain();
  FieldPath roles = FieldPath("spec").Child("roles");
  for (int i = 0; i < proto.spec().roles_size(); ++i) {
    cluster.roles.push_back(c.FromRoleOverride(proto.spec().roles(i), roles.Index(i)));
  }
  for (const v1::Connection& conn : proto.spec().connections()) {
    cluster.connections.push_back(
        Connection{.name = conn.name(), .endpoint = conn.endpoint()});
  }
  cluster.stopped = proto.spec().stopped();
  for (const v1::MaintenanceWindow& w : proto.spec().maintenance().windows()) {
    cluster.maintenance.windows.push_back(MaintenanceWindow{
        .days = {w.days().begin(), w.days().end()}, .start = w.start(), .end = w.end()});
  }
  absl::Status status = c.Finish();
  return Converted<Cluster>{.value = std::move(cluster), .status = std::move(status)};
}

v1::App ToProto(const App& app) {
  v1::App out;
  out.set_api_version(kApiVersion);
  out.set_kind("App");
  out.mutable_metadata()->set_name(app.name);
  out.mutable_spec()->set_version(app.version);
  out.mutable_spec()->set_description(app.description);
  for (const Role& r : app.roles) ToRole(r, out.mutable_spec()->add_roles());
  return out;
}

v1::Cluster ToProto(const Cluster& cluster) {
  v1::Cluster out;
  out.set_api_version(kApiVersion);
  out.set_kind("Cluster");
  v1::ObjectMeta* meta = out.mutable_metadata();
  meta->set_name(cluster.name);
  if (cluster.namespace_ != Cluster().namespace_) meta->set_namespace_(cluster.namespace_);
  ToStringKeyValues(cluster.labels, meta->mutable_labels());
  v1::ClusterSpec* spec = out.mutable_spec();
  spec->set_app(cluster.app);
  if (cluster.domain != Cluster().domain) spec->set_domain(cluster.domain);
  for (const RoleOverride& r : cluster.roles) {
    v1::RoleOverride* ro = spec->add_roles();
    ro->set_name(r.name);
    if (r.members) ro->set_members(*r.members);
    ro->set_image(r.image);
    ToResources(r.resources, ro->mutable_resources());
    if (ro->resources().ByteSizeLong() == 0) ro->clear_resources();
    for (const StorageOverride& s : r.storage) {
      v1::StorageOverride* so = ro->add_storage();
      so->set_name(s.name);
      if (s.size) so->set_size(s.size->ToString());
      so->set_storage_class_name(s.storage_class_name);
    }
    ToEnv(r.env, ro->mutable_env());
    for (const auto& [path, data] : r.config) {
      v1::ConfigOverride* co = ro->add_config();
      co->set_path(path);
      ToStringKeyValues(data, co->mutable_data());
    }
    ToStringKeyValues(r.node_selector, ro->mutable_node_selector());
    for (const Json& t : r.tolerations) {
      v1::Toleration* tp = ro->add_tolerations();
      if (!t.is_object()) continue;
      tp->set_key(t.value("key", ""));
      tp->set_operator_(t.value("operator", ""));
      tp->set_value(t.value("value", ""));
      tp->set_effect(t.value("effect", ""));
      if (t.contains("tolerationSeconds") && t["tolerationSeconds"].is_number_integer()) {
        tp->set_toleration_seconds(t["tolerationSeconds"].get<int64_t>());
      }
    }
    ToPod(r.pod, ro);
    ro->set_restart_token(r.restart_token);
    for (const MemberReplace& m : r.replace) {
      v1::MemberReplace* mp = ro->add_replace();
      mp->set_member(m.member);
      mp->set_token(m.token);
    }
    ToContainers(r.containers, ro->mutable_containers());
    ToContainers(r.init_containers, ro->mutable_init_containers());
  }
  for (const Connection& conn : cluster.connections) {
    v1::Connection* cp = spec->add_connections();
    cp->set_name(conn.name);
    cp->set_endpoint(conn.endpoint);
  }
  spec->set_stopped(cluster.stopped);
  for (const MaintenanceWindow& w : cluster.maintenance.windows) {
    v1::MaintenanceWindow* wp = spec->mutable_maintenance()->add_windows();
    for (const std::string& d : w.days) wp->add_days(d);
    wp->set_start(w.start);
    wp->set_end(w.end);
  }
  return out;
}

}  // namespace strata
