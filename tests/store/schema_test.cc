// Migrate() and the schema contract, on every backend (instantiated by sqlite_database_test.cc and
// postgres_database_test.cc).
#include "store/schema.h"

#include <gtest/gtest.h>

#include "store/derived.h"
#include "tests/store/backend_fixture.h"

namespace clever::store {
namespace {

TEST_P(SchemaTest, MigratesOnceAndIsIdempotent) {
  ASSERT_TRUE(Migrate(*db_).ok());
  Status again = Migrate(*db_);
  ASSERT_TRUE(again.ok()) << again;
  auto rs = db_->Query("SELECT count(*), max(version) FROM schema_version");
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(AsInt(rs->rows[0][0]), CurrentSchemaVersion());
  EXPECT_EQ(AsInt(rs->rows[0][1]), CurrentSchemaVersion());
  // Every data table is keyed by store; a second store's row with the same id coexists.
  const char* order =
      "INSERT INTO orders (store_id, id, status, date_created) VALUES (?, 5, 'completed', "
      "'2025-01-01T00:00:00')";
  ASSERT_TRUE(db_->Execute(order, {int64_t{1}}).ok());
  ASSERT_TRUE(db_->Execute(order, {int64_t{2}}).ok());
  EXPECT_EQ(db_->Execute(order, {int64_t{2}}).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM payments")->rows[0][0]), 2);
}

// store/derived.h on every backend: the summary of each customer (first/last order, count,
// lifetime value net of refunds, the latest order's country with ties by id), daily sums, and the
// freshness marker following sync_state.
TEST_P(SchemaTest, DerivedTablesSummariseTheOrders) {
  ASSERT_TRUE(Migrate(*db_).ok());
  const char* order =
      "INSERT INTO orders (store_id, id, status, date_created, customer_id, billing_email, "
      "billing_country, total_minor, shipping_total_minor) VALUES (1, ?, ?, ?, ?, ?, ?, ?, 100)";
  struct O {
    int64_t id;
    const char* status;
    const char* date;
    int64_t customer;
    const char* email;
    const char* country;
    int64_t total;
  };
  const O orders[] = {
      {1, "completed", "2025-01-05T10:00:00", 7, "", "US", 1000},
      {2, "processing", "2025-03-01T09:00:00", 7, "", "DE", 2000},
      {3, "completed", "2025-03-01T09:00:00", 7, "", "FR", 500},   // same time, higher id wins
      {4, "cancelled", "2025-04-01T09:00:00", 7, "", "GB", 9999},  // not a sales order
      {5, "completed", "2025-02-01T12:00:00", 0, " Ann@X.com ", "CA", 3000},
      {6, "on-hold", "2025-02-02T12:00:00", 0, "ann@x.com", "AU", 100},
      {7, "completed", "2025-02-03T12:00:00", 0, "", "NL", 50},  // no e-mail: its own customer
  };
  for (const O& o : orders) {
    ASSERT_TRUE(db_->Execute(order, {o.id, std::string(o.status), std::string(o.date), o.customer,
                                     std::string(o.email), std::string(o.country), o.total})
                    .ok());
  }
  ASSERT_TRUE(db_->Execute("INSERT INTO refunds (store_id, id, order_id, date_created, "
                           "amount_minor) VALUES (1, 1, 2, '2025-03-05T00:00:00', 300)")
                  .ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO sync_state (store_id, category, state) VALUES (1, "
                           "'orders', 'ok')")
                  .ok());
  ASSERT_TRUE(RefreshDerived(*db_, 1, "2025-04-02T00:00:00Z").ok());
  auto rs = db_->Query(
      "SELECT ck, first_at, last_at, order_count, ltv_minor, last_country FROM customer_summary "
      "WHERE store_id = 1 ORDER BY ck");
  ASSERT_TRUE(rs.ok()) << rs.status();
  ASSERT_EQ(rs->rows.size(), 3u);
  EXPECT_EQ(AsString(rs->rows[0][0]), "c:7");
  EXPECT_EQ(AsString(rs->rows[0][1]), "2025-01-05T10:00:00");
  EXPECT_EQ(AsString(rs->rows[0][2]), "2025-03-01T09:00:00");
  EXPECT_EQ(AsInt(rs->rows[0][3]), 3);
  EXPECT_EQ(AsInt(rs->rows[0][4]), 1000 + 2000 - 300 + 500);
  EXPECT_EQ(AsString(rs->rows[0][5]), "FR");
  EXPECT_EQ(AsString(rs->rows[1][0]), "e:ann@x.com");
  EXPECT_EQ(AsInt(rs->rows[1][3]), 2);
  EXPECT_EQ(AsString(rs->rows[1][5]), "AU");
  EXPECT_EQ(AsString(rs->rows[2][0]), "o:7");
  auto days = db_->Query(
      "SELECT SUM(orders), SUM(total_minor), SUM(shipping_minor), MAX(max_total_minor), "
      "SUM(guest_orders) FROM daily_orders WHERE store_id = 1");
  ASSERT_TRUE(days.ok()) << days.status();
  EXPECT_EQ(AsInt(days->rows[0][0]), 7);
  EXPECT_EQ(AsInt(days->rows[0][1]), 1000 + 2000 + 500 + 9999 + 3000 + 100 + 50);
  EXPECT_EQ(AsInt(days->rows[0][2]), 700);
  EXPECT_EQ(AsInt(days->rows[0][3]), 9999);
  EXPECT_EQ(AsInt(days->rows[0][4]), 3);
  auto state = ReadDerived(*db_, 1);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_TRUE(state->fresh);
  EXPECT_EQ(state->through, "2025-04-01T09:00:00");
  EXPECT_EQ(state->refunds_through, "2025-03-05T00:00:00");
  ASSERT_TRUE(
      db_->Execute("UPDATE sync_state SET records_done = 5 WHERE store_id = 1 AND category = "
                   "'orders'")
          .ok());
  state = ReadDerived(*db_, 1);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->fresh);
  // A sync that changed nothing: fresh again without a rebuild; a changed order: rebuilt.
  ASSERT_TRUE(RefreshDerived(*db_, 1).ok());
  state = ReadDerived(*db_, 1);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->fresh);
  ASSERT_TRUE(db_->Execute("UPDATE orders SET status = 'cancelled', date_modified_gmt = "
                           "'2025-04-03T00:00:00' WHERE store_id = 1 AND id = 3")
                  .ok());
  ASSERT_TRUE(db_->Execute("UPDATE sync_state SET records_done = 6 WHERE store_id = 1").ok());
  ASSERT_TRUE(RefreshDerived(*db_, 1).ok());
  auto c7 = db_->Query(
      "SELECT order_count, last_country FROM customer_summary WHERE store_id = 1 AND ck = 'c:7'");
  ASSERT_TRUE(c7.ok());
  EXPECT_EQ(AsInt(c7->rows[0][0]), 2);
  EXPECT_EQ(AsString(c7->rows[0][1]), "DE");
  EXPECT_TRUE(ReadDerived(*db_, 1)->fresh);
  // An empty store: nothing to summarise, still fresh.
  ASSERT_TRUE(RefreshDerived(*db_, 2).ok());
  state = ReadDerived(*db_, 2);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->fresh);
  EXPECT_EQ(state->through, "");
}

