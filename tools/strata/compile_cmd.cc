// `strata compile FILE... [-o yaml|json] [--out-dir DIR] [--timings]` (SPEC §5):
// compiles every Cluster in the inputs with its App and prints the objects, or
// writes one file per object into DIR atomically.
//
// The work runs on every core with a deterministic result: several Clusters
// compile in parallel, one per task; a single Cluster compiles its roles in
// parallel (CompileOptions::parallel_for) and emits its objects in parallel
// ranges. Each Cluster's objects are turned into text as soon as it compiles
// and its Json trees freed, so the process holds the output text (and the
// inputs), not every object tree at once. Nothing is written unless every
// Cluster compiles.

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "commands.h"
#include "common.h"
#include "strata/compile.h"
#include "strata/emit.h"
#include "strata/pipeline.h"
#include "strata/pipeline.h"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;

struct CompileFlags {
  std::vector<std::string> files;
  std::string output = "yaml";
  std::string out_dir;
  bool timings = false;
};

// Threads for parallel work: the machine's cores, at most 8 (the work per
// task is small; more threads only add start-up and contention).
size_t Workers() {
  unsigned n = std::thread::hardware_concurrency();
  return std::clamp<size_t>(n == 0 ? 1 : n, 1, 8);
}

// Runs body(0) .. body(n - 1) on up to Workers() threads (the caller's
// included), handing out indexes in order; returns when all are done.
void ParallelFor(size_t n, const std::function<void(size_t)>& body) {
  size_t threads = std::min(Workers(), n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto run = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) body(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
}

// Wall and CPU time of the phases, for --timings.
class Timings {
 public:
  Timings() { Mark(); }
  // Records the time since the previous mark under `phase`.
  void Phase(const char* phase) {
    double wall = wall_, cpu = cpu_;
    Mark();
    phases_.push_back({phase, wall_ - wall, cpu_ - cpu});
  }
  std::string ToJson(size_t objects, size_t bytes) const {
    std::string out = "{";
    double wall = 0, cpu = 0;
    for (const auto& p : phases_) {
      absl::StrAppendFormat(&out, "\"%s_ms\":%.3f,\"%s_cpu_ms\":%.3f,", p.name, p.wall,
                            p.name, p.cpu);
      wall += p.wall;
      cpu += p.cpu;
    }
    absl::StrAppendFormat(&out,
                          "\"total_ms\":%.3f,\"total_cpu_ms\":%.3f,\"objects\":%d,"
                          "\"bytes\":%d,\"threads\":%d}",
                          wall, cpu, objects, bytes, Workers());
    return out;
  }

 private:
  struct Entry {
    const char* name;
    double wall;
    double cpu;
  };
  void Mark() {
    wall_ = std::chrono::duration<double, std::milli>(
                std::chrono::steady_clock::now().time_since_epoch())
                .count();
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    cpu_ = static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
  double wall_ = 0;
  double cpu_ = 0;
  std::vector<Entry> phases_;
};

std::string Errno(const std::string& what, const std::string& path) {
  return absl::StrCat(path, ": cannot ", what, ": ", std::strerror(errno));
}

// Writes `content` to `path` and starts its write-back without waiting
// (sync_file_range WRITE: the kernel begins writing the pages while the next
// files are written); returns an error message or "".
std::string WriteFile(const std::string& path, const std::string& content) {
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
  ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);  // A hint; WaitWritten checks.
  if (::close(fd) != 0) return Errno("close", path);
  return "";
}

// Waits until the data of `path` has been written to the device (starting
// the write-back if it has not started); an I/O error is returned as a
// message. No journal commit and no cache flush: SyncAll does one for all.
std::string WaitWritten(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  int rc;
  do {
    rc = ::sync_file_range(fd, 0, 0,
                           SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                               SYNC_FILE_RANGE_WAIT_AFTER);
  } while (rc != 0 && errno == EINTR);
  std::string msg = rc != 0 ? Errno("sync", path) : "";
  ::close(fd);
  return msg;
}

// fsync(2) of `path` (a file or directory); returns an error message or "".
std::string Fsync(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  std::string msg = ::fsync(fd) != 0 ? Errno("sync", path) : "";
  ::close(fd);
  return msg;
}

void SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Writes every (file name, content) into `dir` so that a failure leaves no
// new file behind: everything is written in a temporary directory beside
// `dir` first and made durable there. Durable without an fsync per file (each
// would wait for its own journal commit and device cache flush): every file's
// write-back starts as it is written, then the writer waits until each file's
// data has reached the device (sync_file_range), then one fsync of the last
// file and one of the directory commit the journal, with the block
// allocations of every file, and flush the device cache once (the batch mode
// git uses for its object files, with the wait made explicit). A write-back
// error fails the whole before anything is moved. A missing `dir` is then
// created by renaming the temporary directory (atomic); into an existing
// `dir` the files are renamed one by one, and a failing rename removes the
// ones already moved. Files of `dir` that are not written are left alone.
// Returns an error message or "".
std::string WriteAtomically(const std::string& dir,
                            const std::vector<std::pair<std::string, std::string>>& files) {
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
  // Creating and writing thousands of small files is kernel time: on every
  // core, the first error (in file order) reported.
  std::vector<std::string> errors(files.size());
  std::atomic<bool> failed{false};
  ParallelFor(files.size(), [&](size_t i) {
    if (failed.load(std::memory_order_relaxed)) return;
    errors[i] = WriteFile(tmp + "/" + files[i].first, files[i].second);
    if (!errors[i].empty()) failed = true;
  });
  if (!failed) {
    ParallelFor(files.size(), [&](size_t i) {
      errors[i] = WaitWritten(tmp + "/" + files[i].first);
    });
  }
  if (!files.empty() && errors.back().empty()) {
    errors.back() = Fsync(tmp + "/" + files.back().first);
  }
  for (const std::string& err : errors) {
    if (!err.empty()) {
      cleanup();
      return err;
    }
  }
  if (std::string err = Fsync(tmp); !err.empty()) {
    cleanup();
    return err;
  }
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

// Writes all of `chunks` to standard output; returns an error message or "".
std::string WriteStdout(const std::vector<std::string>& chunks) {
  for (const std::string& chunk : chunks) {
    size_t done = 0;
    while (done < chunk.size()) {
      ssize_t n = ::write(STDOUT_FILENO, chunk.data() + done, chunk.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return absl::StrCat("<stdout>: cannot write: ", std::strerror(errno));
      }
      done += static_cast<size_t>(n);
    }
  }
  return "";
}

// One Cluster's result: its output text, or the diagnostics of its failure.
struct ClusterOutput {
  bool ok = false;
  std::vector<Diagnostic> diagnostics;
  // Standard output: the text of its objects, in ranges (emitted in
  // parallel), to be written in order. --out-dir: one (file name, content)
  // per object.
  std::vector<std::string> text;
  std::vector<std::pair<std::string, std::string>> files;
  size_t objects = 0;
};

// The text of objects[begin, end) for standard output: YAML documents, or
// JSON List items separated by ",\n" (RunCompile joins the ranges).
std::string EmitRange(const std::vector<Object>& objects, size_t begin, size_t end,
                      bool json) {
  std::string out;
  out.reserve((end - begin) * 1024);
  for (size_t i = begin; i < end; ++i) {
    if (json) {
      if (i > begin) out += ",\n";
      out += "    ";
      AppendJson(objects[i].body, 2, out, 4);
    } else {
      out += "---\n";
      AppendYaml(objects[i].body, out);
    }
  }
  return out;
}

// Compiles `t` and turns its objects into text. `parallel`: use every core
// for this one Cluster (roles and emission).
ClusterOutput CompileOne(const Topology& t, const Prepared& loaded, const CompileFlags& flags,
                         bool parallel) {
  ClusterOutput result;
  CompileOptions options;
  options.limits = RunLimits();
  // Threads pay off from a few dozen objects on; below, starting them costs
  // more than the work.
  parallel = parallel && t.app.roles.size() >= 8;
  if (parallel) options.parallel_for = ParallelFor;
  absl::StatusOr<CompiledCluster> compiled = Compile(t, options);
  if (!compiled.ok()) {
    // Compile's own errors name App fields (spec.roles[i]...): located in
    // the App's document by the pipeline's one rule.
    result.diagnostics =
        DiagnosticsFromStatus(LocateInApp(compiled.status(), loaded.documents, t.app.name));
    return result;
  }
  result.ok = true;
  const std::vector<Object>& objects = compiled->objects;
  result.objects = objects.size();
  const bool json = flags.output == "json";
  if (!flags.out_dir.empty()) {
    result.files.resize(objects.size());
    auto emit = [&](size_t i) {
      const Object& o = objects[i];
      std::string name = ObjectFileName(o);
      if (json) name = name.substr(0, name.size() - 5) + ".json";
      std::string content;
      if (json) {
        AppendJson(o.body, 2, content);
        content += '\n';
      } else {
        AppendYaml(o.body, content);
      }
      result.files[i] = {std::move(name), std::move(content)};
    };
    if (parallel) {
      ParallelFor(objects.size(), emit);
    } else {
      for (size_t i = 0; i < objects.size(); ++i) emit(i);
    }
    return result;
  }
  // Contiguous ranges, a few per thread, so the text comes out in order.
  size_t ranges = parallel ? std::min(objects.size(), Workers() * 4) : 1;
  ranges = std::max<size_t>(ranges, 1);
  result.text.resize(ranges);
  auto emit_range = [&](size_t r) {
    size_t begin = objects.size() * r / ranges;
    size_t end = objects.size() * (r + 1) / ranges;
    result.text[r] = EmitRange(objects, begin, end, json);
  };
  if (parallel) {
    ParallelFor(ranges, emit_range);
  } else {
    emit_range(0);
  }
  return result;
}

int RunCompile(const CompileFlags& flags) {
  Timings timings;
  std::optional<std::vector<Source>> sources = ReadSources(flags.files, std::cerr);
  if (!sources) return kExitInvalid;
  timings.Phase("read");
  int rc = kExitOk;
  std::optional<Prepared> loaded = PrepareSources(*sources, {}, std::cerr, &rc);
  if (!loaded) return rc;
  sources.reset();
  timings.Phase("load");
  const std::vector<Topology>& topologies = loaded->topologies;
  std::vector<ClusterOutput> outputs(topologies.size());
  if (topologies.size() == 1) {
    outputs[0] = CompileOne(topologies[0], *loaded, flags, /*parallel=*/true);
  } else {
    ParallelFor(topologies.size(), [&](size_t i) {
      outputs[i] = CompileOne(topologies[i], *loaded, flags, /*parallel=*/false);
    });
  }
  timings.Phase("compile_emit");
  // Every Cluster's errors at once, sorted and without repeats, as the
  // pipeline's CompileAll reports them to Python and gRPC.
  std::vector<Diagnostic> problems;
  size_t objects = 0;
  for (const ClusterOutput& o : outputs) {
    problems.insert(problems.end(), o.diagnostics.begin(), o.diagnostics.end());
    objects += o.objects;
  }
  if (absl::Status failed = StatusFromDiagnostics(std::move(problems)); !failed.ok()) {
    PrintStatus(failed, std::cerr);
    return kExitInvalid;
  }
  loaded.reset();
  size_t bytes = 0;
  std::string err;
  if (flags.out_dir.empty()) {
    const bool json = flags.output == "json";
    std::vector<std::string> chunks;
    if (json) chunks.push_back("{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": ");
    bool any = false;
    for (ClusterOutput& o : outputs) {
      for (std::string& t : o.text) {
        if (t.empty()) continue;
        if (json) chunks.push_back(any ? ",\n" : "[\n");
        any = true;
        chunks.push_back(std::move(t));
      }
    }
    if (json) chunks.push_back(any ? "\n  ]\n}\n" : "[]\n}\n");
    for (const std::string& c : chunks) bytes += c.size();
    err = WriteStdout(chunks);
  } else {
    std::vector<std::pair<std::string, std::string>> files;
    files.reserve(objects);
    absl::flat_hash_set<std::string> names;
    names.reserve(objects);
    for (ClusterOutput& o : outputs) {
      for (auto& file : o.files) {
        if (!names.insert(file.first).second) {
          std::cerr << flags.out_dir << ": two objects would be written to " << file.first
                    << " (clusters of the same name in one output directory?)\n";
          return kExitInvalid;
        }
        bytes += file.second.size();
        files.push_back(std::move(file));
      }
      o.files.clear();
    }
    err = WriteAtomically(flags.out_dir, files);
  }
  timings.Phase("write");
  if (flags.timings) std::cerr << timings.ToJson(objects, bytes) << "\n";
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
  cmd->add_flag("--timings", flags->timings,
                "Print the wall and CPU milliseconds of each phase (read, load, compile_emit, "
                "write) to stderr as one JSON line (bench/peers/run.sh reads it)");
  return [flags] { return RunCompile(*flags); };
}

}  // namespace strata::cli
