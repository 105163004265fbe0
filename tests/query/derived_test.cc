// The derived tables (store/derived.h) and the names cache (store_names.h) change speed, never
// answers: the same questions on the fixture store with and without them give identical JSON.
#include "store/derived.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "query/assistant.h"
#include "query/interpret.h"
#include "query/plan.h"
#include "query/sql.h"
#include "query/store_names.h"
#include "store/database.h"
#include "store/schema.h"
#include "tests/testing/dump_loader.h"

namespace clever::query {
namespace {

using store::AsInt;
using store::AsString;

std::unique_ptr<store::Database> LoadFixture(int64_t* store_id) {
  auto db = store::OpenSqlite(":memory:");
  EXPECT_TRUE(db.ok());
  EXPECT_TRUE(store::Migrate(**db).ok());
  auto loaded = testing::LoadDumpFolder(
      **db, std::string(CLEVER_SOURCE_DIR) + "/tests/query/fixture_store", "shop");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  *store_id = loaded->store_id;
  return std::move(*db);
}

class DerivedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    plain_ = LoadFixture(&store_);
    derived_ = LoadFixture(&store_);
    ASSERT_TRUE(store::RefreshDerived(*derived_, store_, "2025-11-16T05:00:00Z").ok());
  }
  std::vector<std::string> Questions() {
    std::vector<std::string> qs = {
        "How many new customers this year?",
        "How many first-time customers ordered last month?",
        "Count the returning customers who bought again last month.",
        "How many returning customers this year?",
        "How many customers have ordered at least three times?",
        "How many repeat customers do we have?",
        "What is the repeat customer rate?",
        "How many customers haven't ordered in the last 90 days?",
        "How many customers are in the United States?",
        "Customers by country",
        "What is the average customer lifetime value?",
        "Which customer has placed the most orders ever?",
        "Top 3 customers by number of orders",
        "Sales from new customers this year",
        "Sales from returning customers last month",
        "What were total sales in the last 14 days?",
        "How many orders did the store receive last month?",
        "What was the average order value in 2024?",
        "Which date this year had the most orders?",
        "Which three countries placed the most orders last year?",
        "How much shipping did customers pay this year?",
        "Tax collected this year by month",
        "Total discounts given this year?",
        "Largest order this year",
        "How many guest orders last month?",
        "What share of orders were guest orders this year?",
        "Average orders per day this month",
        "How many orders are marked refunded?",
        "Orders by status this year",
        "Sales by week last month",
        "Orders by weekday this year",
        "Sales by year",
        "Gross sales from the United States in the last 30 days?",
        "How many on-hold orders this year?",
        "Sales this month vs last month",
        "Orders this year compared with last year",
        "Net revenue this month, after refunds?",
        "Top 5 products by units sold last month.",
        "Which product brought in the most revenue this year?",
        "Total units sold in the last 30 days?",
        "Top 3 product categories by revenue this year.",
        "Units sold by month this year",
        "Average selling price of items this year",
        "Best selling variations this year",
        "Units sold in the Clothing category this year",
        "Top products by revenue last year",
    };
    // A registered customer and a guest, by name and by e-mail.
    auto c = plain_->Query(
        "SELECT first_name || ' ' || last_name, email FROM customers WHERE store_id = ? AND "
        "first_name <> '' ORDER BY id LIMIT 1",
        {store_});
    if (c.ok() && !c->rows.empty()) {
      qs.push_back("How many orders has " + AsString(c->rows[0][0]) + " made?");
      qs.push_back("How much has " + AsString(c->rows[0][1]) + " spent?");
    }
    auto g = plain_->Query(
        "SELECT billing_first_name || ' ' || billing_last_name, billing_email FROM orders WHERE "
        "store_id = ? AND customer_id = 0 AND billing_email <> '' AND status = 'completed' "
        "ORDER BY id LIMIT 1",
        {store_});
    if (g.ok() && !g->rows.empty()) {
      qs.push_back("How many orders has " + AsString(g->rows[0][0]) + " made?");
      qs.push_back("Total spent by " + AsString(g->rows[0][1]) + " this year");
    }
    return qs;
  }
  std::unique_ptr<store::Database> plain_, derived_;
  int64_t store_ = 0;
};

