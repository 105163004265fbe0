// Accounts: merchants (businesses), their team members (users) and login sessions, over the
// accounts tables of store/schema.cc. Passwords are argon2id strings from libsodium's
// crypto_pwhash_str; a session cookie value is 32 random bytes whose SHA-256 is all the database
// keeps, so a leaked database cannot be replayed as cookies. Each login creates a fresh session
// (no fixation). Thread-compatible: one Accounts per request, over that thread's Database.
//
//   Accounts accounts(db, clock);
//   CLEVER_ASSIGN_OR_RETURN(User user, accounts.VerifyPassword(email, password));
//   CLEVER_ASSIGN_OR_RETURN(NewSession s, accounts.CreateSession(user.id));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/database.h"

namespace clever::server {

struct User {
  int64_t id = 0;
  int64_t merchant_id = 0;
  std::string email, display_name, role, merchant_name;
};

struct NewSession {
  std::string token;       // the cookie value; returned once, never stored
  std::string csrf_token;  // sent back in X-CSRF-Token on every state-changing request
  std::string expires_at;  // UTC ISO
};

struct Session {
  User user;
  std::string csrf_token;
  std::string expires_at;
};

struct Merchant {
  int64_t id = 0;
  std::string name;
};

// Must be called once before any other function here (libsodium's sodium_init); idempotent.
Status InitCrypto();

// "Acme Ltd" -> kInvalidArgument when empty or longer than 200 characters.
// Email: lower-cased, trimmed; must look like local@domain and be at most 254 characters.
// Password: 10 to 1024 bytes.
StatusOr<std::string> NormalizeEmail(const std::string& email);
Status ValidatePassword(const std::string& password);

// argon2id cost of new password hashes. Verification reads the cost from the stored hash.
enum class PasswordCost {
  kInteractive,     // libsodium's OPSLIMIT/MEMLIMIT_INTERACTIVE (64 MiB): production
  kTestOnlyMinimum  // OPSLIMIT/MEMLIMIT_MIN: tests only, to keep them fast
};

class Accounts {
 public:
  // Sessions expire `session_ttl_s` after login.
  Accounts(store::Database& db, Clock& clock, int64_t session_ttl_s = 7 * 24 * 3600,
           PasswordCost cost = PasswordCost::kInteractive);

  StatusOr<int64_t> CreateMerchant(const std::string& name);
  StatusOr<Merchant> FindMerchant(const std::string& name);
  StatusOr<std::vector<Merchant>> ListMerchants();
  // kNotFound (no such merchant), kAlreadyExists (email taken), kInvalidArgument (bad input).
  StatusOr<int64_t> CreateUser(int64_t merchant_id, const std::string& email,
                               const std::string& password, const std::string& role = "member");
  // kUnauthenticated for an unknown email or a wrong password (same message and similar time).
  StatusOr<User> VerifyPassword(const std::string& email, const std::string& password);
  StatusOr<int64_t> CountUsers();

  StatusOr<NewSession> CreateSession(int64_t user_id);
  // kUnauthenticated when the token is unknown, malformed or expired.
  StatusOr<Session> LookupSession(const std::string& token);
  // Deletes the session if it exists; OK either way.
  Status DeleteSession(const std::string& token);

 private:
  std::string NowIso();
  store::Database& db_;
  Clock& clock_;
  int64_t session_ttl_s_;
  PasswordCost cost_;
};

// Constant-time comparison of two strings (CSRF tokens).
bool SecureEquals(const std::string& a, const std::string& b);

}  // namespace clever::server
