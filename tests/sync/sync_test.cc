// The sync engine against FakeStore: completeness, incremental, deletions, faults, paging under
// mutation, kill -9 resumption, sensitive data, status, scheduler.
#include "sync/sync.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "net/http.h"
#include "store/database.h"
#include "store/schema.h"
#include "sync/fetcher.h"
#include "sync/scheduler.h"
#include "tests/sync/fake_store.h"
#include "tests/sync/sync_testing.h"
#include "woo/records.h"

namespace clever::sync {
namespace {

using store::Value;
using testing::Dump;
using testing::ExpectMatchesStore;
using testing::FakeOptions;
using testing::FakeStore;
using testing::Fast;
using testing::Faults;
using testing::KillTrials;
using testing::kStore;
using testing::Mutation;
using testing::OpenDb;
using testing::Scalar;
using testing::States;
using testing::SyncOnce;

TEST(SyncEngine, FullSyncMatchesTheStoreInEveryCategory) {
  FakeStore fake(FakeOptions{});
  auto db = OpenDb();
  std::vector<CategoryStatus> progress;
  ASSERT_TRUE(SyncOnce(*db, fake, Fast(), &progress).ok());
  ExpectMatchesStore(*db, fake);
  for (const auto& [category, state] : States(*db)) EXPECT_EQ(state, "ok") << category;
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM report_sales WHERE store_id = ?"), 4);
  EXPECT_EQ(Scalar(*db,
                   "SELECT count(*) FROM store_info WHERE store_id = ? AND currency = 'USD' "
                   "AND timezone_string = 'America/New_York' AND has_woopayments = 1"),
            1);
  EXPECT_GT(Scalar(*db, "SELECT count(*) FROM product_categories WHERE store_id = ?"), 0);
  EXPECT_GT(Scalar(*db, "SELECT count(*) FROM variation_attributes WHERE store_id = ?"), 0);
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM variations WHERE store_id = ? AND manage_stock = 2"),
            4);
  // Progress: per category, records done never exceed the total, and end in a final state.
  bool saw_orders_ok = false;
  for (const auto& p : progress) {
    EXPECT_LE(p.records_done, p.records_total) << p.category;
    if (p.category == "orders" && p.state == "ok") saw_orders_ok = p.records_done == 300;
  }
  EXPECT_TRUE(saw_orders_ok);
}

TEST(SyncEngine, OnlyAllowlistedFieldsAreRequestedAndNoSecretIsStored) {
  FakeStore fake(FakeOptions{});
  std::string path = ::testing::TempDir() + "/secrets.db";
  std::filesystem::remove(path);
  {
    auto db = OpenDb(path);
    ASSERT_TRUE(SyncOnce(*db, fake).ok());
    ExpectMatchesStore(*db, fake);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  for (const std::string& secret : FakeStore::Secrets()) {
    EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
  }
  // Every collection request carries `_fields` (WooPayments wrappers, reports and the route
  // index excepted), and no request asks for a forbidden field.
  for (const auto& r : fake.requests()) {
    bool has_fields = false;
    for (const auto& [k, v] : r.params) {
      if (k == "_fields") {
        has_fields = true;
        for (const char* bad : {"meta_data", "order_key", "payment_url", "settings", "ip_address",
                                "user_agent", "password"}) {
          EXPECT_EQ(v.find(bad), std::string::npos) << r.route << " " << v;
        }
      }
    }
    bool exempt = r.route == "wc/v3" || r.route.rfind("wc/v3/payments/", 0) == 0 ||
                  r.route.rfind("wc/v3/reports/", 0) == 0;
    if (!exempt) {
      EXPECT_TRUE(has_fields) << r.route;
    }
  }
  std::filesystem::remove(path);
}

TEST(SyncEngine, WithoutWooPaymentsPayoutsAndDisputesAreNotAvailableAndSyncSucceeds) {
  FakeOptions o;
  o.woopayments = false;
  FakeStore fake(o);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  auto st = ReadStatus(*db, kStore);
  ASSERT_TRUE(st.ok());
  for (const auto& s : *st) {
    if (s.category == "payouts" || s.category == "disputes") {
      EXPECT_EQ(s.state, "not_available");
      EXPECT_EQ(s.reason, "not available on this store");
      EXPECT_FALSE(s.hint.empty());
    } else {
      EXPECT_EQ(s.state, "ok") << s.category;
    }
  }
  ExpectMatchesStore(*db, fake);
}

TEST(SyncEngine, OlderStoresWithoutRefundsVariationsOrModifiedAfterEndIdentical) {
  FakeStore modern(FakeOptions{});
  auto reference = OpenDb();
  ASSERT_TRUE(SyncOnce(*reference, modern).ok());
  FakeOptions old;
  old.refunds_route = false;
  old.variations_route = false;
  old.modified_after = false;
  FakeStore legacy(old);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, legacy).ok());
  EXPECT_EQ(Dump(*db), Dump(*reference));
  // Refunds came from orders with refunds[] only: never one request per order for all orders.
  int per_order = 0;
  for (const auto& r : legacy.requests()) {
    if (r.route.find("/refunds") != std::string::npos) ++per_order;
  }
  EXPECT_EQ(per_order,
            Scalar(*db, "SELECT count(*) FROM orders WHERE store_id = ? AND refund_count > 0"));
  EXPECT_LT(per_order, 300);
}

int OrderRecordPages(FakeStore& fake) {
  int pages = 0;
  for (const auto& r : fake.requests()) {
    if (r.route != "wc/v3/orders") continue;
    for (const auto& [k, v] : r.params) pages += (k == "_fields" && v != "id") ? 1 : 0;
  }
  return pages;
}

