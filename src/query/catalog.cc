#include "query/catalog.h"

#include "query/text.h"

namespace clever::query {

namespace {
constexpr const char* kOrderDims =
    "day,week,month,weekday,year,country,customer,payment_method,status,coupon,product,category,"
    "variation";
constexpr const char* kLineDims =
    "day,week,month,weekday,year,country,customer,payment_method,"
    "status,coupon,product,category,variation";
constexpr const char* kSalesDef =
    "sales orders are orders with status completed, processing or on-hold, dated by their "
    "store-local creation date [M-SALES]";
}  // namespace

const std::vector<MetricInfo>& AllMetrics() {
  static const std::vector<MetricInfo> kMetrics = {
      // ------------------------------------------------------------- orders and sales
      {"gross_sales", Unit::kMoney, "orders", "gross sales",
       "gross sales = sum of order totals (incl. tax, shipping and fees, after discounts) of sales "
       "orders [M-GROSS]",
       kOrderDims, true},
      {"net_sales", Unit::kMoney, "orders,refunds", "net sales",
       "net sales = gross sales minus the refunds of those same orders [M-NET]", kOrderDims, true},
      {"order_count", Unit::kCount, "orders", "orders",
       "orders = number of sales orders (or of orders in the status asked for) [M-ORDERS]",
       kOrderDims, true},
      {"avg_order_value", Unit::kMoney, "orders", "average order value",
       "average order value = gross sales / number of sales orders [M-AOV]", kOrderDims, true},
      {"items_sold", Unit::kCount, "orders,products", "items sold",
       "items sold = sum of line-item quantities of sales orders [M-ITEMS]", kLineDims, true},
      {"product_revenue", Unit::kMoney, "orders,products", "product sales",
       "product sales = sum of line-item totals (after discounts, excluding tax) of sales orders "
       "[M-TOP-PRODUCTS]",
       kLineDims, true},
      {"product_orders", Unit::kCount, "orders,products", "orders containing it",
       "number of sales orders containing the product", kLineDims, true},
      {"avg_items_per_order", Unit::kNumber, "orders", "average items per order",
       "items sold / orders [M-ITEMS]", "", true},
      {"avg_unit_price", Unit::kMoney, "orders,products", "average selling price per unit",
       "sum of line totals / items sold [M-ITEMS]", "", true},
      {"orders_per_day", Unit::kNumber, "orders", "orders per day",
       "orders / days in the period [M-ITEMS]", "", true},
      {"shipping_collected", Unit::kMoney, "orders", "shipping collected",
       "sum of shipping_total (without shipping tax) of sales orders [M-SHIPPING]", kOrderDims,
       true},
      {"tax_collected", Unit::kMoney, "orders", "tax collected",
       "sum of total_tax of sales orders [M-TAX]", kOrderDims, true},
      {"largest_order", Unit::kMoney, "orders", "largest order",
       "the highest order total among sales orders", "", true},
      {"guest_orders", Unit::kCount, "orders", "guest orders",
       "sales orders with customer_id 0 [M-GUEST]", "", true},
      {"guest_share", Unit::kPercent, "orders", "guest order share",
       "guest orders / orders x 100 [M-GUEST]", "", true},
      // ------------------------------------------------------------- customers
      {"customer_count", Unit::kCount, "customers,orders", "customers who ordered",
       "distinct customers (registered by id, guests by billing e-mail) with a sales order "
       "[M-CUSTOMER-KEY] [M-ACTIVE]",
       "day,month,country,product,category", true},
      {"new_customers", Unit::kCount, "customers,orders", "new customers",
       "customers whose first sales order is in the period [M-NEW]", "", true},
      {"returning_customers", Unit::kCount, "customers,orders", "returning customers",
       "customers with a sales order in the period whose first order is before it [M-RETURNING]",
       "", true},
      {"repeat_customers", Unit::kCount, "customers,orders", "repeat customers",
       "customers with at least N sales orders (default 2), all time [M-REPEAT]", "", false},
      {"repeat_rate", Unit::kPercent, "customers,orders", "repeat customer rate",
       "repeat customers / customers x 100 [M-REPEAT]", "", false},
      {"lapsed_customers", Unit::kCount, "customers,orders", "lapsed customers",
       "customers whose last order is before the last-N-days window [M-LAPSED]", "", false},
      {"avg_ltv", Unit::kMoney, "customers,orders,refunds", "average customer lifetime value",
       "sum of customers' sales-order totals minus their refunds / customers [M-LTV]", "", false},
      {"customer_spend", Unit::kMoney, "customers,orders,refunds", "spend",
       "net spend = order totals of sales orders minus those orders' refunds [M-LTV] "
       "[M-TOP-CUSTOMERS]",
       "customer", true},
      {"avg_orders_per_customer", Unit::kNumber, "customers,orders", "average orders per customer",
       "sales orders / distinct customers [M-LTV]", "", true},
      {"customers_in_country", Unit::kCount, "customers,orders", "customers",
       "customers whose latest sales order is billed to the country [M-CUSTOMER-COUNTRY]", "",
       false},
      {"new_customer_sales", Unit::kMoney, "customers,orders", "first-time customers' spending",
       "gross sales of orders by customers new in the period [M-NEW]", "", true},
      {"registered_customers", Unit::kCount, "customers", "registered customer accounts",
       "accounts with role customer created up to today [M-REGISTERED]", "", false},
      {"new_signups", Unit::kCount, "customers", "new customer accounts",
       "accounts with role customer created in the period [M-SIGNUPS]", "", true},
      {"paying_customers", Unit::kCount, "customers,reports", "paying customers",
       "customer accounts with is_paying_customer true [M-REPORTS]", "", false},
      {"non_paying_customers", Unit::kCount, "customers,reports", "non-paying customers",
       "customer accounts with is_paying_customer false [M-REPORTS]", "", false},
      // ------------------------------------------------------------- products and inventory
      {"product_count", Unit::kCount, "products", "products",
       "published products created up to today (all types, or the type/category asked) "
       "[M-CATALOG]",
       "category,type", false},
      {"on_sale_products", Unit::kEntities, "products", "products on sale",
       "published simple/variable products with on_sale true [M-CATALOG]", "", false},
      {"product_price", Unit::kMoney, "products", "price",
       "published simple/variable products by current price [M-PRICE]", "product", false},
      {"unsold_products", Unit::kEntities, "products,orders", "products with no sales",
       "published simple/variable products in no line item of the period's sales orders "
       "[M-UNSOLD]",
       "", true},
      {"low_stock", Unit::kEntities, "products", "low-stock items",
       "stock units with managed stock and 0 < quantity <= threshold (default 5) [M-LOW-STOCK]", "",
       false},
      {"out_of_stock", Unit::kEntities, "products", "out-of-stock items",
       "stock units whose stock_status is outofstock [M-OUT-OF-STOCK]", "", false},
      {"stock_level", Unit::kCount, "products", "units in stock",
       "stock_quantity, or the sum over its stock-managed variations [M-STOCK-LEVEL]", "", false},
      {"inventory_value", Unit::kMoney, "products", "inventory value",
       "sum of stock_quantity x current price over stock units with managed stock > 0 "
       "[M-STOCK-VALUE]",
       "", false},
      // ------------------------------------------------------------- coupons
      {"coupon_uses", Unit::kCount, "coupons,orders", "coupon uses",
       "sales orders whose coupon lines include the code [M-COUPON-USES]", "coupon", true},
      {"coupon_discount", Unit::kMoney, "coupons,orders", "discount given by coupon",
       "sum of coupon_lines discount for the code [M-DISCOUNTS]", "coupon", true},
      {"discount_total", Unit::kMoney, "orders,coupons", "discounts given",
       "sum of discount_total (excluding discount tax) of sales orders [M-DISCOUNTS]", kOrderDims,
       true},
      {"active_coupons", Unit::kEntities, "coupons", "active coupons",
       "coupons created up to today, not expired, not used up, published [M-COUPON-ACTIVE]", "",
       false},
      {"expired_coupons", Unit::kEntities, "coupons", "expired coupons",
       "coupons whose expiry date is before today [M-COUPON-ACTIVE]", "", false},
      {"unused_coupons", Unit::kEntities, "coupons,orders", "unused coupons",
       "coupons whose code appears in no sales order [M-COUPON-UNUSED]", "", false},
      {"coupon_count", Unit::kCount, "coupons,reports", "coupons",
       "coupons created up to today (of the discount type asked) [M-REPORTS]", "", false},
      {"coupon_orders", Unit::kCount, "coupons,orders", "orders with a coupon",
       "sales orders with at least one coupon line [M-COUPON-USES]", "", true},
      {"coupon_order_share", Unit::kPercent, "coupons,orders", "share of orders with a coupon",
       "orders with a coupon / orders x 100 [M-COUPON-USES]", "", true},
      {"coupon_aov", Unit::kMoney, "coupons,orders", "average value of orders with a coupon",
       "gross sales of orders with a coupon / their count [M-COUPON-USES]", "", true},
      // ------------------------------------------------------------- refunds
      {"refund_total", Unit::kMoney, "refunds", "refunds",
       "sum of refund amounts created in the period, any order [M-REFUNDS]", "day,month", true},
      {"refund_count", Unit::kCount, "refunds", "refunds",
       "number of refunds created in the period [M-REFUNDS]", "day,month,reason", true},
      {"largest_refund", Unit::kMoney, "refunds", "largest refund",
       "the highest refund amount in the period [M-REFUNDS]", "", true},
      {"avg_refund", Unit::kMoney, "refunds", "average refund",
       "refund amount / number of refunds in the period [M-REFUNDS]", "", true},
      {"refund_rate", Unit::kPercent, "refunds,orders", "refund rate",
       "orders of the period (completed, processing, on-hold or refunded) with at least one "
       "refund / those orders x 100 [M-REFUND-RATE]",
       "", true},
      {"refunded_units", Unit::kCount, "refunds,products", "refunded units",
       "sum of |quantity| of refund line items [M-REFUNDED-PRODUCT]", "product", true},
      // ------------------------------------------------------------- payments
      {"payment_share", Unit::kPercent, "payments,orders", "share of orders",
       "orders paid with the method / all sales orders x 100 [M-PAYMENT-MIX]", "payment_method",
       true},
      {"payment_revenue_share", Unit::kPercent, "payments,orders", "share of revenue",
       "gross sales paid with the method / gross sales x 100 [M-PAYMENT-MIX]", "payment_method",
       true},
      {"unpaid_orders", Unit::kEntities, "payments,orders", "unpaid orders",
       "orders with no payment date whose status is not cancelled, failed, refunded, trash or "
       "checkout-draft [M-UNPAID]",
       "", false},
      {"unpaid_value", Unit::kMoney, "payments,orders", "value of unpaid orders",
       "sum of totals of unpaid orders [M-UNPAID]", "", false},
      {"payments_received", Unit::kCount, "payments", "payments received",
       "orders whose local payment date is in the period, any status [M-PAYMENTS-RECEIVED]", "",
       true},
      {"payments_received_amount", Unit::kMoney, "payments", "payments received",
       "sum of totals of orders paid in the period [M-PAYMENTS-RECEIVED]", "", true},
      {"enabled_gateways", Unit::kEntities, "payments", "enabled payment methods",
       "payment gateways with enabled true [M-GATEWAYS]", "", false},
      // ------------------------------------------------------------- payouts
      {"payouts_total", Unit::kMoney, "payouts", "paid out",
       "sum of paid payouts whose arrival date (UTC) is in the period [M-PAYOUTS]", "day,month",
       true},
      {"payout_count", Unit::kCount, "payouts", "payouts",
       "number of paid payouts arriving in the period [M-PAYOUTS]", "day,month", true},
      {"largest_payout", Unit::kMoney, "payouts", "largest payout",
       "the largest paid payout in the period [M-PAYOUTS]", "", true},
      {"avg_payout", Unit::kMoney, "payouts", "average payout",
       "average of paid payouts in the period [M-PAYOUTS]", "", true},
      {"last_payout", Unit::kMoney, "payouts", "last payout",
       "the paid payout with the latest arrival date on or before today [M-PAYOUTS]", "", false},
      {"last_payout_date", Unit::kDate, "payouts", "date of the last payout",
       "arrival date of the latest paid payout [M-PAYOUTS]", "", false},
      {"pending_payouts", Unit::kMoney, "payouts", "pending payouts",
       "sum of payouts with status pending, in_transit or estimated [M-PAYOUTS]", "", false},
      {"failed_payouts", Unit::kCount, "payouts", "failed payouts",
       "payouts with status failed or canceled [M-PAYOUTS]", "", false},
      // ------------------------------------------------------------- disputes
      {"dispute_count", Unit::kCount, "disputes", "disputes",
       "disputes created (store-local date) in the period [M-DISPUTES]", "reason,month,status",
       true},
      {"dispute_amount", Unit::kMoney, "disputes", "disputed amount",
       "sum of dispute amounts created in the period [M-DISPUTES]", "reason,month,status", true},
      {"open_disputes", Unit::kEntities, "disputes", "open disputes",
       "disputes with status needs_response, warning_needs_response, under_review or "
       "warning_under_review [M-DISPUTES]",
       "", false},
      {"disputes_needing_response", Unit::kEntities, "disputes", "disputes needing a response",
       "disputes with status needs_response or warning_needs_response [M-DISPUTES]", "", false},
      {"dispute_win_rate", Unit::kPercent, "disputes", "dispute win rate",
       "won / (won + lost) x 100 [M-DISPUTES]", "", true},
      {"next_dispute_deadline", Unit::kDate, "disputes", "next evidence deadline",
       "earliest store-local due_by among disputes needing a response [M-DISPUTES]", "", false},
      // ------------------------------------------------------------- reports
      {"orders_in_status", Unit::kCount, "orders,reports", "orders",
       "orders created up to today whose current status is the one asked [M-STATUS]", "status",
       false},
  };
  return kMetrics;
}

const MetricInfo* FindMetric(std::string_view name) {
  for (const MetricInfo& m : AllMetrics()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

std::vector<std::string> SplitCsv(std::string_view csv) { return SplitNonEmpty(csv, ','); }

bool SupportsDimension(const MetricInfo& m, std::string_view dimension) {
  if (dimension.empty()) return true;
  for (const std::string& d : SplitCsv(m.dimensions)) {
    if (d == dimension) return true;
  }
  return false;
}

const std::vector<CountryName>& Countries() {
  static const std::vector<CountryName> kCountries = {
      {"US", "United States",
       "united states of america|usa|us|america|the us|the states|american|americans|us "
       "customers|us buyers"},
      {"GB", "United Kingdom",
       "uk|great britain|britain|england|the uk|british|brits|brit|english|uk customers"},
      {"CA", "Canada", "canadian|canadians"},
      {"DE", "Germany", "deutschland|german|germans"},
      {"AU", "Australia", "australian|australians|aussie|aussies"},
      {"FR", "France", "french"},
      {"NL", "Netherlands", "the netherlands|holland|dutch"},
      {"IE", "Ireland", "irish"},
      {"NZ", "New Zealand", "kiwis|new zealanders"},
      {"SE", "Sweden", "swedish|swedes"},
      {"ES", "Spain", "spanish|spaniards"},
      {"IT", "Italy", "italian|italians"},
      {"PT", "Portugal", "portuguese"},
      {"BE", "Belgium", "belgian|belgians"},
      {"AT", "Austria", "austrian|austrians"},
      {"CH", "Switzerland", "swiss"},
      {"DK", "Denmark", "danish|danes"},
      {"NO", "Norway", "norwegian|norwegians"},
      {"FI", "Finland", "finnish|finns"},
      {"PL", "Poland", ""},
      {"CZ", "Czech Republic", "czechia|czech"},
      {"GR", "Greece", "greek|greeks"},
      {"HU", "Hungary", "hungarian|hungarians"},
      {"RO", "Romania", "romanian|romanians"},
      {"BG", "Bulgaria", ""},
      {"HR", "Croatia", ""},
      {"SK", "Slovakia", ""},
      {"SI", "Slovenia", ""},
      {"LU", "Luxembourg", ""},
      {"EE", "Estonia", ""},
      {"LV", "Latvia", ""},
      {"LT", "Lithuania", ""},
      {"IS", "Iceland", ""},
      {"JP", "Japan", "japanese"},
      {"CN", "China", "chinese"},
      {"KR", "South Korea", "korea|korean|koreans"},
      {"IN", "India", "indian|indians"},
      {"SG", "Singapore", "singaporean|singaporeans"},
      {"HK", "Hong Kong", ""},
      {"MY", "Malaysia", ""},
      {"TH", "Thailand", ""},
      {"PH", "Philippines", ""},
      {"ID", "Indonesia", ""},
      {"VN", "Vietnam", ""},
      {"AE", "United Arab Emirates", "uae"},
      {"SA", "Saudi Arabia", ""},
      {"IL", "Israel", "israeli|israelis"},
      {"TR", "Turkey", "türkiye|turkish"},
      {"ZA", "South Africa", "south african|south africans"},
      {"NG", "Nigeria", ""},
      {"KE", "Kenya", ""},
      {"EG", "Egypt", ""},
      {"MX", "Mexico", "mexican|mexicans"},
      {"BR", "Brazil", "brazilian|brazilians"},
      {"AR", "Argentina", "argentinian|argentinians|argentine"},
      {"CL", "Chile", ""},
      {"CO", "Colombia", ""},
      {"PE", "Peru", ""},
  };
  return kCountries;
}

const std::vector<GatewayName>& KnownGateways() {
  static const std::vector<GatewayName> kGateways = {
      {"bacs", "Direct bank transfer",
       "bank transfer|bank transfers|direct bank transfer|wire transfer|wire transfers|bacs"},
      {"cheque", "Check payments",
       "cheque|cheques|check payment|check payments|by check|paid by check|pay by check"},
      {"cod", "Cash on delivery", "cash on delivery|cod|pay on delivery|cash payments"},
      {"ppcp-gateway", "PayPal", "paypal"},
      {"paypal", "PayPal", "paypal"},
      {"stripe", "Stripe", "stripe"},
      {"square_credit_card", "Square", "square payments|paid with square|paid by square"},
      {"klarna_payments", "Klarna", "klarna"},
      {"afterpay", "Afterpay", "afterpay|clearpay"},
      {"amazon_payments_advanced", "Amazon Pay", "amazon pay"},
  };
  return kGateways;
}

std::string CountryDisplayName(std::string_view code) {
  for (const CountryName& c : Countries()) {
    if (code == c.code) return c.name;
  }
  return code.empty() ? "(none)" : std::string(code);
}

}  // namespace clever::query
