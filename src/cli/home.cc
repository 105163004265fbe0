#include "cli/home.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "store/schema.h"

namespace clever::cli {

StatusOr<std::string> ResolveHome(const std::string& flag_value) {
  std::string home = flag_value;
  if (home.empty()) {
    if (const char* env = std::getenv("CLEVER_HOME"); env != nullptr && *env != '\0') home = env;
  }
  if (home.empty()) {
    const char* user_home = std::getenv("HOME");
    if (user_home == nullptr || *user_home == '\0') {
      return FailedPreconditionError("no home directory: pass --home DIR or set CLEVER_HOME");
    }
    home = std::string(user_home) + "/.clever";
  }
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec)
    return FailedPreconditionError("cannot create Clever's home " + home + ": " + ec.message());
  ::chmod(home.c_str(), 0700);
  return home;
}

std::string DatabaseUrl(const std::string& home) {
  if (const char* env = std::getenv("CLEVER_DATABASE_URL"); env != nullptr && *env != '\0')
    return env;
  return "sqlite:" + home + "/clever.db";
}

StatusOr<std::unique_ptr<store::Database>> OpenHomeDatabase(const std::string& home) {
  CLEVER_ASSIGN_OR_RETURN(auto db, store::OpenDatabase(DatabaseUrl(home)));
  CLEVER_RETURN_IF_ERROR(store::Migrate(*db));
  return db;
}

StatusOr<int64_t> ResolveMerchant(store::Database& db, const std::string& name) {
  if (name.empty()) return int64_t{0};
  CLEVER_ASSIGN_OR_RETURN(store::ResultSet rs,
                          db.Query("SELECT id FROM merchants WHERE name = ? ORDER BY id", {name}));
  if (rs.rows.empty()) {
    return NotFoundError("no merchant is named \"" + name +
                         "\" in this home; `clever merchant list` shows them");
  }
  return store::AsInt(rs.rows[0][0]);
}

std::string OtherMerchantsHint(store::Database& db, int64_t merchant_id) {
  auto rs = db.Query(
      "SELECT DISTINCT m.name FROM connectors c JOIN merchants m ON m.id = c.merchant_id "
      "WHERE c.merchant_id <> ? ORDER BY m.name",
      {merchant_id});
  if (!rs.ok() || rs->rows.empty()) return "";
  std::string names;
  for (size_t i = 0; i < rs->rows.size(); ++i) {
    names += (i == 0                     ? ""
              : i + 1 == rs->rows.size() ? " and "
                                         : ", ") +
             std::string("\"") + store::AsString(rs->rows[i][0]) + "\"";
  }
  return "this home has stores of the hub merchant" +
         std::string(rs->rows.size() > 1 ? "s " : " ") + names + ": add --merchant " + "\"" +
         store::AsString(rs->rows[0][0]) + "\"";
}

bool PrivateNetworkAllowedByEnv() {
  const char* env = std::getenv("CLEVER_ALLOW_PRIVATE_NETWORK");
  return env != nullptr && std::string(env) == "1";
}

}  // namespace clever::cli
