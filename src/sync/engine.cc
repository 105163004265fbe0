// The sync engine: per-category passes over the store's lists (see docs/sync.md for the design).
#include <malloc.h>  // malloc_trim

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_set>

#include "common/dates.h"
#include "net/http.h"
#include "store/derived.h"
#include "store/schema.h"
#include "sync/fetcher.h"
#include "sync/sync.h"
#include "sync/writer.h"
#include "woo/records.h"

namespace clever::sync {
namespace {

using store::Value;

// ---------------------------------------------------------------------------------- time helpers
std::string IsoUtc(std::chrono::system_clock::time_point t) {
  int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return LocalDateTime::FromEpochSecondsAsUtc(secs).ToString();
}

std::optional<int64_t> IsoToEpoch(const std::string& iso) {
  auto t = ParseLocalDateTime(iso);
  if (!t.ok()) return std::nullopt;
  return t->ToEpochSecondsAsUtc();
}

std::string EpochToIso(int64_t secs) {
  return LocalDateTime::FromEpochSecondsAsUtc(secs).ToString();
}

// "Fri, 27 Nov 2026 23:49:00 GMT" -> ISO UTC, or "".
std::string HttpDateToIso(const std::string& text) {
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  char mon[4] = {0};
  if (std::sscanf(text.c_str(), "%*3s, %d %3s %d %d:%d:%d", &day, mon, &year, &hh, &mm, &ss) != 6) {
    return "";
  }
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int m = 0; m < 12; ++m) {
    if (std::strncmp(mon, kMonths[m], 3) == 0 && IsValidDate(year, m + 1, day) && hh < 24 &&
        mm < 60 && ss < 61) {
      LocalDateTime t{{year, m + 1, day}, hh, mm, ss};
      return t.ToString();
    }
  }
  return "";
}

// ---------------------------------------------------------------------------------- cursor
// Opaque to everyone but sync/: "k=v;k=v". Values never contain ';' or '='.
struct Cursor {
  std::string mode;  // "" (never) | full | incr | done
  int64_t offset = 0;
  bool has_last = false;
  woo::RecordKey last;
  std::string since;       // incremental window start (UTC ISO) of the current pass
  std::string max_mod;     // largest modified/created date seen in the current pass
  std::string pass_start;  // server time when the current pass began
  std::string next_since;  // where the next incremental pass starts (set when done)
  int64_t reconciled = 0;  // unix seconds of the last full id reconciliation
  bool unordered = false;  // the store ignores `orderby`: plain offset paging (see Keyset)
  int64_t probed = 0;      // customers:listing: the highest id the new-accounts probe has seen

  static Cursor Parse(const std::string& text) {
    Cursor c;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ';')) {
      size_t eq = part.find('=');
      if (eq == std::string::npos) continue;
      std::string k = part.substr(0, eq);
      std::string v = part.substr(eq + 1);
      auto num = [&] {
        try {
          return static_cast<int64_t>(std::stoll(v));
        } catch (...) {
          return int64_t{0};
        }
      };
      if (k == "mode") c.mode = v;
      if (k == "offset") c.offset = std::max<int64_t>(0, num());
      if (k == "last_id") {
        c.has_last = true;
        c.last.id = num();
      }
      if (k == "last_mod") c.last.modified_gmt = v;
      if (k == "since") c.since = v;
      if (k == "max_mod") c.max_mod = v;
      if (k == "pass_start") c.pass_start = v;
      if (k == "next_since") c.next_since = v;
      if (k == "reconciled") c.reconciled = num();
      if (k == "unordered") c.unordered = num() != 0;
      if (k == "probed") c.probed = std::max<int64_t>(0, num());
    }
    return c;
  }
  [[nodiscard]] std::string Serialize() const {
    std::string s = "mode=" + mode + ";offset=" + std::to_string(offset);
    if (has_last) s += ";last_id=" + std::to_string(last.id) + ";last_mod=" + last.modified_gmt;
    s += ";since=" + since + ";max_mod=" + max_mod + ";pass_start=" + pass_start +
         ";next_since=" + next_since + ";reconciled=" + std::to_string(reconciled) +
         ";unordered=" + (unordered ? "1" : "0");
    if (probed > 0) s += ";probed=" + std::to_string(probed);
    return s;
  }
};

struct StateRow {
  std::string state;
  Cursor cursor;
  int64_t records_done = 0, records_total = 0;
  std::string last_success_at;
};

constexpr const char* kUnorderedList = "the store ignored `orderby`";
constexpr const char* kReportTotals[] = {"orders", "products", "customers", "coupons"};

// ---------------------------------------------------------------------------------- outcome
struct Outcome {
  bool not_available = false;
  std::string note;   // merchant-facing remark kept in error_reason on success (e.g. skipped rows)
  bool kept = false;  // not due in this run: rows and last success time stay as they were
};

std::string HintFor(const Status& s) {
  // Both are kFailedPrecondition, told apart by their markers (net/http.h); the same advice as
  // `clever connector add` gives (connect's store check).
  if (net::IsBlockedAddress(s)) {
    return "The store's address is on a private or local network, which Clever does not connect "
           "to by default. For a store on your own network, run with --allow-private-network "
           "(or set CLEVER_ALLOW_PRIVATE_NETWORK=1).";
  }
  if (net::IsTlsError(s)) {
    return "The store's HTTPS certificate could not be verified: fix it (expired, self-signed, "
           "wrong name or a missing intermediate certificate), or for a private certificate "
           "authority re-add the connector with --ca-file. Clever never turns verification off.";
  }
  switch (s.code()) {
    case StatusCode::kUnauthenticated:
      return "Check the store's API key with `clever connector test NAME`; create a new Read key "
             "in WooCommerce > Settings > Advanced > REST API if it was revoked.";
    case StatusCode::kPermissionDenied:
      return "The key's WordPress user needs the Shop Manager or Administrator role.";
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
      return "The store was busy or unreachable; Clever tries again at the next sync. If it "
             "persists, ask your host whether requests are being rate-limited.";
    case StatusCode::kDataLoss:
      return "The store sent data Clever could not read (often a PHP error printed into the "
             "answer); check the store's PHP error log.";
    case StatusCode::kNotFound:
      return "Check that WooCommerce is active and the store URL is right.";
    default:
      return "Run `clever sync` again; if it keeps failing, report this message.";
  }
}

// ---------------------------------------------------------------------------------- the run
class Run {
 public:
  Run(store::Database& db, Fetcher& fetcher, Clock& clock, const SyncOptions& options,
      int64_t store_id, const ProgressFn& progress)
      : db_(db),
        fetcher_(fetcher),
        clock_(clock),
        options_(options),
        store_(store_id),
        progress_(progress) {}
  ~Run() { checkpointed_(); }

  // `refresh` rebuilds the derived tables (store::RefreshDerived). An incremental run calls it
  // as soon as the orders and refunds (all the tables derive from) are written, with the other
  // categories' GETs queued, so the refresh's CPU overlaps their round trips.
  void SetRefresh(std::function<void()> refresh) { refresh_ = std::move(refresh); }
  // `start` starts the derived tables' full build beside the writer
  // (store::BackgroundFullBuild). A run that is not incremental calls it as soon as the orders and
  // refunds are written, so that the build's CPU overlaps the other categories' load.
  void SetFullBuild(std::function<void()> start) { start_full_build_ = std::move(start); }
  // Called after the passes' commits, with no transaction open: where that build, once ready, is
  // copied in, so that the copy too overlaps the rest of the load.
  void SetAfterCommit(std::function<void()> after_commit) {
    after_commit_ = std::move(after_commit);
  }
  Status Execute();

 private:
  // ---- state
  StatusOr<StateRow> ReadState(const std::string& category) {
    CLEVER_ASSIGN_OR_RETURN(
        store::ResultSet rs,
        db_.Query("SELECT state, cursor, records_done, records_total, last_success_at FROM "
                  "sync_state WHERE store_id = ? AND category = ?",
                  {Value{store_}, Value{category}}));
    StateRow row;
    if (!rs.rows.empty()) {
      row.state = store::AsString(rs.rows[0][0]);
      row.cursor = Cursor::Parse(store::AsString(rs.rows[0][1]));
      row.records_done = store::AsInt(rs.rows[0][2]);
      row.records_total = store::AsInt(rs.rows[0][3]);
      row.last_success_at = store::AsString(rs.rows[0][4]);
    }
    return row;
  }
  Status EnsureStateRow(const std::string& category) {
    return db_
        .Execute("INSERT INTO sync_state (store_id, category) VALUES (?, ?) ON CONFLICT DO NOTHING",
                 {Value{store_}, Value{category}})
        .status();
  }
  Status SaveCursor(const std::string& category, const Cursor& c, int64_t done, int64_t total) {
    return db_
        .Execute(
            "UPDATE sync_state SET cursor = ?, records_done = ?, records_total = ? WHERE store_id "
            "= ? AND category = ?",
            {Value{c.Serialize()}, Value{done}, Value{total}, Value{store_}, Value{category}})
        .status();
  }
  Status SetState(const std::string& category, const std::string& state, const std::string& reason,
                  const std::string& hint, bool success) {
    std::string now = IsoUtc(clock_.Now());
    if (success) {
      return db_
          .Execute(
              "UPDATE sync_state SET state = ?, error_reason = ?, error_hint = ?, "
              "last_success_at = ?, last_attempt_at = ? WHERE store_id = ? AND category = ?",
              {Value{state}, Value{reason}, Value{hint}, Value{now}, Value{now}, Value{store_},
               Value{category}})
          .status();
    }
    return db_
        .Execute(
            "UPDATE sync_state SET state = ?, error_reason = ?, error_hint = ?, last_attempt_at = "
            "? WHERE store_id = ? AND category = ?",
            {Value{state}, Value{reason}, Value{hint}, Value{now}, Value{store_}, Value{category}})
        .status();
  }

  int64_t LocalCount(const std::string& family) {
    auto rs = db_.Query("SELECT count(*) FROM " + family + " WHERE store_id = ?", {Value{store_}});
    return rs.ok() && !rs->rows.empty() ? store::AsInt(rs->rows[0][0]) : -1;
  }

  // ---- progress
  struct Progress {
    std::string category;
    int64_t done = 0, total = 0;
    int64_t done_at_start = 0;
    std::chrono::steady_clock::time_point started;
  };
  void Report(const Progress& p, const std::string& state) {
    if (!progress_) return;
    CategoryStatus s;
    s.category = p.category;
    s.state = state;
    s.records_done = p.done;
    s.records_total = std::max(p.total, p.done);
    double secs = std::chrono::duration<double>(clock_.Monotonic() - p.started).count();
    int64_t moved = p.done - p.done_at_start;
    if (secs > 0.001 && moved > 0) {
      s.rate_per_s = static_cast<double>(moved) / secs;
      s.eta_s = static_cast<int64_t>(std::ceil(
          static_cast<double>(std::max<int64_t>(0, s.records_total - p.done)) / s.rate_per_s));
    }
    progress_(s);
  }

  // ---- generic keyset pass (see docs/sync.md, "Paging while the store changes")
  template <typename T>
  struct ListSpec {
    std::string category;  // sync_state row the cursor lives in
    std::string route;
    woo::Params filters;  // _fields, orderby, order, filters; page params are added here
    bool by_modified = false;
    std::function<StatusOr<woo::Page<T>>(std::string_view)> parse;
    std::function<woo::RecordKey(const T&)> key;
    std::function<std::string(const T&)> tracked_date;  // feeds Cursor::max_mod
    std::function<Status(std::vector<T>&)> write;
    std::vector<int64_t>* seen = nullptr;  // ids of every entry listed (when non-null)
  };

  template <typename T>
  Status Keyset(const ListSpec<T>& spec, Cursor& cur, Progress& prog);
  // Group commit for Keyset: consecutive pages (rows + cursor each) share one transaction, up to
  // kPagesPerCommit pages or kCommitEvery, so SQLite writes each index page once per batch
  // instead of once per page (the WAL traffic was the largest cost of a full sync). A batch holds
  // whole pages only: a failed fetch or check commits it; only a failed write rolls it back.
  struct Batch {
    bool open = false;
    int pages = 0;
    std::chrono::steady_clock::time_point started;
  };
  static constexpr int kPagesPerCommit = 50;
  static constexpr std::chrono::milliseconds kCommitEvery{1000};
  static constexpr size_t kWindowPerWorker = 6;  // pages ahead of the writer per fetch worker
  template <typename T>
  Status KeysetPages(const ListSpec<T>& spec, Cursor& cur, Progress& prog, Batch& batch,
                     bool& write_failed);
  // Keyset, falling back to plain offset paging when the store ignores `orderby` (a page whose
  // keys are not increasing): still complete for a store at rest, deduplicated by the upserts,
  // but no longer safe against concurrent deletions (noted in the category's status).
  template <typename T>
  Status Pass(const ListSpec<T>& spec, Cursor& cur, Progress& prog) {
    Status s = Keyset(spec, cur, prog);
    if (s.ok() || cur.unordered || s.message() != kUnorderedList) return s;
    cur.unordered = true;
    cur.offset = 0;
    cur.has_last = false;
    cur.last = {};
    if (spec.seen != nullptr) spec.seen->clear();
    prog.done = 0;
    unordered_note_ = "the store ignores the sort order Clever asks for (" + spec.route +
                      "); records changed during a sync may be missed until the next one";
    return Keyset(spec, cur, prog);
  }

