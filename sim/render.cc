#include "render.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <unordered_map>

namespace clever::wcsim {

namespace {

constexpr int64_t kDay = 86400;

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Appends n pseudo-random characters derived from h (lower: [a-zA-Z0-9], upper: [A-Z0-9]).
void AppendAlnum(std::string& out, uint64_t h, int n, bool upper) {
  static constexpr char kLower[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static constexpr char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int i = 0; i < n; ++i) {
    if (i % 10 == 0) h = Mix(h + static_cast<uint64_t>(i));
    out.push_back(upper ? kUpper[h % 36] : kLower[h % 62]);
    h /= upper ? 36 : 62;
  }
}

std::string Alnum(uint64_t h, int n, bool upper) {
  std::string out;
  AppendAlnum(out, h, n, upper);
  return out;
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

Json Allow(std::initializer_list<const char*> methods) {
  Json a = Json::array();
  for (const char* m : methods) a.push_back(m);
  return a;
}

Json SelfLink(const std::string& href, Json allow) {
  Json l = Json::object();
  l["href"] = href;
  if (!allow.is_null()) l["targetHints"] = Json{{"allow", std::move(allow)}};
  return Json::array({l});
}

Json HrefLink(const std::string& href) { return Json::array({Json{{"href", href}}}); }

constexpr std::array<const char*, 5> kAllowAll = {"GET", "POST", "PUT", "PATCH", "DELETE"};
constexpr std::array<const char*, 2> kAllowGetDelete = {"GET", "DELETE"};

// "self": [{"href": ..., "targetHints": {"allow": [...]}}]
template <size_t N>
void WriteSelfLink(JsonWriter& w, std::string_view href, const std::array<const char*, N>& allow) {
  w.Key("self");
  w.BeginArray();
  w.BeginObject();
  w.Str("href", href);
  w.Key("targetHints");
  w.BeginObject();
  w.Key("allow");
  w.BeginArray();
  for (const char* m : allow) w.String(m);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  w.EndArray();
}

// "<key>": [{"href": ...}]
void WriteHrefLink(JsonWriter& w, std::string_view key, std::string_view href) {
  w.Key(key);
  w.BeginArray();
  w.BeginObject();
  w.Str("href", href);
  w.EndObject();
  w.EndArray();
}

void AppendImageUrl(std::string& out, const RenderContext& ctx, const Product& p) {
  out += ctx.home;
  out += "/wp-content/uploads/2025/05/";
  out += p.image_slug;
  out += ".png";
}

void WriteMetaItem(JsonWriter& w, uint64_t id, std::string_view key, std::string_view value,
                   std::string_view display_key, std::string_view display_value) {
  w.BeginObject();
  w.Key("id");
  w.Uint(id);
  w.Str("key", key);
  w.Str("value", value);
  w.Str("display_key", display_key);
  w.Str("display_value", display_value);
  w.EndObject();
}

std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

void UpperAsciiInPlace(std::string& s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
}

const char* ShippingTitle(uint8_t m) {
  switch (m) {
    case 1:
      return "Free shipping";
    case 2:
      return "Worldwide shipping";
    default:
      return "Flat rate";
  }
}
const char* ShippingId(uint8_t m) { return m == 1 ? "free_shipping" : "flat_rate"; }

// Local wall-clock seconds for a UTC instant (offsets change on hour boundaries: memoised per
// UTC hour and thread).
int64_t LocalWall(const Store& s, int64_t utc) {
  thread_local std::string cached_zone;
  thread_local std::unordered_map<int64_t, int64_t> offsets;
  if (cached_zone != s.tz.name()) {
    cached_zone = s.tz.name();
    offsets.clear();
  }
  const int64_t hour = (utc >= 0 ? utc : utc - 3599) / 3600;
  auto it = offsets.find(hour);
  if (it != offsets.end()) return utc + it->second;
  const int64_t offset = s.tz.ToLocal(hour * 3600).ToEpochSecondsAsUtc() - hour * 3600;
  if (offsets.size() > 200000) offsets.clear();
  offsets.emplace(hour, offset);
  return utc + offset;
}

void LocalDate(JsonWriter& w, std::string_view key, const Store& s, int64_t utc) {
  w.Key(key);
  w.IsoDateTime(LocalWall(s, utc));
}
void GmtDate(JsonWriter& w, std::string_view key, int64_t utc) {
  w.Key(key);
  w.IsoDateTime(utc);
}
void LocalDateOrNull(JsonWriter& w, std::string_view key, const Store& s, int64_t utc) {
  w.Key(key);
  if (utc == 0)
    w.Null();
  else
    w.IsoDateTime(LocalWall(s, utc));
}
void GmtDateOrNull(JsonWriter& w, std::string_view key, int64_t utc) {
  w.Key(key);
  if (utc == 0)
    w.Null();
  else
    w.IsoDateTime(utc);
}

void WriteAddress(JsonWriter& w, const Person& p, bool billing) {
  w.BeginObject();
  w.Str("first_name", p.first);
  w.Str("last_name", p.last);
  w.Str("company", p.company);
  w.Str("address_1", billing ? p.address_1 : p.ship_address_1);
  w.Str("address_2", billing ? std::string_view(p.address_2) : std::string_view());
  w.Str("city", billing ? p.city : p.ship_city);
  w.Str("state", billing ? p.state : p.ship_state);
  w.Str("postcode", billing ? p.postcode : p.ship_postcode);
  w.Str("country", p.country);
  if (billing) w.Str("email", p.email);
  w.Str("phone", p.phone);
  w.EndObject();
}

void WriteTaxEntry(JsonWriter& w, uint8_t rate, int64_t total, const int64_t* subtotal) {
  w.BeginObject();
  w.Num("id", Store::Rate(rate).id);
  w.Money("total", total);
  if (subtotal != nullptr)
    w.Money("subtotal", *subtotal);
  else
    w.Str("subtotal", "");
  w.EndObject();
}

void WriteLineItem(JsonWriter& w, const RenderContext& ctx, const LineItem& li, uint32_t item_id,
                   int sign, uint32_t refunded_item_id, int qty_override, uint8_t tax_rate) {
  const Store& s = ctx.store;
  const Product* p = s.FindProduct(li.product);
  const Variation* v = li.variation ? s.FindVariation(li.variation) : nullptr;
  // The item keeps its name; a permanently deleted product leaves no sku, image or parent.
  const bool gone = p == nullptr || p->purged;
  const int qty = qty_override > 0 ? qty_override : li.qty;
  int64_t subtotal = li.subtotal, total = li.total, subtotal_tax = li.subtotal_tax,
          total_tax = li.total_tax;
  if (qty != li.qty) {
    subtotal = li.subtotal / li.qty * qty;
    total = li.total / li.qty * qty;
    subtotal_tax = li.subtotal_tax / li.qty * qty;
    total_tax = li.total_tax / li.qty * qty;
  }
  w.BeginObject();
  w.Num("id", item_id);
  std::string name = p ? p->name : "Deleted product";
  if (v != nullptr) {
    name += " - ";
    name += Store::ColorName(v->color);
    name += ", ";
    name += Store::SizeName(v->size);
  }
  w.Str("name", name);
  w.Num("product_id", li.product);
  w.Num("variation_id", li.variation);
  w.Num("quantity", sign * qty);
  w.Str("tax_class", "");
  w.Money("subtotal", sign * subtotal);
  w.Money("subtotal_tax", sign * subtotal_tax);
  w.Money("total", sign * total);
  w.Money("total_tax", sign * total_tax);
  w.Key("taxes");
  w.BeginArray();
  if (tax_rate != 0 && sign > 0) WriteTaxEntry(w, tax_rate, total_tax, &subtotal_tax);
  w.EndArray();
  w.Key("meta_data");
  w.BeginArray();
  const uint64_t meta_base = static_cast<uint64_t>(item_id) * 8;
  if (v != nullptr) {
    const std::string color = Store::ColorName(v->color), size = Store::SizeName(v->size);
    WriteMetaItem(w, meta_base, "pa_color", LowerAscii(color), "Color", color);
    WriteMetaItem(w, meta_base + 1, "pa_size", LowerAscii(size), "Size", size);
  }
  char num[24];
  if (sign > 0) {
    const std::string_view q(num, static_cast<size_t>(std::to_chars(num, num + 24, qty).ptr - num));
    WriteMetaItem(w, meta_base + 2, "_reduced_stock", q, "_reduced_stock", q);
  } else {
    const std::string_view r(
        num, static_cast<size_t>(std::to_chars(num, num + 24, refunded_item_id).ptr - num));
    WriteMetaItem(w, meta_base + 3, "_refunded_item_id", r, "_refunded_item_id", r);
  }
  w.EndArray();
  std::string sku = gone ? "" : p->sku;
  if (v != nullptr && !gone) {
    sku += "-";
    sku += Store::ColorName(v->color);
    sku += "-";
    sku += Store::SizeName(v->size);
    UpperAsciiInPlace(sku);
  }
  w.Str("sku", sku);
  w.Key("price");
  w.MoneyNumber(qty > 0 ? total / qty : 0);
  w.Key("image");
  w.BeginObject();
  if (!gone) {
    // As recorded: the image id is a string for simple products, a number for variations.
    w.Key("id");
    if (v != nullptr) {
      w.Int(p->image_id);
    } else {
      const std::string_view id(
          num, static_cast<size_t>(std::to_chars(num, num + 24, p->image_id).ptr - num));
      w.String(id);
    }
    std::string src;
    AppendImageUrl(src, ctx, *p);
    w.Str("src", src);
  } else {
    w.Str("id", "");
    w.Str("src", "");
  }
  w.EndObject();
  w.Key("parent_name");
  if (v != nullptr && !gone)
    w.String(p->name);
  else
    w.Null();
  w.EndObject();
}

void WriteFeeLine(JsonWriter& w, uint32_t id, int64_t fee, int64_t fee_tax, uint8_t rate, int sign,
                  uint32_t refunded_item_id) {
  w.BeginObject();
  w.Num("id", id);
  w.Str("name", "Gift wrapping");
  w.Str("tax_class", "");
  w.Str("tax_status", "taxable");
  w.Str("amount", "");
  w.Money("total", sign * fee);
  w.Money("total_tax", sign * fee_tax);
  w.Key("taxes");
  w.BeginArray();
  if (rate != 0) WriteTaxEntry(w, rate, sign * fee_tax, nullptr);
  w.EndArray();
  w.Key("meta_data");
  w.BeginArray();
  if (sign < 0) {
    const std::string r = std::to_string(refunded_item_id);
    WriteMetaItem(w, static_cast<uint64_t>(id) * 8 + 3, "_refunded_item_id", r, "_refunded_item_id",
                  r);
  }
  w.EndArray();
  w.EndObject();
}

void WriteShippingLine(JsonWriter& w, uint32_t id, const Order& o, int sign,
                       uint32_t refunded_item_id) {
  w.BeginObject();
  w.Num("id", id);
  w.Str("method_title", ShippingTitle(o.shipping_method));
  w.Str("method_id", ShippingId(o.shipping_method));
  w.Str("instance_id", "");
  w.Money("total", sign * o.shipping);
  w.Money("total_tax", sign * o.shipping_tax);
  w.Key("taxes");
  w.BeginArray();
  if (o.tax_rate != 0 && sign > 0) WriteTaxEntry(w, o.tax_rate, o.shipping_tax, nullptr);
  w.EndArray();
  w.Str("tax_status", "taxable");
  w.Key("meta_data");
  w.BeginArray();
  if (sign < 0) {
    const std::string ref = std::to_string(refunded_item_id);
    WriteMetaItem(w, static_cast<uint64_t>(id) * 8 + 3, "_refunded_item_id", ref,
                  "_refunded_item_id", ref);
  }
  w.EndArray();
  w.EndObject();
}

template <typename F>
Json ToJson(F&& write) {
  std::string s;
  s.reserve(4096);
  JsonWriter w(&s);
  write(w);
  return Json::parse(s);
}

}  // namespace

std::string LocalIso(const Store& s, int64_t utc) {
  return LocalDateTime::FromEpochSecondsAsUtc(LocalWall(s, utc)).ToString();
}
std::string GmtIso(int64_t utc) { return LocalDateTime::FromEpochSecondsAsUtc(utc).ToString(); }
Json LocalOrNull(const Store& s, int64_t utc) {
  return utc == 0 ? Json(nullptr) : Json(LocalIso(s, utc));
}
Json GmtOrNull(int64_t utc) { return utc == 0 ? Json(nullptr) : Json(GmtIso(utc)); }

const char* ProductStockStatus(const Store& s, const Product& p) {
  if (p.variable) {
    for (uint32_t vi : p.variations) {
      if (std::string_view(VariationStockStatus(s, s.variations[vi])) == "instock") {
        return "instock";
      }
    }
    return "outofstock";
  }
  if (p.manage_stock && p.stock <= 0) return "outofstock";
  return "instock";
}

const char* VariationStockStatus(const Store& s, const Variation& v) {
  if (v.manage == 1) return v.stock <= 0 ? "outofstock" : "instock";
  if (v.manage == 2) {
    const Product* p = s.FindProduct(v.parent_id);
    return p != nullptr && p->stock <= 0 ? "outofstock" : "instock";
  }
  return "instock";
}

void WriteOrder(JsonWriter& w, const RenderContext& ctx, const Order& o) {
  const Store& s = ctx.store;
  const bool guest = o.customer_id == 0;
  const Person person = s.PersonFor(o.person, guest);
  const uint64_t h = Mix(o.id * 7919ULL + s.options.seed);
  std::string order_key = "wc_order_";
  AppendAlnum(order_key, h, 13, false);
  std::string base = ctx.home;
  base += "/wp-json/";
  base += ctx.ns;
  base += "/orders";
  w.BeginObject();
  w.Num("id", o.id);
  w.Num("parent_id", 0);
  w.Str("status", StatusSlug(o.status));
  w.Str("currency", s.options.currency);
  w.Str("version", ctx.wc_version);
  w.Flag("prices_include_tax", false);
  LocalDate(w, "date_created", s, o.created);
  LocalDate(w, "date_modified", s, o.modified);
  int64_t discount_tax = 0;
  for (uint32_t i = 0; i < o.n_items; ++i) {
    const LineItem& li = s.items[o.first_item + i];
    discount_tax += li.subtotal_tax - li.total_tax;
  }
  w.Money("discount_total", o.discount);
  w.Money("discount_tax", discount_tax);
  w.Money("shipping_total", o.shipping);
  w.Money("shipping_tax", o.shipping_tax);
  w.Money("cart_tax", o.cart_tax);
  w.Money("total", o.total);
  w.Money("total_tax", static_cast<int64_t>(o.cart_tax) + o.shipping_tax);
  w.Num("customer_id", o.customer_id);
  w.Str("order_key", order_key);
  w.Key("billing");
  WriteAddress(w, person, true);
  w.Key("shipping");
  WriteAddress(w, person, false);
  const bool wcpay = s.options.woopayments;
  if (o.payment == Payment::kCard || o.payment == Payment::kApplePay) {
    w.Str("payment_method", wcpay ? PaymentId(o.payment) : "stripe");
    w.Str("payment_method_title", wcpay ? PaymentTitle(o.payment) : "Credit Card (Stripe)");
  } else {
    w.Str("payment_method", PaymentId(o.payment));
    w.Str("payment_method_title", PaymentTitle(o.payment));
  }
  std::string txn;
  if (o.paid != 0) {
    if (IsWooPayments(o.payment)) {
      txn = "pi_3";
      AppendAlnum(txn, h >> 3, 23, false);
    } else if (o.payment == Payment::kPaypal) {
      AppendAlnum(txn, h >> 5, 17, true);
    }
  }
  w.Str("transaction_id", txn);
  char ip[32];
  const int ip_len =
      std::snprintf(ip, sizeof ip, "192.0.2.%u", static_cast<unsigned>(1 + (h >> 9) % 254));
  w.Str("customer_ip_address", std::string_view(ip, static_cast<size_t>(ip_len)));
  static constexpr std::array<const char*, 3> kAgents = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/126.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.5 Safari/605.1.15"};
  w.Str("customer_user_agent", kAgents[(h >> 13) % kAgents.size()]);
  w.Str("created_via", "checkout");
  w.Str("customer_note", (h >> 17) % 23 == 0 ? "Please leave at the back door." : "");
  LocalDateOrNull(w, "date_completed", s, o.completed);
  LocalDateOrNull(w, "date_paid", s, o.paid);
  w.Str("cart_hash", "");
  char num[24];
  w.Str("number",
        std::string_view(num, static_cast<size_t>(std::to_chars(num, num + 24, o.id).ptr - num)));
  w.EmptyArray("meta_data");
  const uint8_t rate = o.tax_rate;
  w.Key("line_items");
  w.BeginArray();
  for (uint32_t i = 0; i < o.n_items; ++i) {
    WriteLineItem(w, ctx, s.items[o.first_item + i], o.first_item_id + i, 1, 0, 0, rate);
  }
  w.EndArray();
  const uint32_t shipping_item_id = o.first_item_id + o.n_items;
  w.Key("tax_lines");
  w.BeginArray();
  if (rate != 0) {
    const TaxRate& r = Store::Rate(rate);
    w.BeginObject();
    w.Num("id", shipping_item_id + 1);
    std::string code = std::string(r.country) + "-" + r.state + "-" + r.label + "-1";
    UpperAsciiInPlace(code);
    w.Str("rate_code", code);
    w.Num("rate_id", r.id);
    w.Str("label", r.label);
    w.Flag("compound", false);
    w.Money("tax_total", o.cart_tax);
    w.Money("shipping_tax_total", o.shipping_tax);
    w.Key("rate_percent");
    w.Double(static_cast<double>(r.basis_points) / 100.0);
    w.EmptyArray("meta_data");
    w.EndObject();
  }
  w.EndArray();
  w.Key("shipping_lines");
  w.BeginArray();
  WriteShippingLine(w, shipping_item_id, o, 1, 0);
  w.EndArray();
  const uint32_t cid = shipping_item_id + (rate != 0 ? 2 : 1);
  w.Key("fee_lines");
  w.BeginArray();
  if (o.fee != 0) WriteFeeLine(w, cid + (o.coupon ? 1 : 0), o.fee, o.fee_tax, rate, 1, 0);
  w.EndArray();
  w.Key("coupon_lines");
  w.BeginArray();
  if (o.coupon != 0) {
    const Coupon& c = s.coupons[o.coupon - 1];
    w.BeginObject();
    w.Num("id", cid);
    w.Str("code", c.code);
    // Whole amounts are rendered without decimals, as recorded ("5").
    auto plain = [](int64_t cents) {
      return cents % 100 == 0 ? std::to_string(cents / 100) : Cents(cents);
    };
    w.Str("discount", plain(o.discount));
    w.Str("discount_tax", plain(discount_tax));
    const int64_t nominal = c.type == CouponType::kPercent ? c.amount : c.amount / 100;
    std::string info =
        "[" + std::to_string(c.id) + ",\"" + c.code + "\"," +
        (c.type == CouponType::kFixedCart ? std::string("null")
                                          : "\"" + std::string(CouponTypeSlug(c.type)) + "\"") +
        "," + std::to_string(nominal) + "]";
    w.Key("meta_data");
    w.BeginArray();
    WriteMetaItem(w, static_cast<uint64_t>(cid) * 8, "coupon_info", info, "coupon_info", info);
    w.EndArray();
    w.Str("discount_type", CouponTypeSlug(c.type));
    w.Num("nominal_amount", nominal);
    w.Flag("free_shipping", false);
    w.EndObject();
  }
  w.EndArray();
  w.Key("refunds");
  w.BeginArray();
  for (uint32_t r = o.last_refund; r != 0; r = s.refunds[r - 1].prev_same_order) {
    const Refund& rf = s.refunds[r - 1];
    w.BeginObject();
    w.Num("id", rf.id);
    w.Str("reason", Store::RefundReason(rf.reason));
    w.Money("total", -static_cast<int64_t>(rf.amount));
    w.EndObject();
  }
  w.EndArray();
  {
    std::string url = ctx.home;
    url += "/checkout/order-pay/";
    AppendUint(url, o.id);
    url += "/?pay_for_order=true&key=";
    url += order_key;
    w.Str("payment_url", url);
  }
  const bool editable = o.status == OrderStatus::kPending || o.status == OrderStatus::kOnHold ||
                        o.status == OrderStatus::kCheckoutDraft;
  w.Flag("is_editable", editable);
  w.Flag("needs_payment", o.status == OrderStatus::kPending || o.status == OrderStatus::kFailed);
  w.Flag("needs_processing", true);
  GmtDate(w, "date_created_gmt", o.created);
  GmtDate(w, "date_modified_gmt", o.modified);
  GmtDateOrNull(w, "date_completed_gmt", o.completed);
  GmtDateOrNull(w, "date_paid_gmt", o.paid);
  w.Str("currency_symbol", s.options.currency == "EUR"   ? "€"
                           : s.options.currency == "GBP" ? "£"
                                                         : "$");
  w.Key("_links");
  w.BeginObject();
  std::string self = base;
  self += '/';
  AppendUint(self, o.id);
  WriteSelfLink(w, self, kAllowAll);
  WriteHrefLink(w, "collection", base);
  w.Key("email_templates");
  w.BeginArray();
  w.BeginObject();
  w.Flag("embeddable", true);
  w.Str("href", self + "/actions/email_templates");
  w.EndObject();
  w.EndArray();
  if (!guest) {
    std::string customer = ctx.home;
    customer += "/wp-json/";
    customer += ctx.ns;
    customer += "/customers/";
    AppendUint(customer, o.customer_id);
    WriteHrefLink(w, "customer", customer);
  }
  w.EndObject();
  w.EndObject();
}

void WriteRefund(JsonWriter& w, const RenderContext& ctx, const Refund& r, bool with_parent_id) {
  const Store& s = ctx.store;
  const Order& o = s.orders[r.order_index];
  w.BeginObject();
  w.Num("id", r.id);
  if (with_parent_id) w.Num("parent_id", r.order_id);
  LocalDate(w, "date_created", s, r.created);
  GmtDate(w, "date_created_gmt", r.created);
  w.Money("amount", r.amount);
  w.Str("reason", Store::RefundReason(r.reason));
  w.Num("refunded_by", 1);
  w.Flag("refunded_payment", IsWooPayments(o.payment) || o.payment == Payment::kPaypal);
  w.EmptyArray("meta_data");
  w.Key("line_items");
  w.BeginArray();
  if (r.kind == RefundKind::kOneItem) {
    WriteLineItem(w, ctx, s.items[o.first_item + r.line], r.first_item_id, -1,
                  o.first_item_id + r.line, 1, o.tax_rate);
  } else if (r.kind == RefundKind::kFull) {
    for (uint32_t i = 0; i < o.n_items; ++i) {
      WriteLineItem(w, ctx, s.items[o.first_item + i], r.first_item_id + i, -1, o.first_item_id + i,
                    0, o.tax_rate);
    }
  }
  w.EndArray();
  w.Key("shipping_lines");
  w.BeginArray();
  if (r.kind == RefundKind::kFull) {
    WriteShippingLine(w, r.first_item_id + o.n_items, o, -1, o.first_item_id + o.n_items);
  }
  w.EndArray();
  w.EmptyArray("tax_lines");
  w.Key("fee_lines");
  w.BeginArray();
  if (r.kind == RefundKind::kFull && o.fee != 0) {
    const uint32_t orig_fee =
        o.first_item_id + o.n_items + 1 + (o.tax_rate ? 1 : 0) + (o.coupon ? 1 : 0);
    WriteFeeLine(w, r.first_item_id + o.n_items + 1, o.fee, o.fee_tax, o.tax_rate, -1, orig_fee);
  }
  w.EndArray();
  std::string order_url = ctx.home;
  order_url += "/wp-json/";
  order_url += ctx.ns;
  order_url += "/orders/";
  AppendUint(order_url, r.order_id);
  w.Key("_links");
  w.BeginObject();
  std::string self = order_url + "/refunds/";
  AppendUint(self, r.id);
  WriteSelfLink(w, self, kAllowGetDelete);
  WriteHrefLink(w, "collection", order_url + "/refunds");
  WriteHrefLink(w, "up", order_url);
  w.EndObject();
  w.EndObject();
}

namespace {
void WriteImage(JsonWriter& w, const RenderContext& ctx, const Product& p) {
  const Store& s = ctx.store;
  w.BeginObject();
  w.Num("id", p.image_id);
  LocalDate(w, "date_created", s, p.created - 3600);
  GmtDate(w, "date_created_gmt", p.created - 3600);
  LocalDate(w, "date_modified", s, p.created - 3600);
  GmtDate(w, "date_modified_gmt", p.created - 3600);
  std::string src;
  AppendImageUrl(src, ctx, p);
  w.Str("src", src);
  w.Str("name", p.name);
  w.Str("alt", p.name);
  w.EndObject();
}

std::string PriceHtml(int64_t cents) {
  return "<span class=\"woocommerce-Price-amount amount\"><bdi><span "
         "class=\"woocommerce-Price-currencySymbol\">&#36;</span>" +
         Cents(cents) + "</bdi></span>";
}

std::string Dimension(uint64_t h, int lo, int span) {
  return std::to_string(lo + static_cast<int>(h % static_cast<uint64_t>(span)));
}
}  // namespace

void WriteProduct(JsonWriter& w, const RenderContext& ctx, const Product& p) {
  const Store& s = ctx.store;
  const uint64_t h = Mix(p.id * 31ULL + s.options.seed);
  const Category& cat = s.categories[p.category];
  w.BeginObject();
  w.Num("id", p.id);
  w.Str("name", p.name);
  w.Str("slug", p.slug);
  w.Str("permalink", ctx.home + "/product/" + p.slug + "/");
  LocalDate(w, "date_created", s, p.created);
  GmtDate(w, "date_created_gmt", p.created);
  LocalDate(w, "date_modified", s, p.modified);
  GmtDate(w, "date_modified_gmt", p.modified);
  w.Str("type", p.variable ? "variable" : "simple");
  w.Str("status", p.trashed ? "trash" : "publish");
  w.Flag("featured", h % 9 == 0);
  w.Str("catalog_visibility", "visible");
  w.Str("description", "<p>" + p.name +
                           " is built for real trail miles: durable materials, thoughtful details "
                           "and a design refined by our gear testers.</p>\n");
  w.Str("short_description", "<p>" + p.name + " from our " + cat.slug + " range.</p>\n");
  w.Str("sku", p.sku);
  int64_t price = p.sale_cents ? p.sale_cents : p.regular_cents;
  if (p.variable && !p.variations.empty()) {
    price = INT64_MAX;
    for (uint32_t vi : p.variations) {
      const Variation& v = s.variations[vi];
      price = std::min(price, v.sale_cents ? v.sale_cents : v.regular_cents);
    }
  }
  w.Money("price", price);
  if (p.variable)
    w.Str("regular_price", "");
  else
    w.Money("regular_price", p.regular_cents);
  if (p.variable || p.sale_cents == 0)
    w.Str("sale_price", "");
  else
    w.Money("sale_price", p.sale_cents);
  w.NullField("date_on_sale_from");
  w.NullField("date_on_sale_from_gmt");
  w.NullField("date_on_sale_to");
  w.NullField("date_on_sale_to_gmt");
  w.Flag("on_sale", p.sale_cents != 0);
  w.Flag("purchasable", true);
  w.Num("total_sales", p.total_sales);
  w.Flag("virtual", p.downloadable);
  w.Flag("downloadable", p.downloadable);
  w.Key("downloads");
  w.BeginArray();
  if (p.downloadable) {
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "%08x-%04x-4%03x-b%03x-%012llx", static_cast<unsigned>(h),
                  static_cast<unsigned>((h >> 32) & 0xffff),
                  static_cast<unsigned>((h >> 48) & 0xfff),
                  static_cast<unsigned>((h >> 20) & 0xfff),
                  static_cast<unsigned long long>(Mix(h) & 0xffffffffffffULL));
    w.BeginObject();
    w.Str("id", uuid);
    w.Str("name", p.name + " (PDF)");
    w.Str("file", ctx.home + "/wp-content/uploads/downloads/" + p.image_slug + ".pdf");
    w.EndObject();
  }
  w.EndArray();
  w.Num("download_limit", -1);
  w.Num("download_expiry", -1);
  w.Str("external_url", "");
  w.Str("button_text", "");
  w.Str("tax_status", "taxable");
  w.Str("tax_class", "");
  w.Flag("manage_stock", p.manage_stock);
  w.Key("stock_quantity");
  if (p.manage_stock)
    w.Int(p.stock);
  else
    w.Null();
  w.Str("backorders", "no");
  w.Flag("backorders_allowed", false);
  w.Flag("backordered", false);
  w.Key("low_stock_amount");
  if (p.low_stock_amount)
    w.Int(p.low_stock_amount);
  else
    w.Null();
  w.Flag("sold_individually", false);
  char weight[16];
  std::snprintf(weight, sizeof weight, "%.2f", p.weight_g / 1000.0);
  w.Str("weight", weight);
  w.Key("dimensions");
  w.BeginObject();
  w.Str("length", Dimension(h, 6, 30));
  w.Str("width", Dimension(h >> 8, 4, 16));
  w.Str("height", Dimension(h >> 16, 2, 8));
  w.EndObject();
  w.Flag("shipping_required", !p.downloadable);
  w.Flag("shipping_taxable", !p.downloadable);
  w.Str("shipping_class", "");
  w.Num("shipping_class_id", 0);
  w.Flag("reviews_allowed", true);
  char rating[16];
  std::snprintf(rating, sizeof rating, "%.2f",
                p.rating_count ? static_cast<double>(p.rating_sum) / p.rating_count : 0.0);
  w.Str("average_rating", rating);
  w.Num("rating_count", p.rating_count);
  w.EmptyArray("upsell_ids");
  w.EmptyArray("cross_sell_ids");
  w.Num("parent_id", 0);
  w.Str("purchase_note", "");
  w.Key("categories");
  w.BeginArray();
  w.BeginObject();
  w.Num("id", cat.id);
  w.Str("name", cat.name);
  w.Str("slug", cat.slug);
  w.EndObject();
  w.EndArray();
  w.EmptyArray("brands");
  w.EmptyArray("tags");
  w.Key("images");
  w.BeginArray();
  WriteImage(w, ctx, p);
  w.EndArray();
  w.Key("attributes");
  w.BeginArray();
  if (p.variable) {
    uint8_t min_color = 255;
    for (uint32_t vi : p.variations) min_color = std::min(min_color, s.variations[vi].color);
    auto attribute = [&](int id, const char* name, const char* slug, int position, bool colors) {
      w.BeginObject();
      w.Num("id", id);
      w.Str("name", name);
      w.Str("slug", slug);
      w.Num("position", position);
      w.Flag("visible", true);
      w.Flag("variation", true);
      w.Key("options");
      w.BeginArray();
      if (colors) {
        for (uint8_t c = 0; c < p.colors; ++c) w.String(Store::ColorName(min_color + c));
      } else {
        for (uint8_t z = 0; z < p.sizes; ++z) w.String(Store::SizeName(z));
      }
      w.EndArray();
      w.EndObject();
    };
    attribute(1, "Color", "pa_color", 0, true);
    attribute(2, "Size", "pa_size", 1, false);
  }
  w.EndArray();
  w.EmptyArray("default_attributes");
  w.Key("variations");
  w.BeginArray();
  if (p.variable) {
    for (uint32_t vi : p.variations) w.Int(s.variations[vi].id);
  }
  w.EndArray();
  w.EmptyArray("grouped_products");
  w.Num("menu_order", 0);
  w.Str("price_html", PriceHtml(price));
  w.Key("related_ids");
  w.BeginArray();
  int related = 0;
  for (const auto& other : s.products) {
    if (related >= 3) break;
    if (other.id != p.id && other.category == p.category && !other.trashed) {
      w.Int(other.id);
      ++related;
    }
  }
  w.EndArray();
  w.EmptyArray("meta_data");
  w.Str("stock_status", ProductStockStatus(s, p));
  w.Flag("has_options", p.variable);
  w.Str("post_password", "");
  w.Str("global_unique_id", "");
  std::string base = ctx.home;
  base += "/wp-json/";
  base += ctx.ns;
  base += "/products";
  w.Key("_links");
  w.BeginObject();
  std::string self = base + "/";
  AppendUint(self, p.id);
  WriteSelfLink(w, self, kAllowAll);
  WriteHrefLink(w, "collection", base);
  w.EndObject();
  w.EndObject();
}

void WriteVariation(JsonWriter& w, const RenderContext& ctx, const Variation& v) {
  const Store& s = ctx.store;
  const Product* p = s.FindProduct(v.parent_id);
  const std::string color = Store::ColorName(v.color);
  const std::string size = Store::SizeName(v.size);
  w.BeginObject();
  w.Num("id", v.id);
  w.Str("type", "variation");
  LocalDate(w, "date_created", s, v.created);
  GmtDate(w, "date_created_gmt", v.created);
  LocalDate(w, "date_modified", s, v.modified);
  GmtDate(w, "date_modified_gmt", v.modified);
  w.Str("description", "");
  w.Str("permalink", ctx.home + "/product/" + (p ? p->slug : "") + "/?attribute_pa_color=" +
                         LowerAscii(color) + "&attribute_pa_size=" + LowerAscii(size));
  std::string sku = (p ? p->sku : "") + "-" + color + "-" + size;
  UpperAsciiInPlace(sku);
  w.Str("sku", sku);
  w.Str("global_unique_id", "");
  w.Money("price", v.sale_cents ? v.sale_cents : v.regular_cents);
  w.Money("regular_price", v.regular_cents);
  if (v.sale_cents)
    w.Money("sale_price", v.sale_cents);
  else
    w.Str("sale_price", "");
  w.NullField("date_on_sale_from");
  w.NullField("date_on_sale_from_gmt");
  w.NullField("date_on_sale_to");
  w.NullField("date_on_sale_to_gmt");
  w.Flag("on_sale", v.sale_cents != 0);
  w.Str("status", "publish");
  w.Flag("purchasable", true);
  w.Flag("virtual", false);
  w.Flag("downloadable", false);
  w.EmptyArray("downloads");
  w.Num("download_limit", -1);
  w.Num("download_expiry", -1);
  w.Str("tax_status", "taxable");
  w.Str("tax_class", "");
  if (v.manage == 2) {
    w.Str("manage_stock", "parent");
    w.Key("stock_quantity");
    if (p)
      w.Int(p->stock);
    else
      w.Null();
  } else {
    w.Flag("manage_stock", v.manage == 1);
    w.Key("stock_quantity");
    if (v.manage == 1)
      w.Int(v.stock);
    else
      w.Null();
  }
  w.Str("stock_status", VariationStockStatus(s, v));
  w.Str("backorders", "no");
  w.Flag("backorders_allowed", false);
  w.Flag("backordered", false);
  w.NullField("low_stock_amount");
  char weight[16];
  std::snprintf(weight, sizeof weight, "%.2f", p ? p->weight_g / 1000.0 : 0.0);
  w.Str("weight", weight);
  w.Key("dimensions");
  w.BeginObject();
  w.Str("length", "");
  w.Str("width", "");
  w.Str("height", "");
  w.EndObject();
  w.Str("shipping_class", "");
  w.Num("shipping_class_id", 0);
  w.Key("image");
  if (p)
    WriteImage(w, ctx, *p);
  else
    w.Null();
  w.Key("attributes");
  w.BeginArray();
  w.BeginObject();
  w.Num("id", 1);
  w.Str("name", "Color");
  w.Str("slug", "pa_color");
  w.Str("option", color);
  w.EndObject();
  w.BeginObject();
  w.Num("id", 2);
  w.Str("name", "Size");
  w.Str("slug", "pa_size");
  w.Str("option", size);
  w.EndObject();
  w.EndArray();
  w.Num("menu_order", 0);
  w.EmptyArray("meta_data");
  w.Str("name", color + ", " + size);
  w.Num("parent_id", v.parent_id);
  std::string parent = ctx.home;
  parent += "/wp-json/";
  parent += ctx.ns;
  parent += "/products/";
  AppendUint(parent, v.parent_id);
  w.Key("_links");
  w.BeginObject();
  std::string self = parent + "/variations/";
  AppendUint(self, v.id);
  WriteSelfLink(w, self, kAllowAll);
  WriteHrefLink(w, "collection", parent + "/variations");
  WriteHrefLink(w, "up", parent);
  w.EndObject();
  w.EndObject();
}

void WriteCustomer(JsonWriter& w, const RenderContext& ctx, const Customer& c) {
  const Store& s = ctx.store;
  Person p = s.PersonFor(c.id, false);
  if (c.staff) {
    p.first = c.id == 1 ? "Store" : "Shop";
    p.last = c.id == 1 ? "Admin" : "Manager";
    p.email = c.id == 1 ? "admin@example.com" : "manager@example.com";
  }
  w.BeginObject();
  w.Num("id", c.id);
  LocalDate(w, "date_created", s, c.created);
  GmtDate(w, "date_created_gmt", c.created);
  LocalDate(w, "date_modified", s, c.modified);
  GmtDate(w, "date_modified_gmt", c.modified);
  w.Str("email", p.email);
  w.Str("first_name", p.first);
  w.Str("last_name", p.last);
  w.Str("role", c.staff ? (c.id == 1 ? "administrator" : "shop_manager") : "customer");
  std::string username = LowerAscii(p.first) + "_" + LowerAscii(p.last);
  if (!c.staff) AppendUint(username, c.id);
  w.Str("username", username);
  w.Key("billing");
  w.BeginObject();
  w.Str("first_name", p.first);
  w.Str("last_name", p.last);
  w.Str("company", p.company);
  w.Str("address_1", p.address_1);
  w.Str("address_2", p.address_2);
  w.Str("city", p.city);
  w.Str("postcode", p.postcode);
  w.Str("country", p.country);
  w.Str("state", p.state);
  w.Str("email", p.email);
  w.Str("phone", p.phone);
  w.EndObject();
  w.Key("shipping");
  w.BeginObject();
  w.Str("first_name", p.first);
  w.Str("last_name", p.last);
  w.Str("company", p.company);
  w.Str("address_1", p.ship_address_1);
  w.Str("address_2", "");
  w.Str("city", p.ship_city);
  w.Str("postcode", p.ship_postcode);
  w.Str("country", p.country);
  w.Str("state", p.ship_state);
  w.Str("phone", p.phone);
  w.EndObject();
  w.Flag("is_paying_customer", c.paying);
  const uint64_t h = Mix(c.id * 131ULL + s.options.seed);
  std::string avatar = "https://secure.gravatar.com/avatar/";
  for (int i = 0; i < 64; ++i)
    avatar.push_back(
        "0123456789abcdef"[(Mix(h + static_cast<uint64_t>(i / 16)) >> ((i % 16) * 4)) & 15]);
  avatar += "?s=96&d=mm&r=g";
  w.Str("avatar_url", avatar);
  w.Key("meta_data");
  w.BeginArray();
  w.BeginObject();
  w.Key("id");
  w.Uint(c.id * 97ULL);
  w.Str("key", "wc_last_active");
  w.Str("value", std::to_string(c.modified / 86400 * 86400));
  w.EndObject();
  w.EndArray();
  if (ctx.ns == "wc/v2") {
    int64_t count = 0, spent = 0;
    for (const auto& o : s.orders) {
      if (o.customer_id != c.id) continue;
      ++count;
      if (o.status == OrderStatus::kCompleted || o.status == OrderStatus::kProcessing ||
          o.status == OrderStatus::kOnHold) {
        spent += o.total - o.refunded;
      }
    }
    w.Num("orders_count", count);
    w.Money("total_spent", spent);
  }
  std::string base = ctx.home;
  base += "/wp-json/";
  base += ctx.ns;
  base += "/customers";
  w.Key("_links");
  w.BeginObject();
  std::string self = base + "/";
  AppendUint(self, c.id);
  WriteSelfLink(w, self, kAllowAll);
  WriteHrefLink(w, "collection", base);
  w.EndObject();
  w.EndObject();
}

void WriteCoupon(JsonWriter& w, const RenderContext& ctx, const Coupon& c) {
  const Store& s = ctx.store;
  w.BeginObject();
  w.Num("id", c.id);
  w.Str("code", c.code);
  w.Money("amount", c.type == CouponType::kPercent ? c.amount * 100 : c.amount);
  w.Str("status", c.trashed ? "trash" : "publish");
  LocalDate(w, "date_created", s, c.created);
  GmtDate(w, "date_created_gmt", c.created);
  LocalDate(w, "date_modified", s, c.modified);
  GmtDate(w, "date_modified_gmt", c.modified);
  w.Str("discount_type", CouponTypeSlug(c.type));
  w.Str("description", c.description);
  LocalDateOrNull(w, "date_expires", s, c.expires);
  GmtDateOrNull(w, "date_expires_gmt", c.expires);
  w.Num("usage_count", c.usage_count);
  w.Flag("individual_use", false);
  w.EmptyArray("product_ids");
  w.EmptyArray("excluded_product_ids");
  w.NullField("usage_limit");
  w.NullField("usage_limit_per_user");
  w.NullField("limit_usage_to_x_items");
  w.Flag("free_shipping", false);
  w.EmptyArray("product_categories");
  w.EmptyArray("excluded_product_categories");
  w.Flag("exclude_sale_items", c.type == CouponType::kPercent);
  w.Str("minimum_amount", "0.00");
  w.Str("maximum_amount", "0.00");
  w.EmptyArray("email_restrictions");
  // used_by: one entry per use (user id or guest email), capped to keep bodies sane.
  w.Key("used_by");
  w.BeginArray();
  if (!w.Discarding()) {
    const uint16_t cidx = static_cast<uint16_t>(&c - s.coupons.data() + 1);
    int used = 0;
    char num[24];
    for (const auto& o : s.orders) {
      if (used >= 500) break;
      if (o.coupon != cidx || o.status == OrderStatus::kCancelled ||
          o.status == OrderStatus::kFailed || o.status == OrderStatus::kCheckoutDraft) {
        continue;
      }
      ++used;
      if (o.customer_id != 0) {
        w.String(std::string_view(
            num, static_cast<size_t>(std::to_chars(num, num + 24, o.customer_id).ptr - num)));
      } else {
        w.String(s.PersonFor(o.person, true).email);
      }
    }
  }
  w.EndArray();
  w.EmptyArray("meta_data");
  std::string base = ctx.home;
  base += "/wp-json/";
  base += ctx.ns;
  base += "/coupons";
  w.Key("_links");
  w.BeginObject();
  std::string self = base + "/";
  AppendUint(self, c.id);
  WriteSelfLink(w, self, kAllowAll);
  WriteHrefLink(w, "collection", base);
  w.EndObject();
  w.EndObject();
}

Json OrderJson(const RenderContext& ctx, const Order& o) {
  return ToJson([&](JsonWriter& w) { WriteOrder(w, ctx, o); });
}
Json RefundJson(const RenderContext& ctx, const Refund& r, bool with_parent_id) {
  return ToJson([&](JsonWriter& w) { WriteRefund(w, ctx, r, with_parent_id); });
}
Json ProductJson(const RenderContext& ctx, const Product& p) {
  return ToJson([&](JsonWriter& w) { WriteProduct(w, ctx, p); });
}
Json VariationJson(const RenderContext& ctx, const Variation& v) {
  return ToJson([&](JsonWriter& w) { WriteVariation(w, ctx, v); });
}
Json CustomerJson(const RenderContext& ctx, const Customer& c) {
  return ToJson([&](JsonWriter& w) { WriteCustomer(w, ctx, c); });
}
Json CouponJson(const RenderContext& ctx, const Coupon& c) {
  return ToJson([&](JsonWriter& w) { WriteCoupon(w, ctx, c); });
}

Json CategoryJson(const RenderContext& ctx, const Category& c, int count) {
  Json j = Json::object();
  j["id"] = c.id;
  j["name"] = c.name;
  j["slug"] = c.slug;
  j["parent"] = c.parent;
  j["description"] = c.description;
  j["display"] = "default";
  j["image"] = nullptr;
  j["menu_order"] = c.menu_order;
  j["count"] = count;
  const std::string base = ctx.home + "/wp-json/" + ctx.ns + "/products/categories";
  Json links = Json::object();
  links["self"] =
      SelfLink(base + "/" + std::to_string(c.id), Allow({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  links["collection"] = HrefLink(base);
  if (c.parent != 0) links["up"] = HrefLink(base + "/" + std::to_string(c.parent));
  j["_links"] = std::move(links);
  return j;
}

Json ReviewJson(const RenderContext& ctx, const Review& r) {
  const Store& s = ctx.store;
  const Product* p = s.FindProduct(r.product_id);
  const Person person = s.PersonFor(r.person, false);
  Json j = Json::object();
  j["id"] = r.id;
  j["date_created"] = LocalIso(s, r.created);
  j["date_created_gmt"] = GmtIso(r.created);
  j["product_id"] = r.product_id;
  j["product_name"] = p ? p->name : "";
  j["product_permalink"] = ctx.home + "/product/" + (p ? p->slug : "") + "/";
  j["status"] = "approved";
  j["reviewer"] = person.first + " " + person.last.substr(0, 1) + ".";
  j["reviewer_email"] = person.email;
  static constexpr std::array<const char*, 5> kText = {
      "Broke on the second trip.", "Not great, not terrible.",
      "Okay. Does the job but nothing special.", "Solid piece of kit.",
      "Excellent - would buy again!"};
  j["review"] = std::string("<p>") + kText[(r.rating + 4) % 5] + "</p>\n";
  j["rating"] = r.rating;
  j["verified"] = true;
  const std::string avatar = "https://secure.gravatar.com/avatar/" + Alnum(r.id * 3ULL, 32, false);
  j["reviewer_avatar_urls"] = Json{{"24", avatar + "?s=24&d=mm&r=g"},
                                   {"48", avatar + "?s=48&d=mm&r=g"},
                                   {"96", avatar + "?s=96&d=mm&r=g"}};
  const std::string base = ctx.home + "/wp-json/" + ctx.ns + "/products/reviews";
  Json links = Json::object();
  links["self"] =
      SelfLink(base + "/" + std::to_string(r.id), Allow({"GET", "POST", "PUT", "PATCH", "DELETE"}));
  links["collection"] = HrefLink(base);
  links["up"] =
      HrefLink(ctx.home + "/wp-json/" + ctx.ns + "/products/" + std::to_string(r.product_id));
  j["_links"] = std::move(links);
  return j;
}

Json OrderNotesJson(const RenderContext& ctx, const Order& o) {
  const Store& s = ctx.store;
  struct Note {
    int64_t when;
    std::string text;
  };
  std::vector<Note> notes;
  if (o.paid != 0) {
    notes.push_back({o.paid, std::string("Order status changed from Pending payment to ") +
                                 (o.status == OrderStatus::kOnHold ? "On hold." : "Processing.")});
  }
  if (o.completed != 0)
    notes.push_back({o.completed, "Order status changed from Processing to Completed."});
  for (uint32_t r = o.last_refund; r != 0; r = s.refunds[r - 1].prev_same_order) {
    const Refund& rf = s.refunds[r - 1];
    notes.push_back(
        {rf.created, "Refunded $" + Cents(rf.amount) + " - " + Store::RefundReason(rf.reason)});
  }
  if (o.status == OrderStatus::kRefunded) {
    notes.push_back({o.modified, "Order status changed from Completed to Refunded."});
  }
  if (o.status == OrderStatus::kCancelled || o.status == OrderStatus::kFailed) {
    notes.push_back({o.modified, std::string("Order status changed from Pending payment to ") +
                                     StatusName(o.status) + "."});
  }
  std::stable_sort(notes.begin(), notes.end(),
                   [](const Note& a, const Note& b) { return a.when > b.when; });
  const std::string base = ctx.home + "/wp-json/" + ctx.ns + "/orders/" + std::to_string(o.id);
  Json arr = Json::array();
  for (size_t i = 0; i < notes.size(); ++i) {
    const uint64_t id = static_cast<uint64_t>(o.id) * 4 + (notes.size() - i);
    Json j = Json::object();
    j["id"] = id;
    j["author"] = "WooCommerce";
    j["date_created"] = LocalIso(s, notes[i].when);
    j["date_created_gmt"] = GmtIso(notes[i].when);
    j["note"] = notes[i].text;
    j["customer_note"] = false;
    Json links = Json::object();
    links["self"] = SelfLink(base + "/notes/" + std::to_string(id), Allow({"GET", "DELETE"}));
    links["collection"] = HrefLink(base + "/notes");
    links["up"] = HrefLink(base);
    j["_links"] = std::move(links);
    arr.push_back(std::move(j));
  }
  return arr;
}

namespace {
constexpr std::array<const char*, 5> kDisputeReasons = {
    "fraudulent", "product_not_received", "duplicate", "credit_not_processed", "general"};
constexpr std::array<const char*, 4> kDisputeStatuses = {"needs_response", "under_review", "won",
                                                         "lost"};
std::string DateTimeSpace(int64_t utc) {
  std::string s = GmtIso(utc);
  s[10] = ' ';
  return s;
}
}  // namespace

Json TransactionJson(const RenderContext& ctx, const Txn& t) {
  const Store& s = ctx.store;
  const Order& o = s.orders[t.order_index];
  const Person p = s.PersonFor(o.person, o.customer_id == 0);
  const uint64_t h = Mix(o.id * 7919ULL + s.options.seed);
  Json j = Json::object();
  const char* type = t.type == TxnType::kCharge   ? "charge"
                     : t.type == TxnType::kRefund ? "refund"
                                                  : "dispute";
  j["transaction_id"] =
      std::string("txn_") + Alnum(h + static_cast<uint64_t>(t.created), 24, false);
  j["type"] = type;
  j["date"] = DateTimeSpace(t.created);
  j["source"] = o.payment == Payment::kApplePay ? "apple_pay" : "visa";
  j["source_identifier"] = std::to_string(1000 + h % 9000);
  j["source_device"] = nullptr;
  j["channel"] = "online";
  j["customer_name"] = p.first + " " + p.last;
  j["customer_email"] = p.email;
  j["customer_country"] = p.country;
  j["customer_currency"] = LowerAscii(s.options.currency);
  j["customer_amount"] = t.amount;
  j["currency"] = LowerAscii(s.options.currency);
  j["amount"] = t.amount;
  j["fees"] = t.fee;
  j["net"] = t.amount - t.fee;
  j["exchange_rate"] = nullptr;
  j["amount_in_usd"] = t.amount;
  j["risk_level"] = static_cast<int>((h >> 20) % 20 == 0 ? 1 : 0);
  j["charge_id"] = "ch_3" + Alnum(h >> 3, 23, false);
  j["payment_intent_id"] = "pi_3" + Alnum(h >> 3, 23, false);
  j["order_id"] = o.id;
  j["order"] =
      Json{{"number", std::to_string(o.id)},
           {"url", ctx.home + "/wp-admin/post.php?post=" + std::to_string(o.id) + "&action=edit"},
           {"customer_url", ctx.home + "/wp-admin/admin.php?page=wc-admin&path=/customers"},
           {"subscriptions", Json::array()}};
  j["loan_id"] = nullptr;
  j["deposit_id"] = t.deposit ? Json("po_" + Alnum(t.deposit * 1009ULL + s.options.seed, 24, false))
                              : Json(nullptr);
  j["deposit_status"] = t.deposit
                            ? Json(s.deposits[t.deposit - 1].status == 0 ? "paid" : "in_transit")
                            : Json("pending");
  j["available_on"] = GmtIso((t.created + 2 * kDay) / kDay * kDay).substr(0, 10);
  return j;
}

Json DepositJson(const RenderContext& ctx, const Deposit& d, size_t index) {
  const Store& s = ctx.store;
  Json j = Json::object();
  j["id"] = "po_" + Alnum((index + 1) * 1009ULL + s.options.seed, 24, false);
  j["date"] = d.date * 1000;
  j["type"] = d.amount >= 0 ? "deposit" : "withdrawal";
  j["amount"] = d.amount;
  static constexpr std::array<const char*, 3> kStatus = {"paid", "pending", "in_transit"};
  j["status"] = kStatus[d.status % 3];
  j["bankAccount"] = "STRIPE TEST BANK •••• 6789 (" + s.options.currency + ")";
  j["currency"] = LowerAscii(s.options.currency);
  j["automatic"] = true;
  j["fee"] = 0;
  j["fee_percentage"] = 0;
  j["created"] = d.created;
  return j;
}

Json DisputeJson(const RenderContext& ctx, const Dispute& d, size_t index) {
  const Store& s = ctx.store;
  const Order& o = s.orders[d.order_index];
  const Person p = s.PersonFor(o.person, o.customer_id == 0);
  const uint64_t h = Mix(o.id * 7919ULL + s.options.seed);
  Json j = Json::object();
  j["wcpay_disputes_cache_id"] = index + 1;
  j["stripe_account_id"] = "acct_" + Alnum(s.options.seed * 77, 16, false);
  j["dispute_id"] = "dp_" + Alnum(h >> 7, 24, false);
  j["charge_id"] = "ch_3" + Alnum(h >> 3, 23, false);
  j["amount"] = d.amount;
  j["currency"] = LowerAscii(s.options.currency);
  j["reason"] = kDisputeReasons[d.reason % kDisputeReasons.size()];
  j["source"] = o.payment == Payment::kApplePay ? "apple_pay" : "visa";
  j["order_number"] = o.id;
  j["order"] =
      Json{{"number", std::to_string(o.id)},
           {"url", ctx.home + "/wp-admin/post.php?post=" + std::to_string(o.id) + "&action=edit"},
           {"customer_url", ctx.home + "/wp-admin/admin.php?page=wc-admin&path=/customers"},
           {"subscriptions", Json::array()}};
  j["customer_name"] = p.first + " " + p.last;
  j["customer_email"] = p.email;
  j["customer_country"] = p.country;
  j["status"] = kDisputeStatuses[d.status % kDisputeStatuses.size()];
  j["created"] = DateTimeSpace(d.created);
  j["due_by"] = DateTimeSpace(d.due_by);
  return j;
}

}  // namespace clever::wcsim
