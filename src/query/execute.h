// Execute: runs a QueryPlan's SQL (sql.h) on one store and turns the raw cells into figures in
// display units (money in major units, percentages in percent), with entity display names
// resolved per metrics.md ([M-NAMES], [M-VARIATIONS], [M-COUNTRY] ...). Undefined figures
// (a zero denominator, no data for a maximum, untracked stock) are reported, never guessed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "query/plan.h"
#include "query/sql.h"
#include "store/database.h"

namespace clever::query {

struct ResultRow {
  std::string key;
  std::string name;                 // display name (column 0)
  std::optional<double> value;      // in display units; nullopt = undefined
  std::optional<double> secondary;  // e.g. share of total, stock quantity
};

struct Result {
  bool defined = true;
  std::string undefined_reason;
  std::optional<double> value;    // the headline figure (display units)
  std::string entity;             // the headline entity / date, when the answer is one
  std::vector<std::string> tied;  // "which X ...": others with the entity's value (up to 20)
  std::vector<ResultRow> rows;    // breakdown, ranking (in rank order) or set
  // Sets: the whole set's size and, when rows hold only its first kMaxListedRows + 1 (sql.h),
  // the sum of all its values (display units); nullopt = rows hold the whole set.
  size_t set_size = 0;
  std::optional<double> set_value_sum;
  std::optional<double> current, base;  // comparisons: both periods' figures
  std::vector<std::string> statements;  // the SQL run (bound parameters not included)
  double sql_ms = 0;                    // time spent inside the database
};

StatusOr<Result> Execute(store::Database& db, const QueryPlan& plan, const StoreFacts& facts);

// Converts one metric's raw (a, b) cells to display units; nullopt when undefined.
std::optional<double> FigureOf(const QueryPlan& plan, const StoreFacts& facts,
                               const store::Value& a, const store::Value& b, const DateRange& range,
                               const store::Value& n);

}  // namespace clever::query
