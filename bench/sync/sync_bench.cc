// Sync benchmark against the real store simulator (docs/sync.md, "Benchmark"). One command:
//
//   sync_bench [--orders 100000] [--concurrency 4] [--latency-ms 50] [--latency-orders 20000]
//              [--wcsim build/sim/wcsim] [--dir /tmp/clever-sync-bench] [--keep-db]
//              [--synthetic-orders 0] [--incremental-only [--incremental-latency-ms 50]]
//              [--customer-listing scheduled|every-run]
//
// `--keep-db` also keeps the full sync's database as DIR/sync-full.db (with full.out/raw.out);
// `--incremental-only` then re-runs only step 3 on a copy of it against a fresh wcsim of the same
// --orders (its data and clock are deterministic), so the incremental can be measured in seconds.
// Every request log gets a `.timing` file beside it (start/end ms, route, query).
//
// For each run (loopback speed, then with --latency-ms added by wcsim to every request) it
// starts `wcsim --orders N --ready-file F` and measures, each in a separate process of this
// binary (so peak RSS is the sync's own, not wcsim's nor the raw replay's):
//   1. a full sync through the real client path (woo::Api over OAuth 1.0a on http loopback, one
//      curl transport per fetch worker), recording every request it sends;
//   2. the raw download bound: the recorded requests replayed through the same Fetcher, Api and
//      transport with the same concurrency, bodies thrown away;
//   3. an incremental sync after changing 1% of the orders (`/__wcsim/mutate`: half new orders,
//      half status changes).
// It prints the ratios, records/s, peak RSS, CPU time (the sync's, its writing thread's, wcsim's
// during each step) and the floors that CPU sets here, and checks the stored order count against
// `/__wcsim/stats`. `--synthetic-orders N` adds the old in-process synthetic store run (no
// server cost at all: isolates the sync's own CPU).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/sync/synthetic_store.h"
#include "common/clock.h"
#include "common/dates.h"
#include "net/curl_transport.h"
#include "store/database.h"
#include "store/derived.h"
#include "store/schema.h"
#include "sync/fetcher.h"
#include "sync/sync.h"
#include "woo/api.h"

