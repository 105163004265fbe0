#include "query/sql.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "store/derived.h"

namespace clever::query {
namespace {

using store::Value;

std::string ToLowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

constexpr const char* kSales = "o.status IN ('completed','processing','on-hold')";
constexpr const char* kCustKey = store::kOrderCustomerKeySql;
constexpr const char* kMethodKey = store::kOrderMethodKeySql;
constexpr const char* kPayoutAmount =
    "(CASE WHEN po.type = 'withdrawal' THEN -abs(po.amount_minor) ELSE po.amount_minor END)";
constexpr const char* kPayoutDate = "COALESCE(po.date_ms, po.created * 1000)";

class Builder {
 public:
  // Returns a marker; Finish() replaces markers with `?` and orders the parameters by their
  // position in the final text, so the evaluation order of string concatenation never matters.
  std::string P(Value v) {
    params_.push_back(std::move(v));
    return "\x01" + std::to_string(params_.size() - 1) + "\x02";
  }
  std::string In(const std::vector<std::string>& values) {
    std::string s = "(";
    for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + P(values[i]);
    return s + ")";
  }
  std::string InIds(const std::vector<int64_t>& values) {
    std::string s = "(";
    for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + P(values[i]);
    return s + ")";
  }
  SqlQuery Finish(const std::string& text) {
    SqlQuery q;
    q.text.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\x01') {
        q.text += text[i];
        continue;
      }
      size_t end = text.find('\x02', i);
      size_t idx = std::stoul(text.substr(i + 1, end - i - 1));
      q.params.push_back(params_.at(idx));
      q.text += '?';
      i = end;
    }
    return q;
  }

 private:
  std::vector<Value> params_;
};

std::string DayAfter(const CivilDate& d) { return d.AddDays(1).ToString(); }

// "col >= ? AND col < ?" over store-local ISO text.
std::string LocalRange(Builder& b, const std::string& col, const DateRange& r) {
  std::string s;
  if (r.start) s = col + " >= " + b.P(r.start->ToString()) + " AND ";
  return s + col + " < " + b.P(DayAfter(r.end));
}

// UTC "YYYY-MM-DD HH:MM:SS" bounds of store-local dates (disputes).
std::string UtcText(const StoreTimeZone& tz, const CivilDate& local_day) {
  int64_t utc = tz.ToUtc(LocalDateTime{local_day, 0, 0, 0});
  std::string s = LocalDateTime::FromEpochSecondsAsUtc(utc).ToString();
  s[10] = ' ';
  return s;
}

bool IsLineMetric(const std::string& m) {
  return m == "items_sold" || m == "product_revenue" || m == "product_orders" ||
         m == "avg_unit_price";
}

std::string OrderDimKey(const std::string& dim) {
  if (dim == "day" || dim == "week" || dim == "weekday") return "substr(o.date_created, 1, 10)";
  if (dim == "month") return "substr(o.date_created, 1, 7)";
  if (dim == "year") return "substr(o.date_created, 1, 4)";
  if (dim == "country") return "o.billing_country";
  if (dim == "customer") return kCustKey;
  if (dim == "payment_method") return kMethodKey;
  if (dim == "status") return "o.status";
  if (dim == "coupon") return "cl.code";
  if (dim == "product") return "li.product_id";
  if (dim == "variation")
    return "(CAST(li.product_id AS TEXT) || ':' || CAST(li.variation_id AS TEXT))";
  if (dim == "category") return "pc.name";
  return "";
}

// ---------------------------------------------------------------- derived tables (store/derived.h)
// customer_summary covers every sales order; it gives the same figures as the orders up to the
// as-of date when nothing after that date exists (through < as_of + 1), or when the question only
// looks at first orders inside a range that ends by the as-of date.
bool SummaryCoversAsOf(const QueryPlan& p, const StoreFacts& f) {
  return f.derived_fresh && f.derived_through < DayAfter(p.as_of);
}
bool SummaryCoversRange(const QueryPlan& p, const DateRange& r, const StoreFacts& f) {
  return SummaryCoversAsOf(p, f) || (f.derived_fresh && r.end <= p.as_of);
}

bool KeyIdIsNumeric(const std::string& rest) {
  bool numeric = !rest.empty() && rest.size() < 19 && rest[0] != '0';
  for (char c : rest) numeric = numeric && c >= '0' && c <= '9';
  return numeric;
}

// OrderFilters adds an indexed form of this customer key's condition.
bool CustomerKeyIndexed(const std::string& key) {
  const std::string kind = key.substr(0, std::min<size_t>(2, key.size()));
  const std::string rest = key.size() > 2 ? key.substr(2) : "";
  return ((kind == "c:" || kind == "o:") && KeyIdIsNumeric(rest)) ||
         (kind == "e:" && !rest.empty());
}

// Filters shared by every order-based statement.
std::string OrderFilters(Builder& b, const QueryPlan& p, const DateRange& r, const StoreFacts& f,
                         bool line_level) {
  std::string w;
  if (!p.country.empty()) w += " AND o.billing_country = " + b.P(p.country);
  if (!p.payment_method.empty()) {
    w += " AND (" + std::string(kMethodKey) + " = " + b.P(p.payment_method) +
         " OR o.payment_method = " + b.P(p.payment_method) + ")";
  }
  if (!p.coupon.empty() && p.metric != "coupon_uses" && p.metric != "coupon_discount") {
    w += " AND EXISTS (SELECT 1 FROM order_coupon_lines c2 WHERE c2.store_id = o.store_id AND "
         "c2.order_id = o.id AND c2.code = " +
         b.P(p.coupon) + ")";
  }
  if (!p.customer_key.empty()) {
    w += " AND " + std::string(kCustKey) + " = " + b.P(p.customer_key);
    // The same condition again, in a form the indexes serve (orders_by_customer, by e-mail).
    const std::string kind = p.customer_key.substr(0, 2), rest = p.customer_key.substr(2);
    const bool numeric = KeyIdIsNumeric(rest);
    if (kind == "c:" && numeric) w += " AND o.customer_id = " + b.P(int64_t{std::stoll(rest)});
    if (kind == "o:" && numeric) w += " AND o.id = " + b.P(int64_t{std::stoll(rest)});
    if (kind == "e:" && !rest.empty()) {
      w += " AND o.customer_id <= 0 AND lower(trim(o.billing_email)) = " + b.P(rest);
    }
  }
  if (line_level) {
    if (!p.product_ids.empty()) w += " AND li.product_id IN " + b.InIds(p.product_ids);
    if (!p.variation_ids.empty()) w += " AND li.variation_id IN " + b.InIds(p.variation_ids);
    if (!p.category.empty() && p.dimension != "category") {
      w += " AND EXISTS (SELECT 1 FROM product_categories pc2 WHERE pc2.store_id = li.store_id "
           "AND pc2.product_id = li.product_id AND lower(pc2.name) = lower(" +
           b.P(p.category) + "))";
    }
    if (!p.category.empty() && p.dimension == "category") {
      w += " AND lower(pc.name) = lower(" + b.P(p.category) + ")";
    }
  } else {
    if (!p.product_ids.empty() || !p.variation_ids.empty() || !p.category.empty()) {
      w += " AND EXISTS (SELECT 1 FROM order_line_items l2 WHERE l2.store_id = o.store_id AND "
           "l2.order_id = o.id";
      if (!p.product_ids.empty()) w += " AND l2.product_id IN " + b.InIds(p.product_ids);
      if (!p.variation_ids.empty()) w += " AND l2.variation_id IN " + b.InIds(p.variation_ids);
      if (!p.category.empty()) {
        w += " AND EXISTS (SELECT 1 FROM product_categories pc2 WHERE pc2.store_id = "
             "l2.store_id AND pc2.product_id = l2.product_id AND lower(pc2.name) = lower(" +
             b.P(p.category) + "))";
      }
      w += ")";
    }
  }
  if (!p.customer_type.empty()) {
    // First sales order of the customer, up to the as-of date [M-NEW] [M-RETURNING].
    std::string cmp = p.customer_type == "new" ? " >= " : " < ";
    std::string start = r.start ? r.start->ToString() : std::string("0000-00-00");
    if (SummaryCoversRange(p, r, f)) {
      w += " AND " + std::string(kCustKey) +
           " IN (SELECT cs.ck FROM customer_summary cs WHERE cs.store_id = " + b.P(f.store_id) +
           " AND cs.first_at" + cmp + b.P(start) + ")";
      return w;
    }
    w += " AND " + std::string(kCustKey) + " IN (SELECT ck FROM (SELECT " + std::string(kCustKey) +
         " AS ck, MIN(o.date_created) AS first_at FROM orders o WHERE o.store_id = " +
         b.P(f.store_id) + " AND " + kSales + " AND o.date_created < " + b.P(DayAfter(p.as_of)) +
         " GROUP BY 1) fo WHERE fo.first_at" + cmp + b.P(start) + ")";
  }
  return w;
}

