#include "store/derived.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace clever::store {
namespace {

std::string Text(const Value& v) {
  if (IsNull(v)) return "~";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return std::get<std::string>(v);
}

constexpr const char* kSales = "o.status IN ('completed','processing','on-hold')";

Status Exec(Database& db, const std::string& sql, const std::vector<Value>& params) {
  return db.Execute(sql, params).status();
}

std::vector<Value> Join(std::vector<Value> a, const std::vector<Value>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string Next(const std::string& prefix);

// Which orders a statement covers: ` AND ...` after `o.store_id = ?`, and its parameters.
struct Scope {
  std::string sql;
  std::vector<Value> params;
};

// The store's orders filter of a statement over `orders o`. With no narrower scope (a full
// build), `+o.store_id` keeps SQLite from walking the orders through a secondary index that
// leads with store_id (orders_by_customer: one random table lookup per order, 2x the CPU of
// the full build's scan in table order); a narrower scope keeps its index.
std::string StoreOf(const Scope& s) { return s.sql.empty() ? "+o.store_id = ?" : "o.store_id = ?"; }

// Each order's refunds (all of them): a full build sums every refund once in a joined
// subquery (`rf.r`), a narrower scope looks its orders' refunds up. `sum` is the order's refunded
// amount; `params` are those of `SELECT ? ... FROM orders o` + join + ` WHERE o.store_id = ?`.
struct OrderRefunds {
  std::string join;
  std::string sum;
  std::vector<Value> params;
};
OrderRefunds RefundsOfOrders(const Value& sid, bool full) {
  if (full) {
    return {
        " LEFT JOIN (SELECT order_id, SUM(amount_minor) AS r FROM refunds WHERE store_id = ? "
        "GROUP BY order_id) rf ON rf.order_id = o.id",
        "COALESCE(rf.r, 0)",
        {sid, sid, sid}};
  }
  return {"",
          "COALESCE((SELECT SUM(r.amount_minor) FROM refunds r WHERE r.store_id = o.store_id AND "
          "r.order_id = o.id), 0)",
          {sid, sid}};
}

// The orders of one store-local day (substr(date_created, 1, 10) = day). The range in front of
// the exact test lets orders_by_date serve it: every text starting with `day` lies in
// [day, day with its last character incremented) in byte order (docs/postgres.md: C collation).
Scope DayScope(const std::string& day) {
  const std::string next = Next(day);
  if (next.empty()) return {" AND substr(o.date_created, 1, 10) = ?", {Value{day}}};
  return {" AND o.date_created >= ? AND o.date_created < ? AND substr(o.date_created, 1, 10) = ?",
          {Value{day}, Value{next}, Value{day}}};
}

Status InsertDailyOrders(Database& db, const Value& sid, const Scope& s, bool full) {
  // Refunds of each order (all of them): a full build sums every refund once, a day looks its
  // orders' refunds up.
  const OrderRefunds rf = RefundsOfOrders(sid, full);
  const std::string refunded =
      (full ? std::string("SUM(CASE WHEN rf.r IS NULL THEN 0 ELSE 1 END)")
            : std::string("SUM(CASE WHEN EXISTS (SELECT 1 FROM refunds r WHERE r.store_id = "
                          "o.store_id AND r.order_id = o.id) THEN 1 ELSE 0 END)")) +
      ", SUM(" + rf.sum + ")";
  return Exec(db,
              "INSERT INTO daily_orders (store_id, day, status, country, orders, guest_orders, "
              "total_minor, shipping_minor, tax_minor, discount_minor, max_total_minor, "
              "refunded_orders, refunds_minor) SELECT ?, substr(o.date_created, 1, 10), "
              "o.status, o.billing_country, COUNT(*), SUM(CASE WHEN o.customer_id = 0 THEN 1 ELSE "
              "0 END), SUM(o.total_minor), SUM(o.shipping_total_minor), SUM(o.total_tax_minor), "
              "SUM(o.discount_total_minor), MAX(o.total_minor), " +
                  refunded + " FROM orders o" + rf.join + " WHERE " + StoreOf(s) + s.sql +
                  " GROUP BY substr(o.date_created, 1, 10), o.status, o.billing_country",
              Join(rf.params, s.params));
}

// The first text after every text starting with `prefix` in byte order, for `col >= prefix AND
// col < Next(prefix)` in front of an exact prefix test; "" when there is none to compute.
std::string Next(const std::string& prefix) {
  const bool ascii =
      !prefix.empty() && static_cast<unsigned char>(prefix.back()) < 0x7e &&
      std::all_of(prefix.begin(), prefix.end(), [](char c) { return c > 0 && c < 0x7f; });
  if (!ascii) return "";
  std::string next = prefix;
  next.back() = static_cast<char>(next.back() + 1);
  return next;
}

// product_periods of one grain: the months (grain 'm', from daily_products' days) or the years
// (grain 'y', from the months) whose period is `*only`, or every one when `only` is null.
enum class Grain { kMonth, kYear };
Status InsertProductPeriods(Database& db, const Value& sid, Grain grain, const std::string* only) {
  const bool month = grain == Grain::kMonth;
  const std::string col = month ? "day" : "period";
  const std::string period = "substr(" + col + ", 1, " + (month ? "7" : "4") + ")";
  std::string where;
  std::vector<Value> params = {sid};
  if (only != nullptr) {
    const std::string next = Next(*only);
    if (!next.empty()) {
      where = " AND " + col + " >= ? AND " + col + " < ?";
      params.push_back(Value{*only});
      params.push_back(Value{next});
    }
    where += " AND " + period + " = ?";
    params.push_back(Value{*only});
  }
  return Exec(db,
              std::string("INSERT INTO product_periods (store_id, grain, period, product_id, "
                          "variation_id, quantity, total_minor, product_name, line_name) SELECT "
                          "store_id, ") +
                  (month ? "'m'" : "'y'") + ", " + period +
                  ", product_id, variation_id, SUM(quantity), SUM(total_minor), "
                  "MAX(product_name), MAX(line_name) FROM " +
                  (month ? "daily_products WHERE store_id = ?"
                         : "product_periods WHERE store_id = ? AND grain = 'm'") +
                  where + " GROUP BY store_id, " + period + ", product_id, variation_id",
              params);
}

Status InsertDailyProducts(Database& db, const Value& sid, const Scope& s) {
  return Exec(db,
              "INSERT INTO daily_products (store_id, day, product_id, variation_id, quantity, "
              "total_minor, product_name, line_name) SELECT ?, substr(o.date_created, 1, 10), "
              "li.product_id, li.variation_id, SUM(li.quantity), SUM(li.total_minor), MAX(CASE "
              "WHEN li.parent_name <> '' THEN li.parent_name ELSE li.name END), MAX(li.name) FROM "
              "orders o CROSS JOIN order_line_items li WHERE " +
                  StoreOf(s) + " AND " + std::string(kSales) + s.sql +
                  " AND li.store_id = o.store_id AND li.order_id = o.id GROUP BY "
                  "substr(o.date_created, 1, 10), li.product_id, li.variation_id",
              Join({sid, sid}, s.params));
}

Status InsertDailyCoupons(Database& db, const Value& sid, const Scope& s) {
  return Exec(db,
              "INSERT INTO daily_coupons (store_id, day, code, orders, discount_minor) SELECT ?, "
              "substr(o.date_created, 1, 10), cl.code, COUNT(DISTINCT o.id), "
              "SUM(cl.discount_minor) FROM orders o CROSS JOIN order_coupon_lines cl WHERE " +
                  StoreOf(s) + " AND " + std::string(kSales) + s.sql +
                  " AND cl.store_id = o.store_id AND cl.order_id = o.id GROUP BY "
                  "substr(o.date_created, 1, 10), cl.code",
              Join({sid, sid}, s.params));
}

Status InsertDailyPayments(Database& db, const Value& sid, const Scope& s) {
  const std::string method = kOrderMethodKeySql;
  return Exec(db,
              "INSERT INTO daily_payments (store_id, day, status, method, gateway, orders, "
              "total_minor) SELECT ?, substr(o.date_created, 1, 10), o.status, " +
                  method + ", o.payment_method, COUNT(*), SUM(o.total_minor) FROM orders o WHERE " +
                  StoreOf(s) + s.sql + " GROUP BY substr(o.date_created, 1, 10), o.status, " +
                  method + ", o.payment_method",
              Join({sid, sid}, s.params));
}

// daily_refunds of the refunds dated on one day (`day` non-null) or of all.
Status InsertDailyRefunds(Database& db, const Value& sid, const std::string* day) {
  std::string where;
  std::vector<Value> params = {sid};
  if (day != nullptr) {
    const std::string next = Next(*day);
    if (!next.empty()) {
      where = " AND r.date_created >= ? AND r.date_created < ?";
      params.push_back(Value{*day});
      params.push_back(Value{next});
    }
    where += " AND substr(r.date_created, 1, 10) = ?";
    params.push_back(Value{*day});
  }
  return Exec(db,
              "INSERT INTO daily_refunds (store_id, day, reason, refunds, amount_minor, "
              "max_amount_minor) SELECT r.store_id, substr(r.date_created, 1, 10), "
              "trim(r.reason), COUNT(*), SUM(r.amount_minor), MAX(r.amount_minor) FROM refunds r "
              "WHERE r.store_id = ?" +
                  where + " GROUP BY r.store_id, substr(r.date_created, 1, 10), trim(r.reason)",
              params);
}

// customer_summary rows of the customers whose sales orders `s` selects (all of their orders).
Status InsertCustomerSummary(Database& db, const Value& sid, const Scope& s, bool full) {
  const std::string ck = kOrderCustomerKeySql;
  // The latest (date_created, id) sales order's country without a window: the maximum of
  // date_created || \x01 || id (20 digits) || \x01 || country is that order's (\x01 sorts
  // below every character of a date, so a shorter date sorts first, as in ORDER BY), and its
  // date part is MAX(date_created).
  const bool pg = db.dialect() == Dialect::kPostgres;
  const std::string sep = pg ? "chr(1)" : "char(1)";
  const std::string id20 = pg ? "lpad(CAST(o.id AS TEXT), 20, '0')"
                              : "substr('00000000000000000000' || CAST(o.id AS TEXT), -20)";
  const OrderRefunds rf = RefundsOfOrders(sid, full);
  return Exec(db,
              "INSERT INTO customer_summary (store_id, ck, first_at, last_at, order_count, "
              "ltv_minor, last_country) SELECT ?, x.ck, x.first_at, x.last_at, x.n, x.net, "
              "substr(x.latest, length(x.last_at) + 23) FROM (SELECT " +
                  ck +
                  " AS ck, MIN(o.date_created) AS first_at, MAX(o.date_created) AS last_at, "
                  "COUNT(*) AS n, SUM(o.total_minor - " +
                  rf.sum + ") AS net, MAX(o.date_created || " + sep + " || " + id20 + " || " + sep +
                  " || o.billing_country) AS latest FROM orders o" + rf.join + " WHERE " +
                  StoreOf(s) + " AND " + kSales + s.sql + " GROUP BY 1) x",
              Join(rf.params, s.params));
}

// customer_periods rows (months, then years) of the customers whose orders `s` selects; needs
// their customer_summary rows. `only_dirty` limits the years to the changed customers.
Status InsertCustomerPeriods(Database& db, const Value& sid, const Scope& s, bool full) {
  const std::string ck = kOrderCustomerKeySql;
  const OrderRefunds rf = RefundsOfOrders(sid, full);
  std::vector<Value> params = Join(rf.params, s.params);
  params.push_back(sid);
  CLEVER_RETURN_IF_ERROR(Exec(
      db,
      "INSERT INTO customer_periods (store_id, grain, period, ck, orders, net_minor, first_at) "
      "SELECT ?, 'm', x.period, x.ck, x.n, x.net, cs.first_at FROM (SELECT "
      "substr(o.date_created, 1, 7) AS period, " +
          ck + " AS ck, COUNT(*) AS n, SUM(o.total_minor - " + rf.sum + ") AS net FROM orders o" +
          rf.join + " WHERE " + StoreOf(s) + " AND " + kSales + s.sql +
          " GROUP BY 1, 2) x JOIN customer_summary cs ON cs.store_id = ? AND cs.ck = x.ck",
      params));
  return Exec(
      db,
      std::string("INSERT INTO customer_periods (store_id, grain, period, ck, orders, "
                  "net_minor, first_at) SELECT store_id, 'y', substr(period, 1, 4), ck, "
                  "SUM(orders), SUM(net_minor), MIN(first_at) FROM customer_periods WHERE "
                  "store_id = ? AND grain = 'm'") +
          (full ? "" : " AND ck IN (SELECT ck FROM derived_dirty_customers WHERE store_id = ?)") +
          " GROUP BY store_id, substr(period, 1, 4), ck",
      full ? std::vector<Value>{sid} : std::vector<Value>{sid, sid});
}

constexpr const char* kDerivedTables[] = {"customer_summary", "customer_periods", "daily_orders",
                                          "daily_products",   "daily_coupons",    "daily_payments",
                                          "product_periods",  "daily_refunds"};

Status FullBuild(Database& db, const Value& sid) {
  for (const char* t : kDerivedTables) {
    CLEVER_RETURN_IF_ERROR(
        Exec(db, std::string("DELETE FROM ") + t + " WHERE store_id = ?", {sid}));
  }
  const Scope all;
  CLEVER_RETURN_IF_ERROR(InsertDailyProducts(db, sid, all));
  CLEVER_RETURN_IF_ERROR(InsertCustomerSummary(db, sid, all, /*full=*/true));
  CLEVER_RETURN_IF_ERROR(InsertCustomerPeriods(db, sid, all, /*full=*/true));
  CLEVER_RETURN_IF_ERROR(InsertProductPeriods(db, sid, Grain::kMonth, nullptr));
  CLEVER_RETURN_IF_ERROR(InsertProductPeriods(db, sid, Grain::kYear, nullptr));
  CLEVER_RETURN_IF_ERROR(InsertDailyOrders(db, sid, all, /*full=*/true));
  CLEVER_RETURN_IF_ERROR(InsertDailyCoupons(db, sid, all));
  CLEVER_RETURN_IF_ERROR(InsertDailyRefunds(db, sid, nullptr));
  return InsertDailyPayments(db, sid, all);
}

// The kinds of customer keys of derived_dirty_customers, each with the condition binding an
// `orders o` row to the key's row `d` (o's key is d.ck) through its index: orders_by_customer
// (store_id, customer_id, date_created) for accounts, orders_by_billing_email for guests
// (`d.email || ''` and `+o.customer_id` make SQLite take that index instead of scanning every
// guest order per key), the primary key for o:.
// Only accounts' orders are in date order in their index: a guest's are sorted after the
// lookup (`date_order`: `|| ''` keeps SQLite from walking orders_by_date instead), and a month's
// range is tested on them without offering SQLite orders_by_date for it (`month_range` false).
struct KeyKind {
  const char* prefix;
  const char* orders_of_key;
  bool month_range;
  const char* date_order;
};
constexpr KeyKind kKeyKinds[] = {
    {"c:", "o.store_id = d.store_id AND o.customer_id = d.customer_id", true, "o.date_created"},
    {"e:",
     "o.store_id = d.store_id AND lower(trim(o.billing_email)) = (d.email || '') AND "
     "+o.customer_id <= 0",
     false, "o.date_created || ''"},
    {"o:",
     "o.store_id = d.store_id AND o.id = d.order_id AND o.customer_id <= 0 AND "
     "trim(o.billing_email) = ''",
     false, "o.date_created || ''"}};

constexpr const char* kDirtyCks = "(SELECT ck FROM derived_dirty_customers WHERE store_id = ?)";

// The changed customers' rows, in proportion to the change set: an order that changed (in any
// way: status, customer, date, total, deletion, refunds) logged its old and new day and its old
// and new customer key, so a changed customer's (customer, month) rows can only differ in the
// months of the logged days. Those months are recomputed from the orders (each customer's
// orders of that month through its index), every other month row stays; customer_summary's
// count and net come from the month rows, its first and latest sales order from the orders
// (first and last in the index's date order), and the years of those months from the month rows.
// Gives exactly what InsertCustomerSummary + InsertCustomerPeriods over the customers' orders
// give (tests/store/derived_incremental_test.cc).
Status RefreshDirtyCustomers(Database& db, const Value& sid, const std::vector<std::string>& months,
                             const std::vector<std::string>& years) {
  // Rows are written only where they change (an upsert whose DO UPDATE has a WHERE, and deletes
  // of the rows left without orders): a status change that moves no figure (processing ->
  // completed) writes nothing, and every page not written is one the WAL checkpoint does not
  // copy.
  const OrderRefunds rf = RefundsOfOrders(sid, /*full=*/false);
  for (const std::string& month : months) {
    const std::string next = Next(month);
    for (const KeyKind& kind : kKeyKinds) {
      std::vector<Value> range_params;
      std::string range;
      if (kind.month_range && !next.empty()) {
        range = " AND o.date_created >= ? AND o.date_created < ?";
        range_params = {Value{month}, Value{next}};
      }
      const std::string of_month = std::string(" FROM orders o WHERE ") + kind.orders_of_key +
                                   range + " AND substr(o.date_created, 1, 7) = ? AND " + kSales;
      std::vector<Value> params = Join({sid, Value{month}, sid}, range_params);
      params.push_back(Value{month});
      CLEVER_RETURN_IF_ERROR(Exec(
          db,
          "DELETE FROM customer_periods WHERE store_id = ? AND grain = 'm' AND period = ? AND ck "
          "IN (SELECT d.ck FROM derived_dirty_customers d WHERE d.store_id = ? AND substr(d.ck, "
          "1, 2) = '" +
              std::string(kind.prefix) + "' AND NOT EXISTS (SELECT 1" + of_month + "))",
          params));
      // A new row takes the customer's first order as it was; corrected below with the rest.
      params = Join({sid, Value{month}, sid, sid}, range_params);
      params.push_back(Value{month});
      CLEVER_RETURN_IF_ERROR(
          Exec(db,
               "INSERT INTO customer_periods (store_id, grain, period, ck, orders, net_minor, "
               "first_at) SELECT ?, 'm', ?, d.ck, COUNT(*), SUM(o.total_minor - " +
                   rf.sum +
                   "), COALESCE((SELECT cs.first_at FROM customer_summary cs WHERE cs.store_id = "
                   "? AND cs.ck = d.ck), '') FROM derived_dirty_customers d CROSS JOIN orders o "
                   "WHERE d.store_id = ? AND substr(d.ck, 1, 2) = '" +
                   kind.prefix + "' AND " + kind.orders_of_key + range +
                   " AND substr(o.date_created, 1, 7) = ? AND " + kSales +
                   " GROUP BY d.ck ON CONFLICT (store_id, ck, grain, period) DO UPDATE SET orders "
                   "= excluded.orders, net_minor = excluded.net_minor WHERE "
                   "customer_periods.orders <> excluded.orders OR customer_periods.net_minor <> "
                   "excluded.net_minor",
               params));
    }
  }
  CLEVER_RETURN_IF_ERROR(
      Exec(db,
           std::string("DELETE FROM customer_summary WHERE store_id = ? AND ck IN ") + kDirtyCks +
               " AND NOT EXISTS (SELECT 1 FROM customer_periods cp WHERE cp.store_id = "
               "customer_summary.store_id AND cp.ck = customer_summary.ck AND cp.grain = 'm')",
           {sid, sid}));
  // The latest sales order as InsertCustomerSummary orders them: by date_created, then by id as
  // 20-digit text.
  const bool pg = db.dialect() == Dialect::kPostgres;
  const std::string id20 = pg ? "lpad(CAST(o.id AS TEXT), 20, '0')"
                              : "substr('00000000000000000000' || CAST(o.id AS TEXT), -20)";
  for (const KeyKind& kind : kKeyKinds) {
    const std::string of_key = std::string(" FROM orders o WHERE ") + kind.orders_of_key + " AND " +
                               kSales + " ORDER BY " + kind.date_order;
    CLEVER_RETURN_IF_ERROR(Exec(
        db,
        "INSERT INTO customer_summary (store_id, ck, first_at, last_at, order_count, ltv_minor, "
        "last_country) SELECT d.store_id, d.ck, (SELECT o.date_created" +
            of_key +
            " LIMIT 1), l.date_created, d.n, d.net, l.billing_country FROM (SELECT dd.store_id, "
            "dd.ck, dd.customer_id, dd.email, dd.order_id, SUM(cp.orders) AS n, "
            "SUM(cp.net_minor) AS net FROM derived_dirty_customers dd CROSS JOIN customer_periods "
            "cp WHERE cp.store_id = dd.store_id AND cp.ck = dd.ck AND cp.grain = 'm' AND "
            "dd.store_id = ? AND substr(dd.ck, 1, 2) = '" +
            kind.prefix +
            "' GROUP BY dd.store_id, dd.ck, dd.customer_id, dd.email, dd.order_id) d JOIN orders l "
            "ON l.store_id = d.store_id AND l.id = (SELECT o.id" +
            of_key + " DESC, " + id20 +
            " DESC LIMIT 1) WHERE d.n > 0 ON CONFLICT (store_id, ck) DO UPDATE SET first_at = "
            "excluded.first_at, last_at = excluded.last_at, order_count = excluded.order_count, "
            "ltv_minor = excluded.ltv_minor, last_country = excluded.last_country WHERE "
            "customer_summary.first_at <> excluded.first_at OR customer_summary.last_at <> "
            "excluded.last_at OR customer_summary.order_count <> excluded.order_count OR "
            "customer_summary.ltv_minor <> excluded.ltv_minor OR customer_summary.last_country "
            "<> excluded.last_country",
        {sid}));
  }
  // The customers' first order may have moved: every row of theirs carries it.
  const std::string first =
      "(SELECT cs.first_at FROM customer_summary cs WHERE cs.store_id = customer_periods.store_id "
      "AND cs.ck = customer_periods.ck)";
  CLEVER_RETURN_IF_ERROR(Exec(db,
                              "UPDATE customer_periods SET first_at = " + first +
                                  " WHERE store_id = ? AND ck IN " + kDirtyCks +
                                  " AND first_at <> " + first,
                              {sid, sid}));
  for (const std::string& year : years) {
    std::vector<Value> range_params;
    std::string range;
    const std::string next = Next(year);
    if (!next.empty()) {
      range = " AND m.period >= ? AND m.period < ?";
      range_params = {Value{year}, Value{next}};
    }
    std::vector<Value> params = Join({sid, Value{year}, sid}, range_params);
    params.push_back(Value{year});
    CLEVER_RETURN_IF_ERROR(Exec(
        db,
        std::string("DELETE FROM customer_periods WHERE store_id = ? AND grain = 'y' AND period = "
                    "? AND ck IN ") +
            kDirtyCks +
            " AND NOT EXISTS (SELECT 1 FROM customer_periods m WHERE m.store_id = "
            "customer_periods.store_id AND m.ck = customer_periods.ck AND m.grain = 'm'" +
            range + " AND substr(m.period, 1, 4) = ?)",
        params));
    params = Join({sid, sid}, range_params);
    params.push_back(Value{year});
    CLEVER_RETURN_IF_ERROR(Exec(
        db,
        std::string("INSERT INTO customer_periods (store_id, grain, period, ck, orders, "
                    "net_minor, first_at) SELECT m.store_id, 'y', substr(m.period, 1, 4), m.ck, "
                    "SUM(m.orders), SUM(m.net_minor), MIN(m.first_at) FROM customer_periods m "
                    "WHERE m.store_id = ? AND m.grain = 'm' AND m.ck IN ") +
            kDirtyCks + range +
            " AND substr(m.period, 1, 4) = ? GROUP BY m.store_id, substr(m.period, 1, 4), m.ck ON "
            "CONFLICT (store_id, ck, grain, period) DO UPDATE SET orders = excluded.orders, "
            "net_minor = excluded.net_minor, first_at = excluded.first_at WHERE "
            "customer_periods.orders <> excluded.orders OR customer_periods.net_minor <> "
            "excluded.net_minor OR customer_periods.first_at <> excluded.first_at",
        params));
  }
  return OkStatus();
}

// Recomputes the changed days and customers named by the change log.
int64_t MicrosSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

Status IncrementalBuild(Database& db, const Value& sid, const std::vector<std::string>& days,
                        bool customers_changed, RefreshStats& stats) {
  auto t = std::chrono::steady_clock::now();
  for (const std::string& day : days) {
    for (const char* table :
         {"daily_orders", "daily_products", "daily_coupons", "daily_payments", "daily_refunds"}) {
      CLEVER_RETURN_IF_ERROR(
          Exec(db, std::string("DELETE FROM ") + table + " WHERE store_id = ? AND day = ?",
               {sid, Value{day}}));
    }
    const Scope s = DayScope(day);
    CLEVER_RETURN_IF_ERROR(InsertDailyOrders(db, sid, s, /*full=*/false));
    CLEVER_RETURN_IF_ERROR(InsertDailyProducts(db, sid, s));
    CLEVER_RETURN_IF_ERROR(InsertDailyCoupons(db, sid, s));
    CLEVER_RETURN_IF_ERROR(InsertDailyPayments(db, sid, s));
    CLEVER_RETURN_IF_ERROR(InsertDailyRefunds(db, sid, &day));
  }
  stats.days_us = MicrosSince(t);
  t = std::chrono::steady_clock::now();
  // The months and years of those days (characters, as SQL counts them), from daily_products.
  CLEVER_ASSIGN_OR_RETURN(ResultSet months,
                          db.Query("SELECT DISTINCT substr(day, 1, 7) FROM derived_dirty_days "
                                   "WHERE store_id = ?",
                                   {sid}));
  for (const auto& row : months.rows) {
    const std::string month = AsString(row[0]);
    CLEVER_RETURN_IF_ERROR(
        Exec(db, "DELETE FROM product_periods WHERE store_id = ? AND grain = 'm' AND period = ?",
             {sid, Value{month}}));
    CLEVER_RETURN_IF_ERROR(InsertProductPeriods(db, sid, Grain::kMonth, &month));
  }
  CLEVER_ASSIGN_OR_RETURN(ResultSet years,
                          db.Query("SELECT DISTINCT substr(day, 1, 4) FROM derived_dirty_days "
                                   "WHERE store_id = ?",
                                   {sid}));
  for (const auto& row : years.rows) {
    const std::string year = AsString(row[0]);
    CLEVER_RETURN_IF_ERROR(
        Exec(db, "DELETE FROM product_periods WHERE store_id = ? AND grain = 'y' AND period = ?",
             {sid, Value{year}}));
    CLEVER_RETURN_IF_ERROR(InsertProductPeriods(db, sid, Grain::kYear, &year));
  }
  stats.periods_us = MicrosSince(t);
  t = std::chrono::steady_clock::now();
  if (!customers_changed) return OkStatus();
  std::vector<std::string> month_list, year_list;
  for (const auto& row : months.rows) month_list.push_back(AsString(row[0]));
  for (const auto& row : years.rows) year_list.push_back(AsString(row[0]));
  CLEVER_RETURN_IF_ERROR(RefreshDirtyCustomers(db, sid, month_list, year_list));
  stats.customers_us = MicrosSince(t);
  return OkStatus();
}

// Whether a day text (substr(date_created, 1, 10)) is a well-formed YYYY-MM-DD.
constexpr const char* kOddDays =
    "SELECT COUNT(*) FROM daily_orders WHERE store_id = ? AND NOT (length(day) = 10 AND "
    "substr(day, 1, 1) BETWEEN '0' AND '9' AND substr(day, 2, 1) BETWEEN '0' AND '9' AND "
    "substr(day, 3, 1) BETWEEN '0' AND '9' AND substr(day, 4, 1) BETWEEN '0' AND '9' AND "
    "substr(day, 5, 1) = '-' AND substr(day, 6, 1) BETWEEN '0' AND '1' AND substr(day, 7, 1) "
    "BETWEEN '0' AND '9' AND substr(day, 6, 2) BETWEEN '01' AND '12' AND substr(day, 8, 1) = "
    "'-' AND substr(day, 9, 1) BETWEEN '0' AND '3' AND substr(day, 10, 1) BETWEEN '0' AND '9' "
    "AND substr(day, 9, 2) BETWEEN '01' AND '31')";

}  // namespace

StatusOr<std::string> DerivedMarker(Database& db, int64_t store_id) {
  CLEVER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db.Query("SELECT category, state, cursor, records_done, records_total, last_attempt_at, "
               "last_success_at FROM sync_state WHERE store_id = ? AND category IN "
               "('orders','refunds') ORDER BY category",
               {Value{store_id}}));
  std::string marker;
  for (const auto& row : rs.rows) {
    for (const Value& v : row) {
      std::string t = Text(v);
      marker += std::to_string(t.size()) + ":" + t + ";";
    }
    marker += "\n";
  }
  return marker;
}

