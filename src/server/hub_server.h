// HubServer: Clever's HTTP server -- the JSON API behind the hub page, the page's static files
// and /healthz. Handlers are thin: parse, check the session (and its CSRF token on every
// state-changing request), call a port or the accounts/conversations stores scoped by the
// session's merchant, map the result to JSON. Routes and JSON shapes: docs/server.md.
//
// Thread-safe. Requests run on a pool of `threads` workers; nothing in a handler waits for a sync
// (the SyncPort schedules on its own threads).
//
//   HubServer hub(deps, options);
//   CLEVER_ASSIGN_OR_RETURN(int port, hub.Bind("127.0.0.1", 0));
//   std::thread t([&] { (void)hub.Listen(); });
//   ... hub.Stop(); t.join();
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "server/db_pool.h"
#include "server/ports.h"
#include "server/rate_limiter.h"

namespace clever::server {

struct HubOptions {
  std::string web_root;               // directory with index.html; "" = no page, API only
  bool secure_cookies = false;        // set Secure on the cookie (TLS here or at a proxy)
  size_t max_body_bytes = 64 * 1024;  // larger request bodies get 413
  size_t max_question_bytes = 4000;   // longer questions get 400
  int64_t session_ttl_s = 7 * 24 * 3600;
  int threads = 32;               // request workers (a keep-alive connection holds one)
  std::string tls_cert, tls_key;  // both set: serve HTTPS directly (cookies get Secure)
  RateLimitOptions rate_limit;
};

struct HubDeps {
  DatabasePool* db = nullptr;
  Clock* clock = nullptr;
  ConnectorsPort* connectors = nullptr;
  SyncPort* sync = nullptr;
  AskPort* ask = nullptr;
  // Receives one JSON access-log line per request (no cookies, no query strings, no bodies).
  // Defaults to stderr.
  std::function<void(const std::string&)> log;
};

class HubServer {
 public:
  HubServer(HubDeps deps, HubOptions options);
  ~HubServer();
  HubServer(const HubServer&) = delete;
  HubServer& operator=(const HubServer&) = delete;

  // Binds; port 0 picks a free one. Returns the bound port. kUnavailable when the address is in
  // use; kInvalidArgument for a bad TLS certificate/key.
  StatusOr<int> Bind(const std::string& host, int port);
  // Serves until Stop(). REQUIRES: Bind() succeeded.
  Status Listen();
  // Stops accepting, lets in-flight requests finish; Listen() returns. Safe from any thread.
  void Stop();
  [[nodiscard]] bool is_running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clever::server
