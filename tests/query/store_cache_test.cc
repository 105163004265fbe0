// The per-store caches of the assistant (StoreNamesCache: names shared not copied, facts), keyed
// by the store's version: what they hand out, when they reload, hostile and huge version inputs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "query/assistant.h"
#include "query/interpret.h"
#include "query/sql.h"
#include "query/store_names.h"
#include "store/database.h"
#include "store/derived.h"
#include "store/schema.h"
#include "tests/testing/dump_loader.h"

namespace clever::query {
namespace {

const CivilDate kDay{2025, 11, 15};

class StoreCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::OpenSqlite(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(store::Migrate(*db_).ok());
    auto loaded = testing::LoadDumpFolder(
        *db_, std::string(CLEVER_SOURCE_DIR) + "/tests/query/fixture_store", "shop");
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    store_ = loaded->store_id;
    ASSERT_TRUE(store::RefreshDerived(*db_, store_).ok());
  }
  AssistantOptions Options() {
    AssistantOptions o;
    o.names_cache = &cache_;
    o.use_environment_model = false;
    return o;
  }
  Answer Ask(const std::string& q) {
    Assistant a(*db_, Options());  // short-lived, one shared cache: as the hub
    return a.Ask({q, {store_}, kDay, ""});
  }
  std::unique_ptr<store::Database> db_;
  int64_t store_ = 0;
  StoreNamesCache cache_;
};

TEST_F(StoreCacheTest, SharedNamesAreTheCachedObjectUntilTheVersionChanges) {
  for (bool guests : {false, true}) {
    for (bool methods : {false, true}) {
      auto a = cache_.LoadShared(*db_, store_, guests, methods, "sales", "v1");
      auto b = cache_.LoadShared(*db_, store_, guests, methods, "other words", "v1");
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_EQ(a->get(), b->get());  // the same object: no copy per question
      auto direct = LoadStoreNames(*db_, store_, guests, methods, "sales");
      ASSERT_TRUE(direct.ok());
      ASSERT_EQ((*a)->entities.size(), direct->entities.size());
      for (size_t i = 0; i < direct->entities.size(); ++i) {
        EXPECT_EQ((*a)->entities[i].key, direct->entities[i].key);
        EXPECT_EQ((*a)->entities[i].phrases, direct->entities[i].phrases);
      }
    }
  }
  const int64_t misses = cache_.misses();
  auto before = cache_.LoadShared(*db_, store_, false, false, "", "v1");
  auto after = cache_.LoadShared(*db_, store_, false, false, "", "v2");
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_NE(before->get(), after->get());
  EXPECT_EQ(cache_.misses(), misses + 1);
  // Without a version the cache reads StoreNamesVersion itself.
  auto own = cache_.LoadShared(*db_, store_, false, false, "");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ((*own)->entities.size(), (*after)->entities.size());
}

TEST_F(StoreCacheTest, FactsAreKeptPerVersion) {
  EXPECT_EQ(cache_.Facts(store_, "a"), nullptr);
  auto f = std::make_shared<const StoreFacts>();
  cache_.KeepFacts(store_, "a", f);
  EXPECT_EQ(cache_.Facts(store_, "a"), f);
  EXPECT_EQ(cache_.Facts(store_, "b"), nullptr);
  EXPECT_EQ(cache_.Facts(store_ + 1, "a"), nullptr);
}

// Everything the facts are read from is part of the version: a change to store_info alone (no
// sync_state change) or to the derived tables' state is seen by the next question.
TEST_F(StoreCacheTest, TheNextQuestionSeesStoreInfoAndDerivedStateChanges) {
  Answer usd = Ask("What were sales last month?");
  ASSERT_EQ(usd.status, "answered");
  EXPECT_NE(usd.text.find("$"), std::string::npos) << usd.text;
  EXPECT_EQ(AnswerToJson(Ask("What were sales last month?")), AnswerToJson(usd));
  ASSERT_TRUE(
      db_->Execute("UPDATE store_info SET currency = 'EUR' WHERE store_id = ?", {store_}).ok());
  Answer eur = Ask("What were sales last month?");
  ASSERT_EQ(eur.status, "answered");
  EXPECT_NE(eur.text.find("€"), std::string::npos) << eur.text;
  // The derived tables go stale (a sync attempt moved the orders' state): same figure, from the
  // orders themselves; rebuilt: the same figure again.
  ASSERT_TRUE(db_->Execute("UPDATE sync_state SET records_done = records_done + 1 WHERE store_id "
                           "= ? AND category = 'orders'",
                           {store_})
                  .ok());
  EXPECT_EQ(Ask("What were sales last month?").value, eur.value);
  ASSERT_TRUE(store::RefreshDerived(*db_, store_).ok());
  EXPECT_EQ(Ask("What were sales last month?").value, eur.value);
  EXPECT_NE(AnswerToJson(Ask("How many orders last month?")), "");
}

// Hostile and huge text in what the version is built from (a cursor is opaque to the query side,
// a connector name is the merchant's): the version is length-prefixed, questions still answer,
// and two versions differing in one byte are different.
TEST_F(StoreCacheTest, HostileAndHugeVersionInputs) {
  const std::string huge(1 << 20, 'x');
  const std::string hostile = std::string("a;1:b\n~;") + std::string(1, '\0') + "'); DROP --";
  Answer first;
  for (const std::string& cursor : {huge, hostile, huge + "y", std::string("")}) {
    ASSERT_TRUE(db_->Execute("UPDATE sync_state SET cursor = ? WHERE store_id = ? AND category = "
                             "'products'",
                             {cursor, store_})
                    .ok());
    ASSERT_TRUE(
        db_->Execute("UPDATE connectors SET name = ? WHERE id = ?", {cursor.substr(0, 300), store_})
            .ok());
    Answer a = Ask("How many orders last month?");
    ASSERT_EQ(a.status, "answered") << a.text;
    if (first.status.empty()) first = a;
    EXPECT_EQ(a.value, first.value);
  }
  // One byte apart: two entries, both loaded (misses), not one served for the other.
  const int64_t misses = cache_.misses();
  for (const char* c : {"cursor-1", "cursor-2"}) {
    ASSERT_TRUE(db_->Execute("UPDATE sync_state SET cursor = ? WHERE store_id = ? AND category = "
                             "'products'",
                             {std::string(c), store_})
                    .ok());
    ASSERT_EQ(Ask("Top products last month").status, "answered");
  }
  EXPECT_EQ(cache_.misses(), misses + 2);
}

// A long-lived Assistant (a chat, the bench) skips the version statement while the database's
// WriteMark is unchanged; a commit by this connection or by another one (a sync in another
// process) is still seen by the very next question.
TEST(WriteMarkTest, ALongLivedAssistantSeesEveryConnectionsWrites) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("clever_write_mark_" + std::to_string(::getpid()) + ".db"))
                               .string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto reader = store::OpenSqlite(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_TRUE(store::Migrate(**reader).ok());
  auto loaded = testing::LoadDumpFolder(
      **reader, std::string(CLEVER_SOURCE_DIR) + "/tests/query/fixture_store", "shop");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const int64_t store = loaded->store_id;
  auto writer = store::OpenSqlite(path);
  ASSERT_TRUE(writer.ok()) << writer.status();

  auto mark = (*reader)->WriteMark();
  ASSERT_TRUE(mark.has_value());
  EXPECT_EQ((*reader)->WriteMark(), mark);  // reading changes nothing
  ASSERT_TRUE((*reader)->Query("SELECT COUNT(*) FROM orders").ok());
  EXPECT_EQ((*reader)->WriteMark(), mark);

  AssistantOptions o;
  o.use_environment_model = false;
  Assistant chat(**reader, o);
  auto currency_of = [&](const char* sign) {
    Answer a = chat.Ask({"What were sales last month?", {store}, kDay, ""});
    EXPECT_EQ(a.status, "answered");
    return a.text.find(sign) != std::string::npos;
  };
  EXPECT_TRUE(currency_of("$"));
  EXPECT_TRUE(currency_of("$"));
  // Another connection commits: the reader's mark moves, the next answer is in euros.
  ASSERT_TRUE((*writer)
                  ->Execute("UPDATE store_info SET currency = 'EUR' WHERE store_id = ?", {store})
                  .ok());
  EXPECT_NE((*reader)->WriteMark(), mark);
  EXPECT_TRUE(currency_of("€"));
  // This connection writes: its own change count moves the mark too.
  mark = (*reader)->WriteMark();
  ASSERT_TRUE((*reader)
                  ->Execute("UPDATE store_info SET currency = 'GBP' WHERE store_id = ?", {store})
                  .ok());
  EXPECT_NE((*reader)->WriteMark(), mark);
  EXPECT_TRUE(currency_of("£"));
  // A write that changes no row leaves the data (and the answer) as it was.
  ASSERT_TRUE(
      (*writer)->Execute("UPDATE store_info SET currency = 'GBP' WHERE store_id = ?", {-1}).ok());
  EXPECT_TRUE(currency_of("£"));
  writer->reset();
  reader->reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace

// The name index (NameIndex, built by the cache) only skips names that cannot match: every case
// file's question, and hostile ones, interpret the same with the indexed list as with an
// unindexed copy of it.
static std::vector<std::string> CaseQuestions() {
  std::vector<std::string> out;
  for (const auto& f :
       std::filesystem::directory_iterator(std::string(CLEVER_SOURCE_DIR) + "/tests/query/cases")) {
    std::ifstream in(f.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("question: ", 0) == 0) out.push_back(line.substr(10));
    }
  }
  return out;
}

