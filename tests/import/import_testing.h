// Helpers for the importer tests: reading test inputs, and proving that an
// import's output is input strata accepts (it loads, passes every check and
// compiles), with golden files of the output.

#ifndef STRATA_TESTS_IMPORT_IMPORT_TESTING_H_
#define STRATA_TESTS_IMPORT_IMPORT_TESTING_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/import.h"
#include "strata/validate.h"

namespace strata::import_testing {

namespace fs = std::filesystem;

inline fs::path TestData() {
  const char* env = std::getenv("STRATA_SOURCE_DIR");
  return fs::path(env != nullptr ? env : STRATA_SOURCE_DIR) / "tests/testdata/import";
}

inline std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The file `name` under tests/testdata/import/`dir`, named "<dir>/<name>".
inline Source Input(const std::string& dir, const std::string& name) {
  return Source{.name = absl::StrCat(dir, "/", name), .text = Read(TestData() / dir / name)};
}

// Loads `yaml` (an import's output, plus `extra` documents such as a Cluster
// for an App imported alone), checks it and compiles every Cluster; fails
// the test with the diagnostics otherwise. Returns the compiled clusters.
inline std::vector<CompiledCluster> LoadCheckCompile(const std::string& yaml,
                                                     const std::string& extra = "") {
  std::vector<Source> sources = {{.name = "imported.yaml", .text = yaml}};
  if (!extra.empty()) sources.push_back({.name = "extra.yaml", .text = extra});
  absl::StatusOr<Documents> docs = Load(sources);
  EXPECT_TRUE(docs.ok()) << docs.status() << "\n" << yaml;
  if (!docs.ok()) return {};
  for (const Diagnostic& d : Check(*docs)) {
    EXPECT_NE(d.severity, Diagnostic::Severity::kError) << d.ToString() << "\n" << yaml;
  }
  absl::StatusOr<std::vector<Topology>> topologies = Resolve(*docs);
  EXPECT_TRUE(topologies.ok()) << topologies.status();
  std::vector<CompiledCluster> out;
  if (!topologies.ok()) return out;
  EXPECT_FALSE(topologies->empty()) << "no Cluster to compile";
  for (const Topology& t : *topologies) {
    absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
    EXPECT_TRUE(c.ok()) << c.status();
    if (c.ok()) out.push_back(*std::move(c));
  }
  return out;
}

// Compares `actual` with the golden file `path` (STRATA_UPDATE_GOLDEN=1
// rewrites it).
inline void ExpectGolden(const fs::path& path, const std::string& actual) {
  const char* update = std::getenv("STRATA_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with STRATA_UPDATE_GOLDEN=1";
  EXPECT_EQ(Read(path), actual) << path << " differs (STRATA_UPDATE_GOLDEN=1 rewrites it)";
}

// The warnings one per line, as the CLI prints them.
inline std::string WarningsText(const ImportResult& r) {
  std::string out;
  for (const Diagnostic& d : r.warnings) absl::StrAppend(&out, d.ToString(), "\n");
  return out;
}

// The compiled object named `name` of `kind`, or nullptr.
inline const Object* FindObject(const CompiledCluster& c, const std::string& kind,
                                const std::string& name) {
  for (const Object& o : c.objects) {
    if (o.kind == kind && o.name == name) return &o;
  }
  return nullptr;
}

}  // namespace strata::import_testing

#endif  // STRATA_TESTS_IMPORT_IMPORT_TESTING_H_
