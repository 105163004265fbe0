// woo/records.h: WooCommerce REST JSON -> plain records, one struct per category, holding only the
// fields of the `_fields` allowlists below (docs/sync.md has the table; woocommerce-rest-api.md
// section 9.2 the reasoning). nlohmann-json stays inside woo/: callers see structs only.
//
// Parsing is defensive: a body that is not JSON of the expected shape (truncated, HTML error page,
// PHP notice, nesting deeper than kMaxJsonDepth) -> kDataLoss; a record without a usable id is
// skipped and reported in Page::skipped; a field of the wrong type falls back to its default
// (numbers given as strings are read, booleans accept "yes"/"true"/1); text is capped at
// kMaxTextBytes; integers outside int64 are rejected. Money strings go through common/money.h.
// Nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace clever::woo {

inline constexpr int kMaxJsonDepth = 64;
inline constexpr size_t kMaxTextBytes = 2048;

// `_fields` allowlists, one per request kind. Lists (line_items, categories, ...) are requested
// whole: a dotted path into a list drops it (woocommerce-golden/README.md).
extern const char* const kCustomerFields;
extern const char* const kOrderFields;
extern const char* const kProductFields;
extern const char* const kVariationFields;
extern const char* const kCategoryFields;
extern const char* const kCouponFields;
extern const char* const kRefundFields;
extern const char* const kGatewayFields;
extern const char* const kIdFields;  // "id" for id-only reconciliation listings
// "id,date_modified_gmt": what changed, for lists without a date filter (customers)
extern const char* const kIdModifiedFields;
// WooPayments wrappers ({data: [...]}) cannot be trimmed server-side; these are the keys kept.
extern const char* const kTransactionKeys;
extern const char* const kPayoutKeys;
extern const char* const kDisputeKeys;

// A record skipped because it could not be read.
struct ParseIssue {
  int64_t id = 0;  // 0 when unknown
  std::string message;
  friend bool operator==(const ParseIssue&, const ParseIssue&) = default;
};

// A sort key for stable paging: (date_modified_gmt or "", id).
struct RecordKey {
  std::string modified_gmt;
  int64_t id = 0;
  friend auto operator<=>(const RecordKey&, const RecordKey&) = default;
};

template <typename T>
struct Page {
  std::vector<T> records;
  std::vector<ParseIssue> skipped;
  // One key per entry of the list, skipped ones included, in list order (id 0 = unreadable id).
  std::vector<RecordKey> keys;
  friend bool operator==(const Page&, const Page&) = default;
};

// ------------------------------------------------------------------------------------ customers
struct CustomerRecord {
  int64_t id = 0;
  std::optional<std::string> date_created, date_created_gmt, date_modified_gmt;
  std::string role;
  bool is_paying_customer = false;
  std::string first_name, last_name, email;
  std::string billing_first_name, billing_last_name, billing_company, billing_email, billing_phone,
      billing_city, billing_state, billing_postcode, billing_country;
  std::string shipping_city, shipping_state, shipping_postcode, shipping_country;
  friend bool operator==(const CustomerRecord&, const CustomerRecord&) = default;
};

// ------------------------------------------------------------------------------------ orders
struct OrderLineItem {
  int64_t id = 0, product_id = 0, variation_id = 0;
  std::string name, parent_name, sku;
  int64_t quantity = 0;
  int64_t subtotal_minor = 0, total_minor = 0, total_tax_minor = 0;
  friend bool operator==(const OrderLineItem&, const OrderLineItem&) = default;
};
struct OrderTaxLine {
  int64_t id = 0;
  std::string rate_code, label;
  int64_t tax_total_minor = 0, shipping_tax_total_minor = 0;
  friend bool operator==(const OrderTaxLine&, const OrderTaxLine&) = default;
};
struct OrderShippingLine {
  int64_t id = 0;
  std::string method_id, method_title;
  int64_t total_minor = 0, total_tax_minor = 0;
  friend bool operator==(const OrderShippingLine&, const OrderShippingLine&) = default;
};
struct OrderFeeLine {
  int64_t id = 0;
  std::string name;
  int64_t total_minor = 0, total_tax_minor = 0;
  friend bool operator==(const OrderFeeLine&, const OrderFeeLine&) = default;
};
struct OrderCouponLine {
  int64_t id = 0;
  std::string code;  // lower-cased
  int64_t discount_minor = 0, discount_tax_minor = 0;
  std::string discount_type;
  friend bool operator==(const OrderCouponLine&, const OrderCouponLine&) = default;
};
struct OrderRecord {
  int64_t id = 0, parent_id = 0;
  std::string number, status, currency, created_via;
  std::string date_created;  // store-local; required
  std::optional<std::string> date_created_gmt, date_modified, date_modified_gmt, date_paid,
      date_paid_gmt, date_completed, date_completed_gmt;
  int64_t customer_id = 0;
  bool prices_include_tax = false;
  int64_t discount_total_minor = 0, discount_tax_minor = 0, shipping_total_minor = 0,
          shipping_tax_minor = 0, cart_tax_minor = 0, total_minor = 0, total_tax_minor = 0;
  std::string payment_method, payment_method_title, transaction_id;
  std::string billing_first_name, billing_last_name, billing_company, billing_email, billing_phone,
      billing_city, billing_state, billing_postcode, billing_country;
  std::string shipping_city, shipping_state, shipping_postcode, shipping_country;
  std::vector<OrderLineItem> line_items;
  std::vector<OrderTaxLine> tax_lines;
  std::vector<OrderShippingLine> shipping_lines;
  std::vector<OrderFeeLine> fee_lines;
  std::vector<OrderCouponLine> coupon_lines;
  int64_t refund_count = 0;  // entries of refunds[]
  friend bool operator==(const OrderRecord&, const OrderRecord&) = default;
};

