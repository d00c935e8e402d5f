// Table tests of the storage deltas (plan/storage_changes.h): what a role's
// storage entries ask of the claim templates and PVCs that exist.

#include "plan/storage_changes.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/quantity.h"

namespace strata::plan_internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kSts[] = "events-db";

Storage Data(const std::string& size, const std::string& storage_class = "") {
  Storage s;
  s.name = "data";
  s.mount_path = "/data";
  s.size = *Quantity::Parse(size);
  s.storage_class_name = storage_class;
  return s;
}

// An observed StatefulSet whose claim template "data" requests `size`.
Json ObservedSts(const std::string& size, const std::string& storage_class = "") {
  Json vct = {{"metadata", {{"name", "data"}}},
              {"spec",
               {{"accessModes", {"ReadWriteOnce"}},
                {"resources", {{"requests", {{"storage", size}}}}}}}};
  if (!storage_class.empty()) vct["spec"]["storageClassName"] = storage_class;
  return {{"metadata", {{"name", kSts}}},
          {"spec", {{"replicas", 3}, {"volumeClaimTemplates", {vct}}}}};
}

// PVC data-events-db-<ordinal> requesting `request`, with `capacity`.
Json Pvc(int ordinal, const std::string& request, const std::string& capacity,
         const std::string& storage_class = "") {
  Json pvc = {{"metadata", {{"name", absl::StrCat("data-", kSts, "-", ordinal)}}},
              {"spec", {{"resources", {{"requests", {{"storage", request}}}}}}},
              {"status", {{"capacity", {{"storage", capacity}}}}}};
  if (!storage_class.empty()) pvc["spec"]["storageClassName"] = storage_class;
  return pvc;
}

struct Case {
  const char* name;
  Storage storage;
  std::string template_size;   // "" : no observed StatefulSet.
  std::string template_class;
  std::vector<Json> pvcs;
  int32_t members;
  std::vector<std::string> template_changes;
  std::vector<PvcResize> resizes;
  std::string error;  // A substring of the only error, or "" for none.
};

class StorageChangesTest : public ::testing::TestWithParam<Case> {};