  // ---- prefetch (incremental runs; docs/sync.md "Incremental runs: what overlaps")
  // GETs whose route and parameters are known once the store is discovered (the small
  // categories: product categories, variations per parent, gateways, the ledger's first page,
  // payouts, disputes, reports) are queued at once, so their round trips overlap the customers'
  // and orders' passes instead of following them one by one. A category that later asks for the
  // same GET (same route, same parameters in the same order) takes the prefetched answer;
  // anything else goes to the fetcher as before. Nothing is written early: the rows are still
  // written by their category, in the same order and transactions.
  struct Prefetched {
    std::shared_future<Status> done;
    std::shared_ptr<woo::Response> response;
  };
  static std::string FetchKey(const std::string& route, const woo::Params& params) {
    std::string key = route;
    for (const auto& [k, v] : params) key += "\x1f" + k + "=" + v;
    return key;
  }
  // `background`: behind every GET a pass asks for (Fetcher::Submit); else in their queue.
  void Prefetch(const std::string& route, const woo::Params& params, bool background = true) {
    std::string key = FetchKey(route, params);
    if (prefetched_.count(key) != 0) return;
    auto response = std::make_shared<woo::Response>();
    std::shared_future<Status> done = fetcher_.Submit(
        route, params,
        [response](const woo::Response& r) -> Status {
          *response = r;
          return OkStatus();
        },
        background);
    prefetched_.emplace(std::move(key), Prefetched{std::move(done), std::move(response)});
  }
  // Every GET of a category goes through here: the prefetched answer when there is one (its
  // `consume` then runs on this thread; a body it cannot read (kDataLoss: truncated, an HTML
  // page) is asked for again through the fetcher, with its retries, as if read there), else the
  // fetcher.
  std::future<Status> Submit(std::string route, woo::Params params,
                             std::function<Status(const woo::Response&)> consume) {
    auto it = prefetched_.find(FetchKey(route, params));
    if (it == prefetched_.end()) {
      return fetcher_.Submit(std::move(route), std::move(params), std::move(consume));
    }
    auto entry = std::make_shared<Prefetched>(std::move(it->second));
    prefetched_.erase(it);
    return std::async(std::launch::deferred,
                      [this, entry, route = std::move(route), params = std::move(params),
                       consume = std::move(consume)]() -> Status {
                        CLEVER_RETURN_IF_ERROR(entry->done.get());
                        Status consumed = consume(*entry->response);
                        if (consumed.code() != StatusCode::kDataLoss) return consumed;
                        return fetcher_.Get(route, params, consume);
                      });
  }
  void PrefetchIncremental();
  void PrefetchBeforeDiscovery();
  void PrefetchLedger();
  void QueueTail();
  // Per-parent variation lists (stores without /variations): the start of the window of parents
  // to list (their stored date_modified_gmt), or "" when every variable parent is due.
  static constexpr const char* kVariationLists = "products:variation_lists";
  // When the light customers pass last listed every id (CustomersLight), in cursor.reconciled.
  static constexpr const char* kCustomerListing = "customers:listing";
  static constexpr int kNewCustomerPages = 10;
  // `products_incremental`: the products pass lists only changed products (after a pass that
  // listed every product, every parent is due too).
  std::string VariationListsSince(const Cursor& lists, bool products_incremental) {
    if (!products_incremental || options_.full || !routes_.supports_modified_after ||
        lists.mode != "done" || lists.next_since.empty() ||
        clock_.NowUnixSeconds() - lists.reconciled >= options_.reconcile_every.count()) {
      return "";
    }
    return SinceFor(lists);
  }
  bool last_pass_incremental_ = false;  // the last CrudCategory pass was windowed
  static woo::Params VariationListParams() {
    return {{"_fields", woo::kVariationFields},
            {"per_page", "100"},
            {"orderby", "id"},
            {"order", "asc"}};
  }
  static woo::Params CategoryPageParams(int page) {
    return {{"_fields", woo::kCategoryFields},
            {"per_page", "100"},
            {"page", std::to_string(page)},
            {"orderby", "id"},
            {"order", "asc"}};
  }
  static constexpr int kWrapperPageSize = 100;
  static woo::Params WrapperPageParams(woo::Params params, int page, int page_size) {
    params.emplace_back("page", std::to_string(page));
    params.emplace_back("pagesize", std::to_string(page_size));
    return params;
  }
  // The ledger's window (`date_after`) of the next pass, "" on a first pass.
  std::string LedgerAfter(const Cursor& cur) const {
    if (cur.next_since.empty()) return "";
    auto e = IsoToEpoch(cur.next_since);
    if (!e) return "";
    std::string after = EpochToIso(*e - 86400);
    after[10] = ' ';
    return after;
  }
  // The ledger pass's list parameters (oldest first, from `after` when there is a window).
  static woo::Params LedgerParams(const std::string& after) {
    woo::Params params = SortedBy("date", "asc");
    if (!after.empty()) params.emplace_back("date_after", after);
    return params;
  }

  // A single GET whose body goes through `parse` on the worker.
  template <typename R>
  StatusOr<R> GetOne(const std::string& route, const woo::Params& params,
                     std::function<StatusOr<R>(std::string_view)> parse,
                     std::string* date_header = nullptr, int64_t* total = nullptr) {
    auto out = std::make_shared<std::optional<R>>();
    auto date = std::make_shared<std::string>();
    auto tot = std::make_shared<int64_t>(-1);
    Status s = Submit(route, params, [&, out, date, tot](const woo::Response& r) -> Status {
                 StatusOr<R> v = parse(r.body);
                 if (!v.ok()) return v.status();
                 *out = std::move(v).value();
                 auto it = r.headers.find("date");
                 if (it != r.headers.end()) *date = it->second;
                 *tot = r.total;
                 return OkStatus();
               }).get();
    if (!s.ok()) return s;
    if (date_header != nullptr) *date_header = *date;
    if (total != nullptr) *total = *tot;
    return std::move(**out);
  }

  // A listing of `fields` (ids, maybe dates) in id order, through the chain-checked paging; the
  // caller sets `write` (and `seen`).
  static ListSpec<woo::RecordKey> IdListing(const std::string& route, woo::Params filters,
                                            const char* fields) {
    ListSpec<woo::RecordKey> ids;
    ids.route = route;
    ids.filters = std::move(filters);
    ids.filters.emplace_back("_fields", fields);
    ids.filters.emplace_back("orderby", "id");
    ids.filters.emplace_back("order", "asc");
    ids.parse = [](std::string_view body) -> StatusOr<woo::Page<woo::RecordKey>> {
      CLEVER_ASSIGN_OR_RETURN(auto keys, woo::ParseKeys(body));
      woo::Page<woo::RecordKey> page;
      page.keys = keys;
      page.records = std::move(keys);
      return page;
    };
    ids.key = [](const woo::RecordKey& k) { return woo::RecordKey{"", k.id}; };
    return ids;
  }

  // A finished pass's outcome: its note says when records were skipped or the store ignored the
  // sort order.
  Outcome PassOutcome() const {
    Outcome out;
    out.note = unordered_note_;
    if (!skipped_notes_.empty()) {
      out.note = std::to_string(skipped_notes_.size()) +
                 " record(s) could not be read and were skipped, e.g. " + skipped_notes_.front();
    }
    return out;
  }

  // Remote X-WP-Total of a list (one id-only row).
  static woo::Params CountParams(woo::Params filters) {
    filters.emplace_back("_fields", woo::kIdFields);
    filters.emplace_back("per_page", "1");
    return filters;
  }
  StatusOr<int64_t> RemoteCount(const std::string& route, const woo::Params& filters) {
    int64_t total = -1;
    CLEVER_ASSIGN_OR_RETURN(
        auto keys, GetOne<std::vector<woo::RecordKey>>(route, CountParams(filters), &woo::ParseKeys,
                                                       nullptr, &total));
    if (total < 0) return DataLossError("the store did not send X-WP-Total for " + route);
    (void)keys;
    return total;
  }
  // The store's count for the deletion check after a pass (CrudCategory, CustomersLight). A
  // count prefetched before the pass stands when it equals `local`: `local` minus it is the
  // entries created since it was taken (read by the pass) plus the deletions made before it, and
  // neither is negative, so equal means there is no deletion to find (one made after it shows in
  // the next run). Otherwise it is asked again after the pass, as when nothing was prefetched.
  StatusOr<int64_t> CountAfterPass(const std::string& route, const woo::Params& filters,
                                   int64_t local) {
    const bool early = prefetched_.count(FetchKey(route, CountParams(filters))) != 0;
    CLEVER_ASSIGN_OR_RETURN(int64_t count, RemoteCount(route, filters));
    if (early && count != local) return RemoteCount(route, filters);
    return count;
  }

  // ---- categories
  StatusOr<Outcome> Discover();
  template <typename T>
  StatusOr<Outcome> CrudCategory(const std::string& family, ListSpec<T> spec,
                                 const std::string& route_for_count,
                                 const woo::Params& count_filters, bool incremental_ok);
  StatusOr<Outcome> Customers();
  StatusOr<Outcome> CustomersLight(const ListSpec<woo::CustomerRecord>& spec,
                                   const StateRow& state);
  StatusOr<std::optional<std::vector<int64_t>>> NewCustomerIds(const std::string& route);
  // Whether this run's customers pass is the light one (between two full passes) and will not
  // list every id: then its probe, count and `include=` batches can be asked for ahead.
  bool CustomersLightWithoutListing();
  bool LightCustomersPass(const StateRow& customers) const {
    return !options_.full && customers.cursor.mode == "done" &&
           clock_.NowUnixSeconds() - customers.cursor.reconciled < options_.reconcile_every.count();
  }
  // (0 means every run, also when the clock has stepped back since the last listing.)
  bool CustomerListingDue(const StateRow& listing) const {
    return options_.customer_listing_every.count() <= 0 ||
           clock_.NowUnixSeconds() - listing.cursor.reconciled >=
               options_.customer_listing_every.count();
  }
  std::vector<int64_t> LightCustomerIds(const std::vector<int64_t>& fresh) const {
    std::set<int64_t> wanted(fresh.begin(), fresh.end());
    wanted.insert(order_customers_.begin(), order_customers_.end());
    return {wanted.begin(), wanted.end()};
  }
  static woo::Params NewCustomerProbeParams(int page) {
    return {{"role", "all"},   {"_fields", woo::kIdFields}, {"orderby", "id"},
            {"order", "desc"}, {"per_page", "100"},         {"offset", std::to_string(page * 100)}};
  }
  // The `include=` request of ids[start, start + 100).
  static woo::Params CustomerBatchParams(const std::vector<int64_t>& ids, size_t start) {
    std::string include;
    for (size_t j = start; j < std::min(ids.size(), start + 100); ++j) {
      include += (include.empty() ? "" : ",") + std::to_string(ids[j]);
    }
    return {{"role", "all"},
            {"_fields", woo::kCustomerFields},
            {"include", include},
            {"per_page", "100"}};
  }
  Status FetchCustomers(const ListSpec<woo::CustomerRecord>& spec, const std::vector<int64_t>& ids);
  Status NoteOrderCustomers(const std::vector<woo::OrderRecord>& rows);
  StatusOr<Outcome> Orders();
  StatusOr<Outcome> Products();
  StatusOr<Outcome> Coupons();
  StatusOr<Outcome> Refunds();
  StatusOr<Outcome> Payments();
  StatusOr<Outcome> Payouts();
  StatusOr<Outcome> Disputes();
  StatusOr<Outcome> Reports();
  bool ReportsDue();
  StatusOr<Outcome> RefundsPerOrder(const Cursor& orders_cursor);
  // Pages of a WooPayments wrapper list ({data, total_count}; page/pagesize), in order; each
  // page's records go to `sink` (which writes them in one transaction). `enough` (when set) ends
  // the list early, asked after each page's sink; then at most `expected_pages` pages (counted
  // from page 1) are asked for ahead of the one being consumed.
  template <typename T>
  Status WrapperList(const std::string& route, woo::Params params,
                     StatusOr<woo::Page<T>> (*parse)(std::string_view, int64_t*), Progress& prog,
                     int64_t* skipped, int first_page,
                     const std::function<Status(std::vector<T>&)>& sink,
                     const std::function<bool()>& enough = nullptr, int expected_pages = 1);
  StatusOr<int> LedgerFirstPage(const woo::Params& params, const std::string& after);
  // A WooPayments list Clever keeps whole (payouts, disputes): no entry is ever deleted by the
  // store, and an entry stops changing once its status is final.
  template <typename T>
  struct SettlingList {
    std::string category, route, sort, table, key_column;
    std::string time_column;  // the stored column the list sorts by
    bool time_in_ms = false;  // time_column: unix milliseconds (else UTC "YYYY-MM-DD HH:MM:SS")
    std::vector<std::string> final_statuses;
    StatusOr<woo::Page<T>> (*parse)(std::string_view, int64_t*);
    Status (*write)(store::Database&, int64_t, const std::vector<T>&);
    std::string (*key)(const T&);
    std::optional<int64_t> (*time)(const T&);  // unix seconds of the sort value
  };
  template <typename T>
  StatusOr<Outcome> SettlingListPass(const SettlingList<T>& list);
  // Where a windowed pass of `list` may stop (`before`, unix seconds: once a page reaches an
  // entry sorted before it) and how many pages that should take (the stored entries from there
  // on, + 1 page); nothing when the whole list is due (see SettlingListPass).
  struct Horizon {
    int64_t before = 0;
    int pages = 1;
  };
  template <typename T>
  StatusOr<std::optional<Horizon>> SettlingHorizon(const SettlingList<T>& list);
  // A WooPayments list's order: `direction` is "asc" (oldest first) or "desc".
  static woo::Params SortedBy(const std::string& sort, const char* direction) {
    return {{"sort", sort}, {"direction", direction}};
  }
  static SettlingList<woo::PayoutRecord> PayoutList();
  static SettlingList<woo::DisputeRecord> DisputeList();
  Status Category(const std::string& name, const std::function<StatusOr<Outcome>()>& body);
  [[nodiscard]] bool Wanted(const std::string& name) const {
    return options_.only.empty() ||
           std::find(options_.only.begin(), options_.only.end(), name) != options_.only.end();
  }

