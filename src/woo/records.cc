#include "woo/records.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/money.h"

namespace clever::woo {

const char* const kCustomerFields =
    "id,date_created,date_created_gmt,date_modified_gmt,role,is_paying_customer,first_name,"
    "last_name,email,billing.first_name,billing.last_name,billing.company,billing.email,"
    "billing.phone,billing.city,billing.state,billing.postcode,billing.country,shipping.city,"
    "shipping.state,shipping.postcode,shipping.country";
const char* const kOrderFields =
    "id,parent_id,number,status,currency,created_via,date_created,date_created_gmt,date_modified,"
    "date_modified_gmt,date_paid,date_paid_gmt,date_completed,date_completed_gmt,customer_id,"
    "prices_include_tax,discount_total,discount_tax,shipping_total,shipping_tax,cart_tax,total,"
    "total_tax,payment_method,payment_method_title,transaction_id,billing.first_name,"
    "billing.last_name,billing.company,billing.email,billing.phone,billing.city,billing.state,"
    "billing.postcode,billing.country,shipping.city,shipping.state,shipping.postcode,"
    "shipping.country,line_items,tax_lines,shipping_lines,fee_lines,coupon_lines,refunds";
const char* const kProductFields =
    "id,name,slug,type,status,sku,price,regular_price,sale_price,on_sale,total_sales,manage_stock,"
    "stock_quantity,stock_status,backorders,low_stock_amount,categories,tags,date_created,"
    "date_created_gmt,date_modified_gmt,parent_id,variations";
const char* const kVariationFields =
    "id,parent_id,name,sku,status,price,regular_price,sale_price,on_sale,manage_stock,"
    "stock_quantity,stock_status,attributes,date_created_gmt,date_modified_gmt";
const char* const kCategoryFields = "id,name,slug,parent,count";
const char* const kCouponFields =
    "id,code,status,discount_type,amount,usage_count,usage_limit,usage_limit_per_user,"
    "date_expires,date_expires_gmt,free_shipping,minimum_amount,maximum_amount,individual_use,"
    "exclude_sale_items,date_created,date_created_gmt,date_modified_gmt";
const char* const kRefundFields =
    "id,parent_id,date_created,date_created_gmt,amount,reason,refunded_payment,line_items,_links";
const char* const kGatewayFields = "id,title,enabled,method_title";
const char* const kIdFields = "id";
const char* const kTransactionKeys =
    "transaction_id,date,type,channel,source,amount,fees,net,currency,order_id,deposit_id,"
    "deposit_status,available_on,risk_level";
const char* const kPayoutKeys = "id,date,created,type,amount,fee,status,currency,automatic";
const char* const kDisputeKeys =
    "dispute_id,charge_id,order_number,amount,currency,reason,status,created,due_by,source";

namespace {

using json = nlohmann::json;

// Max nesting depth of `text` (outside strings); stops counting past the limit.
bool DepthWithin(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escape = false;
  for (char c : text) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string Snippet(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 60)) {
    out += (std::isprint(static_cast<unsigned char>(c)) != 0) ? c : ' ';
  }
  return out;
}

// Parses a whole body as JSON. Tolerates PHP notices/warnings printed before the JSON (a common
// misconfiguration): when the body starts with such text, the JSON from the first line that
// starts with '[' or '{' is used, and only if it parses to the very end.
StatusOr<json> ParseBody(std::string_view body) {
  if (!DepthWithin(body, kMaxJsonDepth)) {
    return DataLossError("the store's answer is nested too deeply to be a WooCommerce response");
  }
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded()) return doc;
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] != '[' && body[first] != '{') {
    std::string_view head = body.substr(0, std::min<size_t>(body.size(), 4096));
    bool php_notice = head.find("Notice") != std::string_view::npos ||
                      head.find("Warning") != std::string_view::npos ||
                      head.find("Deprecated") != std::string_view::npos;
    if (php_notice) {
      for (size_t pos = body.find('\n'); pos != std::string_view::npos;
           pos = body.find('\n', pos + 1)) {
        if (pos + 1 < body.size() && (body[pos + 1] == '[' || body[pos + 1] == '{')) {
          json rest = json::parse(body.substr(pos + 1), nullptr, false);
          if (!rest.is_discarded()) return rest;
        }
      }
    }
  }
  if (body.empty()) return DataLossError("the store sent an empty answer");
  return DataLossError("the store's answer is not valid JSON (starts with \"" + Snippet(body) +
                       "\")");
}

