#include "store/schema.h"

#include <string>
#include <vector>

namespace clever::store {
namespace {

// {{ID}} becomes an auto-increment primary key in each dialect. Types are chosen to mean the same
// on SQLite and PostgreSQL: BIGINT for ids, counts and money; TEXT for dates; DOUBLE PRECISION only
// for rates that are not money.
constexpr const char* kMigration1 = R"sql(
-- Accounts (the hub): a merchant (business) has team members; sessions belong to a member.
CREATE TABLE merchants (
  id {{ID}},
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE users (
  id {{ID}},
  merchant_id BIGINT NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
  email TEXT NOT NULL UNIQUE,          -- lower-cased
  display_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,         -- argon2id string from libsodium crypto_pwhash_str
  role TEXT NOT NULL DEFAULT 'member', -- owner | member
  created_at TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,         -- SHA-256 of the cookie value; the cookie itself is never stored
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

-- Connectors: one per WooCommerce store. connectors.id is the store_id of every data table.
-- store_domain (lower-case host[:port] + sub-directory path) is unique in the whole system.
CREATE TABLE connectors (
  id {{ID}},
  merchant_id BIGINT NOT NULL DEFAULT 0, -- 0 = the CLI's local merchant
  name TEXT NOT NULL,
  store_url TEXT NOT NULL,             -- canonical: scheme://host[:port][/path], no trailing slash
  store_domain TEXT NOT NULL UNIQUE,
  auth_mode TEXT NOT NULL,             -- basic | query | oauth1
  key_hint TEXT NOT NULL,              -- "ck_...abcd": the only part of a credential ever shown
  credentials_sealed TEXT NOT NULL,    -- base64 of the vault's AEAD box (nonce + ciphertext)
  key_scope TEXT NOT NULL DEFAULT 'unknown', -- read | read_write | write | unknown
  ca_file TEXT NOT NULL DEFAULT '',
  enabled BIGINT NOT NULL DEFAULT 1,   -- whether conversations use this store
  created_at TEXT NOT NULL,
  last_checked_at TEXT,
  UNIQUE (merchant_id, name)
);

-- What the store told us about itself (discovery + settings/general), refreshed every sync.
CREATE TABLE store_info (
  store_id BIGINT PRIMARY KEY,
  site_name TEXT NOT NULL DEFAULT '',
  home_url TEXT NOT NULL DEFAULT '',
  timezone_string TEXT NOT NULL DEFAULT '',
  gmt_offset DOUBLE PRECISION NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT '',
  price_decimals BIGINT NOT NULL DEFAULT 2,
  wc_version TEXT NOT NULL DEFAULT '',
  has_woopayments BIGINT NOT NULL DEFAULT 0,
  has_refunds_route BIGINT NOT NULL DEFAULT 0,
  supports_modified_after BIGINT NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL DEFAULT ''
);

-- Sync state per store and category (customers, orders, products, coupons, refunds, payments,
-- payouts, disputes, reports). The cursor is written in the same transaction as the rows it covers.
CREATE TABLE sync_state (
  store_id BIGINT NOT NULL,
  category TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', -- pending | syncing | ok | not_available | failed
  records_done BIGINT NOT NULL DEFAULT 0,
  records_total BIGINT NOT NULL DEFAULT 0,
  cursor TEXT NOT NULL DEFAULT '',      -- opaque to everyone but sync/
  last_success_at TEXT,                 -- UTC ISO time of the last complete sync of this category
  last_attempt_at TEXT,
  error_reason TEXT NOT NULL DEFAULT '', -- merchant-facing reason when failed / not_available
  error_hint TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, category)
);

-- ---------------------------------------------------------------- customers (registered accounts)
CREATE TABLE customers (
  store_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  date_created TEXT,
  date_created_gmt TEXT,
  date_modified_gmt TEXT,
  role TEXT NOT NULL DEFAULT '',
  is_paying_customer BIGINT NOT NULL DEFAULT 0,
  first_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  billing_first_name TEXT NOT NULL DEFAULT '',
  billing_last_name TEXT NOT NULL DEFAULT '',
  billing_company TEXT NOT NULL DEFAULT '',
  billing_email TEXT NOT NULL DEFAULT '',
  billing_phone TEXT NOT NULL DEFAULT '',
  billing_city TEXT NOT NULL DEFAULT '',
  billing_state TEXT NOT NULL DEFAULT '',
  billing_postcode TEXT NOT NULL DEFAULT '',
  billing_country TEXT NOT NULL DEFAULT '',
  shipping_city TEXT NOT NULL DEFAULT '',
  shipping_state TEXT NOT NULL DEFAULT '',
  shipping_postcode TEXT NOT NULL DEFAULT '',
  shipping_country TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, id)
);

-- ---------------------------------------------------------------- orders and their lines
CREATE TABLE orders (
  store_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  parent_id BIGINT NOT NULL DEFAULT 0,
  number TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  currency TEXT NOT NULL DEFAULT '',
  created_via TEXT NOT NULL DEFAULT '',
  date_created TEXT NOT NULL,           -- store-local
  date_created_gmt TEXT,
  date_modified TEXT,
  date_modified_gmt TEXT,
  date_paid TEXT,
  date_paid_gmt TEXT,
  date_completed TEXT,
  date_completed_gmt TEXT,
  customer_id BIGINT NOT NULL DEFAULT 0, -- 0 = guest
  prices_include_tax BIGINT NOT NULL DEFAULT 0,
  discount_total_minor BIGINT NOT NULL DEFAULT 0,
  discount_tax_minor BIGINT NOT NULL DEFAULT 0,
  shipping_total_minor BIGINT NOT NULL DEFAULT 0,
  shipping_tax_minor BIGINT NOT NULL DEFAULT 0,
  cart_tax_minor BIGINT NOT NULL DEFAULT 0,
  total_minor BIGINT NOT NULL DEFAULT 0,
  total_tax_minor BIGINT NOT NULL DEFAULT 0,
  payment_method TEXT NOT NULL DEFAULT '',
  payment_method_title TEXT NOT NULL DEFAULT '',
  transaction_id TEXT NOT NULL DEFAULT '',
  billing_first_name TEXT NOT NULL DEFAULT '',
  billing_last_name TEXT NOT NULL DEFAULT '',
  billing_company TEXT NOT NULL DEFAULT '',
  billing_email TEXT NOT NULL DEFAULT '',
  billing_phone TEXT NOT NULL DEFAULT '',
  billing_city TEXT NOT NULL DEFAULT '',
  billing_state TEXT NOT NULL DEFAULT '',
  billing_postcode TEXT NOT NULL DEFAULT '',
  billing_country TEXT NOT NULL DEFAULT '',
  shipping_city TEXT NOT NULL DEFAULT '',
  shipping_state TEXT NOT NULL DEFAULT '',
  shipping_postcode TEXT NOT NULL DEFAULT '',
  shipping_country TEXT NOT NULL DEFAULT '',
  refund_count BIGINT NOT NULL DEFAULT 0, -- entries in the order's refunds[] (sync: which orders to ask)
  PRIMARY KEY (store_id, id)
);
CREATE INDEX orders_by_date ON orders (store_id, date_created);
CREATE INDEX orders_by_customer ON orders (store_id, customer_id);

CREATE TABLE order_line_items (
  store_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  product_id BIGINT NOT NULL DEFAULT 0,
  variation_id BIGINT NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  parent_name TEXT NOT NULL DEFAULT '',
  sku TEXT NOT NULL DEFAULT '',
  quantity BIGINT NOT NULL DEFAULT 0,
  subtotal_minor BIGINT NOT NULL DEFAULT 0,
  total_minor BIGINT NOT NULL DEFAULT 0,
  total_tax_minor BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, order_id, id)
);
CREATE INDEX line_items_by_product ON order_line_items (store_id, product_id);

CREATE TABLE order_tax_lines (
  store_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  rate_code TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  tax_total_minor BIGINT NOT NULL DEFAULT 0,
  shipping_tax_total_minor BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, order_id, id)
);

