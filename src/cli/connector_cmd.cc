// `clever connector add|list|remove|enable|disable|test`: the CLI face of
// connect::ConnectorService. Merchant-facing messages and hints go to stderr on failure (exit code
// 1), never a credential.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/home.h"
#include "common/clock.h"
#include "connect/connectors.h"
#include "connect/vault.h"

namespace clever::cli {
namespace {

struct ConnectorFlags {
  std::string home;
  std::string name, url, key, secret, ca_file;
  bool no_scope_probe = false;
  bool allow_private_network = false;
  bool json = false;
  std::string merchant;  // --merchant: a hub merchant's stores; empty = the local account
};

void PrintProblem(std::ostream& os, const connect::Problem& p, const char* label) {
  os << label << ": " << p.message << "\n";
  if (!p.hint.empty()) os << "  hint: " << p.hint << "\n";
}

// Opens the home, database and vault and runs `body` with a service; reports setup failures.
void WithService(const ConnectorFlags& flags, CliState& state,
                 const std::function<void(connect::ConnectorService&, int64_t merchant_id,
                                          store::Database& db)>& body) {
  StatusOr<std::string> home = ResolveHome(flags.home);
  if (!home.ok()) {
    std::cerr << "error: " << home.status().message() << "\n";
    state.exit_code = 1;
    return;
  }
  StatusOr<std::unique_ptr<store::Database>> db = OpenHomeDatabase(*home);
  if (!db.ok()) {
    std::cerr << "error: cannot open Clever's database: " << db.status().message() << "\n";
    state.exit_code = 1;
    return;
  }
  StatusOr<connect::Vault> vault = connect::Vault::Open(*home);
  if (!vault.ok()) {
    std::cerr << "error: cannot open the credential vault: " << vault.status().message() << "\n";
    state.exit_code = 1;
    return;
  }
  connect::ServiceOptions options{
      .clock = Clock::Real(),
      .transport_factory = connect::CurlTransportFactory(),
      .allow_private_network = flags.allow_private_network || PrivateNetworkAllowedByEnv(),
      .check_timeout_ms = 20000,
      .timeout_ms = 60000,
      .api_options = {}};
  connect::ConnectorService service(**db, *vault, std::move(options));
  StatusOr<int64_t> merchant_id = ResolveMerchant(**db, flags.merchant);
  if (!merchant_id.ok()) {
    std::cerr << "error: " << merchant_id.status().message() << "\n";
    state.exit_code = 1;
    return;
  }
  body(service, *merchant_id, **db);
}

void PrintOutcome(const connect::CheckOutcome& out, const std::string& verb, CliState& state) {
  for (const auto& w : out.warnings) PrintProblem(std::cerr, w, "warning");
  if (out.problem) {
    PrintProblem(std::cerr, *out.problem, "error");
    std::cerr << "  (code: " << out.problem->code << ")\n";
    state.exit_code = 1;
    return;
  }
  const connect::Connector& c = out.connector;
  std::cout << verb << " \"" << c.name << "\": " << c.store_url << " (key " << c.key_hint
            << ", scope " << c.key_scope << ", auth " << c.auth_mode << ")\n";
}

nlohmann::json ToJson(const connect::Connector& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"store_url", c.store_url},
          {"store_domain", c.store_domain},
          {"key_hint", c.key_hint},
          {"key_scope", c.key_scope},
          {"auth_mode", c.auth_mode},
          {"enabled", c.enabled},
          {"created_at", c.created_at},
          {"last_checked_at", c.last_checked_at}};
}

void AddCommon(CLI::App* cmd, ConnectorFlags& flags) {
  cmd->add_option("--home", flags.home,
                  "Clever's home directory (default $CLEVER_HOME or ~/.clever)");
  cmd->add_option("--merchant", flags.merchant,
                  "a hub merchant's stores (`clever merchant list`; default: the local account)");
  cmd->add_flag("--allow-private-network", flags.allow_private_network,
                "allow stores on private/loopback addresses (also CLEVER_ALLOW_PRIVATE_NETWORK=1)");
}

}  // namespace

