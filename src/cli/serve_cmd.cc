// `clever serve`, `clever demo`, `clever user add`, `clever merchant add|list`: the hub's command
// group and its composition root. Adapts the real subsystems to the server's ports
// (server/ports.h): connect::ConnectorService, sync::Scheduler + SyncEngine + ReadStatus, and
// query::Assistant. Each port call leases its own Database from the pool (a Database is not
// thread-safe) and builds the thread-compatible service objects around it.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/home.h"
#include "common/clock.h"
#include "common/dates.h"
#include "connect/connectors.h"
#include "connect/vault.h"
#include "query/assistant.h"
#include "server/accounts.h"
#include "server/db_pool.h"
#include "server/hub_server.h"
#include "server/ports.h"
#include "store/schema.h"
#include "sync/scheduler.h"
#include "sync/sync.h"

namespace clever::cli {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------- port adapters

server::ConnectorInfo ToInfo(const connect::Connector& c) {
  server::ConnectorInfo i;
  i.id = c.id;
  i.merchant_id = c.merchant_id;
  i.name = c.name;
  i.store_url = c.store_url;
  i.store_domain = c.store_domain;
  i.key_hint = c.key_hint;
  i.key_scope = c.key_scope;
  i.auth_mode = c.auth_mode;
  i.enabled = c.enabled;
  i.created_at = c.created_at;
  i.last_checked_at = c.last_checked_at;
  return i;
}

server::ConnectorProblem ToProblem(const connect::Problem& p) {
  return {p.field, p.code, p.message, p.hint};
}

server::ConnectorOutcome ToOutcome(const connect::CheckOutcome& out) {
  server::ConnectorOutcome o;
  if (out.problem) o.problem = ToProblem(*out.problem);
  for (const auto& w : out.warnings) o.warnings.push_back(ToProblem(w));
  o.connector = ToInfo(out.connector);
  return o;
}

server::ConnectorOutcome OutcomeFromStatus(const Status& st) {
  server::ConnectorOutcome o;
  o.problem = server::ConnectorProblem{"", "unavailable", st.message(), "Try again in a moment."};
  return o;
}

// connect::ConnectorService behind the server's ConnectorsPort.
class ConnectorsAdapter : public server::ConnectorsPort {
 public:
  ConnectorsAdapter(server::DatabasePool& pool, connect::Vault vault, Clock& clock,
                    bool allow_private_network)
      : pool_(pool),
        vault_(std::move(vault)),
        clock_(clock),
        allow_private_network_(allow_private_network) {}

  template <typename Fn>
  auto With(Fn fn) -> decltype(fn(std::declval<connect::ConnectorService&>())) {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    connect::ConnectorService service(**lease, vault_, Options());
    return fn(service);
  }

  server::ConnectorOutcome Add(int64_t merchant_id, const server::NewConnectorInput& in) override {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return OutcomeFromStatus(lease.status());
    connect::ConnectorService service(**lease, vault_, Options());
    connect::NewConnector input;
    input.merchant_id = merchant_id;
    input.name = in.name;
    input.url = in.url;
    input.consumer_key = in.consumer_key;
    input.consumer_secret = in.consumer_secret;
    return ToOutcome(service.Add(input));
  }
  StatusOr<std::vector<server::ConnectorInfo>> List(int64_t merchant_id) override {
    return With([&](connect::ConnectorService& s) -> StatusOr<std::vector<server::ConnectorInfo>> {
      CLEVER_ASSIGN_OR_RETURN(auto list, s.List(merchant_id));
      std::vector<server::ConnectorInfo> out;
      for (const auto& c : list) out.push_back(ToInfo(c));
      return out;
    });
  }
  Status Remove(int64_t merchant_id, const std::string& name) override {
    return With([&](connect::ConnectorService& s) { return s.Remove(merchant_id, name); });
  }
  Status SetEnabled(int64_t merchant_id, const std::string& name, bool enabled) override {
    return With(
        [&](connect::ConnectorService& s) { return s.SetEnabled(merchant_id, name, enabled); });
  }
  server::ConnectorOutcome Test(int64_t merchant_id, const std::string& name) override {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return OutcomeFromStatus(lease.status());
    connect::ConnectorService service(**lease, vault_, Options());
    return ToOutcome(service.Test(merchant_id, name));
  }
  // For the sync runs: a GET-only client factory for the store (credentials stay in connect/).
  StatusOr<woo::ApiFactory> OpenApi(store::Database& db, int64_t store_id) {
    connect::ServiceOptions options = Options();
    options.api_options = sync::SyncApiOptions();  // the sync's fetcher is the one retry layer
    connect::ConnectorService service(db, vault_, std::move(options));
    return service.OpenApi(store_id);
  }