std::string StatusCondition(Builder& b, const QueryPlan& p) {
  if (p.statuses.empty()) return kSales;
  return "o.status IN " + b.In(p.statuses);
}

std::string Select(const std::string& k, const std::string& a, const std::string& bb,
                   const std::string& n) {
  return "SELECT " + k + " AS k, " + a + " AS a, " + bb + " AS b, " + n + " AS n";
}

bool NoOrderFilters(const QueryPlan& p) {
  return p.payment_method.empty() && p.coupon.empty() && p.customer_key.empty() &&
         p.product_ids.empty() && p.variation_ids.empty() && p.category.empty() &&
         p.customer_type.empty();
}

// daily_orders holds exact per-day sums by status and country: the order metrics that are sums,
// counts or maxima, unfiltered or filtered by country, by a time dimension, country or status.
bool DailyUsable(const QueryPlan& p, const StoreFacts& f) {
  if (!f.derived_fresh || !NoOrderFilters(p)) return false;
  const std::string& m = p.metric;
  const std::string& d = p.dimension;
  const bool metric_ok = m == "gross_sales" || m == "order_count" || m == "orders_in_status" ||
                         m == "avg_order_value" || m == "shipping_collected" ||
                         m == "tax_collected" || m == "discount_total" || m == "largest_order" ||
                         m == "guest_orders" || m == "guest_share" || m == "orders_per_day" ||
                         // Net of every refund of the orders: of those up to the as-of date when
                         // none is later.
                         (m == "net_sales" && f.derived_refunds_through < DayAfter(p.as_of));
  const bool dim_ok = d.empty() || d == "day" || d == "week" || d == "weekday" || d == "month" ||
                      d == "year" || d == "country" || d == "status";
  return metric_ok && dim_ok;
}

std::string StatusCondition(Builder& b, const QueryPlan& p, const std::string& col) {
  if (p.statuses.empty()) return col + " IN ('completed','processing','on-hold')";
  return col + " IN " + b.In(p.statuses);
}

// daily_payments: orders and gross sales per day, status and payment method, for the payment mix
// and for counts and sales by (or of one) payment method, with no other filter.
bool DailyPaymentsUsable(const QueryPlan& p, const StoreFacts& f) {
  if (!f.derived_fresh || !p.country.empty() || !p.coupon.empty() || !p.customer_key.empty() ||
      !p.product_ids.empty() || !p.variation_ids.empty() || !p.category.empty() ||
      !p.customer_type.empty()) {
    return false;
  }
  const std::string& m = p.metric;
  const std::string& d = p.dimension;
  if (d != "" && d != "payment_method") return false;
  if (m == "payment_share" || m == "payment_revenue_share") return true;
  const bool by_method = d == "payment_method" || !p.payment_method.empty();
  return by_method && (m == "order_count" || m == "gross_sales" || m == "avg_order_value");
}

StatusOr<SqlQuery> DailyPayments(Builder& b, const QueryPlan& p, const DateRange& r,
                                 const StoreFacts& f) {
  const std::string& m = p.metric;
  const bool by_method = p.dimension == "payment_method";
  const std::string k = by_method ? "d.method" : "NULL";
  std::string a, bb = "NULL";
  const std::string count = "COALESCE(SUM(d.orders), 0)";
  bool filter = !p.payment_method.empty();
  if (m == "payment_share" || m == "payment_revenue_share") {
    const std::string unit = m == "payment_share" ? "d.orders" : "d.total_minor";
    filter = false;
    if (by_method) {
      a = "SUM(" + unit + ")";
    } else {
      if (p.payment_method.empty()) return InvalidArgumentError("which payment method?");
      a = "SUM(CASE WHEN d.method = " + b.P(p.payment_method) +
          " OR d.gateway = " + b.P(p.payment_method) + " THEN " + unit + " ELSE 0 END)";
      bb = "SUM(" + unit + ")";
    }
  } else if (m == "order_count") {
    a = count;
  } else if (m == "gross_sales") {
    a = "SUM(d.total_minor)";
  } else {
    a = "SUM(d.total_minor)";
    bb = count;
  }
  std::string sql = Select(k, a, bb, "NULL") +
                    " FROM daily_payments d WHERE d.store_id = " + b.P(f.store_id) + " AND " +
                    StatusCondition(b, p, "d.status") + " AND " + LocalRange(b, "d.day", r);
  if (filter) {
    sql += " AND (d.method = " + b.P(p.payment_method) +
           " OR d.gateway = " + b.P(p.payment_method) + ")";
  }
  if (by_method) sql += " GROUP BY d.method";
  return b.Finish(sql);
}

// customer_periods: the (grain, period) rows whose orders are exactly the orders of r: whole
// years, else whole months, from r's start; the last may run past r's end when no order is
// later than r's end. Empty when r cannot be tiled so (or would need more than 24 rows).
std::vector<std::pair<std::string, std::string>> PeriodTiles(const DateRange& r,
                                                             const StoreFacts& f) {
  std::vector<std::pair<std::string, std::string>> tiles;
  if (!f.derived_fresh || !f.derived_periods_exact || !r.start) return tiles;
  const bool nothing_later = f.derived_through < DayAfter(r.end);
  CivilDate cur = *r.start;
  auto two = [](int v) { return std::string(v < 10 ? "0" : "") + std::to_string(v); };
  while (cur <= r.end) {
    if (tiles.size() >= 24 || cur.day != 1) return {};
    const CivilDate next_year{cur.year + 1, 1, 1};
    const CivilDate next_month =
        cur.month == 12 ? CivilDate{cur.year + 1, 1, 1} : CivilDate{cur.year, cur.month + 1, 1};
    char year[16];
    std::snprintf(year, sizeof(year), "%04d", cur.year);
    if (cur.month == 1 && (next_year.AddDays(-1) <= r.end || nothing_later)) {
      tiles.emplace_back("y", year);
      cur = next_year;
    } else if (next_month.AddDays(-1) <= r.end || nothing_later) {
      tiles.emplace_back("m", std::string(year) + "-" + two(cur.month));
      cur = next_month;
    } else {
      return {};
    }
  }
  return tiles;
}

std::string TileCondition(Builder& b, const std::vector<std::pair<std::string, std::string>>& t,
                          const std::string& alias = "cp") {
  if (t.size() == 1) {
    return alias + ".grain = " + b.P(t[0].first) + " AND " + alias +
           ".period = " + b.P(t[0].second);
  }
  std::string s = "(";
  for (size_t i = 0; i < t.size(); ++i) {
    s += (i ? " OR " : "") + std::string("(") + alias + ".grain = " + b.P(t[i].first) + " AND " +
         alias + ".period = " + b.P(t[i].second) + ")";
  }
  return s + ")";
}

// daily_products: units and line totals of sales orders per day, product and variation.
bool DailyProductsUsable(const QueryPlan& p, const StoreFacts& f) {
  if (!f.derived_fresh || !p.statuses.empty() || !p.country.empty() || !p.payment_method.empty() ||
      !p.coupon.empty() || !p.customer_key.empty() || !p.customer_type.empty()) {
    return false;
  }
  const std::string& m = p.metric;
  const std::string& d = p.dimension;
  const bool metric_ok = m == "items_sold" || m == "product_revenue" || m == "avg_unit_price";
  const bool dim_ok = d.empty() || d == "product" || d == "variation" || d == "category" ||
                      d == "day" || d == "week" || d == "weekday" || d == "month" || d == "year";
  return metric_ok && dim_ok;
}

