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

std::optional<Loaded> LoadAndResolve(const std::vector<Source>& sources, std::ostream& err) {
  absl::StatusOr<Documents> documents = Load(sources);
  if (!documents.ok()) {
    PrintStatus(documents.status(), err);
    return std::nullopt;
  }
  std::vector<Diagnostic> found = Check(*documents);
  PrintDiagnostics(found, err);
  if (HasErrors(found)) return std::nullopt;
  absl::StatusOr<std::vector<Topology>> topologies = Resolve(*documents);
  if (!topologies.ok()) {
    PrintStatus(topologies.status(), err);
    return std::nullopt;
  }
  Loaded loaded{.documents = *std::move(documents), .topologies = *std::move(topologies)};
  loaded.warnings = std::move(found);
  return loaded;
}

std::optional<Loaded> ReadAndResolve(const std::vector<std::string>& paths, std::ostream& err) {
  std::optional<std::vector<Source>> sources = ReadSources(paths, err);
  if (!sources) return std::nullopt;
  return LoadAndResolve(*sources, err);
}

std::optional<std::vector<CompiledCluster>> CompileClusters(const Loaded& loaded,
                                                             const std::string& cluster,
                                                             const std::string& command,
                                                             std::ostream& err, int* exit_code) {
  *exit_code = kExitInvalid;
  if (loaded.topologies.empty()) {
    err << command << ": the files hold no Cluster document\n";
    return std::nullopt;
  }
  std::vector<CompiledCluster> out;
  std::vector<std::string> names;
  bool failed = false;
  for (const Topology& t : loaded.topologies) {
    names.push_back(t.cluster.name);
    if (!cluster.empty() && t.cluster.name != cluster) continue;
    absl::StatusOr<CompiledCluster> compiled = Compile(t, CompileOptions{});
    if (!compiled.ok()) {
      std::vector<Diagnostic> diagnostics = DiagnosticsFromStatus(compiled.status());
      const AppDocument* app = loaded.documents.FindApp(t.app.name);
      for (Diagnostic& d : diagnostics) {
        if (!d.file.empty() || app == nullptr || d.path.empty()) continue;
        d.file = app->file;
        d.document = app->index;
        Location loc = Locate(app->source, d.path);
        d.line = loc.line;
        d.column = loc.column;
      }
      PrintDiagnostics(diagnostics, err);
      failed = true;
      continue;
    }
    out.push_back(*std::move(compiled));
  }
  if (failed) return std::nullopt;
  if (out.empty()) {
    err << command << ": --cluster " << cluster << ": no such Cluster (have ";
    for (size_t i = 0; i < names.size(); ++i) err << (i ? ", " : "") << names[i];
    err << ")\n";
    *exit_code = kExitUsage;
    return std::nullopt;
  }
  *exit_code = kExitOk;
  return out;
}

}  // namespace strata::cli