  // A CrudCategory pass's list parameters: the category's own, then the window (incremental:
  // `since` non-empty) and the order; KeysetPages adds per_page and offset (PageParams).
  static woo::Params PassFilters(woo::Params filters, const std::string& since, bool by_modified) {
    if (!since.empty()) {
      filters.emplace_back("modified_after", since);
      filters.emplace_back("dates_are_gmt", "true");
      filters.emplace_back("orderby", by_modified ? "modified" : "id");
    } else {
      filters.emplace_back("orderby", "id");
    }
    filters.emplace_back("order", "asc");
    return filters;
  }
  woo::Params PageParams(woo::Params filters, int64_t offset) const {
    filters.emplace_back("per_page", std::to_string(std::clamp(options_.per_page, 2, 100)));
    filters.emplace_back("offset", std::to_string(offset));
    return filters;
  }
  // Queues the first page of `category`'s next incremental pass (CrudCategory), when it will be
  // one (its cursor is done and the store filters by modified date), and with `count` the count
  // it compares after the pass when no id listing is due by time (CountAfterPass: asked again
  // when it differs).
  void PrefetchFirstIncrementalPage(const std::string& category, const std::string& route,
                                    const woo::Params& filters, bool by_modified, bool count) {
    if (!Wanted(category) || !routes_.supports_modified_after) return;
    auto state = ReadState(category);
    if (!state.ok() || state->cursor.mode != "done") return;
    const std::string since = SinceFor(state->cursor);
    if (since.empty()) return;
    // The count first: an entry created between the two then makes the local count exceed it,
    // which costs a second count (CountAfterPass); the other way round the store's count would
    // exceed the local one, which looks like an entry the pass missed and costs an id listing.
    if (count &&
        clock_.NowUnixSeconds() - state->cursor.reconciled < options_.reconcile_every.count()) {
      Prefetch(route, CountParams({}));
    }
    Prefetch(route, PageParams(PassFilters(filters, since, by_modified), 0));
  }
  std::string SinceFor(const Cursor& c) {
    std::string base = c.next_since;
    auto e = IsoToEpoch(base);
    if (!e) return "";
    return EpochToIso(*e - options_.overlap.count());
  }

  store::Database& db_;
  Fetcher& fetcher_;
  Clock& clock_;
  const SyncOptions& options_;
  int64_t store_;
  const ProgressFn& progress_;
  woo::RouteIndex routes_;
  int decimals_ = 2;
  std::vector<std::string> failures_;
  std::vector<int64_t> touched_orders_;  // orders written in this run (refund fallback)
  std::set<int64_t> order_customers_;    // accounts of the orders this run found changed
  // NewCustomerIds' answer (asked once per run: ahead of the refresh, then by the pass) and the
  // highest id it has seen.
  std::optional<std::optional<std::vector<int64_t>>> new_customers_;
  int64_t probed_through_ = 0;
  bool incremental_ = false;                // the orders were complete before this run
  std::vector<std::string> skipped_notes_;  // records that could not be read, this category
  Status first_failure_;
  std::string unordered_note_;
  std::map<std::string, Prefetched> prefetched_;
  std::function<void()> refresh_;
  std::function<void()> start_full_build_;
  std::function<void()> after_commit_;
  std::function<void()> checkpointed_ = [] {};  // waits for the background checkpoint
};

template <typename T>
Status Run::Keyset(const ListSpec<T>& spec, Cursor& cur, Progress& prog) {
  Batch batch;
  bool write_failed = false;
  Status s = KeysetPages(spec, cur, prog, batch, write_failed);
  if (batch.open) {
    if (write_failed) {
      (void)db_.Rollback();
    } else {
      Status committed = db_.Commit();
      if (s.ok()) s = committed;
    }
  }
  return s;
}

template <typename T>
Status Run::KeysetPages(const ListSpec<T>& spec, Cursor& cur, Progress& prog, Batch& batch,
                        bool& write_failed) {
  struct Result {
    woo::Page<T> page;
    int64_t total = -1;
    std::string date;
  };
  struct Slot {
    int64_t offset;
    std::future<Status> done;
    std::shared_ptr<Result> res;
  };
  const int64_t per_page = std::clamp(options_.per_page, 2, 100);
  const bool unordered = cur.unordered;
  const int64_t step = unordered ? per_page : per_page - 1;  // one entry of overlap: chain check
  // Pages fetched ahead of the writer: enough that the fetch workers keep going while the writer
  // commits or checkpoints (a WAL checkpoint takes it away for up to a second).
  const size_t max_window = static_cast<size_t>(fetcher_.concurrency()) * kWindowPerWorker;
  std::deque<Slot> window;
  int64_t known_total = -1;
  int64_t next_submit = cur.offset;
  int shifts = 0;

  auto submit = [&](int64_t offset) {
    woo::Params params = PageParams(spec.filters, offset);
    auto res = std::make_shared<Result>();
    auto parse = spec.parse;
    std::future<Status> f =
        Submit(spec.route, std::move(params), [res, parse](const woo::Response& r) {
          StatusOr<woo::Page<T>> page = parse(r.body);
          if (!page.ok()) return page.status();
          res->page = std::move(page).value();
          res->total = r.total;
          auto it = r.headers.find("date");
          if (it != r.headers.end()) res->date = it->second;
          return OkStatus();
        });
    window.push_back({offset, std::move(f), res});
  };

  for (;;) {
    if (window.empty()) {
      next_submit = cur.offset;
      submit(next_submit);
      next_submit += step;
    }
    while (window.size() < max_window && known_total >= 0 && next_submit < known_total) {
      submit(next_submit);
      next_submit += step;
    }
    Slot slot = std::move(window.front());
    window.pop_front();
    CLEVER_RETURN_IF_ERROR(slot.done.get().WithContext("fetching " + spec.route));
    Result& r = *slot.res;
    if (r.total >= 0) known_total = std::max(known_total, r.total);
    if (cur.pass_start.empty()) {
      std::string server = HttpDateToIso(r.date);
      cur.pass_start = server.empty() ? IsoUtc(clock_.Now()) : server;
    }
    std::vector<woo::RecordKey> keys = r.page.keys;
    for (auto& k : keys) {
      if (k.id <= 0)
        return DataLossError("the store listed an entry without an id in " + spec.route);
      if (!spec.by_modified) k.modified_gmt.clear();
    }
    const int64_t n = static_cast<int64_t>(keys.size());
    if (!unordered) {
      for (int64_t i = 1; i < n; ++i) {
        if (!(keys[static_cast<size_t>(i)] > keys[static_cast<size_t>(i - 1)])) {
          return FailedPreconditionError(kUnorderedList);
        }
      }
    }
    // Chain check: a page at offset > 0 must start at or before the last entry already taken,
    // else entries before it were deleted (or moved) and the rows shifted: step back.
    if (!unordered && slot.offset > 0 && cur.has_last && (n == 0 || keys.front() > cur.last)) {
      window.clear();
      if (++shifts > 10000) return InternalError("the store's list kept shifting under paging");
      next_submit = std::max<int64_t>(0, slot.offset - per_page);
      cur.offset = next_submit;
      continue;
    }
    if (!unordered && n == per_page && cur.has_last && !(keys.back() > cur.last)) {
      return FailedPreconditionError("the store ignored the `offset` parameter of " + spec.route +
                                     "; Clever cannot page it safely");
    }
    std::vector<T> fresh;
    fresh.reserve(r.page.records.size());
    for (auto& rec : r.page.records) {
      woo::RecordKey k = spec.key(rec);
      if (!spec.by_modified) k.modified_gmt.clear();
      if (!unordered && cur.has_last && !(k > cur.last)) continue;
      std::string d = spec.tracked_date ? spec.tracked_date(rec) : std::string();
      if (d > cur.max_mod) cur.max_mod = d;
      fresh.push_back(std::move(rec));
    }
    if (spec.seen != nullptr) {
      for (const auto& k : keys) {
        if (unordered || !cur.has_last || k > cur.last) spec.seen->push_back(k.id);
      }
    }
    if (!unordered && n > 0 && (!cur.has_last || keys.back() > cur.last)) {
      cur.last = keys.back();
      cur.has_last = true;
    }
    cur.offset = unordered ? slot.offset + n : slot.offset + std::max<int64_t>(0, n - 1);
    prog.done += static_cast<int64_t>(fresh.size());
    if (known_total >= 0) prog.total = std::max(prog.total, known_total);
    for (const auto& issue : r.page.skipped) {
      skipped_notes_.push_back(spec.route + " id " + std::to_string(issue.id) + ": " +
                               issue.message);
    }
    // The pages after this one go out before this one is written (the first page is the first
    // to tell the list's total).
    if (n == per_page && (window.empty() || window.front().offset == cur.offset)) {
      if (window.empty()) next_submit = cur.offset;
      while (window.size() < max_window && known_total >= 0 && next_submit < known_total) {
        submit(next_submit);
        next_submit += step;
      }
    }
    if (!batch.open) {
      CLEVER_RETURN_IF_ERROR(db_.Begin());
      batch = Batch{true, 0, clock_.Monotonic()};
    }
    Status written = spec.write(fresh);
    if (written.ok()) written = SaveCursor(spec.category, cur, prog.done, prog.total);
    if (!written.ok()) {
      write_failed = true;
      return written;
    }
    if (++batch.pages >= kPagesPerCommit || clock_.Monotonic() - batch.started >= kCommitEvery) {
      Status committed = db_.Commit();
      if (!committed.ok()) {
        write_failed = true;  // the transaction is still open: rolled back by Keyset
        return committed;
      }
      batch.open = false;
      if (after_commit_) after_commit_();
    }
    Report(prog, "syncing");
    if (n < per_page) return OkStatus();
    if (unordered && known_total >= 0 && cur.offset >= known_total) return OkStatus();
    if (unordered && cur.offset > 100'000'000) {
      return FailedPreconditionError("the store's list of " + spec.route + " does not end");
    }
    if (!window.empty() && window.front().offset != cur.offset) {
      window.clear();
      next_submit = cur.offset;
    }
  }
}

StatusOr<Outcome> Run::Discover() {
  // The three discovery GETs at once (taken in order below), and with them the first GETs of
  // an incremental run's orders and customers passes.
  Prefetch("wc/v3", {});
  Prefetch("wc/v3/settings/general", {{"_fields", "id,value"}});
  if (incremental_) PrefetchBeforeDiscovery();
  CLEVER_ASSIGN_OR_RETURN(
      woo::SiteIndex site,
      GetOne<woo::SiteIndex>("",
                             {{"_fields", "name,url,home,gmt_offset,timezone_string,namespaces"}},
                             &woo::ParseSiteIndex));
  // The namespace index (small); where a host blocks it, the site index's route list.
  auto routes = GetOne<woo::RouteIndex>("wc/v3", {}, &woo::ParseRouteIndex);
  if (!routes.ok() && (routes.status().code() == StatusCode::kNotFound ||
                       routes.status().code() == StatusCode::kDataLoss)) {
    routes = GetOne<woo::RouteIndex>("", {{"_fields", "routes"}}, &woo::ParseRouteIndex);
  }
  if (!routes.ok()) return routes.status();
  routes_ = *routes;
  woo::GeneralSettings settings;
  auto general = GetOne<woo::GeneralSettings>("wc/v3/settings/general", {{"_fields", "id,value"}},
                                              &woo::ParseGeneralSettings);
  if (general.ok()) {
    settings = *general;
  } else if (general.status().code() == StatusCode::kUnauthenticated) {
    return general.status();
  }
  decimals_ = settings.price_decimals;
  CLEVER_RETURN_IF_ERROR(
      db_.Execute(
             "INSERT INTO store_info (store_id, site_name, home_url, timezone_string, gmt_offset, "
             "currency, price_decimals, has_woopayments, has_refunds_route, "
             "supports_modified_after, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT "
             "(store_id) DO UPDATE SET site_name=excluded.site_name, home_url=excluded.home_url, "
             "timezone_string=excluded.timezone_string, gmt_offset=excluded.gmt_offset, "
             "currency=CASE WHEN excluded.currency = '' THEN store_info.currency ELSE "
             "excluded.currency END, price_decimals=excluded.price_decimals, "
             "has_woopayments=excluded.has_woopayments, "
             "has_refunds_route=excluded.has_refunds_route, "
             "supports_modified_after=excluded.supports_modified_after, "
             "updated_at=excluded.updated_at",
             {Value{store_}, Value{site.name}, Value{site.home.empty() ? site.url : site.home},
              Value{site.timezone_string}, Value{site.gmt_offset}, Value{settings.currency},
              Value{int64_t{settings.price_decimals}},
              Value{int64_t{routes_.has_payments_deposits ? 1 : 0}},
              Value{int64_t{routes_.has_refunds_route ? 1 : 0}},
              Value{int64_t{routes_.supports_modified_after ? 1 : 0}}, Value{IsoUtc(clock_.Now())}})
          .status());
  return Outcome{};
}

