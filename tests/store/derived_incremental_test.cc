// store/derived.h refreshed incrementally, on every backend (instantiated by
// sqlite_database_test.cc and postgres_database_test.cc): random changes of the kinds a sync
// makes (new orders, status and date changes, deletions, refunds, guest -> account, e-mail
// changes, rewritten line items and coupon lines) are applied to a store, and after each round
// the incremental refresh must give exactly, row by row, what a full rebuild gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/dates.h"
#include "store/derived.h"
#include "store/schema.h"
#include "tests/store/backend_fixture.h"

namespace clever::store {
namespace {

const char* const kTables[] = {"customer_summary", "customer_periods", "daily_orders",
                               "product_periods",  "daily_products",   "daily_coupons",
                               "daily_payments",   "daily_refunds"};

std::string Cell(const Value& v) {
  if (IsNull(v)) return "NULL";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return "'" + std::get<std::string>(v) + "'";
}

// Every derived row of the store, per table, sorted.
std::map<std::string, std::vector<std::string>> Snapshot(Database& db, int64_t store) {
  std::map<std::string, std::vector<std::string>> out;
  for (const char* t : kTables) {
    auto rs = db.Query(std::string("SELECT * FROM ") + t + " WHERE store_id = ?", {store});
    EXPECT_TRUE(rs.ok()) << rs.status();
    if (!rs.ok()) continue;
    auto& rows = out[t];
    for (const auto& row : rs->rows) {
      std::string line;
      for (const Value& v : row) line += Cell(v) + "|";
      rows.push_back(line);
    }
    std::sort(rows.begin(), rows.end());
  }
  auto st = db.Query(
      "SELECT through, refunds_through, odd_dates FROM derived_state WHERE store_id = ?", {store});
  EXPECT_TRUE(st.ok()) << st.status();
  if (st.ok() && !st->rows.empty()) {
    out["derived_state"] = {Cell(st->rows[0][0]) + Cell(st->rows[0][1]) + Cell(st->rows[0][2])};
  }
  return out;
}

class RandomStore {
 public:
  RandomStore(Database& db, int64_t store, uint32_t seed) : db_(db), store_(store), rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string Date() {
    // Two years around a new year, a few times of day; now and then a day with many orders.
    const int day = Pick(10) == 0 ? 40 : Pick(500);
    CivilDate d = CivilDate{2024, 10, 1}.AddDays(day);
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%sT%02d:%02d:00", d.ToString().c_str(), Pick(24), Pick(60));
    return buf;
  }

  // Writes (inserts or rewrites, like the sync's upsert) order `id` with random fields, and
  // replaces its line items and coupon lines.
  void WriteOrder(int64_t id) {
    const char* statuses[] = {"completed", "processing", "on-hold", "cancelled",
                              "pending",   "refunded",   "failed"};
    const char* emails[] = {"", " ", "ann@x.com", " Ann@X.com ", "bob@y.org", "Bob@Y.org", "c@z"};
    const char* countries[] = {"US", "DE", "FR", ""};
    const char* gateways[] = {"stripe", "paypal", "", "bacs", "woocommerce_payments"};
    const char* titles[] = {"Credit card", "PayPal", "", " ", "Apple Pay (WooPayments)"};
    const int64_t customer = Pick(3) == 0 ? 0 : 1 + Pick(12);
    Exec(
        "INSERT INTO orders (store_id, id, status, date_created, customer_id, billing_email, "
        "billing_country, total_minor, shipping_total_minor, total_tax_minor, "
        "discount_total_minor, payment_method, payment_method_title) VALUES (?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?) ON CONFLICT (store_id, id) DO UPDATE SET status = excluded.status, "
        "date_created = excluded.date_created, customer_id = excluded.customer_id, "
        "billing_email = excluded.billing_email, billing_country = excluded.billing_country, "
        "total_minor = excluded.total_minor, shipping_total_minor = "
        "excluded.shipping_total_minor, total_tax_minor = excluded.total_tax_minor, "
        "discount_total_minor = excluded.discount_total_minor, payment_method = "
        "excluded.payment_method, payment_method_title = excluded.payment_method_title",
        {store_, id, std::string(statuses[Pick(7)]), Date(), customer, std::string(emails[Pick(7)]),
         std::string(countries[Pick(4)]), int64_t{100 + Pick(50000)}, int64_t{Pick(900)},
         int64_t{Pick(500)}, int64_t{Pick(3) == 0 ? Pick(800) : 0}, std::string(gateways[Pick(5)]),
         std::string(titles[Pick(5)])});
    RewriteChildren(id);
  }

