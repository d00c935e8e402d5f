// strata._strata: the pybind11 binding of the C++ core (include/strata/*.h).
//
// This file only binds (STYLE.md 17): one block per wrapped header, snake_case
// names, an explicit py::arg for each parameter. Failed absl::Status results
// become `strata.Error` (with `.code` and `.message`) through ValueOrRaise(),
// as pybind11_abseil's StatusNotOk does; InvalidArgument becomes its subclass
// `strata.ValidationError`, whose `.errors` are the structured diagnostics.
// The friendly API (strata.load/compile/plan/...) is the pure-Python layer in
// strata/__init__.py. Compile, plan and simulate run with the GIL released on
// a private copy of their inputs.

#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl_bind.h>

#include <unistd.h>

#include <cerrno>
#include <concepts>
#include <cstdint>
#include <exception>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "casters.h"
#ifdef STRATA_PY_EXECUTE
#include "strata_py_execute.h"
#endif
#include "strata/strata.h"

namespace py = pybind11;

// Model containers are bound as Python list/dict-like classes that refer to
// the C++ storage, so `cluster.roles[0].members = 5` edits in place.
PYBIND11_MAKE_OPAQUE(std::vector<strata::Role>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::RoleOverride>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::Port>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::EnvVar>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::Storage>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::StorageOverride>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::ConfigFile>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::ServiceSpec>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::Connection>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::Container>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::VolumeMount>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::MemberReplace>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::AppDocument>);
PYBIND11_MAKE_OPAQUE(std::vector<strata::ClusterDocument>);
PYBIND11_MAKE_OPAQUE(std::map<std::string, strata::Quantity>);
PYBIND11_MAKE_OPAQUE(std::map<std::string, std::string>);

namespace strata {
namespace {

// The C++ exception a failed status travels in until the translator turns it
// into strata.Error / strata.ValidationError.
class StatusNotOk : public std::exception {
 public:
  explicit StatusNotOk(absl::Status status)
      : status_(std::move(status)), what_(status_.ToString()) {}
  const char* what() const noexcept override { return what_.c_str(); }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
  std::string what_;
};

// Returns the value of `result` or throws StatusNotOk with its status.
template <typename T>
T ValueOrRaise(absl::StatusOr<T> result) {
  if (!result.ok()) throw StatusNotOk(result.status());
  return *std::move(result);
}
inline void ValueOrRaise(const absl::Status& status) {
  if (!status.ok()) throw StatusNotOk(status);
}

// Returns `f()`, run with the GIL released so other Python threads (and
// other compiles) run meanwhile. Every call that may take long goes through
// here; `f` must not touch Python objects.
template <typename F>
auto WithoutGil(F&& f) {
  py::gil_scoped_release release;
  return f();
}

// The exception types, owned by the module for the process's lifetime.
PyObject* g_error = nullptr;
PyObject* g_validation_error = nullptr;

void RaiseStatus(const absl::Status& status) {
  bool invalid = status.code() == absl::StatusCode::kInvalidArgument;
  py::handle type(invalid ? g_validation_error : g_error);
  std::string message(status.message());
  py::object exc = type(message);
  exc.attr("code") = status.code();
  exc.attr("message") = message;
  // Over a limit: strata.Error (code RESOURCE_EXHAUSTED) with the located
  // diagnostics too.
  if (invalid || status.code() == absl::StatusCode::kResourceExhausted) {
    exc.attr("errors") = DiagnosticsFromStatus(status);
  }
  PyErr_SetObject(type.ptr(), exc.ptr());
}

// A py::class_ for a plain value type: default and keyword constructors,
// ==, copy/deepcopy, and `_fields` (the field names in declaration order,
// which the pure-Python layer's __repr__ walks).
template <typename T>
class ValueClass : public py::class_<T> {
 public:
  ValueClass(py::handle scope, const char* name, const char* doc)
      : py::class_<T>(scope, name, doc) {
    this->def(py::init([](const py::kwargs& kwargs) {
                py::object self = py::cast(T{});
                for (auto item : kwargs) py::setattr(self, item.first, item.second);
                return self.template cast<T>();
              }),
              "Creates a value with every field at its default, then sets the "
              "fields given as keyword arguments.");
    if constexpr (std::equality_comparable<T>) {
      this->def(py::self == py::self);
      this->def(py::self != py::self);
    }
    this->def("__copy__", [](const T& self) { return T(self); });
    this->def("__deepcopy__", [](const T& self, const py::dict&) { return T(self); },
              py::arg("memo"));
    this->attr("_fields") = py::tuple();
  }

  // def_readwrite that also records `name` in `_fields`.
  template <typename D>
  ValueClass& Field(const char* name, D T::*member, const char* doc) {
    this->def_readwrite(name, member, doc);
    fields_.append(name);
    this->attr("_fields") = py::tuple(fields_);
    return *this;
  }

  // A read-write property `name` for `outer.*inner`, a field of a nested
  // struct, under the format's flat name (role.pod.labels is also
  // role.pod_labels, as in YAML). Not in `_fields`: `outer` is, and repr
  // shows it once. Lists and dicts bound to C++ storage stay live.
  template <typename S, typename D>
  ValueClass& Alias(const char* name, S T::*outer, D S::*inner, const char* doc) {
    this->def_property(
        name, [outer, inner](T& self) -> D& { return self.*outer.*inner; },
        [outer, inner](T& self, const D& value) { self.*outer.*inner = value; }, doc);
    return *this;
  }

 private:
  py::list fields_;
};

// bind_vector plus construction from (and implicit conversion of) a list.
template <typename T>
void BindList(py::module_& m, const char* name) {
  py::bind_vector<std::vector<T>>(m, name, py::module_local(false),
                                  "A list bound to C++ storage: edits apply to the owning object.");
  py::implicitly_convertible<py::list, std::vector<T>>();
  py::implicitly_convertible<py::tuple, std::vector<T>>();
}

// bind_map plus construction from (and implicit conversion of) a dict.
template <typename V>
void BindMap(py::module_& m, const char* name) {
  using Map = std::map<std::string, V>;
  py::bind_map<Map>(m, name, py::module_local(false),
                    "A dict bound to C++ storage: edits apply to the owning object.")
      .def(py::init([](const py::dict& d) {
             Map out;
             for (auto item : d) out.emplace(item.first.cast<std::string>(), item.second.cast<V>());
             return out;
           }),
           py::arg("items"))
      .def(py::self == py::self);
  py::implicitly_convertible<py::dict, Map>();
}

}  // namespace
}  // namespace strata