CREATE TABLE order_shipping_lines (
  store_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  method_id TEXT NOT NULL DEFAULT '',
  method_title TEXT NOT NULL DEFAULT '',
  total_minor BIGINT NOT NULL DEFAULT 0,
  total_tax_minor BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, order_id, id)
);

CREATE TABLE order_fee_lines (
  store_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  total_minor BIGINT NOT NULL DEFAULT 0,
  total_tax_minor BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, order_id, id)
);

CREATE TABLE order_coupon_lines (
  store_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  code TEXT NOT NULL DEFAULT '',       -- lower-cased
  discount_minor BIGINT NOT NULL DEFAULT 0,
  discount_tax_minor BIGINT NOT NULL DEFAULT 0,
  discount_type TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, order_id, id)
);
CREATE INDEX coupon_lines_by_code ON order_coupon_lines (store_id, code);

-- ---------------------------------------------------------------- products, variations, inventory
CREATE TABLE products (
  store_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  slug TEXT NOT NULL DEFAULT '',
  type TEXT NOT NULL DEFAULT '',        -- simple | variable | grouped | external | ...
  status TEXT NOT NULL DEFAULT '',      -- publish | draft | pending | private
  sku TEXT NOT NULL DEFAULT '',
  price_minor BIGINT,                   -- NULL when the store sends ""
  regular_price_minor BIGINT,
  sale_price_minor BIGINT,
  on_sale BIGINT NOT NULL DEFAULT 0,
  total_sales BIGINT NOT NULL DEFAULT 0,
  manage_stock BIGINT NOT NULL DEFAULT 0,
  stock_quantity BIGINT,
  stock_status TEXT NOT NULL DEFAULT '',
  backorders TEXT NOT NULL DEFAULT '',
  low_stock_amount BIGINT,
  parent_id BIGINT NOT NULL DEFAULT 0,
  date_created TEXT,
  date_created_gmt TEXT,
  date_modified_gmt TEXT,
  PRIMARY KEY (store_id, id)
);

CREATE TABLE product_categories (      -- assignment of a product to a category, as the product lists it
  store_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  slug TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, product_id, category_id)
);

CREATE TABLE categories (              -- /products/categories
  store_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  slug TEXT NOT NULL DEFAULT '',
  parent BIGINT NOT NULL DEFAULT 0,
  count BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, id)
);

CREATE TABLE product_tags (
  store_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  tag_id BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, product_id, tag_id)
);

