// End-to-end tests of `strata validate`: exit codes, stdout and stderr.

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/tools/strata/cli_runner.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using ::strata::cli_testing::CliRun;
using ::strata::cli_testing::ReadWholeFile;
using ::strata::cli_testing::RunStrata;
using ::strata::cli_testing::StrataBinary;

class ValidateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(StrataBinary())) GTEST_SKIP() << StrataBinary() << " was not built";
  }
};

TEST_F(ValidateCommandTest, ValidExampleExitsZero) {
  CliRun r = RunStrata("validate examples/kafka/app.yaml examples/kafka/cluster.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 2 documents (1 App, 1 Cluster) in 2 files; 0 warnings\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(ValidateCommandTest, WarningsGoToStderrAndDoNotFail) {
  CliRun r = RunStrata("validate valid/warnings.yaml", fs::path(STRATA_SOURCE_DIR) / "tests/testdata");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "ok: 3 documents (1 App, 2 Clusters) in 1 file; 7 warnings\n");
  EXPECT_EQ(r.err, ReadWholeFile(fs::path(STRATA_SOURCE_DIR) / "tests/testdata/valid/warnings.expected"));
}

TEST_F(ValidateCommandTest, InvalidInputPrintsTheGoldenErrorsAndExitsOne) {
  fs::path testdata = fs::path(STRATA_SOURCE_DIR) / "tests/testdata";
  for (const char* name : {"cardinality_unsatisfied", "unknown_key", "yaml_syntax_error",
                           "request_exceeds_limit"}) {
    CliRun r = RunStrata(std::string("validate invalid/") + name + ".yaml", testdata);
    EXPECT_EQ(r.exit_code, 1) << name;
    EXPECT_EQ(r.out, "") << name;
    EXPECT_EQ(r.err, ReadWholeFile(testdata / "invalid" / (std::string(name) + ".expected"))) << name;
  }
}

TEST_F(ValidateCommandTest, ReadsStandardInput) {
  CliRun r = RunStrata("validate - < examples/kafka/app.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 1 document (1 App, 0 Clusters) in 1 file; 0 warnings\n");
  r = RunStrata("validate - examples/kafka/app.yaml < examples/kafka/cluster.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunStrata("validate - < tests/testdata/invalid/unknown_key.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("<stdin>:13:5: spec.roles[0].imag: unknown field", 0), 0u) << r.err;
}

TEST_F(ValidateCommandTest, UnreadableFileExitsOne) {
  CliRun r = RunStrata("validate examples/kafka/app.yaml no/such/file.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "no/such/file.yaml: cannot read: No such file or directory\n");
  r = RunStrata("validate examples");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "examples: cannot read: Is a directory\n");
}

TEST_F(ValidateCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunStrata("validate").exit_code, 2);
  EXPECT_EQ(RunStrata("validate --no-such-flag examples/kafka/app.yaml").exit_code, 2);
  EXPECT_EQ(RunStrata("").exit_code, 2);
}

TEST_F(ValidateCommandTest, HelpExitsZero) {
  CliRun r = RunStrata("validate --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("FILE"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace strata
