// A scripted WooCommerce store for ConnectorService tests, behind a FakeTransport handler. It
// authenticates like WooCommerce 10 (docs/woocommerce-rest-api.md 2.1-2.4, the golden recording):
// over https Basic or consumer_key/consumer_secret query parameters (unknown key -> anonymous ->
// 401 woocommerce_rest_cannot_view; wrong secret -> "Consumer secret is invalid."), OAuth 1.0a
// over http and https ("Consumer key is invalid." / "Invalid signature ..."), key permission
// checked per method before routing, user capability checked by the orders route.
#pragma once

#include <openssl/evp.h>

#include <map>
#include <optional>
#include <string>

#include "testing/fake_transport.h"
#include "woo/oauth1.h"

namespace clever::connect {

struct FakeStore {
  std::string scheme = "https";
  std::string host = "shop.example";
  std::string home;  // "" = scheme://host
  std::string key = "ck_0123456789abcdef0123456789abcdef01234567";
  std::string secret = "cs_89abcdef0123456789abcdef0123456789abcdef";
  std::string permissions = "read";  // read | write | read_write
  bool revoked = false;
  bool strip_auth_header = false;
  bool user_can_view = true;
  bool wordpress = true;
  bool woocommerce = true;
  bool waf_blocks_api = false;
  std::optional<Status> transport_error;

  [[nodiscard]] std::string Home() const { return home.empty() ? scheme + "://" + host : home; }

  void Install(test::FakeTransport& t) {
    t.SetHandler([this](const net::HttpRequest& r) { return Answer(r); });
  }

  static net::HttpResponse Error(int status, const std::string& code, const std::string& message) {
    return test::Json(status, "{\"code\":\"" + code + "\",\"message\":\"" + message +
                                  "\",\"data\":{\"status\":" + std::to_string(status) + "}}");
  }

  std::optional<test::FakeTransport::Answer> Answer(const net::HttpRequest& r) {
    if (transport_error) return test::FakeTransport::Answer(*transport_error);
    // Any sub-directory before /wp-json is this store (WordPress in a folder).
    const std::string full_path = test::UrlPath(r.url);
    const size_t wp = full_path.find("/wp-json");
    const std::string prefix = wp == std::string::npos ? "" : full_path.substr(0, wp);
    const std::string path = full_path.substr(prefix.size());
    if (path == "/wp-json/" || path == "/wp-json") {
      if (!wordpress) return test::Json(404, "<html><body>Not Found</body></html>");
      std::string ns = woocommerce ? R"(["wp/v2","wc/v3","wc-analytics"])" : R"(["wp/v2"])";
      return test::Json(200, "{\"name\":\"Fake Shop\",\"url\":\"" + Home() + "\",\"home\":\"" +
                                 Home() + "\",\"gmt_offset\":0,\"timezone_string\":\"UTC\"," +
                                 "\"namespaces\":" + ns + "}");
    }
    if (!wordpress || !woocommerce) return Error(404, "rest_no_route", "No route was found matching the URL and request method.");
    if (path == "/wp-json/wc/v3") {
      return test::Json(200, R"({"namespace":"wc/v3","routes":{"/wc/v3/orders":{"endpoints":[{"methods":["GET"],"args":{"modified_after":{}}}]},"/wc/v3/refunds":{}}})");
    }
    if (waf_blocks_api) return test::Json(403, "<html><body>Access denied by firewall</body></html>");
    // Authentication.
    std::map<std::string, std::string> q;
    for (auto& [k, v] : test::UrlQuery(r.url)) q[k] = v;
    std::string ck, cs;
    bool basic_like = false;
    if (scheme == "https") {
      if (q.count("consumer_key") && q.count("consumer_secret")) {
        ck = q["consumer_key"];
        cs = q["consumer_secret"];
        basic_like = true;
      } else {
        for (const auto& [name, value] : r.headers) {
          if (name == "Authorization" && value.rfind("Basic ", 0) == 0 && !strip_auth_header) {
            std::string decoded(value.size(), '\0');
            const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                          reinterpret_cast<const unsigned char*>(value.data() + 6),
                                          static_cast<int>(value.size() - 6));
            decoded.resize(n > 0 ? static_cast<size_t>(n) : 0);
            while (!decoded.empty() && decoded.back() == '\0') decoded.pop_back();
            const size_t colon = decoded.find(':');
            ck = decoded.substr(0, colon);
            cs = colon == std::string::npos ? "" : decoded.substr(colon + 1);
            basic_like = true;
          }
        }
      }
    }
    const bool known = ck == key && !revoked;
    if (basic_like && !known) basic_like = false;  // unknown key: no user, falls through
    if (basic_like && cs != secret) {
      return Error(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid.");
    }
    if (!basic_like && q.count("oauth_consumer_key")) {
      if (q["oauth_consumer_key"] != key || revoked) {
        return Error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.");
      }
      woo::Params rest;
      for (auto& [k, v] : test::UrlQuery(r.url)) {
        if (k != "oauth_signature") rest.emplace_back(k, v);
      }
      std::string home_now = Home();
      home_now = scheme + home_now.substr(home_now.find("://"));
      const std::string base = woo::SignatureBaseString(r.method, home_now + path, rest);  // home includes the folder
      if (woo::OAuth1Signature(woo::SignatureMethod::kHmacSha256, secret, base) !=
          q["oauth_signature"]) {
        return Error(401, "woocommerce_rest_authentication_error",
                     "Invalid signature - provided signature does not match.");
      }
      basic_like = true;
    }
    if (!basic_like) {
      return Error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
    }
    const bool can_read = permissions == "read" || permissions == "read_write";
    const bool can_write = permissions == "write" || permissions == "read_write";
    if ((r.method == "GET" || r.method == "HEAD") && !can_read) {
      return Error(401, "woocommerce_rest_authentication_error",
                   "The API key provided does not have read permissions.");
    }
    if (r.method == "POST" && !can_write) {
      return Error(401, "woocommerce_rest_authentication_error",
                   "The API key provided does not have write permissions.");
    }
    if (r.method == "GET" && path == "/wp-json/wc/v3/orders") {
      if (!user_can_view) {
        return Error(403, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");
      }
      return test::Json(200, "[{\"id\":1}]", {{"x-wp-total", "1"}, {"x-wp-totalpages", "1"}});
    }
    return Error(404, "rest_no_route", "No route was found matching the URL and request method.");
  }
};

}  // namespace clever::connect
