// woo::Api: the read-only WooCommerce REST client as the rest of Clever sees it. It can only send
// GET (the one write-scope probe lives in connect's credential check, through ProbeWriteScope).
// Implementations sign each request (Basic / query / OAuth 1.0a), re-sign every page rather than
// following `Link` (which echoes credentials), and map failures to Status with a merchant-facing
// message (woo/errors.h). An Api object is not thread-safe: use one per worker thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace clever::woo {

enum class AuthMode { kBasic, kQuery, kOAuth1 };

struct Credentials {
  std::string consumer_key;
  std::string consumer_secret;
};

// Where and how to reach one store.
struct Endpoint {
  std::string store_url;  // canonical, e.g. "https://shop.example/blog" (connect/store_url.h)
  std::string home_url;  // the store's own idea of its URL (from /wp-json/), for OAuth base strings
  AuthMode auth = AuthMode::kBasic;
  std::string ca_file;  // extra CA to trust (self-hosted stores, tests); empty = system CAs only
  bool allow_private_network = false;  // SSRF guard off (tests, demo, intranet stores)
  int timeout_ms = 30000;
};

// Query parameters in order. Array values are sent as comma lists (`include=1,2`), never `a[]=`.
using Params = std::vector<std::pair<std::string, std::string>>;

// A successful (2xx) response. Non-2xx responses come back as a non-OK Status instead.
struct Response {
  int status = 200;
  std::string body;                            // raw JSON text, possibly gzip-decoded
  int64_t total = -1;                          // X-WP-Total, -1 when absent
  int64_t total_pages = -1;                    // X-WP-TotalPages, -1 when absent
  std::map<std::string, std::string> headers;  // lower-case names; Link is dropped (holds secrets)
};

class Api {
 public:
  virtual ~Api() = default;
  // GET {store_url}/wp-json/{route}?{params}; `route` like "wc/v3/orders" (no leading slash) or ""
  // for the index. Errors: kUnauthenticated / kPermissionDenied (with a merchant-facing message),
  // kNotFound (404; message contains the WooCommerce code, e.g. "rest_no_route"),
  // kInvalidArgument (400), kUnavailable (429, 5xx, reset, timeout; retryable), kDataLoss (body is
  // not the JSON it should be: truncated, HTML error page, ...).
  virtual StatusOr<Response> Get(const std::string& route, const Params& params) = 0;
};

// Makes a fresh Api for one worker thread.
using ApiFactory = std::function<std::unique_ptr<Api>()>;

}  // namespace clever::woo