namespace {

namespace fs = std::filesystem;
using clever::Clock;
using clever::Status;
using clever::StatusOr;
using Seconds = std::chrono::duration<double>;

// ------------------------------------------------------------------------------ child processes
// A child writes "key value" lines to its --out file; the parent reads them and adds ru_maxrss.
using Results = std::map<std::string, double>;

bool WriteResults(const std::string& path, const Results& r) {
  std::ofstream out(path);
  out.precision(17);  // counts above 10^6 must not round (the default is 6 digits)
  for (const auto& [k, v] : r) out << k << " " << v << "\n";
  return static_cast<bool>(out);
}

Results ReadResults(const std::string& path) {
  Results r;
  std::ifstream in(path);
  std::string k;
  double v = 0;
  while (in >> k >> v) r[k] = v;
  return r;
}

// Runs this binary with `args`; returns its results plus "rss_mib" (peak RSS of the child).
Results RunChild(const std::vector<std::string>& args, const std::string& out_file) {
  fs::remove(out_file);
  std::vector<std::string> all = {"/proc/self/exe"};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back("--out");
  all.push_back(out_file);
  std::string self = fs::read_symlink("/proc/self/exe").string();
  pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(self.c_str(), argv.data());
    std::_Exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  Results r = ReadResults(out_file);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || r.empty()) {
    std::fprintf(stderr, "child %s failed (status %d)\n", args[1].c_str(), status);
    std::exit(1);
  }
  r["rss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  r["cpu_s"] = secs(usage.ru_utime) + secs(usage.ru_stime);
  return r;
}

// ------------------------------------------------------------------------------ the store's API
struct StoreAddress {
  int port = 0;
  std::string home_url;
};

clever::woo::Endpoint EndpointOf(const StoreAddress& a) {
  clever::woo::Endpoint e;
  e.store_url = "http://127.0.0.1:" + std::to_string(a.port);
  e.home_url = a.home_url.empty() ? e.store_url : a.home_url;
  e.auth = clever::woo::AuthMode::kOAuth1;
  e.allow_private_network = true;
  e.timeout_ms = 120000;
  return e;
}

// What connect::ConnectorService::OpenApi builds for a sync (cli/sync_cmd.cc): a fresh curl
// transport + Api per worker, one attempt per Get (the fetcher retries).
clever::woo::ApiFactory RealFactory(const StoreAddress& a) {
  clever::woo::Endpoint endpoint = EndpointOf(a);
  clever::woo::Credentials credentials{"ck_wcsim_read", "cs_wcsim_read"};
  return [endpoint, credentials]() -> std::unique_ptr<clever::woo::Api> {
    auto transport = clever::net::CurlTransport::Create(clever::woo::TransportOptionsFor(endpoint));
    if (!transport.ok()) return nullptr;
    return clever::woo::MakeApi(endpoint, credentials, std::move(*transport), Clock::Real(),
                                clever::sync::SyncApiOptions());
  };
}

// Records every request (route + params) an Api sends, for the raw replay.
// Beside the log, `<log>.timing` gets one line per request: start and end in ms since the
// sync began, the route and the query (to see what the sync waits on and what overlaps).
class RecordingLog {
 public:
  void Add(const std::string& route, const clever::woo::Params& params, double start_ms,
           double end_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string query;
    for (const auto& [k, v] : params) {
      if (k != "_fields") query += (query.empty() ? "" : "&") + k + "=" + v.substr(0, 40);
    }
    lines_ += route;
    for (const auto& [k, v] : params) lines_ += "\x1f" + k + "=" + v;
    lines_ += "\n";
    char head[64];
    std::snprintf(head, sizeof head, "%.1f %.1f ", start_ms, end_ms);
    timing_ += head + route + " " + query + "\n";
    ++count_;
  }
  bool Save(const std::string& path) {
    std::ofstream out(path);
    out << lines_;
    std::ofstream timing(path + ".timing");
    timing << timing_;
    return static_cast<bool>(out) && static_cast<bool>(timing);
  }
  int64_t count() const { return count_; }
  [[nodiscard]] double SinceStartMs() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0_)
        .count();
  }

 private:
  std::mutex mu_;
  std::string lines_, timing_;
  int64_t count_ = 0;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

class RecordingApi : public clever::woo::Api {
 public:
  RecordingApi(std::unique_ptr<clever::woo::Api> inner, RecordingLog& log)
      : inner_(std::move(inner)), log_(log) {}
  StatusOr<clever::woo::Response> Get(const std::string& route,
                                      const clever::woo::Params& params) override {
    const double start = log_.SinceStartMs();
    auto r = inner_->Get(route, params);
    log_.Add(route, params, start, log_.SinceStartMs());
    return r;
  }

 private:
  std::unique_ptr<clever::woo::Api> inner_;
  RecordingLog& log_;
};

std::vector<std::pair<std::string, clever::woo::Params>> LoadLog(const std::string& path) {
  std::vector<std::pair<std::string, clever::woo::Params>> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
      size_t pos = line.find('\x1f', start);
      parts.push_back(line.substr(start, pos == std::string::npos ? pos : pos - start));
      if (pos == std::string::npos) break;
      start = pos + 1;
    }
    clever::woo::Params params;
    for (size_t i = 1; i < parts.size(); ++i) {
      size_t eq = parts[i].find('=');
      params.emplace_back(parts[i].substr(0, eq), parts[i].substr(eq + 1));
    }
    out.emplace_back(parts[0], std::move(params));
  }
  return out;
}