PYBIND11_MODULE(_strata, m) {
  using namespace strata;  // NOLINT: the module body names every API type.
  m.doc() =
      "strata._strata: the C++ core of strata. Use the `strata` package; "
      "this module is its implementation.";

  // ------------------------------------------------ errors (absl::Status)
  py::enum_<absl::StatusCode>(m, "StatusCode", "The canonical error codes of absl::Status.")
      .value("OK", absl::StatusCode::kOk)
      .value("CANCELLED", absl::StatusCode::kCancelled)
      .value("UNKNOWN", absl::StatusCode::kUnknown)
      .value("INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument)
      .value("DEADLINE_EXCEEDED", absl::StatusCode::kDeadlineExceeded)
      .value("NOT_FOUND", absl::StatusCode::kNotFound)
      .value("ALREADY_EXISTS", absl::StatusCode::kAlreadyExists)
      .value("PERMISSION_DENIED", absl::StatusCode::kPermissionDenied)
      .value("RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted)
      .value("FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition)
      .value("ABORTED", absl::StatusCode::kAborted)
      .value("OUT_OF_RANGE", absl::StatusCode::kOutOfRange)
      .value("UNIMPLEMENTED", absl::StatusCode::kUnimplemented)
      .value("INTERNAL", absl::StatusCode::kInternal)
      .value("UNAVAILABLE", absl::StatusCode::kUnavailable)
      .value("DATA_LOSS", absl::StatusCode::kDataLoss)
      .value("UNAUTHENTICATED", absl::StatusCode::kUnauthenticated);

  // The module keeps the exception types alive; the extra references make the
  // raw pointers the translator uses valid for the life of the process.
  py::exception<StatusNotOk> error(m, "Error");
  error.doc() =
      "A strata call failed. `code` is the StatusCode, `message` the text "
      "(str(e) is the same text).";
  g_error = error.inc_ref().ptr();
  py::exception<StatusNotOk> validation_error(m, "ValidationError", error);
  validation_error.doc() =
      "Invalid input. `errors` lists the diagnostics (file, line, column, path, "
      "message, severity); str(e) prints them one per line, exactly as the "
      "strata CLI does.";
  g_validation_error = validation_error.inc_ref().ptr();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusNotOk& e) {
      RaiseStatus(e.status());
    }
  });

  // Containers of the model (see PYBIND11_MAKE_OPAQUE above).
  BindList<Role>(m, "RoleList");
  BindList<RoleOverride>(m, "RoleOverrideList");
  BindList<Port>(m, "PortList");
  BindList<EnvVar>(m, "EnvVarList");
  BindList<Storage>(m, "StorageList");
  BindList<StorageOverride>(m, "StorageOverrideList");
  BindList<ConfigFile>(m, "ConfigFileList");
  BindList<ServiceSpec>(m, "ServiceSpecList");
  BindList<Connection>(m, "ConnectionList");
  BindList<Container>(m, "ContainerList");
  BindList<VolumeMount>(m, "VolumeMountList");
  BindList<MemberReplace>(m, "MemberReplaceList");
  BindList<AppDocument>(m, "AppDocumentList");
  BindList<ClusterDocument>(m, "ClusterDocumentList");
  BindMap<Quantity>(m, "QuantityMap");
  BindMap<std::string>(m, "StringMap");

  // ------------------------------------------------ strata/quantity.h
  py::class_<Quantity>(m, "Quantity",
                       "A Kubernetes resource quantity (500m, 1.5Gi, 2), compared "
                       "exactly. A str or int converts implicitly.")
      .def(py::init<>(), "The zero quantity, written \"0\".")
      .def(py::init([](const std::string& text) { return ValueOrRaise(Quantity::Parse(text)); }),
           py::arg("text"), "Parses `text`; raises strata.ValidationError if malformed.")
      .def(py::init([](int64_t value) {
             return ValueOrRaise(Quantity::Parse(absl::StrCat(value)));
           }),
           py::arg("value"), "The quantity of `value` whole units.")
      .def_static("parse", [](const std::string& text) { return ValueOrRaise(Quantity::Parse(text)); },
                  py::arg("text"), "Returns the quantity `text` denotes or raises strata.ValidationError.")
      .def("to_string", &Quantity::ToString, "The text the quantity was written as.")
      .def("__str__", &Quantity::ToString)
      .def("__repr__", [](const Quantity& q) { return absl::StrCat("Quantity('", q.ToString(), "')"); })
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def(py::self <= py::self)
      .def(py::self > py::self)
      .def(py::self >= py::self)
      .def("__copy__", [](const Quantity& q) { return q; })
      .def("__deepcopy__", [](const Quantity& q, const py::dict&) { return q; }, py::arg("memo"));
  py::implicitly_convertible<py::str, Quantity>();
  py::implicitly_convertible<py::int_, Quantity>();

  // ------------------------------------------------ strata/cardinality.h
  py::class_<Cardinality>(m, "Cardinality",
                          "How many members a role may have: \"N\", \"N+\" or \"N-M\". "
                          "A str converts implicitly.")
      .def(py::init<>())
      .def(py::init([](const std::string& text) { return ValueOrRaise(Cardinality::Parse(text)); }),
           py::arg("text"), "Parses `text`; raises strata.ValidationError if malformed.")
      .def_static("parse", [](const std::string& text) { return ValueOrRaise(Cardinality::Parse(text)); },
                  py::arg("text"), "Returns the cardinality `text` denotes.")
      .def_readwrite("min", &Cardinality::min, "Smallest member count.")
      .def_readwrite("max", &Cardinality::max, "Largest member count; None means unbounded.")
      .def("allows", &Cardinality::Allows, py::arg("members"),
           "True when `members` is within [min, max].")
      .def("to_string", &Cardinality::ToString, "\"N\", \"N+\" or \"N-M\".")
      .def("__str__", &Cardinality::ToString)
      .def("__repr__", [](const Cardinality& c) { return absl::StrCat("Cardinality('", c.ToString(), "')"); })
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def("__copy__", [](const Cardinality& c) { return c; })
      .def("__deepcopy__", [](const Cardinality& c, const py::dict&) { return c; }, py::arg("memo"));
  py::implicitly_convertible<py::str, Cardinality>();

  // ------------------------------------------------ strata/probe.h
  ValueClass<PortRef>(m, "PortRef", "A port given by name (a role port) or by number.")
      .Field("name", &PortRef::name, "A role port name; empty when `number` is used.")
      .Field("number", &PortRef::number, "1..65535 when `name` is empty.");
  ValueClass<Handler> handler(m, "Handler", "Exactly one of exec, http, tcp or grpc.");
  py::enum_<Handler::Kind>(handler, "Kind", "Which handler is set.")
      .value("NONE", Handler::Kind::kNone)
      .value("EXEC", Handler::Kind::kExec)
      .value("HTTP", Handler::Kind::kHttp)
      .value("TCP", Handler::Kind::kTcp)
      .value("GRPC", Handler::Kind::kGrpc);
  handler.Field("kind", &Handler::kind, "Which handler this is.")
      .Field("command", &Handler::command, "exec: argv (templates allowed).")
      .Field("path", &Handler::path, "http: request path.")
      .Field("scheme", &Handler::scheme, "http: HTTP or HTTPS.")
      .Field("port", &Handler::port, "http, tcp, grpc: the port probed.")
      .Field("service", &Handler::service, "grpc: the health service name.")
      .Field("timeout_seconds", &Handler::timeout_seconds,
             "memberLeave/memberJoin: how long the hook is retried (None: 600).");
  ValueClass<Probe>(m, "Probe", "A Handler with the Kubernetes probe timing fields.")
      .Field("handler", &Probe::handler, "What to run.")
      .Field("initial_delay_seconds", &Probe::initial_delay_seconds, "None: Kubernetes default.")
      .Field("period_seconds", &Probe::period_seconds, "None: Kubernetes default.")
      .Field("timeout_seconds", &Probe::timeout_seconds, "None: Kubernetes default.")
      .Field("success_threshold", &Probe::success_threshold, "None: Kubernetes default.")
      .Field("failure_threshold", &Probe::failure_threshold, "None: Kubernetes default.");
  ValueClass<Probes>(m, "Probes", "A role's readiness, liveness and startup probes.")
      .Field("readiness", &Probes::readiness, "Optional Probe.")
      .Field("liveness", &Probes::liveness, "Optional Probe.")
      .Field("startup", &Probes::startup, "Optional Probe.");

  // ------------------------------------------------ strata/storage.h
  py::enum_<VolumePolicy>(m, "VolumePolicy", "What happens to a PVC: retain or delete.")
      .value("RETAIN", VolumePolicy::kRetain)
      .value("DELETE", VolumePolicy::kDelete);
  py::enum_<AfterLeave>(m, "AfterLeave", "A PVC left by a member that ran memberLeave: keep or wipe.")
      .value("KEEP", AfterLeave::kKeep)
      .value("WIPE", AfterLeave::kWipe);
  ValueClass<Storage>(m, "Storage", "A persistent volume of every member (a volumeClaimTemplate).")
      .Field("name", &Storage::name, "The claim template name.")
      .Field("mount_path", &Storage::mount_path, "Absolute path in the container.")
      .Field("size", &Storage::size, "The PVC request (a Quantity).")
      .Field("min_size", &Storage::min_size, "A Cluster may not request less.")
      .Field("access_modes", &Storage::access_modes, "Default [\"ReadWriteOnce\"].")
      .Field("storage_class_name", &Storage::storage_class_name, "Empty: the cluster default.")
      .Field("on_scale_down", &Storage::on_scale_down, "-> PVC retention whenScaled.")
      .Field("on_cluster_delete", &Storage::on_cluster_delete, "-> PVC retention whenDeleted.")
      .Field("after_leave", &Storage::after_leave, "keep or wipe after memberLeave.");

  // ------------------------------------------------ strata/config_file.h
  py::enum_<ConfigFormat>(m, "ConfigFormat", "How a config file is rendered.")
      .value("PROPERTIES", ConfigFormat::kProperties)
      .value("HADOOP_XML", ConfigFormat::kHadoopXml)
      .value("YAML", ConfigFormat::kYaml)
      .value("JSON", ConfigFormat::kJson)
      .value("INI", ConfigFormat::kIni)
      .value("ENV", ConfigFormat::kEnv)
      .value("TEXT", ConfigFormat::kText);
  py::enum_<OnChange>(m, "OnChange", "Whether members restart when a config file changes.")
      .value("RESTART", OnChange::kRestart)
      .value("NONE", OnChange::kNone);
  ValueClass<ConfigFile>(m, "ConfigFile", "A file rendered into the role's ConfigMap.")
      .Field("path", &ConfigFile::path, "Absolute file path.")
      .Field("format", &ConfigFile::format, "A ConfigFormat.")
      .Field("on_change", &ConfigFile::on_change, "An OnChange.")
      .Field("data", &ConfigFile::data, "Structured formats: ordered (key, template) pairs.")
      .Field("template", &ConfigFile::template_text, "text format: the whole file as a template.");

  // ------------------------------------------------ strata/rollout_policy.h
  py::enum_<InitialRollout>(m, "InitialRollout", "parallel or serial bring-up of a new role.")
      .value("PARALLEL", InitialRollout::kParallel)
      .value("SERIAL", InitialRollout::kSerial);
  py::enum_<Approval>(m, "Approval",
                      "Who waits for a person's approval before being disrupted: none, "
                      "the leader, or every member (SPEC-2 §9).")
      .value("NONE", Approval::kNone)
      .value("LEADER", Approval::kLeader)
      .value("EVERY", Approval::kEvery);
  py::enum_<RolloutStrategy>(m, "RolloutStrategy", "serial, bestEffortParallel or parallel.")
      .value("SERIAL", RolloutStrategy::kSerial)
      .value("BEST_EFFORT_PARALLEL", RolloutStrategy::kBestEffortParallel)
      .value("PARALLEL", RolloutStrategy::kParallel);
  py::enum_<RolloutOrder>(m, "RolloutOrder", "The order members are restarted in.")
      .value("ORDINAL_DESCENDING", RolloutOrder::kOrdinalDescending)
      .value("ORDINAL_ASCENDING", RolloutOrder::kOrdinalAscending)
      .value("FOLLOWERS_FIRST", RolloutOrder::kFollowersFirst);
  ValueClass<IntOrPercent>(m, "IntOrPercent", "An integer >= 1, or a percentage when `percent`.")
      .Field("value", &IntOrPercent::value, "The integer or the percentage.")
      .Field("percent", &IntOrPercent::percent, "True: `value` is a percentage 1..100.");
  ValueClass<Gate>(m, "Gate", "A check run in a Ready member before it is disrupted.")
      .Field("handler", &Gate::handler, "exec only; exit 0 means safe.")
      .Field("timeout_seconds", &Gate::timeout_seconds, "Default 600.");
  ValueClass<RolloutPolicy>(m, "RolloutPolicy", "How a role's members are restarted for an update.")
      .Field("strategy", &RolloutPolicy::strategy, "A RolloutStrategy.")
      .Field("max_unavailable", &RolloutPolicy::max_unavailable, "An IntOrPercent; default 1.")
      .Field("order", &RolloutPolicy::order, "A RolloutOrder.")
      .Field("leader_label", &RolloutPolicy::leader_label, "Required for followersFirst.")
      .Field("leader_probe", &RolloutPolicy::leader_probe, "Optional exec Handler.")
      .Field("min_ready_seconds", &RolloutPolicy::min_ready_seconds, "Default 0.")
      .Field("gate", &RolloutPolicy::gate, "Optional Gate.")
      .Field("zone_parallel", &RolloutPolicy::zone_parallel, "Members of one zone restart together.")
      .Field("ready_timeout_seconds", &RolloutPolicy::ready_timeout_seconds,
             "Optional; replaces the computed Ready timeout.")
      .Field("approval", &RolloutPolicy::approval,
             "An Approval: the plan waits for `strata apply --approve TOKEN` (or the "
             "Cluster annotation strata.dev/approve) before disrupting the leader or every member.")
      .Field("initial", &RolloutPolicy::initial, "An InitialRollout: how a new role comes up.")
      .Field("min_interval_seconds", &RolloutPolicy::min_interval_seconds,
             "Seconds between two restarts of the role; default 0.")
      .def("resolve_max_unavailable", &RolloutPolicy::ResolveMaxUnavailable, py::arg("members"),
           "The members that may be unavailable at once for a role of `members` members.");

  // ------------------------------------------------ strata/role.h
  py::enum_<Quorum>(m, "Quorum", "none or majority.")
      .value("NONE", Quorum::kNone)
      .value("MAJORITY", Quorum::kMajority);
  ValueClass<Port>(m, "Port", "A named container port.")
      .Field("name", &Port::name, "IANA service name, <= 15 chars.")
      .Field("port", &Port::port, "1..65535.")
      .Field("protocol", &Port::protocol, "TCP (default), UDP or SCTP.");
  ValueClass<SecretKeyRef>(m, "SecretKeyRef", "A key of a Secret.")
      .Field("name", &SecretKeyRef::name, "The Secret's name.")
      .Field("key", &SecretKeyRef::key, "The key within it.");
  ValueClass<EnvVar>(m, "EnvVar",
                     "An environment variable: a literal template, a Secret reference or a "
                     "field of the pod (the downward API).")
      .Field("name", &EnvVar::name, "The variable name.")
      .Field("value", &EnvVar::value, "A template; empty when `secret` or `field` is set.")
      .Field("secret", &EnvVar::secret, "Optional SecretKeyRef -> valueFrom.secretKeyRef.")
      .Field("field", &EnvVar::field,
             "A pod field (status.podIP, metadata.name, ...) -> valueFrom.fieldRef; empty: none.");
  ValueClass<Resources>(m, "Resources", "Kubernetes resource requests and limits by resource name.")
      .Field("requests", &Resources::requests, "Resource name -> Quantity (str values convert).")
      .Field("limits", &Resources::limits, "Resource name -> Quantity (str values convert).");
  py::enum_<ServiceType>(m, "ServiceType", "ClusterIP, NodePort or LoadBalancer.")
      .value("CLUSTER_IP", ServiceType::kClusterIP)
      .value("NODE_PORT", ServiceType::kNodePort)
      .value("LOAD_BALANCER", ServiceType::kLoadBalancer);
  ValueClass<ServiceSpec>(m, "ServiceSpec", "A client Service <cluster>-<role>-<name>.")
      .Field("name", &ServiceSpec::name, "DNS-1123 label.")
      .Field("ports", &ServiceSpec::ports, "Role port names.")
      .Field("type", &ServiceSpec::type, "A ServiceType.")
      .Field("per_member", &ServiceSpec::per_member, "Also one Service per member.")
      .Field("dashboard", &ServiceSpec::dashboard, "Annotated strata.dev/dashboard=true.")
      .Field("annotations", &ServiceSpec::annotations,
             "StringMap: the Service's annotations (not strata.dev/*); changing them restarts nobody.");
  ValueClass<Lifecycle>(m, "Lifecycle", "preStop, grace period and membership hooks.")
      .Field("pre_stop", &Lifecycle::pre_stop, "Optional Handler.")
      .Field("termination_grace_period_seconds", &Lifecycle::termination_grace_period_seconds,
             "Optional seconds.")
      .Field("member_leave", &Lifecycle::member_leave, "Optional exec Handler run before removal.")
      .Field("member_join", &Lifecycle::member_join, "Optional exec Handler run after joining.");
  ValueClass<Security>(m, "Security", "The pod security context.")
      .Field("run_as_user", &Security::run_as_user, "Default 1000; non-root.")
      .Field("run_as_group", &Security::run_as_group, "Optional.")
      .Field("fs_group", &Security::fs_group, "Optional.")
      .Field("capabilities", &Security::capabilities, "Added on top of drop: [ALL].")
      .Field("read_only_root_filesystem", &Security::read_only_root_filesystem, "Default False.");
  py::enum_<Spread>(m, "Spread", "Topology spread: node, zone or none.")
      .value("NODE", Spread::kNode)
      .value("ZONE", Spread::kZone)
      .value("NONE", Spread::kNone);
  py::enum_<PlacementMode>(m, "PlacementMode", "preferred (ScheduleAnyway) or required.")
      .value("PREFERRED", PlacementMode::kPreferred)
      .value("REQUIRED", PlacementMode::kRequired);
  ValueClass<Placement>(m, "Placement", "How members spread over nodes or zones.")
      .Field("spread", &Placement::spread, "A Spread.")
      .Field("mode", &Placement::mode, "A PlacementMode.");
  ValueClass<PodSettings>(m, "PodSettings",
                          "Pod-level settings of a role's members (SPEC-2 §8). On a Role and a "
                          "RoleOverride also as the flat names service_account_name, "
                          "image_pull_secrets, priority_class_name, pod_labels, pod_annotations.")
      .Field("service_account_name", &PodSettings::service_account_name,
             "The pods' ServiceAccount; empty: the namespace default.")
      .Field("image_pull_secrets", &PodSettings::image_pull_secrets,
             "Names of registry-credential Secrets. Assign a new list to change.")
      .Field("priority_class_name", &PodSettings::priority_class_name, "A PriorityClass; empty: none.")
      .Field("labels", &PodSettings::labels, "StringMap added to the pod template's labels.")
      .Field("annotations", &PodSettings::annotations,
             "StringMap added to the pod template's annotations.");
  ValueClass<VolumeMount>(m, "VolumeMount",
                          "A mount of one of the role's storage volumes into a sidecar or init container.")
      .Field("name", &VolumeMount::name, "A storage name of the role.")
      .Field("mount_path", &VolumeMount::mount_path, "An absolute path in the container.")
      .Field("read_only", &VolumeMount::read_only, "Default False.");
  ValueClass<Container>(m, "Container",
                        "A sidecar or init container of a role's pods; it runs with the role's "
                        "security settings and STRATA_* variables.")
      .Field("name", &Container::name, "DNS-1123 label, unique among the pod's containers.")
      .Field("image", &Container::image, "The container image.")
      .Field("command", &Container::command,
             "Templates; empty = image entrypoint. Assign a new list to change.")
      .Field("args", &Container::args, "Templates. Assign a new list to change.")
      .Field("ports", &Container::ports, "PortList; names and numbers unique in the pod.")
      .Field("env", &Container::env, "EnvVarList.")
      .Field("resources", &Container::resources, "Resources.")
      .Field("probes", &Container::probes, "Probes (sidecars only); named ports are the container's own.")
      .Field("volume_mounts", &Container::volume_mounts, "VolumeMountList: the role's storage.")
      .Field("config", &Container::config,
             "Paths of the role's config files, mounted there. Assign a new list to change.")
      .def("find_port", &Container::FindPort, py::arg("name"),
           py::return_value_policy::reference_internal, "The port named `name`, or None.");
  ValueClass<Metrics>(m, "Metrics",
                      "Where Prometheus scrapes a role's members: the pod annotations "
                      "prometheus.io/scrape, /port and /path.")
      .Field("port", &Metrics::port, "A PortRef: a port of the pod by name, or a number.")
      .Field("path", &Metrics::path, "Default \"/metrics\"; starts with '/'.");
  ValueClass<Role>(m, "Role", "One kind of member of an App (broker, namenode, ...).")
      .Field("name", &Role::name, "DNS-1035 label, unique in the app.")
      .Field("image", &Role::image, "The container image.")
      .Field("cardinality", &Role::cardinality, "A Cardinality (a str converts).")
      .Field("quorum", &Role::quorum, "A Quorum.")
      .Field("command", &Role::command, "Templates; empty = image entrypoint. Assign a new list to change.")
      .Field("args", &Role::args, "Templates. Assign a new list to change.")
      .Field("ports", &Role::ports, "PortList.")
      .Field("env", &Role::env, "EnvVarList.")
      .Field("resources", &Role::resources, "Resources.")
      .Field("min_resources", &Role::min_resources, "Resources; only requests are read.")
      .Field("storage", &Role::storage, "StorageList.")
      .Field("probes", &Role::probes, "Probes.")
      .Field("config", &Role::config, "ConfigFileList.")
      .Field("depends_on", &Role::depends_on, "Role names. Assign a new list to change.")
      .Field("services", &Role::services, "ServiceSpecList.")
      .Field("rollout", &Role::rollout, "RolloutPolicy.")
      .Field("lifecycle", &Role::lifecycle, "Lifecycle.")
      .Field("security", &Role::security, "Security.")
      .Field("placement", &Role::placement, "Placement.")
      .Field("pod", &Role::pod, "PodSettings (also as the flat names below).")
      .Alias("service_account_name", &Role::pod, &PodSettings::service_account_name,
             "pod.service_account_name: the pods' ServiceAccount.")
      .Alias("image_pull_secrets", &Role::pod, &PodSettings::image_pull_secrets,
             "pod.image_pull_secrets. Assign a new list to change.")
      .Alias("priority_class_name", &Role::pod, &PodSettings::priority_class_name,
             "pod.priority_class_name.")
      .Alias("pod_labels", &Role::pod, &PodSettings::labels, "pod.labels (a live StringMap).")
      .Alias("pod_annotations", &Role::pod, &PodSettings::annotations,
             "pod.annotations (a live StringMap).")
      .Field("containers", &Role::containers,
             "ContainerList: sidecars, after the role's own container. Changing them restarts members.")
      .Field("init_containers", &Role::init_containers,
             "ContainerList: run in order before the others. Changing them restarts members.")
      .Field("metrics", &Role::metrics,
             "Optional Metrics: prometheus.io/* pod annotations (outside the spec-hash).")
      .def("find_port", &Role::FindPort, py::arg("name"), py::return_value_policy::reference_internal,
           "The port named `name`, or None.");

  // ------------------------------------------------ strata/app.h
  ValueClass<App>(m, "App", "An application type (kind: App): its roles and policies.")
      .Field("name", &App::name, "DNS-1035 label.")
      .Field("version", &App::version, "A valid label value.")
      .Field("description", &App::description, "Free text.")
      .Field("roles", &App::roles, "RoleList (edits apply in place).")
      .def("find_role", &App::FindRole, py::arg("name"), py::return_value_policy::reference_internal,
           "The role named `name` (editable in place), or None.");

  // ------------------------------------------------ strata/cluster.h
  ValueClass<StorageOverride>(m, "StorageOverride", "A Cluster's change to one storage entry.")
      .Field("name", &StorageOverride::name, "A storage name of the role.")
      .Field("size", &StorageOverride::size, "Optional Quantity; not below the App's minSize.")
      .Field("storage_class_name", &StorageOverride::storage_class_name, "Empty: keep the App's.");
  ValueClass<MemberReplace>(m, "MemberReplace",
                            "Rebuild one member on empty storage, once per token (SPEC-2 §9).")
      .Field("member", &MemberReplace::member, "\"<cluster>-<role>-<ordinal>\", a current member.")
      .Field("token", &MemberReplace::token,
             "1..63 of [A-Za-z0-9._-]; a new token replaces the member again.");
  ValueClass<RoleOverride>(m, "RoleOverride", "A Cluster's settings for one role.")
      .Field("name", &RoleOverride::name, "A role of the App.")
      .Field("members", &RoleOverride::members, "None: the cardinality's minimum.")
      .Field("image", &RoleOverride::image, "Empty: the App's image.")
      .Field("resources", &RoleOverride::resources, "Merged per key over the App's.")
      .Field("storage", &RoleOverride::storage, "StorageOverrideList.")
      .Field("env", &RoleOverride::env, "Added to / overriding the App's by name.")
      .Field("config", &RoleOverride::config,
             "File path -> [(key, template)] overriding that file's data. Assign a new dict to change.")
      .Field("node_selector", &RoleOverride::node_selector, "StringMap.")
      .Field("tolerations", &RoleOverride::tolerations,
             "Kubernetes tolerations (a list of dicts). Assign a new list to change.")
      .Field("pod", &RoleOverride::pod,
             "PodSettings over the App role's: non-empty strings and lists replace, labels and "
             "annotations merge per key (also as the flat names below).")
      .Alias("service_account_name", &RoleOverride::pod, &PodSettings::service_account_name,
             "pod.service_account_name; empty: the App role's.")
      .Alias("image_pull_secrets", &RoleOverride::pod, &PodSettings::image_pull_secrets,
             "pod.image_pull_secrets; replaces the App role's when non-empty. Assign a new list to change.")
      .Alias("priority_class_name", &RoleOverride::pod, &PodSettings::priority_class_name,
             "pod.priority_class_name; empty: the App role's.")
      .Alias("pod_labels", &RoleOverride::pod, &PodSettings::labels,
             "pod.labels, merged per key over the App role's (a live StringMap).")
      .Alias("pod_annotations", &RoleOverride::pod, &PodSettings::annotations,
             "pod.annotations, merged per key over the App role's (a live StringMap).")
      .Field("restart_token", &RoleOverride::restart_token,
             "Pod annotation strata.dev/restart-token, in the spec-hash: a new value restarts "
             "every member in rollout order.")
      .Field("replace", &RoleOverride::replace,
             "MemberReplaceList: members to rebuild on empty storage, each once per token.")
      .Field("containers", &RoleOverride::containers,
             "ContainerList: each replaces the App role's sidecar of its name or is added after them.")
      .Field("init_containers", &RoleOverride::init_containers,
             "ContainerList: each replaces the App role's init container of its name or is added.");
  ValueClass<Connection>(m, "Connection", "A named endpoint usable in templates.")
      .Field("name", &Connection::name, "DNS-1123 label.")
      .Field("endpoint", &Connection::endpoint, "\"host:port\" or a URL.");
  ValueClass<MaintenanceWindow>(m, "MaintenanceWindow", "A weekly window, in UTC (SPEC-2 §9).")
      .Field("days", &MaintenanceWindow::days, "\"Mon\" .. \"Sun\": the days it opens.")
      .Field("start", &MaintenanceWindow::start, "\"HH:MM\": when it opens.")
      .Field("end", &MaintenanceWindow::end,
             "\"HH:MM\" (up to \"24:00\"): when it closes; the next day when not after start.");
  ValueClass<Maintenance>(m, "Maintenance", "When a Cluster's members may be restarted.")
      .Field("windows", &Maintenance::windows,
             "List of MaintenanceWindow; empty: any time. Assign a new list to change.");
  ValueClass<Cluster>(m, "Cluster", "An instance of an App (kind: Cluster).")
      .Field("name", &Cluster::name, "DNS-1035 label.")
      .Field("namespace", &Cluster::namespace_, "Default \"default\".")
      .Field("labels", &Cluster::labels, "StringMap copied onto every object.")
      .Field("app", &Cluster::app, "The App's name.")
      .Field("domain", &Cluster::domain, "Default cluster.local.")
      .Field("roles", &Cluster::roles, "RoleOverrideList (edits apply in place).")
      .Field("connections", &Cluster::connections, "ConnectionList.")
      .Field("stopped", &Cluster::stopped,
             "True scales every role to 0 keeping the PVCs; False brings them back (SPEC-2 §9).")
      .Field("maintenance", &Cluster::maintenance,
             "Maintenance: restarts only inside its windows. Assign to change.")
      .def("find_role", &Cluster::FindRole, py::arg("name"),
           py::return_value_policy::reference_internal,
           "The override for role `name` (editable in place), or None.");

  // ------------------------------------------------ strata/diagnostic.h
  ValueClass<Diagnostic> diagnostic(m, "Diagnostic",
                                    "An error or warning about an input document.");
  py::enum_<Diagnostic::Severity>(diagnostic, "Severity", "ERROR or WARNING.")
      .value("ERROR", Diagnostic::Severity::kError)
      .value("WARNING", Diagnostic::Severity::kWarning);
  diagnostic.Field("severity", &Diagnostic::severity, "ERROR or WARNING.")
      .Field("file", &Diagnostic::file, "The source name.")
      .Field("document", &Diagnostic::document, "0-based document index within `file`.")
      .Field("line", &Diagnostic::line, "1-based; 0 when unknown.")
      .Field("column", &Diagnostic::column, "1-based; 0 when unknown.")
      .Field("path", &Diagnostic::path, "Field path within the document.")
      .Field("message", &Diagnostic::message, "What is wrong.")
      .def("to_string", &Diagnostic::ToString,
           "\"FILE:LINE:COL: PATH: message\" as the CLI prints it.")
      .def("__str__", &Diagnostic::ToString);
  m.def("sort_diagnostics",
        [](std::vector<Diagnostic> diagnostics) {
          SortDiagnostics(diagnostics);
          return diagnostics;
        },
        py::arg("diagnostics"), "Returns `diagnostics` sorted (and deduplicated) as the CLI prints them.");
  m.def("has_errors", &HasErrors, py::arg("diagnostics"), "True when any diagnostic is an error.");

  // ------------------------------------------------ strata/documents.h
  ValueClass<Location>(m, "Location", "Where a value was written.")
      .Field("line", &Location::line, "1-based; 0 when unknown.")
      .Field("column", &Location::column, "1-based; 0 when unknown.");
  ValueClass<AppDocument>(m, "AppDocument", "An App and where it was loaded from.")
      .Field("app", &AppDocument::app, "The App (edits apply in place).")
      .Field("file", &AppDocument::file, "Source name.")
      .Field("index", &AppDocument::index, "0-based document index within the source.")
      .Field("source", &AppDocument::source, "Field path -> Location (a copy).");
  ValueClass<ClusterDocument>(m, "ClusterDocument", "A Cluster and where it was loaded from.")
      .Field("cluster", &ClusterDocument::cluster, "The Cluster (edits apply in place).")
      .Field("file", &ClusterDocument::file, "Source name.")
      .Field("index", &ClusterDocument::index, "0-based document index within the source.")
      .Field("source", &ClusterDocument::source, "Field path -> Location (a copy).");
  ValueClass<Documents>(m, "Documents", "Every App and Cluster of some sources, in order.")
      .Field("apps", &Documents::apps, "AppDocumentList.")
      .Field("clusters", &Documents::clusters, "ClusterDocumentList.")
      .def("find_app",
           [](const Documents& self, const std::string& name) { return self.FindApp(name); },
           py::arg("name"), py::return_value_policy::reference_internal,
           "The AppDocument named `name` (editable in place), or None.");
  ValueClass<Source>(m, "Source", "One input text and the name errors use for it.")
      .Field("name", &Source::name, "\"kafka/app.yaml\", \"<stdin>\", \"<text>\".")
      .Field("text", &Source::text, "YAML or JSON; one or more documents.");
  // ------------------------------------------------ strata/limits.h
  ValueClass<Limits>(m, "Limits",
                     "How much input is accepted (SPEC-2 §11); over a limit raises "
                     "strata.Error with code RESOURCE_EXHAUSTED.")
      .Field("max_file_size", &Limits::max_file_size, "Largest input text, in bytes.")
      .Field("max_alias_bytes", &Limits::max_alias_bytes,
             "Most bytes YAML aliases may add to one document.")
      .Field("max_alias_nodes", &Limits::max_alias_nodes,
             "Most nodes YAML aliases may add to one document.")
      .Field("max_nesting", &Limits::max_nesting, "Deepest nesting of a YAML or JSON text.")
      .Field("max_documents", &Limits::max_documents, "Most documents in one text.")
      .Field("max_members", &Limits::max_members, "Most members of one role.")
      .Field("max_config_map_size", &Limits::max_config_map_size,
             "Largest rendered ConfigMap, in bytes.");
  m.def("load",
        [](const std::vector<Source>& sources, const Limits& limits) {
          return ValueOrRaise(WithoutGil([&] { return Load(sources, limits); }));
        },
        py::arg("sources"), py::arg("limits") = Limits{},
        "Returns the Documents of `sources` (a list of Source), or raises "
        "strata.ValidationError listing every syntax and schema problem (strata.Error "
        "RESOURCE_EXHAUSTED over `limits`). Releases the GIL.");
  m.def("locate",
        [](const SourceMap& source, const std::string& path) { return Locate(source, path); },
        py::arg("source"), py::arg("path"),
        "The Location recorded for `path` or its nearest ancestor in `source`.");

  // ------------------------------------------------ strata/validate.h
  ValueClass<Topology>(m, "Topology", "A Cluster with the App it instantiates.")
      .Field("app", &Topology::app, "The App.")
      .Field("cluster", &Topology::cluster, "The Cluster.");
  m.def("check", &Check, py::arg("documents"),
        "Every error and warning of `documents`, located and sorted.");
  m.def("check_topology", &CheckTopology, py::arg("app"), py::arg("cluster"),
        "Every error and warning of one App and Cluster, without source locations.");
  m.def("validate", [](const Documents& documents) { ValueOrRaise(Validate(documents)); },
        py::arg("documents"), "Returns None, or raises strata.ValidationError listing every error.");
  m.def("resolve", [](const Documents& documents) { return ValueOrRaise(Resolve(documents)); },
        py::arg("documents"),
        "One Topology per Cluster (in source order), or raises strata.ValidationError.");

  // ------------------------------------------------ strata/compile.h
  ValueClass<CompileOptions>(m, "CompileOptions", "Options of compile().")
      .Field("limits", &CompileOptions::limits,
             "max_members and max_config_map_size hold while compiling.");
  ValueClass<Object>(m, "Object", "One Kubernetes object.")
      .Field("kind", &Object::kind, "\"StatefulSet\", \"Service\", ...")
      .Field("name", &Object::name, "metadata.name.")
      .Field("role", &Object::role, "The role it belongs to; empty for cluster-wide objects.")
      .Field("body", &Object::body, "The whole object as a dict (a copy).");
  ValueClass<CompiledRole>(m, "CompiledRole", "What the planner needs to know about one compiled role.")
      .Field("name", &CompiledRole::name, "The role name.")
      .Field("members", &CompiledRole::members, "Desired member count.")
      .Field("stateful_set", &CompiledRole::stateful_set, "\"C-R\".")
      .Field("config_map", &CompiledRole::config_map,
             "\"C-R-config-<hash>\": the files members restart for; empty without.")
      .Field("live_config_map", &CompiledRole::live_config_map,
             "\"C-R-config-live\": the onChange: none files; empty without.")
      .Field("spec_hash", &CompiledRole::spec_hash, "Pod annotation strata.dev/spec-hash.")
      .Field("config_hash", &CompiledRole::config_hash, "Pod annotation strata.dev/config-hash.")
      .Field("max_unavailable", &CompiledRole::max_unavailable,
             "The rollout budget: maxUnavailable resolved, quorum-capped unless strategy parallel.")
      .Field("depends_on", &CompiledRole::depends_on, "Role names.")
      .Field("storage", &CompiledRole::storage, "After the Cluster's overrides.")
      .Field("role", &CompiledRole::role, "The merged Role.");
  ValueClass<CompiledCluster>(m, "CompiledCluster", "The compiled objects and roles of one Cluster.")
      .Field("cluster", &CompiledCluster::cluster, "Cluster name.")
      .Field("namespace", &CompiledCluster::namespace_, "Namespace.")
      .Field("app", &CompiledCluster::app, "App name.")
      .Field("roles", &CompiledCluster::roles, "CompiledRoles in dependsOn order (a copy).")
      .Field("objects", &CompiledCluster::objects, "Objects in SPEC §2 order (a copy).")
      .def("find_role", &CompiledCluster::FindRole, py::arg("name"),
           py::return_value_policy::copy, "The compiled role named `name`, or None.");
  m.def("compile",
        [](const Topology& topology, const CompileOptions& options) {
          Topology input = topology;  // Python may change `topology` meanwhile.
          return ValueOrRaise(WithoutGil([&] { return Compile(input, options); }));
        },
        py::arg("topology"), py::arg("options") = CompileOptions{},
        "Returns the CompiledCluster of `topology` or raises strata.ValidationError. "
        "Releases the GIL.");

  // ------------------------------------------------ strata/pipeline.h
  m.attr("NO_CLUSTER_MESSAGE") = std::string(kNoClusterMessage);
  ValueClass<PrepareOptions>(m, "PrepareOptions", "Which Clusters a command works on.")
      .Field("need_cluster", &PrepareOptions::need_cluster,
             "The command needs a Cluster (False for validate).")
      .Field("cluster", &PrepareOptions::cluster, "Only the Cluster of this name; \"\" = every one.")
      .Field("need_one", &PrepareOptions::need_one, "Exactly one Cluster (plan, simulate).")
      .Field("limits", &PrepareOptions::limits, "max_members holds before checking.");
  ValueClass<Prepared>(m, "Prepared", "Checked input: documents, topologies, warnings.")
      .Field("documents", &Prepared::documents, "The Documents.")
      .Field("topologies", &Prepared::topologies, "One Topology per selected Cluster.")
      .Field("warnings", &Prepared::warnings, "Check()'s warnings, sorted.");
  m.def("prepare",
        [](const Documents& documents, const PrepareOptions& options) {
          Documents copy = documents;
          return ValueOrRaise(WithoutGil([&] { return Prepare(std::move(copy), options); }));
        },
        py::arg("documents"), py::arg("options") = PrepareOptions{},
        "Checks `documents` once and pairs each Cluster with its App, or raises "
        "strata.ValidationError (errors, or no Cluster) or strata.Error (NOT_FOUND: no "
        "Cluster of that name; FAILED_PRECONDITION: several Clusters, one needed). "
        "Releases the GIL.");
  m.def("compile_all",
        [](const Prepared& prepared, const CompileOptions& options) {
          Prepared copy = prepared;
          return ValueOrRaise(WithoutGil([&] { return CompileAll(copy, options); }));
        },
        py::arg("prepared"), py::arg("options") = CompileOptions{},
        "Compiles every Topology of `prepared`, or raises strata.ValidationError with every "
        "Cluster's errors located in its App's file. Releases the GIL.");

  // ------------------------------------------------ strata/emit.h
  m.def("to_yaml", py::overload_cast<const std::vector<Object>&>(&ToYaml), py::arg("objects"),
        "Every object as a YAML document, each starting with \"---\".");
  m.def("to_yaml", py::overload_cast<const Json&>(&ToYaml), py::arg("value"),
        "One YAML document (no leading \"---\"), ending in a newline.");
  m.def("to_json_list", &ToJsonList, py::arg("objects"),
        "A kind: List holding every object, indented JSON ending in a newline.");
  m.def("object_file_name", &ObjectFileName, py::arg("object"),
        "The file name --out-dir uses: \"<kind>-<name>.yaml\".");

  // ------------------------------------------------ strata/observed_state.h
  ValueClass<ObservedState>(m, "ObservedState", "What runs now, as kubectl prints it (lists of dicts).")
      .Field("stateful_sets", &ObservedState::stateful_sets, "StatefulSets by name.")
      .Field("pods", &ObservedState::pods, "Pods by name.")
      .Field("services", &ObservedState::services, "Services by name.")
      .Field("config_maps", &ObservedState::config_maps, "ConfigMaps by name.")
      .Field("pod_disruption_budgets", &ObservedState::pod_disruption_budgets, "PDBs by name.")
      .Field("persistent_volume_claims", &ObservedState::persistent_volume_claims, "PVCs by name.")
      .Field("nodes", &ObservedState::nodes, "Nodes by name (for zones).")
      .Field("secrets", &ObservedState::secrets, "Secret metadata by name (never data).")
      .def("empty", &ObservedState::empty, "True when nothing is observed.");
  m.def("parse_observed_state",
        [](const std::string& text, const std::string& source_name, const Limits& limits) {
          return ValueOrRaise(
              WithoutGil([&] { return ParseObservedState(text, source_name, limits); }));
        },
        py::arg("text"), py::arg("source_name"), py::arg("limits") = Limits{},
        "The state held by YAML/JSON `text` (a List, an object or a stream), or raises "
        "strata.ValidationError naming `source_name`.");
  m.def("observed_state_from_json",
        [](const Json& value, const std::string& source_name) {
          return ValueOrRaise(ObservedStateFromJson(value, source_name));
        },
        py::arg("value"), py::arg("source_name"),
        "The state held by a List dict, an object dict or a list of objects.");
  m.def("observed_state_to_list", &ObservedStateToList, py::arg("state"),
        "The state as a kind: List dict, objects ordered by kind then name.");

  // ------------------------------------------------ strata/plan.h
  py::enum_<Action>(m, "Action", "A plan step's action.")
      .value("APPLY", Action::kApply)
      .value("DELETE", Action::kDelete)
      .value("RESTART", Action::kRestart)
      .value("EXEC", Action::kExec)
      .value("WAIT", Action::kWait)
      .value("RESIZE_PVC", Action::kResizePvc);
  m.def("action_name", [](Action action) { return std::string(ActionName(action)); },
        py::arg("action"), "\"apply\", \"delete\", \"restart\", \"exec\", \"wait\" or \"resizePvc\".");
  py::enum_<Phase>(m, "Phase", "The part of the plan a step belongs to.")
      .value("OBJECTS", Phase::kObjects)
      .value("STORAGE", Phase::kStorage)
      .value("REPAIR", Phase::kRepair)
      .value("MEMBERSHIP", Phase::kMembership)
      .value("UPDATE", Phase::kUpdate)
      .value("READY", Phase::kReady)
      .value("CLEANUP", Phase::kCleanup)
      .value("REMOVAL", Phase::kRemoval);
  m.def("phase_name", [](Phase phase) { return std::string(PhaseName(phase)); },
        py::arg("phase"), "\"objects\", \"storage\", \"repair\", \"membership\", ...");
  py::enum_<Hook>(m, "Hook", "Which lifecycle command an exec step runs.")
      .value("NONE", Hook::kNone)
      .value("GATE", Hook::kGate)
      .value("MEMBER_LEAVE", Hook::kMemberLeave)
      .value("MEMBER_JOIN", Hook::kMemberJoin);
  m.def("hook_name", [](Hook hook) { return std::string(HookName(hook)); }, py::arg("hook"),
        "\"\" (none), \"gate\", \"memberLeave\" or \"memberJoin\".");
  ValueClass<WaitCondition> wait(m, "WaitCondition", "What a wait step waits for.");
  py::enum_<WaitCondition::Kind>(wait, "Kind", "The kind of condition.")
      .value("POD_READY", WaitCondition::Kind::kPodReady)
      .value("ROLE_READY", WaitCondition::Kind::kRoleReady)
      .value("PVC_CAPACITY", WaitCondition::Kind::kPvcCapacity)
      .value("ROLE_STOPPED", WaitCondition::Kind::kRoleStopped)
      .value("APPROVAL", WaitCondition::Kind::kApproval)
      .value("WINDOW", WaitCondition::Kind::kWindow)
      .value("NOT_BEFORE", WaitCondition::Kind::kNotBefore);
  wait.Field("kind", &WaitCondition::kind, "A WaitCondition.Kind.")
      .Field("target", &WaitCondition::target, "The pod, the role or the PVC.")
      .Field("stateful_set", &WaitCondition::stateful_set,
             "ROLE_READY: the StatefulSet whose pods 0..count-1 must be Ready.")
      .Field("count", &WaitCondition::count, "ROLE_READY: how many members.")
      .Field("min_ready_seconds", &WaitCondition::min_ready_seconds,
             "Seconds a pod must have been Ready; 0 = Ready is enough.")
      .Field("size", &WaitCondition::size, "PVC_CAPACITY: the quantity.")
      .def_property_readonly("text", &WaitCondition::ToString,
                             "SPEC §4's text: \"roleReady broker 5/5 minReadySeconds=30\".")
      .def("__str__", &WaitCondition::ToString);
  ValueClass<Target>(m, "Target", "What a plan step acts on.")
      .Field("kind", &Target::kind, "\"StatefulSet\", \"Pod\", ...")
      .Field("name", &Target::name, "The object name.")
      .Field("role", &Target::role, "The role; empty for cluster-wide steps.")
      .Field("ordinal", &Target::ordinal, "The member ordinal, or None.");
  ValueClass<Step>(m, "Step", "One plan step.")
      .Field("id", &Step::id, "1-based; position in Plan.steps + 1.")
      .Field("action_kind", &Step::action, "The Action enum.")
      .Field("target", &Step::target, "A Target.")
      .Field("after", &Step::after, "Ids this step waits for.")
      .Field("reason", &Step::reason, "One sentence a person understands.")
      .Field("object", &Step::object, "apply: the whole object (a dict).")
      .Field("orphan", &Step::orphan, "delete: keep dependents.")
      .Field("size", &Step::size, "resizePvc: the new request.")
      .Field("command", &Step::command, "exec: argv.")
      .Field("pod", &Step::pod, "exec: the pod to run it in.")
      .Field("env", &Step::env, "exec: extra NAME=value entries.")
      .Field("condition", &Step::condition, "wait: a WaitCondition; None for other actions.")
      .Field("timeout_seconds", &Step::timeout_seconds, "wait/exec: 0 = none.")
      .Field("phase_kind", &Step::phase, "The Phase enum.")
      .Field("hook_kind", &Step::hook, "exec: the Hook enum (Hook.NONE otherwise).")
      .def_property_readonly("action", [](const Step& s) { return std::string(ActionName(s.action)); },
                             "The action as in the plan's JSON: \"apply\", \"restart\", ...")
      .def_property_readonly("phase", [](const Step& s) { return std::string(PhaseName(s.phase)); },
                             "The phase as in the plan's JSON: \"objects\", \"update\", ...")
      .def_property_readonly("hook", [](const Step& s) { return std::string(HookName(s.hook)); },
                             "exec: \"gate\", \"memberLeave\" or \"memberJoin\"; \"\" otherwise.");
  ValueClass<Plan>(m, "Plan", "The ordered, explained steps from what runs to what was asked.")
      .Field("cluster", &Plan::cluster, "Cluster name.")
      .Field("namespace", &Plan::namespace_, "Namespace.")
      .Field("converged", &Plan::converged, "True exactly when there are no steps.")
      .Field("steps", &Plan::steps, "Steps in execution order (a copy).")
      .Field("next", &Plan::next, "Ids that may run now.")
      .Field("notes", &Plan::notes, "Plan-wide remarks.")
      .Field("blocked", &Plan::blocked, "Stops at a member that cannot make progress.")
      .Field("blocked_reason", &Plan::blocked_reason, "Why it is blocked.");
  ValueClass<PlanOptions>(m, "PlanOptions", "Inputs of the planner besides the states.")
      .Field("now", &PlanOptions::now, "When the observed state was read (a datetime).");
  m.def("plan_rollout",
        [](const CompiledCluster& desired, const ObservedState& observed,
           const PlanOptions& options) {
          CompiledCluster d = desired;
          ObservedState o = observed;
          return ValueOrRaise(WithoutGil([&] { return PlanRollout(d, o, options); }));
        },
        py::arg("desired"), py::arg("observed"), py::arg("options") = PlanOptions{},
        "Returns the Plan from `observed` to `desired`, or raises strata.Error "
        "(FAILED_PRECONDITION when it cannot be done safely). Releases the GIL.");
  m.def("plan_to_json", &PlanToJson, py::arg("plan"), "SPEC §4's JSON shape as a dict.");
  m.def("plan_to_text", &PlanToText, py::arg("plan"), "A numbered plan grouped by phase and role.");
  m.def("plan_to_dot", &PlanToDot, py::arg("plan"), "The step graph in Graphviz dot.");

  // ------------------------------------------------ strata/plan_diff.h
  ValueClass<FieldChange>(m, "FieldChange", "One changed field of an object.")
      .Field("path", &FieldChange::path,
             "\"spec.replicas\", \"spec.template.spec.containers[name=kafka].image\".")
      .Field("before", &FieldChange::before, "The observed value; None when absent.")
      .Field("after", &FieldChange::after, "The desired value; None when it goes away.");
  py::enum_<ObjectChange::Kind>(m, "ObjectChangeKind", "Whether an object is added, changed or deleted.")
      .value("ADD", ObjectChange::Kind::kAdd)
      .value("CHANGE", ObjectChange::Kind::kChange)
      .value("DELETE", ObjectChange::Kind::kDelete);
  ValueClass<ObjectChange>(m, "ObjectChange", "What a plan does to one object.")
      .Field("kind", &ObjectChange::kind, "An ObjectChangeKind.")
      .Field("object_kind", &ObjectChange::object_kind, "\"StatefulSet\", \"ConfigMap\", ...")
      .Field("name", &ObjectChange::name, "The object name.")
      .Field("role", &ObjectChange::role, "The role; empty for cluster-wide objects.")
      .Field("object", &ObjectChange::object, "ADD: the whole new object (Secret values redacted).")
      .Field("replaces", &ObjectChange::replaces,
             "ADD of a config ConfigMap: the one it replaces (fields are the changes from it).")
      .Field("fields", &ObjectChange::fields, "CHANGE: the changed fields (FieldChange).")
      .Field("note", &ObjectChange::note, "How the plan does it, when notable.")
      .def_property_readonly("op", [](const ObjectChange& c) { return std::string(ObjectChangeSymbol(c.kind)); },
                             "\"+\", \"~\" or \"-\".");
  ValueClass<MemberRestart>(m, "MemberRestart", "A member the plan restarts.")
      .Field("pod", &MemberRestart::pod, "The pod.")
      .Field("role", &MemberRestart::role, "Its role.")
      .Field("reason", &MemberRestart::reason, "The plan step's reason.");
  ValueClass<PlanDiff>(m, "PlanDiff", "What a plan changes, object by object and field by field.")
      .Field("cluster", &PlanDiff::cluster, "Cluster name.")
      .Field("namespace", &PlanDiff::namespace_, "Namespace.")
      .Field("objects", &PlanDiff::objects, "ObjectChanges: adds and changes, then deletions.")
      .Field("restarts", &PlanDiff::restarts, "MemberRestarts in the plan's order.")
      .Field("to_add", &PlanDiff::to_add, "Objects created.")
      .Field("to_change", &PlanDiff::to_change, "Objects changed.")
      .Field("to_delete", &PlanDiff::to_delete, "Objects deleted.")
      .def_property_readonly("empty", &PlanDiff::empty, "True when nothing differs.");
  m.def("diff_plan", &DiffPlan, py::arg("desired"), py::arg("observed"), py::arg("plan"),
        "Returns the PlanDiff of `plan`, planned from `observed` to `desired`.");
  m.def("plan_diff_to_text", &PlanDiffToText, py::arg("diff"),
        "The diff as `strata plan -o diff` prints it; \"\" when nothing differs.");
  m.def("plan_diff_to_json", &PlanDiffToJson, py::arg("diff"), "The diff as a dict.");

  // ------------------------------------------------ strata/simulate.h
  ValueClass<Fault> fault(m, "Fault", "A fault injected into a simulation.");
  py::enum_<Fault::Kind>(fault, "Kind", "What goes wrong.")
      .value("NEVER_READY", Fault::Kind::kNeverReady)
      .value("POD_DIES", Fault::Kind::kPodDies)
      .value("GATE_FAILS", Fault::Kind::kGateFails)
      .value("NODE_LOSS", Fault::Kind::kNodeLoss)
      .value("EVICT", Fault::Kind::kEvict)
      .value("API_ERROR", Fault::Kind::kApiError);
  fault.Field("kind", &Fault::kind, "A Fault.Kind.")
      .Field("pods", &Fault::pods, "The pods affected.")
      .Field("at_step", &Fault::at_step, "The step number it strikes at.")
      .Field("times", &Fault::times, "gate-fails: how many times.")
      .Field("object", &Fault::object, "API_ERROR: \"KIND/NAME\" of the object applied.")
      .Field("code", &Fault::code, "API_ERROR: 500 (server error) or 409 (conflict).");
  m.def("parse_faults",
        [](const std::string& spec) { return ValueOrRaise(ParseFaults(spec)); }, py::arg("spec"),
        "Parses \"never-ready=POD;pod-dies=POD@STEP;gate-fails=PODxN;node-loss=P+Q@STEP;"
        "evict=POD@STEP;api-error=KIND/NAME@STEP;api-conflict=KIND/NAME@STEP\".");
  ValueClass<SimulateOptions>(m, "SimulateOptions", "Inputs of a simulation besides the states.")
      .Field("start", &SimulateOptions::start, "Simulated start time (a datetime).")
      .Field("ready_delay", &SimulateOptions::ready_delay, "Pod start to Ready (a timedelta).")
      .Field("faults", &SimulateOptions::faults, "A list of Fault.")
      .Field("max_plans", &SimulateOptions::max_plans, "Convergence bound.")
      .Field("resize_delay", &SimulateOptions::resize_delay,
             "From a PVC resize request to the new capacity (a timedelta).");
  ValueClass<TimelineEvent>(m, "TimelineEvent", "One thing that happened in a simulation.")
      .Field("time", &TimelineEvent::time, "Simulated time (a datetime).")
      .Field("plan", &TimelineEvent::plan, "Which planning round.")
      .Field("what", &TimelineEvent::what, "\"restart events-broker-4\", ...");
  ValueClass<Timeline>(m, "Timeline", "What a simulation did and whether it stayed safe.")
      .Field("events", &Timeline::events, "TimelineEvents in order (a copy).")
      .Field("violations", &Timeline::violations, "Invariants broken; empty = safe.")
      .Field("converged", &Timeline::converged, "The last plan was empty.")
      .Field("blocked", &Timeline::blocked, "Stopped at a stuck member.")
      .Field("blocked_reason", &Timeline::blocked_reason, "Why it stopped.")
      .Field("plans", &Timeline::plans, "Planning rounds run.")
      .Field("final_state", &Timeline::final_state, "The simulated cluster at the end.")
      .Field("start", &Timeline::start, "The simulated start time (a datetime).")
      .Field("steps", &Timeline::steps, "Plan steps executed.")
      .Field("ok", &Timeline::ok,
             "The verdict: no violation, and converged or blocked by a never-ready fault.");
  m.def("simulate",
        [](const CompiledCluster& desired, const ObservedState& initial,
           const SimulateOptions& options) {
          CompiledCluster d = desired;
          ObservedState o = initial;
          SimulateOptions opts = options;
          return ValueOrRaise(WithoutGil([&] { return Simulate(d, o, opts); }));
        },
        py::arg("desired"), py::arg("initial"), py::arg("options") = SimulateOptions{},
        "Runs plans from `initial` to `desired` in memory and returns the Timeline. "
        "Releases the GIL.");
  // ------------------------------------------------ test probe
  m.def("_read_byte_without_gil_for_test",
        [](int fd) {
          return WithoutGil([fd] {
            char c = 0;
            ssize_t n;
            do {
              n = ::read(fd, &c, 1);
            } while (n < 0 && errno == EINTR);
            return n == 1 ? static_cast<int>(static_cast<unsigned char>(c)) : -1;
          });
        },
        py::arg("fd"),
        "Test probe: blocks in C++ on read(2) of one byte from `fd` inside WithoutGil, "
        "the helper compile, plan_rollout and simulate run in; returns the byte or -1.");
  m.def("timeline_to_text", &TimelineToText, py::arg("timeline"), "The timeline as text.");
  m.def("timeline_to_json", &TimelineToJson, py::arg("timeline"), "The timeline as a dict.");

#ifdef STRATA_PY_EXECUTE
  // ------------------------------------------------ strata/execute.h (strata_py_execute.cc)
  BindExecute(m);
#endif
}
