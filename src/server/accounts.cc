#include "server/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "common/dates.h"

namespace clever::server {
namespace {

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), buf.data(), buf.size());
  hex.pop_back();
  return hex;
}

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::string hex(sizeof(digest) * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest, sizeof(digest));
  hex.pop_back();
  return hex;
}

std::string IsoUtc(int64_t unix_seconds) {
  return LocalDateTime::FromEpochSecondsAsUtc(unix_seconds).ToString() + "Z";
}

bool IsHexToken(const std::string& token) {
  return token.size() == 64 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

constexpr const char* kBadLogin = "Wrong email or password.";

}  // namespace

Status InitCrypto() {
  if (sodium_init() < 0) return InternalError("libsodium could not be initialised");
  return OkStatus();
}

StatusOr<std::string> NormalizeEmail(const std::string& email) {
  size_t begin = email.find_first_not_of(" \t\r\n");
  size_t end = email.find_last_not_of(" \t\r\n");
  if (begin == std::string::npos) return InvalidArgumentError("Enter an email address.");
  std::string e = email.substr(begin, end - begin + 1);
  std::transform(e.begin(), e.end(), e.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t at = e.find('@');
  bool ok = e.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < e.size() &&
            e.find('@', at + 1) == std::string::npos &&
            std::none_of(e.begin(), e.end(), [](unsigned char c) {
              return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"';
            });
  if (!ok) return InvalidArgumentError("That does not look like an email address.");
  return e;
}

Status ValidatePassword(const std::string& password) {
  if (password.size() < 10) {
    return InvalidArgumentError("The password must have at least 10 characters.");
  }
  if (password.size() > 1024) {
    return InvalidArgumentError("The password must have at most 1024 characters.");
  }
  return OkStatus();
}

bool SecureEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Accounts::Accounts(store::Database& db, Clock& clock, int64_t session_ttl_s, PasswordCost cost)
    : db_(db), clock_(clock), session_ttl_s_(session_ttl_s), cost_(cost) {}

std::string Accounts::NowIso() { return IsoUtc(clock_.NowUnixSeconds()); }

StatusOr<int64_t> Accounts::CreateMerchant(const std::string& name) {
  if (name.empty() || name.size() > 200) {
    return InvalidArgumentError("A merchant name has 1 to 200 characters.");
  }
  auto existing = FindMerchant(name);
  if (existing.ok()) return AlreadyExistsError("A merchant named \"" + name + "\" exists already.");
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db_.Query("INSERT INTO merchants (name, created_at) VALUES (?, ?) RETURNING id",
                         {name, NowIso()}));
  if (rs.rows.empty()) return InternalError("merchant insert returned no id");
  return store::AsInt(rs.rows[0][0]);
}

StatusOr<Merchant> Accounts::FindMerchant(const std::string& name) {
  CLEVER_ASSIGN_OR_RETURN(auto rs,
                          db_.Query("SELECT id, name FROM merchants WHERE name = ?", {name}));
  if (rs.rows.empty()) return NotFoundError("No merchant named \"" + name + "\".");
  return Merchant{store::AsInt(rs.rows[0][0]), store::AsString(rs.rows[0][1])};
}

StatusOr<std::vector<Merchant>> Accounts::ListMerchants() {
  CLEVER_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT id, name FROM merchants ORDER BY id"));
  std::vector<Merchant> out;
  for (const auto& row : rs.rows) out.push_back({store::AsInt(row[0]), store::AsString(row[1])});
  return out;
}

