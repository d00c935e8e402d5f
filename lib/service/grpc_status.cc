#include "service/grpc_status.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "service/convert.h"
#include "strata/diagnostic.h"
#include "strata/v1/service.pb.h"

namespace strata::service_internal {
namespace {

constexpr size_t kMaxDescriptionBytes = 512;

// The longest prefix of `text` of at most `max` bytes that does not end
// inside a UTF-8 sequence.
absl::string_view Utf8Prefix(absl::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

// Whole lines of `message` up to kMaxStatusMessageBytes, then a count of the
// lines left out.
std::string CutMessage(absl::string_view message) {
  if (message.size() <= kMaxStatusMessageBytes) return std::string(message);
  std::vector<absl::string_view> lines = absl::StrSplit(message, '\n');
  std::string out;
  size_t kept = 0;
  for (absl::string_view line : lines) {
    size_t extra = line.size() + (kept > 0 ? 1 : 0);
    if (out.size() + extra > kMaxStatusMessageBytes - 40) break;
    if (kept > 0) out += '\n';
    out.append(line.data(), line.size());
    ++kept;
  }
  if (kept == 0) {
    out = std::string(Utf8Prefix(lines[0], kMaxStatusMessageBytes - 40));
    absl::StrAppend(&out, "...");
    kept = 1;
  }
  if (kept < lines.size()) {
    absl::StrAppend(&out, "\n... and ", lines.size() - kept, " more");
  }
  return out;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  int raw = static_cast<int>(status.code());
  grpc::StatusCode code = raw > 0 && raw <= grpc::StatusCode::UNAUTHENTICATED
                              ? static_cast<grpc::StatusCode>(raw)
                              : grpc::StatusCode::UNKNOWN;
  std::string message = CutMessage(status.message());
  if (code != grpc::StatusCode::INVALID_ARGUMENT) return grpc::Status(code, message);

  google::rpc::BadRequest bad_request;
  v1::Diagnostics diagnostics;
  std::vector<Diagnostic> found = DiagnosticsFromStatus(status);
  size_t budget = kMaxStatusDetailsBytes - message.size() - 128;
  size_t shown = 0;
  for (const Diagnostic& d : found) {
    v1::Diagnostic proto = DiagnosticToProto(d);
    // One absurdly long message must not crowd out the rest.
    if (proto.text().size() > kMaxDescriptionBytes) {
      proto.set_text(absl::StrCat(Utf8Prefix(proto.text(), kMaxDescriptionBytes), "..."));
    }
    if (proto.message().size() > kMaxDescriptionBytes) {
      proto.set_message(absl::StrCat(Utf8Prefix(proto.message(), kMaxDescriptionBytes), "..."));
    }
    google::rpc::BadRequest::FieldViolation violation;
    violation.set_field(d.path);
    violation.set_description(proto.text());
    // Each entry costs its size plus a few bytes of tags and lengths.
    size_t cost = proto.ByteSizeLong() + violation.ByteSizeLong() + 8;
    if (shown > 0 && bad_request.ByteSizeLong() + diagnostics.ByteSizeLong() + cost > budget) {
      break;
    }
    *bad_request.add_field_violations() = std::move(violation);
    *diagnostics.add_diagnostics() = std::move(proto);
    ++shown;
  }
  if (shown < found.size()) {
    google::rpc::BadRequest::FieldViolation* more = bad_request.add_field_violations();
    more->set_description(absl::StrCat("... and ", found.size() - shown, " more"));
  }
  google::rpc::Status detail;
  detail.set_code(static_cast<int>(code));
  detail.set_message(message);
  detail.add_details()->PackFrom(bad_request);
  detail.add_details()->PackFrom(diagnostics);
  return grpc::Status(code, message, detail.SerializeAsString());
}

}  // namespace strata::service_internal
