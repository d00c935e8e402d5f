// fuzz_seeds: writes the seed corpus of every fuzzer from the repository's
// own inputs, so nothing generated is committed twice.
//
//   fuzz_seeds SOURCE_DIR OUT_DIR
//
// OUT_DIR/<fuzzer>/ receives:
//   load, compile: every example (app.yaml + cluster.yaml as one stream) and
//     every YAML/JSON topology under tests/testdata;
//   observed: tests/testdata/observed/* and the sample topology's states
//     after 0, 1, 2, ... planning rounds of the simulator, as JSON and YAML;
//   template: every template value of the examples, once per config format;
//   scalars: quantities, cardinalities and fault lists (valid and not);
//   proto: serialized SimulateRequests of the examples, the sample with its
//     observed states and faults, and structured (proto) Apps/Clusters.
// Hand-written seeds and minimized findings live in fuzz/corpus/<fuzzer>/
// (tools/fuzz.sh adds those).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fuzz/sample_topology.h"
#include "proto/convert.h"
#include "strata/emit.h"
#include "strata/observed_state.h"
#include "strata/simulate.h"
#include "strata/v1/service.pb.h"

namespace fs = std::filesystem;

namespace strata::fuzz {
namespace {

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Writer {
 public:
  explicit Writer(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }
  void Add(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    ++count_;
  }
  int count() const { return count_; }

 private:
  fs::path dir_;
  int count_ = 0;
};

std::vector<fs::path> Sorted(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool IsTopologyFile(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::string Slug(const fs::path& p, const fs::path& root) {
  std::string s = fs::relative(p, root).string();
  for (char& c : s) {
    if (c == '/') c = '_';
  }
  return s;
}

// The example directories' App + Cluster streams, by example name.
std::vector<std::pair<std::string, std::string>> Examples(const fs::path& src) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(src / "examples")) {
    if (e.is_directory() && fs::exists(e.path() / "app.yaml")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& d : dirs) {
    std::string text = Read(d / "app.yaml");
    if (fs::exists(d / "cluster.yaml")) text += "\n---\n" + Read(d / "cluster.yaml");
    out.push_back({d.filename().string(), text});
  }
  return out;
}

// The sample's state after `rounds` planning rounds from nothing (the last
// ones converged), as a List.
std::vector<Json> SampleStates() {
  std::vector<Json> out;
  for (int rounds : {1, 2, 3, 5, 8, 10000}) {
    SimulateOptions options;
    options.max_plans = rounds;
    options.faults = *ParseFaults("never-ready=kv1-store-2");
    if (rounds == 10000) options.faults.clear();
    absl::StatusOr<Timeline> t = Simulate(SampleCompiled(), ObservedState{}, options);
    FUZZ_CHECK(t.ok(), t.status().ToString());
    out.push_back(ObservedStateToList(t->final_state));
  }
  return out;
}

v1::SimulateRequest Request(const std::string& name, const std::string& text) {
  v1::SimulateRequest r;
  v1::Source* s = r.mutable_input()->add_sources();
  s->set_name(name);
  s->set_text(text);
  return r;
}

std::string Wire(const v1::SimulateRequest& r) {
  std::string out;
  r.SerializeToString(&out);
  return out;
}

}  // namespace
}  // namespace strata::fuzz

int main(int argc, char** argv) {
  using namespace strata;
  using namespace strata::fuzz;
  if (argc != 3) {
    std::cerr << "usage: fuzz_seeds SOURCE_DIR OUT_DIR\n";
    return 2;
  }
  fs::path src = argv[1];
  fs::path out = argv[2];
  auto examples = Examples(src);

  Writer load(out / "load"), compile(out / "compile");
  for (const auto& [name, text] : examples) {
    load.Add("example-" + name + ".yaml", text);
    compile.Add("example-" + name + ".yaml", text);
  }
  for (const char* sub : {"valid", "invalid", "sim", "compile", "hostile"}) {
    for (const fs::path& p : Sorted(src / "tests/testdata" / sub)) {
      if (!IsTopologyFile(p)) continue;
      std::string text = Read(p);
      load.Add(Slug(p, src / "tests/testdata"), text);
      compile.Add(Slug(p, src / "tests/testdata"), text);
    }
  }
  load.Add("sample.yaml", kSampleTopology);
  compile.Add("sample.yaml", kSampleTopology);

  Writer observed(out / "observed");
  for (const fs::path& p : Sorted(src / "tests/testdata/observed")) {
    observed.Add(p.filename().string(), Read(p));
  }
  std::vector<Json> states = SampleStates();
  for (size_t i = 0; i < states.size(); ++i) {
    observed.Add(absl::StrCat("sample-", i, ".json"), states[i].dump(1));
    observed.Add(absl::StrCat("sample-", i, ".yaml"), ToYaml(states[i]));
  }

  // Template values: whatever follows ": " on an example line with "{{".
  Writer templates(out / "template");
  int n = 0;
  for (const auto& [name, text] : examples) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      size_t tag = line.find("{{");
      if (tag == std::string::npos) continue;
      size_t colon = line.find(": ");
      std::string value = colon != std::string::npos && colon < tag ? line.substr(colon + 2) : line;
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      templates.Add(absl::StrCat("t", n++), std::string(1, static_cast<char>(n % 7)) + value);
    }
  }
  for (const char* t : {"{{#roles.store.members}}{{name}}:{{ordinal}}\n{{/roles.store.members}}",
                        "{{cluster.name}}.{{cluster.namespace}}", "{{^x}}{{/x}}", "{{{raw}}}",
                        "{{! comment }}", "{{=<% %>=}}", "{{> partial}}", "{{#a}}{{#b}}{{/a}}"}) {
    for (char format = 0; format < 7; ++format) {
      templates.Add(absl::StrCat("t", n++), std::string(1, format) + t);
    }
  }

  Writer scalars(out / "scalars");
  n = 0;
  for (const char* q : {"0", "500m", "1.5Gi", "1e3", "10G", "1Ei", "0.000000001", "9223372036854775807",
                        "1n", "2u", "-1", "1.", ".5", "1E-3", "100Ti", "12345678901234567890Ei"}) {
    scalars.Add(absl::StrCat("s", n++), std::string(1, '\0') + q);
  }
  for (const char* c : {"3", "3+", "0+", "1-5", "16384", "16385", "3-2", "+", "01", "2147483648"}) {
    scalars.Add(absl::StrCat("s", n++), std::string(1, '\1') + c);
  }
  for (const char* f : {"never-ready=events-broker-2", "pod-dies=events-broker-1@3",
                        "gate-fails=events-broker-4x2", "node-loss=events-broker-0+events-broker-1@5",
                        "never-ready=a;pod-dies=b@0,gate-fails=cx1", "pod-dies=x@-1", "gate-fails=x",
                        "evict=events-broker-3@2", "api-error=StatefulSet/events-broker@0",
                        "api-conflict=ConfigMap/events-broker@4", "api-error=x@"}) {
    scalars.Add(absl::StrCat("s", n++), std::string(1, '\2') + f);
  }

  Writer proto(out / "proto");
  for (const auto& [name, text] : examples) {
    proto.Add("example-" + name, Wire(Request(name + ".yaml", text)));
  }
  for (size_t i = 0; i < states.size(); ++i) {
    v1::SimulateRequest r = Request("sample.yaml", kSampleTopology);
    r.set_observed(states[i].dump());
    r.set_fault_spec("pod-dies=kv1-store-1@2;gate-fails=kv1-store-0x1");
    v1::Fault* f = r.add_faults();
    f->set_kind(v1::Fault::KIND_NODE_LOSS);
    f->add_pods("kv1-worker-0");
    f->set_at_step(3);
    r.mutable_options()->set_max_plans(4);
    r.mutable_options()->mutable_ready_delay()->set_seconds(5);
    proto.Add(absl::StrCat("sample-", i), Wire(r));
  }
  {
    // The sample as structured protos instead of text.
    v1::SimulateRequest r;
    v1::Input* in = r.mutable_input();
    *in->add_apps() = ToProto(SampleTopology().app);
    *in->add_clusters() = ToProto(SampleTopology().cluster);
    proto.Add("sample-structured", Wire(r));
  }

  std::cout << "fuzz_seeds: load " << load.count() << ", compile " << compile.count()
            << ", observed " << observed.count() << ", template " << templates.count()
            << ", scalars " << scalars.count() << ", proto " << proto.count() << "\n";
  return 0;
}