template <typename T>
StatusOr<Outcome> Run::CrudCategory(const std::string& family, ListSpec<T> spec,
                                    const std::string& route_for_count,
                                    const woo::Params& count_filters, bool incremental_ok) {
  CLEVER_RETURN_IF_ERROR(EnsureStateRow(spec.category));
  CLEVER_ASSIGN_OR_RETURN(StateRow state, ReadState(spec.category));
  Cursor cur = state.cursor;
  const int64_t reconciled = cur.reconciled;
  if (options_.full || cur.mode.empty() || cur.mode == "done") {
    std::string since =
        (cur.mode == "done" && incremental_ok && !options_.full) ? SinceFor(cur) : "";
    cur = Cursor{};
    cur.reconciled = options_.full ? 0 : reconciled;
    cur.mode = since.empty() ? "full" : "incr";
    cur.since = since;
  }
  const bool resumed = cur.offset > 0 || cur.has_last;
  const bool incr = cur.mode == "incr";
  last_pass_incremental_ = incr;
  Progress prog{spec.category, resumed ? state.records_done : 0, resumed ? state.records_total : 0,
                resumed ? state.records_done : 0, clock_.Monotonic()};
  if (!incr) spec.by_modified = false;
  spec.filters = PassFilters(spec.filters, incr ? cur.since : "", spec.by_modified);
  std::vector<int64_t> seen;
  if (!incr && !resumed) spec.seen = &seen;
  CLEVER_RETURN_IF_ERROR(
      db_.Transaction([&] { return SaveCursor(spec.category, cur, prog.done, prog.total); }));
  Report(prog, "syncing");
  CLEVER_RETURN_IF_ERROR(Pass(spec, cur, prog));

  // Deletions (and any entry the pass could not see): reconcile ids.
  const int64_t now = clock_.NowUnixSeconds();
  std::vector<int64_t> remote;
  bool have_remote = false;
  if (spec.seen != nullptr) {
    remote = std::move(seen);
    have_remote = true;
  } else {
    bool due = resumed && !incr;
    due = due || now - cur.reconciled >= options_.reconcile_every.count();
    if (!due) {
      const int64_t local = LocalCount(family);
      CLEVER_ASSIGN_OR_RETURN(int64_t count, CountAfterPass(route_for_count, count_filters, local));
      due = count != local;
    }
    if (due) {
      ListSpec<woo::RecordKey> ids = IdListing(route_for_count, count_filters, woo::kIdFields);
      ids.write = [](std::vector<woo::RecordKey>&) { return OkStatus(); };
      ids.seen = &remote;
      Cursor scan;
      Progress scan_prog{"", 0, 0, 0, clock_.Monotonic()};
      CLEVER_RETURN_IF_ERROR(Pass(ids, scan, scan_prog));
      have_remote = true;
    }
  }
  if (have_remote) {
    CLEVER_ASSIGN_OR_RETURN(std::vector<int64_t> local, StoredIds(db_, store_, family));
    std::sort(remote.begin(), remote.end());
    remote.erase(std::unique(remote.begin(), remote.end()), remote.end());
    std::vector<int64_t> gone, missing;
    std::set_difference(local.begin(), local.end(), remote.begin(), remote.end(),
                        std::back_inserter(gone));
    std::set_difference(remote.begin(), remote.end(), local.begin(), local.end(),
                        std::back_inserter(missing));
    if (!gone.empty()) {
      CLEVER_RETURN_IF_ERROR(
          db_.Transaction([&] { return DeleteByIds(db_, store_, family, gone); }));
    }
    for (size_t i = 0; i < missing.size(); i += 100) {
      std::string include;
      for (size_t j = i; j < std::min(missing.size(), i + 100); ++j) {
        include += (include.empty() ? "" : ",") + std::to_string(missing[j]);
      }
      woo::Params p;
      for (const auto& kv : spec.filters) {
        if (kv.first == "_fields" || kv.first == "role") p.push_back(kv);
      }
      p.emplace_back("include", include);
      p.emplace_back("per_page", "100");
      CLEVER_ASSIGN_OR_RETURN(woo::Page<T> page, GetOne<woo::Page<T>>(spec.route, p, spec.parse));
      CLEVER_RETURN_IF_ERROR(db_.Transaction([&] { return spec.write(page.records); }));
    }
    cur.reconciled = now;
  }
  // Done: the next pass starts from the server time this one began (minus the overlap).
  std::string next = cur.pass_start;
  if (!cur.max_mod.empty() && (next.empty() || cur.max_mod < next)) next = cur.max_mod;
  if (next.empty()) next = state.cursor.next_since;
  cur.next_since = next;
  cur.mode = "done";
  cur.offset = 0;
  cur.has_last = false;
  cur.last = {};
  cur.since.clear();
  cur.max_mod.clear();
  cur.pass_start.clear();
  const int64_t count = LocalCount(family);
  CLEVER_RETURN_IF_ERROR(
      db_.Transaction([&] { return SaveCursor(spec.category, cur, count, count); }));
  return PassOutcome();
}

StatusOr<Outcome> Run::Customers() {
  ListSpec<woo::CustomerRecord> spec;
  spec.category = "customers";
  spec.route = "wc/v3/customers";
  spec.filters = {{"role", "all"}, {"_fields", woo::kCustomerFields}};
  spec.parse = [](std::string_view b) { return woo::ParseCustomers(b); };
  spec.key = [](const woo::CustomerRecord& c) { return woo::RecordKey{"", c.id}; };
  spec.write = [this](std::vector<woo::CustomerRecord>& rows) {
    return WriteCustomers(db_, store_, rows);
  };
  // No date filter exists for customers. A full pass (every record, deletions from the ids seen)
  // on the first sync, with --full, after an interrupted pass, and at least every
  // `reconcile_every`; in between the light pass below.
  CLEVER_RETURN_IF_ERROR(EnsureStateRow(spec.category));
  CLEVER_ASSIGN_OR_RETURN(StateRow state, ReadState(spec.category));
  if (LightCustomersPass(state)) return CustomersLight(spec, state);
  const int64_t now = clock_.NowUnixSeconds();
  CLEVER_ASSIGN_OR_RETURN(
      Outcome out, CrudCategory("customers", spec, "wc/v3/customers", {{"role", "all"}}, false));
  // A full pass saw every customer: the light passes' listing is not due for a while.
  CLEVER_RETURN_IF_ERROR(EnsureStateRow(kCustomerListing));
  Cursor listed_at;
  listed_at.reconciled = now;
  CLEVER_RETURN_IF_ERROR(
      db_.Transaction([&] { return SaveCursor(kCustomerListing, listed_at, 0, 0); }));
  return out;
}

// The light customers pass, between two full passes. Every run fetches full records
// (`include=`, 100 per request, concurrently) for:
//  - new accounts: the ids above the highest one the last probe saw (NewCustomerIds), listed
//    newest first (user ids only grow);
//  - the accounts WooCommerce saved with the orders this run found new or changed (the orders
//    pass runs first, NoteOrderCustomers): a checkout saves its customer's billing details, and
//    a first paid order sets is_paying_customer; either moves the customer's date_modified.
// A count check (X-WP-Total, one request) then catches deletions and anything the above missed.
// The listing of every `id,date_modified_gmt` (127 requests for 12,500 customers) runs only
// when the count differs, or once per `customer_listing_every` (every run unless scheduled): it
// finds the rest, i.e. the customers whose date_modified moved without an order. WooCommerce
// moves it (the `last_update` user meta) on every profile save (`profile_update`, which
// WC_Customer::save() triggers) and on every first_name/last_name/billing_*/shipping_* meta
// change; what bypasses both (a bare role change by a plugin) waits for the periodic full pass.
// Nothing is checkpointed: a killed light pass is simply run again.
StatusOr<Outcome> Run::CustomersLight(const ListSpec<woo::CustomerRecord>& spec,
                                      const StateRow& state) {
  Progress prog{spec.category, 0, state.records_total, 0, clock_.Monotonic()};
  Report(prog, "syncing");
  CLEVER_RETURN_IF_ERROR(EnsureStateRow(kCustomerListing));
  CLEVER_ASSIGN_OR_RETURN(StateRow listing, ReadState(kCustomerListing));
  const int64_t now = clock_.NowUnixSeconds();
  bool list = CustomerListingDue(listing);
  if (!list) {
    CLEVER_ASSIGN_OR_RETURN(std::optional<std::vector<int64_t>> fresh, NewCustomerIds(spec.route));
    if (fresh.has_value()) {
      CLEVER_RETURN_IF_ERROR(FetchCustomers(spec, LightCustomerIds(*fresh)));
      Cursor probed = listing.cursor;
      probed.probed = probed_through_;
      CLEVER_RETURN_IF_ERROR(
          db_.Transaction([&] { return SaveCursor(kCustomerListing, probed, 0, 0); }));
      const int64_t local = LocalCount("customers");
      CLEVER_ASSIGN_OR_RETURN(int64_t remote, CountAfterPass(spec.route, {{"role", "all"}}, local));
      list = remote != local;
    } else {
      list = true;  // more new accounts than the probe reads: the listing costs no more
    }
  }
  if (list) {
    std::map<int64_t, std::string> listed;  // id -> date_modified_gmt ("" when none was sent)
    ListSpec<woo::RecordKey> ids = IdListing(spec.route, {{"role", "all"}}, woo::kIdModifiedFields);
    ids.write = [&listed](std::vector<woo::RecordKey>& keys) {
      for (auto& k : keys) listed[k.id] = std::move(k.modified_gmt);
      return OkStatus();
    };
    Cursor scan;
    CLEVER_RETURN_IF_ERROR(Pass(ids, scan, prog));

    CLEVER_ASSIGN_OR_RETURN(
        store::ResultSet rs,
        db_.Query("SELECT id, date_modified_gmt FROM customers WHERE store_id = ?",
                  {Value{store_}}));
    std::map<int64_t, std::string> local;
    for (const auto& row : rs.rows) {
      local[store::AsInt(row[0])] = store::IsNull(row[1]) ? std::string() : store::AsString(row[1]);
    }
    std::vector<int64_t> gone, wanted;
    for (const auto& [id, modified] : local) {
      if (listed.count(id) == 0) gone.push_back(id);
    }
    for (const auto& [id, modified] : listed) {
      auto it = local.find(id);
      if (it == local.end() || it->second != modified) wanted.push_back(id);
    }
    if (!gone.empty()) {
      CLEVER_RETURN_IF_ERROR(
          db_.Transaction([&] { return DeleteByIds(db_, store_, "customers", gone); }));
    }
    CLEVER_RETURN_IF_ERROR(FetchCustomers(spec, wanted));
    Cursor listed_at = listing.cursor;
    listed_at.reconciled = now;
    listed_at.probed = 0;  // every id is stored: the next probe starts above the highest
    CLEVER_RETURN_IF_ERROR(
        db_.Transaction([&] { return SaveCursor(kCustomerListing, listed_at, 0, 0); }));
  }
  const int64_t count = LocalCount("customers");
  CLEVER_RETURN_IF_ERROR(
      db_.Transaction([&] { return SaveCursor(spec.category, state.cursor, count, count); }));
  prog.done = count;
  prog.total = count;
  return PassOutcome();
}

// The accounts WooCommerce saved when it saved the orders in `rows` (the orders an incremental
// window re-reads unchanged name nobody): the account of every new order (a checkout saves its
// customer's billing details), and of a changed order now processing or completed whose
// account is not stored as a paying customer (wc_paying_customer() saves the account only to
// set that flag). Other order changes leave the account as it was.
Status Run::NoteOrderCustomers(const std::vector<woo::OrderRecord>& rows) {
  // "... AND id IN (?, ?, ...)" of `sql` over `ids`, this store's.
  auto query_ids = [&](const std::string& sql, const auto& ids) {
    std::string marks;
    std::vector<Value> params = {Value{store_}};
    for (int64_t id : ids) {
      marks += marks.empty() ? "?" : ", ?";
      params.emplace_back(id);
    }
    return db_.Query(sql + " AND id IN (" + marks + ")", params);
  };
  std::vector<int64_t> of_accounts;  // the orders that name an account
  for (const auto& o : rows) {
    if (o.customer_id > 0) of_accounts.push_back(o.id);
  }
  if (of_accounts.empty()) return OkStatus();
  CLEVER_ASSIGN_OR_RETURN(
      store::ResultSet rs,
      query_ids("SELECT id, date_modified_gmt FROM orders WHERE store_id = ?", of_accounts));
  std::map<int64_t, std::string> stored;
  for (const auto& row : rs.rows) {
    stored[store::AsInt(row[0])] = store::IsNull(row[1]) ? std::string() : store::AsString(row[1]);
  }
  std::set<int64_t> paid_now;  // accounts of changed orders that are now paid
  for (const auto& o : rows) {
    if (o.customer_id <= 0) continue;
    auto it = stored.find(o.id);
    if (it == stored.end()) {
      order_customers_.insert(o.customer_id);
    } else if (it->second != o.date_modified_gmt.value_or("") &&
               (o.status == "processing" || o.status == "completed")) {
      paid_now.insert(o.customer_id);
    }
  }
  if (paid_now.empty()) return OkStatus();
  CLEVER_ASSIGN_OR_RETURN(
      store::ResultSet paying,
      query_ids("SELECT id FROM customers WHERE store_id = ? AND is_paying_customer <> 0",
                paid_now));
  for (const auto& row : paying.rows) paid_now.erase(store::AsInt(row[0]));
  order_customers_.insert(paid_now.begin(), paid_now.end());
  return OkStatus();
}

