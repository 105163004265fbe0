#include "woo/scope_probe.h"

#include <algorithm>

#include "woo/errors.h"
#include "woo/internal/signing.h"
#include "woo/oauth1.h"

namespace clever::woo {

StatusOr<ScopeProbeResult> ProbeWriteScope(const Endpoint& endpoint,
                                           const Credentials& credentials,
                                           net::HttpTransport& transport, Clock& clock,
                                           const std::string& random_suffix) {
  std::string suffix = random_suffix.empty() ? RandomNonce().substr(0, 16) : random_suffix;
  std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  CLEVER_ASSIGN_OR_RETURN(
      net::HttpRequest request,
      internal::BuildSignedRequest("POST", endpoint, credentials,
                                   "wc/v3/clever-scope-probe-" + suffix, {}, clock, nullptr,
                                   SignatureMethod::kHmacSha256));
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  StatusOr<net::HttpResponse> sent = transport.Send(request);  // never retried
  if (!sent.ok()) return internal::MapTransportError(sent.status());
  ScopeProbeResult result;
  result.http_status = sent->status;
  std::optional<WooError> error;
  if (StatusOr<std::string_view> json = LocateJson(sent->body); json.ok()) {
    error = ParseWooError(*json);
  }
  if (sent->status == 401 && error && error->code == "woocommerce_rest_authentication_error" &&
      error->message.find("does not have write permissions") != std::string::npos) {
    result.scope = KeyScope::kRead;
  } else if (sent->status == 404 && error && error->code == "rest_no_route") {
    result.scope = KeyScope::kCanWrite;
  } else {
    result.scope = KeyScope::kUnknown;
    result.detail = "the write-permission check was inconclusive (HTTP " +
                    std::to_string(sent->status) +
                    (error ? ", " + Excerpt(error->code, 80) : std::string()) + ")";
  }
  return result;
}

}  // namespace clever::woo