// CPU seconds the calling thread has used (the sync writes every row on the thread that calls
// SyncEngine::Run: the fetch workers only download and parse).
double ThreadCpuSeconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// CPU seconds (user + system) process `pid` has used so far, from /proc/PID/stat; -1 if unknown.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces, hence the last ')'): state is the
  // 3rd field of the line, utime and stime the 14th and 15th.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Bytes this process has written with write/pwrite so far (/proc/self/io `wchar`; -1 if unknown).
double WrittenBytes() {
  std::ifstream in("/proc/self/io");
  std::string k;
  double v = 0;
  while (in >> k >> v) {
    if (k == "wchar:") return v;
  }
  return -1;
}

// Child: one sync (full or incremental) of the store into `db`.
// How the incremental run is made (`--customer-listing`): "scheduled" (the default: as `clever
// sync --watch` and the hub run it, SyncOptions::ForScheduledRuns: the whole customer listing and
// the reports once an hour) or "every-run" (as a one-shot `clever sync`). Set once in main,
// before any child starts.
std::string g_customer_listing = "scheduled";

int ChildSync(const StoreAddress& a, const std::string& db_path, int concurrency, bool full,
              const std::string& log_path, const std::string& out) {
  auto db = clever::store::OpenSqlite(db_path);
  if (!db.ok() || !clever::store::Migrate(**db).ok()) {
    std::fprintf(stderr, "cannot open %s\n", db_path.c_str());
    return 1;
  }
  RecordingLog log;
  clever::woo::ApiFactory inner = RealFactory(a);
  clever::woo::ApiFactory factory = [&]() -> std::unique_ptr<clever::woo::Api> {
    auto api = inner();
    if (!api) return nullptr;
    return std::make_unique<RecordingApi>(std::move(api), log);
  };
  clever::sync::SyncOptions options;
  options.concurrency = concurrency;
  options.full = full;
  if (g_customer_listing == "scheduled") {
    options.ForScheduledRuns();
  }
  // The derived refresh runs inside Run, as in `clever sync` (with the sync's SQLite settings);
  // its wall time comes back in `stats.ms`.
  clever::store::RefreshStats stats;
  options.refresh_stats = &stats;
  clever::sync::SyncEngine engine(**db, factory, Clock::Real(), options);
  const double w0 = WrittenBytes();
  const double cpu0 = ThreadCpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  // Per category: when it started and ended (ms since the sync began), into `<log>.categories`.
  std::string phases;
  std::map<std::string, double> began;
  Status s = engine.Run(1, [&](const clever::sync::CategoryStatus& c) {
    const double ms = Seconds(std::chrono::steady_clock::now() - t0).count() * 1000;
    if (began.count(c.category) == 0) began[c.category] = ms;
    if (c.state != "syncing") {
      char line[160];
      std::snprintf(line, sizeof line, "%-10s %8.1f %8.1f %7.1f ms  %s %lld records\n",
                    c.category.c_str(), began[c.category], ms, ms - began[c.category],
                    c.state.c_str(), static_cast<long long>(c.records_done));
      phases += line;
    }
  });
  auto t1 = std::chrono::steady_clock::now();
  if (!log_path.empty()) std::ofstream(log_path + ".categories") << phases;
  if (!s.ok()) {
    std::fprintf(stderr, "sync failed: %s\n", s.ToString().c_str());
    return 1;
  }
  auto derived = clever::store::ReadDerived(**db, 1);
  if (!derived.ok() || !derived->fresh) {
    std::fprintf(stderr, "the derived refresh did not leave fresh tables\n");
    return 1;
  }
  Results r;
  auto count = [&](const char* sql) {
    auto rs = (*db)->Query(sql);
    return rs.ok() && !rs->rows.empty() ? static_cast<double>(clever::store::AsInt(rs->rows[0][0]))
                                        : -1.0;
  };
  r["orders"] = count("SELECT count(*) FROM orders WHERE store_id = 1");
  r["records"] = count("SELECT sum(records_done) FROM sync_state WHERE store_id = 1");
  // Closing checkpoints the WAL into the database file (part of what `clever sync` takes).
  const auto t2 = std::chrono::steady_clock::now();
  db->reset();
  const auto t3 = std::chrono::steady_clock::now();
  const double refresh = static_cast<double>(stats.ms) / 1000;
  r["seconds"] = Seconds(t3 - t0).count() - Seconds(t2 - t1).count();  // sync + refresh + close
  r["refresh_s"] = refresh;
  r["sync_s"] = Seconds(t1 - t0).count() - refresh;
  r["close_s"] = Seconds(t3 - t2).count();
  // The counts above are read on this thread too (a few ms).
  r["writer_cpu_s"] = ThreadCpuSeconds() - cpu0;
  r["sync_written_mib"] = (WrittenBytes() - w0) / (1 << 20);  // sync + refresh + close
  r["requests"] = static_cast<double>(log.count());
  r["refresh_days"] = static_cast<double>(stats.days);
  r["refresh_customers"] = static_cast<double>(stats.customers);
  r["refresh_days_s"] = static_cast<double>(stats.days_us) / 1e6;
  r["refresh_periods_s"] = static_cast<double>(stats.periods_us) / 1e6;
  r["refresh_customers_s"] = static_cast<double>(stats.customers_us) / 1e6;
  // A first sync builds the derived tables beside its writer: refresh_s is then the writer's
  // copy of them (during the load, or at its end after waiting for the build), this the build's
  // own time on its thread.
  r["refresh_beside_s"] = stats.beside ? static_cast<double>(stats.beside_ms) / 1000 : -1;
  if (!log_path.empty() && !log.Save(log_path)) return 1;
  return WriteResults(out, r) ? 0 : 1;
}

