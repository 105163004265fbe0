#include "woo/internal/signing.h"

#include <openssl/evp.h>

#include <map>

namespace clever::woo::internal {
namespace {

std::string Base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string TrimSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string Query(const Params& params) {
  std::string q;
  for (const auto& [key, value] : params) {
    if (!q.empty()) q += '&';
    q += PercentEncode(key) + "=" + PercentEncode(value);
  }
  return q;
}

}  // namespace

Status ValidateRoute(const std::string& route) {
  if (route.size() > 512) return InvalidArgumentError("route too long");
  if (!route.empty() && route.front() == '/') {
    return InvalidArgumentError("route must not start with '/'");
  }
  for (const char ch : route) {
    const auto c = static_cast<unsigned char>(ch);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '-' || c == '_' || c == '.';
    if (!ok) return InvalidArgumentError("route contains a character outside [A-Za-z0-9/._-]");
  }
  if (route.find("..") != std::string::npos || route.find("//") != std::string::npos) {
    return InvalidArgumentError("route must not contain '..' or '//'");
  }
  return OkStatus();
}

Params MergeRepeatedKeys(const Params& params) {
  Params out;
  std::map<std::string, size_t> index;
  for (const auto& [key, value] : params) {
    auto it = index.find(key);
    if (it == index.end()) {
      index.emplace(key, out.size());
      out.emplace_back(key, value);
    } else {
      out[it->second].second += "," + value;
    }
  }
  return out;
}

StatusOr<net::HttpRequest> BuildSignedRequest(const std::string& method, const Endpoint& endpoint,
                                              const Credentials& credentials,
                                              const std::string& route, const Params& params,
                                              Clock& clock,
                                              const std::function<std::string()>& nonce,
                                              SignatureMethod signature) {
  CLEVER_RETURN_IF_ERROR(ValidateRoute(route));
  for (const auto& [key, value] : params) {
    if (key.empty()) return InvalidArgumentError("empty query parameter name");
    if (key.rfind("oauth_", 0) == 0 || key == "consumer_key" || key == "consumer_secret") {
      return InvalidArgumentError("query parameter " + key + " is reserved for authentication");
    }
  }
  const std::string store = TrimSlash(endpoint.store_url);
  const bool https = store.rfind("https://", 0) == 0;
  if (!https && store.rfind("http://", 0) != 0) {
    return InvalidArgumentError("store URL must start with http:// or https://");
  }
  const std::string path = "/wp-json/" + route;
  net::HttpRequest request;
  request.method = method;
  request.timeout_ms = endpoint.timeout_ms;
  request.headers.emplace_back("Accept", "application/json");
  Params query = MergeRepeatedKeys(params);
  switch (endpoint.auth) {
    case AuthMode::kBasic:
    case AuthMode::kQuery:
      if (!https) {
        return FailedPreconditionError(
            "refusing to send the API key in clear text over http; use OAuth 1.0a or https");
      }
      if (endpoint.auth == AuthMode::kBasic) {
        request.headers.emplace_back(
            "Authorization",
            "Basic " + Base64(credentials.consumer_key + ":" + credentials.consumer_secret));
      } else {
        query.emplace_back("consumer_key", credentials.consumer_key);
        query.emplace_back("consumer_secret", credentials.consumer_secret);
      }
      break;
    case AuthMode::kOAuth1: {
      // WooCommerce rebuilds the URL from its Home setting, not from the Host we sent.
      // It uses https in the base string only when it sees the request as https (is_ssl()), so
      // the scheme is the one we connect with, the host and path those of the Home setting.
      std::string home = endpoint.home_url.empty() ? store : TrimSlash(endpoint.home_url);
      if (const size_t sep = home.find("://"); sep != std::string::npos) {
        home = (https ? "https" : "http") + home.substr(sep);
      }
      query = SignOAuth1(method, home + path, query, credentials, clock.NowUnixSeconds(),
                         nonce ? nonce() : RandomNonce(), signature);
      break;
    }
  }
  request.url = store + path;
  const std::string q = Query(query);
  if (!q.empty()) request.url += "?" + q;
  return request;
}

Status MapTransportError(const Status& status) {
  if (status.code() == StatusCode::kDeadlineExceeded) {
    return UnavailableError("The store did not answer in time: " + status.message());
  }
  return status;
}

}  // namespace clever::woo::internal
