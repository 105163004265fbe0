#include "tests/testing/dump_loader.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "common/money.h"

namespace clever::testing {
namespace {

using nlohmann::json;
using store::Value;

StatusOr<json> ReadJson(const std::string& path, json fallback) {
  std::ifstream in(path);
  if (!in) return fallback;
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return InvalidArgumentError("not JSON: " + path);
  return j;
}

std::string Str(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  const json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

Value TextOrNull(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return nullptr;
  std::string s = Str(j, key);
  if (s.empty()) return nullptr;
  return s;
}

int64_t Int(const json& j, const char* key, int64_t fallback = 0) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
  const json& v = j[key];
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number()) return static_cast<int64_t>(v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (...) {
      return fallback;
    }
  }
  return fallback;
}

Value IntOrNull(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return nullptr;
  if (j[key].is_string() && j[key].get<std::string>().empty()) return nullptr;
  return Int(j, key);
}

int64_t Bool(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return 0;
  const json& v = j[key];
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number()) return v.get<double>() != 0 ? 1 : 0;
  return 0;
}

int64_t Minor(const json& j, const char* key, int decimals) {
  std::string s = Str(j, key);
  if (s.empty()) return 0;
  auto m = ParseMoney(s, decimals);
  return m.ok() ? m->minor : 0;
}

Value MinorOrNull(const json& j, const char* key, int decimals) {
  std::string s = Str(j, key);
  if (s.empty()) return nullptr;
  auto m = ParseMoney(s, decimals);
  if (!m.ok()) return nullptr;
  return m->minor;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

Status Insert(store::Database& db, const std::string& table, const std::vector<std::string>& cols,
              const std::vector<Value>& values) {
  std::string sql = "INSERT INTO " + table + " (";
  std::string qs;
  for (size_t i = 0; i < cols.size(); ++i) {
    sql += (i ? "," : "") + cols[i];
    qs += i ? ",?" : "?";
  }
  sql += ") VALUES (" + qs + ")";
  return db.Execute(sql, values).status();
}

}  // namespace

