#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "store/database.h"

namespace clever::store {
namespace {

std::unique_ptr<Database> Memory() {
  auto db = OpenSqlite(":memory:");
  EXPECT_TRUE(db.ok()) << db.status();
  return std::move(db).value();
}

TEST(SqliteDatabaseTest, BindsEveryValueKindAndReadsThemBack) {
  auto db = Memory();
  ASSERT_TRUE(
      db->ExecuteScript("CREATE TABLE t (i BIGINT, d DOUBLE PRECISION, s TEXT, n TEXT)").ok());
  ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (?, ?, ?, ?)",
                          {int64_t{42}, 1.5, std::string("x'; DROP TABLE t; --"), nullptr})
                  .ok());
  auto rs =
      db->Query("SELECT i, d, s, n FROM t WHERE s = ?", {std::string("x'; DROP TABLE t; --")});
  ASSERT_TRUE(rs.ok()) << rs.status();
  ASSERT_EQ(rs->rows.size(), 1u);
  EXPECT_EQ(AsInt(rs->rows[0][0]), 42);
  EXPECT_DOUBLE_EQ(AsDouble(rs->rows[0][1]), 1.5);
  EXPECT_EQ(AsString(rs->rows[0][2]), "x'; DROP TABLE t; --");
  EXPECT_TRUE(IsNull(rs->rows[0][3]));
  EXPECT_EQ(rs->ColumnIndex("s"), 2);
}

TEST(SqliteDatabaseTest, MapsErrorsToCodes) {
  auto db = Memory();
  ASSERT_TRUE(db->ExecuteScript("CREATE TABLE u (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Execute("INSERT INTO u VALUES (?)", {std::string("a")}).ok());
  EXPECT_EQ(db->Execute("INSERT INTO u VALUES (?)", {std::string("a")}).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(db->Query("SELEC nonsense").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db->Execute("INSERT INTO u VALUES (?)", {}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(SqliteDatabaseTest, TransactionRollsBackOnError) {
  auto db = Memory();
  ASSERT_TRUE(db->ExecuteScript("CREATE TABLE v (k BIGINT)").ok());
  Status s = db->Transaction([&]() -> Status {
    CLEVER_RETURN_IF_ERROR(db->Execute("INSERT INTO v VALUES (1)").status());
    return UnavailableError("page 3 failed");
  });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(AsInt(db->Query("SELECT count(*) FROM v")->rows[0][0]), 0);
  ASSERT_TRUE(
      db->Transaction([&]() { return db->Execute("INSERT INTO v VALUES (2)").status(); }).ok());
  EXPECT_EQ(AsInt(db->Query("SELECT count(*) FROM v")->rows[0][0]), 1);
}

TEST(SqliteDatabaseTest, TwoConnectionsShareAFile) {
  auto dir =
      std::filesystem::temp_directory_path() / ("clever_store_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.db").string();
  {
    auto a = OpenSqlite(path);
    auto b = OpenSqlite(path);
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

}  // namespace
}  // namespace clever::store
