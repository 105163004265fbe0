// WooCommerce REST API key authentication as WC_REST_Authentication performs it: Basic and
// consumer_key/consumer_secret query parameters over HTTPS only, OAuth 1.0a (HMAC-SHA1/SHA256)
// with a base string built from the store's home URL, ±15 min timestamps and nonce replay checks.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace clever::wcsim {

// Decoded query parameters in request order, keys flattened as PHP does ("status[0]").
using ParamList = std::vector<std::pair<std::string, std::string>>;

struct ApiKey {
  std::string consumer_key;
  std::string consumer_secret;
  std::string permissions;  // read | write | read_write
  bool revoked = false;
};

struct AuthError {
  int status = 401;
  std::string code;
  std::string message;
};

struct AuthRequest {
  std::string method;                 // real HTTP verb
  bool https = false;                 // as the store sees it
  std::string raw_path;               // REQUEST_URI path, not decoded
  const ParamList* params = nullptr;  // decoded query params (PHP flattened keys)
  std::string authorization;          // Authorization header ("" if absent or stripped)
  int64_t now = 0;                    // server time, unix seconds
};

struct AuthResult {
  bool authenticated = false;
  std::string consumer_key;
  std::string permissions;
  std::string method;  // basic | query | oauth | none
  std::optional<AuthError> error;
};

class KeyStore {
 public:
  // `home_url` is what the store believes its URL is (scheme://host[:port][/path]). OAuth base
  // strings use it with the request's scheme (host and port unchanged), as WooCommerce does.
  explicit KeyStore(std::string home_url);
  void Add(ApiKey key);
  bool SetRevoked(const std::string& consumer_key, bool revoked);
  std::vector<ApiKey> List() const;

  AuthResult Authenticate(const AuthRequest& request);

  // Exposed for tests of the verifier itself.
  static std::string RawUrlEncode(std::string_view in);
  static std::string RawUrlDecode(std::string_view in);
  std::string BaseUrl(bool https, const std::string& raw_path) const;

 private:
  std::optional<ApiKey> Find(const std::string& consumer_key) const;

  std::string home_authority_, home_path_;  // "host[:port]" and "/path" (no trailing slash)
  mutable std::mutex mu_;
  std::map<std::string, ApiKey> keys_;
  std::map<std::string, std::map<std::string, int64_t>> nonces_;  // key -> nonce -> timestamp
};

// Base64 helpers (also used by the server for Basic auth headers).
std::string Base64Encode(std::string_view in);
std::optional<std::string> Base64Decode(std::string_view in);

}  // namespace clever::wcsim