// The ids of the accounts above the highest one the last probe saw (or, after a listing, the
// highest stored), newest first, `id` only; nothing when there are more than kNewCustomerPages
// pages of them. Asked once per run. The probe may go out at the start of the run (see
// PrefetchBeforeDiscovery): an account registered after it has a higher id than any it saw, so
// the next run's probe finds it, even when this run stored a later account its order named.
// Offset paging: an account deleted between two pages may hide one new id from this probe; the
// count check after it then differs, or (a deletion and a miss cancelling out) the next listing
// finds it.
StatusOr<std::optional<std::vector<int64_t>>> Run::NewCustomerIds(const std::string& route) {
  if (new_customers_.has_value()) return *new_customers_;
  CLEVER_ASSIGN_OR_RETURN(StateRow listing, ReadState(kCustomerListing));
  int64_t highest = listing.cursor.probed;
  if (highest <= 0) {
    CLEVER_ASSIGN_OR_RETURN(
        store::ResultSet rs,
        db_.Query("SELECT COALESCE(MAX(id), 0) FROM customers WHERE store_id = ?",
                  {Value{store_}}));
    highest = rs.rows.empty() ? 0 : store::AsInt(rs.rows[0][0]);
  }
  std::vector<int64_t> fresh;
  for (int page = 0; page < kNewCustomerPages; ++page) {
    CLEVER_ASSIGN_OR_RETURN(
        std::vector<woo::RecordKey> keys,
        GetOne<std::vector<woo::RecordKey>>(route, NewCustomerProbeParams(page), &woo::ParseKeys));
    bool reached = false;
    for (const auto& k : keys) {
      if (k.id > highest) {
        fresh.push_back(k.id);
      } else {
        reached = true;
      }
    }
    if (reached || keys.size() < 100) {
      probed_through_ = highest;
      for (int64_t id : fresh) probed_through_ = std::max(probed_through_, id);
      new_customers_ = std::optional<std::vector<int64_t>>(std::move(fresh));
      return *new_customers_;
    }
  }
  new_customers_ = std::optional<std::vector<int64_t>>();
  return *new_customers_;
}

bool Run::CustomersLightWithoutListing() {
  if (!Wanted("customers")) return false;
  auto customers = ReadState("customers");
  auto listing = ReadState(kCustomerListing);
  return customers.ok() && listing.ok() && LightCustomersPass(*customers) &&
         !CustomerListingDue(*listing);
}

// Full records of `ids` (ascending): batches of 100, at most 2x the concurrency in flight, each
// written in its own transaction.
Status Run::FetchCustomers(const ListSpec<woo::CustomerRecord>& spec,
                           const std::vector<int64_t>& ids) {
  const size_t window = static_cast<size_t>(std::max(1, fetcher_.concurrency())) * 2;
  for (size_t start = 0; start < ids.size(); start += window * 100) {
    std::vector<std::pair<std::future<Status>, std::shared_ptr<woo::Page<woo::CustomerRecord>>>>
        batch;
    for (size_t i = start; i < std::min(ids.size(), start + window * 100); i += 100) {
      woo::Params p = CustomerBatchParams(ids, i);
      auto page = std::make_shared<woo::Page<woo::CustomerRecord>>();
      auto parse = spec.parse;
      batch.emplace_back(Submit(spec.route, std::move(p),
                                [page, parse](const woo::Response& r) {
                                  auto parsed = parse(r.body);
                                  if (!parsed.ok()) return parsed.status();
                                  *page = std::move(parsed).value();
                                  return OkStatus();
                                }),
                         page);
    }
    for (auto& [done, page] : batch) {
      CLEVER_RETURN_IF_ERROR(done.get().WithContext("fetching " + spec.route));
      for (const auto& issue : page->skipped) {
        skipped_notes_.push_back(spec.route + " id " + std::to_string(issue.id) + ": " +
                                 issue.message);
      }
      CLEVER_RETURN_IF_ERROR(db_.Transaction([&] { return spec.write(page->records); }));
    }
  }
  return OkStatus();
}

StatusOr<Outcome> Run::Orders() {
  ListSpec<woo::OrderRecord> spec;
  spec.category = "orders";
  spec.route = "wc/v3/orders";
  spec.filters = {{"_fields", woo::kOrderFields}};
  spec.by_modified = true;
  const int dp = decimals_;
  spec.parse = [dp](std::string_view b) { return woo::ParseOrders(b, dp); };
  spec.key = [](const woo::OrderRecord& o) {
    return woo::RecordKey{o.date_modified_gmt.value_or(""), o.id};
  };
  spec.tracked_date = [](const woo::OrderRecord& o) { return o.date_modified_gmt.value_or(""); };
  spec.write = [this](std::vector<woo::OrderRecord>& rows) {
    for (const auto& o : rows) touched_orders_.push_back(o.id);
    if (incremental_) CLEVER_RETURN_IF_ERROR(NoteOrderCustomers(rows));
    return WriteOrders(db_, store_, rows);
  };
  return CrudCategory("orders", spec, "wc/v3/orders", {}, routes_.supports_modified_after);
}

StatusOr<Outcome> Run::Coupons() {
  ListSpec<woo::CouponRecord> spec;
  spec.category = "coupons";
  spec.route = "wc/v3/coupons";
  spec.filters = {{"_fields", woo::kCouponFields}};
  spec.by_modified = true;
  const int dp = decimals_;
  spec.parse = [dp](std::string_view b) { return woo::ParseCoupons(b, dp); };
  spec.key = [](const woo::CouponRecord& c) {
    return woo::RecordKey{c.date_modified_gmt.value_or(""), c.id};
  };
  spec.tracked_date = [](const woo::CouponRecord& c) { return c.date_modified_gmt.value_or(""); };
  spec.write = [this](std::vector<woo::CouponRecord>& rows) {
    return WriteCoupons(db_, store_, rows);
  };
  return CrudCategory("coupons", spec, "wc/v3/coupons", {}, routes_.supports_modified_after);
}

StatusOr<Outcome> Run::Products() {
  ListSpec<woo::ProductRecord> spec;
  spec.category = "products";
  spec.route = "wc/v3/products";
  spec.filters = {{"_fields", woo::kProductFields}};
  spec.by_modified = true;
  const int dp = decimals_;
  spec.parse = [dp](std::string_view b) { return woo::ParseProducts(b, dp); };
  spec.key = [](const woo::ProductRecord& p) {
    return woo::RecordKey{p.date_modified_gmt.value_or(""), p.id};
  };
  spec.tracked_date = [](const woo::ProductRecord& p) { return p.date_modified_gmt.value_or(""); };
  spec.write = [this](std::vector<woo::ProductRecord>& rows) {
    return WriteProducts(db_, store_, rows);
  };
  CLEVER_ASSIGN_OR_RETURN(Outcome out, CrudCategory("products", spec, "wc/v3/products", {},
                                                    routes_.supports_modified_after));
  const bool products_incremental = last_pass_incremental_;

  // Categories: a small list, replaced whole. Where the route is missing, the categories the
  // products name are kept instead.
  std::vector<woo::CategoryRecord> categories;
  bool have_categories = true;
  for (int page = 1; page <= 1000; ++page) {
    auto p = GetOne<woo::Page<woo::CategoryRecord>>(
        "wc/v3/products/categories", CategoryPageParams(page),
        [](std::string_view b) { return woo::ParseCategories(b); });
    if (!p.ok() && woo::IsNoRoute(p.status())) {
      have_categories = false;
      break;
    }
    if (!p.ok()) return p.status();
    const size_t n = p->keys.size();
    for (auto& c : p->records) categories.push_back(std::move(c));
    if (n < 100) break;
  }
  if (!have_categories) {
    CLEVER_ASSIGN_OR_RETURN(
        store::ResultSet rs,
        db_.Query("SELECT category_id, min(name), min(slug), count(*) FROM product_categories "
                  "WHERE store_id = ? GROUP BY category_id ORDER BY category_id",
                  {Value{store_}}));
    for (const auto& row : rs.rows) {
      categories.push_back({store::AsInt(row[0]), store::AsString(row[1]), store::AsString(row[2]),
                            0, store::AsInt(row[3])});
    }
  }
  CLEVER_RETURN_IF_ERROR(
      db_.Transaction([&] { return ReplaceCategories(db_, store_, categories); }));

  // Variations: the store-wide list where the route exists, else per variable parent.
  if (routes_.has_variations_route) {
    ListSpec<woo::VariationRecord> vs;
    vs.category = "products:variations";
    vs.route = "wc/v3/variations";
    vs.filters = {{"_fields", woo::kVariationFields}};
    vs.by_modified = true;
    vs.parse = [dp](std::string_view b) { return woo::ParseVariations(b, dp); };
    vs.key = [](const woo::VariationRecord& v) {
      return woo::RecordKey{v.date_modified_gmt.value_or(""), v.id};
    };
    vs.tracked_date = [](const woo::VariationRecord& v) {
      return v.date_modified_gmt.value_or("");
    };
    vs.write = [this](std::vector<woo::VariationRecord>& rows) {
      return WriteVariations(db_, store_, rows);
    };
    CLEVER_ASSIGN_OR_RETURN(Outcome vout, CrudCategory("variations", vs, "wc/v3/variations", {},
                                                       routes_.supports_modified_after));
    if (out.note.empty()) out.note = vout.note;
  } else {
    // Which parents: every variable product on a full products pass and at least every
    // `reconcile_every`; in between only those whose stored date_modified_gmt is inside the
    // window since the last listing (WooCommerce saves a variation's parent after every
    // variation save, so a changed variation moves its parent's date: docs/sync.md,
    // "Variations"). The window's start (`next_since`) moves only after the lists are written,
    // so a run killed in between lists those parents again.
    CLEVER_RETURN_IF_ERROR(EnsureStateRow(kVariationLists));
    CLEVER_ASSIGN_OR_RETURN(StateRow lists, ReadState(kVariationLists));
    const int64_t now = clock_.NowUnixSeconds();
    const std::string since = VariationListsSince(lists.cursor, products_incremental);
    CLEVER_ASSIGN_OR_RETURN(
        store::ResultSet rs,
        since.empty()
            ? db_.Query("SELECT id FROM products WHERE store_id = ? AND type LIKE 'variable%' "
                        "ORDER BY id",
                        {Value{store_}})
            : db_.Query("SELECT id FROM products WHERE store_id = ? AND type LIKE 'variable%' AND "
                        "(date_modified_gmt IS NULL OR date_modified_gmt = '' OR "
                        "date_modified_gmt >= ?) ORDER BY id",
                        {Value{store_}, Value{since}}));
    std::vector<int64_t> parents;
    for (const auto& row : rs.rows) parents.push_back(store::AsInt(row[0]));
    // One request per variable parent (all at once, bounded by the fetcher), replaced per parent.
    struct Job {
      int64_t parent;
      std::shared_ptr<woo::Page<woo::VariationRecord>> page;
      std::future<Status> done;
    };
    for (size_t i = 0; i < parents.size(); i += 32) {
      std::vector<Job> jobs;
      for (size_t j = i; j < std::min(parents.size(), i + 32); ++j) {
        auto page = std::make_shared<woo::Page<woo::VariationRecord>>();
        auto f =
            Submit("wc/v3/products/" + std::to_string(parents[j]) + "/variations",
                   VariationListParams(), [page, dp](const woo::Response& r) -> Status {
                     auto p = woo::ParseVariations(r.body, dp);
                     if (!p.ok()) return p.status();
                     *page = std::move(p).value();
                     if (page->keys.size() >= 100) {
                       return FailedPreconditionError("a product has more than 100 variations");
                     }
                     return OkStatus();
                   });
        jobs.push_back({parents[j], page, std::move(f)});
      }
      for (auto& job : jobs) {
        CLEVER_RETURN_IF_ERROR(job.done.get());
        CLEVER_RETURN_IF_ERROR(db_.Transaction(
            [&] { return ReplaceVariationsOf(db_, store_, job.parent, job.page->records); }));
      }
    }
    CLEVER_RETURN_IF_ERROR(db_.Transaction([&]() -> Status {
      return db_
          .Execute(
              "DELETE FROM variation_attributes WHERE store_id = ? AND variation_id IN (SELECT "
              "v.id "
              "FROM variations v WHERE v.store_id = ? AND NOT EXISTS (SELECT 1 FROM products p "
              "WHERE p.store_id = v.store_id AND p.id = v.parent_id AND p.type LIKE 'variable%'))",
              {Value{store_}, Value{store_}})
          .status();
    }));
    CLEVER_RETURN_IF_ERROR(db_.Transaction([&]() -> Status {
      return db_
          .Execute(
              "DELETE FROM variations WHERE store_id = ? AND NOT EXISTS (SELECT 1 FROM products p "
              "WHERE p.store_id = variations.store_id AND p.id = variations.parent_id AND p.type "
              "LIKE 'variable%')",
              {Value{store_}})
          .status();
    }));
    // The next run's window starts where the products pass just read from.
    CLEVER_ASSIGN_OR_RETURN(StateRow products, ReadState("products"));
    Cursor next = lists.cursor;
    next.mode = "done";
    next.next_since = products.cursor.next_since;
    if (since.empty()) next.reconciled = now;
    const int64_t held = LocalCount("variations");
    CLEVER_RETURN_IF_ERROR(
        db_.Transaction([&] { return SaveCursor(kVariationLists, next, held, held); }));
  }
  return out;
}