const json* Get(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string Cap(std::string s) {
  if (s.size() > kMaxTextBytes) {
    size_t cut = kMaxTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 edge
    s.resize(cut);
  }
  return s;
}

std::optional<int64_t> IntOf(const json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer() && !v->is_number_unsigned()) return v->get<int64_t>();
  if (v->is_number_unsigned()) {
    auto u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (v->is_boolean()) return v->get<bool>() ? 1 : 0;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    int64_t out = 0;
    const char* b = s.data();
    const char* e = s.data() + s.size();
    while (b < e && *b == ' ') ++b;
    if (b < e && *b == '+') ++b;
    auto [ptr, ec] = std::from_chars(b, e, out);
    if (ec != std::errc() || ptr != e || b == e) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

// Reads fields of one record, remembering the first hard error (bad id, bad money).
class Reader {
 public:
  Reader(const json& obj, int decimals) : obj_(obj), decimals_(decimals) {}

  [[nodiscard]] const json& obj() const { return obj_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  void Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  std::string Text(const char* key) const { return TextOf(Get(obj_, key)); }
  std::string Sub(const char* object, const char* key) const {
    const json* o = Get(obj_, object);
    return o == nullptr ? std::string() : TextOf(Get(*o, key));
  }
  std::optional<std::string> Date(const char* key) const { return DateOf(Get(obj_, key)); }
  int64_t Int(const char* key, int64_t fallback = 0) const {
    return IntOf(Get(obj_, key)).value_or(fallback);
  }
  std::optional<int64_t> OptInt(const char* key) const { return IntOf(Get(obj_, key)); }
  bool Bool(const char* key) const { return BoolOf(Get(obj_, key)); }
  // Money as a WooCommerce decimal string (numbers accepted). Missing/null/"" -> 0.
  int64_t Money(const char* key) { return OptMoney(key).value_or(0); }
  std::optional<int64_t> OptMoney(const char* key) { return MoneyOf(Get(obj_, key), key); }
  // Money already in minor units (WooPayments).
  int64_t Minor(const char* key) {
    const json* v = Get(obj_, key);
    if (v == nullptr || v->is_null()) return 0;
    auto i = IntOf(v);
    if (!i) Fail(std::string("field ") + key + " is not an amount in minor units");
    return i.value_or(0);
  }
  // Required positive id.
  int64_t Id(const char* key = "id") {
    auto i = IntOf(Get(obj_, key));
    if (!i || *i <= 0) {
      Fail(std::string("missing or invalid ") + key);
      return 0;
    }
    return *i;
  }

  static std::string TextOf(const json* v) {
    if (v == nullptr || v->is_null()) return {};
    if (v->is_string()) return Cap(v->get<std::string>());
    if (v->is_number_integer() || v->is_number_unsigned()) return v->dump();
    if (v->is_number_float()) return v->dump();
    return {};
  }
  static std::optional<std::string> DateOf(const json* v) {
    if (v == nullptr || !v->is_string()) return std::nullopt;
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty() || s.size() > 40) return std::nullopt;
    for (char c : s) {
      if (std::isdigit(static_cast<unsigned char>(c)) == 0 &&
          std::string_view("-:T .Z+").find(c) == std::string_view::npos) {
        return std::nullopt;
      }
    }
    return s;
  }
  static bool BoolOf(const json* v) {
    if (v == nullptr) return false;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_number()) return IntOf(v).value_or(0) != 0;
    if (v->is_string()) {
      const auto& s = v->get_ref<const std::string&>();
      return s == "yes" || s == "true" || s == "1";
    }
    return false;
  }
  std::optional<int64_t> MoneyOf(const json* v, const char* key) {
    if (v == nullptr || v->is_null()) return std::nullopt;
    std::string text;
    if (v->is_string()) {
      text = v->get<std::string>();
      if (text.find_first_not_of(' ') == std::string::npos) return std::nullopt;
    } else if (v->is_number()) {
      text = v->dump();
    } else {
      Fail(std::string("field ") + key + " is not a money amount");
      return std::nullopt;
    }
    auto m = ParseMoney(text, decimals_);
    if (!m.ok()) {
      Fail(std::string("field ") + key + " is not a money amount (\"" + Snippet(text) + "\")");
      return std::nullopt;
    }
    return m->minor;
  }

 private:
  const json& obj_;
  int decimals_;
  std::string error_;
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const json* ListOf(const json& obj, const char* key) {
  const json* v = Get(obj, key);
  return (v != nullptr && v->is_array()) ? v : nullptr;
}

// Maps each element of a JSON array with `map(Reader&, T&)`; bad elements land in skipped.
template <typename T, typename Map>
Page<T> MapArray(const json& array, int decimals, Map map) {
  Page<T> page;
  page.records.reserve(array.size());
  page.keys.reserve(array.size());
  for (const json& item : array) {
    page.keys.push_back({Reader::DateOf(Get(item, "date_modified_gmt")).value_or(""),
                         IntOf(Get(item, "id")).value_or(0)});
    if (!item.is_object()) {
      page.skipped.push_back({0, "an entry is not an object"});
      continue;
    }
    Reader r(item, decimals);
    T rec;
    map(r, rec);
    if (!r.error().empty()) {
      page.skipped.push_back({IntOf(Get(item, "id")).value_or(0), r.error()});
      continue;
    }
    page.records.push_back(std::move(rec));
  }
  return page;
}

template <typename T, typename Map>
StatusOr<Page<T>> ParseList(std::string_view body, int decimals, const char* what, Map map) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (!doc.is_array()) {
    return DataLossError(std::string("the store's ") + what + " answer is not a list");
  }
  return MapArray<T>(doc, decimals, map);
}

template <typename T>
StatusOr<Page<T>> ParseWrapper(std::string_view body, int64_t* total, const char* what,
                               void (*map)(Reader&, T&)) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (total != nullptr) *total = -1;
  const json* data = nullptr;
  if (doc.is_object()) {
    data = ListOf(doc, "data");
    if (total != nullptr) *total = IntOf(Get(doc, "total_count")).value_or(-1);
  } else if (doc.is_array()) {
    data = &doc;
  }
  if (data == nullptr) {
    return DataLossError(std::string("the store's ") + what + " answer has no data list");
  }
  return MapArray<T>(*data, 2, map);
}

