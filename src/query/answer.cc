#include "query/answer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "query/catalog.h"
#include "query/text.h"

namespace clever::query {
namespace {

std::string Thousands(const std::string& digits) {
  std::string out;
  int n = 0;
  for (size_t i = digits.size(); i-- > 0;) {
    out.insert(out.begin(), digits[i]);
    if (++n % 3 == 0 && i > 0) out.insert(out.begin(), ',');
  }
  return out;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
  std::string s = buf;
  size_t dot = s.find('.');
  std::string whole = dot == std::string::npos ? s : s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot);
  return (v < 0 && std::fabs(v) >= 0.5 * std::pow(10.0, -decimals) ? "-" : "") + Thousands(whole) +
         frac;
}

double Round(double v, int decimals) {
  double p = std::pow(10.0, decimals);
  return std::round(v * p) / p;
}

std::string FormatFigure(const MetricInfo& m, double v, const StoreFacts& f) {
  switch (m.unit) {
    case Unit::kMoney:
      return FormatMoney(v, f.currency, f.decimals);
    case Unit::kPercent:
      return FormatPercent(v);
    case Unit::kCount:
    case Unit::kEntities:
      return FormatCount(v);
    default:
      return Fixed(v, 2);
  }
}

Cell CellOf(const MetricInfo& m, double v, const StoreFacts& f) {
  if (m.unit == Unit::kCount || m.unit == Unit::kEntities) {
    if (std::fabs(v - std::round(v)) < 1e-9) return static_cast<int64_t>(std::llround(v));
  }
  if (m.unit == Unit::kMoney) return Round(v, f.decimals);
  return Round(v, m.unit == Unit::kPercent ? 2 : 4);
}

std::string DimensionNoun(const std::string& d) {
  if (d == "payment_method") return "payment method";
  if (d == "weekday") return "day of the week";
  if (d == "type") return "product type";
  return d;
}

// "country" -> "countries", "day of the week" -> "days of the week", "product" -> "products".
std::string PluralNoun(const std::string& d) {
  std::string noun = DimensionNoun(d);
  if (noun == "day of the week") return "days of the week";
  if (noun.size() > 1 && noun.back() == 'y' &&
      std::string("aeiou").find(noun[noun.size() - 2]) == std::string::npos) {
    return noun.substr(0, noun.size() - 1) + "ies";
  }
  return noun + "s";
}

std::string Filters(const QueryPlan& p) {
  std::string s;
  if (!p.product.empty()) s += " for " + p.product;
  if (!p.variation.empty()) s += " for " + p.variation;
  // The stored name, as WooCommerce escapes it ("Tents &amp; Shelters"), shown decoded.
  if (!p.category.empty()) s += " in the category " + DecodeHtmlEntities(p.category);
  if (!p.country.empty()) s += " from " + CountryDisplayName(p.country);
  if (!p.payment_method.empty()) s += " paid with " + p.payment_method;
  if (!p.coupon.empty()) s += " with the coupon " + p.coupon;
  if (!p.customer.empty()) s += " by " + p.customer;
  if (!p.customer_type.empty()) s += " from " + p.customer_type + " customers";
  if (!p.statuses.empty()) s += " with status " + Join(p.statuses, " or ");
  if (!p.type.empty()) s += " of type " + p.type;
  return s;
}

std::string Capitalize(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

}  // namespace

std::string FormatMoney(double major, const std::string& currency, int decimals) {
  std::string sym;
  if (currency == "USD" || currency == "CAD" || currency == "AUD" || currency == "NZD") sym = "$";
  if (currency == "EUR") sym = "\xE2\x82\xAC";
  if (currency == "GBP") sym = "\xC2\xA3";
  if (currency == "JPY") sym = "\xC2\xA5";
  std::string num = Fixed(major, decimals);
  if (!sym.empty() &&
      (currency == "USD" || currency == "EUR" || currency == "GBP" || currency == "JPY")) {
    if (!num.empty() && num[0] == '-') return "-" + sym + num.substr(1);
    return sym + num;
  }
  return num + " " + currency;
}

std::string FormatCount(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return Fixed(v, 0);
  return Fixed(v, 2);
}

std::string FormatPercent(double v) { return Fixed(v, 1) + "%"; }

Answer OutOfScopeAnswer(const std::string& topic) {
  Answer a;
  a.status = "out_of_scope";
  a.text = "I can only answer from your store's synced data: " + std::string(kNineCategories) +
           "." +
           (topic.empty() ? std::string(" I could not match this question to any of them.")
                          : " " + Capitalize(topic) +
                                " is not part of that data, so I have "
                                "no figure for it.");
  return a;
}

Answer InsufficientAnswer(const std::string& reason, const std::vector<std::string>& categories) {
  Answer a;
  a.status = "insufficient_data";
  a.text = "I can't give a figure for this: " + reason + ".";
  a.categories = categories;
  return a;
}

Answer ComposeAnswer(const QueryPlan& plan, const Result& r, const StoreFacts& f) {
  Answer a;
  const MetricInfo& m = *plan.info;
  a.categories = SplitCsv(m.categories);
  a.plan = plan.Fields();
  a.plan_text = plan.ToString();
  a.definitions.push_back(m.definition);
  if (m.categories == std::string("orders") || plan.metric == "items_sold" ||
      plan.metric == "product_revenue" || plan.metric == "customer_count") {
    a.definitions.push_back(
        "sales orders are orders with status completed, processing or on-hold, dated by their "
        "store-local creation date [M-SALES]");
  }
  for (const std::string& n : plan.notes) a.definitions.push_back(n);
  const std::string period = plan.info->periodic ? DescribePeriod(plan.period, plan.range) : "";
  const std::string label = m.label;
  const std::string filters = Filters(plan);
  if (!r.defined) {
    a.status = "insufficient_data";
    a.text = "I can't give a figure for " + label + filters + (period.empty() ? "" : " " + period) +
             ": " + r.undefined_reason + ".";
    a.columns = {"period", plan.metric};
    return a;
  }
  a.status = "answered";
  auto fig = [&](const std::optional<double>& v) {
    return v ? FormatFigure(m, *v, f) : std::string("undefined");
  };

  // Comparison.
  if (!plan.base_period.empty()) {
    const std::string base_desc = DescribePeriod(plan.base_period, plan.base_range);
    a.columns = {"period", "range", plan.metric};
    for (const ResultRow& row : r.rows) {
      a.rows.push_back({row.key, row.name, row.value ? CellOf(m, *row.value, f) : Cell{nullptr}});
    }
    if (plan.compare == "change") {
      a.value = CellOf(m, *r.value, f);
      a.text = Capitalize(label) + filters + " " + period + ": " + fig(r.current) + ", against " +
               fig(r.base) + " " + base_desc + " (a change of " + (*r.value >= 0 ? "+" : "") +
               FormatFigure(m, *r.value, f) + ").";
    } else {
      a.value = Round(*r.value, 2);
      a.text = Capitalize(label) + filters + " " + period + ": " + fig(r.current) + ", against " +
               fig(r.base) + " " + base_desc + " \xE2\x80\x94 " +
               (*r.value >= 0 ? "up " : "down ") + FormatPercent(std::fabs(*r.value)) + ".";
    }
    a.chart = ChartSpec{"bar", "period", plan.metric, {plan.metric}};
    return a;
  }

  // Sets (which/list questions): one row per entity.
  if (m.unit == Unit::kEntities) {
    a.columns = {"name"};
    if (plan.metric == "low_stock") a.columns.push_back("stock_quantity");
    if (plan.metric == "unpaid_orders" || plan.metric == "open_disputes" ||
        plan.metric == "disputes_needing_response") {
      a.columns.push_back("amount");
    }
    // A list is for reading: the table holds the first kMaxListedRows (sql.h), the figures
    // count all (r.set_size; rows may hold only the first kMaxListedRows + 1).
    const size_t size = std::max(r.set_size, r.rows.size());
    for (const ResultRow& row : r.rows) {
      if (a.rows.size() == kMaxListedRows) break;
      std::vector<Cell> cells = {row.name};
      if (a.columns.size() > 1) {
        Cell extra = nullptr;
        if (row.value && plan.metric == "low_stock") extra = static_cast<int64_t>(*row.value);
        if (row.value && plan.metric != "low_stock") extra = Round(*row.value, f.decimals);
        cells.push_back(std::move(extra));
      }
      a.rows.push_back(std::move(cells));
    }
    a.value = static_cast<int64_t>(size);
    std::string list;
    for (size_t i = 0; i < r.rows.size() && i < 10; ++i) list += (i ? ", " : "") + r.rows[i].name;
    if (size > 10) list += " and " + std::to_string(size - 10) + " more";
    if (plan.metric == "unpaid_orders") {
      double total = 0;
      if (r.set_value_sum) {
        total = *r.set_value_sum;
      } else {
        for (const ResultRow& row : r.rows) total += row.value.value_or(0);
      }
      a.text =
          "You have " + FormatCount(static_cast<double>(size)) + " " + label +
          (size == 0 ? "" : " worth " + FormatMoney(total, f.currency, f.decimals) + ": " + list) +
          ".";
    } else {
      a.text = size == 0
                   ? "There are no " + label + filters + (period.empty() ? "" : " " + period) + "."
                   : Capitalize(label) + filters + (period.empty() ? "" : " " + period) + " (" +
                         std::to_string(size) + "): " + list + ".";
    }
    if (size > kMaxListedRows) {
      a.text +=
          " The table lists the first " + FormatCount(static_cast<double>(kMaxListedRows)) + ".";
    }
    if (plan.metric == "low_stock") {
      a.text += " Low stock means " + std::to_string(plan.threshold > 0 ? plan.threshold : 5) +
                " units or fewer (sold-out items are listed as out of stock).";
    }
    return a;
  }

  // Single dated answers.
  if (plan.metric == "last_payout_date" || plan.metric == "next_dispute_deadline") {
    a.value = r.entity;
    a.columns = {"date"};
    a.rows.push_back({r.entity});
    a.text = Capitalize(label) + ": " + FormatDate(*ParseCivilDate(r.entity)) + ".";
    return a;
  }
  if (plan.metric == "last_payout") {
    a.value = CellOf(m, *r.value, f);
    a.columns = {"date", "amount"};
    a.rows.push_back({r.rows[0].name, CellOf(m, *r.value, f)});
    a.text = "Your last payout was " + fig(r.value) + ", arriving on " +
             FormatDate(*ParseCivilDate(r.rows[0].name)) + ".";
    return a;
  }

  // Scalars.
  if (plan.dimension.empty() && plan.metric != "product_price") {
    a.value = CellOf(m, *r.value, f);
    a.columns = {"period", plan.metric};
    a.rows.push_back({plan.period.empty() ? plan.as_of.ToString() : plan.range.ToString(),
                      CellOf(m, *r.value, f)});
    a.text = Capitalize(label) + filters + (period.empty() ? "" : " " + period) + ": " +
             fig(r.value) + ".";
    if (plan.metric == "gross_sales") {
      a.text +=
          " Sales = gross sales (order totals incl. tax and shipping) of completed, processing and "
          "on-hold orders.";
    }
    return a;
  }

  // Breakdowns and rankings.
  a.columns = {DimensionNoun(plan.dimension.empty() ? "product" : plan.dimension), plan.metric};
  for (const ResultRow& row : r.rows) {
    a.rows.push_back({row.name, row.value ? CellOf(m, *row.value, f) : Cell{nullptr}});
  }
  const bool time = plan.dimension == "day" || plan.dimension == "week" ||
                    plan.dimension == "month" || plan.dimension == "year";
  const bool ranked = plan.single || plan.limit > 0 || !time;
  a.chart = ChartSpec{time && !ranked ? "line" : "bar", a.columns[0], plan.metric, {plan.metric}};
  if (r.rows.empty()) {
    a.text = "No " + label + filters + (period.empty() ? "" : " " + period) + ".";
    return a;
  }
  if (plan.single) {
    a.value = r.entity;
    const std::string how = plan.ascending ? "lowest" : "highest";
    if (plan.metric == "product_count") {
      a.text = r.entity + " has the " + (plan.ascending ? "fewest" : "most") + " products" +
               filters + " (" + fig(r.rows[0].value) + ").";
    } else {
      a.text = r.entity + " had the " + how + " " + label + filters +
               (period.empty() ? "" : " " + period) + " (" + fig(r.rows[0].value) + ").";
    }
    if (!r.tied.empty()) {
      std::vector<std::string> shown(r.tied.begin(),
                                     r.tied.begin() + std::min<size_t>(r.tied.size(), 5));
      a.text +=
          " Tied with it: " + Join(shown, ", ") +
          (r.tied.size() > shown.size() ? " and " + std::to_string(r.tied.size() - 5) + " more"
                                        : "") +
          ".";
    }
    return a;
  }
  if (ranked) {
    a.value = r.entity;
    std::string list;
    size_t k = plan.limit > 0 ? std::min<size_t>(static_cast<size_t>(plan.limit), r.rows.size())
                              : std::min<size_t>(r.rows.size(), 10);
    for (size_t i = 0; i < k; ++i) {
      list += (i ? ", " : "") + std::to_string(i + 1) + ". " + r.rows[i].name + " (" +
              fig(r.rows[i].value) + ")";
    }
    a.text = Capitalize(plan.ascending ? "bottom " : "top ") + std::to_string(k) + " " +
             (k == 1 ? DimensionNoun(plan.dimension) : PluralNoun(plan.dimension)) + " by " +
             label + filters + (period.empty() ? "" : " " + period) + ": " + list + ".";
    return a;
  }
  double total = 0;
  for (const ResultRow& row : r.rows) total += row.value.value_or(0);
  // One bucket ("weekly sales this week"): its figure is the answer.
  if (r.rows.size() == 1 && r.rows[0].value) a.value = CellOf(m, *r.rows[0].value, f);
  a.text = Capitalize(label) + filters + (period.empty() ? "" : " " + period) + " by " +
           DimensionNoun(plan.dimension) + ": " + std::to_string(r.rows.size()) +
           (r.rows.size() == 1 ? " row" : " rows") +
           (m.unit == Unit::kMoney || m.unit == Unit::kCount
                ? ", " + FormatFigure(m, total, f) + " in total"
                : "") +
           ".";
  return a;
}

}  // namespace clever::query
