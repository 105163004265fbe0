#include "woo/oauth1.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace clever::woo {
namespace {

std::string Base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

// PHP turns "a[]=1&a[]=2" into a => [0 => 1, 1 => 2]; WooCommerce then signs "a[0]=1", "a[1]=2".
Params PhpArrayKeys(const Params& params) {
  std::map<std::string, int> next_index;
  Params out;
  out.reserve(params.size());
  for (const auto& [key, value] : params) {
    if (key.size() > 2 && key.compare(key.size() - 2, 2, "[]") == 0) {
      const std::string stem = key.substr(0, key.size() - 2);
      out.emplace_back(stem + "[" + std::to_string(next_index[stem]++) + "]", value);
    } else {
      out.emplace_back(key, value);
    }
  }
  return out;
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string SignatureBaseString(std::string_view method, std::string_view base_url,
                                const Params& params) {
  Params sorted = PhpArrayKeys(params);
  // PHP arrays hold one value per key: a repeated key keeps its last value.
  std::map<std::string, std::string> unique;
  for (auto& [key, value] : sorted) unique[key] = value;  // std::map sorts by byte order
  std::string normalized;
  for (const auto& [key, value] : unique) {
    if (!normalized.empty()) normalized += '&';
    normalized += PercentEncode(key) + "=" + PercentEncode(value);
  }
  std::string upper(method);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper + "&" + PercentEncode(base_url) + "&" + PercentEncode(normalized);
}

std::string OAuth1Signature(SignatureMethod method, std::string_view consumer_secret,
                            std::string_view base_string) {
  const std::string key = std::string(consumer_secret) + "&";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(method == SignatureMethod::kHmacSha1 ? EVP_sha1() : EVP_sha256(), key.data(),
       static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(base_string.data()),
       base_string.size(), digest, &size);
  return Base64(digest, size);
}

std::string RandomNonce() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string nonce;
  while (nonce.size() < 32) {
    unsigned char bytes[64];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();  // no entropy: never sign weakly
    for (const unsigned char b : bytes) {
      if (b < 248 && nonce.size() < 32) nonce.push_back(kAlphabet[b % 62]);  // no modulo bias
    }
  }
  return nonce;
}

Params SignOAuth1(std::string_view http_method, std::string_view base_url, const Params& params,
                  const Credentials& credentials, int64_t timestamp, std::string_view nonce,
                  SignatureMethod method) {
  Params out = params;
  out.emplace_back("oauth_consumer_key", credentials.consumer_key);
  out.emplace_back("oauth_nonce", std::string(nonce));
  out.emplace_back("oauth_signature_method",
                   method == SignatureMethod::kHmacSha1 ? "HMAC-SHA1" : "HMAC-SHA256");
  out.emplace_back("oauth_timestamp", std::to_string(timestamp));
  const std::string base = SignatureBaseString(http_method, base_url, out);
  out.emplace_back("oauth_signature", OAuth1Signature(method, credentials.consumer_secret, base));
  return out;
}

}  // namespace clever::woo
