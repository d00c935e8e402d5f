// WorkQueue (work_queue.h): client-go's rate-limited queue semantics.

#include "operator/work_queue.h"

#include <algorithm>
#include <cmath>

namespace strata::operator_internal {

WorkQueue::WorkQueue(WorkQueueOptions options) : options_(std::move(options)) {
  absl::MutexLock lock(&mu_);
  tokens_ = options_.burst;
  bucket_time_ = Now();
}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_ || dirty_.count(key) != 0) return;
  dirty_.insert(key);
  if (processing_.count(key) != 0) return;  // Requeued by Done().
  queue_.push_back(key);
  cv_.Signal();
}

void WorkQueue::AddAfterLocked(const std::string& key, absl::Time due) {
  if (shutting_down_) return;
  auto [it, inserted] = waiting_.emplace(key, due);
  if (!inserted && due < it->second) it->second = due;
  cv_.SignalAll();  // A sleeping Get() may now have an earlier wake-up.
}

void WorkQueue::Add(const std::string& key) {
  absl::MutexLock lock(&mu_);
  AddLocked(key);
}

void WorkQueue::AddAfter(const std::string& key, absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  if (delay <= absl::ZeroDuration()) {
    AddLocked(key);
    return;
  }
  AddAfterLocked(key, Now() + delay);
}

absl::Duration WorkQueue::AddRateLimited(const std::string& key) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = Now();
  int failures = ++failures_[key];
  // Per key: base * 2^(failures-1), capped (computed in doubles: no overflow).
  double seconds = absl::ToDoubleSeconds(options_.base_backoff) *
                   std::pow(2.0, std::min(failures - 1, 62));
  absl::Duration per_key =
      std::min(absl::Seconds(seconds), options_.max_backoff);
  // Overall: a token bucket whose tokens may go negative (reservations).
  tokens_ = std::min<double>(options_.burst,
                             tokens_ + absl::ToDoubleSeconds(now - bucket_time_) * options_.qps);
  bucket_time_ = now;
  tokens_ -= 1;
  absl::Duration bucket = tokens_ >= 0 || options_.qps <= 0
                              ? absl::ZeroDuration()
                              : absl::Seconds(-tokens_ / options_.qps);
  absl::Duration delay = std::max(per_key, bucket);
  AddAfterLocked(key, now + delay);
  return delay;
}

void WorkQueue::Forget(const std::string& key) {
  absl::MutexLock lock(&mu_);
  failures_.erase(key);
}

int WorkQueue::Failures(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteLocked(absl::Time now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second <= now) {
      AddLocked(it->first);
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<std::string> WorkQueue::PopLocked() {
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

std::optional<std::string> WorkQueue::Get() {
  absl::MutexLock lock(&mu_);
  while (!shutting_down_) {
    PromoteLocked(Now());
    if (std::optional<std::string> key = PopLocked()) return key;
    absl::Duration wait = absl::Hours(1);
    for (const auto& [key, due] : waiting_) wait = std::min(wait, due - Now());
    cv_.WaitWithTimeout(&mu_, std::max(wait, absl::Milliseconds(1)));
  }
  return std::nullopt;
}

std::optional<std::string> WorkQueue::TryGet() {
  absl::MutexLock lock(&mu_);
  if (shutting_down_) return std::nullopt;
  PromoteLocked(Now());
  return PopLocked();
}

void WorkQueue::Done(const std::string& key) {
  absl::MutexLock lock(&mu_);
  processing_.erase(key);
  if (dirty_.count(key) != 0 && !shutting_down_) {
    queue_.push_back(key);
    cv_.Signal();
  }
}

void WorkQueue::ShutDown() {
  absl::MutexLock lock(&mu_);
  shutting_down_ = true;
  waiting_.clear();
  cv_.SignalAll();
}

bool WorkQueue::shutting_down() {
  absl::MutexLock lock(&mu_);
  return shutting_down_;
}

int WorkQueue::Len() {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

int WorkQueue::Waiting() {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(waiting_.size());
}

std::optional<absl::Time> WorkQueue::NextDue() {
  absl::MutexLock lock(&mu_);
  std::optional<absl::Time> next;
  for (const auto& [key, due] : waiting_) {
    if (!next || due < *next) next = due;
  }
  return next;
}

}  // namespace strata::operator_internal