namespace {

// What every build ends with, in its transaction: the change log emptied and derived_state
// recording what the tables were built from.
Status RecordBuild(Database& db, const Value& sid, const std::string& now_iso, int64_t build_ms) {
  CLEVER_RETURN_IF_ERROR(Exec(db, "DELETE FROM derived_dirty_days WHERE store_id = ?", {sid}));
  CLEVER_RETURN_IF_ERROR(Exec(db, "DELETE FROM derived_dirty_customers WHERE store_id = ?", {sid}));
  auto latest = [&](const char* table) -> StatusOr<std::string> {
    CLEVER_ASSIGN_OR_RETURN(ResultSet rs, db.Query(std::string("SELECT MAX(date_created) FROM ") +
                                                       table + " WHERE store_id = ?",
                                                   {sid}));
    return rs.rows.empty() || IsNull(rs.rows[0][0]) ? std::string() : AsString(rs.rows[0][0]);
  };
  CLEVER_ASSIGN_OR_RETURN(std::string through, latest("orders"));
  CLEVER_ASSIGN_OR_RETURN(std::string refunds_through, latest("refunds"));
  CLEVER_ASSIGN_OR_RETURN(std::string marker, DerivedMarker(db, AsInt(sid)));
  CLEVER_ASSIGN_OR_RETURN(ResultSet odd, db.Query(kOddDays, {sid}));
  const int64_t odd_dates = AsInt(odd.rows.at(0)[0]) > 0 ? 1 : 0;
  CLEVER_RETURN_IF_ERROR(Exec(db, "DELETE FROM derived_state WHERE store_id = ?", {sid}));
  return Exec(db,
              "INSERT INTO derived_state (store_id, marker, through, refunds_through, content, "
              "built_at, build_ms, odd_dates) VALUES (?, ?, ?, ?, '', ?, ?, ?)",
              {sid, Value{marker}, Value{through}, Value{refunds_through}, Value{now_iso},
               Value{build_ms}, Value{odd_dates}});
}

int64_t MillisSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

}  // namespace

