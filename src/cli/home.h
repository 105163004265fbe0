// Clever's home directory (--home DIR, else $CLEVER_HOME, else ~/.clever): where the database
// (clever.db) and the vault's key file live. Shared by every CLI command.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/database.h"

namespace clever::cli {

// Resolves the home directory from the flag value (may be empty) and the environment, and
// creates it with mode 0700 if missing.
StatusOr<std::string> ResolveHome(const std::string& flag_value);

// The database URL for a home: $CLEVER_DATABASE_URL when set (e.g. postgresql://...), else
// sqlite:<home>/clever.db.
std::string DatabaseUrl(const std::string& home);

// Opens the home's database and applies migrations.
StatusOr<std::unique_ptr<store::Database>> OpenHomeDatabase(const std::string& home);

// The merchant the CLI acts for: `--merchant NAME` (a hub merchant, `clever merchant list`), or
// the home's local account (id 0) when the flag is empty.
StatusOr<int64_t> ResolveMerchant(store::Database& db, const std::string& name);

// When the local account has no store but hub merchants in this home do ("clever demo"), the
// words that tell the user how to reach them; empty otherwise.
std::string OtherMerchantsHint(store::Database& db, int64_t merchant_id);

// True when CLEVER_ALLOW_PRIVATE_NETWORK=1 is set.
bool PrivateNetworkAllowedByEnv();

}  // namespace clever::cli
