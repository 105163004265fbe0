// The batched writer (src/sync/writer.cc): multi-row INSERT ... VALUES (...),(...) chunks and
// DELETE ... IN (...) lists, on SQLite (sync_writer_test) and on PostgreSQL (sync_writer_pg_test,
// a throwaway server from tests/store/pg_test_server.h). Checks what one row per statement did:
// chunk boundaries, duplicate keys in one batch (last parent wins, first child wins), children
// replaced with their parent, deletions with children, hostile text bound verbatim, huge batches.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/schema.h"
#include "sync/writer.h"
#include "woo/records.h"

#ifdef CLEVER_TEST_POSTGRES
#include "tests/store/pg_test_server.h"
#endif

namespace clever::sync {
namespace {

using store::Value;

std::unique_ptr<store::Database> OpenDb() {
#ifdef CLEVER_TEST_POSTGRES
  auto server = test::PgTestServer::Shared();
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return nullptr;
  auto conninfo = (*server)->FreshSchema();
  EXPECT_TRUE(conninfo.ok()) << conninfo.status();
  if (!conninfo.ok()) return nullptr;
  auto db = store::OpenPostgres(*conninfo);
#else
  auto db = store::OpenSqlite(":memory:");
#endif
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return nullptr;
  Status migrated = store::Migrate(**db);
  EXPECT_TRUE(migrated.ok()) << migrated;
  return std::move(db).value();
}

int64_t Scalar(store::Database& db, const std::string& sql, std::vector<Value> params = {}) {
  auto rs = db.Query(sql, params);
  EXPECT_TRUE(rs.ok()) << rs.status() << " " << sql;
  if (!rs.ok() || rs->rows.empty()) return -1;
  return store::AsInt(rs->rows[0][0]);
}

std::string Text(store::Database& db, const std::string& sql, std::vector<Value> params = {}) {
  auto rs = db.Query(sql, params);
  EXPECT_TRUE(rs.ok()) << rs.status() << " " << sql;
  if (!rs.ok() || rs->rows.empty()) return "<none>";
  return store::AsString(rs->rows[0][0]);
}

woo::OrderRecord Order(int64_t id, int lines, int64_t total = 1000) {
  woo::OrderRecord o;
  o.id = id;
  o.number = std::to_string(id);
  o.status = "completed";
  o.currency = "USD";
  o.date_created = "2025-01-02T03:04:05";
  o.date_modified_gmt = "2025-01-02T08:04:05";
  o.total_minor = total;
  o.billing_email = "buyer" + std::to_string(id) + "@example.com";
  for (int i = 0; i < lines; ++i) {
    woo::OrderLineItem li;
    li.id = id * 10 + i;
    li.product_id = 7;
    li.name = "Item " + std::to_string(i);
    li.quantity = 1 + i;
    li.total_minor = 100 * (i + 1);
    o.line_items.push_back(li);
  }
  o.tax_lines.push_back({id * 10, "US-NY", "Tax", 80, 0});
  o.shipping_lines.push_back({id * 10, "flat_rate", "Flat", 500, 0});
  if (id % 3 == 0) o.fee_lines.push_back({id * 10, "Gift wrap", 300, 0});
  if (id % 5 == 0) o.coupon_lines.push_back({id * 10, "save10", 100, 0, "percent"});
  return o;
}

Status InTx(store::Database& db, const std::function<Status()>& body) {
  return db.Transaction(body);
}

class WriterBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenDb();
    ASSERT_NE(db_, nullptr);
  }
  std::unique_ptr<store::Database> db_;
};

TEST_F(WriterBatch, OrdersAcrossChunkBoundariesWithTheirChildren) {
  // 300 orders = chunks of 256 + 32 + 8 + 4; 3 line items each = 900 rows in chunks too.
  std::vector<woo::OrderRecord> rows;
  int64_t want_total = 0;
  for (int64_t id = 1; id <= 300; ++id) {
    rows.push_back(Order(id, 3, id));
    want_total += id;
  }
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, rows); }).ok());
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM orders WHERE store_id = 1"), 300);
  EXPECT_EQ(Scalar(*db_, "SELECT sum(total_minor) FROM orders WHERE store_id = 1"), want_total);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_line_items WHERE store_id = 1"), 900);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_tax_lines"), 300);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_shipping_lines"), 300);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_fee_lines"), 100);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_coupon_lines"), 60);
  EXPECT_EQ(Text(*db_, "SELECT billing_email FROM orders WHERE store_id = 1 AND id = 257"),
            "buyer257@example.com");
  EXPECT_EQ(Text(*db_, "SELECT name FROM order_line_items WHERE order_id = 300 AND id = 3002"),
            "Item 2");

  // Written again with fewer lines and new totals: children replaced, not accumulated.
  for (auto& o : rows) {
    o.line_items.resize(1);
    o.total_minor += 1;
    o.fee_lines.clear();
  }
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, rows); }).ok());
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM orders"), 300);
  EXPECT_EQ(Scalar(*db_, "SELECT sum(total_minor) FROM orders"), want_total + 300);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_line_items"), 300);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_fee_lines"), 0);
}

