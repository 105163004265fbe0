// Sync benchmark (one command): full sync of a synthetic store with N orders, as a ratio to the
// raw download bound (the very same requests replayed with the same concurrency, bodies thrown
// away); records/s; peak RSS; incremental sync after 1% changes as a ratio to the full sync;
// then the same with per-request latency. Usage:
//   sync_bench [--orders 100000] [--concurrency 4] [--latency-ms 50] [--latency-orders 20000]
//              [--db /tmp/clever-bench.db]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "bench/sync/synthetic_store.h"
#include "common/clock.h"
#include "store/database.h"
#include "store/schema.h"
#include "sync/fetcher.h"
#include "sync/sync.h"

namespace {

using clever::Clock;
using clever::Status;
using Seconds = std::chrono::duration<double>;

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

struct Figures {
  double full_s = 0, raw_s = 0, incr_s = 0, rss_mib = 0;
  int64_t orders = 0, full_requests = 0, incr_requests = 0;
};

Figures Measure(int64_t orders, int concurrency, int latency_ms, const std::string& db_path) {
  Figures f;
  f.orders = orders;
  std::filesystem::remove(db_path);
  std::filesystem::remove(db_path + "-wal");
  std::filesystem::remove(db_path + "-shm");
  auto db = clever::store::OpenSqlite(db_path);
  if (!db.ok() || !clever::store::Migrate(**db).ok()) {
    std::fprintf(stderr, "cannot open %s\n", db_path.c_str());
    std::exit(1);
  }
  clever::bench::SyntheticStore store(orders, latency_ms);
  clever::sync::SyncOptions options;
  options.concurrency = concurrency;
  clever::sync::SyncEngine engine(**db, store.Factory(), Clock::Real(), options);

  auto t0 = std::chrono::steady_clock::now();
  Status s = engine.Run(1, {});
  f.full_s = Seconds(std::chrono::steady_clock::now() - t0).count();
  if (!s.ok()) std::fprintf(stderr, "full sync: %s\n", s.ToString().c_str());
  f.rss_mib = PeakRssMiB();
  auto log = store.TakeLog();
  f.full_requests = static_cast<int64_t>(log.size());

  // Raw download bound: the same requests, same concurrency, bodies discarded.
  {
    clever::sync::FetchPolicy policy;
    policy.concurrency = concurrency;
    clever::sync::Fetcher fetcher(store.Factory(), Clock::Real(), policy);
    std::vector<std::future<Status>> pending;
    auto r0 = std::chrono::steady_clock::now();
    for (auto& [route, params] : log) {
      pending.push_back(fetcher.Submit(route, params, [](const clever::woo::Response& r) {
        return r.body.empty() ? clever::DataLossError("empty") : clever::OkStatus();
      }));
    }
    for (auto& p : pending) (void)p.get();
    f.raw_s = Seconds(std::chrono::steady_clock::now() - r0).count();
    (void)store.TakeLog();
  }

  // Incremental after 1% changes (half modified, half new).
  store.Change(orders / 200, orders / 200);
  auto i0 = std::chrono::steady_clock::now();
  s = engine.Run(1, {});
  f.incr_s = Seconds(std::chrono::steady_clock::now() - i0).count();
  if (!s.ok()) std::fprintf(stderr, "incremental sync: %s\n", s.ToString().c_str());
  f.incr_requests = static_cast<int64_t>(store.TakeLog().size());
  auto rs = (*db)->Query("SELECT count(*) FROM orders WHERE store_id = 1");
  int64_t stored = rs.ok() ? clever::store::AsInt(rs->rows[0][0]) : -1;
  if (stored != store.orders()) {
    std::fprintf(stderr, "MISMATCH: stored %lld orders, store has %lld\n",
                 static_cast<long long>(stored), static_cast<long long>(store.orders()));
  }
  db->reset();
  std::filesystem::remove(db_path);
  std::filesystem::remove(db_path + "-wal");
  std::filesystem::remove(db_path + "-shm");
  return f;
}

void Print(const char* label, const Figures& f) {
  std::printf("%s\n", label);
  std::printf("  orders                 %lld\n", static_cast<long long>(f.orders));
  std::printf("  full sync              %.2f s (%lld requests)\n", f.full_s,
              static_cast<long long>(f.full_requests));
  std::printf("  raw download bound     %.2f s\n", f.raw_s);
  std::printf("  ratio full/raw         %.2fx   (target <= 1.2x)\n", f.full_s / f.raw_s);
  std::printf("  records/s              %.0f\n", static_cast<double>(f.orders) / f.full_s);
  std::printf("  peak RSS               %.1f MiB\n", f.rss_mib);
  std::printf(
      "  incremental (1%%)       %.3f s (%lld requests), %.2f%% of full   (target <= 3%%)\n",
      f.incr_s, static_cast<long long>(f.incr_requests), 100.0 * f.incr_s / f.full_s);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t orders = 100000, latency_orders = 20000;
  int concurrency = 4, latency_ms = 50;
  std::string db_path = "/tmp/clever-sync-bench.db";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--orders") orders = std::stoll(argv[i + 1]);
    if (k == "--concurrency") concurrency = std::stoi(argv[i + 1]);
    if (k == "--latency-ms") latency_ms = std::stoi(argv[i + 1]);
    if (k == "--latency-orders") latency_orders = std::stoll(argv[i + 1]);
    if (k == "--db") db_path = argv[i + 1];
  }
  Print("loopback-speed synthetic store (no added latency)",
        Measure(orders, concurrency, 0, db_path));
  if (latency_ms > 0 && latency_orders > 0) {
    char label[128];
    std::snprintf(label, sizeof label, "with %d ms latency per request", latency_ms);
    Print(label, Measure(latency_orders, concurrency, latency_ms, db_path));
  }
  return 0;
}
