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

// CheckpointInBackground copies what the log holds into the database file while this
// connection keeps writing: a copy of the file alone (without its -wal) then holds the rows
// committed before it started.
TEST(SqliteDatabaseTest, CheckpointInBackgroundCopiesTheLogIntoTheFile) {
  auto dir = std::filesystem::temp_directory_path() /
             ("clever_store_ckpt_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.db").string();
  const std::string copy = (dir / "copy.db").string();
  {
    auto db = OpenSqlite(path);
    ASSERT_TRUE(db.ok()) << db.status();
    // No checkpoint of its own: everything below stays in the log until one runs.
    ASSERT_TRUE(
        (*db)->ExecuteScript("PRAGMA wal_autocheckpoint = 0; CREATE TABLE w (k BIGINT)").ok());
    ASSERT_TRUE((*db)
                    ->Transaction([&]() -> Status {
                      for (int64_t k = 0; k < 2000; ++k) {
                        CLEVER_RETURN_IF_ERROR(
                            (*db)->Execute("INSERT INTO w VALUES (?)", {k}).status());
                      }
                      return OkStatus();
                    })
                    .ok());
    std::filesystem::copy_file(path, copy);
    {
      auto before = OpenSqlite(copy);  // the file without its log: the table is not there yet
      ASSERT_TRUE(before.ok());
      EXPECT_FALSE((*before)->Query("SELECT count(*) FROM w").ok());
    }
    std::filesystem::remove(copy);
    auto wait = (*db)->CheckpointInBackground();
    ASSERT_TRUE((*db)->Execute("INSERT INTO w VALUES (-1)").ok());  // writing goes on meanwhile
    wait();
    std::filesystem::copy_file(path, copy);
    auto after = OpenSqlite(copy);
    ASSERT_TRUE(after.ok());
    auto rs = (*after)->Query("SELECT count(*) FROM w WHERE k >= 0");
    ASSERT_TRUE(rs.ok()) << rs.status();
    EXPECT_EQ(AsInt(rs->rows[0][0]), 2000);
    EXPECT_EQ(AsInt((*db)->Query("SELECT count(*) FROM w")->rows[0][0]), 2001);
  }
  auto memory = OpenSqlite(":memory:");
  ASSERT_TRUE(memory.ok());
  (*memory)->CheckpointInBackground()();  // no log: nothing to do, nothing to wait for
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
