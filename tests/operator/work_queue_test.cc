#include "operator/work_queue.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::operator_internal {
namespace {

struct FakeClock {
  absl::Time now = absl::FromUnixSeconds(1000000);
  std::function<absl::Time()> Fn() {
    return [this] { return now; };
  }
};

WorkQueue MakeQueue(FakeClock& clock, WorkQueueOptions o = {}) {
  o.now = clock.Fn();
  return WorkQueue(o);
}

TEST(WorkQueueTest, AKeyIsQueuedOnceAndHandedOutInOrder) {
  FakeClock clock;
  WorkQueue q = MakeQueue(clock);
  q.Add("ns/a");
  q.Add("ns/b");
  q.Add("ns/a");
  EXPECT_EQ(q.Len(), 2);
  EXPECT_EQ(q.TryGet(), "ns/a");
  EXPECT_EQ(q.TryGet(), "ns/b");
  EXPECT_EQ(q.TryGet(), std::nullopt);
}

TEST(WorkQueueTest, AKeyBeingProcessedIsNotHandedOutTwice) {
  FakeClock clock;
  WorkQueue q = MakeQueue(clock);
  q.Add("ns/a");
  ASSERT_EQ(q.TryGet(), "ns/a");
  q.Add("ns/a");  // Changed while a worker reconciles it.
  EXPECT_EQ(q.TryGet(), std::nullopt) << "one reconcile per Cluster at a time";
  q.Done("ns/a");
  EXPECT_EQ(q.TryGet(), "ns/a") << "the change is not lost";
  q.Done("ns/a");
  EXPECT_EQ(q.TryGet(), std::nullopt);
}

TEST(WorkQueueTest, AddAfterWaitsForTheDelayAndTheEarliestWins) {
  FakeClock clock;
  WorkQueue q = MakeQueue(clock);
  q.AddAfter("ns/a", absl::Seconds(30));
  q.AddAfter("ns/a", absl::Seconds(10));
  q.AddAfter("ns/a", absl::Seconds(20));
  EXPECT_EQ(q.TryGet(), std::nullopt);
  EXPECT_EQ(q.NextDue(), clock.now + absl::Seconds(10));
  clock.now += absl::Seconds(9);
  EXPECT_EQ(q.TryGet(), std::nullopt);
  clock.now += absl::Seconds(1);
  EXPECT_EQ(q.TryGet(), "ns/a");
  EXPECT_EQ(q.Waiting(), 0);
}

TEST(WorkQueueTest, FailuresBackOffExponentiallyUntilForgotten) {
  FakeClock clock;
  WorkQueue q = MakeQueue(clock, {.base_backoff = absl::Seconds(1),
                                  .max_backoff = absl::Seconds(10)});
  EXPECT_EQ(q.AddRateLimited("ns/a"), absl::Seconds(1));
  EXPECT_EQ(q.AddRateLimited("ns/a"), absl::Seconds(2));
  EXPECT_EQ(q.AddRateLimited("ns/a"), absl::Seconds(4));
  EXPECT_EQ(q.AddRateLimited("ns/a"), absl::Seconds(8));
  EXPECT_EQ(q.AddRateLimited("ns/a"), absl::Seconds(10));
  EXPECT_EQ(q.AddRateLimited("ns/a"), absl::Seconds(10));
  EXPECT_EQ(q.Failures("ns/a"), 6);
  EXPECT_EQ(q.AddRateLimited("ns/b"), absl::Seconds(1)) << "per key";
  q.Forget("ns/a");
  EXPECT_EQ(q.Failures("ns/a"), 0);
  EXPECT_EQ(q.AddRateLimited("ns/a"), absl::Seconds(1));
}

TEST(WorkQueueTest, TheOverallBucketSpacesBurstsOut) {
  FakeClock clock;
  WorkQueue q = MakeQueue(clock, {.base_backoff = absl::Milliseconds(1), .qps = 10, .burst = 2});
  EXPECT_EQ(q.AddRateLimited("a"), absl::Milliseconds(1));
  EXPECT_EQ(q.AddRateLimited("b"), absl::Milliseconds(1));
  EXPECT_EQ(q.AddRateLimited("c"), absl::Milliseconds(100));  // Out of tokens.
  EXPECT_EQ(q.AddRateLimited("d"), absl::Milliseconds(200));
  clock.now += absl::Seconds(10);  // Refilled (up to the burst).
  EXPECT_EQ(q.AddRateLimited("e"), absl::Milliseconds(1));
}

TEST(WorkQueueTest, ShutDownEndsGetAndDropsDelays) {
  FakeClock clock;
  WorkQueue q = MakeQueue(clock);
  q.AddAfter("ns/a", absl::Seconds(1));
  q.ShutDown();
  EXPECT_TRUE(q.shutting_down());
  EXPECT_EQ(q.Get(), std::nullopt);
  clock.now += absl::Seconds(5);
  EXPECT_EQ(q.TryGet(), std::nullopt);
}

TEST(WorkQueueTest, GetBlocksUntilAnAddFromAnotherThread) {
  WorkQueue q;  // Real clock.
  std::thread t([&] { q.Add("ns/x"); });
  EXPECT_EQ(q.Get(), "ns/x");
  t.join();
}

}  // namespace
}  // namespace strata::operator_internal
