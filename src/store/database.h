// store::Database: the one door to Clever's database. SQL text goes through it with bound
// parameters only (`?` placeholders; the PostgreSQL backend renumbers them to $1..$n).
//
// A Database object is NOT thread-safe: open one per thread (SQLite runs in WAL mode with a busy
// timeout, so one writer and many readers can work on the same file at once).
//
//   CLEVER_ASSIGN_OR_RETURN(auto db, store::OpenSqlite(home / "clever.db"));
//   CLEVER_RETURN_IF_ERROR(store::Migrate(*db));
//   CLEVER_ASSIGN_OR_RETURN(auto rs, db->Query("SELECT count(*) FROM orders WHERE store_id = ?",
//   {id}));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/status.h"

namespace clever::store {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a result cell. Booleans are stored as 0/1 integers, money as integer minor
// units, dates as ISO text.
using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::nullptr_t>(v); }
// Integer view of a cell: integers as is, doubles truncated, numeric text parsed, else `fallback`.
int64_t AsInt(const Value& v, int64_t fallback = 0);
double AsDouble(const Value& v, double fallback = 0.0);
// Text view: text as is, numbers printed, NULL -> "".
std::string AsString(const Value& v);

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  // Index of a column by name, or -1.
  [[nodiscard]] int ColumnIndex(std::string_view name) const;
};

class Database {
 public:
  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] virtual Dialect dialect() const = 0;

  // Runs one statement; returns the number of rows it changed. Errors: kInvalidArgument for SQL
  // the database rejects, kAlreadyExists for a unique-constraint violation, kUnavailable when the
  // database is busy/locked beyond the timeout or the connection dropped, kInternal otherwise.
  virtual StatusOr<int64_t> Execute(std::string_view sql,
                                    const std::vector<Value>& params = {}) = 0;
  // Runs one statement and returns all its rows (also for INSERT ... RETURNING).
  virtual StatusOr<ResultSet> Query(std::string_view sql,
                                    const std::vector<Value>& params = {}) = 0;
  // Runs several statements separated by ';' without parameters (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Two equal marks from this connection mean nothing was committed to the database in between,
  // by this connection or any other, so what was read before still holds (SQLite: PRAGMA
  // data_version, which sees the other connections' commits, and this connection's own change
  // count). nullopt when the backend cannot tell cheaply: the caller then reads again.
  virtual std::optional<std::pair<int64_t, int64_t>> WriteMark() { return std::nullopt; }

  // Starts copying what is committed in the write-ahead log into the database file, on another
  // thread and connection, without holding up this one (SQLite: a PASSIVE checkpoint, which
  // writers keep appending past), so that the checkpoint at close has less left to copy. The
  // returned function waits for it; call it before this connection is closed. Backends without
  // such a log: nothing to do.
  virtual std::function<void()> CheckpointInBackground() {
    return [] {};
  }

  // Another connection to the same database, for work on another thread: it reads what is
  // committed while this connection goes on writing (SQLite's WAL). kFailedPrecondition when
  // there is no other to open (SQLite in memory; backends that do not offer it here).
  virtual StatusOr<std::unique_ptr<Database>> OpenAnother() {
    return FailedPreconditionError("this database offers no second connection");
  }

  // Runs `body` inside BEGIN/COMMIT; rolls back and returns its error when it fails.
  Status Transaction(const std::function<Status()>& body);

 protected:
  Database() = default;
};

struct SqliteOptions {
  // Milliseconds a statement waits on a lock held by another connection before kUnavailable.
  int busy_timeout_ms = 10000;
  // false: synchronous=NORMAL in WAL mode (durable at checkpoints; safe against process kill,
  // which is what sync resumption needs). true: FULL.
  bool fsync_every_commit = false;
};

// Opens (creating if needed) the SQLite file at `path`, or an in-memory database for ":memory:".
StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                               const SqliteOptions& options = {});

// Opens a PostgreSQL database from a libpq connection string ("host=127.0.0.1 dbname=clever").
// kUnavailable when the server cannot be reached; kFailedPrecondition when built without libpq.
StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo);

// Opens by URL: "sqlite:/path/file.db", a plain path, or "postgresql://..." / "postgres://...".
StatusOr<std::unique_ptr<Database>> OpenDatabase(const std::string& url);

}  // namespace clever::store
