// A throwaway PostgreSQL server for a test process: initdb into a temporary directory, postgres
// listening on 127.0.0.1 (a free port) and a unix socket inside that directory, fsync off. Started
// on first use, stopped when the process exits (or killed with it). When $CLEVER_TEST_POSTGRES_URL
// is set, that server is used instead and nothing is started.
//
// Runs as root too (CI does): initdb and postgres refuse root, so they run as the `postgres`
// user, which then owns the temporary directory.
//
//   auto server = test::PgTestServer::Shared();
//   ASSERT_TRUE(server.ok()) << server.status();   // binaries missing = a failing test, not a skip
//   auto conninfo = (*server)->FreshSchema();      // every test its own empty schema
//   auto db = store::OpenPostgres(*conninfo);
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/database.h"

namespace clever::test {

class PgTestServer {
 public:
  // The process-wide server. The first call starts it (about 2-3 s); an error (binaries missing,
  // initdb or startup failed, with the server log) is returned to every caller.
  static StatusOr<PgTestServer*> Shared();

  // The directory holding initdb, pg_ctl and postgres: $CLEVER_PG_BINDIR when set, else the
  // newest /usr/lib/postgresql/<version>/bin. kFailedPrecondition, saying how to install them,
  // when there is none.
  static StatusOr<std::string> FindBinDir();

  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;
  ~PgTestServer();

  // libpq connection string of the server's `postgres` database (keyword form or URL).
  [[nodiscard]] const std::string& conninfo() const { return conninfo_; }

  // Creates a new empty schema and returns a connection string whose search_path is that schema,
  // so tests (and Migrate()) never see each other's tables.
  StatusOr<std::string> FreshSchema();
  // The same as a postgresql:// URL (for OpenDatabase).
  StatusOr<std::string> FreshSchemaUrl();

 private:
  PgTestServer() = default;
  Status Start();
  void Stop();
  StatusOr<std::string> CreateSchema();

  std::string conninfo_;
  std::string external_url_;  // $CLEVER_TEST_POSTGRES_URL
  std::string dir_;           // temporary directory (data/, logs, socket)
  int port_ = 0;
  pid_t postmaster_ = -1;
  int schemas_ = 0;
  std::vector<std::string> created_schemas_;
  std::unique_ptr<store::Database> admin_;  // creates the schemas
};

}  // namespace clever::test
