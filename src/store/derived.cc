#include "store/derived.h"

#include <chrono>
#include <string>

namespace clever::store {
namespace {

std::string Text(const Value& v) {
  if (IsNull(v)) return "~";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return std::get<std::string>(v);
}

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

// Counts and sums over everything the derived tables summarise: a sync that changed nothing
// leaves it equal, and the rebuild is skipped (a scan, not a sort: ~1 s instead of a rebuild's
// tens of seconds at 1M orders). WooCommerce moves date_modified on every change of an order.
namespace {
StatusOr<std::string> ContentFingerprint(Database& db, const Value& sid) {
  CLEVER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db.Query("SELECT (SELECT COUNT(*) || '/' || COALESCE(SUM(id), 0) || '/' || "
               "COALESCE(SUM(total_minor), 0) || '/' || COALESCE(MAX(date_modified_gmt), '') || "
               "'/' || COALESCE(MAX(date_modified), '') FROM orders WHERE store_id = ?), (SELECT "
               "COUNT(*) || '/' || COALESCE(SUM(quantity), 0) || '/' || COALESCE(SUM(total_minor), "
               "0) FROM order_line_items WHERE store_id = ?), (SELECT COUNT(*) || '/' || "
               "COALESCE(SUM(id), 0) || '/' || COALESCE(SUM(amount_minor), 0) FROM refunds WHERE "
               "store_id = ?)",
               {sid, sid, sid}));
  std::string out;
  for (const Value& v : rs.rows.at(0)) out += Text(v) + ";";
  return out;
}

}  // namespace

Status RefreshDerived(Database& db, int64_t store_id, const std::string& now_iso) {
  const auto t0 = std::chrono::steady_clock::now();
  const Value sid{store_id};
  return db.Transaction([&]() -> Status {
    CLEVER_ASSIGN_OR_RETURN(std::string content, ContentFingerprint(db, sid));
    CLEVER_ASSIGN_OR_RETURN(
        ResultSet built, db.Query("SELECT content FROM derived_state WHERE store_id = ?", {sid}));
    if (!built.rows.empty() && AsString(built.rows[0][0]) == content) {
      // Nothing summarised changed since the last build: only the sync marker moves.
      CLEVER_ASSIGN_OR_RETURN(std::string marker, DerivedMarker(db, store_id));
      return db
          .Execute("UPDATE derived_state SET marker = ?, built_at = ? WHERE store_id = ?",
                   {Value{marker}, Value{now_iso}, sid})
          .status();
    }
    CLEVER_RETURN_IF_ERROR(
        db.Execute("DELETE FROM derived_state WHERE store_id = ?", {sid}).status());
    CLEVER_RETURN_IF_ERROR(
        db.Execute("DELETE FROM customer_summary WHERE store_id = ?", {sid}).status());
    CLEVER_RETURN_IF_ERROR(
        db.Execute("DELETE FROM daily_orders WHERE store_id = ?", {sid}).status());
    CLEVER_RETURN_IF_ERROR(
        db.Execute("DELETE FROM daily_products WHERE store_id = ?", {sid}).status());
    CLEVER_RETURN_IF_ERROR(
        db.Execute("INSERT INTO daily_products (store_id, day, product_id, variation_id, quantity, "
                   "total_minor, product_name, line_name) SELECT ?, substr(o.date_created, 1, 10), "
                   "li.product_id, li.variation_id, SUM(li.quantity), SUM(li.total_minor), "
                   "MAX(CASE WHEN li.parent_name <> '' THEN li.parent_name ELSE li.name END), "
                   "MAX(li.name) FROM orders o CROSS JOIN order_line_items li WHERE o.store_id = ? "
                   "AND o.status IN ('completed','processing','on-hold') AND li.store_id = "
                   "o.store_id AND li.order_id = o.id GROUP BY substr(o.date_created, 1, 10), "
                   "li.product_id, li.variation_id",
                   {sid, sid})
            .status());
    const std::string ck = kOrderCustomerKeySql;
    // The latest (date_created, id) sales order's country without a window: the maximum of
    // date_created || \x01 || id (20 digits) || \x01 || country is that order's (\x01 sorts
    // below every character of a date, so a shorter date sorts first, as in ORDER BY), and its
    // date part is MAX(date_created).
    const bool pg = db.dialect() == Dialect::kPostgres;
    const std::string sep = pg ? "chr(1)" : "char(1)";
    const std::string id20 = pg ? "lpad(CAST(o.id AS TEXT), 20, '0')"
                                : "substr('00000000000000000000' || CAST(o.id AS TEXT), -20)";
    CLEVER_RETURN_IF_ERROR(
        db.Execute(
              "INSERT INTO customer_summary (store_id, ck, first_at, last_at, order_count, "
              "ltv_minor, last_country) SELECT ?, x.ck, x.first_at, x.last_at, x.n, x.net, "
              "substr(x.latest, length(x.last_at) + 23) FROM (SELECT " +
                  ck +
                  " AS ck, MIN(o.date_created) AS first_at, MAX(o.date_created) AS last_at, "
                  "COUNT(*) AS n, SUM(o.total_minor - COALESCE(rf.r, 0)) AS net, "
                  "MAX(o.date_created || " +
                  sep + " || " + id20 + " || " + sep +
                  " || o.billing_country) AS latest FROM orders o LEFT JOIN (SELECT order_id, "
                  "SUM(amount_minor) AS r FROM refunds WHERE store_id = ? GROUP BY order_id) rf "
                  "ON rf.order_id = o.id WHERE o.store_id = ? AND o.status IN "
                  "('completed','processing','on-hold') GROUP BY 1) x",
              {sid, sid, sid})
            .status());
    CLEVER_RETURN_IF_ERROR(
        db.Execute("INSERT INTO daily_orders (store_id, day, status, country, orders, "
                   "guest_orders, total_minor, shipping_minor, tax_minor, discount_minor, "
                   "max_total_minor) SELECT ?, substr(o.date_created, 1, 10), o.status, "
                   "o.billing_country, COUNT(*), SUM(CASE WHEN o.customer_id = 0 THEN 1 ELSE 0 "
                   "END), SUM(o.total_minor), SUM(o.shipping_total_minor), SUM(o.total_tax_minor), "
                   "SUM(o.discount_total_minor), MAX(o.total_minor) FROM orders o WHERE "
                   "o.store_id = ? GROUP BY substr(o.date_created, 1, 10), o.status, "
                   "o.billing_country",
                   {sid, sid})
            .status());
    auto latest = [&](const char* table) -> StatusOr<std::string> {
      CLEVER_ASSIGN_OR_RETURN(ResultSet rs, db.Query(std::string("SELECT MAX(date_created) FROM ") +
                                                         table + " WHERE store_id = ?",
                                                     {sid}));
      return rs.rows.empty() || IsNull(rs.rows[0][0]) ? std::string() : AsString(rs.rows[0][0]);
    };
    CLEVER_ASSIGN_OR_RETURN(std::string through, latest("orders"));
    CLEVER_ASSIGN_OR_RETURN(std::string refunds_through, latest("refunds"));
    CLEVER_ASSIGN_OR_RETURN(std::string marker, DerivedMarker(db, store_id));
    const int64_t ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    return db
        .Execute(
            "INSERT INTO derived_state (store_id, marker, through, refunds_through, content, "
            "built_at, build_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {sid, Value{marker}, Value{through}, Value{refunds_through}, Value{content},
             Value{now_iso}, Value{ms}})
        .status();
  });
}

StatusOr<DerivedState> ReadDerived(Database& db, int64_t store_id) {
  DerivedState out;
  CLEVER_ASSIGN_OR_RETURN(
      ResultSet rs,
      db.Query(
          "SELECT marker, through, refunds_through, build_ms FROM derived_state WHERE store_id "
          "= ?",
          {Value{store_id}}));
  if (rs.rows.empty()) return out;
  CLEVER_ASSIGN_OR_RETURN(std::string marker, DerivedMarker(db, store_id));
  out.fresh = AsString(rs.rows[0][0]) == marker;
  out.through = AsString(rs.rows[0][1]);
  out.refunds_through = AsString(rs.rows[0][2]);
  out.build_ms = AsInt(rs.rows[0][3]);
  return out;
}

}  // namespace clever::store