Status RefreshDerived(Database& db, int64_t store_id, const std::string& now_iso,
                      RefreshStats* stats, bool force_full) {
  const auto t0 = std::chrono::steady_clock::now();
  const Value sid{store_id};
  RefreshStats local;
  Status st = db.Transaction([&]() -> Status {
    CLEVER_ASSIGN_OR_RETURN(
        ResultSet built, db.Query("SELECT build_ms FROM derived_state WHERE store_id = ?", {sid}));
    CLEVER_ASSIGN_OR_RETURN(
        ResultSet days_rs,
        db.Query("SELECT day FROM derived_dirty_days WHERE store_id = ? ORDER BY day", {sid}));
    CLEVER_ASSIGN_OR_RETURN(
        ResultSet counts,
        db.Query("SELECT (SELECT COUNT(*) FROM derived_dirty_customers WHERE store_id = ?), "
                 "(SELECT COUNT(*) FROM customer_summary WHERE store_id = ?)",
                 {sid, sid}));
    const int64_t dirty_customers = AsInt(counts.rows.at(0)[0]);
    const int64_t customers = AsInt(counts.rows.at(0)[1]);
    std::vector<std::string> days;
    for (const auto& row : days_rs.rows) days.push_back(AsString(row[0]));
    // Past a quarter of the customers, one set-based pass is cheaper than per-key lookups.
    local.full = force_full || built.rows.empty() || dirty_customers * 4 > customers + 1000;
    if (local.full) {
      CLEVER_RETURN_IF_ERROR(FullBuild(db, sid));
    } else {
      local.days = static_cast<int64_t>(days.size());
      local.customers = dirty_customers;
      CLEVER_RETURN_IF_ERROR(IncrementalBuild(db, sid, days, dirty_customers > 0, local));
    }
    local.ms = MillisSince(t0);
    return RecordBuild(db, sid, now_iso, local.ms);
  });
  if (stats != nullptr) *stats = local;
  return st;
}