// Child: the raw download bound (the recorded requests, same concurrency, bodies dropped).
int ChildRaw(const StoreAddress& a, int concurrency, const std::string& log_path,
             const std::string& out) {
  auto log = LoadLog(log_path);
  clever::sync::FetchPolicy policy;
  policy.concurrency = concurrency;
  clever::sync::Fetcher fetcher(RealFactory(a), Clock::Real(), policy);
  std::vector<std::future<Status>> pending;
  pending.reserve(log.size());
  std::atomic<int64_t> bytes{0};
  auto t0 = std::chrono::steady_clock::now();
  for (auto& [route, params] : log) {
    pending.push_back(fetcher.Submit(route, params, [&bytes](const clever::woo::Response& r) {
      bytes += static_cast<int64_t>(r.body.size());
      return r.body.empty() ? clever::DataLossError("empty") : clever::OkStatus();
    }));
  }
  int failed = 0;
  for (auto& p : pending) failed += p.get().ok() ? 0 : 1;
  double secs = Seconds(std::chrono::steady_clock::now() - t0).count();
  Results r;
  r["seconds"] = secs;
  r["requests"] = static_cast<double>(log.size());
  r["failed"] = failed;
  r["mib"] = static_cast<double>(bytes.load()) / (1024.0 * 1024.0);
  return WriteResults(out, r) ? 0 : 1;
}

// ------------------------------------------------------------------------------ wcsim
struct Wcsim {
  pid_t pid = -1;
  StoreAddress address;
  ~Wcsim() { Stop(); }
  void Stop() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
      pid = -1;
    }
  }
};

bool StartWcsim(const std::string& exe, const std::string& dir, int64_t orders, int latency_ms,
                Wcsim& sim) {
  std::string ready = dir + "/wcsim.ready.json";
  std::string log = dir + "/wcsim.log";
  fs::remove(ready);
  std::vector<std::string> args = {
      exe,      "--seed", "1",          "--orders",     std::to_string(orders),
      "--port", "0",      "--no-https", "--ready-file", ready};
  if (latency_ms > 0) {
    args.push_back("--latency-ms");
    args.push_back(std::to_string(latency_ms));
  }
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    std::_Exit(127);
  }
  sim.pid = pid;
  for (int i = 0; i < 6000; ++i) {  // 1M orders generate in seconds to a minute
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      sim.pid = -1;
      std::fprintf(stderr, "wcsim exited early; see %s\n", log.c_str());
      return false;
    }
    std::ifstream in(ready);
    if (in) {
      auto j = nlohmann::json::parse(in, nullptr, false);
      if (!j.is_discarded() && j.contains("http_port")) {
        sim.address.port = j["http_port"].get<int>();
        sim.address.home_url = j.value("home_url", "");
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "wcsim did not become ready; see %s\n", log.c_str());
  return false;
}

