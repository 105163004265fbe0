// Conversations and their messages, scoped by merchant in every statement: a conversation id from
// another merchant behaves exactly like one that does not exist (kNotFound). Thread-compatible: one
// per request, over that thread's Database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/database.h"

namespace clever::server {

struct Conversation {
  int64_t id = 0;
  int64_t merchant_id = 0;
  int64_t user_id = 0;
  std::string title, context, created_at, updated_at;
};

struct Message {
  int64_t id = 0;
  std::string role;     // user | assistant
  std::string content;  // the question, or the answer object as JSON
  std::string created_at;
};

class Conversations {
 public:
  Conversations(store::Database& db, Clock& clock) : db_(db), clock_(clock) {}

  StatusOr<int64_t> Create(int64_t merchant_id, int64_t user_id, const std::string& title);
  // Newest first, at most `limit`.
  StatusOr<std::vector<Conversation>> List(int64_t merchant_id, int64_t limit = 50);
  StatusOr<Conversation> Get(int64_t merchant_id, int64_t conversation_id);
  StatusOr<std::vector<Message>> Messages(int64_t merchant_id, int64_t conversation_id);
  // Appends a message; kNotFound when the conversation is not the merchant's.
  StatusOr<int64_t> AddMessage(int64_t merchant_id, int64_t conversation_id,
                               const std::string& role, const std::string& content);
  Status SetContext(int64_t merchant_id, int64_t conversation_id, const std::string& context);
  Status SetTitle(int64_t merchant_id, int64_t conversation_id, const std::string& title);
  Status Delete(int64_t merchant_id, int64_t conversation_id);

 private:
  std::string NowIso();
  store::Database& db_;
  Clock& clock_;
};

}  // namespace clever::server
