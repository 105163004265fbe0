// Lists over the table's cap (sql.h kMaxListedRows): the statement fetches only the rows shown,
// a second statement counts and sums the whole set, and the answer states the true figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "query/answer.h"
#include "query/execute.h"
#include "query/interpret.h"
#include "query/plan.h"
#include "query/sql.h"
#include "query/store_names.h"
#include "store/database.h"
#include "store/schema.h"

namespace clever::query {
namespace {

using store::AsInt;
using store::AsString;

struct Asked {
  Result result;
  Answer answer;
};

class ListCapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::OpenSqlite(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_).ok());
    facts_.store_id = 1;
  }

  // `n` orders awaiting payment (numbers chosen so that text order differs from numeric order,
  // some empty, some duplicated), plus paid and cancelled orders that must not count.
  void AddUnpaid(int64_t n) {
    ASSERT_TRUE(db_->Begin().ok());
    for (int64_t i = 1; i <= n + 20; ++i) {
      const bool paid = i > n && i % 2 == 0;
      const bool cancelled = i > n && i % 2 == 1;
      std::string number = i % 97 == 0 ? "" : std::to_string((i * 7919) % 100003);
      if (i % 101 == 0) number = "500";
      ASSERT_TRUE(db_->Execute("INSERT INTO orders (store_id, id, number, status, date_created, "
                               "date_paid, total_minor) VALUES (1, ?, ?, ?, ?, ?, ?)",
                               {i, number, std::string(cancelled ? "cancelled" : "pending"),
                                std::string("2025-03-01T10:00:00"),
                                paid ? store::Value{std::string("2025-03-01T10:05:00")}
                                     : store::Value{nullptr},
                                int64_t{100 + i}})
                      .ok());
    }
    ASSERT_TRUE(db_->Commit().ok());
  }

  Asked Ask(const std::string& question) {
    auto names = LoadStoreNames(*db_, 1, false, MentionsPayments(question), question);
    EXPECT_TRUE(names.ok());
    QuestionIntent intent = Interpret(question, *names, as_);
    auto plan = Bind(intent, as_);
    EXPECT_TRUE(plan.ok()) << plan.status();
    auto result = Execute(*db_, *plan, facts_);
    EXPECT_TRUE(result.ok()) << result.status();
    return {*result, ComposeAnswer(*plan, *result, facts_)};
  }

  // The whole set straight from the orders: (count, sum of totals, names in display order).
  struct Truth {
    int64_t count = 0;
    int64_t sum_minor = 0;
    std::vector<std::string> names;
  };
  Truth Unpaid() {
    auto rs = db_->Query(
        "SELECT number, total_minor FROM orders WHERE store_id = 1 AND (date_paid IS NULL OR "
        "date_paid = '') AND status NOT IN ('cancelled','failed','refunded','trash',"
        "'checkout-draft','draft')");
    EXPECT_TRUE(rs.ok());
    Truth t;
    for (const auto& row : rs->rows) {
      ++t.count;
      t.sum_minor += AsInt(row[1]);
      t.names.push_back(AsString(row[0]));
    }
    std::sort(t.names.begin(), t.names.end());
    return t;
  }

  std::unique_ptr<store::Database> db_;
  StoreFacts facts_;
  CivilDate as_ = *ParseCivilDate("2025-11-15");
};

std::string Money(int64_t minor) {
  std::string s = std::to_string(minor / 100);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  std::string cents = std::to_string(minor % 100);
  return "$" + s + "." + (cents.size() == 1 ? "0" + cents : cents);
}

TEST_F(ListCapTest, OverTheCapStatesTheTrueCountAndShowsTheFirstRows) {
  AddUnpaid(2345);
  const Truth t = Unpaid();
  ASSERT_EQ(t.count, 2345);
  Asked a = Ask("Which orders are awaiting payment?");
  // Two statements: the capped list and the count-and-sum.
  ASSERT_EQ(a.result.statements.size(), 2u);
  EXPECT_NE(a.result.statements[0].find("LIMIT ?"), std::string::npos);
  EXPECT_NE(a.result.statements[1].find("COUNT(*)"), std::string::npos);
  EXPECT_EQ(a.result.rows.size(), kMaxListedRows + 1);
  EXPECT_EQ(a.result.set_size, 2345u);
  ASSERT_EQ(a.answer.rows.size(), kMaxListedRows);
  EXPECT_EQ(std::get<int64_t>(a.answer.value), 2345);
  for (size_t i = 0; i < kMaxListedRows; ++i) {
    ASSERT_EQ(std::get<std::string>(a.answer.rows[i][0]), t.names[i]) << i;
  }
  EXPECT_NE(a.answer.text.find("You have 2,345 unpaid orders worth " + Money(t.sum_minor)),
            std::string::npos)
      << a.answer.text;
  EXPECT_NE(a.answer.text.find("and 2335 more"), std::string::npos) << a.answer.text;
  EXPECT_NE(a.answer.text.find("The table lists the first 1,000."), std::string::npos);
}

