// query_bench: the dev questions on a big store -- latency per question and the ratio of Clever's
// time to the time of the same query's SQL run directly.
//
//   query_bench --home DIR [--as-of YYYY-MM-DD] [--questions F] [--runs R] [--only ID]
//   query_bench [--orders N] [--db PATH] ...            (synthetic store, quick runs)
//   query_bench --home DIR --only ID --repeat K          (profiling: K asks of one question)
//
// --home: a Clever home synced from a store (bench/query/build_home.sh builds one from wcsim:
//   wcsim --seed 1 --orders N, `clever connector add`, `clever sync`). The store is the home's
//   first enabled connector; the as-of date is its latest order's store-local date (unless
//   --as-of); the questions' {slots} are filled from ITS data (StoreSlots below). The bench opens
//   the home read-write (SQLite WAL, derived tables rebuilt if stale): use a copy of shared homes.
// Synthetic (no --home): builds once (reused while PATH holds N orders) a store written STRAIGHT
//   INTO THE SCHEMA, not through a sync: 40 products (simple and variable with variations), 6
//   categories, 50,000 registered customers plus guests, 12 coupons, N orders over ~3 years ending
//   at 2025-11-15 (1-3 line items each, ~12% with a coupon, realistic status mix, ~3% refunded),
//   WooPayments payouts (3 a week) and disputes. Deterministic (fixed seed).
//
// Per question: one first ask (that question's first time), then one ask through a recording
// Database (every statement, its parameters and time), then the plan's SQL is rebuilt with
// Interpret/Bind/BuildSql and checked to be among the recorded statements (same text and
// parameters); then R paired rounds: one ask through one query::Assistant (interpret, plan, SQL,
// execute, answer, names -- what `clever ask` does minus process start; the per-store caches
// kept across asks as the hub keeps them), then the plan's SQL run directly: prepared (the
// connection's statement cache, as for Clever), executed, every row read. Columns: first ask,
// median and p95 of the R asks, median of the direct SQL, ratio = median ask / median SQL,
// statements per ask, ms in the other statements (facts, names, display names), status. Then:
// median/p95 over all asks, questions with p95 <= 50 ms, the ratio's median and p95 over questions
// with SQL, total Clever / total SQL.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "query/assistant.h"
#include "query/catalog.h"
#include "query/execute.h"
#include "query/interpret.h"
#include "query/plan.h"
#include "query/sql.h"
#include "query/store_names.h"
#include "store/database.h"
#include "store/derived.h"
#include "store/schema.h"

namespace {

using clever::CivilDate;
using clever::store::Value;
const CivilDate kAsOf{2025, 11, 15};

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

class BatchInsert {
 public:
  BatchInsert(clever::store::Database& db, std::string table, std::vector<std::string> cols)
      : db_(db), table_(std::move(table)), cols_(std::move(cols)) {}
  void Add(std::vector<Value> row) {
    for (auto& v : row) params_.push_back(std::move(v));
    if (++rows_ == 100) Flush();
  }
  void Flush() {
    if (rows_ == 0) return;
    std::string sql = "INSERT INTO " + table_ + " (";
    for (size_t i = 0; i < cols_.size(); ++i) sql += (i ? "," : "") + cols_[i];
    sql += ") VALUES ";
    std::string one = "(";
    for (size_t i = 0; i < cols_.size(); ++i) one += i ? ",?" : "?";
    one += ")";
    for (int r = 0; r < rows_; ++r) sql += (r ? "," : "") + one;
    auto st = db_.Execute(sql, params_);
    if (!st.ok()) {
      std::cerr << "insert into " << table_ << ": " << st.status() << "\n";
      std::exit(1);
    }
    params_.clear();
    rows_ = 0;
  }

 private:
  clever::store::Database& db_;
  std::string table_;
  std::vector<std::string> cols_;
  std::vector<Value> params_;
  int rows_ = 0;
};

std::string Ts(CivilDate d, int sec) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d", d.ToString().c_str(), sec / 3600,
                sec / 60 % 60, sec % 60);
  return buf;
}

