// TEST-ONLY: loads an evaluation dump folder (../shared/eval/sample_store/*.json, exact WooCommerce
// REST v3 shapes) into Clever's schema with straightforward INSERTs, mapping exactly the columns
// the sync writes (money to *_minor at the store's decimals, booleans to 0/1, store-local dates as
// sent, variations.manage_stock "parent" -> 2). It lets the assistant be tested and scored without
// running a sync. Production data only ever arrives through src/sync.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/database.h"

namespace clever::testing {

struct LoadedStore {
  int64_t store_id = 0;
  int64_t orders = 0;
};

// Creates a connector row named `connector_name` (enabled) plus store_info and sync_state rows
// (every category 'ok' with last_success_at = `synced_at`, payouts/disputes 'not_available' when
// the dump has no WooPayments), then inserts every record of the dump. The database must be
// migrated.
StatusOr<LoadedStore> LoadDumpFolder(store::Database& db, const std::string& folder,
                                     const std::string& connector_name,
                                     const std::string& synced_at = "2025-11-16T04:59:59Z");

}  // namespace clever::testing
