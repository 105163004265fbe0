// store::Database behaviour every backend shares (SQLite in store_test, PostgreSQL in
// store_pg_test). Backend-only behaviour lives in sqlite_database_test.cc and
// postgres_database_test.cc.
#include "store/database.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/store/backend_fixture.h"

namespace clever::store {
namespace {

TEST_P(DatabaseTest, BindsEveryValueKindAndReadsThemBack) {
  ASSERT_TRUE(
      db_->ExecuteScript("CREATE TABLE t (i BIGINT, d DOUBLE PRECISION, s TEXT, n TEXT)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (?, ?, ?, ?)",
                           {int64_t{42}, 1.5, std::string("x'; DROP TABLE t; --"), nullptr})
                  .ok());
  auto rs =
      db_->Query("SELECT i, d, s, n FROM t WHERE s = ?", {std::string("x'; DROP TABLE t; --")});
  ASSERT_TRUE(rs.ok()) << rs.status();
  ASSERT_EQ(rs->rows.size(), 1u);
  // The variant alternative itself, not only its AsX() view, must match the column's type.
  EXPECT_EQ(std::get<int64_t>(rs->rows[0][0]), 42);
  EXPECT_EQ(std::get<double>(rs->rows[0][1]), 1.5);
  EXPECT_EQ(std::get<std::string>(rs->rows[0][2]), "x'; DROP TABLE t; --");
  EXPECT_TRUE(IsNull(rs->rows[0][3]));
  EXPECT_EQ(rs->columns, (std::vector<std::string>{"i", "d", "s", "n"}));
  EXPECT_EQ(rs->ColumnIndex("s"), 2);
  EXPECT_EQ(rs->ColumnIndex("missing"), -1);
}

TEST_P(DatabaseTest, ExtremeValuesRoundTripExactly) {
  ASSERT_TRUE(
      db_->ExecuteScript("CREATE TABLE x (k BIGINT, i BIGINT, d DOUBLE PRECISION, s TEXT)").ok());
  const std::vector<int64_t> ints = {0, -1, std::numeric_limits<int64_t>::min(),
                                     std::numeric_limits<int64_t>::max(), 9007199254740993};
  const std::vector<double> doubles = {0.1, -2.5e-300, 1.7976931348623157e308, 1.0 / 3, -0.0};
  const std::vector<std::string> texts = {"", "it's \"quoted\" \\ back", "日本語 ✓ émoji 🎉",
                                          "? $1 :name @p -- /* not a comment */", "\n\t\r"};
  for (size_t k = 0; k < ints.size(); ++k) {
    ASSERT_TRUE(db_->Execute("INSERT INTO x VALUES (?, ?, ?, ?)",
                             {static_cast<int64_t>(k), ints[k], doubles[k], texts[k]})
                    .ok());
  }
  auto rs = db_->Query("SELECT i, d, s FROM x ORDER BY k");
  ASSERT_TRUE(rs.ok()) << rs.status();
  ASSERT_EQ(rs->rows.size(), ints.size());
  for (size_t k = 0; k < ints.size(); ++k) {
    EXPECT_EQ(std::get<int64_t>(rs->rows[k][0]), ints[k]) << k;
    EXPECT_EQ(std::get<double>(rs->rows[k][1]), doubles[k]) << k;
    EXPECT_EQ(std::get<std::string>(rs->rows[k][2]), texts[k]) << k;
  }
  // Empty text and NULL stay different.
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM x WHERE s = ?", {std::string()})->rows[0][0]),
            1);
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM x WHERE s IS NULL")->rows[0][0]), 0);
}

TEST_P(DatabaseTest, HugeTextAndManyParametersRoundTrip) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE h (s TEXT)").ok());
  std::string big(4 << 20, 'a');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(db_->Execute("INSERT INTO h VALUES (?)", {big}).ok());
  auto rs = db_->Query("SELECT s FROM h");
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(AsString(rs->rows[0][0]), big);

  // 2000 placeholders in one statement: an IN list as the query layer may build it.
  std::string sql = "SELECT count(*) FROM h WHERE length(s) IN (";
  std::vector<Value> params;
  for (int i = 0; i < 2000; ++i) {
    sql += i ? ",?" : "?";
    params.emplace_back(int64_t{i == 1999 ? static_cast<int64_t>(big.size()) : i});
  }
  sql += ")";
  auto counted = db_->Query(sql, params);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_EQ(AsInt(counted->rows[0][0]), 1);
}

