// The hub's view of the subsystems it drives: connectors (connect::ConnectorService), sync status
// and scheduling (sync::ReadStatus, sync::Scheduler) and the assistant (query::Assistant). The
// server holds only these small interfaces, so its handlers are tested with fakes; cli/serve_cmd.cc
// adapts the real implementations. Every call that touches a merchant's data takes merchant_id, and
// implementations must scope by it (connectors.merchant_id) -- the handlers never trust an id from
// a request on its own.
//
// Implementations must be safe to call from several request threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace clever::server {

// Mirrors connect::Problem: an error (or warning) tied to a form field.
struct ConnectorProblem {
  std::string field;  // "name" | "url" | "consumer_key" | "consumer_secret" | ""
  std::string code;   // stable: "duplicate_domain", "wrong_secret", "key_can_write", ...
  std::string message;
  std::string hint;
};

// Mirrors connect::Connector. Never carries a credential (key_hint is "ck_...abcd").
struct ConnectorInfo {
  int64_t id = 0;
  int64_t merchant_id = 0;
  std::string name, store_url, store_domain, key_hint, key_scope, auth_mode;
  bool enabled = true;
  std::string created_at, last_checked_at;
};

struct NewConnectorInput {
  std::string name, url, consumer_key, consumer_secret;
};

struct ConnectorOutcome {
  std::optional<ConnectorProblem> problem;  // set = refused
  std::vector<ConnectorProblem> warnings;
  ConnectorInfo connector;
};

class ConnectorsPort {
 public:
  virtual ~ConnectorsPort() = default;
  virtual ConnectorOutcome Add(int64_t merchant_id, const NewConnectorInput& input) = 0;
  virtual StatusOr<std::vector<ConnectorInfo>> List(int64_t merchant_id) = 0;
  // kNotFound when `name` is not one of the merchant's connectors.
  virtual Status Remove(int64_t merchant_id, const std::string& name) = 0;
  virtual Status SetEnabled(int64_t merchant_id, const std::string& name, bool enabled) = 0;
  virtual ConnectorOutcome Test(int64_t merchant_id, const std::string& name) = 0;
};

// Mirrors sync::CategoryStatus.
struct CategoryProgress {
  std::string category, state;  // pending | syncing | ok | not_available | failed
  int64_t records_done = 0, records_total = 0;
  double rate_per_s = 0;
  int64_t eta_s = -1;
  std::string last_success_at, reason, hint;
};

class SyncPort {
 public:
  virtual ~SyncPort() = default;
  // Schedules a sync of the store now (first sync after Connect); returns at once.
  virtual void SyncNow(int64_t store_id) = 0;
  // The store was removed: stop scheduling it (an in-flight sync may finish its batch).
  virtual void Forget(int64_t store_id) = 0;
  // Per-category progress, in sync::kCategories order.
  virtual StatusOr<std::vector<CategoryProgress>> Progress(int64_t store_id) = 0;
};

struct AskInput {
  std::string question;
  std::vector<int64_t> store_ids;  // already checked to belong to the asking merchant
  std::string context;             // the previous turn's context, "" for a new conversation
};

struct AskOutput {
  std::string status;       // answered | insufficient_data | out_of_scope
  std::string answer_json;  // query::AnswerToJson: the issue-4 answer object
  std::string context;      // to pass to the next turn
};

class AskPort {
 public:
  virtual ~AskPort() = default;
  virtual StatusOr<AskOutput> Ask(const AskInput& input) = 0;
};

}  // namespace clever::server
