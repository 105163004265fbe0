#include "query/plan.h"

#include "query/text.h"

namespace clever::query {
namespace {

bool IsLineDimension(const std::string& d) {
  return d == "product" || d == "category" || d == "variation";
}

}  // namespace

StatusOr<QueryPlan> Bind(const QuestionIntent& intent, CivilDate as_of) {
  QueryPlan p;
  p.metric = intent.metric;
  p.dimension = intent.dimension;
  const bool product_filter =
      !intent.product_ids.empty() || !intent.variation_ids.empty() || !intent.category.empty();
  // Sales of a product / category are its line totals [M-TOP-PRODUCTS] [M-CATEGORY].
  if ((product_filter || IsLineDimension(p.dimension)) && p.metric == "gross_sales") {
    p.metric = "product_revenue";
  }
  if (IsLineDimension(p.dimension) && p.metric == "order_count") p.metric = "product_orders";
  if (product_filter && p.metric == "order_count") p.metric = "product_orders";
  // A name the store does not have (interpret.cc UnknownName): say so rather than drop the
  // filter and answer for the whole store.
  if (!intent.product.empty() && intent.product_ids.empty() && intent.variation_ids.empty() &&
      intent.category.empty()) {
    return NotFoundError("this store has no product called \"" + intent.product +
                         "\" (check the name as it appears in the catalogue)");
  }
  // Never the unfiltered figure for a filtered question.
  if (!intent.unsupported_filter.empty()) {
    return NotFoundError("I can't filter by " + intent.unsupported_filter +
                         " yet, so I have no exact figure for that; ask without it for the "
                         "total over every order");
  }
  if (!intent.unknown_coupon.empty()) {
    return NotFoundError("this store has no coupon with the code \"" + intent.unknown_coupon +
                         "\" (check the code as it appears under Marketing > Coupons)");
  }
  if (intent.customer_key.empty() && !intent.namesakes.empty()) {
    return NotFoundError("several customers are called \"" + intent.customer + "\" (" +
                         Join(intent.namesakes, ", ") +
                         "); give the full name or the e-mail address");
  }
  if (!intent.customer.empty() && intent.customer_key.empty()) {
    return NotFoundError("this store has no customer called \"" + intent.customer +
                         "\" (try the full name or the e-mail address)");
  }
  p.info = FindMetric(p.metric);
  if (p.info == nullptr) return InvalidArgumentError("metric not in the catalogue");
  if (!SupportsDimension(*p.info, p.dimension)) {
    return InvalidArgumentError("this figure cannot be broken down by " + p.dimension);
  }
  p.period = intent.period;
  if (!p.info->periodic) p.period = "";
  if (p.info->periodic && p.period.empty()) p.period = "all";
  CLEVER_ASSIGN_OR_RETURN(p.range, ResolvePeriod(p.period.empty() ? "all" : p.period, as_of));
  p.compare = intent.compare;
  p.base_period = intent.base_period;
  if (!p.compare.empty() && p.base_period.empty()) p.base_period = DefaultBasePeriod(p.period);
  if (!p.compare.empty() && p.base_period.empty()) {
    return InvalidArgumentError("no period to compare with");
  }
  if (!p.base_period.empty()) {
    if (p.compare.empty()) p.compare = "growth";
    CLEVER_ASSIGN_OR_RETURN(p.base_range, ResolvePeriod(p.base_period, as_of));
  }
  p.limit = intent.limit;
  p.ascending = intent.ascending;
  p.single = intent.single;
  p.statuses = intent.statuses;
  p.country = intent.country;
  p.product_ids = intent.product_ids;
  p.product = intent.product;
  p.variation_ids = intent.variation_ids;
  p.variation = intent.variation;
  p.category = intent.category;
  p.coupon = intent.coupon;
  p.payment_method = intent.payment_method;
  p.customer_key = intent.customer_key;
  p.customer = intent.customer;
  p.customer_type = intent.customer_type;
  p.type = intent.type;
  p.threshold = intent.threshold;
  p.as_of = as_of;
  p.notes = intent.notes;
  return p;
}

std::vector<std::pair<std::string, std::string>> QueryPlan::Fields() const {
  std::vector<std::pair<std::string, std::string>> f;
  f.emplace_back("metric", metric);
  if (!period.empty()) f.emplace_back("period", period + "[" + range.ToString() + "]");
  if (!base_period.empty()) {
    f.emplace_back("base", base_period + "[" + base_range.ToString() + "]");
    f.emplace_back("compare", compare);
  }
  if (!dimension.empty()) f.emplace_back("by", dimension);
  if (limit) f.emplace_back("limit", std::to_string(limit));
  if (ascending) f.emplace_back("order", "ascending");
  if (single) f.emplace_back("pick", "first");
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "|" : "") + v[i];
    return s;
  };
  auto ids = [](const std::vector<int64_t>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "|" : "") + std::to_string(v[i]);
    return s;
  };
  if (!statuses.empty()) f.emplace_back("status", list(statuses));
  if (!country.empty()) f.emplace_back("country", country);
  if (!product_ids.empty()) f.emplace_back("product", product + "#" + ids(product_ids));
  if (!variation_ids.empty()) f.emplace_back("variation", variation + "#" + ids(variation_ids));
  if (!category.empty()) f.emplace_back("category", category);
  if (!coupon.empty()) f.emplace_back("coupon", coupon);
  if (!payment_method.empty()) f.emplace_back("payment_method", payment_method);
  if (!customer_key.empty()) f.emplace_back("customer", customer_key);
  if (!customer_type.empty()) f.emplace_back("customer_type", customer_type);
  if (!type.empty()) f.emplace_back("type", type);
  if (threshold) f.emplace_back("threshold", std::to_string(threshold));
  return f;
}

std::string QueryPlan::ToString() const {
  std::string s;
  for (const auto& [k, v] : Fields()) {
    if (!s.empty()) s += ' ';
    s += k + "=" + v;
  }
  return s;
}

}  // namespace clever::query
