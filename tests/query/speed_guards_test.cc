// The cheap pre-checks in front of interpret.cc's regexes (performance only) must never hide a
// match: questions that need each regex still get through, ordinary ones are still refused.
#include <gtest/gtest.h>

#include <string>

#include "query/interpret.h"
#include "query/store_names.h"

namespace clever::query {
namespace {

TEST(SpeedGuardsTest, MentionsCustomersStillSeesEveryPhrasing) {
  // e-mail, two capitalised words, "has <first> <last> spent", "... by <first> <last>".
  for (const char* q : {"How many orders has noah.wright@example.org made?",
                        "What did Jane Doe spend this year?", "how much has jane doe spent",
                        "HOW MUCH HAS JANE DOE SPENT", "what is the lifetime value of owen novak",
                        "orders placed by owen novak", "Show the sales from jane doe?!  ",
                        "show the sales from jane doe ? ", "Orders for Owen Novak.",
                        "did mary jane order this month", "How many orders has the shop made?"}) {
    EXPECT_TRUE(MentionsCustomers(q)) << q;
  }
  for (const char* q : {"How many orders did the store receive last month?",
                        "What were total sales in the last 14 days?", "", "?", "a b",
                        "Revenue in October and November", "orders of the week",
                        "did mary-jane o'neil order this month"}) {
    EXPECT_FALSE(MentionsCustomers(q)) << q;
  }
  // Huge and hostile input: bounded, no crash.
  EXPECT_FALSE(MentionsCustomers(std::string(100000, 'A')));
  EXPECT_FALSE(MentionsCustomers(std::string(5000, '?')));
}

TEST(SpeedGuardsTest, OutOfScopeAndDatabaseCommandsStillRefused) {
  StoreNames names;
  const CivilDate as_of = *ParseCivilDate("2025-11-15");
  for (const char* q :
       {"What was my website traffic yesterday?", "How many page views did the homepage get?",
        "How many pageviews last week?", "How many visitors came yesterday?",
        "How many abandoned carts this week?", "What's the weather in Chicago today?",
        "Which supplier is cheapest for coffee beans?", "select * from orders",
        "SELECT name FROM customers", "orders; -- drop", "DROP TABLE orders"}) {
    QuestionIntent in = Interpret(q, names, as_of);
    EXPECT_FALSE(in.out_of_scope.empty()) << q;
  }
  for (const char* q : {"How many orders did the store receive last month?",
                        "What were total sales in the last 14 days?"}) {
    QuestionIntent in = Interpret(q, names, as_of);
    EXPECT_TRUE(in.out_of_scope.empty()) << q;
  }
}

}  // namespace
}  // namespace clever::query