TEST_F(DerivedTest, RebuildIsFreshAndMatchesTheOrders) {
  auto d = store::ReadDerived(*derived_, store_);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->fresh);
  EXPECT_FALSE(d->through.empty());
  auto p = store::ReadDerived(*plain_, store_);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->fresh);  // never built
  // One summary row per customer key with a sales order; counts add up to the sales orders.
  auto a = derived_->Query(
      "SELECT COUNT(*), SUM(order_count) FROM customer_summary WHERE store_id = ?", {store_});
  auto b = derived_->Query(std::string("SELECT COUNT(DISTINCT ") + store::kOrderCustomerKeySql +
                               "), COUNT(*) FROM orders o WHERE o.store_id = ? AND o.status IN "
                               "('completed','processing','on-hold')",
                           {store_});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GT(AsInt(a->rows[0][0]), 10);
  EXPECT_EQ(AsInt(a->rows[0][0]), AsInt(b->rows[0][0]));
  EXPECT_EQ(AsInt(a->rows[0][1]), AsInt(b->rows[0][1]));
  auto days = derived_->Query("SELECT SUM(orders), SUM(total_minor) FROM daily_orders", {});
  auto all = derived_->Query("SELECT COUNT(*), SUM(total_minor) FROM orders", {});
  ASSERT_TRUE(days.ok() && all.ok());
  EXPECT_EQ(AsInt(days->rows[0][0]), AsInt(all->rows[0][0]));
  EXPECT_EQ(AsInt(days->rows[0][1]), AsInt(all->rows[0][1]));
  // A second rebuild replaces, never duplicates.
  ASSERT_TRUE(store::RefreshDerived(*derived_, store_).ok());
  auto again = derived_->Query("SELECT COUNT(*) FROM customer_summary", {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(AsInt(again->rows[0][0]), AsInt(a->rows[0][0]));
}

TEST_F(DerivedTest, SameAnswersWithAndWithoutDerivedTables) {
  int compared = 0;
  for (const CivilDate as_of : {CivilDate{2025, 11, 15}, CivilDate{2025, 3, 1},
                                CivilDate{2024, 12, 31}, CivilDate{2026, 2, 1}}) {
    Assistant slow(*plain_), fast(*derived_);
    for (const std::string& q : Questions()) {
      Answer x = slow.Ask({q, {store_}, as_of, ""});
      Answer y = fast.Ask({q, {store_}, as_of, ""});
      EXPECT_EQ(AnswerToJson(x), AnswerToJson(y)) << q << " as of " << as_of.ToString();
      if (x.status == "answered") ++compared;
    }
  }
  EXPECT_GT(compared, 120);
}

TEST_F(DerivedTest, TheFastStatementsAreTheOnesUsed) {
  Assistant fast(*derived_);
  auto facts = fast.LoadFacts(store_);
  ASSERT_TRUE(facts.ok());
  ASSERT_TRUE(facts->derived_fresh);
  auto sql_of = [&](const std::string& q, CivilDate as_of) {
    StoreNames names;
    AddStaticNames(names);
    QuestionIntent intent = Interpret(q, names, as_of);
    auto plan = Bind(intent, as_of);
    EXPECT_TRUE(plan.ok()) << q;
    if (!plan.ok()) return std::string();
    auto sql = BuildSql(*plan, plan->range, *facts, derived_->dialect());
    EXPECT_TRUE(sql.ok()) << q;
    return sql.ok() ? sql->text : std::string();
  };
  const CivilDate late{2026, 1, 1};
  EXPECT_NE(sql_of("How many new customers this year?", late).find("customer_summary"),
            std::string::npos);
  EXPECT_NE(sql_of("How many repeat customers?", late).find("customer_summary"), std::string::npos);
  EXPECT_NE(sql_of("Total sales last month", late).find("daily_orders"), std::string::npos);
  EXPECT_NE(sql_of("Orders by country this year", late).find("daily_orders"), std::string::npos);
  EXPECT_NE(sql_of("Top 5 products by units sold last month", late).find("product_periods"),
            std::string::npos);
  // Before the latest order the summary does not describe the store as of then.
  EXPECT_EQ(sql_of("How many repeat customers?", CivilDate{2024, 1, 1}).find("customer_summary"),
            std::string::npos);
  // Filters the daily table cannot express go to the orders.
  EXPECT_EQ(sql_of("Total sales paid by PayPal last month", late).find("daily_orders"),
            std::string::npos);
}

TEST_F(DerivedTest, AnySyncActivityMakesThemStaleAndAnswersStayRight) {
  ASSERT_TRUE(derived_
                  ->Execute("UPDATE sync_state SET records_done = records_done + 1 WHERE "
                            "store_id = ? AND category = 'orders'",
                            {store_})
                  .ok());
  auto d = store::ReadDerived(*derived_, store_);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->fresh);
  // A new sales order the derived tables do not know: the answer must include it.
  ASSERT_TRUE(derived_
                  ->Execute("INSERT INTO orders (store_id, id, number, status, date_created, "
                            "customer_id, total_minor, billing_email) VALUES (?, 999999, "
                            "'999999', 'completed', '2025-11-15T10:00:00', 0, 12345, "
                            "'brand.new@example.com')",
                            {store_})
                  .ok());
  ASSERT_TRUE(plain_
                  ->Execute("INSERT INTO orders (store_id, id, number, status, date_created, "
                            "customer_id, total_minor, billing_email) VALUES (?, 999999, "
                            "'999999', 'completed', '2025-11-15T10:00:00', 0, 12345, "
                            "'brand.new@example.com')",
                            {store_})
                  .ok());
  Assistant slow(*plain_), fast(*derived_);
  for (const char* q : {"How many new customers this year?", "Total sales this month"}) {
    EXPECT_EQ(AnswerToJson(slow.Ask({q, {store_}, CivilDate{2025, 11, 15}, ""})),
              AnswerToJson(fast.Ask({q, {store_}, CivilDate{2025, 11, 15}, ""})))
        << q;
  }
  // The next rebuild (after the next sync) is fresh again and includes it.
  ASSERT_TRUE(store::RefreshDerived(*derived_, store_).ok());
  auto rs = derived_->Query("SELECT order_count FROM customer_summary WHERE ck = ?",
                            {std::string("e:brand.new@example.com")});
  ASSERT_TRUE(rs.ok());
  ASSERT_EQ(rs->rows.size(), 1u);
  EXPECT_EQ(AsInt(rs->rows[0][0]), 1);
}