StatusOr<nlohmann::json> Control(const StoreAddress& a, const std::string& method,
                                 const std::string& path, const std::string& body = "") {
  clever::net::TransportOptions options;
  options.allow_private_network = true;
  CLEVER_ASSIGN_OR_RETURN(auto transport, clever::net::CurlTransport::Create(options));
  clever::net::HttpRequest req;
  req.method = method;
  req.url = "http://127.0.0.1:" + std::to_string(a.port) + path;
  req.body = body;
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  CLEVER_ASSIGN_OR_RETURN(clever::net::HttpResponse r, transport->Send(req));
  if (r.status != 200) return clever::InternalError(path + ": HTTP " + std::to_string(r.status));
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return clever::DataLossError(path + ": not JSON");
  return j;
}

// ------------------------------------------------------------------------------ one run
struct Figures {
  int64_t orders = 0;
  Results full, raw, incr;
  int64_t changed = 0;
  bool counts_match = false;
};

bool MeasureWcsim(const std::string& wcsim, const std::string& dir, int64_t orders, int concurrency,
                  int latency_ms, bool keep_db, bool incremental_only, Figures& f) {
  f.orders = orders;
  Wcsim sim;
  if (!StartWcsim(wcsim, dir, orders, latency_ms, sim)) return false;
  const std::string db = dir + (latency_ms > 0 && !incremental_only
                                    ? "/sync-latency" + std::to_string(latency_ms) + ".db"
                                    : "/sync.db");
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db + ext);
  std::vector<std::string> common = {"--port",
                                     std::to_string(sim.address.port),
                                     "--home-url",
                                     sim.address.home_url.empty() ? "-" : sim.address.home_url,
                                     "--concurrency",
                                     std::to_string(concurrency),
                                     "--db",
                                     db,
                                     "--customer-listing",
                                     g_customer_listing};
  auto with = [&](std::vector<std::string> head) {
    head.insert(head.end(), common.begin(), common.end());
    return head;
  };
  // A child's figures plus the CPU wcsim used while it ran.
  auto run = [&](const std::vector<std::string>& args, const std::string& out) {
    const double served = ProcessCpuSeconds(sim.pid);
    Results r = RunChild(args, out);
    r["wcsim_cpu_s"] = ProcessCpuSeconds(sim.pid) - served;
    return r;
  };
  const std::string log = dir + "/requests.log";
  const std::string snapshot = dir + "/sync-full.db";
  if (incremental_only) {
    // The kept full sync of the same generated store (wcsim's data and clock are deterministic
    // for a seed and order count): copied, then mutated and synced incrementally below.
    if (!fs::exists(snapshot)) {
      std::fprintf(stderr, "%s is missing: run once with --keep-db first\n", snapshot.c_str());
      return false;
    }
    fs::copy_file(snapshot, db, fs::copy_options::overwrite_existing);
    f.full = ReadResults(dir + "/full.out");
    f.raw = ReadResults(dir + "/raw.out");
    if (f.full.empty() || f.raw.empty()) {
      std::fprintf(stderr, "%s/full.out or raw.out is missing: run once with --keep-db first\n",
                   dir.c_str());
      return false;
    }
  } else {
    f.full = run(with({"--child", "sync", "--full", "1", "--log", log}), dir + "/full.out");
    if (keep_db && latency_ms == 0) {
      // The child closed the database (its WAL checkpointed into the file): kept for
      // --incremental-only.
      fs::copy_file(db, snapshot, fs::copy_options::overwrite_existing);
    }
    f.raw = run(with({"--child", "raw", "--log", log}), dir + "/raw.out");
    // With the parent's figures (peak RSS, CPU), for --incremental-only.
    WriteResults(dir + "/full.out", f.full);
    WriteResults(dir + "/raw.out", f.raw);
  }
  // 1% of the orders change: half new, half with a new status (date_modified moves).
  f.changed = std::max<int64_t>(2, orders / 100);
  nlohmann::json mutate = {{"advance_seconds", 3600},
                           {"new_orders", f.changed / 2},
                           {"status_changes", f.changed - f.changed / 2}};
  auto m = Control(sim.address, "POST", "/__wcsim/mutate", mutate.dump());
  if (!m.ok()) {
    std::fprintf(stderr, "mutate: %s\n", m.status().ToString().c_str());
    return false;
  }
  f.incr = run(with({"--child", "sync", "--full", "0", "--log", dir + "/requests-incr.log"}),
               dir + "/incr.out");
  WriteResults(dir + "/incr.out", f.incr);  // with the parent's figures (peak RSS, CPU)
  auto stats = Control(sim.address, "GET", "/__wcsim/stats");
  if (stats.ok()) {
    int64_t remote = -1;
    if (stats->contains("orders") && (*stats)["orders"].is_object()) {
      remote = (*stats)["orders"].value("count", int64_t{-1});
    }
    f.counts_match = remote == static_cast<int64_t>(f.incr["orders"]);
    if (!f.counts_match) {
      std::fprintf(stderr, "MISMATCH: stored %.0f orders, wcsim lists %lld\n", f.incr["orders"],
                   static_cast<long long>(remote));
    }
  }
  sim.Stop();
  if (!keep_db) {
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db + ext);
  }
  fs::remove(log);
  return true;
}