CREATE TABLE variations (
  store_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  parent_id BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  sku TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  price_minor BIGINT,
  regular_price_minor BIGINT,
  sale_price_minor BIGINT,
  on_sale BIGINT NOT NULL DEFAULT 0,
  manage_stock BIGINT NOT NULL DEFAULT 0, -- 0 false, 1 true, 2 "parent" (stock kept on the parent)
  stock_quantity BIGINT,
  stock_status TEXT NOT NULL DEFAULT '',
  date_created_gmt TEXT,
  date_modified_gmt TEXT,
  PRIMARY KEY (store_id, id)
);
CREATE INDEX variations_by_parent ON variations (store_id, parent_id);

CREATE TABLE variation_attributes (    -- in the order the variation lists them
  store_id BIGINT NOT NULL,
  variation_id BIGINT NOT NULL,
  position BIGINT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  option TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, variation_id, position)
);

-- ---------------------------------------------------------------- coupons
CREATE TABLE coupons (
  store_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  code TEXT NOT NULL DEFAULT '',        -- lower-cased
  status TEXT NOT NULL DEFAULT '',
  discount_type TEXT NOT NULL DEFAULT '',
  amount TEXT NOT NULL DEFAULT '',      -- a percent or a money value, as the store sends it
  usage_count BIGINT NOT NULL DEFAULT 0,
  usage_limit BIGINT,
  usage_limit_per_user BIGINT,
  date_expires TEXT,
  date_expires_gmt TEXT,
  free_shipping BIGINT NOT NULL DEFAULT 0,
  minimum_amount_minor BIGINT,
  maximum_amount_minor BIGINT,
  individual_use BIGINT NOT NULL DEFAULT 0,
  exclude_sale_items BIGINT NOT NULL DEFAULT 0,
  date_created TEXT,
  date_created_gmt TEXT,
  date_modified_gmt TEXT,
  PRIMARY KEY (store_id, id)
);

-- ---------------------------------------------------------------- refunds
CREATE TABLE refunds (
  store_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  date_created TEXT NOT NULL,           -- store-local
  date_created_gmt TEXT,
  amount_minor BIGINT NOT NULL DEFAULT 0, -- positive
  reason TEXT NOT NULL DEFAULT '',
  refunded_payment BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, id)
);
CREATE INDEX refunds_by_order ON refunds (store_id, order_id);

CREATE TABLE refund_line_items (
  store_id BIGINT NOT NULL,
  refund_id BIGINT NOT NULL,
  id BIGINT NOT NULL,
  product_id BIGINT NOT NULL DEFAULT 0,
  variation_id BIGINT NOT NULL DEFAULT 0,
  quantity BIGINT NOT NULL DEFAULT 0,   -- negative, as WooCommerce returns it
  total_minor BIGINT NOT NULL DEFAULT 0, -- negative
  total_tax_minor BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, refund_id, id)
);

-- ---------------------------------------------------------------- payments
-- The payment record of each order is read from orders (payment_method, payment_method_title,
-- transaction_id, date_paid, total_minor, status) through this view.
CREATE VIEW payments AS
  SELECT store_id, id AS order_id, number, status, payment_method, payment_method_title,
         transaction_id, date_paid, date_paid_gmt, total_minor AS amount_minor, currency
  FROM orders;

CREATE TABLE payment_gateways (        -- `settings` is never requested
  store_id BIGINT NOT NULL,
  id TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  enabled BIGINT NOT NULL DEFAULT 0,
  method_title TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, id)
);

CREATE TABLE payment_transactions (    -- WooPayments ledger; amounts in minor units as sent
  store_id BIGINT NOT NULL,
  transaction_id TEXT NOT NULL,
  date TEXT,                            -- UTC "YYYY-MM-DD HH:MM:SS"
  type TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  amount_minor BIGINT NOT NULL DEFAULT 0,
  fees_minor BIGINT NOT NULL DEFAULT 0,
  net_minor BIGINT NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT '',
  order_id BIGINT NOT NULL DEFAULT 0,
  deposit_id TEXT NOT NULL DEFAULT '',
  deposit_status TEXT NOT NULL DEFAULT '',
  available_on TEXT,
  risk_level BIGINT,
  PRIMARY KEY (store_id, transaction_id)
);

-- ---------------------------------------------------------------- payouts (WooPayments deposits)
CREATE TABLE payouts (
  store_id BIGINT NOT NULL,
  id TEXT NOT NULL,                     -- po_...
  date_ms BIGINT,                       -- arrival date, unix milliseconds (midnight UTC)
  created BIGINT,                       -- unix seconds
  type TEXT NOT NULL DEFAULT 'deposit', -- deposit | withdrawal
  amount_minor BIGINT NOT NULL DEFAULT 0,
  fee_minor BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT '',
  currency TEXT NOT NULL DEFAULT '',    -- lower-case as sent
  automatic BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, id)
);

-- ---------------------------------------------------------------- disputes (WooPayments)
CREATE TABLE disputes (
  store_id BIGINT NOT NULL,
  dispute_id TEXT NOT NULL,             -- dp_...
  charge_id TEXT NOT NULL DEFAULT '',
  order_number TEXT NOT NULL DEFAULT '',
  amount_minor BIGINT NOT NULL DEFAULT 0,
  currency TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  created TEXT,                         -- UTC "YYYY-MM-DD HH:MM:SS"
  due_by TEXT,                          -- UTC
  source TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, dispute_id)
);