StatusOr<SqlQuery> DailyProducts(Builder& b, const QueryPlan& p, const DateRange& r,
                                 const StoreFacts& f) {
  const std::string& m = p.metric;
  const std::string& dim = p.dimension;
  std::string k = "NULL", n = "NULL";
  if (dim == "day" || dim == "week" || dim == "weekday") k = "d.day";
  if (dim == "month") k = "substr(d.day, 1, 7)";
  if (dim == "year") k = "substr(d.day, 1, 4)";
  if (dim == "product") {
    k = "d.product_id";
    n = "MAX(d.product_name)";
  }
  if (dim == "variation") {
    k = "(CAST(d.product_id AS TEXT) || ':' || CAST(d.variation_id AS TEXT))";
    n = "MAX(d.line_name)";
  }
  if (dim == "category") k = "pc.name";
  std::string a = m == "items_sold" ? "SUM(d.quantity)" : "SUM(d.total_minor)";
  std::string bb = m == "avg_unit_price" ? "SUM(d.quantity)" : "NULL";
  // Whole months or years (no time breakdown): product_periods, a few hundred rows each.
  const bool time_dim =
      dim == "day" || dim == "week" || dim == "weekday" || dim == "month" || dim == "year";
  const auto tiles =
      time_dim ? std::vector<std::pair<std::string, std::string>>() : PeriodTiles(r, f);
  std::string sql =
      Select(k, a, bb, n) + (tiles.empty() ? " FROM daily_products d" : " FROM product_periods d");
  if (dim == "category") {
    sql +=
        " JOIN product_categories pc ON pc.store_id = d.store_id AND pc.product_id = "
        "d.product_id";
  }
  sql += " WHERE d.store_id = " + b.P(f.store_id) + " AND " +
         (tiles.empty() ? LocalRange(b, "d.day", r) : TileCondition(b, tiles, "d"));
  if (!p.product_ids.empty()) sql += " AND d.product_id IN " + b.InIds(p.product_ids);
  if (!p.variation_ids.empty()) sql += " AND d.variation_id IN " + b.InIds(p.variation_ids);
  if (!p.category.empty() && dim != "category") {
    sql +=
        " AND EXISTS (SELECT 1 FROM product_categories pc2 WHERE pc2.store_id = d.store_id "
        "AND pc2.product_id = d.product_id AND lower(pc2.name) = lower(" +
        b.P(p.category) + "))";
  }
  if (!p.category.empty() && dim == "category") {
    sql += " AND lower(pc.name) = lower(" + b.P(p.category) + ")";
  }
  if (k != "NULL") sql += " GROUP BY " + k;
  return b.Finish(sql);
}

StatusOr<SqlQuery> DailyOrders(Builder& b, const QueryPlan& p, const DateRange& r,
                               const StoreFacts& f) {
  const std::string& m = p.metric;
  const std::string& dim = p.dimension;
  std::string k = "NULL";
  if (dim == "day" || dim == "week" || dim == "weekday") k = "d.day";
  if (dim == "month") k = "substr(d.day, 1, 7)";
  if (dim == "year") k = "substr(d.day, 1, 4)";
  if (dim == "country") k = "d.country";
  if (dim == "status") k = "d.status";
  const std::string count = "COALESCE(SUM(d.orders), 0)";
  std::string a, bb = "NULL", n = "NULL";
  if (m == "gross_sales") a = "SUM(d.total_minor)";
  if (m == "net_sales") a = "SUM(d.total_minor - d.refunds_minor)";
  if (m == "order_count" || m == "orders_in_status") a = count;
  if (m == "avg_order_value") {
    a = "SUM(d.total_minor)";
    bb = count;
  }
  if (m == "shipping_collected") a = "SUM(d.shipping_minor)";
  if (m == "tax_collected") a = "SUM(d.tax_minor)";
  if (m == "discount_total") a = "SUM(d.discount_minor)";
  if (m == "largest_order") a = "MAX(d.max_total_minor)";
  if (m == "guest_orders") a = "SUM(d.guest_orders)";
  if (m == "guest_share") {
    a = "SUM(d.guest_orders)";
    bb = count;
  }
  if (m == "orders_per_day") {
    a = count;
    n = "MIN(d.day)";
  }
  std::string sql = Select(k, a, bb, n) +
                    " FROM daily_orders d WHERE d.store_id = " + b.P(f.store_id) + " AND " +
                    StatusCondition(b, p, "d.status");
  if (m == "orders_in_status") {
    sql += " AND d.day < " + b.P(DayAfter(p.as_of));
  } else {
    sql += " AND " + LocalRange(b, "d.day", r);
  }
  if (!p.country.empty()) sql += " AND d.country = " + b.P(p.country);
  if (k != "NULL") sql += " GROUP BY " + k;
  return b.Finish(sql);
}