 private:
  connect::ServiceOptions Options() {
    return connect::ServiceOptions{.clock = clock_,
                                   .transport_factory = connect::CurlTransportFactory(),
                                   .allow_private_network = allow_private_network_,
                                   .check_timeout_ms = 20000,
                                   .timeout_ms = 60000,
                                   .api_options = {}};
  }

  server::DatabasePool& pool_;
  connect::Vault vault_;
  Clock& clock_;
  bool allow_private_network_;
};

// sync::Scheduler behind the SyncPort: one scheduler (one worker thread) per store, so a slow or
// dead store never delays another's sync, and request threads never wait for any. Live progress
// events of the run in flight are kept in memory (rate, ETA); otherwise the stored sync_state is
// read.
class SyncAdapter : public server::SyncPort {
 public:
  SyncAdapter(server::DatabasePool& pool, ConnectorsAdapter& connectors, Clock& clock,
              std::chrono::seconds interval)
      : pool_(pool), connectors_(connectors), clock_(clock), interval_(interval) {}
  ~SyncAdapter() override { Stop(); }

  void Start(const std::vector<int64_t>& store_ids) {
    for (int64_t id : store_ids) SyncNow(id);
  }
  // Stops every scheduler after its sync in progress (if any).
  void Stop() {
    std::vector<std::unique_ptr<sync::Scheduler>> all;
    {
      std::lock_guard<std::mutex> lock(schedulers_mu_);
      for (auto& [id, s] : schedulers_) all.push_back(std::move(s));
      schedulers_.clear();
      for (auto& s : retired_) all.push_back(std::move(s));
      retired_.clear();
    }
    for (auto& s : all) s->Stop();
  }

  void SyncNow(int64_t store_id) override {
    std::lock_guard<std::mutex> lock(schedulers_mu_);
    {
      std::lock_guard<std::mutex> state_lock(mu_);
      forgotten_.erase(store_id);
    }
    auto it = schedulers_.find(store_id);
    if (it != schedulers_.end()) {
      it->second->SyncNow(store_id);
      return;
    }
    int64_t generation = ++generation_;
    {
      std::lock_guard<std::mutex> state_lock(mu_);
      current_generation_[store_id] = generation;
    }
    // A retired scheduler of a removed store whose id came back must not sync it too.
    auto scheduler = std::make_unique<sync::Scheduler>(
        [this, generation](int64_t id) {
          {
            std::lock_guard<std::mutex> state_lock(mu_);
            if (current_generation_[id] != generation) return OkStatus();
          }
          return RunOne(id);
        },
        clock_, interval_, [this](int64_t id, const Status& st) { Done(id, st); });
    scheduler->Start({store_id});
    schedulers_[store_id] = std::move(scheduler);
  }
  void Forget(int64_t store_id) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      forgotten_.insert(store_id);
      live_.erase(store_id);
    }
    // Not stopped here (that would wait for its run in the request thread): it idles, since
    // RunOne skips forgotten stores, and is joined at shutdown.
    std::lock_guard<std::mutex> lock(schedulers_mu_);
    auto it = schedulers_.find(store_id);
    if (it != schedulers_.end()) {
      retired_.push_back(std::move(it->second));
      schedulers_.erase(it);
    }
  }
  StatusOr<std::vector<server::CategoryProgress>> Progress(int64_t store_id) override {
    CLEVER_ASSIGN_OR_RETURN(auto lease, pool_.Acquire());
    CLEVER_ASSIGN_OR_RETURN(auto stored, sync::ReadStatus(*lease, store_id));
    std::lock_guard<std::mutex> lock(mu_);
    auto live = live_.find(store_id);
    std::vector<server::CategoryProgress> out;
    for (const auto& s : stored) {
      const sync::CategoryStatus* use = &s;
      if (live != live_.end()) {
        auto it = live->second.find(s.category);
        if (it != live->second.end()) use = &it->second;
      }
      server::CategoryProgress p;
      p.category = use->category;
      p.state = use->state;
      p.records_done = use->records_done;
      p.records_total = use->records_total;
      p.rate_per_s = use->rate_per_s;
      p.eta_s = use->eta_s;
      p.last_success_at = use->last_success_at.empty() ? s.last_success_at : use->last_success_at;
      p.reason = use->reason;
      p.hint = use->hint;
      out.push_back(std::move(p));
    }
    return out;
  }

 private:
  Status RunOne(int64_t store_id) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (forgotten_.count(store_id) != 0) return OkStatus();
    }
    CLEVER_ASSIGN_OR_RETURN(auto lease, pool_.Acquire());
    CLEVER_ASSIGN_OR_RETURN(woo::ApiFactory api, connectors_.OpenApi(*lease, store_id));
    sync::SyncOptions options;
    options.ForScheduledRuns();
    sync::SyncEngine engine(*lease, std::move(api), clock_, options);
    return engine.Run(store_id, [this, store_id](const sync::CategoryStatus& s) {
      std::lock_guard<std::mutex> lock(mu_);
      if (forgotten_.count(store_id) == 0) live_[store_id][s.category] = s;
    });
  }
  void Done(int64_t store_id, const Status& st) {
    std::lock_guard<std::mutex> lock(mu_);
    live_.erase(store_id);  // the stored state is complete now
    if (!st.ok()) {
      std::cerr << nlohmann::json{{"level", "warn"},
                                  {"event", "sync_failed"},
                                  {"store_id", store_id},
                                  {"status", st.ToString()}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    }
  }

  server::DatabasePool& pool_;
  ConnectorsAdapter& connectors_;
  Clock& clock_;
  std::mutex mu_;
  std::map<int64_t, std::map<std::string, sync::CategoryStatus>> live_;
  std::set<int64_t> forgotten_;
  std::map<int64_t, int64_t> current_generation_;
  std::chrono::seconds interval_;
  std::mutex schedulers_mu_;
  int64_t generation_ = 0;
  std::map<int64_t, std::unique_ptr<sync::Scheduler>> schedulers_;
  std::vector<std::unique_ptr<sync::Scheduler>> retired_;
};

