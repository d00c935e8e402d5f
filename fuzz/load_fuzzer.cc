// Fuzzes Load() (strata/documents.h): YAML/JSON text -> Apps and Clusters,
// then Check() on whatever loaded.
//
// Invariants beyond "no crash, no sanitizer finding":
// - an error is InvalidArgument/ResourceExhausted with a UTF-8 message whose
//   every diagnostic names the source and a line inside the text;
// - every loaded App and Cluster survives ToProto -> FromProto unchanged (the
//   one conversion layer the gRPC service and Python share with the loader);
// - every diagnostic Check() returns is UTF-8 (front ends print it as JSON).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "proto/convert.h"
#include "strata/diagnostic.h"
#include "strata/documents.h"
#include "strata/validate.h"

namespace strata::fuzz {
namespace {

void CheckDiagnostics(const std::vector<Diagnostic>& diagnostics, int lines) {
  for (const Diagnostic& d : diagnostics) {
    std::string text = d.ToString();
    FUZZ_CHECK(IsUtf8(text), text);
    FUZZ_CHECK(d.file == "fuzz.yaml", text);
    FUZZ_CHECK(d.line >= 0 && d.line <= lines + 1, text);
  }
}

}  // namespace
}  // namespace strata::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  using namespace strata::fuzz;
  std::string text = AsString(data, size);
  int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  absl::StatusOr<Documents> docs = Load({{.name = "fuzz.yaml", .text = text}});
  if (!docs.ok()) {
    CheckInputError(docs.status());
    CheckDiagnostics(DiagnosticsFromStatus(docs.status()), lines);
    return 0;
  }
  for (const AppDocument& doc : docs->apps) {
    absl::StatusOr<App> back = FromProto(ToProto(doc.app));
    FUZZ_CHECK(back.ok(), back.status().ToString());
    FUZZ_CHECK(*back == doc.app, "App " + doc.app.name + " changed in a proto round trip");
  }
  for (const ClusterDocument& doc : docs->clusters) {
    absl::StatusOr<Cluster> back = FromProto(ToProto(doc.cluster));
    FUZZ_CHECK(back.ok(), back.status().ToString());
    FUZZ_CHECK(*back == doc.cluster, "Cluster " + doc.cluster.name + " changed in a proto round trip");
  }
  CheckDiagnostics(Check(*docs), lines);
  return 0;
}
