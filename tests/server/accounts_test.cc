#include "server/accounts.h"

#include <gtest/gtest.h>

#include "server/conversations.h"
#include "store/schema.h"

namespace clever::server {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    auto db = store::OpenSqlite(":memory:");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_).ok());
  }
  std::unique_ptr<store::Database> db_;
  FakeClock clock_;
};

TEST_F(AccountsTest, CreatesUsersAndVerifiesPasswords) {
  Accounts accounts(*db_, clock_, 3600, PasswordCost::kTestOnlyMinimum);
  auto m = accounts.CreateMerchant("Acme");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(accounts.CreateMerchant("Acme").status().code(), StatusCode::kAlreadyExists);
  auto u = accounts.CreateUser(*m, "  Ann@Example.COM ", "correct horse battery");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(accounts.CreateUser(*m, "ann@example.com", "another password!").status().code(),
            StatusCode::kAlreadyExists);
  auto user = accounts.VerifyPassword("ANN@example.com", "correct horse battery");
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ(user->merchant_id, *m);
  EXPECT_EQ(user->merchant_name, "Acme");
  EXPECT_EQ(accounts.VerifyPassword("ann@example.com", "wrong password!!").status().code(),
            StatusCode::kUnauthenticated);
  auto unknown = accounts.VerifyPassword("bob@example.com", "correct horse battery");
  EXPECT_EQ(unknown.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.status().message(),
            accounts.VerifyPassword("ann@example.com", "nope nope nope").status().message());
  // The stored hash is argon2id, never the password.
  auto rs = db_->Query("SELECT password_hash FROM users");
  ASSERT_TRUE(rs.ok());
  std::string hash = store::AsString(rs->rows[0][0]);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
}

TEST_F(AccountsTest, RefusesBadInput) {
  Accounts accounts(*db_, clock_, 3600, PasswordCost::kTestOnlyMinimum);
  auto m = accounts.CreateMerchant("Acme");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(accounts.CreateMerchant("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts.CreateMerchant(std::string(201, 'a')).status().code(),
            StatusCode::kInvalidArgument);
  for (const std::string& email :
       {std::string("no-at"), std::string("@x.y"), std::string("a@"), std::string("a@b@c"),
        std::string("a b@c.d"), std::string(300, 'a') + "@x.y", std::string("<a>@x.y")}) {
    EXPECT_EQ(accounts.CreateUser(*m, email, "long enough pw").status().code(),
              StatusCode::kInvalidArgument)
        << email;
  }
  EXPECT_EQ(accounts.CreateUser(*m, "a@b.c", "short").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts.CreateUser(*m, "a@b.c", std::string(2000, 'x')).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts.CreateUser(999, "a@b.c", "long enough pw").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(accounts.VerifyPassword("a@b.c", std::string(5000, 'x')).status().code(),
            StatusCode::kUnauthenticated);
}

TEST_F(AccountsTest, SessionsAreHashedRandomAndExpire) {
  Accounts accounts(*db_, clock_, /*session_ttl_s=*/3600, PasswordCost::kTestOnlyMinimum);
  auto m = accounts.CreateMerchant("Acme");
  auto u = accounts.CreateUser(*m, "ann@example.com", "correct horse battery");
  ASSERT_TRUE(u.ok());
  auto s1 = accounts.CreateSession(*u);
  auto s2 = accounts.CreateSession(*u);
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_NE(s1->token, s2->token);
  EXPECT_NE(s1->csrf_token, s2->csrf_token);
  EXPECT_EQ(s1->token.size(), 64u);
  auto rs = db_->Query("SELECT token_hash FROM sessions");
  ASSERT_TRUE(rs.ok());
  for (const auto& row : rs->rows) {
    EXPECT_NE(store::AsString(row[0]), s1->token);
    EXPECT_NE(store::AsString(row[0]), s2->token);
  }
  auto found = accounts.LookupSession(s1->token);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->user.email, "ann@example.com");
  EXPECT_EQ(found->csrf_token, s1->csrf_token);
  ASSERT_TRUE(accounts.DeleteSession(s1->token).ok());
  EXPECT_EQ(accounts.LookupSession(s1->token).status().code(), StatusCode::kUnauthenticated);
  for (const std::string& junk : {std::string(""), std::string("abc"), std::string(64, 'z'),
                                  std::string("' OR 1=1 --"), std::string(100000, 'a')}) {
    EXPECT_EQ(accounts.LookupSession(junk).status().code(), StatusCode::kUnauthenticated);
  }
  clock_.Advance(std::chrono::seconds(3601));
  EXPECT_EQ(accounts.LookupSession(s2->token).status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AccountsTest, ConversationsAreScopedByMerchant) {
  Conversations conversations(*db_, clock_);
  auto c = conversations.Create(1, 10, "mine");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(conversations.AddMessage(1, *c, "user", "hello").ok());
  EXPECT_EQ(conversations.Get(2, *c).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(conversations.Messages(2, *c).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(conversations.AddMessage(2, *c, "user", "sneaky").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(conversations.SetContext(2, *c, "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(conversations.Delete(2, *c).code(), StatusCode::kNotFound);
  auto other = conversations.List(2);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
  auto msgs = conversations.Messages(1, *c);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ((*msgs)[0].content, "hello");
}

}  // namespace
}  // namespace clever::server
