// KubeLeaseStore (kube_lease_store.h).

#include "operator/kube_lease_store.h"

#include "operator/custom_resources.h"

namespace strata::operator_internal {

Json LeaseToJson(const LeaseRecord& record, const std::string& namespace_,
                 const std::string& name) {
  Json spec = {{"leaseDurationSeconds", record.lease_duration_seconds},
               {"leaseTransitions", record.transitions}};
  // A released Lease has no holder (client-go writes "" too).
  spec["holderIdentity"] = record.holder;
  if (record.acquire_time != absl::Time()) {
    spec["acquireTime"] = FormatMicroTime(record.acquire_time);
  }
  if (record.renew_time != absl::Time()) spec["renewTime"] = FormatMicroTime(record.renew_time);
  Json metadata = {{"name", name}, {"namespace", namespace_}};
  if (!record.resource_version.empty()) metadata["resourceVersion"] = record.resource_version;
  return Json{{"apiVersion", "coordination.k8s.io/v1"},
              {"kind", "Lease"},
              {"metadata", std::move(metadata)},
              {"spec", std::move(spec)}};
}

LeaseRecord LeaseFromJson(const Json& lease) {
  LeaseRecord r;
  r.resource_version = ResourceVersionOf(lease);
  const Json spec = lease.is_object() && lease.contains("spec") && lease["spec"].is_object()
                        ? lease["spec"]
                        : Json::object();
  if (spec.contains("holderIdentity") && spec["holderIdentity"].is_string()) {
    r.holder = spec["holderIdentity"].get<std::string>();
  }
  if (spec.contains("leaseDurationSeconds") && spec["leaseDurationSeconds"].is_number_integer()) {
    r.lease_duration_seconds = spec["leaseDurationSeconds"].get<int32_t>();
  }
  if (spec.contains("leaseTransitions") && spec["leaseTransitions"].is_number_integer()) {
    r.transitions = spec["leaseTransitions"].get<int32_t>();
  }
  auto time = [&](const char* key) {
    if (!spec.contains(key) || !spec[key].is_string()) return absl::Time();
    return ParseTime(spec[key].get<std::string>()).value_or(absl::Time());
  };
  r.acquire_time = time("acquireTime");
  r.renew_time = time("renewTime");
  return r;
}

namespace {

absl::StatusOr<LeaseRecord> Parsed(const std::string& body) {
  Json lease = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!lease.is_object()) {
    return absl::UnavailableError("the API server answered a Lease write with no JSON object");
  }
  return LeaseFromJson(lease);
}

}  // namespace

absl::StatusOr<std::optional<LeaseRecord>> KubeLeaseStore::Get() {
  absl::StatusOr<Json> lease = kube_.Get("Lease", namespace_, name_);
  if (lease.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
  if (!lease.ok()) return lease.status();
  return std::optional<LeaseRecord>(LeaseFromJson(*lease));
}

absl::StatusOr<LeaseRecord> KubeLeaseStore::Create(const LeaseRecord& record) {
  absl::StatusOr<KubeResource> resource = KubeResourceFor("Lease");
  if (!resource.ok()) return resource.status();
  LeaseRecord fresh = record;
  fresh.resource_version.clear();
  absl::StatusOr<std::string> body = kube_.Call(
      "POST", KubeObjectPath(*resource, namespace_, ""), LeaseToJson(fresh, namespace_, name_).dump());
  if (!body.ok()) return body.status();
  return Parsed(*body);
}

absl::StatusOr<LeaseRecord> KubeLeaseStore::Update(const LeaseRecord& record) {
  absl::StatusOr<KubeResource> resource = KubeResourceFor("Lease");
  if (!resource.ok()) return resource.status();
  // PUT with metadata.resourceVersion: 409 when someone changed it since.
  absl::StatusOr<std::string> body =
      kube_.Call("PUT", KubeObjectPath(*resource, namespace_, name_),
                 LeaseToJson(record, namespace_, name_).dump());
  if (!body.ok()) return body.status();
  return Parsed(*body);
}

}  // namespace strata::operator_internal
