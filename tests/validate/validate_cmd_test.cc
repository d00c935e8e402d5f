// End-to-end tests of `strata validate`: exit codes, stdout and stderr.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

fs::path Binary() { return fs::path(STRATA_BINARY_DIR) / "tools" / "strata" / "strata"; }

// Runs `strata ARGS` in directory `cwd` through the shell.
CliRun Strata(const std::string& args, const fs::path& cwd = STRATA_SOURCE_DIR) {
  fs::path tmp = fs::temp_directory_path() /
                 ("strata_cli_test_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  std::string command = "cd '" + cwd.string() + "' && '" + Binary().string() + "' " + args +
                        " >'" + (tmp / "out").string() + "' 2>'" + (tmp / "err").string() + "'";
  int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadFile(tmp / "out");
  run.err = ReadFile(tmp / "err");
  fs::remove_all(tmp);
  return run;
}

class ValidateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(Binary())) GTEST_SKIP() << Binary() << " was not built";
  }
};

TEST_F(ValidateCommandTest, ValidExampleExitsZero) {
  CliRun r = Strata("validate examples/kafka/app.yaml examples/kafka/cluster.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 2 documents (1 App, 1 Cluster) in 2 files; 0 warnings\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(ValidateCommandTest, WarningsGoToStderrAndDoNotFail) {
  CliRun r = Strata("validate valid/warnings.yaml", fs::path(STRATA_SOURCE_DIR) / "tests/testdata");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "ok: 3 documents (1 App, 2 Clusters) in 1 file; 7 warnings\n");
  EXPECT_EQ(r.err, ReadFile(fs::path(STRATA_SOURCE_DIR) / "tests/testdata/valid/warnings.expected"));
}

TEST_F(ValidateCommandTest, InvalidInputPrintsTheGoldenErrorsAndExitsOne) {
  fs::path testdata = fs::path(STRATA_SOURCE_DIR) / "tests/testdata";
  for (const char* name : {"cardinality_unsatisfied", "unknown_key", "yaml_syntax_error",
                           "request_exceeds_limit"}) {
    CliRun r = Strata(std::string("validate invalid/") + name + ".yaml", testdata);
    EXPECT_EQ(r.exit_code, 1) << name;
    EXPECT_EQ(r.out, "") << name;
    EXPECT_EQ(r.err, ReadFile(testdata / "invalid" / (std::string(name) + ".expected"))) << name;
  }
}

TEST_F(ValidateCommandTest, ReadsStandardInput) {
  CliRun r = Strata("validate - < examples/kafka/app.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 1 document (1 App, 0 Clusters) in 1 file; 0 warnings\n");
  r = Strata("validate - examples/kafka/app.yaml < examples/kafka/cluster.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Strata("validate - < tests/testdata/invalid/unknown_key.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("<stdin>:13:5: spec.roles[0].imag: unknown field", 0), 0u) << r.err;
}

TEST_F(ValidateCommandTest, UnreadableFileExitsOne) {
  CliRun r = Strata("validate examples/kafka/app.yaml no/such/file.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "no/such/file.yaml: cannot read: No such file or directory\n");
  r = Strata("validate examples");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "examples: cannot read: Is a directory\n");
}

TEST_F(ValidateCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Strata("validate").exit_code, 2);
  EXPECT_EQ(Strata("validate --no-such-flag examples/kafka/app.yaml").exit_code, 2);
  EXPECT_EQ(Strata("").exit_code, 2);
}

TEST_F(ValidateCommandTest, HelpExitsZero) {
  CliRun r = Strata("validate --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("FILE"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace strata