StatusOr<Outcome> Run::Refunds() {
  const int dp = decimals_;
  if (routes_.has_refunds_route) {
    ListSpec<woo::RefundRecord> spec;
    spec.category = "refunds";
    spec.route = "wc/v3/refunds";
    spec.filters = {{"_fields", woo::kRefundFields}};
    spec.by_modified = false;  // refunds carry no date_modified: id order inside the window
    spec.parse = [dp](std::string_view b) { return woo::ParseRefunds(b, dp); };
    spec.key = [](const woo::RefundRecord& r) { return woo::RecordKey{"", r.id}; };
    spec.tracked_date = [](const woo::RefundRecord& r) { return r.date_created_gmt.value_or(""); };
    spec.write = [this](std::vector<woo::RefundRecord>& rows) {
      return WriteRefunds(db_, store_, rows);
    };
    return CrudCategory("refunds", spec, "wc/v3/refunds", {}, routes_.supports_modified_after);
  }
  // No store-wide route: only the orders whose refunds[] is non-empty.
  CLEVER_RETURN_IF_ERROR(EnsureStateRow("refunds"));
  CLEVER_ASSIGN_OR_RETURN(
      store::ResultSet rs,
      db_.Query("SELECT id FROM orders WHERE store_id = ? AND refund_count > 0 ORDER BY id",
                {Value{store_}}));
  std::vector<int64_t> orders;
  for (const auto& row : rs.rows) orders.push_back(store::AsInt(row[0]));
  Progress prog{"refunds", 0, static_cast<int64_t>(orders.size()), 0, clock_.Monotonic()};
  struct Job {
    int64_t order;
    std::shared_ptr<woo::Page<woo::RefundRecord>> page;
    std::future<Status> done;
  };
  for (size_t i = 0; i < orders.size(); i += 32) {
    std::vector<Job> jobs;
    for (size_t j = i; j < std::min(orders.size(), i + 32); ++j) {
      auto page = std::make_shared<woo::Page<woo::RefundRecord>>();
      int64_t order = orders[j];
      auto f = Submit("wc/v3/orders/" + std::to_string(order) + "/refunds",
                      {{"_fields", woo::kRefundFields}, {"per_page", "100"}},
                      [page, dp, order](const woo::Response& r) -> Status {
                        auto p = woo::ParseRefunds(r.body, dp, order);
                        if (!p.ok()) return p.status();
                        *page = std::move(p).value();
                        for (auto& refund : page->records) refund.order_id = order;
                        return OkStatus();
                      });
      jobs.push_back({order, page, std::move(f)});
    }
    for (auto& job : jobs) {
      CLEVER_RETURN_IF_ERROR(job.done.get());
      CLEVER_RETURN_IF_ERROR(db_.Transaction(
          [&] { return ReplaceRefundsOf(db_, store_, job.order, job.page->records); }));
      ++prog.done;
    }
    Report(prog, "syncing");
  }
  // Refunds of orders that are gone or no longer list refunds.
  CLEVER_ASSIGN_OR_RETURN(
      store::ResultSet stale,
      db_.Query("SELECT r.id FROM refunds r WHERE r.store_id = ? AND NOT EXISTS (SELECT 1 FROM "
                "orders o WHERE o.store_id = r.store_id AND o.id = r.order_id AND o.refund_count "
                "> 0)",
                {Value{store_}}));
  std::vector<int64_t> gone;
  for (const auto& row : stale.rows) gone.push_back(store::AsInt(row[0]));
  CLEVER_RETURN_IF_ERROR(
      db_.Transaction([&] { return DeleteByIds(db_, store_, "refunds", gone); }));
  return Outcome{};
}

template <typename T>
Status Run::WrapperList(const std::string& route, woo::Params params,
                        StatusOr<woo::Page<T>> (*parse)(std::string_view, int64_t*), Progress& prog,
                        int64_t* skipped, int first_page,
                        const std::function<Status(std::vector<T>&)>& sink,
                        const std::function<bool()>& enough, int expected_pages) {
  constexpr int kPageSize = kWrapperPageSize;
  int64_t done = 0;
  int64_t total = -1;
  struct Slot {
    int page;
    std::shared_ptr<std::pair<woo::Page<T>, int64_t>> res;
    std::future<Status> done;
  };
  std::deque<Slot> window;
  int next = std::max(1, first_page);
  auto submit = [&](int page) {
    woo::Params p = WrapperPageParams(params, page, kPageSize);
    auto res = std::make_shared<std::pair<woo::Page<T>, int64_t>>();
    auto f = Submit(route, std::move(p), [res, parse](const woo::Response& r) -> Status {
      int64_t t = -1;
      auto parsed = parse(r.body, &t);
      if (!parsed.ok()) return parsed.status();
      res->first = std::move(parsed).value();
      res->second = t;
      return OkStatus();
    });
    window.push_back({page, res, std::move(f)});
  };
  for (int guard = 0; guard < 100000; ++guard) {
    if (window.empty()) submit(next++);
    const size_t max_window = static_cast<size_t>(fetcher_.concurrency()) * 2;
    while (total >= 0 && window.size() < max_window &&
           static_cast<int64_t>(next - 1) * kPageSize < total &&
           (!enough || next <= expected_pages)) {
      submit(next++);
    }
    Slot slot = std::move(window.front());
    window.pop_front();
    CLEVER_RETURN_IF_ERROR(slot.done.get().WithContext("fetching " + route));
    if (slot.res->second >= 0) total = slot.res->second;
    auto& page = slot.res->first;
    const size_t n = page.records.size() + page.skipped.size();
    *skipped += static_cast<int64_t>(page.skipped.size());
    done += static_cast<int64_t>(page.records.size());
    CLEVER_RETURN_IF_ERROR(sink(page.records));
    prog.done = done;
    prog.total = std::max<int64_t>(total, prog.done);
    Report(prog, "syncing");
    if (n < static_cast<size_t>(kPageSize)) return OkStatus();
    if (enough && enough()) return OkStatus();
  }
  return InternalError("the store's " + route + " list did not end");
}

// The page the incremental ledger pass starts at. WooPayments filters by `date_after`, so page 1.
// A store that ignores the filter (one probe entry dated before it shows that) would list the whole
// ledger again on every sync: the ledger is sorted by date ascending and only grows, so the pages
// holding the entries already stored before the window are skipped (the window's own overlap
// keeps the page boundary safe; upserts make re-reads harmless).
StatusOr<int> Run::LedgerFirstPage(const woo::Params& params, const std::string& after) {
  woo::Params probe = params;
  probe.emplace_back("page", "1");
  probe.emplace_back("pagesize", "1");
  auto first = GetOne<woo::Page<woo::TransactionRecord>>(
      "wc/v3/payments/transactions", probe,
      [](std::string_view b) { return woo::ParseTransactions(b, nullptr); });
  if (!first.ok()) {
    if (woo::IsNoRoute(first.status())) return 1;
    return first.status();
  }
  if (first->records.empty() || !first->records[0].date) return 1;
  std::string date = *first->records[0].date;
  if (date.size() > 10 && date[10] == 'T') date[10] = ' ';
  if (date >= after) return 1;  // the filter works
  CLEVER_ASSIGN_OR_RETURN(
      store::ResultSet rs,
      db_.Query("SELECT count(*) FROM payment_transactions WHERE store_id = ? AND replace(date, "
                "'T', ' ') < ?",
                {Value{store_}, Value{after}}));
  const int64_t before = rs.rows.empty() ? 0 : store::AsInt(rs.rows[0][0]);
  return static_cast<int>(std::min<int64_t>(before / 100, 1'000'000)) + 1;
}

StatusOr<Outcome> Run::Payments() {
  Outcome out;
  auto gateways = GetOne<woo::Page<woo::GatewayRecord>>(
      "wc/v3/payment_gateways", {{"_fields", woo::kGatewayFields}},
      [](std::string_view b) { return woo::ParseGateways(b); });
  if (gateways.ok()) {
    CLEVER_RETURN_IF_ERROR(
        db_.Transaction([&] { return ReplaceGateways(db_, store_, gateways->records); }));
  } else if (gateways.status().code() == StatusCode::kPermissionDenied ||
             gateways.status().code() == StatusCode::kUnauthenticated) {
    out.note = "the payment gateway list needs a key whose user can manage WooCommerce";
  } else if (!woo::IsNoRoute(gateways.status())) {
    return gateways.status();
  }
  if (routes_.has_payments_transactions) {
    // The ledger only grows: after the first pass, ask for entries since the newest one seen
    // (minus a day of overlap) and upsert them. Cursor and rows commit together per page.
    CLEVER_RETURN_IF_ERROR(EnsureStateRow("payments"));
    CLEVER_ASSIGN_OR_RETURN(StateRow state, ReadState("payments"));
    Cursor cur = options_.full ? Cursor{} : state.cursor;
    const std::string after = LedgerAfter(cur);
    const woo::Params params = LedgerParams(after);
    int first_page = 1;
    if (!after.empty()) {
      CLEVER_ASSIGN_OR_RETURN(first_page, LedgerFirstPage(params, after));
    }
    Progress prog{"payments", 0, 0, 0, clock_.Monotonic()};
    int64_t skipped = 0;
    Status s = WrapperList<woo::TransactionRecord>(
        "wc/v3/payments/transactions", params, &woo::ParseTransactions, prog, &skipped, first_page,
        [&](std::vector<woo::TransactionRecord>& rows) {
          for (const auto& t : rows) {
            if (!t.date) continue;
            std::string d = *t.date;
            if (d.size() > 10 && d[10] == ' ') d[10] = 'T';
            if (d > cur.next_since) cur.next_since = d;
          }
          CLEVER_RETURN_IF_ERROR(db_.Transaction([&]() -> Status {
            CLEVER_RETURN_IF_ERROR(WriteTransactions(db_, store_, rows));
            return SaveCursor("payments", cur, prog.done, prog.total);
          }));
          if (after_commit_) after_commit_();
          return OkStatus();
        });
    if (!s.ok() && !woo::IsNoRoute(s)) return s;
    if (skipped > 0)
      out.note = std::to_string(skipped) + " payment transaction(s) could not be read";
  }
  return out;
}

// Payouts and disputes change after they appear (a payout goes pending -> in_transit -> paid, a
// dispute needs_response -> under_review -> won or lost) and have no modification date. The
// whole list (oldest first, every entry upserted, the stored ones it no longer holds deleted)
// is read by the first pass, with --full, and once per `reconcile_every`. In between, an
// incremental run reads it newest first and stops after the page that reaches an entry sorted
// before the horizon: the oldest entry still open (not in a final status), or a week before the
// newest entry stored, whichever is earlier (the store's dates, not this machine's clock). So
// every entry that can have changed or appeared is read again (a new entry sorts after that:
// WooPayments dates a payout by its arrival and a dispute by its creation), usually in one
// request instead of one per 100.
template <typename T>
StatusOr<std::optional<Run::Horizon>> Run::SettlingHorizon(const SettlingList<T>& list) {
  const std::optional<Horizon> whole;
  if (!incremental_ || options_.full) return whole;
  CLEVER_ASSIGN_OR_RETURN(StateRow state, ReadState(list.category));
  if (state.cursor.reconciled <= 0 ||
      clock_.NowUnixSeconds() - state.cursor.reconciled >= options_.reconcile_every.count()) {
    return whole;
  }
  CLEVER_ASSIGN_OR_RETURN(store::ResultSet rs,
                          db_.Query("SELECT " + list.time_column + ", status FROM " + list.table +
                                        " WHERE store_id = ?",
                                    {Value{store_}}));
  if (rs.rows.empty()) return whole;
  std::vector<int64_t> times;
  std::optional<int64_t> oldest_open;
  for (const auto& row : rs.rows) {
    std::optional<int64_t> t;
    if (!store::IsNull(row[0])) {
      t = list.time_in_ms ? std::optional<int64_t>(store::AsInt(row[0]) / 1000)
                          : IsoToEpoch(store::AsString(row[0]));
    }
    const bool open = std::find(list.final_statuses.begin(), list.final_statuses.end(),
                                store::AsString(row[1])) == list.final_statuses.end();
    if (!t) {
      if (open) return whole;  // an open entry this order cannot place
      continue;
    }
    times.push_back(*t);
    if (open) oldest_open = std::min(oldest_open.value_or(*t), *t);
  }
  if (times.empty()) return whole;
  Horizon h;
  h.before = *std::max_element(times.begin(), times.end()) - 7 * 86400;
  if (oldest_open) h.before = std::min(h.before, *oldest_open);
  const auto from_horizon =
      std::count_if(times.begin(), times.end(), [&](int64_t t) { return t >= h.before; });
  h.pages = static_cast<int>(std::min<int64_t>(from_horizon / kWrapperPageSize + 1, 50));
  return std::optional<Horizon>(h);
}

