// Request building and signing shared by the Api (GET) and the scope probe (POST).
#pragma once

#include <functional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "net/http.h"
#include "woo/client.h"
#include "woo/oauth1.h"

namespace clever::woo::internal {

// kInvalidArgument for routes that could escape /wp-json/ or smuggle a query.
Status ValidateRoute(const std::string& route);

// Repeated keys become one comma list ("status=a" + "status=b" -> "status=a,b"), first position.
Params MergeRepeatedKeys(const Params& params);

// Builds the signed request for {store_url}/wp-json/{route}?{params}. kFailedPrecondition when the
// auth mode would put credentials in clear text (Basic or query over http).
StatusOr<net::HttpRequest> BuildSignedRequest(const std::string& method, const Endpoint& endpoint,
                                              const Credentials& credentials,
                                              const std::string& route, const Params& params,
                                              Clock& clock, const std::function<std::string()>& nonce,
                                              SignatureMethod signature);

// Transport errors as the Api reports them (timeouts become kUnavailable).
Status MapTransportError(const Status& status);

}  // namespace clever::woo::internal
