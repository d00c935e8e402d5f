// The one way tests run the strata CLI binary: RunStrata("validate x.yaml")
// runs it through the shell in a directory and returns its exit code, stdout
// and stderr.
//
// Example:
//   CliRun r = RunStrata("validate examples/kafka/app.yaml");
//   EXPECT_EQ(r.exit_code, 0) << r.err;

#ifndef STRATA_TESTS_TOOLS_STRATA_CLI_RUNNER_H_
#define STRATA_TESTS_TOOLS_STRATA_CLI_RUNNER_H_

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace strata::cli_testing {

struct CliRun {
  int exit_code = -1;  // -1: killed by a signal.
  std::string out;
  std::string err;
};

inline std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::filesystem::path StrataBinary() {
  return std::filesystem::path(STRATA_BINARY_DIR) / "tools" / "strata" / "strata";
}

// Runs `strata ARGS` (shell words, quoted by the caller) in `cwd`.
inline CliRun RunStrata(const std::string& args,
                        const std::filesystem::path& cwd = STRATA_SOURCE_DIR) {
  // ctest runs the tests of one binary as parallel processes: one directory
  // per process.
  std::filesystem::path tmp = std::filesystem::temp_directory_path() /
                              ("strata_cli_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  std::string command = "cd '" + cwd.string() + "' && '" + StrataBinary().string() + "' " +
                        args + " >'" + (tmp / "out").string() + "' 2>'" +
                        (tmp / "err").string() + "'";
  int status = std::system(command.c_str());
  CliRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadWholeFile(tmp / "out");
  run.err = ReadWholeFile(tmp / "err");
  std::filesystem::remove_all(tmp);
  return run;
}

}  // namespace strata::cli_testing

#endif  // STRATA_TESTS_TOOLS_STRATA_CLI_RUNNER_H_
