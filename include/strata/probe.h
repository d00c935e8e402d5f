// strata/probe.h: health checks and commands run in a member's container.
//
// A Handler is exactly one of exec, http, tcp or grpc, as in a Kubernetes
// probe; ports are referred to by name (resolved against the role's ports) or
// by number. A Probe adds the Kubernetes timing fields. Rollout gates, leader
// probes and lifecycle hooks reuse Handler with only `exec` allowed.
//
// Example:
//   Probe p;
//   p.handler.kind = Handler::Kind::kTcp;
//   p.handler.port = PortRef{.name = "client"};
//   p.failure_threshold = 30;

#ifndef STRATA_PROBE_H_
#define STRATA_PROBE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace strata {

// A port given by name (a role port) or by number.
struct PortRef {
  std::string name;    // A role port name; empty when `number` is used.
  int32_t number = 0;  // 1..65535 when `name` is empty.

  bool operator==(const PortRef&) const = default;
};

// How long a memberLeave/memberJoin hook is retried when its handler sets no
// timeoutSeconds.
inline constexpr int32_t kDefaultHookTimeoutSeconds = 600;

struct Handler {
  enum class Kind { kNone, kExec, kHttp, kTcp, kGrpc };
  Kind kind = Kind::kNone;  // Exactly one of the handlers must be set.

  std::vector<std::string> command;  // exec: argv, templates allowed.
  std::string path;                  // http: request path; default "/".
  std::string scheme = "HTTP";       // http: HTTP (default) or HTTPS.
  PortRef port;                      // http, tcp, grpc: the port probed.
  std::string service;               // grpc: the health service name, optional.
  // lifecycle memberLeave/memberJoin only: how long the executor retries the
  // hook until it succeeds (SPEC-2 §6). Unset: kDefaultHookTimeoutSeconds.
  std::optional<int32_t> timeout_seconds;

  bool operator==(const Handler&) const = default;
};

struct Probe {
  Handler handler;
  // Each timing field is unset unless written; Kubernetes defaults then apply.
  std::optional<int32_t> initial_delay_seconds;  // >= 0.
  std::optional<int32_t> period_seconds;         // >= 1.
  std::optional<int32_t> timeout_seconds;        // >= 1.
  std::optional<int32_t> success_threshold;      // >= 1.
  std::optional<int32_t> failure_threshold;      // >= 1.

  bool operator==(const Probe&) const = default;
};

struct Probes {
  std::optional<Probe> readiness;
  std::optional<Probe> liveness;
  std::optional<Probe> startup;

  bool operator==(const Probes&) const = default;
};

}  // namespace strata

#endif  // STRATA_PROBE_H_
