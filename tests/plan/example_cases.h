// The examples under examples/ and the scenarios golden and convergence
// tests plan for each: what runs (observed) and what is asked (desired).

#ifndef STRATA_TESTS_PLAN_EXAMPLE_CASES_H_
#define STRATA_TESTS_PLAN_EXAMPLE_CASES_H_

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "strata/compile.h"
#include "strata/documents.h"
#include "strata/validate.h"

namespace strata::plan_testing {

namespace fs = std::filesystem;

inline const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

// The change previews `strata plan -o diff` is golden-tested with
// (tests/plan/diff_test.cc): every example x these.
inline const char* const kDiffScenarios[] = {"image_change", "scale_out", "config_change",
                                             "new_service"};

inline const char* const kScenarios[] = {"fresh",       "converged",      "scale_out",
                                  "scale_in",    "image_change",   "config_change",
                                  "storage_growth", "immutable_change"};

inline std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compares `actual` with the golden file at `path` (STRATA_UPDATE_GOLDEN=1
// rewrites it instead), showing the first differing lines.
inline void CheckGolden(const fs::path& path, const std::string& actual) {
  if (std::getenv("STRATA_UPDATE_GOLDEN") != nullptr) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with STRATA_UPDATE_GOLDEN=1";
  std::string expected = Read(path);
  if (expected == actual) return;
  std::vector<std::string> e = absl::StrSplit(expected, '\n');
  std::vector<std::string> a = absl::StrSplit(actual, '\n');
  size_t i = 0;
  while (i < e.size() && i < a.size() && e[i] == a[i]) ++i;
  std::string context;
  for (size_t k = (i > 3 ? i - 3 : 0); k < i; ++k) absl::StrAppend(&context, "  ", e[k], "\n");
  for (size_t k = i; k < std::min(e.size(), i + 4); ++k) absl::StrAppend(&context, "- ", e[k], "\n");
  for (size_t k = i; k < std::min(a.size(), i + 4); ++k) absl::StrAppend(&context, "+ ", a[k], "\n");
  ADD_FAILURE() << path << " differs at line " << i + 1 << " (STRATA_UPDATE_GOLDEN=1 rewrites):\n"
                << context;
}

inline std::vector<std::string> Examples() {
  std::vector<std::string> out;
  fs::path root = fs::path(STRATA_SOURCE_DIR) / "examples";
  if (!fs::exists(root)) return out;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    bool has_app = false;
    for (const auto& f : fs::directory_iterator(entry.path())) {
      if (f.path().extension() != ".yaml") continue;
      has_app |= Read(f.path()).find("kind: App") != std::string::npos;
    }
    if (has_app) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline absl::StatusOr<Topology> LoadExample(const std::string& example) {
  std::vector<Source> sources;
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(fs::path(STRATA_SOURCE_DIR) / "examples" / example)) {
    if (f.path().extension() == ".yaml") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    sources.push_back(Source{.name = f.filename().string(), .text = Read(f)});
  }
  absl::StatusOr<Documents> docs = Load(sources);
  if (!docs.ok()) return docs.status();
  absl::StatusOr<std::vector<Topology>> topologies = Resolve(*docs);
  if (!topologies.ok()) return topologies.status();
  if (topologies->empty()) return absl::NotFoundError("no Cluster in " + example);
  return topologies->front();
}

inline RoleOverride& Override(Topology& t, const std::string& role) {
  for (RoleOverride& r : t.cluster.roles) {
    if (r.name == role) return r;
  }
  t.cluster.roles.push_back(RoleOverride{.name = role});
  return t.cluster.roles.back();
}

inline Role& AppRole(Topology& t, const std::string& role) {
  for (Role& r : t.app.roles) {
    if (r.name == role) return r;
  }
  ADD_FAILURE() << "no role " << role;
  return t.app.roles.front();
}

inline std::string Doubled(const Quantity& q) {
  const std::string& text = q.ToString();
  size_t i = 0;
  while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
  return absl::StrCat(std::stoll(text.substr(0, i)) * 2, text.substr(i));
}

// Returns (what runs, what is asked) for `scenario`; `empty` when nothing
// runs yet.
struct Case {
  Topology observed;
  Topology desired;
  bool fresh = false;
};

inline absl::StatusOr<Case> MakeCase(const Topology& base, const CompiledCluster& compiled,
                              const std::string& scenario) {
  Case c{base, base};
  if (scenario == "fresh") {
    c.fresh = true;
  } else if (scenario == "converged") {
  } else if (scenario == "scale_out" || scenario == "scale_in") {
    const CompiledRole* pick = nullptr;
    for (const CompiledRole& r : compiled.roles) {
      if (pick == nullptr && r.role.cardinality.Allows(r.members + 1)) pick = &r;
    }
    if (pick == nullptr) return absl::NotFoundError("no role can grow by one");
    Topology& bigger = scenario == "scale_out" ? c.desired : c.observed;
    Override(bigger, pick->name).members = pick->members + 1;
  } else if (scenario == "image_change") {
    for (Role& r : c.desired.app.roles) r.image += "-next";
    for (RoleOverride& r : c.desired.cluster.roles) {
      if (!r.image.empty()) r.image += "-next";
    }
  } else if (scenario == "config_change") {
    bool done = false;
    for (const CompiledRole& cr : compiled.roles) {
      for (ConfigFile& f : AppRole(c.desired, cr.name).config) {
        if (done || f.on_change != OnChange::kRestart) continue;
        if (f.format == ConfigFormat::kText) {
          f.template_text += "\n# changed\n";
        } else {
          f.data.push_back({"strata.golden", "changed"});
        }
        done = true;
      }
    }
    if (!done) return absl::NotFoundError("no restarting config file");
  } else if (scenario == "new_service") {
    bool done = false;
    for (const CompiledRole& cr : compiled.roles) {
      Role& r = AppRole(c.desired, cr.name);
      if (done || r.ports.empty()) continue;
      r.services.push_back(ServiceSpec{.name = "golden", .ports = {r.ports.front().name}});
      done = true;
    }
    if (!done) return absl::NotFoundError("no role with ports");
  } else if (scenario == "storage_growth" || scenario == "immutable_change") {
    const CompiledRole* pick = nullptr;
    for (const CompiledRole& r : compiled.roles) {
      if (pick == nullptr && !r.storage.empty()) pick = &r;
    }
    if (pick == nullptr) return absl::NotFoundError("no role with storage");
    if (scenario == "storage_growth") {
      RoleOverride& o = Override(c.desired, pick->name);
      std::string size = Doubled(pick->storage[0].size);
      bool found = false;
      for (StorageOverride& s : o.storage) {
        if (s.name == pick->storage[0].name) {
          s.size = *Quantity::Parse(size);
          found = true;
        }
      }
      if (!found) {
        o.storage.push_back(StorageOverride{.name = pick->storage[0].name,
                                            .size = *Quantity::Parse(size)});
      }
    } else {
      Storage extra;
      extra.name = "scratch";
      extra.mount_path = "/scratch";
      extra.size = *Quantity::Parse("1Gi");
      AppRole(c.desired, pick->name).storage.push_back(extra);
    }
  }
  return c;
}

}  // namespace strata::plan_testing

#endif  // STRATA_TESTS_PLAN_EXAMPLE_CASES_H_