template <typename T>
StatusOr<Outcome> Run::SettlingListPass(const SettlingList<T>& list) {
  CLEVER_RETURN_IF_ERROR(EnsureStateRow(list.category));
  CLEVER_ASSIGN_OR_RETURN(std::optional<Horizon> horizon, SettlingHorizon(list));
  Progress prog{list.category, 0, 0, 0, clock_.Monotonic()};
  int64_t skipped = 0;
  std::set<std::string> seen;
  std::optional<int64_t> page_oldest;  // the last page's earliest entry (windowed pass)
  auto sink = [&](std::vector<T>& rows) {
    page_oldest.reset();
    for (const auto& r : rows) {
      seen.insert(list.key(r));
      if (auto t = list.time(r)) page_oldest = std::min(page_oldest.value_or(*t), *t);
    }
    return db_.Transaction([&] { return list.write(db_, store_, rows); });
  };
  const int64_t now = clock_.NowUnixSeconds();
  if (horizon.has_value()) {
    Status s = WrapperList<T>(
        list.route, SortedBy(list.sort, "desc"), list.parse, prog, &skipped, 1, sink,
        [&] { return page_oldest.has_value() && *page_oldest < horizon->before; }, horizon->pages);
    if (!s.ok() && woo::IsNoRoute(s)) return Outcome{true, ""};
    if (!s.ok()) return s;
  } else {
    Status s =
        WrapperList<T>(list.route, SortedBy(list.sort, "asc"), list.parse, prog, &skipped, 1, sink);
    if (!s.ok() && woo::IsNoRoute(s)) return Outcome{true, ""};
    if (!s.ok()) return s;
    // Rows the store no longer lists.
    CLEVER_ASSIGN_OR_RETURN(store::ResultSet rs, db_.Query("SELECT " + list.key_column + " FROM " +
                                                               list.table + " WHERE store_id = ?",
                                                           {Value{store_}}));
    std::vector<std::string> gone;
    for (const auto& row : rs.rows) {
      if (seen.count(store::AsString(row[0])) == 0) gone.push_back(store::AsString(row[0]));
    }
    CLEVER_RETURN_IF_ERROR(db_.Transaction([&]() -> Status {
      for (const auto& id : gone) {
        CLEVER_RETURN_IF_ERROR(db_.Execute("DELETE FROM " + list.table +
                                               " WHERE store_id = ? AND " + list.key_column +
                                               " = ?",
                                           {Value{store_}, Value{id}})
                                   .status());
      }
      Cursor listed;
      listed.reconciled = now;
      return SaveCursor(list.category, listed, 0, 0);
    }));
  }
  Outcome out;
  if (skipped > 0) {
    out.note = std::to_string(skipped) + " " + list.category + " record(s) could not be read";
  }
  return out;
}

Run::SettlingList<woo::PayoutRecord> Run::PayoutList() {
  SettlingList<woo::PayoutRecord> list;
  list.category = "payouts";
  list.route = "wc/v3/payments/deposits";
  list.sort = "date";
  list.table = "payouts";
  list.key_column = "id";
  list.time_column = "date_ms";
  list.time_in_ms = true;
  list.final_statuses = {"paid", "canceled", "failed"};
  list.parse = &woo::ParsePayouts;
  list.write = &WritePayouts;
  list.key = [](const woo::PayoutRecord& p) { return p.id; };
  list.time = [](const woo::PayoutRecord& p) -> std::optional<int64_t> {
    if (!p.date_ms) return std::nullopt;
    return *p.date_ms / 1000;
  };
  return list;
}

Run::SettlingList<woo::DisputeRecord> Run::DisputeList() {
  SettlingList<woo::DisputeRecord> list;
  list.category = "disputes";
  list.route = "wc/v3/payments/disputes";
  list.sort = "created";
  list.table = "disputes";
  list.key_column = "dispute_id";
  list.time_column = "created";
  list.final_statuses = {"won", "lost", "warning_closed", "charge_refunded"};
  list.parse = &woo::ParseDisputes;
  list.write = &WriteDisputes;
  list.key = [](const woo::DisputeRecord& d) { return d.dispute_id; };
  list.time = [](const woo::DisputeRecord& d) -> std::optional<int64_t> {
    if (!d.created) return std::nullopt;
    return IsoToEpoch(*d.created);
  };
  return list;
}

StatusOr<Outcome> Run::Payouts() {
  if (!routes_.has_payments_deposits) return Outcome{true, ""};
  return SettlingListPass(PayoutList());
}

StatusOr<Outcome> Run::Disputes() {
  if (!routes_.has_payments_disputes) return Outcome{true, ""};
  return SettlingListPass(DisputeList());
}

bool Run::ReportsDue() {
  if (!incremental_ || options_.full) return true;
  auto state = ReadState("reports");  // cursor.reconciled: when the reports were last written
  return !state.ok() || options_.reports_every.count() <= 0 || state->cursor.reconciled <= 0 ||
         clock_.NowUnixSeconds() - state->cursor.reconciled >= options_.reports_every.count();
}

StatusOr<Outcome> Run::Reports() {
  if (!ReportsDue()) {
    Outcome kept;
    kept.kept = true;
    return kept;
  }
  const auto& kTotals = kReportTotals;
  // All report requests at once (each is one server-side aggregate; asked in turn they were a
  // chain of round trips), then taken in order.
  constexpr size_t kTotalCount = std::size(kTotals);
  auto total_rows = std::make_shared<std::vector<std::vector<woo::ReportTotalRow>>>(kTotalCount);
  auto sales_rows = std::make_shared<std::vector<woo::SalesReport>>(options_.report_periods.size());
  std::vector<std::future<Status>> total_done, sales_done;
  for (size_t i = 0; i < kTotalCount; ++i) {
    total_done.push_back(Submit(std::string("wc/v3/reports/") + kTotals[i] + "/totals", {},
                                [total_rows, i](const woo::Response& r) -> Status {
                                  CLEVER_ASSIGN_OR_RETURN((*total_rows)[i],
                                                          woo::ParseReportTotals(r.body));
                                  return OkStatus();
                                }));
  }
  const int dp = decimals_;
  for (size_t i = 0; i < options_.report_periods.size(); ++i) {
    sales_done.push_back(Submit("wc/v3/reports/sales", {{"period", options_.report_periods[i]}},
                                [sales_rows, i, dp](const woo::Response& r) -> Status {
                                  CLEVER_ASSIGN_OR_RETURN((*sales_rows)[i],
                                                          woo::ParseSalesReport(r.body, dp));
                                  return OkStatus();
                                }));
  }
  std::vector<Status> total_status, sales_status;
  for (auto& f : total_done) total_status.push_back(f.get());
  for (auto& f : sales_done) sales_status.push_back(f.get());
  std::vector<std::pair<std::string, std::vector<woo::ReportTotalRow>>> totals;
  int missing = 0;
  for (size_t i = 0; i < kTotalCount; ++i) {
    if (!total_status[i].ok() && woo::IsNoRoute(total_status[i])) {
      ++missing;
      continue;
    }
    if (!total_status[i].ok()) return total_status[i];
    totals.emplace_back(kTotals[i], std::move((*total_rows)[i]));
  }
  std::vector<std::pair<std::string, woo::SalesReport>> sales;
  for (size_t i = 0; i < options_.report_periods.size(); ++i) {
    if (!sales_status[i].ok() && woo::IsNoRoute(sales_status[i])) {
      ++missing;
      continue;
    }
    if (!sales_status[i].ok()) return sales_status[i];
    sales.emplace_back(options_.report_periods[i], (*sales_rows)[i]);
  }
  if (totals.empty() && sales.empty() && missing > 0) return Outcome{true, ""};
  const std::string now = IsoUtc(clock_.Now());
  CLEVER_RETURN_IF_ERROR(db_.Transaction([&]() -> Status {
    for (const auto& [report, rows] : totals) {
      CLEVER_RETURN_IF_ERROR(ReplaceReportTotals(db_, store_, report, rows));
    }
    for (const auto& [period, s] : sales) {
      CLEVER_RETURN_IF_ERROR(WriteSalesReport(db_, store_, period, s, now));
    }
    Cursor fetched;
    fetched.reconciled = clock_.NowUnixSeconds();
    return SaveCursor("reports", fetched, 0, 0);
  }));
  return Outcome{};
}

int64_t CountRows(store::Database& db, int64_t store, const std::string& category) {
  std::string sql;
  if (category == "payments") {
    sql = "SELECT count(*) FROM payments WHERE store_id = ? AND date_paid IS NOT NULL";
  } else if (category == "reports") {
    auto rs = db.Query(
        "SELECT (SELECT count(*) FROM report_totals WHERE store_id = ?) + (SELECT "
        "count(*) FROM report_sales WHERE store_id = ?)",
        {Value{store}, Value{store}});
    return rs.ok() && !rs->rows.empty() ? store::AsInt(rs->rows[0][0]) : 0;
  } else {
    sql = "SELECT count(*) FROM " + category + " WHERE store_id = ?";
  }
  auto rs = db.Query(sql, {Value{store}});
  return rs.ok() && !rs->rows.empty() ? store::AsInt(rs->rows[0][0]) : 0;
}

Status Run::Category(const std::string& name, const std::function<StatusOr<Outcome>()>& body) {
  if (!Wanted(name)) return OkStatus();
  CLEVER_RETURN_IF_ERROR(EnsureStateRow(name));
  CLEVER_RETURN_IF_ERROR(SetState(name, "syncing", "", "", false));
  skipped_notes_.clear();
  unordered_note_.clear();
  StatusOr<Outcome> out = body();
  Progress final_prog{name, CountRows(db_, store_, name), 0, 0, clock_.Monotonic()};
  final_prog.total = final_prog.done;
  if (!out.ok()) {
    const Status& s = out.status();
    CLEVER_RETURN_IF_ERROR(SetState(name, "failed", s.message(), HintFor(s), false));
    failures_.push_back(name + ": " + s.message());
    if (first_failure_.ok()) first_failure_ = s;
    Report(final_prog, "failed");
    return OkStatus();
  }
  if (out->not_available) {
    CLEVER_RETURN_IF_ERROR(SetState(
        name, "not_available", "not available on this store",
        "Payouts and disputes come from WooPayments; this store has no such payments plugin "
        "active.",
        true));
    Report(final_prog, "not_available");
    return OkStatus();
  }
  CLEVER_RETURN_IF_ERROR(
      db_.Execute("UPDATE sync_state SET records_done = ?, records_total = ? "
                  "WHERE store_id = ? AND category = ?",
                  {Value{final_prog.done}, Value{final_prog.done}, Value{store_}, Value{name}})
          .status());
  CLEVER_RETURN_IF_ERROR(SetState(name, "ok", out->note, "", /*success=*/!out->kept));
  Report(final_prog, "ok");
  return OkStatus();
}

// Queued at the start of an incremental run (the orders were synced completely before, and no
// --full): the GETs of the small categories whose parameters the database already determines.
// A category that turns out to need other GETs (a new variable product, more payout pages) asks
// for them itself; a prefetched answer nobody asks for is dropped.
void Run::PrefetchIncremental() {
  auto rows = [&](const std::string& sql) -> std::vector<int64_t> {
    std::vector<int64_t> out;
    auto rs = db_.Query(sql, {Value{store_}});
    if (!rs.ok()) return out;
    for (const auto& row : rs->rows) out.push_back(store::AsInt(row[0]));
    return out;
  };
  // The first pages of the small CRUD categories' windows and their counts, in the order the
  // run asks for them (the refunds right after the orders).
  if (routes_.has_refunds_route) {
    PrefetchFirstIncrementalPage("refunds", "wc/v3/refunds", {{"_fields", woo::kRefundFields}},
                                 /*by_modified=*/false, /*count=*/true);
  }
  PrefetchFirstIncrementalPage("products", "wc/v3/products", {{"_fields", woo::kProductFields}},
                               /*by_modified=*/true, /*count=*/true);
  PrefetchFirstIncrementalPage("coupons", "wc/v3/coupons", {{"_fields", woo::kCouponFields}},
                               /*by_modified=*/true, /*count=*/true);
  if (Wanted("products")) {
    Prefetch("wc/v3/products/categories", CategoryPageParams(1));
    auto lists = ReadState(kVariationLists);
    auto products = ReadState("products");
    const bool incremental = products.ok() && products->cursor.mode == "done";
    if (!routes_.has_variations_route && lists.ok() &&
        VariationListsSince(lists->cursor, incremental).empty()) {
      for (int64_t parent : rows("SELECT id FROM products WHERE store_id = ? AND type LIKE "
                                 "'variable%' ORDER BY id")) {
        Prefetch("wc/v3/products/" + std::to_string(parent) + "/variations", VariationListParams());
      }
    }
  }
  if (Wanted("payments")) {
    Prefetch("wc/v3/payment_gateways", {{"_fields", woo::kGatewayFields}});
    if (routes_.has_payments_transactions) PrefetchLedger();
  }
  // Payouts and disputes: the first page newest first when the pass will be windowed, else as
  // many pages of the whole list as the rows held now fill (+1).
  auto settling = [&](const auto& list, bool available) {
    if (!Wanted(list.category) || !available) return;
    auto horizon = SettlingHorizon(list);
    if (horizon.ok() && horizon->has_value()) {
      for (int page = 1; page <= (*horizon)->pages; ++page) {
        Prefetch(list.route,
                 WrapperPageParams(SortedBy(list.sort, "desc"), page, kWrapperPageSize));
      }
      return;
    }
    const std::vector<int64_t> held =
        rows("SELECT count(*) FROM " + list.table + " WHERE store_id = ?");
    const int64_t pages = (held.empty() ? 0 : held[0]) / kWrapperPageSize + 1;
    for (int64_t page = 1; page <= std::min<int64_t>(pages, 50); ++page) {
      Prefetch(list.route, WrapperPageParams(SortedBy(list.sort, "asc"), static_cast<int>(page),
                                             kWrapperPageSize));
    }
  };
  settling(PayoutList(), routes_.has_payments_deposits);
  settling(DisputeList(), routes_.has_payments_disputes);
  if (Wanted("reports") && ReportsDue()) {
    for (const char* report : kReportTotals) {
      Prefetch(std::string("wc/v3/reports/") + report + "/totals", {});
    }
    for (const auto& period : options_.report_periods) {
      Prefetch("wc/v3/reports/sales", {{"period", period}});
    }
  }
}

