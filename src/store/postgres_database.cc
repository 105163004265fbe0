// PostgreSQL backend (libpq): one connection, `?` renumbered to $n, statements prepared once per
// (SQL text, parameter types) and cached, parameters and results in text format.
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database.h"
#include "store/internal/pg_sql.h"

namespace clever::store {
namespace {

using internal::StatusFromSqlState;

// Bounds the prepared-statement cache; SQL built per request would otherwise grow it forever.
constexpr size_t kMaxCachedStatements = 512;
constexpr int kMaxParams = 65535;  // the protocol's limit

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

std::string Trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Text for a double that reads back to the same value ("NaN"/"Infinity" as PostgreSQL spells them).
std::string DoubleText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, ptr) : std::to_string(d);
}

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(PGconn* conn) : conn_(conn) {
    PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);  // "relation exists, skipping" etc.
  }
  ~PostgresDatabase() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  StatusOr<int64_t> Execute(std::string_view sql, const std::vector<Value>& params) override {
    CLEVER_ASSIGN_OR_RETURN(Result r, Run(sql, params));
    const char* tuples = PQcmdTuples(r.get());
    int64_t changed = 0;
    if (tuples != nullptr && *tuples != '\0') {
      std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changed);
    }
    return changed;
  }

  StatusOr<ResultSet> Query(std::string_view sql, const std::vector<Value>& params) override {
    CLEVER_ASSIGN_OR_RETURN(Result r, Run(sql, params));
    ResultSet rs;
    const int ncol = PQnfields(r.get());
    const int nrow = PQntuples(r.get());
    std::vector<Oid> types(static_cast<size_t>(ncol));
    rs.columns.reserve(static_cast<size_t>(ncol));
    for (int c = 0; c < ncol; ++c) {
      const char* name = PQfname(r.get(), c);
      rs.columns.emplace_back(name ? name : "");
      types[static_cast<size_t>(c)] = PQftype(r.get(), c);
    }
    rs.rows.reserve(static_cast<size_t>(nrow));
    for (int row = 0; row < nrow; ++row) {
      std::vector<Value> cells;
      cells.reserve(static_cast<size_t>(ncol));
      for (int c = 0; c < ncol; ++c) {
        if (PQgetisnull(r.get(), row, c)) {
          cells.emplace_back(nullptr);
        } else {
          cells.push_back(internal::ValueFromPgText(
              types[static_cast<size_t>(c)],
              std::string_view(PQgetvalue(r.get(), row, c),
                               static_cast<size_t>(PQgetlength(r.get(), row, c)))));
        }
      }
      rs.rows.push_back(std::move(cells));
    }
    return rs;
  }

  Status ExecuteScript(std::string_view sql) override {
    CLEVER_RETURN_IF_ERROR(Usable());
    if (sql.find('\0') != std::string_view::npos) {
      return InvalidArgumentError("SQL text contains a NUL byte");
    }
    Result r(PQexec(conn_, std::string(sql).c_str()));
    CLEVER_RETURN_IF_ERROR(Check(r.get(), "running script"));
    // DDL may change the row type of cached statements ("cached plan must not change result
    // type"); start the cache afresh (DEALLOCATE is not transactional).
    DropStatements();
    return OkStatus();
  }

  Status Begin() override {
    if (in_txn_) return InvalidArgumentError("cannot start a transaction within a transaction");
    CLEVER_RETURN_IF_ERROR(Simple("BEGIN"));
    in_txn_ = true;
    return OkStatus();
  }

  Status Commit() override {
    if (!in_txn_) return InvalidArgumentError("cannot commit: no transaction is active");
    if (txn_lost_) {
      in_txn_ = txn_lost_ = false;
      return UnavailableError("the connection was lost inside the transaction; nothing committed");
    }
    const bool aborted = PQtransactionStatus(conn_) == PQTRANS_INERROR;
    Status status = Simple("COMMIT");
    // A failed COMMIT leaves no transaction behind in PostgreSQL either way.
    in_txn_ = false;
    CLEVER_RETURN_IF_ERROR(status);
    if (aborted) {
      // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, not an error.
      return FailedPreconditionError(
          "the transaction was rolled back: a statement inside it had failed");
    }
    return OkStatus();
  }

  Status Rollback() override {
    if (!in_txn_) return InvalidArgumentError("cannot rollback: no transaction is active");
    in_txn_ = false;
    if (txn_lost_) {  // the server already rolled it back when the connection dropped
      txn_lost_ = false;
      return OkStatus();
    }
    Status status = Simple("ROLLBACK");
    // A connection that died under the transaction took it with it: rolled back all the same.
    if (!status.ok() && PQstatus(conn_) != CONNECTION_OK) return OkStatus();
    return status;
  }

 private:
  struct Prepared {
    std::string name;
    int param_count = 0;
  };

  // Reconnects a dropped connection (once per call). A transaction open on the old connection is
  // gone: every call fails with kUnavailable until Rollback()/Commit() acknowledges that.
  Status Usable() {
    if (txn_lost_) {
      return UnavailableError("the connection was lost inside the transaction; roll back");
    }
    if (PQstatus(conn_) == CONNECTION_OK) return OkStatus();
    statements_.clear();
    PQreset(conn_);
    if (in_txn_) txn_lost_ = true;
    if (PQstatus(conn_) != CONNECTION_OK) {
      return UnavailableError("PostgreSQL connection lost: " + Trimmed(PQerrorMessage(conn_)));
    }
    if (txn_lost_) {
      return UnavailableError("the connection was lost inside the transaction; roll back");
    }
    return OkStatus();
  }

  // Status of a finished command; `what` prefixes the message.
  Status Check(PGresult* r, std::string_view what) {
    if (r == nullptr) {
      return StatusFromSqlState("", std::string(what) + ": " + Trimmed(PQerrorMessage(conn_)),
                                PQstatus(conn_) == CONNECTION_OK);
    }
    switch (PQresultStatus(r)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
        return OkStatus();
      case PGRES_EMPTY_QUERY:
        return InvalidArgumentError(std::string(what) + ": empty SQL statement");
      default:
        break;
    }
    std::string message = std::string(what) + ": ";
    const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    message += primary ? primary : Trimmed(PQresultErrorMessage(r));
    if (const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) {
      message += " -- ";
      message += detail;
    }
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const bool connection_ok = PQstatus(conn_) == CONNECTION_OK;
    if (!connection_ok) return UnavailableError(message + " (connection lost)");
    return StatusFromSqlState(state ? state : "", std::move(message), connection_ok);
  }

  static std::string_view SqlState(PGresult* r) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return state ? state : "";
  }

  Status Simple(const char* sql) {
    CLEVER_RETURN_IF_ERROR(Usable());
    Result r(PQexec(conn_, sql));
    return Check(r.get(), sql);
  }

  void DropStatements() {
    if (statements_.empty()) return;
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) return;  // retried on the next call
    Result r(PQexec(conn_, "DEALLOCATE ALL"));
    if (r && PQresultStatus(r.get()) == PGRES_COMMAND_OK) statements_.clear();
  }

  // Prepares `stmt` under a fresh name. `types` empty = let the server infer every type.
  Result PrepareAs(const std::string& name, const internal::PgStatement& stmt,
                   const std::vector<Oid>& types) {
    return Result(PQprepare(conn_, name.c_str(), stmt.sql.c_str(), stmt.param_count,
                            types.empty() ? nullptr : types.data()));
  }

  StatusOr<const Prepared*> Prepare(std::string_view sql, const std::vector<Value>& params) {
    // The key holds the parameter types: the same SQL bound once with an integer and once with
    // NULL or text needs two server-side statements.
    std::string key;
    key.reserve(params.size() + 1 + sql.size());
    std::vector<Oid> types;
    types.reserve(params.size());
    bool typed = false;
    for (const Value& v : params) {
      if (std::holds_alternative<int64_t>(v)) {
        key += 'i';
        types.push_back(internal::kInt8Oid);
        typed = true;
      } else if (std::holds_alternative<double>(v)) {
        key += 'd';
        types.push_back(internal::kFloat8Oid);
        typed = true;
      } else {
        key += std::holds_alternative<std::string>(v) ? 's' : 'n';
        types.push_back(0);  // unknown: the server takes the type the context asks for
      }
    }
    key += '\n';
    key.append(sql);
    if (auto it = statements_.find(key); it != statements_.end()) return &it->second;

    CLEVER_ASSIGN_OR_RETURN(internal::PgStatement stmt, internal::RenumberPlaceholders(sql));
    if (stmt.param_count != static_cast<int>(params.size())) {
      return InvalidArgumentError("statement expects " + std::to_string(stmt.param_count) +
                                  " parameters, got " + std::to_string(params.size()));
    }
    if (statements_.size() >= kMaxCachedStatements) DropStatements();
    std::string name = "clever_" + std::to_string(++statement_counter_);

    // An int64 bound where SQLite would have converted it (text_column = ?, substr(s, ?, ?))
    // is an error for a BIGINT parameter in PostgreSQL; such statements are prepared again with
    // every type left to the server. Inside a transaction a savepoint keeps a failed prepare from
    // aborting it (as in SQLite, SQL that does not compile leaves the transaction usable).
    const bool guard = PQtransactionStatus(conn_) == PQTRANS_INTRANS;
    if (guard) CLEVER_RETURN_IF_ERROR(Simple("SAVEPOINT clever_prepare"));
    Result r = PrepareAs(name, stmt, types);
    const std::string_view state = SqlState(r.get());
    if (typed && (state == "42883" || state == "42804" || state == "42725")) {
      if (guard) CLEVER_RETURN_IF_ERROR(Simple("ROLLBACK TO SAVEPOINT clever_prepare"));
      r = PrepareAs(name, stmt, {});
    }
    Status prepared = Check(r.get(), "preparing statement");
    if (guard && PQstatus(conn_) == CONNECTION_OK) {
      if (!prepared.ok()) CLEVER_RETURN_IF_ERROR(Simple("ROLLBACK TO SAVEPOINT clever_prepare"));
      CLEVER_RETURN_IF_ERROR(Simple("RELEASE SAVEPOINT clever_prepare"));
    }
    CLEVER_RETURN_IF_ERROR(prepared);
    auto [it, inserted] =
        statements_.emplace(std::move(key), Prepared{std::move(name), stmt.param_count});
    return &it->second;
  }

  StatusOr<Result> Run(std::string_view sql, const std::vector<Value>& params) {
    CLEVER_RETURN_IF_ERROR(Usable());
    if (params.size() > static_cast<size_t>(kMaxParams)) {
      return InvalidArgumentError("more than 65535 parameters");
    }
    if (sql.find('\0') != std::string_view::npos) {
      return InvalidArgumentError("SQL text contains a NUL byte");
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (const auto* n = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        texts[i] = DoubleText(*d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        if (s->find('\0') != std::string::npos) {
          return InvalidArgumentError("parameter " + std::to_string(i + 1) +
                                      " contains a NUL byte, which PostgreSQL text cannot hold");
        }
        texts[i] = *s;
      } else {
        continue;  // NULL
      }
      values[i] = texts[i].c_str();
    }
    for (int attempt = 0;; ++attempt) {
      CLEVER_ASSIGN_OR_RETURN(const Prepared* prepared, Prepare(sql, params));
      Result r(PQexecPrepared(conn_, prepared->name.c_str(), prepared->param_count, values.data(),
                              nullptr, nullptr, 0));
      Status status = Check(r.get(), "running statement");
      if (status.ok()) return r;
      // Outside a transaction a statement lost to DEALLOCATE/DISCARD, or invalidated by DDL
      // from another connection, is prepared again once.
      const std::string_view state = SqlState(r.get());
      const bool stale =
          state == "26000" ||
          (state == "0A000" && status.message().find("cached plan") != std::string::npos);
      if (attempt == 0 && stale && PQtransactionStatus(conn_) == PQTRANS_IDLE) {
        const std::string name = prepared->name;
        std::erase_if(statements_, [&](const auto& entry) { return entry.second.name == name; });
        Result(PQexec(conn_, ("DEALLOCATE " + name).c_str()));
        continue;
      }
      return status;
    }
  }

  PGconn* conn_;
  bool in_txn_ = false;    // between a successful Begin() and Commit()/Rollback()
  bool txn_lost_ = false;  // the connection dropped (and was reset) inside that transaction
  uint64_t statement_counter_ = 0;
  std::unordered_map<std::string, Prepared> statements_;
};

}  // namespace

StatusOr<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo) {
  if (conninfo.find('\0') != std::string::npos) {
    return InvalidArgumentError("PostgreSQL connection string contains a NUL byte");
  }
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string message = parse_error ? Trimmed(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return InvalidArgumentError("invalid PostgreSQL connection string: " + message);
  }
  PQconninfoFree(parsed);
  // Defaults before dbname (the connection string overrides them); UTF-8 after it (always).
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                            nullptr};
  const char* values[] = {"10", "clever", conninfo.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return InternalError("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return UnavailableError("cannot connect to PostgreSQL: " + message);
  }
  if (PQserverVersion(conn) < 100000) {
    const int version = PQserverVersion(conn);
    PQfinish(conn);
    return FailedPreconditionError("PostgreSQL " + std::to_string(version / 10000) +
                                   " is too old; Clever needs 10 or newer");
  }
  return std::unique_ptr<Database>(std::make_unique<PostgresDatabase>(conn));
}

}  // namespace clever::store