TEST_F(DerivedTest, HostileCustomerKeysAreOnlyParameters) {
  Assistant fast(*derived_);
  auto facts = fast.LoadFacts(store_);
  ASSERT_TRUE(facts.ok());
  QueryPlan p;
  p.metric = "order_count";
  p.as_of = CivilDate{2025, 11, 15};
  p.range = DateRange{std::nullopt, p.as_of};
  for (const std::string& key :
       {std::string("c:1'; DROP TABLE orders; --"), std::string("c:99999999999999999999999"),
        std::string("c:"), std::string("e:"), std::string("o:-5"), std::string("c:0007"),
        "e:" + std::string(100000, 'x'), std::string("e:\x01\x02\xff\xfe"), std::string("zz")}) {
    p.customer_key = key;
    auto sql = BuildSql(p, p.range, *facts, derived_->dialect());
    ASSERT_TRUE(sql.ok());
    EXPECT_EQ(sql->text.find("DROP"), std::string::npos);
    auto rs = derived_->Query(sql->text, sql->params);
    ASSERT_TRUE(rs.ok()) << rs.status();
    EXPECT_EQ(AsInt(rs->rows[0][1]), 0) << key;  // nobody has such a key
  }
  auto count = derived_->Query("SELECT COUNT(*) FROM orders", {});
  ASSERT_TRUE(count.ok());
  EXPECT_GT(AsInt(count->rows[0][0]), 0);
}

TEST_F(DerivedTest, NamesCacheGivesTheSameNamesAndFollowsSyncs) {
  StoreNamesCache cache;
  for (bool guests : {false, true}) {
    for (bool methods : {false, true}) {
      auto direct = LoadStoreNames(*plain_, store_, guests, methods, "sales");
      auto first = cache.Load(*plain_, store_, guests, methods, "sales");
      auto second = cache.Load(*plain_, store_, guests, methods, "sales");
      ASSERT_TRUE(direct.ok() && first.ok() && second.ok());
      ASSERT_EQ(direct->entities.size(), first->entities.size());
      ASSERT_EQ(direct->entities.size(), second->entities.size());
      for (size_t i = 0; i < direct->entities.size(); ++i) {
        EXPECT_EQ(direct->entities[i].kind, second->entities[i].kind);
        EXPECT_EQ(direct->entities[i].key, second->entities[i].key);
        EXPECT_EQ(direct->entities[i].phrases, second->entities[i].phrases);
      }
    }
  }
  EXPECT_EQ(cache.misses(), 2);  // one per with_methods
  EXPECT_EQ(cache.hits(), 6);
  // A sync writes a product and moves sync_state: the next question sees it.
  ASSERT_TRUE(plain_
                  ->Execute("INSERT INTO products (store_id, id, name, type, status) VALUES (?, "
                            "777777, 'Zanzibar Teapot', 'simple', 'publish')",
                            {store_})
                  .ok());
  ASSERT_TRUE(plain_
                  ->Execute("UPDATE sync_state SET last_success_at = '2025-11-17T00:00:00Z' "
                            "WHERE store_id = ? AND category = 'products'",
                            {store_})
                  .ok());
  auto after = cache.Load(*plain_, store_, false, false, "");
  ASSERT_TRUE(after.ok());
  bool found = false;
  for (const auto& e : after->entities) found = found || e.name == "Zanzibar Teapot";
  EXPECT_TRUE(found);
  EXPECT_EQ(cache.misses(), 3);
}