void Print(const std::string& label, const Figures& f) {
  // Older full.out files (kept for --incremental-only) lack the newer figures.
  auto figure = [](const Results& r, const char* key) {
    auto it = r.find(key);
    return it == r.end() ? -1.0 : it->second;
  };
  std::printf("%s\n", label.c_str());
  std::printf("  orders                 %lld (wcsim, seed 1)\n", static_cast<long long>(f.orders));
  std::printf(
      "  full sync              %.2f s (%.0f requests) = sync %.2f s + derived refresh %.2f s + "
      "close %.2f s\n",
      f.full.at("seconds"), f.full.at("requests"), f.full.at("sync_s"), f.full.at("refresh_s"),
      f.full.at("close_s"));
  if (figure(f.full, "refresh_beside_s") >= 0) {
    std::printf(
        "                         (the derived tables built beside the sync in %.2f s; the "
        "refresh's time above is their copy in, by the writer, after the first commit that found "
        "them ready)\n",
        figure(f.full, "refresh_beside_s"));
  }
  std::printf("  raw download bound     %.2f s (%.0f requests, %.1f MiB, %.0f failed)\n",
              f.raw.at("seconds"), f.raw.at("requests"), f.raw.at("mib"), f.raw.at("failed"));
  std::printf("  ratio full/raw         %.2fx   (target <= 1.2x)\n",
              f.full.at("seconds") / f.raw.at("seconds"));
  std::printf("  records/s              %.0f orders/s, %.0f records/s (all categories)\n",
              f.full.at("orders") / f.full.at("seconds"),
              f.full.at("records") / f.full.at("seconds"));
  std::printf("  peak RSS of the sync   %.1f MiB (raw replay process %.1f MiB)\n",
              f.full.at("rss_mib"), f.raw.at("rss_mib"));
  std::printf(
      "  CPU time               sync %.1f s (its writing thread %.1f s), raw replay %.1f s; wcsim "
      "%.1f s serving the sync, %.1f s the replay (user+sys)\n",
      f.full.at("cpu_s"), figure(f.full, "writer_cpu_s"), f.raw.at("cpu_s"),
      figure(f.full, "wcsim_cpu_s"), figure(f.raw, "wcsim_cpu_s"));
  // What this machine allows the full sync at best: the writing thread runs its rows one after
  // the other, and the sync and wcsim share the machine's cores.
  const double cores = static_cast<double>(std::max(1u, std::thread::hardware_concurrency()));
  const double serial = figure(f.full, "writer_cpu_s");
  const double shared = (f.full.at("cpu_s") + figure(f.full, "wcsim_cpu_s")) / cores;
  if (serial > 0 && figure(f.full, "wcsim_cpu_s") >= 0) {
    std::printf(
        "  floors here            writing thread %.2f s = %.2fx raw; all CPU / %.0f cores %.2f s = "
        "%.2fx raw\n",
        serial, serial / f.raw.at("seconds"), cores, shared, shared / f.raw.at("seconds"));
  }
  std::printf(
      "  incremental (1%% = %lld orders changed) %.3f s (%.0f requests), %.2f%% of full   "
      "(target <= 3%%)\n"
      "                         customer listing: %s\n",
      static_cast<long long>(f.changed), f.incr.at("seconds"), f.incr.at("requests"),
      100.0 * f.incr.at("seconds") / f.full.at("seconds"),
      g_customer_listing == "scheduled"
          ? "scheduled run (clever sync --watch, the hub): customer listing and reports hourly"
          : "every run (a one-shot clever sync)");
  std::printf(
      "  incremental split      sync %.3f s + derived refresh %.3f s + close %.3f s (CPU %.2f s, "
      "its writing thread %.2f s; wcsim %.2f s)\n",
      f.incr.at("sync_s"), f.incr.at("refresh_s"), f.incr.at("close_s"), f.incr.at("cpu_s"),
      figure(f.incr, "writer_cpu_s"), figure(f.incr, "wcsim_cpu_s"));
  std::printf(
      "  incremental refresh    %.0f days %.3f s, their months/years %.3f s, %.0f customers "
      "%.3f s\n",
      f.incr.at("refresh_days"), f.incr.at("refresh_days_s"), f.incr.at("refresh_periods_s"),
      f.incr.at("refresh_customers"), f.incr.at("refresh_customers_s"));
  std::printf(
      "  written                full %.0f MiB, incremental %.1f MiB (sync + refresh + close: "
      "database + WAL)\n",
      f.full.at("sync_written_mib"), f.incr.at("sync_written_mib"));
  std::printf("  stored orders after incremental = wcsim's: %s\n", f.counts_match ? "yes" : "NO");
  std::fflush(stdout);
}