void Generate(clever::store::Database& db, int64_t n_orders) {
  std::mt19937_64 rng(20251115);
  auto uni = [&](int64_t a, int64_t b) {
    return std::uniform_int_distribution<int64_t>(a, b)(rng);
  };
  const int64_t sid = 1;
  auto ok = [](const auto& st) {
    if (!st.ok()) {
      std::cerr << st.status() << "\n";
      std::exit(1);
    }
  };
  ok(db.Execute(
      "INSERT INTO connectors (id, merchant_id, name, store_url, store_domain, auth_mode, "
      "key_hint, credentials_sealed, created_at) VALUES (1, 0, 'bench', 'https://bench.example', "
      "'bench.example', 'basic', 'ck_...', '', '2025-11-16T00:00:00Z')"));
  ok(
      db.Execute("INSERT INTO store_info (store_id, site_name, timezone_string, currency, "
                 "has_woopayments) VALUES (1, 'Bench', 'America/New_York', 'USD', 1)"));
  for (const char* c : {"customers", "orders", "products", "coupons", "refunds", "payments",
                        "payouts", "disputes", "reports"}) {
    ok(
        db.Execute("INSERT INTO sync_state (store_id, category, state, last_success_at) VALUES (1, "
                   "?, 'ok', '2025-11-16T04:59:59Z')",
                   {std::string(c)}));
  }
  const char* cats[] = {"Clothing", "Coffee", "Accessories", "Home", "Outdoor", "Gifts"};
  struct P {
    int64_t id;
    std::string name;
    int64_t price;
    bool variable;
  };
  std::vector<P> products;
  BatchInsert prod(db, "products",
                   {"store_id", "id", "name", "type", "status", "sku", "price_minor",
                    "manage_stock", "stock_quantity", "stock_status", "date_created"});
  BatchInsert pcat(db, "product_categories", {"store_id", "product_id", "category_id", "name"});
  BatchInsert var(db, "variations",
                  {"store_id", "id", "parent_id", "sku", "status", "price_minor", "manage_stock",
                   "stock_quantity", "stock_status"});
  BatchInsert vatt(db, "variation_attributes",
                   {"store_id", "variation_id", "position", "name", "option"});
  int64_t vid = 10000;
  std::vector<std::vector<int64_t>> variations_of(40);
  for (int i = 0; i < 40; ++i) {
    P p{100 + i, "Bench Product " + std::to_string(i + 1), uni(500, 12000), i % 4 == 0};
    products.push_back(p);
    int64_t qty = uni(0, 60);
    prod.Add({sid, p.id, p.name, std::string(p.variable ? "variable" : "simple"),
              std::string("publish"), "BP" + std::to_string(i), p.price,
              int64_t{p.variable ? 0 : 1}, p.variable ? Value{nullptr} : Value{qty},
              std::string(qty == 0 && !p.variable ? "outofstock" : "instock"),
              std::string("2022-01-01T00:00:00")});
    pcat.Add({sid, p.id, int64_t{i % 6}, std::string(cats[i % 6])});
    if (p.variable) {
      for (const char* size : {"S", "M", "L", "XL"}) {
        int64_t q = uni(0, 20);
        var.Add({sid, vid, p.id, "BP" + std::to_string(i) + size, std::string("publish"), p.price,
                 int64_t{1}, q, std::string(q ? "instock" : "outofstock")});
        vatt.Add({sid, vid, int64_t{0}, std::string("Size"), std::string(size)});
        variations_of[static_cast<size_t>(i)].push_back(vid++);
      }
    }
  }
  prod.Flush();
  pcat.Flush();
  var.Flush();
  vatt.Flush();
  const char* codes[] = {"welcome10", "summer20", "vip15",   "freeship", "bf2024",     "bf2023",
                         "spring5",   "loyal10",  "flash25", "holiday",  "newsletter", "sorry10"};
  BatchInsert coup(db, "coupons",
                   {"store_id", "id", "code", "status", "discount_type", "amount", "usage_count",
                    "date_created"});
  for (int i = 0; i < 12; ++i)
    coup.Add({sid, int64_t{90000 + i}, std::string(codes[i]), std::string("publish"),
              std::string(i % 3 ? "percent" : "fixed_cart"), std::string("10"), int64_t{0},
              std::string("2022-06-01T00:00:00")});
  coup.Flush();
  const int64_t n_customers = 50000;
  BatchInsert cust(db, "customers",
                   {"store_id", "id", "date_created", "role", "first_name", "last_name", "email"});
  const char* first[] = {"Ava",   "Liam", "Noah", "Mia",  "Zoe",
                         "Ethan", "Ivy",  "Omar", "Lena", "Kai"};
  const char* last[] = {"Smith", "Jones", "Brown", "Garcia", "Muller",
                        "Rossi", "Kim",   "Patel", "Silva",  "Novak"};
  for (int64_t i = 1; i <= n_customers; ++i) {
    cust.Add({sid, i,
              Ts(CivilDate{2022, 9, 1}.AddDays(uni(0, 1170)), static_cast<int>(uni(0, 86399))),
              std::string("customer"), std::string(first[i % 10]),
              std::string(last[(i / 10) % 10]) + std::to_string(i),
              "c" + std::to_string(i) + "@example.com"});
  }
  cust.Flush();
  BatchInsert ord(db, "orders",
                  {"store_id", "id", "number", "status", "currency", "date_created", "date_paid",
                   "customer_id", "discount_total_minor", "shipping_total_minor", "total_minor",
                   "total_tax_minor", "payment_method", "payment_method_title",
                   "billing_first_name", "billing_last_name", "billing_email", "billing_country"});
  BatchInsert li(db, "order_line_items",
                 {"store_id", "order_id", "id", "product_id", "variation_id", "name", "quantity",
                  "subtotal_minor", "total_minor", "total_tax_minor"});
  BatchInsert cl(db, "order_coupon_lines",
                 {"store_id", "order_id", "id", "code", "discount_minor"});
  BatchInsert rf(db, "refunds",
                 {"store_id", "id", "order_id", "date_created", "amount_minor", "reason"});
  const char* countries[] = {"US", "US", "US", "GB", "CA", "DE", "AU", "FR", "NL", "ES"};
  const char* methods[][2] = {{"woocommerce_payments", "Credit card / debit card"},
                              {"ppcp-gateway", "PayPal"},
                              {"stripe", "Stripe"},
                              {"bacs", "Direct bank transfer"},
                              {"cod", "Cash on delivery"}};
  const char* reasons[] = {"Wrong size", "Damaged in transit", "Changed mind", "Late delivery", ""};
  const int64_t days = 3 * 365 + 30;
  const CivilDate start = kAsOf.AddDays(-(days - 1));
  int64_t line_id = 1, refund_id = 1;
  for (int64_t i = 0; i < n_orders; ++i) {
    const int64_t oid = 100000 + i;
    CivilDate d = start.AddDays(i * days / n_orders);
    int sec = static_cast<int>(uni(0, 86399));
    int64_t r = uni(0, 999);
    std::string status = r < 860   ? "completed"
                         : r < 880 ? "processing"
                         : r < 890 ? "on-hold"
                         : r < 905 ? "pending"
                         : r < 950 ? "cancelled"
                         : r < 975 ? "failed"
                                   : "refunded";
    int64_t cust_id = uni(0, 4) == 0 ? 0 : uni(1, n_customers);
    int64_t items = uni(1, 3), total = 0, tax = 0;
    for (int64_t k = 0; k < items; ++k) {
      const P& p = products[static_cast<size_t>(uni(0, 39))];
      int64_t q = uni(1, 3);
      int64_t v =
          p.variable
              ? variations_of[static_cast<size_t>(p.id - 100)][static_cast<size_t>(uni(0, 3))]
              : 0;
      li.Add({sid, oid, line_id++, p.id, v, p.name, q, q * p.price, q * p.price, q * p.price / 10});
      total += q * p.price;
      tax += q * p.price / 10;
    }
    int64_t disc = 0;
    if (uni(0, 99) < 12) {
      disc = total / 10;
      cl.Add({sid, oid, line_id++, std::string(codes[uni(0, 11)]), disc});
    }
    int64_t ship = 495;
    total = total - disc + tax + ship;
    const auto& m = methods[uni(0, 4)];
    const char* c = countries[uni(0, 9)];
    bool paid = status == "completed" || status == "processing" || status == "refunded";
    ord.Add({sid, oid, std::to_string(oid), status, std::string("USD"), Ts(d, sec),
             paid ? Value{Ts(d, std::min(sec + 60, 86399))} : Value{nullptr}, cust_id, disc, ship,
             total, tax, std::string(m[0]), std::string(m[1]), std::string(first[oid % 10]),
             std::string(last[oid / 10 % 10]), "g" + std::to_string(oid % 200000) + "@example.com",
             std::string(c)});
    if (status == "refunded" || (status == "completed" && uni(0, 99) < 3)) {
      rf.Add({sid, refund_id++, oid,
              Ts(d.AddDays(uni(0, 10)) > kAsOf ? kAsOf : d.AddDays(uni(0, 10)), sec),
              status == "refunded" ? total : total / 3, std::string(reasons[uni(0, 4)])});
    }
  }
  ord.Flush();
  li.Flush();
  cl.Flush();
  rf.Flush();
  BatchInsert po(
      db, "payouts",
      {"store_id", "id", "date_ms", "created", "type", "amount_minor", "status", "currency"});
  for (int64_t k = 0; k < days / 2; ++k) {
    CivilDate d = start.AddDays(k * 2);
    po.Add({sid, "po_" + std::to_string(k), d.ToDays() * 86400000, d.ToDays() * 86400,
            std::string("deposit"), uni(10000, 900000),
            std::string(d > kAsOf.AddDays(-3) ? "pending" : "paid"), std::string("usd")});
  }
  po.Flush();
  BatchInsert dp(db, "disputes",
                 {"store_id", "dispute_id", "order_number", "amount_minor", "currency", "reason",
                  "status", "created", "due_by"});
  const char* dstat[] = {"won", "lost", "needs_response", "under_review", "warning_closed"};
  for (int64_t k = 0; k < 300; ++k) {
    CivilDate d = start.AddDays(uni(0, days - 1));
    dp.Add({sid, "dp_" + std::to_string(k), std::to_string(100000 + uni(0, n_orders - 1)),
            uni(1000, 30000), std::string("usd"),
            std::string(k % 2 ? "fraudulent" : "product_not_received"), std::string(dstat[k % 5]),
            d.ToString() + " 12:00:00", d.AddDays(10).ToString() + " 23:59:59"});
  }
  dp.Flush();
}

double Pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

// Every statement a Database runs, with its parameters and time (the diagnostic ask).
class RecordingDatabase : public clever::store::Database {
 public:
  struct Statement {
    std::string sql;
    std::vector<Value> params;
    double ms = 0;
  };
  explicit RecordingDatabase(clever::store::Database& inner) : inner_(inner) {}
  [[nodiscard]] clever::store::Dialect dialect() const override { return inner_.dialect(); }
  clever::StatusOr<int64_t> Execute(std::string_view sql,
                                    const std::vector<Value>& params) override {
    auto t0 = std::chrono::steady_clock::now();
    auto r = inner_.Execute(sql, params);
    log.push_back({std::string(sql), params, Ms(std::chrono::steady_clock::now() - t0)});
    return r;
  }
  clever::StatusOr<clever::store::ResultSet> Query(std::string_view sql,
                                                   const std::vector<Value>& params) override {
    auto t0 = std::chrono::steady_clock::now();
    auto r = inner_.Query(sql, params);
    log.push_back({std::string(sql), params, Ms(std::chrono::steady_clock::now() - t0)});
    return r;
  }
  clever::Status ExecuteScript(std::string_view sql) override { return inner_.ExecuteScript(sql); }
  clever::Status Begin() override { return inner_.Begin(); }
  clever::Status Commit() override { return inner_.Commit(); }
  clever::Status Rollback() override { return inner_.Rollback(); }
  std::vector<Statement> log;

