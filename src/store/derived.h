// Tables derived from the synced orders and refunds, for the assistant to answer fast on big
// stores (schema migration 2): customer_summary (one row per customer), daily_orders (per day,
// status and country) and derived_state (what they were built from).
//
//   sync::SyncEngine::Run  -> store::RefreshDerived(db, store_id)   after every sync
//   query::LoadStoreFacts  -> store::ReadDerived(db, store_id)      is it usable?
//
// A rebuild is a few set-based statements in one transaction (seconds at 1M orders). The tables
// are only trusted while the sync_state rows of orders and refunds are exactly as they were when
// they were built (DerivedMarker): any sync attempt, page or failure since then changes the marker
// and the assistant falls back to the orders themselves until the next rebuild.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/database.h"

namespace clever::store {

// The customer key of metrics.md over an `orders o` row: the account id, else the guest's
// lower-cased trimmed e-mail, else the order itself.
inline constexpr const char* kOrderCustomerKeySql =
    "(CASE WHEN o.customer_id > 0 THEN 'c:' || CAST(o.customer_id AS TEXT) "
    "WHEN trim(o.billing_email) <> '' THEN 'e:' || lower(trim(o.billing_email)) "
    "ELSE 'o:' || CAST(o.id AS TEXT) END)";

struct DerivedState {
  bool fresh = false;           // built, and nothing synced since
  std::string through;          // latest order date_created covered (store-local ISO text)
  std::string refunds_through;  // latest refund date_created covered
  int64_t build_ms = 0;
};

// sync_state of the orders and refunds categories, serialised.
StatusOr<std::string> DerivedMarker(Database& db, int64_t store_id);

// Rebuilds the store's derived tables from its orders and refunds (one transaction).
Status RefreshDerived(Database& db, int64_t store_id, const std::string& now_iso = "");

StatusOr<DerivedState> ReadDerived(Database& db, int64_t store_id);

}  // namespace clever::store
