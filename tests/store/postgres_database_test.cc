// PostgreSQL-only behaviour, on the throwaway server of pg_test_server.h (one per test binary).
// What both backends share is in database_test.cc and schema_test.cc, instantiated here for
// PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store/schema.h"
#include "tests/store/backend_fixture.h"
#include "tests/store/pg_test_server.h"

namespace clever::store {

CLEVER_INSTANTIATE_BACKEND_TESTS(Backend::kPostgres);

namespace {

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = test::PgTestServer::Shared();
    ASSERT_TRUE(server.ok()) << "no PostgreSQL server for the test: " << server.status();
    server_ = *server;
    auto conninfo = server_->FreshSchema();
    ASSERT_TRUE(conninfo.ok()) << conninfo.status();
    conninfo_ = *conninfo;
    db_ = Connect();
    ASSERT_NE(db_, nullptr);
  }
  std::unique_ptr<Database> Connect() {
    auto db = OpenPostgres(conninfo_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  // Ends db_'s server session from another connection, as a server restart or a network drop would.
  void KillSession() {
    const int64_t pid = AsInt(db_->Query("SELECT pg_backend_pid()")->rows[0][0]);
    auto admin = Connect();
    ASSERT_NE(admin, nullptr);
    auto killed = admin->Query("SELECT pg_terminate_backend(?)", {pid});
    ASSERT_TRUE(killed.ok()) << killed.status();
    ASSERT_EQ(AsInt(killed->rows[0][0]), 1);
    // Wait until the session is really gone.
    for (int i = 0; i < 200; ++i) {
      auto alive = admin->Query("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", {pid});
      if (alive.ok() && AsInt(alive->rows[0][0]) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "backend " << pid << " did not exit";
  }

  test::PgTestServer* server_ = nullptr;
  std::string conninfo_;
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresTest, OpensByUrlAndReportsItsDialect) {
  EXPECT_EQ(db_->dialect(), Dialect::kPostgres);
  auto url = server_->FreshSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto db = OpenDatabase(*url);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->dialect(), Dialect::kPostgres);
  ASSERT_TRUE(Migrate(**db).ok());
  // The URL's search_path put the schema in its own namespace, not in db_'s.
  EXPECT_EQ(db_->Query("SELECT count(*) FROM schema_version").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PostgresTest, BadConnectionStringsAndUnreachableServers) {
  EXPECT_EQ(OpenPostgres("host='unterminated").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenPostgres("no_such_keyword=1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenPostgres(std::string("host=a\0b", 8)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenDatabase("postgresql://%zz@[::1").status().code(), StatusCode::kInvalidArgument);
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  const auto start = std::chrono::steady_clock::now();
  auto refused = OpenPostgres("host=127.0.0.1 port=1 connect_timeout=2");
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  auto no_db = OpenPostgres(server_->conninfo() + " dbname=clever_no_such_database");
  EXPECT_EQ(no_db.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(no_db.status().message().find("clever_no_such_database"), std::string::npos);
}

TEST_F(PostgresTest, ConvertsServerTypesToValues) {
  auto rs = db_->Query(
      "SELECT 1::int2 AS a, 2::int4, 3::int8, 2.5::float4, 0.1::float8, 7::numeric, "
      "7.25::numeric, 123456789012345678901234567890::numeric, 'NaN'::numeric, true, false, "
      "'2025-01-31'::date, 'x'::varchar, NULL::int8, 'Infinity'::float8");
  ASSERT_TRUE(rs.ok()) << rs.status();
  const auto& r = rs->rows[0];
  EXPECT_EQ(rs->columns[0], "a");
  EXPECT_EQ(std::get<int64_t>(r[0]), 1);
  EXPECT_EQ(std::get<int64_t>(r[1]), 2);
  EXPECT_EQ(std::get<int64_t>(r[2]), 3);
  EXPECT_EQ(std::get<double>(r[3]), 2.5);
  EXPECT_EQ(std::get<double>(r[4]), 0.1);
  EXPECT_EQ(std::get<int64_t>(r[5]), 7);
  EXPECT_EQ(std::get<double>(r[6]), 7.25);
  EXPECT_DOUBLE_EQ(std::get<double>(r[7]), 1.2345678901234568e29);
  EXPECT_TRUE(std::isnan(std::get<double>(r[8])));
  EXPECT_EQ(std::get<int64_t>(r[9]), 1);
  EXPECT_EQ(std::get<int64_t>(r[10]), 0);
  EXPECT_EQ(std::get<std::string>(r[11]), "2025-01-31");
  EXPECT_EQ(std::get<std::string>(r[12]), "x");
  EXPECT_TRUE(IsNull(r[13]));
  EXPECT_TRUE(std::isinf(std::get<double>(r[14])));
}

TEST_F(PostgresTest, BindsSpecialDoubles) {
  auto rs = db_->Query("SELECT ?::float8 + 0, ?::float8, ?::text",
                       {std::numeric_limits<double>::infinity(), std::nan(""), -0.0});
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_TRUE(std::isinf(std::get<double>(rs->rows[0][0])));
  EXPECT_TRUE(std::isnan(std::get<double>(rs->rows[0][1])));
  EXPECT_EQ(std::get<std::string>(rs->rows[0][2]), "-0");
}

TEST_F(PostgresTest, RefusesTextPostgresCannotStore) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (s TEXT)").ok());
  EXPECT_EQ(db_->Execute("INSERT INTO t VALUES (?)", {std::string("a\0b", 3)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      db_->Execute("INSERT INTO t VALUES (?)", {std::string("bad \xff\xfe utf8")}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      db_->Execute(std::string("INSERT INTO t VALUES ('a')\0; DROP TABLE t", 33)).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->ExecuteScript(std::string("SELECT 1;\0DROP TABLE t", 22)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM t")->rows[0][0]), 0);
}

TEST_F(PostgresTest, IntegerParametersWhereTextOrInt4IsExpected) {
  // SQLite converts freely; PostgreSQL would reject a BIGINT here, so these are re-prepared with
  // server-inferred types.
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (code TEXT)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (?)", {int64_t{42}}).ok());
  auto rs = db_->Query("SELECT count(*) FROM t WHERE code = ?", {int64_t{42}});
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(AsInt(rs->rows[0][0]), 1);
  auto sub =
      db_->Query("SELECT substr(?, ?, ?)", {std::string("2025-01-31"), int64_t{1}, int64_t{7}});
  ASSERT_TRUE(sub.ok()) << sub.status();
  EXPECT_EQ(AsString(sub->rows[0][0]), "2025-01");
  // Inside a transaction too, without aborting it.
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (?)", {int64_t{43}}).ok());
  auto in_txn =
      db_->Query("SELECT count(*) FROM t WHERE code = ? OR code = ?", {int64_t{42}, int64_t{43}});
  ASSERT_TRUE(in_txn.ok()) << in_txn.status();
  EXPECT_EQ(AsInt(in_txn->rows[0][0]), 2);
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM t")->rows[0][0]), 2);
}

TEST_F(PostgresTest, SqlThatDoesNotCompileLeavesTheTransactionUsable) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (k BIGINT)").ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(db_->Query("SELECT nope FROM t").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(db_->Commit().ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM t")->rows[0][0]), 2);
}

TEST_F(PostgresTest, FailedStatementAbortsTheTransactionAndCommitSaysSo) {
  // Unlike SQLite, a statement that fails while running aborts the whole transaction; COMMIT then
  // rolls back, which must not look like success.
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (k BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(db_->Execute("INSERT INTO t VALUES (1)").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(db_->Execute("INSERT INTO t VALUES (2)").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(db_->Commit().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM t")->rows[0][0]), 0);
  // The connection is fine afterwards.
  ASSERT_TRUE(
      db_->Transaction([&] { return db_->Execute("INSERT INTO t VALUES (3)").status(); }).ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM t")->rows[0][0]), 1);
}

TEST_F(PostgresTest, ReconnectsAfterTheSessionDies) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (k BIGINT)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (?)", {int64_t{1}}).ok());
  KillSession();
  auto lost = db_->Query("SELECT count(*) FROM t");
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable) << lost.status();
  // The next call reconnects (and prepares its statements again).
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (?)", {int64_t{2}}).ok());
  auto rs = db_->Query("SELECT count(*) FROM t");
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(AsInt(rs->rows[0][0]), 2);
}

TEST_F(PostgresTest, SessionLostInsideATransactionNeverLooksCommitted) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (k BIGINT)").ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO t VALUES (1)").ok());
  KillSession();
  EXPECT_EQ(db_->Execute("INSERT INTO t VALUES (2)").status().code(), StatusCode::kUnavailable);
  // Even after the reconnect, the rest of the dead transaction must not run in autocommit.
  EXPECT_EQ(db_->Execute("INSERT INTO t VALUES (3)").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(db_->Commit().code(), StatusCode::kUnavailable);
  EXPECT_EQ(AsInt(db_->Query("SELECT count(*) FROM t")->rows[0][0]), 0);
  // Transaction() reports the loss and leaves the object usable.
  ASSERT_TRUE(db_->Begin().ok());
  KillSession();
  EXPECT_EQ(db_->Rollback().code(), StatusCode::kOk);
  ASSERT_TRUE(
      db_->Transaction([&] { return db_->Execute("INSERT INTO t VALUES (4)").status(); }).ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT sum(k) FROM t")->rows[0][0]), 4);
}

TEST_F(PostgresTest, CachedStatementsSurviveSchemaChangesAndDeallocation) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (a BIGINT); INSERT INTO t VALUES (1)").ok());
  const char* sql = "SELECT * FROM t WHERE a = ?";
  ASSERT_EQ(db_->Query(sql, {int64_t{1}})->columns.size(), 1u);
  // Another connection changes the row type of the cached `SELECT *`.
  auto other = Connect();
  ASSERT_TRUE(other->ExecuteScript("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'").ok());
  auto rs = db_->Query(sql, {int64_t{1}});
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(rs->columns, (std::vector<std::string>{"a", "b"}));
  // Someone deallocates every prepared statement behind the cache's back.
  ASSERT_TRUE(db_->Execute("DEALLOCATE ALL").ok());
  rs = db_->Query(sql, {int64_t{1}});
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(AsString(rs->rows[0][1]), "x");
}

TEST_F(PostgresTest, NativeDollarPlaceholdersAndDollarQuotes) {
  auto rs = db_->Query("SELECT $2::text || $1::text, $$it's ? here$$",
                       {std::string("b"), std::string("a")});
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(AsString(rs->rows[0][0]), "ab");
  EXPECT_EQ(AsString(rs->rows[0][1]), "it's ? here");
  EXPECT_EQ(db_->Query("SELECT $1::text, ?", {std::string("a"), std::string("b")}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(db_->Query("SELECT 'unterminated").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PostgresTest, StatementTimeoutIsDeadlineExceeded) {
  ASSERT_TRUE(db_->ExecuteScript("SET statement_timeout = 50").ok());
  EXPECT_EQ(db_->Query("SELECT pg_sleep(5)").status().code(), StatusCode::kDeadlineExceeded);
  ASSERT_TRUE(db_->ExecuteScript("SET statement_timeout = 0").ok());
  EXPECT_TRUE(db_->Query("SELECT 1").ok());
}

TEST_F(PostgresTest, DeadlockIsRetryable) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE t (k BIGINT PRIMARY KEY, v BIGINT);"
                                 "INSERT INTO t VALUES (1, 0), (2, 0)")
                  .ok());
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->ExecuteScript("SET deadlock_timeout = 50").ok());
  ASSERT_TRUE(db_->ExecuteScript("SET deadlock_timeout = 5000").ok());
  ASSERT_TRUE(db_->Begin().ok());
  ASSERT_TRUE(other->Begin().ok());
  ASSERT_TRUE(db_->Execute("UPDATE t SET v = 1 WHERE k = 1").ok());
  ASSERT_TRUE(other->Execute("UPDATE t SET v = 2 WHERE k = 2").ok());
  // db_ blocks on row 2 in a thread; `other` then waits for row 1 and is chosen as the victim.
  std::thread first([&] { (void)db_->Execute("UPDATE t SET v = 1 WHERE k = 2"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const Status victim = other->Execute("UPDATE t SET v = 2 WHERE k = 1").status();
  EXPECT_EQ(victim.code(), StatusCode::kUnavailable) << victim;
  EXPECT_TRUE(IsRetryable(victim));
  EXPECT_TRUE(other->Rollback().ok());
  first.join();
  EXPECT_TRUE(db_->Commit().ok());
  EXPECT_EQ(AsInt(db_->Query("SELECT sum(v) FROM t")->rows[0][0]), 2);
}

TEST_F(PostgresTest, SchemaHasTheSameColumnsAsOnSqlite) {
  ASSERT_TRUE(Migrate(*db_).ok());
  auto sqlite = OpenSqlite(":memory:");
  ASSERT_TRUE(sqlite.ok());
  ASSERT_TRUE(Migrate(**sqlite).ok());
  auto tables = (*sqlite)->Query(
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name");
  ASSERT_TRUE(tables.ok());
  ASSERT_GT(tables->rows.size(), 20u);
  for (const auto& row : tables->rows) {
    const std::string table = AsString(row[0]);
    const std::string sql = "SELECT * FROM " + table + " LIMIT 0";
    auto a = (*sqlite)->Query(sql);
    auto b = db_->Query(sql);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << table << ": " << b.status();
    EXPECT_EQ(a->columns, b->columns) << table;
  }
  auto pg_tables = db_->Query(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()");
  ASSERT_TRUE(pg_tables.ok()) << pg_tables.status();
  EXPECT_EQ(AsInt(pg_tables->rows[0][0]), static_cast<int64_t>(tables->rows.size()));
}

TEST(PgTestServerTest, MissingBinariesAreAClearError) {
  ::setenv("CLEVER_PG_BINDIR", "/nonexistent/postgres/bin", 1);
  auto dir = test::PgTestServer::FindBinDir();
  ::unsetenv("CLEVER_PG_BINDIR");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(dir.status().message().find("initdb"), std::string::npos);
  EXPECT_TRUE(test::PgTestServer::FindBinDir().ok());
}

}  // namespace
}  // namespace clever::store
