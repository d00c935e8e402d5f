// Tests for lib/service/grpc_status.h: codes, messages and error details.

#include "service/grpc_status.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "strata/diagnostic.h"
#include "tests/service/service_testing.h"

namespace strata::service_internal {
namespace {

using ::strata::service_internal::testing::BadRequestOf;
using ::strata::service_internal::testing::DiagnosticsOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST(ToGrpcStatusTest, OkIsOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok()); }

TEST(ToGrpcStatusTest, CastsEveryCode) {
  for (int code = 1; code <= 16; ++code) {
    absl::Status in(static_cast<absl::StatusCode>(code), "boom");
    grpc::Status out = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(out.error_code()), code);
    EXPECT_EQ(out.error_message(), "boom");
  }
}

TEST(ToGrpcStatusTest, OnlyInvalidArgumentCarriesDetails) {
  EXPECT_TRUE(ToGrpcStatus(absl::FailedPreconditionError("x")).error_details().empty());
  EXPECT_FALSE(ToGrpcStatus(absl::InvalidArgumentError("x")).error_details().empty());
}

TEST(ToGrpcStatusTest, InvalidArgumentCarriesBadRequestAndDiagnostics) {
  absl::Status status = StatusFromDiagnostics({
      Diagnostic{.file = "events.yaml", .line = 14, .column = 7,
                 .path = "spec.roles[1].members",
                 .message = "2 does not satisfy cardinality \"3+\""},
      Diagnostic{.file = "events.yaml", .line = 3, .column = 9, .path = "metadata.name",
                 .message = "must be a DNS-1035 label"},
  });
  grpc::Status out = ToGrpcStatus(status);
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  google::rpc::BadRequest bad = BadRequestOf(out);
  ASSERT_THAT(bad.field_violations(), SizeIs(2));
  // Sorted by path, as the CLI prints them.
  EXPECT_EQ(bad.field_violations(0).field(), "metadata.name");
  EXPECT_EQ(bad.field_violations(0).description(),
            "events.yaml:3:9: metadata.name: must be a DNS-1035 label");
  EXPECT_EQ(bad.field_violations(1).field(), "spec.roles[1].members");

  v1::Diagnostics diagnostics = DiagnosticsOf(out);
  ASSERT_THAT(diagnostics.diagnostics(), SizeIs(2));
  EXPECT_EQ(diagnostics.diagnostics(1).line(), 14);
  EXPECT_EQ(diagnostics.diagnostics(1).column(), 7);
  EXPECT_EQ(diagnostics.diagnostics(1).severity(), v1::Diagnostic::SEVERITY_ERROR);

  google::rpc::Status rich = testing::RichStatus(out);
  EXPECT_EQ(rich.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(rich.message(), out.error_message());
}

TEST(ToGrpcStatusTest, CutsManyErrorsToFitTheTrailers) {
  std::vector<Diagnostic> many;
  for (int i = 0; i < 500; ++i) {
    many.push_back(Diagnostic{.file = "big.yaml", .line = i + 1, .column = 3,
                              .path = absl::StrCat("spec.roles[", i, "].name"),
                              .message = "must be a DNS-1035 label (lowercase letters, digits "
                                         "and '-', starting with a letter)"});
  }
  grpc::Status out = ToGrpcStatus(StatusFromDiagnostics(many));
  EXPECT_LE(out.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_THAT(out.error_message(), HasSubstr("more"));
  EXPECT_LE(out.error_details().size(), kMaxStatusDetailsBytes);
  google::rpc::BadRequest bad = BadRequestOf(out);
  ASSERT_GT(bad.field_violations_size(), 2);
  EXPECT_THAT(bad.field_violations(bad.field_violations_size() - 1).description(),
              HasSubstr("more"));
}

TEST(ToGrpcStatusTest, CutsOneHugeMessage) {
  grpc::Status out = ToGrpcStatus(absl::InvalidArgumentError(std::string(100000, 'x')));
  EXPECT_LE(out.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_LE(out.error_details().size(), kMaxStatusDetailsBytes);
}

}  // namespace
}  // namespace strata::service_internal