StatusOr<SqlQuery> OrderFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                               const StoreFacts& f, store::Dialect dialect) {
  const std::string& m = p.metric;
  const bool line = IsLineMetric(m);
  const std::string& dim = p.dimension;
  const bool line_dim = dim == "product" || dim == "variation" || dim == "category";
  if (line_dim && !line) {
    return InvalidArgumentError("this figure cannot be broken down by product");
  }
  if (DailyUsable(p, f)) return DailyOrders(b, p, r, f);
  if (DailyProductsUsable(p, f)) return DailyProducts(b, p, r, f);
  if (DailyPaymentsUsable(p, f)) return DailyPayments(b, p, r, f);
  const bool unfiltered = NoOrderFilters(p) && p.country.empty() && p.statuses.empty();
  if (m == "customer_spend" && dim == "customer" && unfiltered &&
      f.derived_refunds_through < DayAfter(p.as_of)) {
    // Spend per customer in whole months or years: customer_periods (net of every refund, which
    // is "refunds up to the as-of date" when none is later). A ranking reads its first rows.
    const auto tiles = PeriodTiles(r, f);
    if (!tiles.empty()) {
      const bool one = tiles.size() == 1;
      const std::string a = one ? "cp.net_minor" : "SUM(cp.net_minor)";
      std::string sql = Select("cp.ck", a, "NULL", "NULL") +
                        " FROM customer_periods cp WHERE cp.store_id = " + b.P(f.store_id) +
                        " AND " + TileCondition(b, tiles);
      if (!one) sql += " GROUP BY cp.ck";
      if (p.single || p.limit > 0) {
        sql += " ORDER BY " + a + (p.ascending ? " ASC" : " DESC") + ", cp.ck" +
               (dialect == store::Dialect::kPostgres ? " COLLATE \"C\"" : "") + " LIMIT " +
               b.P(int64_t{(p.single ? 1 : p.limit) + 21});
      }
      return b.Finish(sql);
    }
  }
  if (m == "avg_ltv" && dim.empty() && unfiltered && SummaryCoversAsOf(p, f) &&
      f.derived_refunds_through < DayAfter(p.as_of)) {
    return b.Finish(Select("NULL", "SUM(cs.ltv_minor)", "COUNT(*)", "NULL") +
                    " FROM customer_summary cs WHERE cs.store_id = " + b.P(f.store_id));
  }
  if (m == "order_count" && dim == "customer" && !r.start && r.end >= p.as_of && unfiltered &&
      SummaryCoversAsOf(p, f)) {
    // All-time orders per customer: the summary's counts. A ranking needs only its first rows
    // (and up to 20 tied with the last shown, see Execute); same order as Execute's sort.
    std::string sql = Select("cs.ck", "cs.order_count", "NULL", "NULL") +
                      " FROM customer_summary cs WHERE cs.store_id = " + b.P(f.store_id);
    if (p.single || p.limit > 0) {
      sql += std::string(" ORDER BY cs.order_count ") + (p.ascending ? "ASC" : "DESC") + ", cs.ck" +
             (dialect == store::Dialect::kPostgres ? " COLLATE \"C\"" : "") + " LIMIT " +
             b.P(int64_t{(p.single ? 1 : p.limit) + 21});
    }
    return b.Finish(sql);
  }
  std::string from = " FROM orders o";
  // Without a product filter the period's orders lead: SQLite without statistics would otherwise
  // walk every line item in product order to save the GROUP BY's sort (52 s at 1M orders).
  // CROSS JOIN fixes SQLite's join order; PostgreSQL plans it as the inner join it is.
  const bool orders_first = line && p.product_ids.empty() && p.variation_ids.empty();
  if (line) {
    from += orders_first
                ? " CROSS JOIN order_line_items li"
                : " JOIN order_line_items li ON li.store_id = o.store_id AND li.order_id = o.id";
  }
  if (dim == "category") {
    from +=
        " JOIN product_categories pc ON pc.store_id = li.store_id AND pc.product_id = "
        "li.product_id";
  }
  if (dim == "coupon") {
    from += " JOIN order_coupon_lines cl ON cl.store_id = o.store_id AND cl.order_id = o.id";
  }
  const bool distinct_orders = dim == "coupon";
  std::string count = distinct_orders ? "COUNT(DISTINCT o.id)" : "COUNT(*)";
  std::string a, bb = "NULL", n = "NULL";
  const bool needs_refunds = m == "net_sales" || m == "customer_spend" || m == "avg_ltv";
  std::string net;  // the order's total minus its refunds up to D (refunds_by_order)
  if (needs_refunds) {
    net =
        "o.total_minor - COALESCE((SELECT SUM(r0.amount_minor) FROM refunds r0 WHERE "
        "r0.store_id = " +
        b.P(f.store_id) + " AND r0.order_id = o.id AND r0.date_created < " +
        b.P(DayAfter(p.as_of)) + "), 0)";
  }
  const std::string has_coupon =
      "EXISTS (SELECT 1 FROM order_coupon_lines c3 WHERE c3.store_id = o.store_id AND "
      "c3.order_id = o.id)";
  if (m == "gross_sales" || m == "new_customer_sales") {
    a = "SUM(o.total_minor)";
  } else if (m == "net_sales" || m == "customer_spend") {
    a = "SUM(" + net + ")";
  } else if (m == "avg_ltv") {
    a = "SUM(" + net + ")";
    bb = "COUNT(DISTINCT " + std::string(kCustKey) + ")";
  } else if (m == "order_count" || m == "orders_in_status") {
    a = count;
  } else if (m == "avg_order_value") {
    a = "SUM(o.total_minor)";
    bb = count;
  } else if (m == "shipping_collected") {
    a = "SUM(o.shipping_total_minor)";
  } else if (m == "tax_collected") {
    a = "SUM(o.total_tax_minor)";
  } else if (m == "discount_total") {
    a = "SUM(o.discount_total_minor)";
  } else if (m == "largest_order") {
    a = "MAX(o.total_minor)";
  } else if (m == "guest_orders") {
    a = "SUM(CASE WHEN o.customer_id = 0 THEN 1 ELSE 0 END)";
  } else if (m == "guest_share") {
    a = "SUM(CASE WHEN o.customer_id = 0 THEN 1 ELSE 0 END)";
    bb = "COUNT(*)";
  } else if (m == "customer_count") {
    a = "COUNT(DISTINCT " + std::string(kCustKey) + ")";
  } else if (m == "avg_orders_per_customer") {
    a = "COUNT(*)";
    bb = "COUNT(DISTINCT " + std::string(kCustKey) + ")";
  } else if (m == "coupon_orders") {
    a = "SUM(CASE WHEN " + has_coupon + " THEN 1 ELSE 0 END)";
  } else if (m == "coupon_order_share") {
    a = "SUM(CASE WHEN " + has_coupon + " THEN 1 ELSE 0 END)";
    bb = "COUNT(*)";
  } else if (m == "coupon_aov") {
    a = "SUM(CASE WHEN " + has_coupon + " THEN o.total_minor ELSE 0 END)";
    bb = "SUM(CASE WHEN " + has_coupon + " THEN 1 ELSE 0 END)";
  } else if (m == "orders_per_day") {
    a = "COUNT(*)";
    n = "MIN(substr(o.date_created, 1, 10))";
  } else if (m == "avg_items_per_order") {
    a = "SUM((SELECT COALESCE(SUM(l3.quantity), 0) FROM order_line_items l3 WHERE l3.store_id = "
        "o.store_id AND l3.order_id = o.id))";
    bb = "COUNT(*)";
  } else if (m == "payment_share" || m == "payment_revenue_share") {
    std::string unit = m == "payment_share" ? "1" : "o.total_minor";
    if (dim.empty()) {
      if (p.payment_method.empty()) return InvalidArgumentError("which payment method?");
      a = "SUM(CASE WHEN " + std::string(kMethodKey) + " = " + b.P(p.payment_method) +
          " OR o.payment_method = " + b.P(p.payment_method) + " THEN " + unit + " ELSE 0 END)";
      bb = "SUM(" + unit + ")";
    } else {
      a = "SUM(" + unit + ")";
    }
  } else if (m == "items_sold") {
    a = "SUM(li.quantity)";
  } else if (m == "product_revenue") {
    a = "SUM(li.total_minor)";
  } else if (m == "product_orders") {
    a = "COUNT(DISTINCT o.id)";
  } else if (m == "avg_unit_price") {
    a = "SUM(li.total_minor)";
    bb = "SUM(li.quantity)";
  } else {
    return InvalidArgumentError("unknown order metric");
  }
  std::string k = dim.empty() ? "NULL" : OrderDimKey(dim);
  if (dim == "product")
    n = "MAX(CASE WHEN li.parent_name <> '' THEN li.parent_name ELSE li.name END)";
  if (dim == "variation") n = "MAX(li.name)";
  // Parameters are numbered in text order: build the pieces in that order.
  std::string sql = Select(k, a, bb, n) + from;
  std::string where = " WHERE o.store_id = " + b.P(f.store_id) + " AND " + StatusCondition(b, p);
  if (orders_first) where += " AND li.store_id = o.store_id AND li.order_id = o.id";
  if (m == "orders_in_status" || m == "avg_ltv") {
    where += " AND o.date_created < " + b.P(DayAfter(p.as_of));
  } else {
    // One customer's orders: their customer index must lead, and SQLite without statistics
    // prefers a date range; `|| ''` (the same text) keeps the range off the index.
    const bool by_customer = CustomerKeyIndexed(p.customer_key);
    where += " AND " + LocalRange(b, by_customer ? "(o.date_created || '')" : "o.date_created", r);
  }
  QueryPlan copy = p;
  if (m == "payment_share" || m == "payment_revenue_share") copy.payment_method.clear();
  where += OrderFilters(b, copy, r, f, line);
  sql += where;
  if (!dim.empty()) sql += " GROUP BY " + k;
  return b.Finish(sql);
}