// A first sync's bulk path (sync::SyncEngine): the secondary indexes it drops come back exactly
// as the migrations made them; restoring is idempotent. PostgreSQL keeps its indexes (no-op).
TEST_P(SchemaTest, BulkLoadIndexesDropAndComeBackAsMigrated) {
  ASSERT_TRUE(Migrate(*db_).ok());
  int created = -1;
  ASSERT_TRUE(RestoreBulkLoadIndexes(*db_, &created).ok());
  EXPECT_EQ(created, 0);
  EXPECT_EQ(BulkLoadIndexes().size(), 12u);
  if (db_->dialect() != Dialect::kSqlite) {
    ASSERT_TRUE(DropBulkLoadIndexes(*db_).ok());
    auto rs = db_->Query(
        "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_by_date' AND schemaname = "
        "current_schema()");
    ASSERT_TRUE(rs.ok()) << rs.status();
    EXPECT_EQ(AsInt(rs->rows[0][0]), 1);
    return;
  }
  const char* kIndexes =
      "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name";
  auto before = db_->Query(kIndexes);
  ASSERT_TRUE(before.ok()) << before.status();
  for (const std::string& name : BulkLoadIndexes()) {
    bool found = false;
    for (const auto& row : before->rows) found = found || AsString(row[0]) == name;
    EXPECT_TRUE(found) << name << " is not an index of the schema";
  }
  ASSERT_TRUE(DropBulkLoadIndexes(*db_).ok());
  auto dropped = db_->Query(kIndexes);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->rows.size() + BulkLoadIndexes().size(), before->rows.size());
  ASSERT_TRUE(DropBulkLoadIndexes(*db_).ok());  // again: nothing left to drop, no error
  // Rows written meanwhile are indexed when the indexes come back (a partial one included).
  ASSERT_TRUE(db_->Execute("INSERT INTO orders (store_id, id, status, date_created, total_minor) "
                           "VALUES (1, 7, 'pending', '2025-02-03T10:00:00', 500)")
                  .ok());
  // The sync's temp_store=MEMORY is left as it was (the build sorts on a temp file).
  ASSERT_TRUE(db_->ExecuteScript("PRAGMA temp_store = 2").ok());
  ASSERT_TRUE(RestoreBulkLoadIndexes(*db_, &created).ok());
  EXPECT_EQ(created, static_cast<int>(BulkLoadIndexes().size()));
  EXPECT_EQ(AsInt(db_->Query("PRAGMA temp_store")->rows[0][0]), 2);
  auto after = db_->Query(kIndexes);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->rows.size(), before->rows.size());
  for (size_t i = 0; i < after->rows.size(); ++i) {
    for (size_t c = 0; c < 3; ++c) {
      EXPECT_EQ(AsString(after->rows[i][c]), AsString(before->rows[i][c])) << i << "," << c;
    }
  }
  auto plan = db_->Query(
      "EXPLAIN QUERY PLAN SELECT number FROM orders WHERE store_id = 1 AND date_created >= "
      "'2025-02-01' AND (date_paid IS NULL OR date_paid = '') AND status NOT IN "
      "('cancelled','failed','refunded','trash','checkout-draft','draft')");
  ASSERT_TRUE(plan.ok());
  std::string text;
  for (const auto& row : plan->rows) text += AsString(row.back()) + "\n";
  EXPECT_NE(text.find("orders_unpaid"), std::string::npos) << text;
  ASSERT_TRUE(RestoreBulkLoadIndexes(*db_, &created).ok());
  EXPECT_EQ(created, 0);
  EXPECT_TRUE(db_->Query("PRAGMA integrity_check")->rows[0][0] == Value{std::string("ok")});
}