 private:
  clever::store::Database& inner_;
};

using Slots = std::vector<std::pair<std::string, std::string>>;

// The synthetic store's names (Generate above).
Slots SyntheticSlots() {
  return {{"{last_year}", "2024"},
          {"{top_country_code}", "US"},
          {"{top_country_name}", "United States"},
          {"{top_customer_name}", "Mia Smith3"},
          {"{top_product_name}", "Bench Product 7"},
          {"{second_product_name}", "Bench Product 12"},
          {"{second_category_name}", "Coffee"},
          {"{top_coupon_code}", "vip15"},
          {"{top_method_title}", "PayPal"},
          {"{second_method_title}", "Stripe"},
          {"{month_2ago_name}", "September"}};
}

// The slots of questions_dev.json filled from a synced store's own data, the way the eval's
// truth.py chooses them (all time up to the as-of date, sales statuses), read from the derived
// tables (store/derived.h; main() makes sure they are fresh) where they have it: products and
// categories by units sold (daily_products), the top customer by net spend (customer_summary)
// whose name no other account shares -- else that customer's e-mail, as on wcsim stores, where
// 125,002 accounts share 1,602 names --, coupons by uses, countries by gross sales
// (daily_orders), payment methods by orders.
clever::StatusOr<Slots> StoreSlots(clever::store::Database& db, int64_t sid, CivilDate as_of) {
  using clever::store::AsInt;
  using clever::store::AsString;
  const std::string through = as_of.AddDays(1).ToString();
  const std::string sales = "o.status IN ('completed','processing','on-hold')";
  Slots s;
  auto one = [&](const std::string& slot, const std::string& sql, size_t row) -> clever::Status {
    CLEVER_ASSIGN_OR_RETURN(auto rs, db.Query(sql, {sid, through}));
    if (rs.rows.size() <= row) return clever::NotFoundError("no value for " + slot);
    s.push_back({slot, AsString(rs.rows[row][0])});
    return clever::OkStatus();
  };
  const std::string products =
      "SELECT p.name FROM daily_products dp JOIN products p ON p.store_id = dp.store_id AND p.id = "
      "dp.product_id WHERE dp.store_id = ? AND dp.day < ? AND (SELECT count(*) FROM products q "
      "WHERE q.store_id = p.store_id AND q.name = p.name) = 1 GROUP BY p.id, p.name ORDER BY "
      "sum(dp.quantity) DESC, p.name LIMIT 2";
  CLEVER_RETURN_IF_ERROR(one("{top_product_name}", products, 0));
  CLEVER_RETURN_IF_ERROR(one("{second_product_name}", products, 1));
  CLEVER_RETURN_IF_ERROR(one(
      "{second_category_name}",
      "SELECT pc.name FROM daily_products dp JOIN product_categories pc ON pc.store_id = "
      "dp.store_id AND pc.product_id = dp.product_id WHERE dp.store_id = ? AND dp.day < ? GROUP "
      "BY pc.name ORDER BY sum(dp.quantity) DESC, pc.name LIMIT 2",
      1));
  {
    CLEVER_ASSIGN_OR_RETURN(auto top, db.Query("SELECT ck FROM customer_summary WHERE store_id = ? "
                                               "ORDER BY ltv_minor DESC, ck LIMIT 200",
                                               {sid}));
    std::string name, fallback;
    for (const auto& r : top.rows) {
      std::string ck = AsString(r[0]);
      if (ck.rfind("c:", 0) != 0) {
        if (fallback.empty() && ck.rfind("e:", 0) == 0) fallback = ck.substr(2);
        continue;
      }
      CLEVER_ASSIGN_OR_RETURN(
          auto c, db.Query("SELECT c.first_name, c.last_name, c.email, (SELECT count(*) FROM "
                           "customers d WHERE d.store_id = c.store_id AND lower(d.last_name) = "
                           "lower(c.last_name) AND lower(d.first_name) = lower(c.first_name)) "
                           "FROM customers c WHERE c.store_id = ? AND c.id = ?",
                           {sid, std::atoll(ck.c_str() + 2)}));
      if (c.rows.empty()) continue;
      if (fallback.empty()) fallback = AsString(c.rows[0][2]);
      if (AsInt(c.rows[0][3]) == 1 && !AsString(c.rows[0][0]).empty() &&
          !AsString(c.rows[0][1]).empty()) {
        name = AsString(c.rows[0][0]) + " " + AsString(c.rows[0][1]);
        break;
      }
    }
    if (name.empty()) name = fallback;
    if (name.empty()) return clever::NotFoundError("no value for {top_customer_name}");
    s.push_back({"{top_customer_name}", name});
  }
  CLEVER_RETURN_IF_ERROR(one("{top_coupon_code}",
                             "SELECT lower(cl.code) FROM order_coupon_lines cl JOIN orders o ON "
                             "o.store_id = cl.store_id AND o.id = cl.order_id WHERE o.store_id = ? "
                             "AND o.date_created < ? AND " +
                                 sales + " GROUP BY lower(cl.code) ORDER BY count(*) DESC LIMIT 1",
                             0));
  CLEVER_RETURN_IF_ERROR(one("{top_country_code}",
                             "SELECT country FROM daily_orders WHERE store_id = ? AND day < ? AND "
                             "country <> '' AND status IN ('completed','processing','on-hold') "
                             "GROUP BY country ORDER BY sum(total_minor) DESC LIMIT 1",
                             0));
  s.push_back({"{top_country_name}", clever::query::CountryDisplayName(s.back().second)});
  const std::string methods =
      "SELECT trim(o.payment_method_title) FROM orders o WHERE o.store_id = ? AND o.date_created "
      "< ? AND trim(o.payment_method_title) <> '' AND " +
      sales + " GROUP BY trim(o.payment_method_title) ORDER BY count(*) DESC LIMIT 2";
  CLEVER_RETURN_IF_ERROR(one("{top_method_title}", methods, 0));
  CLEVER_RETURN_IF_ERROR(one("{second_method_title}", methods, 1));
  static const char* kMonths[] = {"",        "January",  "February", "March",  "April",
                                  "May",     "June",     "July",     "August", "September",
                                  "October", "November", "December"};
  int m = static_cast<int>(as_of.month) - 2;
  if (m < 1) m += 12;
  s.push_back({"{month_2ago_name}", kMonths[m]});
  s.push_back({"{last_year}", std::to_string(as_of.year - 1)});
  return s;
}

