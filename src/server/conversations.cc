#include "server/conversations.h"

#include "common/dates.h"

namespace clever::server {
namespace {

Conversation FromRow(const std::vector<store::Value>& row) {
  Conversation c;
  c.id = store::AsInt(row[0]);
  c.merchant_id = store::AsInt(row[1]);
  c.user_id = store::AsInt(row[2]);
  c.title = store::AsString(row[3]);
  c.context = store::AsString(row[4]);
  c.created_at = store::AsString(row[5]);
  c.updated_at = store::AsString(row[6]);
  return c;
}

constexpr const char* kColumns =
    "SELECT id, merchant_id, user_id, title, context, created_at, updated_at FROM conversations ";

Status NotFound() { return NotFoundError("No such conversation."); }

}  // namespace

std::string Conversations::NowIso() {
  return LocalDateTime::FromEpochSecondsAsUtc(clock_.NowUnixSeconds()).ToString() + "Z";
}

StatusOr<int64_t> Conversations::Create(int64_t merchant_id, int64_t user_id,
                                        const std::string& title) {
  std::string now = NowIso();
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db_.Query("INSERT INTO conversations (merchant_id, user_id, title, context, "
                         "created_at, updated_at) VALUES (?, ?, ?, '', ?, ?) RETURNING id",
                         {merchant_id, user_id, title, now, now}));
  if (rs.rows.empty()) return InternalError("conversation insert returned no id");
  return store::AsInt(rs.rows[0][0]);
}

StatusOr<std::vector<Conversation>> Conversations::List(int64_t merchant_id, int64_t limit) {
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db_.Query(std::string(kColumns) +
                             "WHERE merchant_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
                         {merchant_id, limit}));
  std::vector<Conversation> out;
  for (const auto& row : rs.rows) out.push_back(FromRow(row));
  return out;
}

StatusOr<Conversation> Conversations::Get(int64_t merchant_id, int64_t conversation_id) {
  CLEVER_ASSIGN_OR_RETURN(auto rs,
                          db_.Query(std::string(kColumns) + "WHERE id = ? AND merchant_id = ?",
                                    {conversation_id, merchant_id}));
  if (rs.rows.empty()) return NotFound();
  return FromRow(rs.rows[0]);
}

StatusOr<std::vector<Message>> Conversations::Messages(int64_t merchant_id,
                                                       int64_t conversation_id) {
  CLEVER_ASSIGN_OR_RETURN(auto conversation, Get(merchant_id, conversation_id));
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db_.Query("SELECT m.id, m.role, m.content, m.created_at FROM messages m JOIN "
                         "conversations c ON c.id = m.conversation_id WHERE c.id = ? AND "
                         "c.merchant_id = ? ORDER BY m.id",
                         {conversation.id, merchant_id}));
  std::vector<Message> out;
  for (const auto& row : rs.rows) {
    out.push_back({store::AsInt(row[0]), store::AsString(row[1]), store::AsString(row[2]),
                   store::AsString(row[3])});
  }
  return out;
}

StatusOr<int64_t> Conversations::AddMessage(int64_t merchant_id, int64_t conversation_id,
                                            const std::string& role, const std::string& content) {
  if (role != "user" && role != "assistant") return InvalidArgumentError("bad message role");
  std::string now = NowIso();
  // The ownership check is part of the statement itself: no row is written for another merchant.
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db_.Query("INSERT INTO messages (conversation_id, role, content, created_at) "
                         "SELECT id, ?, ?, ? FROM conversations WHERE id = ? AND merchant_id = ? "
                         "RETURNING id",
                         {role, content, now, conversation_id, merchant_id}));
  if (rs.rows.empty()) return NotFound();
  CLEVER_RETURN_IF_ERROR(
      db_.Execute("UPDATE conversations SET updated_at = ? WHERE id = ? AND merchant_id = ?",
                  {now, conversation_id, merchant_id})
          .status());
  return store::AsInt(rs.rows[0][0]);
}

Status Conversations::SetContext(int64_t merchant_id, int64_t conversation_id,
                                 const std::string& context) {
  CLEVER_ASSIGN_OR_RETURN(
      int64_t n,
      db_.Execute("UPDATE conversations SET context = ? WHERE id = ? AND merchant_id = ?",
                  {context, conversation_id, merchant_id}));
  return n == 0 ? NotFound() : OkStatus();
}

Status Conversations::SetTitle(int64_t merchant_id, int64_t conversation_id,
                               const std::string& title) {
  CLEVER_ASSIGN_OR_RETURN(
      int64_t n, db_.Execute("UPDATE conversations SET title = ? WHERE id = ? AND merchant_id = ?",
                             {title, conversation_id, merchant_id}));
  return n == 0 ? NotFound() : OkStatus();
}

Status Conversations::Delete(int64_t merchant_id, int64_t conversation_id) {
  CLEVER_ASSIGN_OR_RETURN(auto conversation, Get(merchant_id, conversation_id));
  CLEVER_RETURN_IF_ERROR(
      db_.Execute("DELETE FROM messages WHERE conversation_id = ?", {conversation.id}).status());
  return db_
      .Execute("DELETE FROM conversations WHERE id = ? AND merchant_id = ?",
               {conversation.id, merchant_id})
      .status();
}

}  // namespace clever::server