void MapTransaction(Reader& r, TransactionRecord& t) {
  t.transaction_id = r.Text("transaction_id");
  if (t.transaction_id.empty()) r.Fail("missing transaction_id");
  t.date = r.Date("date");
  t.type = r.Text("type");
  t.channel = r.Text("channel");
  t.source = r.Text("source");
  t.amount_minor = r.Minor("amount");
  t.fees_minor = r.Minor("fees");
  t.net_minor = r.Minor("net");
  t.currency = r.Text("currency");
  t.order_id = r.Int("order_id");
  t.deposit_id = r.Text("deposit_id");
  t.deposit_status = r.Text("deposit_status");
  t.available_on = r.Date("available_on");
  t.risk_level = r.OptInt("risk_level");
}

void MapPayout(Reader& r, PayoutRecord& p) {
  p.id = r.Text("id");
  if (p.id.empty()) r.Fail("missing id");
  p.date_ms = r.OptInt("date");
  p.created = r.OptInt("created");
  std::string type = r.Text("type");
  if (!type.empty()) p.type = type;
  p.amount_minor = r.Minor("amount");
  p.fee_minor = r.Minor("fee");
  p.status = r.Text("status");
  p.currency = r.Text("currency");
  p.automatic = r.Bool("automatic");
}

void MapDispute(Reader& r, DisputeRecord& d) {
  d.dispute_id = r.Text("dispute_id");
  if (d.dispute_id.empty()) d.dispute_id = r.Text("id");
  if (d.dispute_id.empty()) r.Fail("missing dispute_id");
  d.charge_id = r.Text("charge_id");
  d.order_number = r.Text("order_number");
  d.amount_minor = r.Minor("amount");
  d.currency = r.Text("currency");
  d.reason = r.Text("reason");
  d.status = r.Text("status");
  d.created = r.Date("created");
  d.due_by = r.Date("due_by");
  d.source = r.Text("source");
}

