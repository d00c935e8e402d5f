// Every example under examples/ must load and validate without errors. The
// strata documents of one directory are loaded together (an App and its
// Clusters usually sit side by side); other YAML (Kubernetes manifests,
// observed states) is left alone.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/validate.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// True when `text` holds a strata App or Cluster (a top-level
// `apiVersion: strata.dev/...`, or a JSON document with that apiVersion).
bool IsStrataInput(const std::string& text) {
  static const std::regex kYaml(R"((^|\n)apiVersion:\s*["']?strata\.dev/)");
  static const std::regex kJson(R"("apiVersion"\s*:\s*"strata\.dev/)");
  return std::regex_search(text, kYaml) || std::regex_search(text, kJson);
}

// Example directory (relative to the repo) -> its strata sources.
std::map<std::string, std::vector<Source>> ExampleSources() {
  std::map<std::string, std::vector<Source>> out;
  fs::path root = fs::path(STRATA_SOURCE_DIR);
  fs::path examples = root / "examples";
  if (!fs::exists(examples)) return out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(examples)) {
    std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::string text = ReadFile(file);
    if (!IsStrataInput(text)) continue;
    out[fs::relative(file.parent_path(), root).string()].push_back(
        {fs::relative(file, root).string(), text});
  }
  return out;
}

TEST(ExamplesTest, EveryExampleValidatesWithoutErrors) {
  std::map<std::string, std::vector<Source>> dirs = ExampleSources();
  ASSERT_TRUE(dirs.count("examples/kafka")) << "examples/kafka is missing";
  for (const auto& [dir, sources] : dirs) {
    SCOPED_TRACE(dir);
    absl::StatusOr<Documents> docs = Load(sources);
    ASSERT_TRUE(docs.ok()) << docs.status().message();
    EXPECT_FALSE(docs->apps.empty() && docs->clusters.empty());
    std::string errors;
    for (const Diagnostic& d : Check(*docs)) {
      if (d.severity == Diagnostic::Severity::kError) errors += d.ToString() + "\n";
    }
    EXPECT_EQ(errors, "");
    EXPECT_TRUE(Resolve(*docs).ok());
  }
}

TEST(ExamplesTest, KafkaExampleHasNoWarningsEither) {
  std::vector<Source> sources = ExampleSources()["examples/kafka"];
  absl::StatusOr<Documents> docs = Load(sources);
  ASSERT_TRUE(docs.ok()) << docs.status().message();
  ASSERT_EQ(docs->apps.size(), 1u);
  ASSERT_EQ(docs->clusters.size(), 1u);
  EXPECT_TRUE(Check(*docs).empty());
  absl::StatusOr<std::vector<Topology>> topologies = Resolve(*docs);
  ASSERT_TRUE(topologies.ok());
  EXPECT_EQ((*topologies)[0].cluster.name, "events");
  EXPECT_EQ((*topologies)[0].cluster.namespace_, "data");
  EXPECT_EQ((*topologies)[0].app.name, "kafka");
}

TEST(ExamplesTest, RecognizesStrataInputs) {
  EXPECT_TRUE(IsStrataInput("apiVersion: strata.dev/v1\nkind: App\n"));
  EXPECT_TRUE(IsStrataInput("# c\napiVersion: \"strata.dev/v1\"\n"));
  EXPECT_TRUE(IsStrataInput("{\"apiVersion\": \"strata.dev/v1\"}"));
  EXPECT_FALSE(IsStrataInput("apiVersion: v1\nkind: List\nitems:\n- metadata:\n    annotations:\n"
                             "      strata.dev/spec-hash: v1-0\n"));
}

}  // namespace
}  // namespace strata
