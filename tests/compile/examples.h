// Loading the examples/ and tests/testdata/compile/ inputs in tests.

#ifndef STRATA_TESTS_COMPILE_EXAMPLES_H_
#define STRATA_TESTS_COMPILE_EXAMPLES_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/validate.h"

namespace strata::testing {

inline std::string SourceDir() {
  const char* env = std::getenv("STRATA_SOURCE_DIR");
  return env != nullptr ? env : STRATA_SOURCE_DIR;
}

inline std::string ReadFileOrEmpty(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The names of the directories under examples/, sorted.
inline std::vector<std::string> ExampleNames() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(SourceDir() + "/examples")) {
    if (e.is_directory() && std::filesystem::exists(e.path() / "app.yaml")) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The *.yaml files directly in `dir`, sorted, as Sources named
// "<name_prefix>/<file>".
inline std::vector<Source> YamlSources(const std::filesystem::path& dir,
                                       const std::string& name_prefix) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") {
      files.push_back(e.path().filename().string());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Source> sources;
  for (const std::string& f : files) {
    sources.push_back({.name = name_prefix + "/" + f, .text = ReadFileOrEmpty(dir / f)});
  }
  return sources;
}

inline absl::StatusOr<std::vector<Topology>> LoadTopologies(const std::vector<Source>& sources) {
  absl::StatusOr<Documents> docs = Load(sources);
  if (!docs.ok()) return docs.status();
  return Resolve(*docs);
}

inline absl::StatusOr<std::vector<Topology>> LoadExample(const std::string& name) {
  return LoadTopologies(
      YamlSources(SourceDir() + "/examples/" + name, "examples/" + name));
}

// Compiles every topology and concatenates the objects.
inline absl::StatusOr<std::vector<Object>> CompileAll(const std::vector<Topology>& topologies) {
  std::vector<Object> objects;
  for (const Topology& t : topologies) {
    absl::StatusOr<CompiledCluster> c = Compile(t, CompileOptions{});
    if (!c.ok()) return c.status();
    objects.insert(objects.end(), c->objects.begin(), c->objects.end());
  }
  return objects;
}

}  // namespace strata::testing

#endif  // STRATA_TESTS_COMPILE_EXAMPLES_H_
