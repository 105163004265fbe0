// sync: from a store's REST API to a complete, current local copy (docs/sync.md).
//
//   sync::SyncEngine engine(db, api_factory, clock, {.full = false, .concurrency = 4});
//   CLEVER_RETURN_IF_ERROR(engine.Run(store_id, [](const sync::CategoryStatus& s) { ... }));
//
// Nine categories, each with its own state in sync_state (pending|syncing|ok|not_available|
// failed). Every page of rows is written in one transaction together with the category's cursor,
// so a sync killed at any moment resumes where it stopped and ends with the same data as an
// uninterrupted one. Run() fails only when a category failed; absent WooPayments routes make
// payouts/disputes `not_available` and the sync succeeds.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/database.h"
#include "store/derived.h"
#include "woo/api.h"
#include "woo/client.h"

namespace clever::sync {

inline constexpr const char* kCategories[] = {"customers", "orders",   "products",
                                              "coupons",   "refunds",  "payments",
                                              "payouts",   "disputes", "reports"};

struct CategoryStatus {
  std::string category, state;  // pending|syncing|ok|not_available|failed
  int64_t records_done = 0, records_total = 0;
  double rate_per_s = 0;
  int64_t eta_s = -1;
  std::string last_success_at, reason, hint;
};
using ProgressFn = std::function<void(const CategoryStatus&)>;

// The customer listing's period for scheduled runs (`clever sync --watch`, the hub): a store's
// whole customer list every hour instead of every 15 minutes (127 requests per 12,500
// customers); a profile edited without a listed order shows within the hour.
inline constexpr std::chrono::seconds kScheduledCustomerListing{3600};
// The reports' period for scheduled runs: WooCommerce computes each report (sales of the year,
// totals) from all the orders of its period on every request, and the assistant answers from the
// orders, not from them (they are kept to cross-check its figures, with their fetch time), so a
// scheduled run asks for them hourly instead of every 15 minutes.
inline constexpr std::chrono::seconds kScheduledReports{3600};

struct SyncOptions {
  bool full = false;    // ignore cursors: full pass for every category
  int concurrency = 4;  // max concurrent page fetches (one woo::Api per worker)
  int per_page = 100;
  // Incremental windows start this long before the last cursor (`modified_after` is exclusive
  // and second-granular; clocks drift).
  std::chrono::seconds overlap{600};
  // Full id-only reconciliation (deletions) at least this often; in between, a cheap count
  // comparison triggers it.
  std::chrono::seconds reconcile_every{std::chrono::hours(24)};
  // Customers have no date filter: between full passes a run fetches the new accounts and those
  // its orders name, and lists every customer's id and date_modified (the only way to see a
  // profile edited without a listed order) this often, or when the counts differ. 0 (every run):
  // a one-shot `clever sync` is exact; the schedulers use kScheduledCustomerListing.
  std::chrono::seconds customer_listing_every{0};
  // An incremental run reads the reports when they are at least this old (0: every run; the
  // schedulers use kScheduledReports). A run that leaves them keeps their last success time.
  std::chrono::seconds reports_every{0};
  // What the schedulers (`clever sync --watch`, the hub) run with.
  SyncOptions& ForScheduledRuns() {
    customer_listing_every = kScheduledCustomerListing;
    reports_every = kScheduledReports;
    return *this;
  }
  int max_attempts = 8;  // per request, retryable failures only
  std::chrono::milliseconds backoff_base{250};
  std::chrono::milliseconds backoff_cap{30000};
  // Sales report periods kept in report_sales.
  std::vector<std::string> report_periods{"week", "month", "last_month", "year"};
  // Only these categories ("" = all).
  std::vector<std::string> only;
  // Rebuild the assistant's derived tables (store::RefreshDerived) at the end of Run. Off only
  // for callers that run and time it themselves (bench/sync).
  bool refresh_derived = true;
  // When non-null, how the refresh went; its `ms` is the refresh's wall time in Run, commit
  // included (bench/sync splits a sync's time with it).
  store::RefreshStats* refresh_stats = nullptr;
};

class SyncEngine {
 public:
  SyncEngine(store::Database& db, woo::ApiFactory api, Clock& clock, SyncOptions options);
  // Syncs every category of `store_id` (connectors.id). `progress` may be empty.
  Status Run(int64_t store_id, const ProgressFn& progress);

 private:
  store::Database& db_;
  woo::ApiFactory api_;
  Clock& clock_;
  SyncOptions options_;
};

// Options for the woo::Api clients a sync runs on (connect::ServiceOptions::api_options): one
// attempt per Get. The sync's fetcher is the one retry layer (jittered backoff, Retry-After, and
// the adaptive concurrency limit, which has to see every failure); retrying inside the Api as
// well multiplied the attempts (4 x 8) and hid throttling from the limit.
woo::ApiOptions SyncApiOptions();

// The stored state of every category (pending when never synced).
StatusOr<std::vector<CategoryStatus>> ReadStatus(store::Database& db, int64_t store_id);

}  // namespace clever::sync