// Parent order id from `_links.up[0].href` ".../orders/123".
int64_t OrderIdFromLinks(const json& obj) {
  const json* links = Get(obj, "_links");
  const json* up = links == nullptr ? nullptr : Get(*links, "up");
  if (up == nullptr || !up->is_array() || up->empty()) return 0;
  std::string href = Reader::TextOf(Get((*up)[0], "href"));
  size_t pos = href.rfind("/orders/");
  if (pos == std::string::npos) return 0;
  std::string digits;
  for (size_t i = pos + 8; i < href.size() && std::isdigit(static_cast<unsigned char>(href[i]));
       ++i) {
    digits += href[i];
  }
  if (digits.empty() || digits.size() > 18) return 0;
  return std::stoll(digits);
}

}  // namespace

StatusOr<Page<CustomerRecord>> ParseCustomers(std::string_view body) {
  return ParseList<CustomerRecord>(body, 2, "customers", [](Reader& r, CustomerRecord& c) {
    c.id = r.Id();
    c.date_created = r.Date("date_created");
    c.date_created_gmt = r.Date("date_created_gmt");
    c.date_modified_gmt = r.Date("date_modified_gmt");
    c.role = r.Text("role");
    c.is_paying_customer = r.Bool("is_paying_customer");
    c.first_name = r.Text("first_name");
    c.last_name = r.Text("last_name");
    c.email = r.Text("email");
    c.billing_first_name = r.Sub("billing", "first_name");
    c.billing_last_name = r.Sub("billing", "last_name");
    c.billing_company = r.Sub("billing", "company");
    c.billing_email = r.Sub("billing", "email");
    c.billing_phone = r.Sub("billing", "phone");
    c.billing_city = r.Sub("billing", "city");
    c.billing_state = r.Sub("billing", "state");
    c.billing_postcode = r.Sub("billing", "postcode");
    c.billing_country = r.Sub("billing", "country");
    c.shipping_city = r.Sub("shipping", "city");
    c.shipping_state = r.Sub("shipping", "state");
    c.shipping_postcode = r.Sub("shipping", "postcode");
    c.shipping_country = r.Sub("shipping", "country");
  });
}