class AskAdapter : public server::AskPort {
 public:
  AskAdapter(server::DatabasePool& pool, Clock& clock) : pool_(pool), clock_(clock) {}
  StatusOr<server::AskOutput> Ask(const server::AskInput& in) override {
    CLEVER_ASSIGN_OR_RETURN(auto lease, pool_.Acquire());
    query::AssistantOptions options;
    options.clock = &clock_;
    options.names_cache = &names_;
    query::Assistant assistant(*lease, options);
    query::AskRequest request;
    request.question = in.question;
    request.store_ids = in.store_ids;
    request.context = in.context;
    query::Answer answer = assistant.Ask(request);
    return server::AskOutput{answer.status, query::AnswerToJson(answer), answer.context};
  }

 private:
  server::DatabasePool& pool_;
  Clock& clock_;
  query::StoreNamesCache names_;  // shared by every request's Assistant
};

// ---------------------------------------------------------------------------- helpers

std::string ExeDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

// The page's folder: --web, $CLEVER_WEB_ROOT, next to the build tree's executable
// (build/src/cli/clever -> web/), an installed share/clever/web, or ./web.
std::string FindWebRoot(const std::string& flag) {
  std::vector<std::string> candidates;
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CLEVER_WEB_ROOT"); env != nullptr && *env != '\0') {
    return env;
  }
  std::string exe = ExeDir();
  candidates = {exe + "/../../../web", exe + "/../../web", exe + "/../share/clever/web",
                exe + "/web", "web"};
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::exists(fs::path(c) / "index.html", ec)) return fs::canonical(c, ec).string();
  }
  return "";
}

std::string FindWcsim() {
  if (const char* env = std::getenv("CLEVER_WCSIM"); env != nullptr && *env != '\0') return env;
  std::string exe = ExeDir();
  for (const auto& c : {exe + "/../../sim/wcsim", exe + "/wcsim", exe + "/../sim/wcsim"}) {
    if (::access(c.c_str(), X_OK) == 0) return c;
  }
  return "";
}