void RegisterConnectorCommands(CLI::App& app, CliState& state) {
  auto flags = std::make_shared<ConnectorFlags>();
  CLI::App* group = app.add_subcommand("connector", "connect WooCommerce stores");
  group->require_subcommand(1);

  CLI::App* add = group->add_subcommand("add", "check a store's read key and save the connector");
  add->add_option("--name", flags->name, "a name for this store")->required();
  add->add_option("--url", flags->url, "the store's web address, e.g. https://mystore.com")
      ->required();
  add->add_option("--key", flags->key, "the Consumer key (ck_...)")->required();
  add->add_option("--secret", flags->secret, "the Consumer secret (cs_...)")->required();
  add->add_option("--ca-file", flags->ca_file, "extra CA certificate (PEM) to trust");
  add->add_flag("--no-scope-probe", flags->no_scope_probe,
                "do not send the write-permission probe (the only non-GET request)");
  AddCommon(add, *flags);
  add->callback([flags, &state] {
    WithService(
        *flags, state,
        [&](connect::ConnectorService& service, int64_t merchant_id, store::Database& /*db*/) {
          connect::NewConnector input;
          input.name = flags->name;
          input.url = flags->url;
          input.consumer_key = flags->key;
          input.consumer_secret = flags->secret;
          input.ca_file = flags->ca_file;
          input.scope_probe = !flags->no_scope_probe;
          input.merchant_id = merchant_id;
          PrintOutcome(service.Add(input), "Connected", state);
        });
  });

  CLI::App* list = group->add_subcommand("list", "list connectors (never shows credentials)");
  list->add_flag("--json", flags->json, "JSON output");
  AddCommon(list, *flags);
  list->callback([flags, &state] {
    WithService(
        *flags, state,
        [&](connect::ConnectorService& service, int64_t merchant_id, store::Database& db) {
          StatusOr<std::vector<connect::Connector>> all = service.List(merchant_id);
          if (!all.ok()) {
            std::cerr << "error: " << all.status().message() << "\n";
            state.exit_code = 1;
            return;
          }
          if (flags->json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& c : *all) out.push_back(ToJson(c));
            std::cout << out.dump(2) << "\n";
            return;
          }
          if (all->empty()) {
            std::cout
                << "No connectors yet. Add one with: clever connector add --name NAME --url URL "
                   "--key CK --secret CS\n";
            if (std::string other = OtherMerchantsHint(db, merchant_id); !other.empty()) {
              std::cout << "Note: " << other << ".\n";
            }
            return;
          }
          for (const auto& c : *all) {
            std::cout << c.name << "\t" << c.store_url << "\t" << c.key_hint << "\t" << c.key_scope
                      << "\t" << (c.enabled ? "enabled" : "disabled") << "\tchecked "
                      << (c.last_checked_at.empty() ? "never" : c.last_checked_at) << "\n";
          }
        });
  });

  auto by_name = [&](const char* verb, const char* help) {
    CLI::App* cmd = group->add_subcommand(verb, help);
    cmd->add_option("name", flags->name, "connector name")->required();
    AddCommon(cmd, *flags);
    return cmd;
  };
  by_name("remove", "remove a connector and delete its store's synced data")
      ->callback([flags, &state] {
        WithService(
            *flags, state,
            [&](connect::ConnectorService& service, int64_t merchant_id, store::Database& /*db*/) {
              Status s = service.Remove(merchant_id, flags->name);
              if (!s.ok()) {
                std::cerr << "error: " << s.message() << "\n";
                state.exit_code = 1;
                return;
              }
              std::cout << "Removed \"" << flags->name << "\" and its synced data.\n";
            });
      });
  for (const bool enable : {true, false}) {
    by_name(enable ? "enable" : "disable",
            enable ? "use this store in conversations" : "leave this store out of conversations")
        ->callback([flags, &state, enable] {
          WithService(*flags, state,
                      [&](connect::ConnectorService& service, int64_t merchant_id,
                          store::Database& /*db*/) {
                        Status s = service.SetEnabled(merchant_id, flags->name, enable);
                        if (!s.ok()) {
                          std::cerr << "error: " << s.message() << "\n";
                          state.exit_code = 1;
                          return;
                        }
                        std::cout << (enable ? "Enabled" : "Disabled") << " \"" << flags->name
                                  << "\".\n";
                      });
        });
  }
  by_name("test", "re-check a connector's credentials against its store")
      ->callback([flags, &state] {
        WithService(
            *flags, state,
            [&](connect::ConnectorService& service, int64_t merchant_id, store::Database& /*db*/) {
              PrintOutcome(service.Test(merchant_id, flags->name), "OK", state);
            });
      });
}

}  // namespace clever::cli
