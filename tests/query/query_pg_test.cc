// The assistant's SQL on PostgreSQL (a throwaway server, tests/store/pg_test_server.h): the same
// questions on the fixture store give the same answers as on SQLite, from the derived tables
// (store/derived.h) and without them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "query/assistant.h"
#include "store/database.h"
#include "store/derived.h"
#include "store/schema.h"
#include "tests/store/pg_test_server.h"
#include "tests/testing/dump_loader.h"

namespace clever::query {
namespace {

const std::vector<std::string> kQuestions = {
    "How many new customers this year?",
    "Count the returning customers who bought again last month.",
    "How many customers have ordered at least three times?",
    "What is the repeat customer rate?",
    "How many customers haven't ordered in the last 90 days?",
    "Customers by country",
    "What is the average customer lifetime value?",
    "Which customer has placed the most orders ever?",
    "Sales from new customers this year",
    "What were total sales in the last 14 days?",
    "What was the average order value in 2024?",
    "Which date this year had the most orders?",
    "Which three countries placed the most orders last year?",
    "Tax collected this year by month",
    "Largest order this year",
    "What share of orders were guest orders this year?",
    "Average orders per day this month",
    "How many orders are marked refunded?",
    "Orders by status this year",
    "Sales this month vs last month",
    "Net revenue this month, after refunds?",
    "Top 5 products by units sold last month.",
    "Which product brought in the most revenue this year?",
    "Top 3 product categories by revenue this year.",
    "Best selling variations this year",
    "List my top 3 customers by total spend this year.",
    "How many products in each category?",
    "Which category has the most products?",
};

std::unique_ptr<store::Database> Load(std::unique_ptr<store::Database> db, bool derived,
                                      int64_t* store_id) {
  EXPECT_TRUE(store::Migrate(*db).ok());
  auto loaded = testing::LoadDumpFolder(
      *db, std::string(CLEVER_SOURCE_DIR) + "/tests/query/fixture_store", "shop");
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (!loaded.ok()) return nullptr;
  *store_id = loaded->store_id;
  if (derived) {
    Status st = store::RefreshDerived(*db, loaded->store_id);
    EXPECT_TRUE(st.ok()) << st;
  }
  return db;
}

TEST(QueryPostgresTest, SameAnswersAsSqliteWithAndWithoutDerivedTables) {
  auto server = test::PgTestServer::Shared();
  ASSERT_TRUE(server.ok()) << server.status();
  for (bool derived : {true, false}) {
    auto conninfo = (*server)->FreshSchema();
    ASSERT_TRUE(conninfo.ok()) << conninfo.status();
    auto pg_raw = store::OpenPostgres(*conninfo);
    ASSERT_TRUE(pg_raw.ok()) << pg_raw.status();
    auto lite_raw = store::OpenSqlite(":memory:");
    ASSERT_TRUE(lite_raw.ok());
    int64_t pg_store = 0, lite_store = 0;
    auto pg = Load(std::move(*pg_raw), derived, &pg_store);
    auto lite = Load(std::move(*lite_raw), derived, &lite_store);
    ASSERT_TRUE(pg && lite);
    Assistant on_pg(*pg), on_lite(*lite);
    int answered = 0;
    for (const std::string& q : kQuestions) {
      Answer a = on_lite.Ask({q, {lite_store}, CivilDate{2025, 11, 15}, ""});
      Answer b = on_pg.Ask({q, {pg_store}, CivilDate{2025, 11, 15}, ""});
      EXPECT_EQ(AnswerToJson(a), AnswerToJson(b)) << q << (derived ? " (derived)" : "");
      if (b.status == "answered") ++answered;
    }
    EXPECT_GE(answered, static_cast<int>(kQuestions.size()) - 2);
  }
}

}  // namespace
}  // namespace clever::query