StatusOr<std::string> ReadPassword(bool from_stdin) {
  std::string password;
  if (from_stdin) {
    if (!std::getline(std::cin, password)) return InvalidArgumentError("no password on stdin");
  } else if (::isatty(STDIN_FILENO) != 0) {
    std::cerr << "Password (at least 10 characters): " << std::flush;
    termios old{};
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, password);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else {
    return InvalidArgumentError("pass --password-stdin and the password on standard input");
  }
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) {
    password.pop_back();
  }
  return password;
}

std::string RandomPassword() {
  static const char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string out;
  for (int i = 0; i < 16; ++i) {
    unsigned char c = 0;
    urandom.read(reinterpret_cast<char*>(&c), 1);
    out += kAlphabet[c % (sizeof(kAlphabet) - 1)];
  }
  return out;
}

struct ServeFlags {
  std::string home;
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::string web;
  std::string tls_cert, tls_key;
  bool secure_cookies = false;
  bool allow_private_network = false;
  int sync_interval_min = 15;
};

// Runs the hub until SIGINT/SIGTERM. `after_start` runs once the server listens (the demo prints
// its banner there). Returns the process exit code.
int RunHub(const ServeFlags& flags, const std::string& home,
           const std::function<void(int port)>& after_start) {
  // Signals are taken by a waiter thread (sigwait), so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Status crypto = server::InitCrypto();
  if (!crypto.ok()) {
    std::cerr << "error: " << crypto.message() << "\n";
    return 1;
  }
  std::string url = DatabaseUrl(home);
  {
    auto db = OpenHomeDatabase(home);  // applies migrations once
    if (!db.ok()) {
      std::cerr << "error: cannot open Clever's database: " << db.status().message() << "\n";
      return 1;
    }
    server::Accounts accounts(**db, Clock::Real());
    auto users = accounts.CountUsers();
    if (users.ok() && *users == 0) {
      std::cerr << "No accounts yet. Create the first one in another terminal:\n"
                << "  clever merchant add \"My Business\" --home " << home << "\n"
                << "  clever user add --merchant \"My Business\" --email you@example.com --home "
                << home << "\n";
    }
  }
  auto vault = connect::Vault::Open(home);
  if (!vault.ok()) {
    std::cerr << "error: cannot open the credential vault: " << vault.status().message() << "\n";
    return 1;
  }
  std::string web = FindWebRoot(flags.web);
  if (web.empty()) {
    std::cerr << "warning: the page (web/index.html) was not found; serving the API only. Pass "
                 "--web DIR.\n";
  }
  Clock& clock = Clock::Real();
  server::DatabasePool pool([url] { return store::OpenDatabase(url); }, /*max_idle=*/64);
  bool allow_private = flags.allow_private_network || PrivateNetworkAllowedByEnv();
  ConnectorsAdapter connectors(pool, std::move(*vault), clock, allow_private);
  SyncAdapter sync(pool, connectors, clock,
                   std::chrono::seconds(std::max(1, flags.sync_interval_min) * 60));
  AskAdapter ask(pool, clock);

  server::HubDeps deps;
  deps.db = &pool;
  deps.clock = &clock;
  deps.connectors = &connectors;
  deps.sync = &sync;
  deps.ask = &ask;
  deps.log = [](const std::string& line) { std::cerr << line << "\n"; };
  server::HubOptions options;
  options.web_root = web;
  options.secure_cookies = flags.secure_cookies;
  options.tls_cert = flags.tls_cert;
  options.tls_key = flags.tls_key;
  server::HubServer hub(deps, options);
  auto port = hub.Bind(flags.bind, flags.port);
  if (!port.ok()) {
    std::cerr << "error: " << port.status().message() << "\n";
    return 1;
  }

  // Every connected store (all merchants) syncs at once, then every interval.
  std::vector<int64_t> store_ids;
  {
    auto lease = pool.Acquire();
    if (lease.ok()) {
      auto rs = (*lease)->Query("SELECT id FROM connectors ORDER BY id");
      if (rs.ok()) {
        for (const auto& row : rs->rows) store_ids.push_back(store::AsInt(row[0]));
      }
    }
  }
  sync.Start(store_ids);

  std::atomic<bool> stopping{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    stopping = true;
    std::cerr << "\nStopping: finishing the requests and the sync batch in flight (Ctrl-C again "
                 "stops at once; synced data is never lost).\n";
    hub.Stop();
    sigwait(&signals, &sig);
    std::_Exit(130);
  });
  waiter.detach();
  std::thread listener([&] { (void)hub.Listen(); });
  for (int i = 0; i < 1000 && !hub.is_running() && !stopping; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::string scheme = flags.tls_cert.empty() ? "http" : "https";
  std::cerr << "Clever hub listening on " << scheme << "://" << flags.bind << ":" << *port
            << "/ (home " << home << ")\n";
  if (after_start) after_start(*port);
  listener.join();
  sync.Stop();
  std::cerr << "Stopped.\n";
  return 0;
}

