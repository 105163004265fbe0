// SQLite-only behaviour; what both backends share is in database_test.cc and schema_test.cc,
// instantiated here for SQLite.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/database.h"
#include "tests/store/backend_fixture.h"

namespace clever::store {

CLEVER_INSTANTIATE_BACKEND_TESTS(Backend::kSqlite);

namespace {

TEST(SqliteDatabaseTest, MemoryDatabaseWorks) {
  auto db = OpenSqlite(":memory:");
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->dialect(), Dialect::kSqlite);
  ASSERT_TRUE((*db)->ExecuteScript("CREATE TABLE t (k BIGINT)").ok());
  ASSERT_TRUE((*db)->Execute("INSERT INTO t VALUES (?)", {int64_t{3}}).ok());
  EXPECT_EQ(AsInt((*db)->Query("SELECT k FROM t")->rows[0][0]), 3);
}

TEST(SqliteDatabaseTest, TwoConnectionsShareAFile) {
  auto dir =
      std::filesystem::temp_directory_path() / ("clever_store_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.db").string();
  {
    auto a = OpenSqlite(path);
    auto b = OpenDatabase("sqlite:" + path);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE((*a)->ExecuteScript("CREATE TABLE w (k BIGINT)").ok());
    ASSERT_TRUE((*a)->Execute("INSERT INTO w VALUES (7)").ok());
    EXPECT_EQ(AsInt((*b)->Query("SELECT k FROM w")->rows[0][0]), 7);
  }
  std::filesystem::remove_all(dir);
}

TEST(SqliteDatabaseTest, UnopenablePathIsAnError) {
  auto db = OpenSqlite("/nonexistent-dir/for/sure/x.db");
  EXPECT_FALSE(db.ok());
}

TEST(SqliteDatabaseTest, TextKeepsEmbeddedNulBytes) {
  // SQLite binds text with its length; PostgreSQL refuses NUL (postgres_database_test.cc).
  auto db = OpenSqlite(":memory:");
  ASSERT_TRUE(db.ok());
  auto rs = (*db)->Query("SELECT length(CAST(? AS BLOB))", {std::string("a\0b", 3)});
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(AsInt(rs->rows[0][0]), 3);
}

}  // namespace
}  // namespace clever::store
