// Fuzzes the Mustache templates of SPEC §3: the static checker
// (validate/template_check.h, what `strata validate` runs), the renderer
// (compile/template.h, what `strata compile` runs) over a fixed small
// topology's context, and the config formats the rendered text is written in
// (compile/config_format.h).
//
// Input: the first byte picks the config format, the rest is the template.
// Invariants beyond "no crash, no sanitizer finding":
// - the checker and the renderer agree: a template the checker accepts
//   renders; checker messages on UTF-8 text are UTF-8;
// - a rendered value written in the json format is valid JSON.

#include <cstdint>
#include <string>
#include <vector>

#include "compile/config_format.h"
#include "compile/template.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/sample_topology.h"
#include "validate/template_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  using namespace strata::fuzz;
  using compile_internal::FormatConfig;
  using compile_internal::TemplateContext;
  using validate_internal::CheckTemplate;
  using validate_internal::TemplateReport;
  using validate_internal::TemplateScope;
  using validate_internal::TemplateScopeFor;
  if (size == 0) return 0;
  const Topology& topology = SampleTopology();
  static const TemplateScope* scope = new TemplateScope(TemplateScopeFor(topology.app));
  static const TemplateContext* context = new TemplateContext(
      topology.app, topology.cluster, std::vector<int32_t>{3, 2});
  constexpr ConfigFormat kFormats[] = {
      ConfigFormat::kProperties, ConfigFormat::kHadoopXml, ConfigFormat::kYaml,
      ConfigFormat::kJson,       ConfigFormat::kIni,       ConfigFormat::kEnv,
      ConfigFormat::kText};
  ConfigFormat format = kFormats[data[0] % (sizeof(kFormats) / sizeof(kFormats[0]))];
  std::string text = AsString(data + 1, size - 1);

  const bool utf8 = IsUtf8(text);
  TemplateReport report = CheckTemplate(text, *scope);
  if (utf8) {
    for (const std::string& error : report.errors) FUZZ_CHECK(IsUtf8(error), error);
  }
  absl::StatusOr<std::string> rendered = context->Render(text);
  if (report.errors.empty()) {
    FUZZ_CHECK(rendered.ok(), "the checker accepted a template the renderer rejects: " +
                                  rendered.status().ToString());
  }
  if (!rendered.ok()) {
    CheckInputError(rendered.status(), utf8);
    return 0;
  }
  OrderedStringMap entries;
  if (format != ConfigFormat::kText) entries.push_back({"fuzz.key", *rendered});
  absl::StatusOr<std::string> file =
      FormatConfig(format, entries, format == ConfigFormat::kText ? *rendered : "");
  if (!file.ok()) {
    CheckInputError(file.status(), utf8);
    return 0;
  }
  if (format == ConfigFormat::kJson) {
    Json parsed = Json::parse(*file, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(!parsed.is_discarded(), "the json format wrote invalid JSON: " + *file);
  }
  return 0;
}