TEST_P(SchemaTest, SecondConnectionMigratesNothing) {
  ASSERT_TRUE(Migrate(*db_).ok());
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(Migrate(*other).ok());
  EXPECT_EQ(AsInt(other->Query("SELECT count(*) FROM schema_version")->rows[0][0]),
            CurrentSchemaVersion());
}

TEST_P(SchemaTest, RefusesADatabaseFromANewerBuild) {
  ASSERT_TRUE(Migrate(*db_).ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO schema_version VALUES (999)").ok());
  EXPECT_EQ(Migrate(*db_).code(), StatusCode::kFailedPrecondition);
}

TEST_P(SchemaTest, StoreDomainIsUniqueAcrossMerchants) {
  ASSERT_TRUE(Migrate(*db_).ok());
  const char* sql =
      "INSERT INTO connectors (merchant_id, name, store_url, store_domain, auth_mode, key_hint, "
      "credentials_sealed, created_at) VALUES (?, ?, 'https://a.example', 'a.example', 'basic', "
      "'ck_...1', 'x', 'now') RETURNING id";
  auto first = db_->Query(sql, {int64_t{1}, std::string("one")});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_GT(AsInt(first->rows[0][0]), 0);
  EXPECT_EQ(db_->Execute(sql, {int64_t{2}, std::string("two")}).status().code(),
            StatusCode::kAlreadyExists);
}

TEST_P(SchemaTest, RowsRoundTripWithTheirTypes) {
  ASSERT_TRUE(Migrate(*db_).ok());
  auto merchant = db_->Query("INSERT INTO merchants (name, created_at) VALUES (?, ?) RETURNING id",
                             {std::string("Shop"), std::string("2025-01-01T00:00:00Z")});
  ASSERT_TRUE(merchant.ok()) << merchant.status();
  const int64_t merchant_id = AsInt(merchant->rows[0][0]);
  ASSERT_TRUE(db_->Execute("INSERT INTO users (merchant_id, email, password_hash, created_at) "
                           "VALUES (?, ?, ?, ?)",
                           {merchant_id, std::string("a@b.example"), std::string("$argon2id$x"),
                            std::string("now")})
                  .ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO store_info (store_id, gmt_offset, has_woopayments) VALUES "
                           "(?, ?, ?)",
                           {int64_t{1}, -5.5, int64_t{1}})
                  .ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO products (store_id, id, name, price_minor, stock_quantity) "
                           "VALUES (?, ?, ?, ?, ?)",
                           {int64_t{1}, int64_t{10}, std::string("Mug ☕"), int64_t{1299}, nullptr})
                  .ok());
  auto rs = db_->Query(
      "SELECT p.name, p.price_minor, p.stock_quantity, p.on_sale, s.gmt_offset, "
      "s.has_woopayments FROM products p JOIN store_info s ON s.store_id = p.store_id "
      "WHERE p.store_id = ? AND p.id = ?",
      {int64_t{1}, int64_t{10}});
  ASSERT_TRUE(rs.ok()) << rs.status();
  ASSERT_EQ(rs->rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(rs->rows[0][0]), "Mug ☕");
  EXPECT_EQ(std::get<int64_t>(rs->rows[0][1]), 1299);
  EXPECT_TRUE(IsNull(rs->rows[0][2]));
  EXPECT_EQ(std::get<int64_t>(rs->rows[0][3]), 0);  // the DEFAULT
  EXPECT_EQ(std::get<double>(rs->rows[0][4]), -5.5);
  EXPECT_EQ(std::get<int64_t>(rs->rows[0][5]), 1);
  // Deleting the merchant cascades to its users on both backends.
  ASSERT_TRUE(db_->Execute("DELETE FROM merchants WHERE id = ?", {merchant_id}).ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM users")->rows[0][0]), 0);
}

}  // namespace
}  // namespace clever::store