// Above kFullNameLoadLimit accounts only the names typed in the question are looked up (one
// indexed lookup per word pair / e-mail); the cache keeps nothing question-dependent.
TEST(BigStoreNamesTest, OnlyTheNamesInTheQuestionOneLookupEach) {
  auto db = store::OpenSqlite(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(store::Migrate(**db).ok());
  ASSERT_TRUE((*db)->Begin().ok());
  for (int64_t i = 1; i <= kFullNameLoadLimit + 1; ++i) {
    ASSERT_TRUE((*db)
                    ->Execute("INSERT INTO customers (store_id, id, first_name, last_name, email, "
                              "role) VALUES (1, ?, ?, ?, ?, 'customer')",
                              {i, "First" + std::to_string(i % 97), "Last" + std::to_string(i),
                               "u" + std::to_string(i) + "@example.com"})
                    .ok());
  }
  for (int64_t i = 1; i <= 3; ++i) {  // one guest, three orders: the latest name wins
    ASSERT_TRUE((*db)
                    ->Execute("INSERT INTO orders (store_id, id, status, date_created, "
                              "customer_id, billing_first_name, billing_last_name, billing_email) "
                              "VALUES (1, ?, 'completed', ?, 0, 'Gina', ?, ' Gina@Example.com ')",
                              {i, "2025-0" + std::to_string(i) + "-01T10:00:00",
                               std::string(i == 3 ? "Guest" : "Old")})
                    .ok());
  }
  ASSERT_TRUE((*db)->Commit().ok());
  StoreNamesCache cache;
  auto count_customers = [](const StoreNames& n) {
    std::vector<std::string> keys;
    for (const auto& e : n.entities) {
      if (e.kind == "customer") keys.push_back(e.key + "=" + e.name);
    }
    return keys;
  };
  auto a = cache.Load(**db, 1, true, false, "How many orders has first5 last12345 made?");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(count_customers(*a), std::vector<std::string>{});  // 12345 % 97 != 5
  auto b = cache.Load(**db, 1, true, false, "orders of First26 Last12345 and gina guest");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(count_customers(*b), (std::vector<std::string>{"c:12345=First26 Last12345",
                                                           "e:gina@example.com=Gina Guest"}));
  auto c = cache.Load(**db, 1, true, false, "what did u7@example.com and gina@example.com buy");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(count_customers(*c),
            (std::vector<std::string>{"c:7=First7 Last7", "e:gina@example.com=Gina Guest"}));
  auto direct = LoadStoreNames(**db, 1, true, false, "what did u7@example.com buy");
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(count_customers(*direct), std::vector<std::string>{"c:7=First7 Last7"});
  // Hostile and huge questions: no error, nothing found, nothing executed.
  for (const std::string& q :
       {std::string("'); DROP TABLE customers; -- x@y"), std::string(100 * 1024, 'a'),
        std::string("\xff\xfe\x01 robert'); DELETE FROM orders; --"), [] {
          std::string s;
          for (int i = 0; i < 5000; ++i) s += "w" + std::to_string(i) + " ";
          return s;
        }()}) {
    auto n = cache.Load(**db, 1, true, true, q);
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_TRUE(count_customers(*n).empty());
  }
  auto left =
      (*db)->Query("SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders)");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(AsInt(left->rows[0][0]), kFullNameLoadLimit + 1);
  EXPECT_EQ(AsInt(left->rows[0][1]), 3);
}

}  // namespace
}  // namespace clever::query
