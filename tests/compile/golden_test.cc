// Golden files: each tests/testdata/compile/<case>/ holds input YAML (or a
// file `example` naming a directory of examples/) and expected/<kind>-<name>.yaml,
// one file per compiled object; or expected_error.txt for an input that must
// fail. STRATA_UPDATE_GOLDEN=1 rewrites the expectations.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/emit.h"
#include "tests/compile/examples.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using ::strata::testing::ReadFileOrEmpty;
using ::strata::testing::SourceDir;

fs::path CasesDir() { return fs::path(SourceDir()) / "tests/testdata/compile"; }

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  if (!fs::exists(CasesDir())) return names;
  for (const auto& e : fs::directory_iterator(CasesDir())) {
    if (e.is_directory()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool UpdateGolden() {
  const char* v = std::getenv("STRATA_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

std::string Normalize(std::string s) { return absl::StrReplaceAll(s, {{"\r\n", "\n"}}); }

// A unified-style line diff (LCS), enough to read a golden mismatch.
std::string Diff(const std::string& want, const std::string& got) {
  std::vector<std::string> a = absl::StrSplit(want, '\n');
  std::vector<std::string> b = absl::StrSplit(got, '\n');
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out = "--- expected\n+++ got\n";
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out += "  " + a[i] + "\n";
      ++i, ++j;
    } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out += "+ " + b[j++] + "\n";
    } else {
      out += "- " + a[i++] + "\n";
    }
  }
  return out;
}

std::vector<Source> CaseSources(const std::string& name) {
  fs::path dir = CasesDir() / name;
  if (fs::exists(dir / "example")) {
    std::string example(absl::StripAsciiWhitespace(ReadFileOrEmpty(dir / "example")));
    return testing::YamlSources(fs::path(SourceDir()) / "examples" / example,
                                "examples/" + example);
  }
  return testing::YamlSources(dir, name);
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesExpectedObjects) {
  const fs::path dir = CasesDir() / GetParam();
  std::vector<Source> sources = CaseSources(GetParam());
  ASSERT_FALSE(sources.empty()) << "no input in " << dir;
  absl::StatusOr<std::vector<Topology>> topologies = testing::LoadTopologies(sources);
  absl::StatusOr<std::vector<Object>> objects =
      topologies.ok() ? testing::CompileAll(*topologies)
                      : absl::StatusOr<std::vector<Object>>(topologies.status());
  const fs::path error_file = dir / "expected_error.txt";
  if (fs::exists(error_file) || (UpdateGolden() && !objects.ok())) {
    ASSERT_FALSE(objects.ok()) << "expected an error, compiled fine";
    std::string got = std::string(objects.status().message()) + "\n";
    if (UpdateGolden()) {
      std::ofstream(error_file, std::ios::binary) << got;
      return;
    }
    std::string want = Normalize(ReadFileOrEmpty(error_file));
    EXPECT_TRUE(want == got) << Diff(want, got);
    return;
  }
  ASSERT_TRUE(objects.ok()) << objects.status();
  std::map<std::string, std::string> got;
  for (const Object& o : *objects) {
    EXPECT_TRUE(got.emplace(ObjectFileName(o), ToYaml(o.body)).second)
        << "two objects named " << ObjectFileName(o);
  }
  const fs::path expected = dir / "expected";
  if (UpdateGolden()) {
    fs::remove_all(expected);
    fs::create_directories(expected);
    for (const auto& [file, content] : got) {
      std::ofstream(expected / file, std::ios::binary) << content;
    }
    return;
  }
  ASSERT_TRUE(fs::exists(expected)) << expected << " missing; run with STRATA_UPDATE_GOLDEN=1";
  std::set<std::string> want_files;
  for (const auto& e : fs::directory_iterator(expected)) {
    want_files.insert(e.path().filename().string());
  }
  for (const auto& [file, content] : got) {
    SCOPED_TRACE(file);
    if (want_files.erase(file) == 0) {
      ADD_FAILURE() << "unexpected object file " << file << ":\n" << content;
      continue;
    }
    std::string want = Normalize(ReadFileOrEmpty(expected / file));
    EXPECT_TRUE(want == content) << "golden mismatch (STRATA_UPDATE_GOLDEN=1 rewrites):\n" << Diff(want, content);
  }
  for (const std::string& missing : want_files) {
    ADD_FAILURE() << "expected object file " << missing << " was not produced";
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return absl::StrReplaceAll(info.param, {{"-", "_"}});
                         });

TEST(GoldenCoverageTest, EveryExampleHasAGoldenCase) {
  std::set<std::string> covered;
  for (const std::string& name : CaseNames()) {
    fs::path f = CasesDir() / name / "example";
    if (fs::exists(f)) covered.insert(std::string(absl::StripAsciiWhitespace(ReadFileOrEmpty(f))));
  }
  for (const std::string& example : testing::ExampleNames()) {
    EXPECT_TRUE(covered.count(example)) << "examples/" << example << " has no golden case";
  }
}

}  // namespace
}  // namespace strata