StatusOr<Page<OrderRecord>> ParseOrders(std::string_view body, int decimals) {
  return ParseList<OrderRecord>(body, decimals, "orders", [decimals](Reader& r, OrderRecord& o) {
    o.id = r.Id();
    o.parent_id = r.Int("parent_id");
    o.number = r.Text("number");
    if (o.number.empty()) o.number = std::to_string(o.id);
    o.status = r.Text("status");
    if (o.status.empty()) r.Fail("missing status");
    o.currency = r.Text("currency");
    o.created_via = r.Text("created_via");
    auto created = r.Date("date_created");
    if (!created) r.Fail("missing date_created");
    o.date_created = created.value_or("");
    o.date_created_gmt = r.Date("date_created_gmt");
    o.date_modified = r.Date("date_modified");
    o.date_modified_gmt = r.Date("date_modified_gmt");
    o.date_paid = r.Date("date_paid");
    o.date_paid_gmt = r.Date("date_paid_gmt");
    o.date_completed = r.Date("date_completed");
    o.date_completed_gmt = r.Date("date_completed_gmt");
    o.customer_id = r.Int("customer_id");
    o.prices_include_tax = r.Bool("prices_include_tax");
    o.discount_total_minor = r.Money("discount_total");
    o.discount_tax_minor = r.Money("discount_tax");
    o.shipping_total_minor = r.Money("shipping_total");
    o.shipping_tax_minor = r.Money("shipping_tax");
    o.cart_tax_minor = r.Money("cart_tax");
    o.total_minor = r.Money("total");
    o.total_tax_minor = r.Money("total_tax");
    o.payment_method = r.Text("payment_method");
    o.payment_method_title = r.Text("payment_method_title");
    o.transaction_id = r.Text("transaction_id");
    o.billing_first_name = r.Sub("billing", "first_name");
    o.billing_last_name = r.Sub("billing", "last_name");
    o.billing_company = r.Sub("billing", "company");
    o.billing_email = r.Sub("billing", "email");
    o.billing_phone = r.Sub("billing", "phone");
    o.billing_city = r.Sub("billing", "city");
    o.billing_state = r.Sub("billing", "state");
    o.billing_postcode = r.Sub("billing", "postcode");
    o.billing_country = r.Sub("billing", "country");
    o.shipping_city = r.Sub("shipping", "city");
    o.shipping_state = r.Sub("shipping", "state");
    o.shipping_postcode = r.Sub("shipping", "postcode");
    o.shipping_country = r.Sub("shipping", "country");
    // Children: each is read with the store's decimals.
    auto child = [&](const char* key, auto& out, auto map) {
      const json* list = ListOf(r.obj(), key);
      if (list == nullptr) return;
      using T = typename std::decay_t<decltype(out)>::value_type;
      Page<T> page = MapArray<T>(*list, decimals, map);
      if (!page.skipped.empty()) {
        r.Fail(std::string(key) + ": " + page.skipped.front().message);
        return;
      }
      out = std::move(page.records);
      // A line without a usable id keeps its money: it gets a stable negative id (its position).
      for (size_t i = 0; i < out.size(); ++i) {
        if (out[i].id <= 0) out[i].id = -static_cast<int64_t>(i + 1);
      }
    };
    child("line_items", o.line_items, [](Reader& c, OrderLineItem& li) {
      li.id = c.Int("id");
      li.product_id = c.Int("product_id");
      li.variation_id = c.Int("variation_id");
      li.name = c.Text("name");
      li.parent_name = c.Text("parent_name");
      li.sku = c.Text("sku");
      li.quantity = c.Int("quantity");
      li.subtotal_minor = c.Money("subtotal");
      li.total_minor = c.Money("total");
      li.total_tax_minor = c.Money("total_tax");
    });
    child("tax_lines", o.tax_lines, [](Reader& c, OrderTaxLine& t) {
      t.id = c.Int("id");
      t.rate_code = c.Text("rate_code");
      t.label = c.Text("label");
      t.tax_total_minor = c.Money("tax_total");
      t.shipping_tax_total_minor = c.Money("shipping_tax_total");
    });
    child("shipping_lines", o.shipping_lines, [](Reader& c, OrderShippingLine& s) {
      s.id = c.Int("id");
      s.method_id = c.Text("method_id");
      s.method_title = c.Text("method_title");
      s.total_minor = c.Money("total");
      s.total_tax_minor = c.Money("total_tax");
    });
    child("fee_lines", o.fee_lines, [](Reader& c, OrderFeeLine& f) {
      f.id = c.Int("id");
      f.name = c.Text("name");
      f.total_minor = c.Money("total");
      f.total_tax_minor = c.Money("total_tax");
    });
    child("coupon_lines", o.coupon_lines, [](Reader& c, OrderCouponLine& cl) {
      cl.id = c.Int("id");
      cl.code = Lower(c.Text("code"));
      cl.discount_minor = c.Money("discount");
      cl.discount_tax_minor = c.Money("discount_tax");
      cl.discount_type = c.Text("discount_type");
    });
    const json* refunds = ListOf(r.obj(), "refunds");
    o.refund_count = refunds == nullptr ? 0 : static_cast<int64_t>(refunds->size());
  });
}

StatusOr<Page<ProductRecord>> ParseProducts(std::string_view body, int decimals) {
  return ParseList<ProductRecord>(body, decimals, "products", [](Reader& r, ProductRecord& p) {
    p.id = r.Id();
    p.name = r.Text("name");
    p.slug = r.Text("slug");
    p.type = r.Text("type");
    p.status = r.Text("status");
    p.sku = r.Text("sku");
    p.price_minor = r.OptMoney("price");
    p.regular_price_minor = r.OptMoney("regular_price");
    p.sale_price_minor = r.OptMoney("sale_price");
    p.on_sale = r.Bool("on_sale");
    p.total_sales = r.Int("total_sales");
    p.manage_stock = r.Bool("manage_stock");
    p.stock_quantity = r.OptInt("stock_quantity");
    p.stock_status = r.Text("stock_status");
    p.backorders = r.Text("backorders");
    p.low_stock_amount = r.OptInt("low_stock_amount");
    p.parent_id = r.Int("parent_id");
    p.date_created = r.Date("date_created");
    p.date_created_gmt = r.Date("date_created_gmt");
    p.date_modified_gmt = r.Date("date_modified_gmt");
    auto terms = [&](const char* key, std::vector<TermRef>& out) {
      const json* list = ListOf(r.obj(), key);
      if (list == nullptr) return;
      for (const json& t : *list) {
        auto id = IntOf(Get(t, "id"));
        if (!id || *id <= 0) continue;
        if (std::any_of(out.begin(), out.end(), [&](const TermRef& x) { return x.id == *id; })) {
          continue;
        }
        out.push_back({*id, Reader::TextOf(Get(t, "name")), Reader::TextOf(Get(t, "slug"))});
      }
    };
    terms("categories", p.categories);
    terms("tags", p.tags);
    if (const json* v = ListOf(r.obj(), "variations")) {
      for (const json& id : *v) {
        auto i = IntOf(&id);
        if (i && *i > 0) p.variation_ids.push_back(*i);
      }
    }
  });
}

