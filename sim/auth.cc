#include "auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>

namespace clever::wcsim {

namespace {

constexpr int64_t kWindow = 15 * 60;

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string TopLevelKey(const std::string& key) {
  const size_t b = key.find('[');
  return b == std::string::npos ? key : key.substr(0, b);
}

std::string Trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return std::string(s.substr(a, b - a));
}

}  // namespace

std::string Base64Encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  std::string s = Trim(in);
  if (s.empty() || s.size() % 4 != 0 || s.size() > 16384) return std::nullopt;
  std::string out(s.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  if (s.ends_with("=="))
    len -= 2;
  else if (s.ends_with("="))
    len -= 1;
  out.resize(len);
  return out;
}

std::string KeyStore::RawUrlEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size() * 3);
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (Unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string KeyStore::RawUrlDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && HexVal(in[i + 1]) >= 0 && HexVal(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexVal(in[i + 1]) * 16 + HexVal(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

KeyStore::KeyStore(std::string home_url) {
  std::string rest = home_url;
  const size_t scheme_end = rest.find("://");
  if (scheme_end != std::string::npos) rest = rest.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  home_authority_ = slash == std::string::npos ? rest : rest.substr(0, slash);
  home_path_ = slash == std::string::npos ? "" : rest.substr(slash);
  while (!home_path_.empty() && home_path_.back() == '/') home_path_.pop_back();
}

void KeyStore::Add(ApiKey key) {
  std::lock_guard lock(mu_);
  keys_[key.consumer_key] = std::move(key);
}

bool KeyStore::SetRevoked(const std::string& consumer_key, bool revoked) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(consumer_key);
  if (it == keys_.end()) return false;
  it->second.revoked = revoked;
  return true;
}

std::vector<ApiKey> KeyStore::List() const {
  std::lock_guard lock(mu_);
  std::vector<ApiKey> out;
  for (const auto& [k, v] : keys_) out.push_back(v);
  return out;
}

std::optional<ApiKey> KeyStore::Find(const std::string& consumer_key) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(consumer_key);
  if (it == keys_.end() || it->second.revoked) return std::nullopt;
  return it->second;
}

std::string KeyStore::BaseUrl(bool https, const std::string& raw_path) const {
  // WC_REST_Authentication::check_oauth_signature(): the request path minus the home path
  // (get_home_url(null, '/', 'relative')), then get_home_url(null, $path, is_ssl() ? 'https' :
  // 'http'). set_url_scheme() swaps only the scheme: host and port stay as in the home URL, so
  // an https request to a store whose home is http://host:8080 signs https://host:8080/...
  std::string url = https ? "https://" : "http://";
  url += home_authority_;
  url += home_path_;
  std::string_view path = raw_path;
  const std::string wp_base = home_path_ + "/";
  if (path.starts_with(wp_base)) path.remove_prefix(wp_base.size());
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);  // ltrim($path, '/')
  url += '/';
  url += path;
  return url;
}

