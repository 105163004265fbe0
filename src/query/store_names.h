// The store's own names, for the interpreter to recognise (with typos) in a question: products,
// variations, categories, registered customers, coupon codes, payment methods, countries, order
// statuses. Loaded with a handful of cheap queries; guests (billing names of guest orders) only on
// request, because that needs a scan of the orders.
#pragma once

#include <atomic>
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
  [[nodiscard]] int64_t hits() const { return hits_; }
  [[nodiscard]] int64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string version;
    StoreNames catalog;  // products, variations, categories, coupons
    StoreNames methods;  // payment methods + static names
  };
  std::mutex mu_;
  std::map<std::pair<int64_t, bool>, std::shared_ptr<const Entry>> entries_;
  std::map<int64_t, std::pair<std::string, std::shared_ptr<const StoreNames>>> customers_;
  std::atomic<int64_t> hits_{0}, misses_{0};
};

// Adds the static names (countries, order statuses) that do not depend on the store.
void AddStaticNames(StoreNames& names);

}  // namespace clever::query