// ------------------------------------------------------------------------------ synthetic store
void MeasureSynthetic(int64_t orders, int concurrency, const std::string& dir) {
  const std::string db_path = dir + "/synthetic.db";
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db_path + ext);
  auto db = clever::store::OpenSqlite(db_path);
  if (!db.ok() || !clever::store::Migrate(**db).ok()) return;
  clever::bench::SyntheticStore store(orders, 0);
  clever::sync::SyncOptions options;
  options.concurrency = concurrency;
  clever::sync::SyncEngine engine(**db, store.Factory(), Clock::Real(), options);
  auto t0 = std::chrono::steady_clock::now();
  Status s = engine.Run(1, {});
  double full = Seconds(std::chrono::steady_clock::now() - t0).count();
  if (!s.ok()) std::fprintf(stderr, "synthetic sync: %s\n", s.ToString().c_str());
  auto log = store.TakeLog();
  clever::sync::FetchPolicy policy;
  policy.concurrency = concurrency;
  double raw = 0;
  {
    clever::sync::Fetcher fetcher(store.Factory(), Clock::Real(), policy);
    std::vector<std::future<Status>> pending;
    auto r0 = std::chrono::steady_clock::now();
    for (auto& [route, params] : log) {
      pending.push_back(fetcher.Submit(route, params, [](const clever::woo::Response& r) {
        return r.body.empty() ? clever::DataLossError("empty") : clever::OkStatus();
      }));
    }
    for (auto& p : pending) (void)p.get();
    raw = Seconds(std::chrono::steady_clock::now() - r0).count();
  }
  std::printf("in-process synthetic store (no HTTP, no server cost: the sync's own CPU)\n");
  std::printf("  orders %lld: full sync %.2f s = %.0f orders/s; raw %.2f s; ratio %.1fx\n",
              static_cast<long long>(orders), full, static_cast<double>(orders) / full, raw,
              full / raw);
  db->reset();
  for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db_path + ext);
}

