// DEV ONLY: `clever_time_questions --db PATH [--questions FILE] [--as-of YYYY-MM-DD] [--runs R]
// [--only d022,d043] [--refresh]` times the dev questions on an existing (synced) store's
// database: slots ({top_customer_name} ...) are filled from the store's own data, every question
// is asked R times through query::Assistant (after one warm-up), and the same plan's SQL is run
// directly. Prints per question the median and p95 of Clever's time, the SQL median and the
// status. --refresh first brings the derived tables up to date (store::RefreshDerived) and prints
// how long that took. Opening the database applies pending schema migrations.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
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

using clever::store::AsInt;
using clever::store::AsString;

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

std::string First(clever::store::Database& db, const std::string& sql, size_t row = 0) {
  auto rs = db.Query(sql);
  if (!rs.ok() || rs->rows.size() <= row) return "";
  return AsString(rs->rows[row][0]);
}

std::map<std::string, std::string> Slots(clever::store::Database& db, clever::CivilDate as_of) {
  std::map<std::string, std::string> s;
  const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                          "July",    "August",   "September", "October", "November", "December"};
  const std::map<std::string, std::string> countries = {
      {"US", "United States"}, {"GB", "United Kingdom"}, {"DE", "Germany"},    {"FR", "France"},
      {"CA", "Canada"},        {"AU", "Australia"},      {"NL", "Netherlands"}};
  s["{last_year}"] = std::to_string(as_of.year - 1);
  s["{month_2ago_name}"] = months[(as_of.month + 9) % 12];
  const std::string code =
      First(db,
            "SELECT billing_country FROM orders WHERE store_id = 1 AND status IN "
            "('completed','processing','on-hold') GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1");
  s["{top_country_code}"] = code;
  s["{top_country_name}"] = countries.count(code) ? countries.at(code) : code;
  const std::string ck = First(db,
                               "SELECT customer_id FROM orders WHERE store_id = 1 AND customer_id "
                               "> 0 GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1");
  s["{top_customer_name}"] = First(
      db, "SELECT first_name || ' ' || last_name FROM customers WHERE store_id = 1 AND id = " +
              std::to_string(std::atoll(ck.c_str())));
  const std::string units =
      "SELECT p.name FROM order_line_items li JOIN products p ON p.store_id = 1 AND p.id = "
      "li.product_id WHERE li.store_id = 1 GROUP BY li.product_id, p.name ORDER BY "
      "SUM(li.quantity) DESC LIMIT 2";
  s["{top_product_name}"] = First(db, units, 0);
  s["{second_product_name}"] = First(db, units, 1);
  s["{second_category_name}"] =
      First(db, "SELECT name FROM categories WHERE store_id = 1 ORDER BY count DESC, name", 1);
  s["{top_coupon_code}"] = First(db,
                                 "SELECT code FROM order_coupon_lines WHERE store_id = 1 GROUP BY "
                                 "code ORDER BY COUNT(*) DESC LIMIT 1");
  const std::string methods =
      "SELECT payment_method_title FROM orders WHERE store_id = 1 AND payment_method_title <> '' "
      "GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 2";
  s["{top_method_title}"] = First(db, methods, 0);
  s["{second_method_title}"] = First(db, methods, 1);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string path, questions = "/work/shared/eval/questions_dev.json", only;
  clever::CivilDate as_of{2025, 11, 15};
  int runs = 7;
  bool refresh = false;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    std::string v = i + 1 < argc ? argv[i + 1] : "";
    if (k == "--refresh") {
      refresh = true;
      continue;
    }
    ++i;
    if (k == "--db") path = v;
    if (k == "--questions") questions = v;
    if (k == "--runs") runs = std::max(1, std::atoi(v.c_str()));
    if (k == "--only") only = "," + v + ",";
    if (k == "--as-of") {
      auto d = clever::ParseCivilDate(v);
      if (d.ok()) as_of = *d;
    }
  }
  if (path.empty()) {
    std::cerr << "usage: clever_time_questions --db PATH [--questions FILE] [--as-of DATE] "
                 "[--runs R] [--only ids] [--refresh]\n";
    return 2;
  }
  auto db = clever::store::OpenSqlite(path);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  if (auto st = clever::store::Migrate(**db); !st.ok()) {
    std::cerr << st << "\n";
    return 1;
  }
  std::printf("migrate: %.0f ms\n", Ms(std::chrono::steady_clock::now() - t0));
  if (refresh) {
    t0 = std::chrono::steady_clock::now();
    clever::store::RefreshStats stats;
    if (auto st = clever::store::RefreshDerived(**db, 1, "", &stats); !st.ok()) {
      std::cerr << st << "\n";
      return 1;
    }
    std::printf("refresh: %.0f ms (%s, %lld days, %lld customers)\n",
                Ms(std::chrono::steady_clock::now() - t0), stats.full ? "full" : "incremental",
                static_cast<long long>(stats.days), static_cast<long long>(stats.customers));
  }
  std::ifstream in(questions);
  std::stringstream ss;
  ss << in.rdbuf();
  auto qs = nlohmann::json::parse(ss.str(), nullptr, false);
  if (!qs.is_array()) {
    std::cerr << "cannot read " << questions << "\n";
    return 1;
  }
  const auto slots = Slots(**db, as_of);
  clever::query::Assistant assistant(**db);
  auto facts = assistant.LoadFacts(1);
  if (!facts.ok()) {
    std::cerr << facts.status() << "\n";
    return 1;
  }
  std::printf("derived tables fresh: %s\n", facts->derived_fresh ? "yes" : "no");
  std::vector<double> all;
  std::printf("%-5s %-58s %8s %8s %8s  %s\n", "id", "question", "med ms", "p95 ms", "sql ms",
              "status");
  for (const auto& q : qs) {
    std::string id = q["id"], text = q["question"];
    if (!only.empty() && only.find("," + id + ",") == std::string::npos) continue;
    for (const auto& [k, v] : slots) {
      for (size_t p; (p = text.find(k)) != std::string::npos;) text.replace(p, k.size(), v);
    }
    std::vector<double> times, sql_times;
    std::string status;
    for (int r = 0; r < runs + 1; ++r) {
      auto s0 = std::chrono::steady_clock::now();
      clever::query::Answer a = assistant.Ask({text, {1}, as_of, ""});
      if (r > 0) times.push_back(Ms(std::chrono::steady_clock::now() - s0));
      status = a.status + " | " + a.text.substr(0, 90);
    }
    auto names = clever::query::LoadStoreNames(**db, 1, clever::query::MentionsCustomers(text),
                                               clever::query::MentionsPayments(text), text);
    if (names.ok()) {
      auto intent = clever::query::Interpret(text, *names, as_of);
      auto plan = clever::query::Bind(intent, as_of);
      if (intent.out_of_scope.empty() && !intent.metric.empty() && plan.ok()) {
        std::vector<clever::query::DateRange> ranges = {plan->range};
        if (!plan->base_period.empty()) ranges.push_back(plan->base_range);
        for (int r = 0; r < runs + 1; ++r) {
          double total = 0;
          for (const auto& range : ranges) {
            auto sql = clever::query::BuildSql(*plan, range, *facts, (*db)->dialect());
            if (!sql.ok()) continue;
            auto s0 = std::chrono::steady_clock::now();
            (void)(*db)->Query(sql->text, sql->params);
            total += Ms(std::chrono::steady_clock::now() - s0);
          }
          if (r > 0) sql_times.push_back(total);
        }
      }
    }
    all.insert(all.end(), times.begin(), times.end());
    std::printf("%-5s %-58.58s %8.2f %8.2f %8.2f  %s\n", id.c_str(), text.c_str(), Pct(times, 0.5),
                Pct(times, 0.95), Pct(sql_times, 0.5), status.c_str());
  }
  std::printf("\nall: median %.2f ms, p95 %.2f ms, max %.2f ms\n", Pct(all, 0.5), Pct(all, 0.95),
              Pct(all, 1.0));
  return 0;
}
