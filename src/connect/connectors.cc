#include "connect/connectors.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <variant>

#include "connect/internal/store_check.h"
#include "connect/store_url.h"

namespace clever::connect {

struct ConnectorService::Secrets {
  woo::Credentials credentials;
  std::string home_url;
  std::string ca_file;
};

namespace {

constexpr const char* kColumns =
    "id, merchant_id, name, store_url, store_domain, key_hint, key_scope, auth_mode, enabled, "
    "created_at, last_checked_at";

std::string IsoUtc(Clock& clock) {
  const std::time_t t = std::chrono::system_clock::to_time_t(clock.Now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Connector RowToConnector(const store::ResultSet& rs, size_t row) {
  const auto& r = rs.rows[row];
  Connector c;
  c.id = store::AsInt(r[0]);
  c.merchant_id = store::AsInt(r[1]);
  c.name = store::AsString(r[2]);
  c.store_url = store::AsString(r[3]);
  c.store_domain = store::AsString(r[4]);
  c.key_hint = store::AsString(r[5]);
  c.key_scope = store::AsString(r[6]);
  c.auth_mode = store::AsString(r[7]);
  c.enabled = store::AsInt(r[8]) != 0;
  c.created_at = store::AsString(r[9]);
  c.last_checked_at = store::AsString(r[10]);
  return c;
}

bool ValidUtf8NoControls(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    size_t n = 0;
    if (c >= 0x80) {
      if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
      } else if ((c & 0xf0) == 0xe0) {
        n = 2;
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
      } else {
        return false;
      }
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

Problem DuplicateDomain(const std::string& domain, const std::optional<std::string>& same_name) {
  std::string message = "Duplicate store domain: " + domain + " is already connected to Clever";
  message += same_name ? " as \"" + *same_name + "\"." : " by another account.";
  return Problem{"url", "duplicate_domain", message,
                 "Remove the existing connector first (clever connector remove NAME), or check "
                 "whether a team member already added it."};
}

Problem Internal(const Status& status) {
  return Problem{"", "internal_error", "Clever could not save the connector: " + status.message(),
                 "Try again; if it keeps failing, check that the home directory is writable."};
}

}  // namespace

TransportFactory CurlTransportFactory() {
  return [](const net::TransportOptions& options) -> StatusOr<std::unique_ptr<net::HttpTransport>> {
    CLEVER_ASSIGN_OR_RETURN(std::unique_ptr<net::CurlTransport> t,
                            net::CurlTransport::Create(options));
    return std::unique_ptr<net::HttpTransport>(std::move(t));
  };
}

std::string KeyHint(const std::string& consumer_key) {
  if (consumer_key.size() < 8) return "ck_...";
  return "ck_..." + consumer_key.substr(consumer_key.size() - 4);
}

ConnectorService::ConnectorService(store::Database& db, const Vault& vault, ServiceOptions options)
    : db_(db), vault_(vault), options_(std::move(options)) {}

CheckOutcome ConnectorService::Add(const NewConnector& input) {
  CheckOutcome out;
  const std::string name = Trim(input.name);
  if (name.empty()) {
    out.problem = Problem{"name", "name_missing", "The connector needs a name.",
                          "Use a short name you'll recognise, like your store's name."};
    return out;
  }
  if (name.size() > 100 || !ValidUtf8NoControls(name)) {
    out.problem =
        Problem{"name", "name_invalid", "The name must be at most 100 characters of ordinary text.",
                "Use a short name you'll recognise, like your store's name."};
    return out;
  }
  auto parsed = ParseStoreUrl(input.url, UrlRules{options_.allow_private_network});
  if (auto* p = std::get_if<Problem>(&parsed)) {
    out.problem = *p;
    return out;
  }
  StoreUrl url = std::get<StoreUrl>(parsed);
  if (auto p = internal::CheckCredentialFormat(input.consumer_key, input.consumer_secret)) {
    out.problem = p;
    return out;
  }

  auto find_domain = [&](const std::string& domain) -> StatusOr<std::optional<Problem>> {
    CLEVER_ASSIGN_OR_RETURN(
        store::ResultSet rs,
        db_.Query("SELECT merchant_id, name FROM connectors WHERE store_domain = ?", {domain}));
    if (rs.rows.empty()) return std::optional<Problem>();
    std::optional<std::string> same;
    if (store::AsInt(rs.rows[0][0]) == input.merchant_id) same = store::AsString(rs.rows[0][1]);
    return std::optional<Problem>(DuplicateDomain(domain, same));
  };
  StatusOr<std::optional<Problem>> dup = find_domain(url.Domain());
  if (!dup.ok()) {
    out.problem = Internal(dup.status());
    return out;
  }
  if (*dup) {
    out.problem = **dup;
    return out;
  }
  StatusOr<store::ResultSet> named = db_.Query(
      "SELECT id FROM connectors WHERE merchant_id = ? AND name = ?", {input.merchant_id, name});
  if (!named.ok()) {
    out.problem = Internal(named.status());
    return out;
  }
  if (!named->rows.empty()) {
    out.problem =
        Problem{"name", "duplicate_name", "You already have a connector named \"" + name + "\".",
                "Choose another name, or remove the existing connector first."};
    return out;
  }
  if (!input.ca_file.empty() && access(input.ca_file.c_str(), R_OK) != 0) {
    out.problem = Problem{"ca_file", "ca_file_unreadable",
                          "The CA certificate file " + input.ca_file + " can't be read.",
                          "Give the path of a readable PEM file with your certificate authority."};
    return out;
  }

  // Against the store.
  net::TransportOptions topts;
  topts.ca_file = input.ca_file;
  topts.allow_private_network = options_.allow_private_network;
  topts.default_timeout_ms = options_.check_timeout_ms;
  StatusOr<std::unique_ptr<net::HttpTransport>> transport = options_.transport_factory(topts);
  if (!transport.ok()) {
    out.problem = Internal(transport.status());
    return out;
  }
  internal::StoreCheckInput check{url,
                                  {input.consumer_key, input.consumer_secret},
                                  input.ca_file,
                                  options_.allow_private_network,
                                  input.scope_probe,
                                  false,
                                  options_.check_timeout_ms};
  internal::StoreCheckResult result = internal::CheckStore(check, **transport, options_.clock);
  out.warnings = result.warnings;
  if (result.problem) {
    out.problem = result.problem;
    return out;
  }
  url = result.url;
  if (url.Domain() != std::get<StoreUrl>(parsed).Domain()) {
    dup = find_domain(url.Domain());
    if (!dup.ok() || *dup) {
      out.problem = dup.ok() ? **dup : Internal(dup.status());
      return out;
    }
  }

  // Seal and save.
  const std::string domain = url.Domain();
  const nlohmann::json secret = {
      {"ck", input.consumer_key}, {"cs", input.consumer_secret}, {"home", result.home_url}};
  StatusOr<std::string> sealed = vault_.Seal(secret.dump(), domain);
  if (!sealed.ok()) {
    out.problem = Internal(sealed.status());
    return out;
  }
  const std::string now = IsoUtc(options_.clock);
  Connector c;
  c.merchant_id = input.merchant_id;
  c.name = name;
  c.store_url = url.Canonical();
  c.store_domain = domain;
  c.key_hint = KeyHint(input.consumer_key);
  c.key_scope = result.key_scope;
  c.auth_mode = internal::AuthModeName(result.auth);
  c.enabled = true;
  c.created_at = now;
  c.last_checked_at = now;
  StatusOr<store::ResultSet> inserted = db_.Query(
      "INSERT INTO connectors (merchant_id, name, store_url, store_domain, auth_mode, key_hint, "
      "credentials_sealed, key_scope, ca_file, enabled, created_at, last_checked_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
      {c.merchant_id, c.name, c.store_url, c.store_domain, c.auth_mode, c.key_hint, *sealed,
       c.key_scope, input.ca_file, now, now});
  if (!inserted.ok()) {
    if (inserted.status().code() == StatusCode::kAlreadyExists) {
      // Lost a race with another Add for the same domain (or name).
      dup = find_domain(domain);
      out.problem = dup.ok() && *dup
                        ? **dup
                        : Problem{"name", "duplicate_name",
                                  "You already have a connector named \"" + name + "\".",
                                  "Choose another name."};
      return out;
    }
    out.problem = Internal(inserted.status());
    return out;
  }
  c.id = store::AsInt(inserted->rows.at(0).at(0));
  out.connector = c;
  return out;
}

StatusOr<std::vector<Connector>> ConnectorService::List(int64_t merchant_id) {
  CLEVER_ASSIGN_OR_RETURN(store::ResultSet rs,
                          db_.Query(std::string("SELECT ") + kColumns +
                                        " FROM connectors WHERE merchant_id = ? ORDER BY name, id",
                                    {merchant_id}));
  std::vector<Connector> out;
  for (size_t i = 0; i < rs.rows.size(); ++i) out.push_back(RowToConnector(rs, i));
  return out;
}

StatusOr<Connector> ConnectorService::Find(int64_t merchant_id, const std::string& name) {
  CLEVER_ASSIGN_OR_RETURN(store::ResultSet rs,
                          db_.Query(std::string("SELECT ") + kColumns +
                                        " FROM connectors WHERE merchant_id = ? AND name = ?",
                                    {merchant_id, Trim(name)}));
  if (rs.rows.empty()) {
    return NotFoundError("There is no connector named \"" + Trim(name) +
                         "\" (see `clever connector list`).");
  }
  return RowToConnector(rs, 0);
}

StatusOr<Connector> ConnectorService::Get(int64_t connector_id) {
  CLEVER_ASSIGN_OR_RETURN(store::ResultSet rs, db_.Query(std::string("SELECT ") + kColumns +
                                                             " FROM connectors WHERE id = ?",
                                                         {connector_id}));
  if (rs.rows.empty()) return NotFoundError("no connector with id " + std::to_string(connector_id));
  return RowToConnector(rs, 0);
}

Status ConnectorService::Remove(int64_t merchant_id, const std::string& name) {
  CLEVER_ASSIGN_OR_RETURN(Connector c, Find(merchant_id, name));
  // Every table with a store_id column holds this store's synced rows; find them from the
  // catalogue so tables added by later migrations are covered too.
  const char* catalogue =
      db_.dialect() == store::Dialect::kSqlite
          ? "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
            "WHERE m.type = 'table' AND p.name = 'store_id' ORDER BY m.name"
          : "SELECT table_name FROM information_schema.columns WHERE column_name = 'store_id' "
            "AND table_schema = current_schema() ORDER BY table_name";
  CLEVER_ASSIGN_OR_RETURN(store::ResultSet tables, db_.Query(catalogue));
  return db_.Transaction([&]() -> Status {
    for (const auto& row : tables.rows) {
      const std::string table = store::AsString(row[0]);
      // Table names come from the catalogue, never from input; quote them anyway.
      if (!std::all_of(table.begin(), table.end(),
                       [](unsigned char ch) { return std::isalnum(ch) || ch == '_'; })) {
        continue;
      }
      CLEVER_RETURN_IF_ERROR(
          db_.Execute("DELETE FROM \"" + table + "\" WHERE store_id = ?", {c.id}).status());
    }
    CLEVER_RETURN_IF_ERROR(db_.Execute("DELETE FROM connectors WHERE id = ?", {c.id}).status());
    return OkStatus();
  });
}

Status ConnectorService::SetEnabled(int64_t merchant_id, const std::string& name, bool enabled) {
  CLEVER_ASSIGN_OR_RETURN(Connector c, Find(merchant_id, name));
  return db_
      .Execute("UPDATE connectors SET enabled = ? WHERE id = ?", {int64_t{enabled ? 1 : 0}, c.id})
      .status();
}

StatusOr<ConnectorService::Secrets> ConnectorService::LoadSecrets(int64_t connector_id,
                                                                  Connector* connector) {
  CLEVER_ASSIGN_OR_RETURN(Connector c, Get(connector_id));
  CLEVER_ASSIGN_OR_RETURN(
      store::ResultSet rs,
      db_.Query("SELECT credentials_sealed, ca_file FROM connectors WHERE id = ?", {connector_id}));
  if (rs.rows.empty()) return NotFoundError("no connector with id " + std::to_string(connector_id));
  CLEVER_ASSIGN_OR_RETURN(std::string plain,
                          vault_.Unseal(store::AsString(rs.rows[0][0]), c.store_domain));
  nlohmann::json j = nlohmann::json::parse(plain, nullptr, false);
  std::fill(plain.begin(), plain.end(), '\0');
  if (!j.is_object() || !j.contains("ck") || !j.contains("cs") || !j["ck"].is_string() ||
      !j["cs"].is_string()) {
    return DataLossError("stored credentials are malformed");
  }
  Secrets s;
  s.credentials.consumer_key = j["ck"].get<std::string>();
  s.credentials.consumer_secret = j["cs"].get<std::string>();
  if (j.contains("home") && j["home"].is_string()) s.home_url = j["home"].get<std::string>();
  s.ca_file = store::AsString(rs.rows[0][1]);
  if (connector != nullptr) *connector = c;
  return s;
}

CheckOutcome ConnectorService::Test(int64_t merchant_id, const std::string& name) {
  CheckOutcome out;
  StatusOr<Connector> found = Find(merchant_id, name);
  if (!found.ok()) {
    out.problem = Problem{"name", "not_found", found.status().message(),
                          "Run `clever connector list` to see your connectors."};
    return out;
  }
  Connector c;
  StatusOr<Secrets> secrets = LoadSecrets(found->id, &c);
  if (!secrets.ok()) {
    out.problem = Problem{"", "vault_error", secrets.status().message(),
                          "If the master key (CLEVER_MASTER_KEY or master.key) changed, restore "
                          "it, or remove the connector and add it again."};
    return out;
  }
  auto parsed = ParseStoreUrl(c.store_url, UrlRules{true});
  if (auto* p = std::get_if<Problem>(&parsed)) {
    out.problem = *p;
    return out;
  }
  net::TransportOptions topts;
  topts.ca_file = secrets->ca_file;
  topts.allow_private_network = options_.allow_private_network;
  topts.default_timeout_ms = options_.check_timeout_ms;
  StatusOr<std::unique_ptr<net::HttpTransport>> transport = options_.transport_factory(topts);
  if (!transport.ok()) {
    out.problem = Internal(transport.status());
    return out;
  }
  internal::StoreCheckInput check{std::get<StoreUrl>(parsed), secrets->credentials,
                                  secrets->ca_file,           options_.allow_private_network,
                                  c.key_scope != "unknown",   true,
                                  options_.check_timeout_ms};
  internal::StoreCheckResult result = internal::CheckStore(check, **transport, options_.clock);
  out.warnings = result.warnings;
  out.problem = result.problem;
  const std::string now = IsoUtc(options_.clock);
  c.last_checked_at = now;
  if (!result.problem) {
    c.auth_mode = internal::AuthModeName(result.auth);
    if (check.scope_probe) c.key_scope = result.key_scope;
    Status updated =
        db_.Execute(
               "UPDATE connectors SET auth_mode = ?, key_scope = ?, last_checked_at = ? "
               "WHERE id = ?",
               {c.auth_mode, c.key_scope, now, c.id})
            .status();
    if (!updated.ok()) out.problem = Internal(updated);
  }
  out.connector = c;
  return out;
}

StatusOr<woo::Endpoint> ConnectorService::EndpointOf(int64_t connector_id) {
  Connector c;
  CLEVER_ASSIGN_OR_RETURN(Secrets s, LoadSecrets(connector_id, &c));
  woo::Endpoint e;
  e.store_url = c.store_url;
  e.home_url = s.home_url;
  e.auth = internal::AuthModeFromName(c.auth_mode);
  e.ca_file = s.ca_file;
  e.allow_private_network = options_.allow_private_network;
  e.timeout_ms = options_.timeout_ms;
  return e;
}

namespace {

// Stands in for a client whose transport could not be made: every Get reports why.
class FailedApi final : public woo::Api {
 public:
  explicit FailedApi(Status status) : status_(std::move(status)) {}
  StatusOr<woo::Response> Get(const std::string& /*route*/,
                              const woo::Params& /*params*/) override {
    return status_;
  }

 private:
  Status status_;
};

}  // namespace

StatusOr<woo::ApiFactory> ConnectorService::OpenApi(int64_t connector_id) {
  Connector c;
  CLEVER_ASSIGN_OR_RETURN(Secrets s, LoadSecrets(connector_id, &c));
  CLEVER_ASSIGN_OR_RETURN(woo::Endpoint endpoint, EndpointOf(connector_id));
  TransportFactory factory = options_.transport_factory;
  Clock* clock = &options_.clock;
  woo::ApiOptions api_options = options_.api_options;
  woo::Credentials credentials = s.credentials;
  return woo::ApiFactory(
      [factory, clock, api_options, credentials, endpoint]() -> std::unique_ptr<woo::Api> {
        StatusOr<std::unique_ptr<net::HttpTransport>> transport =
            factory(woo::TransportOptionsFor(endpoint));
        if (!transport.ok()) return std::make_unique<FailedApi>(transport.status());
        return woo::MakeApi(endpoint, credentials, *std::move(transport), *clock, api_options);
      });
}

}  // namespace clever::connect