std::string DefaultWcsim() {
  fs::path exe = fs::read_symlink("/proc/self/exe").parent_path();
  for (const auto& c : {exe / "../../sim/wcsim", exe / "wcsim"}) {
    if (fs::exists(c)) return fs::canonical(c).string();
  }
  return "build/sim/wcsim";
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  bool keep_db = false, incremental_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--keep-db") {
      keep_db = true;
      continue;
    }
    if (k == "--incremental-only") {
      incremental_only = true;
      keep_db = true;
      continue;
    }
    if (k.rfind("--", 0) != 0 || i + 1 >= argc) {
      std::fprintf(stderr, "usage: see the top of bench/sync/sync_bench.cc\n");
      return 2;
    }
    flags[k.substr(2)] = argv[++i];
  }
  auto get = [&](const std::string& k, const std::string& def) {
    auto it = flags.find(k);
    return it == flags.end() ? def : it->second;
  };
  const int concurrency = std::stoi(get("concurrency", "4"));
  g_customer_listing = get("customer-listing", "scheduled");
  if (g_customer_listing != "scheduled" && g_customer_listing != "every-run") {
    std::fprintf(stderr, "--customer-listing takes scheduled or every-run\n");
    return 2;
  }
  if (flags.count("child") != 0) {
    StoreAddress a{std::stoi(get("port", "0")), get("home-url", "-")};
    if (a.home_url == "-") a.home_url.clear();
    if (flags["child"] == "sync") {
      return ChildSync(a, get("db", ""), concurrency, get("full", "1") == "1", get("log", ""),
                       get("out", ""));
    }
    if (flags["child"] == "raw") return ChildRaw(a, concurrency, get("log", ""), get("out", ""));
    return 2;
  }
  const int64_t orders = std::stoll(get("orders", "100000"));
  const int64_t latency_orders = std::stoll(get("latency-orders", "20000"));
  const int latency_ms = std::stoi(get("latency-ms", "50"));
  const int64_t synthetic = std::stoll(get("synthetic-orders", "0"));
  const std::string wcsim = get("wcsim", DefaultWcsim());
  const std::string dir = get("dir", "/tmp/clever-sync-bench");
  fs::create_directories(dir);
  std::printf("sync benchmark: wcsim %s, concurrency %d, work dir %s\n", wcsim.c_str(), concurrency,
              dir.c_str());
  if (orders > 0) {
    Figures f;
    // --incremental-only may add latency (the kept full sync is of the same data).
    const int incr_latency = incremental_only ? std::stoi(get("incremental-latency-ms", "0")) : 0;
    if (!MeasureWcsim(wcsim, dir, orders, concurrency, incr_latency, keep_db, incremental_only,
                      f)) {
      return 1;
    }
    Print(incr_latency > 0 ? "wcsim with " + std::to_string(incr_latency) +
                                 " ms added to every request (incremental only)"
                           : std::string("wcsim on loopback (no added latency)"),
          f);
  }
  if (latency_ms > 0 && latency_orders > 0 && !incremental_only) {
    Figures f;
    if (!MeasureWcsim(wcsim, dir, latency_orders, concurrency, latency_ms, false, false, f)) {
      return 1;
    }
    Print("wcsim with " + std::to_string(latency_ms) + " ms added to every request", f);
  }
  if (synthetic > 0) MeasureSynthetic(synthetic, concurrency, dir);
  return 0;
}
