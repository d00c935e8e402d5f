// Mustache templates over the topology context of SPEC §3.

#ifndef STRATA_COMPILE_TEMPLATE_H_
#define STRATA_COMPILE_TEMPLATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "strata/app.h"
#include "strata/cluster.h"

namespace strata::compile_internal {

// Names of the objects and DNS names of one cluster (SPEC §2.1).
struct ClusterNames {
  std::string cluster;
  std::string namespace_;
  std::string domain;

  // "C-R": the StatefulSet and headless Service.
  std::string StatefulSet(const std::string& role) const;
  // "C-R.N.svc.<domain>": the headless Service's FQDN.
  std::string ServiceFqdn(const std::string& role) const;
  // "C-R-<i>": member i's pod name.
  std::string PodName(const std::string& role, int32_t ordinal) const;
  // "C-R-<i>.C-R.N.svc.<domain>".
  std::string MemberFqdn(const std::string& role, int32_t ordinal) const;
};

// The SPEC §3 context of one Cluster: cluster.*, app.*, roles.<role>.*
// (name, count, service, hosts, ports.<port>, members[{ordinal,name,fqdn}])
// and connections.<name>.endpoint.
class TemplateContext {
 public:
  // `members[i]` is the member count of `app.roles[i]`.
  // REQUIRES: members.size() == app.roles.size().
  TemplateContext(const App& app, const Cluster& cluster,
                  const std::vector<int32_t>& members);
  ~TemplateContext();
  TemplateContext(const TemplateContext&) = delete;
  TemplateContext& operator=(const TemplateContext&) = delete;

  // Returns `text` rendered without any escaping (formats escape their own
  // output), or InvalidArgument "invalid template: ..." when it does not
  // parse. Undefined variables render empty (validation rejects them).
  absl::StatusOr<std::string> Render(const std::string& text) const;

 private:
  struct Data;
  std::unique_ptr<Data> data_;
};

}  // namespace strata::compile_internal

#endif  // STRATA_COMPILE_TEMPLATE_H_
