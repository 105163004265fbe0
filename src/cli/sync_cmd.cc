// `clever sync [NAME] [--full] [--json] [--watch] [--interval 15m]` and `clever status [NAME]
// [--json]`: the CLI face of sync::SyncEngine / sync::Scheduler / sync::ReadStatus. Progress is a
// bar per category on a terminal and plain lines otherwise; failures print the merchant-facing
// reason and hint (exit code 1). Credentials stay inside connect::ConnectorService::OpenApi.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/home.h"
#include "common/clock.h"
#include "connect/connectors.h"
#include "connect/vault.h"
#include "sync/scheduler.h"
#include "sync/sync.h"

namespace clever::cli {
namespace {

struct SyncFlags {
  std::string home, name, merchant, interval = "15m";
  bool full = false, json = false, watch = false, allow_private_network = false;
  int concurrency = 4;
};

std::atomic<bool> g_stop{false};
void OnSignal(int /*sig*/) { g_stop = true; }

// "15m", "30s", "1h", "90" (seconds) -> seconds; -1 when unreadable.
int64_t ParseInterval(const std::string& text) {
  if (text.empty()) return -1;
  size_t used = 0;
  int64_t n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (...) {
    return -1;
  }
  std::string unit = text.substr(used);
  if (n <= 0) return -1;
  if (unit.empty() || unit == "s") return n;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  return -1;
}

std::string Duration(int64_t secs) {
  if (secs < 0) return "--";
  char buf[32];
  if (secs >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(secs / 3600),
                  static_cast<long long>((secs / 60) % 60));
  } else if (secs >= 60) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(secs / 60),
                  static_cast<long long>(secs % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(secs));
  }
  return buf;
}

std::string StateLabel(const std::string& state) {
  if (state == "not_available") return "not available on this store";
  return state;
}

// Renders progress: bars redrawn in place on a TTY, one line per state change otherwise.
class ProgressView {
 public:
  ProgressView(bool tty, bool quiet) : tty_(tty), quiet_(quiet) {}

  void Begin(const std::string& store) {
    if (quiet_) return;
    std::cout << "Syncing " << store << "\n";
    rows_.clear();
    drawn_ = 0;
  }
  void Update(const sync::CategoryStatus& s) {
    if (quiet_) return;
    auto& last = rows_[s.category];
    const bool changed = last.state != s.state;
    last = s;
    if (tty_) {
      Redraw();
    } else if (changed || s.state != "syncing") {
      std::cout << s.category << ": " << StateLabel(s.state) << " " << s.records_done;
      if (s.records_total > 0 && s.state == "syncing") std::cout << "/" << s.records_total;
      std::cout << " records" << (s.reason.empty() ? "" : " (" + s.reason + ")") << "\n";
    }
  }

 private:
  void Redraw() {
    if (drawn_ > 0) std::cout << "\x1b[" << drawn_ << "A";
    drawn_ = 0;
    for (const char* c : sync::kCategories) {
      auto it = rows_.find(c);
      if (it == rows_.end()) continue;
      const auto& s = it->second;
      constexpr int kWidth = 24;
      int filled = 0;
      if (s.records_total > 0) {
        filled = static_cast<int>(kWidth * std::min<int64_t>(s.records_done, s.records_total) /
                                  s.records_total);
      }
      if (s.state == "ok") filled = kWidth;
      char line[256];
      std::snprintf(line, sizeof line, "%-9s [%s%s] %8lld/%-8lld %7.0f/s ETA %-7s %s", c,
                    std::string(static_cast<size_t>(filled), '#').c_str(),
                    std::string(static_cast<size_t>(kWidth - filled), '.').c_str(),
                    static_cast<long long>(s.records_done),
                    static_cast<long long>(std::max(s.records_total, s.records_done)), s.rate_per_s,
                    Duration(s.eta_s).c_str(), StateLabel(s.state).c_str());
      std::cout << "\x1b[2K" << line << "\n";
      ++drawn_;
    }
    std::cout.flush();
  }

  bool tty_, quiet_;
  std::map<std::string, sync::CategoryStatus> rows_;
  int drawn_ = 0;
};

nlohmann::json StatusJson(const std::vector<sync::CategoryStatus>& all) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : all) {
    out.push_back({{"category", s.category},
                   {"state", s.state},
                   {"records", s.records_done},
                   {"last_success_at", s.last_success_at},
                   {"reason", s.reason},
                   {"hint", s.hint}});
  }
  return out;
}

struct Env {
  std::string home;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<connect::Vault> vault;
  std::unique_ptr<connect::ConnectorService> service;
};

