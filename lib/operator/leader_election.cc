// LeaderElector (leader_election.h): client-go's tryAcquireOrRenew.

#include "operator/leader_election.h"

#include "absl/strings/str_cat.h"

namespace strata::operator_internal {

LeaderElector::LeaderElector(LeaseStore& store, LeaderElectionOptions options)
    : store_(store), options_(std::move(options)) {}

absl::StatusOr<bool> LeaderElector::TryAcquireOrRenew() {
  absl::MutexLock lock(&mu_);
  if (released_) return false;
  const absl::Time now = Now();
  const int32_t duration_seconds =
      static_cast<int32_t>(absl::ToInt64Seconds(options_.lease_duration));
  absl::StatusOr<std::optional<LeaseRecord>> current = store_.Get();
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    LeaseRecord mine{.holder = options_.identity,
                     .lease_duration_seconds = duration_seconds,
                     .acquire_time = now,
                     .renew_time = now,
                     .transitions = 0};
    absl::StatusOr<LeaseRecord> created = store_.Create(mine);
    if (!created.ok()) return created.status();  // Aborted: someone was faster.
    observed_ = *created;
    observed_time_ = now;
    renewed_ = now;
    return true;
  }
  const LeaseRecord& seen = **current;
  // The record changed since we last looked: restart its expiry clock.
  if (!observed_.has_value() || observed_->holder != seen.holder ||
      observed_->renew_time != seen.renew_time ||
      observed_->resource_version != seen.resource_version) {
    observed_ = seen;
    observed_time_ = now;
  }
  const bool ours = seen.holder == options_.identity;
  const absl::Duration their_duration = absl::Seconds(seen.lease_duration_seconds);
  if (!ours && !seen.holder.empty() && observed_time_ + their_duration > now) {
    renewed_.reset();
    return false;  // Held by someone else, not expired.
  }
  LeaseRecord next = seen;
  next.holder = options_.identity;
  next.lease_duration_seconds = duration_seconds;
  next.renew_time = now;
  if (!ours) {
    next.acquire_time = now;
    next.transitions = seen.transitions + 1;
  }
  absl::StatusOr<LeaseRecord> updated = store_.Update(next);
  if (!updated.ok()) {
    // A conflict: someone else changed the Lease since we read it, so it
    // is not ours any more. Otherwise (the server is unreachable) we keep
    // leading until renew_deadline has passed since the last renewal.
    if (updated.status().code() == absl::StatusCode::kAborted ||
        (renewed_.has_value() && now - *renewed_ >= options_.renew_deadline)) {
      renewed_.reset();
    }
    return updated.status();
  }
  observed_ = *updated;
  observed_time_ = now;
  renewed_ = now;
  return true;
}

bool LeaderElector::IsLeader() {
  absl::MutexLock lock(&mu_);
  if (released_ || !renewed_.has_value()) return false;
  return Now() - *renewed_ < options_.renew_deadline;
}

absl::Status LeaderElector::Release() {
  absl::MutexLock lock(&mu_);
  released_ = true;
  if (!renewed_.has_value() || !observed_.has_value() ||
      observed_->holder != options_.identity) {
    renewed_.reset();
    return absl::OkStatus();
  }
  renewed_.reset();
  LeaseRecord next = *observed_;
  next.holder.clear();
  next.lease_duration_seconds = 1;
  next.renew_time = Now();
  absl::StatusOr<LeaseRecord> updated = store_.Update(next);
  if (!updated.ok()) return updated.status();
  observed_ = *updated;
  return absl::OkStatus();
}

std::string LeaderElector::ObservedHolder() {
  absl::MutexLock lock(&mu_);
  return observed_.has_value() ? observed_->holder : "";
}

}  // namespace strata::operator_internal