TEST(SyncEngine, IncrementalPicksUpExactlyTheChangesIncludingDeletions) {
  FakeOptions fo;
  fo.orders = 1000;
  FakeStore fake(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  const int64_t full_requests = fake.request_count();
  const int full_order_pages = OrderRecordPages(fake);
  EXPECT_GE(full_order_pages, 10);

  // Changes without deletions: a window of modified records, a count check, nothing else.
  fake.Mutate(Mutation{7, 5, 3, 2, 0, 0, 2, 0, 0, 3600});
  fake.ClearRequests();
  int64_t before = fake.request_count();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  EXPECT_LT(fake.request_count() - before, full_requests);
  EXPECT_EQ(OrderRecordPages(fake), 1);
  int id_listings = 0;
  for (const auto& r : fake.requests()) {
    bool ids = false, one = false, newest_first = false;
    for (const auto& [k, v] : r.params) {
      ids = ids || (k == "_fields" && v == "id");
      one = one || (k == "per_page" && v == "1");
      newest_first = newest_first || (k == "order" && v == "desc");
    }
    id_listings += (ids && !one && !newest_first) ? 1 : 0;
  }
  // Counts matched: no id-only listing needed. (The probe for new customer accounts reads ids
  // newest first: CustomersIncrementalFetchesOnlyNewAndChangedIds.)
  EXPECT_EQ(id_listings, 0);
  ExpectMatchesStore(*db, fake);

  // Now with deletions too: the count differs, an id listing reconciles them.
  Mutation m;
  m.new_orders = 7;
  m.status_changes = 5;
  m.refunds = 3;
  m.stock_changes = 2;
  m.delete_products = 1;
  m.delete_coupons = 1;
  m.new_customers = 2;
  m.delete_orders = 2;
  m.delete_customers = 1;
  fake.Mutate(m);
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  EXPECT_EQ(OrderRecordPages(fake), 1);
  bool windowed = false;
  for (const auto& r : fake.requests()) {
    if (r.route != "wc/v3/orders") continue;
    for (const auto& [k, v] : r.params) windowed = windowed || k == "modified_after";
  }
  EXPECT_TRUE(windowed);
  ExpectMatchesStore(*db, fake);
  ExpectEqualsAFreshSync(*db, fake);
}

// An incremental run asks for the orders' count with its first window page, before the pass
// (src/sync/engine.cc CountAfterPass). An order created after that count, which the pass then
// reads, makes the local count exceed it: the count is asked again after the pass, and no id
// listing (one request per 100 orders) is sent for what is not a deletion.
TEST(SyncEngine, AnOrderCreatedAfterThePrefetchedCountIsNotTakenForADeletion) {
  FakeOptions fo;
  fo.orders = 400;
  FakeStore fake(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  fake.Mutate(Mutation{3, 2, 0, 0, 0, 0, 0, 0, 0, 3600});
  // One worker: the count (queued first) is answered before the window's first page, and the
  // order is created just before that page is answered.
  std::atomic<bool> created{false};
  fake.SetHook([&](int64_t) {
    const auto log = fake.requests();
    const auto& r = log.back();
    bool window = false;
    for (const auto& [k, v] : r.params) window = window || k == "modified_after";
    if (r.route == "wc/v3/orders" && window && !created.exchange(true)) {
      fake.Mutate(Mutation{1, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    }
  });
  fake.ClearRequests();
  SyncOptions one = Fast();
  one.concurrency = 1;
  ASSERT_TRUE(SyncOnce(*db, fake, one).ok());
  fake.SetHook(nullptr);
  ASSERT_TRUE(created.load());
  int counts = 0, id_listings = 0;
  for (const auto& r : fake.requests()) {
    if (r.route != "wc/v3/orders") continue;
    bool ids = false, one_row = false;
    for (const auto& [k, v] : r.params) {
      ids = ids || (k == "_fields" && v == "id");
      one_row = one_row || (k == "per_page" && v == "1");
    }
    counts += (ids && one_row) ? 1 : 0;
    id_listings += (ids && !one_row) ? 1 : 0;
  }
  EXPECT_EQ(counts, 2);  // the prefetched one, and the one asked again after the pass
  EXPECT_EQ(id_listings, 0);
  ExpectMatchesStore(*db, fake);
  ExpectEqualsAFreshSync(*db, fake);
}

// Disputes between two whole listings: newest first, down to the page that reaches an entry
// older than the oldest open one (src/sync/engine.cc SettlingListPass), so a decision on an old
// open dispute is read, and the pages older than that are not.
TEST(SyncEngine, DisputesBetweenListingsAreReadBackToTheOldestOpenOne) {
  FakeOptions fo;
  fo.disputes = 250;  // open ones only among the newest 120: the horizon is on the second page
  FakeStore fake(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  ASSERT_EQ(Scalar(*db, "SELECT count(*) FROM disputes WHERE store_id = ?"), 250);
  Mutation decided;
  decided.dispute_decisions = 1;  // the oldest open one, on the second page newest first
  fake.Mutate(decided);
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  int newest_first = 0, oldest_first = 0;
  for (const auto& r : fake.requests()) {
    if (r.route != "wc/v3/payments/disputes") continue;
    for (const auto& [k, v] : r.params) {
      newest_first += (k == "direction" && v == "desc") ? 1 : 0;
      oldest_first += (k == "direction" && v == "asc") ? 1 : 0;
    }
  }
  EXPECT_EQ(newest_first, 2);  // of 3 pages
  EXPECT_EQ(oldest_first, 0);
  ExpectEqualsAFreshSync(*db, fake);
}

// Scheduled runs ask for the store's reports hourly (SyncOptions::ForScheduledRuns): a run
// within the hour sends no report request and keeps the category ok with its last success time;
// a one-shot sync, and a scheduled run once the hour is over, read them again.
TEST(SyncEngine, ScheduledRunsReadTheReportsHourly) {
  FakeOptions fo;
  FakeStore fake(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  auto reports_asked = [&] {
    int n = 0;
    for (const auto& r : fake.requests()) n += r.route.rfind("wc/v3/reports/", 0) == 0 ? 1 : 0;
    return n;
  };
  auto last_success = [&] {
    auto rs = db->Query(
        "SELECT state, last_success_at FROM sync_state WHERE store_id = ? AND category = "
        "'reports'",
        {Value{kStore}});
    EXPECT_TRUE(rs.ok() && !rs->rows.empty());
    return store::AsString(rs->rows[0][0]) + " " + store::AsString(rs->rows[0][1]);
  };
  const std::string fetched = last_success();
  SyncOptions scheduled = Fast();
  scheduled.ForScheduledRuns();
  fake.Mutate(Mutation{4, 2, 0, 0, 0, 0, 0, 0, 0, 600});
  fake.ClearRequests();
  FakeClock later(std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'600)));
  {
    SyncEngine engine(*db, fake.Factory(), later, scheduled);
    ASSERT_TRUE(engine.Run(kStore, nullptr).ok());
  }
  EXPECT_EQ(reports_asked(), 0);
  EXPECT_EQ(last_success(), fetched);
  EXPECT_EQ(fetched.rfind("ok ", 0), 0u) << fetched;
  // An hour after they were read, the scheduled run reads them.
  FakeClock hour(std::chrono::system_clock::time_point(std::chrono::seconds(1'700'003'600)));
  {
    SyncEngine engine(*db, fake.Factory(), hour, scheduled);
    ASSERT_TRUE(engine.Run(kStore, nullptr).ok());
  }
  EXPECT_EQ(reports_asked(), 8);
  EXPECT_NE(last_success(), fetched);
  // A one-shot sync reads them on every run.
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  EXPECT_EQ(reports_asked(), 8);
}

// An incremental run queues the small categories' GETs at its start (src/sync/engine.cc
// PrefetchIncremental), the first page of each small window included, as background work: they
// overlap the orders and customers passes instead of following them one by one, each GET is
// still asked once, and the rows are those of a fresh full sync.
TEST(SyncEngine, IncrementalPrefetchesTheSmallCategoriesAndAsksEachGetOnce) {
  FakeOptions fo;
  fo.orders = 600;
  fo.variations_route = false;  // one variation list per variable parent (WC < 10.3)
  FakeStore fake(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  fake.Mutate(Mutation{7, 5, 3, 2, 0, 0, 2, 0, 0, 3600});
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  const auto log = fake.requests();
  std::map<std::string, int> asked;
  size_t first_orders = log.size();
  size_t first_small = log.size();
  size_t first_customers = log.size(), last_window = 0;
  int variation_lists = 0, reports = 0, payouts = 0, windows = 0, counts = 0;
  for (size_t i = 0; i < log.size(); ++i) {
    std::string key = log[i].route;
    for (const auto& [k, v] : log[i].params) key += "&" + k + "=" + v;
    ++asked[key];
    const std::string& r = log[i].route;
    if (r == "wc/v3/orders" && first_orders == log.size()) first_orders = i;
    if (r == "wc/v3/customers" && first_customers == log.size()) first_customers = i;
    const bool variations = r.find("/variations") != std::string::npos;
    const bool report = r.rfind("wc/v3/reports/", 0) == 0;
    const bool payout = r == "wc/v3/payments/deposits" || r == "wc/v3/payments/disputes";
    variation_lists += variations ? 1 : 0;
    reports += report ? 1 : 0;
    payouts += payout ? 1 : 0;
    if ((report || payout || r == "wc/v3/payment_gateways") && first_small == log.size()) {
      first_small = i;
    }
    if (r == "wc/v3/products" || r == "wc/v3/coupons" || r == "wc/v3/refunds") {
      bool window = false, count = false;
      for (const auto& [k, v] : log[i].params) {
        window = window || k == "modified_after";
        count = count || (k == "per_page" && v == "1");
      }
      if (window) {
        ++windows;
        last_window = i;
      }
      counts += count ? 1 : 0;
    }
  }
  EXPECT_EQ(windows, 3);  // products, coupons, refunds: one page each, asked once
  // One count each: a prefetched count the pass does not take would show as a second one.
  EXPECT_EQ(counts, 3);
  for (const auto& [key, n] : asked) EXPECT_EQ(n, 1) << key;
  // Variation lists: only for parents whose date is in the window (not prefetched; see
  // VariationListsOnlyForChangedParentsBetweenReconciles).
  EXPECT_LE(variation_lists,
            Scalar(*db,
                   "SELECT count(*) FROM products WHERE store_id = ? AND type LIKE "
                   "'variable%'"));
  EXPECT_EQ(reports, 8);
  EXPECT_GE(payouts, 2);
  ASSERT_LT(first_orders, log.size());
  // Background work taken while the orders pass writes: the windows (queued first) went out
  // before the customers pass began, not after it.
  EXPECT_LT(last_window, first_customers);
  EXPECT_LT(first_small, log.size());
  ExpectMatchesStore(*db, fake);
  ExpectEqualsAFreshSync(*db, fake);
}

// A prefetched answer that cannot be read (cut short) is asked for again, with the fetcher's
// retries, as if it had been read when it arrived.
TEST(SyncEngine, AnUnreadablePrefetchedAnswerIsAskedForAgain) {
  FakeOptions fo;
  fo.orders = 300;
  fo.variations_route = false;
  FakeStore fake(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  fake.Mutate(Mutation{3, 3, 1, 1, 0, 0, 1, 0, 0, 3600});
  for (const char* route : {"wc/v3/reports/sales", "wc/v3/payments/deposits",
                            "wc/v3/products/categories", "wc/v3/payment_gateways"}) {
    Faults f;
    f.truncate_route = route;
    f.truncate_times = 1;
    fake.SetFaults(f);
    fake.ClearRequests();
    ASSERT_TRUE(SyncOnce(*db, fake).ok()) << route;
    int asked = 0;
    for (const auto& r : fake.requests()) asked += r.route == route ? 1 : 0;
    EXPECT_GE(asked, 2) << route;
    auto states = States(*db);
    for (const auto& [category, state] : states) EXPECT_EQ(state, "ok") << category << " " << route;
  }
  fake.SetFaults(Faults{});
  ExpectMatchesStore(*db, fake);
  ExpectEqualsAFreshSync(*db, fake);
}

// A first sync into empty tables drops the secondary indexes of orders, customers and their
// children and builds them at its end; a sync that fails, or starts where a killed one left them
// dropped, gets them back too (the kill -9 trials compare the schema as well: testing::Dump).
TEST(SyncEngine, FirstSyncLeavesEveryIndexAsMigrated) {
  auto schema = [](store::Database& db) {
    auto rs = db.Query(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        "ORDER BY name");
    EXPECT_TRUE(rs.ok()) << rs.status();
    std::string out;
    for (const auto& row : rs->rows) out += store::AsString(row[0]) + store::AsString(row[1]);
    return out;
  };
  auto db = OpenDb();
  const std::string migrated = schema(*db);
  // The sync's own SQLite settings (a larger page cache and temporary storage in memory while it
  // loads, less of both for the full refresh at its end) are the connection's own again
  // afterwards.
  auto settings = [](store::Database& conn) {
    std::string out;
    for (const char* pragma : {"cache_size", "temp_store", "wal_autocheckpoint"}) {
      auto rs = conn.Query(std::string("PRAGMA ") + pragma);
      EXPECT_TRUE(rs.ok()) << rs.status();
      out += std::string(pragma) + "=" + std::to_string(store::AsInt(rs->rows.at(0).at(0))) + " ";
    }
    return out;
  };
  ASSERT_TRUE(db->ExecuteScript("PRAGMA cache_size = -3000; PRAGMA temp_store = 1").ok());
  const std::string own = settings(*db);
  FakeOptions fo;
  fo.orders = 300;
  FakeStore fake(fo);
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  EXPECT_EQ(schema(*db), migrated);
  EXPECT_EQ(settings(*db), own);
  ExpectMatchesStore(*db, fake);
  // Dropped by a process that died before building them: the next sync (incremental) restores.
  ASSERT_TRUE(store::DropBulkLoadIndexes(*db).ok());
  EXPECT_NE(schema(*db), migrated);
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  EXPECT_EQ(schema(*db), migrated);
  // A first sync that fails (every request refused) still leaves them built.
  auto failed = OpenDb();
  FakeStore broken(fo);
  broken.SetFaults(Faults{1.0, 0, "", 0});
  SyncOptions o = Fast();
  o.max_attempts = 1;
  EXPECT_FALSE(SyncOnce(*failed, broken, o).ok());
  EXPECT_EQ(schema(*failed), migrated);
}

// Every row of the assistant's derived tables, sorted, and whether derived_state calls them fresh.
std::string DerivedRows(store::Database& db) {
  std::vector<std::string> rows;
  for (const char* t : {"customer_summary", "customer_periods", "daily_orders", "daily_products",
                        "daily_coupons", "daily_payments", "product_periods", "daily_refunds"}) {
    auto rs = db.Query(std::string("SELECT * FROM ") + t);
    EXPECT_TRUE(rs.ok()) << rs.status();
    if (!rs.ok()) continue;
    for (const auto& row : rs->rows) {
      std::string line = t;
      for (const Value& v : row) line += "|" + (store::IsNull(v) ? "~" : store::AsString(v));
      rows.push_back(line);
    }
  }
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (const auto& r : rows) out += r + "\n";
  auto state = store::ReadDerived(db, kStore);
  EXPECT_TRUE(state.ok()) << state.status();
  return out + (state.ok() && state->fresh ? "fresh" : "stale");
}

// A first sync into a database file builds the derived tables beside its writer
// (store::BackgroundFullBuild) once the orders and refunds are in, and copies them in after the
// first commit that finds the build ready, before the run ends: the rows a refresh gives, fresh.
// In memory (no second connection) it refreshes at the end, and an incremental run refreshes in
// line, as before.
TEST(SyncEngine, AFirstSyncBuildsTheDerivedTablesBesideItsWriter) {
  FakeOptions fo;
  fo.orders = 400;
  FakeStore fake(fo);
  const std::string path = ::testing::TempDir() + "/beside_" + std::to_string(getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto db = OpenDb(path);
  store::RefreshStats stats;
  SyncOptions o = Fast();
  o.refresh_stats = &stats;
  {
    // The build of 400 orders takes milliseconds: half a second after the customers' first page
    // it is ready, and the payments' commits copy it in.
    bool waited = false;
    std::string state_at_reports;
    FakeClock clock;
    SyncEngine engine(*db, fake.Factory(), clock, o);
    Status synced = engine.Run(kStore, [&](const CategoryStatus& c) {
      if (c.category == "customers" && !waited) {
        waited = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
      if (c.category == "reports" && state_at_reports.empty()) {
        auto derived = store::ReadDerived(*db, kStore);
        state_at_reports = derived.ok() && derived->fresh ? "fresh" : "not built";
      }
    });
    ASSERT_TRUE(synced.ok()) << synced;
    EXPECT_TRUE(waited);
    EXPECT_EQ(state_at_reports, "fresh");
  }
  EXPECT_TRUE(stats.full);
  EXPECT_TRUE(stats.beside);
  const std::string beside = DerivedRows(*db);
  EXPECT_NE(beside.find("customer_summary|"), std::string::npos);
  EXPECT_EQ(beside.substr(beside.size() - 5), "fresh");
  ASSERT_TRUE(store::RefreshDerived(*db, kStore, "", nullptr, /*force_full=*/true).ok());
  EXPECT_EQ(DerivedRows(*db), beside);

  stats = {};
  ASSERT_TRUE(SyncOnce(*db, fake, o).ok());
  EXPECT_FALSE(stats.beside);
  EXPECT_EQ(DerivedRows(*db), beside);

  auto in_memory = OpenDb();
  stats = {};
  ASSERT_TRUE(SyncOnce(*in_memory, fake, o).ok());
  EXPECT_TRUE(stats.full);
  EXPECT_FALSE(stats.beside);
  EXPECT_EQ(DerivedRows(*in_memory), beside);
  db.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

// Customers have no date filter. After a full pass, a run fetches full records (`include=`) for
// the new accounts (ids above the highest stored, listed newest first) and for the accounts its
// orders name, then compares the counts; the listing of every `id,date_modified_gmt` (profiles
// edited without an order, deletions) runs when the counts differ or once per
// `customer_listing_every`; a change that does not move date_modified waits for the periodic full
// pass (reconcile_every).
struct CustomerRequests {
  int listings = 0, probes = 0, counts = 0;
  std::set<int64_t> included;
};
CustomerRequests CustomerRequestsOf(FakeStore& fake) {
  CustomerRequests out;
  for (const auto& r : fake.requests()) {
    if (r.route != "wc/v3/customers") continue;
    std::string fields, include, order, per_page;
    for (const auto& [k, v] : r.params) {
      if (k == "_fields") fields = v;
      if (k == "include") include = v;
      if (k == "order") order = v;
      if (k == "per_page") per_page = v;
    }
    if (!include.empty()) {
      EXPECT_EQ(fields, woo::kCustomerFields);
      std::stringstream ids(include);
      for (std::string id; std::getline(ids, id, ',');) out.included.insert(std::stoll(id));
    } else if (per_page == "1") {
      ++out.counts;
    } else if (order == "desc") {
      EXPECT_EQ(fields, "id");  // the probe for new accounts reads ids only
      ++out.probes;
    } else {
      EXPECT_EQ(fields, "id,date_modified_gmt");  // never the full records
      ++out.listings;
    }
  }
  return out;
}

TEST(SyncEngine, CustomersIncrementalFetchesOnlyNewAndChangedIds) {
  FakeOptions fo;
  fo.customers = 250;
  FakeStore fake(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  const int64_t highest = Scalar(*db, "SELECT max(id) FROM customers WHERE store_id = ?");
  auto same_as_fresh = [&](store::Database& d) {
    auto fresh = OpenDb();
    EXPECT_TRUE(SyncOnce(*fresh, fake).ok());
    return Dump(d) == Dump(*fresh);
  };

  // A one-shot sync lists every run (exact); the schedulers' runs list once an hour.
  SyncOptions scheduled = Fast();
  scheduled.customer_listing_every = kScheduledCustomerListing;
  // New accounts and profile edits: the new ones are fetched at once, the edits wait ...
  Mutation m;
  m.new_customers = 2;
  m.customer_changes = 3;
  fake.Mutate(m);
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake, scheduled).ok());
  CustomerRequests asked = CustomerRequestsOf(fake);
  EXPECT_EQ(asked.listings, 0);
  EXPECT_EQ(asked.probes, 1);
  EXPECT_EQ(asked.counts, 1);
  EXPECT_EQ(asked.included, (std::set<int64_t>{highest + 1, highest + 2}));
  EXPECT_FALSE(same_as_fresh(*db));
  // ... for the listing (a one-shot sync's, or when due): 252 ids, pages of 100 overlapping by
  // one; only the 3 edited are fetched.
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  asked = CustomerRequestsOf(fake);
  EXPECT_EQ(asked.listings, 3);
  EXPECT_EQ(asked.included.size(), 3u);
  EXPECT_TRUE(same_as_fresh(*db));

  // The accounts new orders name are fetched again (a checkout saves its customer).
  Mutation orders;
  orders.new_orders = 6;
  fake.Mutate(orders);
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake, scheduled).ok());
  asked = CustomerRequestsOf(fake);
  EXPECT_EQ(asked.listings, 0);
  std::set<int64_t> named;
  auto rs = db->Query(
      "SELECT DISTINCT customer_id FROM orders WHERE store_id = ? AND customer_id > 0 AND id >= "
      "(SELECT max(id) - 5 FROM orders WHERE store_id = ?)",
      {Value{kStore}, Value{kStore}});
  ASSERT_TRUE(rs.ok()) << rs.status();
  for (const auto& row : rs->rows) named.insert(store::AsInt(row[0]));
  EXPECT_FALSE(named.empty());
  EXPECT_EQ(asked.included, named);
  EXPECT_TRUE(same_as_fresh(*db));

  // A status change saves the account only when it pays the account's first order
  // (wc_paying_customer): exactly the accounts of the changed orders now processing or completed
  // that were not stored as paying are read again.
  std::map<int64_t, int64_t> paying_before;
  rs =
      db->Query("SELECT id, is_paying_customer FROM customers WHERE store_id = ?", {Value{kStore}});
  ASSERT_TRUE(rs.ok()) << rs.status();
  for (const auto& row : rs->rows) paying_before[store::AsInt(row[0])] = store::AsInt(row[1]);
  Mutation paid;
  paid.status_changes = 12;
  fake.Mutate(paid);
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake, scheduled).ok());
  asked = CustomerRequestsOf(fake);
  rs = db->Query(
      "SELECT customer_id, status FROM orders WHERE store_id = ? AND customer_id > 0 AND "
      "date_modified_gmt = (SELECT max(date_modified_gmt) FROM orders WHERE store_id = ?)",
      {Value{kStore}, Value{kStore}});
  ASSERT_TRUE(rs.ok()) << rs.status();
  std::set<int64_t> saved, left_alone;
  for (const auto& row : rs->rows) {
    const int64_t customer = store::AsInt(row[0]);
    const std::string status = store::AsString(row[1]);
    const bool now_paid = status == "processing" || status == "completed";
    (now_paid && paying_before[customer] == 0 ? saved : left_alone).insert(customer);
  }
  for (int64_t c : saved) left_alone.erase(c);
  EXPECT_EQ(asked.listings, 0);
  EXPECT_EQ(asked.included, saved);
  EXPECT_FALSE(saved.empty());
  EXPECT_FALSE(left_alone.empty());

  // Deletions: the counts differ, so the same run lists every id.
  Mutation del;
  del.delete_customers = 4;
  fake.Mutate(del);
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake, scheduled).ok());
  EXPECT_EQ(CustomerRequestsOf(fake).listings, 3);
  EXPECT_TRUE(same_as_fresh(*db));

  // A change that does not move date_modified is invisible to the light pass ...
  Mutation silent;
  silent.silent_customer_changes = 1;
  fake.Mutate(silent);
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  EXPECT_FALSE(same_as_fresh(*db));
  // ... until the periodic full pass.
  SyncOptions due = Fast();
  due.reconcile_every = std::chrono::seconds(0);
  ASSERT_TRUE(SyncOnce(*db, fake, due).ok());
  EXPECT_TRUE(same_as_fresh(*db));
}

// Stores without /variations: an incremental run lists the variations of the variable parents
// whose date_modified moved since the last listing only (WooCommerce saves a variation's parent
// after every variation save); a change that bypasses the save waits for the periodic listing
// of every parent.
TEST(SyncEngine, VariationListsOnlyForChangedParentsBetweenReconciles) {
  FakeOptions fo;
  fo.orders = 200;
  fo.products = 30;  // 10 variable parents
  fo.variations_route = false;
  FakeStore fake(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  const int64_t parents =
      Scalar(*db, "SELECT count(*) FROM products WHERE store_id = ? AND type LIKE 'variable%'");
  ASSERT_GE(parents, 5);
  auto variation_lists = [&] {
    int n = 0;
    for (const auto& r : fake.requests()) n += r.route.find("/variations") != std::string::npos;
    return n;
  };
  // Nothing changed: only the parents inside the overlap window of the last listing.
  fake.Mutate(Mutation{});
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  EXPECT_LT(variation_lists(), parents);
  // Variations saved through WooCommerce (their parents' dates move): the rows are exact, and
  // not every parent was listed.
  for (int round = 0; round < 3; ++round) {
    Mutation changed;
    changed.variation_changes = 2;
    fake.Mutate(changed);
    fake.ClearRequests();
    ASSERT_TRUE(SyncOnce(*db, fake).ok());
    EXPECT_GE(variation_lists(), 1);
    EXPECT_LT(variation_lists(), parents);
    auto fresh = OpenDb();
    ASSERT_TRUE(SyncOnce(*fresh, fake).ok());
    EXPECT_EQ(Dump(*db), Dump(*fresh)) << round;
  }
  // A silent change (no parent save) may wait; the periodic listing of every parent catches it.
  Mutation silent;
  silent.silent_variation_changes = 3;
  fake.Mutate(silent);
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  SyncOptions due = Fast();
  due.reconcile_every = std::chrono::seconds(0);
  fake.ClearRequests();
  ASSERT_TRUE(SyncOnce(*db, fake, due).ok());
  EXPECT_EQ(variation_lists(), parents);
  ExpectEqualsAFreshSync(*db, fake);
}

TEST(SyncEngine, FaultsInjectedEndIdenticalToAFaultFreeSync) {
  FakeStore clean(FakeOptions{});
  auto reference = OpenDb();
  ASSERT_TRUE(SyncOnce(*reference, clean).ok());
  FakeStore faulty(FakeOptions{});
  faulty.SetFaults(Faults{0.05, 0, "", 0});
  auto db = OpenDb();
  SyncOptions o = Fast();
  o.max_attempts = 12;
  ASSERT_TRUE(SyncOnce(*db, faulty, o).ok());
  EXPECT_EQ(Dump(*db), Dump(*reference));
  EXPECT_GT(faulty.request_count(), clean.request_count());  // retries happened
}

TEST(SyncEngine, HeavyFaultsStillConvergeAndIncrementalStaysExact) {
  FakeStore fake(FakeOptions{});
  fake.SetFaults(Faults{0.2, 0, "", 0});
  auto db = OpenDb();
  SyncOptions o = Fast();
  o.max_attempts = 30;
  ASSERT_TRUE(SyncOnce(*db, fake, o).ok());
  fake.Mutate(Mutation{3, 3, 2, 1, 1, 1, 1, 1, 0, 600});
  ASSERT_TRUE(SyncOnce(*db, fake, o).ok());
  fake.SetFaults(Faults{});
  ExpectEqualsAFreshSync(*db, fake);
}

TEST(SyncEngine, PagingStaysCorrectWhileTheStoreChangesUnderIt) {
  FakeOptions fo;
  fo.orders = 900;
  FakeStore fake(fo);
  const std::vector<int64_t> before = fake.OrderIds();
  std::set<int64_t> deleted_or_new;
  // While the orders pass runs, delete early orders (shifting every later page) and add new ones.
  fake.SetHook([&](int64_t n) {
    if (n == 12 || n == 15 || n == 18) {
      auto ids_before = fake.OrderIds();
      fake.Mutate(Mutation{2, 2, 1, 0, 0, 0, 0, 3, 0, 60});
      auto ids_after = fake.OrderIds();
      std::set<int64_t> a(ids_before.begin(), ids_before.end());
      std::set<int64_t> b(ids_after.begin(), ids_after.end());
      for (int64_t id : a) {
        if (b.count(id) == 0) deleted_or_new.insert(id);
      }
      for (int64_t id : b) {
        if (a.count(id) == 0) deleted_or_new.insert(id);
      }
    }
  });
  auto db = OpenDb();
  SyncOptions o = Fast();
  o.concurrency = 3;
  ASSERT_TRUE(SyncOnce(*db, fake, o).ok());
  fake.SetHook({});
  // No gaps: every order that existed throughout the sync is stored; no duplicates by key.
  auto rs = db->Query("SELECT id FROM orders WHERE store_id = ?", {Value{kStore}});
  ASSERT_TRUE(rs.ok());
  std::set<int64_t> stored;
  for (const auto& row : rs->rows) stored.insert(store::AsInt(row[0]));
  int64_t missing = 0;
  for (int64_t id : before) {
    if (deleted_or_new.count(id) == 0 && stored.count(id) == 0) ++missing;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_FALSE(deleted_or_new.empty());
  // The next incremental sync converges exactly.
  ASSERT_TRUE(SyncOnce(*db, fake).ok());
  ExpectEqualsAFreshSync(*db, fake);
}

TEST(SyncKill, ResumesAfterKill9AndEndsIdentical) { KillTrials(3, 1200); }

// A store refused by the address guard, or with a certificate that does not verify, fails every
// category with the advice that fits (not "run it again"), as `clever connector add` gives it.
TEST(SyncEngine, PrivateAddressAndCertificateFailuresSayWhatToDo) {
  struct Refusing : woo::Api {
    Status error;
    StatusOr<woo::Response> Get(const std::string&, const woo::Params&) override { return error; }
  };
  const struct {
    Status error;
    const char* hint;
  } cases[] = {
      {FailedPreconditionError(std::string(net::kBlockedAddressMarker) +
                               ": 127.0.0.1 is not a public internet address"),
       "--allow-private-network"},
      {FailedPreconditionError(std::string(net::kTlsErrorMarker) + ": certificate has expired"),
       "--ca-file"},
  };
  for (const auto& c : cases) {
    auto db = OpenDb();
    FakeClock clock;
    SyncEngine engine(
        *db,
        [&] {
          auto api = std::make_unique<Refusing>();
          api->error = c.error;
          return api;
        },
        clock, Fast());
    EXPECT_FALSE(engine.Run(kStore, {}).ok());
    auto st = ReadStatus(*db, kStore);
    ASSERT_TRUE(st.ok());
    for (const auto& category : *st) {
      EXPECT_EQ(category.state, "failed") << category.category;
      EXPECT_NE(category.hint.find(c.hint), std::string::npos) << category.hint;
    }
  }
}

TEST(SyncEngine, FailuresAreReportedPerCategoryWithReasonAndHint) {
  FakeStore fake(FakeOptions{});
  class Failing : public woo::Api {
   public:
    Failing(FakeStore& f, std::atomic<int>& n) : inner_(f.NewApi()), coupon_calls_(n) {}
    StatusOr<woo::Response> Get(const std::string& route, const woo::Params& p) override {
      if (route == "wc/v3/coupons") {
        ++coupon_calls_;
        return PermissionDeniedError("Your key's user is not allowed to list coupons.");
      }
      return inner_->Get(route, p);
    }

   private:
    std::unique_ptr<woo::Api> inner_;
    std::atomic<int>& coupon_calls_;
  };
  std::atomic<int> coupon_calls{0};
  auto db = OpenDb();
  FakeClock clock;
  SyncEngine engine(
      *db, [&] { return std::make_unique<Failing>(fake, coupon_calls); }, clock, Fast());
  Status s = engine.Run(kStore, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("coupons"), std::string::npos);
  auto st = ReadStatus(*db, kStore);
  ASSERT_TRUE(st.ok());
  for (const auto& c : *st) {
    if (c.category == "coupons") {
      EXPECT_EQ(c.state, "failed");
      EXPECT_NE(c.reason.find("not allowed"), std::string::npos);
      EXPECT_NE(c.hint.find("Shop Manager"), std::string::npos);
    } else {
      EXPECT_EQ(c.state, "ok") << c.category;
    }
  }
  // Non-retryable: exactly one coupons request.
  EXPECT_EQ(coupon_calls.load(), 1);
}

TEST(SyncEngine, AStoreThatIgnoresOffsetFailsClearlyInsteadOfLooping) {
  FakeStore fake(FakeOptions{});
  class NoOffset : public woo::Api {
   public:
    explicit NoOffset(FakeStore& f) : inner_(f.NewApi()) {}
    StatusOr<woo::Response> Get(const std::string& route, const woo::Params& p) override {
      woo::Params q;
      for (const auto& kv : p) {
        if (kv.first != "offset") q.push_back(kv);
      }
      return inner_->Get(route, q);
    }

   private:
    std::unique_ptr<woo::Api> inner_;
  };
  auto db = OpenDb();
  FakeClock clock;
  SyncOptions o = Fast();
  o.only = {"orders"};
  SyncEngine engine(
      *db, [&] { return std::make_unique<NoOffset>(fake); }, clock, o);
  Status s = engine.Run(kStore, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("offset"), std::string::npos);
}

TEST(SyncEngine, AStoreThatIgnoresOrderbyIsStillCopiedCompletelyWithANote) {
  FakeStore modern(FakeOptions{});
  auto reference = OpenDb();
  ASSERT_TRUE(SyncOnce(*reference, modern).ok());
  FakeOptions fo;
  fo.ignore_orderby = true;
  FakeStore careless(fo);
  auto db = OpenDb();
  ASSERT_TRUE(SyncOnce(*db, careless).ok());
  EXPECT_EQ(Dump(*db), Dump(*reference));
  auto st = ReadStatus(*db, kStore);
  ASSERT_TRUE(st.ok());
  bool noted = false;
  for (const auto& c : *st) {
    if (c.category == "orders") noted = c.reason.find("sort order") != std::string::npos;
  }
  EXPECT_TRUE(noted);
  // Incremental with deletions converges as well.
  careless.Mutate(Mutation{4, 3, 2, 1, 1, 1, 1, 2, 1, 600});
  ASSERT_TRUE(SyncOnce(*db, careless).ok());
  auto fresh = OpenDb();
  ASSERT_TRUE(SyncOnce(*fresh, careless).ok());
  EXPECT_EQ(Dump(*db), Dump(*fresh));
}

TEST(SyncStatus, PendingBeforeAnySync) {
  auto db = OpenDb();
  auto st = ReadStatus(*db, kStore);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->size(), 9u);
  for (const auto& s : *st) EXPECT_EQ(s.state, "pending");
}

TEST(Fetcher, RetryAfterIsHonouredAndNonRetryableIsNot) {
  EXPECT_EQ(Fetcher::RetryAfterSeconds("HTTP 429; Retry-After: 7"), 7);
  EXPECT_EQ(Fetcher::RetryAfterSeconds("retry-after=12"), 12);
  EXPECT_EQ(Fetcher::RetryAfterSeconds("retry after 3 seconds"), 3);
  EXPECT_EQ(Fetcher::RetryAfterSeconds("no hint"), -1);
  EXPECT_EQ(Fetcher::RetryAfterSeconds("Retry-After: 99999999999"), 3600);

  struct Scripted : woo::Api {
    std::vector<Status>* script;
    int* calls;
    StatusOr<woo::Response> Get(const std::string&, const woo::Params&) override {
      int i = (*calls)++;
      if (i < static_cast<int>(script->size()) && !(*script)[i].ok()) return (*script)[i];
      woo::Response r;
      r.body = "[]";
      return r;
    }
  };
  std::vector<Status> script = {UnavailableError("HTTP 429; Retry-After: 5"),
                                UnavailableError("HTTP 503"), OkStatus()};
  int calls = 0;
  FakeClock clock;
  FetchPolicy policy;
  policy.concurrency = 1;
  Fetcher f(
      [&] {
        auto a = std::make_unique<Scripted>();
        a->script = &script;
        a->calls = &calls;
        return a;
      },
      clock, policy);
  ASSERT_TRUE(f.Get("x", {}, [](const woo::Response&) { return OkStatus(); }).ok());
  EXPECT_EQ(calls, 3);
  EXPECT_GE(clock.total_slept(), std::chrono::milliseconds(5000));
  EXPECT_EQ(f.stats().throttled, 2);

  script = {InvalidArgumentError("rest_invalid_param")};
  calls = 0;
  Status s = f.Get("x", {}, [](const woo::Response&) { return OkStatus(); });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 1);

  script = {};
  calls = 0;
  int consumed = 0;
  s = f.Get("x", {}, [&](const woo::Response&) {
    return ++consumed < 3 ? DataLossError("truncated") : OkStatus();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 3);  // an unreadable body is fetched again
}

// Background GETs (prefetches) take only workers no queued GET needs, and never the last free
// one: a pass's GET queued behind a dozen prefetches still goes out at once.
TEST(Fetcher, BackgroundGetsLeaveAWorkerForThePasses) {
  struct Gated : woo::Api {
    std::mutex* mu;
    std::condition_variable* cv;
    bool* open;
    std::atomic<int>* background_now;
    std::atomic<int>* background_max;
    StatusOr<woo::Response> Get(const std::string& route, const woo::Params&) override {
      if (route == "bg") {
        const int now = ++*background_now;
        int seen = background_max->load();
        while (now > seen && !background_max->compare_exchange_weak(seen, now)) {
        }
        std::unique_lock<std::mutex> lock(*mu);
        cv->wait(lock, [&] { return *open; });
        --*background_now;
      }
      woo::Response r;
      r.body = "[]";
      return r;
    }
  };
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> background_now{0}, background_max{0};
  FakeClock clock;
  FetchPolicy policy;
  policy.concurrency = 3;
  Fetcher f(
      [&] {
        auto a = std::make_unique<Gated>();
        a->mu = &mu;
        a->cv = &cv;
        a->open = &open;
        a->background_now = &background_now;
        a->background_max = &background_max;
        return a;
      },
      clock, policy);
  auto release = [&] {
    {
      std::lock_guard<std::mutex> lock(mu);
      open = true;
    }
    cv.notify_all();
  };
  // Opens the gate before `f` joins its workers, however the test ends.
  struct AtExit {
    std::function<void()> run;
    ~AtExit() { run(); }
  } open_at_exit{release};
  auto ok = [](const woo::Response&) { return OkStatus(); };
  std::vector<std::future<Status>> background;
  for (int i = 0; i < 12; ++i) background.push_back(f.Submit("bg", {}, ok, /*background=*/true));
  for (int i = 0; i < 200 && background_now.load() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(background_now.load(), 2);  // 3 workers, one kept free
  // Foreground GETs complete while every background one is still held (waited for with a
  // deadline: without the free worker they would wait for the gate).
  for (int i = 0; i < 3; ++i) {
    std::future<Status> fg = f.Submit("fg", {}, ok);
    ASSERT_EQ(fg.wait_for(std::chrono::seconds(10)), std::future_status::ready) << i;
    EXPECT_TRUE(fg.get().ok());
  }
  EXPECT_EQ(background_now.load(), 2);
  release();
  for (auto& b : background) EXPECT_TRUE(b.get().ok());
  EXPECT_EQ(background_max.load(), 2);
}

TEST(Scheduler, SyncsAtOnceThenEveryInterval) {
  FakeClock clock;
  std::mutex mu;
  std::vector<int64_t> ran;
  Scheduler scheduler(
      [&](int64_t id) {
        std::lock_guard<std::mutex> lock(mu);
        ran.push_back(id);
        return OkStatus();
      },
      clock, std::chrono::minutes(15));
  scheduler.Start({1, 2});
  auto wait_runs = [&](int64_t n) {
    for (int i = 0; i < 500 && scheduler.runs() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return scheduler.runs();
  };
  EXPECT_EQ(wait_runs(2), 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(scheduler.runs(), 2);  // nothing until the interval passes
  clock.Advance(std::chrono::minutes(15));
  EXPECT_EQ(wait_runs(4), 4);
  scheduler.SyncNow(2);
  EXPECT_EQ(wait_runs(5), 5);
  scheduler.Stop();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(ran.back(), 2);
}

}  // namespace
}  // namespace clever::sync