StatusOr<int64_t> Accounts::CreateUser(int64_t merchant_id, const std::string& email,
                                       const std::string& password, const std::string& role) {
  CLEVER_ASSIGN_OR_RETURN(std::string normalized, NormalizeEmail(email));
  CLEVER_RETURN_IF_ERROR(ValidatePassword(password));
  if (role != "owner" && role != "member") {
    return InvalidArgumentError("A role is owner or member.");
  }
  CLEVER_ASSIGN_OR_RETURN(auto m,
                          db_.Query("SELECT id FROM merchants WHERE id = ?", {merchant_id}));
  if (m.rows.empty()) return NotFoundError("No such merchant.");
  char hash[crypto_pwhash_STRBYTES];
  bool minimum = cost_ == PasswordCost::kTestOnlyMinimum;
  if (crypto_pwhash_str(
          hash, password.data(), password.size(),
          minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
          minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return UnavailableError("not enough memory to hash the password");
  }
  auto rs = db_.Query(
      "INSERT INTO users (merchant_id, email, password_hash, role, created_at) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {merchant_id, normalized, std::string(hash), role, NowIso()});
  if (!rs.ok()) {
    if (rs.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError("A user with the email " + normalized + " exists already.");
    }
    return rs.status();
  }
  if (rs->rows.empty()) return InternalError("user insert returned no id");
  return store::AsInt(rs->rows[0][0]);
}

StatusOr<User> Accounts::VerifyPassword(const std::string& email, const std::string& password) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok() || password.empty() || password.size() > 1024) {
    return UnauthenticatedError(kBadLogin);
  }
  CLEVER_ASSIGN_OR_RETURN(auto rs,
                          db_.Query("SELECT u.id, u.merchant_id, u.email, u.display_name, u.role, "
                                    "u.password_hash, m.name FROM users u JOIN merchants m ON "
                                    "m.id = u.merchant_id WHERE u.email = ?",
                                    {*normalized}));
  if (rs.rows.empty()) {
    // Spend about the same time as a real check so timing does not reveal which emails exist.
    static const std::string kDummy = [] {
      char h[crypto_pwhash_STRBYTES];
      const std::string p = "clever-dummy-password";
      if (crypto_pwhash_str(h, p.data(), p.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        return std::string();
      }
      return std::string(h);
    }();
    if (!kDummy.empty()) {
      int ignored = crypto_pwhash_str_verify(kDummy.c_str(), password.data(), password.size());
      (void)ignored;
    }
    return UnauthenticatedError(kBadLogin);
  }
  const auto& row = rs.rows[0];
  std::string hash = store::AsString(row[5]);
  if (crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) != 0) {
    return UnauthenticatedError(kBadLogin);
  }
  User user;
  user.id = store::AsInt(row[0]);
  user.merchant_id = store::AsInt(row[1]);
  user.email = store::AsString(row[2]);
  user.display_name = store::AsString(row[3]);
  user.role = store::AsString(row[4]);
  user.merchant_name = store::AsString(row[6]);
  return user;
}

StatusOr<int64_t> Accounts::CountUsers() {
  CLEVER_ASSIGN_OR_RETURN(auto rs, db_.Query("SELECT count(*) FROM users"));
  return rs.rows.empty() ? 0 : store::AsInt(rs.rows[0][0]);
}

StatusOr<NewSession> Accounts::CreateSession(int64_t user_id) {
  NewSession s;
  s.token = RandomHex(32);
  s.csrf_token = RandomHex(32);
  int64_t now = clock_.NowUnixSeconds();
  s.expires_at = IsoUtc(now + session_ttl_s_);
  // Expired sessions are swept here, so the table stays bounded by the live ones.
  CLEVER_RETURN_IF_ERROR(
      db_.Execute("DELETE FROM sessions WHERE expires_at < ?", {IsoUtc(now)}).status());
  CLEVER_RETURN_IF_ERROR(
      db_.Execute("INSERT INTO sessions (token_hash, user_id, csrf_token, "
                  "created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                  {Sha256Hex(s.token), user_id, s.csrf_token, IsoUtc(now), s.expires_at})
          .status());
  return s;
}

StatusOr<Session> Accounts::LookupSession(const std::string& token) {
  if (!IsHexToken(token)) return UnauthenticatedError("Please log in.");
  CLEVER_ASSIGN_OR_RETURN(
      auto rs, db_.Query("SELECT u.id, u.merchant_id, u.email, u.display_name, u.role, m.name, "
                         "s.csrf_token, s.expires_at FROM sessions s JOIN users u ON "
                         "u.id = s.user_id JOIN merchants m ON m.id = u.merchant_id "
                         "WHERE s.token_hash = ?",
                         {Sha256Hex(token)}));
  if (rs.rows.empty()) return UnauthenticatedError("Please log in.");
  const auto& row = rs.rows[0];
  Session s;
  s.expires_at = store::AsString(row[7]);
  if (s.expires_at < NowIso()) {
    (void)DeleteSession(token);
    return UnauthenticatedError("Your session has expired. Please log in again.");
  }
  s.user.id = store::AsInt(row[0]);
  s.user.merchant_id = store::AsInt(row[1]);
  s.user.email = store::AsString(row[2]);
  s.user.display_name = store::AsString(row[3]);
  s.user.role = store::AsString(row[4]);
  s.user.merchant_name = store::AsString(row[5]);
  s.csrf_token = store::AsString(row[6]);
  return s;
}

Status Accounts::DeleteSession(const std::string& token) {
  if (!IsHexToken(token)) return OkStatus();
  return db_.Execute("DELETE FROM sessions WHERE token_hash = ?", {Sha256Hex(token)}).status();
}

}  // namespace clever::server
