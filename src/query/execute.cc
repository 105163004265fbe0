#include "query/execute.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "query/catalog.h"
#include "query/text.h"

namespace clever::query {
namespace {

using store::AsDouble;
using store::AsInt;
using store::AsString;
using store::IsNull;
using store::Value;

bool IsRatio(const std::string& m) {
  static const std::set<std::string> k = {"avg_order_value",
                                          "avg_ltv",
                                          "guest_share",
                                          "avg_orders_per_customer",
                                          "coupon_order_share",
                                          "coupon_aov",
                                          "avg_items_per_order",
                                          "payment_share",
                                          "payment_revenue_share",
                                          "avg_unit_price",
                                          "repeat_rate",
                                          "refund_rate",
                                          "avg_refund",
                                          "avg_payout",
                                          "dispute_win_rate"};
  return k.count(m) > 0;
}

bool IsMaximum(const std::string& m) {
  return m == "largest_order" || m == "largest_refund" || m == "largest_payout" ||
         m == "stock_level";
}

bool IsTimeDimension(const std::string& d) {
  return d == "day" || d == "week" || d == "month" || d == "weekday" || d == "year";
}

double Pow10(int decimals) { return std::pow(10.0, decimals); }

std::string MonthLabel(const std::string& ym) {
  if (ym.size() < 7) return ym;
  int m = std::atoi(ym.substr(5, 2).c_str());
  if (m < 1 || m > 12) return ym;
  return std::string(kMonthNames[m]) + " " + ym.substr(0, 4);
}

std::string UtcDateOfMs(int64_t ms) {
  return CivilDate::FromDays(ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000)).ToString();
}

// Store-local date of a UTC "YYYY-MM-DD HH:MM:SS" text.
std::string LocalDateOfUtc(const StoreFacts& f, const std::string& utc) {
  auto t = ParseLocalDateTime(utc);
  if (!t.ok()) return utc.substr(0, 10);
  return f.tz.ToLocal(t->ToEpochSecondsAsUtc()).date.ToString();
}

std::string SqlIn(size_t n) {
  std::string s = "(";
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s + ")";
}

class Names {
 public:
  Names(store::Database& db, const StoreFacts& f) : db_(db), f_(f) {}

  std::map<int64_t, std::string> Products(const std::vector<int64_t>& ids) {
    std::map<int64_t, std::string> out;
    for (size_t i = 0; i < ids.size(); i += 500) {
      size_t n = std::min<size_t>(500, ids.size() - i);
      std::vector<Value> params = {f_.store_id};
      for (size_t k = 0; k < n; ++k) params.emplace_back(ids[i + k]);
      auto rs = db_.Query("SELECT id, name FROM products WHERE store_id = ? AND id IN " + SqlIn(n),
                          params);
      if (!rs.ok()) continue;
      for (const auto& row : rs->rows) out[AsInt(row[0])] = AsString(row[1]);
    }
    return out;
  }

  // Each variation's options joined by ", " (in position order), one statement per 500 ids
  // rather than one per variation.
  std::map<int64_t, std::string> VariationOptions(const std::vector<int64_t>& ids) {
    std::map<int64_t, std::string> out;
    for (size_t i = 0; i < ids.size(); i += 500) {
      size_t n = std::min<size_t>(500, ids.size() - i);
      std::vector<Value> params = {f_.store_id};
      for (size_t k = 0; k < n; ++k) params.emplace_back(ids[i + k]);
      auto rs = db_.Query(
          "SELECT variation_id, option FROM variation_attributes WHERE store_id = ? AND "
          "variation_id IN " +
              SqlIn(n) + " ORDER BY variation_id, position",
          params);
      if (!rs.ok()) continue;
      for (const auto& row : rs->rows) {
        std::string& opts = out[AsInt(row[0])];
        opts += (opts.empty() ? "" : ", ") + AsString(row[1]);
      }
    }
    return out;
  }

  // "<parent> - <options joined by ', '>" [M-VARIATIONS].
  static std::string Variation(const std::map<int64_t, std::string>& options, int64_t variation_id,
                               const std::string& parent_name) {
    auto it = options.find(variation_id);
    return it == options.end() || it->second.empty() ? parent_name
                                                     : parent_name + " - " + it->second;
  }

