// wcsim store: a compact in-memory WooCommerce store (products, customers, orders, refunds,
// coupons, WooPayments records) generated deterministically from a seed. JSON is rendered lazily
// per request (render.h); this header only holds the data and the generator / mutator.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/dates.h"

namespace clever::wcsim {

enum class OrderStatus : uint8_t {
  kPending,
  kProcessing,
  kOnHold,
  kCompleted,
  kCancelled,
  kRefunded,
  kFailed,
  kCheckoutDraft,
};
inline constexpr int kOrderStatusCount = 8;
const char* StatusSlug(OrderStatus s);
const char* StatusName(OrderStatus s);
std::optional<OrderStatus> ParseStatus(std::string_view slug);

enum class Payment : uint8_t { kCard, kApplePay, kBacs, kCod, kPaypal, kCheque };
inline constexpr int kPaymentCount = 6;
const char* PaymentId(Payment p);
const char* PaymentTitle(Payment p);
bool IsWooPayments(Payment p);

enum class CouponType : uint8_t { kPercent, kFixedCart, kFixedProduct };
const char* CouponTypeSlug(CouponType t);

struct GenOptions {
  uint64_t seed = 1;
  int orders = 2000;
  int customers = -1;  // -1: derived from orders
  int products = 60;
  int days = 730;
  CivilDate end_date{2025, 11, 15};
  std::string timezone = "America/New_York";
  std::string currency = "USD";
  bool woopayments = true;
};

struct Category {
  uint32_t id = 0;
  std::string name, slug, description;
  int menu_order = 0;
  uint32_t parent = 0;  // parent term id, 0 = top level
};

struct Variation {
  uint32_t id = 0;
  uint32_t parent_id = 0;
  uint8_t color = 0, size = 0;                // indexes into the attribute option tables
  int64_t regular_cents = 0, sale_cents = 0;  // sale 0 = not on sale
  uint8_t manage = 0;                         // 0 no, 1 yes, 2 "parent"
  int32_t stock = 0;
  int64_t created = 0, modified = 0;  // UTC epoch seconds
};

struct Product {
  uint32_t id = 0;
  std::string name, slug, sku, image_slug;
  bool variable = false;
  uint32_t category = 0;  // index into categories
  int64_t regular_cents = 0, sale_cents = 0;
  bool manage_stock = false;
  int32_t stock = 0;
  int32_t low_stock_amount = 0;  // 0 = store default (null)
  int64_t created = 0, modified = 0;
  bool trashed = false;  // in the trash: GET by id still answers (status "trash")
  bool purged = false;   // deleted permanently (force / emptied trash): also trashed; 404 by id
  int64_t total_sales = 0;
  std::vector<uint32_t> variations;  // indexes into Store::variations
  uint32_t image_id = 0;
  int rating_count = 0;
  int rating_sum = 0;
  uint16_t weight_g = 0;
  uint8_t colors = 0, sizes = 0;  // number of options used by a variable product
  bool downloadable = false;      // virtual + downloadable (eBook)
};

struct Coupon {
  uint32_t id = 0;
  std::string code, description;
  CouponType type = CouponType::kPercent;
  int64_t amount = 0;                              // percent: whole percent; fixed: cents
  int64_t created = 0, modified = 0, expires = 0;  // expires 0 = none
  bool trashed = false;                            // in the trash: status "trash"
  bool purged = false;                             // deleted permanently: also trashed
  int64_t usage_count = 0;
};

struct Customer {
  uint32_t id = 0;
  int64_t created = 0, modified = 0;
  bool staff = false;  // administrator / shop_manager: only with role=all
  bool paying = false;
};

struct LineItem {
  uint32_t product = 0;    // product id
  uint32_t variation = 0;  // variation id or 0
  uint16_t qty = 0;
  int32_t price = 0;  // unit price, cents
  int32_t subtotal = 0, total = 0, subtotal_tax = 0, total_tax = 0;
};

struct Order {
  uint32_t id = 0;
  uint32_t customer_id = 0;    // 0 = guest
  uint32_t first_item = 0;     // index into Store::items
  uint32_t first_item_id = 0;  // WC order item id of the first line item
  uint16_t n_items = 0;
  OrderStatus status = OrderStatus::kPending;
  Payment payment = Payment::kCard;
  uint8_t tax_rate = 0;  // index into tax rate table (0 = none)
  uint16_t coupon = 0;   // 1-based index into coupons, 0 none
  uint32_t person = 0;   // seed of the billing person (customer id or guest seed)
  int64_t created = 0, modified = 0, paid = 0, completed = 0;
  int32_t shipping = 0, shipping_tax = 0, discount = 0, cart_tax = 0, total = 0;
  int32_t fee = 0, fee_tax = 0;  // "Gift wrapping" fee line (fee_tax is part of cart_tax)
  uint8_t shipping_method = 0;
  uint32_t last_refund = 0;  // 1-based index into Store::refunds, 0 none
  int32_t refunded = 0;      // cents refunded so far
};

enum class RefundKind : uint8_t { kGoodwill, kOneItem, kFull };

struct Refund {
  uint32_t id = 0;
  uint32_t order_id = 0;
  uint32_t order_index = 0;
  int64_t created = 0;
  int32_t amount = 0;  // positive cents
  RefundKind kind = RefundKind::kGoodwill;
  uint8_t reason = 0;
  uint8_t line = 0;  // kOneItem: the order line index
  uint32_t first_item_id = 0;
  uint32_t prev_same_order = 0;  // 1-based index, 0 none
};

enum class TxnType : uint8_t { kCharge, kRefund, kDispute };
struct Txn {
  uint32_t order_index = 0;
  TxnType type = TxnType::kCharge;
  int64_t created = 0;
  int32_t amount = 0;    // signed cents
  int32_t fee = 0;       // cents
  uint32_t deposit = 0;  // 1-based index into deposits, 0 = not yet paid out
  uint32_t ref = 0;      // refund index / dispute index
};

struct Deposit {
  int64_t date = 0;  // arrival, UTC epoch seconds
  int64_t created = 0;
  int64_t amount = 0;  // cents
  int64_t fee = 0;
  uint8_t status = 0;  // 0 paid, 1 pending, 2 in_transit
};

struct Dispute {
  uint32_t order_index = 0;
  int64_t created = 0, due_by = 0;
  int32_t amount = 0;
  uint8_t reason = 0, status = 0;
};

struct Review {
  uint32_t id = 0;
  uint32_t product_id = 0;
  uint32_t person = 0;
  int64_t created = 0;
  uint8_t rating = 5;
};

struct Person {
  std::string first, last, company, address_1, address_2, city, state, postcode, country, email,
      phone;
  std::string ship_address_1, ship_city, ship_state, ship_postcode;
};

struct TaxRate {
  uint32_t id;
  const char* country;
  const char* state;
  const char* label;
  int basis_points;  // 625 = 6.25 %
};

struct ChangeSet {
  std::vector<uint32_t> created_orders, created_customers, created_refunds;
  std::vector<uint32_t> updated_orders, updated_products, updated_variations;
  std::vector<uint32_t> stock_products;  // updated products whose own stock changed
  std::vector<uint32_t> deleted_products, deleted_coupons;  // moved to the trash
  std::vector<uint32_t> purged_products, purged_coupons;    // deleted permanently
};

struct MutateRequest {
  int64_t advance_seconds = 0;
  int new_orders = 0, status_changes = 0, refunds = 0, stock_changes = 0, delete_products = 0,
      delete_coupons = 0, new_customers = 0;
  // Permanent deletions (DELETE ...?force=true, or emptying the trash): trashed objects first.
  int purge_products = 0, purge_coupons = 0;
};

class Store {
 public:
  static std::unique_ptr<Store> Generate(const GenOptions& options);