// ------------------------------------------------------------------------------------ products
struct TermRef {
  int64_t id = 0;
  std::string name, slug;
  friend bool operator==(const TermRef&, const TermRef&) = default;
};
struct ProductRecord {
  int64_t id = 0;
  std::string name, slug, type, status, sku;
  std::optional<int64_t> price_minor, regular_price_minor, sale_price_minor;  // "" -> nullopt
  bool on_sale = false;
  int64_t total_sales = 0;
  bool manage_stock = false;
  std::optional<int64_t> stock_quantity;
  std::string stock_status, backorders;
  std::optional<int64_t> low_stock_amount;
  int64_t parent_id = 0;
  std::optional<std::string> date_created, date_created_gmt, date_modified_gmt;
  std::vector<TermRef> categories, tags;
  std::vector<int64_t> variation_ids;
  friend bool operator==(const ProductRecord&, const ProductRecord&) = default;
};
struct VariationRecord {
  int64_t id = 0, parent_id = 0;
  std::string name, sku, status;
  std::optional<int64_t> price_minor, regular_price_minor, sale_price_minor;
  bool on_sale = false;
  int64_t manage_stock = 0;  // 0 false, 1 true, 2 "parent"
  std::optional<int64_t> stock_quantity;
  std::string stock_status;
  std::optional<std::string> date_created_gmt, date_modified_gmt;
  std::vector<std::pair<std::string, std::string>> attributes;  // name, option
  friend bool operator==(const VariationRecord&, const VariationRecord&) = default;
};
struct CategoryRecord {
  int64_t id = 0;
  std::string name, slug;
  int64_t parent = 0, count = 0;
  friend bool operator==(const CategoryRecord&, const CategoryRecord&) = default;
};

// ------------------------------------------------------------------------------------ coupons
struct CouponRecord {
  int64_t id = 0;
  std::string code, status, discount_type, amount;
  int64_t usage_count = 0;
  std::optional<int64_t> usage_limit, usage_limit_per_user;
  std::optional<std::string> date_expires, date_expires_gmt;
  bool free_shipping = false;
  std::optional<int64_t> minimum_amount_minor, maximum_amount_minor;
  bool individual_use = false, exclude_sale_items = false;
  std::optional<std::string> date_created, date_created_gmt, date_modified_gmt;
  friend bool operator==(const CouponRecord&, const CouponRecord&) = default;
};

// ------------------------------------------------------------------------------------ refunds
struct RefundLineItem {
  int64_t id = 0, product_id = 0, variation_id = 0, quantity = 0;
  int64_t total_minor = 0, total_tax_minor = 0;
  friend bool operator==(const RefundLineItem&, const RefundLineItem&) = default;
};
struct RefundRecord {
  int64_t id = 0;
  int64_t order_id = 0;      // parent_id (WC 10.x store-wide), else _links.up, else the caller's
  std::string date_created;  // store-local; required
  std::optional<std::string> date_created_gmt;
  int64_t amount_minor = 0;  // positive
  std::string reason;
  bool refunded_payment = false;
  std::vector<RefundLineItem> line_items;
  friend bool operator==(const RefundRecord&, const RefundRecord&) = default;
};