AuthResult KeyStore::Authenticate(const AuthRequest& req) {
  AuthResult result;
  result.method = "none";
  const ParamList& params = *req.params;
  auto get = [&](const std::string& name) -> std::optional<std::string> {
    std::optional<std::string> v;
    for (const auto& [k, val] : params) {
      if (k == name) v = val;
    }
    return v;
  };

  // 1. Basic / query credentials, only when the request is HTTPS as WordPress sees it.
  if (req.https) {
    std::optional<std::string> ck = get("consumer_key");
    std::optional<std::string> cs = get("consumer_secret");
    std::string method = "query";
    if (!ck || !cs) {
      ck.reset();
      cs.reset();
      if (req.authorization.size() > 6 && (req.authorization.compare(0, 6, "Basic ") == 0 ||
                                           req.authorization.compare(0, 6, "basic ") == 0)) {
        if (auto decoded = Base64Decode(std::string_view(req.authorization).substr(6))) {
          const size_t colon = decoded->find(':');
          if (colon != std::string::npos) {
            ck = decoded->substr(0, colon);
            cs = decoded->substr(colon + 1);
            method = "basic";
          }
        }
      }
    }
    if (ck && cs) {
      if (auto key = Find(*ck)) {
        if (!ConstantTimeEquals(key->consumer_secret, *cs)) {
          result.error = AuthError{401, "woocommerce_rest_authentication_error",
                                   "Consumer secret is invalid."};
          return result;
        }
        result.authenticated = true;
        result.consumer_key = key->consumer_key;
        result.permissions = key->permissions;
        result.method = method;
        return result;
      }
      // Unknown key: no user, no error; fall through to OAuth.
    }
  }

  // 2. OAuth 1.0a: query params, plus Authorization: OAuth header params (header wins).
  ParamList all = params;
  bool any_oauth = false;
  if (req.authorization.size() > 6 && (req.authorization.compare(0, 6, "OAuth ") == 0 ||
                                       req.authorization.compare(0, 6, "oauth ") == 0)) {
    std::string_view rest = std::string_view(req.authorization).substr(6);
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      std::string part = Trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const size_t eq = part.find('=');
      if (eq == std::string::npos) continue;
      std::string k = Trim(std::string_view(part).substr(0, eq));
      std::string v = Trim(std::string_view(part).substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      if (k.rfind("oauth_", 0) != 0) continue;
      v = RawUrlDecode(v);
      std::erase_if(all, [&](const auto& p) { return p.first == k; });
      all.emplace_back(k, v);
    }
  }
  static const std::vector<std::string> kRequired = {"oauth_consumer_key", "oauth_timestamp",
                                                     "oauth_nonce", "oauth_signature",
                                                     "oauth_signature_method"};
  std::map<std::string, std::string> oauth;
  for (const auto& [k, v] : all) {
    if (k.rfind("oauth_", 0) == 0) {
      oauth[k] = v;
      any_oauth = true;
    }
  }
  if (!any_oauth) return result;
  std::string missing;
  for (const auto& name : kRequired) {
    auto it = oauth.find(name);
    if (it == oauth.end() || it->second.empty()) {
      if (!missing.empty()) missing += ", ";
      missing += name;
    }
  }
  if (!missing.empty()) {
    if (missing.size() == std::string("oauth_consumer_key, oauth_timestamp, oauth_nonce, "
                                      "oauth_signature, oauth_signature_method")
                              .size()) {
      return result;
    }
    result.error = AuthError{401, "woocommerce_rest_authentication_missing_parameter",
                             "Missing OAuth parameter " + missing};
    return result;
  }
  auto key = Find(oauth["oauth_consumer_key"]);
  if (!key) {
    result.error =
        AuthError{401, "woocommerce_rest_authentication_error", "Consumer key is invalid."};
    return result;
  }
  const std::string& sig_method = oauth["oauth_signature_method"];
  const EVP_MD* md = nullptr;
  if (sig_method == "HMAC-SHA1")
    md = EVP_sha1();
  else if (sig_method == "HMAC-SHA256")
    md = EVP_sha256();
  if (md == nullptr) {
    result.error = AuthError{401, "woocommerce_rest_authentication_error",
                             "Invalid signature - signature method is invalid."};
    return result;
  }
  // Parameters: everything but oauth_signature, sorted by top-level key (strcmp), arrays kept
  // in their order; each key and value rawurlencode(rawurldecode(x)).
  std::vector<std::pair<std::string, std::string>> signed_params;
  for (const auto& [k, v] : all) {
    if (k == "oauth_signature") continue;
    signed_params.emplace_back(k, v);
  }
  std::stable_sort(signed_params.begin(), signed_params.end(), [](const auto& a, const auto& b) {
    return std::strcmp(TopLevelKey(a.first).c_str(), TopLevelKey(b.first).c_str()) < 0;
  });
  std::string param_string;
  for (const auto& [k, v] : signed_params) {
    if (!param_string.empty()) param_string += "&";
    param_string += RawUrlEncode(RawUrlDecode(k)) + "=" + RawUrlEncode(RawUrlDecode(v));
  }
  std::string method = req.method;
  for (char& c : method) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  const std::string base = method + "&" + RawUrlEncode(BaseUrl(req.https, req.raw_path)) + "&" +
                           RawUrlEncode(param_string);
  const std::string hmac_key = key->consumer_secret + "&";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  HMAC(md, hmac_key.data(), static_cast<int>(hmac_key.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), digest, &digest_len);
  const std::string expected =
      Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), digest_len));
  std::string received = oauth["oauth_signature"];
  std::replace(received.begin(), received.end(), ' ', '+');
  received = RawUrlDecode(received);
  if (!ConstantTimeEquals(expected, received)) {
    result.error = AuthError{401, "woocommerce_rest_authentication_error",
                             "Invalid signature - provided signature does not match."};
    return result;
  }
  const std::string& ts_text = oauth["oauth_timestamp"];
  int64_t ts = 0;
  bool ts_ok = !ts_text.empty() && ts_text.size() < 19;
  for (char c : ts_text) {
    if (c < '0' || c > '9') {
      ts_ok = false;
      break;
    }
    ts = ts * 10 + (c - '0');
  }
  if (!ts_ok || ts < req.now - kWindow || ts > req.now + kWindow) {
    result.error = AuthError{401, "woocommerce_rest_authentication_error", "Invalid timestamp."};
    return result;
  }
  {
    std::lock_guard lock(mu_);
    auto& used = nonces_[key->consumer_key];
    std::erase_if(used, [&](const auto& p) { return p.second < req.now - kWindow; });
    const std::string& nonce = oauth["oauth_nonce"];
    if (used.count(nonce) != 0) {
      result.error = AuthError{401, "woocommerce_rest_authentication_error",
                               "Invalid nonce - nonce has already been used."};
      return result;
    }
    if (used.size() < 200000) used[nonce] = ts;
  }
  result.authenticated = true;
  result.consumer_key = key->consumer_key;
  result.permissions = key->permissions;
  result.method = "oauth";
  return result;
}

}  // namespace clever::wcsim