  // Applies a burst of changes at the (advanced) store clock. Caller holds mu exclusively.
  ChangeSet Mutate(const MutateRequest& request);

  // Deterministic person for a seed (customer id or guest seed).
  [[nodiscard]] Person PersonFor(uint32_t seed, bool guest) const;

  [[nodiscard]] const Order* FindOrder(uint32_t id) const;
  [[nodiscard]] int64_t FindOrderIndex(uint32_t id) const;
  [[nodiscard]] const Product* FindProduct(uint32_t id) const;  // includes trashed
  [[nodiscard]] const Variation* FindVariation(uint32_t id) const;
  [[nodiscard]] const Coupon* FindCoupon(uint32_t id) const;
  [[nodiscard]] const Customer* FindCustomer(uint32_t id) const;
  [[nodiscard]] const Refund* FindRefund(uint32_t id) const;

  static const TaxRate& Rate(uint8_t index);
  static int RateCount();
  static const char* RefundReason(uint8_t r);
  static const char* ColorName(uint8_t c);
  static const char* SizeName(uint8_t s);

  GenOptions options;
  StoreTimeZone tz = StoreTimeZone::Utc();
  int64_t now = 0;  // store clock, UTC epoch seconds
  uint32_t next_post_id = 0;
  uint32_t next_item_id = 0;
  uint32_t next_user_id = 0;
  uint64_t rng_state = 0;
  uint64_t version = 0;  // bumped by every Mutate (invalidates caches)

  std::vector<Category> categories;
  std::vector<Product> products;
  std::vector<Variation> variations;
  std::vector<Coupon> coupons;
  std::vector<Customer> customers;  // sorted by id
  std::vector<Order> orders;        // sorted by id (and created)
  std::vector<LineItem> items;
  std::vector<Refund> refunds;  // sorted by id
  std::vector<Txn> txns;
  std::vector<Deposit> deposits;
  std::vector<Dispute> disputes;
  std::vector<Review> reviews;

  mutable std::shared_mutex mu;

 private:
  uint32_t AddOrder(int64_t when, bool allow_refund_later);
  void ApplyOrderEffects(const Order& order, int sign);
  uint32_t AddRefund(uint32_t order_index, int64_t when, bool full);
  void AddCardTxnsForOrder(uint32_t order_index);
  void BuildDeposits();
  uint64_t Rand();
  double Uniform();
};

// Money helpers (integer cents -> WooCommerce decimal strings).
std::string Cents(int64_t cents);
// 12.5 style number as WC returns "price" (integer when whole).
double CentsToNumber(int64_t cents);

}  // namespace clever::wcsim