  void RewriteChildren(int64_t id) {
    Exec("DELETE FROM order_line_items WHERE store_id = ? AND order_id = ?", {store_, id});
    Exec("DELETE FROM order_coupon_lines WHERE store_id = ? AND order_id = ?", {store_, id});
    const char* names[] = {"Mug", "Shirt - Red", "Shirt - Blue", "Poster", ""};
    for (int i = 0, n = 1 + Pick(3); i < n; ++i) {
      const int product = 1 + Pick(5);
      Exec(
          "INSERT INTO order_line_items (store_id, order_id, id, product_id, variation_id, "
          "name, parent_name, quantity, total_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {store_, id, int64_t{i + 1}, int64_t{product}, int64_t{Pick(2) ? 0 : 100 + product},
           std::string(names[Pick(5)]), std::string(Pick(2) ? "Shirt" : ""), int64_t{1 + Pick(4)},
           int64_t{Pick(20000)}});
    }
    const char* codes[] = {"save10", "vip", "free-ship"};
    for (int i = 0, n = Pick(4) == 0 ? 1 + Pick(2) : 0; i < n; ++i) {
      Exec(
          "INSERT INTO order_coupon_lines (store_id, order_id, id, code, discount_minor) VALUES "
          "(?, ?, ?, ?, ?)",
          {store_, id, int64_t{i + 1}, std::string(codes[Pick(3)]), int64_t{Pick(1000)}});
    }
  }

  void DeleteOrder(int64_t id) {
    // As the sync deletes: children first, then the order (its refunds stay until their own
    // deletion, as when WooCommerce deletes an order).
    Exec("DELETE FROM order_line_items WHERE store_id = ? AND order_id = ?", {store_, id});
    Exec("DELETE FROM order_coupon_lines WHERE store_id = ? AND order_id = ?", {store_, id});
    Exec("DELETE FROM orders WHERE store_id = ? AND id = ?", {store_, id});
  }

  void AddRefund(int64_t order) {
    ++last_refund_;
    Exec(
        "INSERT INTO refunds (store_id, id, order_id, date_created, amount_minor) VALUES (?, ?, "
        "?, ?, ?)",
        {store_, last_refund_, order, Date(), int64_t{1 + Pick(3000)}});
  }

  // One round of random changes of every kind.
  void Change() {
    for (int i = 0, n = 1 + Pick(6); i < n; ++i) WriteOrder(++last_order_);      // new orders
    for (int i = 0, n = Pick(6); i < n; ++i) WriteOrder(1 + Pick(last_order_));  // rewritten
    for (int i = 0, n = Pick(4); i < n; ++i) {
      const char* statuses[] = {"completed", "cancelled", "refunded", "on-hold"};
      Exec("UPDATE orders SET status = ? WHERE store_id = ? AND id = ?",
           {std::string(statuses[Pick(4)]), store_, int64_t{1 + Pick(last_order_)}});
    }
    for (int i = 0, n = Pick(3); i < n; ++i) {  // a guest's order joins an account
      Exec("UPDATE orders SET customer_id = ? WHERE store_id = ? AND id = ?",
           {int64_t{1 + Pick(12)}, store_, int64_t{1 + Pick(last_order_)}});
    }
    for (int i = 0, n = Pick(3); i < n; ++i) {
      Exec("UPDATE orders SET billing_email = ?, customer_id = 0 WHERE store_id = ? AND id = ?",
           {std::string(Pick(2) ? "new@x.com" : ""), store_, int64_t{1 + Pick(last_order_)}});
    }
    for (int i = 0, n = Pick(3); i < n; ++i) {  // moved to another day
      Exec("UPDATE orders SET date_created = ? WHERE store_id = ? AND id = ?",
           {Date(), store_, int64_t{1 + Pick(last_order_)}});
    }
    for (int i = 0, n = Pick(3); i < n; ++i) RewriteChildren(1 + Pick(last_order_));
    for (int i = 0, n = Pick(3); i < n; ++i) DeleteOrder(1 + Pick(last_order_));
    for (int i = 0, n = Pick(4); i < n; ++i) AddRefund(1 + Pick(last_order_));
    if (last_refund_ > 0) {
      Exec("UPDATE refunds SET amount_minor = amount_minor + 7 WHERE store_id = ? AND id = ?",
           {store_, int64_t{1 + Pick(static_cast<int>(last_refund_))}});
      Exec("DELETE FROM refunds WHERE store_id = ? AND id = ?",
           {store_, int64_t{1 + Pick(static_cast<int>(last_refund_))}});
    }
    // The sync moved on: the marker changes.
    Exec("UPDATE sync_state SET records_done = records_done + 1 WHERE store_id = ?", {store_});
  }