StatusOr<Page<VariationRecord>> ParseVariations(std::string_view body, int decimals) {
  return ParseList<VariationRecord>(
      body, decimals, "variations", [](Reader& r, VariationRecord& v) {
        v.id = r.Id();
        v.parent_id = r.Int("parent_id");
        v.name = r.Text("name");
        v.sku = r.Text("sku");
        v.status = r.Text("status");
        v.price_minor = r.OptMoney("price");
        v.regular_price_minor = r.OptMoney("regular_price");
        v.sale_price_minor = r.OptMoney("sale_price");
        v.on_sale = r.Bool("on_sale");
        const json* ms = Get(r.obj(), "manage_stock");
        if (ms != nullptr && ms->is_string() && ms->get<std::string>() == "parent") {
          v.manage_stock = 2;
        } else {
          v.manage_stock = Reader::BoolOf(ms) ? 1 : 0;
        }
        v.stock_quantity = r.OptInt("stock_quantity");
        v.stock_status = r.Text("stock_status");
        v.date_created_gmt = r.Date("date_created_gmt");
        v.date_modified_gmt = r.Date("date_modified_gmt");
        if (const json* attrs = ListOf(r.obj(), "attributes")) {
          for (const json& a : *attrs) {
            if (!a.is_object()) continue;
            v.attributes.emplace_back(Reader::TextOf(Get(a, "name")),
                                      Reader::TextOf(Get(a, "option")));
          }
        }
      });
}

StatusOr<Page<CategoryRecord>> ParseCategories(std::string_view body) {
  return ParseList<CategoryRecord>(body, 2, "categories", [](Reader& r, CategoryRecord& c) {
    c.id = r.Id();
    c.name = r.Text("name");
    c.slug = r.Text("slug");
    c.parent = r.Int("parent");
    c.count = r.Int("count");
  });
}

StatusOr<Page<CouponRecord>> ParseCoupons(std::string_view body, int decimals) {
  return ParseList<CouponRecord>(body, decimals, "coupons", [](Reader& r, CouponRecord& c) {
    c.id = r.Id();
    c.code = Lower(r.Text("code"));
    c.status = r.Text("status");
    c.discount_type = r.Text("discount_type");
    c.amount = r.Text("amount");
    c.usage_count = r.Int("usage_count");
    c.usage_limit = r.OptInt("usage_limit");
    c.usage_limit_per_user = r.OptInt("usage_limit_per_user");
    c.date_expires = r.Date("date_expires");
    c.date_expires_gmt = r.Date("date_expires_gmt");
    c.free_shipping = r.Bool("free_shipping");
    c.minimum_amount_minor = r.OptMoney("minimum_amount");
    c.maximum_amount_minor = r.OptMoney("maximum_amount");
    c.individual_use = r.Bool("individual_use");
    c.exclude_sale_items = r.Bool("exclude_sale_items");
    c.date_created = r.Date("date_created");
    c.date_created_gmt = r.Date("date_created_gmt");
    c.date_modified_gmt = r.Date("date_modified_gmt");
  });
}