std::string Fill(std::string q, const Slots& slots) {
  for (const auto& [k, v] : slots) {
    for (size_t p; (p = q.find(k)) != std::string::npos;) q.replace(p, k.size(), v);
  }
  return q;
}

void Die(const std::string& what) {
  std::cerr << "query_bench: " << what << "\n";
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int64_t n = 1000000;
  int runs = 7;
  std::string path = "/tmp/clever_query_bench.db", home, only, as_of_text;
  // The eval kit lies beside the clone (../shared/eval), as on the developers' and CI machines.
  std::string questions = "../shared/eval/questions_dev.json";
  int repeat = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--orders")
      n = std::stoll(argv[i + 1]);
    else if (k == "--db")
      path = argv[i + 1];
    else if (k == "--home")
      home = argv[i + 1];
    else if (k == "--questions")
      questions = argv[i + 1];
    else if (k == "--runs")
      runs = std::stoi(argv[i + 1]);
    else if (k == "--only")
      only = argv[i + 1];
    else if (k == "--as-of")
      as_of_text = argv[i + 1];
    else if (k == "--repeat")
      repeat = std::stoi(argv[i + 1]);
    else
      Die("unknown option " + k);
  }
  if (runs < 1) Die("--runs must be at least 1");
  std::unique_ptr<clever::store::Database> db;
  int64_t sid = 1;
  CivilDate as_of = kAsOf;
  Slots slots;
  if (!home.empty()) {
    // A Clever home synced from a store (bench/query/build_home.sh: wcsim, connector add, sync).
    // The bench opens it read-write (SQLite WAL): point it at a copy of a shared home.
    auto opened = clever::store::OpenSqlite(home + "/clever.db");
    if (!opened.ok()) Die(std::string(opened.status().message()));
    db = std::move(*opened);
    if (auto st = clever::store::Migrate(*db); !st.ok()) Die(std::string(st.message()));
    auto stores = clever::query::ResolveStores(*db, {});
    if (!stores.ok() || stores->empty()) Die(home + " has no enabled store");
    sid = stores->front();
    // As-of: the store-local date of the latest order (wcsim generates up to its --end-date; the
    // sync itself ran later, so the assistant's default "today" would be the sync's date).
    auto rs = db->Query(
        "SELECT count(*), max(date_created), (SELECT max(last_success_at) FROM sync_state WHERE "
        "store_id = ?) FROM orders WHERE store_id = ?",
        {sid, sid});
    if (!rs.ok() || rs->rows.empty()) Die("cannot read the orders");
    n = clever::store::AsInt(rs->rows[0][0]);
    std::string latest = clever::store::AsString(rs->rows[0][1]);
    auto d = clever::ParseCivilDate(latest.substr(0, 10));
    if (!d.ok()) Die("no orders in " + home);
    as_of = *d;
    if (!as_of_text.empty()) {
      auto pinned = clever::ParseCivilDate(as_of_text);
      if (!pinned.ok()) Die("--as-of must be YYYY-MM-DD");
      as_of = *pinned;
    }
    std::printf("home %s: store %lld, %lld orders, latest order %s, synced at %s, as-of %s\n",
                home.c_str(), static_cast<long long>(sid), static_cast<long long>(n),
                latest.c_str(), clever::store::AsString(rs->rows[0][2]).c_str(),
                as_of.ToString().c_str());
  } else {
    bool fresh = !std::filesystem::exists(path);
    auto opened = clever::store::OpenSqlite(path);
    if (!opened.ok() || !clever::store::Migrate(**opened).ok()) Die("cannot open " + path);
    db = std::move(*opened);
    if (!fresh) {
      auto rs = db->Query("SELECT count(*) FROM orders");
      if (!rs.ok() || clever::store::AsInt(rs->rows[0][0]) != n)
        Die(path + " holds another store; delete it first");
    } else {
      auto t0 = std::chrono::steady_clock::now();
      (void)db->Begin();
      Generate(*db, n);
      (void)db->Commit();
      (void)db->ExecuteScript("ANALYZE");
      std::cout << "generated " << n << " orders in "
                << Ms(std::chrono::steady_clock::now() - t0) / 1000 << " s\n";
    }
    slots = SyntheticSlots();
    std::printf("synthetic store %s: %lld orders, as-of %s\n", path.c_str(),
                static_cast<long long>(n), as_of.ToString().c_str());
  }
  {
    // What a sync does after writing the orders: rebuild the derived tables (store/derived.h).
    auto derived = clever::store::ReadDerived(*db, sid);
    if (!derived.ok() || !derived->fresh) {
      auto t0 = std::chrono::steady_clock::now();
      if (auto st = clever::store::RefreshDerived(*db, sid); !st.ok())
        Die("derived tables: " + std::string(st.message()));
      std::cout << "derived tables rebuilt in " << Ms(std::chrono::steady_clock::now() - t0)
                << " ms\n";
    }
  }
  std::ifstream in(questions);
  std::stringstream ss;
  ss << in.rdbuf();
  auto qs = nlohmann::json::parse(ss.str(), nullptr, false);
  if (!qs.is_array()) Die("cannot read " + questions);
  bool with_slots = false;  // (filling them reads the store: seconds at 1M orders)
  for (const auto& q : qs) {
    if (only.empty() || q["id"] == only)
      with_slots = with_slots || q["question"].get<std::string>().find('{') != std::string::npos;
  }
  if (!home.empty() && with_slots) {
    auto t0 = std::chrono::steady_clock::now();
    auto filled = StoreSlots(*db, sid, as_of);
    if (!filled.ok()) Die("slots: " + std::string(filled.status().message()));
    slots = *filled;
    std::printf("slots (from the store, %.0f ms):", Ms(std::chrono::steady_clock::now() - t0));
    for (const auto& [k, v] : slots) std::printf(" %s=%s", k.c_str(), v.c_str());
    std::printf("\n");
  }

  // One Assistant (and its store-names cache) for every question, as the hub keeps them.
  clever::query::StoreNamesCache names_cache;
  clever::query::AssistantOptions options;
  options.names_cache = &names_cache;
  options.use_environment_model = false;
  clever::query::Assistant assistant(*db, options);
  RecordingDatabase recorder(*db);
  clever::query::Assistant recorded(recorder, options);

  if (repeat > 0) {
    // Profiling: ask the --only question `repeat` times (perf record -g -- query_bench ...).
    std::string text;
    for (const auto& q : qs) {
      if (q["id"] == only) text = Fill(q["question"], slots);
    }
    if (text.empty()) Die("--repeat needs --only ID");
    auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < repeat; ++r) (void)assistant.Ask({text, {sid}, as_of, ""});
    std::printf("%s: %d asks, %.3f ms each\n", only.c_str(), repeat,
                Ms(std::chrono::steady_clock::now() - t0) / repeat);
    // The stages one by one (as Assistant::Ask runs them), each timed over `repeat` calls.
    auto stage = [&](const char* name, const auto& f) {
      auto s0 = std::chrono::steady_clock::now();
      for (int r = 0; r < repeat; ++r) f();
      std::printf("  %-28s %8.3f ms\n", name, Ms(std::chrono::steady_clock::now() - s0) / repeat);
    };
    const bool guests = clever::query::MentionsCustomers(text);
    const bool methods = clever::query::MentionsPayments(text);
    auto facts = assistant.LoadFacts(sid);
    auto names = names_cache.Load(*db, sid, guests, methods, text);
    if (!facts.ok() || !names.ok()) Die("facts/names");
    auto intent = clever::query::Interpret(text, *names, as_of);
    stage("ResolveStores", [&] { (void)clever::query::ResolveStores(*db, {}); });
    stage("LoadFacts", [&] { (void)assistant.LoadFacts(sid); });
    stage("StoreNamesVersion", [&] { (void)clever::query::StoreNamesVersion(*db, sid); });
    stage("StoreNamesCache::Load",
          [&] { (void)names_cache.Load(*db, sid, guests, methods, text); });
    stage("Interpret", [&] { (void)clever::query::Interpret(text, *names, as_of); });
    if (intent.out_of_scope.empty() && !intent.metric.empty()) {
      auto plan = clever::query::Bind(intent, as_of);
      if (plan.ok()) {
        stage("Bind", [&] { (void)clever::query::Bind(intent, as_of); });
        stage("BuildSql",
              [&] { (void)clever::query::BuildSql(*plan, plan->range, *facts, db->dialect()); });
        auto result = clever::query::Execute(*db, *plan, *facts);
        stage("Execute", [&] { (void)clever::query::Execute(*db, *plan, *facts); });
        if (result.ok()) {
          stage("ComposeAnswer",
                [&] { (void)clever::query::ComposeAnswer(*plan, *result, *facts); });
        }
      }
    }
    return 0;
  }

  std::vector<double> all, ratios, p95s;
  double total_clever = 0, total_sql = 0;
  int within_ratio = 0, within_50 = 0, mismatches = 0;
  std::printf("%-5s %-50s %8s %8s %8s %8s %6s %4s %8s  %s\n", "id", "question", "first", "med ms",
              "p95 ms", "sql ms", "ratio", "stmt", "other", "status");
  for (const auto& q : qs) {
    std::string id = q["id"], text = Fill(q["question"], slots);
    if (!only.empty() && id != only) continue;
    std::vector<double> times, sql_times;
    std::string status;
    // The first ask (this question's first time; the store's caches are warm after question 1).
    auto t_first = std::chrono::steady_clock::now();
    status = assistant.Ask({text, {sid}, as_of, ""}).status;
    const double first = Ms(std::chrono::steady_clock::now() - t_first);
    // One more ask through the recorder: every statement Clever runs for this question.
    recorder.log.clear();
    (void)recorded.Ask({text, {sid}, as_of, ""});
    // The plan's own SQL (the statements Execute runs for it), rebuilt from the same stages.
    std::vector<clever::query::SqlQuery> plan_sql;
    auto names = clever::query::LoadStoreNames(*db, sid, clever::query::MentionsCustomers(text),
                                               clever::query::MentionsPayments(text), text);
    if (!names.ok()) Die("names: " + std::string(names.status().message()));
    auto intent = clever::query::Interpret(text, *names, as_of);
    if (intent.out_of_scope.empty() && !intent.metric.empty()) {
      auto plan = clever::query::Bind(intent, as_of);
      auto facts = assistant.LoadFacts(sid);
      if (!facts.ok()) Die(std::string(facts.status().message()));
      if (plan.ok()) {
        std::vector<clever::query::DateRange> ranges = {plan->range};
        if (!plan->base_period.empty()) ranges.push_back(plan->base_range);
        for (const auto& range : ranges) {
          auto sql = clever::query::BuildSql(*plan, range, *facts, db->dialect());
          if (sql.ok()) plan_sql.push_back(*sql);
        }
        // A capped list's count-and-sum statement, when Clever needed it (the list was longer
        // than the table shows).
        if (clever::query::IsCappedSet(*plan)) {
          auto totals = clever::query::BuildSetTotalsSql(*plan, plan->range, *facts, db->dialect());
          if (totals.ok() &&
              std::any_of(recorder.log.begin(), recorder.log.end(), [&](const auto& st) {
                return st.sql == totals->text && st.params == totals->params;
              })) {
            plan_sql.push_back(*totals);
          }
        }
      }
    }
    // Check they are among what Clever ran (same text, same parameters).
    double other_ms = 0;
    std::vector<bool> matched(plan_sql.size(), false);
    for (const auto& st : recorder.log) {
      bool is_plan = false;
      for (size_t i = 0; i < plan_sql.size(); ++i) {
        if (!matched[i] && st.sql == plan_sql[i].text && st.params == plan_sql[i].params) {
          matched[i] = is_plan = true;
          break;
        }
      }
      if (!is_plan) other_ms += st.ms;
    }
    if (!only.empty()) {  // one question: every statement Clever ran, slowest first
      std::vector<RecordingDatabase::Statement> log = recorder.log;
      std::sort(log.begin(), log.end(), [](const auto& a, const auto& b) { return a.ms > b.ms; });
      for (const auto& st : log) std::printf("  %8.3f ms  %.300s\n", st.ms, st.sql.c_str());
    }
    bool mismatch = std::find(matched.begin(), matched.end(), false) != matched.end();
    if (mismatch) ++mismatches;
    // R rounds, each one ask then the direct SQL: the same statements, same parameters, prepared
    // (the connection's statement cache, as for Clever), executed and every row read. Paired
    // rounds, so that both see the same machine load (2 cores shared with builds). Round 0 warms
    // the direct SQL and is not counted.
    for (int r = 0; r < runs + 1; ++r) {
      if (r > 0) {
        auto t0 = std::chrono::steady_clock::now();
        clever::query::Answer a = assistant.Ask({text, {sid}, as_of, ""});
        times.push_back(Ms(std::chrono::steady_clock::now() - t0));
        status = a.status;
      }
      if (plan_sql.empty()) continue;
      double total = 0;
      for (const auto& sql : plan_sql) {
        auto t0 = std::chrono::steady_clock::now();
        auto rs = db->Query(sql.text, sql.params);
        total += Ms(std::chrono::steady_clock::now() - t0);
        if (!rs.ok()) Die(id + ": " + std::string(rs.status().message()));
      }
      if (r > 0) sql_times.push_back(total);
    }
    const double sql_med = sql_times.empty() ? 0 : Pct(sql_times, 0.5);
    double med = Pct(times, 0.5), p95 = Pct(times, 0.95);
    all.insert(all.end(), times.begin(), times.end());
    p95s.push_back(p95);
    if (p95 <= 50) ++within_50;
    double ratio = sql_med > 0 ? med / sql_med : 0;
    if (sql_med > 0) {
      ratios.push_back(ratio);
      total_clever += med;
      total_sql += sql_med;
      if (ratio <= 1.5) ++within_ratio;
    }
    std::printf("%-5s %-50.50s %8.2f %8.2f %8.2f %8.2f %6.2f %4zu %8.2f  %s%s\n", id.c_str(),
                text.c_str(), first, med, p95, sql_med, ratio, recorder.log.size(), other_ms,
                status.c_str(), mismatch ? " SQL-MISMATCH" : "");
  }
  if (all.empty()) Die("no question asked");
  std::printf(
      "\n%zu questions, %d runs each (after one first ask). Clever: median %.2f ms, p95 %.2f ms; "
      "%d of %zu questions with p95 <= 50 ms.\n",
      p95s.size(), runs, Pct(all, 0.5), Pct(all, 0.95), within_50, p95s.size());
  if (!ratios.empty()) {
    std::printf(
        "ratio Clever/SQL over %zu questions with SQL: median %.2f, p95 %.2f, total %.2f (%.1f / "
        "%.1f ms); %d of %zu at most 1.5\n",
        ratios.size(), Pct(ratios, 0.5), Pct(ratios, 0.95), total_clever / total_sql, total_clever,
        total_sql, within_ratio, ratios.size());
  }
  if (mismatches > 0) {
    std::printf("%d questions: the rebuilt plan SQL was not among the statements Clever ran\n",
                mismatches);
  }
  return 0;
}
