// The store's own names, for the interpreter to recognise (with typos) in a question: products,
// variations, categories, registered customers, coupon codes, payment methods, countries, order
// statuses. Loaded with a handful of cheap queries; guests (billing names of guest orders) only on
// request, because that needs a scan of the orders.
#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
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
  std::vector<std::vector<std::string>> phrases;  // normalised token sequences that name it
};

struct StoreNames {
  std::vector<NamedEntity> entities;
};

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
