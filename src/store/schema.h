// The schema of Clever's database, as ordered migrations (schema.cc holds the DDL and documents
// every table). Every table of store data has `store_id` (= connectors.id) leading its key.
// Money columns end in `_minor` (integer minor units); local WooCommerce dates are ISO text
// "YYYY-MM-DDTHH:MM:SS" in the store's time zone, `_gmt` columns in UTC; booleans are 0/1.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/database.h"

namespace clever::store {

// The schema version this build writes. Migrate() brings any older database up to it.
int CurrentSchemaVersion();

// Applies every migration not yet applied, each in its own transaction. Idempotent.
// kFailedPrecondition when the database is newer than this build.
Status Migrate(Database& db);

// The secondary indexes of the synced tables (orders, customers, their line items and coupon
// lines, refunds by date) that a first sync into EMPTY tables drops and builds again at its end:
// one sort per index instead of a random B-tree insert per row. Names as in the migrations.
const std::vector<std::string>& BulkLoadIndexes();

// Drops BulkLoadIndexes() in one transaction (SQLite only; PostgreSQL: nothing). The caller
// (sync::SyncEngine) does so only while the orders and customers tables are empty, and calls
// RestoreBulkLoadIndexes() at the end of that sync and at the start of every sync, so a sync
// killed in between gets them back on the next one. Queries stay correct without them.
Status DropBulkLoadIndexes(Database& db);

// Creates whichever of BulkLoadIndexes() is missing (the migrations' own DDL, `IF NOT EXISTS`),
// in one transaction. Idempotent; cheap when none is missing. Sets *created to the number built.
Status RestoreBulkLoadIndexes(Database& db, int* created = nullptr);

}  // namespace clever::store
