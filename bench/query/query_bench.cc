// query_bench [--orders N] [--db PATH] [--questions questions_dev.json] [--runs R]
//
// 1. Builds (once; reused while PATH exists with N orders) a synthetic store written STRAIGHT INTO
//    THE SCHEMA, not through a sync: 40 products (simple and variable with variations), 6
//    categories, 50,000 registered customers plus guests, 12 coupons, N orders over ~3 years
//    ending at the as-of date (1-3 line items each, ~12% with a coupon, realistic status mix,
//    ~3% refunded), WooPayments payouts (3 a week) and disputes. Deterministic (fixed seed).
// 2. Asks every dev question (slots filled with this store's names) R times through
//    query::Assistant (interpret, plan, SQL, execute, answer, names), and times the same plan's
//    SQL statements run directly on the database.
// 3. Prints per question: median and p95 of Clever's time, median of the direct SQL time, and
//    the ratio; then the overall p95 and median ratio.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "query/assistant.h"
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

std::string Fill(std::string q) {
  const std::pair<const char*, const char*> slots[] = {
      {"{last_year}", "2024"},
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
  for (const auto& [k, v] : slots) {
    for (size_t p; (p = q.find(k)) != std::string::npos;) q.replace(p, std::string(k).size(), v);
  }
  return q;
}

double Pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int64_t n = 1000000;
  int runs = 7;
  std::string path = "/tmp/clever_query_bench.db";
  // The eval kit lies beside the clone (../shared/eval), as on the developers' and CI machines.
  std::string questions = "../shared/eval/questions_dev.json";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--orders") n = std::stoll(argv[i + 1]);
    if (k == "--db") path = argv[i + 1];
    if (k == "--questions") questions = argv[i + 1];
    if (k == "--runs") runs = std::stoi(argv[i + 1]);
  }
  bool fresh = !std::filesystem::exists(path);
  auto db = clever::store::OpenSqlite(path);
  if (!db.ok() || !clever::store::Migrate(**db).ok()) {
    std::cerr << "cannot open " << path << "\n";
    return 1;
  }
  if (!fresh) {
    auto rs = (*db)->Query("SELECT count(*) FROM orders");
    if (!rs.ok() || clever::store::AsInt(rs->rows[0][0]) != n) {
      std::cerr << path << " holds another store; delete it first\n";
      return 1;
    }
  } else {
    auto t0 = std::chrono::steady_clock::now();
    (void)(*db)->Begin();
    Generate(**db, n);
    (void)(*db)->Commit();
    (void)(*db)->ExecuteScript("ANALYZE");
    std::cout << "generated " << n << " orders in "
              << Ms(std::chrono::steady_clock::now() - t0) / 1000 << " s\n";
  }
  {
    // What a sync does after writing the orders: rebuild the derived tables (store/derived.h).
    auto derived = clever::store::ReadDerived(**db, 1);
    if (!derived.ok() || !derived->fresh) {
      auto t0 = std::chrono::steady_clock::now();
      if (auto st = clever::store::RefreshDerived(**db, 1); !st.ok()) {
        std::cerr << "derived tables: " << st << "\n";
        return 1;
      }
      std::cout << "derived tables rebuilt in " << Ms(std::chrono::steady_clock::now() - t0)
                << " ms\n";
    }
  }
  std::ifstream in(questions);
  std::stringstream ss;
  ss << in.rdbuf();
  auto qs = nlohmann::json::parse(ss.str(), nullptr, false);
  if (!qs.is_array()) {
    std::cerr << "cannot read " << questions << "\n";
    return 1;
  }
  clever::query::Assistant assistant(**db);
  std::vector<double> all, ratios;
  std::printf("%-6s %-60s %9s %9s %9s %6s  %s\n", "id", "question", "med ms", "p95 ms", "sql ms",
              "ratio", "status");
  for (const auto& q : qs) {
    std::string id = q["id"], text = Fill(q["question"]);
    std::vector<double> times, sql_times;
    std::string status;
    for (int r = 0; r < runs + 1; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      clever::query::Answer a = assistant.Ask({text, {1}, kAsOf, ""});
      double ms = Ms(std::chrono::steady_clock::now() - t0);
      status = a.status;
      if (r > 0) times.push_back(ms);
    }
    // The same plan's SQL, run directly.
    auto names = clever::query::LoadStoreNames(**db, 1, clever::query::MentionsCustomers(text),
                                               clever::query::MentionsPayments(text), text);
    auto intent = clever::query::Interpret(text, *names, kAsOf);
    double sql_med = 0;
    if (intent.out_of_scope.empty() && !intent.metric.empty()) {
      auto plan = clever::query::Bind(intent, kAsOf);
      if (plan.ok()) {
        // The facts the assistant uses (time zone, derived tables' state).
        auto facts = assistant.LoadFacts(1);
        if (!facts.ok()) {
          std::cerr << facts.status() << "\n";
          return 1;
        }
        const clever::query::StoreFacts& f = *facts;
        std::vector<clever::query::DateRange> ranges = {plan->range};
        if (!plan->base_period.empty()) ranges.push_back(plan->base_range);
        for (int r = 0; r < runs + 1; ++r) {
          double total = 0;
          for (const auto& range : ranges) {
            auto sql = clever::query::BuildSql(*plan, range, f, (*db)->dialect());
            if (!sql.ok()) continue;
            auto t0 = std::chrono::steady_clock::now();
            (void)(*db)->Query(sql->text, sql->params);
            total += Ms(std::chrono::steady_clock::now() - t0);
          }
          if (r > 0) sql_times.push_back(total);
        }
        sql_med = Pct(sql_times, 0.5);
      }
    }
    double med = Pct(times, 0.5), p95 = Pct(times, 0.95);
    all.insert(all.end(), times.begin(), times.end());
    double ratio = sql_med > 0 ? med / sql_med : 0;
    if (sql_med > 0) ratios.push_back(ratio);
    std::printf("%-6s %-60.60s %9.2f %9.2f %9.2f %6.2f  %s\n", id.c_str(), text.c_str(), med, p95,
                sql_med, ratio, status.c_str());
  }
  std::printf(
      "\nall questions: median %.2f ms, p95 %.2f ms; ratio Clever/SQL: median %.2f, p95 %.2f (%zu "
      "questions with SQL)\n",
      Pct(all, 0.5), Pct(all, 0.95), Pct(ratios, 0.5), Pct(ratios, 0.95), ratios.size());
  return 0;
}
