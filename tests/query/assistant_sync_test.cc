// The assistant's per-store caches (facts and names, StoreNamesCache) against real syncs: wcsim on
// loopback, synced in-process (tests/sync/wcsim_sync_testing.h). Ask, sync a change, ask again:
// the new figure, equal to an assistant with empty caches; without a sync the caches answer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "query/assistant.h"
#include "query/store_names.h"
#include "tests/sync/wcsim_sync_testing.h"

namespace clever::query {
namespace {

using sync::testing::StartWcsim;
using sync::testing::WcsimHome;

AssistantOptions Offline(StoreNamesCache* cache) {
  AssistantOptions o;
  o.names_cache = cache;
  o.use_environment_model = false;
  return o;
}

TEST(AssistantAfterSync, CachedFactsAndNamesFollowEverySync) {
  auto sim = StartWcsim({"--orders", "300", "--seed", "5"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim);
  ASSERT_TRUE(home.ok());
  Status s = home.Sync();
  ASSERT_TRUE(s.ok()) << s;

  // One cache shared by short-lived Assistants, as the hub does.
  StoreNamesCache cache;
  // After the data's end (wcsim's default --end-date) and the mutation's hour below.
  const CivilDate as_of{2025, 12, 31};
  auto ask = [&](const std::string& q) {
    Assistant a(home.db(), Offline(&cache));
    return a.Ask({q, {}, as_of, ""});
  };
  auto uncached = [&](const std::string& q) {
    StoreNamesCache empty;
    Assistant a(home.db(), Offline(&empty));
    return a.Ask({q, {}, as_of, ""});
  };
  const std::vector<std::string> questions = {"How many orders did we get?",
                                              "What were total sales?",
                                              "How many customers have placed an order?"};
  std::vector<std::string> before;
  std::vector<Cell> before_values;
  for (const std::string& q : questions) {
    Answer a = ask(q);
    ASSERT_EQ(a.status, "answered") << q << ": " << a.text;
    before.push_back(AnswerToJson(a));
    before_values.push_back(a.value);
    EXPECT_EQ(before.back(), AnswerToJson(uncached(q))) << q;
  }
  // No sync: the caches answer (no reload), with the same answers.
  const int64_t misses = cache.misses(), hits = cache.hits();
  for (size_t i = 0; i < questions.size(); ++i) {
    EXPECT_EQ(AnswerToJson(ask(questions[i])), before[i]) << questions[i];
  }
  EXPECT_EQ(cache.misses(), misses);
  EXPECT_GT(cache.hits(), hits);

  // The store changes; one incremental sync.
  auto change = sim->Mutate({{"advance_seconds", 3600},
                             {"new_orders", 40},
                             {"status_changes", 10},
                             {"refunds", 3},
                             {"new_customers", 5}});
  ASSERT_TRUE(change.ok()) << change.status();
  s = home.Sync();
  ASSERT_TRUE(s.ok()) << s;
  for (size_t i = 0; i < questions.size(); ++i) {
    Answer a = ask(questions[i]);
    ASSERT_EQ(a.status, "answered") << questions[i];
    const std::string after = AnswerToJson(a);
    EXPECT_NE(after, before[i]) << questions[i];
    if (i < 2) {  // 40 new orders
      EXPECT_NE(a.value, before_values[i]) << questions[i];
    }
    EXPECT_EQ(after, AnswerToJson(uncached(questions[i]))) << questions[i];
  }
  EXPECT_GT(cache.misses(), misses);  // the names were reloaded once for the new version
}

// WooCommerce sends category names HTML-escaped ("Tents &amp; Shelters", wcsim too): the merchant
// types "&", the answer shows "&", and the filter still finds the stored name's products.
TEST(AssistantAfterSync, EscapedCategoryNamesFilterAsTyped) {
  auto sim = StartWcsim({"--orders", "200", "--seed", "5"});
  ASSERT_TRUE(sim);
  WcsimHome home(*sim);
  ASSERT_TRUE(home.ok());
  Status s = home.Sync();
  ASSERT_TRUE(s.ok()) << s;
  auto stored =
      home.db().Query("SELECT count(DISTINCT product_id) FROM product_categories WHERE name = ?",
                      {std::string("Tents &amp; Shelters")});
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->rows.size(), 1u);
  const int64_t expected = store::AsInt(stored->rows[0][0]);
  ASSERT_GT(expected, 0) << "wcsim's category name is no longer escaped";

  StoreNamesCache cache;
  Assistant a(home.db(), Offline(&cache));
  Answer answer =
      a.Ask({"How many products are in Tents & Shelters?", {}, CivilDate{2025, 12, 31}, ""});
  ASSERT_EQ(answer.status, "answered") << answer.text;
  ASSERT_TRUE(std::holds_alternative<int64_t>(answer.value)) << answer.text;
  EXPECT_EQ(std::get<int64_t>(answer.value), expected) << answer.text;
  EXPECT_NE(answer.text.find("Tents & Shelters"), std::string::npos) << answer.text;
  EXPECT_EQ(answer.text.find("&amp;"), std::string::npos) << answer.text;

  Answer sales = a.Ask({"Sales in tents & shelters in 2025", {}, CivilDate{2025, 12, 31}, ""});
  ASSERT_EQ(sales.status, "answered") << sales.text;
  EXPECT_EQ(sales.text.find("&amp;"), std::string::npos) << sales.text;
  ASSERT_TRUE(std::holds_alternative<double>(sales.value)) << sales.text;
  EXPECT_GT(std::get<double>(sales.value), 0.0) << sales.text;
}

}  // namespace
}  // namespace clever::query
