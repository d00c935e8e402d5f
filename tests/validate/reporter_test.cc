#include "validate/reporter.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/documents.h"
#include "tests/validate/rule_testing.h"
#include "validate/names.h"

namespace strata::validate_internal {
namespace {

using testing::Reported;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ReporterTest, RecordsFileDocumentPathAndSeverity) {
  std::vector<Diagnostic> found;
  Reporter r("a.yaml", 2, nullptr, &found);
  r.Error(FieldPath("spec").Child("roles").Index(1), "bad");
  r.Warning(FieldPath("metadata"), "odd");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].file, "a.yaml");
  EXPECT_EQ(found[0].document, 2);
  EXPECT_EQ(found[0].path, "spec.roles[1]");
  EXPECT_EQ(found[0].message, "bad");
  EXPECT_EQ(found[0].severity, Diagnostic::Severity::kError);
  EXPECT_EQ(found[0].line, 0);  // No SourceMap: no location.
  EXPECT_EQ(found[1].severity, Diagnostic::Severity::kWarning);
}

TEST(ReporterTest, CheckNameRequiredOptionalAndInvalid) {
  FieldPath at("name");
  EXPECT_THAT(Reported([&](Reporter& r) { CheckName(r, at, "", IsDns1123Label, kDns1123Rule); }),
              ElementsAre("name: required field is missing"));
  EXPECT_THAT(Reported([&](Reporter& r) {
                CheckName(r, at, "", IsDns1123Label, kDns1123Rule, /*required=*/false);
              }),
              IsEmpty());
  EXPECT_THAT(Reported([&](Reporter& r) { CheckName(r, at, "ok-1", IsDns1123Label, kDns1123Rule); }),
              IsEmpty());
  EXPECT_THAT(Reported([&](Reporter& r) { CheckName(r, at, "Bad", IsDns1123Label, kDns1123Rule); }),
              ElementsAre(std::string("name: invalid name \"Bad\": ") + kDns1123Rule));
}

TEST(ReporterTest, CheckUniqueReportsLaterOccurrencesAndSkipsEmpty) {
  NamedPaths names = {{FieldPath("a"), "x"}, {FieldPath("b"), ""}, {FieldPath("c"), "x"},
                      {FieldPath("d"), ""},  {FieldPath("e"), "x"}, {FieldPath("f"), "y"}};
  EXPECT_THAT(Reported([&](Reporter& r) { CheckUnique(r, names, "thing"); }),
              ElementsAre("c: duplicate thing \"x\"", "e: duplicate thing \"x\""));
}

}  // namespace
}  // namespace strata::validate_internal
