#include "store/schema.h"

#include <gtest/gtest.h>

namespace clever::store {
namespace {

TEST(SchemaTest, MigratesOnceAndIsIdempotent) {
  auto db = OpenSqlite(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(Migrate(**db).ok());
  ASSERT_TRUE(Migrate(**db).ok());
  auto rs = (*db)->Query("SELECT count(*) FROM schema_version");
  EXPECT_EQ(AsInt(rs->rows[0][0]), CurrentSchemaVersion());
  // Every data table is keyed by store; a second store's row with the same id coexists.
  ASSERT_TRUE((*db)
                  ->Execute("INSERT INTO orders (store_id, id, status, date_created) VALUES (1, 5, "
                            "'completed', '2025-01-01T00:00:00')")
                  .ok());
  ASSERT_TRUE((*db)
                  ->Execute("INSERT INTO orders (store_id, id, status, date_created) VALUES (2, 5, "
                            "'completed', '2025-01-01T00:00:00')")
                  .ok());
  EXPECT_EQ(AsInt((*db)->Query("SELECT count(*) FROM payments")->rows[0][0]), 2);
}

TEST(SchemaTest, RefusesADatabaseFromANewerBuild) {
  auto db = OpenSqlite(":memory:");
  ASSERT_TRUE(Migrate(**db).ok());
  ASSERT_TRUE((*db)->Execute("INSERT INTO schema_version VALUES (999)").ok());
  EXPECT_EQ(Migrate(**db).code(), StatusCode::kFailedPrecondition);
}

TEST(SchemaTest, StoreDomainIsUniqueAcrossMerchants) {
  auto db = OpenSqlite(":memory:");
  ASSERT_TRUE(Migrate(**db).ok());
  const char* sql =
      "INSERT INTO connectors (merchant_id, name, store_url, store_domain, auth_mode, key_hint, "
      "credentials_sealed, created_at) VALUES (?, ?, 'https://a.example', 'a.example', 'basic', "
      "'ck_...1', 'x', 'now')";
  ASSERT_TRUE((*db)->Execute(sql, {int64_t{1}, std::string("one")}).ok());
  EXPECT_EQ((*db)->Execute(sql, {int64_t{2}, std::string("two")}).status().code(),
            StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace clever::store
