// The WooCommerce REST client behind woo::Api (woo/client.h): builds URLs under
// {store_url}/wp-json/, signs every request afresh (Basic over https, consumer_key/secret query
// parameters over https when the host strips the Authorization header, OAuth 1.0a HMAC-SHA256
// against the store's home URL over http), retries idempotent failures with jittered backoff
// (a retried OAuth request gets a new nonce and timestamp), and maps answers via woo/errors.h.
//
// Only GET exists here; the one write-method request Clever sends is the scope probe in
// woo/scope_probe.h. Response headers never include Link (it echoes credentials).
//
//   auto transport = net::CurlTransport::Create({...});
//   auto api = woo::MakeApi(endpoint, credentials, **transport, clock);
//   CLEVER_ASSIGN_OR_RETURN(woo::Response page, api->Get("wc/v3/orders", {{"per_page", "100"}}));
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "net/backoff.h"
#include "net/curl_transport.h"
#include "net/http.h"
#include "woo/client.h"
#include "woo/oauth1.h"

namespace clever::woo {

struct ApiOptions {
  // Attempts per Get (1 = no retries); delays from net::Backoff.
  net::BackoffOptions backoff;
  // Jitter source; nullptr = a generator seeded from the OS CSPRNG, owned by the Api.
  net::Random* random = nullptr;
  // OAuth nonce source; empty = woo::RandomNonce (CSPRNG). Tests inject a fixed one.
  std::function<std::string()> nonce;
  SignatureMethod signature = SignatureMethod::kHmacSha256;
};

// `transport` and `clock` must outlive the Api.
std::unique_ptr<Api> MakeApi(const Endpoint& endpoint, const Credentials& credentials,
                             net::HttpTransport& transport, Clock& clock, ApiOptions options = {});

// Same, owning its transport (one per worker thread, for ApiFactory).
std::unique_ptr<Api> MakeApi(const Endpoint& endpoint, const Credentials& credentials,
                             std::unique_ptr<net::HttpTransport> transport, Clock& clock,
                             ApiOptions options = {});

// Transport options matching an endpoint (CA file, private network, timeout).
net::TransportOptions TransportOptionsFor(const Endpoint& endpoint);

}  // namespace clever::woo