-- ---------------------------------------------------------------- reports (the store's own figures)
CREATE TABLE report_totals (           -- /reports/{orders,products,customers,coupons,reviews}/totals
  store_id BIGINT NOT NULL,
  report TEXT NOT NULL,                 -- orders | products | customers | coupons | reviews
  slug TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  total BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (store_id, report, slug)
);
CREATE TABLE report_sales (            -- /reports/sales?period=... summaries
  store_id BIGINT NOT NULL,
  period TEXT NOT NULL,                 -- week | month | last_month | year | YYYY-MM-DD..YYYY-MM-DD
  total_sales_minor BIGINT NOT NULL DEFAULT 0,
  net_sales_minor BIGINT NOT NULL DEFAULT 0,
  total_orders BIGINT NOT NULL DEFAULT 0,
  total_items BIGINT NOT NULL DEFAULT 0,
  total_tax_minor BIGINT NOT NULL DEFAULT 0,
  total_shipping_minor BIGINT NOT NULL DEFAULT 0,
  total_refunds_minor BIGINT NOT NULL DEFAULT 0,
  total_discount_minor BIGINT NOT NULL DEFAULT 0,
  total_customers BIGINT NOT NULL DEFAULT 0,
  fetched_at TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (store_id, period)
);

-- ---------------------------------------------------------------- conversations (assistant)
CREATE TABLE conversations (
  id {{ID}},
  merchant_id BIGINT NOT NULL DEFAULT 0,
  user_id BIGINT NOT NULL DEFAULT 0,
  title TEXT NOT NULL DEFAULT '',
  context TEXT NOT NULL DEFAULT '',    -- the previous question's intent, serialised by query/
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE messages (
  id {{ID}},
  conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role TEXT NOT NULL,                  -- user | assistant
  content TEXT NOT NULL,               -- the question, or the answer object as JSON
  created_at TEXT NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
)sql";

// Migration 2: what the assistant needs to answer fast on big stores (query_bench, 1M orders).
// Indexes for customer and name lookups, and tables DERIVED from the synced orders and
// refunds by store/derived.h (rebuilt after every sync; never written by anything else). The
// assistant reads them only while derived_state.marker still matches sync_state, else it answers
// from the orders themselves (same figures, slower).
constexpr const char* kMigration2 = R"sql(
-- A guest's orders by e-mail (query: customer filters, names); names typed in a question
-- (query/store_names.cc looks them up one (first, last) pair at a time on big stores).
CREATE INDEX orders_by_billing_email ON orders (store_id, lower(trim(billing_email)), customer_id);
CREATE INDEX orders_by_billing_name ON orders (store_id, lower(billing_last_name),
                                               lower(billing_first_name));
CREATE INDEX customers_by_name ON customers (store_id, lower(last_name), lower(first_name));
CREATE INDEX customers_by_email ON customers (store_id, lower(email));
-- Payments received in a period [M-PAYMENTS] (by the date paid).
CREATE INDEX orders_by_date_paid ON orders (store_id, date_paid);

-- One row per customer (the metrics.md customer key: account id, else guest e-mail, else order)
-- over ALL sales orders (completed/processing/on-hold) [M-NEW] [M-REPEAT] [M-LTV] [M-LAPSED]
-- [M-CUSTOMER-COUNTRY]. Valid for an as-of date on or after derived_state.through.
CREATE TABLE customer_summary (
  store_id BIGINT NOT NULL,
  ck TEXT NOT NULL,                     -- c:<id> | e:<lower(trim(email))> | o:<order id>
  first_at TEXT NOT NULL,               -- store-local date_created of the first sales order
  last_at TEXT NOT NULL,                -- ... of the latest
  order_count BIGINT NOT NULL,
  ltv_minor BIGINT NOT NULL,            -- sum of totals minus those orders' refunds
  last_country TEXT NOT NULL DEFAULT '',-- billing country of the latest (date, id) sales order
  PRIMARY KEY (store_id, ck)
);
CREATE INDEX customer_summary_by_first ON customer_summary (store_id, first_at);
CREATE INDEX customer_summary_by_last ON customer_summary (store_id, last_at);
CREATE INDEX customer_summary_by_count ON customer_summary (store_id, order_count);

-- Orders per store-local day, status and billing country (every status), exact sums.
CREATE TABLE daily_orders (
  store_id BIGINT NOT NULL,
  day TEXT NOT NULL,                    -- substr(date_created, 1, 10)
  status TEXT NOT NULL,
  country TEXT NOT NULL,
  orders BIGINT NOT NULL,
  guest_orders BIGINT NOT NULL,
  total_minor BIGINT NOT NULL,
  shipping_minor BIGINT NOT NULL,
  tax_minor BIGINT NOT NULL,
  discount_minor BIGINT NOT NULL,
  max_total_minor BIGINT NOT NULL,
  PRIMARY KEY (store_id, day, status, country)
);

-- Line items of sales orders (completed/processing/on-hold) per store-local day, product and
-- variation: units and line totals, and the names the assistant shows.
CREATE TABLE daily_products (
  store_id BIGINT NOT NULL,
  day TEXT NOT NULL,
  product_id BIGINT NOT NULL,
  variation_id BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  total_minor BIGINT NOT NULL,
  product_name TEXT NOT NULL,           -- MAX(parent_name, else name) of the lines
  line_name TEXT NOT NULL,              -- MAX(name)
  PRIMARY KEY (store_id, day, product_id, variation_id)
);

CREATE TABLE derived_state (
  store_id BIGINT NOT NULL PRIMARY KEY,
  marker TEXT NOT NULL,                 -- sync_state of orders/refunds when built
  through TEXT NOT NULL,                -- latest order date_created covered
  refunds_through TEXT NOT NULL,        -- latest refund date_created covered
  content TEXT NOT NULL DEFAULT '',     -- fingerprint of the orders/lines/refunds summarised
  built_at TEXT NOT NULL,
  build_ms BIGINT NOT NULL DEFAULT 0
);
)sql";

// Migration 3: the derived tables refreshed incrementally, and more of them (store/derived.h).
// Triggers on orders, their line items and coupon lines, and refunds record which store-local
// days and which customer keys changed since the last build (only while the store has a
// derived_state row: the first full sync writes no change log, its refresh is a full build), so
// RefreshDerived recomputes only those. derived_state is emptied: the next refresh rebuilds
// everything, including the new tables.
constexpr const char* kMigration3 = R"sql(
-- Days (substr(date_created, 1, 10)) whose orders, line items or coupon lines changed.
CREATE TABLE derived_dirty_days (
  store_id BIGINT NOT NULL,
  day TEXT NOT NULL,
  PRIMARY KEY (store_id, day)
);
-- Customer keys (store/derived.h kOrderCustomerKeySql) whose sales orders or refunds changed, with
-- the key's parts typed for indexed lookups: the account id (c:), the e-mail (e:), the order (o:).
CREATE TABLE derived_dirty_customers (
  store_id BIGINT NOT NULL,
  ck TEXT NOT NULL,
  customer_id BIGINT NOT NULL,          -- > 0 for c:<id>, else 0
  email TEXT NOT NULL,                  -- lower(trim(billing_email)) for e:, else ''
  order_id BIGINT NOT NULL,             -- the order for o:<id>, else 0
  PRIMARY KEY (store_id, ck)
);

-- Coupon lines of sales orders per store-local day and code [M-COUPON-USES] [M-DISCOUNTS].
CREATE TABLE daily_coupons (
  store_id BIGINT NOT NULL,
  day TEXT NOT NULL,
  code TEXT NOT NULL,
  orders BIGINT NOT NULL,               -- distinct orders with the code
  discount_minor BIGINT NOT NULL,       -- sum of the lines' discount
  PRIMARY KEY (store_id, day, code)
);

-- Orders per store-local day, status and payment method [M-PAYMENT-METHOD] [M-PAYMENT-MIX].
CREATE TABLE daily_payments (
  store_id BIGINT NOT NULL,
  day TEXT NOT NULL,
  status TEXT NOT NULL,
  method TEXT NOT NULL,                 -- title, else gateway id, else '(none)' (trimmed)
  gateway TEXT NOT NULL,                -- orders.payment_method as stored
  orders BIGINT NOT NULL,
  total_minor BIGINT NOT NULL,
  PRIMARY KEY (store_id, day, status, method, gateway)
);

-- Sales orders per customer and calendar month (grain 'm', period substr(date_created, 1, 7)) and
-- year (grain 'y', period substr(date_created, 1, 4)): count, totals net of ALL their refunds,
-- and the customer's first sales order ever (customer_summary.first_at).
CREATE TABLE customer_periods (
  store_id BIGINT NOT NULL,
  grain TEXT NOT NULL,
  period TEXT NOT NULL,
  ck TEXT NOT NULL,
  orders BIGINT NOT NULL,
  net_minor BIGINT NOT NULL,
  first_at TEXT NOT NULL,
  PRIMARY KEY (store_id, ck, grain, period)
);
-- Rankings by spend in a period, and its customers by first order (returning customers).
CREATE INDEX customer_periods_by_net ON customer_periods (store_id, grain, period, net_minor,
                                                          first_at);

-- Orders awaiting payment [M-UNPAID] (a few percent of the orders), listed from the index
-- alone. query/sql.cc repeats this WHERE text exactly (SQLite uses a partial index only then).
CREATE INDEX orders_unpaid ON orders (store_id, date_created, number, total_minor)
  WHERE (date_paid IS NULL OR date_paid = '') AND status NOT IN
    ('cancelled','failed','refunded','trash','checkout-draft','draft');

-- Units and line totals of sales orders per product and variation, per calendar month (grain
-- 'm') and year (grain 'y'): daily_products summed (periods exact as for customer_periods).
CREATE TABLE product_periods (
  store_id BIGINT NOT NULL,
  grain TEXT NOT NULL,
  period TEXT NOT NULL,
  product_id BIGINT NOT NULL,
  variation_id BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  total_minor BIGINT NOT NULL,
  product_name TEXT NOT NULL,
  line_name TEXT NOT NULL,
  PRIMARY KEY (store_id, grain, period, product_id, variation_id)
);

-- Refunds per store-local day of the REFUND and trimmed reason [M-REFUNDS].
CREATE TABLE daily_refunds (
  store_id BIGINT NOT NULL,
  day TEXT NOT NULL,                    -- substr(refunds.date_created, 1, 10)
  reason TEXT NOT NULL,                 -- trim(reason)
  refunds BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL,
  max_amount_minor BIGINT NOT NULL,
  PRIMARY KEY (store_id, day, reason)
);

-- Refunds per day of their order (every refund of the order, whatever its date) [M-NET]
-- [M-REFUND-RATE]: orders with at least one refund, and the refunds' sum.
ALTER TABLE daily_orders ADD COLUMN refunded_orders BIGINT NOT NULL DEFAULT 0;
ALTER TABLE daily_orders ADD COLUMN refunds_minor BIGINT NOT NULL DEFAULT 0;

-- Sign-ups in a period [M-SIGNUPS]; refunds in a period [M-REFUNDS] (covering).
CREATE INDEX customers_by_created ON customers (store_id, date_created);
CREATE INDEX refunds_by_date ON refunds (store_id, date_created, amount_minor, reason);

-- 1 when some order's date_created does not start with a well-formed YYYY-MM-DD (then only the
-- per-day tables are used: month and year periods of customer_periods would not match ranges).
ALTER TABLE derived_state ADD COLUMN odd_dates BIGINT NOT NULL DEFAULT 0;
DELETE FROM derived_state;
)sql";

