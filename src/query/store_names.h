// The store's own names, for the interpreter to recognise (with typos) in a question: products,
// variations, categories, registered customers, coupon codes, payment methods, countries, order
// statuses. Loaded with a handful of cheap queries; guests (billing names of guest orders) only on
// request, because that needs a scan of the orders.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/database.h"

namespace clever::query {

struct StoreFacts;  // sql.h

struct NamedEntity {
  std::string kind;       // product | variation | category | customer | coupon | payment_method |
                          // country | order_status
  std::string name;       // display name
  std::string key;        // product/variation id, customer key (c:<id> / e:<email>), code, ISO code
  int64_t parent_id = 0;  // variation: parent product id
  bool buyer = true;      // customer: has a sales order (an account may have none)
  std::vector<std::vector<std::string>> phrases;  // normalised token sequences that name it
};

struct StoreNames;

// Where the interpreter needs to look for a question's words among a list of names (why: speed,
// the interpreter visits only names that can match one of the question's words). Built once per
// cached list (StoreNamesCache) and valid only for the list it was built from (Describes): a
// copied or extended list is searched in full.
struct NameIndex {
  using PhraseRef = std::pair<uint32_t, uint32_t>;  // (entity, phrase), in list order
  // Every phrase by its first word's first byte and length (lengths from 63 up share one key):
  // an exact or fuzzy match (<= 2 typos, same first letter) of that word has the same first
  // byte and a length within 2 of it.
  static uint32_t FirstWordKey(std::string_view w) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(w[0])) << 6) |
           static_cast<uint32_t>(std::min<size_t>(w.size(), 63));
  }
  std::unordered_map<uint32_t, std::vector<PhraseRef>> by_first_word;
  std::vector<PhraseRef> empty_first_word;  // phrases whose first word is empty (none in practice)
  // Partial names: per kind, the entities whose first phrase has two words or more, by the first
  // byte of each of its words (sorted, unique), and how many entities of the kind (with phrases)
  // have each word in their first phrase.
  struct Kind {
    std::array<std::vector<uint32_t>, 256> by_letter;
    std::unordered_map<std::string, int> word_names;
  };
  std::map<std::string, Kind, std::less<>> kinds;
  // Coupon codes of one word of >= 4 characters, by that word.
  std::unordered_map<std::string, std::vector<PhraseRef>> coupon_words;
  const void* data = nullptr;  // the entity list it describes
  size_t size = 0;
  [[nodiscard]] bool Describes(const std::vector<NamedEntity>& entities) const {
    return data == entities.data() && size == entities.size();
  }
};

struct StoreNames {
  std::vector<NamedEntity> entities;
  // "11/3" is 3 November: the store sells in US dollars, where dates are written month first.
  bool month_first_dates = false;
  // Set by StoreNamesCache on the lists it shares; see NameIndex::Describes.
  std::shared_ptr<const NameIndex> index;
};

// The index of `names.entities` as they are now (callers keep it in names.index).
std::shared_ptr<const NameIndex> BuildNameIndex(const StoreNames& names);

// Loads the names of one store. `with_guests` adds customers (registered accounts, and guests by
// the billing name / e-mail of their orders); `with_methods` adds payment method titles and ids
// seen on the last year's orders.
// Above this many accounts only names appearing verbatim in `question` are loaded.
inline constexpr int64_t kFullNameLoadLimit = 20000;
StatusOr<StoreNames> LoadStoreNames(store::Database& db, int64_t store_id, bool with_guests,
                                    bool with_methods, std::string_view question = {});

// The version of a store's names: its sync_state rows, serialised (any sync attempt, page or
// result changes it).
StatusOr<std::string> StoreNamesVersion(store::Database& db, int64_t store_id);

// LoadStoreNames with the question-independent parts (catalogue, payment methods, and every
// customer name on stores up to kFullNameLoadLimit accounts) kept per store until its
// StoreNamesVersion changes, i.e. until a sync writes to it. Thread-safe: one cache may serve
// every Assistant of a process (the hub builds one Assistant per request). Same result as
// LoadStoreNames.
class StoreNamesCache {
 public:
  StatusOr<StoreNames> Load(store::Database& db, int64_t store_id, bool with_guests,
                            bool with_methods, std::string_view question = {});
  // The same names, shared rather than copied: the cached list itself whenever it does not depend
  // on the question (always but for customers on stores above kFullNameLoadLimit accounts).
  // `version`: a string that changes whenever StoreNamesVersion does (the Assistant passes its
  // per-store version, read with the store's facts in one statement); "" = read
  // StoreNamesVersion here.
  StatusOr<std::shared_ptr<const StoreNames>> LoadShared(store::Database& db, int64_t store_id,
                                                         bool with_guests, bool with_methods,
                                                         std::string_view question = {},
                                                         const std::string& version = "");
  // The Assistant's facts about a store (sql.h; assistant.cc reads them), kept here beside its
  // names so that the one cache the hub shares across its short-lived Assistants serves both.
  // nullptr unless kept under exactly this `version`.
  std::shared_ptr<const StoreFacts> Facts(int64_t store_id, const std::string& version);
  void KeepFacts(int64_t store_id, const std::string& version,
                 std::shared_ptr<const StoreFacts> facts);
  [[nodiscard]] int64_t hits() const { return hits_; }
  [[nodiscard]] int64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string version;
    StoreNames catalog;  // products, variations, categories, coupons
    StoreNames methods;  // payment methods + static names
  };
  struct Key {
    int64_t store_id;
    bool with_guests, with_methods;
    auto operator<=>(const Key&) const = default;
  };
  std::mutex mu_;
  std::map<std::pair<int64_t, bool>, std::shared_ptr<const Entry>> entries_;
  std::map<int64_t, std::pair<std::string, std::shared_ptr<const StoreNames>>> customers_;
  std::map<int64_t, std::pair<std::string, bool>> big_;  // above kFullNameLoadLimit accounts
  // The merged lists LoadShared hands out (question-independent ones only), by version.
  std::map<Key, std::pair<std::string, std::shared_ptr<const StoreNames>>> merged_;
  std::map<int64_t, std::pair<std::string, std::shared_ptr<const StoreFacts>>> facts_;
  std::atomic<int64_t> hits_{0}, misses_{0};
};

// Adds the static names (countries, order statuses) that do not depend on the store.
void AddStaticNames(StoreNames& names);

}  // namespace clever::query
