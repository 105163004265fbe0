// The write-scope probe: the single non-GET request Clever ever sends (disable it with
// `clever connector add --no-scope-probe`). A POST with an empty body to a wc/v3 route that does
// not exist (wc/v3/clever-scope-probe-<random>): WooCommerce checks the key's method permission
// before routing, so a Read key gets 401 "does not have write permissions" and a key that can
// write gets 404 rest_no_route. No route handler runs either way; nothing can change.
// (docs/woocommerce-rest-api.md section 3.)
//
// It is a free function with its own result type, deliberately not part of woo::Api, so that the
// client every other subsystem holds can only send GET.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "net/http.h"
#include "woo/client.h"

namespace clever::woo {

enum class KeyScope {
  kRead,      // 401 "does not have write permissions"
  kCanWrite,  // 404 rest_no_route: a write or read_write key
  kUnknown,   // anything else (WAF, proxy, plugin): inconclusive
};

struct ScopeProbeResult {
  KeyScope scope = KeyScope::kUnknown;
  int http_status = 0;
  std::string detail;  // merchant-safe explanation when kUnknown
};

// `random_suffix` ("" = 16 CSPRNG characters) ends the probe route. Transport failures return
// their Status (kUnavailable, kFailedPrecondition for TLS/SSRF).
StatusOr<ScopeProbeResult> ProbeWriteScope(const Endpoint& endpoint,
                                           const Credentials& credentials,
                                           net::HttpTransport& transport, Clock& clock,
                                           const std::string& random_suffix = "");

}  // namespace clever::woo
