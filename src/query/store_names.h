// The store's own names, for the interpreter to recognise (with typos) in a question: products,
// variations, categories, registered customers, coupon codes, payment methods, countries, order
// statuses. Loaded with a handful of cheap queries; guests (billing names of guest orders) only on
// request, because that needs a scan of the orders.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/database.h"

namespace clever::query {

struct NamedEntity {
  std::string kind;   // product | variation | category | customer | coupon | payment_method |
                      // country | order_status
  std::string name;   // display name
  std::string key;    // product/variation id, customer key (c:<id> / e:<email>), code, ISO code
  int64_t parent_id = 0;  // variation: parent product id
  std::vector<std::vector<std::string>> phrases;  // normalised token sequences that name it
};

struct StoreNames {
  std::vector<NamedEntity> entities;
};

// Loads the names of one store. `with_guests` adds guest customers (billing name / e-mail of
// guest orders); `with_methods` adds payment method titles and ids seen on orders.
StatusOr<StoreNames> LoadStoreNames(store::Database& db, int64_t store_id, bool with_guests,
                                    bool with_methods);

// Adds the static names (countries, order statuses) that do not depend on the store.
void AddStaticNames(StoreNames& names);

}  // namespace clever::query
