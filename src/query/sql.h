// SQL generation: QueryPlan -> one SELECT with `?` placeholders and bound parameters. No text
// from the question is ever pasted into SQL: names, codes, dates and numbers travel as
// parameters; only fixed fragments of this file form the statement. The SQL is portable between
// SQLite and PostgreSQL (substr, lower, trim, CAST(.. AS TEXT), ||, CASE, EXISTS, window
// functions); `dialect` exists for the few places that may differ.
//
// Every statement returns the columns k (group key or NULL), a (numerator), b (denominator or
// NULL), n (a fallback display name or NULL); execute.h turns them into figures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/dates.h"
#include "common/status.h"
#include "query/periods.h"
#include "query/plan.h"
#include "store/database.h"

namespace clever::query {

// What the planner needs to know about one store (store_info + sync_state).
struct StoreFacts {
  int64_t store_id = 0;
  std::string name;
  std::string currency = "USD";
  int decimals = 2;
  StoreTimeZone tz = StoreTimeZone::Utc();
  bool woopayments = true;  // payouts and disputes are synced for this store
  std::string synced_at;    // UTC ISO time of the last successful sync ("" = never)
  // store/derived.h: the derived tables match the synced data (false = answer from the orders),
  // and the latest order and refund dates they cover.
  bool derived_fresh = false;
  std::string derived_through, derived_refunds_through;
  bool derived_periods_exact = false;  // customer_periods' months and years match date ranges
};

struct SqlQuery {
  std::string text;
  std::vector<store::Value> params;
};

// A list answer's table holds at most this many rows; its figures (count, amount) count all.
inline constexpr size_t kMaxListedRows = 1000;

// The statement computing `plan.metric` over `range` (the plan's range or its base range).
// kInvalidArgument for a combination the catalogue does not define.
// For a capped set (IsCappedSet: which/list questions whose rows can be many, e.g. the orders
// awaiting payment) the statement returns only the first kMaxListedRows + 1 rows in display
// order; when it returns more than kMaxListedRows, BuildSetTotalsSql's statement gives the
// whole set's row count (column a) and the sum of its a column (column b).
StatusOr<SqlQuery> BuildSql(const QueryPlan& plan, const DateRange& range, const StoreFacts& facts,
                            store::Dialect dialect);
bool IsCappedSet(const QueryPlan& plan);
StatusOr<SqlQuery> BuildSetTotalsSql(const QueryPlan& plan, const DateRange& range,
                                     const StoreFacts& facts, store::Dialect dialect);

}  // namespace clever::query
