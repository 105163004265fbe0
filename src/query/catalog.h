// The fixed catalogue of metrics and dimensions the assistant can answer, each defined exactly as
// in ../shared/docs/metrics.md (the tag in `definition` names the section). Nothing outside this
// catalogue is ever computed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace clever::query {

enum class Unit { kMoney, kCount, kPercent, kNumber, kDate, kEntities };

struct MetricInfo {
  const char* name;
  Unit unit;
  const char* categories;  // comma-separated data categories used
  const char* label;       // merchant-facing noun phrase, e.g. "gross sales"
  const char* definition;  // the definition applied, quoted from metrics.md
  const char* dimensions;  // comma-separated breakdowns it supports ("" = none)
  bool periodic;           // takes a period
};

// nullptr when `name` is not in the catalogue.
const MetricInfo* FindMetric(std::string_view name);
const std::vector<MetricInfo>& AllMetrics();
bool SupportsDimension(const MetricInfo& m, std::string_view dimension);
std::vector<std::string> SplitCsv(std::string_view csv);

// The nine data categories (the out-of-scope message names them).
inline constexpr const char* kNineCategories =
    "customers, orders, products, coupons, refunds, payments, payouts, disputes and reports";

// Country names (English) <-> ISO codes, the ones WooCommerce stores use most.
struct CountryName {
  const char* code;
  const char* name;
  const char* aliases;  // '|'-separated
};
const std::vector<CountryName>& Countries();
std::string CountryDisplayName(std::string_view code);

// Well-known payment gateways: their WooCommerce id, default title and the words merchants use
// for them ("bank transfer" for bacs). Only phrases that cannot be ordinary words ("check" alone
// would be "check my sales").
struct GatewayName {
  const char* id;
  const char* title;
  const char* aliases;  // '|'-separated
};
const std::vector<GatewayName>& KnownGateways();

}  // namespace clever::query
