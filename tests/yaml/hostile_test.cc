// Hostile input (issue 18, SPEC-2 §11): every reproducer under
// tests/testdata/hostile/ gives a clean, located error within strata::Limits,
// from the loader (App/Cluster) and from the YAML/JSON reader of observed
// state. Nothing here depends on time: each input is bounded by a limit, so a
// regression shows as a wrong status, a crash or an out-of-memory, never as
// "slow".

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/limits.h"
#include "strata/observed_state.h"
#include "tests/testing/status_matchers.h"
#include "yaml/yaml_json.h"

namespace strata {
namespace {

using ::strata::testing::IsOk;
using ::strata::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

std::string Hostile(const std::string& name) {
  std::ifstream in(std::string(STRATA_SOURCE_DIR) + "/tests/testdata/hostile/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status LoadStatus(const std::string& name, const std::string& text,
                        const Limits& limits = {}) {
  return Load({Source{.name = name, .text = text}}, limits).status();
}

std::vector<std::string> Lines(const absl::Status& status) {
  std::vector<std::string> out;
  for (const Diagnostic& d : DiagnosticsFromStatus(status)) out.push_back(d.ToString());
  return out;
}

TEST(HostileTest, CommaColonIsASyntaxErrorNotAHang) {
  // yaml-cpp 0.7's LoadAll allocated without end on these.
  for (const std::string& text : std::vector<std::string>{",:\n", ",\n", "\"a\",\n"}) {
    absl::Status s = LoadStatus("c.yaml", text);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                            AllOf(StartsWith("c.yaml:1:"), HasSubstr("syntax error"))))
        << text;
    EXPECT_THAT(ParseObservedState(text, "o.yaml").status(),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("o.yaml:1:")));
  }
  // The fuzzer's reproducer: a leading ',' and NUL bytes further on (libyaml
  // checks the characters it has read ahead first).
  EXPECT_THAT(LoadStatus("c.yaml", Hostile("load-comma-colon.yaml")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("c.yaml:6:4: "), HasSubstr("syntax error"))));
}

TEST(HostileTest, SelfReferentialAnchorInObservedStateIsAnError) {
  absl::Status s = ParseObservedState(Hostile("observed-self-anchor.yaml"), "o.yaml").status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(StartsWith("o.yaml:4:3: "), HasSubstr("alias *a"),
                                HasSubstr("cycle"))));
  // The same in an App.
  EXPECT_THAT(LoadStatus("a.yaml", "kind: App\nspec: &s {roles: *s}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a.yaml:2:")));
}

TEST(HostileTest, BillionLaughsStopsAtTheAliasNodeLimit) {
  absl::Status s = ParseObservedState(Hostile("observed-billion-laughs.yaml"), "o.yaml").status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted,
                          AllOf(StartsWith("o.yaml:"), HasSubstr("max_alias_nodes"),
                                HasSubstr("--max-alias-nodes"))));
  // The same text as an App source.
  EXPECT_THAT(LoadStatus("a.yaml", Hostile("observed-billion-laughs.yaml")),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_alias_nodes")));
}

TEST(HostileTest, AliasedLargeScalarStopsAtTheAliasByteLimit) {
  const std::string text = Hostile("app-alias-bomb.yaml");
  EXPECT_THAT(LoadStatus("bomb.yaml", text),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(StartsWith("bomb.yaml:"), HasSubstr("max_alias_bytes"))));
  // Raised, it loads: the limit is the only thing in the way.
  Limits raised;
  raised.max_alias_bytes = 4 << 20;
  absl::StatusOr<Documents> docs = Load({Source{.name = "bomb.yaml", .text = text}}, raised);
  ASSERT_THAT(docs, IsOk());
  EXPECT_THAT(docs->apps[0].app.roles[0].env, SizeIs(301));
  // A 1 MiB scalar aliased 2,000 times (the 3.9 GB abort).
  std::string big = absl::StrCat("kind: App\nx: &x \"", std::string(1 << 20, 'a'), "\"\ny: [");
  for (int i = 0; i < 2000; ++i) absl::StrAppend(&big, "*x,");
  big += "]\n";
  EXPECT_THAT(LoadStatus("big.yaml", big),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_alias_bytes")));
}