BackgroundFullBuild::BackgroundFullBuild(std::unique_ptr<Database> db, int64_t store_id)
    : db_(std::move(db)), store_id_(store_id) {}

BackgroundFullBuild::~BackgroundFullBuild() {
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<BackgroundFullBuild> BackgroundFullBuild::Start(Database& db, int64_t store_id) {
  if (db.dialect() != Dialect::kSqlite) return nullptr;  // TEMP tables beside a writer: SQLite's
  auto other = db.OpenAnother();
  if (!other.ok()) return nullptr;
  std::unique_ptr<BackgroundFullBuild> build(new BackgroundFullBuild(std::move(*other), store_id));
  build->thread_ = std::thread([b = build.get()] {
    b->status_ = b->Build();
    b->ready_.store(true, std::memory_order_release);
  });
  return build;
}

Status BackgroundFullBuild::Build() {
  const auto t0 = std::chrono::steady_clock::now();
  Database& db = *db_;
  // Beside the writer's 64 MiB: 8 MiB for the snapshot's pages and 8 MiB for the TEMP tables,
  // whose sorts and GROUP BY trees spill to files past that (with 16 MiB each the sync's peak RSS
  // at 100,000 orders was 168.8 MiB instead of 148.0; at 1,000,000 it must stay under 256 MiB).
  for (const char* pragma : {"PRAGMA temp_store = FILE", "PRAGMA main.cache_size = -8192",
                             "PRAGMA temp.cache_size = -8192"}) {
    CLEVER_RETURN_IF_ERROR(Exec(db, pragma, {}));
  }
  // A deferred transaction: the SELECTs read one snapshot of main, the writes go to TEMP only, so
  // it never takes main's write lock.
  CLEVER_RETURN_IF_ERROR(Exec(db, "BEGIN", {}));
  Status st = [&]() -> Status {
    CLEVER_ASSIGN_OR_RETURN(marker_, DerivedMarker(db, store_id_));
    for (const char* table : kDerivedTables) {
      // TEMP tables of the same names and columns: the build's unqualified statements write them
      // (TEMP comes first in SQLite's name lookup) and read main's orders and refunds.
      CLEVER_ASSIGN_OR_RETURN(
          ResultSet ddl, db.Query("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND "
                                  "name = ?",
                                  {Value{std::string(table)}}));
      const std::string create = ddl.rows.empty() ? "" : AsString(ddl.rows[0][0]);
      const std::string prefix = "CREATE TABLE ";  // sqlite_master's normalised form
      if (create.rfind(prefix, 0) != 0) {
        return InternalError(std::string("no definition of table ") + table + " to copy");
      }
      CLEVER_RETURN_IF_ERROR(Exec(db, "CREATE TEMP TABLE " + create.substr(prefix.size()), {}));
    }
    return FullBuild(db, Value{store_id_});
  }();
  (void)Exec(db, st.ok() ? "COMMIT" : "ROLLBACK", {});
  build_ms_ = MillisSince(t0);
  return st;
}

Status BackgroundFullBuild::Wait() {
  if (thread_.joinable()) thread_.join();
  return status_;
}

Status BackgroundFullBuild::Finish(const std::string& now_iso, RefreshStats* stats) {
  CLEVER_RETURN_IF_ERROR(Wait());
  if (db_ == nullptr) return FailedPreconditionError("the background build was finished already");
  const auto t0 = std::chrono::steady_clock::now();
  Database& db = *db_;
  const Value sid{store_id_};
  RefreshStats local;
  local.full = true;
  local.beside = true;
  local.beside_ms = build_ms_;
  // BEGIN IMMEDIATE on this connection: main's write lock, free while the writer waits here.
  Status st = db.Transaction([&]() -> Status {
    CLEVER_ASSIGN_OR_RETURN(std::string marker, DerivedMarker(db, store_id_));
    if (marker != marker_) {
      return FailedPreconditionError(
          "the orders or refunds were synced again while their derived tables were built");
    }
    for (const char* table : kDerivedTables) {
      const std::string t = table;
      CLEVER_RETURN_IF_ERROR(Exec(db, "DELETE FROM main." + t + " WHERE store_id = ?", {sid}));
      CLEVER_RETURN_IF_ERROR(Exec(db, "INSERT INTO main." + t + " SELECT * FROM temp." + t, {}));
    }
    local.ms = build_ms_ + MillisSince(t0);
    return RecordBuild(db, sid, now_iso, local.ms);
  });
  // The TEMP tables go with the connection.
  db_.reset();
  if (stats != nullptr) *stats = local;
  return st;
}

StatusOr<DerivedState> ReadDerived(Database& db, int64_t store_id) {
  DerivedState out;
  CLEVER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db.Query("SELECT marker, through, refunds_through, build_ms, odd_dates FROM derived_state "
               "WHERE store_id = ?",
               {Value{store_id}}));
  if (rs.rows.empty()) return out;
  CLEVER_ASSIGN_OR_RETURN(std::string marker, DerivedMarker(db, store_id));
  out.fresh = AsString(rs.rows[0][0]) == marker;
  out.through = AsString(rs.rows[0][1]);
  out.refunds_through = AsString(rs.rows[0][2]);
  out.build_ms = AsInt(rs.rows[0][3]);
  out.periods_exact = AsInt(rs.rows[0][4]) == 0;
  return out;
}

}  // namespace clever::store
