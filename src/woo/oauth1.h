// OAuth 1.0a one-legged signing as WooCommerce verifies it (docs/woocommerce-rest-api.md 2.3,
// RFC 5849 section 3.4): base string = METHOD & enc(url) & enc(sorted "k=v" pairs joined by &),
// key = consumer_secret + "&", HMAC-SHA256 (or SHA1), base64. Parameters are sorted by their
// decoded keys in byte order (PHP uksort strcmp); PHP-style array keys ("include[]") are signed
// the way PHP parses them ("include[0]", "include[1]", ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "woo/client.h"

namespace clever::woo {

enum class SignatureMethod { kHmacSha1, kHmacSha256 };

// RFC 3986 percent-encoding (PHP rawurlencode): unreserved ALPHA / DIGIT / "-" / "." / "_" / "~"
// kept, everything else %XX with upper-case hex.
std::string PercentEncode(std::string_view text);

// The signature base string. `base_url` is scheme://host[:port]/path without query; `params`
// are decoded (not yet percent-encoded) and exclude oauth_signature.
std::string SignatureBaseString(std::string_view method, std::string_view base_url,
                                const Params& params);

// base64(HMAC(consumer_secret + "&", base_string)).
std::string OAuth1Signature(SignatureMethod method, std::string_view consumer_secret,
                            std::string_view base_string);

// A 32-character alphanumeric nonce from the OS CSPRNG.
std::string RandomNonce();

// Returns `params` followed by oauth_consumer_key, oauth_nonce, oauth_signature_method,
// oauth_timestamp and oauth_signature (values decoded; encode them when building the query).
Params SignOAuth1(std::string_view http_method, std::string_view base_url, const Params& params,
                  const Credentials& credentials, int64_t timestamp, std::string_view nonce,
                  SignatureMethod method = SignatureMethod::kHmacSha256);

}  // namespace clever::woo
