// Translation of WooCommerce HTTP answers into Status (style.md section 10), done once here.
//   400 -> kInvalidArgument, 401 -> kUnauthenticated, 403 -> kPermissionDenied, 404 -> kNotFound,
//   3xx (a redirect not followed) -> kFailedPrecondition, 429 / 5xx / other -> kUnavailable,
//   body that is not JSON -> kDataLoss.
// Messages are merchant-facing sentences followed by what WooCommerce said, e.g.
//   "This Consumer Key doesn't exist on your store (revoked or mistyped). Create a new Read key.
//    [WooCommerce: woocommerce_rest_authentication_error "Consumer key is invalid.", HTTP 401]"
// They never contain request URLs, query strings or headers (which can carry credentials).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace clever::woo {

// A WP_Error body: {"code": "...", "message": "...", "data": {"status": N}}.
struct WooError {
  std::string code;
  std::string message;
  int status = 0;  // data.status, 0 when absent
};

// Parses a WP_Error body (after LocateJson); nullopt when the body is not one.
std::optional<WooError> ParseWooError(std::string_view body);

// Finds the JSON document in a response body. Accepted: the body itself (a UTF-8 BOM and
// surrounding whitespace tolerated), or JSON preceded by PHP diagnostics that a misconfigured
// store prints before it (display_errors on): every non-blank line before the JSON must, once
// HTML tags are stripped, start with "Notice:", "Warning:", "Deprecated:" or "Strict Standards:"
// (optionally prefixed "PHP "). Anything else (HTML pages, "Fatal error", truncated or
// malformed JSON) is kDataLoss: it is not the data, and guessing would hide real breakage.
StatusOr<std::string_view> LocateJson(std::string_view body);

// The Status for a non-2xx answer. `retry_after` is the Retry-After header value ("" if absent).
Status MapErrorResponse(int http_status, std::string_view body, std::string_view retry_after = "");

// What WooCommerce said, recovered from a Status made by MapErrorResponse (or the Api): code,
// message and HTTP status. nullopt when the Status carries no WooCommerce error.
std::optional<WooError> WooErrorOf(const Status& status);

// Short printable excerpt of untrusted text for messages: control characters dropped,
// at most `max` bytes, "..." when cut.
std::string Excerpt(std::string_view text, size_t max = 160);

}  // namespace clever::woo