  // The orders' sync_state row: the derived tables' marker (DerivedMarker) reads it.
  void AddOrdersState() {
    Exec("INSERT INTO sync_state (store_id, category, state) VALUES (?, 'orders', 'ok')", {store_});
  }

  void Exec(const std::string& sql, const std::vector<Value>& params) {
    Status st = db_.Execute(sql, params).status();
    ASSERT_TRUE(st.ok()) << st << "\n" << sql;
  }

  int last_order_ = 0;
  int64_t last_refund_ = 0;

 private:
  Database& db_;
  int64_t store_;
  std::mt19937 rng_;
};

TEST_P(DerivedIncrementalTest, EqualsAFullRebuildAfterRandomChanges) {
  ASSERT_TRUE(Migrate(*db_).ok());
  for (uint32_t seed : {1u, 2u, 3u}) {
    const int64_t store = seed;
    RandomStore s(*db_, store, seed);
    s.AddOrdersState();
    // The first sync: no change log before the first build (there is no derived_state row).
    for (int i = 0; i < 150; ++i) s.WriteOrder(++s.last_order_);
    for (int i = 0; i < 20; ++i) s.AddRefund(1 + s.Pick(s.last_order_));
    auto logged = db_->Query(
        "SELECT (SELECT COUNT(*) FROM derived_dirty_days WHERE store_id = ?) + (SELECT COUNT(*) "
        "FROM derived_dirty_customers WHERE store_id = ?)",
        {store, store});
    ASSERT_TRUE(logged.ok()) << logged.status();
    EXPECT_EQ(AsInt(logged->rows[0][0]), 0);
    RefreshStats stats;
    {
      Status refreshed = RefreshDerived(*db_, store, "", &stats);
      ASSERT_TRUE(refreshed.ok()) << refreshed;
    }
    EXPECT_TRUE(stats.full);
    // Another store's rows must never move.
    const auto other_before = Snapshot(*db_, store == 1 ? 99 : 1);
    for (int round = 0; round < 12; ++round) {
      s.Change();
      {
        Status refreshed = RefreshDerived(*db_, store, "", &stats);
        ASSERT_TRUE(refreshed.ok()) << refreshed;
      }
      EXPECT_FALSE(stats.full) << "seed " << seed << " round " << round;
      EXPECT_GT(stats.days + stats.customers, 0);
      const auto incremental = Snapshot(*db_, store);
      auto state = ReadDerived(*db_, store);
      ASSERT_TRUE(state.ok());
      EXPECT_TRUE(state->fresh);
      EXPECT_TRUE(state->periods_exact);
      {
        Status refreshed = RefreshDerived(*db_, store, "", &stats, /*force_full=*/true);
        ASSERT_TRUE(refreshed.ok()) << refreshed;
      }
      EXPECT_TRUE(stats.full);
      const auto full = Snapshot(*db_, store);
      for (const auto& [table, rows] : full) {
        auto it = incremental.find(table);
        ASSERT_NE(it, incremental.end()) << table;
        EXPECT_EQ(it->second, rows) << table << ", seed " << seed << ", round " << round;
      }
      EXPECT_FALSE(full.at("customer_summary").empty());
    }
    EXPECT_EQ(Snapshot(*db_, store == 1 ? 99 : 1), other_before);
    // Nothing changed: nothing recomputed.
    {
      Status refreshed = RefreshDerived(*db_, store, "", &stats);
      ASSERT_TRUE(refreshed.ok()) << refreshed;
    }
    EXPECT_FALSE(stats.full);
    EXPECT_EQ(stats.days + stats.customers, 0);
  }
}

// One kind of move at a time, each followed by an incremental refresh that must equal a full
// rebuild: a changed customer's rows are recomputed only for the months of the logged days
// (store/derived.cc RefreshDirtyCustomers), so every way an order can leave or enter a
// (customer, month) row, or move a customer's first or latest sales order, is tried on a store
// whose other months stay as they were.
TEST_P(DerivedIncrementalTest, EachMoveOfAnOrderEqualsAFullRebuild) {
  ASSERT_TRUE(Migrate(*db_).ok());
  const int64_t store = 5;
  RandomStore s(*db_, store, 5);
  s.AddOrdersState();
  const char* order =
      "INSERT INTO orders (store_id, id, status, date_created, customer_id, billing_email, "
      "billing_country, total_minor) VALUES (5, ?, ?, ?, ?, ?, ?, ?)";
  auto add = [&](int64_t id, const char* status, const char* date, int64_t customer,
                 const char* email, const char* country, int64_t total) {
    Status st = db_->Execute(order, {id, std::string(status), std::string(date), customer,
                                     std::string(email), std::string(country), total})
                    .status();
    ASSERT_TRUE(st.ok()) << st;
  };
  // Customer 1: orders over three years; two on the same second (the latest by id decides the
  // country). Customer 2: one order. Guest g@x: two orders. Plus random noise.
  add(1, "completed", "2023-03-10T10:00:00", 1, "a@x", "US", 1000);
  add(2, "completed", "2023-12-31T23:59:59", 1, "a@x", "DE", 2000);
  add(3, "processing", "2024-06-01T08:00:00", 1, "a@x", "FR", 3000);
  add(4, "completed", "2025-02-02T02:02:02", 1, "a@x", "US", 4000);
  add(5, "completed", "2025-02-02T02:02:02", 1, "a@x", "GB", 5000);
  add(6, "completed", "2024-01-15T12:00:00", 2, "b@x", "DE", 600);
  add(7, "completed", "2023-05-05T05:05:05", 0, " G@x ", "US", 700);
  add(8, "on-hold", "2024-07-07T07:07:07", 0, "g@x", "CA", 800);
  add(9, "completed", "2024-08-08T08:08:08", 0, "", "US", 900);
  s.last_order_ = 100;
  for (int i = 0; i < 60; ++i) s.WriteOrder(++s.last_order_);
  RefreshStats stats;
  {
    Status refreshed = RefreshDerived(*db_, store, "", &stats);
    ASSERT_TRUE(refreshed.ok()) << refreshed;
  }
  ASSERT_TRUE(stats.full);
  struct Move {
    const char* what;
    const char* sql;
  };
  const Move moves[] = {
      {"the first order cancelled (first_at moves to the next year)",
       "UPDATE orders SET status = 'cancelled' WHERE store_id = 5 AND id = 1"},
      {"the latest order by id leaves the sales (the tie's other order is the latest)",
       "UPDATE orders SET status = 'failed' WHERE store_id = 5 AND id = 5"},
      {"a status change back into the sales",
       "UPDATE orders SET status = 'completed' WHERE store_id = 5 AND id = 5"},
      {"a date change across a year (December -> January)",
       "UPDATE orders SET date_created = '2024-01-01T00:00:01' WHERE store_id = 5 AND id = 2"},
      {"a date change to before the first order",
       "UPDATE orders SET date_created = '2022-11-30T10:00:00' WHERE store_id = 5 AND id = 3"},
      {"a date change to after the latest order",
       "UPDATE orders SET date_created = '2025-03-01T00:00:00' WHERE store_id = 5 AND id = 3"},
      {"an order moves to another customer",
       "UPDATE orders SET customer_id = 2 WHERE store_id = 5 AND id = 4"},
      {"a guest order joins an account (guest -> account)",
       "UPDATE orders SET customer_id = 1 WHERE store_id = 5 AND id = 7"},
      {"an order without e-mail gets one (o: -> e:)",
       "UPDATE orders SET billing_email = 'G@X' WHERE store_id = 5 AND id = 9"},
      {"an account order becomes a guest's",
       "UPDATE orders SET customer_id = 0 WHERE store_id = 5 AND id = 6"},
      {"a total changes", "UPDATE orders SET total_minor = 1 WHERE store_id = 5 AND id = 8"},
      {"a refund on an old order",
       "INSERT INTO refunds (store_id, id, order_id, date_created, amount_minor) VALUES (5, 900, "
       "2, '2025-06-01T00:00:00', 150)"},
      {"the refund grows", "UPDATE refunds SET amount_minor = 170 WHERE store_id = 5 AND id = 900"},
      {"the refund is deleted", "DELETE FROM refunds WHERE store_id = 5 AND id = 900"},
      {"the latest order deleted", "DELETE FROM orders WHERE store_id = 5 AND id = 3"},
      {"two orders deleted", "DELETE FROM orders WHERE store_id = 5 AND id IN (4, 6)"},
      {"a new order on the date of the latest with a smaller id",
       "INSERT INTO orders (store_id, id, status, date_created, customer_id, billing_email, "
       "billing_country, total_minor) VALUES (5, 10, 'completed', '2025-02-02T02:02:02', 1, '', "
       "'JP', 50)"},
      {"every order of customer 1 cancelled",
       "UPDATE orders SET status = 'cancelled' WHERE store_id = 5 AND customer_id = 1"},
  };
  for (const Move& move : moves) {
    ASSERT_TRUE(db_->Execute(move.sql).ok()) << move.what;
    ASSERT_TRUE(db_->Execute("UPDATE sync_state SET records_done = records_done + 1 WHERE "
                             "store_id = 5")
                    .ok());
    {
      Status refreshed = RefreshDerived(*db_, store, "", &stats);
      ASSERT_TRUE(refreshed.ok()) << refreshed << " " << move.what;
    }
    EXPECT_FALSE(stats.full) << move.what;
    EXPECT_GT(stats.customers, 0) << move.what;
    const auto incremental = Snapshot(*db_, store);
    {
      Status refreshed = RefreshDerived(*db_, store, "", &stats, /*force_full=*/true);
      ASSERT_TRUE(refreshed.ok()) << refreshed;
    }
    EXPECT_EQ(Snapshot(*db_, store), incremental) << move.what;
  }
  // What the moves left for customer 1 and the guest, from the tables themselves.
  auto one = db_->Query("SELECT COUNT(*) FROM customer_summary WHERE store_id = 5 AND ck = 'c:1'");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(AsInt(one->rows[0][0]), 0);
  auto guest = db_->Query(
      "SELECT order_count, last_country FROM customer_summary WHERE store_id = 5 AND ck = 'e:g@x'");
  ASSERT_TRUE(guest.ok());
  ASSERT_EQ(guest->rows.size(), 1u);
  EXPECT_EQ(AsInt(guest->rows[0][0]), 2);  // order 8 (on-hold) and order 9 (now e-mailed)
  EXPECT_EQ(AsString(guest->rows[0][1]), "US");
}

// Hostile dates and keys: an order id 0 (customer key "o:0"), an empty and a non-ASCII date
// (recomputed without the date index), a malformed date (months and years of customer_periods
// are then not used: periods_exact is false), and a huge change that falls back to a full build.
TEST_P(DerivedIncrementalTest, HostileDatesKeysAndHugeChanges) {
  ASSERT_TRUE(Migrate(*db_).ok());
  RandomStore s(*db_, 7, 42);
  s.AddOrdersState();
  for (int i = 0; i < 40; ++i) s.WriteOrder(++s.last_order_);
  RefreshStats stats;
  {
    Status refreshed = RefreshDerived(*db_, 7, "", &stats);
    ASSERT_TRUE(refreshed.ok()) << refreshed;
  }
  ASSERT_TRUE(ReadDerived(*db_, 7)->periods_exact);
  const char* order =
      "INSERT INTO orders (store_id, id, status, date_created, customer_id, billing_email, "
      "total_minor) VALUES (7, ?, 'completed', ?, 0, '', ?)";
  ASSERT_TRUE(
      db_->Execute(order, {int64_t{0}, std::string("2025-01-05T10:00:00"), int64_t{5}}).ok());
  ASSERT_TRUE(db_->Execute(order, {int64_t{-3}, std::string(""), int64_t{6}}).ok());
  ASSERT_TRUE(
      db_->Execute(order, {int64_t{1000}, std::string("2025-0\xc3\xa9-01T00:00"), int64_t{7}})
          .ok());
  ASSERT_TRUE(db_->Execute(order, {int64_t{1001}, std::string("2025-13-01"), int64_t{8}}).ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO refunds (store_id, id, order_id, date_created, "
                           "amount_minor) VALUES (7, 1, 0, '2025-01-06T00:00:00', 2)")
                  .ok());
  {
    Status refreshed = RefreshDerived(*db_, 7, "", &stats);
    ASSERT_TRUE(refreshed.ok()) << refreshed;
  }
  EXPECT_FALSE(stats.full);
  EXPECT_FALSE(ReadDerived(*db_, 7)->periods_exact);
  auto incremental = Snapshot(*db_, 7);
  auto o0 = db_->Query("SELECT ltv_minor FROM customer_summary WHERE store_id = 7 AND ck = 'o:0'");
  ASSERT_TRUE(o0.ok());
  ASSERT_EQ(o0->rows.size(), 1u);
  EXPECT_EQ(AsInt(o0->rows[0][0]), 3);
  {
    Status refreshed = RefreshDerived(*db_, 7, "", &stats, true);
    ASSERT_TRUE(refreshed.ok()) << refreshed;
  }
  EXPECT_EQ(Snapshot(*db_, 7), incremental);
  // 600 new guests without an e-mail (600 new customer keys): more than a quarter of the
  // customers (plus 1000) changed -> one full build.
  for (int64_t i = 2000; i < 2600; ++i) {
    ASSERT_TRUE(db_->Execute(order, {i, std::string("2025-02-03T04:05:06"), int64_t{9}}).ok());
  }
  for (int i = 1; i <= s.last_order_; ++i) s.WriteOrder(i);
  {
    Status refreshed = RefreshDerived(*db_, 7, "", &stats);
    ASSERT_TRUE(refreshed.ok()) << refreshed;
  }
  EXPECT_TRUE(stats.full);
  incremental = Snapshot(*db_, 7);
  {
    Status refreshed = RefreshDerived(*db_, 7, "", &stats, true);
    ASSERT_TRUE(refreshed.ok()) << refreshed;
  }
  EXPECT_EQ(Snapshot(*db_, 7), incremental);
  // Deleting the malformed dates makes the periods exact again.
  ASSERT_TRUE(
      db_->Execute("DELETE FROM orders WHERE store_id = 7 AND id IN (-3, 1000, 1001)").ok());
  {
    Status refreshed = RefreshDerived(*db_, 7, "", &stats);
    ASSERT_TRUE(refreshed.ok()) << refreshed;
  }
  EXPECT_TRUE(ReadDerived(*db_, 7)->periods_exact);
}

// A full build beside a writer (store::BackgroundFullBuild, what a first sync uses): exactly what
// RefreshDerived builds, while the writer goes on committing without ever waiting for a lock, and
// nothing written before Finish. Refused, writing nothing, when the orders' sync moved on since
// the build's snapshot. SQLite only: elsewhere there is nothing to start (the sync refreshes).
TEST_P(DerivedIncrementalTest, ABuildBesideAWriterEqualsAFullRefresh) {
  ASSERT_TRUE(Migrate(*db_).ok());
  const int64_t store = 11;
  RandomStore s(*db_, store, 11);
  s.AddOrdersState();
  for (int i = 0; i < 3000; ++i) s.WriteOrder(++s.last_order_);
  for (int i = 0; i < 300; ++i) s.AddRefund(1 + s.Pick(s.last_order_));
  RandomStore other(*db_, 12, 12);  // another store, built already: its rows must not move
  for (int i = 0; i < 50; ++i) other.WriteOrder(++other.last_order_);
  ASSERT_TRUE(RefreshDerived(*db_, 12).ok());
  const auto other_before = Snapshot(*db_, 12);

  auto build = BackgroundFullBuild::Start(*db_, store);
  if (GetParam() == Backend::kPostgres) {
    EXPECT_EQ(build, nullptr);
    return;
  }
  ASSERT_NE(build, nullptr);
  // The writer commits beside the build, until it ends, with no wait allowed: a build that took
  // the database's write lock would make one of these fail (kUnavailable).
  ASSERT_TRUE(db_->Execute("PRAGMA busy_timeout = 0").ok());
  auto built = std::async(std::launch::async, [&] { return build->Wait(); });
  for (int i = 0; i == 0 || built.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
       ++i) {
    Status wrote = db_->Transaction([&] {
      return db_
          ->Execute(
              "INSERT INTO sync_state (store_id, category, state, records_done) VALUES (11, "
              "'customers', 'syncing', 1) ON CONFLICT (store_id, category) DO UPDATE SET "
              "records_done = sync_state.records_done + 1")
          .status();
    });
    ASSERT_TRUE(wrote.ok()) << "commit " << i << ": " << wrote;
  }
  ASSERT_TRUE(db_->Execute("PRAGMA busy_timeout = 10000").ok());
  ASSERT_TRUE(built.get().ok());
  auto state = ReadDerived(*db_, store);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->fresh);
  EXPECT_TRUE(Snapshot(*db_, store).at("customer_summary").empty());

