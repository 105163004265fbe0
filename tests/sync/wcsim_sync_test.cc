// The issue-3 acceptance tests against the real wcsim binary on loopback: every category synced
// (with and without WooPayments) equals wcsim's own figures; an incremental sync after a mutation
// burst picks up exactly that change set; injected faults, kill -9 and a store changing during
// the sync all end with the same data; only GET requests reach the store (plus the one scope
// probe); a key revoked mid-sync fails with the merchant-facing reason and keeps earlier data.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "tests/sync/sync_testing.h"
#include "tests/sync/wcsim_sync_testing.h"

namespace clever::sync::testing {
namespace {

using Clock_ = std::chrono::steady_clock;

double Seconds(Clock_::time_point since) {
  return std::chrono::duration<double>(Clock_::now() - since).count();
}

std::vector<std::string> Ids(const nlohmann::json& list) {
  std::vector<std::string> out;
  for (const auto& v : list) out.push_back(std::to_string(v.get<int64_t>()));
  std::sort(out.begin(), out.end());
  return out;
}
std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Columns WooCommerce itself updates without touching date_modified (total_sales and usage_count
// are recomputed from orders; a category's count from its products): an incremental sync cannot
// see those changes, so comparisons after incremental syncs leave them out.
const std::map<std::string, std::vector<std::string>>& DerivedColumns() {
  static const auto* m = new std::map<std::string, std::vector<std::string>>{
      {"products", {"total_sales"}}, {"coupons", {"usage_count"}}, {"categories", {"count"}}};
  return *m;
}

struct Table {
  const char* name;
  int key_columns;
};
constexpr Table kTables[] = {{"customers", 1},
                             {"orders", 1},
                             {"order_line_items", 2},
                             {"order_tax_lines", 2},
                             {"order_shipping_lines", 2},
                             {"order_fee_lines", 2},
                             {"order_coupon_lines", 2},
                             {"products", 1},
                             {"product_categories", 2},
                             {"categories", 1},
                             {"product_tags", 2},
                             {"variations", 1},
                             {"variation_attributes", 2},
                             {"coupons", 1},
                             {"refunds", 1},
                             {"refund_line_items", 2},
                             {"payment_gateways", 1},
                             {"payment_transactions", 1},
                             {"payouts", 1},
                             {"disputes", 1},
                             {"report_totals", 2},
                             {"report_sales", 1}};

// Every synced table, minus the derived columns: equal iff two databases hold the same store.
void ExpectSameStore(store::Database& got, store::Database& want, const std::string& what) {
  for (const auto& t : kTables) {
    // SYNC_WCSIM_STRICT=1 compares the derived columns too (to see what incremental misses).
    auto skip = DerivedColumns().count(t.name) && getenv("SYNC_WCSIM_STRICT") == nullptr
                    ? DerivedColumns().at(t.name)
                    : std::vector<std::string>{};
    auto a = Rows(got, t.name, t.key_columns, skip);
    auto b = Rows(want, t.name, t.key_columns, skip);
    RowDiff d = Diff(b, a);
    EXPECT_TRUE(d.added.empty() && d.removed.empty() && d.changed.empty())
        << what << ": table " << t.name << ": " << d.added.size() << " extra, " << d.removed.size()
        << " missing, " << d.changed.size() << " different"
        << (d.changed.empty() ? ""
                              : " (e.g. key " + d.changed[0] + ": " + a[d.changed[0]] + " want " +
                                    b[d.changed[0]] + ")")
        << (d.removed.empty() ? "" : " (e.g. missing key " + d.removed[0] + ")")
        << (d.added.empty() ? "" : " (e.g. extra key " + d.added[0] + ")");
  }
}

struct RequestCounts {
  int64_t total = 0, non_get = 0;
  int64_t per_record = 0;  // lists that grow with the store: orders, refunds, WooPayments ledger
  std::vector<std::string> non_get_paths;
};
RequestCounts CountRequests(const test::WcsimProcess& sim) {
  RequestCounts c;
  auto log = sim.Requests();
  EXPECT_TRUE(log.ok()) << log.status();
  if (!log.ok()) return c;
  for (const auto& r : *log) {
    ++c.total;
    const std::string path = r["path"].get<std::string>();
    for (const char* route : {"/wp-json/wc/v3/orders", "/wp-json/wc/v3/refunds",
                              "/wp-json/wc/v3/payments/transactions"}) {
      if (path.rfind(route, 0) == 0) ++c.per_record;
    }
    if (r["method"] != "GET") {
      ++c.non_get;
      c.non_get_paths.push_back(r["method"].get<std::string>() + " " +
                                r["path"].get<std::string>());
    }
  }
  return c;
}

nlohmann::json StatsOf(const test::WcsimProcess& sim) {
  auto s = sim.Stats();
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : nlohmann::json::object();
}

// ------------------------------------------------------------------ 1. every category, stats

TEST(WcsimSync, EveryCategoryEqualsWcsimStatsWithWooPayments) {
  const auto t0 = Clock_::now();
  auto sim = StartWcsim({"--orders", "450", "--seed", "11"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim);
  ASSERT_TRUE(home.ok());
  std::vector<CategoryStatus> progress;
  Status s = home.Sync(false, &progress);
  ASSERT_TRUE(s.ok()) << s;
  nlohmann::json stats = StatsOf(*sim);
  ASSERT_GT(stats["payouts"]["count"].get<int64_t>(), 0);
  ASSERT_GT(stats["disputes"]["count"].get<int64_t>(), 0);
  ASSERT_GT(stats["refunds"]["count"].get<int64_t>(), 0);
  ExpectMatchesStats(home.db(), stats);
  EXPECT_FALSE(progress.empty());
  std::printf("full sync of 450 orders: %.2f s\n", Seconds(t0));
}

TEST(WcsimSync, WithoutWooPaymentsPayoutsAndDisputesAreNotAvailable) {
  auto sim = StartWcsim({"--orders", "300", "--seed", "12", "--no-woopayments"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim);
  ASSERT_TRUE(home.ok());
  Status s = home.Sync();
  ASSERT_TRUE(s.ok()) << s;
  nlohmann::json stats = StatsOf(*sim);
  EXPECT_EQ(stats["payouts"]["count"], 0);
  ExpectMatchesStats(home.db(), stats);
  auto st = ReadStatus(home.db(), kStore);
  ASSERT_TRUE(st.ok());
  for (const auto& c : *st) {
    if (c.category == "payouts" || c.category == "disputes") {
      EXPECT_EQ(c.state, "not_available");
      EXPECT_NE(c.reason.find("not available on this store"), std::string::npos) << c.reason;
    }
  }
  // A second (incremental) sync keeps them so and still succeeds.
  s = home.Sync();
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(States(home.db())["payouts"], "not_available");
  ExpectMatchesStats(home.db(), StatsOf(*sim));
}

// ------------------------------------------- 2 + 6. incremental change set; only GET requests

TEST(WcsimSync, IncrementalAfterMutateBurstPicksUpExactlyTheChangeSetWithGetsOnly) {
  auto sim = StartWcsim({"--orders", "1500", "--seed", "13"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim, /*scope_probe=*/true);
  ASSERT_TRUE(home.ok());
  // Connector add: the single documented non-GET request, the write-scope probe.
  RequestCounts add = CountRequests(*sim);
  EXPECT_EQ(add.non_get, 1);
  ASSERT_EQ(add.non_get_paths.size(), 1u);
  EXPECT_EQ(add.non_get_paths[0].rfind("POST /wp-json/wc/v3/clever-scope-probe-", 0), 0u)
      << add.non_get_paths[0];
  ASSERT_TRUE(sim->ClearRequests().ok());

  Status s = home.Sync();
  ASSERT_TRUE(s.ok()) << s;
  RequestCounts full = CountRequests(*sim);
  EXPECT_EQ(full.non_get, 0) << ::testing::PrintToString(full.non_get_paths);
  const nlohmann::json stats_before = StatsOf(*sim);
  ExpectMatchesStats(home.db(), stats_before);

  // Snapshot before the burst (derived columns left out, see DerivedColumns()).
  struct Snap {
    const char* table;
    std::vector<std::string> skip;
  };
  const std::vector<Snap> snaps = {{"orders", {}},
                                   {"refunds", {}},
                                   {"customers", {"is_paying_customer"}},
                                   {"products", {"total_sales"}},
                                   {"variations", {}},
                                   {"coupons", {"usage_count"}}};
  std::map<std::string, std::map<std::string, std::string>> before;
  for (const auto& sn : snaps) before[sn.table] = Rows(home.db(), sn.table, 1, sn.skip);

  auto change = sim->Mutate({{"advance_seconds", 3600},
                             {"new_orders", 25},
                             {"status_changes", 15},
                             {"refunds", 6},
                             {"stock_changes", 10},
                             {"delete_products", 2},
                             {"delete_coupons", 1},
                             {"new_customers", 5}});
  ASSERT_TRUE(change.ok()) << change.status();
  ASSERT_TRUE(sim->ClearRequests().ok());
  s = home.Sync();
  ASSERT_TRUE(s.ok()) << s;
  RequestCounts inc = CountRequests(*sim);
  if (getenv("SYNC_WCSIM_VERBOSE") != nullptr) {
    auto log = sim->Requests();
    ASSERT_TRUE(log.ok());
    for (const auto& r : *log) {
      std::printf("  %s %s?%s\n", r["method"].get<std::string>().c_str(),
                  r["path"].get<std::string>().c_str(), r["query"].get<std::string>().c_str());
    }
  }
  EXPECT_EQ(inc.non_get, 0) << ::testing::PrintToString(inc.non_get_paths);
  std::printf(
      "requests: full sync %lld (%lld to orders/refunds/transactions), incremental %lld (%lld)\n",
      static_cast<long long>(full.total), static_cast<long long>(full.per_record),
      static_cast<long long>(inc.total), static_cast<long long>(inc.per_record));
  // The lists that grow with the store are read only where they changed; what stays is a fixed
  // cost per sync (discovery, customers (no date filter exists), one variations request per
  // variable product (WC 10.0 has no /variations route), deposits, disputes, reports).
  EXPECT_LT(inc.per_record * 4, full.per_record)
      << "incremental " << inc.per_record << " vs full " << full.per_record;
  EXPECT_LT(inc.total, full.total);

  const nlohmann::json after = StatsOf(*sim);
  ExpectMatchesStats(home.db(), after);
  const nlohmann::json& c = *change;
  ASSERT_EQ(c["created"]["orders"].size(), 25u);
  ASSERT_EQ(c["deleted"]["products"].size(), 2u);
  ASSERT_EQ(c["deleted"]["coupons"].size(), 1u);
  ASSERT_FALSE(c["created"]["refunds"].empty());
  ASSERT_FALSE(c["updated"]["orders"].empty());

  // Exactly the change set: rows added / removed / changed per table match what wcsim changed.
  auto diff = [&](const std::string& table) {
    for (const auto& sn : snaps) {
      if (sn.table == table) return Diff(before[table], Rows(home.db(), table, 1, sn.skip));
    }
    ADD_FAILURE() << table;
    return RowDiff{};
  };
  // New orders include a few checkout drafts, which the API never lists.
  RowDiff orders = diff("orders");
  const auto created_orders = Ids(c["created"]["orders"]);
  for (const auto& id : orders.added) {
    EXPECT_TRUE(std::binary_search(created_orders.begin(), created_orders.end(), id)) << id;
  }
  EXPECT_EQ(static_cast<int64_t>(created_orders.size() - orders.added.size()),
            after["orders"]["by_status"]["checkout-draft"].get<int64_t>() -
                stats_before["orders"]["by_status"]["checkout-draft"].get<int64_t>());
  EXPECT_EQ(Sorted(orders.changed), Ids(c["updated"]["orders"]));
  EXPECT_TRUE(orders.removed.empty());
  RowDiff refunds = diff("refunds");
  EXPECT_EQ(Sorted(refunds.added), Ids(c["created"]["refunds"]));
  EXPECT_TRUE(refunds.removed.empty() && refunds.changed.empty());
  RowDiff customers = diff("customers");
  EXPECT_EQ(Sorted(customers.added), Ids(c["created"]["customers"]));
  EXPECT_TRUE(customers.removed.empty());
  RowDiff products = diff("products");
  EXPECT_EQ(Sorted(products.removed), Ids(c["deleted"]["products"]));
  EXPECT_EQ(Sorted(products.changed), Ids(c["updated"]["products"]));
  EXPECT_TRUE(products.added.empty());
  RowDiff variations = diff("variations");
  // A variation whose stock is managed by its parent (manage_stock "parent") shows the parent's
  // stock: it changes with the parent's stock (a parent saved after a variation's save changes
  // only its date).
  std::vector<std::string> want_variations = Ids(c["updated"]["variations"]);
  for (const auto& parent : c["updated"]["product_stock"]) {
    auto rs = home.db().Query(
        "SELECT id FROM variations WHERE store_id = ? AND parent_id = ? AND manage_stock = 2",
        {store::Value{kStore}, store::Value{parent.get<int64_t>()}});
    ASSERT_TRUE(rs.ok()) << rs.status();
    for (const auto& row : rs->rows) want_variations.push_back(store::AsString(row[0]));
  }
  EXPECT_EQ(Sorted(variations.changed), Sorted(want_variations));
  EXPECT_TRUE(variations.added.empty());
  RowDiff coupons = diff("coupons");
  EXPECT_EQ(Sorted(coupons.removed), Ids(c["deleted"]["coupons"]));
  EXPECT_TRUE(coupons.added.empty() && coupons.changed.empty());

  // And the whole copy equals a fresh full sync of the changed store.
  WcsimHome fresh(*sim);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(fresh.Sync().ok());
  ExpectSameStore(home.db(), fresh.db(), "incremental vs fresh full sync");
}

// ------------------------------------------------------------------ 3. faults

TEST(WcsimSync, InjectedFaultsEndIdenticalToAFaultFreeSync) {
  const auto t0 = Clock_::now();
  auto sim = StartWcsim({"--orders", "400", "--seed", "14", "--fault-seed", "5"});
  ASSERT_TRUE(sim);
  WcsimHome clean(*sim);
  WcsimHome faulty(*sim);  // added before the faults: the connector checks are not under test
  ASSERT_TRUE(clean.ok() && faulty.ok());
  ASSERT_TRUE(sim->ClearRequests().ok());
  Status s = clean.Sync();
  ASSERT_TRUE(s.ok()) << s;
  const int64_t clean_requests = CountRequests(*sim).total;
  ASSERT_TRUE(sim->ClearRequests().ok());
  ASSERT_TRUE(sim->SetFaults({{"error_rate", 0.05},
                              {"error_statuses", {500, 502, 503, 429}},
                              {"truncate_rate", 0.03},
                              {"malformed_rate", 0.03},
                              {"html_error_rate", 0.03},
                              {"php_notice_rate", 0.05},
                              {"reset_rate", 0.03},
                              {"latency_ms", 2},
                              {"latency_jitter_ms", 6}})
                  .ok());
  // The faults are random per request and the requests run concurrently, so a ~55-request sync
  // sees no 5xx answer about one time in twenty: then a full sync again under the same faults
  // (at most three passes), each of which must end with the same data.
  int64_t failed_statuses = 0;
  int64_t faulty_requests = 0;
  for (int pass = 0; pass < 3 && failed_statuses == 0; ++pass) {
    s = faulty.Sync(/*full=*/pass > 0);
    ASSERT_TRUE(s.ok()) << s;
    auto log = sim->Requests();
    ASSERT_TRUE(log.ok());
    for (const auto& r : *log) failed_statuses += r["status"].get<int>() >= 500 ? 1 : 0;
    faulty_requests = static_cast<int64_t>(log->size());
    ASSERT_TRUE(sim->ClearRequests().ok());
  }
  ASSERT_TRUE(sim->ClearFaults().ok());
  std::printf("requests: fault-free %lld, with faults %lld (%lld answered 5xx); %.1f s\n",
              static_cast<long long>(clean_requests), static_cast<long long>(faulty_requests),
              static_cast<long long>(failed_statuses), Seconds(t0));
  EXPECT_GT(faulty_requests, clean_requests);  // faults happened and were retried
  EXPECT_GT(failed_statuses, 0);
  EXPECT_EQ(Dump(faulty.db()), Dump(clean.db()));
  ExpectMatchesStats(faulty.db(), StatsOf(*sim));
}

// Each fault kind alone, at a rate high enough that it surely happens on this store's ~50
// requests: the retried (or tolerated) sync still ends identical to the fault-free one.
TEST(WcsimSync, EachFaultKindAloneEndsIdenticalToAFaultFreeSync) {
  auto sim = StartWcsim({"--orders", "200", "--seed", "18", "--fault-seed", "9"});
  ASSERT_TRUE(sim);
  WcsimHome clean(*sim);
  ASSERT_TRUE(clean.ok());
  ASSERT_TRUE(sim->ClearRequests().ok());
  ASSERT_TRUE(clean.Sync().ok());
  const int64_t clean_requests = CountRequests(*sim).total;
  const std::string expected = Dump(clean.db());
  struct Kind {
    const char* name;
    nlohmann::json faults;
    bool retried;  // the sync must ask again (else: tolerated as is)
  };
  const std::vector<Kind> kinds = {
      {"500/502/503 error pages",
       {{"error_rate", 0.12}, {"error_statuses", {500, 502, 503}}},
       true},
      {"429 with Retry-After", {{"error_rate", 0.06}, {"error_statuses", {429}}}, true},
      {"truncated bodies", {{"truncate_rate", 0.12}}, true},
      {"malformed JSON", {{"malformed_rate", 0.12}}, true},
      {"HTML error page with 200", {{"html_error_rate", 0.12}}, true},
      {"connection reset mid-body", {{"reset_rate", 0.12}}, true},
      {"PHP notice before the JSON", {{"php_notice_rate", 0.3}}, false},
  };
  for (const auto& kind : kinds) {
    SCOPED_TRACE(kind.name);
    const auto t0 = Clock_::now();
    WcsimHome home(*sim);
    ASSERT_TRUE(home.ok());
    ASSERT_TRUE(sim->ClearRequests().ok());
    ASSERT_TRUE(sim->SetFaults(kind.faults).ok());
    Status s = home.Sync();
    ASSERT_TRUE(sim->ClearFaults().ok());
    ASSERT_TRUE(s.ok()) << s;
    const int64_t requests = CountRequests(*sim).total;
    std::printf("%-28s %lld requests (fault-free %lld), %.1f s\n", kind.name,
                static_cast<long long>(requests), static_cast<long long>(clean_requests),
                Seconds(t0));
    if (kind.retried) {
      EXPECT_GT(requests, clean_requests);
    } else {
      EXPECT_EQ(requests, clean_requests);
    }
    EXPECT_EQ(Dump(home.db()), expected);
  }
}

// Scheduled runs (`clever sync --watch`, the hub) list every customer only hourly: in between
// they read the new accounts and the accounts the new or changed orders name. A customer changed
// otherwise (wcsim: a checkout left as a draft, which the API never lists, still moves its
// buyer's date_modified) waits for the listing, which a one-shot sync always runs.
TEST(WcsimSync, ScheduledRunsReadNewAndOrderNamedCustomersAndListHourly) {
  auto sim = StartWcsim({"--orders", "1500", "--seed", "13"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim);
  ASSERT_TRUE(home.ok());
  ASSERT_TRUE(home.Sync().ok());
  auto change = sim->Mutate({{"advance_seconds", 3600},
                             {"new_orders", 25},
                             {"status_changes", 15},
                             {"refunds", 6},
                             {"new_customers", 5}});
  ASSERT_TRUE(change.ok()) << change.status();
  // The accounts whose first paid order this burst marked paid (a status change to processing
  // or completed): WooCommerce saved them (wc_paying_customer), so the run must read them again.
  std::set<std::string> became_paying;
  for (const auto& id : (*change)["updated"]["orders"]) {
    auto rs = home.db().Query(
        "SELECT c.id FROM orders o JOIN customers c ON c.store_id = o.store_id AND c.id = "
        "o.customer_id WHERE o.store_id = ? AND o.id = ? AND c.is_paying_customer = 0",
        {store::Value{kStore}, store::Value{id.get<int64_t>()}});
    ASSERT_TRUE(rs.ok()) << rs.status();
    for (const auto& row : rs->rows) became_paying.insert(store::AsString(row[0]));
  }
  ASSERT_TRUE(sim->ClearRequests().ok());
  auto api = home.Api();
  ASSERT_TRUE(api.ok());
  SyncOptions scheduled;
  scheduled.customer_listing_every = kScheduledCustomerListing;
  scheduled.backoff_base = std::chrono::milliseconds(5);
  scheduled.backoff_cap = std::chrono::milliseconds(50);
  SyncEngine engine(home.db(), *api, Clock::Real(), scheduled);
  Status s = engine.Run(kStore, nullptr);
  ASSERT_TRUE(s.ok()) << s;
  auto log = sim->Requests();
  ASSERT_TRUE(log.ok());
  int listings = 0, customer_requests = 0;
  for (const auto& r : *log) {
    if (r["path"].get<std::string>() != "/wp-json/wc/v3/customers") continue;
    ++customer_requests;
    listings += r["query"].get<std::string>().find("date_modified_gmt") != std::string::npos &&
                r["query"].get<std::string>().find("include") == std::string::npos;
  }
  EXPECT_EQ(listings, 0);
  EXPECT_LT(customer_requests, 10);  // the probe, a few include= batches, the count
  ExpectMatchesStats(home.db(), StatsOf(*sim));

  WcsimHome fresh(*sim);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(fresh.Sync().ok());
  const RowDiff customers = Diff(Rows(fresh.db(), "customers", 1), Rows(home.db(), "customers", 1));
  EXPECT_TRUE(customers.added.empty() && customers.removed.empty());
  // Every customer a listed new order names is current; what differs is named by none.
  std::set<std::string> named;
  for (const auto& id : (*change)["created"]["orders"]) {
    auto rs = home.db().Query("SELECT customer_id FROM orders WHERE store_id = ? AND id = ?",
                              {store::Value{kStore}, store::Value{id.get<int64_t>()}});
    ASSERT_TRUE(rs.ok()) << rs.status();
    for (const auto& row : rs->rows) named.insert(store::AsString(row[0]));
  }
  EXPECT_FALSE(named.empty());
  for (const auto& key : customers.changed) {
    EXPECT_EQ(named.count(key), 0u) << key;
    EXPECT_EQ(became_paying.count(key), 0u) << key;
  }
  // (This seed's burst has such a draft: the case is real, not vacuous. Its status changes pay
  // no order of a non-paying account, so `became_paying` may be empty here: the selection itself
  // is tested on the fake store, SyncEngine.CustomersIncrementalFetchesOnlyNewAndChangedIds.)
  EXPECT_GE(customers.changed.size(), 1u);
  for (const auto& key : became_paying) {
    EXPECT_EQ(Scalar(home.db(),
                     "SELECT is_paying_customer FROM customers WHERE store_id = ? AND "
                     "id = " +
                         key),
              1)
        << key;
  }

  // A one-shot sync (the listing on every run) is exact.
  ASSERT_TRUE(home.Sync().ok());
  ExpectSameStore(home.db(), fresh.db(), "scheduled run + one-shot sync vs fresh full sync");
}

// Payouts and disputes have no modification date. Between two whole listings (the first sync,
// --full, once per reconcile_every) an incremental run reads them newest first and stops after
// the page that reaches the horizon (the oldest open entry, the newest stored, a week ago):
// fewer requests, and the same rows as a fresh full sync, new payouts and status changes
// (in_transit -> paid) included.
TEST(WcsimSync, PayoutsAndDisputesBetweenListingsReadOnlyTheirNewestPages) {
  auto sim = StartWcsim({"--orders", "6000", "--seed", "17"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim);
  ASSERT_TRUE(home.ok());
  ASSERT_TRUE(home.Sync().ok());
  const auto before = Rows(home.db(), "payouts", 1);
  ASSERT_GT(before.size(), 200u);  // three pages and more: a whole listing is several requests
  auto change = sim->Mutate({{"advance_seconds", 3 * 86400}, {"new_orders", 40}});
  ASSERT_TRUE(change.ok()) << change.status();
  ASSERT_TRUE(sim->ClearRequests().ok());
  ASSERT_TRUE(home.Sync().ok());
  auto pages = [&](const std::string& path, const std::string& direction) {
    int n = 0;
    auto log = sim->Requests();
    EXPECT_TRUE(log.ok());
    for (const auto& r : *log) {
      n += r["path"].get<std::string>() == path &&
           r["query"].get<std::string>().find("direction=" + direction) != std::string::npos;
    }
    return n;
  };
  EXPECT_EQ(pages("/wp-json/wc/v3/payments/deposits", "asc"), 0);
  EXPECT_EQ(pages("/wp-json/wc/v3/payments/deposits", "desc"), 1);
  EXPECT_EQ(pages("/wp-json/wc/v3/payments/disputes", "asc"), 0);
  EXPECT_GE(pages("/wp-json/wc/v3/payments/disputes", "desc"), 1);
  // The burst moved payouts: new ones arrived and the one in transit was paid.
  const RowDiff moved = Diff(before, Rows(home.db(), "payouts", 1));
  EXPECT_GE(moved.added.size(), 2u);
  EXPECT_GE(moved.changed.size(), 1u);
  ExpectMatchesStats(home.db(), StatsOf(*sim));
  WcsimHome fresh(*sim);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(fresh.Sync().ok());
  for (const char* table : {"payouts", "disputes"}) {
    const RowDiff d = Diff(Rows(fresh.db(), table, 1), Rows(home.db(), table, 1));
    EXPECT_TRUE(d.added.empty() && d.removed.empty() && d.changed.empty()) << table;
  }
  // --full lists them whole again, oldest first.
  ASSERT_TRUE(sim->ClearRequests().ok());
  ASSERT_TRUE(home.Sync(/*full=*/true).ok());
  EXPECT_GE(pages("/wp-json/wc/v3/payments/deposits", "asc"), 3);
  EXPECT_EQ(pages("/wp-json/wc/v3/payments/deposits", "desc"), 0);
}

// ------------------------------------------------------------------ 5. mutating during the sync

TEST(WcsimSync, StoreMutatingDuringTheSyncNoGapsNoDuplicates) {
  auto sim = StartWcsim({"--orders", "1200", "--seed", "15"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim);
  ASSERT_TRUE(home.ok());
  ASSERT_TRUE(sim->SetFaults({{"latency_ms", 8}}).ok());
  std::atomic<bool> done{false};
  std::atomic<int> bursts{0};
  std::thread mutator([&] {
    for (int i = 0; !done; ++i) {
      nlohmann::json m = {{"advance_seconds", 120},
                          {"new_orders", 4},
                          {"status_changes", 3},
                          {"refunds", 1},
                          {"stock_changes", 2},
                          {"new_customers", 1},
                          {"delete_products", i % 4 == 3 ? 1 : 0},
                          {"delete_coupons", i % 6 == 5 ? 1 : 0}};
      auto r = sim->Mutate(m);
      EXPECT_TRUE(r.ok()) << r.status();
      ++bursts;
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
    }
  });
  Status s = home.Sync();
  done = true;
  mutator.join();
  ASSERT_TRUE(s.ok()) << s;
  std::printf("%d mutation bursts during the full sync\n", bursts.load());
  EXPECT_GE(bursts.load(), 5);  // the store really changed while pages were read
  ASSERT_TRUE(sim->ClearFaults().ok());
  s = home.Sync();  // one more incremental sync
  ASSERT_TRUE(s.ok()) << s;
  ExpectMatchesStats(home.db(), StatsOf(*sim));
  WcsimHome fresh(*sim);
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(fresh.Sync().ok());
  ExpectSameStore(home.db(), fresh.db(), "after mutating sync + incremental vs fresh full sync");
}

// ------------------------------------------------------------------ 7. key revoked mid-sync

TEST(WcsimSync, KeyRevokedMidSyncFailsWithTheMerchantFacingReasonAndKeepsEarlierData) {
  // 3000 orders (30 pages) at concurrency 2 (12 pages fetched ahead of the writer): pages are
  // still to fetch when the key goes.
  auto sim = StartWcsim({"--orders", "3000", "--seed", "16"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim);
  ASSERT_TRUE(home.ok());
  // Revoke the key from the progress callback once the orders pass has stored some pages: the
  // rest of the sync runs with a key the store no longer knows.
  std::set<std::string> ok_before;
  int64_t orders_done_at_revoke = -1;
  std::vector<CategoryStatus> progress;
  auto api = home.Api();
  ASSERT_TRUE(api.ok());
  SyncOptions o;
  o.concurrency = 2;
  o.backoff_base = std::chrono::milliseconds(20);
  o.backoff_cap = std::chrono::milliseconds(200);
  SyncEngine engine(home.db(), *api, Clock::Real(), o);
  Status s = engine.Run(kStore, [&](const CategoryStatus& c) {
    progress.push_back(c);
    if (orders_done_at_revoke >= 0) return;
    if (c.state == "ok") ok_before.insert(c.category);
    if (c.category == "orders" && c.state == "syncing" && c.records_done >= 200) {
      orders_done_at_revoke = c.records_done;
      EXPECT_TRUE(sim->RevokeKey("ck_wcsim_read").ok());
    }
  });
  ASSERT_GE(orders_done_at_revoke, 200) << "the orders pass never reported progress";
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("revoked"), std::string::npos) << s;
  EXPECT_EQ(s.message().find("cs_wcsim_read"), std::string::npos);
  auto st = ReadStatus(home.db(), kStore);
  ASSERT_TRUE(st.ok());
  int failed = 0;
  for (const auto& c : *st) {
    if (ok_before.count(c.category)) {
      EXPECT_EQ(c.state, "ok") << c.category;  // synced before the revocation: kept
      continue;
    }
    EXPECT_EQ(c.state, "failed") << c.category;
    if (c.state != "failed") continue;
    ++failed;
    EXPECT_NE(c.reason.find("revoked"), std::string::npos) << c.category << ": " << c.reason;
    EXPECT_FALSE(c.hint.empty()) << c.category;
    EXPECT_EQ(c.reason.find("cs_wcsim_read"), std::string::npos);
  }
  EXPECT_GT(failed, 0);
  // Earlier data kept: the orders pages stored before the revocation (the orders are the first
  // category of every run).
  EXPECT_GE(Scalar(home.db(), "SELECT count(*) FROM orders WHERE store_id = ?"),
            orders_done_at_revoke);
  // The key restored, the next sync completes.
  ASSERT_TRUE(sim->RestoreKey("ck_wcsim_read").ok());
  s = home.Sync();
  ASSERT_TRUE(s.ok()) << s;
  ExpectMatchesStats(home.db(), StatsOf(*sim));
}

// ------------------------------------------------------------------ 4. kill -9 (the CLI)

TEST(WcsimSync, Kill9DuringCliSyncResumesIdentical) { WcsimKillTrials(3, 400, 21); }

}  // namespace
}  // namespace clever::sync::testing