StatusOr<SqlQuery> CustomerFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                                  const StoreFacts& f) {
  const std::string& m = p.metric;
  auto customers = [&]() {
    return "(SELECT " + std::string(kCustKey) +
           " AS ck, MIN(o.date_created) AS first_at, MAX(o.date_created) AS last_at, COUNT(*) AS "
           "cnt FROM orders o WHERE o.store_id = " +
           b.P(f.store_id) + " AND " + kSales + " AND o.date_created < " + b.P(DayAfter(p.as_of)) +
           " GROUP BY 1) cu";
  };
  std::string sql;
  const std::string summary = " FROM customer_summary cs WHERE cs.store_id = ";
  if (m == "new_customers" && SummaryCoversRange(p, r, f)) {
    sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + summary + b.P(f.store_id) + " AND " +
          LocalRange(b, "cs.first_at", r);
  } else if (m == "returning_customers" && !PeriodTiles(r, f).empty()) {
    // The customers of whole months or years whose first sales order is before the period.
    const auto tiles = PeriodTiles(r, f);
    sql = Select("NULL", tiles.size() == 1 ? "COUNT(*)" : "COUNT(DISTINCT cp.ck)", "NULL", "NULL") +
          " FROM customer_periods cp WHERE cp.store_id = " + b.P(f.store_id) + " AND " +
          TileCondition(b, tiles) + " AND cp.first_at < " + b.P(r.start->ToString());
  } else if (m == "returning_customers" && r.start && f.derived_fresh) {
    // The period's distinct customers whose first sales order (from any time: it is before the
    // period's start either way) is before the period.
    sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + " FROM (SELECT DISTINCT " + kCustKey +
          " AS ck FROM orders o WHERE o.store_id = " + b.P(f.store_id) + " AND " + kSales +
          " AND " + LocalRange(b, "o.date_created", r) +
          ") x JOIN customer_summary cs ON cs.store_id = " + b.P(f.store_id) +
          " AND cs.ck = x.ck WHERE cs.first_at < " + b.P(r.start->ToString());
  } else if ((m == "repeat_customers" || m == "repeat_rate") && SummaryCoversAsOf(p, f)) {
    const int64_t n = p.threshold > 0 ? p.threshold : 2;
    if (m == "repeat_customers") {
      sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + summary + b.P(f.store_id) +
            " AND cs.order_count >= " + b.P(n);
    } else {
      sql = Select("NULL", "SUM(CASE WHEN cs.order_count >= " + b.P(n) + " THEN 1 ELSE 0 END)",
                   "COUNT(*)", "NULL") +
            summary + b.P(f.store_id);
    }
  } else if (m == "lapsed_customers" && SummaryCoversAsOf(p, f)) {
    int days = p.threshold > 0 ? p.threshold : 90;
    sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + summary + b.P(f.store_id) +
          " AND cs.last_at < " + b.P(p.as_of.AddDays(-(days - 1)).ToString());
  } else if (m == "customers_in_country" && SummaryCoversAsOf(p, f)) {
    std::string k = p.dimension == "country" ? "cs.last_country" : "NULL";
    sql = Select(k, "COUNT(*)", "NULL", "NULL") + summary + b.P(f.store_id);
    if (!p.country.empty()) sql += " AND cs.last_country = " + b.P(p.country);
    if (p.dimension == "country") sql += " GROUP BY cs.last_country";
  } else if (m == "new_customers") {
    sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + " FROM " + customers() + " WHERE " +
          LocalRange(b, "cu.first_at", r);
  } else if (m == "returning_customers") {
    if (!r.start) {
      sql = Select("NULL", "0", "NULL", "NULL");
    } else {
      // One pass: per customer, the first order and whether one falls in the period.
      sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + " FROM (SELECT " + kCustKey +
            " AS ck, MIN(o.date_created) AS first_at, MAX(CASE WHEN o.date_created >= " +
            b.P(r.start->ToString()) + " THEN 1 ELSE 0 END) AS in_period FROM orders o WHERE " +
            "o.store_id = " + b.P(f.store_id) + " AND " + kSales + " AND o.date_created < " +
            b.P(DayAfter(r.end)) + " GROUP BY 1) cu WHERE cu.in_period = 1 AND cu.first_at < " +
            b.P(r.start->ToString());
    }
  } else if (m == "repeat_customers") {
    sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + " FROM " + customers() +
          " WHERE cu.cnt >= " + b.P(int64_t{p.threshold > 0 ? p.threshold : 2});
  } else if (m == "repeat_rate") {
    sql = Select("NULL",
                 "SUM(CASE WHEN cu.cnt >= " + b.P(int64_t{p.threshold > 0 ? p.threshold : 2}) +
                     " THEN 1 ELSE 0 END)",
                 "COUNT(*)", "NULL") +
          " FROM " + customers();
  } else if (m == "lapsed_customers") {
    int days = p.threshold > 0 ? p.threshold : 90;
    sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + " FROM " + customers() +
          " WHERE cu.last_at < " + b.P(p.as_of.AddDays(-(days - 1)).ToString());
  } else if (m == "customers_in_country") {
    std::string k = p.dimension == "country" ? "x.bc" : "NULL";
    sql = Select(k, "COUNT(*)", "NULL", "NULL") + " FROM (SELECT " + kCustKey +
          " AS ck, o.billing_country AS bc, ROW_NUMBER() OVER (PARTITION BY " + kCustKey +
          " ORDER BY o.date_created DESC, o.id DESC) AS rn FROM orders o WHERE o.store_id = " +
          b.P(f.store_id) + " AND " + kSales + " AND o.date_created < " + b.P(DayAfter(p.as_of)) +
          ") x WHERE x.rn = 1";
    if (!p.country.empty()) sql += " AND x.bc = " + b.P(p.country);
    if (p.dimension == "country") sql += " GROUP BY x.bc";
  } else {
    return InvalidArgumentError("unknown customer metric");
  }
  return b.Finish(sql);
}

StatusOr<SqlQuery> AccountFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                                 const StoreFacts& f) {
  std::string sql = Select("NULL", "COUNT(*)", "NULL", "NULL") +
                    " FROM customers c WHERE c.store_id = " + b.P(f.store_id) +
                    " AND (c.role = 'customer' OR c.role = '') AND (c.date_created IS NULL OR "
                    "c.date_created < " +
                    b.P(DayAfter(p.as_of)) + ")";
  if (p.metric == "new_signups") sql += " AND " + LocalRange(b, "c.date_created", r);
  if (p.metric == "paying_customers") sql += " AND c.is_paying_customer = 1";
  if (p.metric == "non_paying_customers") sql += " AND c.is_paying_customer = 0";
  return b.Finish(sql);
}

std::string CatalogWhere(Builder& b, const QueryPlan& p, const StoreFacts& f) {
  return " WHERE p.store_id = " + b.P(f.store_id) +
         " AND p.status = 'publish' AND (p.date_created IS NULL OR p.date_created < " +
         b.P(DayAfter(p.as_of)) + ")";
}

std::string StockUnits(Builder& b, const QueryPlan& p, const StoreFacts& f) {
  std::string d1 = DayAfter(p.as_of);
  return "(SELECT 'p:' || CAST(p.id AS TEXT) AS uk, p.stock_quantity AS qty, p.manage_stock AS "
         "ms, p.name AS nm, p.stock_status AS ss, p.price_minor AS pr FROM products p WHERE "
         "p.store_id = " +
         b.P(f.store_id) +
         " AND p.status = 'publish' AND (p.date_created IS NULL OR p.date_created < " + b.P(d1) +
         ") AND (p.type = 'simple' OR (p.type = 'variable' AND p.manage_stock = 1))"
         " UNION ALL SELECT 'v:' || CAST(v.id AS TEXT), v.stock_quantity, v.manage_stock, p.name, "
         "v.stock_status, v.price_minor FROM variations v JOIN products p ON p.store_id = "
         "v.store_id AND p.id = v.parent_id WHERE v.store_id = " +
         b.P(f.store_id) +
         " AND p.status = 'publish' AND p.type = 'variable' AND (p.date_created IS NULL OR "
         "p.date_created < " +
         b.P(d1) + ") AND (v.status = 'publish' OR v.status = '') AND v.manage_stock <> 2) u";
}