// The change log's triggers. SQLite: row triggers, skipped (WHEN) while the store has no
// derived_state row. `INSERT .. WHERE NOT EXISTS` rather than INSERT OR IGNORE: the conflict
// policy of the statement that fires a trigger (the sync's upserts: ABORT) overrides the
// trigger's own. The customer key is kOrderCustomerKeySql (store/derived.h) over one orders row.
std::string SqliteDirtyDay(const std::string& r) {
  const std::string day = "substr(" + r + ".date_created, 1, 10)";
  return "INSERT INTO derived_dirty_days (store_id, day) SELECT " + r + ".store_id, " + day +
         " WHERE NOT EXISTS (SELECT 1 FROM derived_dirty_days dd WHERE dd.store_id = " + r +
         ".store_id AND dd.day = " + day + ");\n";
}

// `from` is empty (r is NEW or OLD) or a FROM/WHERE clause binding r.
std::string SqliteDirtyCustomer(const std::string& r, const std::string& from) {
  const std::string ck = "(CASE WHEN " + r + ".customer_id > 0 THEN 'c:' || CAST(" + r +
                         ".customer_id AS TEXT) WHEN trim(" + r +
                         ".billing_email) <> '' THEN 'e:' || lower(trim(" + r +
                         ".billing_email)) ELSE 'o:' || CAST(" + r + ".id AS TEXT) END)";
  return "INSERT INTO derived_dirty_customers (store_id, ck, customer_id, email, order_id) "
         "SELECT " +
         r + ".store_id, " + ck + ", CASE WHEN " + r + ".customer_id > 0 THEN " + r +
         ".customer_id ELSE 0 END, CASE WHEN " + r + ".customer_id > 0 THEN '' ELSE lower(trim(" +
         r + ".billing_email)) END, CASE WHEN " + r + ".customer_id <= 0 AND trim(" + r +
         ".billing_email) = '' THEN " + r + ".id ELSE 0 END" + from +
         (from.empty() ? " WHERE" : " AND") +
         " NOT EXISTS (SELECT 1 FROM derived_dirty_customers dc WHERE dc.store_id = " + r +
         ".store_id AND dc.ck = " + ck + ");\n";
}

