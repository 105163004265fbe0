// The assistant: plain-language questions -> exact answers from the synced store. Start here.
//
//   query::Assistant assistant(db);
//   query::Answer a = assistant.Ask({.question = "sales last month", .store_ids = {}});
//   std::cout << query::AnswerToJson(a);
//
// Stages (each in its own files, each tested on its own): interpret.h (text -> QuestionIntent),
// plan.h (intent -> QueryPlan over catalog.h), sql.h (plan -> parameterised SQL), execute.h (SQL
// -> figures), answer.h (figures -> Answer). The database is only read (plus the conversations
// tables by the CLI's session helpers below).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/dates.h"
#include "common/status.h"
#include "net/http.h"
#include "query/answer.h"
#include "query/language_model.h"
#include "query/sql.h"
#include "query/store_names.h"
#include "store/database.h"

namespace clever::query {

struct AskRequest {
  std::string question;
  std::vector<int64_t> store_ids;  // empty = the enabled connectors
  std::optional<CivilDate> as_of;  // store-local "today"; default = the date of the last sync
  std::string context;             // previous turn's Answer::context, "" for a new conversation
};

struct AssistantOptions {
  Clock* clock = nullptr;  // for "today" when a store was never synced; default Clock::Real()
  // Store names kept across questions until a sync writes (store_names.h); share one per process
  // when Assistants are short-lived (the hub). Default: one owned by this Assistant.
  StoreNamesCache* names_cache = nullptr;
  // Optional language model (language_model.h): used when set, else read from CLEVER_LLM_URL
  // unless use_environment_model is false (tests that must stay offline whatever the shell says).
  std::optional<LanguageModelConfig> language_model;
  bool use_environment_model = true;
};

class Assistant {
 public:
  explicit Assistant(store::Database& db, AssistantOptions options = {});
  // Never fails: errors become an insufficient_data answer with the reason.
  Answer Ask(const AskRequest& request);
  // What the SQL needs to know about a store (currency, time zone, derived tables' state).
  StatusOr<StoreFacts> LoadFacts(int64_t store_id);

 private:
  store::Database& db_;
  AssistantOptions options_;
  std::unique_ptr<StoreNamesCache> own_names_;
  std::unique_ptr<net::HttpTransport> model_transport_;  // created at the first model question
  // Each store's StoreVersion as last read, valid while the database's WriteMark stays equal:
  // a chat or a benchmark asking again skips the version statement until something is written.
  std::optional<std::pair<int64_t, int64_t>> versions_mark_;
  std::map<int64_t, std::string> versions_;
};

// The exact answer contract of issue 4: {"status","answer","value","table":{"columns","rows"},
// "chart","categories","plan","as_of","synced_at"} (+ "definitions", "freshness").
std::string AnswerToJson(const Answer& answer);
// A person's rendering: the text, then an aligned table.
std::string AnswerToText(const Answer& answer);

// Enabled connectors' ids (connectors.enabled = 1), or those named (kNotFound for an unknown
// name).
StatusOr<std::vector<int64_t>> ResolveStores(store::Database& db,
                                             const std::vector<std::string>& names);

// Conversations (tables conversations / messages): create, read the context, append a turn.
StatusOr<int64_t> StartConversation(store::Database& db, const std::string& title,
                                    const std::string& now_iso);
StatusOr<std::string> ConversationContext(store::Database& db, int64_t conversation_id);
Status RecordTurn(store::Database& db, int64_t conversation_id, const std::string& question,
                  const Answer& answer, const std::string& now_iso);

}  // namespace clever::query