TEST_F(StoreCacheTest, IndexedNamesInterpretLikeTheWholeList) {
  std::vector<std::string> questions = CaseQuestions();
  ASSERT_GT(questions.size(), 1000u);
  questions.push_back("");
  questions.push_back(std::string(5000, 'a'));
  questions.push_back(std::string(70, 'h') + " sales " + std::string(62, 'h') + " \xff\xfe orders");
  std::string many;
  for (int i = 0; i < 400; ++i) many += "hoodie coffee welcome 10 apple pay ";
  questions.push_back(many);
  int indexed = 0;
  for (bool guests : {false, true}) {
    for (bool methods : {false, true}) {
      for (const std::string& q : questions) {
        auto names = cache_.LoadShared(*db_, store_, guests, methods, q, "v1");
        ASSERT_TRUE(names.ok());
        const StoreNames& with = **names;
        if (with.index != nullptr && with.index->Describes(with.entities)) ++indexed;
        StoreNames without;
        without.entities = with.entities;
        without.month_first_dates = with.month_first_dates;
        ASSERT_FALSE(without.index != nullptr && without.index->Describes(without.entities));
        EXPECT_EQ(Interpret(q, with, kDay).ToJson(), Interpret(q, without, kDay).ToJson()) << q;
      }
    }
  }
  EXPECT_EQ(indexed, 4 * static_cast<int>(questions.size()));  // the fixture store is small
}