std::string SqliteTriggers() {
  std::string out;
  auto when = [](const std::string& r) {
    return " WHEN EXISTS (SELECT 1 FROM derived_state ds WHERE ds.store_id = " + r +
           ".store_id) BEGIN\n";
  };
  struct E {
    const char* event;
    std::vector<std::string> rows;
  };
  const E events[] = {{"INSERT", {"NEW"}}, {"DELETE", {"OLD"}}, {"UPDATE", {"OLD", "NEW"}}};
  for (const E& e : events) {
    for (const std::string& r : e.rows) {
      out += std::string("CREATE TRIGGER orders_dirty_") + e.event + "_" + r + " AFTER " + e.event +
             " ON orders" + when(r) + SqliteDirtyDay(r) + SqliteDirtyCustomer(r, "") + "END;\n";
      // Line items and coupon lines: the day of their order; refunds: its customer. An order
      // written after its children marks itself.
      for (const char* t : {"order_line_items", "order_coupon_lines"}) {
        out += std::string("CREATE TRIGGER ") + t + "_dirty_" + e.event + "_" + r + " AFTER " +
               e.event + " ON " + t + when(r) +
               "INSERT INTO derived_dirty_days (store_id, day) SELECT o.store_id, "
               "substr(o.date_created, 1, 10) FROM orders o WHERE o.store_id = " +
               r + ".store_id AND o.id = " + r +
               ".order_id AND NOT EXISTS (SELECT 1 FROM derived_dirty_days dd WHERE dd.store_id "
               "= o.store_id AND dd.day = substr(o.date_created, 1, 10));\nEND;\n";
      }
      out += std::string("CREATE TRIGGER refunds_dirty_") + e.event + "_" + r + " AFTER " +
             e.event + " ON refunds" + when(r) +
             SqliteDirtyCustomer("o", " FROM orders o WHERE o.store_id = " + r +
                                          ".store_id AND o.id = " + r + ".order_id") +
             SqliteDirtyDay(r) +
             "INSERT INTO derived_dirty_days (store_id, day) SELECT o.store_id, "
             "substr(o.date_created, 1, 10) FROM orders o WHERE o.store_id = " +
             r + ".store_id AND o.id = " + r +
             ".order_id AND NOT EXISTS (SELECT 1 FROM derived_dirty_days dd WHERE dd.store_id "
             "= o.store_id AND dd.day = substr(o.date_created, 1, 10));\nEND;\n";
    }
  }
  return out;
}

