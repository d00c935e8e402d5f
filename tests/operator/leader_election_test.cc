#include "operator/leader_election.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::operator_internal {
namespace {

// The API server's Lease in memory: resourceVersion checks like the real one.
class MemoryLeaseStore : public LeaseStore {
 public:
  absl::StatusOr<std::optional<LeaseRecord>> Get() override {
    if (down) return absl::UnavailableError("GET lease: connection refused");
    return lease;
  }
  absl::StatusOr<LeaseRecord> Create(const LeaseRecord& r) override {
    if (down) return absl::UnavailableError("POST lease: connection refused");
    if (lease.has_value()) return absl::AbortedError("409 AlreadyExists");
    lease = r;
    lease->resource_version = absl::StrCat(++version);
    return *lease;
  }
  absl::StatusOr<LeaseRecord> Update(const LeaseRecord& r) override {
    if (down) return absl::UnavailableError("PUT lease: connection refused");
    if (!lease.has_value() || lease->resource_version != r.resource_version) {
      return absl::AbortedError("409 Conflict");
    }
    lease = r;
    lease->resource_version = absl::StrCat(++version);
    ++writes;
    return *lease;
  }
  std::optional<LeaseRecord> lease;
  int version = 0;
  int writes = 0;
  bool down = false;
};

struct Clock {
  absl::Time now = absl::FromUnixSeconds(1700000000);
};

LeaderElectionOptions Options(const std::string& id, Clock& clock) {
  return {.identity = id, .now = [&clock] { return clock.now; }};
}

TEST(LeaderElectionTest, FirstComerLeadsTheOtherWaits) {
  MemoryLeaseStore store;
  Clock clock;
  LeaderElector a(store, Options("a", clock));
  LeaderElector b(store, Options("b", clock));
  EXPECT_EQ(a.TryAcquireOrRenew().value(), true);
  EXPECT_EQ(b.TryAcquireOrRenew().value(), false);
  EXPECT_TRUE(a.IsLeader());
  EXPECT_FALSE(b.IsLeader());
  EXPECT_EQ(b.ObservedHolder(), "a");
  // a renews every retry period; b never gets it.
  for (int i = 0; i < 20; ++i) {
    clock.now += absl::Seconds(2);
    EXPECT_TRUE(a.TryAcquireOrRenew().value());
    EXPECT_FALSE(b.TryAcquireOrRenew().value());
    EXPECT_TRUE(a.IsLeader() && !b.IsLeader()) << "never two leaders";
  }
  EXPECT_EQ(store.lease->transitions, 0);
}

TEST(LeaderElectionTest, AStalledLeaderStopsBeforeTheStandbyTakesOver) {
  MemoryLeaseStore store;
  Clock clock;
  LeaderElector a(store, Options("a", clock));
  LeaderElector b(store, Options("b", clock));
  ASSERT_TRUE(a.TryAcquireOrRenew().value());
  ASSERT_FALSE(b.TryAcquireOrRenew().value());
  // a stops renewing (hung, partitioned). At every second, at most one of
  // them may act, and a stops acting before b starts.
  bool b_led = false;
  for (int s = 1; s <= 20; ++s) {
    clock.now += absl::Seconds(1);
    bool b_leads = b.TryAcquireOrRenew().value();
    EXPECT_FALSE(a.IsLeader() && b_leads) << "two leaders at +" << s << "s";
    if (s < 10) {
      EXPECT_TRUE(a.IsLeader()) << "+" << s << "s";
    } else {
      EXPECT_FALSE(a.IsLeader()) << "+" << s << "s: past renew_deadline";
    }
    if (s < 15) {
      EXPECT_FALSE(b_leads) << "+" << s << "s: lease not expired";
    }
    b_led |= b_leads;
  }
  EXPECT_TRUE(b_led);
  EXPECT_EQ(store.lease->holder, "b");
  EXPECT_EQ(store.lease->transitions, 1);
  // a comes back: it sees b's Lease and does not take it.
  EXPECT_FALSE(a.TryAcquireOrRenew().value());
  EXPECT_FALSE(a.IsLeader());
}

TEST(LeaderElectionTest, AnUnreachableServerEndsLeadershipAtTheRenewDeadline) {
  MemoryLeaseStore store;
  Clock clock;
  LeaderElector a(store, Options("a", clock));
  ASSERT_TRUE(a.TryAcquireOrRenew().value());
  store.down = true;
  clock.now += absl::Seconds(4);
  EXPECT_FALSE(a.TryAcquireOrRenew().ok());
  EXPECT_TRUE(a.IsLeader()) << "within renew_deadline";
  clock.now += absl::Seconds(6);
  EXPECT_FALSE(a.IsLeader()) << "10 s after the last renewal";
  store.down = false;
  EXPECT_TRUE(a.TryAcquireOrRenew().value()) << "still its own Lease: renewed";
  EXPECT_TRUE(a.IsLeader());
}

TEST(LeaderElectionTest, ALostConflictEndsLeadershipAtOnce) {
  MemoryLeaseStore store;
  Clock clock;
  LeaderElector a(store, Options("a", clock));
  ASSERT_TRUE(a.TryAcquireOrRenew().value());
  // Someone (an admin, another replica) rewrote the Lease meanwhile, between
  // a's read and its write.
  class Racing : public LeaseStore {
   public:
    explicit Racing(MemoryLeaseStore& s) : s_(s) {}
    absl::StatusOr<std::optional<LeaseRecord>> Get() override { return s_.Get(); }
    absl::StatusOr<LeaseRecord> Create(const LeaseRecord& r) override { return s_.Create(r); }
    absl::StatusOr<LeaseRecord> Update(const LeaseRecord& r) override {
      if (race) {
        LeaseRecord other = *s_.lease;
        other.holder = "c";
        (void)s_.Update(other);
      }
      return s_.Update(r);
    }
    MemoryLeaseStore& s_;
    bool race = false;
  } racing(store);
  LeaderElector a2(racing, Options("a", clock));
  ASSERT_TRUE(a2.TryAcquireOrRenew().value());  // Renews a's own Lease (same identity).
  clock.now += absl::Seconds(2);
  racing.race = true;
  absl::StatusOr<bool> r = a2.TryAcquireOrRenew();
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(a2.IsLeader());
}

TEST(LeaderElectionTest, ReleaseHandsOverAtOnce) {
  MemoryLeaseStore store;
  Clock clock;
  LeaderElector a(store, Options("a", clock));
  LeaderElector b(store, Options("b", clock));
  ASSERT_TRUE(a.TryAcquireOrRenew().value());
  ASSERT_FALSE(b.TryAcquireOrRenew().value());
  ASSERT_TRUE(a.Release().ok());
  EXPECT_FALSE(a.IsLeader());
  EXPECT_EQ(store.lease->holder, "");
  clock.now += absl::Seconds(1);
  EXPECT_TRUE(b.TryAcquireOrRenew().value()) << "no need to wait for expiry";
  EXPECT_FALSE(a.TryAcquireOrRenew().value()) << "a released for good";
}

}  // namespace
}  // namespace strata::operator_internal