StatusOr<Page<RefundRecord>> ParseRefunds(std::string_view body, int decimals,
                                          int64_t order_id_hint) {
  return ParseList<RefundRecord>(
      body, decimals, "refunds", [decimals, order_id_hint](Reader& r, RefundRecord& f) {
        f.id = r.Id();
        f.order_id = r.Int("parent_id");
        if (f.order_id <= 0) f.order_id = OrderIdFromLinks(r.obj());
        if (f.order_id <= 0) f.order_id = order_id_hint;
        if (f.order_id <= 0) r.Fail("no parent order (neither parent_id nor _links.up)");
        auto created = r.Date("date_created");
        if (!created) r.Fail("missing date_created");
        f.date_created = created.value_or("");
        f.date_created_gmt = r.Date("date_created_gmt");
        f.amount_minor = r.Money("amount");
        if (f.amount_minor < 0) f.amount_minor = -f.amount_minor;
        f.reason = r.Text("reason");
        f.refunded_payment = r.Bool("refunded_payment");
        if (const json* list = ListOf(r.obj(), "line_items")) {
          Page<RefundLineItem> items =
              MapArray<RefundLineItem>(*list, decimals, [](Reader& c, RefundLineItem& li) {
                li.id = c.Int("id");
                li.product_id = c.Int("product_id");
                li.variation_id = c.Int("variation_id");
                li.quantity = c.Int("quantity");
                li.total_minor = c.Money("total");
                li.total_tax_minor = c.Money("total_tax");
              });
          if (!items.skipped.empty()) {
            r.Fail("line_items: " + items.skipped.front().message);
          } else {
            f.line_items = std::move(items.records);
            for (size_t i = 0; i < f.line_items.size(); ++i) {
              if (f.line_items[i].id <= 0) f.line_items[i].id = -static_cast<int64_t>(i + 1);
            }
          }
        }
      });
}

StatusOr<Page<GatewayRecord>> ParseGateways(std::string_view body) {
  return ParseList<GatewayRecord>(body, 2, "payment gateways", [](Reader& r, GatewayRecord& g) {
    g.id = r.Text("id");
    if (g.id.empty()) r.Fail("missing id");
    g.title = r.Text("title");
    g.method_title = r.Text("method_title");
    g.enabled = r.Bool("enabled");
  });
}

StatusOr<Page<TransactionRecord>> ParseTransactions(std::string_view body, int64_t* total) {
  return ParseWrapper<TransactionRecord>(body, total, "payments transactions", &MapTransaction);
}
StatusOr<Page<PayoutRecord>> ParsePayouts(std::string_view body, int64_t* total) {
  return ParseWrapper<PayoutRecord>(body, total, "payouts", &MapPayout);
}
StatusOr<Page<DisputeRecord>> ParseDisputes(std::string_view body, int64_t* total) {
  return ParseWrapper<DisputeRecord>(body, total, "disputes", &MapDispute);
}

StatusOr<std::vector<ReportTotalRow>> ParseReportTotals(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (!doc.is_array()) return DataLossError("the store's report totals answer is not a list");
  std::vector<ReportTotalRow> rows;
  for (const json& item : doc) {
    std::string slug = Reader::TextOf(Get(item, "slug"));
    if (slug.empty()) continue;
    if (std::any_of(rows.begin(), rows.end(), [&](const auto& x) { return x.slug == slug; })) {
      continue;
    }
    rows.push_back(
        {slug, Reader::TextOf(Get(item, "name")), IntOf(Get(item, "total")).value_or(0)});
  }
  return rows;
}

StatusOr<SalesReport> ParseSalesReport(std::string_view body, int decimals) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  const json* obj = &doc;
  if (doc.is_array()) {
    if (doc.empty()) return DataLossError("the store's sales report is empty");
    obj = &doc[0];
  }
  if (!obj->is_object()) return DataLossError("the store's sales report is not an object");
  Reader r(*obj, decimals);
  SalesReport s;
  s.total_sales_minor = r.Money("total_sales");
  s.net_sales_minor = r.Money("net_sales");
  s.total_orders = r.Int("total_orders");
  s.total_items = r.Int("total_items");
  s.total_tax_minor = r.Money("total_tax");
  s.total_shipping_minor = r.Money("total_shipping");
  s.total_refunds_minor = r.Money("total_refunds");
  s.total_discount_minor = r.Money("total_discount");
  s.total_customers = r.Int("total_customers");
  if (!r.error().empty()) return DataLossError("sales report: " + r.error());
  return s;
}

