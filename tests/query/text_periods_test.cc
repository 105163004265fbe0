#include <gtest/gtest.h>

#include "query/intent.h"
#include "query/periods.h"
#include "query/text.h"

namespace clever::query {
namespace {

TEST(TextTest, NormalizesPunctuationCaseEntitiesAndBadBytes) {
  EXPECT_EQ(NormalizeText("What's Harbor &amp; Pine's REVENUE?!"), "what's harbor pine's revenue");
  EXPECT_EQ(NormalizeText("on-hold orders, 12.50 $"), "on-hold orders 12.50 $");
  EXPECT_EQ(NormalizeText(std::string("sales\x01\x02\xff\xfe last\tmonth")), "sales last month");
  EXPECT_EQ(NormalizeText(""), "");
}

TEST(TextTest, DecodesWooCommerceEscapedNamesForDisplay) {
  EXPECT_EQ(DecodeHtmlEntities("Tents &amp; Shelters"), "Tents & Shelters");
  EXPECT_EQ(DecodeHtmlEntities("Tee &#8211; Blue"), "Tee \u2013 Blue");
  EXPECT_EQ(DecodeHtmlEntities("Caf&eacute; &#x2615; Mug"), "Caf\u00e9 \u2615 Mug");
  EXPECT_EQ(DecodeHtmlEntities("Bob&#039;s &quot;Best&quot;"), "Bob's \"Best\"");
  // Malformed, unknown, control and out-of-range entities stay as they are.
  EXPECT_EQ(DecodeHtmlEntities("AT&T &bogus; &#; &#x; &#1; &#xD800; &#99999999; &"),
            "AT&T &bogus; &#; &#x; &#1; &#xD800; &#99999999; &");
  EXPECT_EQ(DecodeHtmlEntities("no entities"), "no entities");
  const std::string huge(200000, '&');
  EXPECT_EQ(DecodeHtmlEntities(huge), huge);
}

TEST(TextTest, EditDistanceCountsTranspositionsAsOne) {
  EXPECT_EQ(EditDistance("salse", "sales"), 1);
  EXPECT_EQ(EditDistance("revenue", "revenue"), 0);
  EXPECT_EQ(EditDistance("octber", "october"), 1);
  EXPECT_GT(EditDistance("abc", "xyzxyz", 2), 2);
}

TEST(TextTest, FindPhraseToleratesTyposButNotInFirstLetterOrDigits) {
  auto tokens = Tokenize("units of alpine fleace hoodie last month");
  PhraseMatch m = FindPhrase(tokens, Tokenize("alpine fleece hoodie"));
  EXPECT_EQ(m.start, 2);
  EXPECT_EQ(m.distance, 1);
  EXPECT_EQ(FindPhrase(Tokenize("sold nothing"), Tokenize("clothing")).start, -1);
  EXPECT_EQ(FindPhrase(Tokenize("code welcome11"), Tokenize("welcome10")).start, -1);
}

CivilDate D(int y, int m, int d) { return CivilDate{y, m, d}; }

std::string R(const std::string& spec, CivilDate d) {
  auto r = ResolvePeriod(spec, d);
  return r.ok() ? r->ToString() : "error";
}

TEST(PeriodsTest, ResolvesTheMetricsTableAtMonthAndYearBoundaries) {
  const CivilDate d = D(2025, 11, 15);  // a Saturday
  EXPECT_EQ(R("today", d), "2025-11-15..2025-11-15");
  EXPECT_EQ(R("this_week", d), "2025-11-10..2025-11-15");
  EXPECT_EQ(R("last_week", d), "2025-11-03..2025-11-09");
  EXPECT_EQ(R("weeks_ago:2", d), "2025-10-27..2025-11-02");
  EXPECT_EQ(R("last_month", d), "2025-10-01..2025-10-31");
  EXPECT_EQ(R("months_ago:2", d), "2025-09-01..2025-09-30");
  EXPECT_EQ(R("this_quarter", d), "2025-10-01..2025-11-15");
  EXPECT_EQ(R("last_quarter", d), "2025-07-01..2025-09-30");
  EXPECT_EQ(R("last_days:14", d), "2025-11-02..2025-11-15");
  EXPECT_EQ(R("prev_days:14", d), "2025-10-19..2025-11-01");
  EXPECT_EQ(R("month:11", d), "2025-11-01..2025-11-15");
  EXPECT_EQ(R("month:12", d), "2024-12-01..2024-12-31");
  EXPECT_EQ(R("all", d), "..2025-11-15");
  EXPECT_EQ(R("black_friday", d), "2024-11-29..2024-11-29");
  EXPECT_EQ(R("black_friday:2025", D(2025, 12, 1)), "2025-11-28..2025-11-28");
  // Boundaries: 1 January, 1 March, leap day.
  EXPECT_EQ(R("last_month", D(2025, 1, 1)), "2024-12-01..2024-12-31");
  EXPECT_EQ(R("last_week", D(2025, 1, 1)), "2024-12-23..2024-12-29");
  EXPECT_EQ(R("yesterday", D(2025, 3, 1)), "2025-02-28..2025-02-28");
  EXPECT_EQ(R("mtd_last_month", D(2025, 3, 31)), "2025-02-01..2025-02-28");
  EXPECT_EQ(R("ytd_last_year", D(2024, 2, 29)), "2023-01-01..2023-02-28");
  EXPECT_EQ(R("last_quarter", D(2025, 2, 10)), "2024-10-01..2024-12-31");
  EXPECT_EQ(R("years_ago:2", d), "2023-01-01..2023-12-31");
}

TEST(PeriodsTest, RejectsMalformedAndHugeSpecs) {
  const CivilDate d = D(2025, 11, 15);
  EXPECT_EQ(R("last_days:0", d), "error");
  EXPECT_EQ(R("last_days:99999999999", d), "error");
  EXPECT_EQ(R("month:13", d), "error");
  EXPECT_EQ(R("range:2025-02-30:2025-03-01", d), "error");
  EXPECT_EQ(R("bogus", d), "error");
  EXPECT_EQ(R("quarter:2025:5", d), "error");
}

TEST(PeriodsTest, NeverExtendsPastTheAsOfDate) {
  EXPECT_EQ(R("this_year", D(2025, 1, 1)), "2025-01-01..2025-01-01");
  EXPECT_EQ(R("year:2030", D(2025, 1, 1)), "2030-01-01..2025-01-01");  // empty: no data
}

TEST(IntentTest, RoundTripsThroughJsonAndRejectsWrongTypes) {
  QuestionIntent in;
  in.metric = "gross_sales";
  in.period = "last_month";
  in.dimension = "product";
  in.limit = 3;
  in.product_ids = {1, 2};
  in.statuses = {"on-hold"};
  in.notes = {"x"};
  auto back = QuestionIntent::FromJson(in.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, in);
  EXPECT_EQ(QuestionIntent::FromJson("[]").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(QuestionIntent::FromJson("{\"limit\":\"x\"}").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(QuestionIntent::FromJson("{\"limit\":100000}").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(QuestionIntent::FromJson(std::string(5000, '{')).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace clever::query