  // [M-NAMES]: registered -> account name, else account billing name, else latest order's
  // billing name, else e-mail; guest -> billing name of the latest sales order, else e-mail.
  std::map<std::string, std::string> Customers(const std::vector<std::string>& keys) {
    std::map<std::string, std::string> out;
    std::vector<std::string> emails;
    for (const std::string& k : keys) {
      if (k.rfind("c:", 0) == 0) {
        int64_t id = std::atoll(k.c_str() + 2);
        auto rs = db_.Query(
            "SELECT first_name, last_name, billing_first_name, billing_last_name, email FROM "
            "customers WHERE store_id = ? AND id = ?",
            {f_.store_id, id});
        std::string name;
        if (rs.ok() && !rs->rows.empty()) {
          const auto& r = rs->rows[0];
          name = Trim(AsString(r[0]) + " " + AsString(r[1]));
          if (name.empty()) name = Trim(AsString(r[2]) + " " + AsString(r[3]));
          if (name.empty()) name = AsString(r[4]);
        }
        if (name.empty()) {
          auto ls = db_.Query(
              "SELECT billing_first_name, billing_last_name, billing_email FROM orders WHERE "
              "store_id = ? AND customer_id = ? AND status IN ('completed','processing','on-hold') "
              "ORDER BY date_created DESC, id DESC LIMIT 1",
              {f_.store_id, id});
          if (ls.ok() && !ls->rows.empty()) {
            name = Trim(AsString(ls->rows[0][0]) + " " + AsString(ls->rows[0][1]));
            if (name.empty()) name = AsString(ls->rows[0][2]);
          }
        }
        out[k] = name.empty() ? k : name;
      } else if (k.rfind("e:", 0) == 0) {
        emails.push_back(k.substr(2));
        out[k] = k.substr(2);
      } else {
        out[k] = "Guest order " + k.substr(2);
      }
    }
    if (!emails.empty()) {
      std::vector<Value> params = {f_.store_id};
      for (const auto& e : emails) params.emplace_back(e);
      auto rs = db_.Query(
          "SELECT lower(trim(billing_email)), billing_first_name, billing_last_name FROM orders "
          "WHERE store_id = ? AND customer_id = 0 AND status IN "
          "('completed','processing','on-hold') AND lower(trim(billing_email)) IN " +
              SqlIn(emails.size()) + " ORDER BY date_created, id",
          params);
      if (rs.ok()) {
        for (const auto& r : rs->rows) {  // later rows (later orders) win
          std::string name = Trim(AsString(r[1]) + " " + AsString(r[2]));
          if (!name.empty()) out["e:" + AsString(r[0])] = name;
        }
      }
    }
    return out;
  }

 private:
  store::Database& db_;
  const StoreFacts& f_;
};

StatusOr<store::ResultSet> Run(store::Database& db, const QueryPlan& plan, const DateRange& range,
                               const StoreFacts& facts, Result& out) {
  CLEVER_ASSIGN_OR_RETURN(SqlQuery q, BuildSql(plan, range, facts, db.dialect()));
  auto t0 = std::chrono::steady_clock::now();
  auto rs = db.Query(q.text, q.params);
  out.sql_ms +=
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  out.statements.push_back(q.text);
  return rs;
}

bool IsSet(const std::string& m) {
  const MetricInfo* info = FindMetric(m);
  return info && info->unit == Unit::kEntities;
}

}  // namespace

std::optional<double> FigureOf(const QueryPlan& plan, const StoreFacts& f, const Value& a,
                               const Value& b, const DateRange& range, const Value& n) {
  const std::string& m = plan.metric;
  const MetricInfo* info = FindMetric(m);
  const bool money = info && info->unit == Unit::kMoney;
  const double scale = money ? Pow10(f.decimals) : 1.0;
  if (IsRatio(m)) {
    if (IsNull(a) || IsNull(b) || AsDouble(b) == 0) return std::nullopt;
    double v = AsDouble(a) / AsDouble(b);
    if (info && info->unit == Unit::kPercent) return 100.0 * v;
    if (m == "avg_unit_price" || m == "avg_order_value" || m == "avg_ltv" || m == "coupon_aov" ||
        m == "avg_refund" || m == "avg_payout") {
      return v / scale;
    }
    return v;
  }
  if (m == "orders_per_day") {
    int64_t days = range.Days();
    if (!range.start) {
      if (IsNull(n)) return std::nullopt;
      auto first = ParseCivilDate(AsString(n));
      if (!first.ok()) return std::nullopt;
      days = range.end.ToDays() - first->ToDays() + 1;
    }
    if (days <= 0) return std::nullopt;
    return AsDouble(a) / static_cast<double>(days);
  }
  if (IsNull(a)) {
    if (IsMaximum(m)) return std::nullopt;
    return 0.0;
  }
  return AsDouble(a) / scale;
}

