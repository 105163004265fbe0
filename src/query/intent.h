// QuestionIntent: what the merchant asked, in catalogue terms, before binding to dates and SQL.
// Produced by Interpret (interpret.h) or, optionally, a language model (validated the same way);
// consumed by Bind (plan.h). Serialised to JSON to carry a conversation's context between turns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace clever::query {

struct QuestionIntent {
  // Out of scope: a non-empty topic ("website traffic") means refuse with out_of_scope.
  std::string out_of_scope;
  std::string metric;       // a catalogue metric name (catalog.h), "" when not understood
  std::string period;       // a period spec (periods.h); "" = not stated (all time)
  std::string base_period;  // comparison base; "" = none
  std::string compare;      // "" | "growth" | "change"
  std::string dimension;    // "" | day | week | month | weekday | year | product | variation |
                            // category | country | customer | coupon | payment_method | status |
                            // reason
  int limit = 0;            // top N (0 = all rows for a breakdown)
  bool ascending = false;   // bottom N / least / cheapest
  bool single = false;      // "which X ..." / "best ..." -> the first row is the answer
  // Filters.
  std::vector<std::string> statuses;  // order / dispute / payout statuses
  std::string country;                // ISO code
  std::vector<int64_t> product_ids;
  std::string product;  // display name of the product filter
  std::vector<int64_t> variation_ids;
  std::string variation;
  std::string category;
  std::string coupon;                  // lower-case code
  std::string unknown_coupon;          // a code the question names that the store does not have
  std::string unsupported_filter;      // a condition Clever cannot apply ("orders over $500")
  std::string payment_method;          // method key (title, else gateway id)
  std::string customer_key;            // c:<id> | e:<email>
  std::string customer;                // display name
  std::vector<std::string> namesakes;  // customers a first name alone fits, when several
  std::string customer_type;           // "" | new | returning
  std::string type;                    // product type / coupon discount_type
  int threshold = 0;                   // low stock threshold, min orders, lapsed days
  std::vector<std::string> notes;      // defaults applied, stated in the answer

  friend bool operator==(const QuestionIntent&, const QuestionIntent&) = default;

  [[nodiscard]] std::string ToJson() const;
  // Parses ToJson()'s output; unknown keys are ignored, wrong types are kInvalidArgument.
  static StatusOr<QuestionIntent> FromJson(const std::string& text);
};

}  // namespace clever::query