StatusOr<std::vector<RecordKey>> ParseKeys(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (!doc.is_array()) return DataLossError("the store's id listing is not a list");
  std::vector<RecordKey> keys;
  keys.reserve(doc.size());
  for (const json& item : doc) {
    auto id = IntOf(Get(item, "id"));
    if (!id || *id <= 0) return DataLossError("the store's id listing has an entry without id");
    keys.push_back({Reader::DateOf(Get(item, "date_modified_gmt")).value_or(""), *id});
  }
  return keys;
}

StatusOr<SiteIndex> ParseSiteIndex(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (!doc.is_object()) return DataLossError("the site index is not an object");
  SiteIndex s;
  s.name = Reader::TextOf(Get(doc, "name"));
  s.url = Reader::TextOf(Get(doc, "url"));
  s.home = Reader::TextOf(Get(doc, "home"));
  s.timezone_string = Reader::TextOf(Get(doc, "timezone_string"));
  const json* off = Get(doc, "gmt_offset");
  if (off != nullptr && off->is_number()) {
    s.gmt_offset = off->get<double>();
  } else if (off != nullptr && off->is_string()) {
    char* end = nullptr;
    const std::string& t = off->get_ref<const std::string&>();
    double d = std::strtod(t.c_str(), &end);
    if (end != t.c_str() && std::isfinite(d) && std::fabs(d) <= 14) s.gmt_offset = d;
  }
  if (!std::isfinite(s.gmt_offset) || std::fabs(s.gmt_offset) > 14) s.gmt_offset = 0;
  if (const json* ns = ListOf(doc, "namespaces")) {
    for (const json& n : *ns) {
      if (n.is_string()) s.namespaces.push_back(Cap(n.get<std::string>()));
    }
  }
  return s;
}

StatusOr<RouteIndex> ParseRouteIndex(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  const json* routes = Get(doc, "routes");
  if (routes == nullptr || !routes->is_object()) {
    return DataLossError("the wc/v3 route index has no routes");
  }
  RouteIndex r;
  auto has = [&](const char* route) { return routes->contains(route); };
  r.has_refunds_route = has("/wc/v3/refunds");
  r.has_variations_route = has("/wc/v3/variations");
  r.has_payments_deposits = has("/wc/v3/payments/deposits");
  r.has_payments_disputes = has("/wc/v3/payments/disputes");
  r.has_payments_transactions = has("/wc/v3/payments/transactions");
  r.has_reports = has("/wc/v3/reports/sales") || has("/wc/v3/reports");
  const json* orders = Get(*routes, "/wc/v3/orders");
  const json* endpoints = orders == nullptr ? nullptr : ListOf(*orders, "endpoints");
  if (endpoints != nullptr) {
    for (const json& ep : *endpoints) {
      const json* methods = ListOf(ep, "methods");
      bool get = methods == nullptr;
      if (methods != nullptr) {
        for (const json& m : *methods)
          get = get || (m.is_string() && m.get<std::string>() == "GET");
      }
      const json* args = Get(ep, "args");
      if (!get || args == nullptr || !args->is_object()) continue;
      r.supports_modified_after = r.supports_modified_after || args->contains("modified_after");
      r.supports_dates_are_gmt = r.supports_dates_are_gmt || args->contains("dates_are_gmt");
    }
  }
  return r;
}

StatusOr<GeneralSettings> ParseGeneralSettings(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (!doc.is_array()) return DataLossError("the store's general settings are not a list");
  GeneralSettings g;
  for (const json& item : doc) {
    std::string id = Reader::TextOf(Get(item, "id"));
    if (id == "woocommerce_currency") {
      g.currency = Reader::TextOf(Get(item, "value"));
    } else if (id == "woocommerce_price_num_decimals") {
      auto d = IntOf(Get(item, "value"));
      if (d && *d >= 0 && *d <= 4) g.price_decimals = static_cast<int>(*d);
    }
  }
  return g;
}

bool IsNoRoute(const Status& status) {
  return status.code() == StatusCode::kNotFound &&
         status.message().find("rest_no_route") != std::string::npos;
}

}  // namespace clever::woo