TEST(HostileTest, InvalidUtf8IsASyntaxErrorWithItsPlace) {
  EXPECT_THAT(Lines(LoadStatus("app.yaml", Hostile("app-non-utf8-key.yaml"))),
              ::testing::ElementsAre(AllOf(StartsWith("app.yaml:11:10: syntax error: "),
                                         HasSubstr("UTF-8"))));
  EXPECT_THAT(Lines(LoadStatus("cluster.yaml", Hostile("cluster-non-utf8-override.yaml"))),
              ::testing::ElementsAre(AllOf(StartsWith("cluster.yaml:11:"), HasSubstr("UTF-8"))));
  absl::Status observed =
      ParseObservedState(Hostile("observed-non-utf8-key.yaml"), "o.yaml").status();
  EXPECT_THAT(observed, StatusIs(absl::StatusCode::kInvalidArgument,
                                 AllOf(StartsWith("o.yaml:"), HasSubstr("UTF-8"))));
  // JSON too (simdjson and nlohmann both validate).
  EXPECT_THAT(ParseObservedState("{\"items\": [], \"k\xff\": 1}", "o.json").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("o.json:")));
}

TEST(HostileTest, NestingDeeperThanTheLimitIsRefused) {
  EXPECT_THAT(LoadStatus("deep.yaml", Hostile("deep-nesting.yaml")),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(StartsWith("deep.yaml:1:"), HasSubstr("max_nesting"))));
  EXPECT_THAT(ParseObservedState(Hostile("deep-nesting.yaml"), "o.yaml").status(),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_nesting")));
  EXPECT_THAT(ParseObservedState(Hostile("deep-nesting.json"), "o.json").status(),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(StartsWith("o.json:1:"), HasSubstr("max_nesting"))));
  // Raised, the depth is accepted (and the document is then just wrong).
  Limits raised;
  raised.max_nesting = 2000;
  EXPECT_THAT(LoadStatus("deep.yaml", Hostile("deep-nesting.yaml"), raised),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
}

TEST(HostileTest, TooManyDocumentsAreRefused) {
  std::string text;
  for (int i = 0; i < 10001; ++i) text += "---\n";
  EXPECT_THAT(LoadStatus("many.yaml", text),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(StartsWith("many.yaml:10001:1: "), HasSubstr("max_documents"))));
  Limits raised;
  raised.max_documents = 20000;
  // Within the raised limit the stream is read to its end: 10001 empty
  // documents are still no documents (SPEC-2 §5b.5), not a limit.
  EXPECT_THAT(LoadStatus("many.yaml", text, raised),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("many.yaml: no documents")));
}

TEST(HostileTest, LargeInputIsRefusedBeforeParsing) {
  Limits small;
  small.max_file_size = 64;
  const std::string text = std::string(100, '#') + "\n";
  EXPECT_THAT(LoadStatus("big.yaml", text, small),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(StartsWith("big.yaml:1:1: "), HasSubstr("101"),
                             HasSubstr("--max-file-size"))));
  EXPECT_THAT(ParseObservedState(text, "o.yaml", small).status(),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_file_size")));
  // The default: 16 MiB.
  EXPECT_THAT(LoadStatus("big.yaml", std::string((16 << 20) + 1, '\n')),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("16777216")));
}

TEST(HostileTest, NonPositiveLimitsAreRejected) {
  Limits bad;
  bad.max_nesting = 0;
  EXPECT_THAT(LoadStatus("a.yaml", "kind: App\n", bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_nesting")));
}

TEST(HostileTest, NonScalarKeyInObservedStateIsAnError) {
  EXPECT_THAT(ParseObservedState("kind: List\n? [a]\n: 1\n", "o.yaml").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("o.yaml:2:3: "), HasSubstr("key must be a string"))));
}

TEST(HostileTest, DocumentsBeforeASyntaxErrorAreStillChecked) {
  // One pass: the first document's unknown key and the second's syntax error.
  absl::Status s = LoadStatus("two.yaml",
                              "apiVersion: strata.dev/v1\nkind: App\nmetadata: {name: a}\n"
                              "spec: {rolez: []}\n---\nkind: [\n");
  EXPECT_THAT(Lines(s), ::testing::ElementsAre(HasSubstr("unknown field \"rolez\""),
                                             HasSubstr("syntax error")));
}

}  // namespace
}  // namespace strata
