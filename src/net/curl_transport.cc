#include "net/curl_transport.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "net/address_guard.h"

namespace clever::net {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UrlParts {
  std::string scheme, host, path;
  long port = 0;  // NOLINT(google-runtime-int): libcurl's type
};

StatusOr<UrlParts> SplitUrl(const std::string& url) {
  CURLU* u = curl_url();
  if (u == nullptr) return InternalError("out of memory");
  UrlParts parts;
  bool ok = curl_url_set(u, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK;
  auto get = [&](CURLUPart part, std::string& out, unsigned flags) {
    char* value = nullptr;
    if (curl_url_get(u, part, &value, flags) != CURLUE_OK) return false;
    out = value;
    curl_free(value);
    return true;
  };
  std::string port;
  ok = ok && get(CURLUPART_SCHEME, parts.scheme, 0) && get(CURLUPART_HOST, parts.host, 0) &&
       get(CURLUPART_PORT, port, CURLU_DEFAULT_PORT);
  if (ok) get(CURLUPART_PATH, parts.path, 0);
  curl_url_cleanup(u);
  if (!ok) return InvalidArgumentError("malformed URL");
  std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (parts.scheme != "http" && parts.scheme != "https") {
    return InvalidArgumentError("only http and https URLs are supported");
  }
  parts.port = std::strtol(port.c_str(), nullptr, 10);
  return parts;
}

// Resolves `location` against `base`; "" when it cannot.
std::string ResolveLocation(const std::string& base, const std::string& location) {
  CURLU* u = curl_url();
  if (u == nullptr) return "";
  std::string out;
  if (curl_url_set(u, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
      curl_url_set(u, CURLUPART_URL, location.c_str(), 0) == CURLUE_OK) {
    char* value = nullptr;
    if (curl_url_get(u, CURLUPART_URL, &value, 0) == CURLUE_OK) {
      out = value;
      curl_free(value);
    }
  }
  curl_url_cleanup(u);
  return out;
}

struct TransferState {
  HttpResponse* response;
  size_t max_body;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t n = size * count;
  if (state->response->body.size() + n > state->max_body) {
    state->too_large = true;
    return 0;
  }
  state->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100 Continue): start over
    state->response->headers.clear();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  state->response->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

// Adds the extra CA file to OpenSSL's store after curl loaded the system bundle.
CURLcode OnSslContext(CURL* /*curl*/, void* ssl_ctx, void* user) {
  const auto* ca_file = static_cast<const std::string*>(user);
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  if (store == nullptr || X509_STORE_load_file(store, ca_file->c_str()) != 1) {
    return CURLE_SSL_CACERT_BADFILE;
  }
  return CURLE_OK;
}

bool IsTlsCode(CURLcode code) {
  return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
         code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CONNECT_ERROR ||
         code == CURLE_SSL_ISSUER_ERROR || code == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
         code == CURLE_SSL_INVALIDCERTSTATUS;
}

}  // namespace

std::string RedactUrl(const std::string& url) {
  const size_t cut = url.find_first_of("?#");
  return cut == std::string::npos ? url : url.substr(0, cut);
}

CurlTransport::CurlTransport(TransportOptions options) : options_(std::move(options)) {}

CurlTransport::~CurlTransport() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

StatusOr<std::unique_ptr<CurlTransport>> CurlTransport::Create(TransportOptions options) {
  GlobalInitOnce();
  if (!options.ca_file.empty() && access(options.ca_file.c_str(), R_OK) != 0) {
    return InvalidArgumentError("cannot read the CA file " + options.ca_file);
  }
  std::unique_ptr<CurlTransport> transport(new CurlTransport(std::move(options)));
  transport->curl_ = curl_easy_init();
  if (transport->curl_ == nullptr) return InternalError("libcurl failed to start");
  return transport;
}

StatusOr<HttpResponse> CurlTransport::Send(const HttpRequest& request) {
  HttpRequest current = request;
  CLEVER_ASSIGN_OR_RETURN(UrlParts origin, SplitUrl(current.url));
  for (int hop = 0;; ++hop) {
    CLEVER_ASSIGN_OR_RETURN(HttpResponse response, SendOnce(current));
    const bool redirect = response.status == 301 || response.status == 302 ||
                          response.status == 303 || response.status == 307 ||
                          response.status == 308;
    const std::string location = response.Header("location");
    if (!redirect || location.empty() || hop >= options_.max_redirects) return response;
    const std::string next = ResolveLocation(current.url, location);
    if (next.empty()) return response;
    StatusOr<UrlParts> parts = SplitUrl(next);
    if (!parts.ok() || parts->scheme != origin.scheme || parts->host != origin.host ||
        parts->port != origin.port) {
      return response;  // another origin: never carry credentials there
    }
    current.url = next;
    if (response.status == 303 || ((response.status == 301 || response.status == 302) &&
                                    current.method == "POST")) {
      current.method = "GET";
      current.body.clear();
    }
  }
}

StatusOr<HttpResponse> CurlTransport::SendOnce(const HttpRequest& request) {
  CLEVER_ASSIGN_OR_RETURN(UrlParts parts, SplitUrl(request.url));
  const std::string shown = RedactUrl(request.url);
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);  // keeps live connections, DNS and TLS session caches

  curl_slist* resolve = nullptr;
  if (!options_.allow_private_network) {
    if (IsIpLiteral(parts.host)) {
      if (!IsPublicAddress(parts.host)) {
        return FailedPreconditionError(std::string(kBlockedAddressMarker) + ": " + parts.host +
                                       " is not a public internet address");
      }
    } else {
      CLEVER_ASSIGN_OR_RETURN(std::string address, ResolveAllowed(parts.host, false));
      const std::string host_port = parts.host + ":" + std::to_string(parts.port);
      const std::string pinned =
          address.find(':') != std::string::npos ? "[" + address + "]" : address;
      resolve = curl_slist_append(resolve, ("-" + host_port).c_str());
      resolve = curl_slist_append(resolve, (host_port + ":" + pinned).c_str());
    }
  }

  HttpResponse response;
  TransferState state{&response, options_.max_body_bytes};
  char error[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");

  const int timeout_ms = request.timeout_ms > 0 ? request.timeout_ms : options_.default_timeout_ms;
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, &OnSslContext);
    curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, &options_.ca_file);
  }
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));  // NOLINT
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(timeout_ms, options_.connect_timeout_ms)));  // NOLINT
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (resolve != nullptr) curl_easy_setopt(curl, CURLOPT_RESOLVE, resolve);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode code = curl_easy_perform(curl);
  long connects = 0;  // NOLINT(google-runtime-int)
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  connections_opened_ += connects;
  long status = 0;  // NOLINT(google-runtime-int)
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // Nothing in the handle may point at this frame's lists after we return.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_RESOLVE, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(headers);
  curl_slist_free_all(resolve);

  const std::string detail = error[0] != '\0' ? error : curl_easy_strerror(code);
  if (code == CURLE_OK) {
    response.status = static_cast<int>(status);
    return response;
  }
  if (state.too_large) {
    return DataLossError("response from " + shown + " is larger than " +
                         std::to_string(options_.max_body_bytes) + " bytes");
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return DeadlineExceededError("no answer from " + shown + " within " +
                                 std::to_string(timeout_ms) + " ms");
  }
  if (IsTlsCode(code)) {
    return FailedPreconditionError(std::string(kTlsErrorMarker) + " with " + shown + ": " +
                                   detail);
  }
  if (code == CURLE_COULDNT_RESOLVE_HOST) {
    return UnavailableError("could not resolve host " + parts.host + ": " + detail);
  }
  if (code == CURLE_COULDNT_CONNECT) {
    return UnavailableError("could not connect to " + shown + ": " + detail);
  }
  if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
    return InvalidArgumentError("malformed URL: " + detail);
  }
  return UnavailableError("request to " + shown + " failed: " + detail);
}

}  // namespace clever::net
