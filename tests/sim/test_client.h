// Test-side HTTP client for wcsim: cpp-httplib client plus an OAuth 1.0a signer written
// independently of wcsim's verifier (standard RFC 5849 rules), so a bug cannot hide in both.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace clever::wcsim::testing {

struct Reply {
  int status = 0;  // 0 = transport error
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::string error;
  bool has_header(const std::string& name) const;
  std::string header(const std::string& name) const;
  nlohmann::json json() const;  // discarded value when not JSON
};

enum class AuthMode { kNone, kOAuthQuery, kOAuthHeader, kBasic, kQuery };

struct CallOptions {
  std::string method = "GET";
  bool https = false;
  std::string path = "/wp-json/wc/v3/orders";
  std::vector<std::pair<std::string, std::string>> params;
  AuthMode auth = AuthMode::kOAuthQuery;
  std::string key = "ck_wcsim_read";
  std::string secret = "cs_wcsim_read";
  std::string signature_method = "HMAC-SHA256";
  int64_t timestamp = 0;  // 0 = now
  std::string nonce;      // empty = random
  bool omit_nonce = false;
  std::string sign_base;  // URL used in the base string; default = the URL requested
  std::string body;
};

class Client {
 public:
  Client(std::string host, int http_port, int https_port, std::string ca_cert);
  Reply Call(const CallOptions& options) const;
  Reply Raw(const std::string& method, bool https, const std::string& target,
            const std::string& body = "",
            const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  std::string BaseUrl(bool https) const;

 private:
  std::string host_;
  int http_port_, https_port_;
  std::string ca_cert_;
};

// RFC 3986 percent-encoding (unreserved: ALPHA DIGIT - . _ ~).
std::string Pct(const std::string& s);
// Standard OAuth 1.0a HMAC signature over `params` (which must include the oauth_* params).
std::string OAuthSignature(const std::string& method, const std::string& base_url,
                           const std::vector<std::pair<std::string, std::string>>& params,
                           const std::string& consumer_secret, const std::string& algorithm);

}  // namespace clever::wcsim::testing