// The ledger's first GETs (Payments): the probe of its filter and its first page.
void Run::PrefetchLedger() {
  if (!Wanted("payments")) return;
  auto state = ReadState("payments");
  if (!state.ok()) return;
  const std::string after = LedgerAfter(state->cursor);
  const woo::Params params = LedgerParams(after);
  if (!after.empty()) Prefetch("wc/v3/payments/transactions", WrapperPageParams(params, 1, 1));
  Prefetch("wc/v3/payments/transactions", WrapperPageParams(params, 1, kWrapperPageSize));
}

// Queued with the discovery GETs of an incremental run: the orders' first window page and
// count, and the customers' count and new-accounts probe (the count first: an account created
// between the two then makes the local count exceed it, which only costs a second count). The
// store's features come from the last discovery (store_info); should this one differ, a
// prefetch nobody asks for is dropped.
void Run::PrefetchBeforeDiscovery() {
  auto rs = db_.Query(
      "SELECT supports_modified_after, has_woopayments FROM store_info WHERE store_id = ?",
      {Value{store_}});
  if (!rs.ok() || rs->rows.empty()) return;
  routes_.supports_modified_after = store::AsInt(rs->rows[0][0]) != 0;
  PrefetchFirstIncrementalPage("orders", "wc/v3/orders", {{"_fields", woo::kOrderFields}},
                               /*by_modified=*/true, /*count=*/true);
  routes_ = {};
  if (CustomersLightWithoutListing()) {
    Prefetch("wc/v3/customers", CountParams({{"role", "all"}}));
    Prefetch("wc/v3/customers", NewCustomerProbeParams(0));
  }
  // The ledger's first page (WooPayments: its ledger comes with its payouts' route), so that
  // QueueTail knows how many pages follow.
  if (store::AsInt(rs->rows[0][1]) != 0) PrefetchLedger();
}

// Before an incremental run's refresh (local work of a few hundred milliseconds), everything
// the categories after it will ask for that is known by now goes out: the customers' `include=`
// batches (the probe's new accounts and the accounts the orders named), the ledger's further
// pages when its prefetched first page, which tells how many, is in, and every queued prefetch,
// now on all workers.
void Run::QueueTail() {
  if (CustomersLightWithoutListing()) {
    auto fresh = NewCustomerIds("wc/v3/customers");
    if (fresh.ok() && fresh->has_value()) {
      const std::vector<int64_t> ids = LightCustomerIds(**fresh);
      for (size_t i = 0; i < ids.size(); i += 100) {
        Prefetch("wc/v3/customers", CustomerBatchParams(ids, i), /*background=*/false);
      }
    }
  }
  if (Wanted("payments") && routes_.has_payments_transactions) {
    auto state = ReadState("payments");
    const std::string after = state.ok() ? LedgerAfter(state->cursor) : "";
    const woo::Params params = LedgerParams(after);
    auto first = prefetched_.find(
        FetchKey("wc/v3/payments/transactions", WrapperPageParams(params, 1, kWrapperPageSize)));
    if (!after.empty() && first != prefetched_.end() &&
        first->second.done.wait_for(std::chrono::seconds(0)) == std::future_status::ready &&
        first->second.done.get().ok()) {
      int64_t total = -1;
      if (woo::ParseTransactions(first->second.response->body, &total).ok() && total > 0) {
        const int64_t pages = (total + kWrapperPageSize - 1) / kWrapperPageSize;
        for (int64_t page = 2; page <= std::min<int64_t>(pages, 20); ++page) {
          Prefetch("wc/v3/payments/transactions",
                   WrapperPageParams(params, static_cast<int>(page), kWrapperPageSize),
                   /*background=*/false);
        }
      }
    }
  }
  fetcher_.PromoteBackground();
}

Status Run::Execute() {
  if (!options_.full) {
    auto orders = ReadState("orders");
    incremental_ = orders.ok() && orders->cursor.mode == "done";
  }
  StatusOr<Outcome> discovered = Discover();
  if (!discovered.ok()) {
    const Status& s = discovered.status();
    for (const char* c : kCategories) {
      if (!Wanted(c)) continue;
      CLEVER_RETURN_IF_ERROR(EnsureStateRow(c));
      CLEVER_RETURN_IF_ERROR(SetState(c, "failed", s.message(), HintFor(s), false));
    }
    return s.WithContext("reading the store's index");
  }
  if (incremental_) PrefetchIncremental();
  // The orders before the customers, in every run: a checkout moves its customer's
  // date_modified, and the light customers pass re-reads only the accounts named by the orders
  // the run found new or changed (CustomersLight). So an order's change is either read before
  // this run's customers pass reads its customer, or found changed by the next run, which then
  // reads the customer again.
  CLEVER_RETURN_IF_ERROR(Category("orders", [&] { return Orders(); }));
  CLEVER_RETURN_IF_ERROR(Category("refunds", [&] { return Refunds(); }));
  // Everything the derived tables read is written: an incremental run refreshes them now, while
  // the fetch workers take the other categories' queued GETs; any other run starts their full
  // build on another thread and connection, which SyncEngine::Run copies in after the first
  // commit that finds it ready, or at the run's end (the build itself writes nothing there: the
  // writer keeps the database's write lock for the other categories).
  if (incremental_ && refresh_) {
    QueueTail();
    // The orders' and refunds' pages in the log go to the database file on another core while
    // this one refreshes: the checkpoint at close then copies only what is written from here on.
    checkpointed_ = db_.CheckpointInBackground();
    refresh_();
    refresh_ = nullptr;
  } else if (!incremental_ && start_full_build_) {
    start_full_build_();
    start_full_build_ = nullptr;
  }
  CLEVER_RETURN_IF_ERROR(Category("customers", [&] { return Customers(); }));
  CLEVER_RETURN_IF_ERROR(Category("products", [&] { return Products(); }));
  CLEVER_RETURN_IF_ERROR(Category("coupons", [&] { return Coupons(); }));
  CLEVER_RETURN_IF_ERROR(Category("payments", [&] { return Payments(); }));
  CLEVER_RETURN_IF_ERROR(Category("payouts", [&] { return Payouts(); }));
  CLEVER_RETURN_IF_ERROR(Category("disputes", [&] { return Disputes(); }));
  CLEVER_RETURN_IF_ERROR(Category("reports", [&] { return Reports(); }));
  if (failures_.empty()) return OkStatus();
  std::string summary = std::to_string(failures_.size()) + " of the store's categories failed: ";
  for (size_t i = 0; i < failures_.size(); ++i) summary += (i ? "; " : "") + failures_[i];
  return Status(first_failure_.code(), summary);
}

}  // namespace

SyncEngine::SyncEngine(store::Database& db, woo::ApiFactory api, Clock& clock, SyncOptions o)
    : db_(db), api_(std::move(api)), clock_(clock), options_(std::move(o)) {}

Status SyncEngine::Run(int64_t store_id, const ProgressFn& progress) {
  FetchPolicy policy;
  policy.concurrency = options_.concurrency;
  policy.max_attempts = options_.max_attempts;
  policy.backoff_base = options_.backoff_base;
  policy.backoff_cap = options_.backoff_cap;
  Fetcher fetcher(api_, clock_, policy);
  // SQLite settings for the sync's duration, restored afterwards: a 64 MiB page cache (the
  // default 2 MiB made every upsert re-read index pages through the kernel), statement journals
  // in memory (multi-row upserts spilled them to temp files: 3/4 of all bytes written), and
  // fewer WAL checkpoints (a page changed by several commits is copied once). (temp_store drops
  // TEMP tables of the connection; Clever creates none.)
  std::vector<std::pair<std::string, int64_t>> saved;
  if (db_.dialect() == store::Dialect::kSqlite) {
    for (const auto& [pragma, value] : std::vector<std::pair<std::string, std::string>>{
             {"cache_size", "-65536"}, {"temp_store", "2"}, {"wal_autocheckpoint", "16384"}}) {
      auto rs = db_.Query("PRAGMA " + pragma);
      if (!rs.ok() || rs->rows.empty() || rs->rows[0].empty()) continue;
      saved.emplace_back(pragma, store::AsInt(rs->rows[0][0]));
      (void)db_.Execute("PRAGMA " + pragma + " = " + value);
    }
  }
  // First load into empty tables (the common case, and the benchmarked one): the secondary
  // indexes of orders, customers and their children are dropped and built once at the end, one
  // sort each instead of a random B-tree insert per row (store::BulkLoadIndexes). Whatever ends
  // this run, they are back afterwards: built below, and at the start of every sync (the first
  // step here) if a killed process left them dropped. Only when no store has any order or
  // customer yet: another store's queries keep their indexes.
  Status status = store::RestoreBulkLoadIndexes(db_);
  bool indexes_dropped = false;
  if (status.ok() && db_.dialect() == store::Dialect::kSqlite) {
    auto rs = db_.Query("SELECT EXISTS (SELECT 1 FROM orders) OR EXISTS (SELECT 1 FROM customers)");
    if (rs.ok() && !rs->rows.empty() && store::AsInt(rs->rows[0][0]) == 0) {
      status = store::DropBulkLoadIndexes(db_);
      indexes_dropped = true;
    }
  }
  // The assistant's derived tables, rebuilt from what is now stored (store/derived.h). A failure
  // leaves them marked stale (the assistant then reads the orders), never wrong.
  bool refreshed = !options_.refresh_derived;
  // Marks them refreshed; `stats.ms` becomes the wall time in this run since `started`.
  auto record_refresh = [&](store::RefreshStats stats,
                            std::chrono::steady_clock::time_point started) {
    stats.ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count();
    if (options_.refresh_stats != nullptr) *options_.refresh_stats = stats;
    refreshed = true;
  };
  auto refresh = [&] {
    const auto started = std::chrono::steady_clock::now();
    store::RefreshStats stats;
    (void)store::RefreshDerived(db_, store_id, IsoUtc(clock_.Now()), &stats);
    record_refresh(stats, started);
  };
  // A run that is not incremental builds them beside its writer once the orders and refunds are
  // in, and copies the build in after the first commit that finds it ready (or at the end); where
  // that cannot be (PostgreSQL, in memory, the orders synced again meanwhile), the refresh below
  // runs as before.
  std::unique_ptr<store::BackgroundFullBuild> beside;
  auto copy_beside = [&] {
    const auto started = std::chrono::steady_clock::now();
    store::RefreshStats stats;
    if (beside->Finish(IsoUtc(clock_.Now()), &stats).ok()) record_refresh(stats, started);
    beside.reset();
  };
  if (status.ok()) {
    class Run run(db_, fetcher, clock_, options_, store_id, progress);
    if (!refreshed && !indexes_dropped) run.SetRefresh(refresh);
    if (!refreshed) {
      run.SetFullBuild([&] { beside = store::BackgroundFullBuild::Start(db_, store_id); });
      run.SetAfterCommit([&] {
        if (beside != nullptr && beside->Ready()) copy_beside();
      });
    }
    status = run.Execute();
  } else {
    status = status.WithContext("preparing the database for the sync");
  }
  // What is left sorts whole tables: the index builds and a full refresh's GROUP BYs. The memory
  // the load freed (its responses and parsed pages) goes back to the system first.
  if (indexes_dropped || !refreshed) malloc_trim(0);
  Status restored = store::RestoreBulkLoadIndexes(db_);
  if (status.ok() && !restored.ok()) {
    status = restored.WithContext("building the database's indexes after the sync");
  }
  if (beside != nullptr) copy_beside();
  if (!refreshed) {
    // temp_store = MEMORY kept every GROUP BY's temporary tree in memory, and each sort may hold
    // as much as the page cache before it spills: at 1,000,000 orders a full refresh alone took
    // 246 MiB. With temporary trees in files and a 32 MiB cache it takes 98 MiB, as fast
    // (docs/sync.md). (The index builds keep the load's cache: they read the tables it holds.)
    if (!saved.empty()) {
      (void)db_.Execute("PRAGMA temp_store = DEFAULT");
      (void)db_.Execute("PRAGMA cache_size = -32768");
    }
    refresh();
  }
  for (const auto& [pragma, value] : saved) {
    (void)db_.Execute("PRAGMA " + pragma + " = " + std::to_string(value));
  }
  return status;
}

woo::ApiOptions SyncApiOptions() {
  woo::ApiOptions options;
  options.backoff.max_attempts = 1;
  return options;
}

StatusOr<std::vector<CategoryStatus>> ReadStatus(store::Database& db, int64_t store_id) {
  CLEVER_ASSIGN_OR_RETURN(
      store::ResultSet rs,
      db.Query("SELECT category, state, records_done, records_total, last_success_at, "
               "error_reason, error_hint FROM sync_state WHERE store_id = ?",
               {Value{store_id}}));
  std::vector<CategoryStatus> out;
  for (const char* c : kCategories) {
    CategoryStatus s;
    s.category = c;
    s.state = "pending";
    for (const auto& row : rs.rows) {
      if (store::AsString(row[0]) != c) continue;
      s.state = store::AsString(row[1]);
      s.records_done = store::AsInt(row[2]);
      s.records_total = store::AsInt(row[3]);
      s.last_success_at = store::AsString(row[4]);
      s.reason = store::AsString(row[5]);
      s.hint = store::AsString(row[6]);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace clever::sync
