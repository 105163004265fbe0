// Migrate() and the schema contract, on every backend (instantiated by sqlite_database_test.cc and
// postgres_database_test.cc).
#include "store/schema.h"

#include <gtest/gtest.h>

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