StatusOr<LoadedStore> LoadDumpFolder(store::Database& db, const std::string& folder,
                                     const std::string& connector_name,
                                     const std::string& synced_at) {
  const std::string dir = folder + "/";
  CLEVER_ASSIGN_OR_RETURN(json meta, ReadJson(dir + "store.json", json::object()));
  CLEVER_ASSIGN_OR_RETURN(json manifest, ReadJson(dir + "manifest.json", json::object()));
  CLEVER_ASSIGN_OR_RETURN(json orders, ReadJson(dir + "orders.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json customers, ReadJson(dir + "customers.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json products, ReadJson(dir + "products.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json variations, ReadJson(dir + "variations.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json coupons, ReadJson(dir + "coupons.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json refunds, ReadJson(dir + "refunds.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json gateways, ReadJson(dir + "payment_gateways.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json payouts, ReadJson(dir + "payouts.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json disputes, ReadJson(dir + "disputes.json", json::array()));
  CLEVER_ASSIGN_OR_RETURN(json reports, ReadJson(dir + "reports.json", json::object()));

  std::string currency = Str(meta, "currency");
  if (currency.empty() && !orders.empty()) currency = Str(orders[0], "currency");
  if (currency.empty()) currency = "USD";
  const int dec = CurrencyDecimals(currency);
  bool woopayments = !meta.contains("woopayments") || Bool(meta, "woopayments") == 1;
  if (manifest.contains("routes") && manifest["routes"].is_object() &&
      manifest["routes"].contains("payments/deposits") &&
      manifest["routes"]["payments/deposits"].is_boolean() &&
      !manifest["routes"]["payments/deposits"].get<bool>()) {
    woopayments = false;
  }

  LoadedStore out;
  Status st = db.Transaction([&]() -> Status {
    CLEVER_ASSIGN_OR_RETURN(
        auto rs, db.Query("INSERT INTO connectors (merchant_id, name, store_url, store_domain, "
                          "auth_mode, key_hint, credentials_sealed, key_scope, enabled, created_at) "
                          "VALUES (0, ?, ?, ?, 'oauth1', 'ck_...test', '', 'read', 1, ?) "
                          "RETURNING id",
                          {connector_name, Str(meta, "url"), connector_name + ".test", synced_at}));
    out.store_id = store::AsInt(rs.rows.at(0).at(0));
    const int64_t sid = out.store_id;
    CLEVER_RETURN_IF_ERROR(Insert(
        db, "store_info",
        {"store_id", "site_name", "home_url", "timezone_string", "gmt_offset", "currency",
         "price_decimals", "has_woopayments", "has_refunds_route", "updated_at"},
        {sid, Str(meta, "name"), Str(meta, "url"), Str(meta, "timezone_string"),
         meta.contains("gmt_offset") && meta["gmt_offset"].is_number()
             ? meta["gmt_offset"].get<double>()
             : 0.0,
         currency, int64_t{dec}, int64_t{woopayments ? 1 : 0}, int64_t{1}, synced_at}));
    for (const char* cat : {"customers", "orders", "products", "coupons", "refunds", "payments",
                            "payouts", "disputes", "reports"}) {
      std::string c = cat;
      bool na = !woopayments && (c == "payouts" || c == "disputes");
      CLEVER_RETURN_IF_ERROR(Insert(
          db, "sync_state", {"store_id", "category", "state", "last_success_at", "error_reason"},
          {sid, c, std::string(na ? "not_available" : "ok"),
           na ? Value{nullptr} : Value{synced_at},
           std::string(na ? "WooPayments is not installed on this store" : "")}));
    }

    for (const json& c : customers) {
      const json& b = c.value("billing", json::object());
      const json& s = c.value("shipping", json::object());
      CLEVER_RETURN_IF_ERROR(Insert(
          db, "customers",
          {"store_id", "id", "date_created", "date_created_gmt", "date_modified_gmt", "role",
           "is_paying_customer", "first_name", "last_name", "email", "billing_first_name",
           "billing_last_name", "billing_company", "billing_email", "billing_phone", "billing_city",
           "billing_state", "billing_postcode", "billing_country", "shipping_city",
           "shipping_state", "shipping_postcode", "shipping_country"},
          {sid, Int(c, "id"), TextOrNull(c, "date_created"), TextOrNull(c, "date_created_gmt"),
           TextOrNull(c, "date_modified_gmt"), Str(c, "role"), Bool(c, "is_paying_customer"),
           Str(c, "first_name"), Str(c, "last_name"), Str(c, "email"), Str(b, "first_name"),
           Str(b, "last_name"), Str(b, "company"), Str(b, "email"), Str(b, "phone"),
           Str(b, "city"), Str(b, "state"), Str(b, "postcode"), Str(b, "country"), Str(s, "city"),
           Str(s, "state"), Str(s, "postcode"), Str(s, "country")}));
    }

    for (const json& o : orders) {
      const json& b = o.value("billing", json::object());
      const json& s = o.value("shipping", json::object());
      const int64_t oid = Int(o, "id");
      CLEVER_RETURN_IF_ERROR(Insert(
          db, "orders",
          {"store_id", "id", "parent_id", "number", "status", "currency", "created_via",
           "date_created", "date_created_gmt", "date_modified", "date_modified_gmt", "date_paid",
           "date_paid_gmt", "date_completed", "date_completed_gmt", "customer_id",
           "prices_include_tax", "discount_total_minor", "discount_tax_minor",
           "shipping_total_minor", "shipping_tax_minor", "cart_tax_minor", "total_minor",
           "total_tax_minor", "payment_method", "payment_method_title", "transaction_id",
           "billing_first_name", "billing_last_name", "billing_company", "billing_email",
           "billing_phone", "billing_city", "billing_state", "billing_postcode", "billing_country",
           "shipping_city", "shipping_state", "shipping_postcode", "shipping_country"},
          {sid,
           oid,
           Int(o, "parent_id"),
           Str(o, "number").empty() ? std::to_string(oid) : Str(o, "number"),
           Str(o, "status"),
           Str(o, "currency"),
           Str(o, "created_via"),
           Str(o, "date_created"),
           TextOrNull(o, "date_created_gmt"),
           TextOrNull(o, "date_modified"),
           TextOrNull(o, "date_modified_gmt"),
           TextOrNull(o, "date_paid"),
           TextOrNull(o, "date_paid_gmt"),
           TextOrNull(o, "date_completed"),
           TextOrNull(o, "date_completed_gmt"),
           Int(o, "customer_id"),
           Bool(o, "prices_include_tax"),
           Minor(o, "discount_total", dec),
           Minor(o, "discount_tax", dec),
           Minor(o, "shipping_total", dec),
           Minor(o, "shipping_tax", dec),
           Minor(o, "cart_tax", dec),
           Minor(o, "total", dec),
           Minor(o, "total_tax", dec),
           Str(o, "payment_method"),
           Str(o, "payment_method_title"),
           Str(o, "transaction_id"),
           Str(b, "first_name"),
           Str(b, "last_name"),
           Str(b, "company"),
           Str(b, "email"),
           Str(b, "phone"),
           Str(b, "city"),
           Str(b, "state"),
           Str(b, "postcode"),
           Str(b, "country"),
           Str(s, "city"),
           Str(s, "state"),
           Str(s, "postcode"),
           Str(s, "country")}));
      for (const json& li : o.value("line_items", json::array())) {
        CLEVER_RETURN_IF_ERROR(Insert(
            db, "order_line_items",
            {"store_id", "order_id", "id", "product_id", "variation_id", "name", "parent_name",
             "sku", "quantity", "subtotal_minor", "total_minor", "total_tax_minor"},
            {sid, oid, Int(li, "id"), Int(li, "product_id"), Int(li, "variation_id"),
             Str(li, "name"), Str(li, "parent_name"), Str(li, "sku"), Int(li, "quantity"),
             Minor(li, "subtotal", dec), Minor(li, "total", dec), Minor(li, "total_tax", dec)}));
      }
      for (const json& cl : o.value("coupon_lines", json::array())) {
        CLEVER_RETURN_IF_ERROR(Insert(
            db, "order_coupon_lines",
            {"store_id", "order_id", "id", "code", "discount_minor", "discount_tax_minor",
             "discount_type"},
            {sid, oid, Int(cl, "id"), Lower(Trim(Str(cl, "code"))), Minor(cl, "discount", dec),
             Minor(cl, "discount_tax", dec), Str(cl, "discount_type")}));
      }
      for (const json& sl : o.value("shipping_lines", json::array())) {
        CLEVER_RETURN_IF_ERROR(Insert(
            db, "order_shipping_lines",
            {"store_id", "order_id", "id", "method_id", "method_title", "total_minor",
             "total_tax_minor"},
            {sid, oid, Int(sl, "id"), Str(sl, "method_id"), Str(sl, "method_title"),
             Minor(sl, "total", dec), Minor(sl, "total_tax", dec)}));
      }
      ++out.orders;
    }

    for (const json& p : products) {
      const int64_t pid = Int(p, "id");
      CLEVER_RETURN_IF_ERROR(Insert(
          db, "products",
          {"store_id", "id", "name", "slug", "type", "status", "sku", "price_minor",
           "regular_price_minor", "sale_price_minor", "on_sale", "total_sales", "manage_stock",
           "stock_quantity", "stock_status", "backorders", "low_stock_amount", "parent_id",
           "date_created", "date_created_gmt", "date_modified_gmt"},
          {sid, pid, Str(p, "name"), Str(p, "slug"), Str(p, "type"), Str(p, "status"),
           Str(p, "sku"), MinorOrNull(p, "price", dec), MinorOrNull(p, "regular_price", dec),
           MinorOrNull(p, "sale_price", dec), Bool(p, "on_sale"), Int(p, "total_sales"),
           Bool(p, "manage_stock"), IntOrNull(p, "stock_quantity"), Str(p, "stock_status"),
           Str(p, "backorders"), IntOrNull(p, "low_stock_amount"), Int(p, "parent_id"),
           TextOrNull(p, "date_created"), TextOrNull(p, "date_created_gmt"),
           TextOrNull(p, "date_modified_gmt")}));
      for (const json& c : p.value("categories", json::array())) {
        CLEVER_RETURN_IF_ERROR(
            Insert(db, "product_categories", {"store_id", "product_id", "category_id", "name", "slug"},
                   {sid, pid, Int(c, "id"), Str(c, "name"), Str(c, "slug")}));
      }
    }

    for (const json& v : variations) {
      const int64_t vid = Int(v, "id");
      int64_t manage = 0;
      if (v.contains("manage_stock")) {
        if (v["manage_stock"].is_string() && v["manage_stock"].get<std::string>() == "parent") {
          manage = 2;
        } else {
          manage = Bool(v, "manage_stock");
        }
      }
      CLEVER_RETURN_IF_ERROR(Insert(
          db, "variations",
          {"store_id", "id", "parent_id", "name", "sku", "status", "price_minor",
           "regular_price_minor", "sale_price_minor", "on_sale", "manage_stock", "stock_quantity",
           "stock_status", "date_created_gmt", "date_modified_gmt"},
          {sid, vid, Int(v, "parent_id"), Str(v, "name"), Str(v, "sku"),
           Str(v, "status").empty() ? std::string("publish") : Str(v, "status"),
           MinorOrNull(v, "price", dec), MinorOrNull(v, "regular_price", dec),
           MinorOrNull(v, "sale_price", dec), Bool(v, "on_sale"), manage,
           IntOrNull(v, "stock_quantity"), Str(v, "stock_status"), TextOrNull(v, "date_created_gmt"),
           TextOrNull(v, "date_modified_gmt")}));
      int64_t pos = 0;
      for (const json& a : v.value("attributes", json::array())) {
        CLEVER_RETURN_IF_ERROR(Insert(db, "variation_attributes",
                                      {"store_id", "variation_id", "position", "name", "option"},
                                      {sid, vid, pos++, Str(a, "name"), Str(a, "option")}));
      }
    }

    for (const json& c : coupons) {
      CLEVER_RETURN_IF_ERROR(Insert(
          db, "coupons",
          {"store_id", "id", "code", "status", "discount_type", "amount", "usage_count",
           "usage_limit", "usage_limit_per_user", "date_expires", "date_expires_gmt",
           "free_shipping", "minimum_amount_minor", "maximum_amount_minor", "individual_use",
           "exclude_sale_items", "date_created", "date_created_gmt", "date_modified_gmt"},
          {sid, Int(c, "id"), Lower(Trim(Str(c, "code"))), Str(c, "status"),
           Str(c, "discount_type"), Str(c, "amount"), Int(c, "usage_count"),
           IntOrNull(c, "usage_limit"), IntOrNull(c, "usage_limit_per_user"),
           TextOrNull(c, "date_expires"), TextOrNull(c, "date_expires_gmt"),
           Bool(c, "free_shipping"), MinorOrNull(c, "minimum_amount", dec),
           MinorOrNull(c, "maximum_amount", dec), Bool(c, "individual_use"),
           Bool(c, "exclude_sale_items"), TextOrNull(c, "date_created"),
           TextOrNull(c, "date_created_gmt"), TextOrNull(c, "date_modified_gmt")}));
    }

    for (const json& r : refunds) {
      const int64_t rid = Int(r, "id");
      int64_t amount = Minor(r, "amount", dec);
      if (amount < 0) amount = -amount;
      CLEVER_RETURN_IF_ERROR(Insert(
          db, "refunds",
          {"store_id", "id", "order_id", "date_created", "date_created_gmt", "amount_minor",
           "reason", "refunded_payment"},
          {sid, rid, Int(r, "order_id"), Str(r, "date_created"), TextOrNull(r, "date_created_gmt"),
           amount, Str(r, "reason"), Bool(r, "refunded_payment")}));
      for (const json& li : r.value("line_items", json::array())) {
        CLEVER_RETURN_IF_ERROR(Insert(
            db, "refund_line_items",
            {"store_id", "refund_id", "id", "product_id", "variation_id", "quantity",
             "total_minor", "total_tax_minor"},
            {sid, rid, Int(li, "id"), Int(li, "product_id"), Int(li, "variation_id"),
             Int(li, "quantity"), Minor(li, "total", dec), Minor(li, "total_tax", dec)}));
      }
    }

    for (const json& g : gateways) {
      CLEVER_RETURN_IF_ERROR(
          Insert(db, "payment_gateways", {"store_id", "id", "title", "enabled", "method_title"},
                 {sid, Str(g, "id"), Str(g, "title"), Bool(g, "enabled"), Str(g, "method_title")}));
    }
    if (woopayments) {
      for (const json& p : payouts) {
        CLEVER_RETURN_IF_ERROR(Insert(
            db, "payouts",
            {"store_id", "id", "date_ms", "created", "type", "amount_minor", "fee_minor",
             "status", "currency", "automatic"},
            {sid, Str(p, "id"), IntOrNull(p, "date"), IntOrNull(p, "created"),
             Str(p, "type").empty() ? std::string("deposit") : Str(p, "type"), Int(p, "amount"),
             Int(p, "fee"), Str(p, "status"), Str(p, "currency"), Bool(p, "automatic")}));
      }
      for (const json& d : disputes) {
        std::string number = Str(d, "order_number");
        if (number.empty() && d.contains("order") && d["order"].is_object()) {
          number = Str(d["order"], "number");
        }
        CLEVER_RETURN_IF_ERROR(Insert(
            db, "disputes",
            {"store_id", "dispute_id", "charge_id", "order_number", "amount_minor", "currency",
             "reason", "status", "created", "due_by", "source"},
            {sid, Str(d, "dispute_id"), Str(d, "charge_id"), number, Int(d, "amount"),
             Str(d, "currency"), Str(d, "reason"), Str(d, "status"), TextOrNull(d, "created"),
             TextOrNull(d, "due_by"), Str(d, "source")}));
      }
    }
    if (reports.is_object()) {
      for (auto it = reports.begin(); it != reports.end(); ++it) {
        std::string key = it.key();
        size_t slash = key.find('/');
        std::string report = slash == std::string::npos ? key : key.substr(0, slash);
        if (!it.value().is_array()) continue;
        for (const json& row : it.value()) {
          CLEVER_RETURN_IF_ERROR(
              Insert(db, "report_totals", {"store_id", "report", "slug", "name", "total"},
                     {sid, report, Str(row, "slug"), Str(row, "name"), Int(row, "total")}));
        }
      }
    }
    return OkStatus();
  });
  CLEVER_RETURN_IF_ERROR(st);
  return out;
}

}  // namespace clever::testing