TEST_P(StorageChangesTest, DeltasOfTheRoleStorage) {
  const Case& c = GetParam();
  Json sts = ObservedSts(c.template_size, c.template_class);
  StorageChanges out = PlanStorageChanges({.role = "db",
                                           .stateful_set = kSts,
                                           .storage = {c.storage},
                                           .members = c.members,
                                           .observed_sts = c.template_size.empty() ? nullptr : &sts,
                                           .pvcs = &c.pvcs});
  EXPECT_EQ(out.template_changes, c.template_changes);
  EXPECT_EQ(out.resizes, c.resizes);
  if (c.error.empty()) {
    EXPECT_THAT(out.errors, IsEmpty());
  } else {
    EXPECT_THAT(out.errors, ElementsAre(HasSubstr(c.error)));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Deltas, StorageChangesTest,
    ::testing::Values(
        Case{"Unchanged", Data("10Gi"), "10Gi", "",
             {Pvc(0, "10Gi", "10Gi"), Pvc(1, "10Gi", "10Gi"), Pvc(2, "10Gi", "10Gi")}, 3,
             {}, {}, ""},
        Case{"NewRoleHasNothingToChange", Data("10Gi"), "", "", {}, 3, {}, {}, ""},
        // 1Gi == 1024Mi: the same size written differently.
        Case{"SameSizeOtherUnit", Data("1Gi"), "1024Mi", "", {Pvc(0, "1024Mi", "1Gi")}, 3, {},
             {}, ""},
        Case{"GrowResizesEveryClaimAndTheTemplate", Data("20Gi", "fast"), "10Gi", "fast",
             {Pvc(0, "10Gi", "10Gi", "fast"), Pvc(1, "10Gi", "10Gi", "fast")}, 3,
             {"volumeClaimTemplates data size 10Gi -> 20Gi"},
             {{"data-events-db-0", 0, "10Gi", "20Gi", "fast", false},
              {"data-events-db-1", 1, "10Gi", "20Gi", "fast", false}},
             ""},
        // The request is grown already; the capacity lags: only wait.
        Case{"GrowUnderWayOnlyWaits", Data("20Gi"), "20Gi", "",
             {Pvc(0, "20Gi", "10Gi"), Pvc(1, "20Gi", "20Gi")}, 3, {},
             {{"data-events-db-0", 0, "10Gi", "20Gi", "", true}}, ""},
        // A claim without a class took the template's (here the default).
        Case{"GrowClaimWithoutClassUsesTheEntryClass", Data("2Gi", "std"), "1Gi", "std",
             {Pvc(0, "1Gi", "1Gi")}, 1, {"volumeClaimTemplates data size 1Gi -> 2Gi"},
             {{"data-events-db-0", 0, "1Gi", "2Gi", "std", false}}, ""},
        // Claims of members that leave are not grown.
        Case{"GrowSkipsLeavingMembers", Data("20Gi"), "10Gi", "",
             {Pvc(0, "10Gi", "10Gi"), Pvc(1, "10Gi", "10Gi"), Pvc(2, "10Gi", "10Gi")}, 1,
             {"volumeClaimTemplates data size 10Gi -> 20Gi"},
             {{"data-events-db-0", 0, "10Gi", "20Gi", "", false}}, ""},
        Case{"ShrinkRefused", Data("5Gi"), "10Gi", "", {Pvc(0, "10Gi", "10Gi")}, 3, {}, {},
             "size 5Gi is smaller than the 10Gi its claims (data-events-db-0, ...) already "
             "have; volumes cannot shrink"},
        Case{"ClassChangeRefused", Data("10Gi", "fast"), "10Gi", "slow",
             {Pvc(0, "10Gi", "10Gi", "slow")}, 3, {}, {},
             "storageClassName changes from \"slow\" to \"fast\"; existing claims "
             "(data-events-db-0, ...) cannot change class"},
        Case{"ClassFromDefaultRefused", Data("10Gi", "fast"), "10Gi", "",
             {Pvc(0, "10Gi", "10Gi", "standard")}, 3, {}, {},
             "storageClassName changes from the cluster default to \"fast\""},
        // The default class, named now: every claim has it already.
        Case{"NamingTheDefaultClassChangesNothing", Data("10Gi", "standard"), "10Gi", "",
             {Pvc(0, "10Gi", "10Gi", "standard"), Pvc(1, "10Gi", "10Gi", "standard")}, 3, {},
             {}, ""},
        // A refused entry grows nothing.
        Case{"ClassChangeWithGrowthRefusedWholly", Data("20Gi", "fast"), "10Gi", "slow",
             {Pvc(0, "10Gi", "10Gi", "slow")}, 3, {}, {}, "cannot change class"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(StorageChangesTest, NewEntryOnARunningRoleChangesTheTemplates) {
  Json sts = ObservedSts("10Gi");
  Storage logs = Data("1Gi");
  logs.name = "logs";
  std::vector<Json> pvcs = {Pvc(0, "10Gi", "10Gi")};
  StorageChanges out = PlanStorageChanges({.role = "db", .stateful_set = kSts,
                                           .storage = {Data("10Gi"), logs}, .members = 3,
                                           .observed_sts = &sts, .pvcs = &pvcs});
  EXPECT_THAT(out.template_changes, ElementsAre("volumeClaimTemplates adds logs"));
  EXPECT_THAT(out.resizes, IsEmpty());
  EXPECT_THAT(out.errors, IsEmpty());
}

TEST(StorageChangesTest, AccessModesChangeRefused) {
  Json sts = ObservedSts("10Gi");
  Storage data = Data("10Gi");
  data.access_modes = {"ReadWriteMany"};
  std::vector<Json> pvcs;
  StorageChanges out = PlanStorageChanges({.role = "db", .stateful_set = kSts,
                                           .storage = {data}, .members = 3,
                                           .observed_sts = &sts, .pvcs = &pvcs});
  EXPECT_THAT(out.errors, ElementsAre("role db: storage data: accessModes change from "
                                      "[ReadWriteOnce] to [ReadWriteMany]; existing claims "
                                      "keep theirs: move the data to a new storage entry"));
}

TEST(StorageChangesTest, ClaimPvcsByOrdinalOfThisStatefulSetOnly) {
  std::vector<Json> pvcs = {Pvc(2, "1Gi", "1Gi"), Pvc(0, "1Gi", "1Gi"),
                            {{"metadata", {{"name", "data-events-db-client-0"}}}},
                            {{"metadata", {{"name", "logs-events-db-1"}}}}};
  std::map<int32_t, const Json*> got = ClaimPvcs(pvcs, "data", kSts);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got.at(0), &pvcs[1]);
  EXPECT_EQ(got.at(2), &pvcs[0]);
}

}  // namespace
}  // namespace strata::plan_internal