TEST_F(WriterBatch, DuplicateOrderInOneBatchKeepsTheLastOrderAndTheFirstOfEachChild) {
  std::vector<woo::OrderRecord> rows = {Order(1, 2, 100), Order(2, 1, 200), Order(1, 3, 111)};
  rows[2].line_items[0].name = "changed";  // same child id as the first listing's: first wins
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, rows); }).ok());
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM orders"), 2);
  EXPECT_EQ(Scalar(*db_, "SELECT total_minor FROM orders WHERE id = 1"), 111);
  // Children of both listings, one per child id (ids 10, 11 from both, 12 only from the second).
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_line_items WHERE order_id = 1"), 3);
  EXPECT_EQ(Text(*db_, "SELECT name FROM order_line_items WHERE order_id = 1 AND id = 10"),
            "Item 0");
  // Duplicate child ids inside one order: the first is kept, nothing fails.
  woo::OrderRecord dup = Order(5, 2);
  dup.line_items[1].id = dup.line_items[0].id;
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, {dup}); }).ok());
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_line_items WHERE order_id = 5"), 1);
}

// Every row of `table` (store 1) ordered by id, all columns as text.
std::vector<std::string> Dump(store::Database& db, const std::string& table) {
  auto rs = db.Query("SELECT * FROM " + table + " WHERE store_id = 1 ORDER BY id");
  EXPECT_TRUE(rs.ok()) << rs.status();
  std::vector<std::string> out;
  if (!rs.ok()) return out;
  for (const auto& row : rs->rows) {
    std::string line;
    for (const Value& v : row) line += (store::IsNull(v) ? "NULL" : store::AsString(v)) + "|";
    out.push_back(line);
  }
  return out;
}