StatusOr<SqlQuery> ProductFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                                 const StoreFacts& f) {
  const std::string& m = p.metric;
  std::string sql;
  if (m == "product_count" && (p.dimension == "category" || p.dimension == "type")) {
    // One row per category (a product in two categories counts in both) or per product type.
    const bool by_category = p.dimension == "category";
    const std::string k = by_category ? "pc.name" : "p.type";
    sql = Select(k, "COUNT(DISTINCT p.id)", "NULL", "NULL") + " FROM products p";
    if (by_category) {
      sql += " JOIN product_categories pc ON pc.store_id = p.store_id AND pc.product_id = p.id";
    }
    sql += CatalogWhere(b, p, f);
    if (!p.type.empty()) sql += " AND p.type = " + b.P(p.type);
    if (!p.category.empty() && by_category)
      sql += " AND lower(pc.name) = lower(" + b.P(p.category) + ")";
    sql += " GROUP BY " + k;
  } else if (m == "product_count") {
    sql = Select("NULL", "COUNT(*)", "NULL", "NULL") + " FROM products p" + CatalogWhere(b, p, f);
    if (!p.type.empty()) sql += " AND p.type = " + b.P(p.type);
    if (!p.category.empty()) {
      sql +=
          " AND EXISTS (SELECT 1 FROM product_categories pc WHERE pc.store_id = p.store_id AND "
          "pc.product_id = p.id AND lower(pc.name) = lower(" +
          b.P(p.category) + "))";
    }
  } else if (m == "on_sale_products" || m == "product_price" || m == "unsold_products") {
    std::string a = m == "product_price" ? "p.price_minor" : "NULL";
    sql = Select("p.id", a, "NULL", "p.name") + " FROM products p" + CatalogWhere(b, p, f) +
          " AND p.type IN ('simple','variable')";
    if (m == "on_sale_products") sql += " AND p.on_sale = 1";
    if (m == "product_price") sql += " AND p.price_minor IS NOT NULL";
    if (!p.category.empty()) {
      sql +=
          " AND EXISTS (SELECT 1 FROM product_categories pc WHERE pc.store_id = p.store_id AND "
          "pc.product_id = p.id AND lower(pc.name) = lower(" +
          b.P(p.category) + "))";
    }
    if (!p.product_ids.empty()) sql += " AND p.id IN " + b.InIds(p.product_ids);
    if (m == "unsold_products" && f.derived_fresh) {
      // daily_products has a row for every (day, product) with a line in a sales order.
      sql += " AND p.id NOT IN (SELECT d.product_id FROM daily_products d WHERE d.store_id = " +
             b.P(f.store_id) + " AND " + LocalRange(b, "d.day", r) + ")";
    } else if (m == "unsold_products") {
      sql +=
          " AND p.id NOT IN (SELECT li.product_id FROM orders o JOIN order_line_items li ON "
          "li.store_id = o.store_id AND li.order_id = o.id WHERE o.store_id = " +
          b.P(f.store_id) + " AND " + kSales + " AND " + LocalRange(b, "o.date_created", r) + ")";
    }
  } else if (m == "low_stock" || m == "out_of_stock" || m == "inventory_value") {
    if (m == "inventory_value") {
      sql = Select("NULL", "SUM(u.qty * u.pr)", "NULL", "NULL") + " FROM " + StockUnits(b, p, f) +
            " WHERE u.ms = 1 AND u.qty > 0 AND u.pr IS NOT NULL";
    } else {
      sql = Select("u.uk", "u.qty", "u.ms", "u.nm") + " FROM " + StockUnits(b, p, f);
      if (m == "low_stock") {
        sql += " WHERE u.ms = 1 AND u.qty > 0 AND u.qty <= " +
               b.P(int64_t{p.threshold > 0 ? p.threshold : 5});
      } else {
        sql += " WHERE u.ss = 'outofstock'";
      }
    }
  } else if (m == "stock_level") {
    if (!p.variation_ids.empty()) {
      sql = Select("v.id", "CASE WHEN v.manage_stock = 1 THEN v.stock_quantity ELSE NULL END",
                   "NULL", "NULL") +
            " FROM variations v WHERE v.store_id = " + b.P(f.store_id) + " AND v.id IN " +
            b.InIds(p.variation_ids);
    } else if (!p.product_ids.empty()) {
      sql = Select("p.id",
                   "CASE WHEN p.manage_stock = 1 THEN p.stock_quantity ELSE (SELECT "
                   "SUM(v.stock_quantity) FROM variations v WHERE v.store_id = p.store_id AND "
                   "v.parent_id = p.id AND v.manage_stock = 1) END",
                   "NULL", "p.name") +
            " FROM products p WHERE p.store_id = " + b.P(f.store_id) + " AND p.id IN " +
            b.InIds(p.product_ids);
    } else {
      return InvalidArgumentError("which product?");
    }
  } else {
    return InvalidArgumentError("unknown product metric");
  }
  return b.Finish(sql);
}

StatusOr<SqlQuery> CouponFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                                const StoreFacts& f) {
  const std::string& m = p.metric;
  std::string sql;
  QueryPlan unfiltered = p;
  unfiltered.coupon.clear();
  if ((m == "coupon_uses" || m == "coupon_discount") && f.derived_fresh &&
      NoOrderFilters(unfiltered) && p.country.empty() &&
      (p.dimension == "coupon" || !p.coupon.empty() || m == "coupon_discount")) {
    // daily_coupons: distinct orders per day and code (an order has one day, so the days add
    // up); without a code or a breakdown by code, uses would count an order once per code.
    std::string k = p.dimension == "coupon" ? "d.code" : "NULL";
    sql =
        Select(k, m == "coupon_uses" ? "SUM(d.orders)" : "SUM(d.discount_minor)", "NULL", "NULL") +
        " FROM daily_coupons d WHERE d.store_id = " + b.P(f.store_id) + " AND " +
        LocalRange(b, "d.day", r);
    if (!p.coupon.empty()) sql += " AND d.code = " + b.P(p.coupon);
    if (p.dimension == "coupon") sql += " GROUP BY d.code";
    return b.Finish(sql);
  }
  if (m == "coupon_uses" || m == "coupon_discount") {
    std::string k = p.dimension == "coupon" ? "cl.code" : "NULL";
    std::string a = m == "coupon_uses" ? "COUNT(DISTINCT o.id)" : "SUM(cl.discount_minor)";
    sql = Select(k, a, "NULL", "NULL") +
          // Join order fixed for SQLite without statistics (it probed the code index once per
          // order of the period): one code -> its lines lead; else the period's orders lead.
          (p.coupon.empty() ? " FROM orders o CROSS JOIN order_coupon_lines cl"
                            : " FROM order_coupon_lines cl CROSS JOIN orders o") +
          " WHERE cl.store_id = o.store_id AND cl.order_id = o.id AND o.store_id = " +
          b.P(f.store_id) + " AND " + kSales + " AND " + LocalRange(b, "o.date_created", r);
    if (!p.coupon.empty()) sql += " AND cl.code = " + b.P(p.coupon);
    QueryPlan copy = p;
    copy.coupon.clear();
    sql += OrderFilters(b, copy, r, f, false);
    if (p.dimension == "coupon") sql += " GROUP BY cl.code";
    return b.Finish(sql);
  }
  const bool count_only = m == "coupon_count";
  sql = Select(count_only ? "NULL" : "c.code", count_only ? "COUNT(*)" : "NULL", "NULL",
               count_only ? "NULL" : "c.code") +
        " FROM coupons c WHERE c.store_id = " + b.P(f.store_id) +
        " AND (c.date_created IS NULL OR c.date_created < " + b.P(DayAfter(p.as_of)) + ")";
  const std::string today = p.as_of.ToString();
  if (m == "active_coupons") {
    sql +=
        " AND (c.date_expires IS NULL OR c.date_expires = '' OR substr(c.date_expires, 1, 10) "
        ">= " +
        b.P(today) +
        ") AND (c.usage_limit IS NULL OR c.usage_limit = 0 OR c.usage_count < c.usage_limit) "
        "AND (c.status = '' OR c.status = 'publish')";
  } else if (m == "expired_coupons") {
    sql +=
        " AND c.date_expires IS NOT NULL AND c.date_expires <> '' AND substr(c.date_expires, "
        "1, 10) < " +
        b.P(today);
  } else if (m == "unused_coupons") {
    sql +=
        " AND c.code NOT IN (SELECT cl.code FROM order_coupon_lines cl JOIN orders o ON "
        "o.store_id = cl.store_id AND o.id = cl.order_id WHERE cl.store_id = " +
        b.P(f.store_id) + " AND " + kSales + " AND o.date_created < " + b.P(DayAfter(p.as_of)) +
        ")";
  } else if (m == "coupon_count") {
    if (!p.type.empty()) sql += " AND c.discount_type = " + b.P(p.type);
  } else {
    return InvalidArgumentError("unknown coupon metric");
  }
  return b.Finish(sql);
}

