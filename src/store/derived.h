// Tables derived from the synced orders and refunds, for the assistant to answer fast on big
// stores (schema migrations 2 and 3): customer_summary (one row per customer), customer_periods
// (per customer and month / year), daily_orders (per day, status and country), daily_products
// (per day and product), daily_coupons (per day and code), daily_payments (per day, status and
// payment method) and derived_state (what they were built from).
//
//   sync::SyncEngine::Run  -> store::RefreshDerived(db, store_id)   after every sync
//   query::LoadStoreFacts  -> store::ReadDerived(db, store_id)      is it usable?
//
// The first refresh builds everything with a few set-based statements. After that, triggers on
// orders, line items, coupon lines and refunds (schema migration 3) log the store-local days and
// the customer keys whose rows changed (derived_dirty_days / derived_dirty_customers), and a
// refresh recomputes only those days' rows and those customers' rows of the logged days' months
// (plus their summary and years), writing only rows whose values change, in one transaction,
// giving exactly what a full rebuild gives (tests/store/derived_incremental_test.cc). The tables
// are only trusted while the sync_state rows of orders and refunds are exactly as they were when
// they were built (DerivedMarker): any sync attempt, page or failure since then changes the marker
// and the assistant falls back to the orders themselves until the next refresh.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "store/database.h"

namespace clever::store {

// The customer key of metrics.md over an `orders o` row: the account id, else the guest's
// lower-cased trimmed e-mail, else the order itself.
inline constexpr const char* kOrderCustomerKeySql =
    "(CASE WHEN o.customer_id > 0 THEN 'c:' || CAST(o.customer_id AS TEXT) "
    "WHEN trim(o.billing_email) <> '' THEN 'e:' || lower(trim(o.billing_email)) "
    "ELSE 'o:' || CAST(o.id AS TEXT) END)";

// The payment method of metrics.md [M-PAYMENT-METHOD] over an `orders o` row.
inline constexpr const char* kOrderMethodKeySql =
    "(CASE WHEN trim(o.payment_method_title) <> '' THEN trim(o.payment_method_title) "
    "WHEN trim(o.payment_method) <> '' THEN trim(o.payment_method) ELSE '(none)' END)";

struct DerivedState {
  bool fresh = false;           // built, and nothing synced since
  std::string through;          // latest order date_created covered (store-local ISO text)
  std::string refunds_through;  // latest refund date_created covered
  int64_t build_ms = 0;
  // Every order's date_created starts with a well-formed YYYY-MM-DD, so a month or year of
  // customer_periods holds exactly the orders of that calendar month or year.
  bool periods_exact = false;
};

// How the last refresh went (for benchmarks and logs).
struct RefreshStats {
  bool full = false;      // rebuilt everything (first build, or too much changed)
  int64_t days = 0;       // days recomputed (incremental)
  int64_t customers = 0;  // customer keys recomputed (incremental)
  int64_t ms = 0;
  // Where an incremental refresh's time went (microseconds): the dirty days' daily_* rows, the
  // product_periods of their months and years, the changed customers' rows, and the rest (the
  // change log's reads and deletes, derived_state).
  int64_t days_us = 0, periods_us = 0, customers_us = 0;
  // Built by a BackgroundFullBuild, and its time on its own thread, beside the sync.
  bool beside = false;
  int64_t beside_ms = 0;
};

// sync_state of the orders and refunds categories, serialised.
StatusOr<std::string> DerivedMarker(Database& db, int64_t store_id);

// Brings the store's derived tables up to date with its orders and refunds (one transaction):
// only what the change log names, or everything when there is no earlier build, when more than
// a quarter of the customers changed, or when `force_full`.
Status RefreshDerived(Database& db, int64_t store_id, const std::string& now_iso = "",
                      RefreshStats* stats = nullptr, bool force_full = false);

// A full build made beside a first sync's writer (SQLite). Started once the sync has written the
// orders and refunds (the categories after them do not touch what the derived tables read), it
// reads them on its own thread and connection, in one read snapshot, into TEMP copies of the
// derived tables (the connection's own: the database's write lock stays with the writer, which
// goes on writing the other categories). Finish() then copies them into the store's tables in
// one short transaction, as soon as the build is Ready() and the writer between transactions. It
// saves the full refresh's GROUP BYs at the end of a first sync: about a quarter of its time on a
// store of 100,000 orders (docs/sync.md).
class BackgroundFullBuild {
 public:
  // nullptr when the database offers no second connection (in memory, PostgreSQL): the caller
  // then refreshes as before.
  static std::unique_ptr<BackgroundFullBuild> Start(Database& db, int64_t store_id);
  ~BackgroundFullBuild();  // waits for the build
  BackgroundFullBuild(const BackgroundFullBuild&) = delete;
  BackgroundFullBuild& operator=(const BackgroundFullBuild&) = delete;

  // Whether the build has ended (Finish will not wait).
  [[nodiscard]] bool Ready() const { return ready_.load(std::memory_order_acquire); }
  // Waits for the build; its error, if it failed.
  Status Wait();
  // Waits for the build, then writes it as RefreshDerived would have: the store's derived rows,
  // the change log emptied, derived_state. Call it while the writer's connection holds no
  // transaction. kFailedPrecondition, writing nothing, when the orders' or refunds' sync_state
  // rows are no longer those of the build's snapshot (DerivedMarker), or the build's error: the
  // caller then runs RefreshDerived. `stats->ms` is the build's and the copy's time,
  // `stats->beside_ms` the build's alone.
  Status Finish(const std::string& now_iso, RefreshStats* stats = nullptr);

 private:
  BackgroundFullBuild(std::unique_ptr<Database> db, int64_t store_id);
  Status Build();

  std::unique_ptr<Database> db_;  // the build's own connection, holding its TEMP tables
  int64_t store_id_;
  std::string marker_;  // DerivedMarker in the build's snapshot
  Status status_;
  int64_t build_ms_ = 0;
  std::atomic<bool> ready_{false};
  std::thread thread_;
};

StatusOr<DerivedState> ReadDerived(Database& db, int64_t store_id);

}  // namespace clever::store
