// Golden corpus: each tests/testdata/{invalid,valid}/<case>.{yaml,json} is
// loaded and checked under the source name "<dir>/<case>.<ext>" (relative to
// tests/testdata, so expectations do not depend on the checkout), and the
// diagnostics, printed as `strata validate` prints them on stderr, must equal
// <case>.expected exactly. STRATA_UPDATE_GOLDEN=1 rewrites the .expected
// files; review the diff by hand.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/validate.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

fs::path TestdataDir() { return fs::path(STRATA_SOURCE_DIR) / "tests" / "testdata"; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Case {
  std::string dir;   // "invalid" or "valid".
  std::string file;  // "unknown_key.yaml".
};

// gtest prints the case (and ctest lists it) as its path, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.dir << "/" << c.file; }

std::vector<Case> ListCases(const std::string& dir) {
  std::vector<Case> out;
  for (const auto& entry : fs::directory_iterator(TestdataDir() / dir)) {
    std::string ext = entry.path().extension().string();
    if (ext == ".yaml" || ext == ".json") out.push_back({dir, entry.path().filename().string()});
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.file < b.file; });
  return out;
}

// What `strata validate` prints on stderr, and whether it found errors.
struct Outcome {
  std::string text;
  bool has_errors = false;
};

Outcome Validate(const Case& c) {
  std::string name = c.dir + "/" + c.file;
  absl::StatusOr<Documents> docs =
      Load({Source{.name = name, .text = ReadFile(TestdataDir() / name)}});
  std::vector<Diagnostic> found =
      docs.ok() ? Check(*docs) : DiagnosticsFromStatus(docs.status());
  Outcome out;
  out.has_errors = HasErrors(found);
  for (const Diagnostic& d : found) out.text += d.ToString() + "\n";
  return out;
}

fs::path ExpectedPath(const Case& c) {
  return (TestdataDir() / c.dir / c.file).replace_extension(".expected");
}

void CompareWithGolden(const Case& c, const Outcome& got) {
  fs::path expected_path = ExpectedPath(c);
  const char* update = std::getenv("STRATA_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << got.text;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path) || got.text.empty())
      << expected_path << " is missing; run with STRATA_UPDATE_GOLDEN=1. Output:\n"
      << got.text;
  std::string expected = fs::exists(expected_path) ? ReadFile(expected_path) : "";
  EXPECT_EQ(got.text, expected) << "for " << c.dir << "/" << c.file;
}

class InvalidCorpusTest : public ::testing::TestWithParam<Case> {};

TEST_P(InvalidCorpusTest, ReportsExactlyTheExpectedErrors) {
  Outcome got = Validate(GetParam());
  EXPECT_TRUE(got.has_errors) << "an invalid case must fail:\n" << got.text;
  CompareWithGolden(GetParam(), got);
}

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidCorpusTest, ::testing::ValuesIn(ListCases("invalid")),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = fs::path(info.param.file).stem().string() + "_" +
                                              fs::path(info.param.file).extension().string().substr(1);
                           return name;
                         });

class ValidCorpusTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidCorpusTest, HasNoErrorsAndExactlyTheExpectedWarnings) {
  Outcome got = Validate(GetParam());
  EXPECT_FALSE(got.has_errors) << got.text;
  CompareWithGolden(GetParam(), got);
}

INSTANTIATE_TEST_SUITE_P(Corpus, ValidCorpusTest, ::testing::ValuesIn(ListCases("valid")),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return fs::path(info.param.file).stem().string() + "_" +
                                  fs::path(info.param.file).extension().string().substr(1);
                         });

TEST(CorpusTest, HasAtLeastTwentyInvalidCases) {
  EXPECT_GE(ListCases("invalid").size(), 20u);
}

}  // namespace
}  // namespace strata