StatusOr<SqlQuery> RefundFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                                const StoreFacts& f) {
  const std::string& m = p.metric;
  std::string sql;
  QueryPlan unfiltered = p;
  unfiltered.customer_type.clear();
  if (m == "refund_rate" && f.derived_fresh && NoOrderFilters(unfiltered) &&
      f.derived_refunds_through < DayAfter(p.as_of)) {
    // daily_orders counts the orders with any refund; with none after the as-of date that is
    // "a refund up to the as-of date".
    sql = Select("NULL", "SUM(d.refunded_orders)", "COALESCE(SUM(d.orders), 0)", "NULL") +
          " FROM daily_orders d WHERE d.store_id = " + b.P(f.store_id) +
          " AND d.status IN ('completed','processing','on-hold','refunded') AND " +
          LocalRange(b, "d.day", r);
    if (!p.country.empty()) sql += " AND d.country = " + b.P(p.country);
    return b.Finish(sql);
  }
  if (m == "refund_rate") {
    sql = Select("NULL",
                 "SUM(CASE WHEN EXISTS (SELECT 1 FROM refunds r WHERE r.store_id = o.store_id AND "
                 "r.order_id = o.id AND r.date_created < " +
                     b.P(DayAfter(p.as_of)) + ") THEN 1 ELSE 0 END)",
                 "COUNT(*)", "NULL") +
          " FROM orders o WHERE o.store_id = " + b.P(f.store_id) +
          " AND o.status IN ('completed','processing','on-hold','refunded') AND " +
          LocalRange(b, "o.date_created", r);
    QueryPlan copy = p;
    copy.customer_type.clear();
    sql += OrderFilters(b, copy, r, f, false);
    return b.Finish(sql);
  }
  if (m == "refunded_units") {
    std::string k = p.dimension == "product" ? "rl.product_id" : "NULL";
    sql = Select(k, "SUM(abs(rl.quantity))", "NULL", "NULL") +
          " FROM refunds r JOIN refund_line_items rl ON rl.store_id = r.store_id AND "
          "rl.refund_id = r.id WHERE r.store_id = " +
          b.P(f.store_id) + " AND " + LocalRange(b, "r.date_created", r);
    if (!p.product_ids.empty()) sql += " AND rl.product_id IN " + b.InIds(p.product_ids);
    if (p.dimension == "product") sql += " GROUP BY rl.product_id";
    return b.Finish(sql);
  }
  if (f.derived_fresh) {
    // daily_refunds: per refund day and trimmed reason (the day decides the range exactly).
    std::string k = "NULL";
    if (p.dimension == "day") k = "d.day";
    if (p.dimension == "month") k = "substr(d.day, 1, 7)";
    if (p.dimension == "reason") k = "d.reason";
    std::string a, bb = "NULL";
    const std::string count = "COALESCE(SUM(d.refunds), 0)";
    if (m == "refund_total") {
      a = "SUM(d.amount_minor)";
    } else if (m == "refund_count") {
      a = count;
    } else if (m == "largest_refund") {
      a = "MAX(d.max_amount_minor)";
    } else if (m == "avg_refund") {
      a = "SUM(d.amount_minor)";
      bb = count;
    } else {
      return InvalidArgumentError("unknown refund metric");
    }
    sql = Select(k, a, bb, "NULL") + " FROM daily_refunds d WHERE d.store_id = " + b.P(f.store_id) +
          " AND " + LocalRange(b, "d.day", r);
    if (p.dimension == "reason") sql += " AND d.reason <> ''";
    if (k != "NULL") sql += " GROUP BY " + k;
    return b.Finish(sql);
  }
  std::string k = "NULL";
  if (p.dimension == "day") k = "substr(r.date_created, 1, 10)";
  if (p.dimension == "month") k = "substr(r.date_created, 1, 7)";
  if (p.dimension == "reason") k = "trim(r.reason)";
  std::string a, bb = "NULL";
  if (m == "refund_total")
    a = "SUM(r.amount_minor)";
  else if (m == "refund_count")
    a = "COUNT(*)";
  else if (m == "largest_refund")
    a = "MAX(r.amount_minor)";
  else if (m == "avg_refund") {
    a = "SUM(r.amount_minor)";
    bb = "COUNT(*)";
  } else {
    return InvalidArgumentError("unknown refund metric");
  }
  sql = Select(k, a, bb, "NULL") + " FROM refunds r WHERE r.store_id = " + b.P(f.store_id) +
        " AND " + LocalRange(b, "r.date_created", r);
  if (p.dimension == "reason") sql += " AND trim(r.reason) <> ''";
  if (k != "NULL") sql += " GROUP BY " + k;
  return b.Finish(sql);
}

StatusOr<SqlQuery> PaymentFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                                 const StoreFacts& f) {
  const std::string& m = p.metric;
  std::string sql;
  if (m == "unpaid_orders" || m == "unpaid_value") {
    sql = (m == "unpaid_orders" ? Select("o.number", "o.total_minor", "NULL", "o.number")
                                : Select("NULL", "SUM(o.total_minor)", "COUNT(*)", "NULL")) +
          " FROM orders o WHERE o.store_id = " + b.P(f.store_id) + " AND o.date_created < " +
          b.P(DayAfter(p.as_of)) +
          // The WHERE of the partial index orders_unpaid (store/schema.cc), term for term.
          " AND (o.date_paid IS NULL OR o.date_paid = '') AND o.status NOT IN "
          "('cancelled','failed','refunded','trash','checkout-draft','draft')";
  } else if (m == "payments_received" || m == "payments_received_amount") {
    sql = Select("NULL", m == "payments_received" ? "COUNT(*)" : "SUM(o.total_minor)", "NULL",
                 "NULL") +
          " FROM orders o WHERE o.store_id = " + b.P(f.store_id) +
          " AND o.date_paid IS NOT NULL AND o.date_paid <> '' AND " +
          LocalRange(b, "o.date_paid", r);
    if (!p.payment_method.empty()) {
      sql += " AND (" + std::string(kMethodKey) + " = " + b.P(p.payment_method) +
             " OR o.payment_method = " + b.P(p.payment_method) + ")";
    }
  } else if (m == "enabled_gateways") {
    sql = Select("g.id", "NULL", "NULL", "g.title") +
          " FROM payment_gateways g WHERE g.store_id = " + b.P(f.store_id) + " AND g.enabled = 1";
  } else {
    return InvalidArgumentError("unknown payment metric");
  }
  return b.Finish(sql);
}

StatusOr<SqlQuery> PayoutFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                                const StoreFacts& f) {
  const std::string& m = p.metric;
  std::string cur = ToLowerAscii(f.currency);
  std::string base = " FROM payouts po WHERE po.store_id = " + b.P(f.store_id) +
                     " AND (lower(po.currency) = " + b.P(cur) + " OR po.currency = '')";
  auto range = [&]() {
    std::string s;
    if (r.start)
      s += " AND " + std::string(kPayoutDate) + " >= " + b.P(r.start->ToDays() * 86400000);
    return s + " AND " + kPayoutDate + " < " + b.P((r.end.ToDays() + 1) * 86400000);
  };
  std::string k = p.dimension == "day" || p.dimension == "month" ? kPayoutDate : "NULL";
  std::string sql;
  if (m == "payouts_total" || m == "payout_count" || m == "largest_payout" || m == "avg_payout") {
    std::string a = m == "payout_count"     ? "COUNT(*)"
                    : m == "largest_payout" ? "MAX(" + std::string(kPayoutAmount) + ")"
                                            : "SUM(" + std::string(kPayoutAmount) + ")";
    std::string bb = m == "avg_payout" ? "COUNT(*)" : "NULL";
    sql = Select(k, a, bb, "NULL");
    sql += base;
    sql += " AND po.status = 'paid'" + range();
    if (k != "NULL") sql += " GROUP BY " + k;
  } else if (m == "last_payout" || m == "last_payout_date") {
    sql = Select(kPayoutDate, kPayoutAmount, "NULL", "po.id") + base +
          " AND po.status = 'paid' AND " + kPayoutDate + " < " +
          b.P((p.as_of.ToDays() + 1) * 86400000) + " ORDER BY " + kPayoutDate +
          " DESC, po.created DESC LIMIT 1";
  } else if (m == "pending_payouts") {
    sql = Select("NULL", "SUM(" + std::string(kPayoutAmount) + ")", "COUNT(*)", "NULL") + base +
          " AND po.status IN ('pending','in_transit','estimated')";
  } else if (m == "failed_payouts") {
    sql = Select("NULL", "COUNT(*)", "SUM(" + std::string(kPayoutAmount) + ")", "NULL") + base +
          " AND po.status IN ('failed','canceled')";
  } else {
    return InvalidArgumentError("unknown payout metric");
  }
  return b.Finish(sql);
}

