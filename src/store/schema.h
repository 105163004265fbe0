// The schema of Clever's database, as ordered migrations (schema.cc holds the DDL and documents
// every table). Every table of store data has `store_id` (= connectors.id) leading its key.
// Money columns end in `_minor` (integer minor units); local WooCommerce dates are ISO text
// "YYYY-MM-DDTHH:MM:SS" in the store's time zone, `_gmt` columns in UTC; booleans are 0/1.
#pragma once

#include "common/status.h"
#include "store/database.h"

namespace clever::store {

// The schema version this build writes. Migrate() brings any older database up to it.
int CurrentSchemaVersion();

// Applies every migration not yet applied, each in its own transaction. Idempotent.
// kFailedPrecondition when the database is newer than this build.
Status Migrate(Database& db);

}  // namespace clever::store
