// The derived tables of schema migration 3 (customer_periods, product_periods, daily_coupons,
// daily_payments, daily_orders' refund columns) change speed, never answers: the questions they
// serve give identical JSON on the fixture store with and without them, at as-of dates before,
// inside and after the data (refunds after the as-of date, partial months and years); and the
// SQL really reads them when they apply. Then an incremental refresh after changes answers like
// a store built from scratch.
#include <gtest/gtest.h>

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
#include "tests/testing/dump_loader.h"

namespace clever::query {
namespace {

using store::AsString;

std::unique_ptr<store::Database> Load(int64_t* store_id, bool derived) {
  auto db = store::OpenSqlite(":memory:");
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE(store::Migrate(**db).ok());
  auto loaded = testing::LoadDumpFolder(
      **db, std::string(CLEVER_SOURCE_DIR) + "/tests/query/fixture_store", "shop");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  *store_id = loaded->store_id;
  if (derived) {
    EXPECT_TRUE(store::RefreshDerived(**db, *store_id).ok());
  }
  return std::move(*db);
}

std::vector<std::string> Questions(store::Database& db, int64_t store) {
  std::vector<std::string> qs = {
      "List my top 3 customers by total spend this year.",
      "Top 5 customers by spend last year",
      "Top customers by spend last month",
      "Which customer spent the most in 2024?",
      "Top 3 customers by spend in the first quarter of 2025",
      "Count the returning customers who bought again last month.",
      "How many returning customers this year?",
      "How many returning customers in 2024?",
      "Top 3 coupon codes by number of uses.",
      "Which coupon gave away the most discount last year?",
      "Total discount given by coupons this year",
      "Coupon uses by coupon this year",
      "Which payment method was used most last month?",
      "Orders by payment method this year",
      "Revenue by payment method last year",
      "Net revenue this month, after refunds?",
      "Net sales last year",
      "Net sales by month this year",
      "Refund rate for last month?",
      "Refund rate this year",
      "Which products sold nothing last week?",
      "Which products sold nothing last month?",
      "Which product brought in the most revenue this year?",
      "Top 3 product categories by revenue this year.",
      "Top 5 products by units sold last month.",
      "Best selling variations in 2024",
      "How many orders are awaiting payment?",
      "What is the value of unpaid orders?",
      "How many accounts were registered last month?",
      "Total refunded this year?",
      "What's the most frequent refund reason this year?",
      "Largest single refund ever?",
  };
  // One code and one payment method of the store, by name.
  auto code = db.Query(
      "SELECT code FROM order_coupon_lines WHERE store_id = ? GROUP BY code ORDER BY COUNT(*) "
      "DESC, code LIMIT 1",
      {store});
  if (code.ok() && !code->rows.empty()) {
    qs.push_back("How many orders used the coupon " + AsString(code->rows[0][0]) + " this year?");
    qs.push_back("Discount given by coupon " + AsString(code->rows[0][0]) + " last year");
  }
  auto method = db.Query(
      "SELECT payment_method_title FROM orders WHERE store_id = ? AND payment_method_title <> '' "
      "GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 2",
      {store});
  if (method.ok()) {
    for (const auto& row : method->rows) {
      qs.push_back("Share of orders paid via " + AsString(row[0]) + " this year (%)?");
      qs.push_back("Revenue received by " + AsString(row[0]) + " last month?");
      qs.push_back("How many orders were paid with " + AsString(row[0]) + " in 2024?");
    }
  }
  return qs;
}

const CivilDate kAsOfs[] = {CivilDate{2025, 11, 15}, CivilDate{2025, 3, 1}, CivilDate{2024, 12, 31},
                            CivilDate{2026, 2, 1}, CivilDate{2025, 11, 30}};

TEST(DerivedPeriodsTest, SameAnswersWithAndWithoutThem) {
  int64_t store = 0;
  auto plain = Load(&store, false);
  auto derived = Load(&store, true);
  int compared = 0;
  Assistant slow(*plain), fast(*derived);
  for (const CivilDate as_of : kAsOfs) {
    for (const std::string& q : Questions(*plain, store)) {
      Answer x = slow.Ask({q, {store}, as_of, ""});
      Answer y = fast.Ask({q, {store}, as_of, ""});
      EXPECT_EQ(AnswerToJson(x), AnswerToJson(y)) << q << " as of " << as_of.ToString();
      if (x.status == "answered") ++compared;
    }
  }
  EXPECT_GT(compared, 150);
}

TEST(DerivedPeriodsTest, TheNewTablesAreTheOnesRead) {
  int64_t store = 0;
  auto db = Load(&store, true);
  Assistant fast(*db);
  auto facts = fast.LoadFacts(store);
  ASSERT_TRUE(facts.ok());
  ASSERT_TRUE(facts->derived_fresh);
  ASSERT_TRUE(facts->derived_periods_exact);
  auto sql_of = [&](const std::string& q, CivilDate as_of) {
    StoreNames names;
    AddStaticNames(names);
    auto loaded = LoadStoreNames(*db, store, true, true, q);
    if (loaded.ok()) names = *loaded;
    QuestionIntent intent = Interpret(q, names, as_of);
    auto plan = Bind(intent, as_of);
    EXPECT_TRUE(plan.ok()) << q;
    if (!plan.ok()) return std::string();
    auto sql = BuildSql(*plan, plan->range, *facts, db->dialect());
    EXPECT_TRUE(sql.ok()) << q;
    return sql.ok() ? sql->text : std::string();
  };
  const CivilDate late{2026, 3, 1};
  auto uses = [&](const std::string& q, const std::string& table) {
    EXPECT_NE(sql_of(q, late).find(table), std::string::npos) << q << " should read " << table;
  };
  uses("Top 5 customers by spend last year", "customer_periods");
  uses("Top customers by spend last month", "customer_periods");
  uses("How many returning customers in 2024?", "customer_periods");
  uses("Top 3 coupon codes by number of uses.", "daily_coupons");
  uses("Which coupon gave away the most discount last year?", "daily_coupons");
  uses("Which payment method was used most last month?", "daily_payments");
  uses("Net sales last year", "daily_orders");
  uses("Refund rate this year", "daily_orders");
  uses("Which products sold nothing last month?", "daily_products");
  uses("Which product brought in the most revenue in 2025?", "product_periods");
  // Not whole months: the days; one week's customers: the orders.
  uses("Top 5 products by units sold in the last 10 days", "daily_products");
  EXPECT_EQ(sql_of("Top customers by spend in the last 10 days", late).find("customer_periods"),
            std::string::npos);
  // Refunds after the as-of date: net figures come from the orders.
  EXPECT_EQ(sql_of("Net sales in 2024", CivilDate{2025, 1, 10}).find("daily_orders"),
            std::string::npos);
  // Orders without a coupon filter count once per order: not from the per-code table.
  EXPECT_EQ(sql_of("How many orders used a coupon this year?", late).find("daily_coupons"),
            std::string::npos);
}

// Changes applied to a store whose derived tables exist are refreshed incrementally; the
// answers equal those of a store without derived tables that got the same changes.
TEST(DerivedPeriodsTest, IncrementalRefreshAnswersLikeTheOrders) {
  int64_t store = 0;
  auto plain = Load(&store, false);
  auto derived = Load(&store, true);
  const std::vector<std::string> changes = {
      "UPDATE orders SET status = 'cancelled' WHERE store_id = ? AND id IN (SELECT id FROM orders "
      "WHERE store_id = ? AND status = 'completed' ORDER BY id LIMIT 5)",
      "UPDATE orders SET customer_id = 0 WHERE store_id = ? AND id IN (SELECT id FROM orders "
      "WHERE store_id = ? AND customer_id > 0 ORDER BY id DESC LIMIT 4)",
      "UPDATE orders SET date_created = '2025-10-03T10:00:00' WHERE store_id = ? AND id IN "
      "(SELECT id FROM orders WHERE store_id = ? ORDER BY id LIMIT 3)",
      "DELETE FROM refunds WHERE store_id = ? AND id IN (SELECT id FROM refunds WHERE store_id = "
      "? ORDER BY id LIMIT 2)",
      "DELETE FROM order_coupon_lines WHERE store_id = ? AND order_id IN (SELECT order_id FROM "
      "order_coupon_lines WHERE store_id = ? ORDER BY order_id LIMIT 3)",
      "UPDATE orders SET payment_method_title = 'Cheque' WHERE store_id = ? AND id IN (SELECT id "
      "FROM orders WHERE store_id = ? ORDER BY id DESC LIMIT 6)",
  };
  for (const std::string& sql : changes) {
    ASSERT_TRUE(plain->Execute(sql, {store, store}).ok()) << sql;
    ASSERT_TRUE(derived->Execute(sql, {store, store}).ok()) << sql;
  }
  store::RefreshStats stats;
  ASSERT_TRUE(store::RefreshDerived(*derived, store, "", &stats).ok());
  EXPECT_FALSE(stats.full);
  EXPECT_GT(stats.days, 0);
  EXPECT_GT(stats.customers, 0);
  Assistant slow(*plain), fast(*derived);
  for (const CivilDate as_of : kAsOfs) {
    for (const std::string& q : Questions(*plain, store)) {
      EXPECT_EQ(AnswerToJson(slow.Ask({q, {store}, as_of, ""})),
                AnswerToJson(fast.Ask({q, {store}, as_of, ""})))
          << q << " as of " << as_of.ToString();
    }
  }
}

}  // namespace
}  // namespace clever::query
