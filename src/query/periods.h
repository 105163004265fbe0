// Period specs (metrics.md section 2) and their resolution to inclusive store-local date ranges.
// A spec is a short stable string, e.g. "last_month", "last_days:14", "month:2025:10",
// "range:2025-03-01:2025-03-31", "quarter:2025:3", "all". Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/dates.h"
#include "common/status.h"

namespace clever::query {

struct DateRange {
  std::optional<CivilDate> start;              // nullopt = since the beginning
  CivilDate end;                               // inclusive, never after the as-of date
  [[nodiscard]] int64_t Days() const;          // needs start
  [[nodiscard]] std::string ToString() const;  // "2025-10-01..2025-10-31" or "..2025-11-15"
};

// Resolves `spec` at as-of date `d`. kInvalidArgument for an unknown spec. A range that starts
// after `d` resolves to an empty range (start > end) which every query treats as no data.
StatusOr<DateRange> ResolvePeriod(std::string_view spec, CivilDate d);

// The base period a comparison uses when the merchant gives none ("growth this month" -> last
// month; "last 30 days" -> the previous 30 days; "this year" -> last year ...).
std::string DefaultBasePeriod(std::string_view spec);

// Merchant-facing description: "in October 2025", "in the last 14 days (2 Nov – 15 Nov 2025)",
// "so far this year (1 Jan – 15 Nov 2025)", "in total (all time up to 15 Nov 2025)".
std::string DescribePeriod(std::string_view spec, const DateRange& range);

// "15 Nov 2025".
std::string FormatDate(const CivilDate& d);

// Black Friday of `year`: the day after the fourth Thursday of November.
CivilDate BlackFriday(int year);
extern const char* const kMonthNames[13];
extern const char* const kWeekdayNames[8];

}  // namespace clever::query