// ---------------------------------------------------------------------------- demo

struct WcsimProcess {
  pid_t pid = -1;
  ~WcsimProcess() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
};

StatusOr<int> StartWcsim(const std::string& wcsim, const std::string& dir, int orders, int seed,
                         WcsimProcess& proc) {
  std::string ready = dir + "/wcsim.ready.json";
  std::string log = dir + "/wcsim.log";
  ::unlink(ready.c_str());
  // The generated history ends today, so "last month" and "this year" have data in the demo.
  std::string today = CivilDate::FromDays(Clock::Real().NowUnixSeconds() / 86400).ToString();
  std::vector<std::string> args = {
      wcsim,    "--seed", std::to_string(seed), "--orders", std::to_string(orders),
      "--port", "0",      "--end-date",         today,      "--ready-file",
      ready};
  pid_t pid = ::fork();
  if (pid < 0) return UnavailableError("could not start wcsim");
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(wcsim.c_str(), argv.data());
    std::_Exit(127);
  }
  proc.pid = pid;
  for (int i = 0; i < 1200; ++i) {  // generation of a large store takes a while
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      proc.pid = -1;
      return UnavailableError("wcsim exited early; see " + log);
    }
    std::ifstream in(ready);
    if (in) {
      auto j = nlohmann::json::parse(in, nullptr, false);
      if (!j.is_discarded() && j.contains("http_port")) return j["http_port"].get<int>();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return DeadlineExceededError("wcsim did not become ready within 2 minutes; see " + log);
}

int RunDemo(ServeFlags flags, int orders, int seed) {
  std::string wcsim = FindWcsim();
  if (wcsim.empty()) {
    std::cerr << "error: wcsim (the store simulator) was not found next to clever. Build it "
                 "(scripts/build) or set CLEVER_WCSIM=/path/to/wcsim.\n";
    return 1;
  }
  std::string home = flags.home;
  if (home.empty()) {
    std::string tmpl = (fs::temp_directory_path() / "clever-demo-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::cerr << "error: cannot create a demo home directory\n";
      return 1;
    }
    home = tmpl;
  }
  auto resolved = ResolveHome(home);
  if (!resolved.ok()) {
    std::cerr << "error: " << resolved.status().message() << "\n";
    return 1;
  }
  home = *resolved;
  std::cerr << "Starting the demo store (wcsim, " << orders << " orders, WooPayments)...\n";
  WcsimProcess proc;
  auto store_port = StartWcsim(wcsim, home, orders, seed, proc);
  if (!store_port.ok()) {
    std::cerr << "error: " << store_port.status().message() << "\n";
    return 1;
  }
  Status crypto = server::InitCrypto();
  auto db = OpenHomeDatabase(home);
  auto vault = connect::Vault::Open(home);
  if (!crypto.ok() || !db.ok() || !vault.ok()) {
    std::cerr << "error: cannot open the demo home " << home << "\n";
    return 1;
  }
  server::Accounts accounts(**db, Clock::Real());
  std::string email = "demo@clever.local";
  std::string password = RandomPassword();
  auto merchant = accounts.FindMerchant("Demo Shop");
  int64_t merchant_id = 0;
  if (merchant.ok()) {
    merchant_id = merchant->id;
    // A reused demo home: give the demo user a fresh password we can print.
    (void)(*db)->Execute("DELETE FROM users WHERE email = ?", {email});
  } else {
    auto created = accounts.CreateMerchant("Demo Shop");
    if (!created.ok()) {
      std::cerr << "error: " << created.status().message() << "\n";
      return 1;
    }
    merchant_id = *created;
  }
  auto user = accounts.CreateUser(merchant_id, email, password, "owner");
  if (!user.ok()) {
    std::cerr << "error: " << user.status().message() << "\n";
    return 1;
  }
  std::string store_url = "http://127.0.0.1:" + std::to_string(*store_port);
  {
    // The demo store lives on loopback, so private addresses are allowed for it.
    (void)(*db)->Execute("DELETE FROM connectors WHERE merchant_id = ? AND name = ?",
                         {merchant_id, std::string("Demo store")});
    connect::ConnectorService service(
        **db, *vault,
        connect::ServiceOptions{.clock = Clock::Real(),
                                .transport_factory = connect::CurlTransportFactory(),
                                .allow_private_network = true,
                                .check_timeout_ms = 20000,
                                .timeout_ms = 60000,
                                .api_options = {}});
    connect::NewConnector input;
    input.merchant_id = merchant_id;
    input.name = "Demo store";
    input.url = store_url;
    input.consumer_key = "ck_wcsim_read";
    input.consumer_secret = "cs_wcsim_read";
    connect::CheckOutcome out = service.Add(input);
    if (out.problem) {
      std::cerr << "error: connecting the demo store failed: " << out.problem->message << " ("
                << out.problem->code << ")\n";
      return 1;
    }
  }
  db->reset();
  flags.home = home;
  flags.allow_private_network = true;
  return RunHub(flags, home, [&](int port) {
    std::cout << "\n  Clever demo is running.\n\n"
              << "    Open   http://" << flags.bind << ":" << port << "/\n"
              << "    Email  " << email << "\n"
              << "    Pass   " << password << "\n\n"
              << "  The demo store (" << store_url
              << ") is connected and syncing; ask a question once it is done.\n"
              << "  Data: " << home << "   Stop: Ctrl-C\n"
              << "  From a shell: clever status --home " << home << " --merchant \"Demo Shop\"\n"
              << "                clever ask --home " << home << " \"how did last month compare to "
              << "the month before?\"\n\n"
              << std::flush;
  });
}

}  // namespace

