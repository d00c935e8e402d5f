// `strata compile FILE... [-o yaml|json] [--out-dir DIR]` (SPEC §5): compiles
// every Cluster in the inputs with its App and prints the objects, or writes
// one file per object into DIR atomically.

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "commands.h"
#include "common.h"
#include "strata/compile.h"
#include "strata/emit.h"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;

struct CompileFlags {
  std::vector<std::string> files;
  std::string output = "yaml";
  std::string out_dir;
};

std::string Errno(const std::string& what, const std::string& path) {
  return absl::StrCat(path, ": cannot ", what, ": ", std::strerror(errno));
}

// Writes `content` to `path` and fsyncs it; returns an error message or "".
std::string WriteFileSynced(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", path);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string msg = Errno("write", path);
      ::close(fd);
      return msg;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    std::string msg = Errno("fsync", path);
    ::close(fd);
    return msg;
  }
  if (::close(fd) != 0) return Errno("close", path);
  return "";
}

void SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Writes every (file name, content) into `dir` so that a failure leaves no
// new file behind: everything is written and fsynced in a temporary
// directory beside `dir` first. A missing `dir` is then created by renaming
// the temporary directory (atomic); into an existing `dir` the files are
// renamed one by one, and a failing rename removes the ones already moved.
// Files of `dir` that are not written are left alone. Returns an error
// message or "".
std::string WriteAtomically(const std::string& dir,
                            const std::map<std::string, std::string>& files) {
  fs::path target = fs::path(dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();
  fs::path parent = target.parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  bool exists = fs::exists(target, ec);
  if (exists && !fs::is_directory(target, ec)) {
    return absl::StrCat(dir, ": not a directory");
  }
  std::string tmpl = (parent / ".strata-compile-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    return Errno("create a temporary directory in", parent.string());
  }
  const std::string tmp = buf.data();
  auto cleanup = [&] { fs::remove_all(tmp, ec); };
  for (const auto& [name, content] : files) {
    std::string err = WriteFileSynced(tmp + "/" + name, content);
    if (!err.empty()) {
      cleanup();
      return err;
    }
  }
  SyncDir(tmp);
  if (!exists) {
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
      std::string msg = Errno("create", dir);
      cleanup();
      return msg;
    }
    ::chmod(target.c_str(), 0755);
    SyncDir(parent.string());
    return "";
  }
  std::vector<std::string> moved;
  for (const auto& [name, content] : files) {
    std::string from = tmp + "/" + name;
    std::string to = (target / name).string();
    if (::rename(from.c_str(), to.c_str()) != 0) {
      std::string msg = Errno("write", to);
      for (const std::string& m : moved) ::unlink(m.c_str());
      cleanup();
      return msg;
    }
    moved.push_back(to);
  }
  SyncDir(target.string());
  cleanup();
  return "";
}

int RunCompile(const CompileFlags& flags) {
  std::optional<Loaded> loaded = ReadAndResolve(flags.files, std::cerr);
  if (!loaded) return kExitInvalid;
  if (loaded->topologies.empty()) {
    std::cerr << "no kind: Cluster document to compile in the input\n";
    return kExitInvalid;
  }
  std::vector<Object> objects;
  bool failed = false;
  for (const Topology& t : loaded->topologies) {
    absl::StatusOr<CompiledCluster> compiled = Compile(t, CompileOptions{});
    if (!compiled.ok()) {
      // Compile's own errors name App fields (spec.roles[i]...): locate them
      // in the App's document.
      std::vector<Diagnostic> diagnostics = DiagnosticsFromStatus(compiled.status());
      const AppDocument* app = loaded->documents.FindApp(t.app.name);
      for (Diagnostic& d : diagnostics) {
        if (!d.file.empty() || app == nullptr || d.path.empty()) continue;
        d.file = app->file;
        d.document = app->index;
        Location loc = Locate(app->source, d.path);
        d.line = loc.line;
        d.column = loc.column;
      }
      PrintDiagnostics(diagnostics, std::cerr);
      failed = true;
      continue;
    }
    for (Object& o : compiled->objects) objects.push_back(std::move(o));
  }
  if (failed) return kExitInvalid;
  const bool json = flags.output == "json";
  if (flags.out_dir.empty()) {
    std::cout << (json ? ToJsonList(objects) : ToYaml(objects));
    std::cout.flush();
    return std::cout.good() ? kExitOk : kExitInvalid;
  }
  std::map<std::string, std::string> files;
  for (const Object& o : objects) {
    std::string name = ObjectFileName(o);
    if (json) name = name.substr(0, name.size() - 5) + ".json";
    std::string content = json ? o.body.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"
                               : ToYaml(o.body);
    if (!files.emplace(name, std::move(content)).second) {
      std::cerr << flags.out_dir << ": two objects would be written to " << name
                << " (clusters of the same name in one output directory?)\n";
      return kExitInvalid;
    }
  }
  std::string err = WriteAtomically(flags.out_dir, files);
  if (!err.empty()) {
    std::cerr << err << "\n";
    return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace

Command AddCompileCommand(CLI::App& app) {
  auto flags = std::make_shared<CompileFlags>();
  CLI::App* cmd = app.add_subcommand(
      "compile",
      "Compile every Cluster in the inputs (with its App) into Kubernetes objects. "
      "Applying them with kubectl directly skips the plan's ordered steps (SPEC §4).");
  cmd->add_option("FILE", flags->files, "App and Cluster YAML/JSON files ('-' = stdin)")
      ->required();
  cmd->add_option("-o,--output", flags->output, "Output format: yaml (default) or json")
      ->check(CLI::IsMember({"yaml", "json"}));
  cmd->add_option("--out-dir", flags->out_dir,
                  "Write one file per object, <kind>-<name>.yaml, into DIR (atomically)");
  return [flags] { return RunCompile(*flags); };
}

}  // namespace strata::cli
