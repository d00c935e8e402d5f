#include <string>

#include "gtest/gtest.h"
#include "kube/keys.h"
#include "kube/names.h"
#include "kube/object.h"
#include "kube/quorum.h"
#include "strata/json.h"

namespace strata::kube {
namespace {

Json Pod() {
  return Json::parse(R"({
    "metadata": {"name": "events-broker-4", "namespace": "prod",
                 "labels": {"app.kubernetes.io/instance": "events", "n": 3},
                 "annotations": {"strata.dev/spec-hash": "v1-abc"},
                 "ownerReferences": [{"kind": "X", "name": "a"},
                                     {"kind": "StatefulSet", "name": "events-broker",
                                      "controller": true}]},
    "spec": {"replicas": 3, "big": 18446744073709551615, "nothing": null,
             "storage": "10Gi", "bad": "ten"},
    "status": {"phase": "Running"}})");
}

TEST(ObjectTest, FindWalksObjectsAndTreatsNullAsAbsent) {
  Json pod = Pod();
  ASSERT_NE(Find(pod, {"status", "phase"}), nullptr);
  EXPECT_EQ(*Find(pod, {"status", "phase"}), "Running");
  EXPECT_EQ(Find(pod, {"status", "phase", "deeper"}), nullptr);
  EXPECT_EQ(Find(pod, {"spec", "nothing"}), nullptr);
  EXPECT_EQ(Find(pod, {"missing"}), nullptr);
  EXPECT_TRUE(At(pod, {"missing", "x"}).is_null());
  EXPECT_EQ(At(pod, {"spec", "replicas"}), 3);
}

TEST(ObjectTest, ScalarsReadAsTheirTypeOrFallBack) {
  Json pod = Pod();
  EXPECT_EQ(StringAt(pod, {"status", "phase"}), "Running");
  EXPECT_EQ(StringAt(pod, {"spec", "replicas"}), "3");  // A number reads as its text.
  EXPECT_EQ(StringAt(pod, {"metadata", "ownerReferences"}), "");
  EXPECT_EQ(IntAt(pod, {"spec", "replicas"}, -1), 3);
  EXPECT_EQ(IntAt(pod, {"status", "phase"}, -1), -1);
  EXPECT_EQ(IntAt(pod, {"spec", "big"}, -1), -1);  // Beyond int64: absent, not wrapped.
  ASSERT_TRUE(QuantityAt(pod, {"spec", "storage"}).has_value());
  EXPECT_EQ(QuantityAt(pod, {"spec", "storage"})->ToString(), "10Gi");
  EXPECT_FALSE(QuantityAt(pod, {"spec", "bad"}).has_value());
  EXPECT_FALSE(QuantityAt(pod, {"spec", "replicas"}).has_value());
  EXPECT_FALSE(ParseQuantityText("").has_value());
}

TEST(ObjectTest, Metadata) {
  Json pod = Pod();
  EXPECT_EQ(NameOf(pod), "events-broker-4");
  EXPECT_EQ(NamespaceOf(pod), "prod");
  EXPECT_EQ(LabelOf(pod, kInstanceLabel), "events");
  EXPECT_EQ(LabelOf(pod, "n"), "");  // Not a string.
  EXPECT_EQ(LabelOf(pod, kComponentLabel), "");
  EXPECT_EQ(AnnotationOf(pod, kSpecHashAnnotation), "v1-abc");
  EXPECT_EQ(NameOf(Json::array()), "");
  const Json* owner = ControllerRef(pod);
  ASSERT_NE(owner, nullptr);
  EXPECT_EQ((*owner)["name"], "events-broker");
  EXPECT_EQ(ControllerRef(Json::object()), nullptr);
}

TEST(ObjectTest, SelectorMatchesLikeAStatefulSet) {
  Json labels = {{"a", "1"}, {"b", "2"}};
  EXPECT_TRUE(SelectorMatches(Json{{"a", "1"}}, labels));
  EXPECT_TRUE(SelectorMatches(Json{{"a", "1"}, {"b", "2"}}, labels));
  EXPECT_FALSE(SelectorMatches(Json{{"a", "2"}}, labels));
  EXPECT_FALSE(SelectorMatches(Json{{"c", "1"}}, labels));
  EXPECT_FALSE(SelectorMatches(Json::object(), labels));  // Empty matches nothing.
  EXPECT_FALSE(SelectorMatches(Json{{"a", "1"}}, Json()));
}

TEST(NamesTest, OrdinalOf) {
  struct Case {
    const char* pod;
    const char* sts;
    std::optional<int32_t> want;
  };
  const Case cases[] = {
      {"events-broker-4", "events-broker", 4},
      {"events-broker-0", "events-broker", 0},
      {"events-broker-123456789", "events-broker", 123456789},
      {"events-broker-1234567890", "events-broker", std::nullopt},  // > 9 digits.
      {"events-broker-01", "events-broker", std::nullopt},          // Leading zero.
      {"events-broker-", "events-broker", std::nullopt},
      {"events-broker", "events-broker", std::nullopt},
      {"events-broker-x", "events-broker", std::nullopt},
      {"events-brokers-1", "events-broker", std::nullopt},
      {"events-broker-data-1", "events-broker", std::nullopt},
      {"other-broker-1", "events-broker", std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(OrdinalOf(c.pod, c.sts), c.want) << c.pod;
}

TEST(NamesTest, MemberObjectNamesRoundTrip) {
  EXPECT_EQ(PodName("events-broker", 4), "events-broker-4");
  EXPECT_EQ(PvcName("data", "events-broker", 4), "data-events-broker-4");
  EXPECT_EQ(OrdinalOf(PodName("zk", 12), "zk"), 12);
}

TEST(NamesTest, RolloutSpellings) {
  EXPECT_STREQ(StrategyName(RolloutStrategy::kSerial), "serial");
  EXPECT_STREQ(StrategyName(RolloutStrategy::kBestEffortParallel), "bestEffortParallel");
  EXPECT_STREQ(StrategyName(RolloutStrategy::kParallel), "parallel");
  EXPECT_STREQ(OrderName(RolloutOrder::kOrdinalDescending), "ordinalDescending");
  EXPECT_STREQ(OrderName(RolloutOrder::kOrdinalAscending), "ordinalAscending");
  EXPECT_STREQ(OrderName(RolloutOrder::kFollowersFirst), "followersFirst");
}

TEST(KeysTest, StrataKeysAreUnderItsPrefixAndPrometheusKeysAreNot) {
  // Validation refuses App keys under kStrataKeyPrefix because these are
  // strata's; a key of strata's outside it would be left unprotected.
  for (const char* key : {kSpecHashAnnotation, kConfigHashAnnotation, kRestartTokenAnnotation,
                          kMemberLeftAnnotation, kMemberJoiningAnnotation, kDashboardAnnotation}) {
    EXPECT_EQ(std::string(key).rfind(kStrataKeyPrefix, 0), 0u) << key;
  }
  EXPECT_STREQ(kPrometheusScrapeAnnotation, "prometheus.io/scrape");
  EXPECT_STREQ(kPrometheusPortAnnotation, "prometheus.io/port");
  EXPECT_STREQ(kPrometheusPathAnnotation, "prometheus.io/path");
}

TEST(QuorumTest, MajorityAndTolerance) {
  struct Case {
    int32_t n, majority, tolerance;
  };
  const Case cases[] = {{1, 1, 0}, {2, 2, 0}, {3, 2, 1}, {4, 3, 1},
                        {5, 3, 2}, {6, 4, 2}, {7, 4, 3}, {0, 1, 0}};
  for (const Case& c : cases) {
    EXPECT_EQ(Majority(c.n), c.majority) << c.n;
    EXPECT_EQ(QuorumTolerance(c.n), c.tolerance) << c.n;
  }
}

}  // namespace
}  // namespace strata::kube
