#include "common.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace strata::cli {
namespace {

// Reads all of `fd`; nullopt (errno set) on a read error.
std::optional<std::string> ReadFd(int fd) {
  std::string text;
  char buffer[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
}

// Returns the contents of `path` ('-' = standard input), or nullopt with
// errno set.
std::optional<std::string> ReadAll(const std::string& path) {
  if (path == "-") return ReadFd(STDIN_FILENO);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> text = ReadFd(fd);
  int saved = errno;
  ::close(fd);
  errno = saved;
  return text;
}

std::string ErrnoText() { return errno != 0 ? std::strerror(errno) : "read error"; }

}  // namespace

std::optional<std::string> ReadFileOrStdin(const std::string& path, std::ostream& err) {
  errno = 0;
  std::optional<std::string> text = ReadAll(path);
  if (!text) {
    err << (path == "-" ? kStdinName : path) << ": cannot read: " << ErrnoText() << "\n";
  }
  return text;
}

std::optional<std::vector<Source>> ReadSources(const std::vector<std::string>& paths,
                                               std::ostream& err) {
  std::vector<Source> sources;
  bool ok = true;
  bool stdin_read = false;
  for (const std::string& path : paths) {
    if (path == "-") {
      if (stdin_read) continue;
      stdin_read = true;
    }
    std::optional<std::string> text = ReadFileOrStdin(path, err);
    if (!text) {
      ok = false;
      continue;
    }
    sources.push_back(Source{.name = path == "-" ? kStdinName : path, .text = *std::move(text)});
  }
  if (!ok) return std::nullopt;
  return sources;
}

void PrintDiagnostics(const std::vector<Diagnostic>& diagnostics, std::ostream& err) {
  for (const Diagnostic& d : diagnostics) err << d.ToString() << "\n";
}

void PrintStatus(const absl::Status& status, std::ostream& err) {
  PrintDiagnostics(DiagnosticsFromStatus(status), err);
}

int ExitCodeOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
      return kExitUsage;
    default:
      return kExitInvalid;
  }
}

std::optional<Prepared> PrepareSources(const std::vector<Source>& sources,
                                       const PrepareOptions& options, std::ostream& err,
                                       int* exit_code) {
  absl::StatusOr<Prepared> prepared = LoadAndPrepare(sources, options);
  if (!prepared.ok()) {
    PrintStatus(prepared.status(), err);
    *exit_code = ExitCodeOf(prepared.status());
    return std::nullopt;
  }
  PrintDiagnostics(prepared->warnings, err);
  return *std::move(prepared);
}

std::optional<Prepared> ReadAndPrepare(const std::vector<std::string>& paths,
                                       const PrepareOptions& options, std::ostream& err,
                                       int* exit_code) {
  std::optional<std::vector<Source>> sources = ReadSources(paths, err);
  if (!sources) {
    *exit_code = kExitInvalid;
    return std::nullopt;
  }
  return PrepareSources(*sources, options, err, exit_code);
}

std::optional<std::vector<CompiledCluster>> ReadAndCompile(const std::vector<std::string>& paths,
                                                           const PrepareOptions& options,
                                                           std::ostream& err, int* exit_code) {
  std::optional<Prepared> input = ReadAndPrepare(paths, options, err, exit_code);
  if (!input) return std::nullopt;
  absl::StatusOr<std::vector<CompiledCluster>> compiled = CompileAll(*input, CompileOptions{});
  if (!compiled.ok()) {
    PrintStatus(compiled.status(), err);
    *exit_code = ExitCodeOf(compiled.status());
    return std::nullopt;
  }
  return *std::move(compiled);
}

}  // namespace strata::cli
