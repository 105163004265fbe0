// Store discovery from the public REST indexes: `/wp-json/` (site name, url, home, time zone,
// namespaces) and `/wp-json/wc/v3` (the route table, read for feature detection rather than
// version sniffing; docs/woocommerce-rest-api.md 1.3). Both are public on a real store, so they
// are fetched without credentials (Basic credentials on a non-wc route could trip WordPress'
// application-password check); when the wc/v3 index answers 401 (some hosts/plugins protect it)
// the signed Api is used for it.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "net/http.h"
#include "woo/client.h"

namespace clever::woo {

struct StoreFeatures {
  bool has_wc_v3 = false;                // "wc/v3" in namespaces
  bool has_refunds_route = false;        // /wc/v3/refunds (store-wide)
  bool supports_modified_after = false;  // modified_after in the GET args of /wc/v3/orders
  bool supports_dates_are_gmt = false;   // dates_are_gmt likewise
  bool has_woopayments = false;          // /wc/v3/payments/deposits
  bool has_variations_route = false;     // /wc/v3/variations (store-wide)
  bool has_analytics = false;            // "wc-analytics" in namespaces
};

struct StoreIndex {
  std::string name;
  std::string description;
  std::string url;   // WordPress Address (siteurl)
  std::string home;  // Site Address: the base OAuth signatures are built on
  std::string timezone_string;
  double gmt_offset = 0;
  std::vector<std::string> namespaces;
  std::set<std::string> routes;  // route patterns, e.g. "/wc/v3/orders"
  StoreFeatures features;
};

// Parses the `/wp-json/` index. kDataLoss when it is not JSON; kNotFound when it is JSON but not
// a WordPress REST index (no "namespaces" list).
StatusOr<StoreIndex> ParseRootIndex(std::string_view body);

// Adds the routes and features of a `/wp-json/wc/v3` (or root) index body to `index`.
Status ApplyRouteIndex(std::string_view body, StoreIndex& index);

// Fetches and parses both indexes. Errors: transport Status as is (kUnavailable, TLS/SSRF
// kFailedPrecondition); kNotFound "no WordPress REST API" when `/wp-json/` is missing or not an
// index. A store without wc/v3 is returned with features.has_wc_v3 == false (not an error).
// `signed_api` (may be null) is used for the wc/v3 index when the unsigned request gets 401.
StatusOr<StoreIndex> Discover(net::HttpTransport& transport, const Endpoint& endpoint,
                              Api* signed_api);

}  // namespace clever::woo
