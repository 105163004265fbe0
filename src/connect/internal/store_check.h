// The checks a connector goes through before it is saved (and again on `connector test`):
// credential format (no request), then against the store: discovery, a signed read request with
// the auth fallbacks, and the write-scope probe. One Problem per failure kind.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "connect/problem.h"
#include "connect/store_url.h"
#include "net/http.h"
#include "woo/client.h"
#include "woo/discovery.h"

namespace clever::connect::internal {

// Problems found in the typed key and secret without contacting the store: missing, spaces
// pasted, swapped, wrong prefix or characters.
std::optional<Problem> CheckCredentialFormat(const std::string& consumer_key,
                                             const std::string& consumer_secret);

struct StoreCheckInput {
  StoreUrl url;
  woo::Credentials credentials;
  std::string ca_file;
  bool allow_private_network = false;
  bool scope_probe = true;
  bool recheck = false;  // `connector test`: an unknown key means it was revoked
  int timeout_ms = 20000;
};

struct StoreCheckResult {
  std::optional<Problem> problem;
  std::vector<Problem> warnings;
  StoreUrl url;  // possibly adjusted to the store's own home URL (www / https)
  std::string home_url;
  woo::AuthMode auth = woo::AuthMode::kBasic;
  std::string key_scope = "unknown";  // read | read_write | unknown
  woo::StoreIndex index;
};

StoreCheckResult CheckStore(const StoreCheckInput& input, net::HttpTransport& transport,
                            Clock& clock);

// The Problem for a transport-level failure (TLS, SSRF, unreachable, redirect), or nullopt.
std::optional<Problem> TransportProblem(const Status& status);

std::string AuthModeName(woo::AuthMode mode);
woo::AuthMode AuthModeFromName(const std::string& name);

}  // namespace clever::connect::internal
