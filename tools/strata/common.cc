#include "common.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace strata::cli {
namespace {

std::optional<std::string> ReadAll(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    if (std::cin.bad()) return std::nullopt;
    return text.str();
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
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

}  // namespace strata::cli
