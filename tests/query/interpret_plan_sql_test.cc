#include <gtest/gtest.h>

#include "query/interpret.h"
#include "query/plan.h"
#include "query/sql.h"
#include "query/text.h"

namespace clever::query {
namespace {

const CivilDate kDay{2025, 11, 15};

StoreNames Names() {
  StoreNames n;
  NamedEntity p;
  p.kind = "product";
  p.name = "Alpine Fleece Hoodie";
  p.key = "102";
  p.phrases = {{"alpine", "fleece", "hoodie"}};
  n.entities.push_back(p);
  NamedEntity c;
  c.kind = "coupon";
  c.name = "welcome10";
  c.key = "welcome10";
  c.phrases = {{"welcome10"}};
  n.entities.push_back(c);
  NamedEntity cat;
  cat.kind = "category";
  cat.name = "Clothing";
  cat.key = "Clothing";
  cat.phrases = {{"clothing"}};
  n.entities.push_back(cat);
  AddStaticNames(n);
  return n;
}

std::string PlanOf(const std::string& question, const QuestionIntent* prev = nullptr) {
  QuestionIntent in = Interpret(question, Names(), kDay, prev);
  if (!in.out_of_scope.empty()) return "out_of_scope";
  auto p = Bind(in, kDay);
  return p.ok() ? p->ToString() : "error: " + std::string(p.status().message());
}

TEST(InterpretTest, SynonymsMapToTheSameMetric) {
  for (const char* q : {"sales last month", "revenue last month", "takings last month",
                        "turnover last month", "how much did we make last month"}) {
    EXPECT_EQ(PlanOf(q), "metric=gross_sales period=last_month[2025-10-01..2025-10-31]") << q;
  }
  EXPECT_EQ(PlanOf("how many purchases last month"),
            "metric=order_count period=last_month[2025-10-01..2025-10-31]");
}

TEST(InterpretTest, ToleratesTyposInVocabularyAndStoreNames) {
  EXPECT_EQ(PlanOf("revenu in octber"),
            "metric=gross_sales period=month:10[2025-10-01..2025-10-31]");
  EXPECT_EQ(PlanOf("units of alpine fleace hoodie sold this month"),
            "metric=items_sold period=this_month[2025-11-01..2025-11-15] product=Alpine Fleece "
            "Hoodie#102");
}

TEST(InterpretTest, ReadsRankingsBreakdownsComparisonsAndFilters) {
  EXPECT_EQ(PlanOf("top 3 products by revenue this year"),
            "metric=product_revenue period=this_year[2025-01-01..2025-11-15] by=product limit=3");
  EXPECT_EQ(PlanOf("sales this month vs last month"),
            "metric=gross_sales period=this_month[2025-11-01..2025-11-15] "
            "base=last_month[2025-10-01..2025-10-31] compare=growth");
  EXPECT_EQ(PlanOf("sales by month this year"),
            "metric=gross_sales period=this_year[2025-01-01..2025-11-15] by=month");
  EXPECT_EQ(PlanOf("how many orders used welcome10 this year"),
            "metric=coupon_uses period=this_year[2025-01-01..2025-11-15] coupon=welcome10");
  EXPECT_EQ(PlanOf("sales from Germany last week"),
            "metric=gross_sales period=last_week[2025-11-03..2025-11-09] country=DE");
  EXPECT_EQ(PlanOf("how many orders are on hold"),
            "metric=order_count period=all[..2025-11-15] status=on-hold");
}

TEST(InterpretTest, RefusesOutOfScopeAndActions) {
  for (const char* q :
       {"website traffic yesterday", "how much did we spend on facebook ads",
        "send an email to all customers", "cancel order 55", "what will sales be next month",
        "profit margin this year", "DROP TABLE orders; --", "what's the weather"}) {
    EXPECT_EQ(PlanOf(q), "out_of_scope") << q;
  }
}

TEST(InterpretTest, FollowUpsReuseThePreviousIntent) {
  QuestionIntent first = Interpret("sales last month", Names(), kDay);
  EXPECT_EQ(PlanOf("and the month before?", &first),
            "metric=gross_sales period=months_ago:2[2025-09-01..2025-09-30]");
  EXPECT_EQ(PlanOf("break that down by product", &first),
            "metric=product_revenue period=last_month[2025-10-01..2025-10-31] by=product");
  EXPECT_EQ(PlanOf("only in Australia", &first),
            "metric=gross_sales period=last_month[2025-10-01..2025-10-31] country=AU");
}

TEST(PlanTest, ToStringIsStableAndBindRejectsUnknownMetrics) {
  QuestionIntent in;
  in.metric = "order_count";
  in.period = "last_days:7";
  in.dimension = "country";
  in.limit = 2;
  in.ascending = true;
  auto p = Bind(in, kDay);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ToString(),
            "metric=order_count period=last_days:7[2025-11-09..2025-11-15] by=country limit=2 "
            "order=ascending");
  in.metric = "website_visits";
  EXPECT_EQ(Bind(in, kDay).status().code(), StatusCode::kInvalidArgument);
  in.metric = "refund_rate";
  in.dimension = "product";
  EXPECT_EQ(Bind(in, kDay).status().code(), StatusCode::kInvalidArgument);
}

TEST(SqlTest, QuestionTextNeverReachesTheStatementOnlyParameters) {
  const std::string evil = "x'); DROP TABLE orders; --";
  QuestionIntent in;
  in.metric = "gross_sales";
  in.period = "last_month";
  in.country = evil;
  in.coupon = evil;
  in.payment_method = evil;
  in.category = evil;
  in.customer_key = evil;
  auto p = Bind(in, kDay);
  ASSERT_TRUE(p.ok());
  StoreFacts f;
  f.store_id = 7;
  auto q = BuildSql(*p, p->range, f, store::Dialect::kSqlite);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->text.find("DROP"), std::string::npos);
  EXPECT_EQ(q->text.find(evil), std::string::npos);
  EXPECT_EQ(q->text.find("x')"), std::string::npos);
  size_t placeholders = 0;
  for (char c : q->text) placeholders += c == '?';
  EXPECT_EQ(placeholders, q->params.size());
  bool has_evil = false;
  for (const auto& v : q->params)
    has_evil =
        has_evil || (std::holds_alternative<std::string>(v) && std::get<std::string>(v) == evil);
  EXPECT_TRUE(has_evil);
}

