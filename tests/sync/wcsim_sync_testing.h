// Helpers for the sync tests against the real wcsim binary (tests/testing/wcsim_process.h): a
// Clever database with one connector added through connect::ConnectorService (OAuth 1.0a over
// http, private network allowed) and synced in-process by sync::SyncEngine, comparisons with
// wcsim's own figures (/__wcsim/stats), and `clever` CLI runs for the kill -9 trials.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connect/connectors.h"
#include "connect/vault.h"
#include "store/database.h"
#include "sync/sync.h"
#include "testing/wcsim_process.h"

namespace clever::sync::testing {

// Paths of the binaries under test (compile definitions of the test target).
std::string WcsimBinary();
std::string CleverBinary();

// Starts wcsim with `args`; fails the test (ASSERT) via the returned nullptr when it cannot.
std::unique_ptr<test::WcsimProcess> StartWcsim(const std::vector<std::string>& args);

// A Clever database (":memory:" or a file) with one connector to `sim`; its id is kStore.
class WcsimHome {
 public:
  explicit WcsimHome(const test::WcsimProcess& sim, bool scope_probe = false,
                     const std::string& db_path = ":memory:");
  ~WcsimHome();
  [[nodiscard]] bool ok() const { return ok_; }
  store::Database& db() { return *db_; }
  // One SyncEngine::Run of the connector (a real clock; short backoffs).
  Status Sync(bool full = false, std::vector<CategoryStatus>* progress = nullptr,
              int concurrency = 4);
  // The connector's credentials as seen by OpenApi, for a second engine in another thread.
  StatusOr<woo::ApiFactory> Api();

 private:
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<connect::Vault> vault_;
  std::unique_ptr<connect::ConnectorService> service_;
  bool ok_ = false;
};

// wcsim's "12.34" -> 1234.
int64_t CentsOf(const nlohmann::json& decimal_string);

// Every category's stored counts and sums equal wcsim's /__wcsim/stats (EXPECTs).
void ExpectMatchesStats(store::Database& db, const nlohmann::json& stats);

// Rows of one table of the store, keyed by its first `key_columns` columns after store_id
// (values joined by '|'), minus the `skip` columns: for before/after diffs.
std::map<std::string, std::string> Rows(store::Database& db, const std::string& table,
                                        int key_columns, const std::vector<std::string>& skip = {});
// Keys whose row was added, removed or changed between `before` and `after`.
struct RowDiff {
  std::vector<std::string> added, removed, changed;
};
RowDiff Diff(const std::map<std::string, std::string>& before,
             const std::map<std::string, std::string>& after);

// `clever ARGS...` as a child process (stdout/stderr to `log_file`); returns its pid.
pid_t SpawnClever(const std::vector<std::string>& args, const std::string& log_file);
// Waits for a child; returns its exit code, or 128 + signal when killed.
int WaitChild(pid_t pid);
// Runs `clever ARGS...` to completion; returns the exit code (output appended to `log_file`).
int RunClever(const std::vector<std::string>& args, const std::string& log_file);

// `trials` rounds against wcsim (`orders` orders, 4 ms latency per request): `clever sync` (the
// CLI, a fresh --home per trial) is SIGKILLed at random moments 1-2 times, then run to completion;
// its database must equal an uninterrupted `clever sync`'s.
void WcsimKillTrials(int trials, int orders, uint32_t seed);

}  // namespace clever::sync::testing