// PostgreSQL: statement triggers over the transition tables (one call per multi-row statement),
// the same rows as SQLite's. Each function reads the transition table `changed`.
constexpr const char* kMigration3Postgres = R"sql(
CREATE FUNCTION clever_dirty_orders() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO derived_dirty_days (store_id, day)
    SELECT DISTINCT c.store_id, substr(c.date_created, 1, 10) FROM changed c
    WHERE EXISTS (SELECT 1 FROM derived_state ds WHERE ds.store_id = c.store_id)
    ON CONFLICT DO NOTHING;
  INSERT INTO derived_dirty_customers (store_id, ck, customer_id, email, order_id)
    SELECT DISTINCT c.store_id,
      CASE WHEN c.customer_id > 0 THEN 'c:' || CAST(c.customer_id AS TEXT)
           WHEN trim(c.billing_email) <> '' THEN 'e:' || lower(trim(c.billing_email))
           ELSE 'o:' || CAST(c.id AS TEXT) END,
      CASE WHEN c.customer_id > 0 THEN c.customer_id ELSE 0 END,
      CASE WHEN c.customer_id > 0 THEN '' ELSE lower(trim(c.billing_email)) END,
      CASE WHEN c.customer_id <= 0 AND trim(c.billing_email) = '' THEN c.id ELSE 0 END
    FROM changed c
    WHERE EXISTS (SELECT 1 FROM derived_state ds WHERE ds.store_id = c.store_id)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$;
CREATE FUNCTION clever_dirty_order_children() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO derived_dirty_days (store_id, day)
    SELECT DISTINCT o.store_id, substr(o.date_created, 1, 10)
    FROM (SELECT DISTINCT store_id, order_id FROM changed) c
    JOIN orders o ON o.store_id = c.store_id AND o.id = c.order_id
    WHERE EXISTS (SELECT 1 FROM derived_state ds WHERE ds.store_id = c.store_id)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$;
CREATE FUNCTION clever_dirty_refunds() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO derived_dirty_customers (store_id, ck, customer_id, email, order_id)
    SELECT DISTINCT o.store_id,
      CASE WHEN o.customer_id > 0 THEN 'c:' || CAST(o.customer_id AS TEXT)
           WHEN trim(o.billing_email) <> '' THEN 'e:' || lower(trim(o.billing_email))
           ELSE 'o:' || CAST(o.id AS TEXT) END,
      CASE WHEN o.customer_id > 0 THEN o.customer_id ELSE 0 END,
      CASE WHEN o.customer_id > 0 THEN '' ELSE lower(trim(o.billing_email)) END,
      CASE WHEN o.customer_id <= 0 AND trim(o.billing_email) = '' THEN o.id ELSE 0 END
    FROM (SELECT DISTINCT store_id, order_id FROM changed) c
    JOIN orders o ON o.store_id = c.store_id AND o.id = c.order_id
    WHERE EXISTS (SELECT 1 FROM derived_state ds WHERE ds.store_id = c.store_id)
    ON CONFLICT DO NOTHING;
  INSERT INTO derived_dirty_days (store_id, day)
    SELECT DISTINCT o.store_id, substr(o.date_created, 1, 10)
    FROM (SELECT DISTINCT store_id, order_id FROM changed) c
    JOIN orders o ON o.store_id = c.store_id AND o.id = c.order_id
    WHERE EXISTS (SELECT 1 FROM derived_state ds WHERE ds.store_id = c.store_id)
    ON CONFLICT DO NOTHING;
  INSERT INTO derived_dirty_days (store_id, day)
    SELECT DISTINCT c.store_id, substr(c.date_created, 1, 10) FROM changed c
    WHERE EXISTS (SELECT 1 FROM derived_state ds WHERE ds.store_id = c.store_id)
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$;
)sql";

std::string PostgresTriggers() {
  std::string out = kMigration3Postgres;
  struct T {
    const char* table;
    const char* fn;
  };
  for (const T& t :
       {T{"orders", "clever_dirty_orders"}, T{"order_line_items", "clever_dirty_order_children"},
        T{"order_coupon_lines", "clever_dirty_order_children"},
        T{"refunds", "clever_dirty_refunds"}}) {
    struct E {
      const char* name;
      const char* event;
      const char* which;
    };
    for (const E& e : {E{"ins", "INSERT", "NEW"}, E{"del", "DELETE", "OLD"},
                       E{"upd_old", "UPDATE", "OLD"}, E{"upd_new", "UPDATE", "NEW"}}) {
      out += std::string("CREATE TRIGGER ") + t.table + "_dirty_" + e.name + " AFTER " + e.event +
             " ON " + t.table + " REFERENCING " + e.which +
             " TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION " + t.fn + "();\n";
    }
  }
  return out;
}

// Migration 4: a customer's orders in date order (store/derived.cc: a changed customer's orders of
// one month, and its first and latest sales order, without reading all of its orders).
constexpr const char* kMigration4 = R"sql(
DROP INDEX IF EXISTS orders_by_customer;
CREATE INDEX orders_by_customer ON orders (store_id, customer_id, date_created);
)sql";