TEST(SqlTest, EveryCatalogueMetricBuildsPortableSql) {
  StoreFacts f;
  f.store_id = 1;
  for (const MetricInfo& m : AllMetrics()) {
    QuestionIntent in;
    in.metric = m.name;
    in.period = "last_month";
    in.product_ids = {1};
    in.payment_method = "PayPal";
    auto p = Bind(in, kDay);
    ASSERT_TRUE(p.ok()) << m.name;
    auto q = BuildSql(*p, p->range, f, store::Dialect::kPostgres);
    ASSERT_TRUE(q.ok()) << m.name << ": " << q.status();
    for (const char* sqlite_only : {"strftime", "julianday", "ifnull", "group_concat", "IIF("}) {
      EXPECT_EQ(q->text.find(sqlite_only), std::string::npos) << m.name;
    }
  }
}

}  // namespace
}  // namespace clever::query

namespace clever::query {
namespace {

NamedEntity Named(const std::string& kind, const std::string& name, const std::string& key) {
  NamedEntity e;
  e.kind = kind;
  e.name = name;
  e.key = key;
  e.phrases = {Tokenize(NormalizeText(name))};
  return e;
}

NamedEntity Customer(const std::string& name, const std::string& key, bool buyer) {
  NamedEntity c = Named("customer", name, key);
  c.buyer = buyer;
  return c;
}

// Two customers who bought under one full name: which is meant cannot be known, so the answer asks
// for the e-mail address. An account that never bought is not a namesake: the one who did is meant.
TEST(InterpretTest, CustomersSharingAFullNameNeedTheEmail) {
  StoreNames names = Names();
  names.entities.push_back(Customer("Karen Ramirez", "c:4", true));
  names.entities.push_back(Customer("Karen Ramirez", "e:karen@example.com", true));
  names.entities.push_back(Customer("Linda Taylor", "c:3", false));
  names.entities.push_back(Customer("Linda Taylor", "e:linda@example.org", true));
  QuestionIntent karen = Interpret("how many orders has Karen Ramirez placed", names, kDay);
  EXPECT_TRUE(karen.customer_key.empty());
  ASSERT_EQ(karen.namesakes.size(), 2u);
  EXPECT_EQ(karen.namesakes[1], "Karen Ramirez (karen@example.com)");
  auto plan = Bind(karen, kDay);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(std::string(plan.status().message()).find("several customers"), std::string::npos);

  QuestionIntent linda = Interpret("how many orders has Linda Taylor placed", names, kDay);
  EXPECT_EQ(linda.customer_key, "e:linda@example.org");
  EXPECT_TRUE(linda.namesakes.empty());
}

// "11/3" is 3 November in a US-dollar store and 11 March elsewhere; a date whose first number is
// over 12 shows the question writes the day first.
TEST(InterpretTest, SlashDatesFollowTheStoresConvention) {
  StoreNames elsewhere = Names();
  StoreNames us = Names();
  us.month_first_dates = true;
  EXPECT_EQ(Interpret("orders on 11/3", elsewhere, kDay).period, "date:2025-03-11");
  EXPECT_EQ(Interpret("orders on 11/3", us, kDay).period, "date:2025-11-03");
  EXPECT_EQ(Interpret("revenue from 1/10 to 15/10", us, kDay).period,
            "range:2025-10-01:2025-10-15");
  EXPECT_EQ(Interpret("orders on 11/14/2025", elsewhere, kDay).period, "date:2025-11-14");
}

// A product named with a word that is out of scope on its own ("rain") is still the product; a
// one-word stray match ("staff" in "Staff Sample Pack") does not hide an out-of-scope question.
TEST(InterpretTest, ProductNamesWinOverTheOutOfScopeWordsTheyContain) {
  StoreNames names = Names();
  names.entities.push_back(Named("product", "Alpine Rain Jacket", "46"));
  names.entities.push_back(Named("product", "Staff Sample Pack", "254"));
  QuestionIntent rain = Interpret("revenue from the Alpine Rain Jacket last month", names, kDay);
  EXPECT_EQ(rain.out_of_scope, "");
  EXPECT_EQ(rain.metric, "gross_sales");
  EXPECT_EQ(rain.product_ids, std::vector<int64_t>{46});
  EXPECT_NE(Interpret("will it rain tomorrow", names, kDay).out_of_scope, "");
  EXPECT_NE(Interpret("how many staff hours did we log last week", names, kDay).out_of_scope, "");
}

// Holiday spans and written date ranges (qprobe6): a span, never the first day alone.
TEST(InterpretTest, HolidaySpansAndDateRanges) {
  StoreNames us = Names();
  us.month_first_dates = true;
  const CivilDate feb{2026, 2, 10};
  auto period = [&](const std::string& q) { return Interpret(q, us, feb).period; };
  EXPECT_EQ(period("sales over Black Friday weekend"), "range:2025-11-28:2025-11-30");
  EXPECT_EQ(period("sales Thanksgiving weekend"), "range:2025-11-27:2025-11-30");
  EXPECT_EQ(period("sales Labor Day weekend"), "range:2025-08-30:2025-09-01");
  EXPECT_EQ(period("sales cyber weekend"), "range:2025-11-28:2025-12-01");
  EXPECT_EQ(period("orders between christmas and new year"), "range:2025-12-25:2026-01-01");
  EXPECT_EQ(period("orders the week before christmas"), "range:2025-12-15:2025-12-21");
  EXPECT_EQ(period("sales on easter 2025"), "date:2025-04-20");
  EXPECT_EQ(period("sales on MLK day"), "date:2026-01-19");
  EXPECT_EQ(period("sales 12/24-12/31"), "range:2025-12-24:2025-12-31");
  EXPECT_EQ(period("sales from 12/15 through 1/15"), "range:2025-12-15:2026-01-15");
  EXPECT_EQ(period("sales 12/2025"), "month:2025:12");
  EXPECT_EQ(period("sales over the holidays"), "range:2025-11-01:2025-12-31");
  EXPECT_EQ(period("sales since new year"), "since:2026-01-01");
  EXPECT_EQ(period("orders on 1.6.2025"), "date:2025-06-01");
  EXPECT_EQ(period("H2 sales"), "range:2025-07-01:2025-12-31");
  EXPECT_EQ(period("H1 sales"), "range:2026-01-01:2026-06-30");
  // Hostile and huge: no range, no crash.
  EXPECT_EQ(period("sales 99/99-99/99"), "");
  EXPECT_EQ(period("sales " + std::string(5000, '1') + "/1-1/1"), "");
  EXPECT_NO_THROW(period(std::string(3000, '.') + "1.1.1"));
}

// "the tax year" is a period word; "sales tax" is still the tax collected.
TEST(InterpretTest, TaxYearIsAPeriodWordSalesTaxIsTheTax) {
  EXPECT_EQ(Interpret("How much sales tax year to date?", Names(), kDay).metric, "tax_collected");
  EXPECT_EQ(Interpret("Sales since 6 April 2025 (start of the tax year)?", Names(), kDay).metric,
            "gross_sales");
  EXPECT_NE(
      Interpret("What's my corporation tax bill for this tax year?", Names(), kDay).out_of_scope,
      "");
}

}  // namespace
}  // namespace clever::query
