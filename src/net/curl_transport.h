// CurlTransport: HttpTransport over libcurl. One easy handle per transport, reused for every
// request so connections stay alive (keep-alive) and DNS/TLS sessions are cached; gzip/deflate
// accepted and decoded; TLS peer and host always verified (an extra CA file can be trusted in
// addition to the system's, never "insecure"); per-request timeouts; http/https only.
//
// SSRF guard: unless allow_private_network, the host is resolved first, private/loopback/
// link-local/... addresses are refused (net/address_guard.h), and the chosen address is pinned
// with CURLOPT_RESOLVE so a second DNS answer (rebinding) cannot swap it.
//
// Redirects: followed only when they stay on the same scheme, host and port (and re-checked by
// the guard); any other redirect is returned to the caller as the 3xx response, so credentials
// never travel to another origin or from https to http.
//
// Not thread-safe: one transport per thread (style.md section 5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "net/http.h"

namespace clever::net {

struct TransportOptions {
  std::string ca_file;  // PEM bundle trusted in addition to the system CAs; "" = system only
  bool allow_private_network = false;
  int default_timeout_ms = 30000;  // for requests with timeout_ms <= 0
  int connect_timeout_ms = 10000;
  int max_redirects = 5;  // same-origin only
  size_t max_body_bytes = size_t{256} << 20;
  std::string user_agent = "Clever/1.0 (read-only WooCommerce connector)";
};

class CurlTransport : public HttpTransport {
 public:
  // kInvalidArgument when ca_file is set but unreadable; kInternal when libcurl fails to start.
  static StatusOr<std::unique_ptr<CurlTransport>> Create(TransportOptions options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  StatusOr<HttpResponse> Send(const HttpRequest& request) override;

  // New TCP connections opened so far (keep-alive makes this stay at 1 for one host).
  [[nodiscard]] int64_t connections_opened() const { return connections_opened_; }

 private:
  explicit CurlTransport(TransportOptions options);
  StatusOr<HttpResponse> SendOnce(const HttpRequest& request);

  TransportOptions options_;
  void* curl_ = nullptr;  // CURL*
  int64_t connections_opened_ = 0;
};

// The URL without query and fragment ("https://shop.example/wp-json/wc/v3/orders"): what error
// messages and logs may show, since queries can carry credentials.
std::string RedactUrl(const std::string& url);

}  // namespace clever::net
