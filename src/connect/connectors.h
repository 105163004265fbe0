// ConnectorService: the connector registry. Adds a store after checking its URL and credentials
// against the store itself, keeps the credentials sealed in the Vault, lists connectors without
// ever returning a credential (the key is shown as "ck_..." + its last 4 characters), removes a
// connector together with every synced row of its store, and hands other subsystems a
// woo::ApiFactory whose decrypted credentials never leave this subsystem.
//
// Each failed check is one Problem with a stable code (see README.md for the list), a
// plain-language message and a hint. Thread-compatible: one per thread or guarded by the caller.
//
//   connect::ConnectorService service(db, vault, {.clock = clock, .transport_factory = factory});
//   connect::CheckOutcome out = service.Add({.name = "Shop", .url = "shop.example", ...});
//   if (out.problem) { print(out.problem->message, out.problem->hint); }
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "connect/problem.h"
#include "connect/vault.h"
#include "net/curl_transport.h"
#include "net/http.h"
#include "store/database.h"
#include "woo/api.h"
#include "woo/client.h"

namespace clever::connect {

struct NewConnector {
  int64_t merchant_id = 0;
  std::string name, url, consumer_key, consumer_secret, ca_file;
  bool scope_probe = true;  // false: never send the write-permission probe (key_scope "unknown")
};

struct Connector {
  int64_t id = 0;
  int64_t merchant_id = 0;
  std::string name, store_url, store_domain, key_hint, key_scope, auth_mode;
  bool enabled = true;
  std::string created_at, last_checked_at;
};

struct CheckOutcome {
  std::optional<Problem> problem;  // set = refused
  std::vector<Problem> warnings;
  Connector connector;
};

// Makes a transport for one store (one per thread). The CLI passes net::CurlTransport::Create.
using TransportFactory =
    std::function<StatusOr<std::unique_ptr<net::HttpTransport>>(const net::TransportOptions&)>;

// The production factory: net::CurlTransport::Create.
TransportFactory CurlTransportFactory();

struct ServiceOptions {
  Clock& clock;
  TransportFactory transport_factory;
  bool allow_private_network = false;  // --allow-private-network / CLEVER_ALLOW_PRIVATE_NETWORK=1
  int check_timeout_ms = 20000;        // per request during Add/Test
  int timeout_ms = 60000;              // per request in OpenApi's clients
  woo::ApiOptions api_options;         // backoff etc. for OpenApi's clients
};

class ConnectorService {
 public:
  ConnectorService(store::Database& db, const Vault& vault, ServiceOptions options);
  ConnectorService(const ConnectorService&) = delete;
  ConnectorService& operator=(const ConnectorService&) = delete;

  // Checks the input, then the store (discovery, a read request, the scope probe unless
  // disabled), then saves. Refused: outcome.problem set and nothing saved.
  CheckOutcome Add(const NewConnector& input);
  // kNotFound when the merchant has no connector of that name.
  StatusOr<std::vector<Connector>> List(int64_t merchant_id);
  StatusOr<Connector> Find(int64_t merchant_id, const std::string& name);
  StatusOr<Connector> Get(int64_t connector_id);
  // Deletes the connector and every row with its store_id in all data tables, in one transaction.
  Status Remove(int64_t merchant_id, const std::string& name);
  Status SetEnabled(int64_t merchant_id, const std::string& name, bool enabled);
  // Re-runs the store checks with the saved credentials and records the result (auth mode, key
  // scope, last_checked_at). A key unknown to the store now is "key_revoked".
  CheckOutcome Test(int64_t merchant_id, const std::string& name);
  // A factory of GET-only clients for the connector's store, each with its own transport.
  StatusOr<woo::ApiFactory> OpenApi(int64_t connector_id);
  StatusOr<woo::Endpoint> EndpointOf(int64_t connector_id);

 private:
  struct Secrets;
  StatusOr<Secrets> LoadSecrets(int64_t connector_id, Connector* connector);

  store::Database& db_;
  Vault vault_;
  ServiceOptions options_;
};

// "ck_...abcd": the only part of a consumer key ever shown.
std::string KeyHint(const std::string& consumer_key);

}  // namespace clever::connect
