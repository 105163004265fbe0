// Store URL rules: what a merchant may type in the "store URL" field and its canonical form.
//
// Accepted (after trimming whitespace): "mystore.com", "https://MyStore.com/", a WordPress admin
// or REST URL pasted from the browser ("https://mystore.com/wp-admin/...", ".../wp-json/wc/v3/..."),
// WordPress in a sub-directory ("https://example.com/shop"). Reduced to the canonical URL:
// scheme (https when none was typed), lower-case host (IDN converted to punycode), port only when
// not the scheme's default, the sub-directory path, no trailing slash, no query.
// The store domain (host[:port][/path], no scheme) identifies the store system-wide.
//
// Refused, each with its own Problem code (field "url"): empty, longer than 2,000 bytes, control
// characters or invalid UTF-8, a store NAME typed into the URL field ("url_looks_like_name"),
// a scheme other than http/https, user:password@ (userinfo), a #fragment, a bad port, a malformed
// or invalid internationalised host, "." / ".." path segments, and IP literals or localhost
// unless the private network is allowed.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "connect/problem.h"

namespace clever::connect {

struct StoreUrl {
  std::string scheme;  // "https" | "http"
  std::string host;    // lower-case ASCII (punycode); IPv6 literals in brackets
  int port = 0;        // 0 = the scheme's default
  std::string path;    // "" or "/sub/dir" (no trailing slash)

  // "https://shop.example:8443/blog"
  [[nodiscard]] std::string Canonical() const;
  // "shop.example:8443/blog"
  [[nodiscard]] std::string Domain() const;
};

struct UrlRules {
  bool allow_private_network = false;  // IP literals and localhost allowed
};

// The canonical StoreUrl, or the Problem explaining why the text is not a store URL.
std::variant<StoreUrl, Problem> ParseStoreUrl(std::string_view input, const UrlRules& rules = {});

}  // namespace clever::connect