// Rewritten rows name in their SET only the indexed columns whose value changed (writer.cc
// IndexAwareUpsert): whatever changes, the rows and every index must be what writing the final
// records into an empty store gives.
TEST_F(WriterBatch, RewritesWithAndWithoutIndexedChangesEqualAFreshWrite) {
  std::vector<woo::OrderRecord> orders;
  std::vector<woo::CustomerRecord> customers;
  for (int64_t id = 1; id <= 40; ++id) {
    orders.push_back(Order(id, 1, id));
    woo::CustomerRecord c;
    c.id = id;
    c.email = "c" + std::to_string(id) + "@x.com";
    c.first_name = "F" + std::to_string(id);
    c.last_name = "L";
    c.date_created = "2024-01-01T00:00:00";
    customers.push_back(c);
  }
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, orders); }).ok());
  ASSERT_TRUE(InTx(*db_, [&] { return WriteCustomers(*db_, 1, customers); }).ok());
  // One batch of every kind of rewrite, new rows in between.
  std::vector<woo::OrderRecord> again;
  for (int64_t id = 1; id <= 40; ++id) {
    woo::OrderRecord o = orders[static_cast<size_t>(id - 1)];
    switch (id % 8) {
      case 0:
        break;  // unchanged
      case 1:
        o.status = "processing";
        o.date_paid = "2025-01-03T00:00:00";
        break;
      case 2:
        o.billing_email = " Other@X.com ";
        break;
      case 3:
        o.customer_id = 7;
        break;
      case 4:
        o.date_created = "2024-12-31T23:59:59";
        break;
      case 5:
        o.billing_last_name = "Smith";
        o.billing_first_name = "Ann";
        break;
      case 6:
        o.total_minor += 5;
        o.number = "N" + o.number;
        o.payment_method = "paypal";
        break;
      default:
        o.shipping_city = "Oslo";
        break;  // a column no index names
    }
    again.push_back(o);
    if (id % 10 == 0) again.push_back(Order(100 + id, 2, 7));
  }
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, again); }).ok());
  for (auto& c : customers) {
    if (c.id % 3 == 0) c.email = "NEW" + c.email;
    if (c.id % 4 == 0) c.last_name = "M";
    if (c.id % 5 == 0) c.date_created = "2023-05-05T00:00:00";
    c.billing_city = "City" + std::to_string(c.id % 2);
  }
  ASSERT_TRUE(InTx(*db_, [&] { return WriteCustomers(*db_, 1, customers); }).ok());

  std::unique_ptr<store::Database> fresh = OpenDb();
  ASSERT_NE(fresh, nullptr);
  ASSERT_TRUE(InTx(*fresh, [&] { return WriteOrders(*fresh, 1, again); }).ok());
  ASSERT_TRUE(InTx(*fresh, [&] { return WriteCustomers(*fresh, 1, customers); }).ok());
  EXPECT_EQ(Dump(*db_, "orders"), Dump(*fresh, "orders"));
  EXPECT_EQ(Dump(*db_, "customers"), Dump(*fresh, "customers"));
  EXPECT_EQ(Dump(*db_, "orders").size(), 44u);
  // The indexes serve the new values (and only them).
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM orders WHERE store_id = 1 AND "
                   "lower(trim(billing_email)) = 'other@x.com'"),
            5);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM orders WHERE store_id = 1 AND customer_id = 7"), 5);
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM orders WHERE store_id = 1 AND date_created = "
                   "'2024-12-31T23:59:59'"),
            5);
  EXPECT_EQ(Scalar(*db_,
                   "SELECT count(*) FROM customers WHERE store_id = 1 AND lower(email) LIKE "
                   "'new%'"),
            13);
  if (db_->dialect() == store::Dialect::kSqlite) {
    EXPECT_EQ(Text(*db_, "PRAGMA integrity_check"), "ok");
  }
  // Every combination of six indexed columns in one batch (more distinct SETs than the writer
  // keeps statements for: the rest take the full SET), then again unchanged.
  for (int64_t i = 0; i < 64; ++i) {
    woo::OrderRecord o = i < static_cast<int64_t>(again.size()) ? again[static_cast<size_t>(i)]
                                                                : Order(200 + i, 1, i);
    if (i & 1) o.status = o.status == "completed" ? "refunded" : "completed";
    if (i & 2) o.billing_email = "m" + std::to_string(i) + "@x.com";
    if (i & 4) o.customer_id += 1;
    if (i & 8) o.date_created = "2023-0" + std::to_string(1 + i % 9) + "-01T00:00:00";
    if (i & 16) o.date_paid = o.date_paid ? std::nullopt : std::optional<std::string>("2025-02-02");
    if (i & 32) o.billing_first_name += "x";
    if (i < static_cast<int64_t>(again.size())) {
      again[static_cast<size_t>(i)] = o;
    } else {
      again.push_back(o);
    }
  }
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, again); }).ok());
  }
  std::unique_ptr<store::Database> fresh2 = OpenDb();
  ASSERT_NE(fresh2, nullptr);
  ASSERT_TRUE(InTx(*fresh2, [&] { return WriteOrders(*fresh2, 1, again); }).ok());
  EXPECT_EQ(Dump(*db_, "orders"), Dump(*fresh2, "orders"));
  if (db_->dialect() == store::Dialect::kSqlite) {
    EXPECT_EQ(Text(*db_, "PRAGMA integrity_check"), "ok");
  }
}

TEST_F(WriterBatch, HostileTextIsBoundVerbatimAndStoresStayApart) {
  woo::OrderRecord o = Order(9, 1);
  o.billing_last_name = "O'Brien\"; DROP TABLE orders; -- ? $1 ,(?,?)";
  o.line_items[0].name = std::string(2048, 'x');
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, {o}); }).ok());
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 2, {Order(9, 2)}); }).ok());
  EXPECT_EQ(Text(*db_, "SELECT billing_last_name FROM orders WHERE store_id = 1 AND id = 9"),
            o.billing_last_name);
  EXPECT_EQ(Scalar(*db_, "SELECT length(name) FROM order_line_items WHERE store_id = 1"), 2048);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_line_items WHERE store_id = 2"), 2);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_line_items WHERE store_id = 1"), 1);
}