StatusOr<SqlQuery> DisputeFamily(Builder& b, const QueryPlan& p, const DateRange& r,
                                 const StoreFacts& f) {
  const std::string& m = p.metric;
  auto range = [&]() {
    std::string s;
    // Compared as "YYYY-MM-DD HH:MM:SS" whichever separator the store sent.
    if (r.start) s += " AND replace(d.created, 'T', ' ') >= " + b.P(UtcText(f.tz, *r.start));
    return s + " AND replace(d.created, 'T', ' ') < " + b.P(UtcText(f.tz, r.end.AddDays(1)));
  };
  std::string sql;
  if (m == "dispute_count" || m == "dispute_amount") {
    std::string k = "NULL";
    if (p.dimension == "reason") k = "d.reason";
    if (p.dimension == "status") k = "d.status";
    if (p.dimension == "month") k = "d.created";
    sql = Select(k, m == "dispute_count" ? "COUNT(*)" : "SUM(d.amount_minor)", "NULL", "NULL") +
          " FROM disputes d WHERE d.store_id = " + b.P(f.store_id) + range();
    if (!p.statuses.empty()) sql += " AND d.status IN " + b.In(p.statuses);
    if (k != "NULL" && p.dimension != "month") sql += " GROUP BY " + k;
  } else if (m == "open_disputes" || m == "disputes_needing_response") {
    sql = Select("d.dispute_id", "d.amount_minor", "NULL", "d.order_number") +
          " FROM disputes d WHERE d.store_id = " + b.P(f.store_id) +
          " AND replace(d.created, 'T', ' ') < " + b.P(UtcText(f.tz, p.as_of.AddDays(1))) +
          (m == "open_disputes"
               ? " AND d.status IN ('needs_response','warning_needs_response','under_review',"
                 "'warning_under_review')"
               : " AND d.status IN ('needs_response','warning_needs_response')");
  } else if (m == "dispute_win_rate") {
    sql = Select("NULL", "SUM(CASE WHEN d.status = 'won' THEN 1 ELSE 0 END)",
                 "SUM(CASE WHEN d.status IN ('won','lost') THEN 1 ELSE 0 END)", "NULL") +
          " FROM disputes d WHERE d.store_id = " + b.P(f.store_id) + range();
  } else if (m == "next_dispute_deadline") {
    sql = Select("MIN(d.due_by)", "COUNT(*)", "NULL", "NULL") +
          " FROM disputes d WHERE d.store_id = " + b.P(f.store_id) +
          " AND d.status IN ('needs_response','warning_needs_response') AND d.due_by IS NOT NULL";
  } else {
    return InvalidArgumentError("unknown dispute metric");
  }
  return b.Finish(sql);
}

}  // namespace

namespace {

// The whole set, uncapped (BuildSql caps it, BuildSetTotalsSql counts it).
StatusOr<SqlQuery> BuildUncapped(const QueryPlan& plan, const DateRange& range,
                                 const StoreFacts& facts, store::Dialect dialect) {
  Builder b;
  const std::string& m = plan.metric;
  if (m == "new_customers" || m == "returning_customers" || m == "repeat_customers" ||
      m == "repeat_rate" || m == "lapsed_customers" || m == "customers_in_country") {
    return CustomerFamily(b, plan, range, facts);
  }
  if (m == "registered_customers" || m == "new_signups" || m == "paying_customers" ||
      m == "non_paying_customers") {
    return AccountFamily(b, plan, range, facts);
  }
  if (m == "product_count" || m == "on_sale_products" || m == "product_price" ||
      m == "unsold_products" || m == "low_stock" || m == "out_of_stock" || m == "inventory_value" ||
      m == "stock_level") {
    return ProductFamily(b, plan, range, facts);
  }
  if (m == "coupon_uses" || m == "coupon_discount" || m == "active_coupons" ||
      m == "expired_coupons" || m == "unused_coupons" || m == "coupon_count") {
    return CouponFamily(b, plan, range, facts);
  }
  if (m == "refund_total" || m == "refund_count" || m == "largest_refund" || m == "avg_refund" ||
      m == "refund_rate" || m == "refunded_units") {
    return RefundFamily(b, plan, range, facts);
  }
  if (m == "unpaid_orders" || m == "unpaid_value" || m == "payments_received" ||
      m == "payments_received_amount" || m == "enabled_gateways") {
    return PaymentFamily(b, plan, range, facts);
  }
  if (m == "payouts_total" || m == "payout_count" || m == "largest_payout" || m == "avg_payout" ||
      m == "last_payout" || m == "last_payout_date" || m == "pending_payouts" ||
      m == "failed_payouts") {
    return PayoutFamily(b, plan, range, facts);
  }
  if (m == "dispute_count" || m == "dispute_amount" || m == "open_disputes" ||
      m == "disputes_needing_response" || m == "dispute_win_rate" || m == "next_dispute_deadline") {
    return DisputeFamily(b, plan, range, facts);
  }
  return OrderFamily(b, plan, range, facts, dialect);
}

}  // namespace

bool IsCappedSet(const QueryPlan& plan) {
  const std::string& m = plan.metric;
  return plan.base_period.empty() && plan.dimension.empty() &&
         (m == "unpaid_orders" || m == "on_sale_products" || m == "unsold_products" ||
          m == "active_coupons" || m == "expired_coupons" || m == "unused_coupons" ||
          m == "enabled_gateways" || m == "open_disputes" || m == "disputes_needing_response");
}

StatusOr<SqlQuery> BuildSql(const QueryPlan& plan, const DateRange& range, const StoreFacts& facts,
                            store::Dialect dialect) {
  CLEVER_ASSIGN_OR_RETURN(SqlQuery q, BuildUncapped(plan, range, facts, dialect));
  if (!IsCappedSet(plan)) return q;
  // The display order of execute.cc (name, the key when the name is empty; bytewise), then the
  // key, so the first kMaxListedRows + 1 rows are exactly the ones a full read would show.
  // The inner LIMIT -1 / OFFSET 0 keeps the subquery apart: flattened, SQLite would give up the
  // partial index orders_unpaid for orders_by_date (900 ms instead of 13 ms at 1M orders).
  q.text = "SELECT x.k AS k, x.a AS a, x.b AS b, x.n AS n FROM (" + q.text +
           (dialect == store::Dialect::kPostgres ? " OFFSET 0" : " LIMIT -1") +
           ") x ORDER BY COALESCE(NULLIF(x.n, ''), CAST(x.k AS TEXT))" +
           (dialect == store::Dialect::kPostgres ? " COLLATE \"C\"" : "") + ", x.k LIMIT ?";
  q.params.emplace_back(static_cast<int64_t>(kMaxListedRows + 1));
  return q;
}

StatusOr<SqlQuery> BuildSetTotalsSql(const QueryPlan& plan, const DateRange& range,
                                     const StoreFacts& facts, store::Dialect dialect) {
  if (!IsCappedSet(plan)) return InvalidArgumentError("not a capped set metric");
  CLEVER_ASSIGN_OR_RETURN(SqlQuery q, BuildUncapped(plan, range, facts, dialect));
  q.text = "SELECT NULL AS k, COUNT(*) AS a, SUM(CAST(x.a AS BIGINT)) AS b, NULL AS n FROM (" +
           q.text + ") x";
  return q;
}

}  // namespace clever::query