StatusOr<Env> OpenEnv(const SyncFlags& flags) {
  Env env;
  CLEVER_ASSIGN_OR_RETURN(env.home, ResolveHome(flags.home));
  CLEVER_ASSIGN_OR_RETURN(env.db, OpenHomeDatabase(env.home));
  CLEVER_ASSIGN_OR_RETURN(connect::Vault vault, connect::Vault::Open(env.home));
  env.vault = std::make_unique<connect::Vault>(std::move(vault));
  connect::ServiceOptions options{
      .clock = Clock::Real(),
      .transport_factory = connect::CurlTransportFactory(),
      .allow_private_network = flags.allow_private_network || PrivateNetworkAllowedByEnv(),
      .check_timeout_ms = 20000,
      .timeout_ms = 60000,
      .api_options = sync::SyncApiOptions()};  // the sync's fetcher is the one retry layer
  env.service =
      std::make_unique<connect::ConnectorService>(*env.db, *env.vault, std::move(options));
  return env;
}

// The connectors a command acts on: the named one, else every enabled one, of the merchant
// chosen by --merchant (the local account by default).
StatusOr<std::vector<connect::Connector>> Targets(Env& env, const SyncFlags& flags) {
  CLEVER_ASSIGN_OR_RETURN(int64_t merchant_id, ResolveMerchant(*env.db, flags.merchant));
  const std::string elsewhere = OtherMerchantsHint(*env.db, merchant_id);
  if (!flags.name.empty()) {
    StatusOr<connect::Connector> c = env.service->Find(merchant_id, flags.name);
    if (!c.ok() && !elsewhere.empty()) {
      return Status(c.status().code(), c.status().message() + "; " + elsewhere);
    }
    CLEVER_RETURN_IF_ERROR(c.status());
    return std::vector<connect::Connector>{*c};
  }
  CLEVER_ASSIGN_OR_RETURN(std::vector<connect::Connector> all, env.service->List(merchant_id));
  std::vector<connect::Connector> enabled;
  for (auto& c : all) {
    if (c.enabled) enabled.push_back(std::move(c));
  }
  if (enabled.empty()) {
    if (!elsewhere.empty()) {
      return FailedPreconditionError("no store is connected to " +
                                     (flags.merchant.empty() ? std::string("the local account")
                                                             : "\"" + flags.merchant + "\"") +
                                     "; " + elsewhere);
    }
    return FailedPreconditionError(
        "no store is connected yet; add one with `clever connector add --name NAME --url URL "
        "--key CK --secret CS`");
  }
  return enabled;
}

// Syncs one connector; prints failures; returns whether every category ended ok/not_available.
bool SyncOne(Env& env, const connect::Connector& c, const SyncFlags& flags, ProgressView& view,
             nlohmann::json* json_out) {
  view.Begin(c.name + " (" + c.store_url + ")");
  StatusOr<woo::ApiFactory> api = env.service->OpenApi(c.id);
  Status result = api.status();
  if (api.ok()) {
    sync::SyncOptions options;
    options.full = flags.full;
    options.concurrency = flags.concurrency;
    if (flags.watch) options.ForScheduledRuns();
    sync::SyncEngine engine(*env.db, *api, Clock::Real(), options);
    result = engine.Run(c.id, [&](const sync::CategoryStatus& s) { view.Update(s); });
  }
  auto status = sync::ReadStatus(*env.db, c.id);
  if (json_out != nullptr) {
    json_out->push_back({{"store", c.name},
                         {"ok", result.ok()},
                         {"error", result.ok() ? "" : result.message()},
                         {"categories", status.ok() ? StatusJson(*status) : nlohmann::json()}});
  } else if (!result.ok()) {
    std::cerr << "error: " << c.name << ": " << result.message() << "\n";
    if (status.ok()) {
      for (const auto& s : *status) {
        if (s.state == "failed" && !s.hint.empty()) {
          std::cerr << "  " << s.category << " hint: " << s.hint << "\n";
        }
      }
    }
  } else {
    std::cout << c.name << ": synced\n";
  }
  return result.ok();
}

