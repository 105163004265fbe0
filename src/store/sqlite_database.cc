// SQLite backend: one connection, prepared statements cached by SQL text, WAL journal.
#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "store/database.h"

namespace clever::store {
namespace {

// SQLite result code -> Status (style.md section 4: one translation per boundary).
Status FromSqlite(int rc, sqlite3* db, std::string_view what) {
  const std::string message =
      std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
      return OkStatus();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(message);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return AlreadyExistsError(message);
      }
      return InvalidArgumentError(message);
    case SQLITE_ERROR:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return InvalidArgumentError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(message);
    default:
      return InternalError(message);
  }
}

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  std::function<void()> CheckpointInBackground() override {
    const char* file = sqlite3_db_filename(db_, "main");
    if (file == nullptr || *file == '\0') return [] {};  // in memory: no log
    auto worker = std::make_shared<std::thread>([path = std::string(file)] {
      sqlite3* other = nullptr;
      if (sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                          nullptr) == SQLITE_OK) {
        // As the main connections: sync the log before and the file after (synchronous=NORMAL).
        sqlite3_exec(other, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
        // Best effort: whatever it leaves, the checkpoint at close copies.
        sqlite3_wal_checkpoint_v2(other, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      }
      sqlite3_close_v2(other);
    });
    return [worker] {
      if (worker->joinable()) worker->join();
    };
  }

  StatusOr<std::unique_ptr<Database>> OpenAnother() override;

  StatusOr<int64_t> Execute(std::string_view sql, const std::vector<Value>& params) override {
    CLEVER_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);  // text is bound SQLITE_STATIC: no pointer into params stays
    if (rc != SQLITE_DONE) return FromSqlite(rc, db_, "executing statement");
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  StatusOr<ResultSet> Query(std::string_view sql, const std::vector<Value>& params) override {
    CLEVER_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    ResultSet rs;
    const int ncol = sqlite3_column_count(stmt);
    rs.columns.reserve(static_cast<size_t>(ncol));
    for (int c = 0; c < ncol; ++c) {
      const char* name = sqlite3_column_name(stmt, c);
      rs.columns.emplace_back(name ? name : "");
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<Value> row;
      row.reserve(static_cast<size_t>(ncol));
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT:
            row.emplace_back(sqlite3_column_double(stmt, c));
            break;
          case SQLITE_NULL:
            row.emplace_back(nullptr);
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.emplace_back(
                std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      rs.rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE) return FromSqlite(rc, db_, "running query");
    return rs;
  }

  Status ExecuteScript(std::string_view sql) override {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string message = error ? error : "script failed";
      sqlite3_free(error);
      return FromSqlite(rc, nullptr, message);
    }
    return OkStatus();
  }

  // BEGIN IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead
  // of failing with SQLITE_BUSY half-way through a transaction.
  Status Begin() override { return Execute("BEGIN IMMEDIATE", {}).status(); }
  Status Commit() override { return Execute("COMMIT", {}).status(); }
  Status Rollback() override { return Execute("ROLLBACK", {}).status(); }

  std::optional<std::pair<int64_t, int64_t>> WriteMark() override {
    auto rs = Query("PRAGMA data_version", {});
    if (!rs.ok() || rs->rows.empty() || rs->rows[0].empty()) return std::nullopt;
    const auto* version = std::get_if<int64_t>(&rs->rows[0][0]);
    if (version == nullptr) return std::nullopt;
    return std::make_pair(*version, static_cast<int64_t>(sqlite3_total_changes64(db_)));
  }

 private:
  // Binds text SQLITE_STATIC (no copy per value: a sync binds millions): `params` outlives the
  // statement's run, and Execute/Query clear the bindings when it is done.
  StatusOr<sqlite3_stmt*> Prepare(std::string_view sql, const std::vector<Value>& params) {
    sqlite3_stmt* stmt = nullptr;
    if (auto it = statements_.find(sql); it != statements_.end()) {
      stmt = it->second;
      sqlite3_clear_bindings(stmt);
    } else {
      const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return FromSqlite(rc, db_, "preparing statement");
      if (stmt == nullptr) return InvalidArgumentError("empty SQL statement");
      if (statements_.size() > 512) {  // bound the cache; statements built per query are rare
        for (auto& [s, st] : statements_) sqlite3_finalize(st);
        statements_.clear();
      }
      statements_.emplace(std::string(sql), stmt);
    }
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return InvalidArgumentError("statement expects " +
                                  std::to_string(sqlite3_bind_parameter_count(stmt)) +
                                  " parameters, got " + std::to_string(params.size()));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      const Value& v = params[i];
      if (const auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) return FromSqlite(rc, db_, "binding parameter");
    }
    return stmt;
  }

  sqlite3* db_;
  // Looked up by string_view: multi-row statements are ~20 KB of text, not copied per call.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> statements_;
};

}  // namespace

StatusOr<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                               const SqliteOptions& options) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status status = FromSqlite(rc, raw, "opening database " + path);
    sqlite3_close_v2(raw);
    return status.code() == StatusCode::kInternal ? UnavailableError(status.message()) : status;
  }
  auto db = std::make_unique<SqliteDatabase>(raw);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::string pragmas = "PRAGMA foreign_keys = ON;";
  if (path != ":memory:") {
    pragmas += "PRAGMA journal_mode = WAL;";
    pragmas +=
        options.fsync_every_commit ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";
  }
  CLEVER_RETURN_IF_ERROR(db->ExecuteScript(pragmas).WithContext("configuring " + path));
  return std::unique_ptr<Database>(std::move(db));
}

StatusOr<std::unique_ptr<Database>> SqliteDatabase::OpenAnother() {
  const char* file = sqlite3_db_filename(db_, "main");
  if (file == nullptr || *file == '\0') {
    return FailedPreconditionError("an in-memory database has no second connection");
  }
  return OpenSqlite(file);
}

}  // namespace clever::store
