#include "common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace strata::cli {
namespace {

// Reads all of `fd`, but stops past `max_bytes` (setting `*over` to the
// file's size, or to the bytes read for a pipe); nullopt (errno set) on a
// read error.
std::optional<std::string> ReadFd(int fd, int64_t max_bytes, int64_t* over) {
  std::string text;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > max_bytes) {
    *over = st.st_size;  // Not read at all.
    return text;
  }
  char buffer[1 << 16];
  while (static_cast<int64_t>(text.size()) <= max_bytes) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  *over = static_cast<int64_t>(text.size());
  return text;
}

// Returns the contents of `path` ('-' = standard input), or nullopt with
// errno set.
std::optional<std::string> ReadAll(const std::string& path, int64_t max_bytes, int64_t* size) {
  if (path == "-") return ReadFd(STDIN_FILENO, max_bytes, size);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> text = ReadFd(fd, max_bytes, size);
  int saved = errno;
  ::close(fd);
  errno = saved;
  return text;
}

std::string ErrnoText() { return errno != 0 ? std::strerror(errno) : "read error"; }

}  // namespace

Limits& RunLimits() {
  static Limits limits;
  return limits;
}

void AddLimitFlags(CLI::App& app) {
  Limits& l = RunLimits();
  const char* group = "Input limits (SPEC-2 §11; raise for trusted, very large input)";
  auto add = [&](const char* flag, int64_t* value, const char* what) {
    app.add_option(flag, *value, what)->group(group)->check(CLI::PositiveNumber)
        ->capture_default_str();
  };
  add("--max-file-size", &l.max_file_size, "Largest input file or stdin, in bytes");
  add("--max-alias-bytes", &l.max_alias_bytes,
      "Most bytes YAML aliases may add to one document");
  add("--max-alias-nodes", &l.max_alias_nodes,
      "Most nodes YAML aliases may add to one document");
  add("--max-nesting", &l.max_nesting, "Deepest nesting of a YAML or JSON text");
  add("--max-documents", &l.max_documents, "Most documents in one input text");
  add("--max-members", &l.max_members, "Most members of one role");
  add("--max-config-map-size", &l.max_config_map_size,
      "Largest rendered ConfigMap, in bytes");
}

std::optional<std::string> ReadFileOrStdin(const std::string& path, std::ostream& err) {
  errno = 0;
  const int64_t max_bytes = RunLimits().max_file_size;
  int64_t size = 0;
  std::optional<std::string> text = ReadAll(path, max_bytes, &size);
  const std::string name = path == "-" ? kStdinName : path;
  if (!text) {
    err << name << ": cannot read: " << ErrnoText() << "\n";
    return text;
  }
  if (size > max_bytes) {
    err << Diagnostic{.file = name,
                      .line = 1,
                      .column = 1,
                      .message = LimitMessage(path == "-" ? "the input size in bytes is at least"
                                                          : "the input size in bytes is",
                                              size, max_bytes, "max_file_size")}
               .ToString()
        << "\n";
    return std::nullopt;
  }
  return text;
}

bool WriteFileAtomically(const std::string& path, const std::string& content,
                         std::ostream& err) {
  const std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0;
  for (size_t done = 0; ok && done < content.size();) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n >= 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  if (fd >= 0 && ::close(fd) != 0) ok = false;
  ok = ok && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    err << path << ": cannot write: " << ErrnoText() << "\n";
    ::unlink(tmp.c_str());
  }
  return ok;
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
  PrepareOptions with_limits = options;
  with_limits.limits = RunLimits();
  absl::StatusOr<Prepared> prepared = LoadAndPrepare(sources, with_limits);
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
  absl::StatusOr<std::vector<CompiledCluster>> compiled =
      CompileAll(*input, CompileOptions{.limits = RunLimits()});
  if (!compiled.ok()) {
    PrintStatus(compiled.status(), err);
    *exit_code = ExitCodeOf(compiled.status());
    return std::nullopt;
  }
  return *std::move(compiled);
}

}  // namespace strata::cli