void RunSync(const SyncFlags& flags, CliState& state) {
  StatusOr<Env> env = OpenEnv(flags);
  if (!env.ok()) {
    std::cerr << "error: " << env.status().message() << "\n";
    state.exit_code = 1;
    return;
  }
  StatusOr<std::vector<connect::Connector>> targets = Targets(*env, flags);
  if (!targets.ok()) {
    std::cerr << "error: " << targets.status().message() << "\n";
    state.exit_code = 1;
    return;
  }
  const bool tty = isatty(STDOUT_FILENO) != 0 && !flags.json;
  ProgressView view(tty, flags.json);
  if (!flags.watch) {
    nlohmann::json out = nlohmann::json::array();
    bool ok = true;
    for (const auto& c : *targets)
      ok = SyncOne(*env, c, flags, view, flags.json ? &out : nullptr) && ok;
    if (flags.json) std::cout << out.dump(2) << "\n";
    state.exit_code = ok ? 0 : 1;
    return;
  }
  const int64_t interval = ParseInterval(flags.interval);
  if (interval < 0) {
    std::cerr << "error: --interval takes a duration like 15m, 30s or 1h\n";
    state.exit_code = 2;
    return;
  }
  std::vector<int64_t> ids;
  std::map<int64_t, connect::Connector> by_id;
  for (const auto& c : *targets) {
    ids.push_back(c.id);
    by_id[c.id] = c;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::mutex out_mu;
  std::set<int64_t> synced;
  // The scheduler's thread opens its own database and service (they are not thread-safe).
  sync::Scheduler scheduler(
      [&](int64_t id) -> Status {
        CLEVER_ASSIGN_OR_RETURN(Env worker, OpenEnv(flags));
        std::lock_guard<std::mutex> lock(out_mu);
        SyncFlags f = flags;
        f.full = flags.full && synced.count(id) == 0;  // --full applies to the first run only
        synced.insert(id);
        ProgressView plain(false, flags.json);
        nlohmann::json out = nlohmann::json::array();
        bool ok = SyncOne(worker, by_id[id], f, plain, flags.json ? &out : nullptr);
        if (flags.json) std::cout << out.dump() << "\n" << std::flush;
        return ok ? OkStatus() : UnavailableError("sync failed");
      },
      Clock::Real(), std::chrono::seconds(interval));
  scheduler.Start(ids);
  if (!flags.json) {
    std::cout << "Watching " << ids.size() << " store(s); syncing every " << flags.interval
              << " (Ctrl-C to stop)\n";
  }
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  scheduler.Stop();
  state.exit_code = 0;
}

void RunStatus(const SyncFlags& flags, CliState& state) {
  StatusOr<Env> env = OpenEnv(flags);
  if (!env.ok()) {
    std::cerr << "error: " << env.status().message() << "\n";
    state.exit_code = 1;
    return;
  }
  StatusOr<std::vector<connect::Connector>> targets = Targets(*env, flags);
  if (!targets.ok()) {
    std::cerr << "error: " << targets.status().message() << "\n";
    state.exit_code = 1;
    return;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : *targets) {
    auto st = sync::ReadStatus(*env->db, c.id);
    if (!st.ok()) {
      std::cerr << "error: " << st.status().message() << "\n";
      state.exit_code = 1;
      return;
    }
    if (flags.json) {
      out.push_back({{"store", c.name}, {"categories", StatusJson(*st)}});
      continue;
    }
    std::cout << c.name << " (" << c.store_url << ")\n";
    for (const auto& s : *st) {
      char line[256];
      std::snprintf(line, sizeof line, "  %-9s %-28s %9lld records  last sync %s",
                    s.category.c_str(), StateLabel(s.state).c_str(),
                    static_cast<long long>(s.records_done),
                    s.last_success_at.empty() ? "never" : (s.last_success_at + " UTC").c_str());
      std::cout << line << "\n";
      if (s.state == "failed") {
        std::cout << "            reason: " << s.reason << "\n";
        if (!s.hint.empty()) std::cout << "            hint: " << s.hint << "\n";
      } else if (s.state == "ok" && !s.reason.empty()) {
        std::cout << "            note: " << s.reason << "\n";
      }
    }
  }
  if (flags.json) std::cout << out.dump(2) << "\n";
}

void CommonFlags(CLI::App* cmd, SyncFlags& flags) {
  cmd->add_option("name", flags.name, "connector name (default: every enabled store)");
  cmd->add_option("--home", flags.home,
                  "Clever's home directory (default $CLEVER_HOME or ~/.clever)");
  cmd->add_flag("--json", flags.json, "JSON output");
  cmd->add_option("--merchant", flags.merchant,
                  "a hub merchant's stores (`clever merchant list`; default: the local account)");
  cmd->add_flag("--allow-private-network", flags.allow_private_network,
                "allow stores on private/loopback addresses (tests, intranet stores)");
}

}  // namespace

void RegisterSyncCommands(CLI::App& app, CliState& state) {
  auto flags = std::make_shared<SyncFlags>();
  CLI::App* sync_cmd = app.add_subcommand("sync", "copy a store's data into Clever (incremental)");
  CommonFlags(sync_cmd, *flags);
  sync_cmd->add_flag("--full", flags->full, "ignore the saved position: re-read everything");
  sync_cmd->add_flag("--watch", flags->watch,
                     "keep running: sync now, then incrementally every --interval");
  sync_cmd->add_option("--interval", flags->interval, "with --watch: 15m (default), 30s, 1h ...");
  sync_cmd
      ->add_option("--concurrency", flags->concurrency, "pages fetched at once (1-32, default 4)")
      ->check(CLI::Range(1, 32));
  sync_cmd->callback([flags, &state] { RunSync(*flags, state); });

  auto status_flags = std::make_shared<SyncFlags>();
  CLI::App* status_cmd = app.add_subcommand("status", "show what has been synced, per category");
  CommonFlags(status_cmd, *status_flags);
  status_cmd->callback([status_flags, &state] { RunStatus(*status_flags, state); });
}

}  // namespace clever::cli
