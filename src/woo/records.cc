#include "woo/records.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/money.h"
#include "woo/internal/simd_json.h"

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
const char* const kIdModifiedFields = "id,date_modified_gmt";
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

// The slow, lenient path: parses a whole body as JSON with nlohmann. Tolerates PHP
// notices/warnings printed before the JSON (a common misconfiguration): when the body starts with
// such text, the JSON from the first line that starts with '[' or '{' is used, and only if it
// parses to the very end.
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

// ---- two views of a JSON value with one interface, so that every mapper below is written once.
// `Sj` (simdjson DOM, the fast path: one reused parser per thread, nothing allocated per page once
// warm) is used for every body simdjson accepts; anything it refuses (malformed, a PHP notice
// before the JSON, integers beyond 64 bits, nesting beyond kMaxJsonDepth, ...) goes through `Nj`
// (nlohmann, the lenient path above), so every error and every oddity keeps its old behaviour.
// Both views read a repeated key as its last occurrence (nlohmann's rule).

class Nj {
 public:
  Nj() = default;
  explicit Nj(const json* v) : v_(v) {}
  [[nodiscard]] bool has() const { return v_ != nullptr; }
  [[nodiscard]] bool null() const { return v_ == nullptr || v_->is_null(); }
  [[nodiscard]] bool str() const { return v_ != nullptr && v_->is_string(); }
  [[nodiscard]] bool obj() const { return v_ != nullptr && v_->is_object(); }
  [[nodiscard]] bool arr() const { return v_ != nullptr && v_->is_array(); }
  [[nodiscard]] bool boolean() const { return v_ != nullptr && v_->is_boolean(); }
  [[nodiscard]] bool sint() const {
    return v_ != nullptr && v_->is_number_integer() && !v_->is_number_unsigned();
  }
  [[nodiscard]] bool uint() const { return v_ != nullptr && v_->is_number_unsigned(); }
  [[nodiscard]] bool flt() const { return v_ != nullptr && v_->is_number_float(); }
  [[nodiscard]] std::string_view s() const { return v_->get_ref<const std::string&>(); }
  [[nodiscard]] int64_t i() const { return v_->get<int64_t>(); }
  [[nodiscard]] uint64_t u() const { return v_->get<uint64_t>(); }
  [[nodiscard]] double d() const { return v_->get<double>(); }
  [[nodiscard]] bool b() const { return v_->get<bool>(); }
  [[nodiscard]] std::string dump() const { return v_->dump(); }
  Nj operator[](const char* key) const {
    if (!obj()) return Nj();
    auto it = v_->find(key);
    return it == v_->end() ? Nj() : Nj(&*it);
  }
  [[nodiscard]] size_t size() const { return arr() ? v_->size() : 0; }
  template <typename F>
  void each(F f) const {
    if (!arr()) return;
    for (const json& x : *v_) f(Nj(&x));
  }

 private:
  const json* v_ = nullptr;
};

class Sj {
 public:
  Sj() = default;
  explicit Sj(simdjson::dom::element e) : e_(e), has_(true), t_(e.type()) {}
  [[nodiscard]] bool has() const { return has_; }
  [[nodiscard]] bool null() const { return !has_ || t_ == T::NULL_VALUE; }
  [[nodiscard]] bool str() const { return has_ && t_ == T::STRING; }
  [[nodiscard]] bool obj() const { return has_ && t_ == T::OBJECT; }
  [[nodiscard]] bool arr() const { return has_ && t_ == T::ARRAY; }
  [[nodiscard]] bool boolean() const { return has_ && t_ == T::BOOL; }
  [[nodiscard]] bool sint() const { return has_ && t_ == T::INT64; }
  [[nodiscard]] bool uint() const { return has_ && t_ == T::UINT64; }
  [[nodiscard]] bool flt() const { return has_ && t_ == T::DOUBLE; }
  [[nodiscard]] std::string_view s() const {
    std::string_view v;
    return e_.get_string().get(v) == simdjson::SUCCESS ? v : std::string_view();
  }
  [[nodiscard]] int64_t i() const {
    int64_t v = 0;
    return e_.get_int64().get(v) == simdjson::SUCCESS ? v : 0;
  }
  [[nodiscard]] uint64_t u() const {
    uint64_t v = 0;
    return e_.get_uint64().get(v) == simdjson::SUCCESS ? v : 0;
  }
  [[nodiscard]] double d() const {
    double v = 0;
    return e_.get_double().get(v) == simdjson::SUCCESS ? v : 0;
  }
  [[nodiscard]] bool b() const {
    bool v = false;
    return e_.get_bool().get(v) == simdjson::SUCCESS && v;
  }
  // Numbers only, written as nlohmann writes them.
  [[nodiscard]] std::string dump() const {
    if (sint()) return std::to_string(i());
    if (uint()) return std::to_string(u());
    if (flt()) return json(d()).dump();
    return {};
  }
  Sj operator[](const char* key) const {
    if (!obj()) return Sj();
    const std::string_view k(key);
    Sj found;
    simdjson::dom::object fields;
    if (e_.get_object().get(fields) != simdjson::SUCCESS) return found;
    for (simdjson::dom::key_value_pair field : fields) {
      if (field.key == k) found = Sj(field.value);  // the last one wins, as in nlohmann
    }
    return found;
  }
  [[nodiscard]] size_t size() const {
    simdjson::dom::array items;
    if (!arr() || e_.get_array().get(items) != simdjson::SUCCESS) return 0;
    return items.size();
  }
  template <typename F>
  void each(F f) const {
    simdjson::dom::array items;
    if (!arr() || e_.get_array().get(items) != simdjson::SUCCESS) return;
    for (simdjson::dom::element x : items) f(Sj(x));
  }