  RefreshStats stats;
  Status finished = build->Finish("2026-01-01T00:00:00Z", &stats);
  ASSERT_TRUE(finished.ok()) << finished;
  EXPECT_TRUE(stats.full);
  EXPECT_TRUE(stats.beside);
  EXPECT_EQ(build->Finish("2026-01-01T00:00:00Z").code(), StatusCode::kFailedPrecondition);
  state = ReadDerived(*db_, store);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->fresh);
  const auto beside = Snapshot(*db_, store);
  EXPECT_FALSE(beside.at("customer_summary").empty());
  EXPECT_FALSE(beside.at("daily_products").empty());
  ASSERT_TRUE(RefreshDerived(*db_, store, "", &stats, /*force_full=*/true).ok());
  EXPECT_FALSE(stats.beside);
  EXPECT_EQ(Snapshot(*db_, store), beside);
  EXPECT_EQ(Snapshot(*db_, 12), other_before);

  // The orders' sync moves on after the build's snapshot: Finish refuses and writes nothing.
  build = BackgroundFullBuild::Start(*db_, store);
  ASSERT_NE(build, nullptr);
  ASSERT_TRUE(build->Wait().ok());
  s.Change();  // new and changed orders, refunds, and the orders' sync_state row
  Status refused = build->Finish("2026-01-02T00:00:00Z", &stats);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused;
  EXPECT_EQ(Snapshot(*db_, store), beside);
  state = ReadDerived(*db_, store);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->fresh);
  // The change log kept every change: the next refresh is incremental and equals a full build.
  ASSERT_TRUE(RefreshDerived(*db_, store, "", &stats).ok());
  EXPECT_FALSE(stats.full);
  const auto incremental = Snapshot(*db_, store);
  ASSERT_TRUE(RefreshDerived(*db_, store, "", &stats, /*force_full=*/true).ok());
  EXPECT_EQ(Snapshot(*db_, store), incremental);
}

}  // namespace
}  // namespace clever::store