TEST_P(DatabaseTest, QuestionMarksInLiteralsIdentifiersAndCommentsAreNotParameters) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE \"we?ird\" (\"col?\" TEXT, v BIGINT)").ok());
  ASSERT_TRUE(
      db_->Execute("INSERT INTO \"we?ird\" VALUES ('what?', ?) -- trailing ? comment", {int64_t{7}})
          .ok());
  auto rs = db_->Query(
      "SELECT \"col?\", v, '?''?' AS lit /* a ? in a comment */ FROM \"we?ird\" "
      "WHERE v = ? AND \"col?\" <> '?'",
      {int64_t{7}});
  ASSERT_TRUE(rs.ok()) << rs.status();
  ASSERT_EQ(rs->rows.size(), 1u);
  EXPECT_EQ(AsString(rs->rows[0][0]), "what?");
  EXPECT_EQ(AsInt(rs->rows[0][1]), 7);
  EXPECT_EQ(AsString(rs->rows[0][2]), "?'?");
}

TEST_P(DatabaseTest, MapsErrorsToCodes) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE u (k TEXT PRIMARY KEY, n BIGINT NOT NULL)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO u VALUES (?, 1)", {std::string("a")}).ok());
  EXPECT_EQ(db_->Execute("INSERT INTO u VALUES (?, 2)", {std::string("a")}).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(db_->Execute("INSERT INTO u VALUES ('b', NULL)").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Query("SELEC nonsense").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Query("SELECT * FROM no_such_table").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Query("SELECT no_such_column FROM u").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Execute("INSERT INTO u VALUES (?, ?)", {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Execute("INSERT INTO u VALUES (?, ?)", {std::string("c"), int64_t{1}, nullptr})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Execute("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->ExecuteScript("CREATE TABLE u (k TEXT)").code(), StatusCode::kInvalidArgument);
  // The connection is still usable after every error.
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM u")->rows[0][0]), 1);
}

TEST_P(DatabaseTest, TransactionRollsBackOnError) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE v (k BIGINT)").ok());
  Status s = db_->Transaction([&]() -> Status {
    CLEVER_RETURN_IF_ERROR(db_->Execute("INSERT INTO v VALUES (1)").status());
    return UnavailableError("page 3 failed");
  });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM v")->rows[0][0]), 0);
  ASSERT_TRUE(
      db_->Transaction([&]() { return db_->Execute("INSERT INTO v VALUES (2)").status(); }).ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM v")->rows[0][0]), 1);
}

TEST_P(DatabaseTest, UncommittedRowsAreInvisibleToOtherConnections) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE w (k BIGINT)").ok());
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO w VALUES (7)").ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM w")->rows[0][0]), 1);
  EXPECT_EQ(AsInt(other->Query("SELECT count(*) FROM w")->rows[0][0]), 0);
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(AsInt(other->Query("SELECT k FROM w")->rows[0][0]), 7);
}

TEST_P(DatabaseTest, TransactionCallsOutOfOrderAreErrors) {
  EXPECT_FALSE(db_->Commit().ok());
  EXPECT_FALSE(db_->Rollback().ok());
  ASSERT_TRUE(db_->Begin().ok());
  EXPECT_FALSE(db_->Begin().ok());
  EXPECT_TRUE(db_->Rollback().ok());
  EXPECT_TRUE(db_->Begin().ok());
  EXPECT_TRUE(db_->Commit().ok());
}

TEST_P(DatabaseTest, ExecuteReportsChangedRowsAndUpsertWorks) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE c (id BIGINT PRIMARY KEY, n BIGINT)").ok());
  const char* upsert =
      "INSERT INTO c (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = excluded.n";
  for (int64_t id = 1; id <= 3; ++id) {
    auto changed = db_->Execute(upsert, {id, id * 10});
    ASSERT_TRUE(changed.ok()) << changed.status();
    EXPECT_EQ(*changed, 1);
  }
  ASSERT_TRUE(db_->Execute(upsert, {int64_t{2}, int64_t{99}}).ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT n FROM c WHERE id = 2")->rows[0][0]), 99);
  EXPECT_EQ(db_->Execute("UPDATE c SET n = n + 1 WHERE id >= ?", {int64_t{2}}).value_or(-1), 2);
  EXPECT_EQ(db_->Execute("DELETE FROM c WHERE id = ?", {int64_t{42}}).value_or(-1), 0);
  EXPECT_EQ(db_->Execute("CREATE TABLE d (k BIGINT)").value_or(-1), 0);
}

TEST_P(DatabaseTest, ReturningGivesGeneratedIds) {
  ASSERT_TRUE(
      db_->ExecuteScript("CREATE TABLE r (id " + IdColumn() + ", name TEXT NOT NULL)").ok());
  auto first = db_->Query("INSERT INTO r (name) VALUES (?) RETURNING id", {std::string("a")});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second =
      db_->Query("INSERT INTO r (name) VALUES (?) RETURNING id, name", {std::string("b")});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(first->rows.size(), 1u);
  ASSERT_EQ(second->rows.size(), 1u);
  EXPECT_GT(std::get<int64_t>(second->rows[0][0]), std::get<int64_t>(first->rows[0][0]));
  EXPECT_EQ(AsString(second->rows[0][1]), "b");
  EXPECT_EQ(second->columns, (std::vector<std::string>{"id", "name"}));
}