void RegisterServeCommands(CLI::App& app, CliState& state) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand("serve", "Run the hub: the web page and its API");
  serve->add_option("--home", flags->home,
                    "Clever's home directory (default $CLEVER_HOME or ~/.clever)");
  serve->add_option("--bind", flags->bind, "Address to listen on")->capture_default_str();
  serve->add_option("--port", flags->port, "Port to listen on")->capture_default_str();
  serve->add_option("--web", flags->web, "Folder with the page (default: found next to clever)");
  serve->add_option("--tls-cert", flags->tls_cert, "PEM certificate: serve HTTPS directly");
  serve->add_option("--tls-key", flags->tls_key, "PEM private key for --tls-cert");
  serve->add_flag("--secure-cookies", flags->secure_cookies,
                  "Mark the session cookie Secure (behind a TLS reverse proxy)");
  serve->add_flag("--allow-private-network", flags->allow_private_network,
                  "Allow stores on private/loopback addresses");
  serve
      ->add_option("--sync-interval-min", flags->sync_interval_min,
                   "Minutes between incremental syncs")
      ->capture_default_str();
  serve->callback([flags, &state] {
    if (flags->tls_cert.empty() != flags->tls_key.empty()) {
      std::cerr << "error: --tls-cert and --tls-key go together\n";
      state.exit_code = 2;
      return;
    }
    auto home = ResolveHome(flags->home);
    if (!home.ok()) {
      std::cerr << "error: " << home.status().message() << "\n";
      state.exit_code = 1;
      return;
    }
    state.exit_code = RunHub(*flags, *home, nullptr);
  });

  auto demo_flags = std::make_shared<ServeFlags>();
  auto demo_orders = std::make_shared<int>(5000);
  auto demo_seed = std::make_shared<int>(1);
  CLI::App* demo = app.add_subcommand(
      "demo", "Start a generated WooCommerce store, the hub with a demo account, connected");
  demo->add_option("--home", demo_flags->home, "Home directory (default: a new temporary one)");
  demo->add_option("--bind", demo_flags->bind, "Address to listen on")->capture_default_str();
  demo->add_option("--port", demo_flags->port, "Port of the hub")->capture_default_str();
  demo->add_option("--web", demo_flags->web, "Folder with the page");
  demo->add_option("--orders", *demo_orders, "Orders in the generated store")
      ->capture_default_str();
  demo->add_option("--seed", *demo_seed, "Seed of the generated store")->capture_default_str();
  demo->callback([demo_flags, demo_orders, demo_seed, &state] {
    state.exit_code = RunDemo(*demo_flags, *demo_orders, *demo_seed);
  });

  struct UserFlags {
    std::string home, merchant, email, role = "owner";
    bool password_stdin = false;
  };
  auto uf = std::make_shared<UserFlags>();
  CLI::App* user = app.add_subcommand("user", "Team members who log in to the hub");
  user->require_subcommand(1);
  CLI::App* user_add = user->add_subcommand("add", "Add a team member to a merchant");
  user_add->add_option("--home", uf->home, "Clever's home directory");
  user_add->add_option("--merchant", uf->merchant, "The merchant (business) name")->required();
  user_add->add_option("--email", uf->email, "The member's email (their login)")->required();
  user_add->add_option("--role", uf->role, "owner or member")->capture_default_str();
  user_add->add_flag("--password-stdin", uf->password_stdin,
                     "Read the password from standard input");
  user_add->callback([uf, &state] {
    auto home = ResolveHome(uf->home);
    if (!home.ok()) {
      std::cerr << "error: " << home.status().message() << "\n";
      state.exit_code = 1;
      return;
    }
    auto db = OpenHomeDatabase(*home);
    if (!db.ok() || !server::InitCrypto().ok()) {
      std::cerr << "error: cannot open Clever's database\n";
      state.exit_code = 1;
      return;
    }
    server::Accounts accounts(**db, Clock::Real());
    auto merchant = accounts.FindMerchant(uf->merchant);
    if (!merchant.ok()) {
      std::cerr << "error: " << merchant.status().message() << " Create it first: clever "
                << "merchant add \"" << uf->merchant << "\"\n";
      state.exit_code = 1;
      return;
    }
    auto password = ReadPassword(uf->password_stdin);
    if (!password.ok()) {
      std::cerr << "error: " << password.status().message() << "\n";
      state.exit_code = 1;
      return;
    }
    auto id = accounts.CreateUser(merchant->id, uf->email, *password, uf->role);
    if (!id.ok()) {
      std::cerr << "error: " << id.status().message() << "\n";
      state.exit_code = 1;
      return;
    }
    std::cout << "Added " << uf->email << " to " << merchant->name << ".\n";
  });

  auto mf = std::make_shared<std::pair<std::string, std::string>>();  // home, name
  CLI::App* merchant = app.add_subcommand("merchant", "Merchants (businesses) using the hub");
  merchant->require_subcommand(1);
  CLI::App* merchant_add = merchant->add_subcommand("add", "Add a merchant");
  merchant_add->add_option("name", mf->second, "The business name")->required();
  merchant_add->add_option("--home", mf->first, "Clever's home directory");
  CLI::App* merchant_list = merchant->add_subcommand("list", "List merchants");
  merchant_list->add_option("--home", mf->first, "Clever's home directory");
  auto with_accounts = [mf, &state](const std::function<void(server::Accounts&)>& body) {
    auto home = ResolveHome(mf->first);
    if (!home.ok()) {
      std::cerr << "error: " << home.status().message() << "\n";
      state.exit_code = 1;
      return;
    }
    auto db = OpenHomeDatabase(*home);
    if (!db.ok()) {
      std::cerr << "error: cannot open Clever's database: " << db.status().message() << "\n";
      state.exit_code = 1;
      return;
    }
    server::Accounts accounts(**db, Clock::Real());
    body(accounts);
  };
  merchant_add->callback([mf, with_accounts, &state] {
    with_accounts([&](server::Accounts& accounts) {
      auto id = accounts.CreateMerchant(mf->second);
      if (!id.ok()) {
        std::cerr << "error: " << id.status().message() << "\n";
        state.exit_code = 1;
        return;
      }
      std::cout << "Added merchant \"" << mf->second << "\". Now add a team member:\n"
                << "  clever user add --merchant \"" << mf->second
                << "\" --email you@example.com\n";
    });
  });
  merchant_list->callback([with_accounts, &state] {
    with_accounts([&](server::Accounts& accounts) {
      auto list = accounts.ListMerchants();
      if (!list.ok()) {
        std::cerr << "error: " << list.status().message() << "\n";
        state.exit_code = 1;
        return;
      }
      for (const auto& m : *list) std::cout << m.id << "\t" << m.name << "\n";
    });
  });
}

}  // namespace clever::cli
