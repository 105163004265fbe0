// Bind: QuestionIntent -> QueryPlan, a typed plan over the catalogue (catalog.h) with the periods
// resolved to store-local date ranges at the as-of date. QueryPlan::ToString() is stable (tests
// compare it) and is what `plan` in the answer describes.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/dates.h"
#include "common/status.h"
#include "query/catalog.h"
#include "query/intent.h"
#include "query/periods.h"

namespace clever::query {

struct QueryPlan {
  const MetricInfo* info = nullptr;
  std::string metric;
  std::string period;  // spec
  DateRange range;
  std::string base_period;  // spec, "" = no comparison
  DateRange base_range;
  std::string compare;  // "" | growth | change
  std::string dimension;
  int limit = 0;
  bool ascending = false;
  bool single = false;
  std::vector<std::string> statuses;
  std::string country;
  std::vector<int64_t> product_ids;
  std::string product;
  std::vector<int64_t> variation_ids;
  std::string variation;
  std::string category;
  std::string coupon;
  std::string payment_method;
  std::string customer_key;
  std::string customer;
  std::string customer_type;
  std::string type;
  int threshold = 0;
  CivilDate as_of;
  std::vector<std::string> notes;

  // "metric=gross_sales period=last_days:14[2025-11-02..2025-11-15]" + one " key=value" per set
  // field, in a fixed order.
  [[nodiscard]] std::string ToString() const;
  // The same fields as ordered key/value pairs (the answer's "plan" object).
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> Fields() const;
};

// kInvalidArgument: metric not in the catalogue, a breakdown it does not support, a bad period.
StatusOr<QueryPlan> Bind(const QuestionIntent& intent, CivilDate as_of);

}  // namespace clever::query
