#include "tests/sim/test_client.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <ctime>

namespace clever::wcsim::testing {

namespace {
std::string B64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  return out;
}
std::string RandomNonce() {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char buf[32];
  RAND_bytes(buf, sizeof buf);
  std::string out;
  for (unsigned char b : buf) out.push_back(kChars[b % 36]);
  return out;
}
}  // namespace

std::string Pct(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string OAuthSignature(const std::string& method, const std::string& base_url,
                           const std::vector<std::pair<std::string, std::string>>& params,
                           const std::string& consumer_secret, const std::string& algorithm) {
  std::vector<std::pair<std::string, std::string>> enc;
  for (const auto& [k, v] : params) enc.emplace_back(Pct(k), Pct(v));
  std::sort(enc.begin(), enc.end());
  std::string norm;
  for (const auto& [k, v] : enc) norm += (norm.empty() ? "" : "&") + k + "=" + v;
  const std::string base = method + "&" + Pct(base_url) + "&" + Pct(norm);
  const std::string key = Pct(consumer_secret) + "&";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(algorithm == "HMAC-SHA1" ? EVP_sha1() : EVP_sha256(), key.data(),
       static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(base.data()),
       base.size(), md, &len);
  return B64(md, len);
}

bool Reply::has_header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return true;
  }
  return false;
}
std::string Reply::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}
nlohmann::json Reply::json() const { return nlohmann::json::parse(body, nullptr, false); }

Client::Client(std::string host, int http_port, int https_port, std::string ca_cert)
    : host_(std::move(host)),
      http_port_(http_port),
      https_port_(https_port),
      ca_cert_(std::move(ca_cert)) {}

std::string Client::BaseUrl(bool https) const {
  return (https ? "https://" : "http://") + host_ + ":" +
         std::to_string(https ? https_port_ : http_port_);
}

Reply Client::Raw(const std::string& method, bool https, const std::string& target,
                  const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers) const {
  httplib::Headers h;
  for (const auto& [k, v] : headers) h.emplace(k, v);
  httplib::Result res{nullptr, httplib::Error::Unknown};
  auto run = [&](auto& cli) {
    cli.set_connection_timeout(5);
    cli.set_read_timeout(30);
    if (method == "GET") return cli.Get(target.c_str(), h);
    if (method == "HEAD") return cli.Head(target.c_str(), h);
    if (method == "DELETE") return cli.Delete(target.c_str(), h, body, "application/json");
    if (method == "PUT") return cli.Put(target.c_str(), h, body, "application/json");
    if (method == "PATCH") return cli.Patch(target.c_str(), h, body, "application/json");
    return cli.Post(target.c_str(), h, body, "application/json");
  };
  if (https) {
    httplib::SSLClient cli(host_, https_port_);
    cli.set_ca_cert_path(ca_cert_.c_str());
    cli.enable_server_certificate_verification(true);
    res = run(cli);
  } else {
    httplib::Client cli(host_, http_port_);
    res = run(cli);
  }
  Reply r;
  if (!res) {
    r.error = httplib::to_string(res.error());
    return r;
  }
  r.status = res->status;
  for (const auto& [k, v] : res->headers) r.headers.emplace(k, v);
  r.body = res->body;
  return r;
}

Reply Client::Call(const CallOptions& o) const {
  std::vector<std::pair<std::string, std::string>> params = o.params;
  std::vector<std::pair<std::string, std::string>> header;
  const std::string url = BaseUrl(o.https) + o.path;
  if (o.auth == AuthMode::kOAuthQuery || o.auth == AuthMode::kOAuthHeader) {
    std::vector<std::pair<std::string, std::string>> oauth = {
        {"oauth_consumer_key", o.key},
        {"oauth_timestamp",
         std::to_string(o.timestamp ? o.timestamp : static_cast<int64_t>(std::time(nullptr)))},
        {"oauth_signature_method", o.signature_method}};
    if (!o.omit_nonce) oauth.emplace_back("oauth_nonce", o.nonce.empty() ? RandomNonce() : o.nonce);
    std::vector<std::pair<std::string, std::string>> all = params;
    all.insert(all.end(), oauth.begin(), oauth.end());
    const std::string sig = OAuthSignature(o.method, o.sign_base.empty() ? url : o.sign_base, all,
                                           o.secret, o.signature_method);
    oauth.emplace_back("oauth_signature", sig);
    if (o.auth == AuthMode::kOAuthQuery) {
      params.insert(params.end(), oauth.begin(), oauth.end());
    } else {
      std::string h = "OAuth ";
      for (size_t i = 0; i < oauth.size(); ++i) {
        h += (i ? ", " : "") + oauth[i].first + "=\"" + Pct(oauth[i].second) + "\"";
      }
      header.emplace_back("Authorization", h);
    }
  } else if (o.auth == AuthMode::kBasic) {
    const std::string cred = o.key + ":" + o.secret;
    header.emplace_back(
        "Authorization",
        "Basic " + B64(reinterpret_cast<const unsigned char*>(cred.data()), cred.size()));
  } else if (o.auth == AuthMode::kQuery) {
    params.emplace_back("consumer_key", o.key);
    params.emplace_back("consumer_secret", o.secret);
  }
  std::string target = o.path;
  for (size_t i = 0; i < params.size(); ++i) {
    target += (i ? "&" : (o.path.find('?') == std::string::npos ? "?" : "&")) +
              Pct(params[i].first) + "=" + Pct(params[i].second);
  }
  return Raw(o.method, o.https, target, o.body, header);
}

}  // namespace clever::wcsim::testing
