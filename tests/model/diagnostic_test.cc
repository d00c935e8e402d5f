#include "strata/diagnostic.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata {
namespace {

using ::testing::ElementsAre;

Diagnostic Error(std::string file, int line, int col, std::string path, std::string msg) {
  return Diagnostic{.file = std::move(file), .line = line, .column = col,
                    .path = std::move(path), .message = std::move(msg)};
}

TEST(DiagnosticTest, ToStringForms) {
  EXPECT_EQ(Error("events.yaml", 14, 7, "spec.roles[1].members",
                  "2 does not satisfy cardinality \"3+\"")
                .ToString(),
            "events.yaml:14:7: spec.roles[1].members: 2 does not satisfy cardinality \"3+\"");
  Diagnostic warning = Error("a.yaml", 3, 1, "spec.roles[0].members", "even");
  warning.severity = Diagnostic::Severity::kWarning;
  EXPECT_EQ(warning.ToString(), "a.yaml:3:1: spec.roles[0].members: warning: even");
  EXPECT_EQ(Error("a.yaml", 3, 0, "p", "m").ToString(), "a.yaml:3: p: m");
  EXPECT_EQ(Error("a.yaml", 0, 0, "p", "m").ToString(), "a.yaml: p: m");
  EXPECT_EQ(Error("", 0, 0, "p", "m").ToString(), "p: m");
  EXPECT_EQ(Error("a.yaml", 1, 2, "", "syntax error: x").ToString(), "a.yaml:1:2: syntax error: x");
  EXPECT_EQ(Error("", 0, 0, "", "m").ToString(), "m");
}

TEST(DiagnosticTest, SortsByFileDocumentNaturalPathThenPosition) {
  std::vector<Diagnostic> d = {
      Error("b.yaml", 1, 1, "a", "x"),
      Error("a.yaml", 9, 1, "spec.roles[10].name", "x"),
      Error("a.yaml", 5, 1, "spec.roles[2].name", "x"),
      Error("a.yaml", 5, 1, "spec.roles[2].name", "x"),  // Duplicate: dropped.
      Error("a.yaml", 4, 1, "spec.roles[2].name", "w"),
  };
  d[0].document = 0;
  Diagnostic second_doc = Error("a.yaml", 1, 1, "apiVersion", "x");
  second_doc.document = 1;
  d.push_back(second_doc);
  SortDiagnostics(d);
  std::vector<std::string> lines;
  for (const Diagnostic& x : d) lines.push_back(x.ToString());
  EXPECT_THAT(lines, ElementsAre("a.yaml:4:1: spec.roles[2].name: w",
                                 "a.yaml:5:1: spec.roles[2].name: x",
                                 "a.yaml:9:1: spec.roles[10].name: x",
                                 "a.yaml:1:1: apiVersion: x", "b.yaml:1:1: a: x"));
}

TEST(DiagnosticTest, StatusRoundTripKeepsEveryField) {
  Diagnostic warning = Error("w.yaml", 2, 3, "spec.x", "careful \"quoted\"\nnewline");
  warning.severity = Diagnostic::Severity::kWarning;
  warning.document = 4;
  std::vector<Diagnostic> in = {Error("e.yaml", 1, 2, "spec.roles[0]", "bad"), warning};
  absl::Status s = StatusFromDiagnostics(in);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "e.yaml:1:2: spec.roles[0]: bad\nw.yaml:2:3: spec.x: warning: careful \"quoted\"\nnewline");
  EXPECT_EQ(DiagnosticsFromStatus(s), in);
}

// Issue 18: a key with bytes that are not UTF-8 aborted every front end
// (nlohmann threw while the payload was built). The status now carries the
// text with each bad byte replaced by U+FFFD, in the message and the payload.
TEST(DiagnosticTest, TextThatIsNotUtf8BecomesValidUtf8) {
  absl::Status s = StatusFromDiagnostics(
      {Error("a\xFF.yaml", 2, 1, "spec.\xF3\xF3", "unknown key \"\xC0\xAF\"")});
  EXPECT_EQ(s.message(),
            "a\xEF\xBF\xBD.yaml:2:1: spec.\xEF\xBF\xBD\xEF\xBF\xBD: unknown key "
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
  std::vector<Diagnostic> back = DiagnosticsFromStatus(s);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].file, "a\xEF\xBF\xBD.yaml");
  EXPECT_EQ(back[0].path, "spec.\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(back[0].ToString(), s.message());
}

TEST(DiagnosticTest, WarningsAloneAreOk) {
  Diagnostic warning = Error("w.yaml", 2, 3, "spec.x", "careful");
  warning.severity = Diagnostic::Severity::kWarning;
  EXPECT_FALSE(HasErrors({warning}));
  EXPECT_TRUE(StatusFromDiagnostics({warning}).ok());
  EXPECT_TRUE(StatusFromDiagnostics({}).ok());
  EXPECT_TRUE(HasErrors({warning, Error("a", 1, 1, "p", "m")}));
}

TEST(DiagnosticTest, StatusWithoutPayloadYieldsItsMessage) {
  EXPECT_THAT(DiagnosticsFromStatus(absl::InternalError("boom")),
              ElementsAre(Diagnostic{.message = "boom"}));
  EXPECT_TRUE(DiagnosticsFromStatus(absl::OkStatus()).empty());
}

}  // namespace
}  // namespace strata