TEST_F(WriterBatch, HugeBatchesOfCustomersAndTransactions) {
  std::vector<woo::CustomerRecord> customers;
  for (int64_t id = 1; id <= 5000; ++id) {
    woo::CustomerRecord c;
    c.id = id;
    c.role = "customer";
    c.email = "c" + std::to_string(id) + "@example.com";
    customers.push_back(c);
  }
  customers.push_back(customers[10]);  // listed twice: the last wins
  customers.back().email = "moved@example.com";
  ASSERT_TRUE(InTx(*db_, [&] { return WriteCustomers(*db_, 1, customers); }).ok());
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM customers"), 5000);
  EXPECT_EQ(Text(*db_, "SELECT email FROM customers WHERE id = 11"), "moved@example.com");

  std::vector<woo::TransactionRecord> txns;
  for (int i = 0; i < 1000; ++i) {
    woo::TransactionRecord t;
    t.transaction_id = "txn_" + std::to_string(i);
    t.date = "2025-01-01 00:00:00";
    t.type = "charge";
    t.amount_minor = i;
    txns.push_back(t);
  }
  txns.push_back(txns[0]);
  txns.back().amount_minor = 5;
  ASSERT_TRUE(InTx(*db_, [&] { return WriteTransactions(*db_, 1, txns); }).ok());
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM payment_transactions"), 1000);
  EXPECT_EQ(Scalar(*db_,
                   "SELECT amount_minor FROM payment_transactions WHERE transaction_id = "
                   "'txn_0'"),
            5);
}

TEST_F(WriterBatch, RefundsListedTwiceKeepTheLastListingAndItsLines) {
  woo::RefundRecord a;
  a.id = 70;
  a.order_id = 3;
  a.date_created = "2025-01-03T00:00:00";
  a.amount_minor = 500;
  a.line_items = {{1, 7, 0, -1, -500, 0}, {2, 8, 0, -1, -100, 0}};
  woo::RefundRecord b = a;
  b.amount_minor = 400;
  b.line_items = {{3, 9, 0, -2, -400, 0}};
  ASSERT_TRUE(InTx(*db_, [&] { return WriteRefunds(*db_, 1, {a, b}); }).ok());
  EXPECT_EQ(Scalar(*db_, "SELECT amount_minor FROM refunds WHERE id = 70"), 400);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM refund_line_items WHERE refund_id = 70"), 1);
  EXPECT_EQ(Scalar(*db_, "SELECT id FROM refund_line_items WHERE refund_id = 70"), 3);
}

TEST_F(WriterBatch, DeleteByIdsTakesManyIdsAndTheChildren) {
  std::vector<woo::OrderRecord> rows;
  for (int64_t id = 1; id <= 700; ++id) rows.push_back(Order(id, 2));
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 1, rows); }).ok());
  ASSERT_TRUE(InTx(*db_, [&] { return WriteOrders(*db_, 2, {Order(1, 2)}); }).ok());
  std::vector<int64_t> gone;
  for (int64_t id = 1; id <= 700; ++id) {
    if (id != 350) gone.push_back(id);
  }
  gone.push_back(99999);  // unknown ids are no error
  ASSERT_TRUE(InTx(*db_, [&] { return DeleteByIds(*db_, 1, "orders", gone); }).ok());
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM orders WHERE store_id = 1"), 1);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_line_items WHERE store_id = 1"), 2);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM order_tax_lines WHERE store_id = 1"), 1);
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM orders WHERE store_id = 2"), 1);  // untouched
  EXPECT_FALSE(DeleteByIds(*db_, 1, "no_such_family", {1}).ok());
  EXPECT_TRUE(InTx(*db_, [&] { return DeleteByIds(*db_, 1, "orders", {}); }).ok());
}

// The stored ids a pass compares with the store's (deletions) are read in slices along the key:
// every id once, in order, across slice boundaries, and only the store's own.
TEST_F(WriterBatch, StoredIdsReadsEveryIdInOrderAcrossSlices) {
  // 45,001 customers of store 1 with ids 3, 6, 9, ... (two slice boundaries and a short tail),
  // written straight into the table; store 2's ids interleave with them.
  ASSERT_TRUE(db_->ExecuteScript(
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                     "45001) INSERT INTO customers (store_id, id) SELECT 1, 3 * i FROM n; "
                     "INSERT INTO customers (store_id, id) VALUES (2, 1), (2, 30001), (2, 999999)")
                  .ok());
  auto ids = StoredIds(*db_, 1, "customers");
  ASSERT_TRUE(ids.ok()) << ids.status();
  ASSERT_EQ(ids->size(), 45001u);
  for (size_t i = 0; i < ids->size(); ++i) {
    ASSERT_EQ((*ids)[i], 3 * static_cast<int64_t>(i + 1)) << i;
  }
  auto other = StoredIds(*db_, 2, "customers");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(*other, (std::vector<int64_t>{1, 30001, 999999}));
  auto none = StoredIds(*db_, 3, "customers");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(StoredIds(*db_, 1, "no_such_family").ok());
}

}  // namespace
}  // namespace clever::sync