TEST_F(ListCapTest, AtTheCapOneStatementAndEveryRow) {
  AddUnpaid(static_cast<int64_t>(kMaxListedRows));
  const Truth t = Unpaid();
  Asked a = Ask("How many orders are awaiting payment?");
  EXPECT_EQ(a.result.statements.size(), 1u);
  EXPECT_EQ(a.answer.rows.size(), kMaxListedRows);
  EXPECT_EQ(std::get<int64_t>(a.answer.value), t.count);
  EXPECT_NE(a.answer.text.find("You have 1,000 unpaid orders worth " + Money(t.sum_minor)),
            std::string::npos)
      << a.answer.text;
  EXPECT_EQ(a.answer.text.find("The table lists"), std::string::npos);
}

TEST_F(ListCapTest, OneOverTheCap) {
  AddUnpaid(static_cast<int64_t>(kMaxListedRows) + 1);
  const Truth t = Unpaid();
  Asked a = Ask("How many orders are awaiting payment?");
  EXPECT_EQ(a.result.statements.size(), 2u);
  EXPECT_EQ(a.answer.rows.size(), kMaxListedRows);
  EXPECT_EQ(std::get<int64_t>(a.answer.value), 1001);
  EXPECT_NE(a.answer.text.find("You have 1,001 unpaid orders worth " + Money(t.sum_minor)),
            std::string::npos)
      << a.answer.text;
  EXPECT_EQ(std::get<std::string>(a.answer.rows.back()[0]), t.names[kMaxListedRows - 1]);
}

TEST_F(ListCapTest, CouponListsOverTheCap) {
  ASSERT_TRUE(db_->Begin().ok());
  for (int64_t i = 1; i <= 1500; ++i) {
    ASSERT_TRUE(db_->Execute("INSERT INTO coupons (store_id, id, code, status, date_expires) "
                             "VALUES (1, ?, ?, 'publish', ?)",
                             {i, "c" + std::to_string(i),
                              i % 3 == 0 ? store::Value{std::string("2024-01-01T00:00:00")}
                                         : store::Value{nullptr}})
                    .ok());
  }
  ASSERT_TRUE(db_->Commit().ok());
  Asked active = Ask("Which coupons are still valid today?");
  EXPECT_EQ(std::get<int64_t>(active.answer.value), 1000);
  EXPECT_EQ(active.answer.rows.size(), 1000u);
  EXPECT_EQ(active.result.statements.size(), 1u);
  Asked expired = Ask("Which coupons have expired?");
  EXPECT_EQ(std::get<int64_t>(expired.answer.value), 500);
  Asked unused = Ask("Which coupons were never used?");
  EXPECT_EQ(std::get<int64_t>(unused.answer.value), 1500);
  EXPECT_EQ(unused.answer.rows.size(), 1000u);
  EXPECT_EQ(unused.result.statements.size(), 2u);
  EXPECT_NE(unused.answer.text.find("(1500)"), std::string::npos) << unused.answer.text;
  EXPECT_EQ(std::get<std::string>(unused.answer.rows[0][0]), "c1");
  EXPECT_EQ(std::get<std::string>(unused.answer.rows[1][0]), "c10");
}

TEST_F(ListCapTest, CappedStatementsOnlyForPlainSets) {
  QueryPlan p;
  p.metric = "unpaid_orders";
  EXPECT_TRUE(IsCappedSet(p));
  p.metric = "low_stock";  // names rewritten after the query: read whole (bounded by the catalogue)
  EXPECT_FALSE(IsCappedSet(p));
  p.metric = "gross_sales";
  EXPECT_FALSE(IsCappedSet(p));
  EXPECT_FALSE(BuildSetTotalsSql(p, p.range, facts_, store::Dialect::kSqlite).ok());
}

}  // namespace
}  // namespace clever::query
