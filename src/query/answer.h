// Answer: the merchant-facing result of one question (text, headline value, table, chart spec,
// definitions, categories, freshness) and its composition from a plan's Result (execute.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "query/execute.h"
#include "query/plan.h"
#include "query/sql.h"

namespace clever::query {

using Cell = std::variant<std::nullptr_t, int64_t, double, std::string>;

struct ChartSpec {
  std::string kind;  // bar | line
  std::string x, y;  // column names of the table
  std::vector<std::string> series;
};

struct Answer {
  std::string status;  // answered | insufficient_data | out_of_scope
  std::string text;
  Cell value = nullptr;
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::optional<ChartSpec> chart;
  std::vector<std::string> categories;
  std::vector<std::pair<std::string, std::string>> plan;  // QueryPlan::Fields()
  std::string plan_text;                                  // QueryPlan::ToString()
  std::vector<std::string> definitions;
  std::string as_of;      // YYYY-MM-DD
  std::string synced_at;  // UTC ISO time of the data's last sync
  std::string freshness;  // "as of the last sync, 10:42"
  std::string context;    // serialised intent for the next turn
};

// "$1,234.50" for the currencies with a well-known symbol, else "1,234.50 CAD".
std::string FormatMoney(double major, const std::string& currency, int decimals);
std::string FormatCount(double v);
std::string FormatPercent(double v);

// Builds the answer of one store's result.
Answer ComposeAnswer(const QueryPlan& plan, const Result& result, const StoreFacts& facts);

// The out-of-scope refusal naming the nine categories.
Answer OutOfScopeAnswer(const std::string& topic);
// An in-scope question that cannot be answered, with the reason.
Answer InsufficientAnswer(const std::string& reason, const std::vector<std::string>& categories);

}  // namespace clever::query