StatusOr<Result> Execute(store::Database& db, const QueryPlan& plan, const StoreFacts& facts) {
  Result out;
  const std::string& m = plan.metric;
  const std::string& dim = plan.dimension;
  const MetricInfo* info = plan.info ? plan.info : FindMetric(m);
  if (info == nullptr) return InvalidArgumentError("metric not in the catalogue");
  const bool money = info->unit == Unit::kMoney;
  const double scale = money ? Pow10(facts.decimals) : 1.0;
  Names names(db, facts);

  // ---------------------------------------------------------------- comparisons
  if (!plan.base_period.empty()) {
    CLEVER_ASSIGN_OR_RETURN(auto cur, Run(db, plan, plan.range, facts, out));
    CLEVER_ASSIGN_OR_RETURN(auto base, Run(db, plan, plan.base_range, facts, out));
    auto one = [&](const store::ResultSet& rs, const DateRange& r) -> std::optional<double> {
      if (rs.rows.empty())
        return FigureOf(plan, facts, Value{nullptr}, Value{nullptr}, r, Value{nullptr});
      return FigureOf(plan, facts, rs.rows[0][1], rs.rows[0][2], r, rs.rows[0][3]);
    };
    out.current = one(cur, plan.range);
    out.base = one(base, plan.base_range);
    out.rows.push_back({plan.period, plan.range.ToString(), out.current, std::nullopt});
    out.rows.push_back({plan.base_period, plan.base_range.ToString(), out.base, std::nullopt});
    if (!out.current || !out.base) {
      out.defined = false;
      out.undefined_reason = "the figure is undefined in one of the two periods";
      return out;
    }
    if (plan.compare == "change") {
      out.value = *out.current - *out.base;
    } else {
      if (*out.base == 0) {
        out.defined = false;
        out.undefined_reason = "growth from a zero base is undefined";
        return out;
      }
      out.value = 100.0 * (*out.current - *out.base) / *out.base;
    }
    return out;
  }

  CLEVER_ASSIGN_OR_RETURN(auto rs, Run(db, plan, plan.range, facts, out));

  // ---------------------------------------------------------------- special scalars
  if (m == "last_payout" || m == "last_payout_date") {
    if (rs.rows.empty()) {
      out.defined = false;
      out.undefined_reason = "there is no paid payout up to this date";
      return out;
    }
    std::string date = UtcDateOfMs(AsInt(rs.rows[0][0]));
    double amount = AsDouble(rs.rows[0][1]) / Pow10(facts.decimals);
    out.rows.push_back({AsString(rs.rows[0][3]), date, amount, std::nullopt});
    if (m == "last_payout") {
      out.value = amount;
    } else {
      out.entity = date;
    }
    return out;
  }
  if (m == "next_dispute_deadline") {
    if (rs.rows.empty() || AsInt(rs.rows[0][1]) == 0 || IsNull(rs.rows[0][0])) {
      out.defined = false;
      out.undefined_reason = "no dispute needs a response";
      return out;
    }
    out.entity = LocalDateOfUtc(facts, AsString(rs.rows[0][0]));
    out.rows.push_back({out.entity, out.entity, AsDouble(rs.rows[0][1]), std::nullopt});
    return out;
  }

  // ---------------------------------------------------------------- sets
  if (IsSet(m)) {
    std::vector<int64_t> pids;
    for (const auto& row : rs.rows) {
      ResultRow r;
      r.key = AsString(row[0]);
      r.name = AsString(row[3]);
      if (!IsNull(row[1])) {
        r.value = m == "unpaid_orders" || m == "open_disputes" || m == "disputes_needing_response"
                      ? AsDouble(row[1]) / Pow10(facts.decimals)
                      : AsDouble(row[1]);
      }
      if (r.name.empty()) r.name = r.key;
      out.rows.push_back(std::move(r));
    }
    if (m == "low_stock" || m == "out_of_stock") {
      std::vector<int64_t> vids;
      for (const ResultRow& r : out.rows) {
        if (r.key.rfind("v:", 0) == 0) vids.push_back(std::atoll(r.key.c_str() + 2));
      }
      const auto options = names.VariationOptions(vids);
      for (ResultRow& r : out.rows) {
        if (r.key.rfind("v:", 0) == 0) {
          r.name = Names::Variation(options, std::atoll(r.key.c_str() + 2), r.name);
        }
      }
    }
    std::sort(out.rows.begin(), out.rows.end(),
              [](const ResultRow& x, const ResultRow& y) { return x.name < y.name; });
    out.set_size = out.rows.size();
    if (IsCappedSet(plan) && out.rows.size() > kMaxListedRows) {
      // The statement stopped after the rows shown: count and sum the whole set apart.
      CLEVER_ASSIGN_OR_RETURN(SqlQuery tq,
                              BuildSetTotalsSql(plan, plan.range, facts, db.dialect()));
      auto t0 = std::chrono::steady_clock::now();
      CLEVER_ASSIGN_OR_RETURN(auto totals, db.Query(tq.text, tq.params));
      out.sql_ms +=
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      out.statements.push_back(tq.text);
      if (totals.rows.empty()) return InternalError("set totals returned no row");
      out.set_size = static_cast<size_t>(AsInt(totals.rows[0][1]));
      const bool amounts =
          m == "unpaid_orders" || m == "open_disputes" || m == "disputes_needing_response";
      out.set_value_sum = IsNull(totals.rows[0][2]) ? 0.0
                          : amounts ? AsDouble(totals.rows[0][2]) / Pow10(facts.decimals)
                                    : AsDouble(totals.rows[0][2]);
    }
    out.value = static_cast<double>(out.set_size);
    return out;
  }

  // ---------------------------------------------------------------- scalars
  if (dim.empty() && m != "product_price") {
    if (rs.rows.empty()) {
      out.value = FigureOf(plan, facts, Value{nullptr}, Value{nullptr}, plan.range, Value{nullptr});
    } else {
      out.value = FigureOf(plan, facts, rs.rows[0][1], rs.rows[0][2], plan.range, rs.rows[0][3]);
    }
    if (!out.value) {
      out.defined = false;
      out.undefined_reason = m == "stock_level" ? "stock is not tracked for this product"
                                                : "there is no data to compute it from in this "
                                                  "period (the figure is undefined)";
    }
    return out;
  }

  // ---------------------------------------------------------------- breakdowns and rankings
  struct Acc {
    double a = 0, b = 0;
    bool b_null = true;
    std::string n;
  };
  std::map<std::string, Acc> groups;
  std::vector<std::string> order;
  double total_a = 0;
  for (const auto& row : rs.rows) {
    std::string key = AsString(row[0]);
    if (m == "product_price") key = AsString(row[0]);
    if (facts.woopayments && (m == "payouts_total" || m == "payout_count") && !IsNull(row[0])) {
      std::string date = UtcDateOfMs(AsInt(row[0]));
      key = dim == "month" ? date.substr(0, 7) : date;
    }
    if ((m == "dispute_count" || m == "dispute_amount") && dim == "month") {
      key = LocalDateOfUtc(facts, key).substr(0, 7);
    }
    if (dim == "week" || dim == "weekday") {
      auto d = ParseCivilDate(key);
      if (d.ok()) {
        key = dim == "week" ? d->AddDays(-(d->IsoWeekday() - 1)).ToString()
                            : std::to_string(d->IsoWeekday());
      }
    }
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.a += AsDouble(row[1]);
    total_a += AsDouble(row[1]);
    if (!IsNull(row[2])) {
      it->second.b += AsDouble(row[2]);
      it->second.b_null = false;
    }
    if (!IsNull(row[3]) && it->second.n.empty()) it->second.n = AsString(row[3]);
  }
  const bool shares = (m == "payment_share" || m == "payment_revenue_share") && !dim.empty();
  for (const std::string& key : order) {
    const Acc& acc = groups[key];
    ResultRow r;
    r.key = key;
    r.name = acc.n;
    if (m == "product_price") {
      r.value = acc.a / Pow10(facts.decimals);
    } else if (shares) {
      r.value = total_a == 0 ? std::optional<double>() : 100.0 * acc.a / total_a;
    } else {
      r.value = FigureOf(plan, facts, Value{acc.a}, acc.b_null ? Value{nullptr} : Value{acc.b},
                         plan.range, Value{acc.n});
    }
    out.rows.push_back(std::move(r));
  }

  // Display names.
  if (dim == "product" || m == "product_price" || m == "refunded_units") {
    std::vector<int64_t> ids;
    for (const ResultRow& r : out.rows) ids.push_back(std::atoll(r.key.c_str()));
    auto pn = names.Products(ids);
    for (ResultRow& r : out.rows) {
      auto it = pn.find(std::atoll(r.key.c_str()));
      if (it != pn.end() && !it->second.empty()) r.name = it->second;
      if (r.name.empty()) r.name = "product " + r.key;
    }
  } else if (dim == "country") {
    for (ResultRow& r : out.rows) r.name = CountryDisplayName(r.key);
  } else if (dim == "month") {
    for (ResultRow& r : out.rows) r.name = MonthLabel(r.key);
  } else if (dim == "weekday") {
    for (ResultRow& r : out.rows) {
      int w = std::atoi(r.key.c_str());
      r.name = w >= 1 && w <= 7 ? kWeekdayNames[w] : r.key;
    }
  } else if (dim == "week") {
    for (ResultRow& r : out.rows) r.name = "week of " + r.key;
  } else if (dim != "customer" && dim != "variation") {
    for (ResultRow& r : out.rows) {
      if (r.name.empty()) r.name = r.key;
    }
  }

  // Order: rankings by value (ties by name), time breakdowns chronologically.
  const bool ranking = plan.single || plan.limit > 0 || !IsTimeDimension(dim);
  if (ranking) {
    const bool asc = plan.ascending;
    std::stable_sort(out.rows.begin(), out.rows.end(), [&](const ResultRow& x, const ResultRow& y) {
      double vx = x.value.value_or(asc ? 1e300 : -1e300);
      double vy = y.value.value_or(asc ? 1e300 : -1e300);
      if (std::fabs(vx - vy) > 1e-9) return asc ? vx < vy : vx > vy;
      return x.key < y.key;
    });
  } else {
    std::sort(out.rows.begin(), out.rows.end(),
              [](const ResultRow& x, const ResultRow& y) { return x.key < y.key; });
  }
  // Names that need a lookup, only for the rows shown.
  size_t shown = plan.limit > 0 ? std::min<size_t>(out.rows.size(), static_cast<size_t>(plan.limit))
                                : out.rows.size();
  if (plan.single) shown = std::min<size_t>(out.rows.size(), 1);
  if (ranking && shown < out.rows.size()) {
    // Keep entities tied with the last shown one (any order among ties is acceptable).
    size_t keep = shown;
    while (keep < out.rows.size() && keep > 0 &&
           out.rows[keep].value == out.rows[shown - 1].value && keep < shown + 20) {
      ++keep;
    }
    // "which X": the tied rows stay until their names are known, then go to `tied`.
    out.rows.resize(keep);
  }
  if (dim == "customer") {
    std::vector<std::string> keys;
    for (const ResultRow& r : out.rows) keys.push_back(r.key);
    if (keys.size() > 200) keys.resize(200);
    auto cn = names.Customers(keys);
    for (ResultRow& r : out.rows) {
      auto it = cn.find(r.key);
      r.name = it != cn.end() ? it->second : r.key;
    }
  } else if (dim == "variation") {
    std::vector<int64_t> pids;
    for (const ResultRow& r : out.rows) pids.push_back(std::atoll(r.key.c_str()));
    auto pn = names.Products(pids);
    std::vector<int64_t> vids;
    for (const ResultRow& r : out.rows) {
      size_t colon = r.key.find(':');
      int64_t vid = colon == std::string::npos ? 0 : std::atoll(r.key.c_str() + colon + 1);
      if (vid) vids.push_back(vid);
    }
    const auto options = names.VariationOptions(vids);
    for (ResultRow& r : out.rows) {
      int64_t pid = std::atoll(r.key.c_str());
      size_t colon = r.key.find(':');
      int64_t vid = colon == std::string::npos ? 0 : std::atoll(r.key.c_str() + colon + 1);
      std::string parent = pn.count(pid) ? pn[pid] : r.name;
      r.name = vid ? Names::Variation(options, vid, parent) : parent;
    }
  }
  // Names as the merchant reads them, not as WooCommerce escapes them ("&amp;").
  for (ResultRow& r : out.rows) r.name = DecodeHtmlEntities(r.name);
  if (out.rows.empty()) {
    if (plan.single) {
      out.defined = false;
      out.undefined_reason = "there is nothing to rank in this period";
    }
    return out;
  }
  if (ranking) {
    out.entity = out.rows[0].name;
  }
  if (plan.single && out.rows.size() > 1) {
    for (size_t i = 1; i < out.rows.size(); ++i) {
      if (out.rows[i].value == out.rows[0].value) out.tied.push_back(out.rows[i].name);
    }
    out.rows.resize(1);
  }
  (void)scale;
  return out;
}

}  // namespace clever::query