 private:
  using T = simdjson::dom::element_type;
  simdjson::dom::element e_;
  bool has_ = false;
  T t_ = T::NULL_VALUE;
};

// Runs `f(root)` with the body's root value: the simdjson view when simdjson reads the body,
// else the nlohmann view (or ParseBody's DataLoss error).
template <typename F>
auto WithRoot(std::string_view body, F f) -> decltype(f(Nj())) {
  simdjson::dom::element root;
  constexpr auto kDepth = static_cast<size_t>(kMaxJsonDepth);
  static_assert(kDepth == internal::kSimdMaxDepth);
  if (body.size() <= internal::kReusedParserBytes) {
    if (internal::SimdParse(body, kDepth, internal::ThreadSimdState(), root)) return f(Sj(root));
  } else {
    internal::SimdState own;
    if (internal::SimdParse(body, kDepth, own, root)) return f(Sj(root));
  }
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  return f(Nj(&doc));
}

// A capped copy of a string (cut on a UTF-8 character boundary).
std::string Cap(std::string_view s) {
  if (s.size() > kMaxTextBytes) {
    size_t cut = kMaxTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 edge
    s = s.substr(0, cut);
  }
  return std::string(s);
}

template <typename N>
std::optional<int64_t> IntOf(const N& v) {
  if (!v.has()) return std::nullopt;
  if (v.sint()) return v.i();
  if (v.uint()) {
    uint64_t u = v.u();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.flt()) {
    double d = v.d();
    if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (v.boolean()) return v.b() ? 1 : 0;
  if (v.str()) {
    std::string_view s = v.s();
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

template <typename N>
std::string TextOf(const N& v) {
  if (v.null()) return {};
  if (v.str()) return Cap(v.s());
  if (v.sint() || v.uint() || v.flt()) return v.dump();
  return {};
}

template <typename N>
std::optional<std::string> DateOf(const N& v) {
  if (!v.str()) return std::nullopt;
  std::string_view s = v.s();
  if (s.empty() || s.size() > 40) return std::nullopt;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0 &&
        std::string_view("-:T .Z+").find(c) == std::string_view::npos) {
      return std::nullopt;
    }
  }
  return std::string(s);
}

template <typename N>
bool BoolOf(const N& v) {
  if (!v.has()) return false;
  if (v.boolean()) return v.b();
  if (v.sint() || v.uint() || v.flt()) return IntOf(v).value_or(0) != 0;
  if (v.str()) {
    std::string_view s = v.s();
    return s == "yes" || s == "true" || s == "1";
  }
  return false;
}

// Reads fields of one record, remembering the first hard error (bad id, bad money).
template <typename N>
class Reader {
 public:
  Reader(N obj, int decimals) : obj_(obj), decimals_(decimals) {}

  [[nodiscard]] const N& obj() const { return obj_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  void Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  std::string Text(const char* key) const { return TextOf(obj_[key]); }
  std::string Sub(const char* object, const char* key) const { return TextOf(obj_[object][key]); }
  std::optional<std::string> Date(const char* key) const { return DateOf(obj_[key]); }
  int64_t Int(const char* key, int64_t fallback = 0) const {
    return IntOf(obj_[key]).value_or(fallback);
  }
  std::optional<int64_t> OptInt(const char* key) const { return IntOf(obj_[key]); }
  bool Bool(const char* key) const { return BoolOf(obj_[key]); }
  // Money as a WooCommerce decimal string (numbers accepted). Missing/null/"" -> 0.
  int64_t Money(const char* key) { return OptMoney(key).value_or(0); }
  std::optional<int64_t> OptMoney(const char* key) { return MoneyOf(obj_[key], key); }
  // Money already in minor units (WooPayments).
  int64_t Minor(const char* key) {
    N v = obj_[key];
    if (v.null()) return 0;
    auto i = IntOf(v);
    if (!i) Fail(std::string("field ") + key + " is not an amount in minor units");
    return i.value_or(0);
  }
  // Required positive id.
  int64_t Id(const char* key = "id") {
    auto i = IntOf(obj_[key]);
    if (!i || *i <= 0) {
      Fail(std::string("missing or invalid ") + key);
      return 0;
    }
    return *i;
  }

  std::optional<int64_t> MoneyOf(const N& v, const char* key) {
    if (v.null()) return std::nullopt;
    std::string text;
    if (v.str()) {
      text = std::string(v.s());
      if (text.find_first_not_of(' ') == std::string::npos) return std::nullopt;
    } else if (v.sint() || v.uint() || v.flt()) {
      text = v.dump();
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
  N obj_;
  int decimals_;
  std::string error_;
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <typename N>
N ListOf(const N& obj, const char* key) {
  N v = obj[key];
  return v.arr() ? v : N();
}

// Maps each element of a JSON array with `map(Reader&, T&)`; bad elements land in skipped.
template <typename T, typename N, typename Map>
Page<T> MapArray(const N& array, int decimals, Map map) {
  Page<T> page;
  const size_t n = array.size();
  page.records.reserve(n);
  page.keys.reserve(n);
  array.each([&](const N& item) {
    page.keys.push_back(
        {DateOf(item["date_modified_gmt"]).value_or(""), IntOf(item["id"]).value_or(0)});
    if (!item.obj()) {
      page.skipped.push_back({0, "an entry is not an object"});
      return;
    }
    Reader<N> r(item, decimals);
    T rec;
    map(r, rec);
    if (!r.error().empty()) {
      page.skipped.push_back({IntOf(item["id"]).value_or(0), r.error()});
      return;
    }
    page.records.push_back(std::move(rec));
  });
  return page;
}

template <typename T, typename Map>
StatusOr<Page<T>> ParseList(std::string_view body, int decimals, const char* what, Map map) {
  return WithRoot(body, [&](const auto& doc) -> StatusOr<Page<T>> {
    if (!doc.arr()) {
      return DataLossError(std::string("the store's ") + what + " answer is not a list");
    }
    return MapArray<T>(doc, decimals, map);
  });
}

template <typename T, typename Map>
StatusOr<Page<T>> ParseWrapper(std::string_view body, int64_t* total, const char* what, Map map) {
  return WithRoot(body, [&](const auto& doc) -> StatusOr<Page<T>> {
    using N = std::decay_t<decltype(doc)>;
    if (total != nullptr) *total = -1;
    N data;
    if (doc.obj()) {
      data = ListOf(doc, "data");
      if (total != nullptr) *total = IntOf(doc["total_count"]).value_or(-1);
    } else if (doc.arr()) {
      data = doc;
    }
    if (!data.has()) {
      return DataLossError(std::string("the store's ") + what + " answer has no data list");
    }
    return MapArray<T>(data, 2, map);
  });
}

struct MapTransaction {
  template <typename R>
  void operator()(R& r, TransactionRecord& t) const {
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
};

struct MapPayout {
  template <typename R>
  void operator()(R& r, PayoutRecord& p) const {
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
};

struct MapDispute {
  template <typename R>
  void operator()(R& r, DisputeRecord& d) const {
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
};

// Parent order id from `_links.up[0].href` ".../orders/123".
template <typename N>
int64_t OrderIdFromLinks(const N& obj) {
  N up = obj["_links"]["up"];
  if (!up.arr() || up.size() == 0) return 0;
  N first;
  bool got = false;
  up.each([&](const N& x) {
    if (!got) first = x;
    got = true;
  });
  std::string href = TextOf(first["href"]);
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
  return ParseList<CustomerRecord>(body, 2, "customers", [](auto& r, CustomerRecord& c) {
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
  return ParseList<OrderRecord>(body, decimals, "orders", [decimals](auto& r, OrderRecord& o) {
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
      auto list = ListOf(r.obj(), key);
      if (!list.has()) return;
      using T = typename std::decay_t<decltype(out)>::value_type;
      Page<T> page = MapArray<T>(list, decimals, map);
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
    child("line_items", o.line_items, [](auto& c, OrderLineItem& li) {
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
    child("tax_lines", o.tax_lines, [](auto& c, OrderTaxLine& t) {
      t.id = c.Int("id");
      t.rate_code = c.Text("rate_code");
      t.label = c.Text("label");
      t.tax_total_minor = c.Money("tax_total");
      t.shipping_tax_total_minor = c.Money("shipping_tax_total");
    });
    child("shipping_lines", o.shipping_lines, [](auto& c, OrderShippingLine& s) {
      s.id = c.Int("id");
      s.method_id = c.Text("method_id");
      s.method_title = c.Text("method_title");
      s.total_minor = c.Money("total");
      s.total_tax_minor = c.Money("total_tax");
    });
    child("fee_lines", o.fee_lines, [](auto& c, OrderFeeLine& f) {
      f.id = c.Int("id");
      f.name = c.Text("name");
      f.total_minor = c.Money("total");
      f.total_tax_minor = c.Money("total_tax");
    });
    child("coupon_lines", o.coupon_lines, [](auto& c, OrderCouponLine& cl) {
      cl.id = c.Int("id");
      cl.code = Lower(c.Text("code"));
      cl.discount_minor = c.Money("discount");
      cl.discount_tax_minor = c.Money("discount_tax");
      cl.discount_type = c.Text("discount_type");
    });
    auto refunds = ListOf(r.obj(), "refunds");
    o.refund_count = static_cast<int64_t>(refunds.size());
  });
}

StatusOr<Page<ProductRecord>> ParseProducts(std::string_view body, int decimals) {
  return ParseList<ProductRecord>(body, decimals, "products", [](auto& r, ProductRecord& p) {
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
      ListOf(r.obj(), key).each([&](const auto& t) {
        auto id = IntOf(t["id"]);
        if (!id || *id <= 0) return;
        if (std::any_of(out.begin(), out.end(), [&](const TermRef& x) { return x.id == *id; })) {
          return;
        }
        out.push_back({*id, TextOf(t["name"]), TextOf(t["slug"])});
      });
    };
    terms("categories", p.categories);
    terms("tags", p.tags);
    ListOf(r.obj(), "variations").each([&](const auto& id) {
      auto i = IntOf(id);
      if (i && *i > 0) p.variation_ids.push_back(*i);
    });
  });
}

StatusOr<Page<VariationRecord>> ParseVariations(std::string_view body, int decimals) {
  return ParseList<VariationRecord>(body, decimals, "variations", [](auto& r, VariationRecord& v) {
    v.id = r.Id();
    v.parent_id = r.Int("parent_id");
    v.name = r.Text("name");
    v.sku = r.Text("sku");
    v.status = r.Text("status");
    v.price_minor = r.OptMoney("price");
    v.regular_price_minor = r.OptMoney("regular_price");
    v.sale_price_minor = r.OptMoney("sale_price");
    v.on_sale = r.Bool("on_sale");
    auto ms = r.obj()["manage_stock"];
    if (ms.str() && ms.s() == "parent") {
      v.manage_stock = 2;
    } else {
      v.manage_stock = BoolOf(ms) ? 1 : 0;
    }
    v.stock_quantity = r.OptInt("stock_quantity");
    v.stock_status = r.Text("stock_status");
    v.date_created_gmt = r.Date("date_created_gmt");
    v.date_modified_gmt = r.Date("date_modified_gmt");
    ListOf(r.obj(), "attributes").each([&](const auto& a) {
      if (!a.obj()) return;
      v.attributes.emplace_back(TextOf(a["name"]), TextOf(a["option"]));
    });
  });
}

StatusOr<Page<CategoryRecord>> ParseCategories(std::string_view body) {
  return ParseList<CategoryRecord>(body, 2, "categories", [](auto& r, CategoryRecord& c) {
    c.id = r.Id();
    c.name = r.Text("name");
    c.slug = r.Text("slug");
    c.parent = r.Int("parent");
    c.count = r.Int("count");
  });
}

StatusOr<Page<CouponRecord>> ParseCoupons(std::string_view body, int decimals) {
  return ParseList<CouponRecord>(body, decimals, "coupons", [](auto& r, CouponRecord& c) {
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
      body, decimals, "refunds", [decimals, order_id_hint](auto& r, RefundRecord& f) {
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
        if (auto list = ListOf(r.obj(), "line_items"); list.has()) {
          Page<RefundLineItem> items =
              MapArray<RefundLineItem>(list, decimals, [](auto& c, RefundLineItem& li) {
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
  return ParseList<GatewayRecord>(body, 2, "payment gateways", [](auto& r, GatewayRecord& g) {
    g.id = r.Text("id");
    if (g.id.empty()) r.Fail("missing id");
    g.title = r.Text("title");
    g.method_title = r.Text("method_title");
    g.enabled = r.Bool("enabled");
  });
}

StatusOr<Page<TransactionRecord>> ParseTransactions(std::string_view body, int64_t* total) {
  return ParseWrapper<TransactionRecord>(body, total, "payments transactions", MapTransaction{});
}
StatusOr<Page<PayoutRecord>> ParsePayouts(std::string_view body, int64_t* total) {
  return ParseWrapper<PayoutRecord>(body, total, "payouts", MapPayout{});
}
StatusOr<Page<DisputeRecord>> ParseDisputes(std::string_view body, int64_t* total) {
  return ParseWrapper<DisputeRecord>(body, total, "disputes", MapDispute{});
}

StatusOr<std::vector<ReportTotalRow>> ParseReportTotals(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (!doc.is_array()) return DataLossError("the store's report totals answer is not a list");
  std::vector<ReportTotalRow> rows;
  for (const json& item : doc) {
    std::string slug = TextOf(Nj(&item)["slug"]);
    if (slug.empty()) continue;
    if (std::any_of(rows.begin(), rows.end(), [&](const auto& x) { return x.slug == slug; })) {
      continue;
    }
    rows.push_back({slug, TextOf(Nj(&item)["name"]), IntOf(Nj(&item)["total"]).value_or(0)});
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
  Reader<Nj> r(Nj(obj), decimals);
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
  return WithRoot(body, [](const auto& doc) -> StatusOr<std::vector<RecordKey>> {
    if (!doc.arr()) return DataLossError("the store's id listing is not a list");
    std::vector<RecordKey> keys;
    keys.reserve(doc.size());
    bool bad = false;
    doc.each([&](const auto& item) {
      if (bad) return;
      auto id = IntOf(item["id"]);
      if (!id || *id <= 0) {
        bad = true;
        return;
      }
      keys.push_back({DateOf(item["date_modified_gmt"]).value_or(""), *id});
    });
    if (bad) return DataLossError("the store's id listing has an entry without id");
    return keys;
  });
}

StatusOr<SiteIndex> ParseSiteIndex(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (!doc.is_object()) return DataLossError("the site index is not an object");
  SiteIndex s;
  s.name = TextOf(Nj(&doc)["name"]);
  s.url = TextOf(Nj(&doc)["url"]);
  s.home = TextOf(Nj(&doc)["home"]);
  s.timezone_string = TextOf(Nj(&doc)["timezone_string"]);
  const json* off = doc.is_object() && doc.contains("gmt_offset") ? &doc["gmt_offset"] : nullptr;
  if (off != nullptr && off->is_number()) {
    s.gmt_offset = off->get<double>();
  } else if (off != nullptr && off->is_string()) {
    char* end = nullptr;
    const std::string& t = off->get_ref<const std::string&>();
    double d = std::strtod(t.c_str(), &end);
    if (end != t.c_str() && std::isfinite(d) && std::fabs(d) <= 14) s.gmt_offset = d;
  }
  if (!std::isfinite(s.gmt_offset) || std::fabs(s.gmt_offset) > 14) s.gmt_offset = 0;
  ListOf(Nj(&doc), "namespaces").each([&](const Nj& n) {
    if (n.str()) s.namespaces.push_back(Cap(n.s()));
  });
  return s;
}

StatusOr<RouteIndex> ParseRouteIndex(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  const json* routes = doc.is_object() && doc.contains("routes") ? &doc["routes"] : nullptr;
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
  ListOf(Nj(routes)["/wc/v3/orders"], "endpoints").each([&](const Nj& ep) {
    Nj methods = ListOf(ep, "methods");
    bool get = !methods.has();
    methods.each([&](const Nj& m) { get = get || (m.str() && m.s() == "GET"); });
    Nj args = ep["args"];
    if (!get || !args.obj()) return;
    r.supports_modified_after = r.supports_modified_after || args["modified_after"].has();
    r.supports_dates_are_gmt = r.supports_dates_are_gmt || args["dates_are_gmt"].has();
  });
  return r;
}

StatusOr<GeneralSettings> ParseGeneralSettings(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(json doc, ParseBody(body));
  if (!doc.is_array()) return DataLossError("the store's general settings are not a list");
  GeneralSettings g;
  for (const json& item : doc) {
    std::string id = TextOf(Nj(&item)["id"]);
    if (id == "woocommerce_currency") {
      g.currency = TextOf(Nj(&item)["value"]);
    } else if (id == "woocommerce_price_num_decimals") {
      auto d = IntOf(Nj(&item)["value"]);
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