TEST_P(DatabaseTest, AggregatesOfIntegersAreIntegers) {
  // PostgreSQL's sum(BIGINT) is NUMERIC; money sums must still come back as int64 minor units.
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE m (total_minor BIGINT)").ok());
  for (int64_t v : {int64_t{1999}, int64_t{2001}, int64_t{4000000000000}}) {
    ASSERT_TRUE(db_->Execute("INSERT INTO m VALUES (?)", {v}).ok());
  }
  auto rs = db_->Query(
      "SELECT sum(total_minor), count(*), max(total_minor), avg(total_minor), "
      "sum(total_minor) / 2 FROM m");
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(std::get<int64_t>(rs->rows[0][0]), 4000000004000);
  EXPECT_EQ(std::get<int64_t>(rs->rows[0][1]), 3);
  EXPECT_EQ(std::get<int64_t>(rs->rows[0][2]), 4000000000000);
  EXPECT_NEAR(AsDouble(rs->rows[0][3]), 4000000004000.0 / 3, 1e-3);
  EXPECT_EQ(AsInt(rs->rows[0][4]), 2000000002000);
  auto empty = db_->Query("SELECT sum(total_minor) FROM m WHERE total_minor < 0");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(IsNull(empty->rows[0][0]));
}

TEST_P(DatabaseTest, SameSqlWithDifferentParameterKinds) {
  // One SQL text bound with int, NULL, text and double: the statement cache must not pin types.
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE p (k BIGINT, v DOUBLE PRECISION)").ok());
  const char* sql = "INSERT INTO p VALUES (?, ?)";
  ASSERT_TRUE(db_->Execute(sql, {int64_t{1}, 2.5}).ok());
  ASSERT_TRUE(db_->Execute(sql, {int64_t{2}, nullptr}).ok());
  ASSERT_TRUE(db_->Execute(sql, {nullptr, int64_t{3}}).ok());
  ASSERT_TRUE(db_->Execute(sql, {std::string("4"), std::string("4.5")}).ok());
  auto rs = db_->Query("SELECT k, v FROM p ORDER BY k NULLS LAST");
  ASSERT_TRUE(rs.ok()) << rs.status();
  ASSERT_EQ(rs->rows.size(), 4u);
  EXPECT_EQ(AsInt(rs->rows[0][0]), 1);
  EXPECT_TRUE(IsNull(rs->rows[1][1]));
  EXPECT_DOUBLE_EQ(AsDouble(rs->rows[2][1]), 4.5);
  EXPECT_TRUE(IsNull(rs->rows[3][0]));
  EXPECT_DOUBLE_EQ(AsDouble(rs->rows[3][1]), 3.0);
}

TEST_P(DatabaseTest, ManyDistinctStatementsStayCorrect) {
  // More distinct statements than either statement cache holds (512).
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE s (k BIGINT)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO s VALUES (5)").ok());
  for (int i = 0; i < 700; ++i) {
    auto rs = db_->Query("SELECT k + " + std::to_string(i) + " FROM s WHERE k = ?", {int64_t{5}});
    ASSERT_TRUE(rs.ok()) << rs.status();
    ASSERT_EQ(AsInt(rs->rows[0][0]), 5 + i);
  }
}

TEST_P(DatabaseTest, ScriptRunsSeveralStatements) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE a (k BIGINT); INSERT INTO a VALUES (1);\n"
                                 "-- a comment; with a semicolon\n"
                                 "INSERT INTO a VALUES (2); CREATE INDEX a_k ON a (k);")
                  .ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT sum(k) FROM a")->rows[0][0]), 3);
  EXPECT_EQ(db_->ExecuteScript("INSERT INTO a VALUES (3); SELEC broken;").code(),
            StatusCode::kInvalidArgument);
}

TEST_P(DatabaseTest, TextCompareAndLikeBehaveAlike) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE o (date_created TEXT, status TEXT)").ok());
  for (const char* d : {"2025-01-31T23:59:59", "2025-02-01T00:00:00", "2025-02-28T12:00:00"}) {
    ASSERT_TRUE(db_->Execute("INSERT INTO o VALUES (?, 'completed')", {std::string(d)}).ok());
  }
  // Store-local ISO dates compare as text on both backends (the query layer relies on it).
  auto rs = db_->Query(
      "SELECT count(*) FROM o WHERE date_created >= ? AND date_created < ? AND status LIKE ?",
      {std::string("2025-02-01"), std::string("2025-03-01"), std::string("comp%")});
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(AsInt(rs->rows[0][0]), 2);
  auto by_month = db_->Query(
      "SELECT substr(date_created, 1, 7) AS month, count(*) AS n FROM o GROUP BY month "
      "ORDER BY month");
  ASSERT_TRUE(by_month.ok()) << by_month.status();
  ASSERT_EQ(by_month->rows.size(), 2u);
  EXPECT_EQ(AsString(by_month->rows[1][0]), "2025-02");
  EXPECT_EQ(AsInt(by_month->rows[1][1]), 2);
}

}  // namespace
}  // namespace clever::store
