// A LeaseStore (leader_election.h) over the Kubernetes API: the
// coordination.k8s.io/v1 Lease `namespace/name`, read with GET, created with
// POST and replaced with PUT at the resourceVersion it was read at, so two
// replicas racing for it cannot both win (the loser gets 409: Aborted).
//
// Example:
//   KubeLeaseStore store(kube, "strata-system", "strata-operator");
//   LeaderElector elector(store, {.identity = pod_name});

#ifndef STRATA_OPERATOR_KUBE_LEASE_STORE_H_
#define STRATA_OPERATOR_KUBE_LEASE_STORE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "operator/leader_election.h"
#include "strata/json.h"
#include "strata/kube_client.h"

namespace strata::operator_internal {

class KubeLeaseStore : public LeaseStore {
 public:
  KubeLeaseStore(KubeClient& kube, std::string namespace_, std::string name)
      : kube_(kube), namespace_(std::move(namespace_)), name_(std::move(name)) {}

  absl::StatusOr<std::optional<LeaseRecord>> Get() override;
  absl::StatusOr<LeaseRecord> Create(const LeaseRecord& record) override;
  absl::StatusOr<LeaseRecord> Update(const LeaseRecord& record) override;

 private:
  KubeClient& kube_;
  const std::string namespace_;
  const std::string name_;
};

// The Lease object for `record` (resourceVersion set when the record has
// one), and back. Exposed for tests.
Json LeaseToJson(const LeaseRecord& record, const std::string& namespace_,
                 const std::string& name);
LeaseRecord LeaseFromJson(const Json& lease);

}  // namespace strata::operator_internal

#endif  // STRATA_OPERATOR_KUBE_LEASE_STORE_H_
