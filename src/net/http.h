// net::HttpTransport: the one door to the network (style.md section 5). Requests and responses are
// plain structs; a transport sends one request and returns the response of any HTTP status, or a
// non-OK Status when no HTTP response arrived:
//   kUnavailable        connection refused/reset, DNS failure, truncated transfer (retryable)
//   kDeadlineExceeded   the per-request timeout elapsed (retryable)
//   kFailedPrecondition refused by policy or TLS: the message starts with one of the markers below
//   kInvalidArgument    the URL is malformed
// Implementations: CurlTransport (net/curl_transport.h); FakeTransport in tests/testing/.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace clever::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // upper case
  std::string url;             // absolute http(s) URL, query included
  Headers headers;             // sent as given
  std::string body;
  int timeout_ms = 30000;  // whole request, connect included; <= 0 means the transport default
};

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-cased, in arrival order (repeated names kept)
  std::string body;  // content-decoded (gzip/deflate)
  // First value of a header (name compared case-insensitively), or "" when absent.
  [[nodiscard]] std::string Header(std::string_view name) const;
};

// Status message markers for the kFailedPrecondition errors callers branch on.
inline constexpr std::string_view kTlsErrorMarker = "TLS certificate problem";
inline constexpr std::string_view kBlockedAddressMarker = "refused private network address";
[[nodiscard]] bool IsTlsError(const Status& status);
[[nodiscard]] bool IsBlockedAddress(const Status& status);

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request. Not thread-safe unless an implementation says so: use one per thread.
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// True for methods that can be repeated without changing anything (RFC 9110 section 9.2.2).
[[nodiscard]] bool IsIdempotent(std::string_view method);

}  // namespace clever::net