TEST(NameIndexTest, LongWordsTyposCouponsAndCopies) {
  StoreNames names;
  auto add = [&](std::string kind, std::string name, std::vector<std::vector<std::string>> p) {
    NamedEntity e;
    e.kind = std::move(kind);
    e.name = name;
    e.key = std::move(name);
    e.phrases = std::move(p);
    names.entities.push_back(std::move(e));
  };
  const std::string long_word(70, 'x');
  add("product", "Long", {{long_word, "blend"}});
  add("product", "Harbor Zip Hoodie", {{"harbor", "zip", "hoodie"}});
  add("product", "Harbour Zip Hoodie", {{"harbour", "zip", "hoodie"}});
  add("product", "Empty", {{"", "thing"}, {}});
  add("category", "Coffee", {{"coffee"}});
  add("coupon", "welcome10", {{"welcome10"}});
  add("payment_method", "Apple Pay", {{"apple", "pay", "woopayments"}});
  names.index = BuildNameIndex(names);
  ASSERT_TRUE(names.index->Describes(names.entities));
  StoreNames copy = names;  // a copy keeps the pointer but not the list it describes
  EXPECT_FALSE(copy.index->Describes(copy.entities));
  StoreNames without;
  without.entities = names.entities;
  for (const std::string& q : std::vector<std::string>{
           long_word + " blend sales", std::string(69, 'x') + "y blend sales",
           std::string(72, 'x') + " blend sales", "harbr zip hoodie units", "zip hoodie units",
           "sales with welcome 10", "welcome 10 welcome 10", "apple pay revenue", "coffee sales",
           "cofee sales last month", "thing sales", std::string("\xff\x80 sales")}) {
    EXPECT_EQ(Interpret(q, names, kDay).ToJson(), Interpret(q, without, kDay).ToJson()) << q;
  }
}

}  // namespace clever::query