std::string ForDialect(std::string sql, Dialect dialect) {
  const std::string id = dialect == Dialect::kSqlite
                             ? "INTEGER PRIMARY KEY"
                             : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
  for (size_t pos = sql.find("{{ID}}"); pos != std::string::npos; pos = sql.find("{{ID}}", pos)) {
    sql.replace(pos, 6, id);
  }
  return sql;
}

// Each migration's text in one dialect.
std::string MigrationText(size_t index, Dialect dialect) {
  static const std::vector<const char*> kCommon = {kMigration1, kMigration2, kMigration3,
                                                   kMigration4};
  std::string sql = ForDialect(kCommon.at(index), dialect);
  if (index == 2) {
    sql += dialect == Dialect::kSqlite ? SqliteTriggers() : PostgresTriggers();
  }
  return sql;
}

constexpr int kMigrationCount = 4;

// The DDL of index `name` as the latest migration that creates it has it ("" if none does), made
// `IF NOT EXISTS`.
std::string IndexDdl(const std::string& name, Dialect dialect) {
  const std::string head = "CREATE INDEX " + name + " ON ";
  for (size_t i = static_cast<size_t>(kMigrationCount); i-- > 0;) {
    const std::string text = MigrationText(i, dialect);
    const size_t at = text.find(head);
    if (at == std::string::npos) continue;
    const size_t end = text.find(';', at);
    if (end == std::string::npos) return "";
    return "CREATE INDEX IF NOT EXISTS " + text.substr(at + 13, end - at - 13);
  }
  return "";
}

}  // namespace

const std::vector<std::string>& BulkLoadIndexes() {
  static const std::vector<std::string> kNames = {
      "orders_by_date",         "orders_by_customer",   "orders_by_billing_email",
      "orders_by_billing_name", "orders_by_date_paid",  "orders_unpaid",
      "customers_by_name",      "customers_by_email",   "customers_by_created",
      "line_items_by_product",  "coupon_lines_by_code", "refunds_by_date"};
  return kNames;
}

Status DropBulkLoadIndexes(Database& db) {
  if (db.dialect() != Dialect::kSqlite) return OkStatus();
  return db.Transaction([&]() -> Status {
    for (const std::string& name : BulkLoadIndexes()) {
      CLEVER_RETURN_IF_ERROR(db.ExecuteScript("DROP INDEX IF EXISTS " + name));
    }
    return OkStatus();
  });
}

Status RestoreBulkLoadIndexes(Database& db, int* created) {
  if (created != nullptr) *created = 0;
  if (db.dialect() != Dialect::kSqlite) return OkStatus();
  CLEVER_ASSIGN_OR_RETURN(ResultSet rs,
                          db.Query("SELECT name FROM sqlite_master WHERE type = 'index'"));
  std::vector<std::string> missing;
  for (const std::string& name : BulkLoadIndexes()) {
    bool present = false;
    for (const auto& row : rs.rows) present = present || AsString(row[0]) == name;
    if (!present) missing.push_back(name);
  }
  if (missing.empty()) return OkStatus();
  // CREATE INDEX sorts the whole table. With temp_store=MEMORY (the sync's setting) its spilled
  // runs would stay in the process's memory (tens of MB per index at 1M orders); on a file they
  // stay in the OS page cache. Restored afterwards (the connection holds no TEMP objects).
  CLEVER_ASSIGN_OR_RETURN(ResultSet temp, db.Query("PRAGMA temp_store"));
  const int64_t temp_store = temp.rows.empty() ? 0 : AsInt(temp.rows[0][0], 0);
  if (temp_store == 2) CLEVER_RETURN_IF_ERROR(db.ExecuteScript("PRAGMA temp_store = 1"));
  Status built = db.Transaction([&]() -> Status {
    for (const std::string& name : missing) {
      const std::string ddl = IndexDdl(name, db.dialect());
      if (ddl.empty()) return InternalError("no migration creates index " + name);
      CLEVER_RETURN_IF_ERROR(db.ExecuteScript(ddl));
    }
    return OkStatus();
  });
  if (temp_store == 2) (void)db.ExecuteScript("PRAGMA temp_store = 2");
  CLEVER_RETURN_IF_ERROR(built);
  if (created != nullptr) *created = static_cast<int>(missing.size());
  return OkStatus();
}

int CurrentSchemaVersion() { return kMigrationCount; }

Status Migrate(Database& db) {
  CLEVER_RETURN_IF_ERROR(
      db.ExecuteScript("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)"));
  CLEVER_ASSIGN_OR_RETURN(ResultSet rs, db.Query("SELECT max(version) FROM schema_version"));
  int64_t applied = rs.rows.empty() ? 0 : AsInt(rs.rows[0][0], 0);
  if (applied > CurrentSchemaVersion()) {
    return FailedPreconditionError("the database was written by a newer Clever (schema " +
                                   std::to_string(applied) + "); upgrade Clever");
  }
  for (int64_t version = applied + 1; version <= CurrentSchemaVersion(); ++version) {
    CLEVER_RETURN_IF_ERROR(
        db.Transaction([&]() -> Status {
            CLEVER_RETURN_IF_ERROR(
                db.ExecuteScript(MigrationText(static_cast<size_t>(version - 1), db.dialect())));
            return db.Execute("INSERT INTO schema_version (version) VALUES (?)", {Value{version}})
                .status();
          }).WithContext("applying schema migration " + std::to_string(version)));
  }
  return OkStatus();
}

}  // namespace clever::store