// ------------------------------------------------------------------------------------ payments
struct GatewayRecord {
  std::string id, title, method_title;
  bool enabled = false;
  friend bool operator==(const GatewayRecord&, const GatewayRecord&) = default;
};
struct TransactionRecord {
  std::string transaction_id;
  std::optional<std::string> date;
  std::string type, channel, source;
  int64_t amount_minor = 0, fees_minor = 0, net_minor = 0;
  std::string currency;
  int64_t order_id = 0;
  std::string deposit_id, deposit_status;
  std::optional<std::string> available_on;
  std::optional<int64_t> risk_level;
  friend bool operator==(const TransactionRecord&, const TransactionRecord&) = default;
};
struct PayoutRecord {
  std::string id;
  std::optional<int64_t> date_ms, created;
  std::string type = "deposit";
  int64_t amount_minor = 0, fee_minor = 0;
  std::string status, currency;
  bool automatic = false;
  friend bool operator==(const PayoutRecord&, const PayoutRecord&) = default;
};
struct DisputeRecord {
  std::string dispute_id, charge_id, order_number;
  int64_t amount_minor = 0;
  std::string currency, reason, status;
  std::optional<std::string> created, due_by;
  std::string source;
  friend bool operator==(const DisputeRecord&, const DisputeRecord&) = default;
};

// ------------------------------------------------------------------------------------ reports
struct ReportTotalRow {
  std::string slug, name;
  int64_t total = 0;
};
struct SalesReport {
  int64_t total_sales_minor = 0, net_sales_minor = 0, total_orders = 0, total_items = 0,
          total_tax_minor = 0, total_shipping_minor = 0, total_refunds_minor = 0,
          total_discount_minor = 0, total_customers = 0;
};

// ------------------------------------------------------------------------------------ store
struct SiteIndex {  // GET /wp-json/?_fields=name,url,home,gmt_offset,timezone_string,namespaces
  std::string name, url, home, timezone_string;
  double gmt_offset = 0;
  std::vector<std::string> namespaces;
};
struct RouteIndex {  // GET /wp-json/wc/v3 (the namespace's route index)
  bool has_refunds_route = false;
  bool has_variations_route = false;
  bool supports_modified_after = false;  // `modified_after` among GET /orders args
  bool supports_dates_are_gmt = false;
  bool has_payments_deposits = false;
  bool has_payments_disputes = false;
  bool has_payments_transactions = false;
  bool has_reports = false;
};
struct GeneralSettings {  // GET /wc/v3/settings/general?_fields=id,value
  std::string currency;
  int price_decimals = 2;
};

// List pages (JSON arrays). `decimals` = the store's price decimals.
StatusOr<Page<CustomerRecord>> ParseCustomers(std::string_view body);
StatusOr<Page<OrderRecord>> ParseOrders(std::string_view body, int decimals);
StatusOr<Page<ProductRecord>> ParseProducts(std::string_view body, int decimals);
StatusOr<Page<VariationRecord>> ParseVariations(std::string_view body, int decimals);
StatusOr<Page<CategoryRecord>> ParseCategories(std::string_view body);
StatusOr<Page<CouponRecord>> ParseCoupons(std::string_view body, int decimals);
// `order_id_hint`: the parent order when the list came from /orders/{id}/refunds, else 0.
StatusOr<Page<RefundRecord>> ParseRefunds(std::string_view body, int decimals,
                                          int64_t order_id_hint = 0);
StatusOr<Page<GatewayRecord>> ParseGateways(std::string_view body);
// WooPayments wrappers {"data": [...], "total_count": n}; `total` gets total_count or -1.
StatusOr<Page<TransactionRecord>> ParseTransactions(std::string_view body, int64_t* total);
StatusOr<Page<PayoutRecord>> ParsePayouts(std::string_view body, int64_t* total);
StatusOr<Page<DisputeRecord>> ParseDisputes(std::string_view body, int64_t* total);
StatusOr<std::vector<ReportTotalRow>> ParseReportTotals(std::string_view body);
StatusOr<SalesReport> ParseSalesReport(std::string_view body, int decimals);
// Id / (date_modified_gmt, id) listings, for reconciliation and the paging chain check.
StatusOr<std::vector<RecordKey>> ParseKeys(std::string_view body);

StatusOr<SiteIndex> ParseSiteIndex(std::string_view body);
StatusOr<RouteIndex> ParseRouteIndex(std::string_view body);
StatusOr<GeneralSettings> ParseGeneralSettings(std::string_view body);

// "rest_no_route" 404s and friends: true when the Status says the route does not exist.
bool IsNoRoute(const Status& status);

}  // namespace clever::woo
