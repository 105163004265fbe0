#include "tests/sync/sync_testing.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "common/clock.h"
#include "store/schema.h"

namespace clever::sync::testing {

using store::Value;

std::unique_ptr<store::Database> OpenDb(const std::string& path) {
  auto db = store::OpenSqlite(path);
  EXPECT_TRUE(db.ok()) << db.status();
  EXPECT_TRUE(store::Migrate(**db).ok());
  return std::move(db).value();
}

SyncOptions Fast() {
  SyncOptions o;
  o.concurrency = 4;
  o.backoff_base = std::chrono::milliseconds(1);
  o.backoff_cap = std::chrono::milliseconds(5);
  return o;
}

Status SyncOnce(store::Database& db, FakeStore& fake, SyncOptions o,
                std::vector<CategoryStatus>* progress) {
  FakeClock clock;
  SyncEngine engine(db, fake.Factory(), clock, o);
  return engine.Run(kStore, [&](const CategoryStatus& s) {
    if (progress != nullptr) progress->push_back(s);
  });
}

int64_t Scalar(store::Database& db, const std::string& sql) {
  auto rs = db.Query(sql, {Value{kStore}});
  EXPECT_TRUE(rs.ok()) << rs.status() << " " << sql;
  return rs.ok() && !rs->rows.empty() ? store::AsInt(rs->rows[0][0]) : -1;
}

// Every synced data table of the store as text, ordered: two syncs ended identical iff equal.
std::string Dump(store::Database& db) {
  static const char* const kTables[] = {"customers",
                                        "orders",
                                        "order_line_items",
                                        "order_tax_lines",
                                        "order_shipping_lines",
                                        "order_fee_lines",
                                        "order_coupon_lines",
                                        "products",
                                        "product_categories",
                                        "categories",
                                        "product_tags",
                                        "variations",
                                        "variation_attributes",
                                        "coupons",
                                        "refunds",
                                        "refund_line_items",
                                        "payment_gateways",
                                        "payment_transactions",
                                        "payouts",
                                        "disputes",
                                        "report_totals",
                                        "report_sales"};
  std::string out;
  // The indexes and triggers (a first sync drops and rebuilds some indexes: they must be back
  // after every run, including one resumed after kill -9).
  if (db.dialect() == store::Dialect::kSqlite) {
    auto rs = db.Query(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS "
        "NOT NULL ORDER BY type, name");
    EXPECT_TRUE(rs.ok()) << rs.status();
    if (rs.ok()) {
      out += "## schema " + std::to_string(rs->rows.size()) + "\n";
      for (const auto& row : rs->rows) {
        out += store::AsString(row[0]) + " " + store::AsString(row[1]) + ": " +
               store::AsString(row[2]) + "\n";
      }
    }
  }
  for (const char* t : kTables) {
    auto rs = db.Query(std::string("SELECT * FROM ") + t + " WHERE store_id = ? ORDER BY 1,2,3",
                       {Value{kStore}});
    EXPECT_TRUE(rs.ok()) << rs.status();
    if (!rs.ok()) continue;
    out += std::string("## ") + t + " " + std::to_string(rs->rows.size()) + "\n";
    for (const auto& row : rs->rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (rs->columns[i] == "fetched_at") continue;
        out += store::AsString(row[i]) + (store::IsNull(row[i]) ? "~" : "") + "|";
      }
      out += "\n";
    }
  }
  return out;
}

void ExpectEqualsAFreshSync(store::Database& db, FakeStore& fake) {
  auto fresh = OpenDb();
  ASSERT_TRUE(SyncOnce(*fresh, fake).ok());
  EXPECT_EQ(Dump(db), Dump(*fresh));
}

void ExpectMatchesStore(store::Database& db, FakeStore& fake) {
  auto s = fake.stats();
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM customers WHERE store_id = ?"), s.customers);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM orders WHERE store_id = ?"), s.orders);
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(total_minor),0) FROM orders WHERE store_id = ?"),
            s.order_total_minor);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM order_line_items WHERE store_id = ?"), s.line_items);
  EXPECT_EQ(
      Scalar(db, "SELECT coalesce(sum(total_minor),0) FROM order_line_items WHERE store_id = ?"),
      s.line_total_minor);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM products WHERE store_id = ?"), s.products);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM variations WHERE store_id = ?"), s.variations);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM categories WHERE store_id = ?"), s.categories);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM coupons WHERE store_id = ?"), s.coupons);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM refunds WHERE store_id = ?"), s.refunds);
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(amount_minor),0) FROM refunds WHERE store_id = ?"),
            s.refund_amount_minor);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM payouts WHERE store_id = ?"), s.payouts);
  EXPECT_EQ(Scalar(db, "SELECT coalesce(sum(amount_minor),0) FROM payouts WHERE store_id = ?"),
            s.payout_amount_minor);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM disputes WHERE store_id = ?"), s.disputes);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM payment_transactions WHERE store_id = ?"),
            s.transactions);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM payment_gateways WHERE store_id = ?"), s.gateways);
}

std::map<std::string, std::string> States(store::Database& db) {
  auto st = ReadStatus(db, kStore);
  EXPECT_TRUE(st.ok());
  std::map<std::string, std::string> out;
  for (const auto& s : *st) out[s.category] = s.state;
  return out;
}

// kill -9 at random moments: a child process syncs into a file and is killed; the parent
// resumes; the result must equal an uninterrupted sync.
void KillTrials(int trials, int orders) {
  FakeOptions fo;
  fo.orders = orders;
  FakeStore fake(fo);
  auto reference = OpenDb();
  ASSERT_TRUE(SyncOnce(*reference, fake).ok());
  const std::string expected = Dump(*reference);
  std::mt19937 rng(42);
  int killed_mid_way = 0;
  for (int t = 0; t < trials; ++t) {
    std::string path = ::testing::TempDir() + "/kill_" + std::to_string(getpid()) + ".db";
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    { OpenDb(path); }
    int kills = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < kills; ++k) {
      pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        fake.SetFaults(Faults{0, 300, "", 0});  // 0.3 ms per request: the sync takes a while
        auto db = store::OpenSqlite(path);
        if (!db.ok()) _exit(3);
        Status s = SyncOnce(**db, fake);
        _exit(s.ok() ? 0 : 4);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + rng() % 120));
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      if (WIFSIGNALED(status)) ++killed_mid_way;
    }
    auto db = OpenDb(path);
    ASSERT_TRUE(SyncOnce(*db, fake).ok());
    EXPECT_EQ(Dump(*db), expected) << "trial " << t;
    db.reset();
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
  }
  EXPECT_GT(killed_mid_way, 0);
}

}  // namespace clever::sync::testing
